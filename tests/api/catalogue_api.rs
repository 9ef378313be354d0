//! The catalogue API: disjunctive facets against a brute-force count, problem+json errors,
//! the API-Version header, the OpenAPI document and the health check.

use std::collections::BTreeMap;

use serde_json::Value;

use super::helpers::{result_ids, spawn_app};

const FACETS: [(&str, &str); 7] = [
    ("thema", "themas"),
    ("doelgroep", "doelgroepen"),
    ("sector", "sectoren"),
    ("vorm", "vorm"),
    ("aanbieder", "aanbieder"),
    ("locatie", "locatie"),
    ("regio", "regio"),
];

fn slugify(s: &str) -> String {
    wijkwijzer::domain::offering::slugify(s)
}

/// The facet values of an offering; a municipality's offering also has its province.
fn values(o: &Value, field: &str) -> Vec<String> {
    match &o[field] {
        Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        Value::String(s) if field == "aanbieder" => vec![slugify(s)],
        Value::String(s) if field == "regio" => {
            let regions = wijkwijzer::domain::region::Regions::builtin();
            let mut out = vec![s.clone()];
            out.extend(
                regions
                    .province_of(s)
                    .filter(|p| p != s)
                    .map(str::to_string),
            );
            out
        }
        Value::String(s) => vec![s.clone()],
        _ => vec![],
    }
}

/// National and online offerings: in every region, unless `ookLandelijk=false`.
fn everywhere(o: &Value, filters: &BTreeMap<&str, Vec<&str>>) -> bool {
    !filters.contains_key("ookLandelijk") && (o["regio"] == "landelijk" || o["locatie"] == "online")
}

fn matches(o: &Value, filters: &BTreeMap<&str, Vec<&str>>, except: Option<&str>) -> bool {
    FACETS.iter().all(|(key, field)| {
        if Some(*key) == except {
            return true;
        }
        match filters.get(key) {
            None => true,
            Some(_) if *key == "regio" && everywhere(o, filters) => true,
            Some(wanted) => values(o, field)
                .iter()
                .any(|v| wanted.contains(&v.as_str())),
        }
    })
}

#[tokio::test]
async fn facet_counts_equal_brute_force_or_within_and_across() {
    let app = spawn_app().await;
    let all = app.get_json("/api/v1/aanbod?pageSize=100").await;
    let offerings = all["resultaten"].as_array().unwrap().clone();
    assert_eq!(all["totaal"].as_u64().unwrap() as usize, offerings.len());
    assert!(offerings.len() >= 40, "demo data has at least 40 offerings");

    let cases: Vec<BTreeMap<&str, Vec<&str>>> = vec![
        BTreeMap::from([("thema", vec!["jeugd-en-veiligheid", "ondermijning"])]),
        BTreeMap::from([
            ("thema", vec!["jeugd-en-veiligheid", "ondermijning"]),
            ("doelgroep", vec!["wijkprofessionals"]),
        ]),
        BTreeMap::from([
            ("vorm", vec!["training", "intervisie"]),
            ("doelgroep", vec!["wijkprofessionals", "bewoners"]),
            ("locatie", vec!["fysiek"]),
        ]),
        BTreeMap::from([("sector", vec!["veiligheid"]), ("regio", vec!["landelijk"])]),
        BTreeMap::from([("regio", vec!["Noord-Brabant", "Gelderland"])]),
        BTreeMap::from([
            ("regio", vec!["Gelderland"]),
            ("ookLandelijk", vec!["false"]),
        ]),
        BTreeMap::from([
            ("thema", vec!["jeugd-en-veiligheid"]),
            ("doelgroep", vec!["wijkprofessionals"]),
            ("vorm", vec!["training", "intervisie"]),
            ("regio", vec!["Noord-Brabant"]),
        ]),
    ];
    for filters in cases {
        let mut query = vec![("pageSize".to_string(), "100".to_string())];
        for (k, vs) in &filters {
            for v in vs {
                query.push((k.to_string(), v.to_string()));
            }
        }
        let url = format!(
            "/api/v1/aanbod?{}",
            serde_urlencoded::to_string(&query).unwrap()
        );
        let res = app.get_json(&url).await;
        let expected_total = offerings
            .iter()
            .filter(|o| matches(o, &filters, None))
            .count();
        assert_eq!(
            res["totaal"].as_u64().unwrap() as usize,
            expected_total,
            "{url}"
        );
        for (key, field) in FACETS {
            let mut expected: BTreeMap<String, u64> = BTreeMap::new();
            let others: Vec<&Value> = offerings
                .iter()
                .filter(|o| matches(o, &filters, Some(key)))
                .collect();
            for o in &others {
                for v in values(o, field) {
                    *expected.entry(v).or_insert(0) += 1;
                }
            }
            if key == "regio" {
                // A region's count is what choosing it gives: its own offerings plus the
                // national and online ones, also for a region of the catalogue without
                // offerings of its own in the selection; a region that gives nothing is left out.
                let regions: std::collections::BTreeSet<String> =
                    offerings.iter().flat_map(|o| values(o, field)).collect();
                expected = regions
                    .into_iter()
                    .map(|v| {
                        let n = others
                            .iter()
                            .filter(|o| everywhere(o, &filters) || values(o, field).contains(&v))
                            .count() as u64;
                        (v, n)
                    })
                    .filter(|(_, n)| *n > 0)
                    .collect();
            }
            let got: BTreeMap<String, u64> = res["facetten"][key]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
                .collect();
            assert_eq!(got, expected, "facet {key} for {url}");
        }
    }
}

