//! HTTP hardening: HSTS and the origin check on https sites, random request ids, refused forms and
//! hostile requests (control characters, long or many parameters, what hyper cannot read)
//! answered in Dutch, and responses too large for the page cache.

use crate::helpers::*;

#[tokio::test]
async fn https_sites_send_hsts_and_check_the_origin_against_the_base_url() {
    let app = TestApp::builder()
        .base_url("https://wijkwijzer.example")
        .spawn()
        .await;
    let res = app.get("/").await;
    let hsts = res
        .headers()
        .get("strict-transport-security")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(hsts.contains("max-age="), "{hsts}");

    // A form posted from another site whose Host header matches its own Origin.
    let (status, body) = app
        .post_form_with(
            "/contact",
            &[
                ("naam", "Test"),
                ("email", "a@b.example"),
                ("bericht", "Een vraag over de site die lang genoeg is."),
                ("website", ""),
            ],
            &[("origin", "http://evil.example"), ("host", "evil.example")],
        )
        .await;
    assert!(
        !body.contains("ontvangen") || status >= 400,
        "{status} {body}"
    );
    assert!(status >= 400, "refused with a 4xx, got {status}");

    let plain = spawn_app().await;
    assert!(plain
        .get("/")
        .await
        .headers()
        .get("strict-transport-security")
        .is_none());
}

#[tokio::test]
async fn request_ids_are_random() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let res = app.get("/healthz").await;
        ids.push(
            res.headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
        );
    }
    let pid = format!("{:x}-", std::process::id());
    for id in &ids {
        assert_eq!(id.len(), 16, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        assert!(!id.starts_with(&pid), "{id}");
    }
    assert_ne!(ids[0], ids[1]);
}

#[tokio::test]
async fn refused_public_forms_answer_with_a_4xx() {
    let app = spawn_app().await;
    let (s, body) = app
        .send_form(
            "/contact",
            &[
                ("token", "vervalst"),
                ("bericht", "Een vraag over de site die lang genoeg is."),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(s, 403);
    assert!(body.contains("Het formulier kon niet worden gecontroleerd"));
    assert!(body.contains("Een vraag over de site"), "typed text kept");
}

#[tokio::test]
async fn control_characters_are_dropped_from_forms_and_refused_in_paths() {
    let app = spawn_app().await;
    let item = ask_on_site(
        &app,
        "Hoe\u{0} betrek ik\u{1b} jongeren bij de buurtaanpak in onze wijk?",
    )
    .await;
    assert_eq!(
        item.question.vraag,
        "Hoe betrek ik jongeren bij de buurtaanpak in onze wijk?"
    );
    for path in ["/aanbod/abc%00", "/api/v1/aanbod/abc%00", "/themas/x%0Ay"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
    }
    let res = app.get("/api/v1/aanbod?q=wijk%00aanpak").await;
    assert_eq!(res.status(), 200);
    // A filter value of control characters is refused by the API, not read as absent.
    assert_eq!(app.get("/api/v1/aanbod?vanaf=%01").await.status(), 400);
    assert_eq!(app.get("/aanbod?vanaf=%01").await.status(), 200);
}

#[tokio::test]
async fn long_query_strings_and_many_parameters_are_refused_in_dutch() {
    let app = spawn_app().await;
    let many = vec!["regio=zz"; 7270].join("&");
    for base in ["/aanbod", "/api/v1/aanbod"] {
        let res = app.get(&format!("{base}?{many}")).await;
        assert_eq!(res.status(), 414, "{base}");
        let body = res.text().await.unwrap();
        assert!(body.contains("te lang"), "{body}");
    }
    let sixty = vec!["regio=zz"; 151].join("&");
    let res = app.get(&format!("/api/v1/aanbod?{sixty}")).await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let body = res.text().await.unwrap();
    assert!(body.contains("te veel parameters"), "{body}");
    let res = app.get(&format!("/aanbod?{sixty}")).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("te veel parameters"));
}

#[tokio::test]
async fn one_filter_takes_at_most_twenty_values() {
    let app = spawn_app().await;
    let providers: Vec<String> = app
        .get_json("/api/v1/aanbieders")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["slug"].as_str().map(str::to_string))
        .collect();
    assert!(providers.len() > 20, "{}", providers.len());
    let query = |n: usize| {
        providers[..n]
            .iter()
            .map(|p| format!("aanbieder={p}"))
            .collect::<Vec<_>>()
            .join("&")
    };
    let res = app.get(&format!("/api/v1/aanbod?{}", query(20))).await;
    assert_eq!(res.status(), 200);
    let res = app.get(&format!("/api/v1/aanbod?{}", query(21))).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("te veel waarden"));
    // Repeats count too (the document says maxItems 20).
    let repeated = vec![format!("aanbieder={}", providers[0]); 21].join("&");
    let res = app.get(&format!("/api/v1/aanbod?{repeated}")).await;
    assert_eq!(res.status(), 400);
}

