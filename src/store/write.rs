//! The write transaction and how it ends: one writer at a time, the form key accepted once, the
//! audit records, the change counters and the mails committed with the change.

use chrono::Utc;

use super::audit::{self, Change};
use super::outbox::{self, OutgoingMail};
use super::{stamp, Backend, Store, StoreError};
use crate::domain::status::RejectionReason;

/// Records inside `tx` that the shown form `once` is accepted; [`StoreError::AlreadySent`] when it
/// was before. Keys older than a day are removed on the way.
pub(crate) async fn accept_once(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    once: &str,
    now: chrono::DateTime<Utc>,
) -> Result<(), StoreError> {
    let ts = stamp(now);
    let cutoff = stamp(now - chrono::TimeDelta::days(1));
    sqlx::query("DELETE FROM used_form_tokens WHERE used_at < $1")
        .bind(&cutoff)
        .execute(&mut **tx)
        .await?;
    let added = sqlx::query(
        "INSERT INTO used_form_tokens (token, used_at) VALUES ($1, $2) ON CONFLICT (token) DO NOTHING",
    )
    .bind(once)
    .bind(&ts)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if added == 0 {
        return Err(StoreError::AlreadySent);
    }
    Ok(())
}

/// A change counter in `meta`: readers compare it to notice a committed change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counter {
    /// Offerings and the taxonomy (`catalog_version`).
    Catalog,
    /// Learning questions and development tracks (`demand_version`).
    Demand,
}

impl Counter {
    /// Its key in `meta`.
    pub(super) fn key(self) -> &'static str {
        match self {
            Counter::Catalog => "catalog_version",
            Counter::Demand => "demand_version",
        }
    }
}

/// A moderator's rejection of something waiting (a submission, a circle): the reason, the mail to
/// whoever sent it in, and who rejected it.
#[derive(Debug, Clone, Copy)]
pub struct Rejected<'a> {
    /// Why, as the sender gets to read it.
    pub reden: &'a RejectionReason,
    /// The mail to the sender, written with the rejection.
    pub mail: Option<&'a OutgoingMail>,
    /// Who rejected it, for the audit log.
    pub actor: &'a str,
}

impl Store {
    /// A write transaction; write transactions run one at a time, also across instances. SQLite
    /// takes its write lock at the start (`BEGIN IMMEDIATE`), waiting up to the busy timeout;
    /// PostgreSQL takes a transaction-scoped advisory lock. So a transaction that reads before it
    /// writes cannot fail half-way, nor act on a stale read, because another connection wrote in
    /// between.
    pub(crate) async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        match self.backend {
            Backend::Sqlite(_) => Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(_) => {
                let mut tx = self.pool.begin().await?;
                // Wait as long as SQLite's busy timeout, not for ever.
                sqlx::query("SET LOCAL lock_timeout = '10s'")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("SELECT pg_advisory_xact_lock(7420411)")
                    .execute(&mut *tx)
                    .await?;
                Ok(tx)
            }
        }
    }

    /// Ends a write transaction: records `changes` in the audit log, moves `counter` when given, and
    /// commits, so that the change, its audit records and the counter land together.
    pub(crate) async fn commit<'a>(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        changes: impl IntoIterator<Item = Change<'a>>,
        counter: Option<Counter>,
    ) -> Result<(), StoreError> {
        let ts = self.now();
        for change in changes {
            audit::record(&mut tx, &change, &ts).await?;
        }
        if let Some(counter) = counter {
            bump(&mut tx, counter).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Ends a write that changed `done` rows: when it changed none, nothing is kept (false);
    /// otherwise queues `mails`, records `change`, moves `counter` and commits (true).
    pub(crate) async fn commit_if_done<'m>(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        done: u64,
        mails: impl IntoIterator<Item = &'m OutgoingMail>,
        change: Change<'_>,
        counter: Option<Counter>,
    ) -> Result<bool, StoreError> {
        if done == 0 {
            return Ok(false);
        }
        let ts = self.now();
        for m in mails {
            outbox::enqueue(&mut tx, m, &ts).await?;
        }
        self.commit(tx, [change], counter).await?;
        Ok(true)
    }
}

impl<'a> Rejected<'a> {
    /// The rejection for `reden`, with the `mail` to the sender, by `actor`.
    pub fn new(
        reden: &'a RejectionReason,
        mail: Option<&'a OutgoingMail>,
        actor: &'a str,
    ) -> Rejected<'a> {
        Rejected { reden, mail, actor }
    }

    /// Ends the rejection of `entity` `id`, a write that changed `done` rows (see
    /// [`Store::commit_if_done`]): the mail queued and "afgewezen" with the reason in the audit log.
    pub(crate) async fn commit(
        self,
        store: &Store,
        tx: sqlx::Transaction<'static, sqlx::Any>,
        done: u64,
        entity: &str,
        id: i64,
    ) -> Result<bool, StoreError> {
        let change = Change::new(self.actor, "afgewezen", entity, id)
            .after(serde_json::json!({"reden": self.reden.as_str()}));
        store
            .commit_if_done(tx, done, self.mail, change, None)
            .await
    }
}

/// Moves `counter` inside the transaction `tx` (for a write that moves two counters).
pub(crate) async fn bump(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    counter: Counter,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = $1")
        .bind(counter.key())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
