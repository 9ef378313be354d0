//! The public forms (leervraag, offering submission, contact): stored before the page confirms,
//! Dutch errors beside the field that keep the values, spam protection (signed token, honeypot,
//! same origin, minimum fill time, rate limit, also per visitor behind a proxy), and a form sent
//! twice stored once.

use std::time::Duration;

use wijkwijzer::domain::status::QuestionStatus;

use crate::helpers::*;

/// Opens "Stel je leervraag": a labelled question field and a link to the privacy statement.
async fn check_leervraag_form(app: &TestApp) {
    let html = app.text("/leervraag").await;
    assert!(html.contains("<label for=\"vraag\">"));
    assert!(html.contains("href=\"/privacy\""));
}

/// Opens "Stel je leervraag" like a visitor (checking its label and privacy link) and sends
/// `fields`: `(status, body)`.
async fn ask(app: &TestApp, fields: &[(&str, &str)]) -> (u16, String) {
    check_leervraag_form(app).await;
    app.post_form("/leervraag", fields).await
}

/// The ids of the questions asked on the site, from `wijkwijzer export leervragen`.
fn question_ids(app: &TestApp) -> Vec<String> {
    let out = cli(&app.db(), &["export", "leervragen"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .filter(|id| id.starts_with("site-"))
        .collect()
}

#[tokio::test]
async fn form_stores_the_question_and_shows_matches_with_reasons() {
    let app = spawn_app().await;
    let (status, html) = ask(
        &app,
        &[
            (
                "vraag",
                "Hoe pakken we als gemeente ondermijning en drugscriminaliteit in de wijk aan?",
            ),
            ("doelgroep", "beleidsmakers"),
            ("sector", "veiligheid"),
            ("gemeente", "Tilburg"),
            ("email", "ambtenaar@tilburg.example"),
            ("toestemming", "ja"),
            ("website", ""),
        ],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Je leervraag is ontvangen"));
    // One plain line per result, and its price, date and place; no list of matched words.
    assert!(html.contains("<p class=\"ww-why\">"), "{html}");
    assert!(html.contains("aria-label=\"Prijs, datum en plaats\""));
    assert!(!html.contains("Komt overeen op"));
    assert!(html.contains("Je krijgt antwoord per e-mail"));
    let ids = question_ids(&app);
    assert_eq!(ids.len(), 1, "stored before the page confirmed");
    let store = app.store();
    let stored = store.question_status(&ids[0]).await.unwrap().unwrap();
    assert_eq!(stored.status, QuestionStatus::Nieuw);
    assert_eq!(stored.email.as_deref(), Some("ambtenaar@tilburg.example"));
    assert_eq!(stored.passend, Some(true));
    let matches = store.matches_of(&ids[0]).await.unwrap();
    assert!(!matches.is_empty() && matches.len() <= 10);
    assert!(!matches[0].waarom.is_empty(), "reasons stored");
}

#[tokio::test]
async fn form_errors_are_dutch_beside_the_field_and_keep_the_text() {
    let app = spawn_app().await;
    let (status, html) = ask(
        &app,
        &[
            ("vraag", "Kort <b>"),
            ("doelgroep", ""),
            ("email", "geen-adres"),
            ("website", ""),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("Beschrijf je vraag in minstens 10 tekens."));
    assert!(html.contains("Kies wie je bent."));
    // An invalid address is named, not taken for an empty field.
    assert!(
        html.contains("Dit e-mailadres klopt niet: ‘geen-adres’"),
        "{html}"
    );
    assert!(html.contains("id=\"vraag-fout\""));
    // All errors at once, in a summary that takes the focus (without JavaScript).
    assert!(html.contains("class=\"ww-card ww-error-summary\" role=\"alert\" aria-labelledby=\"fouten-kop\" tabindex=\"-1\" autofocus"));
    let summary = html
        .split("id=\"fouten-kop\"")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or("");
    assert_eq!(summary.matches("<li>").count(), 3, "{summary}");
    // The limits are shown beside the field.
    assert!(html.contains("Minstens 10 en hoogstens 2.000 tekens."));
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        html.contains("Kort &#60;b&#62;") || html.contains("Kort &lt;b&gt;"),
        "text kept, escaped"
    );
    assert!(html.contains("value=\"geen-adres\""));
    // An e-mail address without consent is refused.
    let (status, html) = app
        .post_form(
            "/leervraag",
            &[
                ("vraag", "Hoe betrek ik meer buren bij ons buurtplan?"),
                ("doelgroep", "bewoners"),
                ("email", "a@b.nl"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("Geef toestemming"));
    assert!(question_ids(&app).is_empty(), "nothing stored");
}

#[tokio::test]
async fn form_spam_protection() {
    let app = TestApp::builder()
        .config(|c| c.form_rate = (2, Duration::from_secs(600)))
        .spawn()
        .await;
    check_leervraag_form(&app).await;
    let good = [
        (
            "vraag",
            "Hoe krijgen we jongeren en buurtbewoners met elkaar in gesprek?",
        ),
        ("doelgroep", "bewoners"),
    ];
    // Forged token: refused, values kept.
    let forged = [&[("token", "1.abc")][..], &good].concat();
    let (_, html) = app.send_form("/leervraag", &forged).await;
    assert!(html.contains("kon niet worden gecontroleerd"));
    assert!(html.contains("Hoe krijgen we jongeren"));
    // Honeypot filled: refused.
    let mut spam = good.to_vec();
    spam.push(("website", "https://spam.example"));
    let (s, _) = app.post_form("/leervraag", &spam).await;
    assert_eq!(s, 400);
    // Cross-site post: refused.
    let (_, html) = app
        .post_form_with(
            "/leervraag",
            &good,
            &[("origin", "https://kwaadaardig.example")],
        )
        .await;
    assert!(html.contains("kon niet worden gecontroleerd"));
    assert!(question_ids(&app).is_empty());
    // Two accepted, the third from the same address is rate limited.
    for _ in 0..2 {
        let (s, _) = app.post_form("/leervraag", &good).await;
        assert_eq!(s, 200);
    }
    let (s, body) = app.post_form("/leervraag", &good).await;
    assert_eq!(s, 429);
    assert!(body.contains("Wacht een paar minuten"));
    assert_eq!(question_ids(&app).len(), 2);
}

#[tokio::test]
async fn form_refuses_submissions_faster_than_a_person() {
    let app = TestApp::builder()
        .config(|c| c.min_fill = Duration::from_secs(30))
        .spawn()
        .await;
    check_leervraag_form(&app).await;
    let (_, html) = app
        .post_form(
            "/leervraag",
            &[
                ("vraag", "Hoe krijgen we meer buren betrokken?"),
                ("doelgroep", "bewoners"),
            ],
        )
        .await;
    assert!(html.contains("erg snel"));
    assert!(question_ids(&app).is_empty());
}

#[tokio::test]
async fn contact_form_stores_the_message_and_explains_errors() {
    let app = spawn_app().await;
    let html = app.text("/contact").await;
    assert!(html.contains("href=\"/privacy\""));
    let (s, html) = app
        .post_form(
            "/contact",
            &[("soort", "iets"), ("bericht", "hoi"), ("email", "x@")],
        )
        .await;
    assert_eq!(s, 422);
    assert!(html.contains("Kies of het een vraag, een suggestie of iets anders is."));
    assert!(html.contains("Schrijf je bericht in minstens 5 tekens."));
    assert!(html.contains("Dit e-mailadres klopt niet: ‘x@’"));
    assert!(html.contains(">hoi</textarea>"), "text kept");
    let store = app.store();
    assert!(store.contact_messages().await.unwrap().is_empty());

    let (s, body) = app
        .post_form(
            "/contact",
            &[
                ("soort", "suggestie"),
                ("bericht", "Organiseer een werkbezoek in Lelystad."),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(s, 200);
    assert!(body.contains("Je bericht is ontvangen"));
    let messages = store.contact_messages().await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].soort, "suggestie");
    assert_eq!(messages[0].email, None);

    let (s, _) = app
        .post_form(
            "/contact",
            &[
                ("soort", "vraag"),
                ("bericht", "Koop nu!"),
                ("website", "https://spam.example"),
            ],
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(store.contact_messages().await.unwrap().len(), 1);
}

/// A reload of the confirmation page or a double click sends the same form again: it is stored
/// once, and the second answer says so.
#[tokio::test]
async fn a_form_sent_twice_is_stored_once() {
    let app = spawn_app().await;
    let store = app.store();
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
    let token = app.form_token("/leervraag").await;
    let fields = [
        ("token", token.as_str()),
        ("vraag", "Hoe krijgen we meer buren naar de buurtavond?"),
        ("doelgroep", "bewoners"),
        ("sector", ""),
        ("gemeente", ""),
        ("email", ""),
        ("website", ""),
    ];
    let (s, first) = app.send_form("/leervraag", &fields).await;
    assert_eq!(s, 200);
    assert!(first.contains("Je leervraag is ontvangen"), "{first}");
    let (s, second) = app.send_form("/leervraag", &fields).await;
    assert_eq!(s, 200);
    assert!(second.contains("Je leervraag was al ontvangen"), "{second}");
    assert_eq!(site_questions().await, before + 1);

    // The same for an offering submission and a contact message.
    let token = app.form_token("/aanbod/aanmelden").await;
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
        let (s, body) = app.send_form("/aanbod/aanmelden", &offering).await;
        assert_eq!(s, 200);
        assert!(body.contains(expected), "{body}");
    }
    assert_eq!(waiting_submissions(&app).await.len(), 1);

    let token = app.form_token("/contact").await;
    let message = [
        ("token", token.as_str()),
        ("soort", "suggestie"),
        ("bericht", "Graag meer over buurtavonden."),
        ("email", ""),
        ("website", ""),
    ];
    for expected in ["Je bericht is ontvangen", "Je bericht was al ontvangen"] {
        let (_, body) = app.send_form("/contact", &message).await;
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
    let html = app.text("/aanbod/aanmelden").await;
    assert!(html.contains("href=\"/privacy\""));
    let (s, page) = app
        .post_form(
            "/aanbod/aanmelden",
            &[
                ("titel", ""),
                ("samenvatting", "Over <script>burenruzies</script>"),
                ("url", "http://onveilig.example"),
                ("kosten", "veel"),
                ("contact_email", "geen-adres"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(s, 422);
    assert!(page.contains("<title>Fout: leeraanbod aanmelden"));
    // An empty required field gets a plain request, in the words of the form.
    assert!(page.contains("Vul een titel in."));
    assert!(page.contains("Kies voor wie het aanbod is."));
    assert!(!page.contains("verplicht veld ontbreekt"));
    // Other mistakes too: what to do, with an example.
    assert!(page.contains("Vul een volledig webadres in dat begint met https://"));
    assert!(page.contains("of als bedrag in euro, bijvoorbeeld € 395."));
    assert!(!page.contains("Kosten: ongeldig bedrag"));
    assert!(page.contains("Dit e-mailadres klopt niet: ‘geen-adres’"));
    assert!(
        page.contains("Over &#60;script&#62;burenruzies&#60;/script&#62;")
            && !page.contains("<script>burenruzies"),
        "kept and escaped"
    );
    assert!(page.contains("value=\"geen-adres\""));
    assert!(waiting_submissions(&app).await.is_empty());
    // A filled honeypot is refused and nothing is stored.
    let (s, _) = app
        .post_form(
            "/aanbod/aanmelden",
            &[("titel", "Spam"), ("website", "http://spam.example")],
        )
        .await;
    assert_eq!(s, 400);
    assert!(waiting_submissions(&app).await.is_empty());
}

#[tokio::test]
async fn behind_a_proxy_each_visitor_has_its_own_form_limit() {
    let app = TestApp::builder()
        .behind_proxy()
        .config(|c| c.form_rate = (1, Duration::from_secs(600)))
        .spawn()
        .await;
    let send = |ip: &'static str| {
        let app = &app;
        async move {
            let forwarded = format!("203.0.113.99, {ip}");
            app.post_form_with(
                "/contact",
                &[
                    ("soort", "suggestie"),
                    ("bericht", "Een goed idee voor het leernetwerk."),
                    ("email", ""),
                    ("website", ""),
                ],
                &[("x-forwarded-for", forwarded.as_str())],
            )
            .await
            .0
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
async fn line_endings_are_normalised_and_a_web_address_is_completed() {
    let app = spawn_app().await;
    // Browsers send a textarea's line breaks as CRLF.
    let (s, page) = app
        .post_form(
            "/aanbod/aanmelden",
            &[
                ("titel", "Praktijkdag buurtbemiddeling"),
                ("samenvatting", "Een praktijkdag over buurtbemiddeling."),
                (
                    "beschrijving",
                    "Eerste alinea.\r\nNog een regel.\r\n\r\nTweede alinea.",
                ),
                ("aanbieder", "Stichting Goede Buren"),
                ("partners", "Woonstichting Thuis\r\nPolitie Eenheid Oost"),
                ("vorm", "training"),
                ("themas", "vertrouwen-en-verbinding"),
                ("doelgroepen", "wijkprofessionals"),
                ("sectoren", "wonen"),
                ("kosten", "gratis"),
                ("locatie", "fysiek"),
                ("regio", "Gelderland"),
                ("url", "goedeburen.example/praktijkdag"),
                ("contact_email", "sanne@goedeburen.example"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(
        s, 200,
        "the address without https:// is completed, not refused: {page}"
    );
    let sub = waiting_submissions(&app).await.remove(0);
    assert_eq!(
        sub.data["beschrijving"],
        "Eerste alinea.\nNog een regel.\n\nTweede alinea."
    );
    assert_eq!(
        sub.data["partners"],
        serde_json::json!(["Woonstichting Thuis", "Politie Eenheid Oost"])
    );
    assert_eq!(sub.data["url"], "https://goedeburen.example/praktijkdag");
    let q = ask_on_site(&app, "Regel een van mijn vraag\r\nen regel twee").await;
    assert_eq!(q.question.vraag, "Regel een van mijn vraag\nen regel twee");
    // No e-mail address, no receipt.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.mail.sent().is_empty());
    // An offering page shows its description as paragraphs that keep their line breaks.
    let (id, beschrijving) = {
        let snapshot = app.state.catalog.snapshot();
        let o = snapshot
            .offerings
            .iter()
            .map(|s| &s.offering)
            .find(|o| o.beschrijving.contains("\n\n"))
            .expect("a demo offering with two paragraphs");
        (o.id.clone(), o.beschrijving.clone())
    };
    let html = app.text(&format!("/aanbod/{id}")).await;
    let paragraphs = wijkwijzer::domain::text::paragraphs(&beschrijving);
    assert!(paragraphs.len() >= 2);
    assert_eq!(
        html.matches("<p class=\"ww-lines\">").count(),
        paragraphs.len(),
        "{html}"
    );
}

#[tokio::test]
async fn the_offering_form_offers_the_regions_as_a_list_and_refuses_others() {
    let app = spawn_app().await;
    let html = app.text("/aanbod/aanmelden").await;
    assert!(
        html.contains("<select id=\"regio\" name=\"regio\""),
        "a list"
    );
    assert!(
        !html.contains("<input type=\"text\" id=\"regio\""),
        "no free text"
    );
    assert!(html.contains("<optgroup label=\"Provincie Noord-Brabant\">"));
    assert!(html.contains("<option value=\"Breda\">Breda</option>"));
    assert!(html.contains("<option value=\"landelijk\">Landelijk</option>"));
    let (s, page) = app
        .post_form(
            "/aanbod/aanmelden",
            &[("titel", ""), ("regio", "Atlantis"), ("website", "")],
        )
        .await;
    assert_eq!(s, 422);
    assert!(
        page.contains("onbekende regio &#39;Atlantis&#39;"),
        "{page}"
    );
    // A known spelling is kept as its region.
    let (s, page) = app
        .post_form(
            "/aanbod/aanmelden",
            &[("titel", ""), ("regio", "Brabant"), ("website", "")],
        )
        .await;
    assert_eq!(s, 422);
    assert!(page.contains("<option value=\"Noord-Brabant\" selected>"));
    assert!(!page.contains("onbekende regio"));
}
