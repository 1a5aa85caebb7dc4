//! Turning what other systems send (registry records, channel contacts, logged sessions) into domain values.
//!
//! Shared by the HTTP service and the JSONL import, so both accept and refuse exactly the same input.
//! Error messages name the field and the rule, never the value, so they are safe to show and to log.

pub mod redact;
pub mod text;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::api::{CitizenInput, CitizenRef, EventInput, EventQueued, SESSION_SOURCE, SessionInput, UnmatchedReason};
use super::store::{CitizenLookup, EventWriteOutcome, NewUnmatched, QueueOutcome, Store, StoreError};
use crate::domain::citizen::{normalise_email, normalise_phone};
use crate::domain::{
    AssistedSession, AuthorityCatalog, AuthorityId, Channel, Citizen, CitizenId, CitizenPatch, ContactEvent, Cpr,
    CprError, GroupPart, KleCatalog, KleTopic, Staff,
};

const MAX_NAME: usize = 200;
const MAX_SUMMARY: usize = 2_000;
const MAX_NOTES: usize = 4_000;
const MAX_ID: usize = 200;
/// The longest an assisted session may last.
const MAX_SESSION_HOURS: i64 = 24;
/// The most candidates an ambiguous contact keeps for the supervisor to choose from.
const MAX_CANDIDATES: u32 = 20;

/// Why an input was refused.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{field}: {reason}")]
    InvalidCpr { field: String, reason: CprError },
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("no citizen matches the {0} given")]
    UnknownCitizen(&'static str),
    /// A different contact is already stored (or queued) under the same `(source, source_id)`.
    #[error("a different contact is already stored under this source and source_id; it was not changed")]
    EventConflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> InputError {
    InputError::Invalid { field: field.into(), message: message.into() }
}

/// Checks that a required text is present and not too long; returns it trimmed.
fn text(field: &str, value: &str, max: usize) -> Result<String, InputError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(value.to_owned())
}

fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, InputError> {
    value.filter(|v| !v.trim().is_empty()).map(|v| text(field, v, max)).transpose()
}

/// Checks that a contact or session time is plausible: from 1900 on, and at most a day ahead of `now` (clocks
/// drift; a date in 9999 would sit atop the timeline and hold a case's state for ever).
pub fn plausible_time(field: &str, time: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), InputError> {
    let earliest = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default().and_time(chrono::NaiveTime::MIN);
    if time < earliest.and_utc() {
        return Err(invalid(field, "must not be before 1900"));
    }
    if time > now + chrono::Duration::days(1) {
        return Err(invalid(field, "must not be more than one day in the future"));
    }
    Ok(())
}

/// Parses a CPR number, naming the field when it is not one.
pub fn cpr(field: &str, value: &str) -> Result<Cpr, InputError> {
    Cpr::parse(value).map_err(|reason| InputError::InvalidCpr { field: field.to_owned(), reason })
}

/// Parses an optional KLE number against the catalogue.
pub fn kle(field: &str, value: Option<&str>) -> Result<Option<KleTopic>, InputError> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| KleCatalog::builtin().topic(v).map_err(|e| invalid(field, e.to_string())))
        .transpose()
}

/// Checks an authority id against the catalogue.
pub fn authority(field: &str, value: &str, catalog: &AuthorityCatalog) -> Result<AuthorityId, InputError> {
    catalog.get(value).map(|a| a.id.clone()).ok_or_else(|| invalid(field, "unknown authority; see GET /v1/authorities"))
}

/// Each value of a list, checked by `check` under its field name (`phones[2]`), once.
fn unique<T: PartialEq>(
    field: &str,
    values: &[String],
    check: impl Fn(&str, &str) -> Result<T, InputError>,
) -> Result<Vec<T>, InputError> {
    let mut checked = Vec::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        let value = check(&format!("{field}[{i}]"), value)?;
        if !checked.contains(&value) {
            checked.push(value);
        }
    }
    Ok(checked)
}

