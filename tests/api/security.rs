//! Login and session hardening: a half-finished login or a revoked session never outlives a
//! reset, sessions are extended while in use, typed text survives an expired session, login
//! limits hold under parallel requests and keep their key spaces apart, and the security headers.

use sqlx::Row;
use wijkwijzer::security::Role;

use crate::helpers::*;

const BEHEERDER: &str = "beheerder@wijkwijzer.example";

/// A browser that has passed the password step of `email` (its login waits for the code).
async fn after_password_step(app: &TestApp, email: &str) -> Browser {
    let mut b = Browser::new(app);
    let (s, loc) = b.login(email, PASSWORD).await;
    assert_eq!(s, 303);
    assert!(loc.starts_with("/beheer/inloggen/code"), "{loc}");
    assert_eq!(b.get(&loc).await.0, 200);
    b
}

/// A step refused because the login or session ended: back to the login page, or (the session
/// itself deleted) the "sessie verlopen" page.
fn assert_refused(status: u16, location: &str, body: &str) {
    assert!(
        (status == 303 && location.starts_with("/beheer/inloggen"))
            || (status == 401 && body.contains("Je sessie is verlopen")),
        "{status} {location} {body}"
    );
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    app.state
        .catalog
        .store()
        .user_by_email(email)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn sessions_of(app: &TestApp, uid: i64) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM session_owners WHERE user_id = $1")
        .bind(uid)
        .fetch_one(app.state.catalog.store().pool())
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_pending_login_cannot_enrol_its_own_second_factor_after_a_totp_reset() {
    let app = spawn_app().await;
    account(&app, BEHEERDER, Role::Beheerder).await;
    let mut attacker = after_password_step(&app, BEHEERDER).await;
    let store = app.state.catalog.store();
    store
        .reset_user(BEHEERDER, true, "test", chrono::Utc::now())
        .await
        .unwrap();

    let (s, loc, body) = attacker.get("/beheer/tweestaps").await;
    assert_eq!((s, loc.as_str()), (303, "/beheer/inloggen"), "{body}");
    // Even with a secret of its own choosing and a valid code, nothing is set.
    let secret = wijkwijzer::security::new_totp_secret().unwrap();
    let (s, loc, body) = attacker
        .post("/beheer/tweestaps", &[("code", &totp_now(&secret))])
        .await;
    assert_refused(s, &loc, &body);
    let user = store.user_by_email(BEHEERDER).await.unwrap().unwrap();
    assert!(user.totp_secret.is_none(), "no second factor was planted");
    assert_eq!(attacker.get("/beheer").await.0, 303, "not logged in");
}

#[tokio::test]
async fn a_revoked_session_cannot_plant_a_second_factor_after_a_reset() {
    let app = spawn_app().await;
    let mut old = logged_in(&app, Role::Beheerder).await;
    assert_eq!(old.get("/beheer").await.0, 200);
    app.state
        .catalog
        .store()
        .reset_user(BEHEERDER, true, "test", chrono::Utc::now())
        .await
        .unwrap();
    let (s, loc, body) = old.get("/beheer/tweestaps").await;
    assert_eq!(s, 303, "{body}");
    assert!(loc.starts_with("/beheer/inloggen"), "{loc}");
    let user = app
        .state
        .catalog
        .store()
        .user_by_email(BEHEERDER)
        .await
        .unwrap()
        .unwrap();
    assert!(user.totp_secret.is_none());
}

#[tokio::test]
async fn a_pending_login_does_not_survive_a_plain_reset() {
    let app = spawn_app().await;
    let secret = account(&app, BEHEERDER, Role::Beheerder).await.unwrap();
    let mut attacker = after_password_step(&app, BEHEERDER).await;
    app.state
        .catalog
        .store()
        .reset_user(BEHEERDER, false, "test", chrono::Utc::now())
        .await
        .unwrap();
    let (s, loc, body) = attacker
        .post(
            "/beheer/inloggen/code",
            &[("code", &totp_now(&secret)), ("terug", "/beheer")],
        )
        .await;
    assert_refused(s, &loc, &body);
    assert_eq!(attacker.get("/beheer").await.0, 303, "not logged in");
}

#[tokio::test]
async fn a_pending_login_ends_when_the_account_is_disabled() {
    let app = spawn_app().await;
    let secret = account(&app, BEHEERDER, Role::Beheerder).await.unwrap();
    let mut b = after_password_step(&app, BEHEERDER).await;
    let store = app.state.catalog.store();
    store
        .set_user_disabled(BEHEERDER, true, "test", chrono::Utc::now())
        .await
        .unwrap();
    store
        .set_user_disabled(BEHEERDER, false, "test", chrono::Utc::now())
        .await
        .unwrap();
    let (s, loc, body) = b
        .post(
            "/beheer/inloggen/code",
            &[("code", &totp_now(&secret)), ("terug", "/beheer")],
        )
        .await;
    assert_refused(s, &loc, &body);
}

#[tokio::test]
async fn reset_and_disable_delete_the_accounts_sessions() {
    let app = spawn_app().await;
    let _a = logged_in(&app, Role::Coordinator).await;
    let email = "coordinator@wijkwijzer.example";
    let uid = user_id(&app, email).await;
    let mut second = Browser::new(&app);
    assert_eq!(second.login(email, PASSWORD).await.0, 303);
    assert_eq!(sessions_of(&app, uid).await, 2);
    let store = app.state.catalog.store();
    store
        .reset_user(email, false, "test", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(sessions_of(&app, uid).await, 0);

    let _r = logged_in(&app, Role::Redacteur).await;
    let email = "redacteur@wijkwijzer.example";
    let uid = user_id(&app, email).await;
    assert_eq!(sessions_of(&app, uid).await, 1);
    store
        .set_user_disabled(email, true, "test", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(sessions_of(&app, uid).await, 0);
}

#[tokio::test]
async fn an_active_session_is_extended_up_to_the_absolute_limit() {
    let app = spawn_configured(
        false,
        |_| {},
        |c| {
            c.session_idle = std::time::Duration::from_secs(2);
            c.session_absolute = std::time::Duration::from_secs(60);
        },
    )
    .await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    // Five seconds of work, a request every 0.8 s: longer than the idle timeout in total.
    for _ in 0..6 {
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        let (s, loc, _) = b.get("/beheer/vragen").await;
        assert_eq!(s, 200, "still logged in ({loc})");
    }
}

#[tokio::test]
async fn a_form_sent_after_the_session_expired_shows_the_typed_text() {
    let app = spawn_configured(
        false,
        |_| {},
        |c| c.session_idle = std::time::Duration::from_secs(1),
    )
    .await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    b.get("/beheer/vragen/lv-demo-001").await;
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let answer = "Een lang antwoord <met> tekens & regels\nover de wijkaanpak";
    let (s, _, body) = b
        .post(
            "/beheer/vragen/lv-demo-001",
            &[("status", "beantwoord"), ("antwoord", answer)],
        )
        .await;
    assert_eq!(s, 401, "{body}");
    assert!(body.contains("Je sessie is verlopen"), "{body}");
    assert!(
        body.contains("Een lang antwoord &#60;met&#62; tekens &#38; regels")
            || body.contains("Een lang antwoord &lt;met&gt; tekens &amp; regels"),
        "{body}"
    );
    // Nothing was saved.
    let q = app
        .state
        .catalog
        .store()
        .inbox_item("lv-demo-001")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(q.antwoord.as_deref(), Some(answer));
}

#[tokio::test]
async fn an_anonymous_visit_to_the_login_page_writes_no_session() {
    let app = spawn_app().await;
    account(&app, "coordinator@wijkwijzer.example", Role::Coordinator).await;
    for _ in 0..5 {
        let res = app.get("/beheer/inloggen").await;
        assert_eq!(res.status(), 200);
    }
    let rows: i64 = sqlx::query("SELECT COUNT(*) FROM tower_sessions")
        .fetch_one(app.state.catalog.store().pool())
        .await
        .map(|r| r.get(0))
        .unwrap_or(0);
    let pg_rows: i64 = sqlx::query("SELECT COUNT(*) FROM tower_sessions.session")
        .fetch_one(app.state.catalog.store().pool())
        .await
        .map(|r| r.get(0))
        .unwrap_or(0);
    assert_eq!(rows + pg_rows, 0);
    // The login itself still works, with its CSRF check.
    let mut b = Browser::new(&app);
    assert_eq!(
        b.login("coordinator@wijkwijzer.example", PASSWORD).await,
        (303, "/beheer".to_string())
    );
    let mut forged = Browser::new(&app);
    forged.get("/beheer/inloggen").await;
    let (s, _, _) = forged
        .post(
            "/beheer/inloggen",
            &[
                ("email", "coordinator@wijkwijzer.example"),
                ("wachtwoord", PASSWORD),
                ("csrf", "00"),
            ],
        )
        .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn an_email_like_a_code_key_does_not_use_up_the_code_attempts() {
    let app = spawn_configured(
        false,
        |_| {},
        |c| c.login_rate = (2, std::time::Duration::from_secs(900)),
    )
    .await;
    let secret = account(&app, BEHEERDER, Role::Beheerder).await.unwrap();
    let uid = user_id(&app, BEHEERDER).await;
    for email in [format!("totp:{uid}"), format!("code:{uid}")] {
        for _ in 0..2 {
            let s = Browser::new(&app).login(&email, "raden").await.0;
            assert!(s == 401 || s == 429, "{s}");
        }
    }
    let mut b = after_password_step(&app, BEHEERDER).await;
    let (s, loc, body) = b
        .post(
            "/beheer/inloggen/code",
            &[("code", &totp_now(&secret)), ("terug", "/beheer")],
        )
        .await;
    assert_eq!((s, loc.as_str()), (303, "/beheer"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_logins_cannot_pass_the_address_limit() {
    // Per account 10, per address 4 × 2 = 8 failed attempts.
    let app = spawn_configured(
        false,
        |_| {},
        |c| c.login_rate = (2, std::time::Duration::from_secs(900)),
    )
    .await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let mut b = Browser::new(&app);
        tasks.push(tokio::spawn(async move {
            b.login(&format!("raad{i}@x.example"), "fout").await.0
        }));
    }
    let mut refused = 0;
    let mut checked = 0;
    for t in tasks {
        match t.await.unwrap() {
            429 => refused += 1,
            401 => checked += 1,
            s => panic!("status {s}"),
        }
    }
    assert!(
        checked <= 8,
        "{checked} passwords checked, {refused} refused"
    );
}

#[tokio::test]
async fn a_beheerder_cannot_disable_their_own_account_through_spaces_or_case() {
    let app = spawn_app().await;
    let mut b = logged_in(&app, Role::Beheerder).await;
    b.get("/beheer/mail").await;
    for email in [
        " beheerder@wijkwijzer.example",
        "BEHEERDER@wijkwijzer.example ",
    ] {
        let (s, _, _) = b
            .post(
                "/beheer/accounts/status",
                &[("email", email), ("uitgeschakeld", "ja")],
            )
            .await;
        assert_eq!(s, 422, "{email:?}");
    }
    let user = app
        .state
        .catalog
        .store()
        .user_by_email(BEHEERDER)
        .await
        .unwrap()
        .unwrap();
    assert!(!user.disabled);
}

#[tokio::test]
async fn https_sites_send_hsts_and_check_the_origin_against_the_base_url() {
    let app = spawn_configured(
        false,
        |_| {},
        |c| c.base_url = Some("https://wijkwijzer.example".into()),
    )
    .await;
    let res = app.get("/").await;
    let hsts = res
        .headers()
        .get("strict-transport-security")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(hsts.contains("max-age="), "{hsts}");

    // A form posted from another site whose Host header matches its own Origin.
    let page = app.get("/contact").await.text().await.unwrap();
    let token = token_in(&page);
    let res = app
        .client
        .post(app.url("/contact"))
        .header("origin", "http://evil.example")
        .header("host", "evil.example")
        .form(&[
            ("token", token.as_str()),
            ("naam", "Test"),
            ("email", "a@b.example"),
            ("bericht", "Een vraag over de site die lang genoeg is."),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
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
async fn closing_a_message_or_retrying_a_mail_that_does_not_exist_is_a_404() {
    let app = spawn_app().await;
    let mut b = logged_in(&app, Role::Beheerder).await;
    b.get("/beheer/berichten").await;
    let (s, _, _) = b.post("/beheer/berichten/987654/afgehandeld", &[]).await;
    assert_eq!(s, 404);
    b.get("/beheer/mail").await;
    let (s, _, _) = b.post("/beheer/mail/987654/opnieuw", &[]).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn refused_public_forms_answer_with_a_4xx() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/contact"))
        .form(&[
            ("token", "vervalst"),
            ("bericht", "Een vraag over de site die lang genoeg is."),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body = res.text().await.unwrap();
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
        item.vraag,
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
    let app = spawn_with(false, |db| {
        let dir = tempfile::tempdir().unwrap();
        let file = long_offerings(dir.path());
        let out = cli(db, &["import", "aanbod", file.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    })
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

/// Log lines captured in memory.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A failed login and a CSRF refusal are logged as security events, with the request id and
/// without the password or the typed address. (The server runs on this test's one thread, so
/// the thread's log subscriber sees its events.)
#[tokio::test(flavor = "current_thread")]
async fn security_events_are_logged_with_the_request_id() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Callsites first met by other tests (with no subscriber) may have cached "not wanted".
    tracing::callsite::rebuild_interest_cache();
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    b.get("/beheer/inloggen").await;
    let res = b
        .client
        .post(app.url("/beheer/inloggen"))
        .header(
            "cookie",
            b.cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .form(&[
            ("email", "geheim-adres@x.example"),
            ("wachtwoord", "geheim-wachtwoord-123"),
            ("csrf", b.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let rid = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let (s, _, _) = b.post("/beheer/uitloggen", &[("csrf", "vals")]).await;
    assert!(s == 401 || s == 403, "{s}");
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let failed = log
        .lines()
        .find(|l| l.contains("inloggen_mislukt"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(failed.contains(&rid), "{failed}");
    assert!(failed.contains("wijkwijzer::security"), "{failed}");
    assert!(log.contains("csrf_geweigerd"), "{log}");
    assert!(!log.contains("geheim-wachtwoord"), "{log}");
    assert!(!log.contains("geheim-adres"), "{log}");
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

/// A one-time password link works for 72 hours from the moment it was made, by the clock.
#[tokio::test]
async fn a_password_link_works_for_72_hours_by_the_clock() {
    let (app, clock) = spawn_at("2026-10-24T12:00:00Z").await;
    let store = app.state.catalog.store();
    let id = store
        .create_user("nieuw@wijkwijzer.example", Role::Coordinator, None, "test")
        .await
        .unwrap();
    let token = "ab".repeat(32);
    store
        .create_password_token(
            id,
            &wijkwijzer::security::token_hash(&token),
            72,
            clock.now(),
        )
        .await
        .unwrap();
    let path = format!("/beheer/wachtwoord/{token}");
    // Across the end of summer time: 72 hours, not three calendar days of local time.
    clock.set(moment("2026-10-27T11:59:59Z"));
    let res = app.get(&path).await;
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("nieuw@wijkwijzer.example"));
    clock.set(moment("2026-10-27T12:00:00Z"));
    let res = app.get(&path).await;
    assert_eq!(res.status(), 404);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Link ongeldig of verlopen"));
}

/// The code of a login, the wait between its two steps and the session's absolute timeout all
/// follow the clock.
#[tokio::test]
async fn the_login_steps_and_the_session_age_follow_the_clock() {
    let (app, clock) = spawn_at("2026-10-25T00:30:00Z").await;
    let secret = account(&app, BEHEERDER, Role::Beheerder).await.unwrap();
    let code_at = |unix: i64| {
        format!(
            "{:06}",
            wijkwijzer::security::totp_code(&secret, wijkwijzer::security::totp_step(unix as u64))
                .unwrap()
        )
    };
    // The code step waits at most 15 minutes after the password.
    let mut b = after_password_step(&app, BEHEERDER).await;
    clock.advance(std::time::Duration::from_secs(15 * 60 + 1));
    let code = code_at(clock.now().timestamp());
    let (s, loc, body) = b
        .post(
            "/beheer/inloggen/code",
            &[("code", &code), ("terug", "/beheer")],
        )
        .await;
    assert_refused(s, &loc, &body);
    // The code of the clock's moment is the one that counts (not that of the machine's time).
    let mut b = after_password_step(&app, BEHEERDER).await;
    let machine = code_at(chrono::Utc::now().timestamp());
    let (s, _, _) = b
        .post(
            "/beheer/inloggen/code",
            &[("code", &machine), ("terug", "/beheer")],
        )
        .await;
    assert_eq!(s, 401);
    let code = code_at(clock.now().timestamp());
    let (s, loc, body) = b
        .post(
            "/beheer/inloggen/code",
            &[("code", &code), ("terug", "/beheer")],
        )
        .await;
    assert_eq!((s, loc.as_str()), (303, "/beheer"), "{body}");
    // Logged in for at most 12 hours.
    clock.advance(std::time::Duration::from_secs(12 * 3600));
    assert_eq!(b.get("/beheer").await.0, 200);
    clock.advance(std::time::Duration::from_secs(1));
    let (s, loc, _) = b.get("/beheer").await;
    assert_eq!(s, 303);
    assert!(loc.starts_with("/beheer/inloggen"), "{loc}");
    assert!(loc.contains("melding=verlopen"), "{loc}");
}
