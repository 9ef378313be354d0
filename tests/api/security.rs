//! Login and session hardening: a half-finished login or a revoked session never outlives a
//! reset, sessions are extended while in use, typed text survives an expired session, login
//! limits hold under parallel requests and keep their key spaces apart, and security events are
//! logged with the request id. HTTP-level hardening is in `http_hardening`.

use std::time::Duration;

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
    app.store().user_by_email(email).await.unwrap().unwrap().id
}

async fn sessions_of(app: &TestApp, uid: i64) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM session_owners WHERE user_id = $1")
        .bind(uid)
        .fetch_one(app.store().pool())
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_pending_login_cannot_enrol_its_own_second_factor_after_a_totp_reset() {
    let app = TestApp::builder()
        .user(BEHEERDER, Role::Beheerder)
        .spawn()
        .await;
    let mut attacker = after_password_step(&app, BEHEERDER).await;
    let store = app.store();
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
    app.store()
        .reset_user(BEHEERDER, true, "test", chrono::Utc::now())
        .await
        .unwrap();
    let (s, loc, body) = old.get("/beheer/tweestaps").await;
    assert_eq!(s, 303, "{body}");
    assert!(loc.starts_with("/beheer/inloggen"), "{loc}");
    let user = app.store().user_by_email(BEHEERDER).await.unwrap().unwrap();
    assert!(user.totp_secret.is_none());
}

#[tokio::test]
async fn a_pending_login_does_not_survive_a_plain_reset() {
    let app = TestApp::builder()
        .user(BEHEERDER, Role::Beheerder)
        .spawn()
        .await;
    let secret = &app.totp[BEHEERDER];
    let mut attacker = after_password_step(&app, BEHEERDER).await;
    app.store()
        .reset_user(BEHEERDER, false, "test", chrono::Utc::now())
        .await
        .unwrap();
    let (s, loc, body) = attacker.enter_code(secret).await;
    assert_refused(s, &loc, &body);
    assert_eq!(attacker.get("/beheer").await.0, 303, "not logged in");
}

#[tokio::test]
async fn a_pending_login_ends_when_the_account_is_disabled() {
    let app = TestApp::builder()
        .user(BEHEERDER, Role::Beheerder)
        .spawn()
        .await;
    let secret = &app.totp[BEHEERDER];
    let mut b = after_password_step(&app, BEHEERDER).await;
    let store = app.store();
    store
        .set_user_disabled(BEHEERDER, true, "test", chrono::Utc::now())
        .await
        .unwrap();
    store
        .set_user_disabled(BEHEERDER, false, "test", chrono::Utc::now())
        .await
        .unwrap();
    let (s, loc, body) = b.enter_code(secret).await;
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
    let store = app.store();
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
    let app = TestApp::builder()
        .config(|c| {
            c.session_idle = Duration::from_secs(2);
            c.session_absolute = Duration::from_secs(60);
        })
        .spawn()
        .await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    // Five seconds of work, a request every 0.8 s: longer than the idle timeout in total.
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(800)).await;
        let (s, loc, _) = b.get("/beheer/vragen").await;
        assert_eq!(s, 200, "still logged in ({loc})");
    }
}

#[tokio::test]
async fn a_form_sent_after_the_session_expired_shows_the_typed_text() {
    let app = TestApp::builder()
        .config(|c| c.session_idle = Duration::from_secs(1))
        .spawn()
        .await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    b.get("/beheer/vragen/lv-demo-001").await;
    tokio::time::sleep(Duration::from_millis(2200)).await;
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
        .store()
        .inbox_item("lv-demo-001")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(q.antwoord.as_deref(), Some(answer));
}

#[tokio::test]
async fn an_anonymous_visit_to_the_login_page_writes_no_session() {
    let app = TestApp::builder()
        .user("coordinator@wijkwijzer.example", Role::Coordinator)
        .spawn()
        .await;
    for _ in 0..5 {
        let res = app.get("/beheer/inloggen").await;
        assert_eq!(res.status(), 200);
    }
    let rows: i64 = sqlx::query("SELECT COUNT(*) FROM tower_sessions")
        .fetch_one(app.store().pool())
        .await
        .map(|r| r.get(0))
        .unwrap_or(0);
    let pg_rows: i64 = sqlx::query("SELECT COUNT(*) FROM tower_sessions.session")
        .fetch_one(app.store().pool())
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
    let (s, _, _) = Browser::new(&app)
        .post_form(
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
    let app = TestApp::builder()
        .user(BEHEERDER, Role::Beheerder)
        .config(|c| c.login_rate = (2, Duration::from_secs(900)))
        .spawn()
        .await;
    let secret = app.totp[BEHEERDER].clone();
    let uid = user_id(&app, BEHEERDER).await;
    for email in [format!("totp:{uid}"), format!("code:{uid}")] {
        for _ in 0..2 {
            let s = Browser::new(&app).login(&email, "raden").await.0;
            assert!(s == 401 || s == 429, "{s}");
        }
    }
    let mut b = after_password_step(&app, BEHEERDER).await;
    let (s, loc, body) = b.enter_code(&secret).await;
    assert_eq!((s, loc.as_str()), (303, "/beheer"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_logins_cannot_pass_the_address_limit() {
    // Per account 10, per address 4 × 2 = 8 failed attempts.
    let app = TestApp::builder()
        .config(|c| c.login_rate = (2, Duration::from_secs(900)))
        .spawn()
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
    let user = app.store().user_by_email(BEHEERDER).await.unwrap().unwrap();
    assert!(!user.disabled);
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
        .post_request("/beheer/inloggen")
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

/// A one-time password link works for 72 hours from the moment it was made, by the clock.
#[tokio::test]
async fn a_password_link_works_for_72_hours_by_the_clock() {
    let (app, clock) = spawn_at("2026-10-24T12:00:00Z").await;
    let store = app.store();
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
    let (s, loc, body) = b.post_code(&code).await;
    assert_refused(s, &loc, &body);
    // The code of the clock's moment is the one that counts (not that of the machine's time).
    let mut b = after_password_step(&app, BEHEERDER).await;
    let machine = code_at(chrono::Utc::now().timestamp());
    let (s, _, _) = b.post_code(&machine).await;
    assert_eq!(s, 401);
    let code = code_at(clock.now().timestamp());
    let (s, loc, body) = b.post_code(&code).await;
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
