//! Two years of assisted sessions for the demo, worth a supervisor's look: seven sites (citizen service centres,
//! library branches, the phone contact centre, video), trends that move (more sessions guided, more steps done by
//! the citizen alone, digital take-up rising), failure demand concentrated on three solutions, and one guide with a
//! step where many stop. Logged through the store like any session, so every rollup is kept as it would be.

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use fastrand::Rng;
use uuid::Uuid;

use super::{chance, pick, uuid};
use crate::domain::{
    AssistedSession, AuthorityId, Channel, ContactKind, FailureReason, GuideRun, KleCatalog, Outcome, Performer, Role,
    Staff, StepRecord, StepState,
};
use crate::history::ingest;
use crate::history::store::{Store, StoreResult};

/// A guide as the demo needs it: the caller reads it from the guide library, so the history never depends on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoGuide {
    pub id: String,
    pub version: u32,
    /// Its first KLE topic.
    pub kle: Option<String>,
    /// Step ids in the order the guide is usually walked.
    pub steps: Vec<String>,
    pub reviewed: Option<chrono::NaiveDate>,
}

/// The CPR numbers of the hand-written demo citizens (the showcase and the practice scenarios' cast): demo sessions
/// leave them alone, since their histories tell the story the README and the scenarios describe.
#[must_use]
pub fn story_cprs(cast: &crate::domain::cast::Cast) -> Vec<crate::domain::Cpr> {
    super::showcase::cprs().chain(cast.citizens.iter().map(|c| c.cpr)).collect()
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct SessionDemo {
    pub sessions: u32,
    pub seed: u64,
    /// The latest a session starts; the first is two years before.
    pub anchor: DateTime<Utc>,
    pub guides: Vec<DemoGuide>,
    /// Fictitious citizens the sessions are for.
    pub citizens: Vec<Uuid>,
}

/// The sites, the channel they work on, and their share of the sessions in per cent.
const SITES: [(&str, Channel, Role, u32); 7] = [
    ("Borgerservice Amager", Channel::Counter, Role::Counter, 20),
    ("Borgerservice Nørrebro", Channel::Counter, Role::Counter, 17),
    ("Borgerservice Vesterbro", Channel::Counter, Role::Counter, 12),
    ("Valby Bibliotek", Channel::Counter, Role::Counter, 6),
    ("Bispebjerg Bibliotek", Channel::Counter, Role::Counter, 5),
    ("Kontaktcenter (telefon)", Channel::Phone, Role::Phone, 30),
    ("Skærmservice (video)", Channel::Video, Role::Counter, 10),
];

/// The demo staff member of a site is named after it, which is how a second start knows the sessions are there.
fn staff_name(site: &str) -> String {
    format!("Demo: {site}")
}

/// The solutions most failure demand comes from, and the reasons given.
const TROUBLE: [(&str, [FailureReason; 2]); 3] = [
    ("boligstoette", [FailureReason::SelfServiceFailed, FailureReason::ChasingProgress]),
    ("digital-post", [FailureReason::LetterNotUnderstood, FailureReason::LetterNotUnderstood]),
    ("mitid", [FailureReason::SelfServiceFailed, FailureReason::ShouldHaveBeenOnline]),
];

/// The guide with a step where many stop, and which step (its place on the path).
const HARD_GUIDE: (&str, usize) = ("boligstoette", 2);

/// Whether the demo sessions are already in the store.
pub async fn present(store: &Store) -> StoreResult<bool> {
    let first = staff_name(SITES[0].0);
    Ok(store.all_staff().await?.iter().any(|s| s.name == first))
}

/// Logs the demo sessions; `progress(done, total)` after each. Returns how many were stored.
pub async fn generate(store: &Store, demo: &SessionDemo, mut progress: impl FnMut(u32, u32)) -> StoreResult<u32> {
    let mut staff = Vec::with_capacity(SITES.len());
    for (site, _, role, _) in SITES {
        staff.push(store.add_staff(&staff_name(site), role, site, demo.anchor).await?.0);
    }
    let mut rng = Rng::with_seed(demo.seed);
    let mut stored = 0;
    for index in 0..demo.sessions {
        let site = pick_site(&mut rng);
        let session = session(&mut rng, demo, site, &staff[site]);
        let events: Vec<_> = ingest::session_event(&session, &staff[site]).into_iter().collect();
        if matches!(
            store.put_session(&session, &events, demo.anchor).await?,
            crate::history::store::SessionPutOutcome::Created
        ) {
            stored += 1;
        }
        progress(index + 1, demo.sessions);
        if index % 5_000 == 4_999 {
            store.checkpoint().await?;
        }
    }
    Ok(stored)
}

fn pick_site(rng: &mut Rng) -> usize {
    let mut roll = rng.u32(0..100);
    for (index, (.., share)) in SITES.iter().enumerate() {
        if roll < *share {
            return index;
        }
        roll -= share;
    }
    0
}

/// A weekday in the two years before the anchor, in opening hours (08–15 Copenhagen, 07–14 UTC), and how far into
/// the two years it is (0 to 1).
fn when(rng: &mut Rng, anchor: DateTime<Utc>) -> (DateTime<Utc>, f64) {
    let days = rng.i64(0..730);
    let mut day = (anchor - Duration::days(730 - days)).date_naive();
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day = day.pred_opt().unwrap_or(day);
    }
    let at = day.and_hms_opt(rng.u32(7..14), rng.u32(0..60), 0).unwrap_or_default().and_utc();
    #[allow(clippy::cast_precision_loss)] // Under 730.
    (at, days as f64 / 730.0)
}

