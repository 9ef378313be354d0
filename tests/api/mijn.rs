//! Mijn WijkWijzer: sign-in by one-time link, the separate participant session, rate limits, the
//! unknown-address behaviour, following with double opt-in, exactly-once digests (also with two
//! instances on one database, and resumed after a stop half-way), one-click unsubscribe, own
//! questions, bookmarks, the private feed and deleting an account.

use std::time::Duration;

use wijkwijzer::domain::follow::{FollowKind, Frequency};
use wijkwijzer::store::DigestMail;

use crate::helpers::{
    ask_on_site, ask_on_site_with, logged_in, moment, spawn_app, spawn_at, spawn_beside, token_in,
    Browser, TestApp,
};

/// The newest mail in the outbox to `to`.
async fn last_mail_to(app: &TestApp, to: &str) -> Option<wijkwijzer::store::OutboxRow> {
    app.state
        .catalog
        .store()
        .outbox(200)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.mail.to == to)
}

/// The sign-in link path (`/mijn/inloggen/<token>`) in a mail text.
fn link_in(text: &str) -> String {
    let at = text.find("/mijn/inloggen/").expect("link in mail");
    text[at..at + "/mijn/inloggen/".len() + 64].to_string()
}

/// Asks for a sign-in link for `email` on `/mijn`: `(status, body)`.
async fn ask_link(b: &mut Browser, email: &str) -> (u16, String) {
    let (_, _, page) = b.get("/mijn").await;
    let token = token_in(&page);
    let (s, _, body) = b
        .post(
            "/mijn/inloggen",
            &[("token", &token), ("email", email), ("website", "")],
        )
        .await;
    (s, body)
}

/// Confirms the link of the last mail to `email`; returns the redirect target.
async fn confirm(app: &TestApp, b: &mut Browser, email: &str) -> String {
    let mail = last_mail_to(app, email).await.expect("a link mail");
    let link = link_in(&mail.mail.text);
    let (s, _, page) = b.get(&link).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("Bevestigen en inloggen"));
    let token = token_in(&page);
    let (s, loc, body) = b.post(&link, &[("token", &token), ("website", "")]).await;
    assert_eq!(s, 303, "{body}");
    loc
}

/// A browser signed in to Mijn WijkWijzer as `email`.
async fn signed_in(app: &TestApp, email: &str) -> Browser {
    let mut b = Browser::new(app);
    let (s, _) = ask_link(&mut b, email).await;
    assert_eq!(s, 200);
    confirm(app, &mut b, email).await;
    let (s, _, page) = b.get("/mijn").await;
    assert_eq!(s, 200);
    assert!(page.contains(email), "{page}");
    b
}

/// The first theme of the first offering, and a copy of that offering with a new id.
async fn new_offering_on_theme(
    app: &TestApp,
    id: &str,
) -> (String, wijkwijzer::domain::offering::Offering) {
    let snapshot = app.state.catalog.snapshot();
    let mut o = snapshot.offerings[0].offering.clone();
    o.id = id.to_string();
    o.titel = format!("Nieuwe training {id}");
    (o.themas[0].clone(), o)
}

async fn publish(app: &TestApp, o: &wijkwijzer::domain::offering::Offering) {
    app.state
        .catalog
        .store()
        .upsert_offerings(std::slice::from_ref(o))
        .await
        .unwrap();
    app.state.catalog.reload_all().await.unwrap();
}

fn day() -> chrono::NaiveDate {
    wijkwijzer::domain::clock::Clock::system().today()
}

async fn run_digests(app: &TestApp, day: chrono::NaiveDate) -> wijkwijzer::digest::DigestReport {
    wijkwijzer::digest::run_once(
        &app.state.catalog,
        &app.state.base_url,
        &app.state.mijn.secret,
        day,
    )
    .await
    .unwrap()
}

async fn alert_mails(app: &TestApp, to: &str) -> Vec<wijkwijzer::store::OutboxRow> {
    app.state
        .catalog
        .store()
        .outbox(500)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.mail.to == to && m.list_unsubscribe.is_some())
        .collect()
}

