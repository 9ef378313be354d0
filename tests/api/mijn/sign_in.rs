//! Signing in to Mijn WijkWijzer: the one-time link and its own session (never the back office),
//! the same answer for known and unknown addresses, rate limits, and the link's lifetime.

use super::*;

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
            .fetch_one(app.store().pool())
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
        .fetch_one(app.store().pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
    // A bad address gets a Dutch error, not a 500.
    let (s, page) = ask_link(&mut b, "geen-adres").await;
    assert_eq!(s, 422);
    assert!(page.contains("Dit e-mailadres klopt niet: ‘geen-adres’"));
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
    let sent = app.outbox_to("a@voorbeeld.nl").await.len();
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
