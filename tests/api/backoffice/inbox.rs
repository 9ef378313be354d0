//! The question inbox: matches confirmed, removed and added, the answer mailed once, filters, a
//! lacune in the gap analysis, and themes corrected by a coordinator.

use wijkwijzer::domain::status::{MatchStatus, QuestionStatus};
use wijkwijzer::security::Role;

use super::QUESTION;
use crate::helpers::*;

#[tokio::test]
async fn question_is_matched_answered_and_mailed() {
    let app = spawn_app().await;
    let q = ask_on_site_with(
        &app,
        &[
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
        ],
    )
    .await;
    let store = app.store();
    let matches = store.matches_of(&q.question.id).await.unwrap();
    assert!(!matches.is_empty());
    // The asker gets a receipt at once, with what the site found and the coordination point's
    // Reply-To.
    let receipt = app.wait_for_mail(1).await;
    assert_eq!(receipt.len(), 1);
    assert_eq!(receipt[0].subject, "We hebben je leervraag ontvangen");
    assert_eq!(receipt[0].to, "vrager@gemeente.example");
    assert!(receipt[0].invites_reply);
    assert!(
        receipt[0].text.contains("We hebben je vraag ontvangen"),
        "{}",
        receipt[0].text
    );
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (_, _, dash) = b.get("/beheer").await;
    assert!(
        dash.contains("<strong>1</strong> nieuwe leervraag van de site"),
        "dashboard counts"
    );
    // A coordinator without a second factor is offered to set one up.
    assert!(dash.contains("href=\"/beheer/tweestaps\">Tweestapsverificatie instellen"));
    let (_, _, page) = b.get(&format!("/beheer/vragen/{}", q.question.id)).await;
    assert!(page.contains(&matches[0].offering_id));
    // Confirm the first, remove the second, add one found by search.
    let first = matches[0].offering_id.clone();
    let (s, loc, _) = b
        .post(
            &format!("/beheer/vragen/{}/koppeling", q.question.id),
            &[("aanbod", &first), ("actie", "bevestig")],
        )
        .await;
    // Back at the matches section, not at the top of the page.
    assert_eq!(
        (s, loc.clone()),
        (
            303,
            format!(
                "/beheer/vragen/{}?melding=gekoppeld#gekoppeld",
                q.question.id
            )
        )
    );
    let (_, _, at) = b.get(loc.split('#').next().unwrap()).await;
    assert!(at.contains("id=\"gekoppeld\""), "{at}");
    assert!(at.contains("Koppeling opgeslagen."));
    if let Some(second) = matches.get(1) {
        b.post(
            &format!("/beheer/vragen/{}/koppeling", q.question.id),
            &[("aanbod", &second.offering_id), ("actie", "verwijder")],
        )
        .await;
    }
    let (_, _, found) = b
        .get(&format!(
            "/beheer/vragen/{}?zoek=ondermijning",
            q.question.id
        ))
        .await;
    let added = found
        .split("name=\"aanbod\" value=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap().to_string())
        .find(|id| !matches.iter().any(|m| m.offering_id == *id))
        .unwrap();
    let (s, _, _) = b
        .post(
            &format!("/beheer/vragen/{}/koppeling", q.question.id),
            &[("aanbod", &added), ("actie", "voeg-toe")],
        )
        .await;
    assert_eq!(s, 303);
    let now = store.matches_of(&q.question.id).await.unwrap();
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
    // An answer too short to send: the error beside the answer box, the text kept.
    let (s, _, short) = b
        .post(
            &format!("/beheer/vragen/{}", q.question.id),
            &[
                ("antwoord", "Kijk"),
                ("status", "in-behandeling"),
                ("verstuur", "ja"),
            ],
        )
        .await;
    assert_eq!(s, 422);
    let field = short.split("<label for=\"antwoord\">").nth(1).unwrap_or("");
    assert!(
        field.contains("<p class=\"ww-error\" id=\"antwoord-fout\">Schrijf een antwoord van minstens 10 tekens"),
        "{short}"
    );
    assert!(field.contains("aria-invalid=\"true\""));
    // "Voorbeeld van de mail": the mail as it would go out, nothing stored or sent.
    let before = store.inbox_item(&q.question.id).await.unwrap().unwrap();
    let (s, _, preview) = b
        .post(
            &format!("/beheer/vragen/{}", q.question.id),
            &[
                ("antwoord", "Kijk eens naar deze twee leernetwerken."),
                ("status", "in-behandeling"),
                ("voorbeeld", "ja"),
            ],
        )
        .await;
    assert_eq!(s, 200, "{preview}");
    assert!(preview.contains("Voorbeeld van de mail"));
    assert!(preview.contains("Beste vraagsteller,"));
    assert!(preview.contains("Kijk eens naar deze twee leernetwerken."));
    assert!(preview.contains("vrager@gemeente.example"));
    let after = store.inbox_item(&q.question.id).await.unwrap().unwrap();
    assert_eq!(
        (after.status, after.antwoord),
        (before.status, before.antwoord),
        "a preview changes nothing"
    );
    assert_eq!(app.mail.sent().len(), 1, "only the receipt so far");
    // Answer and mail.
    let (s, loc, _) = b
        .post(
            &format!("/beheer/vragen/{}", q.question.id),
            &[
                ("antwoord", "Kijk eens naar deze twee leernetwerken."),
                ("status", "in-behandeling"),
                ("verstuur", "ja"),
            ],
        )
        .await;
    assert_eq!(s, 303);
    assert!(loc.ends_with("melding=verstuurd"));
    let mails = app.wait_for_mail(2).await;
    assert_eq!(mails.len(), 2, "the receipt, then the answer");
    let m = &mails[1];
    assert_eq!(m.to, "vrager@gemeente.example");
    assert!(
        m.invites_reply,
        "the answer has the coordination point's Reply-To"
    );
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
    // With when, where and what it costs.
    let offering = app.state.catalog.snapshot().get(&first).unwrap().clone();
    let details = format!(
        "{} · {} · {}",
        wijkwijzer::http::pages::view::when(&offering),
        wijkwijzer::http::pages::view::place_label(&offering),
        wijkwijzer::http::pages::view::price(&offering)
    );
    assert!(m.text.contains(&details), "{details} in {}", m.text);
    assert!(m.html.contains(&format!("/aanbod/{first}")));
    // The page says the answer went out, and the button now offers a changed answer only.
    let (_, _, page) = b.get(&format!("/beheer/vragen/{}", q.question.id)).await;
    assert!(
        page.contains("<strong>Het antwoord is gemaild</strong> op "),
        "{page}"
    );
    assert!(page.contains("Aangepast antwoord opnieuw mailen"));
    // Even with another status in between, the same text is not mailed again.
    let (s, _, _) = b
        .post(
            &format!("/beheer/vragen/{}", q.question.id),
            &[
                ("antwoord", "Kijk eens naar deze twee leernetwerken."),
                ("status", "in-behandeling"),
            ],
        )
        .await;
    assert_eq!(s, 303);
    let (s, _, again) = b
        .post(
            &format!("/beheer/vragen/{}", q.question.id),
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
    assert_eq!(app.mail.sent().len(), 2);
    let item = store.inbox_item(&q.question.id).await.unwrap().unwrap();
    assert_eq!(
        item.status,
        QuestionStatus::InBehandeling,
        "the refused send changed nothing"
    );
    let (s, _, _) = b
        .post(
            &format!("/beheer/vragen/{}", q.question.id),
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
    assert!(list.contains(&q.question.id));
    let (_, _, list) = b.get("/beheer/vragen?status=nieuw&bron=site").await;
    assert!(!list.contains(&q.question.id));
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
    let page_before = app.text("/leeragenda").await;
    b.post(
        &format!("/beheer/vragen/{QUESTION}"),
        &[("status", "lacune"), ("antwoord", "")],
    )
    .await;
    let after = unanswered(app.get_json("/api/v1/leeragenda").await);
    assert!(after > before, "onbeantwoord {before} → {after}");
    let page_after = app.text("/leeragenda").await;
    assert_ne!(
        page_before, page_after,
        "the cached page follows the change"
    );
    // The public gap page lists it among the questions without a fitting offering, first.
    let topic = app.text("/lacunes/wijkaanpak-lange-termijn").await;
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
        .store()
        .demand()
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.question.id == QUESTION && d.status == QuestionStatus::Lacune)
        .count();
    assert_eq!(lacunes, 1);
}

#[tokio::test]
async fn a_coordinator_corrects_the_themes_of_a_question() {
    let app = spawn_app().await;
    let store = app.store();
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
        store
            .inbox_item(QUESTION)
            .await
            .unwrap()
            .unwrap()
            .question
            .themas,
        before.question.themas
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
    assert_eq!(
        after.question.themas,
        vec!["gemengde-wijken", "sociale-stijging"]
    );
    assert!(!after.themas_automatisch);
    app.state.catalog.refresh_if_changed().await.unwrap();
    let row = app
        .state
        .catalog
        .snapshot()
        .demand
        .iter()
        .find(|q| q.question.id == QUESTION)
        .cloned()
        .unwrap();
    assert_eq!(row.labelled().unwrap().themas, after.question.themas);
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
    let (_, _, page) = b.get(&format!("/beheer/vragen/{}", site.question.id)).await;
    assert!(page.contains("Nu gekozen door de koppeling"));

    // The inbox finds the questions whose themes still need a look.
    let (_, _, list) = b.get("/beheer/vragen?themas=koppeling").await;
    assert!(list.contains(&format!("/beheer/vragen/{}\"", site.question.id)));
    assert!(!list.contains(&format!("/beheer/vragen/{QUESTION}\"")));
    assert!(list.contains("(door de koppeling)"));
    // Paged by 50: the demo question is found with the search, within the filter.
    let (_, _, list) = b
        .get(&format!("/beheer/vragen?themas=mens&zoek={QUESTION}"))
        .await;
    assert!(list.contains(&format!("/beheer/vragen/{QUESTION}\"")));
    assert!(!list.contains(&format!("/beheer/vragen/{}\"", site.question.id)));
}

/// The inbox pages by 50, searches the question, municipality and address, filters on "heeft
/// e-mail" and "wacht op antwoord", and shows Dutch dates that do not wrap.
#[tokio::test]
async fn the_inbox_pages_searches_and_filters() {
    let app = spawn_app().await;
    let rows = |html: &str| html.matches("<tr><td><a href=\"/beheer/vragen/").count();
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (s, _, first) = b.get("/beheer/vragen").await;
    assert_eq!(s, 200);
    let total = app
        .store()
        .inbox(&Default::default(), 10_000)
        .await
        .unwrap()
        .len();
    assert!(total > 50, "the demo has more than one page: {total}");
    assert_eq!(rows(&first), 50);
    assert!(
        first.contains(&format!("{total} leervragen, pagina 1 van 2.")),
        "{first}"
    );
    assert!(first.contains("href=\"/beheer/vragen?pagina=2\" rel=\"next\""));
    let (_, _, second) = b.get("/beheer/vragen?pagina=2").await;
    assert_eq!(rows(&second), total - 50);
    assert!(second.contains("href=\"/beheer/vragen\" rel=\"prev\""));
    // A page out of range shows the last one; nonsense shows the first.
    let (s, _, _) = b.get("/beheer/vragen?pagina=99").await;
    assert_eq!(s, 200);
    let (s, _, bad) = b.get("/beheer/vragen?pagina=x").await;
    assert_eq!((s, rows(&bad)), (200, 50));
    // Dutch dates on one line.
    assert!(first.contains("<td class=\"ww-nowrap\">"), "{first}");
    assert!(!first.contains("<td>2025-"), "no ISO dates");
    // Text search: words of the question or the municipality, in any case.
    let (_, _, found) = b.get("/beheer/vragen?zoek=DORDRECHT+subsidie").await;
    assert_eq!(rows(&found), 1, "{found}");
    assert!(found.contains("/beheer/vragen/lv-demo-001"));
    // Filters: with an e-mail address, waiting for an answer; kept in the page links.
    let (_, _, none) = b.get("/beheer/vragen?email=ja").await;
    assert_eq!(rows(&none), 0);
    let asked = ask_on_site_with(
        &app,
        &[
            (
                "vraag",
                "Hoe organiseren we een buurtgesprek over overlast?",
            ),
            ("doelgroep", "bewoners"),
            ("email", "buur@voorbeeld.nl"),
            ("toestemming", "ja"),
            ("website", ""),
        ],
    )
    .await;
    let (_, _, with) = b.get("/beheer/vragen?email=ja&wacht=ja").await;
    assert_eq!(rows(&with), 1);
    assert!(with.contains(&asked.question.id));
    assert!(with.contains("id=\"f-email\" name=\"email\" value=\"ja\" checked"));
    let (_, _, waiting) = b.get("/beheer/vragen?wacht=ja&zoek=buurtgesprek").await;
    assert_eq!(rows(&waiting), 1);
    b.post(
        &format!("/beheer/vragen/{}", asked.question.id),
        &[("status", "doorverwezen"), ("antwoord", "")],
    )
    .await;
    let (_, _, waiting) = b.get("/beheer/vragen?wacht=ja&zoek=buurtgesprek").await;
    assert_eq!(rows(&waiting), 0, "no longer waiting once referred");
}

/// The messages page shows when a message came in as a Dutch local time, not raw UTC.
#[tokio::test]
async fn messages_show_dutch_local_times() {
    let app = spawn_app().await;
    let (s, _) = app
        .post_form(
            "/contact",
            &[
                ("soort", "suggestie"),
                ("bericht", "Graag meer over buurtavonden."),
                ("email", ""),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(s, 200);
    let stored = app.store().contact_messages().await.unwrap();
    let at = &stored[0].created_at;
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (s, _, page) = b.get("/beheer/berichten").await;
    assert_eq!(s, 200);
    assert!(!page.contains(at.as_str()), "{page}");
    let dutch = wijkwijzer::http::pages::view::moment(at);
    assert!(
        page.contains(&format!("<span class=\"ww-nowrap\">{dutch}</span>")),
        "{page}"
    );
}

/// The inbox lists the questions the engine answered `mogelijk` first (where a coordinator's
/// look changes most), then `geen`, then `passend`, and says the answer per question.
#[tokio::test]
async fn the_inbox_lists_mogelijk_first_with_the_answer_per_question() {
    use std::collections::HashMap;
    use wijkwijzer::domain::matching::Fit;

    let app = spawn_app().await;
    let catalog = app.state.catalog.clone();
    catalog.clone().match_pending(10_000).await.unwrap();
    ask_on_site(&app, "Hoe repareer ik de ketting van mijn racefiets?").await;
    ask_on_site(&app, "Er wordt gedeald in ons portiek. Wat kan ik doen?").await;
    let demand = catalog.store().demand().await.unwrap();
    let fit_of: HashMap<String, Option<Fit>> = demand
        .iter()
        .map(|q| (q.question.id.clone(), q.fit))
        .collect();
    for f in [Fit::Mogelijk, Fit::Geen, Fit::Passend] {
        assert!(demand.iter().any(|q| q.fit == Some(f)), "{f:?}");
    }
    let mut b = logged_in(&app, Role::Coordinator).await;
    // The inbox pages by 50: read every page, in order.
    let mut page = String::new();
    for n in 1..=demand.len().div_ceil(50) {
        let (_, _, one) = b.get(&format!("/beheer/vragen?pagina={n}")).await;
        page.push_str(&one);
    }
    let listed: Vec<&str> = page
        .split("<tr><td><a href=\"/beheer/vragen/")
        .skip(1)
        .map(|r| r.split('"').next().unwrap())
        .collect();
    assert_eq!(listed.len(), demand.len(), "every question listed once");
    let rank = |f: Option<Fit>| match f {
        Some(Fit::Mogelijk) => 0,
        Some(Fit::Geen) => 1,
        Some(Fit::Passend) => 2,
        None => 3,
    };
    let ranks: Vec<u8> = listed.iter().map(|id| rank(fit_of[*id])).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert_eq!(ranks[0], 0);
    for label in [
        "<td>mogelijk passend: kijk mee</td>",
        "<td>geen passend aanbod</td>",
        "<td>passend aanbod</td>",
    ] {
        assert!(page.contains(label), "{label}");
    }
}

/// Every match a coordinator confirms or removes is a judgement the engine learns from in the
/// background; the inbox says how many.
#[tokio::test]
async fn confirmed_and_removed_matches_are_learned_from() {
    let app = spawn_app().await;
    let catalog = app.state.catalog.clone();
    app.learn_now().await;
    let learned = || catalog.learned_summary().map_or(0, |s| s.oordelen);
    let before = learned();
    let q = ask_on_site(&app, "Hoe pakken we drugsoverlast in de wijk aan?").await;
    let matches = catalog.store().matches_of(&q.question.id).await.unwrap();
    assert!(matches.len() >= 2);
    let mut b = logged_in(&app, Role::Coordinator).await;
    for (m, actie) in matches.iter().zip(["bevestig", "verwijder"]) {
        let (s, _, _) = b
            .post(
                &format!("/beheer/vragen/{}/koppeling", q.question.id),
                &[("aanbod", &m.offering_id), ("actie", actie)],
            )
            .await;
        assert_eq!(s, 303);
    }
    // The background job picks the judgements up; no request waits for it.
    let mut now = before;
    for _ in 0..100 {
        now = learned();
        if now == before + 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(now, before + 2);
    let (_, _, page) = b.get("/beheer/vragen").await;
    assert!(
        page.contains(&format!(
            "De koppeling heeft geleerd van {} oordelen",
            before + 2
        )),
        "{page}"
    );
}

/// Sends a message with the contact form; gives its number.
async fn contact(app: &TestApp, bericht: &str, email: &str) -> i64 {
    let (s, _) = app
        .post_form(
            "/contact",
            &[
                ("soort", "vraag"),
                ("bericht", bericht),
                ("email", email),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(s, 200);
    let stored = app.store().contact_messages().await.unwrap();
    stored.iter().find(|m| m.bericht == bericht).unwrap().id
}

/// A coordinator answers a message by mail from the messages page: a form only where there is an
/// address, Dutch errors beside the box with the text kept, the mail through the outbox with the
/// coordination point's Reply-To, audited, and the message shown as answered (one answer).
#[tokio::test]
async fn a_message_is_answered_by_mail_from_the_messages_page() {
    let app = spawn_app().await;
    let with = contact(
        &app,
        "Is er een training over buurtbemiddeling?",
        "buur@voorbeeld.nl",
    )
    .await;
    let without = contact(&app, "Mooie site, dank jullie wel.", "").await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (s, _, page) = b.get("/beheer/berichten").await;
    assert_eq!(s, 200);
    assert!(
        page.contains(&format!("action=\"/beheer/berichten/{with}/antwoord\"")),
        "{page}"
    );
    assert!(!page.contains(&format!("action=\"/beheer/berichten/{without}/antwoord\"")));
    assert!(
        page.contains("Hoogstens 5.000 tekens."),
        "the limit beside the box"
    );
    let sent_before = app.mail.sent().len();

    // Too short: an error beside that box, what was typed kept, nothing sent.
    let path = format!("/beheer/berichten/{with}/antwoord");
    let (s, _, page) = b.post(&path, &[("antwoord", "Ja <b>!")]).await;
    assert_eq!(s, 422);
    assert!(
        page.contains(&format!("id=\"antwoord-{with}-fout\"")),
        "{page}"
    );
    assert!(page.contains("minstens 10 tekens"));
    assert!(page.contains("Ja &#60;b&#62;!</textarea>"), "{page}");
    assert!(page.contains("aria-invalid=\"true\""));
    // Too long.
    let long = "a".repeat(5_001);
    let (s, _, page) = b.post(&path, &[("antwoord", &long)]).await;
    assert_eq!(s, 422);
    assert!(page.contains("Het antwoord is te lang: 5.001 tekens, hoogstens 5.000 tekens."));
    assert!(page.contains(&format!("{long}</textarea>")));
    // No address: nothing to mail to.
    let (s, _, page) = b
        .post(
            &format!("/beheer/berichten/{without}/antwoord"),
            &[("antwoord", "Dank je wel voor je bericht!")],
        )
        .await;
    assert_eq!(s, 422);
    assert!(page.contains("geen e-mailadres"), "{page}");
    let (s, _, _) = b
        .post(
            "/beheer/berichten/99999/antwoord",
            &[("antwoord", "Een antwoord van genoeg tekens.")],
        )
        .await;
    assert_eq!(s, 404);
    assert_eq!(app.mail.sent().len(), sent_before, "nothing mailed yet");

    // Sent: committed and audited before the notice.
    let answer = "Ja, in maart is er een online training.\n\nKijk in de agenda.";
    let (s, loc, _) = b.post(&path, &[("antwoord", answer)]).await;
    assert_eq!(s, 303);
    assert_eq!(
        loc,
        format!("/beheer/berichten?melding=verstuurd#bericht-{with}")
    );
    let stored = app.store().contact_message(with).await.unwrap().unwrap();
    let reply = stored.reply.clone().expect("the answer is stored");
    assert_eq!(reply.text, answer);
    assert_eq!(reply.by, "coordinator@wijkwijzer.example");
    assert_eq!(
        stored.status,
        wijkwijzer::domain::status::MessageStatus::Afgehandeld
    );
    let mails = app.wait_for_mail(sent_before + 1).await;
    let m = mails.last().unwrap();
    assert_eq!(m.to, "buur@voorbeeld.nl");
    assert_eq!(
        m.subject,
        "Antwoord op je bericht aan WijkWijzer Leernetwerk"
    );
    assert!(
        m.invites_reply,
        "sent with the coordination point's Reply-To"
    );
    assert!(m.text.starts_with("Beste afzender,"), "{}", m.text);
    assert!(m
        .text
        .contains("“Is er een training over buurtbemiddeling?”"));
    assert!(m.text.contains(answer));
    let (s, _, page) = b.get("/beheer/berichten?melding=verstuurd").await;
    assert_eq!(s, 200);
    assert!(page.contains("Verstuurd."), "{page}");
    assert!(page.contains("<strong>Beantwoord</strong> door coordinator@wijkwijzer.example op"));
    assert!(page.contains(&wijkwijzer::http::pages::view::moment(&reply.at)));
    assert!(page.contains("Ja, in maart is er een online training."));
    assert!(
        !page.contains(&format!("action=\"/beheer/berichten/{with}/antwoord\"")),
        "no second form"
    );
    // A second send (a double click) mails nothing more.
    let (s, _, page) = b
        .post(&path, &[("antwoord", "Nog een antwoord, later.")])
        .await;
    assert_eq!(s, 409);
    assert!(page.contains("al beantwoord"));
    assert_eq!(app.mail.sent().len(), sent_before + 1);
    let (_, _, log) = b.get("/beheer/logboek").await;
    assert!(
        log.contains(&format!(
            "coordinator@wijkwijzer.example heeft het bericht {with} beantwoord en gemaild."
        )),
        "{log}"
    );
}

/// Answers mailed from the back office are rate limited per account; the text is kept.
#[tokio::test]
async fn answers_to_messages_are_rate_limited() {
    let app = TestApp::builder()
        .config(|c| c.form_rate = (1, std::time::Duration::from_secs(600)))
        .spawn()
        .await;
    // Stored directly: the contact form itself is limited by the same setting.
    let store = app.store();
    let first = store
        .insert_contact(
            "vraag",
            "Eerste vraag over buurtpreventie.",
            Some("een@voorbeeld.nl"),
            "een",
        )
        .await
        .unwrap();
    let second = store
        .insert_contact(
            "vraag",
            "Tweede vraag over jongerenwerk.",
            Some("twee@voorbeeld.nl"),
            "twee",
        )
        .await
        .unwrap();
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (s, _, _) = b
        .post(
            &format!("/beheer/berichten/{first}/antwoord"),
            &[("antwoord", "Een antwoord op de eerste.")],
        )
        .await;
    assert_eq!(s, 303);
    let (s, _, page) = b
        .post(
            &format!("/beheer/berichten/{second}/antwoord"),
            &[("antwoord", "Een antwoord op de tweede.")],
        )
        .await;
    assert_eq!(s, 429);
    assert!(page.contains("Wacht even"), "{page}");
    assert!(page.contains("Een antwoord op de tweede.</textarea>"));
    let stored = app.store().contact_message(second).await.unwrap().unwrap();
    assert!(stored.reply.is_none());
}
