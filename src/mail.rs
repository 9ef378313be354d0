//! E-mail: the mails the coordination point sends (Dutch, plain text and HTML, no tracking) and
//! the worker that delivers the outbox over SMTP (lettre), to a folder, or to memory in tests,
//! with retries and exponential backoff.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::text::xml_escape;
use crate::store::{OutboxRow, OutgoingMail, Store};

/// How long a claimed mail is held for one delivery attempt before another worker may try it.
const MAIL_LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

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

/// Mails "sent" in memory, for tests.
#[derive(Clone, Debug, Default)]
pub struct MemorySink(Arc<Mutex<Vec<OutgoingMail>>>);

impl MemorySink {
    /// The mails sent so far.
    pub fn sent(&self) -> Vec<OutgoingMail> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

pub use crate::config::MailConfig;

impl MailConfig {
    /// Checks the sender address (`WIJKWIJZER_MAIL_FROM`).
    pub fn check_sender(&self) -> anyhow::Result<()> {
        self.from.parse::<Mailbox>().map(|_| ()).map_err(|e| {
            anyhow::anyhow!(
                "ongeldige afzender WIJKWIJZER_MAIL_FROM '{}': {e}; geef bijvoorbeeld 'WijkWijzer <noreply@wijkwijzer.nl>'",
                self.from
            )
        })
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

fn message(from: &str, mail: &OutgoingMail, unsubscribe: Option<&str>) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("afzender: {e}"))?;
    let to: Mailbox = mail.to.parse().map_err(|e| format!("ontvanger: {e}"))?;
    let mut builder = Message::builder().from(from).to(to).subject(&mail.subject);
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
        .map_err(|e| e.to_string())
}

/// Delivers the outbox.
pub struct Mailer {
    config: MailConfig,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    /// How many erased mails the last folder sweep saw (-1: none yet).
    swept: AtomicI64,
}

impl Mailer {
    /// A mailer for `config`; an invalid SMTP URL is an error.
    pub fn new(config: MailConfig) -> anyhow::Result<Mailer> {
        config.check_sender()?;
        if let MailTransport::Folder(dir) = &config.transport {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("kan mailmap {} niet aanmaken: {e}", dir.display()))?;
            tracing::warn!(
                map = %dir.display(),
                "geen SMTP ingesteld (WIJKWIJZER_SMTP_URL): mail wordt niet verstuurd maar als .eml-bestand in deze map gezet"
            );
        }
        let smtp = match &config.transport {
            MailTransport::Smtp(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("ongeldige WIJKWIJZER_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            _ => None,
        };
        Ok(Mailer {
            config,
            smtp,
            swept: AtomicI64::new(-1),
        })
    }

    async fn deliver(
        &self,
        mail: &OutgoingMail,
        id: i64,
        unsubscribe: Option<&str>,
    ) -> Result<(), String> {
        match &self.config.transport {
            MailTransport::Memory(sink) => {
                sink.0
                    .lock()
                    .map_err(|_| "geheugen niet beschikbaar".to_string())?
                    .push(mail.clone());
                Ok(())
            }
            MailTransport::Folder(dir) => {
                let msg = message(&self.config.from, mail, unsubscribe)?;
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::fs::write(dir.join(format!("{id:06}.eml")), msg.formatted())
                    .await
                    .map_err(|e| e.to_string())
            }
            MailTransport::Smtp(_) => {
                let msg = message(&self.config.from, mail, unsubscribe)?;
                let Some(smtp) = &self.smtp else {
                    return Err("geen SMTP-verbinding ingesteld".into());
                };
                smtp.send(msg).await.map(|_| ()).map_err(|e| e.to_string())
            }
        }
    }

    /// Attempts every due mail once, up to 50, claiming one at a time just before it is sent (so
    /// that other instances skip it and no claim runs out while earlier mails are being sent);
    /// returns how many were sent.
    pub async fn run_once(&self, store: &Store) -> anyhow::Result<usize> {
        let mut sent = 0;
        for _ in 0..50 {
            let Some(OutboxRow {
                id,
                mail,
                attempts,
                next_attempt_at: claim,
                list_unsubscribe,
                ..
            }) = store.due_mails(1, MAIL_LEASE).await?.pop()
            else {
                break;
            };
            match self.deliver(&mail, id, list_unsubscribe.as_deref()).await {
                Ok(()) => {
                    store.mail_sent(id, &claim).await?;
                    sent += 1;
                }
                Err(e) => {
                    let tried = attempts + 1;
                    let next = (tried < self.config.max_attempts).then(|| {
                        let factor =
                            2u32.saturating_pow(u32::try_from(attempts).unwrap_or(16).min(16));
                        let wait = self.config.backoff.saturating_mul(factor);
                        (Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default())
                            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                    });
                    tracing::warn!(mail = id, poging = tried, fout = %e, "mail niet verzonden");
                    store.mail_failed(id, &claim, &e, next.as_deref()).await?;
                }
            }
        }
        if let MailTransport::Folder(dir) = &self.config.transport {
            // Erased mails stay erased, so the folder is swept only when their number grew.
            let count = store.erased_mail_count().await?;
            if count != self.swept.load(Ordering::Relaxed) {
                sweep_erased(&store.erased_mail_ids().await?, dir).await;
                self.swept.store(count, Ordering::Relaxed);
            }
        }
        Ok(sent)
    }

    /// Runs forever: every `interval`, attempts the due mail.
    pub async fn run(self, store: Store) {
        let mut tick = tokio::time::interval(self.config.interval);
        loop {
            tick.tick().await;
            if let Err(e) = self.run_once(&store).await {
                tracing::warn!(error = %e, "mailwachtrij verwerken mislukt");
            }
        }
    }
}

/// Deletes the `.eml` files of the erased mails `erased` from `dir`, so that an erasure also
/// reaches the mail folder; returns how many files were deleted.
async fn sweep_erased(erased: &[i64], dir: &std::path::Path) -> usize {
    let mut removed = 0;
    for &id in erased {
        match tokio::fs::remove_file(dir.join(format!("{id:06}.eml"))).await {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(mail = id, fout = %e, "gewiste mail niet uit de mailmap verwijderd");
            }
        }
    }
    if removed > 0 {
        tracing::info!(
            bestanden = removed,
            "gewiste mail uit de mailmap verwijderd"
        );
    }
    removed
}

/// The HTML body of a mail (`templates/mail/bericht.html`; askama escapes every value).
#[derive(askama::Template)]
#[template(path = "mail/bericht.html")]
struct HtmlMail<'a> {
    /// Paragraphs, each as its lines.
    paragraphs: Vec<Vec<&'a str>>,
    /// Links `(title, url)`.
    links: &'a [(String, String)],
}

