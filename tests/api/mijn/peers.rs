//! Peer matching ("anderen met dezelfde vraag"): consent on the question form and on `/mijn`,
//! suggestions shown only among consenting askers and without names, withdrawal that hides the
//! person at once.

use super::*;

const VRAAG: &str =
    "Er komen veel arbeidsmigranten in onze straat wonen. Hoe kunnen we arbeidsmigranten verwelkomen in de buurt?";

/// Asks `vraag` on the site as `email` from `gemeente`, with `extra` fields; the result page.
async fn ask(app: &TestApp, email: &str, gemeente: &str, extra: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("vraag", VRAAG),
        ("doelgroep", "bewoners"),
        ("gemeente", gemeente),
        ("email", email),
        ("toestemming", "ja"),
        ("website", ""),
    ];
    fields.extend_from_slice(extra);
    let (s, body) = app.post_form("/leervraag", &fields).await;
    assert_eq!(s, 200, "{body}");
    body
}

fn peers_listed(page: &str) -> usize {
    page.matches("<li>Ook gesteld door").count()
}

#[tokio::test]
async fn peers_are_shown_only_with_consent_without_names_and_hidden_at_once_after_withdrawal() {
    let app = spawn_app().await;
    let consent_shared = [
        ("contact", "ja"),
        ("contact_naam", "Anna Peereboom"),
        ("contact_organisatie", "Buurtvereniging Noord"),
        ("contact_rol", "ja"),
        ("contact_gemeente", "ja"),
    ];
    // The first asker finds nobody yet.
    let page = ask(&app, "anna@voorbeeld.nl", "Venlo", &consent_shared).await;
    assert!(page.contains("Anderen met dezelfde vraag"), "{page}");
    assert!(page.contains("We vonden nog niemand"), "{page}");
    // Someone without consent: no section, and never suggested to others.
    let page = ask(&app, "zonder@voorbeeld.nl", "Zwolle", &[]).await;
    assert!(!page.contains("Anderen met dezelfde vraag"), "{page}");
    // A second consenting asker, sharing nothing, sees the first: role and town as shared, no
    // name, organisation or address.
    let page = ask(&app, "bram@voorbeeld.nl", "Hengelo", &[("contact", "ja")]).await;
    assert_eq!(peers_listed(&page), 1, "{page}");
    assert!(page.contains("Ook gesteld door een bewoner"), "{page}");
    assert!(page.contains("in Venlo"), "{page}");
    assert!(page.contains("arbeidsmigranten"), "{page}");
    for secret in [
        "Anna Peereboom",
        "Buurtvereniging Noord",
        "anna@voorbeeld.nl",
        "Zwolle",
    ] {
        assert!(!page.contains(secret), "{secret} shown: {page}");
    }
    // The same town is not suggested: the network connects municipalities.
    let page = ask(&app, "cor@voorbeeld.nl", "Venlo", &[("contact", "ja")]).await;
    assert_eq!(peers_listed(&page), 1, "only Bram from Hengelo: {page}");
    assert!(
        page.contains("Ook gesteld door iemand in een andere gemeente"),
        "{page}"
    );
    assert!(
        !page.contains("Hengelo"),
        "Bram did not share his town: {page}"
    );

    // On /mijn the first asker sees Bram (Cor lives in her town), without his details.
    let mut anna = signed_in(&app, "anna@voorbeeld.nl").await;
    let (_, _, page) = anna.get("/mijn").await;
    assert_eq!(peers_listed(&page), 1, "{page}");
    assert!(page.contains("Stop met contact met anderen"), "{page}");
    assert!(!page.contains("bram@voorbeeld.nl") && !page.contains("cor@voorbeeld.nl"));

    // Bram withdraws: gone from Anna's page at once.
    let mut bram = signed_in(&app, "bram@voorbeeld.nl").await;
    let bram_q = app
        .store()
        .own_questions("bram@voorbeeld.nl")
        .await
        .unwrap()
        .remove(0);
    assert!(bram_q.peer_consent);
    let path = format!("/mijn/vragen/{}/contact", bram_q.id);
    let (s, _, _) = bram
        .post(&path, &[("csrf", "fout"), ("actie", "stoppen")])
        .await;
    assert_eq!(s, 403, "a form without the session's token is refused");
    let csrf = bram.csrf.clone();
    let (s, _, _) = anna
        .post(&path, &[("csrf", &anna.csrf.clone()), ("actie", "stoppen")])
        .await;
    assert_eq!(s, 404, "nobody changes another asker's consent");
    let (s, loc, _) = bram
        .post(&path, &[("csrf", &csrf), ("actie", "stoppen")])
        .await;
    assert_eq!((s, loc.as_str()), (303, "/mijn?melding=contact-uit"));
    let (_, _, page) = anna.get("/mijn").await;
    assert_eq!(peers_listed(&page), 0, "{page}");
    let (_, _, page) = bram.get("/mijn").await;
    assert!(
        page.contains("Ik wil in contact komen met anderen"),
        "{page}"
    );
    assert_eq!(peers_listed(&page), 0, "{page}");
    // And consents again on /mijn, now showing his town.
    let csrf = bram.csrf.clone();
    let (s, loc, _) = bram
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("actie", "starten"),
                ("contact_gemeente", "ja"),
            ],
        )
        .await;
    assert_eq!((s, loc.as_str()), (303, "/mijn?melding=contact-aan"));
    let (_, _, page) = anna.get("/mijn").await;
    assert_eq!(peers_listed(&page), 1, "{page}");
    assert!(page.contains("in Hengelo"), "{page}");

    // Deleting an account removes the person from every suggestion.
    let csrf = bram.csrf.clone();
    let (s, _, _) = bram
        .post("/mijn/verwijderen", &[("csrf", &csrf), ("zeker", "ja")])
        .await;
    assert_eq!(s, 200);
    let (_, _, page) = anna.get("/mijn").await;
    assert_eq!(peers_listed(&page), 0, "{page}");
    assert!(!page.contains("Hengelo"), "{page}");
}

