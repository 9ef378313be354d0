//! Import and export through the command line: all-or-nothing imports with a Dutch report,
//! byte-identical round trips.

use std::path::Path;

use super::helpers::{cli, fixture, shared_data};

fn demo(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/demo")
        .join(name)
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn export(db: &Path, what: &str, format: &str) -> String {
    let out = cli(db, &["export", what, "--format", format]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn sample_data_imports_completely() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    for (what, file) in [
        ("taxonomie", "taxonomy.json"),
        ("aanbod", "catalog.jsonl"),
        ("leervragen", "demand.jsonl"),
    ] {
        let out = cli(&db, &["import", what, data.join(file).to_str().unwrap()]);
        assert!(out.status.success(), "{what}: {}", stderr(&out));
    }
    assert_eq!(export(&db, "aanbod", "jsonl").lines().count(), 170);
    let demand = std::fs::read_to_string(data.join("demand.jsonl")).unwrap();
    assert_eq!(
        export(&db, "leervragen", "jsonl").lines().count(),
        demand.lines().filter(|l| !l.trim().is_empty()).count()
    );
}

#[test]
fn export_round_trip_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "csv"] {
        let first = dir.path().join(format!("first-{format}.db"));
        assert!(cli(
            &first,
            &["import", "aanbod", demo("aanbod.jsonl").to_str().unwrap()]
        )
        .status
        .success());
        assert!(cli(
            &first,
            &[
                "import",
                "leervragen",
                demo("leervragen.jsonl").to_str().unwrap()
            ]
        )
        .status
        .success());
        for what in ["aanbod", "leervragen"] {
            let exported = export(&first, what, format);
            let file = dir.path().join(format!("{what}.{format}"));
            std::fs::write(&file, &exported).unwrap();
            let second = dir.path().join(format!("second-{what}-{format}.db"));
            let out = cli(&second, &["import", what, file.to_str().unwrap()]);
            assert!(out.status.success(), "{}", stderr(&out));
            assert_eq!(export(&second, what, format), exported, "{what} {format}");
        }
    }
}

