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
        .state
        .catalog
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
    assert!(app
        .state
        .catalog
        .store()
        .peer_questions()
        .await
        .unwrap()
        .is_empty());
}
