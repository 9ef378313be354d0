//! Tests of the matching engine on a small catalogue.

use super::super::analysis::stem;
use super::super::taxonomy::Term;
use super::explain::join_and;
use super::query::within_one_edit;
use super::*;

fn term(slug: &str, label: &str, description: &str) -> Term {
    Term {
        slug: slug.into(),
        label: label.into(),
        description: description.into(),
    }
}

fn taxonomy() -> Taxonomy {
    Taxonomy {
        themas: vec![
            term(
                "ondermijning",
                "Ondermijning",
                "Drugscriminaliteit en witwassen in de wijk.",
            ),
            term(
                "armoede-en-schulden",
                "Armoede en schulden",
                "Geldzorgen en schuldhulpverlening.",
            ),
            term(
                "zorg",
                "Zorg en kwetsbare bewoners",
                "Verward of onbegrepen gedrag.",
            ),
        ],
        doelgroepen: vec![
            term("bewoners", "Bewoners", ""),
            term("wijkprofessionals", "Wijkprofessionals", ""),
        ],
        sectoren: vec![
            term("veiligheid", "Veiligheid", ""),
            term("zorg", "Zorg", ""),
        ],
        vormen: vec![term("training", "Training", "")],
        vraagstukken: Vec::new(),
    }
}

fn offering(
    id: &str,
    titel: &str,
    tekst: &str,
    thema: &str,
    groep: &str,
    end: Option<&str>,
) -> Offering {
    Offering {
        titel: titel.into(),
        samenvatting: tekst.into(),
        beschrijving: format!("{tekst} In deze bijeenkomst leer je van elkaar."),
        aanbieder: "Kenniscentrum".into(),
        themas: vec![thema.into()],
        doelgroepen: vec![groep.into()],
        sectoren: vec!["veiligheid".into()],
        startdatum: end.and_then(|e| NaiveDate::parse_from_str(e, "%Y-%m-%d").ok()),
        einddatum: end.and_then(|e| NaiveDate::parse_from_str(e, "%Y-%m-%d").ok()),
        url: "https://a.example".into(),
        ..crate::domain::offering::example(id)
    }
}

fn catalogue() -> Vec<Offering> {
    vec![
        offering(
            "ondermijning-politie",
            "Ondermijning aanpakken",
            "Drugscriminaliteit en witwassen herkennen in de wijk.",
            "ondermijning",
            "wijkprofessionals",
            None,
        ),
        offering(
            "ondermijning-bewoners",
            "Ondermijning aanpakken",
            "Drugscriminaliteit en witwassen herkennen in de wijk.",
            "ondermijning",
            "bewoners",
            None,
        ),
        offering(
            "schulden",
            "Schulden en armoede",
            "Schuldhulpverlening dichtbij in de wijk.",
            "armoede-en-schulden",
            "bewoners",
            None,
        ),
        offering(
            "verward-oud",
            "Verward gedrag op straat",
            "Omgaan met verward gedrag en de-escalatie.",
            "zorg",
            "wijkprofessionals",
            Some("2025-01-10"),
        ),
        offering(
            "verward-nieuw",
            "Verward gedrag herkennen",
            "Omgaan met verward gedrag en de-escalatie.",
            "zorg",
            "wijkprofessionals",
            Some("2027-01-10"),
        ),
    ]
}