/// Offerings whose descriptions are long (9,000 characters): 60 of them make a page of the API
/// larger than the page cache keeps.
fn long_offerings(dir: &std::path::Path) -> std::path::PathBuf {
    let text = "Bewoners en professionals leren samen hoe de wijk veiliger wordt. ".repeat(140);
    demo_offerings(dir, 60, |i, o| {
        o["id"] = format!("lange-beschrijving-{i}").into();
        o["titel"] = format!("Lange beschrijving {i}").into();
        o["beschrijving"] = text.clone().into();
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_too_large_for_the_cache_arrive_whole_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::builder()
        .import("aanbod", long_offerings(dir.path()))
        .spawn()
        .await;
    for _ in 0..2 {
        let res = app.get("/api/v1/aanbod?pageSize=100").await;
        assert_eq!(res.status(), 200);
        let body = res.bytes().await.unwrap();
        assert!(body.len() > 512 * 1024, "{} bytes", body.len());
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(json.to_string().contains("lange-beschrijving-59"));
    }
}

#[tokio::test]
async fn a_question_of_only_blank_characters_is_refused_as_the_document_says() {
    let app = spawn_app().await;
    for vraag in ["\u{85}", "\u{feff} ", "\u{a0}\u{2028}"] {
        let res = app
            .client
            .post(app.url("/api/v1/matches"))
            .json(&serde_json::json!({ "vraag": vraag }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{vraag:?}");
    }
}

/// Sends `request` as raw bytes and returns the whole answer (the server closes after a refusal).
async fn raw_exchange(app: &TestApp, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    conn.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).await.unwrap();
    String::from_utf8(answer).unwrap()
}

#[tokio::test]
async fn requests_hyper_cannot_read_get_the_dutch_page_not_an_empty_body() {
    let app = spawn_app().await;
    // An address over hyper's 64 KB limit: refused before the router, still in Dutch.
    let long = format!(
        "GET /aanbod/{} HTTP/1.1\r\nhost: localhost\r\n\r\n",
        "a".repeat(70_000)
    );
    let answer = raw_exchange(&app, long.as_bytes()).await;
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 414 "), "{head}");
    assert!(
        head.contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(
        head.contains("content-security-policy: default-src 'self'"),
        "{head}"
    );
    assert!(
        head.contains(&format!("content-length: {}", body.len())),
        "{head}"
    );
    let id = head
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .unwrap();
    assert!(
        body.contains("Adres te lang") && body.contains(id),
        "{body}"
    );
    // More than 100 header lines.
    let mut many = String::from("GET /aanbod HTTP/1.1\r\nhost: localhost\r\n");
    for i in 0..120 {
        many.push_str(&format!("x-extra-{i}: 1\r\n"));
    }
    many.push_str("\r\n");
    let answer = raw_exchange(&app, many.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
    assert!(answer.contains("Verzoek te groot") && answer.contains("lang=\"nl\""));
    // A request line that is not HTTP.
    let answer = raw_exchange(&app, b"GARBAGE\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert!(answer.contains("Verzoek niet leesbaar"));
    // Ordinary answers pass unchanged, also our own 414 for a long query.
    assert_eq!(app.get("/aanbod").await.status(), 200);
    let res = app.get(&format!("/aanbod?q={}", "a".repeat(20_000))).await;
    assert_eq!(res.status(), 414);
    assert!(res.text().await.unwrap().contains("hoogstens"));
}
