//! The cross-channel timeline and the ingest of contacts from channel systems.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::audit::record;
use super::citizens::check_readable;
use super::error::{ApiError, ApiResult};
use super::extract::{AppJson, AppPath, AppQuery, Caller, ReadPurpose, query_bound};
use crate::domain::{Capability, Channel};
use crate::history::api::ErrorCode;
use crate::history::api::{
    AuditAction, DEFAULT_PAGE, ErrorBody, EventInput, EventPage, EventQueued, EventWrite, MAX_PAGE, TimelineParams,
};
use crate::history::ingest::{self, Ingested};
use crate::history::store::{Cursor, TimelineQuery};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(post_event)).routes(routes!(timeline))
}

/// Report a contact from a channel system. Idempotent on `(source, source_id)`: the same contact again answers
/// 200 with its id, a different contact under the same key 409. No answer carries anything stored.
///
/// A valid CPR number, phone or e-mail that belongs to no citizen, or to several (a shared phone), is not guessed:
/// the contact waits in the unmatched queue for a supervisor (202). An `id` that names no citizen is refused (422).
#[utoipa::path(
    post, path = "/v1/events", tag = "events", request_body = EventInput, security(("bearer" = [])),
    responses(
        (status = 201, body = EventWrite, description = "stored"),
        (status = 200, body = EventWrite, description = "the same contact was already stored; nothing changed"),
        (status = 202, body = EventQueued,
            description = "no single citizen matches: queued for a supervisor (`GET /v1/unmatched`)"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "a different contact is stored under this source and source_id"),
        (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "invalid field, or an `id` that names no citizen"),
    )
)]
async fn post_event(State(state): State<AppState>, caller: Caller, request: Request) -> ApiResult<Response> {
    caller.require(Capability::WriteEvents)?;
    let input: EventInput = AppJson::read(request).await?;
    Ok(match ingest::ingest_event(&state.store, &input, &state.authorities, state.now()).await? {
        Ingested::Stored { id, created: true } => (StatusCode::CREATED, Json(EventWrite { id, created: true })),
        Ingested::Stored { id, created: false } => (StatusCode::OK, Json(EventWrite { id, created: false })),
        Ingested::Queued(queued) => return Ok((StatusCode::ACCEPTED, Json(queued)).into_response()),
    }
    .into_response())
}

/// Each word of a timeline search is a LIKE over the citizen's events; a handful is plenty.
const MAX_TEXT_QUERY: usize = 200;
const MAX_TEXT_WORDS: usize = 8;
/// The most values one list filter (`channel`, `authority`, `kle`) takes: each is a bound parameter, and SQLite
/// caps those per statement. Far more than any real filter.
pub const MAX_LIST_VALUES: usize = 50;

fn timeline_query(params: &TimelineParams) -> ApiResult<TimelineQuery> {
    let list = |field: &str, text: &Option<String>| -> ApiResult<Vec<String>> {
        let values: Vec<String> = text
            .iter()
            .flat_map(|t| t.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if values.len() > MAX_LIST_VALUES {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidQuery,
                format!("{field}: at most {MAX_LIST_VALUES} values"),
            ));
        }
        Ok(values)
    };
    let channels = list("channel", &params.channel)?
        .iter()
        .map(|code| {
            Channel::from_code(code).ok_or_else(|| {
                ApiError::bad_request(ErrorCode::InvalidQuery, "channel: unknown channel code; see the API document")
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    if let Some(q) = &params.q
        && (q.chars().count() > MAX_TEXT_QUERY || q.split_whitespace().count() > MAX_TEXT_WORDS)
    {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("q: at most {MAX_TEXT_QUERY} characters and {MAX_TEXT_WORDS} words"),
        ));
    }
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(ErrorCode::InvalidQuery, format!("limit: must be between 1 and {MAX_PAGE}")));
    }
    let cursor = params
        .cursor
        .as_deref()
        .map(|c| {
            Cursor::decode(c)
                .ok_or_else(|| ApiError::bad_request(ErrorCode::InvalidCursor, "cursor: pass next_cursor unchanged"))
        })
        .transpose()?;
    Ok(TimelineQuery {
        channels,
        authorities: list("authority", &params.authority)?,
        from: query_bound("from", params.from.as_deref(), false)?,
        to: query_bound("to", params.to.as_deref(), true)?,
        words: params.q.iter().flat_map(|q| q.split_whitespace()).map(str::to_owned).collect(),
        kle: kle_prefixes(&list("kle", &params.kle)?)?,
        cursor,
        limit,
    })
}

/// Checks KLE filters: a main group (`23`), a group (`23.05`) or a topic (`23.05.10`).
fn kle_prefixes(values: &[String]) -> ApiResult<Vec<String>> {
    let valid = |value: &str| {
        let parts: Vec<&str> = value.split('.').collect();
        parts.len() <= 3 && parts.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    match values.iter().find(|v| !valid(v)) {
        Some(_) => {
            Err(ApiError::bad_request(ErrorCode::InvalidQuery, "kle: use KLE numbers such as 23, 23.05 or 23.05.10"))
        }
        None => Ok(values.to_vec()),
    }
}

/// One page of the citizen's cross-channel timeline, newest first.
#[utoipa::path(
    get, path = "/v1/citizens/{id}/events", tag = "events",
    params(("id" = Uuid, Path), TimelineParams, ("X-Purpose" = String, Header, description = "why you read this")),
    security(("bearer" = [])),
    responses((status = 200, body = EventPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody, description = "merged into another record, named in the message"))
)]
async fn timeline(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<TimelineParams>,
) -> ApiResult<Json<EventPage>> {
    caller.require(Capability::ReadCitizens)?;
    let query = timeline_query(&params)?;
    check_readable(&state, &caller, id).await?;
    // The page is read while the audit row commits, and leaves only once it has: a read that cannot be audited
    // still sends nothing.
    let (audited, page) = tokio::join!(
        record(&state, &caller, AuditAction::ReadTimeline, purpose, None, vec![id]),
        state.store.timeline(id, &query)
    );
    audited?;
    let (events, next) = page?;
    Ok(Json(EventPage { events, next_cursor: next.map(|c| c.encode()) }))
}