fn thesaurus() -> Thesaurus {
    Thesaurus::parse(
        "# test\ndrugsdealers, georganiseerde criminaliteit => ondermijning\n\
         geldzorgen => schulden\nonbegrepen gedrag = verward gedrag\nbuurt = wijk\n",
    )
    .unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn matcher() -> Matcher {
    Matcher::new(&catalogue(), &taxonomy(), &thesaurus(), today())
}

fn ask(vraag: &str, doelgroep: Option<&str>) -> MatchQuery {
    MatchQuery {
        vraag: vraag.into(),
        doelgroep: doelgroep.map(String::from),
        sector: None,
        themas: Vec::new(),
    }
}

fn ids(o: &MatchOutcome) -> Vec<&str> {
    o.resultaten.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn parses_thesaurus_and_reports_bad_lines() {
    let t = thesaurus();
    assert_eq!(t.len(), 2 + 1 + 2 + 2);
    assert!(Thesaurus::parse("alleen een woord")
        .unwrap_err()
        .contains("regel 1"));
    assert!(Thesaurus::parse("\n# x\nde => wijk")
        .unwrap_err()
        .contains("regel 3"));
    assert!(!Thesaurus::builtin().is_empty());
}

#[test]
fn thesaurus_bridges_question_words() {
    let m = matcher();
    let o = m.match_question(&ask("Er zijn drugsdealers actief", None), 3);
    assert!(ids(&o)[0].starts_with("ondermijning"), "{:?}", ids(&o));
    let o = m.match_question(&ask("Ik heb geldzorgen", None), 3);
    assert_eq!(ids(&o)[0], "schulden");
    let o = m.match_question(&ask("onbegrepen gedrag bij een bewoner", None), 3);
    assert!(ids(&o)[0].starts_with("verward"));
}

#[test]
fn a_word_the_thesaurus_knows_is_not_read_as_a_typo() {
    let t = Thesaurus::parse("dealen => drugscriminaliteit").unwrap();
    let mut cat = catalogue();
    let last = cat.len() - 1;
    cat[last].titel = "Signalen delen met partners".to_string();
    let m = Matcher::new(&cat, &taxonomy(), &t, today());
    let o = m.match_question(&ask("wat doe je tegen dealen", None), 10);
    let delen = o.resultaten.iter().find(|r| r.id == cat[last].id);
    assert!(
        delen.is_none_or(|r| !r.waarom.iter().any(|w| w.contains("dealen"))),
        "{delen:?}"
    );
    assert!(ids(&o)[0].starts_with("ondermijning"), "{:?}", ids(&o));
    let exp = t.expansions(&["wat".into(), "dealen".into()].map(|w: String| stem(&w)));
    assert!(exp[0].is_empty() && exp[1] == vec![vec![stem("drugscriminaliteit")]]);
}

#[test]
fn target_group_decides_between_equal_texts() {
    let m = matcher();
    let o = m.match_question(&ask("drugscriminaliteit in de wijk", Some("bewoners")), 5);
    assert_eq!(ids(&o)[0], "ondermijning-bewoners");
    assert!(o.resultaten[0]
        .waarom
        .iter()
        .any(|w| w == "Geschikt voor bewoners"));
    // The offering for another group says so.
    let police = o
        .resultaten
        .iter()
        .find(|r| r.id == "ondermijning-politie")
        .unwrap();
    assert!(
        police
            .waarom
            .iter()
            .any(|w| w.starts_with("Let op: bedoeld voor ")),
        "{:?}",
        police.waarom
    );
    assert_eq!(join_and(&["a".into(), "b".into(), "c".into()]), "a, b en c");
    let o = m.match_question(
        &ask("drugscriminaliteit in de wijk", Some("wijkprofessionals")),
        5,
    );
    assert_eq!(ids(&o)[0], "ondermijning-politie");
}

#[test]
fn current_offerings_rank_above_ended_ones() {
    let o = matcher().match_question(&ask("verward gedrag", None), 5);
    let pos = |id| ids(&o).iter().position(|x| *x == id);
    assert!(pos("verward-nieuw") < pos("verward-oud"), "{:?}", ids(&o));
    let old = o.resultaten.iter().find(|r| r.id == "verward-oud").unwrap();
    assert!(old.waarom.iter().any(|w| w.contains("afgelopen")));
}

#[test]
fn tolerates_typos_and_compounds() {
    let m = matcher();
    let o = m.match_question(&ask("schuldhulpverleneng", None), 3);
    assert_eq!(ids(&o)[0], "schulden");
    let o = m.match_question(&ask("wijkondermijning", None), 3);
    assert!(ids(&o)[0].starts_with("ondermijning"));
}

#[test]
fn explains_and_infers_themes() {
    let o = matcher().match_question(&ask("geldzorgen en schulden", None), 3);
    let w = &o.resultaten[0].waarom;
    assert!(w.iter().any(|x| x.starts_with("Komt overeen op:")), "{w:?}");
    assert!(w.iter().any(|x| x.contains("Armoede en schulden")), "{w:?}");
}

#[test]
fn says_when_nothing_fits() {
    let m = matcher();
    let o = m.match_question(&ask("fatbikes scooters stoep racen", None), 5);
    assert!(!o.passend);
    let o = m.match_question(&ask("schuldhulpverlening in de wijk", None), 5);
    assert!(o.passend, "{:?}", o.signalen);
}

#[test]
fn a_podcast_alone_is_not_a_fitting_answer() {
    let podcast = Offering {
        vorm: "podcast".into(),
        ..offering(
            "moestuin-podcast",
            "Moestuinen in de buurt",
            "Bewoners vertellen over hun moestuin op braakliggende grond.",
            "zorg",
            "bewoners",
            None,
        )
    };
    let mut cat = catalogue();
    cat.push(podcast.clone());
    let m = Matcher::new(&cat, &taxonomy(), &thesaurus(), today());
    let q = ask("moestuin op braakliggende grond", Some("bewoners"));
    let o = m.match_question(&q, 5);
    assert_eq!(ids(&o)[0], "moestuin-podcast");
    assert!(!o.passend, "{:?}", o.signalen);

    cat.push(Offering {
        id: "moestuin-training".into(),
        vorm: "training".into(),
        ..podcast
    });
    let o = Matcher::new(&cat, &taxonomy(), &thesaurus(), today()).match_question(&q, 5);
    assert!(o.passend, "{:?}", o.signalen);
}

#[test]
fn is_deterministic_with_ties_by_id() {
    let m = matcher();
    let q = ask("omgaan met de-escalatie", None);
    let a = m.match_question(&q, 5);
    assert_eq!(a, m.match_question(&q, 5));
    let many = m.match_question(&ask("wijk", None), 10);
    for w in many.resultaten.windows(2) {
        assert!(w[0].score > w[1].score || (w[0].score == w[1].score && w[0].id < w[1].id));
    }
    assert_eq!(m.match_question(&q, 0).resultaten.len(), 0);
}

#[test]
fn salient_coverage_weighs_topic_words() {
    let m = matcher();
    let share = |w: &str| m.focus_share[m.term_ids[&stem(w)] as usize];
    // A summary word is more topical than a word only the descriptions use.
    assert!(share("schuldhulpverlening") > share("bijeenkomst"));
    // An unknown word counts half in `kern`, fully in `dekking`.
    let s = m
        .match_question(&ask("schuldhulpverlening fatbikes", None), 5)
        .signalen;
    assert!(s.kern > s.dekking && s.kern < 1.0, "{s:?}");
}

#[test]
fn learns_the_askers_words_for_a_theme_from_labelled_questions() {
    let q = ask(
        "Er wordt gedeald in ons portiek, wat kan ik doen?",
        Some("bewoners"),
    );
    let before = matcher().match_question(&q, 5);
    assert!(!before
        .resultaten
        .iter()
        .any(|r| r.id.starts_with("ondermijning")));
    let demand = [
        ("In ons portiek wordt 's avonds gedeald.", "ondermijning"),
        (
            "Jongeren dealen bij het portiek van onze flat.",
            "ondermijning",
        ),
        (
            "Ik heb geldzorgen en durf de post niet te openen.",
            "armoede-en-schulden",
        ),
    ]
    .map(|(v, t)| LabelledQuestion {
        vraag: v.into(),
        themas: vec![t.into()],
    });
    let m = Matcher::with_demand(&catalogue(), &demand, &taxonomy(), &thesaurus(), today());
    let after = m.match_question(&q, 5);
    assert_eq!(ids(&after)[0], "ondermijning-bewoners");
    assert!(after.resultaten[0]
        .waarom
        .iter()
        .any(|w| w == "Zelfde thema: Ondermijning"));
    // A theme alone is not a fitting answer: the words themselves are not in any offering.
    assert!(!after.passend);
    // Without labelled questions nothing changes.
    let plain = Matcher::with_demand(&catalogue(), &[], &taxonomy(), &thesaurus(), today());
    assert_eq!(plain.match_question(&q, 5), before);
}

#[test]
fn matcher_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Matcher>();
}

#[test]
fn one_edit_distance() {
    assert!(within_one_edit("schuld", "schuldd"));
    assert!(within_one_edit("schuld", "shculd"));
    assert!(within_one_edit("schuld", "schuld"));
    assert!(within_one_edit("schuld", "schold"));
    assert!(!within_one_edit("schuld", "scholt"));
}

/// A professional's question that the demo catalogue answers well.
const WITWASSEN: &str = "Hoe herken ik drugscriminaliteit en witwassen in mijn wijk?";

#[test]
fn the_fit_model_gives_three_answers_with_a_probability() {
    let m = matcher();
    for (vraag, group) in [
        (WITWASSEN, Some("wijkprofessionals")),
        ("Hoe repareer ik de ketting van mijn racefiets?", None),
        ("Iets over geld", Some("bewoners")),
    ] {
        let o = m.match_question(&ask(vraag, group), 10);
        assert!((0.0..=1.0).contains(&o.kans), "{vraag}: {}", o.kans);
        assert_eq!(o.fit, Fit::of(o.kans), "{vraag}");
        assert_eq!(o.passend, o.fit == Fit::Passend, "{vraag}");
        if o.resultaten.is_empty() {
            assert_eq!(o.fit, Fit::Geen);
        }
    }
    let none = m.match_question(
        &ask("Hoe repareer ik de ketting van mijn racefiets?", None),
        10,
    );
    assert_eq!(none.fit, Fit::Geen, "{none:?}");
}

#[test]
fn the_fit_model_explains_its_decision_in_dutch() {
    let m = matcher();
    let o = m.match_question(&ask(WITWASSEN, Some("wijkprofessionals")), 10);
    if o.fit == Fit::Passend && !o.signalen.andere_doelgroep {
        assert!(
            o.resultaten
                .iter()
                .any(|r| r.waarom.iter().any(|w| w == "Past bij je rol")),
            "{o:?}"
        );
    }
    let reasons: Vec<&String> = o.resultaten.iter().flat_map(|r| &r.waarom).collect();
    assert!(
        reasons
            .iter()
            .filter(|w| w.as_str() == "Past bij je rol")
            .count()
            <= 1,
        "one fit reason, on the result the model decided on"
    );
}

fn judged(vraag: &str, lacune: bool, bevestigd: &[&str], afgewezen: &[&str]) -> Judgement {
    Judgement {
        vraag: ask(vraag, None),
        lacune,
        bevestigd: bevestigd.iter().map(|s| s.to_string()).collect(),
        afgewezen: afgewezen.iter().map(|s| s.to_string()).collect(),
    }
}

/// An offering removed again and again for questions on a theme drops for a similar question;
/// learning twice from the same judgements gives the same matcher.
#[test]
fn removed_matches_lower_an_offering_for_similar_questions() {
    let m = matcher();
    let question = ask("drugscriminaliteit en witwassen in de wijk", None);
    let before = m.match_question(&question, 5);
    let first = ids(&before)[0].to_string();
    assert!(first.starts_with("ondermijning"), "{:?}", ids(&before));
    let judgements: Vec<Judgement> = [
        "Hoe herken ik witwassen in mijn wijk?",
        "Drugscriminaliteit in de buurt, wat nu?",
        "Witwassen en drugs bij ons in de wijk",
    ]
    .iter()
    .map(|v| judged(v, false, &[], &[&first]))
    .collect();
    let learned = m.learn(&judgements, &FitModel::builtin());
    assert_eq!(learned.summary.oordelen, 3);
    assert_eq!(
        learned.summary.voorbeelden, 0,
        "a removal alone says nothing about the fit"
    );
    assert!(
        learned.evidence(&first, "ondermijning") < -0.3,
        "{learned:?}"
    );
    assert_eq!(learned.evidence(&first, "zorg"), 0.0);
    let after = m
        .clone()
        .with_learned(&learned)
        .match_question(&question, 5);
    assert_ne!(ids(&after)[0], first, "{:?}", ids(&after));
    let a = before
        .resultaten
        .iter()
        .find(|r| r.id == first)
        .map(|r| r.score);
    let b = after
        .resultaten
        .iter()
        .find(|r| r.id == first)
        .map(|r| r.score);
    assert!(b < a, "{a:?} {b:?}");
    // A question on another theme is not touched.
    let other = ask("Ik heb geldzorgen", None);
    assert_eq!(
        m.match_question(&other, 5),
        m.clone().with_learned(&learned).match_question(&other, 5)
    );
    assert_eq!(learned, m.learn(&judgements, &FitModel::builtin()));
}

/// Questions marked lacune and questions with a confirmed match train the fit model: after
/// enough of them, a question like the lacunes gets a lower `kans`; the same judgements give
/// the same model.
#[test]
fn lacune_judgements_move_the_fit_model() {
    let m = matcher();
    let lacune = "Hoe herken ik drugscriminaliteit bij de sportclub?";
    let mut judgements = Vec::new();
    for i in 0..12 {
        judgements.push(judged(&format!("{lacune} ({i})"), true, &[], &[]));
        judgements.push(judged("Ik heb geldzorgen", false, &["schulden"], &[]));
    }
    let learned = m.learn(&judgements, &FitModel::builtin());
    assert_eq!(learned.summary.voorbeelden, 24);
    assert_eq!(learned.summary.oordelen, 24);
    assert!(learned
        .summary
        .accuracy
        .is_some_and(|a| (0.0..=1.0).contains(&a)));
    assert_ne!(learned.model, FitModel::builtin());
    let q = ask(lacune, None);
    let before = m.match_question(&q, 5).kans;
    let after = m.clone().with_learned(&learned).match_question(&q, 5).kans;
    assert!(after < before, "{before} → {after}");
    assert_eq!(learned, m.learn(&judgements, &FitModel::builtin()));
    // Nothing to learn from: the prior stays.
    let none = m.learn(&[], &FitModel::builtin());
    assert_eq!(none.model, FitModel::builtin());
    assert_eq!(none.summary.accuracy, None);
}

/// The reasons of the fit model: on a good answer for the asker's role, and on a doubtful or
/// missing one that is about another theme or covers part of the question.
#[test]
fn fit_reasons_follow_the_decision() {
    use super::rank::fit_reason;
    let good = FitSignals {
        kern: 0.8,
        thema: 0.9,
        ..FitSignals::default()
    };
    let role = Some("Past bij je rol".to_string());
    let other = Some("Gaat over een ander onderwerp dan je vraag".to_string());
    let part = Some("Behandelt maar een deel van je vraag".to_string());
    assert_eq!(fit_reason(Fit::Passend, &good, true), role);
    assert_eq!(
        fit_reason(Fit::Passend, &good, false),
        None,
        "no role named"
    );
    let for_others = FitSignals {
        andere_doelgroep: true,
        ..good
    };
    assert_eq!(fit_reason(Fit::Passend, &for_others, true), None);
    let off = FitSignals {
        kern: 0.6,
        thema: 0.2,
        ..FitSignals::default()
    };
    assert_eq!(fit_reason(Fit::Geen, &off, true), other);
    assert_eq!(fit_reason(Fit::Mogelijk, &off, false), other);
    assert_eq!(fit_reason(Fit::Passend, &off, false), None);
    let partial = FitSignals {
        kern: 0.1,
        thema: 0.8,
        ..FitSignals::default()
    };
    assert_eq!(fit_reason(Fit::Mogelijk, &partial, false), part);
}

/// End to end: a professional's question answered by an offering for professionals says it fits
/// the role, once, on that result; a question on one theme whose best text match is on another
/// says so.
#[test]
fn the_fit_reasons_appear_on_the_decided_result() {
    let m = matcher();
    let o = m.match_question(&ask(WITWASSEN, Some("wijkprofessionals")), 10);
    assert_eq!(o.fit, Fit::Passend, "{o:?}");
    assert_eq!(o.resultaten[0].id, "ondermijning-politie");
    let role: Vec<&str> = o
        .resultaten
        .iter()
        .filter(|r| r.waarom.iter().any(|w| w == "Past bij je rol"))
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(role, ["ondermijning-politie"]);

    let o = m.match_question(
        &MatchQuery {
            vraag: "Verward gedrag bij de bushalte naast de sporthal, het zwembad en de \
                    kinderboerderij tijdens de kermis"
                .into(),
            themas: vec!["armoede-en-schulden".into()],
            ..MatchQuery::default()
        },
        10,
    );
    assert_ne!(o.fit, Fit::Passend, "{o:?}");
    let decided = o
        .resultaten
        .iter()
        .find(|r| r.id.starts_with("verward"))
        .unwrap();
    assert!(
        decided
            .waarom
            .iter()
            .any(|w| w == "Gaat over een ander onderwerp dan je vraag"),
        "{o:?}"
    );
}

/// The kind of question is a feature of the fit model: a policymaker's question on policy, a
/// resident's personal one.
#[test]
fn the_kind_of_question_is_a_fit_signal() {
    let m = matcher();
    let vraag = "drugscriminaliteit in de wijk";
    let kind = |g: Option<&str>| {
        let s = m.match_question(&ask(vraag, g), 5).signalen;
        (s.beleid, s.bewoner)
    };
    assert_eq!(kind(Some("beleidsmakers")), (true, false));
    assert_eq!(kind(Some("bewoners")), (false, true));
    assert_eq!(kind(None), (false, false));
    let x = features(
        &m.match_question(&ask(vraag, Some("beleidsmakers")), 5)
            .signalen,
    );
    assert_eq!(
        x[FEATURES.iter().position(|f| *f == "beleid").unwrap_or(0)],
        1.0
    );
}

/// The diagnosis of the eval's feature dump agrees with the outcome: the same results in the
/// same order, and the best one's coverage signals are the outcome's.
#[test]
fn diagnosis_agrees_with_the_outcome() {
    let m = matcher();
    let q = ask("drugscriminaliteit in de wijk", Some("bewoners"));
    let o = m.match_question(&q, 5);
    let d = m.diagnose(&q, 5);
    let diag_ids: Vec<&str> = d.resultaten.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(diag_ids, ids(&o));
    let best = &d.resultaten[0].signalen;
    assert!(
        (best.kern - o.signalen.kern).abs() < 1e-12,
        "{best:?} {:?}",
        o.signalen
    );
    assert!(!d.termen.is_empty());
}

#[test]
fn named_weights_replace_the_defaults_and_unknown_ones_are_refused() {
    let p = MatchParams::with_overrides(r#"{"k1": 1.8, "feedback_docs": 5}"#).unwrap();
    assert_eq!(p.k1, 1.8);
    assert_eq!(p.feedback_docs, 5);
    assert_eq!(p.b, MatchParams::default().b);
    assert_eq!(
        MatchParams::with_overrides("{}").unwrap(),
        MatchParams::default()
    );
    let e = MatchParams::with_overrides(r#"{"k2": 1.0}"#).unwrap_err();
    assert!(
        e.starts_with("onbekend gewicht 'k2'") && e.contains("w_titel"),
        "{e}"
    );
    let e = MatchParams::with_overrides(r#"{"k1": "hoog"}"#).unwrap_err();
    assert_eq!(e, "gewicht 'k1' moet een getal zijn");
    assert!(MatchParams::with_overrides("[1]")
        .unwrap_err()
        .contains("JSON-object"));
    assert!(MatchParams::with_overrides(r#"{"feedback_docs": 2.5}"#).is_err());
}
