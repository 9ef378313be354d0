//! Unit tests of peer matching.

use super::*;

fn q(
    id: &str,
    vraag: &str,
    doelgroep: &str,
    sector: &str,
    gemeente: &str,
    themas: &[&str],
) -> LearningQuestion {
    LearningQuestion {
        id: id.into(),
        vraag: vraag.into(),
        doelgroep: Some(doelgroep.into()),
        sector: Some(sector.into()),
        gemeente: Some(gemeente.into()),
        themas: themas.iter().map(|t| t.to_string()).collect(),
        datum: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
    }
}

fn sample() -> PeerIndex {
    let qs = vec![
        q("a", "Hoe werken wijkteam, school en corporatie samen bij signalen over gezinnen met schulden?", "wijkprofessionals", "sociaal-domein", "Utrecht", &["preventief-signaleren"]),
        q("b", "Signalen over schulden komen bij de corporatie binnen, maar we delen ze niet met het wijkteam. Hoe kan dat beter?", "wijkprofessionals", "wonen", "Dijkmeer", &["preventief-signaleren"]),
        q("c", "Hoe organiseren we een buurtfeest zodat nieuwe bewoners de buurt leren kennen?", "bewoners", "bewonersorganisaties", "Venlo", &["vertrouwen-en-verbinding"]),
        q("d", "Hoe delen wijkteam en corporatie signalen over schulden? Hoe doen andere gemeenten dat?", "beleidsmakers", "sociaal-domein", "Utrecht", &["preventief-signaleren"]),
        q("e", "Wij willen een buurtfeest organiseren zodat oude en nieuwe bewoners elkaar leren kennen.", "bewoners", "bewonersorganisaties", "Assen", &["vertrouwen-en-verbinding"]),
        q("f", "Welke training over ondermijning is er voor wijkagenten?", "wijkprofessionals", "veiligheid", "Breda", &["ondermijning"]),
        q("g", "Hoe pakken we zwerfafval rond de containers aan?", "wijkprofessionals", "openbare-ruimte", "Gouda", &["openbare-ruimte-en-beheer"]),
        q("h", "Wat werkt tegen eenzaamheid bij ouderen?", "beleidsmakers", "zorg", "Emmen", &["gezondheid"]),
    ];
    PeerIndex::new(qs, &Taxonomy::builtin(), &Thesaurus::builtin())
}

#[test]
fn similar_questions_score_higher_than_unrelated_ones() {
    let idx = sample();
    let p = PeerParams::text_only();
    assert!(idx.similarity(0, 1, &p) > idx.similarity(0, 2, &p));
    assert!(idx.similarity(2, 4, &p) > idx.similarity(2, 0, &p));
    assert!((idx.similarity(0, 1, &p) - idx.similarity(1, 0, &p)).abs() < 1e-9);
}

#[test]
fn suggests_across_municipalities_only_with_consent() {
    let idx = sample();
    let p = PeerParams::text_only();
    let got: Vec<usize> = idx
        .suggest(0, |_| true, &p)
        .iter()
        .map(|s| s.index)
        .collect();
    assert_eq!(got.first(), Some(&1), "{got:?}");
    assert!(
        !got.contains(&3),
        "same municipality (Utrecht) is never suggested"
    );
    assert!(!got.contains(&0));
    assert!(idx.suggest(0, |i| i != 1, &p).iter().all(|s| s.index != 1));
}

#[test]
fn suggests_nobody_when_nobody_is_alike() {
    let qs = vec![
        q(
            "a",
            "Hoe zet je een leerwerkbedrijf op in de wijk?",
            "beleidsmakers",
            "werk-en-inkomen",
            "Heerlen",
            &["werk-en-inkomen"],
        ),
        q(
            "b",
            "Onze school wil meer doen aan gezonde voeding.",
            "wijkprofessionals",
            "onderwijs",
            "Assen",
            &["gezondheid"],
        ),
    ];
    let idx = PeerIndex::new(qs, &Taxonomy::builtin(), &Thesaurus::builtin());
    assert!(idx
        .suggest(0, |_| true, &PeerParams::text_only())
        .is_empty());
}

#[test]
fn explanation_shows_only_what_is_consented() {
    let idx = sample();
    let full = idx.explain(
        0,
        1,
        Shown {
            role: true,
            gemeente: true,
        },
    );
    assert!(
        full.starts_with("Ook gesteld door een wijkprofessional"),
        "{full}"
    );
    assert!(full.contains("in Dijkmeer"), "{full}");
    assert!(full.contains("schulden"), "{full}");
    assert!(full.contains("Vanuit een andere rol of sector"), "{full}");
    let bare = idx.explain(0, 1, Shown::default());
    assert!(
        bare.starts_with("Ook gesteld door iemand in een andere gemeente"),
        "{bare}"
    );
    assert!(
        !bare.contains("Dijkmeer") && !bare.contains("wijkprofessional"),
        "{bare}"
    );
}

