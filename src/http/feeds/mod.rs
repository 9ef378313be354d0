//! Machine-readable views of the catalogue: the open-data downloads, Atom feeds, iCalendar
//! agendas, sitemap.xml and robots.txt. The Atom feeds and the sitemap are askama templates
//! (`templates/feeds/`) escaped by [`XmlEscaper`]; iCalendar text is escaped here.

use std::collections::HashSet;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Duration, Utc};

use crate::catalog::Snapshot;
use crate::domain::offering::{self, Offering};
use crate::domain::taxonomy::Vocabulary;
use crate::store::StoredOffering;
use crate::transfer::{self, Format};

use super::page_error::PageError;
use super::pages::newest;
use super::AppState;
use crate::catalog::params;

/// The feed routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feeds/aanbod.atom", get(atom_all))
        .route("/feeds/themas/{file}", get(atom_theme))
        .route("/agenda.ics", get(ics_all))
        .route("/themas/{slug}/agenda.ics", get(ics_theme))
        .route("/aanbod/{id}/agenda.ics", get(ics_offering))
        .route("/aanbod.csv", get(download_csv))
        .route("/aanbod.jsonl", get(download_jsonl))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
}

pub use crate::domain::text::xml_escape;

fn typed(content_type: &'static str, body: String) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// The escaper of the XML templates (`templates/feeds/*.xml`, see `askama.toml`): [`xml_escape`],
/// which also drops the control characters XML 1.0 does not allow.
#[derive(Debug, Clone, Copy, Default)]
pub struct XmlEscaper;

impl askama::filters::Escaper for XmlEscaper {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, s: &str) -> std::fmt::Result {
        dest.write_str(&xml_escape(s))
    }
}

/// What an Atom feed says of itself.
pub struct FeedHead {
    /// Its title, before "· WijkWijzer Leernetwerk".
    pub title: String,
    /// Its permanent id (a URL).
    pub id: String,
    /// The address it is fetched from; `None` for a private feed, whose address is a secret.
    pub self_url: Option<String>,
    /// The page it follows.
    pub alternate_url: String,
}

/// An Atom feed.
#[derive(Template)]
#[template(path = "feeds/atom.xml")]
struct AtomFeed<'a> {
    head: FeedHead,
    updated: &'a str,
    entries: Vec<AtomEntry<'a>>,
}

/// One offering in an Atom feed.
struct AtomEntry<'a> {
    url: String,
    offering: &'a Offering,
    published: &'a str,
    updated: &'a str,
}

/// An Atom feed of `offerings` (newest first; the first 50 are listed) with their addresses
/// under `base`.
pub fn atom_feed(
    head: FeedHead,
    offerings: &[&StoredOffering],
    base: &str,
) -> Result<String, askama::Error> {
    let updated = offerings
        .iter()
        .map(|s| s.updated_at.as_str())
        .max()
        .unwrap_or("2026-01-01T00:00:00.000Z");
    AtomFeed {
        head,
        updated,
        entries: offerings
            .iter()
            .take(50)
            .map(|s| AtomEntry {
                url: format!("{base}/aanbod/{}", s.offering.id),
                offering: &s.offering,
                published: &s.created_at,
                updated: &s.updated_at,
            })
            .collect(),
    }
    .render()
}

/// An Atom feed of the newest offerings (of one theme, when given).
pub fn atom(snapshot: &Snapshot, base: &str, theme: Option<&str>) -> Result<String, askama::Error> {
    let (title, self_path, alt) = match theme {
        Some(t) => (
            format!(
                "Nieuw leeraanbod: {}",
                snapshot
                    .taxonomy
                    .term(Vocabulary::Theme, t)
                    .map_or(t, |x| x.label.as_str())
            ),
            format!("/feeds/themas/{t}.atom"),
            format!("/themas/{t}"),
        ),
        None => (
            "Nieuw leeraanbod".to_string(),
            "/feeds/aanbod.atom".to_string(),
            "/aanbod".to_string(),
        ),
    };
    let head = FeedHead {
        title,
        id: format!("{base}{self_path}"),
        self_url: Some(format!("{base}{self_path}")),
        alternate_url: format!("{base}{alt}"),
    };
    atom_feed(head, &newest(snapshot, theme), base)
}

