//! Peilingen: the learning agenda and gaps frozen at a date, stored once and never changed (the
//! database refuses updates and deletes); publishing is audited and bumps the demand version so
//! the live pages link the new peiling.

use chrono::NaiveDate;

use super::audit::Change;
use super::{Columns, Counter, Store, StoreError};
use crate::domain::gaps::snapshot::Snapshot;

/// A stored peiling in the list: its date, method and when it was published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotEntry {
    /// The date the figures hold for.
    pub datum: NaiveDate,
    /// The version of the method.
    pub methode: String,
    /// When it was published (RFC 3339, UTC).
    pub published_at: String,
}

fn date(r: &sqlx::any::AnyRow) -> Result<NaiveDate, StoreError> {
    let text: String = r.col("datum")?;
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("peiling met datum '{text}'")))
}

fn parse(r: &sqlx::any::AnyRow) -> Result<Snapshot, StoreError> {
    let text: String = r.col("inhoud")?;
    let datum = date(r)?;
    Snapshot::from_json(&text).map_err(|e| StoreError::Corrupt(format!("peiling {datum}: {e}")))
}

impl Store {
    /// Stores `snapshot` as the peiling of its date, published at `at` by `actor`;
    /// [`StoreError::Conflict`] when that date has one already (a peiling never changes).
    pub async fn publish_snapshot(
        &self,
        snapshot: &Snapshot,
        at: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        let datum = snapshot.datum.to_string();
        let mut tx = self.write().await?;
        let added = sqlx::query(
            "INSERT INTO snapshots (datum, methode, published_at, inhoud) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (datum) DO NOTHING",
        )
        .bind(&datum)
        .bind(&snapshot.methode)
        .bind(at)
        .bind(snapshot.to_json())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added == 0 {
            return Err(StoreError::Conflict(format!("peiling {datum}")));
        }
        let change = Change::new(actor, "gepubliceerd", "peiling", &datum).after(
            serde_json::json!({"datum": datum, "methode": snapshot.methode, "lacunes": snapshot.lacunes.len()}),
        );
        self.commit(tx, [change], Some(Counter::Demand)).await
    }

    /// Every peiling, newest first (without its contents).
    pub async fn snapshot_list(&self) -> Result<Vec<SnapshotEntry>, StoreError> {
        let rows =
            sqlx::query("SELECT datum, methode, published_at FROM snapshots ORDER BY datum DESC")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok(SnapshotEntry {
                    datum: date(r)?,
                    methode: r.col("methode")?,
                    published_at: r.col("published_at")?,
                })
            })
            .collect()
    }

    /// The peiling of `datum`, if one was published.
    pub async fn snapshot_at(&self, datum: NaiveDate) -> Result<Option<Snapshot>, StoreError> {
        self.row_by(
            "SELECT datum, inhoud FROM snapshots WHERE datum = $1",
            datum.to_string(),
            parse,
        )
        .await
    }

    /// Every peiling with its contents, oldest first.
    pub async fn snapshots(&self) -> Result<Vec<Snapshot>, StoreError> {
        self.rows("SELECT datum, inhoud FROM snapshots ORDER BY datum", parse)
            .await
    }
}
