//! Pure domain types and rules, no I/O: offerings, learning questions, taxonomy, text analysis,
//! matching and search helpers.

pub mod analysis;
pub mod circle;
pub mod clock;
pub mod evaluation;
pub mod facets;
pub mod fields;
pub mod follow;
pub mod gaps;
pub mod inventory;
pub mod matching;

pub mod offering;
pub mod peers;
pub mod question;
pub mod region;
pub mod similar;
pub mod status;
pub mod taxonomy;
pub mod text;
pub mod track;
