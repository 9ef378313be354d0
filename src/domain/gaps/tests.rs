//! Unit tests of the gap analysis.

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default()
}
use crate::domain::taxonomy::Term;

/// A term labelled by its slug in capitals.
pub(super) fn term(slug: &str) -> Term {
    Term {
        slug: slug.into(),
        label: slug.to_uppercase(),
        description: String::new(),
    }
}

fn tax() -> Taxonomy {
    Taxonomy {
        themas: vec![term("a"), term("b"), term("c")],
        doelgroepen: vec![term("bewoners"), term("beleidsmakers")],
        sectoren: vec![term("zorg"), term("veiligheid"), term("wonen")],
        vormen: vec![term("training")],
        vraagstukken: vec![],
    }
}

/// An online training for policymakers on one theme.
pub(super) fn offering(id: &str, theme: &str, sectors: &[&str], provider: &str) -> Offering {
    Offering {
        aanbieder: provider.into(),
        themas: vec![theme.into()],
        doelgroepen: vec!["beleidsmakers".into()],
        sectoren: sectors.iter().map(|s| s.to_string()).collect(),
        url: "https://a.example".into(),
        ..crate::domain::offering::example(id)
    }
}

struct Data {
    offerings: Vec<Offering>,
    themes: Vec<Vec<String>>,
}

impl Data {
    fn demand(&self) -> Vec<DemandItem<'_>> {
        self.themes
            .iter()
            .map(|t| DemandItem {
                themas: t,
                doelgroep: Some("bewoners"),
                beantwoord: None,
                mogelijk: false,
            })
            .collect()
    }
}

/// Theme a: much demand, one single-sector offering. Theme b: demand met by cross-sector
/// supply. Theme c: little demand.
fn data() -> Data {
    let mut offerings = vec![offering("a1", "a", &["zorg"], "Zorg Org")];
    for i in 0..6 {
        offerings.push(offering(
            &format!("b{i}"),
            "b",
            &["zorg", "veiligheid"],
            &format!("Org {i}"),
        ));
    }
    offerings.push(offering("c1", "c", &["wonen", "zorg"], "Woon Org"));
    let mut themes = vec![vec!["a".to_string()]; 8];
    themes.extend(vec![vec!["b".to_string()]; 6]);
    themes.push(vec!["c".to_string()]);
    Data { offerings, themes }
}

#[test]
fn a_theme_with_much_demand_and_one_sided_supply_is_a_gap() {
    let d = data();
    let refs: Vec<&Offering> = d.offerings.iter().collect();
    let g = gaps(&tax(), &refs, &d.demand(), &Thresholds::default(), today());
    assert_eq!(g.len(), 1, "{g:?}");
    assert_eq!(g[0].thema, "a");
    assert!(g[0].cijfers.te_weinig_aanbod && g[0].cijfers.eenzijdig_aanbod);
    assert!(g[0].uitleg.contains("8 leervragen"), "{}", g[0].uitleg);
    assert!(
        g[0].uitleg.contains("alleen gericht op de eigen sector"),
        "{}",
        g[0].uitleg
    );
    assert!(
        g[0].uitleg.contains("geen aanbod voor bewoners"),
        "{}",
        g[0].uitleg
    );
}

#[test]
fn cross_sector_supply_ends_a_gap_and_new_demand_starts_one() {
    let mut d = data();
    for i in 0..6 {
        d.offerings.push(offering(
            &format!("a-x{i}"),
            "a",
            &["zorg", "wonen"],
            &format!("Nieuw {i}"),
        ));
    }
    let refs: Vec<&Offering> = d.offerings.iter().collect();
    assert!(
        gaps(&tax(), &refs, &d.demand(), &Thresholds::default(), today())
            .iter()
            .all(|g| g.thema != "a")
    );
    d.themes.extend(vec![vec!["c".to_string()]; 12]);
    let refs: Vec<&Offering> = d.offerings.iter().collect();
    let g = gaps(&tax(), &refs, &d.demand(), &Thresholds::default(), today());
    assert_eq!(g[0].thema, "c", "{g:?}");
}

