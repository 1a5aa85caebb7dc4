//! Plausible, fictitious assisted sessions, for `session log --demo-count` and for load and crash testing.

use chrono::{DateTime, Duration, Utc};

use crate::domain::{Channel, ContactKind, Outcome};
use crate::history::api::SessionInput;

/// An errand staff commonly help with: KLE number, the authority it is done on behalf of, and a summary.
const ERRANDS: &[(&str, &str, &str)] = &[
    ("23.05.10", "borgerservice", "Hjælp til flytteanmeldelse på borger.dk"),
    ("23.09.02", "borgerservice", "Pas ansøgt ved skranken"),
    ("23.15.25", "borgerservice", "Hjælp til MitID: ny app og identifikation med pas"),
    ("23.15.15", "digitaliseringsstyrelsen", "Hjælp til at finde og læse breve i Digital Post"),
    ("32.06.00", "udbetaling-danmark", "Hjælp til ansøgning om boligstøtte"),
    ("32.03.04", "udbetaling-danmark", "Spørgsmål om folkepension og udbetalingsdato"),
];

const SITES: &[(Channel, &str)] = &[
    (Channel::Counter, "Borgerservice Nørrebro"),
    (Channel::Counter, "Borgerservice Valby"),
    (Channel::Phone, "Kontaktcenter Borgerservice"),
    (Channel::Video, "Skærmservice"),
];

/// A fictitious session for `citizen` (or an anonymous one), started within the last eight hours before `now`.
#[must_use]
pub fn demo_session(citizen: Option<uuid::Uuid>, rng: &mut fastrand::Rng, now: DateTime<Utc>) -> SessionInput {
    let (kle, authority, summary) = ERRANDS[rng.usize(..ERRANDS.len())];
    let (channel, site) = SITES[rng.usize(..SITES.len())];
    let started_at = now - Duration::minutes(rng.i64(20..480));
    let outcome =
        [Outcome::Completed, Outcome::Completed, Outcome::FollowUpBooked, Outcome::NotPossibleToday][rng.usize(..4)];
    SessionInput {
        citizen_id: citizen,
        channel,
        authority: authority.to_owned(),
        site: site.to_owned(),
        started_at,
        ended_at: started_at + Duration::minutes(rng.i64(4..25)),
        kle: Some(kle.to_owned()),
        guides: Vec::new(),
        outcome,
        contact_kind: if rng.bool() { ContactKind::Transaction } else { ContactKind::Information },
        summary: summary.to_owned(),
        next_steps: Vec::new(),
        notes: String::new(),
        digital_readiness_after: None,
        referral: None,
        failure_demand: None,
        could_self_serve: None,
        group: None,
    }
}
