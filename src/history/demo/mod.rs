//! Fictitious citizens with believable cross-channel histories, for the embedded demo, training and performance work.
//!
//! Deterministic: the same seed and anchor date give the same citizens, ids and events, so a second run stores
//! nothing new. Every citizen is flagged `fictitious`. Histories are built errand by errand: reading on the
//! web, a self-service attempt (sometimes abandoned — where the citizen got stuck), an assisted contact on the
//! phone or at the counter, and the authority's answer in Digital Post or on paper. Beside them stand the
//! [`showcase`] citizens, the same in every demo store.

mod data;
pub mod sessions;
pub mod showcase;

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use fastrand::Rng;
use uuid::Uuid;

use self::data::{
    DISTRICTS, ERRANDS, EXEMPTION_REASONS, Errand, FAMILY_NAMES, FEMALE_NAMES, INTERNATIONAL_NAMES, MALE_NAMES, TEAMS,
};
use super::store::{RecordWriter, Store, StoreResult, UpsertOutcome};
use crate::domain::{
    AttorneyDirection, AttorneyKind, AuthorityId, CaseStatus, Channel, Citizen, CitizenPatch, ContactEvent, Cpr,
    DigitalPostStatus, DigitalReadiness, Direction, KleCatalog, Language, MitidStatus, PowerOfAttorney,
};

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub citizens: u32,
    /// How many of the citizens get at least [`HEAVY_EVENTS`] events (for performance work).
    pub heavy: u32,
    pub seed: u64,
    /// "Now" for the histories: events fall before it.
    pub anchor: DateTime<Utc>,
    /// The most contacts an ordinary citizen gets (at least 4); raise it to fill a store for load tests.
    pub max_events: usize,
}

/// The most contacts an ordinary demo citizen gets unless asked otherwise.
pub const DEFAULT_MAX_EVENTS: usize = 40;

/// Events a heavy citizen gets at least.
pub const HEAVY_EVENTS: usize = 10_000;

/// What a run stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub citizens_created: u32,
    /// Fictitious records of an earlier run, left as they were.
    pub citizens_unchanged: u32,
    /// Generated citizens left out because a record that is not fictitious, or more than one record, already holds
    /// their CPR number. Those records are not touched.
    pub conflicts: u32,
    pub events_created: usize,
}

const BATCH: usize = 2_000;

/// Generates and stores the demo population, calling `progress(done, total)` after each citizen.
pub async fn generate(
    store: &Store,
    options: &DemoOptions,
    mut progress: impl FnMut(u32, u32),
) -> StoreResult<DemoReport> {
    let mut rng = Rng::with_seed(options.seed);
    let mut used_cprs: HashSet<Cpr> = showcase::cprs().collect();
    let mut report = DemoReport::default();
    let mut pending: Vec<ContactEvent> = Vec::new();
    for index in 0..options.citizens {
        let citizen = citizen(&mut rng, &mut used_cprs, index);
        let whole = CitizenPatch::full(&citizen);
        let outcome = store.upsert_citizen(&whole, citizen.id, RecordWriter::Seed, options.anchor).await?;
        let created = count_outcome(&mut report, &outcome);
        let (target, years) =
            if index < options.heavy { (HEAVY_EVENTS, 10) } else { (rng.usize(4..=options.max_events.max(4)), 3) };
        let source_prefix = format!("demo-{}-{index}", options.seed);
        // Built either way, so the generator stays in step; only a record this run stored gets a history, so a
        // rerun adds nothing twice and a record refused as an identity conflict gets no contacts.
        let history = History::new(&mut rng, &citizen, options.anchor, years, &source_prefix).build(target);
        if created {
            pending.extend(history);
        }
        if pending.len() >= BATCH {
            report.events_created += store.insert_events(&pending, options.anchor).await?;
            pending.clear();
            store.checkpoint().await?;
        }
        progress(index + 1, options.citizens);
    }
    report.events_created += store.insert_events(&pending, options.anchor).await?;
    Ok(report)
}

