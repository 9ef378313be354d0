//! Moderating submitted offerings: approved (published, searchable, mailed), rejected with a
//! reason, and a likely duplicate approved only after a confirmation.

use wijkwijzer::domain::status::SubmissionStatus;
use wijkwijzer::security::Role;

use crate::helpers::*;

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
    let back = format!("/beheer/aanmeldingen/{id}?melding=gepubliceerd");
    assert_eq!((s, loc.as_str()), (303, back.as_str()), "{body}");
    // The coordinator sees that it is published, with the way back to the queue.
    let (_, _, notice) = b.get(&back).await;
    assert!(
        notice.contains("Gepubliceerd: het aanbod staat nu op de site"),
        "{notice}"
    );
    assert!(notice.contains("href=\"/aanbod/praktijkdag-buurtbemiddeling\""));
    assert!(notice.contains("Terug naar de aanmeldingen die wachten"));
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
    let mails = app.wait_for_mail(1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "sanne@goedeburen.example");
    assert!(mails[0].text.contains("Praktijkdag buurtbemiddeling"));
    // Greeted by the name given on the form; replies go to the coordination point.
    assert!(
        mails[0].text.starts_with("Beste Sanne de Vries,"),
        "{}",
        mails[0].text
    );
    assert!(mails[0].invites_reply);
    assert!(mails[0]
        .text
        .contains("/aanbod/praktijkdag-buurtbemiddeling"));
    // Audited.
    let log = app
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
    // A reason longer than a mail should carry is refused too, and kept in the field.
    let long = "Te lang. ".repeat(223);
    let (s, _, html) = b
        .post(
            &format!("/beheer/aanmeldingen/{id}/afwijzen"),
            &[("reden", &long)],
        )
        .await;
    assert_eq!(s, 422);
    assert!(html.contains("(5 tot 2000 tekens); de indiener krijgt die te lezen"));
    assert!(html.contains("Te lang. Te lang."));
    let (s, loc, _) = b
        .post(
            &format!("/beheer/aanmeldingen/{id}/afwijzen"),
            &[("reden", "Dit aanbod gaat niet over wijken.")],
        )
        .await;
    assert_eq!((s, loc.as_str()), (303, "/beheer/aanmeldingen"));
    let mails = app.wait_for_mail(1).await;
    assert_eq!(mails[0].to, "sanne@goedeburen.example");
    assert!(mails[0].text.contains("Dit aanbod gaat niet over wijken."));
    assert!(
        mails[0].text.starts_with("Beste Sanne de Vries,"),
        "{}",
        mails[0].text
    );
    assert!(mails[0].html.contains("Dit aanbod gaat niet over wijken."));
    assert_eq!(
        app.store().submission(id).await.unwrap().unwrap().status,
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
    let store = app.store();
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
    assert_eq!(
        loc,
        format!("/beheer/aanmeldingen/{id}?melding=gepubliceerd")
    );
    let published = store.submission(id).await.unwrap().unwrap().offering_id;
    assert!(
        published
            .as_deref()
            .is_some_and(|o| o.starts_with("training-buurtbemiddelaar-worden-")),
        "{published:?}"
    );
    assert_eq!(app.state.catalog.snapshot().offerings.len(), before + 1);
}
