//! A cache of rendered public GET responses, keyed by URI and valid for one catalogue version
//! and one day (pages show "from today on"). Any catalogue change makes every entry stale.

use std::collections::HashMap;
use std::sync::RwLock;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use chrono::NaiveDate;

use super::AppState;

/// Most entries kept; when full the cache starts over.
const MAX_ENTRIES: usize = 2_000;
/// Largest body cached.
const MAX_BODY: usize = 512 * 1024;

struct Entry {
    version: (i64, i64),
    day: NaiveDate,
    headers: HeaderMap,
    body: Bytes,
}

/// The response cache.
#[derive(Default)]
pub struct PageCache {
    entries: RwLock<HashMap<String, Entry>>,
    disabled: bool,
}

impl PageCache {
    /// A cache that stores nothing (for measuring the uncached path).
    pub fn disabled() -> PageCache {
        PageCache {
            entries: RwLock::default(),
            disabled: true,
        }
    }
}

/// Paths whose GET responses depend only on the catalogue and the date.
fn cacheable(path: &str) -> bool {
    let public = path == "/"
        || path.starts_with("/themas")
        || path == "/aanbod"
        || (path.starts_with("/aanbod/") && path != "/aanbod/aanmelden")
        || path.starts_with("/aanbieders")
        || path == "/agenda"
        || path == "/agenda.ics"
        || path.starts_with("/feeds/")
        || path == "/sitemap.xml"
        || path.starts_with("/leeragenda")
        || path.starts_with("/lacunes");
    let api = path.starts_with("/api/v1/aanbod")
        || path == "/api/v1/themas"
        || path == "/api/v1/aanbieders";
    public || api
}

/// Serves cached responses and stores fresh ones.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if state.cache.disabled || req.method() != Method::GET || !cacheable(req.uri().path()) {
        return next.run(req).await;
    }
    let key = req.uri().to_string();
    let snapshot = state.catalog.snapshot();
    let version = (snapshot.version, snapshot.demand_version);
    let day = super::pages::today();
    if let Ok(entries) = state.cache.entries.read() {
        if let Some(e) = entries
            .get(&key)
            .filter(|e| e.version == version && e.day == day)
        {
            let mut res = Response::new(Body::from(e.body.clone()));
            *res.headers_mut() = e.headers.clone();
            return res;
        }
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::OK {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(mut entries) = state.cache.entries.write() {
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                version,
                day,
                headers: parts.headers.clone(),
                body: bytes.clone(),
            },
        );
    }
    Response::from_parts(parts, Body::from(bytes))
}
