//! What one logged session or one reported contact adds to the insight rollups: the counts a supervisor's charts
//! are read from. Derived here, from the same KOMHEN table as the KOMHEN file, so the store only adds and takes
//! away rows and a rebuild from the raw rows derives exactly what the writes did.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Copenhagen;

use super::channel::Channel;
use super::contact::{ContactEvent, Direction};
use super::failure::FailureReason;
use super::komhen::{Closing, Counted, KomhenType};
use super::session::{AssistedSession, Outcome, Performer, StepState};

/// Contacts are counted by the day they happened in Copenhagen, as the centres that had them count their day.
#[must_use]
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Copenhagen).date_naive()
}

/// The instant a Copenhagen day starts (its first valid local time, across a change of clocks).
#[must_use]
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    Copenhagen
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |local| local.with_timezone(&Utc))
}

/// A guide checked against its solution on `reviewed` is stale on `today` once 12 months have gone: solutions
/// change screens often enough that an unchecked walkthrough misleads staff (a leap day counts to 28 February).
#[must_use]
pub fn is_stale(reviewed: NaiveDate, today: NaiveDate) -> bool {
    reviewed.checked_add_months(chrono::Months::new(12)).is_some_and(|due| today > due)
}

/// A day as the rollups key it: days since 1 January 1970.
#[must_use]
pub fn day_number(day: NaiveDate) -> i64 {
    (day - NaiveDate::default()).num_days()
}

/// The day a [`day_number`] stands for.
#[must_use]
pub fn day_of_number(number: i64) -> NaiveDate {
    NaiveDate::default() + chrono::Duration::days(number)
}

/// Whose contacts a row counts: real citizens, or the fictitious ones of a demo or of practice. The two are never
/// added together; sessions logged by trainers are not counted at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Population {
    Real,
    Fictitious,
}

impl Population {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Real => "real",
            Self::Fictitious => "fictitious",
        }
    }
}

/// Whether a contact completed a transaction, and how (GOV.UK's digital take-up: help given while the citizen
/// uses the digital service counts as digital).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Completion {
    /// Not a completed transaction.
    None,
    /// Done by the citizen in the self-service solution.
    Digital,
    /// Done in the self-service solution with staff's help (a guide ran and a step of it was done).
    AssistedDigital,
    /// Done some other way: by staff in a case system, on paper.
    Other,
}

impl Completion {
    pub const ALL: [Self; 4] = [Self::None, Self::Digital, Self::AssistedDigital, Self::Other];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Digital => "digital",
            Self::AssistedDigital => "assisted_digital",
            Self::Other => "other",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Counts towards digital take-up.
    #[must_use]
    pub fn is_digital(self) -> bool {
        matches!(self, Self::Digital | Self::AssistedDigital)
    }
}

/// One contact's row in the contact rollup. Empty text stands for "none" (no KLE topic, no failure, no guide).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContactKey {
    pub day: i64,
    pub site: String,
    /// Our channel code (`phone`), not KOMHEN's: the charts speak of our channels.
    pub channel: String,
    pub kle: String,
    pub kind: String,
    pub closing: String,
    pub failure: String,
    /// `session` (assisted, logged here) or `contact` (reported by a channel system).
    pub origin: String,
    pub completion: String,
    /// The guide the citizen was helped through: the self-service solution behind the contact.
    pub solution: String,
}

/// A contact and the seconds it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactCount {
    pub key: ContactKey,
    pub seconds: i64,
    /// Staff judged that the citizen could have done it online (KOMHEN's optional question).
    pub could_online: bool,
}

/// What a logged session adds to the contact rollup. Sessions are inbound: the citizen came or called.
#[must_use]
pub fn session_contact(session: &AssistedSession) -> ContactCount {
    let counted = Counted::session(session, Direction::Inbound);
    let guided = session.guides.iter().flat_map(|run| &run.steps).any(|step| step.state == StepState::Completed);
    let completion = match (counted.kind.is_transaction(), session.outcome) {
        (true, Outcome::Completed) if guided => Completion::AssistedDigital,
        (true, Outcome::Completed) => Completion::Other,
        _ => Completion::None,
    };
    ContactCount {
        key: ContactKey {
            day: day_number(local_day(session.started_at)),
            site: session.site.clone(),
            channel: session.channel.code().to_owned(),
            kle: session.kle.as_ref().map(|k| k.as_str().to_owned()).unwrap_or_default(),
            kind: counted.kind.code().to_owned(),
            closing: counted.closing.code().to_owned(),
            failure: session.failure_demand.map(FailureReason::code).unwrap_or_default().to_owned(),
            origin: "session".to_owned(),
            completion: completion.code().to_owned(),
            solution: session.guides.first().map(|run| run.guide.clone()).unwrap_or_default(),
        },
        seconds: i64::from(counted.seconds),
        could_online: session.could_self_serve == Some(true),
    }
}

