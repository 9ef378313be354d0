//! Participants of Mijn WijkWijzer: accounts of the public that are only an e-mail address (and
//! an optional display name), their one-time sign-in links (stored hashed, single use, 15
//! minutes), bookmarks, the private feed token, their own questions, export and deletion, and the
//! retention of unused accounts.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Value};

use super::outbox::{enqueue, OutgoingMail};
use super::{parsed, stamp, Columns, Store, StoreError};
use crate::domain::follow::{FollowKind, Frequency};
use crate::domain::status::{MatchStatus, QuestionStatus};

/// How long a sign-in link works.
pub const LINK_MINUTES: i64 = 15;

/// A participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Row number.
    pub id: i64,
    /// The confirmed e-mail address.
    pub email: String,
    /// Optional display name.
    pub naam: Option<String>,
    /// When the account was made (RFC 3339).
    pub created_at: String,
    /// Sessions begun before this moment (Unix ms) are no longer valid.
    pub sessions_after: i64,
    /// Whether a private feed address is set.
    pub has_feed: bool,
}

/// A follow asked for before the address was confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingFollow {
    /// What is followed.
    pub kind: FollowKind,
    /// Its slug or search.
    pub value: String,
    /// How often.
    pub frequency: Frequency,
}

/// The outcome of a used sign-in link.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The participant (new or existing).
    pub participant: Participant,
    /// The follow that was waiting for the confirmation, if any.
    pub followed: Option<PendingFollow>,
}

/// One of a person's own learning questions, as the account page shows it.
#[derive(Debug, Clone)]
pub struct OwnQuestion {
    /// Question id.
    pub id: String,
    /// The question.
    pub vraag: String,
    /// Date asked (`YYYY-MM-DD`).
    pub datum: String,
    /// Handling status.
    pub status: QuestionStatus,
    /// The coordinator's answer, once given.
    pub antwoord: Option<String>,
    /// Offerings the engine suggested (ids).
    pub voorgesteld: Vec<String>,
    /// Offerings the coordinator confirmed (ids).
    pub bevestigd: Vec<String>,
    /// Whether the asker consented to peer contact on it.
    pub peer_consent: bool,
}

const COLUMNS: &str = "id, email, naam, created_at, sessions_after, feed_token_hash";

fn participant(r: &sqlx::any::AnyRow) -> Result<Participant, StoreError> {
    Ok(Participant {
        id: r.col("id")?,
        email: r.col("email")?,
        naam: r.col("naam")?,
        created_at: r.col("created_at")?,
        sessions_after: r.col("sessions_after")?,
        has_feed: r.col::<Option<String>, _>("feed_token_hash")?.is_some(),
    })
}

/// A fresh random token (32 bytes, hex) and its hash.
pub fn new_token() -> Result<(String, String), StoreError> {
    let token = crate::security::random_hex(32);
    if token.is_empty() {
        return Err(StoreError::Corrupt("geen willekeur beschikbaar".into()));
    }
    let hash = crate::security::token_hash(&token);
    Ok((token, hash))
}

