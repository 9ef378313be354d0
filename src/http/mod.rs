//! HTTP: the shared application state, the router built from one router per area, and the
//! middleware every response gets (security headers, compression, request ids and the request
//! span from [`request_id`]).

pub mod api;
pub mod beheer;
pub mod cache;
pub mod conn;
pub mod error;
pub mod extract;
pub mod feeds;
pub mod form_fields;
pub mod forms;
pub mod guard;
pub mod mijn;
pub mod offering_form;
pub mod page_error;
pub mod pages;
pub mod request_id;
/// Back-office sessions live in the store (see [`crate::store::sessions`]).
pub use crate::store::sessions as session_store;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;

use crate::catalog::Catalog;
pub use request_id::{current_request_id, REQUEST_ID};

/// State shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    /// The catalogue service.
    pub catalog: Arc<Catalog>,
    /// Absolute base URL for links in feeds, sitemap and JSON-LD (no trailing slash).
    pub base_url: Arc<str>,
    /// Signs and checks public form tokens.
    pub forms: Arc<forms::FormGuard>,
    /// Rate limit of public form submissions per IP.
    pub form_limiter: Arc<crate::security::RateLimiter>,
    /// Rendered public pages.
    pub cache: Arc<cache::PageCache>,
    /// Back-office sessions in the database.
    pub session_store: session_store::Sessions,
    /// How back-office sessions behave.
    pub sessions: beheer::SessionSettings,
    /// Failed logins per IP address.
    pub login_ip: Arc<crate::security::RateLimiter>,
    /// Mails sent from the back office (answers to contact messages) per staff account.
    pub staff_mail: Arc<crate::security::RateLimiter<i64>>,
    /// The limit on `POST /api/v1/matches` per client.
    pub match_limit: Arc<api::MatchLimit>,
    /// Login attempts allowed per account per window, counted in the database (all instances).
    pub login_limit: (usize, std::time::Duration),
    /// Months after closing before personal data is erased.
    pub retention_months: u32,
    /// Behind a reverse proxy: the client address is the last one in `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// The folder mail is written to when no SMTP server is set (then nothing is really sent).
    pub mail_folder: Option<Arc<str>>,
    /// Mijn WijkWijzer: its rate limits and the secret of unsubscribe links.
    pub mijn: Arc<mijn::MijnState>,
}

impl AppState {
    /// Where the time comes from (the catalogue's clock: the system clock, or a fixed moment in
    /// tests); handlers read "now" and "today" from it.
    pub fn clock(&self) -> &crate::domain::clock::Clock {
        self.catalog.clock()
    }

    /// The client's key for rate limits: the peer, or with `trust_proxy` the address the proxy
    /// put last in `X-Forwarded-For` (earlier entries can be forged by the client); an IPv6
    /// client counts as its /64 network (one subscriber usually has a whole /64).
    pub fn client_ip(
        &self,
        headers: &axum::http::HeaderMap,
        peer: std::net::SocketAddr,
    ) -> std::net::IpAddr {
        if self.trust_proxy {
            if let Some(ip) = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
                .next_back()
            {
                return rate_key(ip);
            }
        }
        rate_key(peer.ip())
    }
}

/// The rate-limit key of an address: IPv4 as it is (also when mapped into IPv6), IPv6 as its
/// /64 network.
pub fn rate_key(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V4(_) => ip,
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => std::net::IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                std::net::IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The largest request body any route reads (forms, the API's JSON); larger bodies get a
/// Dutch 413 (see [`extract`]).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// The complete router. Routes without their own 405 answer (the API has problem+json) get
/// the Dutch error page for a method they do not support.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(api::router())
        .merge(pages::router())
        .merge(feeds::router())
        .merge(beheer::router(&state).layer(middleware::from_fn(beheer::no_store)))
        .merge(mijn::router(&state).layer(middleware::from_fn(beheer::no_store)))
        .route("/healthz", get(healthz))
        .method_not_allowed_fallback(pages::method_not_allowed)
        .fallback(pages::fallback)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(state.clone(), cache::layer))
        .layer(middleware::from_fn(guard::layer))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ));
    request_id::layer(routes)
        .layer(CompressionLayer::new())
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    if state.catalog.healthy().await {
        (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"status": "niet beschikbaar"})),
        )
            .into_response()
    }
}

pub(crate) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

/// The security headers every response gets (CSP, HSTS with an `https://` base URL, and more).
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if state.base_url.starts_with("https://") {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::rate_key;

    #[test]
    fn ipv6_clients_are_limited_per_64_network() {
        let a: std::net::IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: std::net::IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(rate_key(a), rate_key(b));
        assert_ne!(rate_key(a), rate_key(other));
        let v4: std::net::IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(rate_key(v4), v4);
        let mapped: std::net::IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(rate_key(mapped), v4);
    }
}
