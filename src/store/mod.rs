//! Persistence: the one module that talks SQL, to SQLite (one file, the default) or PostgreSQL
//! (several instances), through sqlx's `Any` driver. The SQL is portable (`$n` parameters, text
//! timestamps, JSON lists as text, integer flags, `ON CONFLICT` upserts); the few differences live in
//! [`Backend`]. Use [`StoreError`] for every failure here; callers map it to their own error type.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{NaiveDate, Utc};

use crate::domain::clock::Clock;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, Connection, Executor, Row};

mod audit;
mod backup;
mod circles;
mod contact;
mod dashboard;
mod follows;
mod introductions;
mod matches;
mod offerings;
mod outbox;
mod participants;
mod peers;
mod privacy;
mod providers;
mod questions;
mod rounds;
pub mod sessions;
mod snapshots;
mod submissions;
mod tracks;
mod users;
mod write;

pub use audit::AuditEntry;
pub use backup::BackupReport;
pub use circles::{
    CircleMeeting, Invitation, Member, NewInvitation, SentAnnouncement, Shown, INVITATION_DAYS,
};
pub use contact::{ContactMessage, ContactReply};
pub use dashboard::DashboardCounts;
pub use follows::{AnswerRow, DigestMail, FollowEvent, FollowerRow};
pub use introductions::{IntroRequest, IntroSide, Introduction, INTRODUCTION_DAYS};
pub use matches::QuestionMatch;
pub use offerings::{OfferingSummary, StoredOffering};
pub use outbox::{OutboxCounts, OutboxRow, OutgoingMail};
pub use participants::{
    new_token as new_link_token, OwnQuestion, Participant, PendingFollow, SignedIn, LINK_MINUTES,
};
pub use peers::{PeerRow, PeerShare};
pub use questions::{
    DemandRow, InboxFilter, InboxItem, MatchedQuestion, QuestionState, SiteQuestion,
};
pub use rounds::RoundSummary;
pub use snapshots::SnapshotEntry;
pub use submissions::Submission;
pub use users::User;
pub use write::Rejected;
pub(crate) use write::{accept_once, bump, Counter};

/// A failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database reported an error.
    #[error("databasefout: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migratie mislukt: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The row exists already (a unique value is taken).
    #[error("bestaat al: {0}")]
    Conflict(String),
    /// A stored row could not be read back.
    #[error("onleesbare rij in de database: {0}")]
    Corrupt(String),
    /// A file next to the database could not be written.
    #[error("bestandsfout: {0}")]
    Io(#[from] std::io::Error),
    /// The operation is not available on this database.
    #[error("{0}")]
    Unsupported(String),
    /// This shown form was accepted before (a reload or a double click).
    #[error("dit formulier is al verstuurd")]
    AlreadySent,
}

/// The settings of every SQLite connection, run when it opens: WAL journal, `synchronous=FULL` so
/// that a committed write survives a crash, foreign keys on, up to 10 s wait for the write lock.
pub(crate) const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";

/// The SQLite driver's options for the file at `path` (connections still need [`SQLITE_PRAGMAS`]).
pub(crate) fn sqlite_options(path: &Path) -> Result<SqliteConnectOptions, StoreError> {
    Ok(SqliteConnectOptions::from_str(&sqlite_url(path))?)
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// A file or folder that belongs to the database `db`: next to a SQLite file
/// (`wijkwijzer.db.index`), or in the working folder for PostgreSQL (`wijkwijzer.index`).
pub fn beside_db(db: &Path, suffix: &str) -> PathBuf {
    if Backend::parse(db).is_postgres() {
        return PathBuf::from(format!("wijkwijzer{suffix}"));
    }
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    db.with_file_name(name)
}

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file (the default).
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL database, given by its URL; several instances may share it.
    Postgres(String),
}

impl Backend {
    /// Reads `--db`: a `postgres://` or `postgresql://` URL, or else the path of a SQLite file.
    pub fn parse(db: &Path) -> Backend {
        let s = db.to_string_lossy();
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Backend::Postgres(s.into_owned())
        } else {
            Backend::Sqlite(db.to_path_buf())
        }
    }

    /// A Dutch message when `db` looks like a URL of a database kind the platform does not
    /// speak (`mysql://…`), rather than a file name.
    pub fn unknown_kind(db: &Path) -> Option<String> {
        let text = db.to_string_lossy();
        match Backend::parse(db) {
            Backend::Sqlite(_) => text.split_once("://").map(|(scheme, _)| {
                format!(
                    "onbekend soort database '{scheme}://…': geef het pad van een SQLite-bestand of een postgres://-adres"
                )
            }),
            Backend::Postgres(_) => None,
        }
    }

    /// True for PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Backend::Postgres(_))
    }

    /// A condition that the JSON list in `column` (text) contains the text parameter `param`.
    pub(crate) fn json_list_contains(&self, column: &str, param: &str) -> String {
        match self {
            Backend::Sqlite(_) => {
                format!("EXISTS (SELECT 1 FROM json_each({column}) WHERE value = {param})")
            }
            Backend::Postgres(_) => format!(
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CAST({column} AS jsonb)) AS e(value) \
                 WHERE e.value = {param})"
            ),
        }
    }
}

