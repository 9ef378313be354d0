//! Peer consent on learning questions: who agreed to be introduced to others with the same
//! question, what they share, and withdrawing it (which stops their open introductions).

use super::questions::question;
use super::{flag, Columns, Store, StoreError};
use crate::domain::question::LearningQuestion;

/// What an asker agreed to share with a peer (each optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerShare {
    /// Display name.
    pub naam: Option<String>,
    /// Organisation.
    pub organisatie: Option<String>,
    /// Role: target group and sector.
    pub rol: bool,
    /// Municipality.
    pub gemeente: bool,
}

/// A question whose asker consented to peer contact.
#[derive(Debug, Clone)]
pub struct PeerRow {
    /// The question.
    pub question: LearningQuestion,
    /// The asker's address (never shown before both sides accept an introduction).
    pub email: String,
    /// What the asker shares.
    pub share: PeerShare,
}

impl Store {
    /// The questions whose askers consented to peer contact and left an address, by id.
    pub async fn peer_questions(&self) -> Result<Vec<PeerRow>, StoreError> {
        self.rows(
            "SELECT id, vraag, doelgroep, sector, gemeente, themas, datum, email, peer_naam, \
             peer_organisatie, peer_rol, peer_gemeente FROM learning_questions \
             WHERE peer_consent = 1 AND email IS NOT NULL ORDER BY id",
            |r| {
                Ok(PeerRow {
                    question: question(r)?,
                    email: r.col("email")?,
                    share: PeerShare {
                        naam: r.col("peer_naam")?,
                        organisatie: r.col("peer_organisatie")?,
                        rol: flag(r, "peer_rol")?,
                        gemeente: flag(r, "peer_gemeente")?,
                    },
                })
            },
        )
        .await
    }

    /// Gives (`Some`) or withdraws (`None`) peer consent on the question `id` of the asker with
    /// `email`; withdrawing also forgets what was shared. False when no such question is theirs.
    pub async fn set_peer_consent(
        &self,
        id: &str,
        email: &str,
        share: Option<&PeerShare>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE learning_questions SET peer_consent = $1, peer_naam = $2, peer_organisatie = $3, \
             peer_rol = $4, peer_gemeente = $5, updated_at = $6 \
             WHERE id = $7 AND email IS NOT NULL AND lower(email) = lower($8)",
        )
        .bind(i64::from(share.is_some()))
        .bind(share.and_then(|s| s.naam.clone()))
        .bind(share.and_then(|s| s.organisatie.clone()))
        .bind(i64::from(share.is_some_and(|s| s.rol)))
        .bind(i64::from(share.is_some_and(|s| s.gemeente)))
        .bind(self.now())
        .bind(id)
        .bind(email)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done > 0 && share.is_none() {
            super::introductions::stop_introductions(&mut tx, id, &self.now()).await?;
        }
        self.commit(tx, None, None).await?;
        Ok(done > 0)
    }
}