fn html_page(paragraphs: &[String], links: &[(String, String)]) -> String {
    use askama::Template;
    let page = HtmlMail {
        paragraphs: paragraphs.iter().map(|p| p.lines().collect()).collect(),
        links,
    };
    page.render().unwrap_or_else(|e| {
        tracing::error!(fout = %e, "mail-HTML niet opgebouwd; alleen tekst");
        format!("<pre>{}</pre>", xml_escape(&text_body(paragraphs, links)))
    })
}

fn text_body(paragraphs: &[String], links: &[(String, String)]) -> String {
    let mut text = paragraphs.join("\n\n");
    if !links.is_empty() {
        text.push_str("\n\n");
        for (title, url) in links {
            text.push_str(&format!("- {title}\n  {url}\n"));
        }
    }
    text.push_str("\n\nMet vriendelijke groet,\nHet coördinatiepunt van WijkWijzer Leernetwerk\n");
    text
}

/// A mail in the house style: `paragraphs`, then `links` `(title, url)`, then the greeting; plain
/// text and HTML.
pub(crate) fn compose(
    to: &str,
    subject: &str,
    paragraphs: Vec<String>,
    links: Vec<(String, String)>,
) -> OutgoingMail {
    OutgoingMail {
        to: to.to_string(),
        subject: subject.to_string(),
        text: text_body(&paragraphs, &links),
        html: html_page(&paragraphs, &links),
    }
}

