//! The API against its own contract and the Dutch API Design Rules: the OpenAPI document
//! (version header, server with the major version, `/openapi.json` with CORS, descriptions,
//! global tags, exact parameters), Dutch problem documents for every refusal, the same
//! refusal of bad parameters on every list, and the rate limit on matching.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

/// Every GET list of the API.
const LISTS: [&str; 6] = [
    "/api/v1/aanbod",
    "/api/v1/themas",
    "/api/v1/aanbieders",
    "/api/v1/leeragenda",
    "/api/v1/lacunes",
    "/api/v1/ontwikkeltrajecten",
];

async fn problem(res: reqwest::Response, status: u16) -> Value {
    assert_eq!(res.status(), status, "{}", res.url());
    assert_eq!(
        res.headers()["content-type"],
        "application/problem+json",
        "{}",
        res.url()
    );
    assert_eq!(res.headers()["api-version"], "1.0.0");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["status"], status);
    p
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((path.clone(), method.clone(), op.clone()));
        }
    }
    ops
}

#[tokio::test]
async fn document_follows_the_design_rules() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["api-version"], "1.0.0");
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let doc: Value = res.json().await.unwrap();
    // The server carries the major version; the paths are relative to it.
    let server = doc["servers"][0]["url"].as_str().unwrap();
    assert_eq!(server, format!("{}/api/v1", app.state.base_url));
    assert!(doc["paths"]["/aanbod"]["get"].is_object());
    // The document itself is a resource of the API, with its CORS header declared.
    let doc_get = &doc["paths"]["/openapi.json"]["get"];
    assert!(doc_get["responses"]["200"]["headers"]["access-control-allow-origin"].is_object());
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for (path, method, op) in operations(&doc) {
        let what = format!("{method} {path}");
        assert!(
            !op["description"].as_str().unwrap_or("").is_empty(),
            "{what}"
        );
        for tag in op["tags"].as_array().unwrap() {
            assert!(tags.contains(&tag.as_str().unwrap()), "{what}: {tag}");
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            assert!(
                !response["description"].as_str().unwrap_or("").is_empty(),
                "{what} {status}"
            );
            if status.starts_with('2') {
                assert_eq!(
                    response["headers"]["API-Version"]["required"], true,
                    "{what} {status}"
                );
            }
            if status.starts_with('4') || status.starts_with('5') {
                assert!(
                    response["content"]["application/problem+json"].is_object(),
                    "{what} {status}"
                );
            }
        }
        // Every operation that takes input can refuse it.
        if method == "post" || op["parameters"].as_array().is_some_and(|p| !p.is_empty()) {
            assert!(op["responses"]["400"].is_object(), "{what}");
        }
    }
    // The 400 problem carries the rules' `errors` member.
    let problem = &doc["components"]["schemas"]["Problem"]["properties"];
    assert!(problem["errors"].is_object());
}

