//! Inventory rounds: opened and closed by a coordinator (audited); closing labels the learning
//! questions and the offered supply that came in during the round, in one transaction.

use chrono::NaiveDate;

use super::audit::Change;
use super::{Columns, Counter, Store, StoreError};
use crate::domain::inventory::InventoryRound;

fn day(r: &sqlx::any::AnyRow, column: &str) -> Result<Option<NaiveDate>, StoreError> {
    let text: Option<String> = r.col(column)?;
    text.map(|t| {
        t.parse()
            .map_err(|_| StoreError::Corrupt(format!("ronde met {column} '{t}'")))
    })
    .transpose()
}

fn round(r: &sqlx::any::AnyRow) -> Result<InventoryRound, StoreError> {
    let missing = || StoreError::Corrupt("ronde zonder datum".into());
    Ok(InventoryRound {
        id: r.col("id")?,
        label: r.col("label")?,
        starts_on: day(r, "starts_on")?.ok_or_else(missing)?,
        ends_on: day(r, "ends_on")?.ok_or_else(missing)?,
        closed_on: day(r, "closed_on")?,
    })
}

/// A round with what came in during it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSummary {
    /// The round.
    pub round: InventoryRound,
    /// Learning questions dated in the round (labelled once it closed).
    pub questions: i64,
    /// Offerings sent through the supply form in the round.
    pub offerings: i64,
}

impl Store {
    /// Every round, newest first, with what came in during it.
    pub async fn rounds(&self) -> Result<Vec<RoundSummary>, StoreError> {
        self.rows(
            "SELECT r.id, r.label, r.starts_on, r.ends_on, r.closed_on, \
             (SELECT COUNT(*) FROM learning_questions q WHERE q.ronde = r.label \
                OR (r.closed_on IS NULL AND q.ronde IS NULL AND q.datum >= r.starts_on AND q.datum <= r.ends_on)) AS questions, \
             (SELECT COUNT(*) FROM offering_submissions s WHERE s.ronde = r.label \
                OR (r.closed_on IS NULL AND s.ronde IS NULL AND substr(s.created_at, 1, 10) >= r.starts_on \
                    AND substr(s.created_at, 1, 10) <= r.ends_on)) AS offerings \
             FROM inventory_rounds r ORDER BY r.starts_on DESC, r.id DESC",
            |r| {
                Ok(RoundSummary {
                    round: round(r)?,
                    questions: r.col("questions")?,
                    offerings: r.col("offerings")?,
                })
            },
        )
        .await
    }

    /// Opens a round; [`StoreError::Conflict`] when its label is taken.
    pub async fn open_round(&self, r: &InventoryRound, actor: &str) -> Result<i64, StoreError> {
        let mut tx = self.write().await?;
        let taken = sqlx::query("SELECT id FROM inventory_rounds WHERE label = $1")
            .bind(&r.label)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!("ronde {}", r.label)));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO inventory_rounds (label, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&r.label)
        .bind(r.starts_on.to_string())
        .bind(r.ends_on.to_string())
        .bind(self.now())
        .fetch_one(&mut *tx)
        .await?
        .col(0)?;
        let change = Change::new(actor, "geopend", "inventarisatieronde", id)
            .after(serde_json::json!({"label": r.label, "van": r.starts_on, "tot": r.ends_on}));
        self.commit(tx, [change], None).await?;
        Ok(id)
    }

    /// Closes round `id` on `today`: the learning questions dated in it and the offerings sent in
    /// it get its label. `Ok(None)` when there is no open round `id`.
    pub async fn close_round(
        &self,
        id: i64,
        today: NaiveDate,
        actor: &str,
    ) -> Result<Option<InventoryRound>, StoreError> {
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "SELECT id, label, starts_on, ends_on, closed_on FROM inventory_rounds WHERE id = $1 AND closed_on IS NULL",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(mut r) = row.as_ref().map(round).transpose()? else {
            return Ok(None);
        };
        let (from, to) = (r.starts_on.to_string(), r.ends_on.min(today).to_string());
        sqlx::query("UPDATE inventory_rounds SET closed_on = $1 WHERE id = $2")
            .bind(today.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // The learning questions and submitted offerings of the round's dates get its label.
        let mut tagged = [0u64; 2];
        let tag = [
            "UPDATE learning_questions SET ronde = $1 WHERE ronde IS NULL AND datum >= $2 AND datum <= $3",
            "UPDATE offering_submissions SET ronde = $1 WHERE ronde IS NULL \
             AND substr(created_at, 1, 10) >= $2 AND substr(created_at, 1, 10) <= $3",
        ];
        for (count, sql) in tagged.iter_mut().zip(tag) {
            *count = sqlx::query(sql)
                .bind(&r.label)
                .bind(&from)
                .bind(&to)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        let [questions, offerings] = tagged;
        let change = Change::new(actor, "afgesloten", "inventarisatieronde", id).after(
            serde_json::json!({"label": r.label, "leervragen": questions, "aanbod": offerings}),
        );
        self.commit(tx, [change], Some(Counter::Demand)).await?;
        r.closed_on = Some(today);
        Ok(Some(r))
    }
}