fn session(rng: &mut Rng, demo: &SessionDemo, site: usize, staff: &Staff) -> AssistedSession {
    let (started_at, progress) = when(rng, demo.anchor);
    let with_guide = !demo.guides.is_empty() && rng.f64() < 0.4 + 0.35 * progress;
    let (run, kle) = if with_guide {
        let guide = pick(rng, &demo.guides);
        (Some(walk(rng, guide, progress)), guide.kle.clone())
    } else {
        (None, demo.guides.get(rng.usize(..demo.guides.len().max(1))).and_then(|guide| guide.kle.clone()))
    };
    let stopped = run.as_ref().is_some_and(|run| run.steps.iter().any(|s| s.state == StepState::Stopped));
    let solution = run.as_ref().map(|run: &GuideRun| run.guide.clone()).unwrap_or_default();
    let guides: Vec<GuideRun> = run.into_iter().collect();
    let outcome = if stopped {
        *pick(rng, &[Outcome::NotPossibleToday, Outcome::Abandoned, Outcome::FollowUpBooked])
    } else {
        *pick(
            rng,
            &[
                Outcome::Completed,
                Outcome::Completed,
                Outcome::Completed,
                Outcome::Completed,
                Outcome::Completed,
                Outcome::Completed,
                Outcome::FollowUpBooked,
                Outcome::HandedOver,
                Outcome::Referred,
                Outcome::NotPossibleToday,
            ],
        )
    };
    let contact_kind = match rng.u32(0..100) {
        0..55 => ContactKind::Transaction,
        55..95 => ContactKind::Information,
        _ => ContactKind::ErrorDriven,
    };
    let (name, channel, ..) = SITES[site];
    AssistedSession {
        id: uuid(rng),
        // Always a demo citizen: a session that names nobody would count among real citizens.
        citizen_id: (!demo.citizens.is_empty()).then(|| *pick(rng, &demo.citizens)),
        staff_id: staff.id,
        channel,
        authority: AuthorityId("borgerservice".into()),
        site: name.to_owned(),
        started_at,
        ended_at: started_at + Duration::minutes(rng.i64(4..40)),
        kle: kle.and_then(|k| KleCatalog::builtin().topic(&k).ok()),
        guides,
        outcome,
        contact_kind,
        summary: "Hjælp til selvbetjening (demo)".into(),
        next_steps: Vec::new(),
        notes: String::new(),
        digital_readiness_after: None,
        referral: None,
        failure_demand: failure(rng, &solution),
        could_self_serve: None,
        group: None,
    }
}

