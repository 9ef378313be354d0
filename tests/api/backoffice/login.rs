//! Signing in to the back office: session rotation and logout, the cookie's attributes, idle and
//! absolute timeouts, the limit on failed logins, and TOTP for a beheerder.

use std::time::Duration;

use wijkwijzer::security::Role;

use crate::helpers::*;

#[tokio::test]
async fn login_rotates_the_session_and_logout_ends_it() {
    let app = TestApp::builder()
        .user("coordinator@wijkwijzer.example", Role::Coordinator)
        .spawn()
        .await;
    let mut b = Browser::new(&app);
    b.get("/beheer/inloggen").await;
    let before = b.cookies.clone();
    assert_eq!(before.len(), 1, "a cookie for the login form's token");
    let (s, loc) = b.login("coordinator@wijkwijzer.example", PASSWORD).await;
    assert_eq!((s, loc.as_str()), (303, "/beheer"));
    assert_ne!(before, b.cookies, "session id rotated at login");
    // The pre-login session id gives no access.
    let mut old = Browser::new(&app);
    old.cookies = before;
    assert_eq!(old.get("/beheer").await.0, 303);
    let stolen = b.cookies.clone();
    let (s, _, html) = b.get("/beheer").await;
    assert_eq!(s, 200);
    assert!(html.contains("Ingelogd als coordinator@wijkwijzer.example"));
    let (s, loc, _) = b.post("/beheer/uitloggen", &[]).await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/beheer/inloggen?melding=uitgelogd")
    );
    // The session is gone on the server: the old cookie no longer works.
    let mut replay = Browser::new(&app);
    replay.cookies = stolen;
    let (s, loc, _) = replay.get("/beheer").await;
    assert_eq!(s, 303);
    assert!(loc.starts_with("/beheer/inloggen"));
}

#[tokio::test]
async fn session_cookie_is_host_prefixed_secure_httponly_lax() {
    let app = TestApp::builder()
        .base_url("https://wijkwijzer.example")
        .user("coordinator@wijkwijzer.example", Role::Coordinator)
        .spawn()
        .await;
    let mut b = Browser::new(&app);
    // The login form has no session yet: its CSRF token is bound to a strict login cookie.
    b.get("/beheer/inloggen").await;
    let cookie = b.last_set_cookie.join("\n");
    assert!(cookie.starts_with("__Host-wijkwijzer-login="), "{cookie}");
    for attr in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    b.post(
        "/beheer/inloggen",
        &[
            ("email", "coordinator@wijkwijzer.example"),
            ("wachtwoord", PASSWORD),
        ],
    )
    .await;
    let cookie = b.last_set_cookie.join("\n");
    assert!(cookie.starts_with("__Host-wijkwijzer="), "{cookie}");
    for attr in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    assert!(!cookie.contains("Domain="), "{cookie}");
    // Public pages set no cookie at all.
    let res = app.get("/aanbod").await;
    assert!(res.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn sessions_end_after_idle_and_absolute_timeouts() {
    let app = TestApp::builder()
        .config(|c| {
            c.session_idle = Duration::from_secs(2);
            c.session_absolute = Duration::from_secs(30);
        })
        .spawn()
        .await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert_eq!(b.get("/beheer").await.0, 303, "idle timeout");

    let app = TestApp::builder()
        .config(|c| c.session_absolute = Duration::from_secs(4))
        .spawn()
        .await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        b.get("/beheer/vragen").await.0,
        200,
        "active within the limit"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(b.get("/beheer").await.0, 200, "still active");
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let (s, loc, _) = b.get("/beheer").await;
    assert_eq!(s, 303, "absolute timeout despite activity");
    assert!(loc.contains("melding=verlopen"), "{loc}");
}

#[tokio::test]
async fn repeated_failed_logins_are_limited_with_a_dutch_message() {
    let app = TestApp::builder()
        .user("coordinator@wijkwijzer.example", Role::Coordinator)
        .spawn()
        .await;
    let mut b = Browser::new(&app);
    for _ in 0..5 {
        let (s, _) = b
            .login("coordinator@wijkwijzer.example", "fout wachtwoord 123")
            .await;
        assert_eq!(s, 401);
    }
    let (s, _, html) = b
        .post_form(
            "/beheer/inloggen",
            &[
                ("email", "coordinator@wijkwijzer.example"),
                ("wachtwoord", PASSWORD),
            ],
        )
        .await;
    assert_eq!(s, 429, "even the right password waits");
    assert!(html.contains("Te veel mislukte pogingen"));
    // Another account is not locked out by this one.
    account(&app, "redacteur@wijkwijzer.example", Role::Redacteur).await;
    let (s, _) = Browser::new(&app)
        .login("redacteur@wijkwijzer.example", PASSWORD)
        .await;
    assert_eq!(s, 303);
}

#[tokio::test]
async fn a_beheerder_must_set_up_totp_and_then_use_it() {
    let app = spawn_app().await;
    let hash = wijkwijzer::security::hash_password(PASSWORD).unwrap();
    let store = app.store();
    store
        .create_user(
            "baas@wijkwijzer.example",
            Role::Beheerder,
            Some(&hash),
            "test",
        )
        .await
        .unwrap();
    let mut b = Browser::new(&app);
    let (s, loc) = b.login("baas@wijkwijzer.example", PASSWORD).await;
    assert_eq!((s, loc.as_str()), (303, "/beheer/tweestaps"));
    assert_eq!(
        b.get("/beheer").await.0,
        303,
        "no access before the second factor"
    );
    let (s, _, html) = b.get("/beheer/tweestaps").await;
    assert_eq!(s, 200);
    assert!(html.contains("data:image/svg+xml;base64,"), "QR code");
    let secret = html
        .split("<code class=\"ww-secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let (s, _, _) = b.post("/beheer/tweestaps", &[("code", "000000")]).await;
    assert_eq!(s, 422);
    let (s, loc, _) = b
        .post("/beheer/tweestaps", &[("code", &totp_now(&secret))])
        .await;
    assert_eq!((s, loc.as_str()), (303, "/beheer?melding=tweestaps"));
    assert_eq!(b.get("/beheer/mail").await.0, 200);
    // Once it is on, the dashboard no longer asks to set it up.
    let (_, _, dash) = b.get("/beheer").await;
    assert!(!dash.contains("Tweestapsverificatie instellen"), "{dash}");
    assert!(dash.contains("Tweestapsverificatie staat aan voor je account."));
    // A logged-in session cannot replace the second factor.
    let (s, _, html) = b.get("/beheer/tweestaps").await;
    assert_eq!(s, 200);
    assert!(html.contains("staat al aan"));
    assert!(!html.contains("ww-secret"));
    let (s, _, _) = b.post("/beheer/tweestaps", &[("code", "123456")]).await;
    assert_eq!(s, 303);
    let stored = app
        .store()
        .user_by_email("baas@wijkwijzer.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.totp_secret.as_deref(), Some(secret.as_str()));
    // Next time: password, then the code; a wrong code does not log in.
    let mut b = Browser::new(&app);
    let (_, loc) = b.login("baas@wijkwijzer.example", PASSWORD).await;
    assert!(loc.starts_with("/beheer/inloggen/code"));
    let (s, _, _) = b.post("/beheer/inloggen/code", &[("code", "123456")]).await;
    assert_eq!(s, 401);
    assert_eq!(b.get("/beheer").await.0, 303);
}
