//! The role matrix: every back-office route refuses the roles it is not for, and every state
//! change needs the session's CSRF token.

use wijkwijzer::domain::status::QuestionStatus;
use wijkwijzer::security::{Area, Role};

use super::{OFFERING, QUESTION};
use crate::helpers::*;

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
