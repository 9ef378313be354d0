//! The public website: server-rendered pages (askama) that work without JavaScript.
//! Handlers parse, call the catalogue, and render; errors become a Dutch page with the request id
//! ([`PageError`]). One module per page or group of pages; this one holds the router and the
//! helpers they share.

pub mod aanmelden;
pub mod catalogue;
pub mod charts;
pub mod circles;
pub mod contact;
pub mod events;
pub mod gaps;
pub mod home;
pub mod info;
pub mod learning_agenda;
pub mod leervraag;
pub mod offering;
pub mod peers;
pub mod providers;
pub mod public_form;
pub mod snapshots;
pub mod themes;
pub mod tracks;
pub mod view;

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;

use crate::catalog::Snapshot;
use crate::domain::offering::Offering;

use super::AppState;
use view::{assets, Layout};

/// The public routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/themas", get(themes::themes))
        .route("/themas/{slug}", get(themes::theme))
        .route("/aanbod", get(catalogue::catalogue_page))
        .route("/aanbod/{id}", get(offering::offering))
        .route("/aanbieders", get(providers::providers))
        .route("/aanbieders/{slug}", get(providers::provider))
        .route("/agenda", get(events::event_calendar))
        .route("/privacy", get(info::privacy))
        .route("/open-data", get(info::open_data))
        .route("/toegankelijkheid", get(info::accessibility))
        .route("/over", get(info::about))
        .route("/logo.svg", get(logo))
        .route(assets::SITE_CSS_PATH, get(stylesheet))
        .route("/favicon.ico", get(favicon))
        .merge(leervraag::router())
        .merge(learning_agenda::router())
        .merge(gaps::router())
        .merge(snapshots::router())
        .merge(tracks::router())
        .merge(circles::router())
        .merge(contact::router())
        .merge(aanmelden::router())
}

pub use super::page_error::{error_page, not_found_page, PageError};

/// The page for a method a page does not support (405); axum adds the `Allow` header.
pub async fn method_not_allowed() -> Response {
    error_page(
        StatusCode::METHOD_NOT_ALLOWED,
        "Methode niet toegestaan",
        "Deze pagina kan niet op deze manier worden opgevraagd of verstuurd. Ga terug en probeer het via de knoppen en links op de site.",
    )
}

/// The page for a public form that was sent a second time (a reload or a double click): it was
/// stored once, and nothing more happens.
#[derive(Template)]
#[template(path = "al_verstuurd.html")]
struct AlreadySentPage {
    l: Layout,
    heading: &'static str,
    again_href: &'static str,
    again_text: &'static str,
}

/// Answers a public form sent a second time: `heading` says what was received, the link offers
/// to fill in the form anew.
pub fn already_sent(
    heading: &'static str,
    path: &'static str,
    again_text: &'static str,
) -> Response {
    render_status(
        StatusCode::OK,
        AlreadySentPage {
            l: Layout::new(
                heading,
                "Dit formulier was al verstuurd en is één keer ontvangen.",
                path,
            ),
            heading,
            again_href: path,
            again_text,
        },
    )
}

/// Renders a template as an HTML response with `status`.
pub fn render_status(status: StatusCode, t: impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            let id = crate::domain::text::xml_escape(&crate::http::current_request_id());
            let html = format!("<!doctype html><html lang=\"nl\"><title>Fout</title><h1>Er ging iets mis</h1><p>Wil je dit melden? Noem dan deze code: <code>{id}</code>.</p></html>");
            (StatusCode::INTERNAL_SERVER_ERROR, Html(html)).into_response()
        }
    }
}

/// The status of a page with a form: 422 when it shows a validation error, else 200.
pub fn form_status(has_error: bool) -> StatusCode {
    if has_error {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

fn render(t: impl Template) -> Response {
    render_status(StatusCode::OK, t)
}

async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        assets::SITE_CSS,
    )
        .into_response()
}

async fn favicon() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        include_str!("../../../static/favicon.svg"),
    )
        .into_response()
}

/// The logo in the header (`static/logo.svg`).
async fn logo() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        include_str!("../../../static/logo.svg"),
    )
        .into_response()
}

/// Offerings that can still be followed, dated ones only, by start date.
pub(super) fn coming<'a>(
    snapshot: &'a Snapshot,
    today: NaiveDate,
    theme: Option<&str>,
) -> Vec<&'a Offering> {
    let mut v: Vec<&Offering> = snapshot
        .offerings
        .iter()
        .map(|s| &s.offering)
        .filter(|o| (o.startdatum.is_some() || o.einddatum.is_some()) && o.is_current(today))
        .filter(|o| theme.is_none_or(|t| o.themas.iter().any(|x| x == t)))
        .collect();
    v.sort_by(|a, b| (a.startdatum, &a.id).cmp(&(b.startdatum, &b.id)));
    v
}

/// Newest offerings first.
pub fn newest<'a>(
    snapshot: &'a Snapshot,
    theme: Option<&str>,
) -> Vec<&'a crate::store::StoredOffering> {
    let mut v: Vec<&crate::store::StoredOffering> = snapshot
        .offerings
        .iter()
        .filter(|s| theme.is_none_or(|t| s.offering.themas.iter().any(|x| x == t)))
        .collect();
    v.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| b.seq.cmp(&a.seq))
    });
    v
}

/// Fallback for unknown pages.
pub async fn fallback() -> Response {
    not_found_page()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value that cannot be written.
    struct Unwritable;

    impl std::fmt::Display for Unwritable {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            Err(std::fmt::Error)
        }
    }

    #[derive(Template)]
    #[template(source = "<p>{{ value }}</p>", ext = "html")]
    struct Broken {
        value: Unwritable,
    }

    #[tokio::test]
    async fn a_page_that_fails_to_render_is_a_500_that_names_the_request_id() {
        let response = render_status(StatusCode::OK, Broken { value: Unwritable });
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .unwrap();
        let html = String::from_utf8(body.to_vec()).unwrap();
        assert!(html.contains("<h1>Er ging iets mis</h1>"), "{html}");
        assert!(
            html.contains("Noem dan deze code: <code>-</code>"),
            "{html}"
        );
    }
}
