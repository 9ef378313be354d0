//! A cache of rendered public GET responses, keyed by URI and valid for one catalogue version
//! and one day (pages show "from today on"). Any catalogue change makes every entry stale.
//! Bounded by bytes (least recently used entries go first); a response too large to keep, or
//! of unknown size, passes through untouched, so a body is never lost. Only URLs made of the
//! parameters a page reads are kept: a URL with made-up parameters is served, not stored.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

use axum::body::{to_bytes, Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use chrono::NaiveDate;

use super::AppState;

/// Bytes kept in all (bodies, headers and keys).
const MAX_BYTES: usize = 32 * 1024 * 1024;
/// Largest body kept.
const MAX_BODY: usize = 512 * 1024;

/// The parameters the cached pages and API routes read; a URL with any other is not cached.
const KNOWN_PARAMS: [&str; 20] = [
    "q",
    "thema",
    "doelgroep",
    "sector",
    "vorm",
    "aanbieder",
    "locatie",
    "regio",
    "gratis",
    "vanaf",
    "sort",
    "page",
    "pageSize",
    "domeinoverstijgend",
    "maand",
    "pagina",
    "vraagstuk",
    "status",
    "format",
    "ook_landelijk",
];

struct Entry {
    version: (i64, i64),
    day: NaiveDate,
    headers: HeaderMap,
    body: Bytes,
    size: usize,
    used: AtomicU64,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry>,
    bytes: usize,
}

/// The response cache.
#[derive(Default)]
pub struct PageCache {
    entries: RwLock<Entries>,
    clock: AtomicU64,
    hits: AtomicU64,
    disabled: bool,
}

impl PageCache {
    /// A cache that stores nothing (for measuring the uncached path).
    pub fn disabled() -> PageCache {
        PageCache {
            disabled: true,
            ..PageCache::default()
        }
    }

    /// Bytes held now (bodies, headers and keys).
    pub fn bytes(&self) -> usize {
        self.entries.read().map_or(0, |e| e.bytes)
    }

    /// How many requests were answered from the cache since start.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed)
    }

    fn get(&self, key: &str, version: (i64, i64), day: NaiveDate) -> Option<(HeaderMap, Bytes)> {
        let entries = self.entries.read().ok()?;
        let e = entries
            .map
            .get(key)
            .filter(|e| e.version == version && e.day == day)?;
        e.used.store(self.tick(), Ordering::Relaxed);
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some((e.headers.clone(), e.body.clone()))
    }

    fn put(&self, key: String, entry: Entry) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if let Some(old) = entries.map.remove(&key) {
            entries.bytes -= old.size;
        }
        if entries.bytes + entry.size > MAX_BYTES {
            // Stale entries first, then the least recently used, down to three quarters.
            let mut order: Vec<(bool, u64, String)> = entries
                .map
                .iter()
                .map(|(k, e)| {
                    let fresh = e.version == entry.version && e.day == entry.day;
                    (fresh, e.used.load(Ordering::Relaxed), k.clone())
                })
                .collect();
            order.sort_unstable();
            let target = MAX_BYTES / 4 * 3;
            for (_, _, k) in order {
                if entries.bytes + entry.size <= target {
                    break;
                }
                if let Some(e) = entries.map.remove(&k) {
                    entries.bytes -= e.size;
                }
            }
        }
        entries.bytes += entry.size;
        entries.map.insert(key, entry);
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

/// The data versions a page at `path` depends on: the learning agenda, the gaps and `/agenda`
/// also on the demand version (learning questions, tracks, circles); every other cached page only on the catalogue, so that a question asked
/// on the site leaves them cached.
fn versions(path: &str, catalogue: i64, demand: i64) -> (i64, i64) {
    // `/agenda` also lists the meetings of learning circles, whose changes move the demand
    // version.
    if path.starts_with("/leeragenda") || path.starts_with("/lacunes") || path == "/agenda" {
        (catalogue, demand)
    } else {
        (catalogue, 0)
    }
}

/// True when every parameter of the query is one a page reads.
fn known_query(query: Option<&str>) -> bool {
    query.is_none_or(|q| {
        q.split('&').filter(|p| !p.is_empty()).all(|p| {
            let key = p.split('=').next().unwrap_or("");
            KNOWN_PARAMS.contains(&key)
        })
    })
}

/// Serves cached responses and stores fresh ones.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if state.cache.disabled
        || req.method() != Method::GET
        || !cacheable(req.uri().path())
        || !known_query(req.uri().query())
    {
        return next.run(req).await;
    }
    let key = req.uri().to_string();
    let snapshot = state.catalog.snapshot();
    let version = versions(req.uri().path(), snapshot.version, snapshot.demand_version);
    let day = state.catalog.clock().today();
    if let Some((headers, body)) = state.cache.get(&key, version, day) {
        let mut res = Response::new(Body::from(body));
        *res.headers_mut() = headers;
        return res;
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::OK {
        return res;
    }
    // Only a body of known size that fits is read here; anything else streams on untouched.
    let fits = res
        .body()
        .size_hint()
        .exact()
        .and_then(|n| usize::try_from(n).ok())
        .is_some_and(|n| n <= MAX_BODY);
    if !fits {
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "antwoord lezen voor de cache mislukt");
            return Response::from_parts(parts, Body::empty());
        }
    };
    let size = bytes.len()
        + key.len()
        + parts
            .headers
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len())
            .sum::<usize>();
    state.cache.put(
        key,
        Entry {
            version,
            day,
            headers: parts.headers.clone(),
            body: bytes.clone(),
            size,
            used: AtomicU64::new(state.cache.tick()),
        },
    );
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(size: usize, used: u64) -> Entry {
        Entry {
            version: (1, 1),
            day: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from(vec![b'x'; size]),
            size,
            used: AtomicU64::new(used),
        }
    }

    #[test]
    fn the_cache_stays_within_its_byte_bound_and_drops_the_least_recently_used() {
        let cache = PageCache::default();
        let mb = 1024 * 1024;
        for i in 0..100u64 {
            cache.put(format!("/p{i}"), entry(mb / 2, i));
            assert!(cache.bytes() <= MAX_BYTES, "{}", cache.bytes());
        }
        let entries = cache.entries.read().unwrap();
        assert!(entries.map.contains_key("/p99"));
        assert!(!entries.map.contains_key("/p0"));
    }

    #[test]
    fn only_urls_with_known_parameters_are_kept() {
        assert!(known_query(None));
        assert!(known_query(Some("q=wijk&thema=jeugd&page=2")));
        assert!(!known_query(Some("q=wijk&utm_source=x")));
        assert!(!known_query(Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1")));
    }
}
