//! The gaps (`/lacunes`, `/lacunes/{slug}`): the themes with much demand and little fitting
//! supply, with their figures, charts and plain-Dutch explanations.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::catalog::Snapshot;
use crate::domain::gaps::{self, Gap, Label, Partnership, Thresholds};
use crate::domain::offering::Offering;
use crate::domain::status::QuestionStatus;
use crate::domain::taxonomy::Topic;
use crate::http::AppState;

use super::learning_agenda::{pct, rows, unchecked_note, Row};
use super::tracks::{stored_tracks, track_view, TrackView};
use super::view::{decimal, dutch_date, Card, GapTableRow, Layout};
use super::{render_status, PageError};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lacunes", get(gaps_page))
        .route("/lacunes/{slug}", get(topic_page))
}

/// A gap as shown on the page.
pub struct GapView {
    g: Gap,
    link: String,
    cross: String,
    unanswered: String,
    largest: String,
    /// Demand pressure and score with a decimal comma.
    vraagdruk: String,
    score: String,
    /// "tussen 1,20 en 3,80".
    interval: String,
    /// Per target group.
    groups: Vec<GapTableRow>,
    /// Development tracks on this gap's theme `(title, status, lead)`.
    tracks: Vec<(String, &'static str, String)>,
    /// Active learning circles working on this gap `(slug, name)`.
    circles: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "lacunes.html")]
struct GapsPage {
    l: Layout,
    gaps: Vec<GapView>,
    /// How many counted questions no coordinator has looked at yet (a sentence, or empty).
    unchecked: String,
    /// Themes that are no gap by the two rules, but where at least half of the (enough)
    /// questions found no fitting offering: `(link, label, share, questions)`.
    unmet: Vec<(String, String, String, usize)>,
    m: MethodView,
    /// Cells (theme, target group) that are a gap.
    group_gaps: Vec<GroupGapView>,
    /// Themes labelled "bijna lacune".
    near: Vec<NearView>,
    /// "6 december 2026".
    stand: String,
    /// The latest peiling `(href, date)`.
    last: Option<(String, String)>,
}

/// The thresholds as "Hoe we rekenen" shows them (`hoe_we_rekenen.html`), with decimal commas.
pub struct MethodView {
    pub(super) vraagdruk: String,
    pub(super) domein: String,
    pub(super) sector: String,
    pub(super) min_vraag: usize,
    pub(super) drempel_lacune: String,
    pub(super) drempel_geen: String,
    pub(super) gewicht: String,
    pub(super) draagkracht: String,
}

impl MethodView {
    /// The view of thresholds `t`.
    pub fn new(t: &Thresholds) -> MethodView {
        MethodView {
            vraagdruk: decimal(t.vraagdruk, 1),
            domein: pct(t.domeinoverstijgend),
            sector: pct(t.grootste_sector),
            min_vraag: t.min_vraag,
            drempel_lacune: decimal(t.lacune, 0),
            drempel_geen: decimal(t.geen_lacune, 0),
            gewicht: decimal(t.gewicht_eenzijdig, 1),
            draagkracht: decimal(t.draagkracht, 1),
        }
    }
}

pub(super) fn gap_link(snapshot: &Snapshot, theme: &str) -> String {
    match snapshot.taxonomy.topic_for_theme(theme) {
        Some(t) => format!("/lacunes/{}", t.slug),
        None => format!("/themas/{theme}"),
    }
}

pub(super) fn interval(a: &gaps::Assessment) -> String {
    format!(
        "tussen {} en {}",
        decimal(a.score_laag, 1),
        decimal(a.score_hoog, 1)
    )
}

/// A (theme, target group) gap as shown on the page.
pub struct GroupGapView {
    link: String,
    theme: String,
    group: String,
    vraag: usize,
    aanbod: usize,
    score: String,
    interval: String,
    wat_verandert: String,
}

/// A theme in the dead band: `(link, label, shortfall, interval, what would change it)`.
type NearView = (String, String, String, String, String);

