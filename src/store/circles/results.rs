//! Results a circle proposes as offerings, and which are published.

use serde_json::{json, Value};

use crate::domain::status::SubmissionStatus;
use crate::store::audit::Change;
use crate::store::{parsed, Columns, Store, StoreError};

impl Store {
    /// Stores a result a circle proposes as an offering, for moderation; returns its number.
    pub async fn propose_result(
        &self,
        circle_id: i64,
        data: &Value,
        naam: Option<&str>,
        email: &str,
    ) -> Result<i64, StoreError> {
        let ts = self.now();
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "INSERT INTO offering_submissions (data, contact_naam, contact_email, leerkring_id, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$5) RETURNING id",
        )
        .bind(data.to_string())
        .bind(naam)
        .bind(email)
        .bind(circle_id)
        .bind(&ts)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.col(0)?;
        let change = Change::new("deelnemer", "resultaat voorgesteld", "leerkring", circle_id)
            .after(json!({"aanmelding": id}));
        self.commit(tx, [change], None).await?;
        Ok(id)
    }

    /// The circle a submission came from `(slug, name)`, if any.
    pub async fn submission_circle(
        &self,
        submission_id: i64,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT c.slug, c.titel FROM offering_submissions s JOIN learning_circles c ON c.id = s.leerkring_id \
             WHERE s.id = $1",
        )
        .bind(submission_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| Ok((r.col("slug")?, r.col("titel")?)))
            .transpose()
    }

    /// The offerings a circle produced (published ids), and its results still in moderation.
    pub async fn circle_results(&self, circle_id: i64) -> Result<(Vec<String>, usize), StoreError> {
        let rows = sqlx::query(
            "SELECT status, offering_id FROM offering_submissions WHERE leerkring_id = $1 ORDER BY id",
        )
        .bind(circle_id)
        .fetch_all(self.pool())
        .await?;
        let mut published = Vec::new();
        let mut waiting = 0;
        for r in &rows {
            let status = parsed(r, "status", SubmissionStatus::parse)?;
            match (status, r.col::<Option<String>, _>("offering_id")?) {
                (SubmissionStatus::Goedgekeurd, Some(id)) => published.push(id),
                (SubmissionStatus::Ingediend, _) => waiting += 1,
                _ => {}
            }
        }
        Ok((published, waiting))
    }
}
