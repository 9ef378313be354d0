//! Offerings contributed with the public form, and their moderation (edit, approve, reject).

use serde_json::{json, Value};

use super::audit::Change;
use super::offerings::upsert_offering;
use super::outbox::{enqueue, OutgoingMail};
use super::{accept_once, parsed, Columns, Counter, Rejected, Store, StoreError};
use crate::domain::offering::Offering;
use crate::domain::status::SubmissionStatus;

/// An offering contributed with the public form.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Row number.
    pub id: i64,
    /// The submitted fields (an offering record, possibly edited by a moderator).
    pub data: Value,
    /// Contact name.
    pub contact_naam: Option<String>,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// `ingediend`, `goedgekeurd` or `afgewezen`.
    pub status: SubmissionStatus,
    /// Reason of a rejection.
    pub reden: Option<String>,
    /// The published offering, once approved.
    pub offering_id: Option<String>,
    /// When submitted.
    pub created_at: String,
}

fn submission(r: &sqlx::any::AnyRow) -> Result<Submission, StoreError> {
    let data: String = r.col("data")?;
    Ok(Submission {
        id: r.col("id")?,
        data: serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        contact_naam: r.col("contact_naam")?,
        contact_email: r.col("contact_email")?,
        status: parsed(r, "status", SubmissionStatus::parse)?,
        reden: r.col("reden")?,
        offering_id: r.col("offering_id")?,
        created_at: r.col("created_at")?,
    })
}

const S_COLUMNS: &str =
    "id, data, contact_naam, contact_email, status, reden, offering_id, created_at";

impl Store {
    /// Stores a contributed offering for moderation; returns its number.
    /// [`StoreError::AlreadySent`] when the shown form `once` was stored before.
    pub async fn insert_submission(
        &self,
        data: &Value,
        naam: Option<&str>,
        email: Option<&str>,
        once: &str,
    ) -> Result<i64, StoreError> {
        let ts = self.now();
        let mut tx = self.write().await?;
        accept_once(&mut tx, once, self.clock().now()).await?;
        let row = sqlx::query(
            "INSERT INTO offering_submissions (data, contact_naam, contact_email, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5) RETURNING id",
        )
        .bind(data.to_string())
        .bind(naam)
        .bind(email)
        .bind(&ts)
        .bind(&ts)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        row.col(0)
    }

    /// Submissions with `status`, oldest first.
    pub async fn submissions(
        &self,
        status: SubmissionStatus,
    ) -> Result<Vec<Submission>, StoreError> {
        self.rows_by(
            &format!("SELECT {S_COLUMNS} FROM offering_submissions WHERE status = $1 ORDER BY id"),
            Some(status.as_str()),
            submission,
        )
        .await
    }

    /// One submission.
    pub async fn submission(&self, id: i64) -> Result<Option<Submission>, StoreError> {
        self.row_by(
            &format!("SELECT {S_COLUMNS} FROM offering_submissions WHERE id = $1"),
            id,
            submission,
        )
        .await
    }

    /// Saves a moderator's edit of a waiting submission.
    pub async fn edit_submission(
        &self,
        id: i64,
        data: &Value,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let Some(before) =
            sqlx::query("SELECT data FROM offering_submissions WHERE id = $1 AND status = $2")
                .bind(id)
                .bind(SubmissionStatus::Ingediend.as_str())
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Ok(false);
        };
        let before: Value = serde_json::from_str(before.col::<&str, _>(0)?).unwrap_or(Value::Null);
        sqlx::query("UPDATE offering_submissions SET data = $1, updated_at = $2 WHERE id = $3")
            .bind(data.to_string())
            .bind(self.now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let change = Change::new(actor, "bewerkt", "aanmelding", id)
            .before(before)
            .after(data.clone());
        self.commit(tx, [change], None).await?;
        Ok(true)
    }

    /// Approves a waiting submission: publishes `offering`, closes the submission and writes
    /// the mail, in one transaction. False when the submission is not waiting.
    pub async fn approve_submission(
        &self,
        id: i64,
        offering: &Offering,
        mail: Option<&OutgoingMail>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let ts = self.now();
        let closed = Closing::Approved(offering);
        if !close_submission(&mut tx, id, &closed, &ts).await? {
            return Ok(false);
        }
        let taken = sqlx::query("SELECT 1 FROM offerings WHERE id = $1")
            .bind(&offering.id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if taken {
            return Err(StoreError::Conflict(format!("aanbod {}", offering.id)));
        }
        upsert_offering(&mut tx, offering, &ts).await?;
        if let Some(m) = mail {
            enqueue(&mut tx, m, &ts).await?;
        }
        let after = serde_json::to_value(offering).unwrap_or(Value::Null);
        let approved = Change::new(actor, "goedgekeurd", "aanmelding", id)
            .after(json!({"aanbod": offering.id}));
        let published = Change::new(actor, "gepubliceerd", "aanbod", &offering.id).after(after);
        self.commit(tx, [approved, published], Some(Counter::Catalog))
            .await?;
        Ok(true)
    }

    /// Rejects a waiting submission with a reason, with the mail, in one transaction.
    pub async fn reject_submission(
        &self,
        id: i64,
        rejected: Rejected<'_>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let closing = Closing::Rejected(rejected.reden.as_str());
        let closed = close_submission(&mut tx, id, &closing, &self.now()).await?;
        rejected
            .commit(self, tx, u64::from(closed), "aanmelding", id)
            .await
    }
}

/// How a waiting submission is closed.
enum Closing<'a> {
    /// Published as this offering.
    Approved(&'a Offering),
    /// Not accepted, for this reason.
    Rejected(&'a str),
}

/// Closes submission `id` inside `tx` if it is still waiting; false when it is not.
async fn close_submission(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    closing: &Closing<'_>,
    ts: &str,
) -> Result<bool, StoreError> {
    let (status, offering_id, data, reden) = match closing {
        Closing::Approved(o) => (
            SubmissionStatus::Goedgekeurd,
            Some(o.id.as_str()),
            Some(serde_json::to_string(o).unwrap_or_default()),
            None,
        ),
        Closing::Rejected(reden) => (SubmissionStatus::Afgewezen, None, None, Some(*reden)),
    };
    let done = sqlx::query(
        "UPDATE offering_submissions SET status = $1, offering_id = COALESCE($2, offering_id), \
         data = COALESCE($3, data), reden = COALESCE($4, reden), updated_at = $5, closed_at = $5 \
         WHERE id = $6 AND status = $7",
    )
    .bind(status.as_str())
    .bind(offering_id)
    .bind(data)
    .bind(reden)
    .bind(ts)
    .bind(id)
    .bind(SubmissionStatus::Ingediend.as_str())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(done > 0)
}
