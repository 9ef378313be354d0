//! Export in the data contract's formats, and the protection of CSV cells against spreadsheet
//! formulas (read back unchanged by the import).

use std::borrow::Cow;

use serde_json::Value;

use super::Format;

/// The characters that make a spreadsheet read a cell as a formula or command when they come
/// first (OWASP, "CSV injection"): `=`, `+`, `-`, `@`, TAB and CR.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True for a text that [`neutralise_cell`] protects: after any number of leading `'`, it
/// starts with one of [`FORMULA_START`].
fn is_protected(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// A CSV cell that a spreadsheet shows as text instead of running it as a formula: a text that
/// starts with `=`, `+`, `-`, `@`, TAB or CR gets a single quote `'` in front (OWASP). So that
/// [`restore_cell`] can tell such a quote from one that belongs to the text, a text that starts
/// with quotes followed by one of those characters (`'=1`) gets one more quote too. Every other
/// text, also one starting with a quote such as `'s-Hertogenbosch`, is written as it is.
pub fn neutralise_cell(text: &str) -> Cow<'_, str> {
    if is_protected(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text of a CSV cell written by [`neutralise_cell`]: one leading quote is removed exactly
/// when the rest is a text that `neutralise_cell` protects (`'=SOM(A1)` becomes `=SOM(A1)`,
/// `''=1` becomes `'=1`); any other cell, such as `'s-Hertogenbosch`, is read as it is. So
/// `restore_cell(neutralise_cell(x)) == x` for every text `x`.
pub fn restore_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if is_protected(rest) => rest,
        _ => cell,
    }
}

/// Writes records (any `Serialize` with the contract's field names) as JSON Lines or CSV.
pub fn export<T: serde::Serialize>(
    items: &[T],
    format: Format,
    fields: &[&str],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Jsonl => {
            for item in items {
                serde_json::to_writer(&mut *out, item)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(fields)?;
            for item in items {
                let value = serde_json::to_value(item)?;
                let row: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        let cell = match value.get(*f) {
                            None | Some(Value::Null) => String::new(),
                            Some(Value::String(s)) => s.clone(),
                            Some(Value::Array(a)) => a
                                .iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join(";"),
                            Some(other) => other.to_string(),
                        };
                        neutralise_cell(&cell).into_owned()
                    })
                    .collect();
                writer.write_record(&row)?;
            }
            writer.flush()?;
        }
    }
    Ok(())
}
