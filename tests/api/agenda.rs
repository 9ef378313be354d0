//! The learning agenda and the gap analysis: the acceptance on the sample data, the ranking
//! following changed data, and the pages with charts and their text alternatives.

use serde_json::Value;

use super::helpers::{shared_data, spawn_app, TestApp};

/// The themes that are gaps in the demo data: the five topics of the learning agenda, sorted.
const DEMO_GAPS: [&str; 5] = [
    "gemengde-wijken",
    "langjarige-wijkaanpak",
    "preventief-signaleren",
    "sociale-stijging",
    "vertrouwen-en-verbinding",
];

async fn gap_themes(app: &TestApp) -> Vec<String> {
    let v = app.get_json("/api/v1/lacunes").await;
    v["lacunes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["thema"].as_str().unwrap().to_string())
        .collect()
}

/// The learning agenda from the API once the engine has matched every demo question.
async fn matched_agenda(app: &TestApp) -> Value {
    let mut agenda = app.get_json("/api/v1/leeragenda").await;
    for _ in 0..200 {
        if agenda["nogTeKoppelen"] == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        agenda = app.get_json("/api/v1/leeragenda").await;
    }
    assert_eq!(agenda["nogTeKoppelen"], 0, "the demo questions are matched");
    agenda
}

// The CLI blocks this thread while it writes; the server needs its own threads meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_data_top_five_gaps_are_the_five_topics_and_the_ranking_follows_the_data() {
    let Some(data) = shared_data() else { return };
    let app = TestApp::builder()
        .empty()
        .import("taxonomie", data.join("taxonomy.json"))
        .import("aanbod", data.join("catalog.jsonl"))
        .import("leervragen", data.join("demand.jsonl"))
        .spawn()
        .await;
    let taxonomy: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("taxonomy.json")).unwrap())
            .unwrap();
    let mut topics: Vec<String> = taxonomy["vraagstukken"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| {
            v["themas"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
        })
        .collect();
    topics.sort();
    let res = app.get_json("/api/v1/lacunes").await;
    let gaps = res["lacunes"].as_array().unwrap();
    let mut top5: Vec<String> = gaps
        .iter()
        .take(5)
        .map(|g| g["thema"].as_str().unwrap().to_string())
        .collect();
    top5.sort();
    assert_eq!(top5, topics);
    for g in gaps.iter().take(5) {
        assert!(g["uitleg"].as_str().unwrap().len() > 40, "{g}");
        assert!(g["score"].as_f64().unwrap() > 0.0);
        assert!(g["vraag"].as_u64().unwrap() > 0);
    }
    let scores: Vec<f64> = gaps.iter().map(|g| g["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
    // The cross-domain measure discriminates: residents' organisations do not count as a domain.
    let agenda = app.get_json("/api/v1/leeragenda").await;
    let full = agenda["themas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["domeinoverstijgend"].as_f64().unwrap() >= 1.0)
        .count();
    assert!(full <= 3, "{full} themes at 100% cross-domain: {agenda}");

    // Cross-sector supply arrives for one gap theme: it is no longer a gap.
    let gap_theme = gaps[0]["thema"].as_str().unwrap().to_string();
    let template: Value = serde_json::from_str(
        std::fs::read_to_string(data.join("catalog.jsonl"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let extra: Vec<Value> = (0..15)
        .map(|i| {
            let mut o = template.clone();
            o["id"] = format!("samen-leren-{i}").into();
            o["themas"] = serde_json::json!([gap_theme]);
            o["sectoren"] = serde_json::json!(["sociaal-domein", "veiligheid", "wonen"]);
            o
        })
        .collect();
    app.import_records("aanbod", &extra).await;
    let now = gap_themes(&app).await;
    assert!(
        !now.contains(&gap_theme),
        "{gap_theme} still a gap: {now:?}"
    );

    // Much new demand on a well-supplied theme that is not a gap: it becomes one.
    let theme = "openbare-ruimte-en-beheer";
    assert!(!now.contains(&theme.to_string()));
    let questions: Vec<Value> = (0..80)
        .map(|i| serde_json::json!({"id": format!("nieuw-{i}"), "vraag": "Hoe houden we het plein schoon en veilig?", "doelgroep": "bewoners", "themas": [theme], "datum": "2026-10-01"}))
        .collect();
    app.import_records("leervragen", &questions).await;
    let after = gap_themes(&app).await;
    assert!(
        after.contains(&theme.to_string()),
        "{theme} is now a gap: {after:?}"
    );
}

#[tokio::test]
async fn agenda_and_gap_pages_have_charts_with_text_alternatives() {
    let app = spawn_app().await;
    let html = app.get("/leeragenda").await.text().await.unwrap();
    assert_eq!(html.matches("<h1").count(), 1);
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "bar chart, heat map and questions per quarter"
    );
    assert_eq!(html.matches("role=\"img\"").count(), 3);
    // "Leervragen door de tijd": a column per quarter, described, above its table.
    let time = html.find("<h2>Leervragen door de tijd</h2>").unwrap();
    let chart = html[time..].find("<title id=\"per-kwartaal-t\">").unwrap() + time;
    let table = html[time..].find("<table").unwrap() + time;
    assert!(chart < table, "the chart, then its table");
    assert!(html.contains("<desc id=\"per-kwartaal-d\">Staafdiagram: het aantal leervragen per kwartaal, van kwartaal "));
    let quarters = html[table..].matches("<th scope=\"row\"").count();
    assert!(quarters > 0);
    assert_eq!(
        html.matches("class=\"ww-bar\"").count(),
        quarters,
        "one column per quarter"
    );
    assert!(
        html.contains("<title id=\"vraag-aanbod-t\">") && html.contains("<desc id=\"heatmap-d\">")
    );
    assert!(html.matches("<table").count() >= 3, "table alternatives");
    assert!(html.contains("Samenvatting:"));
    assert!(!html.contains("style=\""));
    let text = app.fetch("/leeragenda.csv", "text/csv").await;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(
        rows.len(),
        16 * 4,
        "per theme a total and three target groups"
    );
    // For Excel with Dutch settings: a byte order mark, semicolons and decimal commas.
    let excel = app.get("/leeragenda-excel.csv").await.text().await.unwrap();
    let body = excel.strip_prefix('\u{feff}').expect("byte order mark");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(body.as_bytes());
    assert_eq!(&reader.headers().unwrap()[5], "vraagdruk");
    let excel_rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(excel_rows.len(), rows.len());
    assert!(
        excel_rows.iter().any(|r| r[5].contains(',')),
        "decimal comma"
    );
    assert_eq!(excel_rows[0][5].replace(',', "."), rows[0][5]);
    let agenda = app.get_json("/api/v1/leeragenda").await;
    assert_eq!(agenda["themas"].as_array().unwrap().len(), 16);

    let html = app.get("/lacunes").await.text().await.unwrap();
    assert!(html.contains("Hoe we rekenen"));
    for topic in ["wijkaanpak-lange-termijn"] {
        let res = app.get(&format!("/lacunes/{topic}")).await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains("Mogelijke samenwerking"));
        assert!(html.contains("Aanbod dat er al is"));
    }
    assert_eq!(app.get("/lacunes/bestaat-niet").await.status(), 404);
}

/// Themes that are no gap by the two rules but where at least half of the questions found no
/// fitting offering are named on the gap page, apart from the gaps.
#[tokio::test]
async fn the_gap_page_names_themes_where_most_questions_found_nothing() {
    let app = spawn_app().await;
    let mut agenda = matched_agenda(&app).await;
    let mut gaps = gap_themes(&app).await;
    // A question the engine answered `mogelijk` counts as neither answered nor unanswered; a
    // coordinator marks them lacune, one at a time, on the non-gap theme with the most
    // questions found nothing, until half of its known questions are unanswered.
    let theme = agenda["themas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            t["vraag"].as_u64().unwrap() >= 3
                && t["mogelijk"].as_u64().unwrap() > 0
                && !gaps.contains(&t["thema"].as_str().unwrap().to_string())
        })
        .max_by(|a, b| {
            a["onbeantwoord"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["onbeantwoord"].as_f64().unwrap())
        })
        .map(|t| t["thema"].as_str().unwrap().to_string())
        .expect("a theme with questions the engine is not sure about");
    let store = app.store();
    let possible: Vec<String> = store
        .demand()
        .await
        .unwrap()
        .into_iter()
        .filter(|q| {
            q.question.themas.contains(&theme)
                && q.fit == Some(wijkwijzer::domain::matching::Fit::Mogelijk)
        })
        .map(|q| q.question.id)
        .collect();
    let share = |agenda: &Value| {
        agenda["themas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["thema"] == theme.as_str())
            .map(|t| t["onbeantwoord"].as_f64().unwrap())
            .unwrap()
    };
    for id in &possible {
        if share(&agenda) >= 0.5 {
            break;
        }
        let lacune = wijkwijzer::domain::status::QuestionStatus::Lacune;
        assert!(store
            .update_question(id, lacune, None, None, "test")
            .await
            .unwrap());
        app.state.catalog.refresh_demand().await.unwrap();
        agenda = app.get_json("/api/v1/leeragenda").await;
        gaps = gap_themes(&app).await;
    }
    assert!(share(&agenda) >= 0.5, "{theme}: {agenda}");
    assert!(!gaps.contains(&theme), "{theme} stays no gap");
    let unmet: Vec<String> = agenda["themas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            t["vraag"].as_u64().unwrap() >= 3
                && t["onbeantwoord"].as_f64().unwrap() >= 0.5
                && !gaps.contains(&t["thema"].as_str().unwrap().to_string())
        })
        .map(|t| t["label"].as_str().unwrap().to_string())
        .collect();
    assert!(!unmet.is_empty(), "the demo has such a theme: {agenda}");
    let html = app.get("/lacunes").await.text().await.unwrap();
    let section = html
        .split("Ook opvallend: veel vragen zonder passend aanbod")
        .nth(1)
        .expect("the section")
        .split("Hoe we rekenen")
        .next()
        .unwrap();
    for label in &unmet {
        assert!(
            section.contains(&format!("{label}</a>:")),
            "{label}: {section}"
        );
    }
    assert_eq!(section.matches("<li>").count(), unmet.len());
}

/// Questions that count with themes the engine gave, unchecked by a coordinator, are counted
/// openly on the agenda and gap pages.
#[tokio::test]
async fn the_agenda_says_how_many_questions_are_unchecked() {
    let app = spawn_app().await;
    let count = |html: &str| -> usize {
        if let Some(rest) = html
            .split(" leervragen tellen mee met thema&#39;s van de automatische")
            .next()
            .filter(|r| r.len() < html.len())
        {
            rest.rsplit(' ').next().unwrap().parse().unwrap()
        } else if html.contains("Eén leervraag telt mee met thema&#39;s van de automatische") {
            1
        } else {
            0
        }
    };
    let before = count(&app.get("/leeragenda").await.text().await.unwrap());
    super::helpers::ask_on_site(&app, "Hoe organiseren we een buurtfeest met alle buren?").await;
    let agenda = app.get("/leeragenda").await.text().await.unwrap();
    assert_eq!(count(&agenda), before + 1, "{agenda}");
    let gaps = app.get("/lacunes").await.text().await.unwrap();
    assert_eq!(count(&gaps), before + 1);
}

/// The demo data tells the story of the real inventory: the five topics of the learning agenda are
/// the gaps, so a newcomer sees the gap analysis at work.
#[tokio::test]
async fn the_demo_shows_the_five_agenda_topics_as_gaps() {
    let app = spawn_app().await;
    let mut gaps = gap_themes(&app).await;
    gaps.sort();
    assert_eq!(gaps, DEMO_GAPS);
    let html = app.get("/lacunes").await.text().await.unwrap();
    assert!(!html.contains("geen enkel thema een lacune"));
    // Each gap names its theme and score once (no repeated JSON keys): a derived struct refuses
    // a duplicate field, where a `Value` would keep the last silently.
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Keys {
        thema: String,
        score: f64,
        label: String,
        oordeel: String,
    }
    #[derive(serde::Deserialize)]
    struct Doc {
        lacunes: Vec<Keys>,
    }
    let raw = app.get("/api/v1/lacunes").await.text().await.unwrap();
    let doc: Doc = serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{e}: {raw}"));
    assert_eq!(doc.lacunes.len(), 5);
    assert!(doc.lacunes.iter().all(|g| g.oordeel == "lacune"));
}

/// Once every demo question is matched, the five topics are still the gaps; every gap carries its
/// interval and the date, and the per-group level is there.
#[tokio::test]
async fn the_five_topics_stay_the_gaps_after_matching_with_interval_date_and_groups() {
    let app = spawn_app().await;
    let agenda = matched_agenda(&app).await;
    let today = app.state.catalog.clock().today().to_string();
    assert_eq!(agenda["standPer"], today.as_str());
    let mut gaps = gap_themes(&app).await;
    gaps.sort();
    assert_eq!(gaps, DEMO_GAPS);
    let v = app.get_json("/api/v1/lacunes").await;
    assert_eq!(v["standPer"], today.as_str());
    for g in v["lacunes"].as_array().unwrap() {
        let (lo, s, hi) = (
            g["tekortLaag"].as_f64().unwrap(),
            g["score"].as_f64().unwrap(),
            g["tekortHoog"].as_f64().unwrap(),
        );
        assert!(lo <= s && s <= hi && lo < hi, "{g}");
        assert_eq!(g["tekort"], g["score"]);
        assert!(g["watVerandert"]
            .as_str()
            .unwrap()
            .contains("'bijna lacune'"));
        assert_eq!(g["perDoelgroep"].as_array().unwrap().len(), 3);
    }
    let cells = v["lacunesPerDoelgroep"].as_array().unwrap();
    assert!(!cells.is_empty(), "{v}");
    for c in cells {
        assert_eq!(c["oordeel"], "lacune");
        assert!(
            c["watVerandert"].as_str().unwrap().contains(" voor "),
            "{c}"
        );
    }
    // Every theme has a verdict; the cross-domain share discriminates.
    let themes = agenda["themas"].as_array().unwrap();
    assert!(themes.iter().all(
        |t| ["lacune", "bijna lacune", "geen lacune"].contains(&t["oordeel"].as_str().unwrap())
    ));
    let full = themes
        .iter()
        .filter(|t| t["domeinoverstijgend"].as_f64().unwrap() >= 1.0)
        .count();
    assert!(full <= 4, "{full} of 16 themes at 100% cross-domain");
    let html = app.get("/lacunes").await.text().await.unwrap();
    let stand = format!(
        "Stand per {}",
        wijkwijzer::http::pages::view::dutch_date(app.state.catalog.clock().today())
    );
    assert!(html.contains(&stand));
    assert!(html.contains("Lacunes per doelgroep"));
    assert!(html.contains("Bewonersorganisaties zijn een publiek, geen beroepsdomein"));
    assert!(html.contains("Wilson"));
    assert!(app
        .get("/leeragenda")
        .await
        .text()
        .await
        .unwrap()
        .contains(&stand));
    let csv = app.get("/leeragenda.csv").await;
    let disposition = csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains(&format!("leeragenda-{today}.csv")),
        "{disposition}"
    );
    let text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        assert_eq!(&r[at("stand_per")], today.as_str());
        assert!(["lacune", "bijna lacune", "geen lacune"].contains(&&r[at("oordeel")]));
    }
}

/// `geen` counts as unanswered and `mogelijk` apart: the share without a fitting offering is
/// taken over the questions whose answer is known (passend, geen, lacune), and the API, the CSV
/// and the page show per theme how many questions the engine is not sure about.
#[tokio::test]
async fn geen_counts_as_unanswered_and_mogelijk_apart() {
    use std::collections::HashMap;
    use wijkwijzer::domain::matching::Fit;
    use wijkwijzer::domain::status::QuestionStatus;

    let app = spawn_app().await;
    let catalog = app.state.catalog.clone();
    catalog.clone().match_pending(10_000).await.unwrap();
    catalog.refresh_demand().await.unwrap();
    let demand = catalog.store().demand().await.unwrap();
    assert!(demand.iter().all(|q| q.fit.is_some()));
    // theme → (mogelijk, known, unanswered)
    let mut expected: HashMap<String, (u64, u64, u64)> = HashMap::new();
    for q in &demand {
        let answered = if q.status == QuestionStatus::Lacune {
            Some(false)
        } else {
            match q.fit {
                Some(Fit::Passend) => Some(true),
                Some(Fit::Geen) => Some(false),
                _ => None,
            }
        };
        let possible = q.status != QuestionStatus::Lacune && q.fit == Some(Fit::Mogelijk);
        for t in &q.question.themas {
            let e = expected.entry(t.clone()).or_default();
            e.0 += u64::from(possible);
            e.1 += u64::from(answered.is_some());
            e.2 += u64::from(answered == Some(false));
        }
    }
    let total: u64 = demand
        .iter()
        .filter(|q| q.status != QuestionStatus::Lacune && q.fit == Some(Fit::Mogelijk))
        .count() as u64;
    assert!(
        total > 0,
        "the demo data has questions the engine is not sure about"
    );
    assert!(demand.iter().any(|q| q.fit == Some(Fit::Geen)));

    let agenda = app.get_json("/api/v1/leeragenda").await;
    assert_eq!(agenda["mogelijk"].as_u64(), Some(total), "{agenda}");
    let mut shown = 0;
    for t in agenda["themas"].as_array().unwrap() {
        let (mogelijk, known, unanswered) = expected
            .get(t["thema"].as_str().unwrap())
            .copied()
            .unwrap_or_default();
        assert_eq!(t["mogelijk"].as_u64(), Some(mogelijk), "{t}");
        let share = if known == 0 {
            0.0
        } else {
            (unanswered as f64 / known as f64 * 100.0).round() / 100.0
        };
        assert_eq!(t["onbeantwoord"].as_f64(), Some(share), "{t}");
        shown += mogelijk;
    }
    assert!(shown >= total);

    let text = app.get("/leeragenda.csv").await.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(
        at("mogelijk"),
        headers.len() - 1,
        "a column added at the end"
    );
    for r in reader.records() {
        let r = r.unwrap();
        if &r[at("doelgroep")] == "alle" {
            let mogelijk = expected.get(&r[at("thema")]).map_or(0, |e| e.0);
            assert_eq!(r[at("mogelijk")].parse::<u64>().ok(), Some(mogelijk));
        }
    }
    let page = app.text("/leeragenda").await;
    assert!(page.contains("Mogelijk passend (leervragen)"));
}
