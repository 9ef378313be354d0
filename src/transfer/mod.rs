//! Import and export of offerings and learning questions in the data contract's JSON Lines and
//! CSV formats. An import is parsed and checked completely before anything is written.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde_json::{Map, Value};

use crate::domain::fields::{shortened, FieldError};
use crate::domain::offering::{self, Offering};
use crate::domain::question::{self, LearningQuestion};
use crate::domain::taxonomy::Taxonomy;

mod export;

pub use export::{export, neutralise_cell, restore_cell};

/// One problem in an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// 1-based line number in the file (for CSV the line where the record starts).
    pub line: usize,
    /// Field name, or `-` for the whole line.
    pub field: String,
    /// Dutch reason.
    pub reason: String,
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field == "-" {
            write!(f, "regel {}: {}", self.line, self.reason)
        } else {
            write!(
                f,
                "regel {}, veld '{}': {}",
                self.line, self.field, self.reason
            )
        }
    }
}

/// The file formats of the data contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines.
    Jsonl,
    /// CSV with the same column names; list fields separated by `;`.
    Csv,
}

impl Format {
    /// The format of a file by its extension (`.jsonl`/`.json` or `.csv`).
    pub fn of_path(path: &Path) -> Option<Format> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl") | Some("json") | Some("ndjson") => Some(Format::Jsonl),
            Some("csv") => Some(Format::Csv),
            _ => None,
        }
    }
}

/// A record with the line it starts on.
type NumberedRecord = (usize, Map<String, Value>);

/// Splits a file into records `(line, object)`; unreadable lines become problems.
fn records(
    text: &str,
    format: Format,
    fields: &[&str],
    list_fields: &[&str],
) -> (Vec<NumberedRecord>, Vec<ImportProblem>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Jsonl => {
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line) {
                    Ok(Value::Object(map)) => out.push((i + 1, map)),
                    Ok(_) => problems.push(problem(i + 1, "-", "geen JSON-object")),
                    Err(e) => problems.push(problem(i + 1, "-", json_reason(&e))),
                }
            }
        }
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(false)
                .from_reader(text.as_bytes());
            let headers = match reader.headers() {
                Ok(h) => h.clone(),
                Err(e) => {
                    problems.push(problem(
                        1,
                        "-",
                        format!("ongeldige CSV-kopregel: {}", csv_reason(&e)),
                    ));
                    return (out, problems);
                }
            };
            for h in headers.iter() {
                if !fields.contains(&h) {
                    problems.push(problem(1, &shortened(h), "onbekende kolom"));
                }
            }
            for result in reader.records() {
                match result {
                    Ok(record) => {
                        let line = record.position().map_or(0, |p| p.line() as usize);
                        let mut map = Map::new();
                        for (name, cell) in headers.iter().zip(record.iter()) {
                            let cell = restore_cell(cell);
                            let value = if cell.trim().is_empty() {
                                if list_fields.contains(&name) {
                                    Value::Array(vec![])
                                } else {
                                    Value::Null
                                }
                            } else if list_fields.contains(&name) {
                                Value::Array(
                                    cell.split(';')
                                        .map(|s| Value::String(s.trim().to_string()))
                                        .filter(|v| v.as_str() != Some(""))
                                        .collect(),
                                )
                            } else {
                                Value::String(cell.to_string())
                            };
                            map.insert(name.to_string(), value);
                        }
                        out.push((line, map));
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line() as usize);
                        problems.push(problem(
                            line,
                            "-",
                            format!("ongeldige CSV-regel: {}", csv_reason(&e)),
                        ));
                    }
                }
            }
        }
    }
    (out, problems)
}

/// Why a line is not valid JSON, in Dutch (serde_json's own text is English).
fn json_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "de regel houdt op midden in een waarde",
        Category::Syntax => "hier klopt de opbouw niet",
        Category::Data => "een waarde heeft niet het goede soort",
        Category::Io => "de regel kon niet worden gelezen",
    };
    format!("ongeldige JSON bij teken {}: {what}", e.column())
}

/// Why a CSV record cannot be read, in Dutch (the csv crate's own text is English).
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} kolommen, maar de kopregel heeft er {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "geen geldige UTF-8-tekst".to_string(),
        _ => "deze regel is niet te lezen".to_string(),
    }
}

fn problem(line: usize, field: &str, reason: impl Into<String>) -> ImportProblem {
    ImportProblem {
        line,
        field: field.to_string(),
        reason: reason.into(),
    }
}

fn parse_all<T>(
    text: &str,
    format: Format,
    fields: &[&str],
    list_fields: &[&str],
    parse: impl Fn(&Map<String, Value>) -> Result<T, Vec<FieldError>>,
    id_of: impl Fn(&T) -> &str,
) -> Result<Vec<T>, Vec<ImportProblem>> {
    let (records, mut problems) = records(text, format, fields, list_fields);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut items = Vec::new();
    for (line, map) in records {
        match parse(&map) {
            Ok(item) => {
                let id = id_of(&item).to_string();
                if let Some(first) = seen.get(&id) {
                    problems.push(problem(
                        line,
                        "id",
                        format!("dubbel id '{id}' (ook op regel {first})"),
                    ));
                } else {
                    seen.insert(id, line);
                    items.push(item);
                }
            }
            Err(errors) => {
                for e in errors {
                    problems.push(problem(line, &e.field, e.reason));
                }
            }
        }
    }
    if problems.is_empty() && items.is_empty() {
        problems.push(problem(0, "-", "het bestand bevat geen regels"));
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// Parses a whole catalog file; either every line is valid, or every problem is returned.
pub fn parse_offerings(
    text: &str,
    format: Format,
    tax: &Taxonomy,
) -> Result<Vec<Offering>, Vec<ImportProblem>> {
    parse_all(
        text,
        format,
        offering::FIELDS,
        offering::LIST_FIELDS,
        |m| Offering::parse(m, tax),
        |o| &o.id,
    )
}

/// Parses a whole demand file; either every line is valid, or every problem is returned.
pub fn parse_questions(
    text: &str,
    format: Format,
    tax: &Taxonomy,
) -> Result<Vec<LearningQuestion>, Vec<ImportProblem>> {
    parse_all(
        text,
        format,
        question::FIELDS,
        question::LIST_FIELDS,
        |m| LearningQuestion::parse(m, tax),
        |q| &q.id,
    )
}

#[cfg(test)]
mod tests;
