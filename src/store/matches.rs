//! Matches of a learning question to offerings: the engine's suggestions and what a coordinator
//! confirmed, removed or added.

use serde_json::json;

use super::audit::Change;
use super::{parse_list, parsed, Columns, Counter, Store, StoreError};
use crate::domain::matching::{Judgement, MatchQuery};
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
    /// Every coordinator's judgement, per question ordered by id: questions marked lacune and
    /// questions with a confirmed or removed match (offering ids in order).
    pub async fn judgements(&self) -> Result<Vec<Judgement>, StoreError> {
        let rows = sqlx::query(
            "SELECT q.id, q.vraag, q.doelgroep, q.sector, q.status, m.offering_id, m.status AS match_status \
             FROM learning_questions q LEFT JOIN question_matches m ON m.question_id = q.id \
             AND m.status IN ($1, $2) WHERE q.status = $3 OR m.offering_id IS NOT NULL \
             ORDER BY q.id, m.offering_id",
        )
        .bind(MatchStatus::Bevestigd.as_str())
        .bind(MatchStatus::Verwijderd.as_str())
        .bind(QuestionStatus::Lacune.as_str())
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<(String, Judgement)> = Vec::new();
        for r in &rows {
            let id: String = r.col("id")?;
            if out.last().is_none_or(|(last, _)| *last != id) {
                let status = parsed(r, "status", QuestionStatus::parse)?;
                out.push((
                    id,
                    Judgement {
                        vraag: MatchQuery {
                            vraag: r.col("vraag")?,
                            doelgroep: r.col("doelgroep")?,
                            sector: r.col("sector")?,
                            themas: Vec::new(),
                        },
                        lacune: status == QuestionStatus::Lacune,
                        bevestigd: Vec::new(),
                        afgewezen: Vec::new(),
                    },
                ));
            }
            let offering: Option<String> = r.col("offering_id")?;
            let match_status: Option<String> = r.col("match_status")?;
            if let (Some(offering), Some(status), Some((_, j))) =
                (offering, match_status, out.last_mut())
            {
                match MatchStatus::parse(&status) {
                    Some(MatchStatus::Bevestigd) => j.bevestigd.push(offering),
                    Some(MatchStatus::Verwijderd) => j.afgewezen.push(offering),
                    _ => {}
                }
            }
        }
        Ok(out.into_iter().map(|x| x.1).collect())
    }

    /// All matches of a question (including removed ones), best first.
    pub async fn matches_of(&self, question_id: &str) -> Result<Vec<QuestionMatch>, StoreError> {
        self.rows_by(
            "SELECT offering_id, score, waarom, status FROM question_matches WHERE question_id = $1 ORDER BY position",
            Some(question_id),
            |r| {
                Ok(QuestionMatch {
                    offering_id: r.col("offering_id")?,
                    score: r.col("score")?,
                    waarom: parse_list(r.col("waarom")?)?,
                    status: parsed(r, "status", MatchStatus::parse)?,
                })
            },
        )
        .await
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
        .bind(self.now())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE learning_questions SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(QuestionStatus::InBehandeling.as_str())
        .bind(self.now())
        .bind(question_id)
        .bind(QuestionStatus::Nieuw.as_str())
        .execute(&mut *tx)
        .await?;
        let change = Change::new(actor, "koppeling", "leervraag", question_id)
            .before(json!({"aanbod": offering_id, "status": before}))
            .after(json!({"aanbod": offering_id, "status": status.as_str()}));
        self.commit(tx, [change], Some(Counter::Demand)).await?;
        Ok(true)
    }
}
