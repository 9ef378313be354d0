//! Staff accounts from the command line: created with a one-time link, listed, disabled at once,
//! and reset (which ends the open sessions).

use wijkwijzer::security::Role;

use crate::helpers::*;

/// The account the command line makes in the first test.
const NEW: &str = "nieuw@wijkwijzer.example";
/// The coordinator of [`logged_in`].
const COORDINATOR: &str = "coordinator@wijkwijzer.example";

/// The status of a login with `password` as `email` in a new browser.
async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    Browser::new(app).login(email, password).await.0
}

// The CLI blocks this thread while it writes; the server needs its own threads meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_creates_accounts_with_a_one_time_link() {
    let app = spawn_app().await;
    let text = cli_ok(
        &app.db(),
        &[
            "user",
            "add",
            NEW,
            "--role",
            "redacteur",
            "--base-url",
            &format!("http://{}", app.addr),
        ],
    );
    let link = text
        .lines()
        .find(|l| l.contains("/beheer/wachtwoord/"))
        .unwrap()
        .trim()
        .to_string();
    let path = link
        .split_once(&app.addr.to_string())
        .unwrap()
        .1
        .to_string();
    let mut b = Browser::new(&app);
    let (s, _, html) = b.get(&path).await;
    assert_eq!(s, 200);
    assert!(html.contains(NEW));
    let (s, _, html) = b
        .post(&path, &[("wachtwoord", "kort"), ("herhaal", "kort")])
        .await;
    assert_eq!(s, 422);
    assert!(html.contains("minstens 12 tekens"));
    let (s, loc, _) = b
        .post(&path, &[("wachtwoord", PASSWORD), ("herhaal", PASSWORD)])
        .await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/beheer/inloggen?melding=wachtwoord")
    );
    assert_eq!(b.get(&path).await.0, 404, "the link works once");
    assert_eq!(b.login(NEW, PASSWORD).await.0, 303);
    let hash = app
        .store()
        .user_by_email(NEW)
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));

    let list = cli(&app.db(), &["user", "list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains(&format!("{NEW}\tredacteur\tactief")));
    let dup = cli(&app.db(), &["user", "add", NEW, "--role", "redacteur"]);
    assert_eq!(dup.status.code(), Some(1));
    let bad = cli(&app.db(), &["user", "add", "x@y.nl", "--role", "baas"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(cli(&app.db(), &["user", "disable", NEW]).status.success());
    assert_eq!(b.get("/beheer").await.0, 303, "disabled at once");
    assert_eq!(login_status(&app, NEW, PASSWORD).await, 401);
    let enabled = cli(&app.db(), &["user", "enable", NEW]);
    assert!(String::from_utf8_lossy(&enabled.stdout).contains("ingeschakeld"));
    assert_eq!(
        login_status(&app, NEW, PASSWORD).await,
        303,
        "enabled again"
    );
    let unknown = cli(&app.db(), &["user", "enable", "niemand@x.nl"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("Geen account"));
}

// The CLI blocks this thread while it writes; the server needs its own threads meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_ends_sessions_and_gives_a_new_link() {
    let app = spawn_app().await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    let text = cli_ok(
        &app.db(),
        &[
            "user",
            "reset",
            COORDINATOR,
            "--base-url",
            "http://x.example",
        ],
    );
    let path = text
        .lines()
        .find_map(|l| l.strip_prefix("http://x.example"))
        .unwrap()
        .trim()
        .to_string();
    let (s, loc, _) = b.get("/beheer").await;
    assert_eq!(s, 303, "the open session ended");
    assert!(loc.contains("melding=verlopen"));
    assert_eq!(login_status(&app, COORDINATOR, PASSWORD).await, 401);
    let new = "een heel nieuw wachtwoord";
    let (s, _, _) = Browser::new(&app)
        .post_form(&path, &[("wachtwoord", new), ("herhaal", new)])
        .await;
    assert_eq!(s, 303);
    assert_eq!(login_status(&app, COORDINATOR, new).await, 303);
    assert_eq!(
        cli(&app.db(), &["user", "reset", "niemand@x.example"])
            .status
            .code(),
        Some(1)
    );
}
