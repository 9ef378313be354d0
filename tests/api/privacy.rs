//! Personal data: erased after the retention period (closed items only), exported and erased per
//! person, and the period the pages state.

use wijkwijzer::domain::status::{RejectionReason, SubmissionStatus};
use wijkwijzer::security::Role;
use wijkwijzer::store::Rejected;

use crate::helpers::*;

fn reason(text: &str) -> RejectionReason {
    RejectionReason::parse(text).unwrap()
}

#[tokio::test]
async fn retention_erases_personal_data_of_closed_items_only() {
    let app = spawn_app().await;
    let store = app.store();
    submit_offering(&app, "Oude aanmelding").await;
    submit_offering(&app, "Verse aanmelding").await;
    let subs = store
        .submissions(SubmissionStatus::Ingediend)
        .await
        .unwrap();
    store
        .reject_submission(
            subs[0].id,
            Rejected::new(&reason("te oud, al jaren"), None, "test"),
        )
        .await
        .unwrap();
    store
        .reject_submission(
            subs[1].id,
            Rejected::new(&reason("nog vers genoeg"), None, "test"),
        )
        .await
        .unwrap();
    sqlx::query("UPDATE learning_questions SET email = 'oud@x.example', status = 'beantwoord', closed_at = '2024-01-01T00:00:00.000Z' WHERE id = 'lv-demo-001'")
        .execute(store.pool()).await.unwrap();
    sqlx::query("UPDATE learning_questions SET email = 'open@x.example' WHERE id = 'lv-demo-002'")
        .execute(store.pool())
        .await
        .unwrap();
    // The answer mailed to the old asker, and to the open one: in the outbox and the audit log.
    for to in ["Oud@x.example", "open@x.example"] {
        sqlx::query(
            "INSERT INTO outbox (recipient, subject, body_text, body_html, status, next_attempt_at, created_at) \
             VALUES ($1, 'Antwoord', 'Beste vraagsteller', '<p>Beste vraagsteller</p>', 'verzonden', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')",
        )
        .bind(to)
        .execute(store.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) \
             VALUES ('2024-01-01T00:00:00.000Z', 'test', 'beantwoord en gemaild', 'leervraag', 'lv-demo-001', NULL, $1)",
        )
        .bind(serde_json::json!({"status": "beantwoord", "mail_naar": to}).to_string())
        .execute(store.pool())
        .await
        .unwrap();
    }
    sqlx::query(
        "UPDATE offering_submissions SET closed_at = '2024-01-01T00:00:00.000Z' WHERE id = $1",
    )
    .bind(subs[0].id)
    .execute(store.pool())
    .await
    .unwrap();
    let n = wijkwijzer::app::erase_expired(store, 12, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(n, 3, "two records and the old asker's mail");
    let outbox: Vec<(String, String)> = sqlx::query_as(
        "SELECT recipient, body_text FROM outbox WHERE subject = 'Antwoord' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        outbox,
        vec![
            ("(gewist)".to_string(), "(gewist)".to_string()),
            (
                "open@x.example".to_string(),
                "Beste vraagsteller".to_string()
            )
        ]
    );
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT after FROM audit_log WHERE action = 'beantwoord en gemaild' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(audit[0].contains("(gewist)") && !audit[0].to_lowercase().contains("oud@"));
    assert!(audit[1].contains("open@x.example"));
    let old = store.inbox_item("lv-demo-001").await.unwrap().unwrap();
    assert_eq!(old.email, None);
    assert!(!old.question.vraag.is_empty(), "the question text stays");
    assert_eq!(
        store
            .inbox_item("lv-demo-002")
            .await
            .unwrap()
            .unwrap()
            .email
            .as_deref(),
        Some("open@x.example")
    );
    let s0 = store.submission(subs[0].id).await.unwrap().unwrap();
    assert_eq!((s0.contact_email, s0.contact_naam), (None, None));
    assert!(s0.data["titel"].as_str().is_some());
    let s1 = store.submission(subs[1].id).await.unwrap().unwrap();
    assert_eq!(
        s1.contact_email.as_deref(),
        Some("sanne@goedeburen.example")
    );
}

#[tokio::test]
async fn one_persons_data_is_exported_and_erased() {
    let app = spawn_app().await;
    submit_offering(&app, "Training voor export").await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    b.get("/beheer/privacy").await;
    let res = b
        .post_request("/beheer/privacy/export")
        .form(&[
            ("csrf", b.csrf.as_str()),
            ("email", "SANNE@goedeburen.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let data: serde_json::Value = res.json().await.unwrap();
    assert_eq!(data["aanmeldingen"].as_array().unwrap().len(), 1);
    assert_eq!(data["aanmeldingen"][0]["naam"], "Sanne de Vries");
    let (s, _, html) = b
        .post(
            "/beheer/privacy/wissen",
            &[("email", "sanne@goedeburen.example")],
        )
        .await;
    assert_eq!(s, 422, "asks for confirmation");
    assert!(html.contains("Vink aan"));
    let (s, _, html) = b
        .post(
            "/beheer/privacy/wissen",
            &[("email", "sanne@goedeburen.example"), ("bevestig", "ja")],
        )
        .await;
    assert_eq!(s, 200);
    assert!(html.contains("gewist uit 1 gegevens"));
    let data = app
        .store()
        .personal_data("sanne@goedeburen.example")
        .await
        .unwrap();
    assert_eq!(data["aanmeldingen"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_retention_period_shown_is_the_configured_one() {
    let app = TestApp::builder()
        .config(|c| c.retention_months = 6)
        .spawn()
        .await;
    for path in ["/privacy", "/contact", "/leervraag", "/aanbod/aanmelden"] {
        let html = app.text(path).await;
        assert!(html.contains("6 maanden"), "{path}");
        assert!(!html.contains("12 maanden"), "{path}");
    }
}
