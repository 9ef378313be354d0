//! WijkWijzer Leernetwerk: the learning network platform on liveable and safe neighbourhoods.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod app;
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod domain;
pub mod http;
pub mod mail;
pub mod search;
pub mod store;
pub mod transfer;
