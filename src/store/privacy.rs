//! Privacy: personal data erased when the retention period ends, a person's access request, and
//! erasure on request (the mail to the person included).

use std::collections::HashSet;

use serde_json::{json, Value};

use super::audit::Change;
use super::{Columns, Store, StoreError};
use crate::domain::status::MailStatus;

impl Store {
    /// Erases personal data (e-mail, name) of questions, submissions and messages closed before
    /// `cutoff` (RFC 3339); the question texts stay. Returns the number of records changed.
    pub async fn erase_expired(&self, cutoff: &str) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let expiring: Vec<String> = sqlx::query(
            "SELECT email FROM learning_questions WHERE email IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1 \
             UNION SELECT contact_email FROM offering_submissions WHERE contact_email IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1 \
             UNION SELECT email FROM contact_messages WHERE email IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1",
        )
        .bind(cutoff)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.col::<String, _>(0))
        .collect::<Result<_, _>>()?;
        let mut n = update_each(
            &mut tx,
            &[
                "UPDATE learning_questions SET email = NULL, peer_consent = 0, peer_naam = NULL, peer_organisatie = NULL WHERE email IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1",
                "UPDATE offering_submissions SET contact_email = NULL, contact_naam = NULL \
                 WHERE (contact_email IS NOT NULL OR contact_naam IS NOT NULL) AND closed_at IS NOT NULL AND closed_at < $1",
                "UPDATE contact_messages SET email = NULL WHERE email IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1",
            ],
            cutoff,
        )
        .await?;
        // Mail to a person whose last record just lost its address goes too.
        let mut gone = HashSet::new();
        for email in expiring {
            let still: i64 = sqlx::query(
                "SELECT (SELECT COUNT(*) FROM learning_questions WHERE lower(email) = lower($1)) \
                 + (SELECT COUNT(*) FROM offering_submissions WHERE lower(contact_email) = lower($1)) \
                 + (SELECT COUNT(*) FROM contact_messages WHERE lower(email) = lower($1))",
            )
            .bind(&email)
            .fetch_one(&mut *tx)
            .await?
            .col(0)?;
            if still == 0 {
                gone.insert(email.to_lowercase());
            }
        }
        n += forget_mail(&mut tx, &gone).await?;
        let change = (n > 0).then(|| {
            Change::new(
                "systeem",
                "bewaartermijn verlopen",
                "persoonsgegevens",
                cutoff,
            )
            .after(json!({"records": n}))
        });
        self.commit(tx, change, None).await?;
        Ok(n)
    }

    /// Everything stored about one e-mail address, as JSON (a person's access request).
    pub async fn personal_data(&self, email: &str) -> Result<Value, StoreError> {
        let questions = self
            .rows_by(
                "SELECT id, vraag, gemeente, datum, status, antwoord, consent_at FROM learning_questions WHERE lower(email) = lower($1)",
                Some(email),
                |r| Ok(json!({"id": r.col::<String, _>(0)?, "vraag": r.col::<String, _>(1)?, "gemeente": r.col::<Option<String>, _>(2)?, "datum": r.col::<String, _>(3)?, "status": r.col::<String, _>(4)?, "antwoord": r.col::<Option<String>, _>(5)?, "toestemming": r.col::<Option<String>, _>(6)?})),
            )
            .await?;
        let submissions = self
            .rows_by(
                "SELECT id, data, contact_naam, status, created_at FROM offering_submissions WHERE lower(contact_email) = lower($1)",
                Some(email),
                |r| Ok(json!({"id": r.col::<i64, _>(0)?, "aanbod": serde_json::from_str::<Value>(r.col::<&str, _>(1)?).unwrap_or(Value::Null), "naam": r.col::<Option<String>, _>(2)?, "status": r.col::<String, _>(3)?, "ingediend": r.col::<String, _>(4)?})),
            )
            .await?;
        let messages = self
            .rows_by(
                "SELECT id, soort, bericht, created_at FROM contact_messages WHERE lower(email) = lower($1)",
                Some(email),
                |r| Ok(json!({"id": r.col::<i64, _>(0)?, "soort": r.col::<String, _>(1)?, "bericht": r.col::<String, _>(2)?, "ontvangen": r.col::<String, _>(3)?})),
            )
            .await?;
        Ok(
            json!({"email": email, "leervragen": questions, "aanmeldingen": submissions, "berichten": messages}),
        )
    }

    /// Erases one person's e-mail address and name everywhere; returns the records changed.
    pub async fn erase_person(&self, email: &str, actor: &str) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let mut n = update_each(
            &mut tx,
            &[
                "UPDATE learning_questions SET email = NULL, peer_consent = 0, peer_naam = NULL, peer_organisatie = NULL WHERE lower(email) = lower($1)",
                "UPDATE offering_submissions SET contact_email = NULL, contact_naam = NULL WHERE lower(contact_email) = lower($1)",
                "UPDATE contact_messages SET email = NULL WHERE lower(email) = lower($1)",
            ],
            email,
        )
        .await?;
        n += forget_mail(&mut tx, &HashSet::from([email.to_lowercase()])).await?;
        let change = Change::new(
            actor,
            "persoonsgegevens gewist",
            "persoonsgegevens",
            "op verzoek",
        )
        .after(json!({"records": n}));
        self.commit(tx, [change], None).await?;
        Ok(n)
    }
}

/// Runs each of `statements` in `tx`, in order, with `param` as `$1`: the rows they changed.
async fn update_each(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    statements: &[&str],
    param: &str,
) -> Result<u64, StoreError> {
    let mut n = 0;
    for sql in statements {
        n += sqlx::query(sql)
            .bind(param)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(n)
}

/// Erases the mail to these (lower-case) addresses: the outbox rows (a mail still waiting is not
/// sent) and the address in the audit records of sent mail. Returns the outbox rows changed.
async fn forget_mail(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    addresses: &HashSet<String>,
) -> Result<u64, StoreError> {
    let mut n = 0;
    for email in addresses {
        n += sqlx::query(
            "UPDATE outbox SET recipient = '(gewist)', body_text = '(gewist)', body_html = '(gewist)', \
             status = CASE WHEN status = $1 THEN $2 ELSE status END, \
             last_error = CASE WHEN status = $3 THEN 'gewist op verzoek' ELSE last_error END \
             WHERE lower(recipient) = $4",
        )
        .bind(MailStatus::Wachtend.as_str())
        .bind(MailStatus::Mislukt.as_str())
        .bind(MailStatus::Wachtend.as_str())
        .bind(email)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    if addresses.is_empty() {
        return Ok(n);
    }
    // Audit records of mails: the address is compared and replaced in the JSON, here in Rust.
    let candidates = sqlx::query(
        "SELECT id, after FROM audit_log WHERE after IS NOT NULL AND after LIKE '%\"mail\\_naar\"%' ESCAPE '\\'",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in &candidates {
        let Ok(mut after) = serde_json::from_str::<Value>(r.col::<&str, _>(1)?) else {
            continue;
        };
        let to_person = after
            .get("mail_naar")
            .and_then(Value::as_str)
            .is_some_and(|m| addresses.contains(&m.to_lowercase()));
        if let (true, Some(obj)) = (to_person, after.as_object_mut()) {
            obj.insert("mail_naar".into(), Value::from("(gewist)"));
            sqlx::query("UPDATE audit_log SET after = $1 WHERE id = $2")
                .bind(after.to_string())
                .bind(r.col::<i64, _>(0)?)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(n)
}
