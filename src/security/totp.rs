//! The TOTP second factor (RFC 6238): secrets, codes, the check with one step of drift and no
//! replay, and the `otpauth://` URI for an authenticator app.

use hmac::{Hmac, Mac};

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
    fn the_uri_names_the_account() {
        assert!(otpauth_uri("ABC", "a@b.nl").contains("WijkWijzer:a%40b.nl?secret=ABC"));
    }
}
