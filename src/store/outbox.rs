//! The e-mail outbox: mail is written in the same transaction as the change that causes it and
//! sent later by the mail worker, with retries.

use super::audit::Change;
use super::{parsed, Columns, Store, StoreError};
use crate::domain::status::MailStatus;

/// A mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// The mail invites a reply: it goes out with the coordination point's `Reply-To`.
    pub invites_reply: bool,
}

/// How many mails wait, have a problem (failed, or waiting after an error) and were sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Waiting for (another) attempt.
    pub waiting: i64,
    /// Given up, or waiting after a failed attempt.
    pub problems: i64,
    /// Sent.
    pub sent: i64,
}

/// A mail in the outbox.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    /// Row number.
    pub id: i64,
    /// The mail.
    pub mail: OutgoingMail,
    /// Waiting, sent or failed.
    pub status: MailStatus,
    /// Attempts so far.
    pub attempts: i64,
    /// The last error, if any.
    pub last_error: Option<String>,
    /// When it was written.
    pub created_at: String,
    /// When the next attempt is due.
    pub next_attempt_at: String,
    /// The one-click unsubscribe address of an alert mail (`List-Unsubscribe`, RFC 8058).
    pub list_unsubscribe: Option<String>,
}

/// Writes a mail to the outbox inside the caller's transaction.
pub(crate) async fn enqueue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    mail: &OutgoingMail,
    ts: &str,
) -> Result<(), StoreError> {
    insert(tx, mail, None, ts).await
}