/// The answer to a learning question, with the confirmed offerings `(title, url)`.
pub fn answer_mail(
    to: &str,
    vraag: &str,
    antwoord: &str,
    offerings: Vec<(String, String)>,
) -> OutgoingMail {
    let mut p = vec![
        "Beste vraagsteller,".to_string(),
        format!("Je stelde het leernetwerk deze leervraag:\n“{vraag}”"),
        antwoord.to_string(),
    ];
    if !offerings.is_empty() {
        p.push("Dit leeraanbod past bij je vraag:".into());
    }
    compose(to, "Antwoord op je leervraag", p, offerings)
}

/// The mail to a submitter whose offering was published.
pub fn approved_mail(to: &str, titel: &str, url: &str) -> OutgoingMail {
    compose(
        to,
        "Je leeraanbod staat op WijkWijzer",
        vec![
            "Beste aanbieder,".into(),
            format!("Bedankt voor het aanmelden van “{titel}”. We hebben het bekeken en het staat nu op WijkWijzer Leernetwerk."),
        ],
        vec![(titel.to_string(), url.to_string())],
    )
}

/// The mail to a submitter whose offering was not accepted, with the reason.
pub fn rejected_mail(to: &str, titel: &str, reden: &str) -> OutgoingMail {
    compose(
        to,
        "Je aanmelding van leeraanbod",
        vec![
            "Beste aanbieder,".into(),
            format!("Bedankt voor het aanmelden van “{titel}”. We hebben het bekeken en nemen het niet op in WijkWijzer Leernetwerk."),
            format!("De reden:\n{reden}"),
            "Heb je vragen of kun je het aanbod aanpassen? Beantwoord dan deze mail of meld het opnieuw aan.".into(),
        ],
        vec![],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_are_escaped_and_have_both_bodies() {
        let m = answer_mail(
            "a@b.nl",
            "Hoe <b>pak</b> ik dit aan?",
            "Kijk hier & daar.",
            vec![("Training".into(), "https://x.example/a?b=1&c=2".into())],
        );
        assert!(m.html.contains("&#60;b&#62;pak&#60;/b&#62;"), "{}", m.html);
        assert!(m.html.contains("Kijk hier &#38; daar."));
        assert!(m.html.contains("href=\"https://x.example/a?b=1&#38;c=2\""));
        assert!(!m.html.contains("<img"));
        // A line break in the text is a line break in the HTML.
        assert!(
            m.html.contains("leervraag:<br>“Hoe &#60;b&#62;pak"),
            "{}",
            m.html
        );
        assert!(m.text.contains("Hoe <b>pak</b> ik dit aan?"));
        assert!(m.text.contains("https://x.example/a?b=1&c=2"));
        let r = rejected_mail("a@b.nl", "X", "Dubbel met bestaand aanbod.");
        assert!(r.text.contains("Dubbel met bestaand aanbod."));
    }

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

    #[test]
    fn builds_a_mime_message() {
        let m = approved_mail("a@b.nl", "Titel", "https://w.example/aanbod/x");
        let msg = message("WijkWijzer <noreply@w.example>", &m, None).unwrap();
        let raw = String::from_utf8(msg.formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/html"));
        assert!(!raw.contains("List-Unsubscribe"));
        let alert = message(
            "WijkWijzer <noreply@w.example>",
            &m,
            Some("https://w.example/mijn/afmelden/1/abc"),
        )
        .unwrap();
        let raw = String::from_utf8(alert.formatted()).unwrap();
        assert!(
            raw.contains("List-Unsubscribe: <https://w.example/mijn/afmelden/1/abc>"),
            "{raw}"
        );
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    }
}
