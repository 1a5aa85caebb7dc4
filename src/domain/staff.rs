//! Staff members and what each role may do. The service enforces these rules; the console only mirrors them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::language::{Language, pick};

/// The service's id for a staff member.
pub type StaffId = Uuid;

/// A staff member's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Citizen-centre counter staff.
    Counter,
    /// Contact-centre phone agent.
    Phone,
    /// Runs training with fictitious citizens only.
    Trainer,
    /// Reviews audit logs and statistics.
    Supervisor,
    /// Manages staff and registry data.
    Admin,
    /// A channel system or registry feed: writes events and citizen records, reads nothing.
    Integration,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 6] =
        [Self::Counter, Self::Phone, Self::Trainer, Self::Supervisor, Self::Admin, Self::Integration];

    /// The wire code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Phone => "phone",
            Self::Trainer => "trainer",
            Self::Supervisor => "supervisor",
            Self::Admin => "admin",
            Self::Integration => "integration",
        }
    }

    /// Parses a wire code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Display text.
    #[must_use]
    pub fn label(self, lang: Language) -> &'static str {
        match self {
            Self::Counter => pick(lang, "Skranke", "Counter"),
            Self::Phone => pick(lang, "Telefon", "Phone"),
            Self::Trainer => pick(lang, "Underviser", "Trainer"),
            Self::Supervisor => pick(lang, "Leder", "Supervisor"),
            Self::Admin => pick(lang, "Administrator", "Administrator"),
            Self::Integration => pick(lang, "Integration", "Integration"),
        }
    }

    /// Whether the role may read what this capability guards.
    #[must_use]
    pub fn may(self, capability: Capability) -> bool {
        use Capability as C;
        match self {
            Self::Counter | Self::Phone => matches!(capability, C::ReadCitizens | C::WriteEvents | C::WriteSessions),
            Self::Trainer => matches!(capability, C::ReadCitizens | C::WriteSessions),
            Self::Supervisor => matches!(
                capability,
                C::ReadCitizens
                    | C::WriteEvents
                    | C::WriteSessions
                    | C::ReadAudit
                    | C::ReadStats
                    | C::ReadInsights
                    | C::Export
                    | C::ResolveIdentity
            ),
            Self::Admin => matches!(capability, C::WriteCitizens | C::ManageStaff | C::Export | C::ReadInsights),
            Self::Integration => matches!(capability, C::WriteCitizens | C::WriteEvents),
        }
    }

    /// Trainers see fictitious citizens only, so a real record can never appear in a classroom.
    #[must_use]
    pub fn fictitious_only(self) -> bool {
        self == Self::Trainer
    }
}

/// Something a call needs the caller's role to allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capability {
    /// Search citizens, read profiles, timelines and logged sessions.
    ReadCitizens,
    /// Create or update citizen records (registry feeds).
    WriteCitizens,
    /// Report contacts from a channel system.
    WriteEvents,
    /// Log assisted sessions.
    WriteSessions,
    /// Read the audit log.
    ReadAudit,
    /// Counts of sessions across sites (no personal data).
    ReadStats,
    /// The insight rollups: counts across sites, channels and guides (no personal data).
    ReadInsights,
    /// Export everything held about a citizen (a GDPR access request).
    Export,
    /// Add, disable and rotate staff.
    ManageStaff,
    /// Work the unmatched queue, and merge (or unmerge) two records of one person.
    ResolveIdentity,
}

/// A staff member as the service knows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Staff {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    /// The citizen centre, contact centre or team.
    pub site: String,
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integration_reads_nothing_and_trainers_only_fiction() {
        assert!(!Role::Integration.may(Capability::ReadCitizens));
        assert!(Role::Integration.may(Capability::WriteEvents));
        assert!(Role::Trainer.fictitious_only());
        assert!(!Role::Counter.may(Capability::ReadAudit));
        assert!(Role::Supervisor.may(Capability::ReadAudit));
        assert!(Role::Supervisor.may(Capability::ResolveIdentity));
        assert!(!Role::Admin.may(Capability::ResolveIdentity) && !Role::Counter.may(Capability::ResolveIdentity));
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
    }
}
