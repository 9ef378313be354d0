//! Introductions between askers with the same question: asked by one, accepted or declined by
//! the other through a signed link; the details both consented to are exchanged only once both
//! said yes, and only while both still consent.

use chrono::{DateTime, TimeDelta, Utc};

use super::audit::Change;
use super::outbox::enqueue;
use super::peers::PeerShare;
use super::{flag, stamp, Columns, OutgoingMail, Store, StoreError};
use crate::domain::status::IntroductionStatus as Status;

/// How many days the link of an introduction works.
pub const INTRODUCTION_DAYS: i64 = 14;

/// Both askers consent and left an address: the condition every step checks again.
macro_rules! both_consent {
    () => {
        " AND EXISTS (SELECT 1 FROM learning_questions f WHERE f.id = peer_introductions.from_question \
     AND f.peer_consent = 1 AND f.email IS NOT NULL) \
     AND EXISTS (SELECT 1 FROM learning_questions t WHERE t.id = peer_introductions.to_question \
     AND t.peer_consent = 1 AND t.email IS NOT NULL)"
    };
}

/// One side of an introduction: the question, the address and what the asker shares.
#[derive(Debug, Clone, PartialEq)]
pub struct IntroSide {
    /// The question's id.
    pub question_id: String,
    /// The asker's address.
    pub email: String,
    /// The target group slug of the question.
    pub doelgroep: Option<String>,
    /// The sector slug.
    pub sector: Option<String>,
    /// The municipality.
    pub gemeente: Option<String>,
    /// What the asker agreed to share.
    pub share: PeerShare,
}

/// A pending introduction: who asked (`from`) and who is asked (`to`).
#[derive(Debug, Clone, PartialEq)]
pub struct Introduction {
    /// The asker who asked.
    pub from: IntroSide,
    /// The asker who decides.
    pub to: IntroSide,
}

/// What became of asking for an introduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntroRequest {
    /// Asked: the other asker is mailed.
    Sent,
    /// One of the two already asked the other and it is still open: nothing new is sent.
    AlreadyAsked,
    /// One of the two no longer consents: nothing is sent.
    NoConsent,
}

async fn side(
    conn: &mut sqlx::AnyConnection,
    question_id: &str,
) -> Result<Option<IntroSide>, StoreError> {
    let row = sqlx::query(
        "SELECT id, email, doelgroep, sector, gemeente, peer_naam, peer_organisatie, peer_rol, \
         peer_gemeente FROM learning_questions WHERE id = $1 AND peer_consent = 1 AND email IS NOT NULL",
    )
    .bind(question_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(IntroSide {
            question_id: r.col("id")?,
            email: r.col("email")?,
            doelgroep: r.col("doelgroep")?,
            sector: r.col("sector")?,
            gemeente: r.col("gemeente")?,
            share: PeerShare {
                naam: r.col("peer_naam")?,
                organisatie: r.col("peer_organisatie")?,
                rol: flag(&r, "peer_rol")?,
                gemeente: flag(&r, "peer_gemeente")?,
            },
        })
    })
    .transpose()
}

impl Store {
    /// Asks at `now` for an introduction of the asker of `from` to the asker of `to` (both must
    /// consent), with the link's `token_hash` and the `mail` to the other asker, in one
    /// transaction.
    pub async fn request_introduction(
        &self,
        from: &str,
        to: &str,
        token_hash: &str,
        mail: &OutgoingMail,
        now_at: DateTime<Utc>,
    ) -> Result<IntroRequest, StoreError> {
        let ts = stamp(now_at);
        let mut tx = self.write().await?;
        if side(&mut tx, from).await?.is_none() || side(&mut tx, to).await?.is_none() {
            return Ok(IntroRequest::NoConsent);
        }
        let open = sqlx::query(
            "SELECT 1 FROM peer_introductions WHERE status = $1 AND expires_at > $2 \
             AND ((from_question = $3 AND to_question = $4) OR (from_question = $4 AND to_question = $3))",
        )
        .bind(Status::Gevraagd.as_str())
        .bind(&ts)
        .bind(from)
        .bind(to)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Ok(IntroRequest::AlreadyAsked);
        }
        sqlx::query(
            "INSERT INTO peer_introductions (token_hash, from_question, to_question, status, created_at, expires_at) \
             VALUES ($1,$2,$3,$4,$5,$6)",
        )
        .bind(token_hash)
        .bind(from)
        .bind(to)
        .bind(Status::Gevraagd.as_str())
        .bind(&ts)
        .bind(stamp(now_at + TimeDelta::days(INTRODUCTION_DAYS)))
        .execute(&mut *tx)
        .await?;
        enqueue(&mut tx, mail, &ts).await?;
        let change = Change::new("deelnemer", "kennismaking gevraagd", "leervraag", from);
        self.commit(tx, [change], None).await?;
        Ok(IntroRequest::Sent)
    }

    /// The introduction behind a link, when it is still open at `now` and both still consent.
    pub async fn introduction(
        &self,
        token_hash: &str,
        now_at: DateTime<Utc>,
    ) -> Result<Option<Introduction>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let row = sqlx::query(concat!(
            "SELECT from_question, to_question FROM peer_introductions WHERE token_hash = $1 \
             AND status = $2 AND expires_at > $3",
            both_consent!()
        ))
        .bind(token_hash)
        .bind(Status::Gevraagd.as_str())
        .bind(stamp(now_at))
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let from: String = row.col("from_question")?;
        let to: String = row.col("to_question")?;
        let (Some(from), Some(to)) = (side(&mut conn, &from).await?, side(&mut conn, &to).await?)
        else {
            return Ok(None);
        };
        Ok(Some(Introduction { from, to }))
    }

    /// Decides an open introduction at `now`: accepted, the `mails` (the details for both) go
    /// to the outbox in the same transaction; declined, nothing is sent. False when the link no
    /// longer works (used, expired, or one of the two withdrew consent).
    pub async fn decide_introduction(
        &self,
        token_hash: &str,
        accept: bool,
        mails: &[OutgoingMail],
        now_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let ts = stamp(now_at);
        let mut tx = self.write().await?;
        let row = sqlx::query(concat!(
            "UPDATE peer_introductions SET status = $1, decided_at = $2 WHERE token_hash = $3 \
             AND status = $4 AND expires_at > $2",
            both_consent!(),
            " RETURNING to_question"
        ))
        .bind(
            if accept {
                Status::Aangenomen
            } else {
                Status::Afgewezen
            }
            .as_str(),
        )
        .bind(&ts)
        .bind(token_hash)
        .bind(Status::Gevraagd.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(false) };
        let to: String = row.col("to_question")?;
        if accept {
            for m in mails {
                enqueue(&mut tx, m, &ts).await?;
            }
        }
        let action = if accept {
            "kennismaking aangenomen"
        } else {
            "kennismaking afgewezen"
        };
        self.commit(
            tx,
            [Change::new("deelnemer", action, "leervraag", to)],
            None,
        )
        .await?;
        Ok(true)
    }
}

/// Stops the open introductions of the question `id` (its asker withdrew consent) inside
/// the caller's transaction.
pub(crate) async fn stop_introductions(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &str,
    now_at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE peer_introductions SET status = $1, decided_at = $2 WHERE status = $3 \
         AND (from_question = $4 OR to_question = $4)",
    )
    .bind(Status::Gestopt.as_str())
    .bind(now_at)
    .bind(Status::Gevraagd.as_str())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
