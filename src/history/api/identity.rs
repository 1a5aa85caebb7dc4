//! The unmatched queue and merging records: contacts that named no single citizen, and one person's records
//! joined (and undone).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{EventInput, EventWrite};

/// Why a contact waits in the unmatched queue instead of in a timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnmatchedReason {
    /// The CPR number, phone or e-mail given belongs to no citizen.
    NoMatch,
    /// It belongs to more than one citizen (a shared phone or e-mail); the candidates are listed.
    Ambiguous,
}

impl UnmatchedReason {
    /// The stored code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::NoMatch => "no_match",
            Self::Ambiguous => "ambiguous",
        }
    }

    /// Parses a stored code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::NoMatch, Self::Ambiguous].into_iter().find(|r| r.code() == code)
    }
}

/// `POST /v1/events` answered 202: the reference was valid but named no single citizen, so the contact waits in
/// the unmatched queue for a supervisor (`GET /v1/unmatched`). Sending it again queues nothing new.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventQueued {
    pub unmatched_id: Uuid,
    pub reason: UnmatchedReason,
    /// `false` when this `(source, source_id)` was already waiting.
    pub created: bool,
}

/// What `POST /v1/events` did, as a client reads it: stored (200/201) or queued (202).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventOutcome {
    Stored(Box<EventWrite>),
    Queued(EventQueued),
}

/// One contact in the unmatched queue.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnmatchedEvent {
    pub id: Uuid,
    pub reason: UnmatchedReason,
    /// Which identifier the contact named the citizen by: `cpr`, `phone` or `email`.
    pub named_by: String,
    /// For `ambiguous`: the citizens the identifier belongs to.
    pub candidates: Vec<Uuid>,
    pub received_at: DateTime<Utc>,
    /// The contact as the channel system sent it, with its identifier masked in `citizen` (`070761-XXXX`,
    /// `…4050`, `s…@example.com`); `GET /v1/unmatched/{id}/identifier` shows it in full, audited.
    pub event: EventInput,
}

impl UnmatchedEvent {
    /// The entry with the identifier its contact names masked, as lists show it.
    #[must_use]
    pub fn masked(mut self) -> Self {
        use crate::domain::citizen::{mask_email, mask_phone};
        let citizen = &mut self.event.citizen;
        citizen.cpr = citizen
            .cpr
            .as_deref()
            .map(|cpr| crate::domain::Cpr::parse(cpr).map_or_else(|_| "XXXXXX-XXXX".to_owned(), |c| c.masked()));
        citizen.phone = citizen.phone.as_deref().map(mask_phone);
        citizen.email = citizen.email.as_deref().map(mask_email);
        self
    }

    /// The identifier the contact names, in full.
    #[must_use]
    pub fn identifier(&self) -> Option<&str> {
        let citizen = &self.event.citizen;
        citizen.cpr.as_deref().or(citizen.phone.as_deref()).or(citizen.email.as_deref())
    }
}

/// `GET /v1/unmatched/{id}/identifier`: what a queued contact named its citizen by, in full (audited).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RevealedIdentifier {
    /// `cpr`, `phone` or `email`.
    pub named_by: String,
    pub value: String,
}

/// `GET /v1/unmatched`: the queue, oldest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnmatchedList {
    pub events: Vec<UnmatchedEvent>,
    /// `true` when more wait than were returned.
    pub truncated: bool,
}

/// `POST /v1/unmatched/{id}/link`: whose contact it is.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    pub citizen_id: Uuid,
}

/// `POST /v1/citizens/{id}/merge`: the record to merge into `{id}`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    pub from: Uuid,
}

/// How many rows of each kind a merge moved (or its undo moved back).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MergeCounts {
    pub events: u64,
    pub cases: u64,
    pub sessions: u64,
    pub identifiers: u64,
}

/// The answer to a merge: its id (for `POST /v1/merges/{id}/undo`) and what moved to `into`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MergeWrite {
    pub merge_id: Uuid,
    pub into: Uuid,
    pub from: Uuid,
    pub moved: MergeCounts,
}

/// The answer to an undo: what went back to `from`, which is a record of its own again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MergeUndo {
    pub merge_id: Uuid,
    pub into: Uuid,
    pub from: Uuid,
    pub moved_back: MergeCounts,
}