/// Counts a seeded record in the report; `true` when this run created it, so it gets its history.
fn count_outcome(report: &mut DemoReport, outcome: &UpsertOutcome) -> bool {
    match outcome {
        UpsertOutcome::Created(_) => report.citizens_created += 1,
        UpsertOutcome::Updated(_) | UpsertOutcome::Unchanged(_) => report.citizens_unchanged += 1,
        UpsertOutcome::IdentityConflict | UpsertOutcome::FictitiousConflict | UpsertOutcome::RealRecord => {
            report.conflicts += 1;
        }
    }
    matches!(outcome, UpsertOutcome::Created(_))
}

fn uuid(rng: &mut Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.u128(..).to_le_bytes()).into_uuid()
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn chance(rng: &mut Rng, percent: u32) -> bool {
    rng.u32(0..100) < percent
}

/// An e-mail-safe form of a Danish name part.
fn ascii(text: &str) -> String {
    text.to_lowercase().replace('æ', "ae").replace('ø', "oe").replace('å', "aa").replace(' ', ".")
}

/// A fictitious CPR number for `birth` and gender, unused so far.
fn fictitious_cpr(rng: &mut Rng, used: &mut HashSet<Cpr>, birth: NaiveDate, female: bool) -> Cpr {
    loop {
        let digit7: u16 = match birth.year() {
            ..=1899 => rng.u16(5..=8),
            1900..=1936 => rng.u16(0..=3),
            1937..=1999 => *pick(rng, &[0, 1, 2, 3, 4, 9]),
            _ => *pick(rng, &[4, 9]),
        };
        let last = rng.u16(0..5) * 2 + u16::from(!female);
        let serial = digit7 * 1000 + rng.u16(0..100) * 10 + last;
        if let Some(cpr) = Cpr::from_parts(birth, serial)
            && used.insert(cpr)
        {
            return cpr;
        }
    }
}

fn readiness_for(rng: &mut Rng, age: i32) -> DigitalReadiness {
    let roll = rng.u32(0..100)
        + if age > 75 {
            35
        } else if age > 65 {
            15
        } else {
            0
        };
    match roll {
        0..=59 => DigitalReadiness::SelfReliant,
        60..=79 => DigitalReadiness::WithGuidance,
        80..=94 => DigitalReadiness::NeedsAssistance,
        _ => DigitalReadiness::NotDigital,
    }
}

/// A drawn name.
struct Name {
    full: String,
    female: bool,
    /// The part of an e-mail address before the `@`.
    email: String,
    international: bool,
}

/// A name that is never a showcase name, so looking one of those up finds one person.
fn name(rng: &mut Rng, index: u32) -> Name {
    loop {
        let international = chance(rng, 12);
        let drawn = if international {
            let (name, male) = *pick(rng, INTERNATIONAL_NAMES);
            Name { full: name.to_owned(), female: !male, email: format!("resident{index}"), international }
        } else {
            let female = rng.bool();
            let first = *pick(rng, if female { FEMALE_NAMES } else { MALE_NAMES });
            let family = *pick(rng, FAMILY_NAMES);
            let email = format!("{}.{}{index}", ascii(first), ascii(family));
            Name { full: format!("{first} {family}"), female, email, international }
        };
        if !showcase::is_showcase_name(&drawn.full) {
            return drawn;
        }
    }
}

