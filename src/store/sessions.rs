//! Where back-office sessions live: in the platform's own database (SQLite or PostgreSQL), so that
//! every instance sees every session.

use async_trait::async_trait;
use sqlx::Executor;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::store::{sqlite_options, Backend, StoreError, SQLITE_PRAGMAS};

/// The session store for the database the platform runs on. Besides the session itself it keeps
/// `session_owners` (session id → account), so that a reset or disable can delete an account's
/// sessions (see `Store::end_sessions`).
#[derive(Debug, Clone)]
pub enum Sessions {
    /// Sessions in the SQLite file.
    Sqlite(SqliteStore, sqlx::SqlitePool),
    /// Sessions in PostgreSQL.
    Postgres(PostgresStore, sqlx::PgPool),
}

/// Runs `$body` with `$pool` bound to the session store's own pool (SQLite or PostgreSQL).
macro_rules! on_pool {
    ($sessions:expr, $pool:ident => $body:expr) => {
        match $sessions {
            Sessions::Sqlite(_, $pool) => $body,
            Sessions::Postgres(_, $pool) => $body,
        }
    };
}

/// The account a session record belongs to: logged in, or half-way a login.
fn owner(record: &Record) -> Option<i64> {
    ["uid", "pending_uid"]
        .iter()
        .find_map(|k| record.data.get(*k).and_then(serde_json::Value::as_i64))
}

fn store_error(e: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

impl Sessions {
    /// Opens the session table in the database of `backend`, creating it when missing.
    pub async fn open(backend: &Backend) -> Result<Sessions, StoreError> {
        let sessions = match backend {
            Backend::Sqlite(path) => {
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(4)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(SQLITE_PRAGMAS).await?;
                            Ok(())
                        })
                    })
                    .connect_with(sqlite_options(path)?)
                    .await?;
                Sessions::Sqlite(SqliteStore::new(pool.clone()), pool)
            }
            Backend::Postgres(url) => {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(4)
                    .connect(url)
                    .await?;
                Sessions::Postgres(PostgresStore::new(pool.clone()), pool)
            }
        };
        match &sessions {
            Sessions::Sqlite(s, _) => s.migrate().await?,
            Sessions::Postgres(s, _) => s.migrate().await?,
        }
        Ok(sessions)
    }

    /// Closes the session store's connections (at shutdown, before the database is closed).
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }

    /// Records (or forgets) the account that owns the session `id`.
    async fn set_owner(&self, id: &Id, owner: Option<i64>) -> session_store::Result<()> {
        let id = id.to_string();
        let result = match owner {
            Some(uid) => on_pool!(self, pool => sqlx::query(
                "INSERT INTO session_owners (session_id, user_id) VALUES ($1, $2) \
                 ON CONFLICT (session_id) DO UPDATE SET user_id = excluded.user_id",
            )
            .bind(id)
            .bind(uid)
            .execute(pool)
            .await
            .map(|_| ())),
            None => on_pool!(self, pool => sqlx::query(
                "DELETE FROM session_owners WHERE session_id = $1"
            )
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())),
        };
        result.map_err(store_error)
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s, _) => s.create(record).await?,
            Sessions::Postgres(s, _) => s.create(record).await?,
        }
        self.set_owner(&record.id, owner(record)).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s, _) => s.save(record).await?,
            Sessions::Postgres(s, _) => s.save(record).await?,
        }
        self.set_owner(&record.id, owner(record)).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Sessions::Sqlite(s, _) => s.load(id).await,
            Sessions::Postgres(s, _) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s, _) => s.delete(id).await?,
            Sessions::Postgres(s, _) => s.delete(id).await?,
        }
        self.set_owner(id, None).await
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s, _) => s.delete_expired().await?,
            Sessions::Postgres(s, _) => s.delete_expired().await?,
        }
        let orphans = match self {
            Sessions::Sqlite(_, pool) => sqlx::query(
                "DELETE FROM session_owners WHERE session_id NOT IN (SELECT id FROM tower_sessions)",
            )
            .execute(pool)
            .await
            .map(|_| ()),
            Sessions::Postgres(_, pool) => sqlx::query(
                "DELETE FROM session_owners WHERE session_id NOT IN (SELECT id FROM tower_sessions.session)",
            )
            .execute(pool)
            .await
            .map(|_| ()),
        };
        orphans.map_err(store_error)
    }
}