/// Failure demand: mostly behind three solutions, now and then anywhere.
fn failure(rng: &mut Rng, solution: &str) -> Option<FailureReason> {
    if let Some((_, reasons)) = TROUBLE.iter().find(|(id, _)| *id == solution) {
        return chance(rng, 45).then(|| *pick(rng, reasons));
    }
    chance(rng, 6).then(|| *pick(rng, &FailureReason::ALL))
}

/// A walk through a guide: its steps in order until it ends or stops. Later in the two years citizens do more
/// of the steps alone.
fn walk(rng: &mut Rng, guide: &DemoGuide, progress: f64) -> GuideRun {
    let mut steps = Vec::new();
    let mut outcome = Some(Outcome::Completed);
    for (place, step) in guide.steps.iter().enumerate() {
        let hard = guide.id == HARD_GUIDE.0 && place == HARD_GUIDE.1;
        let state = if (hard && chance(rng, 45)) || chance(rng, 3) {
            StepState::Stopped
        } else if chance(rng, 8) {
            StepState::Skipped {
                reason: pick(rng, &["Ikke relevant", "Borgeren havde gjort det", "Mangler papirer"]).to_string(),
            }
        } else {
            StepState::Completed
        };
        let roll = rng.f64();
        let performed_by = if roll < 0.15 + 0.4 * progress {
            Performer::CitizenAlone
        } else if roll < 0.7 + 0.1 * progress {
            Performer::CitizenWithGuidance
        } else {
            Performer::StaffOnBehalf
        };
        let stop = state == StepState::Stopped;
        let seconds = if hard { rng.u32(90..600) } else { rng.u32(15..240) };
        steps.push(StepRecord { step: step.clone(), state, performed_by: Some(performed_by), attorney: None, seconds });
        if stop {
            outcome = Some(*pick(rng, &[Outcome::NotPossibleToday, Outcome::Abandoned]));
            break;
        }
    }
    GuideRun { guide: guide.id.clone(), guide_version: guide.version, steps, outcome, reviewed: guide.reviewed }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guides() -> Vec<DemoGuide> {
        ["flytning", "boligstoette", "digital-post", "mitid"]
            .map(|id| DemoGuide {
                id: id.into(),
                version: 1,
                kle: Some("23.05.10".into()),
                steps: (0..5).map(|i| format!("trin-{i}")).collect(),
                reviewed: None,
            })
            .to_vec()
    }

    #[test]
    fn the_hard_step_stops_many_and_later_sessions_are_guided_more_often() {
        let demo = SessionDemo { sessions: 0, seed: 3, anchor: Utc::now(), guides: guides(), citizens: Vec::new() };
        let staff = Staff { id: Uuid::nil(), name: "x".into(), role: Role::Counter, site: "x".into(), active: true };
        let mut rng = Rng::with_seed(3);
        let sessions: Vec<_> = (0..4000).map(|_| session(&mut rng, &demo, 0, &staff)).collect();
        let stops_at = |place: usize| {
            sessions
                .iter()
                .flat_map(|s| &s.guides)
                .filter(|r| r.guide == HARD_GUIDE.0 && r.steps.len() == place + 1)
                .filter(|r| r.steps.last().is_some_and(|s| s.state == StepState::Stopped))
                .count()
        };
        assert!(stops_at(HARD_GUIDE.1) > 5 * stops_at(HARD_GUIDE.1 + 1), "the hard step is where they stop");
        let half = demo.anchor - Duration::days(365);
        let guided =
            |early: bool| sessions.iter().filter(|s| (s.started_at < half) == early && !s.guides.is_empty()).count();
        assert!(guided(false) > guided(true), "more sessions guided in the second year");
        let failures: Vec<_> = sessions.iter().filter(|s| s.failure_demand.is_some()).collect();
        let in_trouble = failures.iter().filter(|s| s.guides.first().is_some_and(|r| r.guide != "flytning")).count();
        assert!(in_trouble * 10 > failures.len() * 7, "failure demand is concentrated on three solutions");
    }
}