/// An Atom feed as a response; a failure to render is the Dutch error page.
fn atom_response(
    snapshot: &Snapshot,
    base: &str,
    theme: Option<&str>,
) -> Result<Response, PageError> {
    let xml = atom(snapshot, base, theme).map_err(PageError::internal)?;
    Ok(typed("application/atom+xml; charset=utf-8", xml))
}

async fn atom_all(State(state): State<AppState>) -> Result<Response, PageError> {
    atom_response(&state.catalog.snapshot(), &state.base_url, None)
}

async fn atom_theme(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    match file.strip_suffix(".atom") {
        Some(slug) if snapshot.taxonomy.term(Vocabulary::Theme, slug).is_some() => {
            atom_response(&snapshot, &state.base_url, Some(slug))
        }
        _ => Err(PageError::NotFound),
    }
}

/// Escapes a TEXT value for iCalendar (RFC 5545 §3.3.11): backslash, semicolon and comma get a
/// backslash, a line break becomes `\n`. Carriage returns and every other control character
/// (C0, DEL and C1; TAB is allowed in TEXT) are dropped, as are the Unicode line and paragraph
/// separators: a lenient reader could take any of them as the end of the line and read what
/// follows as a property of its own (`\rATTENDEE:…`).
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(c),
            '\u{2028}' | '\u{2029}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes one content line, folded at 75 octets (RFC 5545 §3.1): a longer line continues on the
/// next with a leading space, never inside a UTF-8 character. Control characters other than TAB
/// are dropped here too, so that no value can end the line early whatever its origin.
fn fold_line(line: &str, out: &mut String) {
    let mut count = 0;
    for c in line.chars() {
        if c.is_control() && c != '\t' {
            continue;
        }
        let len = c.len_utf8();
        if count + len > 75 {
            out.push_str("\r\n ");
            count = 1;
        }
        out.push(c);
        count += len;
    }
    out.push_str("\r\n");
}

/// Offerings that run longer than this many days are shown as one day, their start.
const LONGEST_EVENT_DAYS: i64 = 7;

/// Where an offering takes place, in words: "Online", "Op locatie, Utrecht", "Online en op
/// locatie, Utrecht" (a national region is not named).
fn event_location(o: &Offering) -> String {
    let how = super::pages::view::location_label(o.locatie);
    if o.locatie == offering::Location::Online || o.regio.eq_ignore_ascii_case("landelijk") {
        how.to_string()
    } else {
        format!("{how}, {}", o.regio)
    }
}

/// An iCalendar agenda, made at `now`, of the dated offerings from that Dutch day on that `keep`
/// accepts.
pub fn ics(
    snapshot: &Snapshot,
    base: &str,
    now: DateTime<Utc>,
    keep: impl Fn(&Offering) -> bool,
) -> String {
    let today = crate::domain::clock::dutch_date(now);
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//WijkWijzer Leernetwerk//Agenda//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        fold_line(line, &mut out);
    }
    fold_line(
        &format!("X-WR-CALNAME:{}", ics_text("WijkWijzer Leernetwerk agenda")),
        &mut out,
    );
    let host = base.split("//").nth(1).unwrap_or("wijkwijzer");
    let mut items: Vec<&Offering> = snapshot
        .offerings
        .iter()
        .map(|s| &s.offering)
        .filter(|o| o.startdatum.is_some() && o.is_current(today))
        .filter(|o| keep(o))
        .collect();
    items.sort_by(|a, b| (a.startdatum, &a.id).cmp(&(b.startdatum, &b.id)));
    for o in items {
        let Some(start) = o.startdatum else { continue };
        let last = o.einddatum.unwrap_or(start);
        // An offering that runs for weeks or months is one day in the agenda, its start, so
        // that it does not fill the calendar; the description says until when it runs.
        let long = last - start > Duration::days(LONGEST_EVENT_DAYS);
        let end = if long { start } else { last } + Duration::days(1);
        fold_line("BEGIN:VEVENT", &mut out);
        fold_line(&format!("UID:{}@{}", o.id, ics_text(host)), &mut out);
        fold_line(&format!("DTSTAMP:{stamp}"), &mut out);
        fold_line(
            &format!("DTSTART;VALUE=DATE:{}", start.format("%Y%m%d")),
            &mut out,
        );
        fold_line(
            &format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")),
            &mut out,
        );
        let summary = if long {
            format!("Start: {}", o.titel)
        } else {
            o.titel.clone()
        };
        fold_line(&format!("SUMMARY:{}", ics_text(&summary)), &mut out);
        let runs = if long {
            format!(
                "\nLoopt van {} tot en met {}.",
                super::pages::view::dutch_date(start),
                super::pages::view::dutch_date(last)
            )
        } else {
            String::new()
        };
        fold_line(
            &format!(
                "DESCRIPTION:{}",
                ics_text(&format!(
                    "{}{runs}\n\nAanbieder: {}",
                    o.samenvatting, o.aanbieder
                ))
            ),
            &mut out,
        );
        fold_line(
            &format!("LOCATION:{}", ics_text(&event_location(o))),
            &mut out,
        );
        fold_line(&format!("URL:{base}/aanbod/{}", o.id), &mut out);
        fold_line("END:VEVENT", &mut out);
    }
    fold_line("END:VCALENDAR", &mut out);
    out
}

