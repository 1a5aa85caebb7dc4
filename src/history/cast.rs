//! The practice scenarios' cast in a store: fictitious citizens and their history, so a trainee finds the citizen
//! a scenario names through the ordinary lookup (with its audit, and a trainer's fictitious-only rule).
//!
//! Idempotent: a citizen is matched on their CPR number and each event on `(source, source_id)`, so seeding again
//! (every start of the embedded demo) stores nothing twice. A record that is not fictitious is never touched, even
//! when it holds a cast member's CPR number: seeding a shared store must not expose a real person to trainers.

use chrono::{DateTime, Utc};

use super::store::{RecordWriter, Store, StoreResult, UpsertOutcome};
use crate::domain::cast::Cast;

/// What seeding stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CastReport {
    pub citizens_created: u32,
    /// Fictitious records already there (updated to the cast's current details).
    pub citizens_existing: u32,
    /// Citizens left out because a record that is not fictitious, or more than one record, holds their CPR number;
    /// those records are not touched.
    pub conflicts: u32,
    pub events_created: usize,
}

/// Stores every citizen of the cast (flagged fictitious) and their history, dated back from `now`.
pub async fn seed(store: &Store, cast: &Cast, now: DateTime<Utc>) -> StoreResult<CastReport> {
    let mut report = CastReport::default();
    let mut events = Vec::new();
    for citizen in &cast.citizens {
        let record = citizen.record();
        let whole = crate::domain::CitizenPatch::full(&record);
        let id = match store.upsert_citizen(&whole, record.id, RecordWriter::Seed, now).await? {
            UpsertOutcome::Created(id) => {
                report.citizens_created += 1;
                id
            }
            UpsertOutcome::Updated(id) | UpsertOutcome::Unchanged(id) => {
                report.citizens_existing += 1;
                id
            }
            UpsertOutcome::IdentityConflict | UpsertOutcome::FictitiousConflict | UpsertOutcome::RealRecord => {
                report.conflicts += 1;
                continue;
            }
        };
        events.extend(citizen.events(id, now));
    }
    report.events_created = store.insert_events(&events, now).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::store::CitizenLookup;

    #[tokio::test]
    async fn seeding_twice_stores_each_citizen_and_contact_once() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&format!("sqlite:{}", dir.path().join("t.sqlite").display())).await.expect("store");
        let checked = Cast::builtin();
        let first = seed(&store, &checked.cast, Utc::now()).await.expect("seed");
        let events: usize = checked.cast.citizens.iter().map(|c| c.history.len()).sum();
        assert_eq!(first.citizens_created as usize, checked.cast.citizens.len());
        assert_eq!(first.events_created, events);
        let again = seed(&store, &checked.cast, Utc::now()).await.expect("seed again");
        assert_eq!((again.citizens_created, again.events_created), (0, 0));
        assert_eq!(again.citizens_existing as usize, checked.cast.citizens.len());
        let bent = checked.cast.citizen("bent-larsen").expect("Bent");
        let found = store.find_citizens(&CitizenLookup::Cpr(bent.cpr), true, 2).await.expect("lookup");
        assert_eq!(found.len(), 1);
        assert!(found[0].fictitious, "training citizens are flagged fictitious");
        let history = store.all_events(found[0].id).await.expect("events");
        assert_eq!(history.len(), bent.history.len());
        assert!(history.iter().all(|e| e.source == "training" && e.source_id.starts_with("bent-larsen-")));
    }
}
