//! The information pages: about the network, privacy, open data and API, accessibility.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::http::AppState;

use super::render;
use super::view::Layout;

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    l: Layout,
}

#[derive(Template)]
#[template(path = "open_data.html")]
struct OpenDataPage {
    l: Layout,
    offerings: usize,
    fields: &'static [&'static str],
}

pub(super) async fn open_data(State(state): State<AppState>) -> Response {
    render(OpenDataPage {
        l: Layout::new(
            "Open data en API",
            "Download het hele leeraanbod als CSV of JSON Lines, of bevraag het via de API.",
            "/open-data",
        ),
        offerings: state.catalog.snapshot().offerings.len(),
        fields: crate::domain::offering::FIELDS,
    })
}

pub(super) async fn privacy(State(state): State<AppState>) -> Response {
    render(PrivacyPage {
        l: Layout::new(
            "Privacy",
            "Welke gegevens we verwerken, waarom, hoe lang, en wat je rechten zijn.",
            "/privacy",
        )
        .retaining(state.retention_months),
    })
}

#[derive(Template)]
#[template(path = "over.html")]
struct AboutPage {
    l: Layout,
}

/// Who runs the learning network: its partners, the coordination point, contact and a colofon.
pub(super) async fn about() -> Response {
    render(AboutPage {
        l: Layout::new(
            "Over het leernetwerk",
            "Wie het leernetwerk draagt, wat het coördinatiepunt doet en hoe je contact opneemt.",
            "/over",
        ),
    })
}

#[derive(Template)]
#[template(path = "toegankelijkheid.html")]
struct AccessibilityPage {
    l: Layout,
}

pub(super) async fn accessibility() -> Response {
    render(AccessibilityPage {
        l: Layout::new(
            "Toegankelijkheid",
            "Toegankelijkheidsverklaring van WijkWijzer Leernetwerk.",
            "/toegankelijkheid",
        ),
    })
}
