//! Where mail goes: an SMTP server (lettre), a folder of `.eml` files, or memory (tests); the
//! MIME message with its plain and HTML part and, for alerts, the RFC 8058 `List-Unsubscribe`
//! headers.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use crate::store::OutgoingMail;

/// Mail settings.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// Where mail goes.
    pub transport: MailTransport,
    /// The sender.
    pub from: String,
    /// The coordination point's address, the `Reply-To` of every mail that invites a reply
    /// (`WIJKWIJZER_MAIL_REPLY_TO`; empty: no `Reply-To`).
    pub reply_to: Option<String>,
    /// How often the worker looks for due mail.
    pub interval: Duration,
    /// Delay before the first retry; doubles with every failed attempt.
    pub backoff: Duration,
    /// Attempts before a mail is marked failed (`mislukt`).
    pub max_attempts: i64,
}

impl MailConfig {
    /// Settings from the environment: `WIJKWIJZER_SMTP_URL` (else a folder next to the
    /// database, or `WIJKWIJZER_MAIL_DIR`), `WIJKWIJZER_MAIL_FROM` and `WIJKWIJZER_MAIL_REPLY_TO`.
    pub fn from_env(db: &std::path::Path) -> MailConfig {
        let transport = match std::env::var("WIJKWIJZER_SMTP_URL") {
            Ok(url) if !url.trim().is_empty() => MailTransport::Smtp(url),
            _ => MailTransport::Folder(
                std::env::var("WIJKWIJZER_MAIL_DIR")
                    .map_or_else(|_| crate::store::beside_db(db, ".mail"), PathBuf::from),
            ),
        };
        MailConfig {
            transport,
            from: std::env::var("WIJKWIJZER_MAIL_FROM")
                .unwrap_or_else(|_| "WijkWijzer Leernetwerk <noreply@wijkwijzer.example>".into()),
            reply_to: match std::env::var("WIJKWIJZER_MAIL_REPLY_TO") {
                Ok(v) => Some(v.trim().to_string()).filter(|v| !v.is_empty()),
                Err(_) => {
                    Some("Coördinatiepunt WijkWijzer <coordinatiepunt@wijkwijzer.example>".into())
                }
            },
            interval: Duration::from_secs(5),
            backoff: Duration::from_secs(30),
            max_attempts: 8,
        }
    }
}

/// Where mail goes.
#[derive(Clone)]
pub enum MailTransport {
    /// An SMTP server, as a lettre URL (`smtp://user:pass@host:587?tls=required`).
    Smtp(String),
    /// One `.eml` file per mail in a folder (development default).
    Folder(PathBuf),
    /// Kept in memory (tests).
    Memory(MemorySink),
}

/// Shows the SMTP URL without its password, so that a logged configuration holds no secret.
impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailTransport::Smtp(url) => {
                f.debug_tuple("Smtp").field(&without_password(url)).finish()
            }
            MailTransport::Folder(dir) => f.debug_tuple("Folder").field(dir).finish(),
            MailTransport::Memory(sink) => f.debug_tuple("Memory").field(sink).finish(),
        }
    }
}

