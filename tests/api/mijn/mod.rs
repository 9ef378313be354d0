//! Mijn WijkWijzer: sign-in by one-time link, the separate participant session, rate limits, the
//! unknown-address behaviour, following with double opt-in, exactly-once digests (also with two
//! instances on one database, and resumed after a stop half-way), one-click unsubscribe, own
//! questions, bookmarks, the private feed and deleting an account; one file per part, the shared
//! steps (asking for and confirming a link, publishing, running the digests) here.

mod account;
mod follows;
mod peers;
mod sign_in;

use std::time::Duration;

use wijkwijzer::domain::follow::{FollowKind, Frequency};
use wijkwijzer::store::DigestMail;

use crate::helpers::{
    ask_on_site, ask_on_site_with, logged_in, moment, spawn_app, spawn_at, spawn_beside, token_in,
    Browser, TestApp,
};

/// The newest mail in the outbox to `to`.
pub(crate) async fn last_mail_to(app: &TestApp, to: &str) -> Option<wijkwijzer::store::OutboxRow> {
    app.outbox_to(to).await.into_iter().next()
}

/// The sign-in link path (`/mijn/inloggen/<token>`) in a mail text.
fn link_in(text: &str) -> String {
    let at = text.find("/mijn/inloggen/").expect("link in mail");
    text[at..at + "/mijn/inloggen/".len() + 64].to_string()
}

/// Asks for a sign-in link for `email` on `/mijn`: `(status, body)`.
async fn ask_link(b: &mut Browser, email: &str) -> (u16, String) {
    let (_, _, page) = b.get("/mijn").await;
    let (s, _, body) = b.submit(&page, "/mijn/inloggen", &[("email", email)]).await;
    (s, body)
}

/// Confirms the link of the last mail to `email`; returns the redirect target.
async fn confirm(app: &TestApp, b: &mut Browser, email: &str) -> String {
    let mail = last_mail_to(app, email).await.expect("a link mail");
    let link = link_in(&mail.mail.text);
    let (s, _, page) = b.get(&link).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("Bevestigen en inloggen"));
    let (s, loc, body) = b.submit(&page, &link, &[]).await;
    assert_eq!(s, 303, "{body}");
    loc
}

/// A browser signed in to Mijn WijkWijzer as `email`.
pub(crate) async fn signed_in(app: &TestApp, email: &str) -> Browser {
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
    app.store()
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
    app.outbox_to(to)
        .await
        .into_iter()
        .filter(|m| m.list_unsubscribe.is_some())
        .collect()
}

async fn participant_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM participants WHERE email = $1")
        .bind(email)
        .fetch_one(app.store().pool())
        .await
        .unwrap()
}

/// How many accounts `email` has (0 or 1).
async fn accounts_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM participants WHERE email = $1")
        .bind(email)
        .fetch_one(app.store().pool())
        .await
        .unwrap()
}
