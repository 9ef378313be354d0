//! Dutch search through the API: stemming, diacritics, compounds, typos and the title boost;
//! control characters in the search text are dropped before it is searched or shown.

use super::helpers::{fixture, result_ids, TestApp};

/// The search fixture alone.
async fn app() -> TestApp {
    TestApp::builder()
        .empty()
        .import("aanbod", fixture("search.jsonl"))
        .spawn()
        .await
}

async fn ids(app: &TestApp, q: &str) -> Vec<String> {
    let url = format!("/api/v1/aanbod?pageSize=100&q={}", urlencode(q));
    result_ids(&app.get_json(&url).await)
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string()
}

/// Each search `(q, id)` finds offering `id` (among others).
async fn assert_finds(app: &TestApp, cases: &[(&str, &str)]) {
    for (q, id) in cases {
        let found = ids(app, q).await;
        assert!(found.iter().any(|f| f == id), "{q} → {id}: {found:?}");
    }
}

#[tokio::test]
async fn stemming_finds_other_word_forms() {
    let app = app().await;
    assert_finds(
        &app,
        &[
            ("gemeenten", "wijkaanpak-in-de-praktijk"),
            ("gemeente", "gemeenten-leren"),
            ("trainingen", "jongerenwerker-training"),
        ],
    )
    .await;
}

#[tokio::test]
async fn case_and_diacritics_are_folded() {
    let app = app().await;
    assert_finds(
        &app,
        &[
            ("een cafe", "wijkaanpak-in-de-praktijk"),
            ("ÉÉN CAFÉ", "wijkaanpak-in-de-praktijk"),
            ("cafe aanpak", "gemeenten-leren"),
        ],
    )
    .await;
}

#[tokio::test]
async fn compounds_match_their_parts_both_ways() {
    let app = app().await;
    assert_finds(
        &app,
        &[
            ("aanpak wijk", "wijkaanpak-in-de-praktijk"),
            ("aanpak wijk", "aanpak-voor-de-wijk"),
            ("wijkaanpak", "aanpak-voor-de-wijk"),
            ("jongeren werker", "jongerenwerker-training"),
            ("jongerenwerker", "werker-voor-jongeren"),
        ],
    )
    .await;
}

#[tokio::test]
async fn typos_in_longer_words_are_tolerated() {
    let app = app().await;
    assert_finds(
        &app,
        &[
            ("ondermijnig", "ondermijning-titel"),
            ("jongerenwerkr", "jongerenwerker-training"),
        ],
    )
    .await;
    // Short words need an exact match: "wijn" is not "wijk".
    assert!(ids(&app, "wijn").await.is_empty());
}

#[tokio::test]
async fn title_matches_rank_above_body_matches() {
    let app = app().await;
    let found = ids(&app, "ondermijning").await;
    let title = found
        .iter()
        .position(|i| i == "ondermijning-titel")
        .unwrap();
    let body = found
        .iter()
        .position(|i| i == "ondermijning-tekst")
        .unwrap();
    assert!(title < body, "{found:?}");
}

#[tokio::test]
async fn stop_words_alone_find_nothing_and_do_not_break_search() {
    let app = app().await;
    assert!(ids(&app, "de het een").await.is_empty());
    assert!(!ids(&app, "de wijkaanpak").await.is_empty());
}

#[tokio::test]
async fn the_thesaurus_bridges_words_and_a_known_word_is_no_typo() {
    let app = app().await;
    // "dealen" is in the thesaurus (=> ondermijning, drugscriminaliteit): it finds offerings about
    // those, and is not read as a misspelling of "delen".
    assert_finds(&app, &[("dealen", "ondermijning-titel")]).await;
    let found = ids(&app, "dealen").await;
    assert!(!found.contains(&"signalen-delen".to_string()), "{found:?}");
}

#[tokio::test]
async fn one_offering_matching_every_word_does_not_push_out_the_others() {
    let app = app().await;
    let found = ids(&app, "drugs overlast portiek").await;
    assert_eq!(found.first().map(String::as_str), Some("overlast-portiek"));
    // Matches one of the three words (drugs, through the thesaurus): still shown, below it.
    assert!(
        found.contains(&"ondermijning-titel".to_string()),
        "{found:?}"
    );
}

#[tokio::test]
async fn search_text_loses_control_characters() {
    let app = app().await;
    let res = app.get("/aanbod?q=wijk%00buurt%01%09team").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(!html.contains('\u{0}'), "NUL echoed");
    assert!(!html.contains('\u{1}'), "control character echoed");
    assert!(html.contains("value=\"wijkbuurt team\""), "{html}");

    let res = app.get("/api/v1/aanbod?q=%00").await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(!body.contains("\\u0000"), "{body}");
}

#[tokio::test]
async fn each_search_result_says_why_it_is_shown_and_for_whom() {
    let app = app().await;
    let html = app.text("/aanbod?q=drugs+overlast+portiek").await;
    assert!(html.contains("Bevat: drugs, overlast, portiek"), "{html}");
    assert!(
        html.contains("Gaat over iets verwants aan: drugs"),
        "{html}"
    );
    assert!(html.contains("<li>Voor "), "target group on the card");
    // Without a search text there is nothing to explain.
    let all = app.text("/aanbod").await;
    assert!(!all.contains("class=\"ww-why\""));
}

#[tokio::test]
async fn a_real_dutch_word_is_never_read_as_a_typo() {
    let app = app().await;
    // "portie" and "regio" are Dutch words (OpenTaal word list), one letter from "portiek" and
    // "regie": they must not pull in the offerings about those.
    for word in ["portie", "regio"] {
        let found = ids(&app, word).await;
        assert!(found.is_empty(), "{word}: {found:?}");
    }
    // A real typo still finds its word.
    let found = ids(&app, "portiekk").await;
    assert!(found.contains(&"overlast-portiek".to_string()), "{found:?}");
}

#[tokio::test]
async fn offerings_for_who_asks_rank_above_equally_relevant_ones_for_others() {
    let app = TestApp::builder().spawn().await;
    let q = "drugs dealen in ons portiek wat kan ik doen";
    let url = |voor: &str| format!("/api/v1/aanbod?pageSize=100&q={}{voor}", urlencode(q));
    let plain = app.get_json(&url("")).await;
    let resident = app.get_json(&url("&voor=bewoners")).await;
    // It orders, it does not filter.
    assert_eq!(plain["totaal"], resident["totaal"]);
    let results = resident["resultaten"].as_array().unwrap();
    let for_residents = |o: &serde_json::Value| {
        o["doelgroepen"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "bewoners")
    };
    // A resident's search does not put a paid offering for others in the top three.
    for o in results.iter().take(3) {
        assert!(
            for_residents(o) || o["kosten"] == "gratis",
            "{} ({}) for {}",
            o["id"],
            o["kosten"],
            o["doelgroepen"]
        );
    }
    assert!(for_residents(&results[0]));
    // An unknown group is refused in Dutch.
    let res = app.get("/api/v1/aanbod?q=drugs&voor=iedereen").await;
    assert_eq!(res.status(), 400);
}
