//! Request ids and the request span: every request gets a random id (an id the client sent is
//! replaced), sent back in `X-Request-Id`, shown on the Dutch error pages and carried by every log
//! line of the request through tower-http's request-id layers and a [`TraceLayer`] span
//! (id, method, path, status, latency).

use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// The request id header.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    /// The id of the request being handled (set by [`scope`]).
    static CURRENT_REQUEST: String;
}

/// The id of the request this code runs for, or `-` outside a request.
pub fn current_request_id() -> String {
    CURRENT_REQUEST
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".to_string())
}

/// A random request id (16 hex digits): it says nothing about the process or the traffic.
pub fn new_request_id() -> String {
    crate::security::random_hex(8)
}

/// Makes a [`new_request_id`] for every request.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&new_request_id())
            .ok()
            .map(RequestId::new)
    }
}

/// `router` with request ids and a span per request, outermost first: the client's own
/// `X-Request-Id` dropped, a random id set, the span opened, the id copied to the response, and
/// the id made available to [`current_request_id`].
pub fn layer<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router
        .layer(middleware::from_fn(scope))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(span)
                .on_request(())
                .on_response(on_response)
                .on_failure(()),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), RandomRequestId))
        .layer(middleware::map_request(drop_sent_id))
}

/// An id the client sent is not ours: it is dropped, so that every id is random.
async fn drop_sent_id(mut req: Request) -> Request {
    req.headers_mut().remove(&REQUEST_ID);
    req
}

fn id_of(req: &Request) -> &str {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
}

/// The span of one request; status and latency are filled in when the answer is ready.
fn span(req: &Request) -> Span {
    tracing::info_span!(
        "verzoek",
        request_id = %id_of(req),
        method = %req.method(),
        path = %req.uri().path(),
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

fn on_response(res: &Response, latency: Duration, span: &Span) {
    let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
    span.record("status", res.status().as_u16());
    span.record("latency_ms", latency_ms);
    tracing::info!(
        status = res.status().as_u16(),
        latency_ms,
        "verzoek afgehandeld"
    );
}

/// Runs the rest of the request with its id as [`current_request_id`].
async fn scope(req: Request, next: Next) -> Response {
    let id = id_of(&req).to_string();
    CURRENT_REQUEST.scope(id, next.run(req)).await
}