impl Store {
    /// Stores a one-time sign-in link for `email`, made at `now` (with a follow to add once the
    /// address is confirmed) and writes the mail `mail(token)` to the outbox in the same
    /// transaction. Expired links are removed on the way.
    pub async fn sign_in_link(
        &self,
        email: &str,
        pending: Option<&PendingFollow>,
        now: DateTime<Utc>,
        mail: impl FnOnce(&str) -> OutgoingMail,
    ) -> Result<(), StoreError> {
        let (token, hash) = new_token()?;
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM participant_links WHERE expires_at < $1")
            .bind(stamp(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO participant_links (token_hash, email, follow_soort, follow_waarde, follow_frequentie, expires_at) \
             VALUES ($1,$2,$3,$4,$5,$6)",
        )
        .bind(&hash)
        .bind(email.to_lowercase())
        .bind(pending.map(|p| p.kind.slug()))
        .bind(pending.map(|p| p.value.clone()))
        .bind(pending.map(|p| p.frequency.slug()))
        .bind(stamp(now + TimeDelta::minutes(LINK_MINUTES)))
        .execute(&mut *tx)
        .await?;
        enqueue(&mut tx, &mail(&token), &self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether `token` is a sign-in link that still works at `now` (nothing is used up).
    pub async fn sign_in_link_valid(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(
            sqlx::query(
                "SELECT 1 FROM participant_links WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind(crate::security::token_hash(token))
            .bind(stamp(now))
            .fetch_optional(self.pool())
            .await?
            .is_some(),
        )
    }

    /// Uses a sign-in link once at `now`: confirms the address (making the account when new),
    /// adds the follow that waited for it. `None` when the link is unknown, used or expired.
    pub async fn use_sign_in_link(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SignedIn>, StoreError> {
        let ts = stamp(now);
        let mut tx = self.write().await?;
        let Some(link) = sqlx::query(
            "DELETE FROM participant_links WHERE token_hash = $1 AND expires_at > $2 \
             RETURNING email, follow_soort, follow_waarde, follow_frequentie",
        )
        .bind(crate::security::token_hash(token))
        .bind(&ts)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let email: String = link.col("email")?;
        sqlx::query(
            "INSERT INTO participants (email, created_at, last_seen_at) VALUES ($1,$2,$3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&email)
        .bind(&ts)
        .bind(&ts)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE participants SET last_seen_at = $1, warned_at = NULL WHERE lower(email) = lower($2)",
        )
        .bind(&ts)
        .bind(&email)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM participants WHERE lower(email) = lower($1)"
        ))
        .bind(&email)
        .fetch_one(&mut *tx)
        .await?;
        let p = participant(&row)?;
        let followed = match (
            link.col::<Option<String>, _>("follow_soort")?
                .as_deref()
                .and_then(FollowKind::parse),
            link.col::<Option<String>, _>("follow_waarde")?,
            link.col::<Option<String>, _>("follow_frequentie")?
                .as_deref()
                .and_then(Frequency::parse),
        ) {
            (Some(kind), Some(value), Some(frequency)) => {
                super::follows::add_follow(&mut tx, p.id, kind, &value, frequency, &ts).await?;
                Some(PendingFollow {
                    kind,
                    value,
                    frequency,
                })
            }
            _ => None,
        };
        tx.commit().await?;
        Ok(Some(SignedIn {
            participant: p,
            followed,
        }))
    }

    /// A participant by row number.
    pub async fn participant(&self, id: i64) -> Result<Option<Participant>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM participants WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(participant).transpose()
    }

    /// Records that a participant used the site at `now` (for the retention of unused accounts),
    /// at most once an hour; a warning about deletion no longer holds.
    pub async fn participant_seen(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE participants SET last_seen_at = $1, warned_at = NULL WHERE id = $2 AND last_seen_at < $3",
        )
        .bind(stamp(now))
        .bind(id)
        .bind(stamp(now - TimeDelta::hours(1)))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Sets (or clears) the display name.
    pub async fn set_participant_name(
        &self,
        id: i64,
        naam: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE participants SET naam = $1 WHERE id = $2")
            .bind(naam)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends every session of a participant begun before `now` (sign out everywhere).
    pub async fn end_participant_sessions(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE participants SET sessions_after = $1 WHERE id = $2")
            .bind(now.timestamp_millis())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The learning questions asked with `email` (also before the account existed), newest
    /// first, with their suggested and confirmed offerings.
    pub async fn own_questions(&self, email: &str) -> Result<Vec<OwnQuestion>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, vraag, datum, status, antwoord, peer_consent FROM learning_questions \
             WHERE lower(email) = lower($1) ORDER BY created_at DESC, id",
        )
        .bind(email)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.col("id")?;
            let matches = sqlx::query(
                "SELECT offering_id, status FROM question_matches WHERE question_id = $1 ORDER BY position",
            )
            .bind(&id)
            .fetch_all(self.pool())
            .await?;
            let mut voorgesteld = Vec::new();
            let mut bevestigd = Vec::new();
            for m in &matches {
                let offering: String = m.col("offering_id")?;
                match parsed(m, "status", MatchStatus::parse)? {
                    MatchStatus::Voorgesteld => voorgesteld.push(offering),
                    MatchStatus::Bevestigd => bevestigd.push(offering),
                    MatchStatus::Verwijderd => {}
                }
            }
            out.push(OwnQuestion {
                peer_consent: super::flag(&r, "peer_consent")?,
                voorgesteld,
                bevestigd,
                id,
                vraag: r.col("vraag")?,
                datum: r.col("datum")?,
                status: parsed(&r, "status", QuestionStatus::parse)?,
                antwoord: r.col("antwoord")?,
            });
        }
        Ok(out)
    }

    /// Everything stored about a participant, as JSON ("download my data").
    pub async fn participant_data(&self, p: &Participant) -> Result<Value, StoreError> {
        let mut data = self.personal_data(&p.email).await?;
        let follows: Vec<Value> = self
            .follows_of(p.id)
            .await?
            .into_iter()
            .map(|f| json!({"soort": f.kind.slug(), "waarde": f.value, "frequentie": f.frequency.slug()}))
            .collect();
        let bookmarks: Vec<Value> = self
            .bookmarks(p.id)
            .await?
            .into_iter()
            .map(|(id, at)| json!({"aanbod": id, "bewaard": at}))
            .collect();
        if let Some(obj) = data.as_object_mut() {
            obj.insert(
                "account".into(),
                json!({"email": p.email, "naam": p.naam, "aangemaakt": p.created_at, "feed": p.has_feed}),
            );
            obj.insert("volgt".into(), Value::Array(follows));
            obj.insert("bewaard".into(), Value::Array(bookmarks));
            obj.insert("leerkringen".into(), self.circle_data(p.id).await?);
        }
        Ok(data)
    }

    /// Deletes a participant's account, follows, bookmarks, digests, circle memberships, waiting
    /// sign-in links and circle invitations at once, audited without the address; returns the address (for erasing it elsewhere).
    pub async fn delete_participant(
        &self,
        id: i64,
        reason: &str,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.write().await?;
        let Some(row) = sqlx::query("SELECT email FROM participants WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let email: String = row.col(0)?;
        for sql in [
            "DELETE FROM follows WHERE participant_id = $1",
            "DELETE FROM bookmarks WHERE participant_id = $1",
            "DELETE FROM digests WHERE participant_id = $1",
            "DELETE FROM circle_members WHERE participant_id = $1",
            "DELETE FROM participants WHERE id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        for sql in [
            "DELETE FROM participant_links WHERE lower(email) = lower($1)",
            "DELETE FROM circle_invitations WHERE lower(email) = lower($1)",
        ] {
            sqlx::query(sql).bind(&email).execute(&mut *tx).await?;
        }
        let entity_id = id.to_string();
        super::audit::record(
            &mut tx,
            &super::audit::Change::new("deelnemer", reason, "deelnemer", &entity_id),
            &self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(email))
    }

    /// Bookmarks an offering (once).
    pub async fn bookmark(&self, id: i64, offering: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO bookmarks (participant_id, offering_id, created_at) VALUES ($1,$2,$3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(offering)
        .bind(self.now())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Removes a bookmark.
    pub async fn unbookmark(&self, id: i64, offering: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM bookmarks WHERE participant_id = $1 AND offering_id = $2")
            .bind(id)
            .bind(offering)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A participant's bookmarks `(offering id, when)`, newest first.
    pub async fn bookmarks(&self, id: i64) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT offering_id, created_at FROM bookmarks WHERE participant_id = $1 \
             ORDER BY created_at DESC, offering_id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok((r.col(0)?, r.col(1)?))).collect()
    }

    /// Gives a participant a new private feed token (the old one stops working); returns it.
    pub async fn new_feed_token(&self, id: i64) -> Result<String, StoreError> {
        let (token, hash) = new_token()?;
        sqlx::query("UPDATE participants SET feed_token_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(token)
    }

    /// Revokes the private feed.
    pub async fn revoke_feed_token(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE participants SET feed_token_hash = NULL WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The participant whose private feed token is `token`.
    pub async fn participant_by_feed(
        &self,
        token: &str,
    ) -> Result<Option<Participant>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM participants WHERE feed_token_hash = $1"
        ))
        .bind(crate::security::token_hash(token))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(participant).transpose()
    }

    /// Retention of unused accounts at `now`: accounts not used since `unused_since` get the
    /// warning `warn(email)` (once, through the outbox); accounts warned before `warned_before`
    /// and still unused are deleted. Returns `(warned, deleted)`.
    pub async fn retain_participants(
        &self,
        now: &str,
        unused_since: &str,
        warned_before: &str,
        warn: impl Fn(&str) -> OutgoingMail,
    ) -> Result<(u64, u64), StoreError> {
        let mut tx = self.write().await?;
        let to_warn = sqlx::query(
            "SELECT id, email FROM participants WHERE last_seen_at < $1 AND warned_at IS NULL",
        )
        .bind(unused_since)
        .fetch_all(&mut *tx)
        .await?;
        let ts = now;
        for r in &to_warn {
            let email: String = r.col(1)?;
            enqueue(&mut tx, &warn(&email), ts).await?;
            sqlx::query("UPDATE participants SET warned_at = $1 WHERE id = $2")
                .bind(ts)
                .bind(r.col::<i64, _>(0)?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        let gone = sqlx::query(
            "SELECT id FROM participants WHERE warned_at IS NOT NULL AND warned_at < $1 AND last_seen_at < $2",
        )
        .bind(warned_before)
        .bind(unused_since)
        .fetch_all(self.pool())
        .await?;
        let mut deleted = 0;
        for r in gone {
            if let Some(email) = self
                .delete_participant(r.col(0)?, "account verwijderd na bewaartermijn")
                .await?
            {
                self.erase_person(&email, "systeem").await?;
                deleted += 1;
            }
        }
        Ok((to_warn.len() as u64, deleted))
    }
}