#[test]
fn unanswered_questions_count_and_raise_the_score() {
    let d = data();
    let refs: Vec<&Offering> = d.offerings.iter().collect();
    let mut answered = d.demand();
    for q in answered.iter_mut().take(8) {
        q.beantwoord = Some(true);
    }
    let base = gaps(&tax(), &refs, &answered, &Thresholds::default(), today());
    let mut demand = d.demand();
    for q in demand.iter_mut().take(4) {
        q.beantwoord = Some(false);
    }
    for q in demand.iter_mut().skip(4).take(4) {
        q.beantwoord = Some(true);
    }
    let g = gaps(&tax(), &refs, &demand, &Thresholds::default(), today());
    assert_eq!(g[0].cijfers.onbeantwoord, 0.5);
    assert!(base.is_empty() || g[0].score > base[0].score, "{base:?}");
    assert!(g[0].uitleg.contains("50%"), "{}", g[0].uitleg);
    let b = &g[0].cijfers.beoordeling;
    assert!(b.onbeantwoord_laag < 0.5 && b.onbeantwoord_hoog > 0.5);
    assert!(b.score_laag < b.score && b.score < b.score_hoog);
}

#[test]
fn ended_offerings_are_history_not_supply() {
    let mut d = data();
    let mut ended = offering("a-old", "a", &["zorg", "wonen"], "Oud");
    ended.einddatum = NaiveDate::from_ymd_opt(2026, 10, 31);
    let mut upcoming = offering("a-new", "a", &["zorg", "wonen"], "Nieuw");
    upcoming.startdatum = NaiveDate::from_ymd_opt(2027, 2, 1);
    upcoming.einddatum = NaiveDate::from_ymd_opt(2027, 3, 1);
    let mut today_ends = offering("a-today", "a", &["zorg"], "Vandaag");
    today_ends.einddatum = Some(today());
    d.offerings.extend([ended, upcoming, today_ends]);
    let refs: Vec<&Offering> = d.offerings.iter().collect();
    let f = theme_figures(&tax(), &refs, &d.demand(), &Thresholds::default(), today());
    assert_eq!(
        f[0].aanbod, 3,
        "a1, the upcoming one and the one ending today"
    );
    assert_eq!(f[0].beeindigd, 1);
    assert_eq!(f[0].domeinoverstijgend, 0.33);
    // A day later the one of today is history too.
    let later = today() + chrono::Duration::days(1);
    let f = theme_figures(&tax(), &refs, &d.demand(), &Thresholds::default(), later);
    assert_eq!((f[0].aanbod, f[0].beeindigd), (2, 2));
}

#[test]
fn residents_organisations_are_an_audience_not_a_domain() {
    let own = offering("x", "a", &["sociaal-domein", "bewonersorganisaties"], "X");
    assert!(!is_cross_domain(&own));
    assert_eq!(professional_domains(&own), 1);
    let two = offering("y", "a", &["sociaal-domein", "veiligheid"], "Y");
    assert!(is_cross_domain(&two));
    let three = offering("z", "a", &["bewonersorganisaties", "zorg", "wonen"], "Z");
    assert!(is_cross_domain(&three));
}