#[tokio::test]
async fn sign_in_by_one_time_link_in_a_session_that_never_reaches_beheer() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let (s, page) = ask_link(&mut b, "Lid@Voorbeeld.nl").await;
    assert_eq!(s, 200);
    assert!(page.contains("Kijk in je mail"));
    let loc = confirm(&app, &mut b, "lid@voorbeeld.nl").await;
    assert_eq!(loc, "/mijn?melding=ingelogd");
    assert!(b.cookies.contains_key("wijkwijzer-mijn"), "{:?}", b.cookies);
    assert!(
        !b.cookies.contains_key("wijkwijzer"),
        "no back-office session"
    );
    let (s, _, page) = b.get("/mijn").await;
    assert_eq!(s, 200);
    assert!(page.contains("lid@voorbeeld.nl"));
    assert!(page.contains("Wat je volgt"));
    // The link works once.
    let link = link_in(
        &last_mail_to(&app, "lid@voorbeeld.nl")
            .await
            .unwrap()
            .mail
            .text,
    );
    let (s, _, _) = b.get(&link).await;
    assert_eq!(s, 410);
    let (s, _, _) = b.post(&link, &[("token", "x")]).await;
    assert!(s == 410 || s == 403, "{s}");
    // Only a hash of the token is stored.
    let token = link.rsplit('/').next().unwrap();
    let raw: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM participant_links WHERE token_hash = $1")
            .bind(token)
            .fetch_one(app.state.catalog.store().pool())
            .await
            .unwrap();
    assert_eq!(raw, 0);
    // A participant never reaches the back office.
    let (s, loc, _) = b.get("/beheer").await;
    assert_eq!(s, 303);
    assert!(loc.starts_with("/beheer/inloggen"), "{loc}");
    // Sign-out ends the session.
    let csrf = b.csrf.clone();
    let (s, loc, _) = b.post("/mijn/uitloggen", &[("csrf", &csrf)]).await;
    assert_eq!((s, loc.as_str()), (303, "/mijn?melding=uitgelogd"));
    let (_, _, page) = b.get("/mijn").await;
    assert!(page.contains("Stuur mij een link"));
}

#[tokio::test]
async fn a_back_office_session_is_no_participant_session() {
    let app = spawn_app().await;
    let mut staff = logged_in(&app, wijkwijzer::security::Role::Coordinator).await;
    let (s, _, page) = staff.get("/mijn").await;
    assert_eq!(s, 200);
    assert!(page.contains("Stuur mij een link"), "not signed in to Mijn");
}

#[tokio::test]
async fn the_page_never_tells_whether_an_address_has_an_account() {
    let app = spawn_app().await;
    signed_in(&app, "bekend@voorbeeld.nl").await;
    let mut b = Browser::new(&app);
    let (s1, known) = ask_link(&mut b, "bekend@voorbeeld.nl").await;
    let (s2, unknown) = ask_link(&mut b, "onbekend@voorbeeld.nl").await;
    assert_eq!((s1, s2), (200, 200));
    let main = |p: &str| p.split("<main").nth(1).unwrap_or("").to_string();
    assert_eq!(main(&known), main(&unknown));
    // Both get a link; nothing else about the unknown address is stored before confirming.
    assert!(last_mail_to(&app, "onbekend@voorbeeld.nl").await.is_some());
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM participants WHERE email = $1")
        .bind("onbekend@voorbeeld.nl")
        .fetch_one(app.state.catalog.store().pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
    // A bad address gets a Dutch error, not a 500.
    let (s, page) = ask_link(&mut b, "geen-adres").await;
    assert_eq!(s, 422);
    assert!(page.contains("Vul een geldig e-mailadres in"));
}

#[tokio::test]
async fn sign_in_links_are_rate_limited_per_address_and_per_ip() {
    let app = TestApp::builder()
        .config(|c| c.mijn_rate = (2, Duration::from_secs(600)))
        .spawn()
        .await;
    let mut b = Browser::new(&app);
    assert_eq!(ask_link(&mut b, "a@voorbeeld.nl").await.0, 200);
    assert_eq!(ask_link(&mut b, "A@voorbeeld.nl").await.0, 200);
    let (s, page) = ask_link(&mut b, "a@voorbeeld.nl").await;
    assert_eq!(s, 429, "per address");
    assert!(page.contains("Wacht een paar minuten"));
    let sent = app
        .state
        .catalog
        .store()
        .outbox(50)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.mail.to == "a@voorbeeld.nl")
        .count();
    assert_eq!(sent, 2);
    // Per IP: four times the per-address limit, whatever the addresses.
    for i in 0..6 {
        assert_eq!(
            ask_link(&mut b, &format!("x{i}@voorbeeld.nl")).await.0,
            200,
            "{i}"
        );
    }
    assert_eq!(ask_link(&mut b, "y@voorbeeld.nl").await.0, 429, "per IP");
}

