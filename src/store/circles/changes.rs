//! Changes the facilitator (or the coordination point) makes to a whole learning circle:
//! editing what it is, and stopping it with a mail to every member, each audited.

use serde_json::json;

use crate::domain::circle::{CircleStatus, LearningCircle};
use crate::store::audit::Change;
use crate::store::outbox::{enqueue, OutgoingMail};
use crate::store::{commit, list_json, now, Counter, Store, StoreError};

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
        let done = sqlx::query(
            "UPDATE learning_circles SET titel = $1, omschrijving = $2, leervragen = $3, doelgroepen = $4, \
             sectoren = $5, vorm = $6, ritme = $7, looptijd = $8, begeleiding = $9, toegang = $10, \
             themas = $11, vraagstuk = $12, updated_at = $13 WHERE id = $14 AND status IN ($15, $16)",
        )
        .bind(&c.titel)
        .bind(&c.omschrijving)
        .bind(list_json(&c.leervragen))
        .bind(list_json(&c.doelgroepen))
        .bind(list_json(&c.sectoren))
        .bind(&c.vorm)
        .bind(&c.ritme)
        .bind(&c.looptijd)
        .bind(&c.begeleiding)
        .bind(c.toegang.as_str())
        .bind(list_json(&c.themas))
        .bind(&c.vraagstuk)
        .bind(now())
        .bind(id)
        .bind(CircleStatus::Ingediend.as_str())
        .bind(CircleStatus::Actief.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(false);
        }
        let change = Change::new(actor, "bewerkt", "leerkring", id)
            .after(json!({"titel": c.titel, "toegang": c.toegang.as_str()}));
        commit(tx, [change], Some(Counter::Demand)).await?;
        Ok(true)
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
        .bind(now())
        .bind(id)
        .bind(CircleStatus::Actief.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(false);
        }
        for m in mails {
            enqueue(&mut tx, m).await?;
        }
        let change = Change::new(actor, "gestopt", "leerkring", id)
            .after(json!({"leden_gemaild": mails.len()}));
        commit(tx, [change], Some(Counter::Demand)).await?;
        Ok(true)
    }
}