#[test]
fn a_gap_is_per_target_group_too() {
    // Theme a: demand from policymakers; supply only for professionals.
    let mut offerings = Vec::new();
    for i in 0..4 {
        let mut o = offering(&format!("w{i}"), "a", &["zorg", "wonen"], "W");
        o.doelgroepen = vec!["bewoners".into()];
        offerings.push(o);
    }
    offerings.push(offering("b1", "b", &["zorg", "wonen"], "B"));
    let themes = vec![vec!["a".to_string()]; 6];
    let mut demand: Vec<DemandItem> = themes
        .iter()
        .map(|t| DemandItem {
            themas: t,
            doelgroep: Some("beleidsmakers"),
            beantwoord: Some(false),
            mogelijk: false,
        })
        .collect();
    let b = vec!["b".to_string()];
    demand.push(DemandItem {
        themas: &b,
        doelgroep: Some("bewoners"),
        beantwoord: None,
        mogelijk: false,
    });
    let refs: Vec<&Offering> = offerings.iter().collect();
    let t = Thresholds::default();
    let f = theme_figures(&tax(), &refs, &demand, &t, today());
    let policy = &f[0].per_doelgroep[1];
    assert_eq!(policy.doelgroep, "beleidsmakers");
    assert_eq!((policy.vraag, policy.aanbod), (6, 0));
    assert_eq!(policy.beoordeling.label, Label::Gap);
    assert!(
        policy
            .beoordeling
            .wat_verandert
            .contains("leeraanbod voor beleidsmakers"),
        "{}",
        policy.beoordeling.wat_verandert
    );
    assert_ne!(f[0].per_doelgroep[0].beoordeling.label, Label::Gap);
    let cells = group_gaps(&f);
    assert_eq!(cells.len(), 1);
    assert_eq!(
        (cells[0].thema.as_str(), cells[0].doelgroep.as_str()),
        ("a", "beleidsmakers")
    );
    // One more offering for residents does not help policymakers.
    let mut more = offerings.clone();
    let mut o = offering("w9", "a", &["zorg", "wonen"], "W");
    o.doelgroepen = vec!["bewoners".into()];
    more.push(o);
    let refs: Vec<&Offering> = more.iter().collect();
    let f = theme_figures(&tax(), &refs, &demand, &t, today());
    assert_eq!(f[0].per_doelgroep[1].beoordeling.label, Label::Gap);
    let g = gaps_from(&f, &tax());
    assert!(
        g.iter().all(|g| g.thema != "a") || g[0].uitleg.contains("Een lacune voor beleidsmakers")
    );
}

#[test]
fn one_offering_or_question_moves_every_theme_and_cell_label_at_most_one_step() {
    let d = data();
    let t = Thresholds::default();
    let labels = |offerings: &[Offering], themes: &[Vec<String>], groups: &[&str]| {
        let refs: Vec<&Offering> = offerings.iter().collect();
        let demand: Vec<DemandItem> = themes
            .iter()
            .zip(groups.iter().cycle())
            .map(|(t, g)| DemandItem {
                themas: t,
                doelgroep: Some(g),
                beantwoord: None,
                mogelijk: false,
            })
            .collect();
        theme_figures(&tax(), &refs, &demand, &t, today())
            .iter()
            .flat_map(|f| {
                std::iter::once(f.verdict())
                    .chain(f.per_doelgroep.iter().map(|g| g.beoordeling.label))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let groups = ["bewoners", "beleidsmakers"];
    let mut offerings = d.offerings.clone();
    let mut themes = d.themes.clone();
    let mut seen = std::collections::BTreeSet::new();
    for step in 0..60 {
        let before = labels(&offerings, &themes, &groups);
        seen.extend(before.iter().copied());
        let theme = ["a", "b", "c"][step % 3].to_string();
        if step % 2 == 0 {
            themes.push(vec![theme]);
        } else {
            let sectors: &[&str] = if step % 4 == 1 {
                &["zorg"]
            } else {
                &["zorg", "wonen"]
            };
            offerings.push(offering(&format!("n{step}"), &theme, sectors, "N"));
        }
        let after = labels(&offerings, &themes, &groups);
        for (b, a) in before.iter().zip(&after) {
            assert!(b.steps(*a) <= 1, "step {step}: {before:?} → {after:?}");
        }
    }
    assert_eq!(seen.len(), 3, "all three labels occur: {seen:?}");
}

#[test]
fn partnerships_pair_providers_from_different_sectors() {
    let mut d = data();
    d.offerings
        .push(offering("a2", "a", &["veiligheid"], "Politie Academie"));
    let refs: Vec<&Offering> = d.offerings.iter().collect();
    let p = partnerships("a", &refs, &tax(), 5);
    assert!(!p.is_empty());
    assert!(p.iter().all(|x| x.sectoren[0] != x.sectoren[1]));
    assert!(
        p[0].aanbieders.contains(&"Politie Academie".to_string())
            || p[0].aanbieders.contains(&"Zorg Org".to_string())
    );
}
