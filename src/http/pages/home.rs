//! The home page: themes, target groups, the newest and the coming offerings.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::domain::taxonomy::Term;
use crate::http::AppState;

use super::themes::theme_counts;
use super::view::{dutch_date, Card, Layout};
use super::{coming, newest, render};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    themes: Vec<(Term, usize)>,
    groups: Vec<Term>,
    newest: Vec<Card>,
    coming: Vec<(String, Card)>,
    total: usize,
}

pub(super) async fn home(State(state): State<AppState>) -> Response {
    let snapshot = state.catalog.snapshot();
    let today = state.catalog.clock().today();
    render(HomePage {
        l: Layout::new(
            "Leren over leefbare en veilige wijken",
            "Vind leeraanbod per thema, stel je leervraag en zie wat er gevraagd en aangeboden wordt.",
            "/",
        ),
        themes: theme_counts(&snapshot),
        groups: snapshot.taxonomy.doelgroepen.clone(),
        // Still available: an offering that has ended is no news.
        newest: newest(&snapshot, None)
            .into_iter()
            .filter(|s| s.offering.is_current(today))
            .take(6)
            .map(|s| Card::new(&snapshot, &s.offering, today))
            .collect(),
        coming: coming(&snapshot, today, None)
            .into_iter()
            .take(5)
            .map(|o| (o.startdatum.map(dutch_date).unwrap_or_default(), Card::new(&snapshot, o, today)))
            .collect(),
        total: snapshot.offerings.len(),
    })
}
