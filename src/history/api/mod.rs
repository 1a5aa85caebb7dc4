//! Wire types of the contact-history API v1, shared by the service and the client so they cannot drift.
//!
//! Inputs deny unknown fields: a misspelt field in a registry feed must fail loudly, not drop data.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::{
    AssistedSession, Authority, Case, CaseStatus, Channel, ContactEvent, ContactKind, CprWarning, DigitalPostStatus,
    DigitalReadiness, Direction, FailureReason, Field, Gender, GroupPart, GuideRun, Language, MitidStatus, NextStep,
    Outcome, PowerOfAttorney, Role,
};

mod admin;
mod alerts;
mod audit;
mod error;
mod identity;
pub mod insights;
pub use admin::{GuideStats, StaffInput, StaffList, StaffToken, Stats, StatsParams};
pub use alerts::{AlertParams, Alerts, BusyHour, LookupWithoutContact, ProbingHour, Refusal};
pub use audit::{AuditAction, AuditEntry, AuditList, AuditParams, CitizenExport, LookupRecord};
pub use error::ErrorCode;
pub use identity::{
    EventOutcome, EventQueued, LinkInput, MergeCounts, MergeInput, MergeUndo, MergeWrite, RevealedIdentifier,
    UnmatchedEvent, UnmatchedList, UnmatchedReason,
};

/// The `source` of timeline rows that come from logged assisted sessions; no channel system may send it.
pub const SESSION_SOURCE: &str = "medbetjening";

/// The logged session a timeline row comes from, if it does: the row's `source_id` is the session's id, or
/// `<session id>/<citizen id>` for a group session's row.
#[must_use]
pub fn session_of(event: &ContactEvent) -> Option<Uuid> {
    if event.source != SESSION_SOURCE {
        return None;
    }
    event.source_id.split('/').next()?.parse().ok()
}

/// The header that carries the purpose of a read.
pub const PURPOSE_HEADER: &str = "x-purpose";

/// The largest request body the service accepts, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The most timeline events one page may hold.
pub const MAX_PAGE: u32 = 500;

/// The timeline page size when none is asked for.
pub const DEFAULT_PAGE: u32 = 50;

/// Every error response: `{"error":{"code","message"}}`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A machine-readable code and a sentence for people.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
}

/// `GET /health`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok` when the store answers, `degraded` when it does not, `draining` while the instance stops.
    pub status: String,
    pub version: String,
    /// `sqlite` or `postgres`.
    pub store: String,
    pub store_reachable: bool,
}

/// A citizen record from a registry feed (`PUT /v1/citizens`); matched on CPR number, current or earlier.
///
/// An update is partial: a field left out keeps what is stored, `null` clears it (an empty list, the status
/// `unknown`), a value replaces it. `cpr` and `name` are always given.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenInput {
    /// `DDMMYY-SSSS`, dash optional.
    pub cpr: String,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    #[schema(value_type = Option<Vec<String>>)]
    pub earlier_cprs: Field<Vec<String>>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    #[schema(value_type = Option<Vec<String>>)]
    pub phones: Field<Vec<String>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    #[schema(value_type = Option<Vec<String>>)]
    pub emails: Field<Vec<String>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    #[schema(value_type = Option<Language>)]
    pub preferred_language: Field<Language>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    #[schema(value_type = Option<String>)]
    pub district: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    #[schema(value_type = Option<DigitalPostStatus>)]
    pub digital_post: Field<DigitalPostStatus>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    #[schema(value_type = Option<MitidStatus>)]
    pub mitid: Field<MitidStatus>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    #[schema(value_type = Option<DigitalReadiness>)]
    pub digital_readiness: Field<DigitalReadiness>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    #[schema(value_type = Option<Vec<PowerOfAttorney>>)]
    pub powers_of_attorney: Field<Vec<PowerOfAttorney>>,
    /// Whether the record is a fictitious (demo or training) person. Omitted: a new record is real and an
    /// existing one keeps its flag. A value that would change an existing record's flag is refused (409): only an
    /// administrator's explicit command changes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fictitious: Option<bool>,
}

/// The answer to a citizen write.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CitizenWrite {
    pub id: Uuid,
    /// `false` when an existing record was updated (or already identical).
    pub created: bool,
}

/// Query of `GET /v1/citizens`: exactly one of `cpr`, `phone`, `q`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CitizenSearch {
    /// CPR number, with or without dash; matches current and earlier numbers.
    pub cpr: Option<String>,
    /// Phone number, with or without +45, spaces allowed.
    pub phone: Option<String>,
    /// Name, or part of it; every word must match.
    pub q: Option<String>,
}

/// One search hit: enough to pick the right person, no more.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CitizenSummary {
    pub id: Uuid,
    pub name: String,
    pub masked_cpr: String,
    pub age: u32,
    pub district: Option<String>,
    pub fictitious: bool,
}

/// `GET /v1/citizens` result.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CitizenMatches {
    pub citizens: Vec<CitizenSummary>,
    /// `true` when more matched than were returned; the search should be narrowed.
    pub truncated: bool,
}

/// `GET /v1/citizens/{id}`: the profile the citizen card shows. The CPR number is masked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CitizenProfile {
    pub id: Uuid,
    pub name: String,
    pub masked_cpr: String,
    pub birth_date: NaiveDate,
    pub age: u32,
    pub gender: Gender,
    /// The number is a replacement number (day + 60), not an ordinary CPR number.
    pub replacement_number: bool,
    pub cpr_warnings: Vec<CprWarning>,
    pub preferred_language: Language,
    pub district: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub digital_post: DigitalPostStatus,
    pub mitid: MitidStatus,
    /// The latest assessment: from the newest session that assessed it, else from the registry.
    pub digital_readiness: DigitalReadiness,
    /// Assessments made at the end of assisted sessions, newest first.
    pub readiness_history: Vec<ReadinessAssessment>,
    pub powers_of_attorney: Vec<PowerOfAttorney>,
    pub fictitious: bool,
    /// Cases whose latest status is open or waiting, across departments and authorities.
    pub open_cases: Vec<Case>,
}

