//! Watching for misuse: every read of citizen data the service refuses is recorded (someone guessing ids or
//! trying what their role may not), and `GET /v1/audit/alerts` lists for supervisors what looks like misuse —
//! unusually many lookups in an hour, citizens opened by front-line staff on a day they had no contact, and
//! bursts of refused reads.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Duration, DurationRound, Utc};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::audit::record;
use super::error::{ApiError, ApiResult, ErrorTrace};
use super::extract::{AppQuery, Caller, ReadPurpose, query_bound};
use crate::domain::{Capability, CitizenId, Purpose, Role, Staff, StaffId};
use crate::history::api::ErrorCode;
use crate::history::api::{
    AlertParams, Alerts, AuditAction, BusyHour, ErrorBody, LookupWithoutContact, ProbingHour, Refusal,
};
use crate::history::store::LookupRow;

/// The longest period one alert list covers.
const MAX_DAYS: i64 = 31;
const DEFAULT_LOOKUPS_PER_HOUR: u32 = 60;
const DEFAULT_REFUSALS_PER_HOUR: u32 = 10;
/// Audit rows (one per subject) and refusals one answer reads at most.
const MAX_ROWS: u32 = 200_000;
const MAX_REFUSALS_LISTED: u32 = 1_000;
/// What counts as looking a citizen up.
const LOOKUP_ACTIONS: [&str; 4] = ["search", "read_profile", "read_timeline", "reveal_cpr"];
/// What counts as opening a citizen, for the contact check.
const OPENING_ACTIONS: [&str; 2] = ["read_profile", "reveal_cpr"];

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(alerts))
}

/// Who the request's token belonged to, filled in by [`Caller`] once it is authenticated.
#[derive(Clone, Default)]
pub struct CallerSlot(Arc<OnceLock<StaffId>>);

impl CallerSlot {
    /// Notes the authenticated caller.
    pub fn set(&self, staff: StaffId) {
        self.0.set(staff).ok();
    }

    /// The authenticated caller, once there is one.
    #[must_use]
    pub fn get(&self) -> Option<StaffId> {
        self.0.get().copied()
    }
}

/// Whether a refused request was a read of citizen data.
fn citizen_read(method: &Method, route: &str) -> bool {
    method == Method::GET
        && ["/v1/citizens", "/v1/sessions", "/v1/audit", "/v1/unmatched"].iter().any(|p| route.starts_with(p))
}

/// Records a refused read of citizen data by an authenticated caller. Recording is best effort: a refusal still
/// answers when the record cannot be written, and the failure is logged.
pub(super) async fn record_refusals(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let method = request.method().clone();
    // The request log (outermost) puts the slot in; a router used without it records nothing.
    let slot = request.extensions().get::<CallerSlot>().cloned().unwrap_or_default();
    let response = next.run(request).await;
    let status = response.status();
    let refused = [
        StatusCode::BAD_REQUEST,
        StatusCode::FORBIDDEN,
        StatusCode::NOT_FOUND,
        StatusCode::GONE,
        StatusCode::UNPROCESSABLE_ENTITY,
    ]
    .contains(&status);
    if let (true, Some(route), Some(staff)) = (refused, route, slot.get())
        && citizen_read(&method, &route)
    {
        let code = response.extensions().get::<ErrorTrace>().map_or("", |t| t.code.as_str());
        let written =
            state.store.record_refusal(staff, method.as_str(), &route, status.as_u16(), code, state.now()).await;
        if let Err(error) = written {
            tracing::warn!(%error, route, "recording a refused read failed");
        }
    }
    response
}

/// What in a period looks like misuse of citizen data: hours in which one staff member looked up more citizens
/// than the threshold, citizens opened by counter or phone staff on a day the citizen had no contact on any
/// channel and no session with them (days in UTC), and hours with many refused reads. Supervisors; audited with
/// the citizens it names.
#[utoipa::path(
    get, path = "/v1/audit/alerts", tag = "audit",
    params(AlertParams, ("X-Purpose" = String, Header, description = "why you read this, normally supervision")),
    security(("bearer" = [])),
    responses((status = 200, body = Alerts), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody))
)]
async fn alerts(
    State(state): State<AppState>,
    caller: Caller,
    ReadPurpose(purpose): ReadPurpose,
    AppQuery(params): AppQuery<AlertParams>,
) -> ApiResult<Json<Alerts>> {
    caller.require(Capability::ReadAudit)?;
    let to = query_bound("to", params.to.as_deref(), true)?.unwrap_or_else(|| state.now());
    let from = query_bound("from", params.from.as_deref(), false)?.unwrap_or(to - Duration::days(1));
    if from >= to || to - from > Duration::days(MAX_DAYS) {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("from, to: a period of at most {MAX_DAYS} days, from before to"),
        ));
    }
    let lookups_per_hour = threshold("lookups_per_hour", params.lookups_per_hour, DEFAULT_LOOKUPS_PER_HOUR)?;
    let refusals_per_hour = threshold("refusals_per_hour", params.refusals_per_hour, DEFAULT_REFUSALS_PER_HOUR)?;
    let staff: HashMap<StaffId, Staff> = state.store.all_staff().await?.into_iter().map(|s| (s.id, s)).collect();
    let name = |id: StaffId| staff.get(&id).map_or_else(String::new, |s| s.name.clone());

    let rows = state.store.lookups(from, to, &LOOKUP_ACTIONS, MAX_ROWS).await?;
    let refusals = state.store.refusals(from, to, MAX_ROWS).await?;
    let truncated = rows.len() >= MAX_ROWS as usize || refusals.len() >= MAX_ROWS as usize;
    let busy_hours = busy_hours(&rows, lookups_per_hour, &name);
    let without_contact = without_contact(&state, &rows, &staff, (from, to)).await?;
    let probing = probing(&refusals, refusals_per_hour, &name);

    let subjects: BTreeSet<CitizenId> = without_contact.iter().map(|l| l.citizen_id).collect();
    let criterion = Some("alerts".to_owned());
    record(&state, &caller, AuditAction::ReadAudit, purpose, criterion, subjects.into_iter().collect()).await?;
    let refusals = refusals.into_iter().take(MAX_REFUSALS_LISTED as usize).collect();
    Ok(Json(Alerts { from, to, busy_hours, without_contact, probing, refusals, truncated }))
}

