//! The contact-history HTTP service (axum): API v1 over a [`Store`].
//!
//! Stateless apart from the store, so several instances can serve one database. Each resource module exposes a
//! `router()`; they are merged here with the OpenAPI document generated from the same handlers. Logs carry the
//! route template, status and error code, never a URI (queries hold CPR numbers and names) or a body.

mod audit;
mod audit_writer;
mod citizens;
pub mod document;
pub mod error;
mod events;
pub mod extract;
pub mod guard;
mod identity;
mod insights;
mod meta;
mod server;
mod sessions;
mod staff;
mod stats;
pub mod tls;
pub mod watch;

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use self::error::{ApiError, ErrorTrace};
pub use self::server::{ConnectionLimits, serve_with};
use super::api::MAX_BODY_BYTES;
use super::store::Store;
use crate::domain::AuthorityCatalog;
use crate::history::api::ErrorCode;

/// Where the service gets the time, so tests can fix it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub authorities: Arc<AuthorityCatalog>,
    pub clock: Clock,
    /// Appends audit rows for every handler, many to a transaction.
    pub audit: audit_writer::AuditWriter,
    /// Set when the instance is stopping: `/health` answers 503 so load balancers stop sending it requests.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
    /// Whose contacts the insights show: real citizens, or on a demo store its fictitious ones.
    pub population: crate::domain::insight::Population,
}

impl AppState {
    /// State over a store with the shipped authority catalogue and the system clock.
    #[must_use]
    pub fn new(store: Store) -> Self {
        Self {
            store,
            authorities: Arc::new(AuthorityCatalog::builtin()),
            clock: Arc::new(Utc::now),
            audit: audit_writer::AuditWriter::default(),
            draining: Arc::default(),
            population: crate::domain::insight::Population::Real,
        }
    }

    /// The current time from the state's clock.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Medbetjening contact history", description = "The shared cross-channel contact history (API v1)."),
    modifiers(&BearerAuth),
    tags(
        (name = "citizens", description = "Find citizens, read profiles, registry feeds, access-request export"),
        (name = "events", description = "The cross-channel timeline and channel-system ingest"),
        (name = "sessions", description = "Logged assisted sessions"),
        (name = "audit", description = "Who read which citizen's data, when and why"),
        (name = "identity", description = "Contacts that named no single citizen; merging two records of one person"),
        (name = "staff", description = "Staff members and their tokens (admins)"),
        (name = "insights", description = "Counts for supervisors: KOMHEN, failure demand, channel shift, funnels"),
        (name = "meta", description = "Health, identity, reference data"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The OpenAPI document and the routes it describes, built from the same handlers.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(meta::router())
        .merge(citizens::router())
        .merge(events::router())
        .merge(sessions::router())
        .merge(audit::router())
        .merge(staff::router())
        .merge(stats::router())
        .merge(insights::router())
        .merge(identity::router())
        .merge(watch::router())
        .split_for_parts()
}

/// The service's OpenAPI document as the handlers describe themselves.
#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// The document as the service serves it: [`openapi`] with the rules it checks declared (see [`document`]).
#[must_use]
pub fn openapi_document(authorities: &AuthorityCatalog) -> serde_json::Value {
    let mut doc = serde_json::to_value(openapi()).unwrap_or_default();
    document::declare(&mut doc, authorities);
    doc
}

/// Limits of one service instance that are not part of what handlers see.
#[derive(Clone, Debug)]
pub struct ServiceOptions {
    /// Largest request body in bytes; a larger one gets 413 `body_too_large`, naming this limit.
    pub body_limit: usize,
    /// Requests per token; `None` lets everything through (tests, the embedded single-user service).
    pub rate_limit: Option<guard::RateLimit>,
    /// Failed sign-ins per client address and minute; `None` counts none.
    pub auth_failures_per_minute: Option<std::num::NonZeroU32>,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        Self { body_limit: MAX_BODY_BYTES, rate_limit: None, auth_failures_per_minute: None }
    }
}

/// The whole service as a router, ready for `axum::serve` or `tower::ServiceExt::oneshot`.
pub fn router(state: AppState) -> Router {
    router_with(state, &ServiceOptions::default())
}

/// [`router`] with explicit limits.
pub fn router_with(state: AppState, options: &ServiceOptions) -> Router {
    let (routes, doc) = api();
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    document::declare(&mut doc, &state.authorities);
    let doc = Arc::new(doc);
    let routes = match options.rate_limit {
        Some(limit) => routes.layer(axum::Extension(guard::Limiter::new(limit))),
        None => routes,
    };
    let routes = match options.auth_failures_per_minute {
        Some(limit) => routes.layer(axum::Extension(guard::AuthFailures::new(limit))),
        None => routes,
    };
    let routes = routes
        .route("/openapi.json", axum::routing::get(move || async move { axum::Json(doc.as_ref().clone()) }))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such endpoint; see /openapi.json")
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                "this endpoint does not take that method",
            )
        })
        .layer(middleware::from_fn_with_state(state.clone(), watch::record_refusals))
        .layer(DefaultBodyLimit::max(options.body_limit))
        .layer(middleware::from_fn_with_state(options.body_limit, name_body_limit))
        .layer(middleware::from_fn(log_request));
    guard::with_security_headers(routes).with_state(state)
}

/// Names the configured limit in every 413: the extractor that refuses the body only knows the default.
async fn name_body_limit(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return response;
    }
    let message = format!("the request body is larger than the limit of {limit} bytes");
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::BodyTooLarge, message).into_response()
}

/// The target of the access log, one line per request at `info` (filter it with `RUST_LOG`).
pub const ACCESS_LOG: &str = "medbetjening::access";

/// Logs one line per request: method, route template, status, error code, time and the caller's staff id (`-`
/// before or without a valid token, so refused sign-ins show too). Never a URL, a query, a body or a name.
/// Internal error detail is logged only here.
async fn log_request(mut request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "(no route)".to_owned(), |p| p.as_str().to_owned());
    let caller = watch::CallerSlot::default();
    request.extensions_mut().insert(caller.clone());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let trace = response.extensions().get::<ErrorTrace>();
    let code = trace.map_or("", |t| t.code.as_str());
    let staff = caller.get().map_or_else(|| "-".to_owned(), |id| id.to_string());
    if let Some(detail) = trace.and_then(|t| t.internal.as_deref()) {
        tracing::error!(target: ACCESS_LOG, %method, route, status, code, micros, staff, detail, "request failed");
    } else {
        tracing::info!(target: ACCESS_LOG, %method, route, status, code, micros, staff, "request");
    }
    response
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_on(listener, router(state), shutdown).await
}

/// Serves `app` on any listener (plain TCP, or [`tls::TlsListener`] for HTTPS) with the default
/// [`ConnectionLimits`] until `shutdown` completes, then finishes the requests in flight.
pub async fn serve_on<L>(
    listener: L,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    L: axum::serve::Listener<Addr = std::net::SocketAddr>,
{
    serve_with(listener, app, ConnectionLimits::default(), shutdown).await
}
