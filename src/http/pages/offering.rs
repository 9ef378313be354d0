//! One offering (`/aanbod/{id}`) with its schema.org description and similar offerings.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use crate::domain::offering::Offering;
use crate::domain::taxonomy::Vocabulary;
use crate::http::AppState;

use super::view::{label, location_label, when, Card, Layout};
use super::{render, PageError};

#[derive(Template)]
#[template(path = "offering.html")]
struct OfferingPage {
    l: Layout,
    o: Offering,
    paragraphs: Vec<String>,
    themes: Vec<(String, String)>,
    groups: Vec<String>,
    sectors: Vec<String>,
    vorm: String,
    provider_slug: String,
    wanneer: String,
    locatie: String,
    kosten: String,
    json_ld: String,
    similar: Vec<Card>,
    past: bool,
    /// A recorded webinar whose date has passed: it can be watched back.
    watch_back: bool,
    /// It has dates still to come: the page links its own `.ics`.
    ics: bool,
    /// The catalogue selection the visitor came from (`?terug=`), for the breadcrumb.
    back: Option<String>,
    /// The learning circle that made it `(slug, name)`.
    origin: Option<(String, String)>,
}

/// The selection a visitor came from, when it is a catalogue or theme page of this site.
fn back_link(raw: Option<&str>) -> Option<String> {
    let pairs = crate::catalog::params::pairs(raw);
    let back = pairs.into_iter().find(|(k, _)| k == "terug")?.1;
    let ours = back.starts_with("/aanbod?") || back.starts_with("/themas/");
    (ours && back.len() <= 2000 && !back.contains("//") && !back.chars().any(char::is_control))
        .then_some(back)
}

/// schema.org `Course` (with a `CourseInstance` when dated) as JSON, safe inside `<script>`.
pub fn json_ld(o: &Offering, base_url: &str) -> String {
    let mode = match o.locatie {
        crate::domain::offering::Location::Online => "online",
        crate::domain::offering::Location::Fysiek => "onsite",
        crate::domain::offering::Location::Hybride => "blended",
    };
    let mut course = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": format!("{base_url}/aanbod/{}", o.id),
        "name": o.titel,
        "description": o.samenvatting,
        "url": format!("{base_url}/aanbod/{}", o.id),
        "sameAs": o.url,
        "inLanguage": "nl",
        "keywords": o.trefwoorden.join(", "),
        "provider": {"@type": "Organization", "name": o.aanbieder},
        "isAccessibleForFree": o.is_free(),
    });
    if o.startdatum.is_some() || o.einddatum.is_some() {
        let mut instance = serde_json::json!({"@type": "CourseInstance", "courseMode": mode});
        if let Some(s) = o.startdatum {
            instance["startDate"] = s.to_string().into();
        }
        if let Some(e) = o.einddatum {
            instance["endDate"] = e.to_string().into();
        }
        instance["location"] = if mode == "online" {
            serde_json::json!({"@type": "VirtualLocation", "url": o.url})
        } else {
            serde_json::json!({"@type": "Place", "name": o.regio})
        };
        course["hasCourseInstance"] = instance;
    }
    if !o.is_free() {
        let amount: String = o
            .kosten
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == ',')
            .collect();
        course["offers"] = serde_json::json!({"@type": "Offer", "category": "Paid", "price": amount.replace(',', "."), "priceCurrency": "EUR"});
    }
    course
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

pub(super) async fn offering(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let Some(o) = snapshot.get(&id) else {
        return Err(PageError::NotFound);
    };
    let today = state.clock().today();
    let similar = snapshot
        .similar(&id, 4)
        .into_iter()
        .map(|s| Card::new(&snapshot, s, today))
        .collect();
    Ok(render(OfferingPage {
        l: Layout::new(o.titel.clone(), o.samenvatting.clone(), "/aanbod/detail"),
        paragraphs: crate::domain::text::paragraphs(&o.beschrijving),
        themes: o
            .themas
            .iter()
            .map(|t| (t.clone(), label(&snapshot, Vocabulary::Theme, t)))
            .collect(),
        groups: o
            .doelgroepen
            .iter()
            .map(|t| label(&snapshot, Vocabulary::TargetGroup, t))
            .collect(),
        sectors: o
            .sectoren
            .iter()
            .map(|t| label(&snapshot, Vocabulary::Sector, t))
            .collect(),
        vorm: label(&snapshot, Vocabulary::Format, &o.vorm),
        provider_slug: o.provider_slug(),
        wanneer: when(o),
        locatie: location_label(o.locatie).to_string(),
        kosten: if o.is_free() {
            "Gratis".into()
        } else {
            o.kosten.clone()
        },
        json_ld: json_ld(o, &state.base_url),
        similar,
        past: !o.is_available(today),
        watch_back: !o.is_current(today) && o.can_be_watched_back(),
        ics: o.startdatum.is_some() && o.is_current(today),
        back: back_link(raw.as_deref()),
        origin: snapshot.origin(&o.id).cloned(),
        o: o.clone(),
    }))
}