#[tokio::test]
async fn repeated_values_widen_and_other_facets_narrow() {
    let app = spawn_app().await;
    let total = |v: Value| v["totaal"].as_u64().unwrap();
    let one = total(app.get_json("/api/v1/aanbod?thema=ondermijning").await);
    let two = total(
        app.get_json("/api/v1/aanbod?thema=ondermijning&thema=jeugd-en-veiligheid")
            .await,
    );
    let narrowed = total(
        app.get_json(
            "/api/v1/aanbod?thema=ondermijning&thema=jeugd-en-veiligheid&doelgroep=bewoners",
        )
        .await,
    );
    assert!(two > one && narrowed < two, "{one} {two} {narrowed}");
}

#[tokio::test]
async fn bad_parameters_give_problem_json() {
    let app = spawn_app().await;
    for (url, name) in [
        ("/api/v1/aanbod?thema=bestaat-niet", "thema"),
        ("/api/v1/aanbod?pageSize=0", "pageSize"),
        ("/api/v1/aanbod?pageSize=1000", "pageSize"),
        ("/api/v1/aanbod?page=nul", "page"),
        ("/api/v1/aanbod?gratis=misschien", "gratis"),
        ("/api/v1/aanbod?vanaf=morgen", "vanaf"),
        ("/api/v1/aanbod?sort=prijs", "sort"),
        ("/api/v1/aanbod?kleur=rood", "kleur"),
    ] {
        let res = app.get(url).await;
        assert_eq!(res.status(), 400, "{url}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{url}"
        );
        assert_eq!(res.headers()["api-version"], "1.0.0");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], 400);
        assert_eq!(body["title"], "Ongeldige aanvraag");
        assert!(body["detail"].as_str().unwrap().contains(name), "{body}");
        assert_eq!(body["invalidParams"][0]["name"], name);
    }
    let res = app.get("/api/v1/aanbod/bestaat-niet").await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], 404);
    assert!(body["detail"].as_str().unwrap().contains("bestaat-niet"));
    assert_eq!(app.get("/api/v1/onbekend").await.status(), 404);
}

#[tokio::test]
async fn offering_themes_providers_and_headers() {
    let app = spawn_app().await;
    let page = app.get_json("/api/v1/aanbod?pageSize=1&sort=titel").await;
    let first = &page["resultaten"][0];
    for field in wijkwijzer::domain::offering::FIELDS {
        assert!(first.get(*field).is_some(), "offering lacks {field}");
    }
    let id = first["id"].as_str().unwrap();
    let res = app.get(&format!("/api/v1/aanbod/{id}")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["api-version"], "1.0.0");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let one: Value = res.json().await.unwrap();
    assert_eq!(&one, first);

    let themes = app.get_json("/api/v1/themas").await;
    assert_eq!(themes.as_array().unwrap().len(), 16);
    assert!(themes
        .as_array()
        .unwrap()
        .iter()
        .any(|t| !t["vraagstuk"].is_null()));
    let providers = app.get_json("/api/v1/aanbieders").await;
    let p = &providers[0];
    let filtered = app
        .get_json(&format!(
            "/api/v1/aanbod?aanbieder={}",
            p["slug"].as_str().unwrap()
        ))
        .await;
    assert_eq!(filtered["totaal"], p["aantal"]);
}

