//! The themes: the list with their offering counts (`/themas`) and one theme with its
//! catalogue (`/themas/{slug}`).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use crate::catalog::Snapshot;
use crate::domain::facets::Facet;
use crate::domain::taxonomy::{Term, Topic, Vocabulary};
use crate::http::AppState;

use super::catalogue::{self, page_query, CatalogueView};
use super::view::Layout;
use super::{render, PageError};

pub(super) fn theme_counts(snapshot: &Snapshot) -> Vec<(Term, usize)> {
    snapshot
        .taxonomy
        .themas
        .iter()
        .map(|t| {
            (
                t.clone(),
                snapshot
                    .offerings
                    .iter()
                    .filter(|s| s.offering.themas.contains(&t.slug))
                    .count(),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "themes.html")]
struct ThemesPage {
    l: Layout,
    themes: Vec<(Term, usize)>,
}

pub(super) async fn themes(State(state): State<AppState>) -> Response {
    let snapshot = state.catalog.snapshot();
    render(ThemesPage {
        l: Layout::new(
            "Thema's",
            "Alle thema's van het leernetwerk met hun leeraanbod.",
            "/themas",
        ),
        themes: theme_counts(&snapshot),
    })
}

#[derive(Template)]
#[template(path = "theme.html")]
struct ThemePage {
    l: Layout,
    theme: Term,
    topic: Option<Topic>,
    v: CatalogueView,
}

pub(super) async fn theme(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let Some(theme) = snapshot.taxonomy.term(Vocabulary::Theme, &slug).cloned() else {
        return Err(PageError::NotFound);
    };
    let (mut query, ignored) = page_query(raw.as_deref(), &snapshot, state.clock().today());
    query
        .filters
        .facets
        .insert(Facet::Thema, vec![slug.clone()]);
    let action = format!("/themas/{slug}");
    let mut v = catalogue::build_off_runtime(
        state.catalog.clone(),
        snapshot.clone(),
        query,
        action.clone(),
        Some(Facet::Thema),
    )
    .await?;
    v.ignored = ignored;
    let mut l = Layout::new(theme.label.clone(), theme.description.clone(), action);
    l.feeds.push((
        format!("Nieuw aanbod over {} (Atom)", theme.label),
        format!("/feeds/themas/{slug}.atom"),
    ));
    Ok(render(ThemePage {
        l,
        topic: snapshot.taxonomy.topic_for_theme(&slug).cloned(),
        theme,
        v,
    }))
}
