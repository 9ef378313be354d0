//! Messages of the contact form and their handling.

use super::audit::Change;
use super::outbox::enqueue;
use super::{accept_once, parsed, Columns, OutgoingMail, Store, StoreError};
use crate::domain::status::MessageStatus;

/// The answer mailed to a contact message from the back office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactReply {
    /// Who sent it (the staff member's e-mail address).
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
    /// The text as mailed.
    pub text: String,
}

/// A message of the contact form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactMessage {
    /// Row number.
    pub id: i64,
    /// Kind (`vraag`, `suggestie`, …).
    pub soort: String,
    /// The message.
    pub bericht: String,
    /// E-mail address for an answer, if given (and not erased).
    pub email: Option<String>,
    /// New or handled.
    pub status: MessageStatus,
    /// When received (RFC 3339).
    pub created_at: String,
    /// The answer mailed from the back office, if any.
    pub reply: Option<ContactReply>,
}

fn message(r: &sqlx::any::AnyRow) -> Result<ContactMessage, StoreError> {
    Ok(ContactMessage {
        id: r.col("id")?,
        soort: r.col("soort")?,
        bericht: r.col("bericht")?,
        email: r.col("email")?,
        status: parsed(r, "status", MessageStatus::parse)?,
        created_at: r.col("created_at")?,
        reply: match (
            r.col::<Option<String>, _>("replied_by")?,
            r.col::<Option<String>, _>("replied_at")?,
            r.col::<Option<String>, _>("reply_text")?,
        ) {
            (Some(by), Some(at), Some(text)) => Some(ContactReply { by, at, text }),
            _ => None,
        },
    })
}

const COLUMNS: &str =
    "id, soort, bericht, email, status, created_at, replied_by, replied_at, reply_text";

impl Store {
    /// Stores a message of the contact form; returns its number. [`StoreError::AlreadySent`] when
    /// the shown form `once` was stored before.
    pub async fn insert_contact(
        &self,
        soort: &str,
        bericht: &str,
        email: Option<&str>,
        once: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write().await?;
        accept_once(&mut tx, once, self.clock().now()).await?;
        let row = sqlx::query(
            "INSERT INTO contact_messages (soort, bericht, email, created_at) VALUES ($1,$2,$3,$4) RETURNING id",
        )
        .bind(soort)
        .bind(bericht)
        .bind(email)
        .bind(self.now())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        row.col(0)
    }

    /// Every contact message, newest first.
    pub async fn contact_messages(&self) -> Result<Vec<ContactMessage>, StoreError> {
        self.rows(
            &format!("SELECT {COLUMNS} FROM contact_messages ORDER BY id DESC"),
            message,
        )
        .await
    }

    /// Marks a contact message handled (starts its retention period).
    pub async fn close_contact(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let ts = self.now();
        let done = sqlx::query(
            "UPDATE contact_messages SET status = $1, closed_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(MessageStatus::Afgehandeld.as_str())
        .bind(&ts)
        .bind(id)
        .bind(MessageStatus::Nieuw.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        let change = done.then(|| Change::new(actor, "afgehandeld", "bericht", id));
        self.commit(tx, change, None).await?;
        Ok(done)
    }

    /// Records `text` as the answer to contact message `id`, sent by `actor` as `mail` (written
    /// to the outbox in the same transaction), and marks the message handled; audited. False
    /// when there is no such message or it was answered before (one answer per message).
    pub async fn reply_contact(
        &self,
        id: i64,
        text: &str,
        mail: &OutgoingMail,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let ts = self.now();
        let done = sqlx::query(
            "UPDATE contact_messages SET reply_text = $1, replied_by = $2, replied_at = $3, \
             status = $4, closed_at = COALESCE(closed_at, $3) WHERE id = $5 AND replied_at IS NULL",
        )
        .bind(text)
        .bind(actor)
        .bind(&ts)
        .bind(MessageStatus::Afgehandeld.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if !done {
            return Ok(false);
        }
        enqueue(&mut tx, mail, &ts).await?;
        let change = Change::new(actor, "beantwoord en gemaild", "bericht", id)
            .after(serde_json::json!({ "antwoord": text }));
        self.commit(tx, [change], None).await?;
        Ok(true)
    }

    /// The contact message `id`, if it exists.
    pub async fn contact_message(&self, id: i64) -> Result<Option<ContactMessage>, StoreError> {
        self.row_by(
            &format!("SELECT {COLUMNS} FROM contact_messages WHERE id = $1"),
            id,
            message,
        )
        .await
    }

    /// True when the contact message `id` exists (open or closed).
    pub async fn contact_exists(&self, id: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT 1 FROM contact_messages WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .is_some())
    }

    /// The 500 newest contact messages, newest first.
    pub async fn contact_inbox(&self) -> Result<Vec<ContactMessage>, StoreError> {
        self.rows(
            &format!("SELECT {COLUMNS} FROM contact_messages ORDER BY id DESC LIMIT 500"),
            message,
        )
        .await
    }
}
