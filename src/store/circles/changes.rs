//! Changes the facilitator (or the coordination point) makes to a whole learning circle:
//! editing what it is, and stopping it with a mail to every member, each audited.

use serde_json::json;

use super::bind_what;
use crate::domain::circle::{CircleStatus, LearningCircle};
use crate::store::audit::Change;
use crate::store::outbox::OutgoingMail;
use crate::store::{bump, Counter, Store, StoreError};

impl Store {
    /// Replaces what the circle `id` is (name, description, learning questions, for whom, form,
    /// rhythm, duration, facilitation, access, themes, vraagstuk) with those of `c`; its slug,
    /// status and links stay. False when it is not waiting or active.
    pub async fn update_circle(
        &self,
        id: i64,
        c: &LearningCircle,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let before: Option<String> =
            sqlx::query_scalar("SELECT titel FROM learning_circles WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let update = sqlx::query(
            "UPDATE learning_circles SET titel = $1, omschrijving = $2, leervragen = $3, doelgroepen = $4, \
             sectoren = $5, vorm = $6, ritme = $7, looptijd = $8, begeleiding = $9, toegang = $10, \
             themas = $11, vraagstuk = $12, updated_at = $13 WHERE id = $14 AND status IN ($15, $16)",
        );
        let done = bind_what(update, c)
            .bind(self.now())
            .bind(id)
            .bind(CircleStatus::Ingediend.as_str())
            .bind(CircleStatus::Actief.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // The offerings a circle produced name it as their origin, from the catalogue snapshot.
        if before.as_deref() != Some(c.titel.as_str()) {
            bump(&mut tx, Counter::Catalog).await?;
        }
        let change = Change::new(actor, "bewerkt", "leerkring", id)
            .after(json!({"titel": c.titel, "toegang": c.toegang.as_str()}));
        self.commit_if_done(tx, done, [], change, Some(Counter::Demand))
            .await
    }

    /// Stops the active circle `id`, with the `mails` to its members, in one transaction; it
    /// leaves the public list, the agenda and the gaps. False when it was not active.
    pub async fn stop_circle(
        &self,
        id: i64,
        mails: &[OutgoingMail],
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE learning_circles SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(CircleStatus::Gestopt.as_str())
        .bind(self.now())
        .bind(id)
        .bind(CircleStatus::Actief.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let change = Change::new(actor, "gestopt", "leerkring", id)
            .after(json!({"leden_gemaild": mails.len()}));
        self.commit_if_done(tx, done, mails, change, Some(Counter::Demand))
            .await
    }
}
