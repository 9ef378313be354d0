//! Back-office accounts and their one-time password links.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::audit::Change;
use super::{stamp, Backend, Columns, Store, StoreError};
use crate::security::Role;

/// A back-office account.
#[derive(Debug, Clone)]
pub struct User {
    /// Row number.
    pub id: i64,
    /// Login name.
    pub email: String,
    /// Role.
    pub role: Role,
    /// argon2id PHC string; `None` until the password is set.
    pub password_hash: Option<String>,
    /// TOTP secret (base32), when the second factor is on.
    pub totp_secret: Option<String>,
    /// Last TOTP step used (against replay).
    pub totp_last_step: i64,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// When created.
    pub created_at: String,
    /// Sessions that began before this Unix time in ms are no longer valid.
    pub sessions_after: i64,
}

fn user(r: &sqlx::any::AnyRow) -> Result<User, StoreError> {
    let role: String = r.col("role")?;
    Ok(User {
        id: r.col("id")?,
        email: r.col("email")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("rol '{role}'")))?,
        password_hash: r.col("password_hash")?,
        totp_secret: r.col("totp_secret")?,
        totp_last_step: r.col("totp_last_step")?,
        disabled: r.col::<i64, _>("disabled")? != 0,
        created_at: r.col("created_at")?,
        sessions_after: r.col("sessions_after")?,
    })
}

const COLUMNS: &str =
    "id, email, role, password_hash, totp_secret, totp_last_step, disabled, created_at, sessions_after";

