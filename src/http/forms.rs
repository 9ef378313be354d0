//! Protection of public forms without cookies: a signed form token (which also proves a minimum
//! fill time and a maximum age), a same-origin check, a honeypot field and a per-IP rate limit.

use std::time::Duration;

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::clock::Clock;
use crate::security::{constant_time_eq, hex};

/// Name of the honeypot field; people never see it, bots fill it in.
pub const HONEYPOT: &str = "website";

/// Why a submission was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// The token is missing, forged or for another form.
    BadToken,
    /// Sent faster than a person can fill in the form.
    TooFast,
    /// The form was opened too long ago.
    Expired,
    /// Sent from another site.
    CrossSite,
    /// The honeypot was filled in.
    Honeypot,
    /// Too many submissions from this address.
    RateLimited,
}

impl Rejection {
    /// The HTTP status of the page that explains the rejection (the form comes back with the
    /// values kept): 403 for a token that does not check out or another site, 422 for a form
    /// sent too fast, 400 for a filled honeypot and 429 for too many submissions.
    pub fn status(self) -> axum::http::StatusCode {
        match self {
            Rejection::BadToken | Rejection::CrossSite | Rejection::Expired => {
                axum::http::StatusCode::FORBIDDEN
            }
            Rejection::TooFast => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Rejection::Honeypot => axum::http::StatusCode::BAD_REQUEST,
            Rejection::RateLimited => axum::http::StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// The Dutch message shown above the form.
    pub fn message(self) -> &'static str {
        match self {
            Rejection::BadToken | Rejection::CrossSite => {
                "Het formulier kon niet worden gecontroleerd. Je gegevens staan er nog; verstuur het opnieuw."
            }
            Rejection::TooFast => {
                "Je verstuurde het formulier erg snel. Controleer je gegevens en verstuur het opnieuw."
            }
            Rejection::Expired => "Het formulier stond lang open en is verlopen. Je gegevens staan er nog; verstuur het opnieuw.",
            Rejection::Honeypot => "Je bericht kon niet worden verwerkt. Laat het veld ‘Website’ leeg.",
            Rejection::RateLimited => {
                "Je hebt veel formulieren kort na elkaar verstuurd. Wacht een paar minuten en probeer het dan opnieuw."
            }
        }
    }
}

/// Signs and checks form tokens.
pub struct FormGuard {
    secret: Vec<u8>,
    /// The configured public origin (`https://host[:port]`, from `--base-url`); form posts must
    /// come from it. `None` (no base URL set): the `Host` header is the origin.
    pub origin: Option<String>,
    /// Minimum seconds between showing and sending a form.
    pub min_fill: Duration,
    /// Maximum age of a form.
    pub max_age: Duration,
    /// Where the moment a form is shown and sent comes from.
    clock: Clock,
}

impl FormGuard {
    /// A guard with `secret`, the time read from `clock` (a fixed moment in tests).
    pub fn new(secret: Vec<u8>, min_fill: Duration, clock: Clock) -> FormGuard {
        FormGuard {
            secret,
            origin: None,
            min_fill,
            max_age: Duration::from_secs(4 * 3600),
            clock,
        }
    }

    /// Seconds since 1970 on the guard's clock.
    fn now_secs(&self) -> u64 {
        u64::try_from(self.clock.now().timestamp()).unwrap_or(0)
    }

    /// The guard with a configured public origin (see [`FormGuard::origin`]).
    pub fn with_origin(mut self, origin: Option<String>) -> FormGuard {
        self.origin = origin;
        self
    }

    fn mac(&self, form: &str, issued: u64, nonce: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.secret) else {
            return String::new();
        };
        mac.update(form.as_bytes());
        mac.update(b"|");
        mac.update(issued.to_string().as_bytes());
        mac.update(b"|");
        mac.update(nonce.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// A signature of `value` for `purpose`: a double-submit CSRF token tied to a cookie that
    /// holds `value` (the login form, which has no session yet).
    pub fn bind(&self, purpose: &str, value: &str) -> String {
        self.mac(purpose, 0, value)
    }

    /// A fresh token for `form`: the moment it was issued, a random nonce (so that every form
    /// shown has its own token, which can be used once) and the signature.
    pub fn token(&self, form: &str) -> String {
        let issued = self.now_secs();
        let mut bytes = [0u8; 12];
        let _ = getrandom::fill(&mut bytes);
        let nonce = hex(&bytes);
        format!("{issued}.{nonce}.{}", self.mac(form, issued, &nonce))
    }

    /// Screens a submitted public form: same origin, a valid token for `form`, an empty honeypot.
    /// Returns the token's [`FormOnce`] key, for the store to accept the form once.
    pub fn screen(
        &self,
        form: &str,
        headers: &HeaderMap,
        fields: &std::collections::HashMap<String, String>,
    ) -> Result<FormOnce, Rejection> {
        same_origin(headers, self.origin.as_deref())?;
        let once = self.check(form, fields.get("token").map_or("", |t| t.trim()))?;
        if fields.get(HONEYPOT).is_some_and(|v| !v.trim().is_empty()) {
            return Err(Rejection::Honeypot);
        }
        Ok(once)
    }

    /// Checks a submitted token for `form`; returns its [`FormOnce`] key.
    pub fn check(&self, form: &str, token: &str) -> Result<FormOnce, Rejection> {
        let mut parts = token.splitn(3, '.');
        let (Some(issued), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(Rejection::BadToken);
        };
        let issued: u64 = issued.parse().map_err(|_| Rejection::BadToken)?;
        let expected = self.mac(form, issued, nonce);
        if expected.is_empty() || !constant_time_eq(expected.as_bytes(), mac.as_bytes()) {
            return Err(Rejection::BadToken);
        }
        let age = self.now_secs().saturating_sub(issued);
        if age < self.min_fill.as_secs() {
            return Err(Rejection::TooFast);
        }
        if age > self.max_age.as_secs() {
            return Err(Rejection::Expired);
        }
        Ok(FormOnce(format!("{form}:{issued}.{nonce}")))
    }
}

/// The key of one shown form (form name, moment and nonce of its token): the store accepts a
/// form with a given key once, so a reload or a double click does not save it twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormOnce(pub String);

/// Rejects a POST that a browser says came from another site.
pub fn same_origin(headers: &HeaderMap, origin: Option<&str>) -> Result<(), Rejection> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" {
            return Err(Rejection::CrossSite);
        }
    }
    let Some(sent) = headers.get("origin").and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    if sent == "null" {
        return Ok(());
    }
    let same = match origin {
        Some(expected) => sent.eq_ignore_ascii_case(expected),
        None => match headers.get("host").and_then(|v| v.to_str().ok()) {
            Some(host) => sent.split("://").nth(1).unwrap_or("") == host,
            None => true,
        },
    };
    if same {
        Ok(())
    } else {
        Err(Rejection::CrossSite)
    }
}

