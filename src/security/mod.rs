//! Security of the back office and the public forms: roles and areas, argon2id passwords, the
//! TOTP second factor, random tokens and rate limits (with an injected clock). Pure code except
//! the blocking hash calls, which callers run off the async runtime.

pub mod passwords;
pub mod rate_limit;
pub mod roles;
pub mod tokens;
pub mod totp;

pub use passwords::{
    check_new_password, dummy_hash, hash_fingerprint, hash_password, hash_password_off_runtime,
    verify_password, verify_password_off_runtime, HashError, WeakPassword, MIN_PASSWORD,
};
pub use rate_limit::{Limited, RateLimiter};
pub use roles::{Area, Role};
pub use tokens::{constant_time_eq, hex, random_hex, token_hash};
pub use totp::{new_totp_secret, otpauth_uri, totp_code, totp_step, verify_totp};