fn citizen(rng: &mut Rng, used: &mut HashSet<Cpr>, index: u32) -> Citizen {
    let Name { full: name, female, email: email_name, international } = name(rng, index);
    let birth_year = rng.i32(1931..=2009);
    let birth = NaiveDate::from_ymd_opt(birth_year, rng.u32(1..=12), rng.u32(1..=28)).unwrap_or_default();
    let cpr = fictitious_cpr(rng, used, birth, female);
    let readiness = readiness_for(rng, 2026 - birth_year);
    let not_digital = readiness == DigitalReadiness::NotDigital;
    let digital_post = if not_digital || chance(rng, 2) {
        DigitalPostStatus::Exempt {
            reason: (*pick(rng, EXEMPTION_REASONS)).to_owned(),
            since: NaiveDate::from_ymd_opt(rng.i32(2014..=2025), rng.u32(1..=12), 1),
        }
    } else {
        DigitalPostStatus::Active
    };
    let mitid = match (not_digital, rng.u32(0..100)) {
        (true, 0..=49) => MitidStatus::None,
        (true, 50..=79) => MitidStatus::AudioCodeDisplay,
        (true, _) | (false, 92..=96) => MitidStatus::Chip,
        (false, 0..=79) => MitidStatus::App,
        (false, 80..=91) => MitidStatus::CodeDisplay,
        (false, _) => MitidStatus::Blocked,
    };
    let mut phones = vec![format!("{}{:07}", rng.u32(2..=9), rng.u32(0..10_000_000))];
    if chance(rng, 15) {
        phones.push(format!("3{:07}", rng.u32(0..10_000_000)));
    }
    let emails = if chance(rng, 80) { vec![format!("{email_name}@example.com")] } else { Vec::new() };
    let mut powers_of_attorney = Vec::new();
    if not_digital || chance(rng, 5) {
        powers_of_attorney.push(PowerOfAttorney {
            direction: AttorneyDirection::Given,
            kind: *pick(
                rng,
                &[AttorneyKind::DigitalFuldmagt, AttorneyKind::DigitalPostAccess, AttorneyKind::TaxAgency],
            ),
            counterpart_name: format!("{} {}", pick(rng, FEMALE_NAMES), pick(rng, FAMILY_NAMES)),
            scope: Some(if rng.bool() { "Alle løsninger" } else { "Boligstøtte og pension" }.to_owned()),
            valid_until: NaiveDate::from_ymd_opt(rng.i32(2027..=2030), rng.u32(1..=12), 1),
        });
    } else if chance(rng, 3) {
        powers_of_attorney.push(PowerOfAttorney {
            direction: AttorneyDirection::Held,
            kind: AttorneyKind::DigitalFuldmagt,
            counterpart_name: format!("{} {}", pick(rng, MALE_NAMES), pick(rng, FAMILY_NAMES)),
            scope: Some("Alle løsninger".to_owned()),
            valid_until: None,
        });
    }
    let earlier_cprs = if chance(rng, 1) { vec![fictitious_cpr(rng, used, birth, !female)] } else { Vec::new() };
    Citizen {
        id: uuid(rng),
        cpr,
        earlier_cprs,
        name,
        phones,
        emails,
        preferred_language: if international && chance(rng, 70) || chance(rng, 4) {
            Language::En
        } else {
            Language::Da
        },
        district: Some((*pick(rng, DISTRICTS)).to_owned()),
        digital_post,
        mitid,
        digital_readiness: readiness,
        powers_of_attorney,
        fictitious: true,
    }
}

/// Builds one citizen's events, errand by errand.
struct History<'a> {
    rng: &'a mut Rng,
    citizen: &'a Citizen,
    anchor: DateTime<Utc>,
    window_minutes: i64,
    source_prefix: &'a str,
    events: Vec<ContactEvent>,
}

impl<'a> History<'a> {
    fn new(rng: &'a mut Rng, citizen: &'a Citizen, anchor: DateTime<Utc>, years: i64, source_prefix: &'a str) -> Self {
        Self { rng, citizen, anchor, window_minutes: years * 365 * 24 * 60, source_prefix, events: Vec::new() }
    }

    fn build(mut self, target: usize) -> Vec<ContactEvent> {
        self.fill(target);
        self.events
    }

    /// Errands drawn by how common they are until there are `target` events.
    fn fill(&mut self, target: usize) {
        while self.events.len() < target {
            let errand = weighted_errand(self.rng);
            let start = self.anchor - Duration::minutes(self.rng.i64(60..self.window_minutes));
            self.errand(errand, start);
        }
    }