/// Writes an alert mail with its one-click unsubscribe address to the outbox inside the caller's
/// transaction.
pub(crate) async fn enqueue_unsubscribable(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    mail: &OutgoingMail,
    unsubscribe: &str,
    ts: &str,
) -> Result<(), StoreError> {
    insert(tx, mail, Some(unsubscribe), ts).await
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    mail: &OutgoingMail,
    unsubscribe: Option<&str>,
    ts: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (recipient, subject, body_text, body_html, next_attempt_at, created_at, list_unsubscribe, invites_reply) \
         VALUES ($1,$2,$3,$4,$5,$5,$6,$7)",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(ts)
    .bind(unsubscribe)
    .bind(i64::from(mail.invites_reply))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn row(r: &sqlx::any::AnyRow) -> Result<OutboxRow, StoreError> {
    Ok(OutboxRow {
        id: r.col("id")?,
        mail: OutgoingMail {
            to: r.col("recipient")?,
            subject: r.col("subject")?,
            text: r.col("body_text")?,
            html: r.col("body_html")?,
            invites_reply: r.col::<i64, _>("invites_reply")? != 0,
        },
        status: parsed(r, "status", MailStatus::parse)?,
        attempts: r.col("attempts")?,
        last_error: r.col("last_error")?,
        created_at: r.col("created_at")?,
        next_attempt_at: r.col("next_attempt_at")?,
        list_unsubscribe: r.col("list_unsubscribe")?,
    })
}

const COLUMNS: &str =
    "id, recipient, subject, body_text, body_html, status, attempts, last_error, \
                       created_at, next_attempt_at, list_unsubscribe, invites_reply";

impl Store {
    /// Claims the mails due for an attempt now, oldest first: each is held for `lease` so that no
    /// other instance's worker sends it too. The returned rows carry the claim in
    /// `next_attempt_at`; [`Store::mail_sent`] and [`Store::mail_failed`] record an outcome only while
    /// that claim holds. A mail whose sender stops before recording the outcome is due again when
    /// the lease ends.
    pub async fn due_mails(
        &self,
        limit: i64,
        lease: chrono::Duration,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let mut tx = self.write().await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE status = $1 AND next_attempt_at <= $2 \
             ORDER BY id LIMIT $3"
        ))
        .bind(MailStatus::Wachtend.as_str())
        .bind(self.now())
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let held = super::stamp(self.clock().now() + lease);
        let mut claimed = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut mail = row(r)?;
            sqlx::query("UPDATE outbox SET next_attempt_at = $1 WHERE id = $2")
                .bind(&held)
                .bind(mail.id)
                .execute(&mut *tx)
                .await?;
            mail.next_attempt_at.clone_from(&held);
            claimed.push(mail);
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// The most recent mails, newest first.
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxRow>, StoreError> {
        self.rows_by(
            &format!("SELECT {COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1"),
            Some(limit),
            row,
        )
        .await
    }

    /// Marks a mail as sent, if the claim `claim` (from [`Store::due_mails`]) still holds.
    pub async fn mail_sent(&self, id: i64, claim: &str) -> Result<(), StoreError> {
        let q = sqlx::query(
            "UPDATE outbox SET status = $1, attempts = attempts + 1, sent_at = $2, last_error = NULL \
             WHERE id = $3 AND status = $4 AND next_attempt_at = $5",
        )
        .bind(MailStatus::Verzonden.as_str())
        .bind(self.now());
        self.under_claim(q, id, claim).await
    }

    /// Records a failed attempt, if the claim `claim` still holds: tried again at `next_at`
    /// (RFC 3339), or given up (`mislukt`).
    pub async fn mail_failed(
        &self,
        id: i64,
        claim: &str,
        error: &str,
        next_at: Option<&str>,
    ) -> Result<(), StoreError> {
        let q = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, \
             status = CASE WHEN $2 IS NULL THEN $3 ELSE $4 END, \
             next_attempt_at = COALESCE($5, next_attempt_at) \
             WHERE id = $6 AND status = $7 AND next_attempt_at = $8",
        )
        .bind(error)
        .bind(next_at)
        .bind(MailStatus::Mislukt.as_str())
        .bind(MailStatus::Wachtend.as_str())
        .bind(next_at);
        self.under_claim(q, id, claim).await
    }

    /// Runs `q`, a change to mail `id` whose last parameters say "while the claim `claim` from
    /// [`Store::due_mails`] still holds" (`id`, waiting, `claim`).
    async fn under_claim<'q>(
        &self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
        id: i64,
        claim: &'q str,
    ) -> Result<(), StoreError> {
        q.bind(id)
            .bind(MailStatus::Wachtend.as_str())
            .bind(claim)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// True when the outbox holds a mail with this id (in any state).
    pub async fn mail_exists(&self, id: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT 1 FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .is_some())
    }

    /// Puts a failed mail back in the queue (from the dashboard), audited.
    pub async fn retry_mail(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE outbox SET status = $1, attempts = 0, next_attempt_at = $2 \
             WHERE id = $3 AND status = $4 AND recipient != '(gewist)'",
        )
        .bind(MailStatus::Wachtend.as_str())
        .bind(self.now())
        .bind(id)
        .bind(MailStatus::Mislukt.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        let change = done.then(|| Change::new(actor, "opnieuw versturen", "mail", id));
        self.commit(tx, change, None).await?;
        Ok(done)
    }

    /// How many mails had their recipient and text erased.
    pub async fn erased_mail_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM outbox WHERE recipient = '(gewist)'")
            .fetch_one(self.pool())
            .await?;
        row.col(0)
    }

    /// The mails whose recipient and text were erased (`(gewist)`), as row numbers.
    pub async fn erased_mail_ids(&self) -> Result<Vec<i64>, StoreError> {
        self.rows(
            "SELECT id FROM outbox WHERE recipient = '(gewist)' ORDER BY id",
            |r| r.col::<i64, _>(0),
        )
        .await
    }

    /// Counts per outbox status; waiting ones with an error count as problems.
    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let r = sqlx::query(
            "SELECT COUNT(CASE WHEN status = $1 THEN 1 END), \
             COUNT(CASE WHEN status = $2 OR (status = $3 AND last_error IS NOT NULL) THEN 1 END), \
             COUNT(CASE WHEN status = $4 THEN 1 END) FROM outbox",
        )
        .bind(MailStatus::Wachtend.as_str())
        .bind(MailStatus::Mislukt.as_str())
        .bind(MailStatus::Wachtend.as_str())
        .bind(MailStatus::Verzonden.as_str())
        .fetch_one(self.pool())
        .await?;
        Ok(OutboxCounts {
            waiting: r.col(0)?,
            problems: r.col(1)?,
            sent: r.col(2)?,
        })
    }
}
