//! Pure domain types and rules: no I/O, no UI, no database. Everything else in the crate builds on these.

pub mod authority;
pub mod cast;
pub mod channel;
pub mod citizen;
pub mod contact;
pub mod cpr;
pub mod failure;
pub mod insight;
pub mod kle;
pub mod komhen;
pub mod language;
pub mod link;
pub mod patch;
pub mod purpose;
pub mod referral;
pub mod session;
pub mod staff;

pub use authority::{Authority, AuthorityCatalog, AuthorityId, AuthorityKind};
pub use channel::Channel;
pub use citizen::{
    AttorneyDirection, AttorneyKind, Citizen, CitizenId, CitizenPatch, DigitalPostStatus, DigitalReadiness,
    MitidStatus, PowerOfAttorney,
};
pub use contact::{Case, CaseStatus, ContactEvent, Direction};
pub use cpr::{Cpr, CprError, CprKind, CprWarning, Gender};
pub use failure::FailureReason;
pub use kle::{KleCatalog, KleError, KleTopic};
pub use language::Language;
pub use link::{LinkError, LinkKind, check_link, is_safe_link};
pub use patch::Field;
pub use purpose::Purpose;
pub use referral::{Referral, ReferralPlace};
pub use session::{
    AssistedSession, ContactKind, GroupPart, GuideRun, NextStep, Outcome, Performer, StepRecord, StepState,
};
pub use staff::{Capability, Role, Staff, StaffId};
