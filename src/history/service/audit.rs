//! `GET /v1/audit`, and the helper every reading handler uses to write its audit row first.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{AppQuery, Caller, ReadPurpose, query_bound};
use crate::domain::{Capability, CitizenId, Purpose};
use crate::history::api::{AuditAction, AuditList, AuditParams};
use crate::history::store::{AuditFilter, NewAudit};

const AUDIT_PAGE: u32 = 1_000;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

/// Writes the audit row for a read before the data leaves the service; if it cannot be written, nothing leaves.
pub(super) async fn record(
    state: &AppState,
    caller: &Caller,
    action: AuditAction,
    purpose: Purpose,
    criterion: Option<String>,
    citizen_ids: Vec<CitizenId>,
) -> ApiResult<()> {
    let entry = NewAudit { staff_id: caller.0.id, action, purpose, criterion, citizen_ids };
    state.audit.record(&state.store, entry, state.now()).await.map_err(ApiError::internal)
}

/// Who read which citizen's data, when and why (supervisors).
#[utoipa::path(
    get, path = "/v1/audit", tag = "audit",
    params(AuditParams, ("X-Purpose" = String, Header, description = "why you read this")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = AuditList),
        (status = 400, body = crate::history::api::ErrorBody, description = "missing purpose or bad query"),
        (status = 401, body = crate::history::api::ErrorBody), (status = 403, body = crate::history::api::ErrorBody),
    )
)]
async fn list_audit(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppQuery(params): AppQuery<AuditParams>,
) -> ApiResult<Json<AuditList>> {
    caller.require(Capability::ReadAudit)?;
    let filter = AuditFilter {
        citizen: params.citizen,
        staff: params.staff,
        from: query_bound("from", params.from.as_deref(), false)?,
        to: query_bound("to", params.to.as_deref(), true)?,
        limit: AUDIT_PAGE,
    };
    // Reading the audit trail about citizens is itself a use of their data: every citizen the answer names is a
    // subject, so each one's access-request export shows that their trail was read.
    let entries = state.store.audit_entries(&filter).await?;
    let subjects: std::collections::BTreeSet<CitizenId> =
        entries.iter().flat_map(|e| e.citizen_ids.iter().copied()).chain(params.citizen).collect();
    record(&state, &caller, AuditAction::ReadAudit, purpose, None, subjects.into_iter().collect()).await?;
    Ok(Json(AuditList { entries }))
}
