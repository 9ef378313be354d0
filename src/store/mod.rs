//! Persistence: the one module that talks SQL, to SQLite (one file, the default) or PostgreSQL
//! (several instances), through sqlx's `Any` driver. The SQL is portable (`$n` parameters, text
//! timestamps, JSON lists as text, integer flags, `ON CONFLICT` upserts); the few differences live in
//! [`Backend`]. Use [`StoreError`] for every failure here; callers map it to their own error type.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{NaiveDate, Utc};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, Connection, Executor, Row};

use crate::domain::matching::LabelledQuestion;
use crate::domain::offering::{Location, Offering};
use crate::domain::question::LearningQuestion;
use crate::domain::taxonomy::Taxonomy;

mod audit;
mod inbox;
mod outbox;
pub mod sessions;
mod tracks;
mod users;

pub use audit::AuditEntry;
pub use inbox::{
    is_closed, DashboardCounts, InboxFilter, InboxItem, QuestionMatch, Submission,
    QUESTION_STATUSES,
};
pub use outbox::{OutboxRow, OutgoingMail};
pub use users::User;

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

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// Size of the backup file in bytes.
    pub bytes: u64,
    /// Offerings in the backup.
    pub offerings: i64,
    /// Learning questions in the backup.
    pub questions: i64,
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
}

/// A read from an integer flag column (0 or 1).
pub(crate) fn flag(r: &AnyRow, column: &str) -> bool {
    r.get::<i64, _>(column) != 0
}

/// A read from a nullable integer flag column.
pub(crate) fn opt_flag(r: &AnyRow, column: &str) -> Option<bool> {
    r.get::<Option<i64>, _>(column).map(|v| v != 0)
}

/// An offering as stored, with its row sequence number (stable key for the search index).
#[derive(Debug, Clone)]
pub struct StoredOffering {
    /// Row key, unique and stable for the life of the row.
    pub seq: i64,
    /// The offering.
    pub offering: Offering,
    /// When it was first stored (RFC 3339).
    pub created_at: String,
    /// When it was last changed (RFC 3339).
    pub updated_at: String,
}

pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
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
        Ok(Store { pool, backend })
    }

    /// The database this store talks to.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Writes a consistent copy of the whole database to `target` while the platform keeps
    /// running (SQLite `VACUUM INTO`). The copy is written under a temporary name, checked with
    /// `PRAGMA integrity_check`, and only then linked to `target`; an existing `target` is never
    /// overwritten (`StoreError::Conflict`).
    pub async fn backup(&self, target: &Path) -> Result<BackupReport, StoreError> {
        if self.backend.is_postgres() {
            return Err(StoreError::Unsupported(
                "een backup van PostgreSQL maak je met pg_dump".into(),
            ));
        }
        if target.exists() {
            return Err(StoreError::Conflict(target.display().to_string()));
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "backup".to_string());
        let partial = target.with_file_name(format!(".{name}.deel-{}", std::process::id()));
        let _ = std::fs::remove_file(&partial);
        let result = self.backup_into(&partial).await;
        let report = match result {
            Ok(r) => r,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        // On disk before it gets its name, and the name on disk before we report success.
        let synced = std::fs::File::open(&partial).and_then(|f| f.sync_all());
        if let Err(e) = synced {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
        let linked = std::fs::hard_link(&partial, target);
        let _ = std::fs::remove_file(&partial);
        match linked {
            Ok(()) => {
                if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::File::open(dir).and_then(|d| d.sync_all())?;
                }
                Ok(report)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(StoreError::Conflict(target.display().to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn backup_into(&self, partial: &Path) -> Result<BackupReport, StoreError> {
        let path = partial.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO $1")
            .bind(&path)
            .execute(&self.pool)
            .await?;
        let options = SqliteConnectOptions::new()
            .filename(partial)
            .read_only(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await?;
        if check != "ok" {
            return Err(StoreError::Corrupt(format!("backup: {check}")));
        }
        let offerings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offerings")
            .fetch_one(&mut conn)
            .await?;
        let questions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM learning_questions")
            .fetch_one(&mut conn)
            .await?;
        conn.close().await?;
        Ok(BackupReport {
            bytes: std::fs::metadata(partial)?.len(),
            offerings,
            questions,
        })
    }

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

    /// The pool (tests use it to set up rows).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes the database cleanly at shutdown: on SQLite the write-ahead log is first written
    /// into the database file, so that the file alone is the whole database again.
    pub async fn close(&self) {
        if matches!(self.backend, Backend::Sqlite(_)) {
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await
            {
                tracing::warn!(error = %e, "write-ahead log wegschrijven mislukt");
            }
        }
        self.pool.close().await;
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// The stored taxonomy, or `None` when none was loaded yet.
    pub async fn taxonomy(&self) -> Result<Option<Taxonomy>, StoreError> {
        let row = sqlx::query("SELECT document FROM taxonomy WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            let doc: String = r.get(0);
            serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .transpose()
    }

    /// Stores the taxonomy, replacing the previous one.
    pub async fn save_taxonomy(&self, tax: &Taxonomy) -> Result<(), StoreError> {
        let doc = serde_json::to_string(tax).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO taxonomy (id, document, updated_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at",
        )
        .bind(doc)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The catalogue version: it changes on every committed catalogue change.
    pub async fn catalog_version(&self) -> Result<i64, StoreError> {
        self.counter("catalog_version").await
    }

    /// A change counter kept in `meta`.
    async fn counter(&self, key: &str) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        let v: String = row.get(0);
        v.parse()
            .map_err(|_| StoreError::Corrupt(format!("{key} '{v}'")))
    }

    /// Number of offerings.
    pub async fn count_offerings(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM offerings")
            .fetch_one(&self.pool)
            .await?
            .get(0))
    }

    /// Every published offering, ordered by id.
    pub async fn offerings(&self) -> Result<Vec<StoredOffering>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, id, titel, samenvatting, beschrijving, aanbieder, partners, vorm, themas, \
             doelgroepen, sectoren, trefwoorden, kosten, locatie, regio, startdatum, einddatum, url, \
             created_at, updated_at FROM offerings WHERE gepubliceerd = 1 ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let locatie: String = r.get("locatie");
                Ok(StoredOffering {
                    seq: r.get("seq"),
                    created_at: r.get("created_at"),
                    updated_at: r.get("updated_at"),
                    offering: Offering {
                        id: r.get("id"),
                        titel: r.get("titel"),
                        samenvatting: r.get("samenvatting"),
                        beschrijving: r.get("beschrijving"),
                        aanbieder: r.get("aanbieder"),
                        partners: parse_list(r.get("partners"))?,
                        vorm: r.get("vorm"),
                        themas: parse_list(r.get("themas"))?,
                        doelgroepen: parse_list(r.get("doelgroepen"))?,
                        sectoren: parse_list(r.get("sectoren"))?,
                        trefwoorden: parse_list(r.get("trefwoorden"))?,
                        kosten: r.get("kosten"),
                        locatie: Location::parse(&locatie)
                            .ok_or_else(|| StoreError::Corrupt(format!("locatie '{locatie}'")))?,
                        regio: r.get("regio"),
                        startdatum: parse_date(r.get("startdatum"))?,
                        einddatum: parse_date(r.get("einddatum"))?,
                        url: r.get("url"),
                    },
                })
            })
            .collect()
    }

    /// Inserts or updates offerings by id, all in one transaction.
    pub async fn upsert_offerings(&self, offerings: &[Offering]) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let ts = now();
        for o in offerings {
            upsert_offering(&mut tx, o, &ts).await?;
        }
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every learning question, ordered by id.
    pub async fn questions(&self) -> Result<Vec<LearningQuestion>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, vraag, doelgroep, sector, gemeente, themas, datum FROM learning_questions ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(LearningQuestion {
                    id: r.get("id"),
                    vraag: r.get("vraag"),
                    doelgroep: r.get("doelgroep"),
                    sector: r.get("sector"),
                    gemeente: r.get("gemeente"),
                    themas: parse_list(r.get("themas"))?,
                    datum: parse_date(Some(r.get("datum")))?
                        .ok_or_else(|| StoreError::Corrupt("datum".into()))?,
                })
            })
            .collect()
    }

    /// Inserts or updates learning questions by id, all in one transaction.
    pub async fn upsert_questions(&self, questions: &[LearningQuestion]) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let ts = now();
        for q in questions {
            sqlx::query(
                "INSERT INTO learning_questions (id, vraag, doelgroep, sector, gemeente, themas, datum, \
                 created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) \
                 ON CONFLICT (id) DO UPDATE SET vraag = excluded.vraag, doelgroep = excluded.doelgroep, \
                 sector = excluded.sector, gemeente = excluded.gemeente, themas = excluded.themas, \
                 datum = excluded.datum, updated_at = excluded.updated_at, themas_automatisch = 0, \
                 passend = CASE WHEN learning_questions.vraag = excluded.vraag \
                 AND learning_questions.doelgroep IS NOT DISTINCT FROM excluded.doelgroep THEN learning_questions.passend ELSE NULL END",
            )
            .bind(&q.id)
            .bind(&q.vraag)
            .bind(&q.doelgroep)
            .bind(&q.sector)
            .bind(&q.gemeente)
            .bind(list_json(&q.themas))
            .bind(q.datum.to_string())
            .bind(&ts)
            .bind(&ts)
            .execute(&mut *tx)
            .await?;
        }
        bump(&mut tx, "demand_version").await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A learning question asked on the site, with what the matching engine suggested.
pub struct SiteQuestion<'a> {
    /// The question.
    pub question: &'a LearningQuestion,
    /// E-mail address for an answer, if given (with consent).
    pub email: Option<&'a str>,
    /// Whether the engine found a well-fitting offering.
    pub passend: bool,
    /// Suggested matches `(offering id, score, reasons)`, best first.
    pub matches: Vec<(&'a str, f64, &'a [String])>,
}

/// Records inside `tx` that the shown form `once` is accepted; [`StoreError::AlreadySent`] when it
/// was before. Keys older than a day are removed on the way.
pub(crate) async fn accept_once(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    once: &str,
) -> Result<(), StoreError> {
    let ts = now();
    let cutoff = (chrono::Utc::now() - chrono::TimeDelta::days(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
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

impl Store {
    /// Stores a question from the site and its suggested matches in one transaction.
    /// [`StoreError::AlreadySent`] when the shown form `once` was stored before.
    pub async fn insert_site_question(
        &self,
        sq: &SiteQuestion<'_>,
        once: &str,
    ) -> Result<(), StoreError> {
        let q = sq.question;
        let ts = now();
        let mut tx = self.write().await?;
        accept_once(&mut tx, once).await?;
        sqlx::query(
            "INSERT INTO learning_questions (id, vraag, doelgroep, sector, gemeente, themas, datum, bron, \
             status, email, passend, consent_at, created_at, updated_at, themas_automatisch) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,'site','nieuw',$8,$9,$10,$11,$12,1)",
        )
        .bind(&q.id)
        .bind(&q.vraag)
        .bind(&q.doelgroep)
        .bind(&q.sector)
        .bind(&q.gemeente)
        .bind(list_json(&q.themas))
        .bind(q.datum.to_string())
        .bind(sq.email)
        .bind(i64::from(sq.passend))
        .bind(sq.email.map(|_| ts.clone()))
        .bind(&ts)
        .bind(&ts)
        .execute(&mut *tx)
        .await?;
        for (position, (offering, score, waarom)) in sq.matches.iter().enumerate() {
            sqlx::query(
                "INSERT INTO question_matches (question_id, offering_id, position, score, waarom, created_at) \
                 VALUES ($1,$2,$3,$4,$5,$6)",
            )
            .bind(&q.id)
            .bind(*offering)
            .bind(position as i64)
            .bind(*score)
            .bind(list_json(waarom))
            .bind(&ts)
            .execute(&mut *tx)
            .await?;
        }
        bump(&mut tx, "demand_version").await?;
        tx.commit().await?;
        Ok(())
    }

    /// The demand version: it changes on every committed change to learning questions.
    pub async fn demand_version(&self) -> Result<i64, StoreError> {
        self.counter("demand_version").await
    }

    /// What the gap analysis needs of every learning question.
    pub async fn demand(&self) -> Result<Vec<DemandRow>, StoreError> {
        let rows = sqlx::query("SELECT id, vraag, doelgroep, sector, themas, datum, status, passend, themas_automatisch FROM learning_questions ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(DemandRow {
                    id: r.get("id"),
                    vraag: r.get("vraag"),
                    doelgroep: r.get("doelgroep"),
                    sector: r.get("sector"),
                    themas: parse_list(r.get("themas"))?,
                    datum: parse_date(Some(r.get("datum")))?
                        .ok_or_else(|| StoreError::Corrupt("datum".into()))?,
                    status: r.get("status"),
                    passend: opt_flag(&r, "passend"),
                    themas_automatisch: flag(&r, "themas_automatisch"),
                })
            })
            .collect()
    }

    /// Records the engine's `passend` (and, when the question had none, inferred themes) for
    /// questions that were not matched yet.
    pub async fn set_passend(
        &self,
        results: &[(String, bool, Vec<String>)],
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        for (id, passend, themes) in results {
            sqlx::query(
                "UPDATE learning_questions SET passend = $1, \
                 themas_automatisch = CASE WHEN themas = '[]' THEN 1 ELSE themas_automatisch END, \
                 themas = CASE WHEN themas = '[]' THEN $2 ELSE themas END WHERE id = $3 AND passend IS NULL",
            )
            .bind(i64::from(*passend))
            .bind(list_json(themes))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        bump(&mut tx, "demand_version").await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a message of the contact form; returns its number. [`StoreError::AlreadySent`] when
    /// the shown form `once` was stored before.
    pub async fn insert_contact(
        &self,
        soort: &str,
        bericht: &str,
        email: Option<&str>,
        once: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write().await?;
        accept_once(&mut tx, once).await?;
        let row = sqlx::query(
            "INSERT INTO contact_messages (soort, bericht, email, created_at) VALUES ($1,$2,$3,$4) RETURNING id",
        )
        .bind(soort)
        .bind(bericht)
        .bind(email)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.get(0))
    }

    /// Contact messages, newest first: `(id, soort, bericht, email)`.
    pub async fn contact_messages(
        &self,
    ) -> Result<Vec<(i64, String, String, Option<String>)>, StoreError> {
        let rows =
            sqlx::query("SELECT id, soort, bericht, email FROM contact_messages ORDER BY id DESC")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }

    /// Suggested matches of a question: `(offering id, score, reasons)`, best first.
    pub async fn question_matches(
        &self,
        question_id: &str,
    ) -> Result<Vec<(String, f64, Vec<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT offering_id, score, waarom FROM question_matches WHERE question_id = $1 ORDER BY position",
        )
        .bind(question_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.get("offering_id"),
                    r.get("score"),
                    parse_list(r.get("waarom"))?,
                ))
            })
            .collect()
    }

    /// Status, e-mail and `passend` of a stored question.
    pub async fn question_status(
        &self,
        id: &str,
    ) -> Result<Option<(String, Option<String>, Option<bool>)>, StoreError> {
        let row =
            sqlx::query("SELECT status, email, passend FROM learning_questions WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| (r.get("status"), r.get("email"), opt_flag(&r, "passend"))))
    }

    /// The secret that signs form tokens; created on first use and shared by all instances.
    pub async fn form_secret(&self) -> Result<Vec<u8>, StoreError> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh)
            .map_err(|e| StoreError::Corrupt(format!("geen willekeur: {e}")))?;
        let hex: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('form_secret', $1) ON CONFLICT (key) DO NOTHING",
        )
        .bind(hex)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT value FROM meta WHERE key = 'form_secret'")
            .fetch_one(&self.pool)
            .await?;
        let v: String = row.get(0);
        Ok(v.into_bytes())
    }
}

