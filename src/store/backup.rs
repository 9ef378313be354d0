//! A consistent copy of the SQLite database while the platform runs.

use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::Connection;

use super::{Store, StoreError};

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

impl Store {
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
}