fn gap_view(snapshot: &Snapshot, g: &Gap) -> GapView {
    let largest = g
        .cijfers
        .grootste_sector
        .as_deref()
        .map(|s| super::view::label(snapshot, crate::domain::taxonomy::Vocabulary::Sector, s))
        .unwrap_or_else(|| "geen".into());
    GapView {
        link: gap_link(snapshot, &g.thema),
        cross: pct(g.cijfers.domeinoverstijgend),
        unanswered: pct(g.cijfers.onbeantwoord),
        largest: format!("{largest} ({})", pct(g.cijfers.grootste_sector_aandeel)),
        vraagdruk: decimal(g.cijfers.vraagdruk, 2),
        score: decimal(g.score, 2),
        interval: interval(&g.cijfers.beoordeling),
        groups: g
            .cijfers
            .per_doelgroep
            .iter()
            .map(|c| GapTableRow {
                label: super::view::label(
                    snapshot,
                    crate::domain::taxonomy::Vocabulary::TargetGroup,
                    &c.doelgroep,
                ),
                vraag: c.vraag,
                aanbod: c.aanbod,
                tekort: decimal(c.beoordeling.score, 1),
                oordeel: c.beoordeling.label.text(),
            })
            .collect(),
        tracks: Vec::new(),
        circles: Vec::new(),
        g: g.clone(),
    }
}

async fn gaps_page(State(state): State<AppState>) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let analysis = snapshot.analysis(state.catalog.clock().today());
    let t = analysis.thresholds;
    let tracks = stored_tracks(&state).await?;
    let circles = state.catalog.store().active_circles().await?;
    let with_tracks = |g: &Gap| {
        let mut v = gap_view(&snapshot, g);
        v.circles = circles
            .iter()
            .filter(|c| c.works_on(&g.thema, &snapshot.taxonomy))
            .map(|c| (c.slug.clone(), c.titel.clone()))
            .collect();
        v.tracks = tracks
            .iter()
            .filter(|tr| tr.themas.contains(&g.thema))
            .map(|tr| {
                let view = track_view(&snapshot, tr);
                (view.titel, view.status, view.trekker)
            })
            .collect();
        v
    };
    Ok(render_status(
        StatusCode::OK,
        GapsPage {
            l: Layout::new(
                "Lacunes",
                "Waar de vraag naar leren niet wordt beantwoord, met cijfers en uitleg.",
                "/lacunes",
            )
            .updated_on(super::view::last_change(&snapshot, true)),
            gaps: analysis.gaps.iter().map(with_tracks).collect(),
            unchecked: unchecked_note(&snapshot),
            unmet: analysis
                .themes
                .iter()
                .filter(|f| {
                    f.vraag >= t.min_vraag
                        && f.onbeantwoord >= 0.5
                        && !analysis.gaps.iter().any(|g| g.thema == f.thema)
                })
                .map(|f| {
                    (
                        format!("/themas/{}", f.thema),
                        f.label.clone(),
                        pct(f.onbeantwoord),
                        f.vraag,
                    )
                })
                .collect(),
            group_gaps: analysis
                .group_gaps
                .iter()
                .map(|c| GroupGapView {
                    link: gap_link(&snapshot, &c.thema),
                    theme: super::view::label(
                        &snapshot,
                        crate::domain::taxonomy::Vocabulary::Theme,
                        &c.thema,
                    ),
                    group: super::view::label(
                        &snapshot,
                        crate::domain::taxonomy::Vocabulary::TargetGroup,
                        &c.doelgroep,
                    ),
                    vraag: c.vraag,
                    aanbod: c.aanbod,
                    score: decimal(c.beoordeling.score, 1),
                    interval: interval(&c.beoordeling),
                    wat_verandert: c.beoordeling.wat_verandert.clone(),
                })
                .collect(),
            near: analysis
                .themes
                .iter()
                .filter(|f| f.verdict() == Label::NearGap)
                .map(|f| {
                    (
                        gap_link(&snapshot, &f.thema),
                        f.label.clone(),
                        decimal(f.score(), 1),
                        interval(&f.beoordeling),
                        f.beoordeling.wat_verandert.clone(),
                    )
                })
                .collect(),
            stand: dutch_date(analysis.datum),
            last: super::learning_agenda::last_snapshot(
                &state.catalog.store().snapshot_list().await?,
            ),
            m: MethodView::new(&t),
        },
    ))
}

