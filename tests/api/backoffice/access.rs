//! The role matrix: every back-office route refuses the roles it is not for, and every state
//! change needs the session's CSRF token.

use wijkwijzer::domain::status::QuestionStatus;
use wijkwijzer::security::{Area, Role};

use super::{OFFERING, QUESTION};
use crate::helpers::*;

/// A back-office request that the roles allowed in its area may make.
struct Route {
    method: &'static str,
    path: String,
    fields: Vec<(&'static str, &'static str)>,
    area: Area,
}

fn get(path: impl Into<String>, area: Area) -> Route {
    Route {
        method: "GET",
        path: path.into(),
        fields: Vec::new(),
        area,
    }
}

fn post(path: impl Into<String>, fields: &[(&'static str, &'static str)], area: Area) -> Route {
    Route {
        method: "POST",
        path: path.into(),
        fields: fields.to_vec(),
        area,
    }
}

/// Every back-office route, with a request for each.
fn routes() -> Vec<Route> {
    use Area::*;
    vec![
        get("/beheer", Dashboard),
        get("/beheer/vragen", Vragen),
        get(
            "/beheer/vragen?status=nieuw&thema=langjarige-wijkaanpak",
            Vragen,
        ),
        get(format!("/beheer/vragen/{QUESTION}?zoek=wijk"), Vragen),
        post(
            format!("/beheer/vragen/{QUESTION}"),
            &[("status", "in-behandeling"), ("antwoord", "")],
            Vragen,
        ),
        post(
            format!("/beheer/vragen/{QUESTION}/koppeling"),
            &[("aanbod", OFFERING), ("actie", "bevestig")],
            Vragen,
        ),
        post(
            format!("/beheer/vragen/{QUESTION}/themas"),
            &[("thema", "gemengde-wijken")],
            Vragen,
        ),
        get("/beheer/aanmeldingen", Moderatie),
        get("/beheer/aanmeldingen/999", Moderatie),
        post(
            "/beheer/aanmeldingen/999",
            &[("actie", "opslaan")],
            Moderatie,
        ),
        post(
            "/beheer/aanmeldingen/999/afwijzen",
            &[("reden", "dubbel aanbod")],
            Moderatie,
        ),
        get("/beheer/leerkringen", Moderatie),
        get("/beheer/leerkringen/clusters", Moderatie),
        get("/beheer/leerkringen/999", Moderatie),
        post(
            "/beheer/leerkringen/voorstellen",
            &[("titel", ""), ("vraag", "lv-demo-001")],
            Moderatie,
        ),
        post(
            "/beheer/leerkringen/999",
            &[("actie", "koppelen"), ("lacune", "")],
            Moderatie,
        ),
        post(
            "/beheer/leerkringen/999/afwijzen",
            &[("reden", "geen leerkring")],
            Moderatie,
        ),
        post(
            "/beheer/leerkringen/999/stoppen",
            &[("zeker", "ja")],
            Moderatie,
        ),
        get("/beheer/aanbod", Aanbod),
        get("/beheer/aanbod/nieuw", Aanbod),
        post("/beheer/aanbod/nieuw", &[("titel", "")], Aanbod),
        get(format!("/beheer/aanbod/{OFFERING}"), Aanbod),
        post(
            format!("/beheer/aanbod/{OFFERING}"),
            &[("titel", "")],
            Aanbod,
        ),
        post(
            format!("/beheer/aanbod/{OFFERING}/publicatie"),
            &[("gepubliceerd", "ja")],
            Aanbod,
        ),
        get("/beheer/aanbieders", Aanbod),
        get("/beheer/aanbieders/buurtbemiddeling-gelderland", Aanbod),
        post(
            "/beheer/aanbieders/buurtbemiddeling-gelderland",
            &[("naam", "")],
            Aanbod,
        ),
        post("/beheer/aanbieders/bestaat-niet/van-de-site", &[], Aanbod),
        get("/beheer/berichten", Berichten),
        post("/beheer/berichten/999/afgehandeld", &[], Berichten),
        post(
            "/beheer/berichten/999/antwoord",
            &[("antwoord", "Dank voor je bericht, we kijken ernaar.")],
            Berichten,
        ),
        get("/beheer/trajecten", Trajecten),
        get("/beheer/trajecten/nieuw", Trajecten),
        post("/beheer/trajecten/nieuw", &[("titel", "")], Trajecten),
        get("/beheer/trajecten/999", Trajecten),
        get("/beheer/trajecten/geen-getal", Trajecten),
        post("/beheer/trajecten/999", &[("titel", "")], Trajecten),
        get("/beheer/peilingen", Peilingen),
        post("/beheer/peilingen", &[], Peilingen),
        post("/beheer/rondes", &[("label", "")], Peilingen),
        post("/beheer/rondes/999/afsluiten", &[], Peilingen),
        get("/beheer/logboek", Audit),
        get("/beheer/privacy", Privacy),
        post(
            "/beheer/privacy/export",
            &[("email", "iemand@voorbeeld.nl")],
            Privacy,
        ),
        post(
            "/beheer/privacy/wissen",
            &[("email", "iemand@voorbeeld.nl")],
            Privacy,
        ),
        get("/beheer/mail", Beheer),
        post("/beheer/mail/999/opnieuw", &[], Beheer),
        post(
            "/beheer/accounts/status",
            &[("email", "niemand@voorbeeld.nl"), ("uitgeschakeld", "ja")],
            Beheer,
        ),
    ]
}

/// `(status, Location)` of the request `route`.
async fn request(b: &mut Browser, route: &Route) -> (u16, String) {
    let (s, loc, _) = if route.method == "GET" {
        b.get(&route.path).await
    } else {
        b.post(&route.path, &route.fields).await
    };
    (s, loc)
}

#[tokio::test]
async fn every_route_checks_the_role() {
    let app = spawn_app().await;
    // Anonymous: GET goes to the login page, POST is refused.
    let mut anon = Browser::new(&app);
    for route in routes() {
        let (s, loc) = request(&mut anon, &route).await;
        let (method, path) = (route.method, &route.path);
        if method == "GET" {
            assert_eq!(s, 303, "anonymous GET {path}");
            assert!(loc.starts_with("/beheer/inloggen?terug="), "{path}: {loc}");
        } else {
            assert_eq!(s, 403, "anonymous POST {path}");
        }
    }
    for role in [Role::Beheerder, Role::Coordinator, Role::Redacteur] {
        let mut b = logged_in(&app, role).await;
        for route in routes() {
            let token = b.csrf.clone();
            let (s, loc) = request(&mut b, &route).await;
            b.csrf = token;
            let (method, path) = (route.method, &route.path);
            if role.may(route.area) {
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
        .post_request(&path)
        .header("origin", "https://kwaadwillend.example")
        .form(&[("csrf", b.csrf.as_str()), ("status", "lacune")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let item = app.store().inbox_item(QUESTION).await.unwrap().unwrap();
    assert_eq!(item.status, QuestionStatus::Nieuw, "nothing changed");
    let (s, _, _) = b.post(&path, &[("status", "lacune")]).await;
    assert_eq!(s, 303);
    let item = app.store().inbox_item(QUESTION).await.unwrap().unwrap();
    assert_eq!(item.status, QuestionStatus::Lacune);
    // No state change on GET.
    let (s, _, _) = b.get(&format!("/beheer/vragen/{QUESTION}/koppeling")).await;
    assert_eq!(s, 405);
}