/// Inserts or updates one offering inside a transaction (the caller bumps the catalogue version).
async fn upsert_offering(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    o: &Offering,
    ts: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO offerings (id, titel, samenvatting, beschrijving, aanbieder, partners, vorm, \
         themas, doelgroepen, sectoren, trefwoorden, kosten, locatie, regio, startdatum, einddatum, \
         url, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) \
         ON CONFLICT (id) DO UPDATE SET titel = excluded.titel, samenvatting = excluded.samenvatting, \
         beschrijving = excluded.beschrijving, aanbieder = excluded.aanbieder, partners = excluded.partners, \
         vorm = excluded.vorm, themas = excluded.themas, doelgroepen = excluded.doelgroepen, \
         sectoren = excluded.sectoren, trefwoorden = excluded.trefwoorden, kosten = excluded.kosten, \
         locatie = excluded.locatie, regio = excluded.regio, startdatum = excluded.startdatum, \
         einddatum = excluded.einddatum, url = excluded.url, updated_at = excluded.updated_at",
    )
    .bind(&o.id)
    .bind(&o.titel)
    .bind(&o.samenvatting)
    .bind(&o.beschrijving)
    .bind(&o.aanbieder)
    .bind(list_json(&o.partners))
    .bind(&o.vorm)
    .bind(list_json(&o.themas))
    .bind(list_json(&o.doelgroepen))
    .bind(list_json(&o.sectoren))
    .bind(list_json(&o.trefwoorden))
    .bind(&o.kosten)
    .bind(o.locatie.slug())
    .bind(&o.regio)
    .bind(o.startdatum.map(|d| d.to_string()))
    .bind(o.einddatum.map(|d| d.to_string()))
    .bind(&o.url)
    .bind(ts)
    .bind(ts)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn bump_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
) -> Result<(), StoreError> {
    bump(tx, "catalog_version").await
}

pub(crate) async fn bump(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = $1")
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A learning question as the agenda and the gap analysis see it.
#[derive(Debug, Clone)]
pub struct DemandRow {
    /// Id.
    pub id: String,
    /// The question.
    pub vraag: String,
    /// Target group slug.
    pub doelgroep: Option<String>,
    /// Sector slug.
    pub sector: Option<String>,
    /// Theme slugs.
    pub themas: Vec<String>,
    /// When asked.
    pub datum: NaiveDate,
    /// Workflow status (`nieuw`, `lacune`, …).
    pub status: String,
    /// The engine's verdict, once matched.
    pub passend: Option<bool>,
    /// True when the themes were filled in by the engine rather than given by the inventory or a
    /// coordinator.
    pub themas_automatisch: bool,
}

impl DemandRow {
    /// The question as an example for the matcher, when a person gave its themes.
    pub fn labelled(&self) -> Option<LabelledQuestion> {
        if self.themas_automatisch {
            return None;
        }
        LabelledQuestion::new(&self.vraag, &self.themas)
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
