//! Messages of the contact form and their handling.

use sqlx::Row;

use super::audit::Change;
use super::{accept_once, commit, now, Store, StoreError};

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
        Ok(row.get(0))
    }

    /// Contact messages, newest first: `(id, soort, bericht, email)`.
    pub async fn contact_messages(
        &self,
    ) -> Result<Vec<(i64, String, String, Option<String>)>, StoreError> {
        let rows =
            sqlx::query("SELECT id, soort, bericht, email FROM contact_messages ORDER BY id DESC")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }

    /// Marks a contact message handled (starts its retention period).
    pub async fn close_contact(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let ts = now();
        let done = sqlx::query(
            "UPDATE contact_messages SET status = 'afgehandeld', closed_at = $1 WHERE id = $2 AND status = 'nieuw'",
        )
        .bind(&ts)
        .bind(id)
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

    /// Contact messages, newest first: `(id, soort, bericht, email, status, created_at)`.
    pub async fn contact_inbox(
        &self,
    ) -> Result<Vec<(i64, String, String, Option<String>, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, soort, bericht, email, status, created_at FROM contact_messages ORDER BY id DESC LIMIT 500",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
            .collect())
    }
}