/// The database handle, cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: Clock,
}

/// Reading the columns of a row without panicking: a missing column, or a value that does not
/// decode as the type asked for, is a [`StoreError::Corrupt`] naming the column.
pub(crate) trait Columns {
    /// The value of column `index` (a name or a position).
    fn col<'r, T, I>(&'r self, index: I) -> Result<T, StoreError>
    where
        T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
        I: sqlx::ColumnIndex<AnyRow> + std::fmt::Debug + Copy;
}

impl Columns for AnyRow {
    fn col<'r, T, I>(&'r self, index: I) -> Result<T, StoreError>
    where
        T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
        I: sqlx::ColumnIndex<AnyRow> + std::fmt::Debug + Copy,
    {
        self.try_get(index)
            .map_err(|e| StoreError::Corrupt(format!("kolom {index:?}: {e}")))
    }
}

/// A read from a text column that must parse (a status, a location): other text is a
/// [`StoreError::Corrupt`].
pub(crate) fn parsed<T>(
    r: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let text: &str = r.col(column)?;
    parse(text).ok_or_else(|| StoreError::Corrupt(format!("{column} '{text}'")))
}

/// A read from an integer flag column (0 or 1).
pub(crate) fn flag(r: &AnyRow, column: &str) -> Result<bool, StoreError> {
    Ok(r.col::<i64, _>(column)? != 0)
}

/// A read from a nullable integer flag column.
pub(crate) fn opt_flag(r: &AnyRow, column: &str) -> Result<Option<bool>, StoreError> {
    Ok(r.col::<Option<i64>, _>(column)?.map(|v| v != 0))
}

/// A moment as the store writes it (RFC 3339 UTC with milliseconds, so that text order is time
/// order).
pub(crate) fn stamp(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn list_json(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

pub(crate) fn parse_list(s: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse_date(s: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    s.map(|d| {
        NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(e.to_string()))
    })
    .transpose()
}

impl Store {
    /// Opens the database that `db` names (see [`Backend::parse`]) and runs the migrations.
    pub async fn open(db: &Path) -> Result<Store, StoreError> {
        let backend = Backend::parse(db);
        if let Some(message) = Backend::unknown_kind(db) {
            return Err(StoreError::Unsupported(message));
        }
        if let Backend::Sqlite(path) = &backend {
            return Store::connect(backend.clone()).await.map_err(|e| match e {
                StoreError::Database(e) => StoreError::Unsupported(format!(
                    "kan database {} niet openen of aanmaken: {e}",
                    path.display()
                )),
                other => other,
            });
        }
        Store::connect(backend).await
    }

    /// Opens (creating a SQLite file if needed) the database and runs the migrations.
    /// SQLite: WAL journal, foreign keys on, `synchronous=FULL` so that a committed write survives a
    /// crash. PostgreSQL: the database must exist; the tables are created on first start.
    pub async fn connect(backend: Backend) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let pool = match &backend {
            Backend::Sqlite(path) => {
                // Create the file with the SQLite driver itself, then connect through `Any`.
                let create = sqlite_options(path)?.create_if_missing(true);
                sqlx::SqliteConnection::connect_with(&create)
                    .await?
                    .close()
                    .await?;
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(SQLITE_PRAGMAS).await?;
                            Ok(())
                        })
                    })
                    .connect(&sqlite_url(path))
                    .await?
            }
            Backend::Postgres(url) => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .connect(url)
                    .await?
            }
        };
        match &backend {
            Backend::Sqlite(_) => sqlx::migrate!("./migrations").run(&pool).await?,
            Backend::Postgres(_) => sqlx::migrate!("./migrations-postgres").run(&pool).await?,
        }
        Ok(Store {
            pool,
            backend,
            clock: Clock::system(),
        })
    }

    /// The same store with the moments it writes read from `clock` (a fixed moment in tests).
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// Where the moments the store writes come from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The current moment as the store writes it ([`stamp`]).
    pub(crate) fn now(&self) -> String {
        stamp(self.clock.now())
    }

    /// The database this store talks to.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Runs statement `q` on its own (no transaction); true when it changed a row.
    pub(crate) async fn changed_row<'q>(
        &self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<bool, StoreError> {
        Ok(q.execute(self.pool()).await?.rows_affected() > 0)
    }

    /// The pool (tests use it to set up rows).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes the database cleanly at shutdown: on SQLite the write-ahead log is first written
    /// into the database file, so that the file alone is the whole database again.
    pub async fn close(&self) {
        if matches!(self.backend, Backend::Sqlite(_)) {
            // A connection whose task was just stopped may still be rolling back, or a background
            // job may still be reading: the checkpoint reports "busy" then, so it is tried again
            // for up to five seconds.
            for _ in 0..250 {
                match sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .fetch_one(&self.pool)
                    .await
                {
                    Ok(row) if row.col::<i64, _>(0).unwrap_or(1) == 0 => break,
                    Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                    Err(e) => {
                        tracing::warn!(error = %e, "write-ahead log wegschrijven mislukt");
                        break;
                    }
                }
            }
        }
        self.pool.close().await;
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// The row that `sql` finds for `key` (its one parameter, `$1`), read by `read`.
    pub(crate) async fn row_by<'q, K, T>(
        &self,
        sql: &'q str,
        key: K,
        read: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError>
    where
        K: 'q + Send + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        let row = sqlx::query(sql)
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(read).transpose()
    }

    /// Every row that `sql` finds, read by `read`; `key` is its parameter `$1`, if it has one.
    pub(crate) async fn rows_by<'q, K, T>(
        &self,
        sql: &'q str,
        key: Option<K>,
        read: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError>
    where
        K: 'q + Send + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        let mut q = sqlx::query(sql);
        if let Some(key) = key {
            q = q.bind(key);
        }
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter().map(read).collect()
    }

    /// Every row that `sql` (without parameters) finds, read by `read`.
    pub(crate) async fn rows<T>(
        &self,
        sql: &str,
        read: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        self.rows_by::<i64, T>(sql, None, read).await
    }

    /// A change counter kept in `meta`.
    async fn counter(&self, counter: Counter) -> Result<i64, StoreError> {
        let key = counter.key();
        let row = sqlx::query("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        let v: String = row.col(0)?;
        v.parse()
            .map_err(|_| StoreError::Corrupt(format!("{key} '{v}'")))
    }
}

