//! The back office: authorisation per route and role, CSRF, sessions, login limits, TOTP,
//! and the full flows with the mails they send.

use wijkwijzer::domain::status::{MatchStatus, QuestionStatus, SubmissionStatus};
use wijkwijzer::security::{Area, Role};

use crate::helpers::*;

const QUESTION: &str = "lv-demo-001";
const OFFERING: &str = "leernetwerk-wijkaanpak-die-blijft";

/// Every back-office route with a request that the allowed roles may make.
/// A route: method, path, form fields, and the area it belongs to.
type Route = (
    &'static str,
    String,
    Vec<(&'static str, &'static str)>,
    Area,
);

fn routes() -> Vec<Route> {
    vec![
        ("GET", "/beheer".into(), vec![], Area::Dashboard),
        ("GET", "/beheer/vragen".into(), vec![], Area::Vragen),
        (
            "GET",
            "/beheer/vragen?status=nieuw&thema=langjarige-wijkaanpak".into(),
            vec![],
            Area::Vragen,
        ),
        (
            "GET",
            format!("/beheer/vragen/{QUESTION}?zoek=wijk"),
            vec![],
            Area::Vragen,
        ),
        (
            "POST",
            format!("/beheer/vragen/{QUESTION}"),
            vec![("status", "in-behandeling"), ("antwoord", "")],
            Area::Vragen,
        ),
        (
            "POST",
            format!("/beheer/vragen/{QUESTION}/koppeling"),
            vec![("aanbod", OFFERING), ("actie", "bevestig")],
            Area::Vragen,
        ),
        (
            "POST",
            format!("/beheer/vragen/{QUESTION}/themas"),
            vec![("thema", "gemengde-wijken")],
            Area::Vragen,
        ),
        (
            "GET",
            "/beheer/aanmeldingen".into(),
            vec![],
            Area::Moderatie,
        ),
        (
            "GET",
            "/beheer/aanmeldingen/999".into(),
            vec![],
            Area::Moderatie,
        ),
        (
            "POST",
            "/beheer/aanmeldingen/999".into(),
            vec![("actie", "opslaan")],
            Area::Moderatie,
        ),
        (
            "POST",
            "/beheer/aanmeldingen/999/afwijzen".into(),
            vec![("reden", "dubbel aanbod")],
            Area::Moderatie,
        ),
        ("GET", "/beheer/aanbod".into(), vec![], Area::Aanbod),
        ("GET", "/beheer/aanbod/nieuw".into(), vec![], Area::Aanbod),
        (
            "POST",
            "/beheer/aanbod/nieuw".into(),
            vec![("titel", "")],
            Area::Aanbod,
        ),
        (
            "GET",
            format!("/beheer/aanbod/{OFFERING}"),
            vec![],
            Area::Aanbod,
        ),
        (
            "POST",
            format!("/beheer/aanbod/{OFFERING}"),
            vec![("titel", "")],
            Area::Aanbod,
        ),
        (
            "POST",
            format!("/beheer/aanbod/{OFFERING}/publicatie"),
            vec![("gepubliceerd", "ja")],
            Area::Aanbod,
        ),
        ("GET", "/beheer/aanbieders".into(), vec![], Area::Aanbod),
        (
            "GET",
            "/beheer/aanbieders/buurtbemiddeling-gelderland".into(),
            vec![],
            Area::Aanbod,
        ),
        (
            "POST",
            "/beheer/aanbieders/buurtbemiddeling-gelderland".into(),
            vec![("naam", "")],
            Area::Aanbod,
        ),
        (
            "POST",
            "/beheer/aanbieders/bestaat-niet/van-de-site".into(),
            vec![],
            Area::Aanbod,
        ),
        ("GET", "/beheer/berichten".into(), vec![], Area::Berichten),
        (
            "POST",
            "/beheer/berichten/999/afgehandeld".into(),
            vec![],
            Area::Berichten,
        ),
        ("GET", "/beheer/trajecten".into(), vec![], Area::Trajecten),
        (
            "GET",
            "/beheer/trajecten/nieuw".into(),
            vec![],
            Area::Trajecten,
        ),
        (
            "POST",
            "/beheer/trajecten/nieuw".into(),
            vec![("titel", "")],
            Area::Trajecten,
        ),
        (
            "GET",
            "/beheer/trajecten/999".into(),
            vec![],
            Area::Trajecten,
        ),
        (
            "GET",
            "/beheer/trajecten/geen-getal".into(),
            vec![],
            Area::Trajecten,
        ),
        (
            "POST",
            "/beheer/trajecten/999".into(),
            vec![("titel", "")],
            Area::Trajecten,
        ),
        ("GET", "/beheer/peilingen".into(), vec![], Area::Peilingen),
        ("POST", "/beheer/peilingen".into(), vec![], Area::Peilingen),
        (
            "POST",
            "/beheer/rondes".into(),
            vec![("label", "")],
            Area::Peilingen,
        ),
        (
            "POST",
            "/beheer/rondes/999/afsluiten".into(),
            vec![],
            Area::Peilingen,
        ),
        ("GET", "/beheer/logboek".into(), vec![], Area::Audit),
        ("GET", "/beheer/privacy".into(), vec![], Area::Privacy),
        (
            "POST",
            "/beheer/privacy/export".into(),
            vec![("email", "iemand@voorbeeld.nl")],
            Area::Privacy,
        ),
        (
            "POST",
            "/beheer/privacy/wissen".into(),
            vec![("email", "iemand@voorbeeld.nl")],
            Area::Privacy,
        ),
        ("GET", "/beheer/mail".into(), vec![], Area::Beheer),
        (
            "POST",
            "/beheer/mail/999/opnieuw".into(),
            vec![],
            Area::Beheer,
        ),
        (
            "POST",
            "/beheer/accounts/status".into(),
            vec![("email", "niemand@voorbeeld.nl"), ("uitgeschakeld", "ja")],
            Area::Beheer,
        ),
    ]
}

async fn request(
    b: &mut Browser,
    method: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (s, loc, _) = if method == "GET" {
        b.get(path).await
    } else {
        b.post(path, fields).await
    };
    (s, loc)
}

#[tokio::test]
async fn every_route_checks_the_role() {
    let app = spawn_app().await;
    // Anonymous: GET goes to the login page, POST is refused.
    let mut anon = Browser::new(&app);
    for (method, path, fields, _) in routes() {
        let (s, loc) = request(&mut anon, method, &path, &fields).await;
        if method == "GET" {
            assert_eq!(s, 303, "anonymous GET {path}");
            assert!(loc.starts_with("/beheer/inloggen?terug="), "{path}: {loc}");
        } else {
            assert_eq!(s, 403, "anonymous POST {path}");
        }
    }
    for role in [Role::Beheerder, Role::Coordinator, Role::Redacteur] {
        let mut b = logged_in(&app, role).await;
        for (method, path, fields, area) in routes() {
            let token = b.csrf.clone();
            let (s, loc) = request(&mut b, method, &path, &fields).await;
            b.csrf = token;
            if role.may(area) {
                assert!(
                    s != 403 && !loc.starts_with("/beheer/inloggen"),
                    "{role:?} {method} {path}: {s} {loc}"
                );
                assert!(s < 500, "{role:?} {method} {path}: {s}");
            } else {
                assert_eq!(s, 403, "{role:?} {method} {path} should be refused");
            }
        }
    }
}