#[tokio::test]
async fn consent_needs_an_address_and_is_off_by_default() {
    let app = spawn_app().await;
    let form = app.text("/leervraag").await;
    assert!(form.contains("Ik wil in contact komen met anderen die met dezelfde vraag bezig zijn"));
    assert!(
        !form.contains(r#"name="contact" value="ja" checked"#),
        "off by default"
    );
    let (_, body) = app
        .post_form(
            "/leervraag",
            &[
                ("vraag", VRAAG),
                ("doelgroep", "bewoners"),
                ("contact", "ja"),
                ("contact_naam", "Anna"),
                ("website", ""),
            ],
        )
        .await;
    assert!(
        body.contains("zonder e-mailadres kunnen we je niet met anderen in contact brengen"),
        "{body}"
    );
    assert!(
        body.contains(r#"value="Anna""#),
        "what was typed is kept: {body}"
    );
    assert!(app.store().peer_questions().await.unwrap().is_empty());
}

/// The text and HTML of every mail to `to`, joined.
async fn mail_text(app: &TestApp, to: &str) -> String {
    app.outbox_to(to)
        .await
        .iter()
        .map(|m| format!("{}\n{}\n{}", m.mail.subject, m.mail.text, m.mail.html))
        .collect()
}

/// The id of `email`'s (only) question.
async fn question_of(app: &TestApp, email: &str) -> String {
    app.store().own_questions(email).await.unwrap().remove(0).id
}

/// The path of the introduction link in the last request mail to `to`.
async fn intro_link(app: &TestApp, to: &str) -> String {
    let mail = app
        .outbox_to(to)
        .await
        .into_iter()
        .find(|m| m.mail.subject == "Iemand met dezelfde vraag wil kennismaken")
        .expect("a request mail");
    let at = mail.mail.text.find("/kennismaking/").unwrap();
    mail.mail.text[at..at + "/kennismaking/".len() + 64].to_string()
}

/// `b` asks from their question `own` for an introduction to the question `peer`.
async fn ask_intro(b: &mut Browser, own: &str, peer: &str) -> (u16, String, String) {
    let csrf = b.csrf.clone();
    b.post(
        &format!("/mijn/vragen/{own}/kennismaken"),
        &[("csrf", &csrf), ("peer", peer)],
    )
    .await
}

/// Answers the introduction at `path` with `actie` (ja or nee) through its button page.
async fn answer(app: &TestApp, path: &str, actie: &str) -> (u16, String) {
    let mut b = Browser::new(app);
    let (s, _, page) = b.get(path).await;
    if s != 200 {
        return (s, page);
    }
    let (s, _, page) = b.submit(&page, path, &[("actie", actie)]).await;
    (s, page)
}

const ANNA: &str = "anna@voorbeeld.nl";
const BRAM: &str = "bram@voorbeeld.nl";
const CARLA: &str = "carla@voorbeeld.nl";

/// Anna (Venlo, shares name, organisation, role and town), Bram (Hengelo, shares his name
/// only) and Carla (Assen, shares nothing) ask the same question with consent.
async fn three_askers(app: &TestApp) {
    ask(
        app,
        ANNA,
        "Venlo",
        &[
            ("contact", "ja"),
            ("contact_naam", "Anna Peereboom"),
            ("contact_organisatie", "Buurtvereniging Noord"),
            ("contact_rol", "ja"),
            ("contact_gemeente", "ja"),
        ],
    )
    .await;
    ask(
        app,
        BRAM,
        "Hengelo",
        &[("contact", "ja"), ("contact_naam", "Bram Brink")],
    )
    .await;
    ask(app, CARLA, "Assen", &[("contact", "ja")]).await;
}

#[tokio::test]
async fn an_introduction_reveals_names_and_addresses_only_when_both_accept() {
    let app = spawn_app().await;
    three_askers(&app).await;
    ask(&app, "zonder@voorbeeld.nl", "Zwolle", &[]).await;
    let (anna_q, bram_q) = (question_of(&app, ANNA).await, question_of(&app, BRAM).await);
    let zonder_q = question_of(&app, "zonder@voorbeeld.nl").await;
    let mut bram = signed_in(&app, BRAM).await;
    let (_, _, page) = bram.get("/mijn").await;
    assert!(page.contains("Vraag om kennis te maken"), "{page}");
    assert!(
        page.contains(&format!(r#"name="peer" value="{anna_q}""#)),
        "{page}"
    );
    // Only a suggested peer can be asked: not an asker without consent, not oneself, and not
    // from another's question.
    for (own, peer) in [(&bram_q, &zonder_q), (&bram_q, &bram_q), (&anna_q, &bram_q)] {
        let (s, _, _) = ask_intro(&mut bram, own, peer).await;
        assert_eq!(s, 422, "{own} → {peer}");
    }
    assert!(app
        .outbox_to("zonder@voorbeeld.nl")
        .await
        .iter()
        .all(|m| !m.mail.subject.contains("kennismaken")));
    // Bram asks: Anna is mailed a link, without Bram's name or address.
    let (s, loc, _) = ask_intro(&mut bram, &bram_q, &anna_q).await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/mijn?melding=kennismaking-gevraagd")
    );
    let (_, _, page) = bram.get(&loc).await;
    assert!(page.contains("We hebben de ander gemaild"), "{page}");
    let to_anna = mail_text(&app, ANNA).await;
    assert!(to_anna.contains("Iemand met dezelfde vraag wil kennismaken"));
    assert!(to_anna.contains("arbeidsmigranten"), "{to_anna}");
    for secret in ["Bram Brink", BRAM, "Hengelo"] {
        assert!(!to_anna.contains(secret), "{secret} in: {to_anna}");
    }
    // Asking again sends nothing new, nor does Anna asking Bram back while it is open.
    let (s, loc, _) = ask_intro(&mut bram, &bram_q, &anna_q).await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/mijn?melding=kennismaking-al-gevraagd")
    );
    let asked = app
        .outbox_to(ANNA)
        .await
        .into_iter()
        .filter(|m| m.mail.subject == "Iemand met dezelfde vraag wil kennismaken")
        .count();
    assert_eq!(asked, 1);
    // Before Anna answers, Bram has nothing of her: no mail at all.
    assert!(app
        .outbox_to(BRAM)
        .await
        .iter()
        .all(|m| !m.mail.text.contains("Anna") && !m.mail.text.contains(ANNA)));
    // The link shows a button page (opening it changes nothing); Anna accepts.
    let path = intro_link(&app, ANNA).await;
    let (s, _, page) = Browser::new(&app).get(&path).await;
    assert_eq!(s, 200);
    assert!(page.contains("Ja, ik wil kennismaken"), "{page}");
    assert!(mail_text(&app, BRAM).await.is_empty() || !mail_text(&app, BRAM).await.contains(ANNA));
    let (s, page) = answer(&app, &path, "ja").await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("Jullie willen allebei kennismaken"), "{page}");
    // Both get the other's details, each only what the other consented to share.
    let to_bram = mail_text(&app, BRAM).await;
    for shown in [
        "Naam: Anna Peereboom",
        "Organisatie: Buurtvereniging Noord",
        "Rol: Bewoners",
        "Gemeente: Venlo",
        "E-mailadres: anna@voorbeeld.nl",
    ] {
        assert!(to_bram.contains(shown), "{shown} missing: {to_bram}");
    }
    let made: Vec<_> = app
        .outbox_to(ANNA)
        .await
        .into_iter()
        .filter(|m| m.mail.subject.starts_with("Kennismaking"))
        .collect();
    assert_eq!(made.len(), 1);
    let to_anna = &made[0].mail.text;
    assert!(to_anna.contains("Naam: Bram Brink"), "{to_anna}");
    assert!(
        made[0].mail.html.contains("<li>Naam: Bram Brink</li>"),
        "{}",
        made[0].mail.html
    );
    assert!(
        to_anna.contains("E-mailadres: bram@voorbeeld.nl"),
        "{to_anna}"
    );
    assert!(
        !to_anna.contains("Hengelo") && !to_anna.contains("Rol:"),
        "Bram shared neither town nor role: {to_anna}"
    );
    // The link is used up.
    let (s, _) = answer(&app, &path, "ja").await;
    assert_eq!(s, 410);
}

/// How many mails with the other's details `to` got.
async fn details(app: &TestApp, to: &str) -> usize {
    app.outbox_to(to)
        .await
        .into_iter()
        .filter(|m| m.mail.subject.starts_with("Kennismaking"))
        .count()
}

#[tokio::test]
async fn declined_expired_or_withdrawn_introductions_reveal_nothing() {
    let (app, clock) = spawn_at("2026-03-02T10:00:00Z").await;
    three_askers(&app).await;
    let (anna_q, bram_q, carla_q) = (
        question_of(&app, ANNA).await,
        question_of(&app, BRAM).await,
        question_of(&app, CARLA).await,
    );
    // Declined: Carla says no; nobody gets anything, and the link is used up.
    let mut bram = signed_in(&app, BRAM).await;
    let (s, _, _) = ask_intro(&mut bram, &bram_q, &carla_q).await;
    assert_eq!(s, 303);
    let path = intro_link(&app, CARLA).await;
    let (s, page) = answer(&app, &path, "nee").await;
    assert_eq!(s, 200, "{page}");
    assert!(
        page.contains("De ander krijgt niets van je te zien"),
        "{page}"
    );
    assert_eq!(details(&app, BRAM).await, 0);
    assert_eq!(details(&app, CARLA).await, 0);
    assert!(!mail_text(&app, BRAM).await.contains(CARLA));
    let (s, _) = answer(&app, &path, "ja").await;
    assert_eq!(s, 410, "a declined introduction cannot be accepted later");
    // Neither ja nor nee: asked again, nothing decided.
    let mut anna = signed_in(&app, ANNA).await;
    let (s, _, _) = ask_intro(&mut anna, &anna_q, &carla_q).await;
    assert_eq!(s, 303);
    let path = intro_link(&app, CARLA).await;
    let (s, _) = answer(&app, &path, "misschien").await;
    assert_eq!(s, 422);
    // Ignored: after 14 days the link no longer works and nothing was shared.
    clock.advance(std::time::Duration::from_secs(15 * 24 * 3600));
    let (s, page) = answer(&app, &path, "ja").await;
    assert_eq!(s, 410, "{page}");
    assert!(page.contains("Deze link werkt niet meer"), "{page}");
    assert_eq!(details(&app, ANNA).await, 0);
    assert_eq!(details(&app, CARLA).await, 0);
    // Withdrawn: Anna asks Bram, then withdraws her consent before he answers: the introduction
    // stops at once and Bram's yes shares nothing.
    let mut anna = signed_in(&app, ANNA).await;
    let (s, loc, _) = ask_intro(&mut anna, &anna_q, &bram_q).await;
    assert_eq!(
        (s, loc.as_str()),
        (303, "/mijn?melding=kennismaking-gevraagd")
    );
    let path = intro_link(&app, BRAM).await;
    let csrf = anna.csrf.clone();
    let (s, _, _) = anna
        .post(
            &format!("/mijn/vragen/{anna_q}/contact"),
            &[("csrf", &csrf), ("actie", "stoppen")],
        )
        .await;
    assert_eq!(s, 303);
    let (s, _, _) = Browser::new(&app).get(&path).await;
    assert_eq!(s, 410, "the link stops working at once");
    let (s, _) = answer(&app, &path, "ja").await;
    assert_eq!(s, 410);
    assert_eq!(details(&app, ANNA).await, 0);
    assert_eq!(details(&app, BRAM).await, 0);
    let to_bram = mail_text(&app, BRAM).await;
    assert!(!to_bram.contains(ANNA) && !to_bram.contains("Anna Peereboom"));
    // Consent given again does not revive the stopped introduction.
    let csrf = anna.csrf.clone();
    let (s, _, _) = anna
        .post(
            &format!("/mijn/vragen/{anna_q}/contact"),
            &[("csrf", &csrf), ("actie", "starten")],
        )
        .await;
    assert_eq!(s, 303);
    let (s, _) = answer(&app, &path, "ja").await;
    assert_eq!(s, 410);
    assert_eq!(details(&app, BRAM).await, 0);
}