/// A registry record as an update of a citizen: what it gives is checked and normalised, what it leaves out
/// stays as stored (see [`CitizenPatch`]).
pub fn citizen(input: CitizenInput) -> Result<CitizenPatch, InputError> {
    let current = cpr("cpr", &input.cpr)?;
    let earlier_cprs = input.earlier_cprs.try_map(|values| {
        let mut earlier = unique("earlier_cprs", &values, cpr)?;
        earlier.retain(|earlier| *earlier != current);
        Ok::<_, InputError>(earlier)
    })?;
    let phones = input.phones.try_map(|values| {
        unique("phones", &values, |field, value| {
            normalise_phone(value).ok_or_else(|| invalid(field, "not a phone number (8 digits, or + and country code)"))
        })
    })?;
    let emails = input.emails.try_map(|values| {
        unique("emails", &values, |field, value| {
            normalise_email(value).ok_or_else(|| invalid(field, "not an e-mail address"))
        })
    })?;
    let district = input.district.try_map(|district| text("district", &district, MAX_NAME))?;
    Ok(CitizenPatch {
        cpr: current,
        name: text("name", &input.name, MAX_NAME)?,
        earlier_cprs,
        phones,
        emails,
        preferred_language: input.preferred_language,
        district,
        digital_post: input.digital_post,
        mitid: input.mitid,
        digital_readiness: input.digital_readiness,
        powers_of_attorney: input.powers_of_attorney,
    })
}

/// Whom an event's reference names.
#[derive(Clone, Debug)]
pub enum Resolution {
    One(Citizen),
    /// The CPR number, phone or e-mail (`named_by`: `cpr`, `phone`, `email`) belongs to nobody.
    NoMatch {
        named_by: &'static str,
    },
    /// It belongs to several citizens: these (at most 20).
    Ambiguous {
        named_by: &'static str,
        candidates: Vec<CitizenId>,
    },
}

/// Finds whom an event names (by id, CPR, phone or e-mail). An id names one record, or is refused: a wrong id is
/// the sender's mistake, not a question of identity. A merged record's id names the record it was merged into.
pub async fn resolve_citizen(store: &Store, reference: &CitizenRef) -> Result<Resolution, InputError> {
    let given = [reference.id.is_some(), reference.cpr.is_some(), reference.phone.is_some(), reference.email.is_some()];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(invalid("citizen", "give exactly one of id, cpr, phone, email"));
    }
    if let Some(id) = reference.id {
        return store.live_citizen(id).await?.map(Resolution::One).ok_or(InputError::UnknownCitizen("id"));
    }
    let (named_by, lookup) = if let Some(value) = &reference.cpr {
        ("cpr", CitizenLookup::Cpr(cpr("citizen.cpr", value)?))
    } else if let Some(value) = &reference.phone {
        let phone = normalise_phone(value).ok_or_else(|| invalid("citizen.phone", "not a phone number"))?;
        ("phone", CitizenLookup::Phone(phone))
    } else {
        let value = reference.email.as_deref().unwrap_or_default();
        let email = normalise_email(value).ok_or_else(|| invalid("citizen.email", "not an e-mail address"))?;
        ("email", CitizenLookup::Email(email))
    };
    let mut found = store.find_citizens(&lookup, false, MAX_CANDIDATES).await?;
    Ok(match found.len() {
        0 => Resolution::NoMatch { named_by },
        1 => Resolution::One(found.remove(0)),
        _ => Resolution::Ambiguous { named_by, candidates: found.iter().map(|c| c.id).collect() },
    })
}

/// What ingesting one contact did. Nothing stored is ever part of it: the sender already has the contact, and a
/// repeat must not let anyone read what sits under a guessed key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ingested {
    /// In a timeline; `created` is `false` for a repeat of the same contact.
    Stored { id: Uuid, created: bool },
    /// No single citizen matched: the contact waits in the unmatched queue.
    Queued(EventQueued),
}

/// SHA-256 of the contact's canonical JSON: what tells a repeat from a different contact under the same key.
#[must_use]
pub fn input_digest(input: &EventInput) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(serde_json::to_vec(input).unwrap_or_default()))
}