fn good_line(id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(demo("aanbod.jsonl")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    v["id"] = id.into();
    v
}

#[test]
fn invalid_file_is_rejected_with_line_and_field_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    assert!(cli(
        &db,
        &[
            "import",
            "aanbod",
            fixture("search.jsonl").to_str().unwrap()
        ]
    )
    .status
    .success());
    let before = export(&db, "aanbod", "jsonl");

    let mut lines = vec![good_line("nieuw-goed").to_string()]; // line 1: valid, must not be written
    lines.push("{dit is geen json".to_string()); // 2
    let mut v = good_line("fout-thema");
    v["themas"] = serde_json::json!(["bestaat-niet"]);
    lines.push(v.to_string()); // 3
    let mut v = good_line("fout-sector");
    v["sectoren"] = serde_json::json!(["ruimtevaart"]);
    lines.push(v.to_string()); // 4
    let mut v = good_line("fout-vorm");
    v["vorm"] = "toneelstuk".into();
    lines.push(v.to_string()); // 5
    let mut v = good_line("fout-titel");
    v.as_object_mut().unwrap().remove("titel");
    lines.push(v.to_string()); // 6
    lines.push(good_line("nieuw-goed").to_string()); // 7: duplicate id
    let mut v = good_line("fout-datum");
    v["startdatum"] = "2027-02-30".into();
    lines.push(v.to_string()); // 8
    let mut v = good_line("fout-samenvatting");
    v["samenvatting"] = "x".repeat(301).into();
    lines.push(v.to_string()); // 9
    let mut v = good_line("fout-url");
    v["url"] = "http://onveilig.example/".into();
    lines.push(v.to_string()); // 10
    let file = dir.path().join("fout.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();

    let out = cli(&db, &["import", "aanbod", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report = stderr(&out);
    for expected in [
        "regel 2: ongeldige JSON",
        "regel 3, veld 'themas': onbekende waarde 'bestaat-niet'",
        "regel 4, veld 'sectoren': onbekende waarde 'ruimtevaart'",
        "regel 5, veld 'vorm': onbekende waarde 'toneelstuk'",
        "regel 6, veld 'titel': verplicht veld",
        "regel 7, veld 'id': dubbel id 'nieuw-goed' (ook op regel 1)",
        "regel 8, veld 'startdatum': ongeldige datum",
        "regel 9, veld 'samenvatting': te lang: 301 tekens",
        "regel 10, veld 'url': moet een volledige https-URL zijn",
    ] {
        assert!(
            report.contains(expected),
            "missing «{expected}» in:\n{report}"
        );
    }
    assert!(!report.contains("regel 1,"), "line 1 is valid:\n{report}");
    assert_eq!(
        export(&db, "aanbod", "jsonl"),
        before,
        "database changed by a rejected import"
    );
}

#[test]
fn csv_errors_name_the_line_and_dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let csv = "id,vraag,doelgroep,sector,gemeente,themas,datum\n\
               lv-1,Hoe pak je overlast aan?,bewoners,,Utrecht,jeugd-en-veiligheid;ondermijning,2026-01-05\n\
               lv-2,Wat doe je aan schulden?,iedereen,,,armoede-en-schulden,2026-13-01\n";
    let file = dir.path().join("vragen.csv");
    std::fs::write(&file, csv).unwrap();
    let out = cli(&db, &["import", "leervragen", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report = stderr(&out);
    assert!(
        report.contains("regel 3, veld 'doelgroep': onbekende waarde 'iedereen'"),
        "{report}"
    );
    assert!(
        report.contains("regel 3, veld 'datum': ongeldige datum"),
        "{report}"
    );
    assert_eq!(export(&db, "leervragen", "jsonl"), "");

    let good = dir.path().join("goed.csv");
    std::fs::write(&good, &csv[..csv.find("lv-2").unwrap()]).unwrap();
    let out = cli(
        &db,
        &["import", "leervragen", "--dry-run", good.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("leervragen gecontroleerd: geen problemen (niets geschreven)."),
        "{}",
        stderr(&out)
    );
    assert_eq!(export(&db, "leervragen", "jsonl"), "");
    assert!(cli(&db, &["import", "leervragen", good.to_str().unwrap()])
        .status
        .success());
    let exported = export(&db, "leervragen", "jsonl");
    assert!(
        exported.contains(r#""themas":["jeugd-en-veiligheid","ondermijning"]"#),
        "{exported}"
    );
}

#[test]
fn upsert_replaces_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("u.db");
    let mut v = good_line("een-aanbod");
    let file = dir.path().join("a.jsonl");
    std::fs::write(&file, v.to_string()).unwrap();
    assert!(cli(&db, &["import", "aanbod", file.to_str().unwrap()])
        .status
        .success());
    v["titel"] = "Nieuwe titel".into();
    std::fs::write(&file, v.to_string()).unwrap();
    assert!(cli(&db, &["import", "aanbod", file.to_str().unwrap()])
        .status
        .success());
    let exported = export(&db, "aanbod", "jsonl");
    assert_eq!(exported.lines().count(), 1);
    assert!(exported.contains("Nieuwe titel"));
}

#[test]
fn regions_are_imported_in_their_vocabulary_spelling_and_unknown_ones_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let mut lines = Vec::new();
    for (id, regio) in [
        ("in-brabant", "Brabant"),
        ("in-den-bosch", "Den Bosch"),
        ("klein-geschreven", "noord-brabant"),
    ] {
        let mut v = good_line(id);
        v["regio"] = regio.into();
        lines.push(v.to_string());
    }
    let good = dir.path().join("goed.jsonl");
    std::fs::write(&good, lines.join("\n")).unwrap();
    let out = cli(&db, &["import", "aanbod", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let exported = export(&db, "aanbod", "jsonl");
    let regions: Vec<(String, String)> = exported
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["regio"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(regions.contains(&("in-brabant".into(), "Noord-Brabant".into())));
    assert!(regions.contains(&("in-den-bosch".into(), "'s-Hertogenbosch".into())));
    assert!(regions.contains(&("klein-geschreven".into(), "Noord-Brabant".into())));

    let mut v = good_line("nog-een");
    v["regio"] = "Noord-Brabant".into();
    let mut bad = good_line("onbekend");
    bad["regio"] = "Lutjebroek-Zuid".into();
    let file = dir.path().join("fout.jsonl");
    std::fs::write(&file, format!("{v}\n{bad}\n")).unwrap();
    let out = cli(&db, &["import", "aanbod", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report = stderr(&out);
    assert!(
        report.contains("regel 2, veld 'regio': onbekende regio 'Lutjebroek-Zuid'"),
        "{report}"
    );
    assert_eq!(export(&db, "aanbod", "jsonl"), exported, "nothing applied");
}
