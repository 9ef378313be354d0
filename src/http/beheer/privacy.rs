//! Privacy requests: export and erase one person's data.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::http::form_fields::{first, pairs};
use crate::http::forms::parse_email;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::security::Area;

use super::{BLayout, Staff};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/privacy", get(privacy))
        .route("/beheer/privacy/export", post(export))
        .route("/beheer/privacy/wissen", post(erase))
}

const BAD_EMAIL: &str = "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.";

#[derive(Template)]
#[template(path = "beheer/privacy.html")]
struct PrivacyPage {
    l: BLayout,
    email: String,
    /// The form the error belongs to: `export` or `wissen`.
    form: &'static str,
    error: Option<String>,
    notice: Option<String>,
    retention_months: u32,
}

async fn privacy(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Privacy)?;
    Ok(privacy_page(&state, &staff, None))
}

/// The privacy page with an empty form and, after an erasure, `notice`.
fn privacy_page(state: &AppState, staff: &Staff, notice: Option<String>) -> Response {
    render_status(
        StatusCode::OK,
        PrivacyPage {
            l: BLayout::new("Privacy", "/beheer/privacy", staff),
            email: String::new(),
            form: "",
            error: None,
            notice,
            retention_months: state.retention_months,
        },
    )
}

fn privacy_error(
    state: &AppState,
    staff: &Staff,
    email: String,
    form: &'static str,
    message: &str,
) -> Response {
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        PrivacyPage {
            l: BLayout::new("Fout: privacy", "/beheer/privacy", staff),
            email,
            form,
            error: Some(message.into()),
            notice: None,
            retention_months: state.retention_months,
        },
    )
}

async fn export(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Privacy)?;
    let typed = first(&pairs(&body), "email");
    let Some(email) = parse_email(&typed) else {
        return Ok(privacy_error(&state, &staff, typed, "export", BAD_EMAIL));
    };
    let data = state.catalog.store().personal_data(&email).await?;
    let json = serde_json::to_string_pretty(&data).map_err(PageError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"persoonsgegevens.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        json,
    )
        .into_response())
}

async fn erase(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Privacy)?;
    let fields = pairs(&body);
    let typed = first(&fields, "email");
    let Some(email) = parse_email(&typed) else {
        return Ok(privacy_error(&state, &staff, typed, "wissen", BAD_EMAIL));
    };
    if first(&fields, "bevestig") != "ja" {
        return Ok(privacy_error(
            &state,
            &staff,
            typed,
            "wissen",
            "Vink aan dat je de gegevens van dit e-mailadres echt wilt wissen; dat kan niet ongedaan worden gemaakt.",
        ));
    }
    let n = state
        .catalog
        .store()
        .erase_person(&email, staff.actor())
        .await?;
    if n > 0 {
        super::show_demand_change(&state).await;
    }
    let notice = if n == 0 {
        format!("Er stonden geen gegevens van {email} in WijkWijzer. Er is niets gewist.")
    } else {
        format!(
            "Het e-mailadres en de naam van {email} zijn gewist uit {n} gegevens. De teksten van leervragen blijven bewaard voor de leeragenda."
        )
    };
    Ok(privacy_page(&state, &staff, Some(notice)))
}
