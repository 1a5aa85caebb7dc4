//! Finding citizens, their profile, the audited full CPR number, registry writes and the access-request export.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::audit::record;
use super::error::{ApiError, ApiResult};
use super::extract::{AppJson, AppPath, AppQuery, Caller, ReadPurpose};
use crate::domain::citizen::{MIN_NAME_WORD, mask_phone, name_query_is_narrow, normalise_phone};
use crate::domain::{Capability, Citizen, CitizenId, CprKind};
use crate::history::api::ErrorCode;
use crate::history::api::{
    AuditAction, CitizenExport, CitizenInput, CitizenMatches, CitizenProfile, CitizenSearch, CitizenSummary,
    CitizenWrite, ErrorBody, RevealedCpr,
};
use crate::history::ingest;
use crate::history::store::{CitizenLookup, RecordWriter, SessionFilter, UpsertOutcome};

/// The most citizens one search returns; more means the search should be narrowed (`truncated`).
const MAX_MATCHES: u32 = 50;
/// A name search is a few words; anything longer is not a person's name and only costs the database.
const MAX_NAME_QUERY: usize = 100;
const MAX_WORDS: usize = 6;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_citizens, put_citizen))
        .routes(routes!(citizen_profile))
        .routes(routes!(reveal_cpr))
        .routes(routes!(export_citizen))
}

/// Loads a citizen the caller may read. Trainers get 404 for real citizens: to them, real records do not exist.
/// A record merged into another gets 410 naming the record it went to, so a stale tab or link finds its way.
/// [`readable_citizen`] without loading the record, for reads that need only the answer.
pub(super) async fn check_readable(state: &AppState, caller: &Caller, id: CitizenId) -> ApiResult<()> {
    match state.store.live_citizen_fictitious(id).await? {
        Some(fictitious) if fictitious || !caller.0.role.fictitious_only() => Ok(()),
        // Refusals, merged records and unknown ids take the full path, so they answer exactly as it does.
        _ => readable_citizen(state, caller, id).await.map(drop),
    }
}

pub(super) async fn readable_citizen(state: &AppState, caller: &Caller, id: CitizenId) -> ApiResult<Citizen> {
    let visible = |fictitious: bool| fictitious || !caller.0.role.fictitious_only();
    if let Some(citizen) = state.store.citizen(id).await? {
        return if visible(citizen.fictitious) { Ok(citizen) } else { Err(ApiError::not_found("citizen")) };
    }
    match state.store.merged_into(id).await? {
        Some((target, fictitious)) if visible(fictitious) => Err(ApiError::new(
            StatusCode::GONE,
            ErrorCode::CitizenMerged,
            format!("this record was merged into citizen {target}; use that record"),
        )),
        _ => Err(ApiError::not_found("citizen")),
    }
}

fn summary(citizen: &Citizen, today: chrono::NaiveDate) -> CitizenSummary {
    CitizenSummary {
        id: citizen.id,
        name: citizen.name.clone(),
        masked_cpr: citizen.cpr.masked(),
        age: citizen.cpr.age_on(today),
        district: citizen.district.clone(),
        fictitious: citizen.fictitious,
    }
}

/// Find citizens by CPR number (current or earlier), phone number or name. Give exactly one of the three.
#[utoipa::path(
    get, path = "/v1/citizens", tag = "citizens",
    params(CitizenSearch, ("X-Purpose" = String, Header, description = "why you look the citizen up")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = CitizenMatches),
        (status = 400, body = ErrorBody, description = "missing purpose, or not exactly one criterion"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "invalid CPR or phone number, with the reason"),
    )
)]
async fn search_citizens(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppQuery(search): AppQuery<CitizenSearch>,
) -> ApiResult<Json<CitizenMatches>> {
    caller.require(Capability::ReadCitizens)?;
    let fictitious_only = caller.0.role.fictitious_only();
    let store = &state.store;
    let (criterion, mut found) = match (&search.cpr, &search.phone, &search.q) {
        (Some(cpr), None, None) => {
            let cpr = ingest::cpr("cpr", cpr)?;
            let found = store.find_citizens(&CitizenLookup::Cpr(cpr), fictitious_only, MAX_MATCHES + 1).await?;
            (format!("cpr:{}", cpr.masked()), found)
        }
        (None, Some(phone), None) => {
            let phone = normalise_phone(phone).ok_or_else(|| {
                ApiError::unprocessable(
                    ErrorCode::InvalidPhone,
                    "phone: not a phone number (8 digits, or + and country code)",
                )
            })?;
            let found =
                store.find_citizens(&CitizenLookup::Phone(phone.clone()), fictitious_only, MAX_MATCHES + 1).await?;
            (format!("phone:{}", mask_phone(&phone)), found)
        }
        (None, None, Some(q)) if q.chars().count() > MAX_NAME_QUERY || q.split_whitespace().count() > MAX_WORDS => {
            return Err(ApiError::unprocessable(
                ErrorCode::QueryTooLong,
                format!("q: at most {MAX_NAME_QUERY} characters and {MAX_WORDS} words"),
            ));
        }
        (None, None, Some(q)) if name_query_is_narrow(q) => {
            let found = store.search_citizens_by_name(q, fictitious_only, MAX_MATCHES + 1).await?;
            (format!("name:{}", q.trim()), found)
        }
        (None, None, Some(_)) => {
            return Err(ApiError::unprocessable(
                ErrorCode::QueryTooShort,
                format!("q: give at least one word of {MIN_NAME_WORD} letters or more"),
            ));
        }
        _ => return Err(ApiError::bad_request(ErrorCode::InvalidQuery, "give exactly one of cpr, phone or q")),
    };
    let truncated = found.len() > MAX_MATCHES as usize;
    found.truncate(MAX_MATCHES as usize);
    let ids = found.iter().map(|c| c.id).collect();
    record(&state, &caller, AuditAction::Search, purpose, Some(criterion), ids).await?;
    let today = state.now().date_naive();
    Ok(Json(CitizenMatches { citizens: found.iter().map(|c| summary(c, today)).collect(), truncated }))
}

