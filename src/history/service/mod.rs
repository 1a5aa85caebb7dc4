//! The contact-history HTTP service (axum): API v1 over a [`Store`].
//!
//! Stateless apart from the store, so several instances can serve one database. Each resource module exposes a
//! `router()`; they are merged here with the OpenAPI document generated from the same handlers. Logs carry the
//! route template, status and error code, never a URI (queries hold CPR numbers and names) or a body.

mod audit;
mod citizens;
pub mod error;
mod events;
pub mod extract;
mod meta;
mod sessions;

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use self::error::{ApiError, ErrorTrace};
use super::api::MAX_BODY_BYTES;
use super::store::Store;
use crate::domain::AuthorityCatalog;

/// Where the service gets the time, so tests can fix it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub authorities: Arc<AuthorityCatalog>,
    pub clock: Clock,
}

impl AppState {
    /// State over a store with the shipped authority catalogue and the system clock.
    #[must_use]
    pub fn new(store: Store) -> Self {
        Self { store, authorities: Arc::new(AuthorityCatalog::builtin()), clock: Arc::new(Utc::now) }
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
        .split_for_parts()
}

/// The service's OpenAPI document.
#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// The whole service as a router, ready for `axum::serve` or `tower::ServiceExt::oneshot`.
pub fn router(state: AppState) -> Router {
    let (routes, doc) = api();
    let doc = Arc::new(doc);
    routes
        .route("/openapi.json", axum::routing::get(move || async move { axum::Json(doc.as_ref().clone()) }))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint; see /openapi.json") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not take that method",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Logs one line per request: method, route template, status, error code, time. Internal error detail only here.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "(no route)".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let trace = response.extensions().get::<ErrorTrace>();
    let code = trace.map_or("", |t| t.code);
    if let Some(detail) = trace.and_then(|t| t.internal.as_deref()) {
        tracing::error!(%method, route, status, code, micros, detail, "request failed");
    } else {
        tracing::debug!(%method, route, status, code, micros, "request");
    }
    response
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