#[test]
fn working_together_prefers_another_sector() {
    let idx = sample();
    assert!(idx.about_working_together(0));
    assert!(!idx.about_working_together(2));
}

#[test]
fn clusters_group_alike_questions_with_their_municipalities() {
    let idx = sample();
    let all: Vec<usize> = (0..idx.len()).collect();
    let clusters = idx.clusters(&all, &PeerParams::clustering(), 2);
    assert_eq!(clusters.len(), 2, "{clusters:?}");
    let signals = clusters.iter().find(|c| c.members.contains(&0)).cloned();
    let Some(signals) = signals else { return };
    let mut m = signals.members.clone();
    m.sort_unstable();
    assert_eq!(m, vec![0, 1, 3]);
    assert_eq!(signals.gemeenten, 2);
    let summary = signals.summary();
    assert!(summary.starts_with("3 vragen over "), "{summary}");
    assert!(summary.ends_with(", 2 gemeenten"), "{summary}");
    assert!(
        summary.contains("signalen") || summary.contains("schulden"),
        "{summary}"
    );
}

#[test]
fn clusters_need_the_minimum_size() {
    let idx = sample();
    let all: Vec<usize> = (0..idx.len()).collect();
    assert!(idx.clusters(&all, &PeerParams::clustering(), 4).is_empty());
}

#[test]
fn scores_count_precision_and_nobody() {
    let idx = sample();
    let j1 = PeerJudgement {
        anchor: 0,
        grades: HashMap::from([(1, 2)]),
    };
    let j2 = PeerJudgement {
        anchor: 2,
        grades: HashMap::new(),
    };
    let s = score_peers(&idx, &[&j1, &j2], &PeerParams::text_only());
    assert_eq!(s.anchors, 2);
    assert_eq!(s.anchors_without_peer, 1);
    assert!(s.coverage > 0.99);
}

#[test]
fn a_question_in_common_words_is_more_typical() {
    let idx = sample();
    // "d" shares its words (signalen, schulden, wijkteam, corporatie) with "a" and "b"; "f"
    // (ondermijning, wijkagenten) with nobody.
    assert!(idx.typicality(3) > idx.typicality(5));
    assert!(idx.typicality(5) >= 0.0);
    assert!((idx.typicality(3) - idx.typicality(3)).abs() < 1e-12);
    assert_eq!(idx.typicality(99), 0.0);
}

/// Text-only parameters that suggest every peer with a score, without the typicality penalty.
fn everyone() -> PeerParams {
    PeerParams {
        w_typical: 0.0,
        threshold: 0.0,
        ratio: 0.0,
        ..PeerParams::text_only()
    }
}

#[test]
fn typicality_lowers_the_score_of_a_peer() {
    let idx = sample();
    let plain = everyone();
    let typical = PeerParams {
        w_typical: 1.0,
        ..plain
    };
    let score = |p: &PeerParams| {
        idx.suggest(0, |_| true, p)
            .into_iter()
            .find(|s| s.index == 1)
            .map(|s| s.score)
    };
    let (Some(a), Some(b)) = (score(&plain), score(&typical)) else {
        panic!("peer 1 is suggested to 0 either way");
    };
    assert!((a - b - idx.typicality(1)).abs() < 1e-9, "{a} {b}");
}

#[test]
fn shared_themes_raise_the_similarity() {
    let idx = sample();
    let words = PeerParams {
        w_theme: 0.0,
        ..PeerParams::text_only()
    };
    let themed = PeerParams {
        w_theme: 0.5,
        ..words
    };
    // "a" and "b" share their theme, "a" and "g" do not.
    assert!((idx.similarity(0, 1, &themed) - idx.similarity(0, 1, &words) - 0.5).abs() < 1e-9);
    assert!((idx.similarity(0, 6, &themed) - idx.similarity(0, 6, &words)).abs() < 1e-9);
}

#[test]
fn ratio_one_suggests_only_the_best_peer() {
    let idx = sample();
    let all = everyone();
    let best = PeerParams { ratio: 1.0, ..all };
    let many = idx.suggest(0, |_| true, &all);
    let one = idx.suggest(0, |_| true, &best);
    assert_eq!(many.len(), MAX_PEERS);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0], many[0]);
}

#[test]
fn the_evaluation_chooses_what_the_site_suggests() {
    let idx = sample();
    for p in [
        PeerParams::text_only(),
        PeerParams::default(),
        PeerParams::clustering(),
        PeerParams {
            threshold: 0.0,
            ratio: 0.8,
            ..PeerParams::text_only()
        },
    ] {
        for a in 0..idx.len() {
            let chosen = idx.choose(a, &idx.candidates(a, |_| true), &p);
            assert_eq!(chosen, idx.suggest(a, |_| true, &p), "{a} {p:?}");
        }
    }
}
