//! The learning circles in public: the list `/leerkringen` with the catalogue's facets, the page
//! of one circle `/leerkringen/{slug}` (what, for whom, themes and vraagstuk, meetings, how to
//! join, the members who consent to be listed, what it produced) and its meetings as iCalendar.
//! The pages read the store (members and meetings change without a catalogue change), so they
//! are not cached; the join button is a GET form to the signed-in pages, so no page here holds a
//! token.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::catalog::params;
use crate::catalog::Snapshot;
use crate::domain::circle::{
    circle_formats, format_label, Access, CircleFacet, CircleFilter, LearningCircle, Meeting,
    MemberRole, CIRCLE_FACETS,
};
use crate::domain::taxonomy::Vocabulary;
use crate::http::AppState;

use super::catalogue::FacetOption;
use super::view::{dutch_date, label, Layout};
use super::{render_status, PageError};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leerkringen", get(list))
        .route("/leerkringen/{slug}", get(page))
        .route("/leerkringen/{slug}/bijeenkomsten.ics", get(ics))
}

/// A circle as a card in lists.
pub struct CircleCard {
    /// Its address.
    pub href: String,
    /// Name.
    pub titel: String,
    /// What it is about.
    pub omschrijving: String,
    /// Learning form.
    pub vorm: String,
    /// For whom.
    pub voor: String,
    /// Themes `(slug, label)`.
    pub themes: Vec<(String, String)>,
    /// Open or by invitation.
    pub toegang: &'static str,
}

/// The card of `c`.
pub fn card(snapshot: &Snapshot, c: &LearningCircle) -> CircleCard {
    CircleCard {
        href: format!("/leerkringen/{}", c.slug),
        titel: c.titel.clone(),
        omschrijving: c.omschrijving.clone(),
        vorm: format_label(&snapshot.taxonomy, &c.vorm),
        voor: labels(snapshot, Vocabulary::TargetGroup, &c.doelgroepen),
        themes: c
            .themas
            .iter()
            .map(|t| (t.clone(), label(snapshot, Vocabulary::Theme, t)))
            .collect(),
        toegang: c.toegang.short_label(),
    }
}

