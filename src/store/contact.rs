//! Messages of the contact form and their handling.

use super::audit::Change;
use super::{accept_once, commit, now, parsed, Columns, Store, StoreError};
use crate::domain::status::MessageStatus;

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
}

fn message(r: &sqlx::any::AnyRow) -> Result<ContactMessage, StoreError> {
    Ok(ContactMessage {
        id: r.col("id")?,
        soort: r.col("soort")?,
        bericht: r.col("bericht")?,
        email: r.col("email")?,
        status: parsed(r, "status", MessageStatus::parse)?,
        created_at: r.col("created_at")?,
    })
}

const COLUMNS: &str = "id, soort, bericht, email, status, created_at";

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
        accept_once(&mut tx, once).await?;
        let row = sqlx::query(
            "INSERT INTO contact_messages (soort, bericht, email, created_at) VALUES ($1,$2,$3,$4) RETURNING id",
        )
        .bind(soort)
        .bind(bericht)
        .bind(email)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        row.col(0)
    }

    /// Every contact message, newest first.
    pub async fn contact_messages(&self) -> Result<Vec<ContactMessage>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM contact_messages ORDER BY id DESC"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(message).collect()
    }

    /// Marks a contact message handled (starts its retention period).
    pub async fn close_contact(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let ts = now();
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
        commit(tx, change, None).await?;
        Ok(done)
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
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM contact_messages ORDER BY id DESC LIMIT 500"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(message).collect()
    }
}
