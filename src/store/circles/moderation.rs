//! Moderation of started circles: approving (linked to a gap or track), relinking, rejecting.

use serde_json::json;

use crate::domain::circle::CircleStatus;
use crate::store::audit::Change;
use crate::store::outbox::OutgoingMail;
use crate::store::{Counter, Rejected, Store, StoreError};

/// Runs `q`, the decision on circle `id` whose last parameters are "updated now, while it waits"
/// (`updated_at`, `id`, `ingediend`), inside `tx`: 1 when it was waiting, else 0.
async fn leave_waiting<'q>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    id: i64,
    ts: &'q str,
) -> Result<u64, StoreError> {
    Ok(q.bind(ts)
        .bind(id)
        .bind(CircleStatus::Ingediend.as_str())
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

impl Store {
    /// Approves a waiting circle, linked to a gap theme and/or a development track, with the
    /// mail to its facilitator; false when it was not waiting.
    pub async fn approve_circle(
        &self,
        id: i64,
        lacune: Option<&str>,
        traject: Option<i64>,
        mail: Option<&OutgoingMail>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let q = sqlx::query(
            "UPDATE learning_circles SET status = $1, lacune = $2, traject_id = $3, updated_at = $4 \
             WHERE id = $5 AND status = $6",
        )
        .bind(CircleStatus::Actief.as_str())
        .bind(lacune)
        .bind(traject);
        let done = leave_waiting(&mut tx, q, id, &self.now()).await?;
        let change = Change::new(actor, "goedgekeurd", "leerkring", id)
            .after(json!({"lacune": lacune, "traject": traject}));
        self.commit_if_done(tx, done, mail, change, Some(Counter::Demand))
            .await
    }

    /// Changes the gap and development track an active circle is linked to.
    pub async fn link_circle(
        &self,
        id: i64,
        lacune: Option<&str>,
        traject: Option<i64>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE learning_circles SET lacune = $1, traject_id = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(lacune)
        .bind(traject)
        .bind(self.now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let change = Change::new(actor, "gekoppeld", "leerkring", id)
            .after(json!({"lacune": lacune, "traject": traject}));
        self.commit(tx, [change], Some(Counter::Demand)).await?;
        Ok(done > 0)
    }

    /// Rejects a waiting circle with a reason and the mail to its facilitator; false when it was
    /// not waiting.
    pub async fn reject_circle(&self, id: i64, rejected: Rejected<'_>) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let q = sqlx::query(
            "UPDATE learning_circles SET status = $1, reden = $2, updated_at = $3 WHERE id = $4 AND status = $5",
        )
        .bind(CircleStatus::Afgewezen.as_str())
        .bind(rejected.reden.as_str());
        let done = leave_waiting(&mut tx, q, id, &self.now()).await?;
        rejected.commit(self, tx, done, "leerkring", id).await
    }
}