/// `url` with the password of its user part replaced by `***`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split_once(':').map_or(user_info, |(u, _)| u);
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// Why a mail could not be delivered; stored with the mail as its last error (in Dutch).
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// An address (`afzender`, `ontvanger`, `antwoordadres`) does not parse.
    #[error("{which}: {source}")]
    Address {
        /// Which address.
        which: &'static str,
        /// Why.
        source: lettre::address::AddressError,
    },
    /// The message could not be built.
    #[error("bericht: {0}")]
    Message(#[from] lettre::error::Error),
    /// The mail folder could not be written.
    #[error("map: {0}")]
    Folder(#[from] std::io::Error),
    /// The SMTP server refused or could not be reached.
    #[error("smtp: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// SMTP is the transport but no connection was set up.
    #[error("geen SMTP-verbinding ingesteld")]
    NoSmtp,
    /// The memory of sent mails is unusable (a test panicked while holding it).
    #[error("geheugen niet beschikbaar")]
    Memory,
}

/// Mails "sent" in memory, for tests.
#[derive(Clone, Debug, Default)]
pub struct MemorySink(Arc<Mutex<Vec<OutgoingMail>>>);

impl MemorySink {
    /// The mails sent so far.
    pub fn sent(&self) -> Vec<OutgoingMail> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Keeps `mail` as sent.
    pub(super) fn push(&self, mail: &OutgoingMail) -> Result<(), DeliveryError> {
        self.0
            .lock()
            .map_err(|_| DeliveryError::Memory)?
            .push(mail.clone());
        Ok(())
    }
}

impl MailConfig {
    /// Checks the sender address (`WIJKWIJZER_MAIL_FROM`) and the reply address
    /// (`WIJKWIJZER_MAIL_REPLY_TO`).
    pub fn check_sender(&self) -> anyhow::Result<()> {
        self.from.parse::<Mailbox>().map_err(|e| {
            anyhow::anyhow!(
                "ongeldige afzender WIJKWIJZER_MAIL_FROM '{}': {e}; geef bijvoorbeeld 'WijkWijzer <noreply@wijkwijzer.nl>'",
                self.from
            )
        })?;
        if let Some(reply) = &self.reply_to {
            reply.parse::<Mailbox>().map_err(|e| {
                anyhow::anyhow!(
                    "ongeldig antwoordadres WIJKWIJZER_MAIL_REPLY_TO '{reply}': {e}; geef bijvoorbeeld 'Coördinatiepunt <coordinatiepunt@wijkwijzer.nl>', of laat het leeg"
                )
            })?;
        }
        Ok(())
    }
}

/// Defines a header with a fixed name and a text value (the `List-Unsubscribe` pair, RFC 8058).
macro_rules! list_header {
    ($ty:ident, $name:literal) => {
        #[derive(Clone)]
        struct $ty(String);
        impl lettre::message::header::Header for $ty {
            fn name() -> lettre::message::header::HeaderName {
                lettre::message::header::HeaderName::new_from_ascii_str($name)
            }
            fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok($ty(s.to_string()))
            }
            fn display(&self) -> lettre::message::header::HeaderValue {
                lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}
list_header!(ListUnsubscribe, "List-Unsubscribe");
list_header!(ListUnsubscribePost, "List-Unsubscribe-Post");

/// The MIME message of `mail` from the configured sender: plain text and HTML as alternatives,
/// with the `List-Unsubscribe` pair when `unsubscribe` is given and the configured `Reply-To`
/// when the mail invites a reply.
pub(super) fn message(
    config: &MailConfig,
    mail: &OutgoingMail,
    unsubscribe: Option<&str>,
) -> Result<Message, DeliveryError> {
    let address = |which: &'static str, text: &str| {
        text.parse::<Mailbox>()
            .map_err(|source| DeliveryError::Address { which, source })
    };
    let from = address("afzender", &config.from)?;
    let to = address("ontvanger", &mail.to)?;
    let mut builder = Message::builder().from(from).to(to).subject(&mail.subject);
    if let (true, Some(reply)) = (mail.invites_reply, &config.reply_to) {
        let reply = address("antwoordadres", reply)?;
        builder = builder.reply_to(reply);
    }
    if let Some(url) = unsubscribe {
        builder = builder
            .header(ListUnsubscribe(format!("<{url}>")))
            .header(ListUnsubscribePost("List-Unsubscribe=One-Click".into()));
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.html.clone()),
                ),
        )
        .map_err(DeliveryError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::approved_mail;

    #[test]
    fn the_smtp_password_is_not_shown() {
        let t = MailTransport::Smtp("smtp://post:geheim@mail.example:587?tls=required".into());
        assert_eq!(
            format!("{t:?}"),
            r#"Smtp("smtp://post:***@mail.example:587?tls=required")"#
        );
        let t = MailTransport::Smtp("smtp://mail.example:25".into());
        assert_eq!(format!("{t:?}"), r#"Smtp("smtp://mail.example:25")"#);
    }

    fn config() -> MailConfig {
        MailConfig {
            transport: MailTransport::Memory(Default::default()),
            from: "WijkWijzer <noreply@w.example>".into(),
            reply_to: Some("Coördinatiepunt <coordinatiepunt@w.example>".into()),
            interval: std::time::Duration::from_secs(5),
            backoff: std::time::Duration::from_secs(30),
            max_attempts: 8,
        }
    }

    #[test]
    fn a_mail_that_invites_a_reply_has_the_reply_to_of_the_coordination_point() {
        let m = approved_mail("a@b.nl", None, "Titel", "https://w.example/aanbod/x");
        assert!(m.invites_reply);
        let raw = String::from_utf8(message(&config(), &m, None).unwrap().formatted()).unwrap();
        assert!(raw.contains("Reply-To:"), "{raw}");
        assert!(raw.contains("<coordinatiepunt@w.example>"), "{raw}");
        let link = crate::mail::sign_in_mail("https://w.example", "a@b.nl", "t", None);
        assert!(!link.invites_reply);
        let raw = String::from_utf8(message(&config(), &link, None).unwrap().formatted()).unwrap();
        assert!(!raw.contains("Reply-To:"), "{raw}");
        let mut none = config();
        none.reply_to = None;
        let raw = String::from_utf8(message(&none, &m, None).unwrap().formatted()).unwrap();
        assert!(!raw.contains("Reply-To:"), "{raw}");
        none.reply_to = Some("geen adres".into());
        assert!(none.check_sender().is_err());
    }

    #[test]
    fn builds_a_mime_message() {
        let m = approved_mail("a@b.nl", None, "Titel", "https://w.example/aanbod/x");
        let msg = message(&config(), &m, None).unwrap();
        let raw = String::from_utf8(msg.formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/html"));
        assert!(!raw.contains("List-Unsubscribe"));
        let alert = message(&config(), &m, Some("https://w.example/mijn/afmelden/1/abc")).unwrap();
        let raw = String::from_utf8(alert.formatted()).unwrap();
        assert!(
            raw.contains("List-Unsubscribe: <https://w.example/mijn/afmelden/1/abc>"),
            "{raw}"
        );
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    }
}
