//! The catalogue for re-users and the catalogue page's honesty: downloads in the import format,
//! the open-data page, the agenda of a selection, and parameters the page did not use.

use serde_json::Value;

use super::helpers::{cli, spawn_app, test_db};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_catalogue_downloads_in_the_import_format() {
    let app = spawn_app().await;
    let total = app.get_json("/api/v1/aanbod?pageSize=1").await["totaal"]
        .as_u64()
        .unwrap() as usize;
    assert!(total > 0);

    let res = app.get("/aanbod.jsonl").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("leeraanbod.jsonl"));
    let jsonl = res.text().await.unwrap();
    let rows: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), total);
    let one = app
        .get_json(&format!(
            "/api/v1/aanbod/{}",
            rows[0]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(one["titel"], rows[0]["titel"]);

    let csv = app.fetch("/aanbod.csv", "text/csv").await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "id");
    assert!(header.contains(&"beschrijving".to_string()));
    assert_eq!(reader.records().count(), total);

    // What is downloaded imports again, unchanged in number.
    let dir = tempfile::tempdir().unwrap();
    let db = test_db(dir.path()).await;
    for (name, body) in [("a.jsonl", &jsonl), ("a.csv", &csv)] {
        let file = dir.path().join(name);
        std::fs::write(&file, body).unwrap();
        let out = cli(&db, &["import", "aanbod", file.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = cli(&db, &["export", "aanbod"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), total);
}

#[tokio::test]
async fn the_open_data_page_links_downloads_and_api() {
    let app = spawn_app().await;
    let home = app.text("/").await;
    assert!(home.contains("href=\"/open-data\""));
    let html = app.text("/open-data").await;
    for link in [
        "href=\"/aanbod.csv\"",
        "href=\"/aanbod.jsonl\"",
        "href=\"/api/v1/openapi.json\"",
    ] {
        assert!(html.contains(link), "{link}");
    }
    let sitemap = app.text("/sitemap.xml").await;
    for path in [
        "/open-data<",
        "/leeragenda<",
        "/leervraag<",
        "/lacunes/gemengde-wijken<",
    ] {
        assert!(sitemap.contains(path), "{path} in sitemap");
    }
}

#[tokio::test]
async fn the_agenda_of_a_selection_has_only_its_offerings() {
    let app = spawn_app().await;
    let events = |ics: &str| -> Vec<String> {
        ics.replace("\r\n ", "")
            .split("\r\n")
            .filter_map(|l| l.strip_prefix("UID:"))
            .map(|u| u.split('@').next().unwrap_or("").to_string())
            .collect()
    };
    let all = events(&app.text("/agenda.ics").await);
    let theme = events(&app.text("/themas/jeugd-en-veiligheid/agenda.ics").await);
    let res = app.get("/agenda.ics?thema=jeugd-en-veiligheid").await;
    assert_eq!(res.status(), 200);
    let selected = events(&res.text().await.unwrap());
    assert!(!selected.is_empty() && selected.len() < all.len());
    assert_eq!(selected, theme);
    let online = events(
        &app.text("/agenda.ics?thema=jeugd-en-veiligheid&locatie=online")
            .await,
    );
    assert!(online.iter().all(|id| selected.contains(id)));

    // Events are at most a week long; a longer offering is its start day, and says until when
    // it runs. Places are in words.
    let ics = app.text("/agenda.ics").await.replace("\r\n ", "");
    let day = |l: &str| chrono::NaiveDate::parse_from_str(l, "%Y%m%d").unwrap();
    let mut long = 0;
    for event in ics.split("BEGIN:VEVENT").skip(1) {
        let field = |k: &str| {
            event
                .split("\r\n")
                .find_map(|l| l.strip_prefix(k))
                .unwrap()
                .to_string()
        };
        let (start, end) = (
            day(&field("DTSTART;VALUE=DATE:")),
            day(&field("DTEND;VALUE=DATE:")),
        );
        assert!((end - start).num_days() <= 8, "{event}");
        if field("SUMMARY:").starts_with("Start: ") {
            long += 1;
            assert!(field("DESCRIPTION:").contains("Loopt van "), "{event}");
        }
        let place = field("LOCATION:");
        assert!(
            place == "Online"
                || place.starts_with("Op locatie")
                || place.starts_with("Online en op locatie"),
            "{place}"
        );
    }
    assert!(long > 0, "the demo has an offering that runs for months");

    let res = app.get("/agenda.ics?thema=bestaat-niet").await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("onbekende waarde"));

    // The catalogue page links the agenda of what it shows.
    let html = app.text("/aanbod?thema=jeugd-en-veiligheid").await;
    assert!(html.contains("href=\"/agenda.ics?thema=jeugd-en-veiligheid\""));
}

#[tokio::test]
async fn the_catalogue_page_says_what_it_did_not_use() {
    let app = spawn_app().await;
    let all = app.text("/aanbod").await;
    assert!(!all.contains("niet gebruikt"));
    let html = app
        .text("/aanbod?thema=bestaatniet&doelgroep=bewoners")
        .await;
    assert!(html.contains("niet gebruikt"), "notice shown");
    assert!(html.contains("thema: onbekende waarde"), "reason named");
    assert!(html.contains("bestaatniet"));
    // The valid part of the request is still applied.
    assert!(html.contains("Doelgroep: "), "chip of the kept filter");

    let long = "a".repeat(300);
    let html = app.text(&format!("/aanbod?q={long}")).await;
    assert!(html.contains("zoektekst: zoektekst is te lang"));

    // A region in other letter case is the same region.
    let regio = app.get_json("/api/v1/aanbod?pageSize=1").await["resultaten"][0]["regio"]
        .as_str()
        .unwrap()
        .to_string();
    let upper = app
        .text(&format!("/aanbod?regio={}", regio.to_uppercase()))
        .await;
    assert!(!upper.contains("niet gebruikt"), "{regio}");
    let label = wijkwijzer::domain::region::Regions::builtin().label(&regio);
    assert!(upper.contains(&format!("Regio: {label}")), "{regio}");
}

#[tokio::test]
async fn every_provider_is_a_facet_choice() {
    let app = spawn_app().await;
    let providers = app.get_json("/api/v1/aanbieders").await;
    let with_offerings = providers.as_array().unwrap().len();
    let html = app.text("/aanbod").await;
    assert_eq!(html.matches("name=\"aanbieder\"").count(), with_offerings);
}

/// Text from anyone (a contributed offering, an imported taxonomy) cannot become a spreadsheet
/// formula in the CSV downloads, nor a property of its own in the iCalendar agenda.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_carry_no_formulas_and_the_agenda_no_injected_properties() {
    let app = spawn_app().await;
    let catalog = &app.state.catalog;
    let mut o = catalog.snapshot().offerings[0].offering.clone();
    o.id = "vijandig-aanbod".into();
    o.titel =
        "=HYPERLINK(\"https://kwaad.example/\",\"Klik\")\rATTENDEE;CN=Kwaad:mailto:kwaad@x.example"
            .into();
    o.samenvatting = "-2+3\u{b}\u{85}BEGIN:VALARM\r\nTRIGGER:-PT5M".into();
    o.aanbieder = "@Kwaad".into();
    o.regio = "Utrecht\rLOCATION:elders".into();
    o.locatie = wijkwijzer::domain::offering::Location::Fysiek;
    let start = chrono::Utc::now().date_naive() + chrono::Duration::days(30);
    o.startdatum = Some(start);
    o.einddatum = Some(start);
    catalog.upsert_offerings(&[o]).await.unwrap();
    let mut taxonomy = catalog.snapshot().taxonomy.clone();
    taxonomy.themas[0].label = "+SOM(1;2)".into();
    catalog.save_taxonomy(&taxonomy).await.unwrap();

    for path in ["/aanbod.csv", "/leeragenda.csv", "/leeragenda-excel.csv"] {
        let body = app.text(path).await;
        let body = body.trim_start_matches('\u{feff}');
        let delimiter = if path.contains("excel") { b';' } else { b',' };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(body.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let mut texts = 0;
        for record in reader.records() {
            for (name, cell) in headers.iter().zip(record.unwrap().iter()) {
                // Figures may be negative numbers; every other cell is text.
                if cell.replace(',', ".").parse::<f64>().is_ok() {
                    continue;
                }
                texts += 1;
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{path}, {name}: {cell:?}"
                );
            }
        }
        assert!(texts > 0, "{path}");
        let protected = if path == "/aanbod.csv" {
            "'=HYPERLINK("
        } else {
            "'+SOM(1;2)"
        };
        assert!(body.contains(protected), "{path}");
    }

    // The CSV download imports again to the very same offering, except that the hostile region
    // is no region of the vocabulary: the import refuses it, and it alone.
    let csv = app.text("/aanbod.csv").await;
    let taxonomy = &catalog.snapshot().taxonomy;
    let refused =
        wijkwijzer::transfer::parse_offerings(&csv, wijkwijzer::transfer::Format::Csv, taxonomy)
            .unwrap_err();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].field, "regio");
    let back = wijkwijzer::transfer::parse_offerings(
        &csv.replace("Utrecht\rLOCATION:elders", "Utrecht"),
        wijkwijzer::transfer::Format::Csv,
        taxonomy,
    )
    .unwrap();
    let mine = back.iter().find(|x| x.id == "vijandig-aanbod").unwrap();
    let mut stored = catalog.snapshot().get("vijandig-aanbod").unwrap().clone();
    stored.regio = "Utrecht".into();
    // The import normalises line endings (browsers and spreadsheets send CRLF or CR).
    stored.titel = wijkwijzer::domain::text::normalize_newlines(&stored.titel);
    stored.samenvatting = wijkwijzer::domain::text::normalize_newlines(&stored.samenvatting);
    assert_eq!(mine, &stored);

    let ics = app.text("/agenda.ics").await;
    assert!(
        ics.contains("vijandig-aanbod@"),
        "the event is in the agenda"
    );
    assert!(
        !ics.replace("\r\n", "").contains(['\r', '\n']),
        "only CRLF line ends"
    );
    assert!(
        !ics.chars()
            .any(|c| c.is_control() && !matches!(c, '\r' | '\n' | '\t')),
        "no control characters"
    );
    for physical in ics.split("\r\n") {
        assert!(physical.len() <= 75, "{physical}");
    }
    let unfolded = ics.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").collect();
    for injected in ["ATTENDEE", "BEGIN:VALARM", "TRIGGER"] {
        assert!(
            !lines.iter().any(|l| l.starts_with(injected)),
            "{injected} became a line of its own"
        );
    }
    let count = |name: &str| lines.iter().filter(|l| l.starts_with(name)).count();
    assert_eq!(
        count("LOCATION:"),
        count("BEGIN:VEVENT"),
        "one LOCATION per event"
    );
}
