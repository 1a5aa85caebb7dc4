//! The audit trail and the citizen's own export, as the API reads them out.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::{AssistedSession, Case, Citizen, ContactEvent, Purpose};

/// What kind of use of personal data an audit row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Search,
    ReadProfile,
    ReadTimeline,
    RevealCpr,
    ReadSessions,
    Export,
    ReadAudit,
    /// The queue of contacts that named no single citizen.
    ReadUnmatched,
    /// A queued contact stored for the citizen a supervisor chose.
    LinkEvent,
    /// Two records of one person merged.
    MergeCitizens,
    /// A merge undone.
    UndoMerge,
    /// A group session put in the history of a participant who agreed to be identified.
    LinkGroupSession,
    /// The full CPR number, phone or e-mail a queued contact named, shown to a supervisor on purpose.
    RevealIdentifier,
}

impl AuditAction {
    /// The stored code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Search => "search",
            Self::ReadProfile => "read_profile",
            Self::ReadTimeline => "read_timeline",
            Self::RevealCpr => "reveal_cpr",
            Self::ReadSessions => "read_sessions",
            Self::Export => "export",
            Self::ReadAudit => "read_audit",
            Self::ReadUnmatched => "read_unmatched",
            Self::LinkEvent => "link_event",
            Self::MergeCitizens => "merge_citizens",
            Self::UndoMerge => "undo_merge",
            Self::LinkGroupSession => "link_group_session",
            Self::RevealIdentifier => "reveal_identifier",
        }
    }

    /// Parses a stored code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Search,
            Self::ReadProfile,
            Self::ReadTimeline,
            Self::RevealCpr,
            Self::ReadSessions,
            Self::Export,
            Self::ReadAudit,
            Self::ReadUnmatched,
            Self::LinkEvent,
            Self::MergeCitizens,
            Self::UndoMerge,
            Self::LinkGroupSession,
            Self::RevealIdentifier,
        ]
        .into_iter()
        .find(|a| a.code() == code)
    }
}

/// One use of personal data: who, when, what, why, about whom (or with which search criterion).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub staff_id: Uuid,
    pub staff_name: String,
    pub action: AuditAction,
    pub purpose: Purpose,
    /// The search criterion, with identifiers masked: `cpr:070761-XXXX`, `phone:…4050`, `name:…`.
    pub criterion: Option<String>,
    /// The citizens whose data the call returned.
    pub citizen_ids: Vec<Uuid>,
}

/// Query of `GET /v1/audit`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    pub citizen: Option<Uuid>,
    pub staff: Option<Uuid>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `GET /v1/audit` result, newest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditList {
    pub entries: Vec<AuditEntry>,
}

/// When and why the citizen's data was used, as the citizen may learn it (no staff identity).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LookupRecord {
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    pub purpose: Purpose,
}

/// `GET /v1/citizens/{id}/export`: everything held about the citizen (GDPR art. 15).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CitizenExport {
    pub exported_at: DateTime<Utc>,
    #[schema(value_type = Object)]
    pub citizen: Citizen,
    pub cases: Vec<Case>,
    pub events: Vec<ContactEvent>,
    pub sessions: Vec<AssistedSession>,
    pub lookups: Vec<LookupRecord>,
}
