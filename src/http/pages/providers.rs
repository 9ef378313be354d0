//! The providers: the list (`/aanbieders`) and one provider with its offerings
//! (`/aanbieders/{slug}`).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::domain::offering::Offering;
use crate::http::AppState;

use super::view::{Card, Layout};
use super::{render, PageError};

#[derive(Template)]
#[template(path = "providers.html")]
struct ProvidersPage {
    l: Layout,
    providers: Vec<crate::catalog::Provider>,
}

pub(super) async fn providers(State(state): State<AppState>) -> Response {
    let snapshot = state.catalog.snapshot();
    render(ProvidersPage {
        l: Layout::new(
            "Aanbieders",
            "Organisaties die leeraanbod verzorgen in het leernetwerk.",
            "/aanbieders",
        ),
        providers: snapshot.providers.clone(),
    })
}

#[derive(Template)]
#[template(path = "provider.html")]
struct ProviderPage {
    l: Layout,
    name: String,
    slug: String,
    offerings: Vec<Card>,
    partner_in: Vec<Card>,
    themes: Vec<(String, String)>,
}

pub(super) async fn provider(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let today = state.clock().today();
    let Some(p) = snapshot.provider(&slug).cloned() else {
        return Err(PageError::NotFound);
    };
    let own: Vec<&Offering> = snapshot
        .offerings
        .iter()
        .zip(snapshot.provider_slugs())
        .filter(|(_, p)| *p == slug)
        .map(|(s, _)| &s.offering)
        .collect();
    let partner_in = snapshot
        .offerings
        .iter()
        .map(|s| &s.offering)
        .filter(|o| {
            o.partners
                .iter()
                .any(|n| crate::domain::offering::slugify(n) == slug)
        })
        .map(|o| Card::new(&snapshot, o, today))
        .collect();
    let mut themes: Vec<(String, String)> = Vec::new();
    for t in &snapshot.taxonomy.themas {
        if own.iter().any(|o| o.themas.contains(&t.slug)) {
            themes.push((t.slug.clone(), t.label.clone()));
        }
    }
    Ok(render(ProviderPage {
        l: Layout::new(
            p.name.clone(),
            format!("Leeraanbod van {}", p.name),
            "/aanbieders/detail",
        ),
        offerings: own
            .into_iter()
            .map(|o| Card::new(&snapshot, o, today))
            .collect(),
        partner_in,
        themes,
        name: p.name,
        slug,
    }))
}
