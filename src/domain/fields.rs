//! Parsing of one import record (a JSON object or a CSV row turned into one) into typed fields,
//! collecting a Dutch error per field instead of stopping at the first.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::taxonomy::{Taxonomy, Vocabulary};

/// One problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field name of the data contract (`samenvatting`), or `-` for the whole record.
    pub field: String,
    /// Dutch reason.
    pub reason: String,
}

impl FieldError {
    /// A new error for `field`.
    pub fn new(field: &str, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

/// True for a slug or id of the form `[a-z0-9-]+`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// How much one field may hold. Every text field of an import record has a limit, so that no
/// record can carry an unbounded text into the database, the pages, the feeds and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Most characters in the text (in each item, for a list field), after trimming.
    pub chars: usize,
    /// Most items in a list field (not used for a single text).
    pub items: usize,
}

impl Limit {
    /// A limit of `chars` characters (per item) and `items` items.
    pub const fn new(chars: usize, items: usize) -> Limit {
        Limit { chars, items }
    }
}

/// The start of `s` for an error message: at most 40 characters, with `…` when cut.
pub fn shortened(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// The reason for a text of `n` characters where `max` are allowed (`te lang: 12 tekens,
/// maximaal 10`); the forms read `n` back from it.
pub fn too_long(n: usize, max: usize) -> String {
    format!("te lang: {n} tekens, maximaal {max}")
}

/// Reads the fields of one record, remembering every problem.
pub struct Record<'a> {
    map: &'a Map<String, Value>,
    limit: fn(&str) -> Limit,
    /// Problems found so far.
    pub errors: Vec<FieldError>,
}

impl<'a> Record<'a> {
    /// Starts reading `map`; fields not in `known` are reported as unknown, and every text is
    /// held to `limit` of its field.
    pub fn new(
        map: &'a Map<String, Value>,
        known: &[&str],
        limit: fn(&str) -> Limit,
    ) -> Record<'a> {
        let mut errors = Vec::new();
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                errors.push(FieldError::new(&shortened(key), "onbekend veld"));
            }
        }
        Record { map, limit, errors }
    }

    fn fail(&mut self, field: &str, reason: impl Into<String>) {
        self.errors.push(FieldError::new(field, reason));
    }

    fn value(&self, field: &str) -> Option<&'a Value> {
        match self.map.get(field) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// A required, non-empty text (trimmed).
    pub fn text(&mut self, field: &str) -> String {
        match self.opt_text(field) {
            Some(s) => s,
            None => {
                if !self.errors.iter().any(|e| e.field == field) {
                    self.fail(field, "verplicht veld ontbreekt of is leeg");
                }
                String::new()
            }
        }
    }

    /// The required `id`: a non-empty text of lowercase letters, digits and `-` (see [`is_slug`]).
    pub fn id(&mut self) -> String {
        let id = self.text("id");
        if !id.is_empty() && !is_slug(&id) {
            self.fail("id", "alleen kleine letters, cijfers en '-' toegestaan");
        }
        id
    }

    /// An optional text, its line endings made `\n`; empty counts as absent.
    pub fn opt_text(&mut self, field: &str) -> Option<String> {
        match self.value(field) {
            None => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => {
                let s = crate::domain::text::normalize_newlines(s);
                let max = (self.limit)(field).chars;
                let n = s.trim().chars().count();
                if n > max {
                    self.fail(field, too_long(n, max));
                    return None;
                }
                Some(s.trim().to_string())
            }
            Some(_) => {
                self.fail(field, "moet tekst zijn");
                None
            }
        }
    }

    /// A list of texts; absent counts as empty.
    pub fn list(&mut self, field: &str) -> Vec<String> {
        match self.value(field) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let limit = (self.limit)(field);
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) if s.trim().chars().count() > limit.chars => {
                            let n = s.trim().chars().count();
                            self.fail(
                                field,
                                format!(
                                    "'{}' is {}",
                                    shortened(s.trim()),
                                    too_long(n, limit.chars)
                                ),
                            );
                            return Vec::new();
                        }
                        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                        Value::String(_) => {}
                        _ => {
                            self.fail(field, "moet een lijst van teksten zijn");
                            return Vec::new();
                        }
                    }
                }
                if out.len() > limit.items {
                    self.fail(
                        field,
                        format!("te veel: {} waarden, maximaal {}", out.len(), limit.items),
                    );
                    return Vec::new();
                }
                out
            }
            Some(_) => {
                self.fail(field, "moet een lijst zijn");
                Vec::new()
            }
        }
    }

    /// A list of slugs that must all be in `vocabulary`; `min` entries at least.
    pub fn slugs(
        &mut self,
        field: &str,
        tax: &Taxonomy,
        vocabulary: Vocabulary,
        min: usize,
    ) -> Vec<String> {
        let values = self.list(field);
        if values.len() < min && !self.errors.iter().any(|e| e.field == field) {
            self.fail(field, "verplicht veld: noem er minstens één");
        }
        let mut out: Vec<String> = Vec::new();
        for v in values {
            if tax.term(vocabulary, &v).is_none() {
                self.fail(field, format!("onbekende waarde '{v}'"));
            } else if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// One slug from `vocabulary`, required or optional.
    pub fn slug(
        &mut self,
        field: &str,
        tax: &Taxonomy,
        vocabulary: Vocabulary,
        required: bool,
    ) -> Option<String> {
        let v = if required {
            Some(self.text(field)).filter(|s| !s.is_empty())
        } else {
            self.opt_text(field)
        }?;
        if tax.term(vocabulary, &v).is_none() {
            self.fail(field, format!("onbekende waarde '{v}'"));
            return None;
        }
        Some(v)
    }

    /// An optional date `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let s = self.opt_text(field)?;
        match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) if s.len() == 10 => Some(d),
            _ => {
                self.fail(
                    field,
                    format!("ongeldige datum '{s}' (verwacht JJJJ-MM-DD)"),
                );
                None
            }
        }
    }
}
