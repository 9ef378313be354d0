//! Offerings and providers in the back office: edited, unpublished, with their history; a
//! provider renamed everywhere.

use wijkwijzer::security::Role;

use super::OFFERING;
use crate::helpers::*;

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
