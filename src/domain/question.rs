//! The learning question (`LearningQuestion`) of the demand inventory and its import parser.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fields::{FieldError, Limit, Record};
use super::taxonomy::{Taxonomy, Vocabulary};

/// Longest allowed `vraag`, in characters: the same as for a question asked on the site or
/// through the API.
pub const MAX_QUESTION: usize = 2_000;

/// How much each field of a learning question may hold (see [`Limit`]).
pub fn limit(field: &str) -> Limit {
    match field {
        "id" => Limit::new(100, 0),
        "vraag" => Limit::new(MAX_QUESTION, 0),
        "gemeente" => Limit::new(100, 0),
        // Slugs and the date are checked against their vocabulary or format; this bound only
        // keeps what an error message repeats short.
        _ => Limit::new(100, 50),
    }
}

/// One learning question. Field names follow the data contract in SCHEMA.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningQuestion {
    /// Identifier.
    pub id: String,
    /// The question in the asker's words.
    pub vraag: String,
    /// Target group slug of the asker.
    pub doelgroep: Option<String>,
    /// Sector slug of the asker.
    pub sector: Option<String>,
    /// The asker's municipality.
    pub gemeente: Option<String>,
    /// Theme slugs a coordinator assigned.
    pub themas: Vec<String>,
    /// When it was asked.
    pub datum: NaiveDate,
}

/// The field names of a learning question, in contract order.
pub const FIELDS: &[&str] = &[
    "id",
    "vraag",
    "doelgroep",
    "sector",
    "gemeente",
    "themas",
    "datum",
];

/// The list-valued fields of a learning question.
pub const LIST_FIELDS: &[&str] = &["themas"];

impl LearningQuestion {
    /// Parses one record of the demand format against the taxonomy.
    pub fn parse(
        map: &Map<String, Value>,
        tax: &Taxonomy,
    ) -> Result<LearningQuestion, Vec<FieldError>> {
        let mut r = Record::new(map, FIELDS, limit);
        let id = r.id();
        let vraag = r.text("vraag");
        let doelgroep = r.slug("doelgroep", tax, Vocabulary::TargetGroup, false);
        let sector = r.slug("sector", tax, Vocabulary::Sector, false);
        let gemeente = r.opt_text("gemeente");
        let themas = r.slugs("themas", tax, Vocabulary::Theme, 0);
        let datum = r.date("datum");
        if datum.is_none() && !r.errors.iter().any(|e| e.field == "datum") {
            r.errors.push(FieldError::new(
                "datum",
                "verplicht veld ontbreekt of is leeg",
            ));
        }
        match (r.errors.is_empty(), datum) {
            (true, Some(datum)) => Ok(LearningQuestion {
                id,
                vraag,
                doelgroep,
                sector,
                gemeente,
                themas,
                datum,
            }),
            _ => Err(r.errors),
        }
    }
}