#[derive(Template)]
#[template(path = "lacune.html")]
struct TopicPage {
    l: Layout,
    topic: Topic,
    themes: Vec<(String, String)>,
    figures: Vec<Row>,
    gap: Option<GapView>,
    offerings: Vec<Card>,
    questions: Vec<(String, String)>,
    partnerships: Vec<Partnership>,
    tracks: Vec<TrackView>,
    circles: Vec<super::circles::CircleCard>,
}

async fn topic_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let Some(topic) = snapshot
        .taxonomy
        .vraagstukken
        .iter()
        .find(|t| t.slug == slug)
        .cloned()
    else {
        return Err(PageError::NotFound);
    };
    let tracks = stored_tracks(&state)
        .await?
        .iter()
        .filter(|t| t.themas.iter().any(|x| topic.themas.contains(x)))
        .map(|t| track_view(&snapshot, t))
        .collect();
    let circles = state
        .catalog
        .store()
        .active_circles()
        .await?
        .iter()
        .filter(|c| {
            c.vraagstuk.as_deref() == Some(topic.slug.as_str())
                || topic
                    .themas
                    .iter()
                    .any(|t| c.works_on(t, &snapshot.taxonomy))
        })
        .map(|c| super::circles::card(&snapshot, c))
        .collect();
    let analysis = snapshot.analysis(state.catalog.clock().today());
    let in_topic = |themes: &[String]| themes.iter().any(|t| topic.themas.contains(t));
    let figures = rows(&analysis)
        .into_iter()
        .filter(|r| topic.themas.contains(&r.f.thema))
        .collect();
    let gap = analysis
        .gaps
        .iter()
        .find(|g| topic.themas.contains(&g.thema))
        .map(|g| gap_view(&snapshot, g));
    let offerings = snapshot
        .offerings
        .iter()
        .map(|s| &s.offering)
        .filter(|o| in_topic(&o.themas))
        .map(|o| Card::new(&snapshot, o, state.clock().today()))
        .collect();
    let groups = |slug: &Option<String>| {
        slug.as_deref()
            .map(|s| {
                super::view::label(
                    &snapshot,
                    crate::domain::taxonomy::Vocabulary::TargetGroup,
                    s,
                )
            })
            .unwrap_or_default()
    };
    // Questions asked on the site are not shown in public; the inventory's are.
    // Those the coordination point marked lacune first, then those the engine found no fit for.
    let mut open: Vec<&crate::store::DemandRow> = snapshot
        .demand
        .iter()
        .filter(|q| {
            in_topic(&q.question.themas)
                && !q.question.id.starts_with("site-")
                && (q.status == QuestionStatus::Lacune || q.passend != Some(true))
        })
        .collect();
    open.sort_by_key(|q| (q.status != QuestionStatus::Lacune, q.passend.is_none()));
    let questions = open
        .into_iter()
        .take(12)
        .map(|q| (q.question.vraag.clone(), groups(&q.question.doelgroep)))
        .collect();
    let all: Vec<&Offering> = snapshot.offerings.iter().map(|s| &s.offering).collect();
    let partnerships = topic
        .themas
        .first()
        .map(|t| gaps::partnerships(t, &all, &snapshot.taxonomy, 5))
        .unwrap_or_default();
    let themes = topic
        .themas
        .iter()
        .map(|t| {
            (
                t.clone(),
                super::view::label(&snapshot, crate::domain::taxonomy::Vocabulary::Theme, t),
            )
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        TopicPage {
            l: Layout::new(
                topic.label.clone(),
                topic.description.clone(),
                "/lacunes/detail",
            )
            .updated_on(super::view::last_change(&snapshot, true)),
            topic,
            themes,
            figures,
            gap,
            offerings,
            questions,
            partnerships,
            tracks,
            circles,
        },
    ))
}
