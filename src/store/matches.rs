//! Matches of a learning question to offerings: the engine's suggestions and what a coordinator
//! confirmed, removed or added.

use serde_json::json;

use super::audit::Change;
use super::{commit, now, parse_list, parsed, Columns, Counter, Store, StoreError};
use crate::domain::status::{MatchStatus, QuestionStatus};

/// A match of a question to an offering.
#[derive(Debug, Clone)]
pub struct QuestionMatch {
    /// Offering id.
    pub offering_id: String,
    /// Engine score (0 for matches a coordinator added).
    pub score: f64,
    /// Reasons.
    pub waarom: Vec<String>,
    /// Suggested, confirmed or removed.
    pub status: MatchStatus,
}

impl Store {
    /// All matches of a question (including removed ones), best first.
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
                    offering_id: r.col("offering_id")?,
                    score: r.col("score")?,
                    waarom: parse_list(r.col("waarom")?)?,
                    status: parsed(r, "status", MatchStatus::parse)?,
                })
            })
            .collect()
    }

    /// Confirms, removes or adds (confirmed) a match of a question; false when there is no such
    /// question.
    pub async fn set_match(
        &self,
        question_id: &str,
        offering_id: &str,
        status: MatchStatus,
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
        .map(|r| r.col(0))
        .transpose()?;
        sqlx::query(
            "INSERT INTO question_matches (question_id, offering_id, position, score, waarom, status, created_at) \
             VALUES ($1, $2, (SELECT COALESCE(MAX(position), -1) + 1 FROM question_matches WHERE question_id = $3), \
             0, '[\"Toegevoegd door het coördinatiepunt\"]', $4, $5) \
             ON CONFLICT (question_id, offering_id) DO UPDATE SET status = excluded.status",
        )
        .bind(question_id)
        .bind(offering_id)
        .bind(question_id)
        .bind(status.as_str())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE learning_questions SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(QuestionStatus::InBehandeling.as_str())
        .bind(now())
        .bind(question_id)
        .bind(QuestionStatus::Nieuw.as_str())
        .execute(&mut *tx)
        .await?;
        let change = Change::new(actor, "koppeling", "leervraag", question_id)
            .before(json!({"aanbod": offering_id, "status": before}))
            .after(json!({"aanbod": offering_id, "status": status.as_str()}));
        commit(tx, [change], Some(Counter::Demand)).await?;
        Ok(true)
    }
}
