//! Peilingen: publishing from the back office, immutable and citable pages and downloads named
//! with the date, the live pages linking the latest, and the comparison of two peilingen on a
//! page and in the API.

use chrono::{DateTime, Utc};
use serde_json::Value;
use wijkwijzer::domain::clock::Clock;
use wijkwijzer::security::Role;

use super::helpers::{logged_in, TestApp};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn app_at(at: &str) -> (TestApp, Clock) {
    let clock = Clock::fixed(utc(at));
    let app = TestApp::builder().clock(clock.clone()).spawn().await;
    (app, clock)
}

async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.get(path).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Publishes today's peiling the way the back office does, without a session.
async fn publish_now(app: &TestApp) {
    let s = wijkwijzer::http::pages::snapshots::freeze_now(&app.state)
        .await
        .unwrap_or_else(|_| panic!("freeze"));
    app.store()
        .publish_snapshot(&s, "2027-03-06T10:00:00.000Z", "test")
        .await
        .unwrap();
    app.state.catalog.refresh_demand().await.unwrap();
}

#[tokio::test]
async fn a_coordinator_publishes_a_peiling_once_a_day_and_it_never_changes() {
    let (app, _clock) = app_at("2026-12-06T11:00:00Z").await;
    let (s, html) = text(&app, "/leeragenda/peilingen").await;
    assert_eq!(s, 200);
    assert!(html.contains("Er is nog geen peiling gepubliceerd."));

    let mut b = logged_in(&app, Role::Coordinator).await;
    let (s, _, page) = b.get("/beheer/peilingen").await;
    assert_eq!(s, 200);
    assert!(
        page.contains("Publiceer de peiling van 6 december 2026"),
        "{page}"
    );
    let (s, loc, _) = b.post("/beheer/peilingen", &[]).await;
    assert_eq!((s, loc.as_str()), (303, "/leeragenda/peilingen/2026-12-06"));
    // Twice on one day: refused with a Dutch explanation, the first one stays.
    let (s, _, body) = b.post("/beheer/peilingen", &[]).await;
    assert_eq!(s, 409, "{body}");
    assert!(body.contains("De peiling van 6 december 2026 is al gepubliceerd"));
    let (_, _, page) = b.get("/beheer/peilingen").await;
    assert!(page.contains("al gepubliceerd"));
    assert!(!page.contains("Publiceer de peiling"));

    // The printable report.
    let (s, report) = text(&app, "/leeragenda/peilingen/2026-12-06").await;
    assert_eq!(s, 200);
    for part in [
        "Stand per 6 december 2026",
        "Samenvatting",
        "De vraagstukken",
        "Cijfers per thema en doelgroep",
        "Hoe we rekenen",
        "Wilson",
        "/leeragenda/peilingen/2026-12-06.csv",
    ] {
        assert!(report.contains(part), "{part}");
    }
    let snapshot = app.state.catalog.snapshot();
    assert_eq!(snapshot.taxonomy.vraagstukken.len(), 5);
    for topic in &snapshot.taxonomy.vraagstukken {
        let label = topic.label.replace('\'', "&#39;");
        assert!(report.contains(&label), "{}", topic.label);
    }

    // Downloads named with the date, holding the same figures.
    let json = app.get("/leeragenda/peilingen/2026-12-06.json").await;
    assert_eq!(
        json.headers()["content-disposition"],
        "attachment; filename=\"peiling-2026-12-06.json\""
    );
    let json_text = json.text().await.unwrap();
    let doc: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(doc["datum"], "2026-12-06");
    assert_eq!(
        doc["methode"],
        wijkwijzer::domain::gaps::snapshot::METHOD_VERSION
    );
    assert_eq!(doc["vraagstukken"].as_array().unwrap().len(), 5);
    let live = app.get_json("/api/v1/lacunes").await;
    let themes = |v: &Value| -> Vec<String> {
        let mut t: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["thema"].as_str().unwrap().to_string())
            .collect();
        t.sort();
        t
    };
    assert_eq!(themes(&doc["lacunes"]), themes(&live["lacunes"]));
    assert_eq!(themes(&doc["lacunes"]).len(), 5);
    assert_eq!(
        app.get_json("/api/v1/peilingen/2026-12-06").await,
        doc,
        "the API gives the download"
    );
    let csv = app.get("/leeragenda/peilingen/2026-12-06.csv").await;
    assert_eq!(
        csv.headers()["content-disposition"],
        "attachment; filename=\"peiling-2026-12-06.csv\""
    );
    let csv_text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(
        records.len(),
        doc["themas"].as_array().unwrap().len() * 4,
        "a row per theme and per theme and target group"
    );
    assert!(records.iter().all(|r| &r[at("stand_per")] == "2026-12-06"));
    let gaps_in_csv = records
        .iter()
        .filter(|r| &r[at("doelgroep")] == "alle" && &r[at("oordeel")] == "lacune")
        .count();
    assert_eq!(gaps_in_csv, 5);

    // The live pages say "stand per" and link the peiling.
    for path in ["/leeragenda", "/lacunes"] {
        let (_, html) = text(&app, path).await;
        assert!(html.contains("Stand per 6 december 2026"), "{path}");
        assert!(
            html.contains("href=\"/leeragenda/peilingen/2026-12-06\""),
            "{path}"
        );
    }
    let list = app.get_json("/api/v1/peilingen").await;
    assert_eq!(list["peilingen"][0]["datum"], "2026-12-06");
    assert_eq!(
        list["peilingen"][0]["csv"],
        "/leeragenda/peilingen/2026-12-06.csv"
    );

    // The live data changes; the peiling does not.
    let mut more = snapshot.offerings[0].offering.clone();
    more.id = "nieuw-na-de-peiling".into();
    app.state.catalog.upsert_offerings(&[more]).await.unwrap();
    assert_ne!(
        app.get_json("/api/v1/leeragenda").await["leeraanbod"],
        doc["leeraanbod"]
    );
    let again = app
        .get("/leeragenda/peilingen/2026-12-06.json")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(again, json_text);
    // Not even the database lets it change.
    let pool = app.store().pool();
    assert!(sqlx::query("UPDATE snapshots SET methode = 'anders'")
        .execute(pool)
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM snapshots")
        .execute(pool)
        .await
        .is_err());
    assert_eq!(app.get_json("/api/v1/peilingen/2026-12-06").await, doc);
}