#[tokio::test]
async fn follow_without_account_is_double_opt_in_and_the_digest_is_mailed_once() {
    let app = spawn_app().await;
    let (theme, offering) = new_offering_on_theme(&app, "nieuw-volgen-1").await;
    let mut b = Browser::new(&app);
    let (s, _, page) = b.get(&format!("/mijn/volgen?thema={theme}")).await;
    assert_eq!(s, 200);
    let token = token_in(&page);
    let (s, _, page) = b
        .post(
            "/mijn/volgen",
            &[
                ("token", &token),
                ("soort", "thema"),
                ("waarde", &theme),
                ("frequentie", "direct"),
                ("email", "volger@voorbeeld.nl"),
                ("toestemming", "ja"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(s, 200, "{page}");
    // Before confirming: no follow, no alert.
    publish(&app, &offering).await;
    assert_eq!(run_digests(&app, day()).await.mailed, 0);
    let loc = confirm(&app, &mut b, "volger@voorbeeld.nl").await;
    assert_eq!(loc, "/mijn?melding=gevolgd");
    let (_, _, page) = b.get("/mijn").await;
    assert!(page.contains("Thema:"), "{page}");
    // Only what changed after following counts.
    assert_eq!(run_digests(&app, day()).await.mailed, 0);
    let (_, mut second) = new_offering_on_theme(&app, "nieuw-volgen-2").await;
    second.themas = vec![theme.clone()];
    publish(&app, &second).await;
    let r = run_digests(&app, day()).await;
    assert_eq!(r.mailed, 1, "{r:?}");
    assert_eq!(run_digests(&app, day()).await.mailed, 0, "once per period");
    let mails = alert_mails(&app, "volger@voorbeeld.nl").await;
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert!(
        m.mail.text.contains("Nieuwe training nieuw-volgen-2"),
        "{}",
        m.mail.text
    );
    assert!(!m.mail.text.contains("nieuw-volgen-1"));
    assert!(m.mail.html.contains("afmelden"));
    let unsubscribe = m.list_unsubscribe.clone().unwrap();
    assert!(m.mail.text.contains(&unsubscribe));
    // Later news waits for the next day (at most one direct mail a day).
    let (_, third) = new_offering_on_theme(&app, "nieuw-volgen-3").await;
    publish(&app, &third).await;
    assert_eq!(run_digests(&app, day()).await.mailed, 0);
    let tomorrow = day().succ_opt().unwrap();
    assert_eq!(run_digests(&app, tomorrow).await.mailed, 1);
    // One click (RFC 8058 POST, no session, no form token) stops all alert mail.
    let path = unsubscribe.split_once("//").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    let anonymous = reqwest::Client::new();
    let res = anonymous.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Afmelden voor alle mail"));
    // The last hex digit changed (never to itself).
    let last = if path.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &path[..path.len() - 1]);
    let res = anonymous
        .post(app.url(&forged))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = anonymous
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (_, fourth) = new_offering_on_theme(&app, "nieuw-volgen-4").await;
    publish(&app, &fourth).await;
    let later = tomorrow.succ_opt().unwrap();
    assert_eq!(run_digests(&app, later).await.mailed, 0);
}

#[tokio::test]
async fn weekly_digests_go_out_on_monday_only() {
    let app = spawn_app().await;
    let b = signed_in(&app, "week@voorbeeld.nl").await;
    drop(b);
    let p = participant_id(&app, "week@voorbeeld.nl").await;
    let (theme, o) = new_offering_on_theme(&app, "week-1").await;
    app.state
        .catalog
        .store()
        .follow(p, FollowKind::Thema, &theme, Frequency::Wekelijks)
        .await
        .unwrap();
    publish(&app, &o).await;
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let tuesday = monday.succ_opt().unwrap();
    assert_eq!(run_digests(&app, tuesday).await.mailed, 0);
    assert_eq!(run_digests(&app, monday).await.mailed, 1);
    let mails = alert_mails(&app, "week@voorbeeld.nl").await;
    assert!(mails[0].mail.subject.contains("weekoverzicht"));
}

async fn participant_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM participants WHERE email = $1")
        .bind(email)
        .fetch_one(app.state.catalog.store().pool())
        .await
        .unwrap()
}

/// Three followers of one theme and one new offering on it.
async fn three_followers(app: &TestApp) -> Vec<i64> {
    let store = app.state.catalog.store();
    let (theme, o) = new_offering_on_theme(app, "voor-drie").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let email = format!("p{i}@voorbeeld.nl");
        store
            .sign_in_link(&email, None, chrono::Utc::now(), |_| {
                wijkwijzer::store::OutgoingMail {
                    to: email.clone(),
                    subject: "x".into(),
                    text: "x".into(),
                    html: "x".into(),
                }
            })
            .await
            .unwrap();
    }
    // Confirm each address through its stored link (the token is not in the test's mail).
    for i in 0..3 {
        let email = format!("p{i}@voorbeeld.nl");
        let (token, hash) = wijkwijzer::store::new_link_token().unwrap();
        sqlx::query("UPDATE participant_links SET token_hash = $1 WHERE email = $2")
            .bind(&hash)
            .bind(&email)
            .execute(store.pool())
            .await
            .unwrap();
        let signed = store
            .use_sign_in_link(&token, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        store
            .follow(
                signed.participant.id,
                FollowKind::Thema,
                &theme,
                Frequency::Direct,
            )
            .await
            .unwrap();
        ids.push(signed.participant.id);
    }
    publish(app, &o).await;
    ids
}

#[tokio::test]
async fn two_instances_mail_each_digest_exactly_once() {
    let a = spawn_app().await;
    let b = spawn_beside(&a).await;
    three_followers(&a).await;
    b.state.catalog.reload_all().await.unwrap();
    let today = day();
    let (ra, rb) = tokio::join!(run_digests(&a, today), run_digests(&b, today));
    assert_eq!(ra.mailed + rb.mailed, 3, "{ra:?} {rb:?}");
    let (ra, rb) = tokio::join!(run_digests(&a, today), run_digests(&b, today));
    assert_eq!(ra.mailed + rb.mailed, 0);
    let period = Frequency::Direct.period(today).unwrap();
    assert_eq!(
        a.state.catalog.store().digest_count(&period).await.unwrap(),
        3
    );
    for i in 0..3 {
        assert_eq!(
            alert_mails(&a, &format!("p{i}@voorbeeld.nl")).await.len(),
            1
        );
    }
}

#[tokio::test]
async fn a_run_stopped_half_way_is_resumed_not_repeated() {
    let app = spawn_app().await;
    let ids = three_followers(&app).await;
    let store = app.state.catalog.store();
    let today = day();
    let period = Frequency::Direct.period(today).unwrap();
    // A run that committed the first person's digest and then stopped.
    let last = store.last_follow_event().await.unwrap();
    let done = store
        .mail_digests(
            &period,
            Frequency::Direct,
            &[DigestMail {
                participant_id: ids[0],
                upto_event: last,
                items: 1,
                mail: wijkwijzer::store::OutgoingMail {
                    to: "p0@voorbeeld.nl".into(),
                    subject: "Nieuw op WijkWijzer".into(),
                    text: "x".into(),
                    html: "x".into(),
                },
                unsubscribe: "https://x.example/mijn/afmelden/1/x".into(),
            }],
        )
        .await
        .unwrap();
    assert_eq!(done, 1);
    let r = run_digests(&app, today).await;
    assert_eq!(r.mailed, 2, "{r:?}");
    assert_eq!(alert_mails(&app, "p0@voorbeeld.nl").await.len(), 1);
    assert_eq!(alert_mails(&app, "p1@voorbeeld.nl").await.len(), 1);
    assert_eq!(store.digest_count(&period).await.unwrap(), 3);
}

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
        app.state
            .catalog
            .store()
            .own_questions("vrager@voorbeeld.nl")
            .await
            .unwrap()
            .remove(0)
    };
    app.state
        .catalog
        .store()
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
    app.state
        .catalog
        .store()
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
    let store = app.state.catalog.store();
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
    let waiting = store
        .outbox(200)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| {
            m.mail.to == "vrager@voorbeeld.nl"
                && m.status == wijkwijzer::domain::status::MailStatus::Wachtend
        })
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
    let store = app.state.catalog.store();
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

