//! Accounts of the coordination point: roles and what each may do, password hashing (argon2id),
//! TOTP second factor (RFC 6238) and random tokens. Pure code except the blocking hash calls,
//! which callers run off the async runtime.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// A back-office role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Admin: users and settings, and everything else.
    Beheerder,
    /// Questions, matches, moderation, development tracks.
    Coordinator,
    /// Editor: offerings and providers.
    Redacteur,
}

/// An area of the back office; every route belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Dashboard and own account: every role.
    Dashboard,
    /// Question inbox and matches.
    Vragen,
    /// Moderation of contributed offerings.
    Moderatie,
    /// Offerings and providers.
    Aanbod,
    /// Contact messages (questions and suggestions).
    Berichten,
    /// Development tracks.
    Trajecten,
    /// The audit log.
    Audit,
    /// Privacy: export and erase one person's data.
    Privacy,
    /// Users and the e-mail outbox.
    Beheer,
}

impl Role {
    /// Parses the stored or typed name.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "beheerder" => Some(Role::Beheerder),
            "coordinator" | "coördinator" => Some(Role::Coordinator),
            "redacteur" => Some(Role::Redacteur),
            _ => None,
        }
    }

    /// The stored name.
    pub fn slug(self) -> &'static str {
        match self {
            Role::Beheerder => "beheerder",
            Role::Coordinator => "coordinator",
            Role::Redacteur => "redacteur",
        }
    }

    /// The Dutch label.
    pub fn label(self) -> &'static str {
        match self {
            Role::Beheerder => "beheerder",
            Role::Coordinator => "coördinator",
            Role::Redacteur => "redacteur",
        }
    }

    /// Whether this role may work in `area`.
    pub fn may(self, area: Area) -> bool {
        match self {
            Role::Beheerder => true,
            Role::Coordinator => !matches!(area, Area::Aanbod | Area::Beheer),
            Role::Redacteur => matches!(area, Area::Dashboard | Area::Aanbod),
        }
    }

    /// Whether this role must use a second factor.
    pub fn needs_totp(self) -> bool {
        self == Role::Beheerder
    }
}

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

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a token as hex (tokens are stored only as hashes).
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A short fingerprint of a password hash, kept in a half-finished login so that a reset or a new
/// password in between ends it (the hash itself never goes into the session).
pub fn hash_fingerprint(password_hash: &str) -> String {
    hex(&Sha256::digest(password_hash.as_bytes())[..16])
}

/// A fresh TOTP secret: 20 random bytes, base32 without padding.
pub fn new_totp_secret() -> Option<String> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).ok()?;
    Some(data_encoding::BASE32_NOPAD.encode(&bytes))
}

/// The 6-digit TOTP code of `secret` (base32) for 30-second time step `step`.
pub fn totp_code(secret: &str, step: u64) -> Option<u32> {
    let key = data_encoding::BASE32_NOPAD
        .decode(secret.trim().to_ascii_uppercase().as_bytes())
        .ok()?;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[19] & 0x0f);
    let bin = (u32::from(h[offset]) & 0x7f) << 24
        | u32::from(h[offset + 1]) << 16
        | u32::from(h[offset + 2]) << 8
        | u32::from(h[offset + 3]);
    Some(bin % 1_000_000)
}

/// The 30-second step of a Unix time.
pub fn totp_step(unix: u64) -> u64 {
    unix / 30
}

/// Checks a typed code against `secret` at `unix` time, allowing one step of clock drift either
/// way; returns the matching step, which must be later than `last_step` (no replay).
pub fn verify_totp(secret: &str, code: &str, unix: u64, last_step: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = code.parse().ok()?;
    let now = totp_step(unix);
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .find(|&s| s > last_step && totp_code(secret, s) == Some(typed))
}

/// The `otpauth://` URI an authenticator app reads (from a QR code).
pub fn otpauth_uri(secret: &str, email: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/WijkWijzer:{}?secret={secret}&issuer=WijkWijzer&algorithm=SHA1&digits=6&period=30",
        enc(email)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_areas() {
        assert!(Role::Beheerder.may(Area::Beheer));
        assert!(Role::Coordinator.may(Area::Vragen));
        assert!(!Role::Coordinator.may(Area::Aanbod));
        assert!(Role::Redacteur.may(Area::Aanbod));
        assert!(!Role::Redacteur.may(Area::Vragen));
        assert!(!Role::Redacteur.may(Area::Audit));
        assert_eq!(Role::parse("coördinator"), Some(Role::Coordinator));
        assert_eq!(Role::parse("baas"), None);
    }

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

    #[test]
    fn totp_rfc6238_vectors() {
        // RFC 6238 appendix B, SHA1 key "12345678901234567890", 8 digits truncated to 6.
        let secret = data_encoding::BASE32_NOPAD.encode(b"12345678901234567890");
        assert_eq!(totp_code(&secret, totp_step(59)), Some(287_082));
        assert_eq!(totp_code(&secret, totp_step(1_111_111_109)), Some(81_804));
        assert_eq!(totp_code(&secret, totp_step(1_234_567_890)), Some(5_924));
        let step = totp_step(1_234_567_890);
        assert_eq!(
            verify_totp(&secret, "005 924", 1_234_567_890, 0),
            Some(step)
        );
        assert_eq!(verify_totp(&secret, "005924", 1_234_567_890, step), None);
        assert_eq!(verify_totp(&secret, "000000", 1_234_567_890, 0), None);
        assert_eq!(verify_totp(&secret, "abc", 1_234_567_890, 0), None);
    }

    #[test]
    fn tokens() {
        let t = random_hex(32);
        assert_eq!(t.len(), 64);
        assert_ne!(t, random_hex(32));
        assert_eq!(token_hash("x").len(), 64);
        assert!(otpauth_uri("ABC", "a@b.nl").contains("WijkWijzer:a%40b.nl?secret=ABC"));
    }
}