/// The iCalendar agenda of a learning circle's meetings, made at `now`: a meeting with a time
/// lasts two hours (in UTC), one without is a whole day.
pub fn circle_ics(
    circle: &crate::domain::circle::LearningCircle,
    meetings: &[crate::domain::circle::Meeting],
    base: &str,
    now: DateTime<Utc>,
) -> String {
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let host = base.split("//").nth(1).unwrap_or("wijkwijzer");
    let url = format!("{base}/leerkringen/{}", circle.slug);
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//WijkWijzer Leernetwerk//Leerkring//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        fold_line(line, &mut out);
    }
    fold_line(
        &format!(
            "X-WR-CALNAME:{}",
            ics_text(&format!("Leerkring {}", circle.titel))
        ),
        &mut out,
    );
    for m in meetings {
        fold_line("BEGIN:VEVENT", &mut out);
        fold_line(
            &format!("UID:leerkring-{}-{}@{}", circle.id, m.id, ics_text(host)),
            &mut out,
        );
        fold_line(&format!("DTSTAMP:{stamp}"), &mut out);
        match m.tijd {
            Some(t) => {
                let start = crate::domain::clock::from_dutch(m.datum.and_time(t));
                let end = start + Duration::hours(2);
                fold_line(
                    &format!("DTSTART:{}", start.format("%Y%m%dT%H%M%SZ")),
                    &mut out,
                );
                fold_line(&format!("DTEND:{}", end.format("%Y%m%dT%H%M%SZ")), &mut out);
            }
            None => {
                let end = m.datum + Duration::days(1);
                fold_line(
                    &format!("DTSTART;VALUE=DATE:{}", m.datum.format("%Y%m%d")),
                    &mut out,
                );
                fold_line(
                    &format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")),
                    &mut out,
                );
            }
        }
        fold_line(
            &format!(
                "SUMMARY:{}",
                ics_text(&format!("{} ({})", m.titel, circle.titel))
            ),
            &mut out,
        );
        fold_line(
            &format!(
                "DESCRIPTION:{}",
                ics_text(&format!("Bijeenkomst van de leerkring {}.", circle.titel))
            ),
            &mut out,
        );
        fold_line(&format!("LOCATION:{}", ics_text(&m.plaats)), &mut out);
        fold_line(&format!("URL:{url}"), &mut out);
        fold_line("END:VEVENT", &mut out);
    }
    fold_line("END:VCALENDAR", &mut out);
    out
}