impl Store {
    /// The secret that signs form tokens; created on first use and shared by all instances.
    pub async fn form_secret(&self) -> Result<Vec<u8>, StoreError> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh)
            .map_err(|e| StoreError::Corrupt(format!("geen willekeur: {e}")))?;
        let hex = crate::security::hex(&fresh);
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('form_secret', $1) ON CONFLICT (key) DO NOTHING",
        )
        .bind(hex)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT value FROM meta WHERE key = 'form_secret'")
            .fetch_one(&self.pool)
            .await?;
        let v: String = row.col(0)?;
        Ok(v.into_bytes())
    }
}

#[cfg(test)]
mod tests {

    /// Tables and their columns as the migrations in `dir` leave them (`CREATE TABLE` and
    /// `ALTER TABLE … ADD COLUMN`; types are left out, as the two databases spell them apart).
    fn schema(dir: &str) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
        let mut tables = std::collections::BTreeMap::new();
        let mut files: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let text: String = std::fs::read_to_string(&file)
                .unwrap()
                .lines()
                .map(|l| l.split("--").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            for statement in text.split(';') {
                let words: Vec<&str> = statement.split_whitespace().collect();
                let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
                if lower.starts_with(&["create".into(), "table".into()]) {
                    let name = statement
                        .split('(')
                        .next()
                        .unwrap()
                        .split_whitespace()
                        .last()
                        .unwrap()
                        .to_lowercase();
                    let body =
                        &statement[statement.find('(').unwrap() + 1..statement.rfind(')').unwrap()];
                    let mut depth = 0;
                    let mut part = String::new();
                    let mut parts = Vec::new();
                    for c in body.chars() {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            ',' if depth == 0 => {
                                parts.push(std::mem::take(&mut part));
                                continue;
                            }
                            _ => {}
                        }
                        part.push(c);
                    }
                    parts.push(part);
                    let columns = parts
                        .iter()
                        .filter_map(|p| p.split_whitespace().next())
                        .map(str::to_lowercase)
                        .filter(|w| {
                            !["primary", "unique", "foreign", "check", "constraint"]
                                .contains(&w.as_str())
                        })
                        .collect();
                    tables.insert(name, columns);
                } else if lower.len() > 5
                    && lower[0] == "alter"
                    && lower[3] == "add"
                    && lower[4] == "column"
                {
                    tables
                        .entry(lower[2].clone())
                        .or_insert_with(std::collections::BTreeSet::new)
                        .insert(lower[5].clone());
                }
            }
        }
        tables
    }

    #[test]
    fn sqlite_and_postgres_schemas_have_the_same_tables_and_columns() {
        let sqlite = schema("migrations");
        let postgres = schema("migrations-postgres");
        assert!(sqlite.len() >= 15, "{sqlite:?}");
        assert_eq!(sqlite, postgres);
    }

    use super::*;

    #[test]
    fn db_argument_names_postgres_by_url_and_sqlite_by_path() {
        for url in [
            "postgres://u:p@db.internal/wijkwijzer",
            "postgresql://db/wijkwijzer?sslmode=require",
        ] {
            assert_eq!(
                Backend::parse(Path::new(url)),
                Backend::Postgres(url.to_string())
            );
        }
        for path in [
            "./wijkwijzer.db",
            "/var/lib/wijkwijzer/postgres.db",
            "postgres",
        ] {
            assert_eq!(
                Backend::parse(Path::new(path)),
                Backend::Sqlite(Path::new(path).to_path_buf())
            );
        }
    }
}