#[tokio::test]
async fn state_changes_need_the_session_csrf_token() {
    let app = spawn_app().await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    let path = format!("/beheer/vragen/{QUESTION}");
    let (s, _, body) = b.post(&path, &[("csrf", ""), ("status", "lacune")]).await;
    assert_eq!(s, 403);
    assert!(body.contains("Formulier verlopen"));
    let (s, _, _) = b
        .post(&path, &[("csrf", "0000"), ("status", "lacune")])
        .await;
    assert_eq!(s, 403);
    // From another site, even with the token.
    let res = b
        .client
        .post(format!("{}{path}", b.base))
        .header(
            "cookie",
            b.cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .header("origin", "https://kwaadwillend.example")
        .form(&[("csrf", b.csrf.as_str()), ("status", "lacune")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let item = app
        .state
        .catalog
        .store()
        .inbox_item(QUESTION)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item.status, QuestionStatus::Nieuw, "nothing changed");
    let (s, _, _) = b.post(&path, &[("status", "lacune")]).await;
    assert_eq!(s, 303);
    let item = app
        .state
        .catalog
        .store()
        .inbox_item(QUESTION)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item.status, QuestionStatus::Lacune);
    // No state change on GET.
    let (s, _, _) = b.get(&format!("/beheer/vragen/{QUESTION}/koppeling")).await;
    assert_eq!(s, 405);
}

#[tokio::test]
async fn login_rotates_the_session_and_logout_ends_it() {
    let app = spawn_app().await;
    account(&app, "coordinator@wijkwijzer.example", Role::Coordinator).await;
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
    let app = spawn_configured(
        false,
        |_| {},
        |c| c.base_url = Some("https://wijkwijzer.example".into()),
    )
    .await;
    account(&app, "coordinator@wijkwijzer.example", Role::Coordinator).await;
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
    let app = spawn_configured(
        false,
        |_| {},
        |c| {
            c.session_idle = std::time::Duration::from_secs(2);
            c.session_absolute = std::time::Duration::from_secs(30);
        },
    )
    .await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    assert_eq!(b.get("/beheer").await.0, 303, "idle timeout");

    let app = spawn_configured(
        false,
        |_| {},
        |c| {
            c.session_absolute = std::time::Duration::from_secs(4);
        },
    )
    .await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        b.get("/beheer/vragen").await.0,
        200,
        "active within the limit"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(b.get("/beheer").await.0, 200, "still active");
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    let (s, loc, _) = b.get("/beheer").await;
    assert_eq!(s, 303, "absolute timeout despite activity");
    assert!(loc.contains("melding=verlopen"), "{loc}");
}

#[tokio::test]
async fn repeated_failed_logins_are_limited_with_a_dutch_message() {
    let app = spawn_app().await;
    account(&app, "coordinator@wijkwijzer.example", Role::Coordinator).await;
    let mut b = Browser::new(&app);
    for _ in 0..5 {
        let (s, _) = b
            .login("coordinator@wijkwijzer.example", "fout wachtwoord 123")
            .await;
        assert_eq!(s, 401);
    }
    b.get("/beheer/inloggen").await;
    let (s, _, html) = b
        .post(
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
    let store = app.state.catalog.store();
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
    // A logged-in session cannot replace the second factor.
    let (s, _, html) = b.get("/beheer/tweestaps").await;
    assert_eq!(s, 200);
    assert!(html.contains("staat al aan"));
    assert!(!html.contains("ww-secret"));
    let (s, _, _) = b.post("/beheer/tweestaps", &[("code", "123456")]).await;
    assert_eq!(s, 303);
    let stored = app
        .state
        .catalog
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

// The CLI blocks this thread while it writes; the server needs its own threads meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_creates_accounts_with_a_one_time_link() {
    let app = spawn_app().await;
    let out = cli(
        &app.db(),
        &[
            "user",
            "add",
            "nieuw@wijkwijzer.example",
            "--role",
            "redacteur",
            "--base-url",
            &format!("http://{}", app.addr),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
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
    assert!(html.contains("nieuw@wijkwijzer.example"));
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
    assert_eq!(b.login("nieuw@wijkwijzer.example", PASSWORD).await.0, 303);
    let hash = app
        .state
        .catalog
        .store()
        .user_by_email("nieuw@wijkwijzer.example")
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));

    let list = cli(&app.db(), &["user", "list"]);
    assert!(String::from_utf8_lossy(&list.stdout)
        .contains("nieuw@wijkwijzer.example\tredacteur\tactief"));
    let dup = cli(
        &app.db(),
        &[
            "user",
            "add",
            "nieuw@wijkwijzer.example",
            "--role",
            "redacteur",
        ],
    );
    assert_eq!(dup.status.code(), Some(1));
    let bad = cli(&app.db(), &["user", "add", "x@y.nl", "--role", "baas"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        cli(&app.db(), &["user", "disable", "nieuw@wijkwijzer.example"])
            .status
            .success()
    );
    assert_eq!(b.get("/beheer").await.0, 303, "disabled at once");
    assert_eq!(
        Browser::new(&app)
            .login("nieuw@wijkwijzer.example", PASSWORD)
            .await
            .0,
        401
    );
}

async fn submit_offering(app: &TestApp, titel: &str) -> (u16, String) {
    let html = app.get("/aanbod/aanmelden").await.text().await.unwrap();
    let token = token_in(&html);
    let res = app
        .client
        .post(app.url("/aanbod/aanmelden"))
        .form(&[
            ("token", token.as_str()),
            ("titel", titel),
            (
                "samenvatting",
                "Een praktijkdag over buurtbemiddeling bij burenruzies.",
            ),
            (
                "beschrijving",
                "Deelnemers oefenen met acteurs.\n\nMet een terugkomdag.",
            ),
            ("aanbieder", "Stichting Goede Buren"),
            ("partners", "Woonstichting Thuis\nPolitie Eenheid Oost"),
            ("vorm", "training"),
            ("themas", "vertrouwen-en-verbinding"),
            ("doelgroepen", "wijkprofessionals"),
            ("sectoren", "wonen"),
            ("sectoren", "veiligheid"),
            ("trefwoorden", "burenruzie, bemiddeling"),
            ("kosten", "gratis"),
            ("locatie", "fysiek"),
            ("regio", "Gelderland"),
            ("startdatum", ""),
            ("einddatum", ""),
            ("url", "https://goedeburen.example/praktijkdag"),
            ("contact_naam", "Sanne de Vries"),
            ("contact_email", "sanne@goedeburen.example"),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn wait_for_mail(app: &TestApp, n: usize) -> Vec<wijkwijzer::store::OutgoingMail> {
    for _ in 0..100 {
        let sent = app.mail.sent();
        if sent.len() >= n {
            return sent;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.mail.sent()
}

#[tokio::test]
async fn submitted_offering_is_moderated_published_searchable_and_mailed() {
    let app = spawn_app().await;
    let (s, html) = submit_offering(&app, "Praktijkdag buurtbemiddeling bij burenruzies").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Aanmelding ontvangen"));
    // Not on the site yet.
    let search = app
        .get_json("/api/v1/aanbod?q=praktijkdag%20buurtbemiddeling")
        .await
        .to_string();
    assert!(!search.contains("praktijkdag-buurtbemiddeling"), "{search}");
    assert_eq!(
        app.get("/aanbod/praktijkdag-buurtbemiddeling")
            .await
            .status(),
        404
    );
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (_, _, list) = b.get("/beheer/aanmeldingen").await;
    assert!(list.contains("Praktijkdag buurtbemiddeling bij burenruzies"));
    let subs = app
        .state
        .catalog
        .store()
        .submissions(SubmissionStatus::Ingediend)
        .await
        .unwrap();
    let id = subs[0].id;
    let (s, _, page) = b.get(&format!("/beheer/aanmeldingen/{id}")).await;
    assert_eq!(s, 200);
    assert!(page.contains("Vergelijkbaar bestaand aanbod"));
    // Approve with an edit of the title.
    let fields = [
        ("actie", "goedkeuren"),
        ("titel", "Praktijkdag buurtbemiddeling"),
        (
            "samenvatting",
            "Een praktijkdag over buurtbemiddeling bij burenruzies.",
        ),
        ("beschrijving", "Deelnemers oefenen met acteurs."),
        ("aanbieder", "Stichting Goede Buren"),
        ("partners", "Woonstichting Thuis"),
        ("vorm", "training"),
        ("themas", "vertrouwen-en-verbinding"),
        ("doelgroepen", "wijkprofessionals"),
        ("sectoren", "wonen"),
        ("sectoren", "veiligheid"),
        ("trefwoorden", "burenruzie"),
        ("kosten", "gratis"),
        ("locatie", "fysiek"),
        ("regio", "Gelderland"),
        ("url", "https://goedeburen.example/praktijkdag"),
    ];
    let (s, loc, body) = b.post(&format!("/beheer/aanmeldingen/{id}"), &fields).await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/aanbod/praktijkdag-buurtbemiddeling"),
        "{body}"
    );
    assert_eq!(
        app.get("/aanbod/praktijkdag-buurtbemiddeling")
            .await
            .status(),
        200
    );
    let search = app
        .get_json("/api/v1/aanbod?q=burenruzie")
        .await
        .to_string();
    assert!(
        search.contains("praktijkdag-buurtbemiddeling"),
        "searchable at once: {search}"
    );
    let mails = wait_for_mail(&app, 1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "sanne@goedeburen.example");
    assert!(mails[0].text.contains("Praktijkdag buurtbemiddeling"));
    assert!(mails[0]
        .text
        .contains("/aanbod/praktijkdag-buurtbemiddeling"));
    // Audited.
    let log = app
        .state
        .catalog
        .store()
        .audit_log(Some(("aanbod", "praktijkdag-buurtbemiddeling")), 10, 0)
        .await
        .unwrap();
    assert_eq!(log[0].actor, "coordinator@wijkwijzer.example");
    assert!(log[0]
        .after
        .as_deref()
        .unwrap()
        .contains("Praktijkdag buurtbemiddeling"));
}

#[tokio::test]
async fn rejected_offering_mails_the_reason() {
    let app = spawn_app().await;
    // The same title as an existing offering: flagged as a possible duplicate.
    submit_offering(&app, "Training Buurtbemiddelaar worden").await;
    let id = app
        .state
        .catalog
        .store()
        .submissions(SubmissionStatus::Ingediend)
        .await
        .unwrap()[0]
        .id;
    let mut b = logged_in(&app, Role::Coordinator).await;
    // The list already warns, naming the offering it resembles.
    let (_, _, list) = b.get("/beheer/aanmeldingen").await;
    assert!(
        list.contains("<strong>Mogelijk dubbel</strong> met ‘Training Buurtbemiddelaar worden’"),
        "{list}"
    );
    let (_, _, page) = b.get(&format!("/beheer/aanmeldingen/{id}")).await;
    assert!(page.contains("Mogelijk dubbel"), "duplicate warning");
    assert!(page.contains("href=\"/aanbod/training-buurtbemiddelaar-worden\""));
    let (s, _, html) = b
        .post(
            &format!("/beheer/aanmeldingen/{id}/afwijzen"),
            &[("reden", "")],
        )
        .await;
    assert_eq!(s, 422);
    assert!(html.contains("Schrijf de reden"));
    let (s, loc, _) = b
        .post(
            &format!("/beheer/aanmeldingen/{id}/afwijzen"),
            &[("reden", "Dit aanbod gaat niet over wijken.")],
        )
        .await;
    assert_eq!((s, loc.as_str()), (303, "/beheer/aanmeldingen"));
    let mails = wait_for_mail(&app, 1).await;
    assert_eq!(mails[0].to, "sanne@goedeburen.example");
    assert!(mails[0].text.contains("Dit aanbod gaat niet over wijken."));
    assert!(mails[0].html.contains("Dit aanbod gaat niet over wijken."));
    assert_eq!(
        app.state
            .catalog
            .store()
            .submission(id)
            .await
            .unwrap()
            .unwrap()
            .status,
        SubmissionStatus::Afgewezen
    );
    assert_eq!(
        app.get("/aanbod/training-buurtbemiddelaar-worden-2")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn approving_a_likely_duplicate_needs_a_confirmation() {
    let app = spawn_app().await;
    submit_offering(&app, "Training Buurtbemiddelaar worden").await;
    let store = app.state.catalog.store();
    let id = store
        .submissions(SubmissionStatus::Ingediend)
        .await
        .unwrap()[0]
        .id;
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (_, _, page) = b.get(&format!("/beheer/aanmeldingen/{id}")).await;
    assert!(page.contains("deze aanmelding is geen dubbel"), "{page}");
    let before = app.state.catalog.snapshot().offerings.len();
    let mut fields = vec![
        ("actie", "goedkeuren"),
        ("titel", "Training Buurtbemiddelaar worden"),
        (
            "samenvatting",
            "Een praktijkdag over buurtbemiddeling bij burenruzies.",
        ),
        ("beschrijving", "Deelnemers oefenen met acteurs."),
        ("aanbieder", "Stichting Goede Buren"),
        ("vorm", "training"),
        ("themas", "vertrouwen-en-verbinding"),
        ("doelgroepen", "wijkprofessionals"),
        ("sectoren", "wonen"),
        ("trefwoorden", "burenruzie"),
        ("kosten", "gratis"),
        ("locatie", "fysiek"),
        ("regio", "Gelderland"),
        ("url", "https://goedeburen.example/praktijkdag"),
    ];
    let (s, _, html) = b.post(&format!("/beheer/aanmeldingen/{id}"), &fields).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("vink aan dat dit geen dubbel is"), "{html}");
    assert!(
        html.contains("href=\"#geen_dubbel\""),
        "the summary links to the box"
    );
    assert!(
        html.contains("value=\"Training Buurtbemiddelaar worden\""),
        "input kept"
    );
    assert_eq!(
        store.submission(id).await.unwrap().unwrap().status,
        SubmissionStatus::Ingediend
    );
    assert_eq!(app.state.catalog.snapshot().offerings.len(), before);

    fields.push(("geen_dubbel", "ja"));
    let (s, loc, body) = b.post(&format!("/beheer/aanmeldingen/{id}"), &fields).await;
    assert_eq!(s, 303, "{body}");
    assert!(
        loc.starts_with("/aanbod/training-buurtbemiddelaar-worden-"),
        "{loc}"
    );
    assert_eq!(app.state.catalog.snapshot().offerings.len(), before + 1);
}

/// A reload of the confirmation page or a double click sends the same form again: it is stored
/// once, and the second answer says so.
#[tokio::test]
async fn a_form_sent_twice_is_stored_once() {
    let app = spawn_app().await;
    let store = app.state.catalog.store();
    let site_questions = || async {
        store
            .inbox(
                &wijkwijzer::store::InboxFilter {
                    bron: Some("site".into()),
                    ..Default::default()
                },
                1000,
            )
            .await
            .unwrap()
            .len()
    };
    let before = site_questions().await;
    let token = token_in(&app.get("/leervraag").await.text().await.unwrap());
    let fields = [
        ("token", token.as_str()),
        ("vraag", "Hoe krijgen we meer buren naar de buurtavond?"),
        ("doelgroep", "bewoners"),
        ("sector", ""),
        ("gemeente", ""),
        ("email", ""),
        ("website", ""),
    ];
    let send = || async {
        let res = app
            .client
            .post(app.url("/leervraag"))
            .form(&fields)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    };
    let (s, first) = send().await;
    assert_eq!(s, 200);
    assert!(first.contains("Je leervraag is ontvangen"), "{first}");
    let (s, second) = send().await;
    assert_eq!(s, 200);
    assert!(second.contains("Je leervraag was al ontvangen"), "{second}");
    assert_eq!(site_questions().await, before + 1);

    // The same for an offering submission and a contact message.
    let html = app.get("/aanbod/aanmelden").await.text().await.unwrap();
    let token = token_in(&html);
    let offering = [
        ("token", token.as_str()),
        ("titel", "Buurtavond organiseren"),
        ("samenvatting", "Een avond over buurtavonden."),
        ("beschrijving", "Deelnemers oefenen."),
        ("aanbieder", "Stichting Goede Buren"),
        ("vorm", "training"),
        ("themas", "bewonersparticipatie"),
        ("doelgroepen", "bewoners"),
        ("sectoren", "bewonersorganisaties"),
        ("kosten", "gratis"),
        ("locatie", "online"),
        ("regio", "landelijk"),
        ("url", "https://goedeburen.example/avond"),
        ("contact_naam", "Sanne"),
        ("contact_email", "sanne@goedeburen.example"),
        ("website", ""),
    ];
    for expected in ["Aanmelding ontvangen", "Je aanmelding was al ontvangen"] {
        let res = app
            .client
            .post(app.url("/aanbod/aanmelden"))
            .form(&offering)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body = res.text().await.unwrap();
        assert!(body.contains(expected), "{body}");
    }
    assert_eq!(
        store
            .submissions(SubmissionStatus::Ingediend)
            .await
            .unwrap()
            .len(),
        1
    );

    let token = token_in(&app.get("/contact").await.text().await.unwrap());
    for expected in ["Je bericht is ontvangen", "Je bericht was al ontvangen"] {
        let res = app
            .client
            .post(app.url("/contact"))
            .form(&[
                ("token", token.as_str()),
                ("soort", "suggestie"),
                ("bericht", "Graag meer over buurtavonden."),
                ("email", ""),
                ("website", ""),
            ])
            .send()
            .await
            .unwrap();
        let body = res.text().await.unwrap();
        assert!(body.contains(expected), "{body}");
    }
    let messages = store.contact_messages().await.unwrap();
    assert_eq!(
        messages
            .iter()
            .filter(|m| m.bericht == "Graag meer over buurtavonden.")
            .count(),
        1
    );
}

#[tokio::test]
async fn question_is_matched_answered_and_mailed() {
    let app = spawn_app().await;
    let html = app.get("/leervraag").await.text().await.unwrap();
    let token = token_in(&html);
    let res = app
        .client
        .post(app.url("/leervraag"))
        .form(&[
            ("token", token.as_str()),
            (
                "vraag",
                "Hoe houden we onze wijkaanpak vol als de subsidie stopt?",
            ),
            ("doelgroep", "beleidsmakers"),
            ("sector", "sociaal-domein"),
            ("gemeente", ""),
            ("email", "vrager@gemeente.example"),
            ("toestemming", "ja"),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let store = app.state.catalog.store();
    let q = store
        .inbox(
            &wijkwijzer::store::InboxFilter {
                bron: Some("site".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap()
        .remove(0);
    let matches = store.matches_of(&q.id).await.unwrap();
    assert!(!matches.is_empty());
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (_, _, dash) = b.get("/beheer").await;
    assert!(
        dash.contains("<strong>1</strong> nieuwe leervraag van de site"),
        "dashboard counts"
    );
    let (_, _, page) = b.get(&format!("/beheer/vragen/{}", q.id)).await;
    assert!(page.contains(&matches[0].offering_id));
    // Confirm the first, remove the second, add one found by search.
    let first = matches[0].offering_id.clone();
    b.post(
        &format!("/beheer/vragen/{}/koppeling", q.id),
        &[("aanbod", &first), ("actie", "bevestig")],
    )
    .await;
    if let Some(second) = matches.get(1) {
        b.post(
            &format!("/beheer/vragen/{}/koppeling", q.id),
            &[("aanbod", &second.offering_id), ("actie", "verwijder")],
        )
        .await;
    }
    let (_, _, found) = b
        .get(&format!("/beheer/vragen/{}?zoek=ondermijning", q.id))
        .await;
    let added = found
        .split("name=\"aanbod\" value=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap().to_string())
        .find(|id| !matches.iter().any(|m| m.offering_id == *id))
        .unwrap();
    let (s, _, _) = b
        .post(
            &format!("/beheer/vragen/{}/koppeling", q.id),
            &[("aanbod", &added), ("actie", "voeg-toe")],
        )
        .await;
    assert_eq!(s, 303);
    let now = store.matches_of(&q.id).await.unwrap();
    assert!(now
        .iter()
        .any(|m| m.offering_id == first && m.status == MatchStatus::Bevestigd));
    assert!(now
        .iter()
        .any(|m| m.offering_id == added && m.status == MatchStatus::Bevestigd));
    if let Some(second) = matches.get(1) {
        assert!(now
            .iter()
            .any(|m| m.offering_id == second.offering_id && m.status == MatchStatus::Verwijderd));
    }
    // Answer and mail.
    let (s, loc, _) = b
        .post(
            &format!("/beheer/vragen/{}", q.id),
            &[
                ("antwoord", "Kijk eens naar deze twee leernetwerken."),
                ("status", "in-behandeling"),
                ("verstuur", "ja"),
            ],
        )
        .await;
    assert_eq!(s, 303);
    assert!(loc.ends_with("melding=verstuurd"));
    let mails = wait_for_mail(&app, 1).await;
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.to, "vrager@gemeente.example");
    assert!(m.text.contains("Kijk eens naar deze twee leernetwerken."));
    assert!(m.text.contains("Hoe houden we onze wijkaanpak vol"));
    let title = app
        .state
        .catalog
        .snapshot()
        .get(&first)
        .unwrap()
        .titel
        .clone();
    assert!(m.text.contains(&title), "confirmed offering in the mail");
    assert!(m.html.contains(&format!("/aanbod/{first}")));
    // The page says the answer went out, and the button now offers a changed answer only.
    let (_, _, page) = b.get(&format!("/beheer/vragen/{}", q.id)).await;
    assert!(
        page.contains("<strong>Het antwoord is gemaild</strong> op "),
        "{page}"
    );
    assert!(page.contains("Aangepast antwoord opnieuw mailen"));
    // Even with another status in between, the same text is not mailed again.
    let (s, _, _) = b
        .post(
            &format!("/beheer/vragen/{}", q.id),
            &[
                ("antwoord", "Kijk eens naar deze twee leernetwerken."),
                ("status", "in-behandeling"),
            ],
        )
        .await;
    assert_eq!(s, 303);
    let (s, _, again) = b
        .post(
            &format!("/beheer/vragen/{}", q.id),
            &[
                ("antwoord", "Kijk eens naar deze twee leernetwerken."),
                ("status", "beantwoord"),
                ("verstuur", "ja"),
            ],
        )
        .await;
    assert_eq!(s, 422, "the same answer is not mailed twice");
    assert!(again.contains("al verstuurd"));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.mail.sent().len(), 1);
    let item = store.inbox_item(&q.id).await.unwrap().unwrap();
    assert_eq!(
        item.status,
        QuestionStatus::InBehandeling,
        "the refused send changed nothing"
    );
    let (s, _, _) = b
        .post(
            &format!("/beheer/vragen/{}", q.id),
            &[
                ("antwoord", "Kijk eens naar deze twee leernetwerken."),
                ("status", "beantwoord"),
            ],
        )
        .await;
    assert_eq!(s, 303);
    // The coordinator sees it all in the audit log.
    let (s, _, log) = b.get("/beheer/logboek").await;
    assert_eq!(s, 200);
    assert!(log.contains("beantwoord en gemaild"));
    assert!(log.contains("koppeling"));
    // Filters.
    let (_, _, list) = b.get("/beheer/vragen?status=beantwoord").await;
    assert!(list.contains(&q.id));
    let (_, _, list) = b.get("/beheer/vragen?status=nieuw&bron=site").await;
    assert!(!list.contains(&q.id));
    // A lacune counts in the gap analysis, on the public figures at once (no background wait).
    let unanswered = |v: serde_json::Value| {
        v["themas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["thema"] == "langjarige-wijkaanpak")
            .map(|t| t["onbeantwoord"].as_f64().unwrap())
            .unwrap()
    };
    let before = unanswered(app.get_json("/api/v1/leeragenda").await);
    let page_before = app.get("/leeragenda").await.text().await.unwrap();
    b.post(
        &format!("/beheer/vragen/{QUESTION}"),
        &[("status", "lacune"), ("antwoord", "")],
    )
    .await;
    let after = unanswered(app.get_json("/api/v1/leeragenda").await);
    assert!(after > before, "onbeantwoord {before} → {after}");
    let page_after = app.get("/leeragenda").await.text().await.unwrap();
    assert_ne!(
        page_before, page_after,
        "the cached page follows the change"
    );
    // The public gap page lists it among the questions without a fitting offering, first.
    let topic = app
        .get("/lacunes/wijkaanpak-lange-termijn")
        .await
        .text()
        .await
        .unwrap();
    let listed = topic
        .split("Leervragen zonder passend aanbod</h2>")
        .nth(1)
        .and_then(|rest| rest.split("<li>").nth(1))
        .unwrap_or("");
    assert!(
        listed.starts_with("Ons wijkprogramma loopt over twee jaar af"),
        "{listed}"
    );
    let lacunes = app
        .state
        .catalog
        .store()
        .demand()
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.id == QUESTION && d.status == QuestionStatus::Lacune)
        .count();
    assert_eq!(lacunes, 1);
}

#[tokio::test]
async fn offerings_are_edited_unpublished_and_have_history() {
    let app = spawn_app().await;
    let mut b = logged_in(&app, Role::Redacteur).await;
    let (s, _, form) = b.get(&format!("/beheer/aanbod/{OFFERING}")).await;
    assert_eq!(s, 200);
    assert!(form.contains("Leernetwerk Wijkaanpak die blijft"));
    let (s, loc, _) = b
        .post(
            &format!("/beheer/aanbod/{OFFERING}/publicatie"),
            &[("gepubliceerd", "nee")],
        )
        .await;
    assert_eq!(s, 303, "{loc}");
    assert_eq!(app.get(&format!("/aanbod/{OFFERING}")).await.status(), 404);
    let search = app
        .get_json("/api/v1/aanbod?q=wijkaanpak%20die%20blijft")
        .await
        .to_string();
    assert!(!search.contains(OFFERING));
    b.post(
        &format!("/beheer/aanbod/{OFFERING}/publicatie"),
        &[("gepubliceerd", "ja")],
    )
    .await;
    assert_eq!(app.get(&format!("/aanbod/{OFFERING}")).await.status(), 200);
    // A bad edit keeps the values and says why, in Dutch.
    let (s, _, html) = b
        .post(
            &format!("/beheer/aanbod/{OFFERING}"),
            &[("titel", "Nieuwe titel"), ("url", "geen-url")],
        )
        .await;
    assert_eq!(s, 422);
    assert!(html.contains("value=\"Nieuwe titel\""));
    assert!(html.contains("Vul een volledig webadres in dat begint met https://"));
    assert!(!html.contains("Webadres: moet een volledige https-URL zijn"));
    let history = app
        .state
        .catalog
        .store()
        .audit_log(Some(("aanbod", OFFERING)), 10, 0)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].action, "gepubliceerd");
    assert_eq!(history[1].action, "niet meer gepubliceerd");
    let (_, _, page) = b.get(&format!("/beheer/aanbod/{OFFERING}")).await;
    assert!(page.contains("niet meer gepubliceerd door redacteur@wijkwijzer.example"));
}

#[tokio::test]
async fn retention_erases_personal_data_of_closed_items_only() {
    let app = spawn_app().await;
    let store = app.state.catalog.store();
    submit_offering(&app, "Oude aanmelding").await;
    submit_offering(&app, "Verse aanmelding").await;
    let subs = store
        .submissions(SubmissionStatus::Ingediend)
        .await
        .unwrap();
    store
        .reject_submission(subs[0].id, "te oud", None, "test")
        .await
        .unwrap();
    store
        .reject_submission(subs[1].id, "nog vers", None, "test")
        .await
        .unwrap();
    sqlx::query("UPDATE learning_questions SET email = 'oud@x.example', status = 'beantwoord', closed_at = '2024-01-01T00:00:00.000Z' WHERE id = 'lv-demo-001'")
        .execute(store.pool()).await.unwrap();
    sqlx::query("UPDATE learning_questions SET email = 'open@x.example' WHERE id = 'lv-demo-002'")
        .execute(store.pool())
        .await
        .unwrap();
    // The answer mailed to the old asker, and to the open one: in the outbox and the audit log.
    for to in ["Oud@x.example", "open@x.example"] {
        sqlx::query(
            "INSERT INTO outbox (recipient, subject, body_text, body_html, status, next_attempt_at, created_at) \
             VALUES ($1, 'Antwoord', 'Beste vraagsteller', '<p>Beste vraagsteller</p>', 'verzonden', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')",
        )
        .bind(to)
        .execute(store.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) \
             VALUES ('2024-01-01T00:00:00.000Z', 'test', 'beantwoord en gemaild', 'leervraag', 'lv-demo-001', NULL, $1)",
        )
        .bind(serde_json::json!({"status": "beantwoord", "mail_naar": to}).to_string())
        .execute(store.pool())
        .await
        .unwrap();
    }
    sqlx::query(
        "UPDATE offering_submissions SET closed_at = '2024-01-01T00:00:00.000Z' WHERE id = $1",
    )
    .bind(subs[0].id)
    .execute(store.pool())
    .await
    .unwrap();
    let n = wijkwijzer::app::erase_expired(store, 12, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(n, 3, "two records and the old asker's mail");
    let outbox: Vec<(String, String)> = sqlx::query_as(
        "SELECT recipient, body_text FROM outbox WHERE subject = 'Antwoord' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        outbox,
        vec![
            ("(gewist)".to_string(), "(gewist)".to_string()),
            (
                "open@x.example".to_string(),
                "Beste vraagsteller".to_string()
            )
        ]
    );
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT after FROM audit_log WHERE action = 'beantwoord en gemaild' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(audit[0].contains("(gewist)") && !audit[0].to_lowercase().contains("oud@"));
    assert!(audit[1].contains("open@x.example"));
    let old = store.inbox_item("lv-demo-001").await.unwrap().unwrap();
    assert_eq!(old.email, None);
    assert!(!old.vraag.is_empty(), "the question text stays");
    assert_eq!(
        store
            .inbox_item("lv-demo-002")
            .await
            .unwrap()
            .unwrap()
            .email
            .as_deref(),
        Some("open@x.example")
    );
    let s0 = store.submission(subs[0].id).await.unwrap().unwrap();
    assert_eq!((s0.contact_email, s0.contact_naam), (None, None));
    assert!(s0.data["titel"].as_str().is_some());
    let s1 = store.submission(subs[1].id).await.unwrap().unwrap();
    assert_eq!(
        s1.contact_email.as_deref(),
        Some("sanne@goedeburen.example")
    );
}

#[tokio::test]
async fn one_persons_data_is_exported_and_erased() {
    let app = spawn_app().await;
    submit_offering(&app, "Training voor export").await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    b.get("/beheer/privacy").await;
    let res = b
        .client
        .post(format!("{}/beheer/privacy/export", b.base))
        .header(
            "cookie",
            b.cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .form(&[
            ("csrf", b.csrf.as_str()),
            ("email", "SANNE@goedeburen.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let data: serde_json::Value = res.json().await.unwrap();
    assert_eq!(data["aanmeldingen"].as_array().unwrap().len(), 1);
    assert_eq!(data["aanmeldingen"][0]["naam"], "Sanne de Vries");
    let (s, _, html) = b
        .post(
            "/beheer/privacy/wissen",
            &[("email", "sanne@goedeburen.example")],
        )
        .await;
    assert_eq!(s, 422, "asks for confirmation");
    assert!(html.contains("Vink aan"));
    let (s, _, html) = b
        .post(
            "/beheer/privacy/wissen",
            &[("email", "sanne@goedeburen.example"), ("bevestig", "ja")],
        )
        .await;
    assert_eq!(s, 200);
    assert!(html.contains("gewist uit 1 gegevens"));
    let data = app
        .state
        .catalog
        .store()
        .personal_data("sanne@goedeburen.example")
        .await
        .unwrap();
    assert_eq!(data["aanmeldingen"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn development_tracks_are_managed_and_shown_on_gap_pages() {
    let app = spawn_app().await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (s, _, _) = b.get("/beheer/trajecten").await;
    assert_eq!(s, 200);
    let (s, _, form) = b.get("/beheer/trajecten/nieuw?thema=gemengde-wijken").await;
    assert_eq!(s, 200);
    assert!(form.contains("Voorgestelde samenwerking"));
    assert!(form.contains(
        "id=\"thema-gemengde-wijken\" name=\"themas\" value=\"gemengde-wijken\" checked"
    ));
    // A suggested partnership fills in the lead and the partners.
    let start = form
        .find("href=\"/beheer/trajecten/nieuw?thema=gemengde-wijken&#38;trekker=")
        .expect("a link per suggestion")
        + "href=\"".len();
    let href = form[start..start + form[start..].find('"').unwrap()].replace("&#38;", "&");
    let url = reqwest::Url::parse(&format!("{}{href}", b.base)).unwrap();
    let value = |k: &str| {
        url.query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.to_string())
            .unwrap()
    };
    let (lead, partners) = (value("trekker"), value("partners"));
    assert!(!lead.is_empty() && !partners.is_empty(), "{href}");
    let (s, _, filled) = b.get(&href).await;
    assert_eq!(s, 200);
    let esc = |t: &str| {
        t.replace('&', "&#38;")
            .replace('\'', "&#39;")
            .replace('"', "&#34;")
    };
    assert!(
        filled.contains(&format!("name=\"trekker\" value=\"{}\"", esc(&lead))),
        "{filled}"
    );
    assert!(filled.contains(&format!(">{}</textarea>", esc(&partners))));
    b.get("/beheer/trajecten/nieuw").await;
    let (s, _, html) = b
        .post(
            "/beheer/trajecten/nieuw",
            &[
                ("titel", ""),
                ("status", "beschikbaar"),
                ("trekker", "Platform X"),
            ],
        )
        .await;
    assert_eq!(s, 422);
    assert!(html.contains("Vul de titel in."));
    assert!(html.contains("Kies minstens één thema."));
    assert!(html.contains("Een beschikbaar traject noemt het aanbod"));
    assert!(html.contains("value=\"Platform X\""), "values kept");
    let fields = [
        ("titel", "Leerlijn wijkaanpak na de subsidie"),
        (
            "doel",
            "Gemeenten leren hoe een wijkaanpak tien jaar blijft lopen.",
        ),
        ("themas", "langjarige-wijkaanpak"),
        ("trekker", "Platform Wijkaanpak"),
        ("partners", "Corporatie Thuis\nPolitie Oost"),
        ("doelgroepen", "beleidsmakers"),
        ("status", "in-ontwikkeling"),
        ("planning", "eerste bijeenkomst maart 2027"),
        ("aanbod", ""),
    ];
    let (s, loc, _) = b.post("/beheer/trajecten/nieuw", &fields).await;
    assert_eq!(s, 303);
    let id = loc.rsplit('/').next().unwrap().to_string();
    let public = app.get("/ontwikkeltrajecten").await.text().await.unwrap();
    assert!(public.contains("Leerlijn wijkaanpak na de subsidie"));
    assert!(public.contains("Platform Wijkaanpak"));
    assert!(public.contains("Corporatie Thuis, Politie Oost"));
    assert!(public.contains("eerste bijeenkomst maart 2027"));
    assert!(public.contains("In ontwikkeling"));
    let api = app.get_json("/api/v1/ontwikkeltrajecten").await;
    assert_eq!(
        api["ontwikkeltrajecten"][0]["trekker"],
        "Platform Wijkaanpak"
    );
    assert_eq!(api["ontwikkeltrajecten"][0]["status"], "in-ontwikkeling");
    let topic = app
        .state
        .catalog
        .snapshot()
        .taxonomy
        .vraagstukken
        .iter()
        .find(|t| t.themas.contains(&"langjarige-wijkaanpak".to_string()))
        .unwrap()
        .slug
        .clone();
    let gap = app
        .get(&format!("/lacunes/{topic}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        gap.contains("Leerlijn wijkaanpak na de subsidie"),
        "on the gap page"
    );
    // Available, with the resulting offering.
    let mut done = fields.to_vec();
    done.retain(|(k, _)| *k != "status" && *k != "aanbod");
    done.push(("status", "beschikbaar"));
    done.push(("aanbod", OFFERING));
    let (s, _, _) = b.post(&format!("/beheer/trajecten/{id}"), &done).await;
    assert_eq!(s, 303);
    let gap = app
        .get(&format!("/lacunes/{topic}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        gap.contains(&format!("href=\"/aanbod/{OFFERING}\"")),
        "result linked, cache refreshed"
    );
    assert!(gap.contains("Beschikbaar"));
    let log = app
        .state
        .catalog
        .store()
        .audit_log(Some(("ontwikkeltraject", &id)), 10, 0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert!(log[0]
        .before
        .as_deref()
        .unwrap()
        .contains("in-ontwikkeling"));
    assert!(log[0].after.as_deref().unwrap().contains("beschikbaar"));
}

#[tokio::test]
async fn offering_submission_form_checks_in_dutch_and_keeps_the_values() {
    let app = spawn_app().await;
    let html = app.get("/aanbod/aanmelden").await.text().await.unwrap();
    assert!(html.contains("href=\"/privacy\""));
    let token = token_in(&html);
    let res = app
        .client
        .post(app.url("/aanbod/aanmelden"))
        .form(&[
            ("token", token.as_str()),
            ("titel", ""),
            ("samenvatting", "Over <script>burenruzies</script>"),
            ("url", "http://onveilig.example"),
            ("kosten", "veel"),
            ("contact_email", "geen-adres"),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("<title>Fout: leeraanbod aanmelden"));
    // An empty required field gets a plain request, in the words of the form.
    assert!(page.contains("Vul een titel in."));
    assert!(page.contains("Kies voor wie het aanbod is."));
    assert!(!page.contains("verplicht veld ontbreekt"));
    // Other mistakes too: what to do, with an example.
    assert!(page.contains("Vul een volledig webadres in dat begint met https://"));
    assert!(page.contains("of als bedrag in euro, bijvoorbeeld € 395."));
    assert!(!page.contains("Kosten: ongeldig bedrag"));
    assert!(page.contains("Vul je e-mailadres in"));
    assert!(
        page.contains("Over &#60;script&#62;burenruzies&#60;/script&#62;")
            && !page.contains("<script>burenruzies"),
        "kept and escaped"
    );
    assert!(page.contains("value=\"geen-adres\""));
    assert!(app
        .state
        .catalog
        .store()
        .submissions(SubmissionStatus::Ingediend)
        .await
        .unwrap()
        .is_empty());
    // A filled honeypot is refused and nothing is stored.
    let html = app.get("/aanbod/aanmelden").await.text().await.unwrap();
    let res = app
        .client
        .post(app.url("/aanbod/aanmelden"))
        .form(&[
            ("token", token_in(&html).as_str()),
            ("titel", "Spam"),
            ("website", "http://spam.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(app
        .state
        .catalog
        .store()
        .submissions(SubmissionStatus::Ingediend)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_provider_is_renamed_everywhere() {
    let app = spawn_app().await;
    let mut b = logged_in(&app, Role::Redacteur).await;
    let (s, _, page) = b
        .get("/beheer/aanbieders/buurtbemiddeling-gelderland")
        .await;
    assert_eq!(s, 200);
    assert!(page.contains("training-buurtbemiddelaar-worden"));
    let (s, loc, _) = b
        .post(
            "/beheer/aanbieders/buurtbemiddeling-gelderland",
            &[("naam", "Buurtbemiddeling Oost")],
        )
        .await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/beheer/aanbieders/buurtbemiddeling-oost")
    );
    let o = app
        .get_json("/api/v1/aanbod/training-buurtbemiddelaar-worden")
        .await;
    assert_eq!(o["aanbieder"], "Buurtbemiddeling Oost");
    assert_eq!(
        app.get("/aanbieders/buurtbemiddeling-oost").await.status(),
        200
    );
    let log = app
        .state
        .catalog
        .store()
        .audit_log(Some(("aanbieder", "Buurtbemiddeling Gelderland")), 5, 0)
        .await
        .unwrap();
    assert_eq!(log[0].action, "hernoemd");

    // The history moves along: under the new name the page shows the rename, and after a second
    // rename also what happened under the first name.
    let (_, _, page) = b.get("/beheer/aanbieders/buurtbemiddeling-oost").await;
    assert!(page.contains("hernoemd door"), "{page}");
    let (s, _, _) = b
        .post(
            "/beheer/aanbieders/buurtbemiddeling-oost",
            &[("naam", "Buurtbemiddeling Midden")],
        )
        .await;
    assert_eq!(s, 303);
    let (_, _, page) = b.get("/beheer/aanbieders/buurtbemiddeling-midden").await;
    assert_eq!(page.matches("hernoemd door").count(), 2, "{page}");
    assert!(page.contains("Buurtbemiddeling Oost") && page.contains("Buurtbemiddeling Midden"));
}

// The CLI blocks this thread while it writes; the server needs its own threads meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_ends_sessions_and_gives_a_new_link() {
    let app = spawn_app().await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    let out = cli(
        &app.db(),
        &[
            "user",
            "reset",
            "coordinator@wijkwijzer.example",
            "--base-url",
            "http://x.example",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let path = text
        .lines()
        .find_map(|l| l.strip_prefix("http://x.example"))
        .unwrap()
        .trim()
        .to_string();
    let (s, loc, _) = b.get("/beheer").await;
    assert_eq!(s, 303, "the open session ended");
    assert!(loc.contains("melding=verlopen"));
    assert_eq!(
        Browser::new(&app)
            .login("coordinator@wijkwijzer.example", PASSWORD)
            .await
            .0,
        401
    );
    let mut n = Browser::new(&app);
    n.get(&path).await;
    let new = "een heel nieuw wachtwoord";
    let (s, _, _) = n
        .post(&path, &[("wachtwoord", new), ("herhaal", new)])
        .await;
    assert_eq!(s, 303);
    assert_eq!(
        Browser::new(&app)
            .login("coordinator@wijkwijzer.example", new)
            .await
            .0,
        303
    );
    assert_eq!(
        cli(&app.db(), &["user", "reset", "niemand@x.example"])
            .status
            .code(),
        Some(1)
    );
}

#[tokio::test]
async fn the_retention_period_shown_is_the_configured_one() {
    let app = spawn_configured(false, |_| {}, |c| c.retention_months = 6).await;
    for path in ["/privacy", "/contact", "/leervraag", "/aanbod/aanmelden"] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(html.contains("6 maanden"), "{path}");
        assert!(!html.contains("12 maanden"), "{path}");
    }
}

#[tokio::test]
async fn behind_a_proxy_each_visitor_has_its_own_form_limit() {
    let app = spawn_configured(
        false,
        |_| {},
        |c| {
            c.trust_proxy = true;
            c.form_rate = (1, std::time::Duration::from_secs(600));
        },
    )
    .await;
    let send = |ip: &'static str| {
        let app = &app;
        async move {
            let html = app.get("/contact").await.text().await.unwrap();
            app.client
                .post(app.url("/contact"))
                .header("x-forwarded-for", format!("203.0.113.99, {ip}"))
                .form(&[
                    ("token", token_in(&html).as_str()),
                    ("soort", "suggestie"),
                    ("bericht", "Een goed idee voor het leernetwerk."),
                    ("email", ""),
                    ("website", ""),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(send("198.51.100.1").await, 200);
    assert_eq!(
        send("198.51.100.2").await,
        200,
        "another visitor behind the same proxy"
    );
    assert_eq!(send("198.51.100.1").await, 429, "the first one is limited");
}

#[tokio::test]
async fn a_coordinator_corrects_the_themes_of_a_question() {
    let app = spawn_app().await;
    let store = app.state.catalog.store();
    let mut b = logged_in(&app, Role::Coordinator).await;
    let path = format!("/beheer/vragen/{QUESTION}/themas");
    let (_, _, page) = b.get(&format!("/beheer/vragen/{QUESTION}")).await;
    assert!(page.contains("<legend>Thema's van deze vraag (minstens één)</legend>"));
    assert!(page.contains("Gegeven door de inventarisatie"));

    // None chosen, or an unknown theme: a Dutch error beside the fieldset, nothing changes.
    let before = store.inbox_item(QUESTION).await.unwrap().unwrap();
    let (s, _, body) = b.post(&path, &[]).await;
    assert_eq!(s, 422);
    assert!(body.contains("id=\"themas-fout\"") && body.contains("Kies minstens één thema."));
    let (s, _, body) = b.post(&path, &[("thema", "bestaat-niet")]).await;
    assert_eq!(s, 422);
    assert!(body.contains("Onbekend thema"), "{body}");
    assert_eq!(
        store.inbox_item(QUESTION).await.unwrap().unwrap().themas,
        before.themas
    );

    // Two themes (one twice): saved once each, as given by a person, and logged.
    let (s, location, _) = b
        .post(
            &path,
            &[
                ("thema", "gemengde-wijken"),
                ("thema", "sociale-stijging"),
                ("thema", "gemengde-wijken"),
            ],
        )
        .await;
    assert_eq!(s, 303);
    assert!(location.ends_with("melding=opgeslagen"));
    let after = store.inbox_item(QUESTION).await.unwrap().unwrap();
    assert_eq!(after.themas, vec!["gemengde-wijken", "sociale-stijging"]);
    assert!(!after.themas_automatisch);
    app.state.catalog.refresh_if_changed().await.unwrap();
    let row = app
        .state
        .catalog
        .snapshot()
        .demand
        .iter()
        .find(|q| q.id == QUESTION)
        .cloned()
        .unwrap();
    assert_eq!(row.labelled().unwrap().themas, after.themas);
    let (_, _, page) = b.get(&format!("/beheer/vragen/{QUESTION}")).await;
    assert!(page
        .contains("id=\"thema-gemengde-wijken\" name=\"thema\" value=\"gemengde-wijken\" checked"));
    let (_, _, log) = b.get("/beheer/logboek").await;
    assert!(
        log.contains("thema&#39;s gezet") || log.contains("thema's gezet"),
        "{log}"
    );

    // A question whose themes the engine chose says so, until a person sets them.
    let site = ask_on_site(&app, "Hoe pakken we drugsoverlast in de wijk aan?").await;
    assert!(site.themas_automatisch);
    let (_, _, page) = b.get(&format!("/beheer/vragen/{}", site.id)).await;
    assert!(page.contains("Nu gekozen door de koppeling"));

    // The inbox finds the questions whose themes still need a look.
    let (_, _, list) = b.get("/beheer/vragen?themas=koppeling").await;
    assert!(list.contains(&format!("/beheer/vragen/{}\"", site.id)));
    assert!(!list.contains(&format!("/beheer/vragen/{QUESTION}\"")));
    assert!(list.contains("(door de koppeling)"));
    let (_, _, list) = b.get("/beheer/vragen?themas=mens").await;
    assert!(list.contains(&format!("/beheer/vragen/{QUESTION}\"")));
    assert!(!list.contains(&format!("/beheer/vragen/{}\"", site.id)));
}
