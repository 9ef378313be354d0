//! Integration tests: the application on port 0 with a fresh database per test.

mod agenda;
mod catalogue_api;
mod helpers;
mod import_export;
mod matching;
mod pages;
mod search;
