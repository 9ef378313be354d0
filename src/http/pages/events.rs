//! The event calendar (`/agenda`): activities from today on, one month per page, filtered like
//! the catalogue (its parameters and its filter form).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;

use crate::catalog::params;
use crate::domain::offering::Offering;
use crate::http::AppState;

use super::catalogue::{build_within, page_query_pairs, to_pairs, CatalogueView};
use super::view::{dutch_month, when, Card, Layout};
use super::{coming, render, PageError};

#[derive(Template)]
#[template(path = "agenda.html")]
struct EventCalendarPage {
    l: Layout,
    /// Every month with activities `(key, label, count)`, "Nu bezig" first.
    nav: Vec<(String, String, usize)>,
    /// The month shown.
    current: String,
    /// Its label.
    label: String,
    /// Its activities on this page: `(when, card)`.
    items: Vec<(String, Card)>,
    /// Activities in the month shown.
    total: usize,
    /// Page within the month, and the number of pages.
    page: usize,
    pages: usize,
    /// The previous and next month `(key, label)`.
    prev: Option<(String, String)>,
    next: Option<(String, String)>,
    /// Meetings of learning circles in the month shown `(circle slug, circle name, meeting)`.
    meetings: Vec<(String, String, super::circles::MeetingView)>,
    /// The catalogue's filters over the agenda's activities (form, chips, counts).
    v: CatalogueView,
    /// The filter selection as the tail of a link (`&thema=…`), or empty.
    keep: String,
    /// A filter or search text is on.
    filtered: bool,
}

/// Activities shown per page of one month.
const EVENTS_PER_PAGE: usize = 100;

/// The month key of an activity: `nu` when it started before today and still runs, else
/// `YYYY-MM` of its start.
fn event_month(o: &Offering, today: NaiveDate) -> String {
    match o.startdatum.filter(|s| *s >= today) {
        Some(d) => d.format("%Y-%m").to_string(),
        None => "nu".to_string(),
    }
}

fn month_label(key: &str) -> Option<String> {
    if key == "nu" {
        return Some("Nu bezig".to_string());
    }
    NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
        .ok()
        .filter(|_| key.len() == 7)
        .map(dutch_month)
}

