//! The back office (`/beheer`), one file per part of it.

mod access;
mod accounts;
mod inbox;
mod login;
mod moderation;
mod offerings;
mod tracks;

/// A demo question every back-office test may change.
const QUESTION: &str = "lv-demo-001";
/// A demo offering every back-office test may change.
const OFFERING: &str = "leernetwerk-wijkaanpak-die-blijft";
