//! Following: double opt-in without an account, digests mailed exactly once (also by two
//! instances and after a stop half-way), weekly digests on Monday, and the follow pages.

use super::*;

#[tokio::test]
async fn follow_without_account_is_double_opt_in_and_the_digest_is_mailed_once() {
    let app = spawn_app().await;
    let (theme, offering) = new_offering_on_theme(&app, "nieuw-volgen-1").await;
    let mut b = Browser::new(&app);
    let (s, _, page) = b.get(&format!("/mijn/volgen?thema={theme}")).await;
    assert_eq!(s, 200);
    let (s, _, page) = b
        .submit(
            &page,
            "/mijn/volgen",
            &[
                ("soort", "thema"),
                ("waarde", &theme),
                ("frequentie", "direct"),
                ("email", "volger@voorbeeld.nl"),
                ("toestemming", "ja"),
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
    app.store()
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

/// Three followers of one theme and one new offering on it.
async fn three_followers(app: &TestApp) -> Vec<i64> {
    let store = app.store();
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
                    invites_reply: false,
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
    assert_eq!(a.store().digest_count(&period).await.unwrap(), 3);
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
    let store = app.store();
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
                    invites_reply: false,
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
