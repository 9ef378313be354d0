//! Matching in the API: a learning question in, the best-fitting offerings with Dutch reasons
//! out (`POST /matches`), limited per client.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::rate_key;
use crate::domain::matching::MatchQuery;
use crate::domain::taxonomy::Vocabulary;
use crate::http::error::{ApiError, InvalidParam, Problem};
use crate::http::extract::ApiJson;
use crate::http::AppState;

/// A learning question to match.
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// The question in the asker's own words: at least one visible character, at most 2000
    /// characters (spaces at the start and end not counted).
    #[schema(min_length = 1, max_length = 2000, pattern = "[^\\s\\u0085]")]
    pub vraag: String,
    /// Target group slug of the asker.
    pub doelgroep: Option<String>,
    /// Sector slug of the asker.
    pub sector: Option<String>,
    /// Theme slugs, when known.
    pub themas: Option<Vec<String>>,
}

/// One matched offering with its reasons.
#[derive(Serialize, ToSchema)]
pub struct MatchResponseItem {
    /// Offering id.
    pub id: String,
    /// Offering title.
    pub titel: String,
    /// Score (comparable within one question).
    pub score: f64,
    /// Reasons in Dutch.
    pub waarom: Vec<String>,
}

/// Whether a good answer exists: `passend` (yes), `mogelijk` (related offerings, not sure they
/// answer the question) or `geen` (nothing fits; the coordination point looks at it).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FitAnswer {
    /// A good answer exists.
    Passend,
    /// Related offerings, not sure they answer the question.
    Mogelijk,
    /// Nothing fits.
    Geen,
}

impl From<crate::domain::matching::Fit> for FitAnswer {
    fn from(f: crate::domain::matching::Fit) -> FitAnswer {
        use crate::domain::matching::Fit;
        match f {
            Fit::Passend => FitAnswer::Passend,
            Fit::Mogelijk => FitAnswer::Mogelijk,
            Fit::Geen => FitAnswer::Geen,
        }
    }
}

/// The matches for a question.
#[derive(Serialize, ToSchema)]
pub struct MatchResponse {
    /// Whether a well-fitting offering was found (the same as `fit` = `passend`).
    pub passend: bool,
    /// The three-way answer.
    pub fit: FitAnswer,
    /// The estimated probability (0 to 1, three decimals) that a good answer exists.
    #[schema(minimum = 0, maximum = 1)]
    pub kans: f64,
    /// Top 10, best first.
    pub resultaten: Vec<MatchResponseItem>,
}