/// How ready for digital self-service staff found the citizen at the end of a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReadinessAssessment {
    pub at: DateTime<Utc>,
    pub readiness: DigitalReadiness,
    pub session: Uuid,
}

/// `GET /v1/citizens/{id}/cpr`: the full number, after an audited request.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RevealedCpr {
    pub cpr: String,
}

/// How an event names its citizen: exactly one of these.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenRef {
    pub id: Option<Uuid>,
    pub cpr: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A contact reported by a channel system (`POST /v1/events`); idempotent on `(source, source_id)`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub source: String,
    pub source_id: String,
    pub citizen: CitizenRef,
    pub occurred_at: DateTime<Utc>,
    pub channel: Channel,
    #[serde(default = "inbound")]
    pub direction: Direction,
    /// An authority id from `GET /v1/authorities`.
    pub authority: String,
    /// A KLE number, e.g. `23.05.10`.
    #[serde(default)]
    pub kle: Option<String>,
    #[serde(default)]
    pub case_ref: Option<String>,
    #[serde(default = "resolved")]
    pub status: CaseStatus,
    pub summary: String,
    #[serde(default)]
    pub staff: Option<String>,
    #[serde(default)]
    pub abandoned: bool,
    /// The channel system's staff judged the contact unnecessary, and why (failure demand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_demand: Option<crate::domain::FailureReason>,
}

fn inbound() -> Direction {
    Direction::Inbound
}

fn resolved() -> CaseStatus {
    CaseStatus::Resolved
}

/// The answer to an event write: the event's id only. Nothing stored comes back, not even whose timeline it went
/// to, so a repeat under a guessed `(source, source_id)` reveals nothing.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EventWrite {
    pub id: Uuid,
    /// `false` when the same contact was already stored under `(source, source_id)`.
    pub created: bool,
}

/// The answer to a supervisor's link of a queued contact (audited): the event as stored in the chosen timeline.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LinkWrite {
    pub event: ContactEvent,
    /// `false` when the contact was already stored.
    pub created: bool,
}

/// Query of the timeline. Lists are comma-separated; dates are RFC 3339 or `YYYY-MM-DD` (UTC).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Channels to include, e.g. `phone,counter`.
    pub channel: Option<String>,
    /// Authority ids to include.
    pub authority: Option<String>,
    /// Earliest time, inclusive.
    pub from: Option<String>,
    /// Latest time: a timestamp is exclusive, a date includes that whole day.
    pub to: Option<String>,
    /// Words that must all appear in the summary, case reference or source.
    pub q: Option<String>,
    /// KLE numbers or prefixes, e.g. `23.05` for every topic of that group.
    pub kle: Option<String>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
}

/// A page of the timeline, newest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EventPage {
    pub events: Vec<ContactEvent>,
    /// Pass as `cursor` for the next, older page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// An assisted session from the console (`PUT /v1/sessions/{id}`). The staff member is the caller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// `null` for an anonymous citizen.
    #[serde(default)]
    pub citizen_id: Option<Uuid>,
    pub channel: Channel,
    /// An authority id from `GET /v1/authorities`: whom the help was given on behalf of.
    pub authority: String,
    pub site: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    #[serde(default)]
    pub kle: Option<String>,
    #[serde(default)]
    pub guides: Vec<GuideRun>,
    pub outcome: Outcome,
    pub contact_kind: ContactKind,
    pub summary: String,
    #[serde(default)]
    pub next_steps: Vec<NextStep>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub digital_readiness_after: Option<DigitalReadiness>,
    #[serde(default)]
    pub referral: Option<String>,
    /// Set when staff judged the contact unnecessary (failure demand), with why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_demand: Option<FailureReason>,
    /// KOMHEN's "could the citizen have done this online?", as staff judged it; absent when they did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub could_self_serve: Option<bool>,
    /// For a group session: how many took part and who agreed to be identified. `citizen_id` is then `null` and
    /// `channel` is `group_training`; each linked citizen gets the session in their timeline, audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupPart>,
}

impl SessionInput {
    /// Every citizen whose history the session goes into: its citizen, or a group's identified participants.
    #[must_use]
    pub fn citizens(&self) -> Vec<Uuid> {
        self.citizen_id.into_iter().chain(self.group.iter().flat_map(|g| g.linked.iter().copied())).collect()
    }
}

/// The answer to a session write.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionWrite {
    pub session: AssistedSession,
    /// `false` when the same session was already stored (a retry).
    pub created: bool,
}

/// Query of `PUT /v1/sessions/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SessionPutParams {
    /// `true` to replace the stored session with this corrected body (only by whoever logged it; the citizen and
    /// group cannot change). Its counts in the insights move with it.
    pub correct: Option<bool>,
}

/// Query of `GET /v1/sessions`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SessionParams {
    pub citizen: Option<Uuid>,
    pub staff: Option<Uuid>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `GET /v1/sessions` result, newest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionList {
    pub sessions: Vec<AssistedSession>,
}

/// `GET /v1/authorities`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AuthorityList {
    pub authorities: Vec<Authority>,
}

/// `GET /v1/me`: who the token belongs to.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub site: String,
}
