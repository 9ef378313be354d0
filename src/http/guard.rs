//! The first check on every request, before any handler or cache sees it: bounded query strings
//! (length and number of parameters), a 404 for control characters in the path, and C0 control
//! characters other than TAB, LF and CR dropped from page query strings and form bodies, in this
//! one place, as PostgreSQL refuses NUL in text and nothing invisible should be stored or
//! exported (the API refuses such values per parameter instead).

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::Response;

use super::pages::error_page;

/// The longest query string accepted (bytes, as sent): the longest search the OpenAPI document
/// allows (every filter with its most values, the longest text) fits.
pub const MAX_QUERY: usize = 16 * 1024;
/// The most parameters one query string may hold: every filter with its most values
/// (7 × [`crate::catalog::params::MAX_FILTER_VALUES`]) and the other search parameters fit.
pub const MAX_PARAMS: usize = 150;

/// Refuses overlong queries and control characters in the path; cleans queries and form bodies.
pub async fn layer(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    // No page or id holds a control character: nothing is there.
    if has_control(req.uri().path().as_bytes()) {
        return refuse(
            api,
            StatusCode::NOT_FOUND,
            "Niet gevonden",
            "Op dit adres staat niets: het bevat tekens die in geen adres van deze site voorkomen. Controleer de link.",
        );
    }
    let (mut parts, body) = req.into_parts();
    if let Some(query) = parts.uri.query() {
        if query.len() > MAX_QUERY {
            return refuse(
                api,
                StatusCode::URI_TOO_LONG,
                "Adres te lang",
                &format!(
                    "Het adres is te lang (hoogstens {MAX_QUERY} tekens na het vraagteken). Kies minder filters of een kortere zoektekst."
                ),
            );
        }
        if query.split('&').filter(|p| !p.is_empty()).count() > MAX_PARAMS {
            return refuse(
                api,
                StatusCode::BAD_REQUEST,
                "Te veel parameters",
                &format!(
                    "Het adres bevat te veel parameters (hoogstens {MAX_PARAMS}). Kies minder filters."
                ),
            );
        }
        // The API checks every parameter itself and refuses a value with a control character
        // (its search text drops them), so that a request the document does not allow is
        // refused rather than quietly changed.
        let cleaned = if api {
            query.as_bytes().to_vec()
        } else {
            strip_controls(query.as_bytes())
        };
        if cleaned.len() != query.len() {
            if let Some(uri) = with_query(&parts.uri, &cleaned) {
                parts.uri = uri;
            }
        }
    }
    if !is_form(&parts.headers) {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let Ok(bytes) = to_bytes(body, super::MAX_BODY).await else {
        return refuse(
            api,
            StatusCode::PAYLOAD_TOO_LARGE,
            "Formulier te groot",
            &format!(
                "Het formulier is te groot om te versturen (hoogstens {} MB). Maak de tekst korter.",
                super::MAX_BODY / (1024 * 1024)
            ),
        );
    };
    let cleaned = strip_controls(&bytes);
    if cleaned.len() != bytes.len() {
        parts.headers.remove(header::CONTENT_LENGTH);
        if let Ok(v) = HeaderValue::from_str(&cleaned.len().to_string()) {
            parts.headers.insert(header::CONTENT_LENGTH, v);
        }
        return next
            .run(Request::from_parts(parts, Body::from(cleaned)))
            .await;
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn is_form(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn with_query(uri: &Uri, query: &[u8]) -> Option<Uri> {
    let query = std::str::from_utf8(query).ok()?;
    let pq = if query.is_empty() {
        uri.path().to_string()
    } else {
        format!("{}?{query}", uri.path())
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(pq.parse().ok()?);
    Uri::from_parts(parts).ok()
}

/// A C0 control character that text never needs (everything below 0x20 but TAB, LF and CR), or DEL.
fn unwanted(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The percent-encoded byte at `i` (`%XX`), if any.
fn encoded_at(s: &[u8], i: usize) -> Option<u8> {
    if s.get(i) != Some(&b'%') {
        return None;
    }
    Some(hex(*s.get(i + 1)?)? * 16 + hex(*s.get(i + 2)?)?)
}

/// True when a path holds a control character, raw or percent-encoded (TAB, LF and CR included:
/// no address needs them).
fn has_control(path: &[u8]) -> bool {
    (0..path.len()).any(|i| {
        let b = encoded_at(path, i).unwrap_or(path[i]);
        b < 0x20 || b == 0x7f
    })
}

/// An `application/x-www-form-urlencoded` text (a query string or a form body) without the
/// unwanted control characters, raw or percent-encoded; everything else is kept byte for byte.
pub fn strip_controls(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match encoded_at(s, i) {
            Some(b) if unwanted(b) => i += 3,
            _ if unwanted(s[i]) => i += 1,
            _ => {
                out.push(s[i]);
                i += 1;
            }
        }
    }
    out
}

fn refuse(api: bool, status: StatusCode, title: &str, detail: &str) -> Response {
    if api {
        let mut res = super::error::status_problem_with(status, detail.to_string());
        res.headers_mut().insert(
            header::HeaderName::from_static("api-version"),
            HeaderValue::from_static(super::api::API_VERSION),
        );
        res
    } else {
        error_page(status, title, detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_dropped_and_the_rest_kept() {
        assert_eq!(
            strip_controls(b"vraag=a%00b%0Ac%09d%7Fe"),
            b"vraag=ab%0Ac%09de"
        );
        assert_eq!(strip_controls(b"x=a\x00b\x1bc"), b"x=abc");
        assert_eq!(strip_controls(b"q=%C3%A9%25%2"), b"q=%C3%A9%25%2");
        assert_eq!(strip_controls(b"q=%1f%1F%20"), b"q=%20");
    }

    #[test]
    fn paths_with_control_characters_are_noticed() {
        assert!(has_control(b"/aanbod/abc%00"));
        assert!(has_control(b"/aanbod/a%0d"));
        assert!(!has_control(b"/aanbod/abc%20d"));
        assert!(!has_control(b"/aanbod/%FF"));
    }
}
