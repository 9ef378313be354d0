//! Request-body extractors whose rejections answer in Dutch: [`ApiJson`] for the JSON API
//! (`application/problem+json`, see [`super::error`]) and [`PageForm`] / [`PageBody`] for the
//! HTML forms (the site's error page with the request id). axum's own extractors answer
//! in English plain text, so handlers use these instead.
//!
//! Statuses: 400 for a body that is not JSON or not the JSON the route expects (bad syntax, a
//! wrong type, a missing or unknown field), 415 for a missing or wrong `Content-Type`, 413 for
//! a body over [`super::MAX_BODY`].

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::error::{ApiError, InvalidParam};
use super::page_error::PageError;

/// A JSON body for the API; every rejection is a Dutch problem document.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::InvalidJson {
                    detail: "De body kon niet worden gelezen.".to_string(),
                    invalid_params: vec![],
                }
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// True when the `Content-Type` is `application/json` or `application/…+json`.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("application", sub)) => sub == "json" || sub.ends_with("+json"),
        _ => false,
    }
}

/// Deserializes `bytes` as one JSON value of type `T`, explaining any failure in Dutch.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            return Err(json_error(&path, e.inner()));
        }
    };
    de.end().map_err(|e| json_error(".", &e))?;
    Ok(value)
}

/// The Dutch problem for a serde_json error at `path` (`.` for the whole body).
fn json_error(path: &str, e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let syntax = |detail: String| ApiError::InvalidJson {
        detail,
        invalid_params: vec![],
    };
    match e.classify() {
        Category::Eof if e.line() == 1 && e.column() == 0 => {
            syntax("De body is leeg. Stuur een JSON-object.".to_string())
        }
        Category::Syntax | Category::Eof => syntax(format!(
            "De body is geen geldige JSON (fout in regel {}, teken {}).",
            e.line(),
            e.column()
        )),
        Category::Io => syntax("De body kon niet worden gelezen.".to_string()),
        Category::Data => {
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            field_error(path, message)
        }
    }
}

/// Translates serde's data error `message` about the field at `path` into Dutch.
fn field_error(path: &str, message: &str) -> ApiError {
    let field = |name: &str, reason: String| ApiError::InvalidJson {
        detail: format!("Veld `{name}` {reason}."),
        invalid_params: vec![InvalidParam::new(name, reason)],
    };
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return field(name, "ontbreekt".to_string());
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let known: Vec<&str> = rest
            .split_once("expected ")
            .map(|(_, list)| {
                list.split('`')
                    .skip(1)
                    .step_by(2)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let reason = if known.is_empty() {
            "bestaat niet".to_string()
        } else {
            format!(
                "bestaat niet (wel: {})",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return field(name, reason);
    }
    let whole_body = path == "." || path.is_empty();
    if whole_body && message.contains("expected struct ") {
        // A list, number or text where the route wants an object.
        return ApiError::InvalidJson {
            detail: "De body moet een JSON-object zijn.".to_string(),
            invalid_params: vec![],
        };
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let expected = rest.split_once("expected ").map_or("", |(_, e)| e);
        if !whole_body {
            return field(path, format!("moet {} zijn", dutch_type(expected)));
        }
    }
    if whole_body {
        return ApiError::InvalidJson {
            detail: "De body is niet de JSON die deze route verwacht.".to_string(),
            invalid_params: vec![],
        };
    }
    field(path, "heeft een ongeldige waarde".to_string())
}

/// Serde's name of an expected type (`a string`, `a sequence`, `u32`, …) in plain Dutch.
fn dutch_type(expected: &str) -> &'static str {
    match expected {
        "a string" | "a borrowed string" | "a character" => "tekst",
        "a sequence" | "a tuple" => "een lijst",
        "a boolean" => "true of false",
        "a map" => "een object",
        e if e.starts_with("struct ") => "een object",
        "f32" | "f64" => "een getal",
        e if e.starts_with('u') || e.starts_with('i') => "een geheel getal",
        _ => "een andere soort waarde",
    }
}

/// A form body for an HTML page, every line ending in its values made `\n`; a rejection is the
/// Dutch error page.
#[derive(Debug, Clone, Default)]
pub struct PageForm<T>(pub T);

impl<T, S> FromRequest<S> for PageForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(|e| form_error_page(e.status()))?;
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| (k, crate::domain::text::normalize_newlines(&v)))
            .collect();
        serde_urlencoded::to_string(&pairs)
            .ok()
            .and_then(|body| serde_urlencoded::from_str::<T>(&body).ok())
            .map(PageForm)
            .ok_or_else(|| form_error_page(StatusCode::UNPROCESSABLE_ENTITY))
    }
}

/// The raw body of an HTML form; a rejection is the Dutch error page.
#[derive(Debug, Clone, Default)]
pub struct PageBody(pub Bytes);

impl<S> FromRequest<S> for PageBody
where
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(PageBody)
            .map_err(|e| form_error_page(e.status()))
    }
}

/// The error page for a form that could not be read (too large, or not a form).
pub fn form_error_page(status: StatusCode) -> PageError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        PageError::refused(
            status,
            "Formulier te groot",
            format!(
                "Het formulier is te groot om te versturen (hoogstens {} MB). Maak je tekst korter en probeer het opnieuw.",
                super::MAX_BODY / (1024 * 1024)
            ),
        )
    } else {
        PageError::refused(
            status,
            "Formulier niet gelezen",
            "Het formulier kon niet worden gelezen. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Q {
        vraag: String,
        themas: Option<Vec<String>>,
        aantal: Option<u32>,
    }

    fn detail(body: &str) -> (String, Vec<InvalidParam>) {
        match parse_json::<Q>(body.as_bytes()) {
            Err(ApiError::InvalidJson {
                detail,
                invalid_params,
            }) => (detail, invalid_params),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn explains_json_errors_in_dutch() {
        assert_eq!(detail("").0, "De body is leeg. Stuur een JSON-object.");
        assert_eq!(
            detail("{bad").0,
            "De body is geen geldige JSON (fout in regel 1, teken 2)."
        );
        assert!(detail("{\"vraag\":\"x\"} extra")
            .0
            .starts_with("De body is geen geldige JSON"));
        let (d, p) = detail("{\"vraag\":123}");
        assert_eq!(d, "Veld `vraag` moet tekst zijn.");
        assert_eq!(p[0].name, "vraag");
        assert_eq!(
            detail("{\"vraag\":\"x\",\"themas\":\"a\"}").0,
            "Veld `themas` moet een lijst zijn."
        );
        assert_eq!(
            detail("{\"vraag\":\"x\",\"themas\":[1]}").0,
            "Veld `themas[0]` moet tekst zijn."
        );
        assert_eq!(
            detail("{\"vraag\":\"x\",\"aantal\":\"5\"}").0,
            "Veld `aantal` moet een geheel getal zijn."
        );
        assert_eq!(detail("{}").0, "Veld `vraag` ontbreekt.");
        let (d, p) = detail("{\"vraag\":\"x\",\"kleur\":1}");
        assert_eq!(
            d,
            "Veld `kleur` bestaat niet (wel: `vraag`, `themas`, `aantal`)."
        );
        assert_eq!(p[0].name, "kleur");
        assert_eq!(detail("[]").0, "De body moet een JSON-object zijn.");
        assert_eq!(detail("5").0, "De body moet een JSON-object zijn.");
    }

    #[test]
    fn accepts_json_content_types_only() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, v.parse().unwrap());
            is_json(&h)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with("application/problem+json"));
        assert!(!with("text/plain"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