    fn errand(&mut self, errand: &Errand, start: DateTime<Utc>) {
        let readiness = self.citizen.digital_readiness;
        let case_ref = errand.case_prefix.map(|p| format!("{p}-{}-{:06}", start.year(), self.rng.u32(0..1_000_000)));
        let mut at = start;
        if chance(self.rng, 65) {
            let channel = *pick(self.rng, &[Channel::Web, Channel::Web, Channel::Web, Channel::Chatbot, Channel::App]);
            let summary = match channel {
                Channel::Chatbot => format!("Spurgte chatbotten om {}", errand.topic),
                Channel::App => format!("Læste om {} i appen", errand.topic),
                _ => errand.info.to_owned(),
            };
            self.push(errand, channel, Direction::Inbound, at, &summary, None, CaseStatus::Resolved, false);
            at += Duration::minutes(self.rng.i64(2..600));
        }
        let abandon_percent = match readiness {
            DigitalReadiness::SelfReliant | DigitalReadiness::Unknown => 10,
            DigitalReadiness::WithGuidance => 25,
            DigitalReadiness::NeedsAssistance => 45,
            DigitalReadiness::NotDigital => 100,
        };
        let abandoned = chance(self.rng, abandon_percent);
        let case_status = if case_ref.is_some() { CaseStatus::Open } else { CaseStatus::Resolved };
        if readiness != DigitalReadiness::NotDigital {
            let channel = if chance(self.rng, 15) { Channel::App } else { Channel::SelfService };
            let (summary, status) =
                if abandoned { (errand.stuck, CaseStatus::Resolved) } else { (errand.attempt, case_status) };
            self.push(
                errand,
                channel,
                Direction::Inbound,
                at,
                summary,
                case_ref.as_deref().filter(|_| !abandoned),
                status,
                abandoned,
            );
            at += Duration::hours(self.rng.i64(1..120));
        }
        if abandoned || chance(self.rng, 15) {
            let channel = *pick(
                self.rng,
                &[Channel::Phone, Channel::Phone, Channel::Counter, Channel::Counter, Channel::Video, Channel::Email],
            );
            let status = if case_ref.is_some() { CaseStatus::Waiting } else { CaseStatus::Resolved };
            self.push(errand, channel, Direction::Inbound, at, errand.help, case_ref.as_deref(), status, false);
            at += Duration::days(self.rng.i64(1..21));
        }
        // Recent cases are still being handled: no answer yet, so they show as open.
        let recent = self.anchor - at < Duration::days(30);
        if at < self.anchor && !(case_ref.is_some() && recent) {
            let exempt = matches!(self.citizen.digital_post, DigitalPostStatus::Exempt { .. });
            let channel = if exempt { Channel::Letter } else { Channel::DigitalPost };
            self.push(
                errand,
                channel,
                Direction::Outbound,
                at,
                errand.answer,
                case_ref.as_deref(),
                CaseStatus::Resolved,
                false,
            );
        }
    }

    #[allow(clippy::too_many_arguments)] // One call site per step kind; a builder would hide the shape of an errand.
    fn push(
        &mut self,
        errand: &Errand,
        channel: Channel,
        direction: Direction,
        at: DateTime<Utc>,
        summary: &str,
        case_ref: Option<&str>,
        status: CaseStatus,
        abandoned: bool,
    ) {
        let staffed = matches!(channel, Channel::Phone | Channel::Counter | Channel::Video | Channel::Email);
        // Staff answer in opening hours and letters go out then too; people browse from morning to late evening.
        let at = if staffed || direction == Direction::Outbound { opening_hours(at) } else { waking_hours(at) };
        if at >= self.anchor {
            return;
        }
        let staff = if staffed {
            Some((*pick(self.rng, TEAMS)).to_owned())
        } else {
            errand.team.filter(|_| case_ref.is_some()).map(str::to_owned)
        };
        let sequence = self.events.len();
        self.events.push(ContactEvent {
            id: uuid(self.rng),
            citizen_id: self.citizen.id,
            occurred_at: at,
            channel,
            direction,
            authority: AuthorityId(errand.authority.to_owned()),
            kle: errand.kle.and_then(|k| KleCatalog::builtin().topic(k).ok()),
            case_ref: case_ref.map(str::to_owned),
            status,
            summary: summary.to_owned(),
            source: source_of(channel).to_owned(),
            source_id: format!("{}-{sequence}", self.source_prefix),
            staff,
            abandoned,
            failure_demand: None,
        });
    }
}