impl Store {
    /// Creates an account; `Conflict` when the e-mail address is taken.
    pub async fn create_user(
        &self,
        email: &str,
        role: Role,
        password_hash: Option<&str>,
        actor: &str,
    ) -> Result<i64, StoreError> {
        let ts = self.now();
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "INSERT INTO users (email, role, password_hash, created_at, updated_at) VALUES ($1,$2,$3,$4,$5) \
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(email)
        .bind(role.slug())
        .bind(password_hash)
        .bind(&ts)
        .bind(&ts)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::Conflict(format!("account {email}")));
        };
        let id: i64 = row.col(0)?;
        let change = Change::new(actor, "aangemaakt", "account", email).after(json!({"email": email, "rol": role.slug(), "wachtwoord_gezet": password_hash.is_some()}));
        self.commit(tx, [change], None).await?;
        Ok(id)
    }

    /// Every account, by e-mail address.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.rows(&format!("SELECT {COLUMNS} FROM users ORDER BY email"), user)
            .await
    }

    /// The account with this e-mail address (case-insensitive).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.row_by(
            &format!("SELECT {COLUMNS} FROM users WHERE lower(email) = lower($1)"),
            email.trim(),
            user,
        )
        .await
    }

    /// The account with this id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        self.row_by(
            &format!("SELECT {COLUMNS} FROM users WHERE id = $1"),
            id,
            user,
        )
        .await
    }

    /// Disables or enables an account at `now` (sessions begun before it end); false when there
    /// is no such account.
    pub async fn set_user_disabled(
        &self,
        email: &str,
        disabled: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let id: Option<i64> = sqlx::query(
            "UPDATE users SET disabled = $1, updated_at = $2, sessions_after = $3 WHERE lower(email) = lower($4) RETURNING id",
        )
        .bind(i64::from(disabled))
        .bind(stamp(now))
        .bind(now.timestamp_millis())
        .bind(email.trim())
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.col(0))
        .transpose()?;
        let done = id.is_some();
        if let (Some(id), true) = (id, disabled) {
            self.end_sessions(&mut tx, id).await?;
        }
        let change = done.then(|| {
            Change::new(
                actor,
                if disabled {
                    "uitgeschakeld"
                } else {
                    "ingeschakeld"
                },
                "account",
                email.trim(),
            )
            .before(json!({"uitgeschakeld": !disabled}))
            .after(json!({"uitgeschakeld": disabled}))
        });
        self.commit(tx, change, None).await?;
        Ok(done)
    }

    /// Resets an account at `now`: clears the password (and with `totp` the second factor) and
    /// ends all its sessions; returns its id, or `None` when there is no such account.
    pub async fn reset_user(
        &self,
        email: &str,
        totp: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "UPDATE users SET password_hash = NULL, \
             totp_secret = CASE WHEN $1 THEN NULL ELSE totp_secret END, \
             totp_last_step = CASE WHEN $2 THEN 0 ELSE totp_last_step END, \
             sessions_after = $3, updated_at = $4 WHERE lower(email) = lower($5) RETURNING id",
        )
        .bind(totp)
        .bind(totp)
        .bind(now.timestamp_millis())
        .bind(stamp(now))
        .bind(email.trim())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id: i64 = row.col(0)?;
        sqlx::query("DELETE FROM password_tokens WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.end_sessions(&mut tx, id).await?;
        let change = Change::new(
            actor,
            if totp {
                "wachtwoord en tweestaps gewist"
            } else {
                "wachtwoord gewist"
            },
            "account",
            email.trim(),
        );
        self.commit(tx, [change], None).await?;
        Ok(Some(id))
    }

    /// Deletes every back-office session of the account (logged in or half-way a login), as
    /// recorded in `session_owners` by the session store. The session table belongs to
    /// tower-sessions and exists once the server has started; before that there is nothing to end.
    async fn end_sessions(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        user_id: i64,
    ) -> Result<(), StoreError> {
        let (exists, table) = match self.backend() {
            Backend::Sqlite(_) => (
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tower_sessions'",
                "tower_sessions",
            ),
            Backend::Postgres(_) => (
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'tower_sessions' AND table_name = 'session'",
                "tower_sessions.session",
            ),
        };
        let present: i64 = sqlx::query(exists).fetch_one(&mut **tx).await?.col(0)?;
        if present > 0 {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE id IN (SELECT session_id FROM session_owners WHERE user_id = $1)"
            ))
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query("DELETE FROM session_owners WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Stores a one-time password link (its hash) valid for `hours` from `now`.
    pub async fn create_password_token(
        &self,
        user_id: i64,
        token_hash: &str,
        hours: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let expires = stamp(now + Duration::hours(hours));
        sqlx::query(
            "INSERT INTO password_tokens (token_hash, user_id, expires_at) VALUES ($1,$2,$3)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(expires)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The account a one-time link that is still valid at `now` belongs to.
    pub async fn password_token_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id FROM password_tokens WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(stamp(now))
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(r) => self.user_by_id(r.col(0)?).await,
            None => Ok(None),
        }
    }

    /// Sets the password through a one-time link at `now` and uses the link up; false when the
    /// link is unknown or expired.
    pub async fn use_password_token(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "DELETE FROM password_tokens WHERE token_hash = $1 AND expires_at > $2 RETURNING user_id",
        )
        .bind(token_hash)
        .bind(stamp(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let user_id: i64 = row.col(0)?;
        // A new password ends every session and half-finished login that came before it.
        let email: String = sqlx::query(
            "UPDATE users SET password_hash = $1, updated_at = $2, sessions_after = $3 WHERE id = $4 RETURNING email",
        )
        .bind(password_hash)
        .bind(stamp(now))
        .bind(now.timestamp_millis())
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?
        .col(0)?;
        self.end_sessions(&mut tx, user_id).await?;
        let change = Change::new(&email, "wachtwoord gezet", "account", &email);
        self.commit(tx, [change], None).await?;
        Ok(true)
    }

    /// Turns the second factor on for an account that has none (it is never replaced silently).
    /// False when the account already has one.
    pub async fn set_totp(
        &self,
        user_id: i64,
        secret: &str,
        step: u64,
    ) -> Result<bool, StoreError> {
        self.set_totp_where(user_id, secret, step, None).await
    }

    /// As [`Store::set_totp`], but only while the account's password hash is still
    /// `password_hash` (the one the enrolling session was checked against): false after a reset.
    pub async fn set_totp_for_password(
        &self,
        user_id: i64,
        secret: &str,
        step: u64,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        self.set_totp_where(user_id, secret, step, Some(password_hash))
            .await
    }

    async fn set_totp_where(
        &self,
        user_id: i64,
        secret: &str,
        step: u64,
        password_hash: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_last_step = $2, updated_at = $3 \
             WHERE id = $4 AND totp_secret IS NULL AND ($5 = 0 OR password_hash = $6) RETURNING email",
        )
        .bind(secret)
        .bind(step as i64)
        .bind(self.now())
        .bind(user_id)
        .bind(i64::from(password_hash.is_some()))
        .bind(password_hash.unwrap_or_default())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let email: String = row.col(0)?;
        let change = Change::new(&email, "tweestapsverificatie aan", "account", &email);
        self.commit(tx, [change], None).await?;
        Ok(true)
    }

    /// Records a used TOTP step; false when that step (or a later one) was used already.
    pub async fn use_totp_step(&self, user_id: i64, step: u64) -> Result<bool, StoreError> {
        self.changed_row(
            sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $3",
            )
            .bind(step as i64)
            .bind(user_id)
            .bind(step as i64),
        )
        .await
    }

    /// Counts a login attempt for `key` (an account, or the code step of one) and says whether it
    /// may go ahead: false when `max` attempts were counted in the last `window` already (this one
    /// is then not counted), at `now`. The count lives in the database, so the limit holds across
    /// instances.
    pub async fn login_attempt(
        &self,
        key: &str,
        max: usize,
        window: std::time::Duration,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = now.timestamp_millis();
        let since = now.saturating_sub(i64::try_from(window.as_millis()).unwrap_or(i64::MAX));
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM login_attempts WHERE account = $1 AND at <= $2")
            .bind(key)
            .bind(since)
            .execute(&mut *tx)
            .await?;
        let counted: i64 = sqlx::query("SELECT COUNT(*) FROM login_attempts WHERE account = $1")
            .bind(key)
            .fetch_one(&mut *tx)
            .await?
            .col(0)?;
        let allowed = usize::try_from(counted).unwrap_or(usize::MAX) < max;
        if allowed {
            sqlx::query("INSERT INTO login_attempts (account, at) VALUES ($1, $2)")
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(allowed)
    }

    /// Forgets the login attempts of `key` (after a successful login).
    pub async fn clear_login_attempts(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_attempts WHERE account = $1")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes login attempts older than `before` (Unix ms); returns how many.
    pub async fn purge_login_attempts(&self, before: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM login_attempts WHERE at < $1")
            .bind(before)
            .execute(self.pool())
            .await?
            .rows_affected())
    }
}