/// The origin (`scheme://host[:port]`, lowercase) of a base URL.
pub fn origin_of(base_url: &str) -> Option<String> {
    let (scheme, rest) = base_url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let scheme = scheme.to_ascii_lowercase();
    // The default port is left out of an Origin header.
    let authority = match scheme.as_str() {
        "https" => authority
            .strip_suffix(":443")
            .unwrap_or(&authority)
            .to_string(),
        "http" => authority
            .strip_suffix(":80")
            .unwrap_or(&authority)
            .to_string(),
        _ => authority,
    };
    Some(format!("{scheme}://{authority}"))
}

impl From<crate::security::Limited> for Rejection {
    fn from(_: crate::security::Limited) -> Rejection {
        Rejection::RateLimited
    }
}

pub use crate::domain::text::parse_email;

/// The message beside an e-mail field whose address does not check out, naming what was typed.
pub fn wrong_email(typed: &str) -> String {
    let shown: String = typed.trim().chars().take(100).collect();
    format!(
        "Dit e-mailadres klopt niet: ‘{shown}’. Een e-mailadres ziet eruit als naam@voorbeeld.nl."
    )
}

/// The address typed in a participant's e-mail field, in lower case, or the Dutch message beside
/// the field: asking for one when nothing was typed, else naming what was typed.
pub fn typed_email(typed: &str) -> Result<String, String> {
    match parse_email(typed) {
        Some(email) => Ok(email.to_lowercase()),
        None if typed.trim().is_empty() => {
            Err("Vul je e-mailadres in, zoals naam@voorbeeld.nl.".to_string())
        }
        None => Err(wrong_email(typed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let g = FormGuard::new(b"geheim".to_vec(), Duration::ZERO, Clock::system());
        let t = g.token("leervraag");
        let once = g.check("leervraag", &t).unwrap();
        assert!(once.0.starts_with("leervraag:"));
        // Two forms shown in the same second have their own tokens and keys.
        let other = g.check("leervraag", &g.token("leervraag")).unwrap();
        assert_ne!(once, other);
        let (head, mac) = t.rsplit_once('.').unwrap();
        let (issued, _) = head.split_once('.').unwrap();
        assert_eq!(
            g.check("leervraag", &format!("{issued}.000000.{mac}")),
            Err(Rejection::BadToken),
            "the nonce is signed"
        );
        assert_eq!(g.check("contact", &t), Err(Rejection::BadToken));
        assert_eq!(g.check("leervraag", "123.abc"), Err(Rejection::BadToken));
        assert_eq!(g.check("leervraag", ""), Err(Rejection::BadToken));
        let clock = Clock::fixed(chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap());
        let slow = FormGuard::new(b"geheim".to_vec(), Duration::from_secs(60), clock.clone());
        let t = slow.token("leervraag");
        assert_eq!(slow.check("leervraag", &t), Err(Rejection::TooFast));
        clock.advance(Duration::from_secs(60));
        assert!(
            slow.check("leervraag", &t).is_ok(),
            "filled in for a minute"
        );
        let old = slow.token("leervraag");
        clock.advance(Duration::from_secs(4 * 3600 + 1));
        assert_eq!(slow.check("leervraag", &old), Err(Rejection::Expired));
    }

    #[test]
    fn emails() {
        assert_eq!(parse_email(" a@b.nl ").as_deref(), Some("a@b.nl"));
        for bad in [
            "", "a", "a@b", "a b@c.nl", "@b.nl", "a@.nl", "a@b.nl.", "a@@b.nl",
        ] {
            assert!(parse_email(bad).is_none(), "{bad}");
        }
    }
}
