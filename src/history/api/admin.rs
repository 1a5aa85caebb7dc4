//! Wire types of the supervisors' statistics and the admins' staff management.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::{Role, Staff};

/// `POST /v1/staff`: a new staff member (admin only).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub name: String,
    pub role: Role,
    pub site: String,
}

/// A staff member with a new token. The token is shown this once; only its hash is stored.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct StaffToken {
    pub staff: Staff,
    pub token: String,
}

impl std::fmt::Debug for StaffToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffToken").field("staff", &self.staff).field("token", &"…").finish()
    }
}

/// `GET /v1/staff`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StaffList {
    pub staff: Vec<Staff>,
}

/// Query of `GET /v1/stats`: a period of session start times (RFC 3339 or `YYYY-MM-DD`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// How one guide fared in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GuideStats {
    pub guide: String,
    pub runs: u64,
    /// Runs that reached an end with the outcome `completed`.
    pub completed: u64,
    /// Runs that stopped before an end: where citizens drop out.
    pub stopped: u64,
}

/// `GET /v1/stats`: assisted sessions in a period, counted. Training (sessions logged by trainers or for
/// fictitious citizens) is left out and only counted as such.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Stats {
    pub sessions: u64,
    pub training_left_out: u64,
    /// By outcome code, e.g. `completed`.
    pub by_outcome: std::collections::BTreeMap<String, u64>,
    /// By channel code, e.g. `counter`.
    pub by_channel: std::collections::BTreeMap<String, u64>,
    /// By KOMHEN kind of contact.
    pub by_contact_kind: std::collections::BTreeMap<String, u64>,
    /// By KOMHEN contact type code (`OPRET`, `VEJL`, `SLVBTJN` …), derived from each session as the KOMHEN table
    /// in `domain::komhen` says.
    #[serde(default)]
    pub by_komhen_type: std::collections::BTreeMap<String, u64>,
    /// Sessions staff judged failure demand, by reason code (`chasing_progress` …); the rest are not in it.
    #[serde(default)]
    pub by_failure_demand: std::collections::BTreeMap<String, u64>,
    pub guides: Vec<GuideStats>,
    /// Median session length in whole minutes.
    pub median_minutes: Option<u64>,
    /// Group sessions among `sessions` (each counts once there, whatever its size).
    #[serde(default)]
    pub group_sessions: u64,
    /// Everyone who took part in those group sessions, identified or not.
    #[serde(default)]
    pub group_participants: u64,
}