#[tokio::test]
async fn document_parameters_are_exact() {
    let app = spawn_app().await;
    let doc = app.get_json("/api/v1/openapi.json").await;
    let params = doc["paths"]["/aanbod"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let param = |name: &str| params.iter().find(|p| p["name"] == name).unwrap().clone();
    let schema = |name: &str| {
        let s = param(name)["schema"].clone();
        match s["$ref"].as_str() {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap();
                doc["components"]["schemas"][name].clone()
            }
            None => s,
        }
    };
    assert_eq!(schema("page")["maximum"], 10_000);
    assert_eq!(schema("page")["minimum"], 1);
    assert_eq!(schema("q")["maxLength"], 200);
    assert_eq!(
        schema("sort")["enum"],
        json!(["relevantie", "datum", "titel"])
    );
    let locatie = schema("locatie")["items"]["$ref"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        doc["components"]["schemas"][locatie.as_str()]["enum"],
        json!(["online", "fysiek", "hybride"])
    );
    let vanaf = schema("vanaf").to_string();
    assert!(vanaf.contains("\"format\":\"date\""), "{vanaf}");
    assert!(
        doc["components"]["schemas"]["Vandaag"]["enum"] == json!(["vandaag"]),
        "{}",
        doc["components"]["schemas"]["Vandaag"]
    );
    // The data's value lists: every theme of the taxonomy, and nothing else.
    let themes = app.get_json("/api/v1/themas").await;
    let mut slugs: Vec<&str> = themes
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    let thema = schema("thema");
    let mut listed: Vec<&str> = thema["items"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    slugs.sort();
    listed.sort();
    assert_eq!(listed, slugs);
    assert_eq!(param("thema")["allowEmptyValue"], true);
    // The question may not be empty or longer than the handler allows.
    let vraag = &doc["components"]["schemas"]["MatchRequest"]["properties"]["vraag"];
    assert_eq!(vraag["minLength"], 1);
    assert_eq!(vraag["maxLength"], 2000);
    assert!(vraag["pattern"].is_string());
}

#[tokio::test]
async fn every_list_refuses_bad_parameters_alike() {
    let app = spawn_app().await;
    for list in LISTS {
        let p = problem(app.get(&format!("{list}?page=-1")).await, 400).await;
        assert_eq!(p["title"], "Ongeldige aanvraag", "{list}");
        assert_eq!(p["invalidParams"][0]["name"], "page", "{list}");
        assert_eq!(
            p["errors"][0],
            json!({"in": "query", "location": "page", "detail": p["invalidParams"][0]["reason"]}),
            "{list}"
        );
        let p = problem(app.get(&format!("{list}?kleur=rood")).await, 400).await;
        assert_eq!(p["invalidParams"][0]["name"], "kleur", "{list}");
        // An empty value counts as leaving the parameter out; a space is a value.
        assert_eq!(
            app.get(&format!("{list}?page=")).await.status(),
            200,
            "{list}"
        );
        let p = problem(app.get(&format!("{list}?page=+")).await, 400).await;
        assert_eq!(p["invalidParams"][0]["name"], "page", "{list}");
    }
}

#[tokio::test]
async fn errors_outside_the_handlers_are_dutch_problems() {
    let app = spawn_app().await;
    let p = problem(app.get("/api/v1/aanbod/%FF").await, 400).await;
    assert_eq!(p["errors"][0]["in"], "path");
    assert_eq!(p["errors"][0]["location"], "id");
    assert!(p["detail"].as_str().unwrap().contains("UTF-8"), "{p}");
    let p = problem(app.get("/api/v1/aanbod/bestaat-niet?x=1").await, 400).await;
    assert_eq!(p["invalidParams"][0]["name"], "x");
    problem(app.get("/api/v1/aanbod/bestaat-niet").await, 404).await;
    // A body field error points into the body.
    let res = app
        .client
        .post(app.url("/api/v1/matches"))
        .json(&json!({"vraag": "   "}))
        .send()
        .await
        .unwrap();
    let p = problem(res, 400).await;
    assert_eq!(
        p["errors"][0],
        json!({"in": "body", "location": "#/vraag", "detail": "de vraag is leeg"})
    );
    let res = app
        .client
        .post(app.url("/api/v1/matches"))
        .header("content-type", "application/json")
        .body("{niet json")
        .send()
        .await
        .unwrap();
    let p = problem(res, 400).await;
    assert_eq!(p["errors"][0]["in"], "body");
    assert_eq!(p["errors"][0]["location"], "#");
}

async fn post_match(app: &TestApp, ip: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/matches"))
        .header("x-forwarded-for", ip)
        .json(&json!({"vraag": "Hoe pak ik overlast van jongeren in de buurt aan?"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn matching_is_rate_limited_per_client() {
    let app = TestApp::builder()
        .behind_proxy()
        .config(|c| c.match_rate = (3, Duration::from_secs(60)))
        .spawn()
        .await;
    for _ in 0..3 {
        assert_eq!(post_match(&app, "192.0.2.7").await.status(), 200);
    }
    let res = post_match(&app, "192.0.2.7").await;
    assert_eq!(res.headers()["retry-after"], "60");
    let p = problem(res, 429).await;
    assert_eq!(p["title"], "Te veel aanvragen");
    assert!(p["detail"].as_str().unwrap().contains("60 seconden"), "{p}");
    // Another address of the same IPv6 /64 shares the limit; another client does not.
    for _ in 0..3 {
        assert_eq!(post_match(&app, "2001:db8:1:2::1").await.status(), 200);
    }
    assert_eq!(post_match(&app, "2001:db8:1:2::ffff").await.status(), 429);
    assert_eq!(post_match(&app, "2001:db8:1:3::1").await.status(), 200);
    assert_eq!(post_match(&app, "192.0.2.8").await.status(), 200);
    // Refused questions are not counted.
    let res = app
        .client
        .post(app.url("/api/v1/matches"))
        .header("x-forwarded-for", "192.0.2.9")
        .json(&json!({"vraag": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // The limit and its 429 are in the document.
    let doc = app.get_json("/api/v1/openapi.json").await;
    let limited = &doc["paths"]["/matches"]["post"]["responses"]["429"];
    assert!(limited["headers"]["Retry-After"].is_object(), "{limited}");
}

#[tokio::test]
async fn default_match_limit_is_thirty_a_minute() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for _ in 0..31 {
        let res = app
            .client
            .post(app.url("/api/v1/matches"))
            .json(&json!({"vraag": "buurtbemiddeling"}))
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert!(statuses[..30].iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(statuses[30], 429);
}
