//! Why a staff member looks at a citizen's data. Every read carries one, and the audit log records it.

use serde::{Deserialize, Serialize};

use super::language::{Language, pick};

/// The purpose of a lookup, sent in the `X-Purpose` header as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// The citizen is at the counter.
    CounterVisit,
    /// The citizen is on the phone.
    PhoneCall,
    /// The citizen is in a video meeting.
    VideoMeeting,
    /// Follow-up work on the citizen's matter without them present.
    CaseWork,
    /// Training with fictitious citizens.
    Training,
    /// Answering the citizen's request for access to their data (GDPR art. 15).
    AccessRequest,
    /// Supervision and control of use.
    Supervision,
    /// Loading a registry feed or a channel system's contacts.
    Integration,
}

impl Purpose {
    /// Every purpose.
    pub const ALL: [Self; 8] = [
        Self::CounterVisit,
        Self::PhoneCall,
        Self::VideoMeeting,
        Self::CaseWork,
        Self::Training,
        Self::AccessRequest,
        Self::Supervision,
        Self::Integration,
    ];

    /// The header code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::CounterVisit => "counter_visit",
            Self::PhoneCall => "phone_call",
            Self::VideoMeeting => "video_meeting",
            Self::CaseWork => "case_work",
            Self::Training => "training",
            Self::AccessRequest => "access_request",
            Self::Supervision => "supervision",
            Self::Integration => "integration",
        }
    }

    /// Parses a header code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Display text for the pick list.
    #[must_use]
    pub fn label(self, lang: Language) -> &'static str {
        match self {
            Self::CounterVisit => pick(lang, "Borger ved skranke", "Citizen at the counter"),
            Self::PhoneCall => pick(lang, "Borger i telefon", "Citizen on the phone"),
            Self::VideoMeeting => pick(lang, "Borger i skærmservice", "Citizen in video service"),
            Self::CaseWork => pick(lang, "Opfølgning på henvendelse", "Follow-up on a contact"),
            Self::Training => pick(lang, "Undervisning", "Training"),
            Self::AccessRequest => pick(lang, "Indsigtsanmodning", "Subject access request"),
            Self::Supervision => pick(lang, "Tilsyn og kontrol", "Supervision and audit"),
            Self::Integration => pick(lang, "Dataindlæsning", "Data feed"),
        }
    }
}
