//! WijkWijzer Leernetwerk: the learning network platform on liveable and safe neighbourhoods.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod digest;
pub mod domain;
pub mod http;
pub mod mail;
pub mod search;
pub mod security;
pub mod store;
pub mod transfer;

/// Logs a security event (ASVS V7): a warning with `event` and the given fields on the target
/// `wijkwijzer::security`, with the request id, inside the request's span. Never pass
/// passwords, codes, tokens or typed e-mail addresses.
#[macro_export]
macro_rules! security_event {
    ($event:literal $(, $($field:tt)*)?) => {
        ::tracing::warn!(
            target: "wijkwijzer::security",
            event = $event,
            request_id = %$crate::http::current_request_id()
            $(, $($field)*)?,
            "beveiligingsgebeurtenis"
        )
    };
}