fn threshold(field: &str, given: Option<u32>, default: u32) -> ApiResult<u32> {
    match given {
        None => Ok(default),
        Some(value) if (1..=100_000).contains(&value) => Ok(value),
        Some(_) => Err(ApiError::bad_request(ErrorCode::InvalidQuery, format!("{field}: between 1 and 100000"))),
    }
}

fn hour_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::hours(1)).unwrap_or(at)
}

/// Hours in which one staff member made more lookups (audit rows, not subjects) than `threshold`.
fn busy_hours(rows: &[LookupRow], threshold: u32, name: &dyn Fn(StaffId) -> String) -> Vec<BusyHour> {
    let mut seen = BTreeSet::new();
    let mut counts: BTreeMap<(StaffId, DateTime<Utc>), u32> = BTreeMap::new();
    for row in rows.iter().filter(|row| seen.insert(row.audit_id.as_str())) {
        *counts.entry((row.staff_id, hour_of(row.at))).or_default() += 1;
    }
    let mut busy: Vec<BusyHour> = counts
        .into_iter()
        .filter(|(_, lookups)| *lookups > threshold)
        .map(|((staff_id, hour), lookups)| BusyHour { staff_id, staff_name: name(staff_id), hour, lookups })
        .collect();
    busy.sort_by(|a, b| b.lookups.cmp(&a.lookups).then(a.hour.cmp(&b.hour)));
    busy
}

/// Citizens opened by counter or phone staff (outside training) on a day with no contact and no session.
async fn without_contact(
    state: &AppState,
    rows: &[LookupRow],
    staff: &HashMap<StaffId, Staff>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> ApiResult<Vec<LookupWithoutContact>> {
    let front_line = |id: &StaffId| staff.get(id).is_some_and(|s| matches!(s.role, Role::Counter | Role::Phone));
    let opened: Vec<(&LookupRow, CitizenId)> = rows
        .iter()
        .filter(|row| OPENING_ACTIONS.contains(&row.action.as_str()) && row.purpose != Purpose::Training.code())
        .filter(|row| front_line(&row.staff_id))
        .filter_map(|row| row.citizen.map(|citizen| (row, citizen)))
        .collect();
    if opened.is_empty() {
        return Ok(Vec::new());
    }
    // Whole days, so a contact earlier on the day of the first lookup counts.
    let day_start = |at: DateTime<Utc>| at.duration_trunc(Duration::days(1)).unwrap_or(at);
    let (first, last) = (day_start(from), day_start(to) + Duration::days(1));
    let citizens: Vec<CitizenId> = opened.iter().map(|(_, c)| *c).collect::<BTreeSet<_>>().into_iter().collect();
    let contacts = state.store.contact_days(&citizens, first, last).await?;
    let sessions = state.store.session_days(first, last).await?;
    let mut reported = BTreeSet::new();
    let mut found = Vec::new();
    for (row, citizen) in opened {
        let day = row.at.date_naive();
        let known = contacts.contains(&(citizen, day)) || sessions.contains(&(row.staff_id, citizen, day));
        // One line per staff member, citizen and day is enough to ask about.
        if known || !reported.insert((row.staff_id, citizen, day)) {
            continue;
        }
        let (Some(action), Some(purpose)) = (AuditAction::from_code(&row.action), Purpose::from_code(&row.purpose))
        else {
            continue;
        };
        let staff_name = staff.get(&row.staff_id).map_or_else(String::new, |s| s.name.clone());
        found.push(LookupWithoutContact {
            staff_id: row.staff_id,
            staff_name,
            at: row.at,
            action,
            purpose,
            citizen_id: citizen,
        });
    }
    Ok(found)
}

/// Hours in which one staff member had at least `threshold` reads refused.
fn probing(refusals: &[Refusal], threshold: u32, name: &dyn Fn(StaffId) -> String) -> Vec<ProbingHour> {
    let mut counts: BTreeMap<(StaffId, DateTime<Utc>), u32> = BTreeMap::new();
    for refusal in refusals {
        *counts.entry((refusal.staff_id, hour_of(refusal.at))).or_default() += 1;
    }
    counts
        .into_iter()
        .filter(|(_, refused)| *refused >= threshold)
        .map(|((staff_id, hour), refused)| ProbingHour { staff_id, staff_name: name(staff_id), hour, refused })
        .collect()
}
