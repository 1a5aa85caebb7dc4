//! Wire types of the supervisors' alert list: what in the audit trail and the refused reads looks like misuse.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::AuditAction;
use crate::domain::Purpose;

/// Query of `GET /v1/audit/alerts`. The period defaults to the last 24 hours and spans at most 31 days.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertParams {
    /// Start, inclusive (RFC 3339 or `YYYY-MM-DD`).
    pub from: Option<String>,
    /// End: a timestamp is exclusive, a date includes that whole day.
    pub to: Option<String>,
    /// Lookups by one staff member in one clock hour above which the hour is listed (default 60).
    #[param(minimum = 1, maximum = 100_000)]
    pub lookups_per_hour: Option<u32>,
    /// Refused reads by one staff member in one clock hour from which the hour is listed (default 10).
    #[param(minimum = 1, maximum = 100_000)]
    pub refusals_per_hour: Option<u32>,
}

/// One staff member's lookups in one clock hour, above the threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BusyHour {
    pub staff_id: Uuid,
    pub staff_name: String,
    /// The start of the hour (UTC).
    pub hour: DateTime<Utc>,
    pub lookups: u32,
}

/// A citizen opened by front-line staff on a day the citizen had no contact on any channel and no session with
/// that staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LookupWithoutContact {
    pub staff_id: Uuid,
    pub staff_name: String,
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    pub purpose: Purpose,
    pub citizen_id: Uuid,
}

/// One staff member's refused reads in one clock hour, at or above the threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProbingHour {
    pub staff_id: Uuid,
    pub staff_name: String,
    pub hour: DateTime<Utc>,
    pub refused: u32,
}

/// A read of citizen data the service refused (400, 403, 404, 410, 422): the route template and the answer only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Refusal {
    pub at: DateTime<Utc>,
    pub staff_id: Uuid,
    pub staff_name: String,
    pub method: String,
    pub route: String,
    pub status: u16,
    pub code: String,
}

/// `GET /v1/audit/alerts`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Alerts {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub busy_hours: Vec<BusyHour>,
    pub without_contact: Vec<LookupWithoutContact>,
    pub probing: Vec<ProbingHour>,
    /// Every refused read in the period, oldest first (at most 1,000).
    pub refusals: Vec<Refusal>,
    /// `true` when the period held more audit rows or refusals than one answer reads: ask for a shorter one.
    pub truncated: bool,
}
