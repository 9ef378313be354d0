//! The audit log, page by page: a Dutch sentence per change, what changed as a small table, and
//! the stored JSON behind a toggle.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::security::Area;
use crate::store::AuditEntry;

use super::{BLayout, Staff};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/beheer/logboek", get(audit))
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    pagina: Option<i64>,
}

#[derive(Template)]
#[template(path = "beheer/logboek.html")]
struct AuditPage {
    l: BLayout,
    entries: Vec<EntryView>,
    page: i64,
    more: bool,
}

/// One change as the log page shows it.
struct EntryView {
    /// What happened, in a Dutch sentence.
    sentence: String,
    /// When, in Dutch time.
    when: String,
    /// What changed `(field, before, after)`.
    rows: Vec<(String, String, String)>,
    /// The stored entry (its JSON behind a toggle).
    raw: AuditEntry,
}

/// Who did it, as the subject of a sentence.
fn who(actor: &str) -> String {
    match actor {
        "deelnemer" => "Een deelnemer".into(),
        "systeem" => "Het systeem".into(),
        "cli" => "De opdrachtregel".into(),
        other => other.to_string(),
    }
}

/// The thing changed with its article: `het ontwikkeltraject 3`.
fn thing(entity: &str, id: &str) -> String {
    let article = match entity {
        "aanbod" | "ontwikkeltraject" | "account" | "bericht" => "het",
        _ => "de",
    };
    format!("{article} {entity} {id}")
}

/// The change in a Dutch sentence: `beheer@x.nl heeft het ontwikkeltraject 3 aangemaakt.`
fn sentence(e: &AuditEntry) -> String {
    let subject = who(&e.actor);
    let object = thing(&e.entity, &e.entity_id);
    match e.action.as_str() {
        "koppeling" => format!("{subject} heeft een koppeling van aanbod aan {object} beoordeeld."),
        "opnieuw versturen" => format!("{subject} heeft {object} opnieuw laten versturen."),
        action => format!("{subject} heeft {object} {action}."),
    }
}

/// A JSON value in words: text as it is, a list joined with commas, yes/no for a truth value.
fn value_text(v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    let text = match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "ja" } else { "nee" }.into(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| value_text(Some(x)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    };
    if text.chars().count() > 300 {
        format!("{}…", text.chars().take(300).collect::<String>())
    } else {
        text
    }
}

/// The fields that differ between the stored states before and after (every field of a new
/// thing), by field name.
fn changed_fields(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, serde_json::Value> {
        match s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok()) {
            Some(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        }
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<&String> = b.keys().collect();
    keys.extend(a.keys().filter(|k| !b.contains_key(*k)));
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| (k.clone(), value_text(b.get(k)), value_text(a.get(k))))
        .collect()
}

impl EntryView {
    fn of(raw: AuditEntry) -> EntryView {
        EntryView {
            sentence: sentence(&raw),
            when: crate::http::pages::view::moment(&raw.at),
            rows: changed_fields(raw.before.as_deref(), raw.after.as_deref()),
            raw,
        }
    }
}

const AUDIT_PAGE: i64 = 100;

async fn audit(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Audit)?;
    let page = q.pagina.unwrap_or(1).clamp(1, 100_000);
    let mut entries = state
        .catalog
        .store()
        .audit_log(None, AUDIT_PAGE + 1, (page - 1) * AUDIT_PAGE)
        .await?;
    let more = entries.len() as i64 > AUDIT_PAGE;
    entries.truncate(AUDIT_PAGE as usize);
    Ok(render_status(
        StatusCode::OK,
        AuditPage {
            l: BLayout::new("Logboek", "/beheer/logboek", &staff),
            entries: entries.into_iter().map(EntryView::of).collect(),
            page,
            more,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_as_a_sentence_with_only_what_changed() {
        let e = AuditEntry {
            id: 1,
            at: "2026-12-06T10:00:00Z".into(),
            actor: "coordinator@wijkwijzer.example".into(),
            action: "bewerkt".into(),
            entity: "ontwikkeltraject".into(),
            entity_id: "3".into(),
            before: Some(r#"{"id":3,"titel":"A","status":"verkenning","aanbod":[]}"#.into()),
            after: Some(r#"{"id":3,"titel":"A","status":"beschikbaar","aanbod":["x","y"]}"#.into()),
        };
        assert_eq!(
            sentence(&e),
            "coordinator@wijkwijzer.example heeft het ontwikkeltraject 3 bewerkt."
        );
        assert_eq!(
            changed_fields(e.before.as_deref(), e.after.as_deref()),
            vec![
                ("aanbod".into(), String::new(), "x, y".into()),
                ("status".into(), "verkenning".into(), "beschikbaar".into()),
            ]
        );
        assert_eq!(
            changed_fields(None, Some(r#"{"reden":"dubbel","ok":true}"#)),
            vec![
                ("ok".into(), String::new(), "ja".into()),
                ("reden".into(), String::new(), "dubbel".into()),
            ]
        );
    }
}
