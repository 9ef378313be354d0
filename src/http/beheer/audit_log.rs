//! The audit log, page by page.

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
    entries: Vec<AuditEntry>,
    page: i64,
    more: bool,
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
            entries,
            page,
            more,
        },
    ))
}