/// How many accounts `email` has (0 or 1).
async fn accounts_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM participants WHERE email = $1")
        .bind(email)
        .fetch_one(app.state.catalog.store().pool())
        .await
        .unwrap()
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

/// A sign-in link works for 15 minutes from the moment it was asked for, by the clock.
#[tokio::test]
async fn a_sign_in_link_expires_after_fifteen_minutes() {
    let (app, clock) = spawn_at("2026-03-29T00:50:00Z").await;
    let mut b = Browser::new(&app);
    let (s, _) = ask_link(&mut b, "kort@voorbeeld.nl").await;
    assert_eq!(s, 200);
    let mail = last_mail_to(&app, "kort@voorbeeld.nl").await.unwrap();
    let link = link_in(&mail.mail.text);
    // Across the switch to summer time: 14 minutes 59 later it still works.
    clock.set(moment("2026-03-29T01:04:59Z"));
    let (s, _, page) = b.get(&link).await;
    assert_eq!(s, 200, "{page}");
    let token = token_in(&page);
    clock.set(moment("2026-03-29T01:05:00Z"));
    let (s, _, page) = b.get(&link).await;
    assert_eq!(s, 410, "{page}");
    assert!(page.contains("Deze link werkt niet meer"), "{page}");
    let (s, _, page) = b.post(&link, &[("token", &token), ("website", "")]).await;
    assert_eq!(s, 410, "{page}");
    assert_eq!(accounts_of(&app, "kort@voorbeeld.nl").await, 0);
}

#[tokio::test]
async fn follow_pages_and_buttons() {
    let app = spawn_app().await;
    let snapshot = app.state.catalog.snapshot();
    let theme = snapshot.taxonomy.themas[0].slug.clone();
    let page = app
        .get(&format!("/themas/{theme}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("action=\"/mijn/volgen\""), "a Volgen button");
    let page = app.get("/aanbod?q=wijk").await.text().await.unwrap();
    assert!(
        page.contains("name=\"zoek\" value=\"q=wijk\""),
        "{}",
        &page[..200]
    );
    let res = app.get("/mijn/volgen?zoek=q%3Dwijk").await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("‘wijk’"));
    let res = app.get("/mijn/volgen?thema=bestaat-niet").await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Dit kun je niet volgen"));
    let res = app.get("/mijn/inloggen/abc").await;
    assert_eq!(res.status(), 410);
}
