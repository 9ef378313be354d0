//! Unit tests of learning circles.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use chrono::NaiveDate;

use super::*;

fn input() -> CircleInput {
    let pairs = [
        ("titel", "Wijkaanpak volhouden"),
        (
            "omschrijving",
            "Samen leren hoe een wijkaanpak vijftien jaar blijft lopen.",
        ),
        (
            "leervragen",
            "Hoe houden we de wijkaanpak vol?\n\n  Wie betaalt na vier jaar?  ",
        ),
        ("doelgroepen", "beleidsmakers"),
        ("sectoren", "sociaal-domein"),
        ("sectoren", "veiligheid"),
        ("vorm", "intervisie"),
        ("ritme", "elke zes weken"),
        ("looptijd", "een jaar"),
        ("begeleiding", "ik"),
        ("toegang", "open"),
        ("themas", "langjarige-wijkaanpak"),
        ("vraagstuk", "wijkaanpak-lange-termijn"),
    ];
    CircleInput::new(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

#[test]
fn a_complete_form_parses() {
    let tax = Taxonomy::builtin();
    let c = input().parse(&tax).unwrap();
    assert_eq!(c.leervragen.len(), 2);
    assert_eq!(c.leervragen[1], "Wie betaalt na vier jaar?");
    assert_eq!(c.toegang, Access::Open);
    assert_eq!(c.status, CircleStatus::Ingediend);
    assert!(!c.single_sector());
    assert!(c.works_on("langjarige-wijkaanpak", &tax));
}

#[test]
fn errors_name_each_field() {
    let tax = Taxonomy::builtin();
    let i = input()
        .with("titel", " ")
        .with("vorm", "borrel")
        .with("toegang", "geheim")
        .with("themas", "bestaat-niet")
        .with("leervragen", "");
    let e = i.parse(&tax).unwrap_err();
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    for f in ["titel", "vorm", "toegang", "themas", "leervragen"] {
        assert!(fields.contains(&f), "{f}: {fields:?}");
    }
}

#[test]
fn single_sector_is_noticed() {
    let tax = Taxonomy::builtin();
    let i = input().with("sectoren", "veiligheid");
    assert!(i.parse(&tax).unwrap().single_sector());
}

#[test]
fn meetings_and_links_are_checked() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    let m = parse_meeting("2027-01-12", "19:30", "Start", "Online", today).unwrap();
    assert_eq!(m.tijd.unwrap().to_string(), "19:30:00");
    let e = parse_meeting("2026-12-01", "25:00", "", "Online", today).unwrap_err();
    assert_eq!(e.len(), 3);
    assert!(parse_link("Verslag", "https://voorbeeld.nl/v").is_ok());
    assert!(parse_link("Verslag", "javascript:alert(1)").is_err());
    let a = parse_announcement(" Volgende keer ", " Neem je casus mee. ").unwrap();
    assert_eq!(
        (a.onderwerp.as_str(), a.tekst.as_str()),
        ("Volgende keer", "Neem je casus mee.")
    );
    let e = parse_announcement("", &"x".repeat(5001)).unwrap_err();
    let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["onderwerp", "tekst"]);
    assert_eq!(e[0].reason, "Vul het onderwerp in.");
    assert!(
        e[1].reason.contains("5001 tekens, hoogstens 5000"),
        "{}",
        e[1].reason
    );
    assert!(parse_announcement(&"x".repeat(201), "Tekst").is_err());
}

#[test]
fn facets_widen_within_and_narrow_across() {
    let tax = Taxonomy::builtin();
    let a = input().parse(&tax).unwrap();
    let mut b = a.clone();
    b.vorm = "werkbezoek".into();
    b.doelgroepen = vec!["bewoners".into()];
    let all = vec![a, b];
    let mut f = CircleFilter::default();
    f.chosen.push((CircleFacet::Vorm, "intervisie".into()));
    assert_eq!(all.iter().filter(|c| f.keeps(c)).count(), 1);
    assert_eq!(f.count(&all, CircleFacet::Vorm, "werkbezoek"), 1);
    f.chosen.push((CircleFacet::Vorm, "werkbezoek".into()));
    assert_eq!(all.iter().filter(|c| f.keeps(c)).count(), 2);
    f.chosen.push((CircleFacet::Doelgroep, "bewoners".into()));
    assert_eq!(all.iter().filter(|c| f.keeps(c)).count(), 1);
    assert_eq!(f.count(&all, CircleFacet::Doelgroep, "beleidsmakers"), 1);
}
