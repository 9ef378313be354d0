//! Integration tests: the application on port 0 with a fresh database per test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

mod agenda;
mod api_contract;
mod architecture;
mod backoffice;
mod catalogue_api;
mod errors;
mod helpers;
mod http_hardening;
mod import_export;
mod leerkringen;
mod mail;
mod matching;
mod mijn;
mod open_data;
mod operations;
mod pages;
mod peilingen;
mod privacy;
mod public_forms;
mod schema;
mod search;
mod search_params;
mod security;
mod startup;
