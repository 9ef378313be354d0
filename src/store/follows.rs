//! Follows of participants, the change events alerts are made from (written by triggers, see
//! migration `0012_mijn.sql`), and the digest claims: a digest is a row per person and period,
//! written in the same transaction as its mail in the outbox, so that it is mailed once, also with
//! several instances, and a run that stops half-way is resumed, not repeated.

use super::outbox::OutgoingMail;
use super::{parsed, Columns, Store, StoreError};
use crate::domain::follow::{EventKind, Follow, FollowKind, Frequency};

/// A change that can be news: `nieuw` or `datum` (offering id), `traject` (track id), `antwoord`
/// (question id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowEvent {
    /// Row number (events are numbered in order).
    pub id: i64,
    /// What changed.
    pub kind: EventKind,
    /// The offering, track or question.
    pub ref_id: String,
}

/// A follow with its person, as the digest job reads it.
#[derive(Debug, Clone)]
pub struct FollowerRow {
    /// The participant.
    pub participant_id: i64,
    /// Their address.
    pub email: String,
    /// Events up to this one were mailed for this frequency.
    pub after: i64,
    /// The follow.
    pub follow: Follow,
    /// Events up to this one came before the follow.
    pub since_event: i64,
}

/// An answered own question that a participant has not been mailed about.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnswerRow {
    /// The participant.
    pub participant_id: i64,
    /// Their address.
    pub email: String,
    /// Their cursor of direct mails.
    pub after: i64,
    /// The event.
    pub event_id: i64,
    /// The question.
    pub vraag: String,
}

/// A digest ready to be mailed.
#[derive(Debug, Clone)]
pub struct DigestMail {
    /// The participant.
    pub participant_id: i64,
    /// Events up to here are in it (the cursor moves here).
    pub upto_event: i64,
    /// Items listed.
    pub items: i64,
    /// The mail.
    pub mail: OutgoingMail,
    /// Its one-click unsubscribe address (RFC 8058).
    pub unsubscribe: String,
}