/// The event calendar, one month per page (with a month navigation), so that a phone loads a
/// month rather than the whole year; a month with very many activities is paged further.
pub(super) async fn event_calendar(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let today = state.catalog.clock().today();
    let (pairs, filters): (Vec<_>, Vec<_>) = params::pairs(raw.as_deref())
        .into_iter()
        .partition(|(k, _)| k == "maand" || k == "pagina");
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let snapshot = state.catalog.snapshot();
    let (query, ignored) = page_query_pairs(filters, &snapshot, today);
    let selection: Vec<(String, String)> = to_pairs(&query, None, None, None)
        .into_iter()
        .filter(|(k, _)| k != "sort" && k != "pageSize")
        .collect();
    let filtered = !selection.is_empty();
    let keep = if filtered {
        format!(
            "&{}",
            serde_urlencoded::to_string(&selection).unwrap_or_default()
        )
    } else {
        String::new()
    };
    // The catalogue's search among the dated activities still running: the facet counts are
    // those of the agenda, and the selection decides what the months hold.
    let (v, selected) = {
        let catalog = state.catalog.clone();
        let snapshot = snapshot.clone();
        tokio::task::spawn_blocking(move || {
            let on_agenda = |o: &Offering| {
                (o.startdatum.is_some() || o.einddatum.is_some()) && o.is_current(today)
            };
            let v = build_within(&catalog, &snapshot, &query, "/agenda", None, &on_agenda)?;
            let page = catalog.search_within(&snapshot, &query.all_by_date(), &on_agenda)?;
            let selected: std::collections::HashSet<String> =
                page.items.iter().map(|(o, _)| o.id.clone()).collect();
            Ok::<_, crate::catalog::CatalogError>((v, selected))
        })
        .await
        .map_err(crate::catalog::CatalogError::from)??
    };
    let mut v = v;
    v.ignored = ignored;
    // Circle meetings have no facets: they are shown only without a filter.
    let meetings = if filtered {
        Vec::new()
    } else {
        state.catalog.store().coming_meetings(today).await?
    };
    let all: Vec<&Offering> = coming(&snapshot, today, None)
        .into_iter()
        .filter(|o| selected.contains(&o.id))
        .collect();
    let mut nav: Vec<(String, String, usize)> = Vec::new();
    for o in &all {
        let key = event_month(o, today);
        match nav.iter_mut().find(|(k, _, _)| *k == key) {
            Some(n) => n.2 += 1,
            None => nav.push((key.clone(), month_label(&key).unwrap_or_default(), 1)),
        }
    }
    for m in &meetings {
        let key = m.meeting.datum.format("%Y-%m").to_string();
        match nav.iter_mut().find(|(k, _, _)| *k == key) {
            Some(n) => n.2 += 1,
            None => nav.push((key.clone(), month_label(&key).unwrap_or_default(), 1)),
        }
    }
    // "Nu bezig" (already started) first, then the months in order.
    nav.sort_by(|a, b| (a.0 != "nu", &a.0).cmp(&(b.0 != "nu", &b.0)));
    let current = match param("maand") {
        Some(m) => match month_label(&m) {
            Some(_) => m,
            None => {
                return Err(PageError::refused(
                    StatusCode::BAD_REQUEST,
                    "Onbekende maand",
                    "Kies een maand als 2026-12 (jaar-maand), of 'nu' voor wat nu bezig is.",
                ))
            }
        },
        None => nav
            .first()
            .map_or_else(|| today.format("%Y-%m").to_string(), |n| n.0.clone()),
    };
    let in_month: Vec<&Offering> = all
        .into_iter()
        .filter(|o| event_month(o, today) == current)
        .collect();
    let total = in_month.len();
    let pages = total.div_ceil(EVENTS_PER_PAGE).max(1);
    let page = match param("pagina") {
        None => 1,
        Some(p) => match p.parse::<usize>() {
            Ok(n) if (1..=pages).contains(&n) => n,
            _ => {
                return Err(PageError::refused(
                    StatusCode::BAD_REQUEST,
                    "Onbekende pagina",
                    format!("Deze maand heeft {pages} pagina('s). Kies een pagina van 1 tot en met {pages}."),
                ))
            }
        },
    };
    let items = in_month
        .into_iter()
        .skip((page - 1) * EVENTS_PER_PAGE)
        .take(EVENTS_PER_PAGE)
        .map(|o| (when(o), Card::new(&snapshot, o, today)))
        .collect();
    let position = nav.iter().position(|n| n.0 == current);
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| nav.get(i))
            .map(|n| (n.0.clone(), n.1.clone()))
    };
    let prev = neighbour(position.and_then(|p| p.checked_sub(1)));
    let next = neighbour(position.map(|p| p + 1));
    let label = month_label(&current).unwrap_or_default();
    let month_meetings = meetings
        .iter()
        .filter(|m| m.meeting.datum.format("%Y-%m").to_string() == current)
        .map(|m| {
            (
                m.slug.clone(),
                m.circle.clone(),
                super::circles::meeting_view(&m.meeting),
            )
        })
        .collect();
    Ok(render(EventCalendarPage {
        l: Layout::new(
            format!("Agenda: {label}"),
            "Bijeenkomsten, trainingen en webinars vanaf vandaag, per maand.",
            "/agenda",
        )
        .updated_on(super::view::last_change(&snapshot, false)),
        nav,
        current,
        label,
        items,
        total,
        page,
        pages,
        prev,
        next,
        meetings: month_meetings,
        v,
        keep,
        filtered,
    }))
}