/// Match a learning question with the offerings.
#[utoipa::path(
    post,
    path = "/matches",
    summary = "Koppel een leervraag aan het leeraanbod",
    description = "Geeft de tien best passende keer leeraanbod met score en redenen (waarom), en of er goed passend aanbod is: `fit` is `passend` (een goed antwoord), `mogelijk` (verwant aanbod, niet zeker of het de vraag beantwoordt) of `geen` (niets past; het coördinatiepunt kijkt ernaar), met `kans` de geschatte kans op een goed antwoord; `passend` blijft voor bestaande koppelingen. Per bezoeker (IPv4-adres of IPv6-/64-netwerk) kunnen in een minuut een beperkt aantal vragen worden gekoppeld (standaard 30); daarboven volgt 429 met de header `Retry-After`.",
    request_body = MatchRequest,
    responses(
        (status = 200, description = "Passend aanbod met uitleg", body = MatchResponse),
        (status = 400, description = "Ongeldige vraag: geen geldige JSON, een veld van het verkeerde type, een ontbrekend of onbekend veld, of een onbekende waarde", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "De body is groter dan 2 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "De body is niet als JSON verstuurd (Content-Type moet application/json zijn)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Te veel koppelingen in korte tijd; probeer het opnieuw na het aantal seconden in `Retry-After`", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconden tot een nieuwe vraag weer kan"))),
    ),
    tag = "matching"
)]
pub(super) async fn matches(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<MatchRequest>,
) -> Result<Json<MatchResponse>, ApiError> {
    let snapshot = state.catalog.snapshot();
    let mut invalid = Vec::new();
    let vraag = req.vraag.trim_matches(blank).to_string();
    if vraag.is_empty() {
        invalid.push(InvalidParam::new("vraag", "de vraag is leeg"));
    } else if vraag.chars().count() > 2000 {
        invalid.push(InvalidParam::new(
            "vraag",
            "de vraag is langer dan 2000 tekens",
        ));
    }
    let check = |name: &str, vocab: Vocabulary, v: &str, invalid: &mut Vec<InvalidParam>| {
        if snapshot.taxonomy.term(vocab, v).is_none() {
            invalid.push(InvalidParam::new(name, format!("onbekende waarde '{v}'")));
        }
    };
    if let Some(d) = &req.doelgroep {
        check("doelgroep", Vocabulary::TargetGroup, d, &mut invalid);
    }
    if let Some(s) = &req.sector {
        check("sector", Vocabulary::Sector, s, &mut invalid);
    }
    for t in req.themas.iter().flatten() {
        check("themas", Vocabulary::Theme, t, &mut invalid);
    }
    if !invalid.is_empty() {
        return Err(ApiError::BadBody(invalid));
    }
    // Counted once the question is valid: the matching is what costs time.
    let client = rate_key(state.client_ip(&headers, peer));
    if state.match_limit.limiter.hit(client).is_err() {
        return Err(ApiError::TooManyRequests {
            retry_after: state.match_limit.window.as_secs().max(1),
        });
    }
    let query = MatchQuery {
        vraag,
        doelgroep: req.doelgroep,
        sector: req.sector,
        themas: req.themas.unwrap_or_default(),
    };
    let catalog = state.catalog.clone();
    let today = catalog.clock().today();
    let outcome =
        tokio::task::spawn_blocking(move || catalog.matcher(today).match_question(&query, 10))
            .await?;
    Ok(Json(MatchResponse {
        passend: outcome.passend,
        fit: outcome.fit.into(),
        kans: (outcome.kans.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
        resultaten: outcome
            .resultaten
            .into_iter()
            .map(|r| MatchResponseItem {
                id: r.id,
                titel: r.titel,
                score: r.score,
                waarom: r.waarom,
            })
            .collect(),
    }))
}

/// A character that does not make a question non-empty: Unicode white space (as `trim` knows
/// it) and the byte-order mark, so that the document's pattern `[^\s\u0085]` (ECMAScript `\s`
/// plus NEL) and the server agree on what a blank question is.
fn blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::http::extract::parse_json;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any body gives a match request or a Dutch JSON error, never a panic.
        #[test]
        fn match_bodies_parse_or_explain(
            body in prop_oneof![
                any::<Vec<u8>>(),
                any::<String>().prop_map(String::into_bytes),
                (any::<String>(), prop::option::of(any::<String>()), any::<bool>())
                    .prop_map(|(vraag, doelgroep, extra)| {
                        let mut v = json!({"vraag": vraag, "doelgroep": doelgroep});
                        if extra {
                            v["kleur"] = json!(5);
                        }
                        v.to_string().into_bytes()
                    }),
            ],
        ) {
            match parse_json::<MatchRequest>(&body) {
                Ok(req) => prop_assert!(req.vraag.len() <= body.len()),
                Err(ApiError::InvalidJson { detail, invalid_params }) => {
                    prop_assert!(!detail.is_empty());
                    prop_assert!(!detail.contains("expected"), "{detail}");
                    prop_assert!(!detail.contains("invalid type"), "{detail}");
                    for p in invalid_params {
                        prop_assert!(!p.reason.is_empty());
                    }
                }
                Err(e) => prop_assert!(false, "{e:?}"),
            }
        }
    }
}
