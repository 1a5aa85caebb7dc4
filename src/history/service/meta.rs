//! Health, the caller's identity and reference data: nothing personal, so no purpose is needed.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::Caller;
use crate::history::api::{AuthorityList, Health, Me};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health)).routes(routes!(me)).routes(routes!(authorities))
}

/// Liveness, version and whether the store answers (a real round trip, bounded to a few seconds). Needs no
/// token. 503 while the store does not answer, or while the instance is stopping (`draining`), so a load
/// balancer takes the instance out of rotation.
#[utoipa::path(get, path = "/health", tag = "meta", responses(
    (status = 200, body = Health),
    (status = 503, description = "The store does not answer, or the instance is stopping", body = Health)))]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let reachable = state.store.ping().await;
    let draining = state.draining.load(std::sync::atomic::Ordering::Relaxed);
    let healthy = reachable && !draining;
    let status = if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let health = Health {
        status: match (reachable, draining) {
            (_, true) => "draining",
            (true, false) => "ok",
            (false, false) => "degraded",
        }
        .to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        store: state.store.kind().name().to_owned(),
        store_reachable: reachable,
    };
    (status, Json(health))
}

/// The staff member the token belongs to.
#[utoipa::path(get, path = "/v1/me", tag = "meta", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::history::api::ErrorBody)))]
async fn me(Caller(staff): Caller) -> Json<Me> {
    Json(Me { id: staff.id, name: staff.name, role: staff.role, site: staff.site })
}

/// The departments and authorities events may name.
#[utoipa::path(get, path = "/v1/authorities", tag = "meta", security(("bearer" = [])),
    responses((status = 200, body = AuthorityList), (status = 401, body = crate::history::api::ErrorBody)))]
async fn authorities(State(state): State<AppState>, _caller: Caller) -> Json<AuthorityList> {
    Json(AuthorityList { authorities: state.authorities.all().into_iter().cloned().collect() })
}