/// Whether two events say the same, whatever their ids and citizens: for stored rows without a digest.
fn same_content(a: &ContactEvent, b: &ContactEvent) -> bool {
    ContactEvent { id: b.id, citizen_id: b.citizen_id, ..a.clone() } == *b
}

/// A repeat of `(source, source_id)`: the same contact is a no-op, a different one a conflict.
async fn repeated(
    store: &Store,
    stored: &ContactEvent,
    sent: &ContactEvent,
    digest: &str,
) -> Result<Ingested, InputError> {
    let same = match store.event_digest(&stored.source, &stored.source_id).await? {
        Some(Some(stored_digest)) => stored_digest == digest,
        _ => same_content(stored, sent),
    };
    if same { Ok(Ingested::Stored { id: stored.id, created: false }) } else { Err(InputError::EventConflict) }
}

/// Checks a channel system's contact and stores it for the citizen it names, or, when its valid reference names
/// nobody or several citizens, queues it for a supervisor. Shared by `POST /v1/events` and the import.
pub async fn ingest_event(
    store: &Store,
    input: &EventInput,
    authorities: &AuthorityCatalog,
    now: DateTime<Utc>,
) -> Result<Ingested, InputError> {
    if input.source.trim() == SESSION_SOURCE {
        return Err(invalid("source", "is reserved for the sessions logged through the console"));
    }
    plausible_time("occurred_at", input.occurred_at, now)?;
    let digest = input_digest(input);
    let (reason, named_by, candidates) = match resolve_citizen(store, &input.citizen).await? {
        Resolution::One(citizen) => {
            let event = event(input, citizen.id, authorities)?;
            return match store.insert_event(&event, Some(&digest), now).await? {
                EventWriteOutcome::Created(stored) => Ok(Ingested::Stored { id: stored.id, created: true }),
                EventWriteOutcome::Existing(stored) => repeated(store, &stored, &event, &digest).await,
            };
        }
        Resolution::NoMatch { named_by } => (UnmatchedReason::NoMatch, named_by, Vec::new()),
        Resolution::Ambiguous { named_by, candidates } => (UnmatchedReason::Ambiguous, named_by, candidates),
    };
    // Checked in full first: only a contact that could be stored waits for a supervisor.
    let checked = event(input, Uuid::nil(), authorities)?;
    let entry = NewUnmatched {
        source: &checked.source,
        source_id: &checked.source_id,
        reason,
        named_by,
        candidates: &candidates,
        input,
    };
    match store.queue_unmatched(&entry, now).await? {
        QueueOutcome::Queued { id, reason, created } => {
            Ok(Ingested::Queued(EventQueued { unmatched_id: id, reason, created }))
        }
        QueueOutcome::AlreadyStored(stored) => repeated(store, &stored, &checked, &digest).await,
        QueueOutcome::Conflict => Err(InputError::EventConflict),
    }
}

/// A channel system's contact as an event for `citizen`.
pub fn event(
    input: &EventInput,
    citizen: CitizenId,
    authorities: &AuthorityCatalog,
) -> Result<ContactEvent, InputError> {
    Ok(ContactEvent {
        id: Uuid::now_v7(),
        citizen_id: citizen,
        occurred_at: input.occurred_at,
        channel: input.channel,
        direction: input.direction,
        authority: authority("authority", &input.authority, authorities)?,
        kle: kle("kle", input.kle.as_deref())?,
        case_ref: optional_text("case_ref", input.case_ref.as_deref(), MAX_ID)?,
        status: input.status,
        summary: text("summary", &input.summary, MAX_SUMMARY)?,
        source: text("source", &input.source, MAX_ID)?,
        source_id: text("source_id", &input.source_id, MAX_ID)?,
        staff: optional_text("staff", input.staff.as_deref(), MAX_NAME)?,
        abandoned: input.abandoned,
        failure_demand: input.failure_demand,
    })
}

