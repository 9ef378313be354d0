//! E-mail: the transports that deliver the outbox (SMTP via lettre, a folder of `.eml` files,
//! memory in tests; `transport.rs`), the worker that sends due mail with retries and exponential
//! backoff (`worker.rs`), and the Dutch texts of every mail the platform sends, as askama
//! templates under `templates/mail/` (`texts.rs`). Mail is written to the outbox by `store`, in
//! the transaction of the change it reports; this module imports nothing of `http`, `app` or
//! `cli`.

mod texts;
mod transport;
mod worker;

pub use texts::{
    answer_mail, approved_mail, circle_announcement_mail, circle_decision_mail,
    circle_invitation_mail, circle_stopped_mail, contact_reply_mail, digest_mail,
    peer_introduction_made_mail, peer_introduction_request_mail, receipt_mail, rejected_mail,
    retention_warning_mail, sign_in_mail, Digest, DigestEntry, MailOffering, SharedDetails,
};
pub use transport::{MailConfig, MailTransport, MemorySink};
pub use worker::Mailer;
