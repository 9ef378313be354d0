//! The public forms (leervraag, offering submission, contact): Dutch errors that keep the values,
//! the honeypot, a form sent twice stored once, and a rate limit per visitor behind a proxy.

use wijkwijzer::domain::status::SubmissionStatus;

use crate::helpers::*;

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
