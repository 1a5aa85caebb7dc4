//! The practice scenarios' cast: fictitious citizens with a short history, as the store is given them. Read
//! and checked from TOML in `guides::scenario::cast`; stored by `history::cast`, which needs only these types.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{
    AuthorityId, CaseStatus, Channel, Citizen, ContactEvent, Cpr, DigitalPostStatus, DigitalReadiness, Direction,
    KleTopic, Language, MitidStatus,
};

/// The `source` of the cast's contact events; each event's `source_id` is `<citizen id>-<n>`, so seeding twice
/// stores nothing twice.
pub const EVENT_SOURCE: &str = "training";

/// An earlier contact of a cast citizen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CastEvent {
    pub days_ago: u32,
    pub channel: Channel,
    pub authority: AuthorityId,
    pub kle: KleTopic,
    /// Danish, short; no CPR numbers, no health details.
    pub summary: String,
    /// A self-service attempt given up.
    pub abandoned: bool,
}

/// A fictitious citizen of the practice scenarios.
#[derive(Clone, Debug, PartialEq)]
pub struct CastCitizen {
    /// What scenarios call them by.
    pub id: String,
    pub name: String,
    pub cpr: Cpr,
    pub language: Language,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub mitid: MitidStatus,
    pub readiness: DigitalReadiness,
    pub digital_post: DigitalPostStatus,
    pub history: Vec<CastEvent>,
}

/// The checked cast.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cast {
    pub citizens: Vec<CastCitizen>,
}

impl Cast {
    /// The cast citizen with this id.
    #[must_use]
    pub fn citizen(&self, id: &str) -> Option<&CastCitizen> {
        self.citizens.iter().find(|c| c.id == id)
    }
}

impl CastCitizen {
    /// The citizen record to store: fictitious, with a fresh id that the store keeps only when the citizen is new.
    #[must_use]
    pub fn record(&self) -> Citizen {
        Citizen {
            id: Uuid::now_v7(),
            cpr: self.cpr,
            earlier_cprs: Vec::new(),
            name: self.name.clone(),
            phones: self.phone.iter().cloned().collect(),
            emails: self.email.iter().cloned().collect(),
            preferred_language: self.language,
            district: None,
            digital_post: self.digital_post.clone(),
            mitid: self.mitid,
            digital_readiness: self.readiness,
            powers_of_attorney: Vec::new(),
            fictitious: true,
        }
    }

    /// The history as contact events of the stored citizen `citizen_id`, dated back from `now`.
    #[must_use]
    pub fn events(&self, citizen_id: Uuid, now: DateTime<Utc>) -> Vec<ContactEvent> {
        self.history
            .iter()
            .enumerate()
            .map(|(index, event)| {
                // Letters and Digital Post come from the authority; everything else the citizen started.
                let direction = if matches!(event.channel, Channel::Letter | Channel::DigitalPost) {
                    Direction::Outbound
                } else {
                    Direction::Inbound
                };
                ContactEvent {
                    id: Uuid::now_v7(),
                    citizen_id,
                    occurred_at: now - Duration::days(i64::from(event.days_ago)),
                    channel: event.channel,
                    direction,
                    authority: event.authority.clone(),
                    kle: Some(event.kle.clone()),
                    case_ref: None,
                    status: CaseStatus::Resolved,
                    summary: event.summary.clone(),
                    source: EVENT_SOURCE.to_owned(),
                    source_id: format!("{}-{}", self.id, index + 1),
                    staff: None,
                    abandoned: event.abandoned,
                    failure_demand: None,
                }
            })
            .collect()
    }
}
