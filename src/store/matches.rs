//! Matches of a learning question to offerings: the engine's suggestions and what a coordinator
//! confirmed, removed or added.

use serde_json::json;
use sqlx::Row;

use super::audit::Change;
use super::{commit, now, parse_list, Counter, Store, StoreError};

/// A match of a question to an offering.
#[derive(Debug, Clone)]
pub struct QuestionMatch {
    /// Offering id.
    pub offering_id: String,
    /// Engine score (0 for matches a coordinator added).
    pub score: f64,
    /// Reasons.
    pub waarom: Vec<String>,
    /// `voorgesteld`, `bevestigd` or `verwijderd`.
    pub status: String,
}

impl Store {
    /// Suggested matches of a question: `(offering id, score, reasons)`, best first.
    pub async fn question_matches(
        &self,
        question_id: &str,
    ) -> Result<Vec<(String, f64, Vec<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT offering_id, score, waarom FROM question_matches WHERE question_id = $1 ORDER BY position",
        )
        .bind(question_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.get("offering_id"),
                    r.get("score"),
                    parse_list(r.get("waarom"))?,
                ))
            })
            .collect()
    }

    /// All matches of a question (including removed ones), in order.
    pub async fn matches_of(&self, question_id: &str) -> Result<Vec<QuestionMatch>, StoreError> {
        let rows = sqlx::query(
            "SELECT offering_id, score, waarom, status FROM question_matches WHERE question_id = $1 ORDER BY position",
        )
        .bind(question_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(QuestionMatch {
                    offering_id: r.get("offering_id"),
                    score: r.get("score"),
                    waarom: parse_list(r.get("waarom"))?,
                    status: r.get("status"),
                })
            })
            .collect()
    }

    /// Confirms, removes or (with `add`) adds a match of a question; false when there is no
    /// such question.
    pub async fn set_match(
        &self,
        question_id: &str,
        offering_id: &str,
        status: &str,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let exists = sqlx::query("SELECT 1 FROM learning_questions WHERE id = $1")
            .bind(question_id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !exists {
            return Ok(false);
        }
        let before: Option<String> = sqlx::query(
            "SELECT status FROM question_matches WHERE question_id = $1 AND offering_id = $2",
        )
        .bind(question_id)
        .bind(offering_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.get(0));
        sqlx::query(
            "INSERT INTO question_matches (question_id, offering_id, position, score, waarom, status, created_at) \
             VALUES ($1, $2, (SELECT COALESCE(MAX(position), -1) + 1 FROM question_matches WHERE question_id = $3), \
             0, '[\"Toegevoegd door het coördinatiepunt\"]', $4, $5) \
             ON CONFLICT (question_id, offering_id) DO UPDATE SET status = excluded.status",
        )
        .bind(question_id)
        .bind(offering_id)
        .bind(question_id)
        .bind(status)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE learning_questions SET status = 'in-behandeling', updated_at = $1 WHERE id = $2 AND status = 'nieuw'",
        )
        .bind(now())
        .bind(question_id)
        .execute(&mut *tx)
        .await?;
        let change = Change::new(actor, "koppeling", "leervraag", question_id)
            .before(json!({"aanbod": offering_id, "status": before}))
            .after(json!({"aanbod": offering_id, "status": status}));
        commit(tx, [change], Some(Counter::Demand)).await?;
        Ok(true)
    }
}