/// Moves a time into the staffed hours (08–16 Copenhagen, here 07–15 UTC) of the same day, keeping the minutes.
fn opening_hours(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::Timelike;
    let hour = 7 + at.hour() % 8;
    at.with_hour(hour).unwrap_or(at)
}

/// Moves a time into 06–22 Copenhagen (here 05–21 UTC) of the same day, keeping the minutes.
fn waking_hours(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::Timelike;
    let hour = 5 + at.hour() % 16;
    at.with_hour(hour).unwrap_or(at)
}

/// An errand drawn by how common it is.
fn weighted_errand(rng: &mut Rng) -> &'static Errand {
    let mut roll = rng.u32(0..ERRANDS.iter().map(|e| e.weight).sum::<u32>());
    for errand in ERRANDS {
        if roll < errand.weight {
            return errand;
        }
        roll -= errand.weight;
    }
    &ERRANDS[0]
}

/// The channel system that would report a contact on this channel.
fn source_of(channel: Channel) -> &'static str {
    match channel {
        Channel::Web => "kk.dk",
        Channel::SelfService => "selvbetjening",
        Channel::Chatbot => "kk-chatbot",
        Channel::Phone => "telefoni",
        Channel::Counter => "koesystem",
        Channel::Video => "skaermservice",
        Channel::DigitalPost => "digital-post",
        Channel::Email => "e-mail",
        Channel::SocialMedia => "sociale-medier",
        Channel::App => "borger-app",
        Channel::Letter => "fjernprint",
        Channel::GroupTraining => "holdundervisning",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AuthorityCatalog;

    #[test]
    fn every_errand_names_a_known_topic_and_authority() {
        let authorities = AuthorityCatalog::builtin();
        for errand in ERRANDS {
            assert!(authorities.get(errand.authority).is_some(), "{}", errand.authority);
            if let Some(kle) = errand.kle {
                assert!(KleCatalog::builtin().topic(kle).is_ok(), "{kle}");
            }
        }
    }

    #[test]
    fn citizens_are_deterministic_fictitious_and_unique() {
        let make = || {
            let mut rng = Rng::with_seed(7);
            let mut used = HashSet::new();
            (0..300).map(|i| citizen(&mut rng, &mut used, i)).collect::<Vec<_>>()
        };
        let (first, second) = (make(), make());
        assert_eq!(first, second);
        assert!(first.iter().all(|c| c.fictitious));
        let cprs: HashSet<_> = first.iter().map(|c| c.cpr).collect();
        assert_eq!(cprs.len(), first.len());
        assert!(first.iter().any(|c| matches!(c.digital_post, DigitalPostStatus::Exempt { .. })));
        assert!(first.iter().any(|c| !c.powers_of_attorney.is_empty()));
        assert!(first.iter().any(|c| c.preferred_language == Language::En));
    }

    #[test]
    fn histories_mix_channels_and_mark_abandoned_attempts() {
        let mut rng = Rng::with_seed(11);
        let citizen = citizen(&mut rng, &mut HashSet::new(), 0);
        let anchor = DateTime::parse_from_rfc3339("2026-11-01T12:00:00Z").expect("time").to_utc();
        let events = History::new(&mut rng, &citizen, anchor, 10, "t").build(HEAVY_EVENTS);
        assert!(events.len() >= HEAVY_EVENTS);
        assert!(events.iter().all(|e| e.occurred_at < anchor));
        let count = |c: Channel| events.iter().filter(|e| e.channel == c).count();
        assert!(count(Channel::Web) + count(Channel::SelfService) > count(Channel::Phone) + count(Channel::Counter));
        assert!(events.iter().any(|e| e.abandoned && e.channel.is_self_service()));
        let ids: HashSet<_> = events.iter().map(|e| e.source_id.as_str()).collect();
        assert_eq!(ids.len(), events.len());
    }
}
