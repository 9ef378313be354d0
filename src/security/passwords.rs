//! Passwords: the rules for a new one, argon2id hashing (blocking, so also offered off the async
//! runtime, two at a time) and the fingerprint a half-finished login keeps.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use sha2::{Digest, Sha256};

use super::tokens::hex;

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// The longest password accepted.
pub const MAX_PASSWORD: usize = 200;

/// Why a new password is not good enough; shown as a Dutch sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Fewer than [`MIN_PASSWORD`] characters (it has this many).
    #[error("Kies een wachtwoord van minstens {MIN_PASSWORD} tekens (nu {0}).")]
    TooShort(usize),
    /// More than [`MAX_PASSWORD`] characters.
    #[error("Kies een wachtwoord van hoogstens {MAX_PASSWORD} tekens.")]
    TooLong,
    /// The account's own e-mail address.
    #[error("Je wachtwoord mag niet gelijk zijn aan je e-mailadres.")]
    SameAsEmail,
}

/// A password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// argon2 refused (it should not with its default parameters).
    #[error("wachtwoord hashen mislukt: {0}")]
    Argon2(argon2::password_hash::Error),
    /// The blocking task did not finish.
    #[error("wachtwoord hashen afgebroken: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The limit on concurrent hashing was closed.
    #[error("wachtwoord hashen niet mogelijk: {0}")]
    Closed(#[from] tokio::sync::AcquireError),
}

/// Checks a new password.
pub fn check_new_password(password: &str, email: &str) -> Result<(), WeakPassword> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(WeakPassword::TooShort(n));
    }
    if n > MAX_PASSWORD {
        return Err(WeakPassword::TooLong);
    }
    if password.eq_ignore_ascii_case(email) {
        return Err(WeakPassword::SameAsEmail);
    }
    Ok(())
}

/// Hashes a password with argon2id and a random salt (blocking, ~tens of ms).
pub fn hash_password(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(HashError::Argon2)
}

/// Verifies a password against a stored PHC hash (blocking).
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// At most two argon2 computations at once (each uses ~19 MiB), whatever the number of requests.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// [`verify_password`] on a blocking thread, at most two at a time.
pub async fn verify_password_off_runtime(password: String, hash: String) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// [`hash_password`] on a blocking thread, at most two at a time.
pub async fn hash_password_off_runtime(password: String) -> Result<String, HashError> {
    let _permit = HASHING.acquire().await?;
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

/// A hash to verify against when the account does not exist, so that both cases take as long.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("geen-echt-wachtwoord").unwrap_or_default())
}

/// A short fingerprint of a password hash, kept in a half-finished login so that a reset or a new
/// password in between ends it (the hash itself never goes into the session).
pub fn hash_fingerprint(password_hash: &str) -> String {
    hex(&Sha256::digest(password_hash.as_bytes())[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        let h = hash_password("een lang wachtwoord").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("een lang wachtwoord", &h));
        assert!(!verify_password("een ander wachtwoord", &h));
        assert_eq!(
            check_new_password("kort", "a@b.nl"),
            Err(WeakPassword::TooShort(4))
        );
        assert_eq!(
            WeakPassword::TooShort(4).to_string(),
            "Kies een wachtwoord van minstens 12 tekens (nu 4)."
        );
        assert_eq!(
            check_new_password("a@b.nl.a@b.nl", "A@B.NL.a@b.nl"),
            Err(WeakPassword::SameAsEmail)
        );
        assert_eq!(
            check_new_password(&"x".repeat(201), "a@b.nl"),
            Err(WeakPassword::TooLong)
        );
        assert!(check_new_password("lang genoeg wachtwoord", "a@b.nl").is_ok());
    }
}