/// Adds a follow inside `tx` (or changes its frequency); news counts from now on.
pub(crate) async fn add_follow(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    participant: i64,
    kind: FollowKind,
    value: &str,
    frequency: Frequency,
    ts: &str,
) -> Result<(), StoreError> {
    let last: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM follow_events")
        .fetch_one(&mut **tx)
        .await?
        .col(0)?;
    sqlx::query(
        "INSERT INTO follows (participant_id, soort, waarde, frequentie, since_event, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6) \
         ON CONFLICT (participant_id, soort, waarde) DO UPDATE SET frequentie = excluded.frequentie",
    )
    .bind(participant)
    .bind(kind.slug())
    .bind(value)
    .bind(frequency.slug())
    .bind(last)
    .bind(ts)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A follow row; `None` for a kind or frequency this version does not know.
fn follow(r: &sqlx::any::AnyRow) -> Result<Option<Follow>, StoreError> {
    let (Some(kind), Some(frequency)) = (
        FollowKind::parse(r.col::<&str, _>("soort")?),
        Frequency::parse(r.col::<&str, _>("frequentie")?),
    ) else {
        return Ok(None);
    };
    Ok(Some(Follow {
        id: r.col("id")?,
        kind,
        value: r.col("waarde")?,
        frequency,
    }))
}

impl Store {
    /// Adds a follow for a signed-in participant (or changes its frequency).
    pub async fn follow(
        &self,
        participant: i64,
        kind: FollowKind,
        value: &str,
        frequency: Frequency,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        add_follow(&mut tx, participant, kind, value, frequency, &self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A participant's follows, in the order they were added.
    pub async fn follows_of(&self, participant: i64) -> Result<Vec<Follow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, soort, waarde, frequentie FROM follows WHERE participant_id = $1 ORDER BY id",
        )
        .bind(participant)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            out.extend(follow(r)?);
        }
        Ok(out)
    }

    /// Changes how often a follow mails; false when it is not this participant's.
    pub async fn set_follow_frequency(
        &self,
        participant: i64,
        follow: i64,
        frequency: Frequency,
    ) -> Result<bool, StoreError> {
        self.changed_row(
            sqlx::query("UPDATE follows SET frequentie = $1 WHERE id = $2 AND participant_id = $3")
                .bind(frequency.slug())
                .bind(follow)
                .bind(participant),
        )
        .await
    }

    /// Stops a follow; false when it is not this participant's.
    pub async fn unfollow(&self, participant: i64, follow: i64) -> Result<bool, StoreError> {
        self.changed_row(
            sqlx::query("DELETE FROM follows WHERE id = $1 AND participant_id = $2")
                .bind(follow)
                .bind(participant),
        )
        .await
    }

    /// Stops every follow of a participant (the one-click unsubscribe); returns how many.
    pub async fn unfollow_all(&self, participant: i64) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let n = sqlx::query("DELETE FROM follows WHERE participant_id = $1")
            .bind(participant)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            let entity_id = participant.to_string();
            super::audit::record(
                &mut tx,
                &super::audit::Change::new(
                    "deelnemer",
                    "afgemeld voor alle mail",
                    "deelnemer",
                    &entity_id,
                ),
                &self.now(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// The events after `after`, oldest first.
    pub async fn follow_events(&self, after: i64) -> Result<Vec<FollowEvent>, StoreError> {
        sqlx::query("SELECT id, kind, ref_id FROM follow_events WHERE id > $1 ORDER BY id")
            .bind(after)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(FollowEvent {
                    id: r.col("id")?,
                    kind: parsed(r, "kind", EventKind::parse)?,
                    ref_id: r.col("ref_id")?,
                })
            })
            .collect()
    }

    /// The newest event number (0 when there is none).
    pub async fn last_follow_event(&self) -> Result<i64, StoreError> {
        sqlx::query("SELECT COALESCE(MAX(id), 0) FROM follow_events")
            .fetch_one(self.pool())
            .await?
            .col(0)
    }

    /// Every follow of `frequency` with its person and that person's cursor for it.
    pub async fn followers(&self, frequency: Frequency) -> Result<Vec<FollowerRow>, StoreError> {
        use futures_util::TryStreamExt;
        let cursor = match frequency {
            Frequency::Direct => "p.direct_after",
            Frequency::Wekelijks => "p.weekly_after",
        };
        let sql = format!(
            "SELECT f.id, f.soort, f.waarde, f.frequentie, f.since_event, p.id AS pid, p.email, \
             {cursor} AS after FROM follows f JOIN participants p ON p.id = f.participant_id \
             WHERE f.frequentie = $1 ORDER BY p.id, f.id"
        );
        // Row by row: a hundred thousand followers are never all held as database rows at once.
        let mut rows = sqlx::query(&sql).bind(frequency.slug()).fetch(self.pool());
        let mut out = Vec::new();
        while let Some(r) = rows.try_next().await? {
            let Some(follow) = follow(&r)? else {
                continue;
            };
            out.push(FollowerRow {
                participant_id: r.col("pid")?,
                email: r.col("email")?,
                after: r.col("after")?,
                since_event: r.col("since_event")?,
                follow,
            });
        }
        Ok(out)
    }

    /// Answers to participants' own questions given after their last direct mail.
    pub async fn unmailed_answers(&self, after: i64) -> Result<Vec<AnswerRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.id AS participant_id, p.email, p.direct_after AS after, e.id AS event_id, \
             q.vraag FROM follow_events e \
             JOIN learning_questions q ON q.id = e.ref_id \
             JOIN participants p ON lower(p.email) = lower(q.email) \
             WHERE e.kind = 'antwoord' AND e.id > $1 AND e.id > p.direct_after ORDER BY p.id, e.id",
        )
        .bind(after)
        .fetch_all(self.pool())
        .await?)
    }

    /// Mails a batch of digests for `period` in one transaction: per person, the digest row is
    /// claimed (`ON CONFLICT DO NOTHING`), and only when this run claimed it are the mail written
    /// to the outbox and the person's cursor for `frequency` moved. Returns how many were mailed.
    pub async fn mail_digests(
        &self,
        period: &str,
        frequency: Frequency,
        batch: &[DigestMail],
    ) -> Result<usize, StoreError> {
        if batch.is_empty() {
            return Ok(0);
        }
        let cursor = match frequency {
            Frequency::Direct => "direct_after",
            Frequency::Wekelijks => "weekly_after",
        };
        let ts = self.now();
        let mut tx = self.write().await?;
        let mut mailed = 0;
        for d in batch {
            let claimed = sqlx::query(
                "INSERT INTO digests (participant_id, period, upto_event, items, created_at) \
                 SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM participants WHERE id = $1) \
                 ON CONFLICT (participant_id, period) DO NOTHING",
            )
            .bind(d.participant_id)
            .bind(period)
            .bind(d.upto_event)
            .bind(d.items)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if !claimed {
                continue;
            }
            super::outbox::enqueue_unsubscribable(&mut tx, &d.mail, &d.unsubscribe, &ts).await?;
            sqlx::query(&format!(
                "UPDATE participants SET {cursor} = $1 WHERE id = $2 AND {cursor} < $1"
            ))
            .bind(d.upto_event)
            .bind(d.participant_id)
            .execute(&mut *tx)
            .await?;
            mailed += 1;
        }
        tx.commit().await?;
        Ok(mailed)
    }

    /// The participants whose digest of `period` was mailed.
    pub async fn digested(
        &self,
        period: &str,
    ) -> Result<std::collections::HashSet<i64>, StoreError> {
        let rows = sqlx::query("SELECT participant_id FROM digests WHERE period = $1")
            .bind(period)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| r.col::<i64, _>(0)).collect()
    }

    /// How many digests were mailed for `period` (tests and the benchmark).
    pub async fn digest_count(&self, period: &str) -> Result<i64, StoreError> {
        sqlx::query("SELECT COUNT(*) FROM digests WHERE period = $1")
            .bind(period)
            .fetch_one(self.pool())
            .await?
            .col(0)
    }
}
