//! The outbox worker: attempts every due mail, claimed one at a time, over the configured
//! transport; a failure is retried later with exponential backoff, up to a maximum number of
//! attempts. In folder mode it also removes the files of erased mails.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::transport::{message, DeliveryError};
use super::{MailConfig, MailTransport};
use crate::store::{OutboxRow, OutgoingMail, Store};

/// How long a claimed mail is held for one delivery attempt before another worker may try it.
const MAIL_LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

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
    ) -> Result<(), DeliveryError> {
        match &self.config.transport {
            MailTransport::Memory(sink) => sink.push(mail),
            MailTransport::Folder(dir) => {
                let msg = message(&self.config, mail, unsubscribe)?;
                tokio::fs::create_dir_all(dir).await?;
                Ok(tokio::fs::write(dir.join(format!("{id:06}.eml")), msg.formatted()).await?)
            }
            MailTransport::Smtp(_) => {
                let msg = message(&self.config, mail, unsubscribe)?;
                let Some(smtp) = &self.smtp else {
                    return Err(DeliveryError::NoSmtp);
                };
                smtp.send(msg).await?;
                Ok(())
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
                        (store.clock().now() + chrono::Duration::from_std(wait).unwrap_or_default())
                            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                    });
                    tracing::warn!(mail = id, poging = tried, fout = %e, "mail niet verzonden");
                    store
                        .mail_failed(id, &claim, &e.to_string(), next.as_deref())
                        .await?;
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