#[tokio::test]
async fn an_unknown_peiling_is_a_dutch_404() {
    let (app, _clock) = app_at("2026-12-06T11:00:00Z").await;
    publish_now(&app).await;
    let (s, html) = text(&app, "/leeragenda/peilingen/2026-12-07").await;
    assert_eq!(s, 404);
    assert!(
        html.contains("Er is geen peiling van 7 december 2026"),
        "{html}"
    );
    assert!(html.contains("lang=\"nl\""));
    for path in [
        "/leeragenda/peilingen/gisteren",
        "/leeragenda/peilingen/2026-13-01.csv",
        "/leeragenda/peilingen/2026-12-07.json",
    ] {
        let (s, html) = text(&app, path).await;
        assert_eq!(s, 404, "{path}");
        assert!(html.contains("Peiling niet gevonden"), "{path}");
    }
    let res = app.get("/api/v1/peilingen/2026-12-07").await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = app.get("/api/v1/peilingen/zes-december").await;
    assert_eq!(res.status(), 400);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["invalidParams"][0]["name"], "datum", "{problem}");
}

#[tokio::test]
async fn two_peilingen_compare_on_a_page_and_in_the_api_with_the_tracks_on_a_gap() {
    let (app, clock) = app_at("2026-12-06T11:00:00Z").await;
    publish_now(&app).await;
    let then: Value = app.get_json("/api/v1/peilingen/2026-12-06").await;
    let gap = then["lacunes"][0]["thema"].as_str().unwrap().to_string();
    let label = then["lacunes"][0]["label"].as_str().unwrap().to_string();

    // A development track on the gap, and cross-domain supply for every target group arrives.
    let store = app.store();
    store
        .save_track(
            &wijkwijzer::domain::track::Track {
                id: 0,
                titel: "Leergang samen sterker".into(),
                doel: "Nieuw aanbod".into(),
                themas: vec![gap.clone()],
                trekker: "Kenniscentrum".into(),
                partners: vec![],
                doelgroepen: vec![],
                status: wijkwijzer::domain::track::TrackStatus::InOntwikkeling,
                planning: "2027".into(),
                aanbod: vec![],
            },
            "test",
        )
        .await
        .unwrap();
    let template = app.state.catalog.snapshot().offerings[0].offering.clone();
    let groups: Vec<String> = app
        .state
        .catalog
        .snapshot()
        .taxonomy
        .doelgroepen
        .iter()
        .map(|g| g.slug.clone())
        .collect();
    let extra: Vec<_> = (0..25)
        .map(|i| {
            let mut o = template.clone();
            o.id = format!("samen-sterker-{i}");
            o.themas = vec![gap.clone()];
            o.doelgroepen = groups.clone();
            o.sectoren = vec!["sociaal-domein".into(), "veiligheid".into(), "wonen".into()];
            o.startdatum = None;
            o.einddatum = None;
            o
        })
        .collect();
    app.state.catalog.upsert_offerings(&extra).await.unwrap();
    clock.set(utc("2027-03-06T11:00:00Z"));
    publish_now(&app).await;

    // The API, with the dates in either order.
    let v = app
        .get_json("/api/v1/peilingen/vergelijking?van=2027-03-06&tot=2026-12-06")
        .await;
    assert_eq!(
        (v["van"].as_str(), v["tot"].as_str()),
        (Some("2026-12-06"), Some("2027-03-06"))
    );
    assert_eq!(v["zelfdeMethode"], true);
    assert!(v["gesloten"].as_u64().unwrap() >= 1, "{v}");
    let row = v["vergelijking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["thema"] == gap.as_str() && r["doelgroep"].is_null())
        .unwrap();
    assert_eq!(row["verandering"], "gesloten", "{row}");
    assert_eq!(row["oordeelToen"], "lacune");
    assert!(row["aanbodNu"].as_u64().unwrap() >= row["aanbodToen"].as_u64().unwrap() + 25);
    assert_eq!(row["trajecten"][0]["titel"], "Leergang samen sterker");
    assert!(v["vergelijking"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["thema"] == gap.as_str() && r["doelgroep"] == "beleidsmakers"));

    // The page.
    let (s, html) = text(
        &app,
        "/leeragenda/peilingen/vergelijk?van=2026-12-06&tot=2027-03-06",
    )
    .await;
    assert_eq!(s, 200);
    assert!(html.contains("Peilingen vergeleken: 6 december 2026 en 6 maart 2027"));
    assert!(html.contains(&label));
    assert!(html.contains("gesloten"));
    assert!(html.contains("Leergang samen sterker (in ontwikkeling)"));

    // The list: both, a comparison form, and a chart per vraagstuk with its table.
    let (_, list) = text(&app, "/leeragenda/peilingen").await;
    assert!(list.find("6 maart 2027").unwrap() < list.find("6 december 2026").unwrap());
    assert!(list.contains("action=\"/leeragenda/peilingen/vergelijk\""));
    assert_eq!(list.matches("<svg").count(), 5);
    assert_eq!(list.matches("<caption>Cijfers per peiling").count(), 5);
    assert!(!list.contains("<script") && !list.contains("style="));
    let api = app.get_json("/api/v1/peilingen").await;
    assert_eq!(api["peilingen"][0]["datum"], "2027-03-06");
    assert_eq!(api["peilingen"].as_array().unwrap().len(), 2);

    // Wrong or missing dates: a Dutch page and a problem.
    for (path, status) in [
        ("/leeragenda/peilingen/vergelijk?van=2026-12-06", 400),
        (
            "/leeragenda/peilingen/vergelijk?van=2026-12-06&tot=morgen",
            400,
        ),
        (
            "/leeragenda/peilingen/vergelijk?van=2026-12-06&tot=2026-12-07",
            404,
        ),
    ] {
        let (s, html) = text(&app, path).await;
        assert_eq!(s, status, "{path}");
        assert!(html.contains("Peilingen vergelijken"), "{path}");
    }
    let res = app
        .get("/api/v1/peilingen/vergelijking?van=2026-12-06")
        .await;
    assert_eq!(res.status(), 400);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["invalidParams"][0]["name"], "tot", "{problem}");
    let res = app
        .get("/api/v1/peilingen/vergelijking?van=2026-12-06&tot=2026-12-07")
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .get("/api/v1/peilingen/vergelijking?van=2026-12-06&tot=2027-03-06&thema=x")
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn an_inventory_round_labels_what_came_in_and_closes_with_a_peiling() {
    let (app, _clock) = app_at("2027-03-10T10:00:00Z").await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (s, _, body) = b
        .post(
            "/beheer/rondes",
            &[
                ("label", ""),
                ("startdatum", "1 maart"),
                ("einddatum", "2027-04-30"),
            ],
        )
        .await;
    assert_eq!(s, 422);
    assert!(body.contains("Geef de ronde een naam"), "{body}");
    assert!(body.contains("Vul een datum in als 2027-03-01."));
    let round = [
        ("label", "Voorjaar 2027"),
        ("startdatum", "2027-03-01"),
        ("einddatum", "2027-04-30"),
    ];
    let (s, loc, _) = b.post("/beheer/rondes", &round).await;
    assert_eq!((s, loc.as_str()), (303, "/beheer/peilingen"));
    let (s, _, body) = b.post("/beheer/rondes", &round).await;
    assert_eq!(s, 422);
    assert!(body.contains("Er is al een ronde met deze naam"));
    let (_, agenda) = text(&app, "/leeragenda").await;
    assert!(agenda.contains("<strong>Voorjaar 2027</strong>: tot en met 30 april 2027"));
    assert!(agenda.contains("href=\"/aanbod/aanmelden\""));

    let asked =
        super::helpers::ask_on_site(&app, "Hoe betrekken we jongeren bij de wijkaanpak?").await;
    let store = app.store();
    let rounds = store.rounds().await.unwrap();
    assert_eq!(rounds.len(), 1);
    let before = rounds[0].questions;
    assert!(before >= 1);
    let id = rounds[0].round.id;
    let (s, loc, _) = b.post(&format!("/beheer/rondes/{id}/afsluiten"), &[]).await;
    assert_eq!((s, loc.as_str()), (303, "/leeragenda/peilingen/2027-03-10"));
    let label: Option<String> =
        sqlx::query_scalar("SELECT ronde FROM learning_questions WHERE id = $1")
            .bind(&asked.question.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(label.as_deref(), Some("Voorjaar 2027"));
    let after = store.rounds().await.unwrap();
    assert_eq!(
        after[0].questions, before,
        "the labelled ones are those counted"
    );
    let peiling = app.get_json("/api/v1/peilingen/2027-03-10").await;
    assert_eq!(peiling["ronde"], "Voorjaar 2027");
    let (_, list) = text(&app, "/leeragenda/peilingen").await;
    assert!(list.contains("Inventarisatierondes"));
    assert!(list.contains("<a href=\"/leeragenda/peilingen/2027-03-10\">10 maart 2027</a>"));
    let (s, _, _) = b.post(&format!("/beheer/rondes/{id}/afsluiten"), &[]).await;
    assert_eq!(s, 404, "a closed round cannot be closed again");
    let (_, agenda) = text(&app, "/leeragenda").await;
    assert!(!agenda.contains("<strong>Voorjaar 2027</strong>"));
}
