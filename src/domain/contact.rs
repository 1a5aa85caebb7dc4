//! A contact between a citizen and the public sector, on any channel: one row in the cross-channel timeline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::authority::AuthorityId;
use super::channel::Channel;

use super::kle::KleTopic;
use super::language::{Language, pick};

/// Who started the contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the citizen to the authority.
    Inbound,
    /// From the authority to the citizen.
    Outbound,
}

/// Where the matter behind the contact stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    /// Waiting for the citizen or another party.
    Waiting,
    Resolved,
}

impl CaseStatus {
    /// The wire code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Waiting => "waiting",
            Self::Resolved => "resolved",
        }
    }

    /// Parses a wire code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Open, Self::Waiting, Self::Resolved].into_iter().find(|s| s.code() == code)
    }

    /// Display text.
    #[must_use]
    pub fn label(self, lang: Language) -> &'static str {
        match self {
            Self::Open => pick(lang, "Åben", "Open"),
            Self::Waiting => pick(lang, "Afventer", "Waiting"),
            Self::Resolved => pick(lang, "Afsluttet", "Resolved"),
        }
    }
}

/// One contact in a citizen's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContactEvent {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub channel: Channel,
    pub direction: Direction,
    pub authority: AuthorityId,
    pub kle: Option<KleTopic>,
    /// The owning system's case number, when the contact belongs to a case.
    pub case_ref: Option<String>,
    pub status: CaseStatus,
    pub summary: String,
    /// The system that reported the contact (`kk.dk-selvbetjening`, `telefoni`, `medbetjening` …).
    pub source: String,
    /// The contact's id in that system; `(source, source_id)` is unique.
    pub source_id: String,
    /// The staff member or team who handled it, if any.
    pub staff: Option<String>,
    /// A self-service attempt the citizen started and left unfinished: where they got stuck.
    pub abandoned: bool,
    /// The channel system's staff judged the contact unnecessary, and why (failure demand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_demand: Option<super::failure::FailureReason>,
}

/// A case as the citizen's contacts tell it: the latest status reported for one case number at one authority.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Case {
    pub authority: AuthorityId,
    pub case_ref: String,
    pub status: CaseStatus,
    pub kle: Option<KleTopic>,
    /// The staff member or team on the latest contact: who to ask about it.
    pub owner: Option<String>,
    pub summary: String,
    pub opened_at: DateTime<Utc>,
    pub last_contact_at: DateTime<Utc>,
}