/// What a contact a channel system reported adds to the contact rollup. Its unit is the reporting source.
#[must_use]
pub fn event_contact(event: &ContactEvent) -> ContactCount {
    let counted = Counted::event(event);
    let completion = if counted.kind == KomhenType::Opret && event.channel == Channel::SelfService {
        Completion::Digital
    } else {
        Completion::None
    };
    ContactCount {
        key: ContactKey {
            day: day_number(local_day(event.occurred_at)),
            site: counted.unit,
            channel: event.channel.code().to_owned(),
            kle: event.kle.as_ref().map(|k| k.as_str().to_owned()).unwrap_or_default(),
            kind: counted.kind.code().to_owned(),
            closing: counted.closing.code().to_owned(),
            failure: event.failure_demand.map(FailureReason::code).unwrap_or_default().to_owned(),
            origin: "contact".to_owned(),
            completion: completion.code().to_owned(),
            solution: String::new(),
        },
        seconds: 0,
        could_online: false,
    }
}

/// Whether a closing code means closed at once.
#[must_use]
pub fn is_straks(closing: &str) -> bool {
    closing == Closing::Straks.code()
}

/// How a guide step ended, for a funnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepEnd {
    Completed,
    Skipped,
    /// The walkthrough stopped here because the solution or the guide broke: the session could not be finished
    /// today, or staff judged that the self-service solution failed.
    Failed,
    /// The walkthrough stopped here because the citizen or staff stopped it.
    Exited,
}

impl StepEnd {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
            Self::Exited => "exited",
        }
    }
}

/// Upper bounds, in seconds, of the buckets a step's time is counted in; a median is read from them.
pub const SECONDS_BUCKETS: [i64; 14] = [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200, i64::MAX];

/// The bucket `seconds` falls in.
#[must_use]
pub fn seconds_bucket(seconds: i64) -> i64 {
    SECONDS_BUCKETS.into_iter().find(|bound| seconds <= *bound).unwrap_or(i64::MAX)
}

/// One guide step's row in the step rollup.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepKey {
    pub day: i64,
    pub site: String,
    pub guide: String,
    pub version: i64,
    pub step: String,
    /// `citizen_alone`, `citizen_with_guidance`, `staff_on_behalf`, or empty when not said.
    pub performer: String,
    pub end: String,
    /// Why the step was skipped; empty otherwise.
    pub reason: String,
    pub bucket: i64,
}

/// A step on a session's path, its place on the path and the seconds it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepCount {
    pub key: StepKey,
    pub position: i64,
    pub seconds: i64,
}

/// Skip reasons are staff's words: kept short, so a rollup row cannot grow without bound.
const REASON_CHARS: usize = 80;

/// What a session's guide runs add to the step rollup.
#[must_use]
pub fn session_steps(session: &AssistedSession) -> Vec<StepCount> {
    let broke = session.outcome == Outcome::NotPossibleToday
        || session.failure_demand == Some(FailureReason::SelfServiceFailed);
    let day = day_number(local_day(session.started_at));
    let mut counts = Vec::new();
    for run in &session.guides {
        let run_broke = broke || run.outcome == Some(Outcome::NotPossibleToday);
        for (position, record) in run.steps.iter().enumerate() {
            let (end, reason) = match &record.state {
                StepState::Completed => (StepEnd::Completed, String::new()),
                StepState::Skipped { reason } => (StepEnd::Skipped, reason.chars().take(REASON_CHARS).collect()),
                StepState::Stopped if run_broke => (StepEnd::Failed, String::new()),
                StepState::Stopped => (StepEnd::Exited, String::new()),
            };
            let seconds = i64::from(record.seconds);
            counts.push(StepCount {
                key: StepKey {
                    day,
                    site: session.site.clone(),
                    guide: run.guide.clone(),
                    version: i64::from(run.guide_version),
                    step: record.step.clone(),
                    performer: record.performed_by.map(performer_code).unwrap_or_default().to_owned(),
                    end: end.code().to_owned(),
                    reason,
                    bucket: seconds_bucket(seconds),
                },
                position: i64::try_from(position).unwrap_or(i64::MAX),
                seconds,
            });
        }
    }
    counts
}

