//! One person, many records (supervisors): the queue of contacts that named no single citizen, linking one to the
//! right citizen, and merging two records of the same person — undoably.
//!
//! Each call is audited before it changes or returns anything, like every read: a refusal found only inside the
//! store's transaction (a race with another supervisor) leaves an audit row for an attempt that changed nothing.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::audit::record;
use super::error::{ApiError, ApiResult};
use super::extract::{AppJson, AppPath, Caller, ReadPurpose};
use crate::domain::Capability;
use crate::history::api::ErrorCode;
use crate::history::api::{
    AuditAction, ErrorBody, LinkInput, LinkWrite, MergeInput, MergeUndo, MergeWrite, RevealedIdentifier,
    UnmatchedEvent, UnmatchedList,
};
use crate::history::ingest::{self, InputError};
use crate::history::store::{EventWriteOutcome, MergeCheck, MergeOutcome, MergeRefusal, UndoOutcome};

/// The most queued contacts one call returns.
const UNMATCHED_PAGE: u32 = 500;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_unmatched))
        .routes(routes!(reveal_identifier))
        .routes(routes!(link_unmatched))
        .routes(routes!(merge_citizens))
        .routes(routes!(undo_merge))
}

/// Contacts whose CPR number, phone or e-mail named no citizen, or several, oldest first (at most 500).
#[utoipa::path(
    get, path = "/v1/unmatched", tag = "identity",
    params(("X-Purpose" = String, Header, description = "why you read this, normally supervision")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = UnmatchedList), (status = 400, body = ErrorBody, description = "missing purpose"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    )
)]
async fn list_unmatched(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
) -> ApiResult<Json<UnmatchedList>> {
    caller.require(Capability::ResolveIdentity)?;
    let (events, truncated) = state.store.unmatched(UNMATCHED_PAGE).await?;
    let events: Vec<_> = events.into_iter().map(UnmatchedEvent::masked).collect();
    let candidates: BTreeSet<Uuid> = events.iter().flat_map(|e| e.candidates.iter().copied()).collect();
    let criterion = Some("unmatched queue".to_owned());
    record(&state, &caller, AuditAction::ReadUnmatched, purpose, criterion, candidates.into_iter().collect()).await?;
    Ok(Json(UnmatchedList { events, truncated }))
}

/// The CPR number, phone or e-mail a queued contact named, in full: a deliberate act, audited on its own with the
/// candidates as subjects.
#[utoipa::path(
    get, path = "/v1/unmatched/{id}/identifier", tag = "identity",
    params(("id" = Uuid, Path, description = "the queued contact"),
        ("X-Purpose" = String, Header, description = "why, normally supervision")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = RevealedIdentifier), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "no such queued contact"),
    )
)]
async fn reveal_identifier(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<Json<RevealedIdentifier>> {
    caller.require(Capability::ResolveIdentity)?;
    let queued = state.store.unmatched_event(id).await?.ok_or_else(|| ApiError::not_found("queued contact"))?;
    let value = queued.identifier().ok_or_else(|| ApiError::not_found("identifier"))?.to_owned();
    let criterion = Some(format!("unmatched:{id}"));
    record(&state, &caller, AuditAction::RevealIdentifier, purpose, criterion, queued.candidates.clone()).await?;
    Ok(Json(RevealedIdentifier { named_by: queued.named_by, value }))
}

/// Store a queued contact for the citizen it belongs to, through the ordinary ingest (its case is updated), and
/// take it off the queue. A merged record's id stores it for the record it was merged into.
#[utoipa::path(
    post, path = "/v1/unmatched/{id}/link", tag = "identity", request_body = LinkInput,
    params(("id" = Uuid, Path, description = "the queued contact"),
        ("X-Purpose" = String, Header, description = "why, normally supervision")),
    security(("bearer" = [])),
    responses(
        (status = 201, body = LinkWrite, description = "stored in the citizen's timeline"),
        (status = 200, body = LinkWrite, description = "the contact was already stored; taken off the queue"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody,
            description = "no such queued contact (or it was linked already), or no such citizen"),
        (status = 422, body = ErrorBody, description = "the contact no longer passes the checks"),
    )
)]
async fn link_unmatched(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppPath(id): AppPath<Uuid>,
    request: Request,
) -> ApiResult<(StatusCode, Json<LinkWrite>)> {
    caller.require(Capability::ResolveIdentity)?;
    let input: LinkInput = AppJson::read(request).await?;
    let queued = state.store.unmatched_event(id).await?.ok_or_else(|| ApiError::not_found("queued contact"))?;
    // The contact and the citizen are both named by id, and both must exist: an unknown one is not found.
    let citizen = state.store.live_citizen(input.citizen_id).await?.ok_or_else(|| ApiError::not_found("citizen"))?;
    let event = ingest::event(&queued.event, citizen.id, &state.authorities)?;
    let criterion = Some(format!("unmatched:{id}"));
    record(&state, &caller, AuditAction::LinkEvent, purpose, criterion, vec![citizen.id]).await?;
    let digest = ingest::input_digest(&queued.event);
    match state.store.link_unmatched(id, &event, &digest, state.now()).await? {
        Some(EventWriteOutcome::Created(event)) => Ok((StatusCode::CREATED, Json(LinkWrite { event, created: true }))),
        Some(EventWriteOutcome::Existing(event)) => Ok((StatusCode::OK, Json(LinkWrite { event, created: false }))),
        None => Err(ApiError::not_found("queued contact")),
    }
}