/// The agenda of all dated offerings, or of those a catalogue selection gives (the parameters
/// of `/aanbod`: text, facets, gratis, vanaf, domeinoverstijgend).
async fn ics_all(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let pairs = params::pairs(raw.as_deref());
    if pairs.is_empty() {
        return Ok(typed(
            "text/calendar; charset=utf-8",
            ics(&snapshot, &state.base_url, state.clock().now(), |_| true),
        ));
    }
    let now = state.clock().now();
    let today = crate::domain::clock::dutch_date(now);
    let query = match params::parse(&pairs, &snapshot, today, &["sort", "page", "pageSize"]) {
        Ok(q) => q,
        Err(errors) => {
            let reasons: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.name, e.reason))
                .collect();
            return Ok((
                StatusCode::BAD_REQUEST,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                format!("Deze agenda-selectie klopt niet: {}.\n", reasons.join("; ")),
            )
                .into_response());
        }
    };
    let page = state.catalog.search(&snapshot, &query.all_by_date())?;
    let selected: HashSet<&str> = page.items.iter().map(|(o, _)| o.id.as_str()).collect();
    Ok(typed(
        "text/calendar; charset=utf-8",
        ics(&snapshot, &state.base_url, now, |o| {
            selected.contains(o.id.as_str())
        }),
    ))
}

async fn ics_theme(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    if snapshot.taxonomy.term(Vocabulary::Theme, &slug).is_none() {
        return Err(PageError::NotFound);
    }
    Ok(typed(
        "text/calendar; charset=utf-8",
        ics(&snapshot, &state.base_url, state.clock().now(), |o| {
            o.themas.contains(&slug)
        }),
    ))
}

/// The agenda of one offering (empty when it has no dates to come).
async fn ics_offering(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    if snapshot.get(&id).is_none() {
        return Err(PageError::NotFound);
    }
    Ok(typed(
        "text/calendar; charset=utf-8",
        ics(&snapshot, &state.base_url, state.clock().now(), |o| {
            o.id == id
        }),
    ))
}

/// The whole catalogue in the import format (`catalog.jsonl` fields), as a download.
fn download(
    state: &AppState,
    format: Format,
    content_type: &'static str,
    name: &str,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let items: Vec<&Offering> = snapshot.offerings.iter().map(|s| &s.offering).collect();
    let mut body = Vec::new();
    transfer::export(&items, format, offering::FIELDS, &mut body).map_err(PageError::internal)?;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response())
}

async fn download_csv(State(state): State<AppState>) -> Result<Response, PageError> {
    download(
        &state,
        Format::Csv,
        "text/csv; charset=utf-8",
        "leeraanbod.csv",
    )
}

async fn download_jsonl(State(state): State<AppState>) -> Result<Response, PageError> {
    download(
        &state,
        Format::Jsonl,
        "application/jsonl; charset=utf-8",
        "leeraanbod.jsonl",
    )
}

async fn sitemap(State(state): State<AppState>) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let base = &state.base_url;
    let mut paths: Vec<String> = [
        "/",
        "/themas",
        "/aanbod",
        "/aanbieders",
        "/agenda",
        "/leervraag",
        "/leeragenda",
        "/lacunes",
        "/ontwikkeltrajecten",
        "/aanbod/aanmelden",
        "/contact",
        "/open-data",
        "/privacy",
        "/toegankelijkheid",
        "/over",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    paths.extend(
        snapshot
            .taxonomy
            .themas
            .iter()
            .map(|t| format!("/themas/{}", t.slug)),
    );
    paths.extend(
        snapshot
            .taxonomy
            .vraagstukken
            .iter()
            .map(|v| format!("/lacunes/{}", v.slug)),
    );
    paths.extend(
        snapshot
            .providers
            .iter()
            .map(|p| format!("/aanbieders/{}", p.slug)),
    );
    paths.extend(
        snapshot
            .offerings
            .iter()
            .map(|s| format!("/aanbod/{}", s.offering.id)),
    );
    let sitemap = Sitemap {
        urls: paths.into_iter().map(|p| format!("{base}{p}")).collect(),
    };
    let xml = sitemap.render().map_err(PageError::internal)?;
    Ok(typed("application/xml; charset=utf-8", xml))
}

/// The sitemap: every public page's address.
#[derive(Template)]
#[template(path = "feeds/sitemap.xml")]
struct Sitemap {
    urls: Vec<String>,
}

async fn robots(State(state): State<AppState>) -> Response {
    typed(
        "text/plain; charset=utf-8",
        format!("User-agent: *\nDisallow: /beheer\nDisallow: /api/\nAllow: /\nSitemap: {}/sitemap.xml\n", state.base_url),
    )
}

#[cfg(test)]
mod tests;