/// Create or update a citizen from a registry feed; matched on the CPR number (current or earlier).
#[utoipa::path(
    put, path = "/v1/citizens", tag = "citizens", request_body = CitizenInput, security(("bearer" = [])),
    responses(
        (status = 201, body = CitizenWrite, description = "created"),
        (status = 200, body = CitizenWrite, description = "updated, or already identical"),
        (status = 400, body = ErrorBody, description = "malformed JSON"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody,
            description = "the numbers belong to more than one citizen, or `fictitious` differs from the stored record"),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
    )
)]
async fn put_citizen(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> ApiResult<(StatusCode, Json<CitizenWrite>)> {
    caller.require(Capability::WriteCitizens)?;
    let input: CitizenInput = AppJson::read(request).await?;
    let writer = RecordWriter::Registry { fictitious: input.fictitious };
    let update = ingest::citizen(input)?;
    match state.store.upsert_citizen(&update, Uuid::new_v4(), writer, state.now()).await? {
        UpsertOutcome::Created(id) => Ok((StatusCode::CREATED, Json(CitizenWrite { id, created: true }))),
        UpsertOutcome::Updated(id) | UpsertOutcome::Unchanged(id) => {
            Ok((StatusCode::OK, Json(CitizenWrite { id, created: false })))
        }
        UpsertOutcome::IdentityConflict => Err(ApiError::conflict(
            ErrorCode::IdentityConflict,
            "the CPR numbers given belong to more than one citizen; merge the records first",
        )),
        UpsertOutcome::FictitiousConflict | UpsertOutcome::RealRecord => Err(ApiError::conflict(
            ErrorCode::FictitiousConflict,
            "fictitious: a registry write may not change whether a record is fictitious; an administrator does \
             that with `medbetjening citizen set-fictitious`",
        )),
    }
}

/// The citizen card: profile with masked CPR number and open cases.
#[utoipa::path(
    get, path = "/v1/citizens/{id}", tag = "citizens",
    params(("id" = Uuid, Path), ("X-Purpose" = String, Header, description = "why you read this")),
    security(("bearer" = [])),
    responses((status = 200, body = CitizenProfile), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody, description = "merged into another record, named in the message"))
)]
async fn citizen_profile(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<Json<CitizenProfile>> {
    caller.require(Capability::ReadCitizens)?;
    let citizen = readable_citizen(&state, &caller, id).await?;
    let open_cases = state.store.cases(id, true).await?;
    let readiness_history = state.store.readiness_history(id).await?;
    record(&state, &caller, AuditAction::ReadProfile, purpose, None, vec![id]).await?;
    let cpr = citizen.cpr;
    Ok(Json(CitizenProfile {
        id,
        name: citizen.name,
        masked_cpr: cpr.masked(),
        birth_date: cpr.birth_date(),
        age: cpr.age_on(state.now().date_naive()),
        gender: cpr.gender(),
        replacement_number: cpr.kind() == CprKind::Replacement,
        cpr_warnings: cpr.warnings(),
        preferred_language: citizen.preferred_language,
        district: citizen.district,
        phones: citizen.phones,
        emails: citizen.emails,
        digital_post: citizen.digital_post,
        mitid: citizen.mitid,
        digital_readiness: readiness_history.first().map_or(citizen.digital_readiness, |a| a.readiness),
        readiness_history,
        powers_of_attorney: citizen.powers_of_attorney,
        fictitious: citizen.fictitious,
        open_cases,
    }))
}

/// The full CPR number. A deliberate act, audited on its own.
#[utoipa::path(
    get, path = "/v1/citizens/{id}/cpr", tag = "citizens",
    params(("id" = Uuid, Path), ("X-Purpose" = String, Header, description = "why you need the full number")),
    security(("bearer" = [])),
    responses((status = 200, body = RevealedCpr), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody, description = "merged into another record"))
)]
async fn reveal_cpr(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<Json<RevealedCpr>> {
    caller.require(Capability::ReadCitizens)?;
    let citizen = readable_citizen(&state, &caller, id).await?;
    record(&state, &caller, AuditAction::RevealCpr, purpose, None, vec![id]).await?;
    Ok(Json(RevealedCpr { cpr: citizen.cpr.reveal() }))
}

/// Everything held about the citizen, including when and why their data was used (GDPR art. 15).
#[utoipa::path(
    get, path = "/v1/citizens/{id}/export", tag = "citizens",
    params(("id" = Uuid, Path), ("X-Purpose" = String, Header, description = "normally access_request")),
    security(("bearer" = [])),
    responses((status = 200, body = CitizenExport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody, description = "merged into another record: export that one"))
)]
async fn export_citizen(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<Json<CitizenExport>> {
    caller.require(Capability::Export)?;
    let citizen = readable_citizen(&state, &caller, id).await?;
    record(&state, &caller, AuditAction::Export, purpose, None, vec![id]).await?;
    let store = &state.store;
    let filter = SessionFilter { citizen: Some(id), limit: u32::MAX, ..SessionFilter::default() };
    Ok(Json(CitizenExport {
        exported_at: state.now(),
        citizen,
        cases: store.cases(id, false).await?,
        events: store.all_events(id).await?,
        sessions: store.sessions(&filter).await?,
        lookups: store.lookups_of(id).await?,
    }))
}