/// The answer to a merge that may not happen.
fn refused(check: MergeCheck) -> ApiError {
    match check {
        MergeCheck::IntoUnknown => ApiError::not_found("citizen"),
        MergeCheck::Refused(reasons) if reasons == [MergeRefusal::FromUnknown] => {
            InputError::UnknownCitizen("id").into()
        }
        MergeCheck::Refused(reasons) => ApiError::unprocessable(
            ErrorCode::MergeRefused,
            reasons.iter().map(|r| r.message()).collect::<Vec<_>>().join("; "),
        ),
        MergeCheck::Allowed => ApiError::internal("a merge was allowed and refused at once"),
    }
}

/// Merge the record `from` into `{id}`: its events, cases, sessions and identifiers move to `{id}`, and `from` is
/// kept but marked merged, so lookups no longer find it and reading it answers 410 naming `{id}`. Refused (422)
/// for a record into itself, an already merged record on either side, or a fictitious with a real record.
#[utoipa::path(
    post, path = "/v1/citizens/{id}/merge", tag = "identity", request_body = MergeInput,
    params(("id" = Uuid, Path, description = "the record that stays"),
        ("X-Purpose" = String, Header, description = "why, normally supervision")),
    security(("bearer" = [])),
    responses(
        (status = 201, body = MergeWrite, description = "merged; `merge_id` undoes it"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no citizen `{id}`"),
        (status = 422, body = ErrorBody,
            description = "`from` names no citizen, or the merge is refused, with every reason"),
    )
)]
async fn merge_citizens(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppPath(into): AppPath<Uuid>,
    request: Request,
) -> ApiResult<(StatusCode, Json<MergeWrite>)> {
    caller.require(Capability::ResolveIdentity)?;
    let input: MergeInput = AppJson::read(request).await?;
    let from = input.from;
    match state.store.check_merge(into, from).await? {
        MergeCheck::Allowed => {}
        check => return Err(refused(check)),
    }
    let merge_id = Uuid::now_v7();
    let criterion = Some(format!("merge:{merge_id}"));
    record(&state, &caller, AuditAction::MergeCitizens, purpose, criterion, vec![into, from]).await?;
    match state.store.merge_citizens(merge_id, into, from, caller.0.id, state.now()).await? {
        MergeOutcome::Merged(moved) => Ok((StatusCode::CREATED, Json(MergeWrite { merge_id, into, from, moved }))),
        MergeOutcome::NotAllowed(check) => Err(refused(check)),
    }
}

/// Undo a merge: exactly the events, sessions, cases and identifiers it moved go back, and `from` is a record of
/// its own again. Contacts that arrived for the merged person after the merge stay with `into`.
#[utoipa::path(
    post, path = "/v1/merges/{id}/undo", tag = "identity",
    params(("id" = Uuid, Path, description = "`merge_id` from the merge"),
        ("X-Purpose" = String, Header, description = "why, normally supervision")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = MergeUndo, description = "undone"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such merge"),
        (status = 409, body = ErrorBody,
            description = "already undone, or the record merged into has since been merged itself: undo that first"),
    )
)]
async fn undo_merge(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<Json<MergeUndo>> {
    caller.require(Capability::ResolveIdentity)?;
    let already = || ApiError::conflict(ErrorCode::AlreadyUndone, "this merge has already been undone");
    let later = || {
        ApiError::conflict(
            ErrorCode::MergeSuperseded,
            "the record merged into has since been merged into another; undo that merge first",
        )
    };
    let merge = state.store.merge_record(id).await?.ok_or_else(|| ApiError::not_found("merge"))?;
    if merge.undone_at.is_some() {
        return Err(already());
    }
    if merge.into_merged {
        return Err(later());
    }
    let criterion = Some(format!("merge:{id}"));
    record(&state, &caller, AuditAction::UndoMerge, purpose, criterion, vec![merge.into, merge.from]).await?;
    match state.store.undo_merge(id, caller.0.id, state.now()).await? {
        UndoOutcome::Undone(moved_back) => {
            Ok(Json(MergeUndo { merge_id: id, into: merge.into, from: merge.from, moved_back }))
        }
        UndoOutcome::Unknown => Err(ApiError::not_found("merge")),
        UndoOutcome::AlreadyUndone => Err(already()),
        UndoOutcome::IntoMerged => Err(later()),
    }
}
