//! Errors that axum itself would answer in English: a body that is not (the right) JSON, a
//! method a route does not support, a body that is too large. The API answers with a Dutch
//! problem document, the site with its Dutch error page.

use reqwest::header::{ALLOW, CONTENT_TYPE};
use reqwest::{Method, Response};
use serde_json::Value;

use wijkwijzer::security::Role;

use crate::helpers::{logged_in, spawn_app};

/// Text axum uses in its own (English) rejections.
const ENGLISH: [&str; 8] = [
    "Failed to",
    "failed to",
    "invalid type",
    "expected",
    "length limit",
    "Content-Type",
    "Method Not Allowed",
    "request body",
];

fn assert_no_english(body: &str) {
    for text in ENGLISH {
        // The 415 detail names the header `Content-Type`; that one is the header's name.
        if text == "Content-Type" && body.contains("`Content-Type: application/json`") {
            continue;
        }
        assert!(!body.contains(text), "English {text:?} in {body}");
    }
}

/// The problem document of `res`, after checking status and content type.
async fn problem(res: Response, status: u16) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()[CONTENT_TYPE], "application/problem+json");
    assert_eq!(res.headers()["api-version"], "1.0.0");
    let text = res.text().await.unwrap();
    assert_no_english(&text);
    let p: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(p["status"], status);
    p
}

/// The error page of `res` with its request id, after checking status and content type.
async fn error_page(res: Response, status: u16) -> String {
    assert_eq!(res.status(), status);
    assert!(res.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\""), "{html}");
    assert!(html.contains(&format!("<code>{id}</code>")), "{html}");
    assert_no_english(&html);
    html
}

#[tokio::test]
async fn api_answers_bad_json_with_a_dutch_problem() {
    let app = spawn_app().await;
    let post = |body: &'static str, content_type: Option<&'static str>| {
        let mut req = app
            .client
            .post(app.url("/api/v1/matches"))
            .body(body.to_string());
        if let Some(ct) = content_type {
            req = req.header(CONTENT_TYPE, ct);
        }
        req.send()
    };

    let p = problem(post("{bad", Some("application/json")).await.unwrap(), 400).await;
    assert_eq!(p["title"], "Ongeldige JSON");
    assert_eq!(
        p["detail"],
        "De body is geen geldige JSON (fout in regel 1, teken 2)."
    );

    let p = problem(
        post("{\"vraag\":123}", Some("application/json"))
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(p["title"], "Ongeldige JSON");
    assert_eq!(p["detail"], "Veld `vraag` moet tekst zijn.");
    assert_eq!(p["invalidParams"][0]["name"], "vraag");
    assert_eq!(p["invalidParams"][0]["reason"], "moet tekst zijn");

    let p = problem(
        post(
            "{\"vraag\":\"Hoe?\",\"themas\":\"jeugd\"}",
            Some("application/json; charset=utf-8"),
        )
        .await
        .unwrap(),
        400,
    )
    .await;
    assert_eq!(p["detail"], "Veld `themas` moet een lijst zijn.");

    let p = problem(post("{}", Some("application/json")).await.unwrap(), 400).await;
    assert_eq!(p["detail"], "Veld `vraag` ontbreekt.");

    let p = problem(post("", Some("application/json")).await.unwrap(), 400).await;
    assert_eq!(p["detail"], "De body is leeg. Stuur een JSON-object.");

    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let p = problem(
            post("{\"vraag\":\"Hoe?\"}", content_type).await.unwrap(),
            415,
        )
        .await;
        assert_eq!(p["title"], "Verkeerd type body", "{content_type:?}");
        assert_eq!(
            p["detail"],
            "Stuur de body als JSON, met de header `Content-Type: application/json`."
        );
    }

    // Good JSON still works.
    let res = post(
        "{\"vraag\":\"Hoe pak ik ondermijning aan?\"}",
        Some("application/json"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn api_answers_a_wrong_method_with_a_dutch_problem_and_allow() {
    let app = spawn_app().await;
    for (method, path, allowed) in [
        (Method::DELETE, "/api/v1/aanbod", "GET"),
        (Method::POST, "/api/v1/themas", "GET"),
        (Method::GET, "/api/v1/matches", "POST"),
        (Method::PUT, "/api/v1/aanbod/bestaat-niet", "GET"),
    ] {
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        let allow = res.headers()[ALLOW].to_str().unwrap().to_string();
        assert!(allow.split(',').any(|m| m == allowed), "{path}: {allow}");
        let p = problem(res, 405).await;
        assert_eq!(p["title"], "Methode niet toegestaan");
        assert_eq!(
            p["detail"],
            format!(
                "Deze API-route kan niet met {method}. De header `Allow` noemt de methoden die wel kunnen."
            )
        );
    }
}

#[tokio::test]
async fn pages_answer_a_wrong_method_with_the_dutch_error_page() {
    let app = spawn_app().await;
    for (method, path, allowed) in [
        (Method::DELETE, "/aanbod", "GET"),
        (Method::POST, "/", "GET"),
        (Method::PUT, "/contact", "POST"),
    ] {
        let res = app
            .client
            .request(method, app.url(path))
            .send()
            .await
            .unwrap();
        let allow = res.headers()[ALLOW].to_str().unwrap().to_string();
        assert!(allow.split(',').any(|m| m == allowed), "{path}: {allow}");
        let html = error_page(res, 405).await;
        assert!(html.contains("<h1>Methode niet toegestaan</h1>"), "{html}");
    }
}

#[tokio::test]
async fn too_large_bodies_get_a_dutch_answer() {
    let app = spawn_app().await;
    let big = "a".repeat(3 * 1024 * 1024);

    // Public forms, and Mijn WijkWijzer's circle form (read before the sign-in is checked).
    for path in [
        "/contact",
        "/leervraag",
        "/aanbod/aanmelden",
        "/leerkringen/starten",
    ] {
        let res = app
            .client
            .post(app.url(path))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!("bericht={big}"))
            .send()
            .await
            .unwrap();
        let html = error_page(res, 413).await;
        assert!(html.contains("<h1>Formulier te groot</h1>"), "{path}");
        assert!(html.contains("Het formulier is te groot"), "{path}");
    }

    let res = app
        .client
        .post(app.url("/api/v1/matches"))
        .header(CONTENT_TYPE, "application/json")
        .body(format!("{{\"vraag\":\"{big}\"}}"))
        .send()
        .await
        .unwrap();
    let p = problem(res, 413).await;
    assert_eq!(p["title"], "Body te groot");
    assert_eq!(p["detail"], "De body is te groot. Stuur hoogstens 2 MB.");
}

#[tokio::test]
async fn a_too_large_back_office_form_gets_a_dutch_page_and_changes_nothing() {
    let app = spawn_app().await;
    let b = logged_in(&app, Role::Coordinator).await;
    let store = app.store();
    let id = "lv-demo-001";
    let before = store.inbox_item(id).await.unwrap().unwrap();
    let big = "a".repeat(1024 * 1024 + 10);
    let res = b
        .post_request(&format!("/beheer/vragen/{id}"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("csrf={}&status=beantwoord&antwoord={big}", b.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
    let html = res.text().await.unwrap();
    assert!(html.contains("Formulier te groot"), "{html}");
    assert!(html.contains("hoogstens 1 MB"));
    assert_no_english(&html);
    let after = store.inbox_item(id).await.unwrap().unwrap();
    assert_eq!(after.status, before.status);
    assert_eq!(after.antwoord, before.antwoord);
}
