//! Passwords: the rules for a new one, argon2id hashing (blocking, so also offered off the async
//! runtime, two at a time) and the fingerprint a half-finished login keeps.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use sha2::{Digest, Sha256};

use super::tokens::hex;

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// Checks a new password; the Dutch reason when it is not good enough.
pub fn check_new_password(password: &str, email: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(format!(
            "Kies een wachtwoord van minstens {MIN_PASSWORD} tekens (nu {n})."
        ));
    }
    if n > 200 {
        return Err("Kies een wachtwoord van hoogstens 200 tekens.".into());
    }
    if password.eq_ignore_ascii_case(email) {
        return Err("Je wachtwoord mag niet gelijk zijn aan je e-mailadres.".into());
    }
    Ok(())
}

/// Hashes a password with argon2id and a random salt (blocking, ~tens of ms).
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
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
pub async fn hash_password_off_runtime(password: String) -> Result<String, String> {
    let _permit = HASHING.acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| e.to_string())?
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
        assert!(check_new_password("kort", "a@b.nl").is_err());
        assert!(check_new_password("a@b.nl.a@b.nl", "a@b.nl.a@b.nl").is_err());
        assert!(check_new_password("lang genoeg wachtwoord", "a@b.nl").is_ok());
    }
}
