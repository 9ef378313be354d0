//! The account: own questions with the answer, bookmarks, the private feed, download and delete,
//! and the retention of unused accounts.

use super::*;

#[tokio::test]
async fn own_questions_with_the_answer_bookmarks_feed_download_and_delete() {
    let app = spawn_app().await;
    // A question asked with the address before the account existed.
    let q = {
        ask_on_site_with(
            &app,
            &[
                (
                    "vraag",
                    "Hoe herken ik criminele uitbuiting van jongeren in de wijk?",
                ),
                ("doelgroep", "wijkprofessionals"),
                ("email", "vrager@voorbeeld.nl"),
                ("toestemming", "ja"),
                ("website", ""),
            ],
        )
        .await;
        ask_on_site(&app, "Een vraag van iemand anders over buurtbemiddeling").await;
        app.store()
            .own_questions("vrager@voorbeeld.nl")
            .await
            .unwrap()
            .remove(0)
    };
    app.store()
        .update_question(
            &q.id,
            wijkwijzer::domain::status::QuestionStatus::Beantwoord,
            Some("Kijk eens naar de training Signalen herkennen."),
            None,
            "coordinator@x",
        )
        .await
        .unwrap();
    let mut b = signed_in(&app, "vrager@voorbeeld.nl").await;
    let (_, _, page) = b.get("/mijn").await;
    assert!(
        page.contains("Hoe herken ik criminele uitbuiting"),
        "{page}"
    );
    assert!(page.contains("Kijk eens naar de training Signalen herkennen."));
    assert!(page.contains("Beantwoord"));
    assert!(!page.contains("buurtbemiddeling"), "nothing of anyone else");
    // The answer counts as news in the next direct digest.
    assert_eq!(run_digests(&app, day()).await.mailed, 1);
    // Bookmarks with .ics and CSV.
    let offering = app.state.catalog.snapshot().offerings[0].offering.clone();
    let (s, _, page) = b
        .get(&format!("/mijn/bewaren?aanbod={}", offering.id))
        .await;
    assert_eq!(s, 200);
    assert!(page.contains(&offering.titel));
    let csrf = b.csrf.clone();
    let (s, loc, _) = b
        .post(
            "/mijn/bewaren",
            &[("csrf", &csrf), ("aanbod", &offering.id)],
        )
        .await;
    assert_eq!((s, loc.as_str()), (303, "/mijn?melding=bewaard"));
    let (s, _, csv) = b.get("/mijn/bewaard.csv").await;
    assert_eq!(s, 200);
    assert!(csv.starts_with("id,titel"));
    assert!(csv.contains(&offering.id));
    let (s, _, ics) = b.get("/mijn/bewaard.ics").await;
    assert_eq!(s, 200);
    assert!(ics.starts_with("BEGIN:VCALENDAR"));
    // A form without the session's token is refused.
    let (s, _, _) = b
        .post(
            "/mijn/bewaren",
            &[("csrf", "fout"), ("aanbod", &offering.id)],
        )
        .await;
    assert_eq!(s, 403);
    // The private feed: made, readable without a session, revocable.
    let p = participant_id(&app, "vrager@voorbeeld.nl").await;
    app.store()
        .follow(p, FollowKind::Thema, &offering.themas[0], Frequency::Direct)
        .await
        .unwrap();
    b.get("/mijn").await;
    let csrf = b.csrf.clone();
    let (s, _, page) = b.post("/mijn/feed", &[("csrf", &csrf)]).await;
    assert_eq!(s, 200);
    let feed = page
        .split("/mijn/feed/")
        .nth(1)
        .and_then(|r| r.split(".atom").next())
        .map(|t| format!("/mijn/feed/{t}.atom"))
        .unwrap();
    let res = reqwest::get(app.url(&feed)).await.unwrap();
    assert_eq!(res.status(), 200);
    let xml = res.text().await.unwrap();
    roxmltree::Document::parse(&xml).unwrap();
    assert!(xml.contains(&wijkwijzer::domain::text::xml_escape(&offering.titel)));
    assert!(xml.contains("<title>Wat ik volg · WijkWijzer Leernetwerk</title>"));
    // The feed's address is its secret: the feed does not repeat it.
    let token = feed
        .trim_start_matches("/mijn/feed/")
        .trim_end_matches(".atom");
    assert!(!xml.contains(token), "{xml}");
    assert!(!xml.contains("rel=\"self\""), "{xml}");
    let csrf = b.csrf.clone();
    b.post("/mijn/feed/intrekken", &[("csrf", &csrf)]).await;
    assert_eq!(reqwest::get(app.url(&feed)).await.unwrap().status(), 404);
    // Download my data.
    let (s, _, json) = b.get("/mijn/gegevens.json").await;
    assert_eq!(s, 200);
    let data: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(data["account"]["email"], "vrager@voorbeeld.nl");
    assert_eq!(data["leervragen"].as_array().unwrap().len(), 1);
    assert_eq!(data["bewaard"].as_array().unwrap().len(), 1);
    assert_eq!(data["volgt"].as_array().unwrap().len(), 1);
    // A queued mail to the address, then delete: not without the tick box, then everything.
    let csrf = b.csrf.clone();
    let (s, _, page) = b.post("/mijn/verwijderen", &[("csrf", &csrf)]).await;
    assert_eq!(s, 200);
    assert!(page.contains("niet verwijderd"));
    let csrf = b.csrf.clone();
    let (s, _, page) = b
        .post("/mijn/verwijderen", &[("csrf", &csrf), ("zeker", "ja")])
        .await;
    assert_eq!(s, 200);
    assert!(page.contains("Je account is verwijderd"));
    let store = app.store();
    for (table, column) in [
        ("participants", "id"),
        ("follows", "participant_id"),
        ("bookmarks", "participant_id"),
        ("digests", "participant_id"),
    ] {
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"))
                .bind(p)
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    assert!(store
        .own_questions("vrager@voorbeeld.nl")
        .await
        .unwrap()
        .is_empty());
    let waiting = app
        .outbox_to("vrager@voorbeeld.nl")
        .await
        .iter()
        .filter(|m| m.status == wijkwijzer::domain::status::MailStatus::Wachtend)
        .count();
    assert_eq!(waiting, 0);
    let audit: String = sqlx::query_scalar(
        "SELECT actor || action || entity || entity_id || COALESCE(after, '') FROM audit_log WHERE action = 'account verwijderd'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(!audit.contains("vrager"), "{audit}");
    let (_, _, page) = b.get("/mijn").await;
    assert!(page.contains("Stuur mij een link"), "signed out");
}

#[tokio::test]
async fn unused_accounts_are_warned_then_deleted() {
    let app = spawn_app().await;
    signed_in(&app, "oud@voorbeeld.nl").await;
    let store = app.store();
    let base = app.state.base_url.to_string();
    let now = chrono::Utc::now();
    wijkwijzer::digest::retain_participants(store, &base, 24, now).await;
    assert!(store
        .participant(participant_id(&app, "oud@voorbeeld.nl").await)
        .await
        .unwrap()
        .is_some());
    let later = now + chrono::Months::new(25);
    wijkwijzer::digest::retain_participants(store, &base, 24, later).await;
    let warning = last_mail_to(&app, "oud@voorbeeld.nl").await.unwrap();
    assert!(
        warning.mail.subject.contains("verwijderd"),
        "{}",
        warning.mail.subject
    );
    let id = participant_id(&app, "oud@voorbeeld.nl").await;
    let much_later = now + chrono::Months::new(27);
    wijkwijzer::digest::retain_participants(store, &base, 24, much_later).await;
    assert!(store.participant(id).await.unwrap().is_none());
}

/// The mails delivered to `to` with `subject`, waiting up to five seconds for `at_least`.
async fn delivered(
    app: &TestApp,
    to: &str,
    subject: &str,
    at_least: usize,
) -> Vec<wijkwijzer::store::OutgoingMail> {
    for _ in 0..100 {
        let mails: Vec<_> = app
            .mail
            .sent()
            .into_iter()
            .filter(|m| m.to == to && m.subject == subject)
            .collect();
        if mails.len() >= at_least {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Vec::new()
}

/// The retention of accounts at fixed moments, run by the housekeeping: unused for 24 months
/// gives one warning mail (with the sign-in address, about nobody else), a month after it the
/// account is deleted when still unused, and kept when its owner signed in in between.
#[tokio::test]
async fn the_housekeeping_warns_unused_accounts_and_deletes_them_a_month_later() {
    const WARNING: &str = "Je account op Mijn WijkWijzer wordt verwijderd";
    let (app, clock) = spawn_at("2024-01-15T10:00:00Z").await;
    let housekeeping = wijkwijzer::app::Housekeeping::new(&app.state, 24);
    signed_in(&app, "oud@voorbeeld.nl").await;
    signed_in(&app, "blijft@voorbeeld.nl").await;
    clock.set(moment("2025-01-15T10:00:00Z"));
    signed_in(&app, "nieuw@voorbeeld.nl").await;
    // A day short of 24 months nobody is warned.
    clock.set(moment("2026-01-14T10:00:00Z"));
    housekeeping.run_once().await;
    // 24 months and a day unused: warned, once.
    clock.set(moment("2026-01-16T10:00:00Z"));
    housekeeping.run_once().await;
    housekeeping.run_once().await;
    let base = app.state.base_url.to_string();
    for to in ["oud@voorbeeld.nl", "blijft@voorbeeld.nl"] {
        let mails = delivered(&app, to, WARNING, 1).await;
        assert_eq!(mails.len(), 1, "one warning to {to}");
        let text = &mails[0].text;
        assert!(text.contains(&format!("{base}/mijn")), "{text}");
        assert!(text.contains("24 maanden"), "{text}");
        assert!(!text.contains("@voorbeeld.nl"), "nobody's address: {text}");
        assert!(!mails[0].html.contains("@voorbeeld.nl"));
    }
    let early = app.mail.sent();
    assert!(
        early
            .iter()
            .filter(|m| m.subject == WARNING)
            .all(|m| m.to != "nieuw@voorbeeld.nl"),
        "an account used a year ago is not warned"
    );
    assert_eq!(
        early.iter().filter(|m| m.subject == WARNING).count(),
        2,
        "nothing warned on the day before"
    );
    // The owner of one account signs in after the warning.
    clock.set(moment("2026-01-25T10:00:00Z"));
    signed_in(&app, "blijft@voorbeeld.nl").await;
    // Less than a month after the warning nothing is deleted.
    clock.set(moment("2026-02-15T10:00:00Z"));
    housekeeping.run_once().await;
    assert_eq!(accounts_of(&app, "oud@voorbeeld.nl").await, 1);
    // A month after it the unused account is gone; the used one and the young one stay.
    clock.set(moment("2026-02-17T10:00:00Z"));
    housekeeping.run_once().await;
    assert_eq!(accounts_of(&app, "oud@voorbeeld.nl").await, 0);
    assert_eq!(accounts_of(&app, "blijft@voorbeeld.nl").await, 1);
    assert_eq!(accounts_of(&app, "nieuw@voorbeeld.nl").await, 1);
    assert_eq!(
        app.mail
            .sent()
            .iter()
            .filter(|m| m.subject == WARNING)
            .count(),
        2,
        "no second warning"
    );
}