#[tokio::test]
async fn openapi_document_and_health() {
    let app = spawn_app().await;
    let doc = app.get_json("/api/v1/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["info"]["contact"]["email"].is_string());
    let version = doc["info"]["version"].as_str().unwrap();
    assert_eq!(version.split('.').count(), 3, "semver");
    assert!(doc["paths"]["/aanbod"]["get"].is_object());
    assert!(doc["paths"]["/aanbod/{id}"]["get"].is_object());
    // Summaries are Dutch, and the documented page limits are the ones the API applies.
    for (path, op) in doc["paths"].as_object().unwrap() {
        for (_, o) in op.as_object().unwrap() {
            let summary = o["summary"].as_str().unwrap_or("");
            assert!(!summary.is_empty(), "{path}");
        }
    }
    assert_eq!(
        doc["paths"]["/aanbod"]["get"]["summary"],
        "Zoek in het leeraanbod"
    );
    let params = doc["paths"]["/aanbod"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let size = params.iter().find(|p| p["name"] == "pageSize").unwrap();
    assert_eq!(size["schema"]["minimum"], 1);
    assert_eq!(size["schema"]["maximum"], 100);
    assert_eq!(app.get("/api/v1/aanbod?pageSize=101").await.status(), 400);
    assert_eq!(app.get("/api/v1/aanbod?pageSize=100").await.status(), 200);
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn date_and_price_filters() {
    let app = spawn_app().await;
    let free = app
        .get_json("/api/v1/aanbod?gratis=true&pageSize=100")
        .await;
    assert!(free["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["kosten"] == "gratis"));
    let future = app
        .get_json("/api/v1/aanbod?vanaf=2027-01-01&pageSize=100")
        .await;
    for o in future["resultaten"].as_array().unwrap() {
        let end = o["einddatum"].as_str().or(o["startdatum"].as_str());
        if let Some(end) = end {
            assert!(end >= "2027-01-01", "{o}");
        }
    }
    let by_date = app.get_json("/api/v1/aanbod?sort=datum&pageSize=100").await;
    let dates: Vec<&str> = by_date["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["startdatum"].as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
}

/// Professional domains of an offering: its sectors without residents' organisations (an
/// audience, not a domain).
fn domains(o: &Value) -> usize {
    o["sectoren"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| *s != "bewonersorganisaties")
        .count()
}

#[tokio::test]
async fn cross_domain_filter_and_count() {
    let app = spawn_app().await;
    let all = app.get_json("/api/v1/aanbod?pageSize=100").await;
    let expected = all["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| domains(o) >= 2)
        .count();
    assert!(
        all["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["sectoren"].as_array().unwrap().len() >= 2 && domains(o) < 2),
        "the demo has an offering for one domain and residents' organisations"
    );
    assert_eq!(
        all["facetten"]["domeinoverstijgend"]["true"]
            .as_u64()
            .unwrap() as usize,
        expected
    );
    let cross = app
        .get_json("/api/v1/aanbod?pageSize=100&domeinoverstijgend=true")
        .await;
    assert_eq!(cross["totaal"].as_u64().unwrap() as usize, expected);
    assert!(cross["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| domains(o) >= 2));
    let html = app.text("/aanbod?domeinoverstijgend=true").await;
    assert!(html.contains("name=\"domeinoverstijgend\" value=\"true\" checked"));
    assert!(html.contains("<span class=\"ww-badge\">Domeinoverstijgend</span>"));
}

/// The wijkagent's journey: a province includes its municipalities and, unless left out, the
/// national and online offerings; known spellings of a region are understood.
#[tokio::test]
async fn a_region_filter_is_a_hierarchy_with_national_and_online_included() {
    let app = spawn_app().await;
    let get = |url: String| {
        let app = &app;
        async move { app.get_json(&url).await }
    };
    let all = get("/api/v1/aanbod?pageSize=100".into()).await;
    let national = all["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["regio"] == "landelijk" || o["locatie"] == "online")
        .count();
    assert!(national > 20, "{national}");
    let brabant = get("/api/v1/aanbod?regio=Noord-Brabant&pageSize=100".into()).await;
    assert!(brabant["totaal"].as_u64().unwrap() as usize > national);
    // Another spelling means the same province.
    for spelling in ["Brabant", "noord-brabant", "Noord%20Brabant"] {
        let same = get(format!("/api/v1/aanbod?regio={spelling}&pageSize=100")).await;
        assert_eq!(result_ids(&same), result_ids(&brabant), "{spelling}");
    }
    // Gelderland includes the Arnhem offering.
    let arnhem: Vec<String> = all["resultaten"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["regio"] == "Arnhem")
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!arnhem.is_empty());
    let gelderland =
        get("/api/v1/aanbod?regio=Gelderland&ookLandelijk=false&pageSize=100".into()).await;
    let only = result_ids(&gelderland);
    for id in &arnhem {
        assert!(only.contains(id), "{id} in {only:?}");
    }
    for o in gelderland["resultaten"].as_array().unwrap() {
        let r = o["regio"].as_str().unwrap();
        assert!(r == "Gelderland" || r == "Arnhem", "{r}");
    }
    // The wijkagent's selection finds the national and online offerings (the demo data has no
    // joint training in Noord-Brabant itself).
    let wijkagent = get(
        "/api/v1/aanbod?thema=jeugd-en-veiligheid&doelgroep=wijkprofessionals&regio=Noord-Brabant&vanaf=vandaag"
            .into(),
    )
    .await;
    assert!(wijkagent["totaal"].as_u64().unwrap() > 0, "{wijkagent}");
    // An unknown region is refused in Dutch.
    let res = app.get("/api/v1/aanbod?regio=Atlantis").await;
    assert_eq!(res.status(), 400);
    let res = app
        .get("/api/v1/aanbod?regio=Utrecht&ookLandelijk=misschien")
        .await;
    assert_eq!(res.status(), 400);
}