/// A session from the console, logged by `staff`; `now` bounds its times.
pub fn session(
    id: Uuid,
    input: &SessionInput,
    staff: &Staff,
    authorities: &AuthorityCatalog,
    now: DateTime<Utc>,
) -> Result<AssistedSession, InputError> {
    plausible_time("started_at", input.started_at, now)?;
    plausible_time("ended_at", input.ended_at, now)?;
    if input.ended_at <= input.started_at {
        return Err(invalid("ended_at", "must be after started_at"));
    }
    if input.ended_at - input.started_at > chrono::Duration::hours(MAX_SESSION_HOURS) {
        return Err(invalid("ended_at", format!("a session lasts at most {MAX_SESSION_HOURS} hours")));
    }
    if input.notes.chars().count() > MAX_NOTES {
        return Err(invalid("notes", format!("must be at most {MAX_NOTES} characters")));
    }
    // Next steps become links on the citizen's receipt: only https, tel and mailto.
    for (i, step) in input.next_steps.iter().enumerate() {
        if let Some(Err(error)) = step.url.as_deref().map(crate::domain::check_link) {
            return Err(invalid(format!("next_steps[{i}].url"), error.to_string()));
        }
    }
    if let Some(group) = &input.group {
        group_part(input, group)?;
    }
    Ok(AssistedSession {
        id,
        citizen_id: input.citizen_id,
        staff_id: staff.id,
        channel: input.channel,
        authority: authority("authority", &input.authority, authorities)?,
        site: text("site", &input.site, MAX_NAME)?,
        started_at: input.started_at,
        ended_at: input.ended_at,
        kle: kle("kle", input.kle.as_deref())?,
        guides: input.guides.clone(),
        outcome: input.outcome,
        contact_kind: input.contact_kind,
        summary: text("summary", &input.summary, MAX_SUMMARY)?,
        next_steps: input.next_steps.clone(),
        notes: input.notes.clone(),
        digital_readiness_after: input.digital_readiness_after,
        referral: optional_text("referral", input.referral.as_deref(), MAX_NAME)?,
        failure_demand: input.failure_demand,
        could_self_serve: input.could_self_serve,
        group: input.group.clone(),
    })
}