/// The wire code of a performer.
#[must_use]
pub fn performer_code(performer: Performer) -> &'static str {
    match performer {
        Performer::CitizenAlone => "citizen_alone",
        Performer::CitizenWithGuidance => "citizen_with_guidance",
        Performer::StaffOnBehalf => "staff_on_behalf",
    }
}

/// How many of a session's steps the citizen did alone, and how many said who did them.
#[must_use]
pub fn readiness_steps(session: &AssistedSession) -> (i64, i64) {
    let performers = session.guides.iter().flat_map(|run| &run.steps).filter_map(|step| step.performed_by);
    performers
        .fold((0, 0), |(alone, all), performer| (alone + i64::from(performer == Performer::CitizenAlone), all + 1))
}

/// Whether a contact on this channel had staff helping the citizen: what a given-up self-service attempt can be
/// followed by to make a *tilbageløb*.
#[must_use]
pub fn is_assisted(channel: Channel) -> bool {
    matches!(channel, Channel::Phone | Channel::Counter | Channel::Video | Channel::GroupTraining)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_guide_is_stale_a_year_after_its_review() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert!(!is_stale(day(2025, 12, 3), day(2026, 12, 3)), "on the day a year later it is still fresh");
        assert!(is_stale(day(2025, 12, 2), day(2026, 12, 3)));
        assert!(!is_stale(day(2024, 2, 29), day(2025, 2, 28)));
        assert!(is_stale(day(2024, 2, 29), day(2025, 3, 1)));
    }

    use super::*;
    use crate::domain::{ContactKind, GuideRun, StepRecord};
    use chrono::TimeZone;

    fn step(state: StepState, performed_by: Option<Performer>, seconds: u32) -> StepRecord {
        StepRecord { step: "trin".into(), state, performed_by, attorney: None, seconds }
    }

    #[test]
    fn a_day_is_the_copenhagen_date() {
        // 23:30 UTC on 30 November is already 1 December in Copenhagen.
        let late = Utc.with_ymd_and_hms(2026, 11, 30, 23, 30, 0).single().expect("time");
        assert_eq!(local_day(late), NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"));
        assert_eq!(day_of_number(day_number(local_day(late))), local_day(late));
        assert_eq!(day_number(NaiveDate::from_ymd_opt(1970, 1, 2).expect("date")), 1);
    }

    #[test]
    fn a_completed_guided_transaction_is_assisted_digital_and_one_without_a_guide_is_not() {
        let mut session = AssistedSession::example(Channel::Counter, ContactKind::Transaction, Outcome::Completed);
        assert_eq!(session_contact(&session).key.completion, "other");
        session.guides.push(GuideRun {
            guide: "flytning".into(),
            guide_version: 2,
            steps: vec![step(StepState::Completed, Some(Performer::CitizenAlone), 40)],
            outcome: Some(Outcome::Completed),
            reviewed: None,
        });
        let count = session_contact(&session);
        assert_eq!((count.key.completion.as_str(), count.key.solution.as_str()), ("assisted_digital", "flytning"));
        assert_eq!((count.key.kind.as_str(), count.seconds), ("OPRET", 754));
        let information = AssistedSession::example(Channel::Phone, ContactKind::Information, Outcome::Completed);
        assert_eq!(session_contact(&information).key.completion, "");
    }

    #[test]
    fn a_stop_is_a_failure_when_the_solution_broke_and_an_exit_otherwise() {
        let run = |outcome| GuideRun {
            guide: "boligstoette".into(),
            guide_version: 1,
            steps: vec![
                step(StepState::Completed, Some(Performer::CitizenWithGuidance), 3),
                step(StepState::Skipped { reason: "har ikke NemKonto".into() }, None, 700),
                step(StepState::Stopped, Some(Performer::StaffOnBehalf), 61),
            ],
            outcome: Some(outcome),
            reviewed: None,
        };
        let mut session = AssistedSession::example(Channel::Counter, ContactKind::Transaction, Outcome::Abandoned);
        session.guides.push(run(Outcome::Abandoned));
        let ends: Vec<String> = session_steps(&session).into_iter().map(|s| s.key.end).collect();
        assert_eq!(ends, ["completed", "skipped", "exited"]);
        session.outcome = Outcome::NotPossibleToday;
        let steps = session_steps(&session);
        assert_eq!(steps[2].key.end, "failed");
        assert_eq!((steps[0].key.bucket, steps[1].key.bucket, steps[2].key.bucket), (5, 1200, 90));
        assert_eq!(steps[1].key.reason, "har ikke NemKonto");
        assert_eq!(readiness_steps(&session), (0, 2));
    }
}