fn labels(snapshot: &Snapshot, vocabulary: Vocabulary, slugs: &[String]) -> String {
    slugs
        .iter()
        .map(|s| label(snapshot, vocabulary, s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One facet group on the list page.
pub struct FacetGroup {
    key: &'static str,
    legend: &'static str,
    options: Vec<FacetOption>,
    chosen: usize,
}

#[derive(Template)]
#[template(path = "leerkringen.html")]
struct ListPage {
    l: Layout,
    groups: Vec<FacetGroup>,
    circles: Vec<CircleCard>,
    count_text: String,
    ignored: Vec<String>,
}

/// The values a facet offers `(slug, label)`.
fn facet_options(snapshot: &Snapshot, facet: CircleFacet) -> Vec<(String, String)> {
    let terms = |v: Vocabulary| {
        snapshot
            .taxonomy
            .terms(v)
            .iter()
            .map(|t| (t.slug.clone(), t.label.clone()))
            .collect::<Vec<_>>()
    };
    match facet {
        CircleFacet::Thema => terms(Vocabulary::Theme),
        CircleFacet::Doelgroep => terms(Vocabulary::TargetGroup),
        CircleFacet::Sector => terms(Vocabulary::Sector),
        CircleFacet::Vorm => circle_formats(&snapshot.taxonomy),
        CircleFacet::Toegang => vec![
            ("open".into(), "Open".into()),
            ("uitnodiging".into(), "Op uitnodiging".into()),
        ],
    }
}

fn legend(facet: CircleFacet) -> &'static str {
    match facet {
        CircleFacet::Thema => "Thema",
        CircleFacet::Doelgroep => "Doelgroep",
        CircleFacet::Sector => "Sector",
        CircleFacet::Vorm => "Leervorm",
        CircleFacet::Toegang => "Meedoen",
    }
}

async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let circles = state.catalog.store().active_circles().await?;
    let mut filter = CircleFilter::default();
    let mut ignored = Vec::new();
    for (k, v) in params::pairs(raw.as_deref()) {
        let v = v.trim().to_string();
        if v.is_empty() {
            continue;
        }
        match CIRCLE_FACETS.iter().find(|(_, key)| *key == k) {
            Some((facet, _))
                if facet_options(&snapshot, *facet)
                    .iter()
                    .any(|(s, _)| *s == v) =>
            {
                filter.chosen.push((*facet, v));
            }
            Some(_) => ignored.push(format!("{k}={v}: deze waarde kennen we niet")),
            None => ignored.push(format!("{k}: dit filter kennen we niet")),
        }
    }
    let groups = CIRCLE_FACETS
        .iter()
        .map(|(facet, key)| {
            let options: Vec<_> = facet_options(&snapshot, *facet)
                .into_iter()
                .map(|(slug, label)| FacetOption {
                    input_id: format!("f-{key}-{slug}"),
                    count: filter.count(&circles, *facet, &slug),
                    checked: filter.is_chosen(*facet, &slug),
                    value: slug,
                    label,
                })
                .filter(|o| o.count > 0 || o.checked)
                .collect();
            FacetGroup {
                key,
                legend: legend(*facet),
                chosen: options.iter().filter(|o| o.checked).count(),
                options,
            }
        })
        .filter(|g| !g.options.is_empty())
        .collect();
    let shown: Vec<CircleCard> = circles
        .iter()
        .filter(|c| filter.keeps(c))
        .map(|c| card(&snapshot, c))
        .collect();
    let count_text = match shown.len() {
        0 => "Geen leerkringen gevonden.".to_string(),
        1 => "1 leerkring gevonden.".to_string(),
        n => format!("{n} leerkringen gevonden."),
    };
    Ok(render_status(
        StatusCode::OK,
        ListPage {
            l: Layout::new(
                "Leerkringen",
                "Leerkringen: groepen die samen leren over leefbare en veilige wijken. Doe mee of start er zelf een.",
                "/leerkringen",
            ),
            groups,
            circles: shown,
            count_text,
            ignored,
        },
    ))
}

/// A meeting as shown.
pub struct MeetingView {
    /// The date in words.
    pub datum: String,
    /// "19:30 uur", or empty.
    pub tijd: String,
    /// What it is.
    pub titel: String,
    /// Where.
    pub plaats: String,
}

/// The view of a meeting.
pub fn meeting_view(m: &Meeting) -> MeetingView {
    MeetingView {
        datum: dutch_date(m.datum),
        tijd: m
            .tijd
            .map(|t| format!("{} uur", t.format("%H:%M")))
            .unwrap_or_default(),
        titel: m.titel.clone(),
        plaats: m.plaats.clone(),
    }
}

#[derive(Template)]
#[template(path = "leerkring.html")]
struct CirclePage {
    l: Layout,
    c: LearningCircle,
    card: CircleCard,
    sectoren: String,
    one_sector: bool,
    vraagstuk: Option<(String, String)>,
    lacune: Option<(String, String)>,
    traject: Option<String>,
    coming: Vec<MeetingView>,
    past: usize,
    /// Members who consent to be listed `(name, organisation, facilitator)`.
    members: Vec<(String, String, bool)>,
    /// How many members there are in all (listed or not).
    total: usize,
    /// Published results `(id, title)`.
    results: Vec<(String, String)>,
    toegang: &'static str,
    open: bool,
}

/// An active circle by slug; anything else is not found.
async fn active(state: &AppState, slug: &str) -> Result<LearningCircle, PageError> {
    match state.catalog.store().circle_by_slug(slug).await? {
        Some(c) if c.is_active() => Ok(c),
        _ => Err(PageError::NotFound),
    }
}

async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let c = active(&state, &slug).await?;
    let snapshot = state.catalog.snapshot();
    let store = state.catalog.store();
    let today = state.clock().today();
    let meetings = store.meetings(c.id).await?;
    let members = store.members(c.id).await?;
    let (published, _) = store.circle_results(c.id).await?;
    let traject = match c.traject {
        Some(id) => store.track(id).await?.map(|t| t.titel),
        None => None,
    };
    let topic = |slug: &str| {
        snapshot
            .taxonomy
            .vraagstukken
            .iter()
            .find(|t| t.slug == slug)
            .map(|t| (format!("/lacunes/{}", t.slug), t.label.clone()))
    };
    let lacune = c.lacune.as_deref().map(|theme| {
        (
            super::gaps::gap_link(&snapshot, theme),
            label(&snapshot, Vocabulary::Theme, theme),
        )
    });
    Ok(render_status(
        StatusCode::OK,
        CirclePage {
            l: Layout::new(
                c.titel.clone(),
                c.omschrijving.clone(),
                "/leerkringen/detail",
            ),
            card: card(&snapshot, &c),
            sectoren: labels(&snapshot, Vocabulary::Sector, &c.sectoren),
            one_sector: c.single_sector(),
            vraagstuk: c.vraagstuk.as_deref().and_then(topic),
            lacune,
            traject,
            coming: meetings
                .iter()
                .filter(|m| m.datum >= today)
                .map(meeting_view)
                .collect(),
            past: meetings.iter().filter(|m| m.datum < today).count(),
            total: members.iter().filter(|m| m.rol.is_member()).count(),
            members: members
                .iter()
                .filter(|m| m.rol.is_member() && m.zichtbaar)
                .map(|m| {
                    (
                        m.naam.clone(),
                        m.organisatie.clone(),
                        m.rol == MemberRole::Begeleider,
                    )
                })
                .collect(),
            results: published
                .iter()
                .filter_map(|id| snapshot.get(id).map(|o| (o.id.clone(), o.titel.clone())))
                .collect(),
            toegang: c.toegang.label(),
            open: c.toegang == Access::Open,
            c,
        },
    ))
}

async fn ics(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let c = active(&state, &slug).await?;
    let meetings = state.catalog.store().meetings(c.id).await?;
    let body = crate::http::feeds::circle_ics(&c, &meetings, &state.base_url, state.clock().now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response())
}