/// Checks a group session's shape: on the group channel, for no single citizen, with a count that covers
/// everyone identified, and each participant identified at most once.
fn group_part(input: &SessionInput, group: &GroupPart) -> Result<(), InputError> {
    if input.channel != Channel::GroupTraining {
        return Err(invalid("channel", "a group session must be on the channel group_training"));
    }
    if input.citizen_id.is_some() {
        return Err(invalid("citizen_id", "must be null for a group session; name participants in group.linked"));
    }
    if !(1..=GroupPart::MAX_PARTICIPANTS).contains(&group.participants) {
        return Err(invalid("group.participants", format!("must be 1 to {}", GroupPart::MAX_PARTICIPANTS)));
    }
    if group.linked.len() > GroupPart::MAX_LINKED {
        return Err(invalid("group.linked", format!("must name at most {} citizens", GroupPart::MAX_LINKED)));
    }
    if u32::try_from(group.linked.len()).map_or(true, |linked| linked > group.participants) {
        return Err(invalid("group.linked", "names more citizens than group.participants counts"));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(index) = group.linked.iter().position(|id| !seen.insert(*id)) {
        return Err(invalid(format!("group.linked[{index}]"), "names a citizen already linked"));
    }
    Ok(())
}

/// The row a session adds to its citizen's timeline, so the next person the citizen meets sees it.
#[must_use]
pub fn session_event(session: &AssistedSession, staff: &Staff) -> Option<ContactEvent> {
    Some(ContactEvent {
        id: Uuid::now_v7(),
        citizen_id: session.citizen_id?,
        occurred_at: session.started_at,
        channel: session.channel,
        direction: crate::domain::Direction::Inbound,
        authority: session.authority.clone(),
        kle: session.kle.clone(),
        case_ref: None,
        status: session.outcome.case_status(),
        summary: session.summary.clone(),
        source: SESSION_SOURCE.to_owned(),
        source_id: session.id.to_string(),
        staff: Some(format!("{} ({})", staff.name, staff.site)),
        abandoned: false,
        failure_demand: None,
    })
}

/// The rows a group session adds: one in the timeline of each identified participant (`citizens`, after merges),
/// saying what the group worked on and how many took part, and naming nobody. Each row's `source_id` is
/// `<session id>/<citizen id>`, so every participant's row is unique and a retry adds none.
#[must_use]
pub fn group_events(session: &AssistedSession, staff: &Staff, citizens: &[CitizenId]) -> Vec<ContactEvent> {
    let Some(group) = &session.group else { return Vec::new() };
    let count =
        if group.participants == 1 { "1 deltager".to_owned() } else { format!("{} deltagere", group.participants) };
    let summary = match &session.kle {
        Some(kle) => format!("Gruppeforløb om {} ({}) med {count}", KleCatalog::builtin().title(kle), kle.as_str()),
        None => format!("Gruppeforløb med {count}"),
    };
    citizens
        .iter()
        .map(|citizen| ContactEvent {
            id: Uuid::now_v7(),
            citizen_id: *citizen,
            occurred_at: session.started_at,
            channel: Channel::GroupTraining,
            direction: crate::domain::Direction::Inbound,
            authority: session.authority.clone(),
            kle: session.kle.clone(),
            case_ref: None,
            status: session.outcome.case_status(),
            summary: summary.clone(),
            source: SESSION_SOURCE.to_owned(),
            source_id: format!("{}/{citizen}", session.id),
            staff: Some(format!("{} ({})", staff.name, staff.site)),
            abandoned: false,
            failure_demand: None,
        })
        .collect()
}

/// Parses a `from`/`to` bound: RFC 3339, or a date (`YYYY-MM-DD`, UTC) that for `to` includes the whole day.
pub fn time_bound(field: &str, value: &str, is_end: bool) -> Result<DateTime<Utc>, InputError> {
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Ok(time.with_timezone(&Utc));
    }
    let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| invalid(field, "use an RFC 3339 time (2026-11-26T09:30:00Z) or a date (2026-11-26)"))?;
    let day = if is_end { date.succ_opt().unwrap_or(date) } else { date };
    Ok(day.and_time(chrono::NaiveTime::MIN).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_bounds_cover_whole_days() {
        let from = time_bound("from", "2026-11-26", false).expect("date");
        let to = time_bound("to", "2026-11-26", true).expect("date");
        assert_eq!((to - from).num_hours(), 24);
        assert!(time_bound("to", "yesterday", true).is_err());
        assert!(time_bound("to", "2026-11-26T09:30:00+01:00", true).is_ok());
    }

    #[test]
    fn citizen_input_is_normalised_and_checked() {
        let input: CitizenInput = serde_json::from_value(serde_json::json!({
            "cpr": "0707614285", "earlier_cprs": ["070761-4285"], "name": "  Søren Ærø ",
            "phones": ["+45 12 34 56 78", "12345678"], "emails": ["S@Example.dk"]
        }))
        .expect("valid input");
        let citizen = citizen(input).expect("valid citizen");
        assert_eq!(citizen.name, "Søren Ærø");
        assert_eq!(citizen.phones.value(), Some(&vec!["12345678".to_owned()]));
        assert_eq!(citizen.earlier_cprs.value(), Some(&Vec::new()), "the current number is not an earlier one");
        assert!(citizen.district.is_absent(), "what the record leaves out stays as stored");
        let bad: CitizenInput =
            serde_json::from_value(serde_json::json!({"cpr": "3102991234", "name": "X"})).expect("shape is fine");
        let err = super::citizen(bad).expect_err("31 February");
        assert!(matches!(err, InputError::InvalidCpr { .. }));
        assert_eq!(err.to_string(), "cpr: the day (digits 1–2) does not exist in that month and year");
    }
}
