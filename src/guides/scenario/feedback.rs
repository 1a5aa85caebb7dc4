//! Feedback on a practice run: the session as it was logged, compared with what the scenario expects.
//!
//! Pure: the scenario, the logged session and the guides in, a list of checks out, each with a specific message
//! in Danish and English that says what to do differently. Only the guides tell which steps are MitID steps and
//! what their ends say, so the session record needs nothing added for training.

use std::collections::HashSet;

use super::super::format::{Bilingual, End};
use super::super::runner::Guides;
use super::{Scenario, end_words};
use crate::domain::{AssistedSession, GuideRun, Language, Outcome, Performer, StepState};

/// Going over the scenario's minutes by more than this share earns a remark (never a fail: people take time).
const SLOW_FACTOR: f64 = 1.5;

/// What a check looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    Guides,
    Mitid,
    Outcome,
    NextSteps,
    Time,
}

/// How a check went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    /// Worth knowing, not a mistake.
    Remark,
}

/// One thing compared, with what to tell the trainee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub aspect: Aspect,
    pub status: Status,
    pub message: Bilingual,
}

/// The feedback on one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    pub checks: Vec<Check>,
    /// The scenario's advice, shown whatever happened.
    pub advice: Vec<Bilingual>,
}

impl Feedback {
    /// Whether nothing failed (remarks do not count against the trainee).
    #[must_use]
    pub fn all_good(&self) -> bool {
        self.checks.iter().all(|c| c.status != Status::Failed)
    }

    /// The checks that failed.
    pub fn failed(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == Status::Failed)
    }
}

fn check(aspect: Aspect, status: Status, da: String, en: String) -> Check {
    Check { aspect, status, message: Bilingual { da, en } }
}

/// Compares the logged `session` with what `scenario` expects.
#[must_use]
pub fn feedback<G: Guides + ?Sized>(scenario: &Scenario, session: &AssistedSession, guides: &G) -> Feedback {
    let mut checks = guide_checks(scenario, &session.guides, guides);
    checks.push(mitid_check(&session.guides, guides));
    checks.push(outcome_check(scenario.expect.outcome, session.outcome));
    if !scenario.expect.next_steps_mention.is_empty() {
        checks.push(next_steps_check(scenario, session, guides));
    }
    checks.push(time_check(scenario.minutes, (session.ended_at - session.started_at).num_seconds()));
    Feedback { checks, advice: scenario.expect.wrapup.clone() }
}

/// A guide's title in both languages, or its id when the library no longer has it.
fn title<G: Guides + ?Sized>(guides: &G, id: &str) -> Bilingual {
    guides.guide(id).map_or_else(|| Bilingual { da: id.to_owned(), en: id.to_owned() }, |g| g.title.clone())
}

/// `'A', 'B'` in one language.
fn quoted(titles: &[Bilingual], lang: Language) -> String {
    titles.iter().map(|t| format!("'{}'", t.get(lang))).collect::<Vec<_>>().join(", ")
}

fn guide_checks<G: Guides + ?Sized>(scenario: &Scenario, runs: &[GuideRun], guides: &G) -> Vec<Check> {
    let mut used: Vec<&str> = Vec::new();
    for run in runs {
        if !used.contains(&run.guide.as_str()) {
            used.push(&run.guide);
        }
    }
    let expect = &scenario.expect;
    let others: Vec<Bilingual> =
        used.iter().filter(|id| !expect.guides.iter().any(|g| g == *id)).map(|id| title(guides, id)).collect();
    let mut checks = Vec::new();
    for missing in expect.guides.iter().filter(|id| !used.contains(&id.as_str())) {
        let name = title(guides, missing);
        let (da_used, en_used) = if others.is_empty() {
            ("Du brugte ingen anden vejledning.".to_owned(), "You used no other guide.".to_owned())
        } else {
            (
                format!("Du brugte {}.", quoted(&others, Language::Da)),
                format!("You used {}.", quoted(&others, Language::En)),
            )
        };
        checks.push(check(
            Aspect::Guides,
            Status::Failed,
            format!("Vejledningen '{}' blev ikke brugt, men den hører til her. {da_used}", name.da),
            format!("The guide '{}' was not used, but it belongs here. {en_used}", name.en),
        ));
    }
    for avoided in expect.avoid.iter().filter(|id| used.contains(&id.as_str())) {
        let name = title(guides, avoided);
        checks.push(check(
            Aspect::Guides,
            Status::Failed,
            format!("Vejledningen '{}' passer ikke til denne henvendelse – se rådene nedenfor.", name.da),
            format!("The guide '{}' does not fit this matter – see the advice below.", name.en),
        ));
    }
    if checks.is_empty() {
        let expected: Vec<Bilingual> = expect.guides.iter().map(|id| title(guides, id)).collect();
        checks.push(if expected.is_empty() {
            check(
                Aspect::Guides,
                Status::Passed,
                "Ingen vejledning var nødvendig, og ingen forkert blev brugt.".to_owned(),
                "No guide was needed, and no wrong one was used.".to_owned(),
            )
        } else {
            check(
                Aspect::Guides,
                Status::Passed,
                format!("De rigtige vejledninger blev brugt: {}.", quoted(&expected, Language::Da)),
                format!("The right guides were used: {}.", quoted(&expected, Language::En)),
            )
        });
    }
    checks
}

fn performer_label(performer: Performer) -> (&'static str, &'static str) {
    match performer {
        Performer::CitizenAlone => ("borgeren alene", "the citizen alone"),
        Performer::CitizenWithGuidance => ("borgeren med vejledning", "the citizen with guidance"),
        Performer::StaffOnBehalf => ("personalet for borgeren", "staff on the citizen's behalf"),
    }
}

/// Every MitID step the session went through must be the citizen's alone; one check naming each step that was not.
fn mitid_check<G: Guides + ?Sized>(runs: &[GuideRun], guides: &G) -> Check {
    let mut seen = HashSet::new();
    let mut wrong: Vec<(Bilingual, Performer)> = Vec::new();
    let mut named = HashSet::new();
    for run in runs {
        let Some(guide) = guides.guide(&run.guide) else { continue };
        for record in &run.steps {
            let Some(step) = guide.step(&record.step).filter(|s| s.mitid) else { continue };
            let key = (run.guide.as_str(), record.step.as_str());
            seen.insert(key);
            // A step visited twice (a login tried again after getting MitID) is named once.
            if let Some(performer) = record.performed_by.filter(|p| *p != Performer::CitizenAlone)
                && named.insert(key)
            {
                wrong.push((step.title.clone(), performer));
            }
        }
    }
    if wrong.is_empty() {
        return match seen.len() {
            0 => check(
                Aspect::Mitid,
                Status::Passed,
                "Ingen MitID-trin i forløbet.".to_owned(),
                "No MitID steps in the session.".to_owned(),
            ),
            1 => check(
                Aspect::Mitid,
                Status::Passed,
                "Borgeren klarede MitID-trinnet selv.".to_owned(),
                "The citizen did the MitID step alone.".to_owned(),
            ),
            n => check(
                Aspect::Mitid,
                Status::Passed,
                format!("Borgeren klarede alle {n} MitID-trin selv."),
                format!("The citizen did all {n} MitID steps alone."),
            ),
        };
    }
    let (da, en): (Vec<String>, Vec<String>) = wrong
        .iter()
        .map(|(title, performer)| {
            let (da, en) = performer_label(*performer);
            (
                format!(
                    "Trin '{}': MitID skal borgeren bruge selv – trinnet er markeret som udført af {da}.",
                    title.da
                ),
                format!(
                    "Step '{}': the citizen must use MitID themselves – the step is marked as done by {en}.",
                    title.en
                ),
            )
        })
        .unzip();
    check(Aspect::Mitid, Status::Failed, da.join(" "), en.join(" "))
}

fn outcome_check(expected: Outcome, actual: Outcome) -> Check {
    let (e, a) = (|l| expected.label(l), |l| actual.label(l));
    if expected == actual {
        check(
            Aspect::Outcome,
            Status::Passed,
            format!("Resultatet '{}' er det rigtige.", a(Language::Da)),
            format!("The outcome '{}' is right.", a(Language::En)),
        )
    } else {
        check(
            Aspect::Outcome,
            Status::Failed,
            format!("Resultatet blev '{}', men det rigtige her er '{}'.", a(Language::Da), e(Language::Da)),
            format!("The outcome was '{}', but the right one here is '{}'.", a(Language::En), e(Language::En)),
        )
    }
}

/// The ends the session's guides stopped at: the last step of each run that ended, and its end with the run's
/// outcome (the step itself, or one of its branch options).
fn reached_ends<'g, G: Guides + ?Sized>(runs: &[GuideRun], guides: &'g G) -> Vec<&'g End> {
    let mut ends = Vec::new();
    for run in runs {
        let (Some(outcome), Some(last), Some(guide)) = (run.outcome, run.steps.last(), guides.guide(&run.guide)) else {
            continue;
        };
        if last.state == StepState::Stopped {
            continue;
        }
        if let Some(step) = guide.step(&last.step) {
            ends.extend(step.ends().into_iter().filter(|end| end.outcome == outcome));
        }
    }
    ends
}

/// The words must be in the wrap-up's next steps as logged, or in the note and next steps of an end reached, in
/// either language: the wrap-up gives the citizen an end's next steps in their own language only.
fn next_steps_check<G: Guides + ?Sized>(scenario: &Scenario, session: &AssistedSession, guides: &G) -> Check {
    let mut text: String = session.next_steps.iter().map(|s| s.text.to_lowercase()).collect::<Vec<_>>().join("\n");
    for end in reached_ends(&session.guides, guides) {
        text.push('\n');
        text.push_str(&end_words(end));
    }
    let words = &scenario.expect.next_steps_mention;
    let missing: Vec<String> = words.iter().filter(|w| !text.contains(w.as_str())).map(|w| format!("'{w}'")).collect();
    if missing.is_empty() {
        let all: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        check(
            Aspect::NextSteps,
            Status::Passed,
            format!("De næste skridt nævner det vigtige: {}.", all.join(", ")),
            format!("The next steps mention what matters: {}.", all.join(", ")),
        )
    } else {
        check(
            Aspect::NextSteps,
            Status::Failed,
            format!("De næste skridt nævner ikke {} – tilføj det i afslutningen.", missing.join(", ")),
            format!("The next steps do not mention {} – add it in the wrap-up.", missing.join(", ")),
        )
    }
}

fn time_check(minutes: u32, seconds: i64) -> Check {
    let seconds = seconds.max(0);
    let taken = (seconds + 59) / 60;
    #[allow(clippy::cast_precision_loss)] // Seconds of a session: far below 2^52.
    let slow = seconds as f64 > f64::from(minutes) * 60.0 * SLOW_FACTOR;
    if slow {
        check(
            Aspect::Time,
            Status::Remark,
            format!(
                "Du brugte {taken} min; omkring {minutes} min er rimeligt. Det er fint at tage sig tid – se efter \
                 trin, der kunne gå hurtigere."
            ),
            format!(
                "You took {taken} min; about {minutes} min is reasonable. Taking time is fine – look for steps that \
                 could go faster."
            ),
        )
    } else {
        check(
            Aspect::Time,
            Status::Passed,
            format!("Tid: {taken} min (omkring {minutes} min er rimeligt)."),
            format!("Time: {taken} min (about {minutes} min is reasonable)."),
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::domain::{AuthorityId, Channel, ContactKind, NextStep, StepRecord};
    use crate::guides::library::Library;
    use crate::guides::scenario::Expect;

    fn library() -> Library {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default();
        Library::load(&root.join("guides"), &crate::domain::AuthorityCatalog::builtin(), today).expect("guides")
    }

    fn scenario() -> Scenario {
        Scenario {
            id: "flytning-mitid-spaerret".into(),
            title: Bilingual::default(),
            citizen: "bent-larsen".into(),
            channel: Channel::Counter,
            minutes: 30,
            situation: Bilingual::default(),
            briefing: Bilingual::default(),
            expect: Expect {
                guides: vec!["flytning".into(), "mitid".into()],
                avoid: vec!["fritagelse-digital-post".into()],
                outcome: Outcome::Completed,
                kind: ContactKind::ErrorDriven,
                next_steps_mention: vec!["postkassen".into()],
                wrapup: vec![Bilingual { da: "Råd".into(), en: "Advice".into() }],
            },
        }
    }

    fn step(id: &str, performed_by: Option<Performer>) -> StepRecord {
        StepRecord { step: id.into(), state: StepState::Completed, performed_by, attorney: None, seconds: 10 }
    }

    fn run(guide: &str, steps: Vec<StepRecord>, outcome: Option<Outcome>) -> GuideRun {
        GuideRun { guide: guide.into(), guide_version: 1, steps, outcome, reviewed: None }
    }

    fn session(guides: Vec<GuideRun>, outcome: Outcome, next_steps: &[&str], minutes: i64) -> AssistedSession {
        let started_at = Utc::now() - Duration::minutes(minutes);
        AssistedSession {
            id: Uuid::now_v7(),
            citizen_id: None,
            staff_id: Uuid::nil(),
            channel: Channel::Counter,
            authority: AuthorityId("borgerservice".into()),
            site: "Test".into(),
            started_at,
            ended_at: started_at + Duration::minutes(minutes),
            kle: None,
            guides,
            outcome,
            contact_kind: ContactKind::Transaction,
            summary: "Flytning".into(),
            next_steps: next_steps.iter().map(|t| NextStep { text: (*t).into(), due: None, url: None }).collect(),
            notes: String::new(),
            digital_readiness_after: None,
            referral: None,
            failure_demand: None,
            could_self_serve: None,
            group: None,
        }
    }

    /// The right path: the move, the MitID detour at the counter, back, and on to the end.
    fn right_runs() -> Vec<GuideRun> {
        let alone = Some(Performer::CitizenAlone);
        vec![
            run(
                "flytning",
                vec![
                    step("tjek-forudsaetninger", None),
                    step("frist", Some(Performer::CitizenWithGuidance)),
                    step("log-ind", alone),
                    step("log-ind", alone),
                    step("adresse", None),
                    step("send", None),
                ],
                Some(Outcome::Completed),
            ),
            run(
                "mitid",
                vec![step("kan-selv", None), step("identitet", None), step("udstedelse", alone)],
                Some(Outcome::Completed),
            ),
        ]
    }

    #[test]
    fn the_right_path_is_all_good() {
        let session = session(right_runs(), Outcome::Completed, &["Sæt dit efternavn på postkassen"], 20);
        let feedback = feedback(&scenario(), &session, &library());
        assert!(feedback.all_good(), "{:#?}", feedback.checks);
        let mitid = feedback.checks.iter().find(|c| c.aspect == Aspect::Mitid).expect("MitID check");
        assert_eq!(mitid.message.da, "Borgeren klarede alle 2 MitID-trin selv.");
        assert_eq!(feedback.advice.len(), 1);
    }

    #[test]
    fn a_wrong_guide_and_staff_on_a_mitid_step_are_named() {
        let runs = vec![run(
            "sundhedskort",
            vec![step("hvorfor", None), step("log-ind", Some(Performer::StaffOnBehalf))],
            Some(Outcome::Completed),
        )];
        let session = session(runs, Outcome::Referred, &[], 5);
        let feedback = feedback(&scenario(), &session, &library());
        assert!(!feedback.all_good());
        let failed: Vec<&str> = feedback.failed().map(|c| c.message.da.as_str()).collect();
        assert!(failed[0].starts_with("Vejledningen 'Anmeld flytning' blev ikke brugt"), "{failed:#?}");
        assert!(failed[0].ends_with("Du brugte 'Bestil sundhedskort (det gule kort)'."), "{failed:#?}");
        assert!(failed[1].starts_with("Vejledningen 'Få MitID' blev ikke brugt"), "{failed:#?}");
        assert!(failed[2].starts_with("Trin 'Log ind med MitID': MitID skal borgeren bruge selv"), "{failed:#?}");
        assert!(failed[2].contains("personalet for borgeren"));
        assert_eq!(failed[3], "Resultatet blev 'Henvist', men det rigtige her er 'Gennemført'.");
        assert_eq!(failed[4], "De næste skridt nævner ikke 'postkassen' – tilføj det i afslutningen.");
        let en: Vec<&str> = feedback.failed().map(|c| c.message.en.as_str()).collect();
        assert!(en[2].starts_with("Step 'Log in with MitID': the citizen must use MitID themselves"), "{en:#?}");
    }

    #[test]
    fn an_avoided_guide_fails_and_the_words_count_in_either_language_of_the_end_reached() {
        let mut scenario = scenario();
        scenario.expect.next_steps_mention = vec!["mailbox".into()];
        let mut runs = right_runs();
        runs.push(run("fritagelse-digital-post", vec![step("hvem-er-her", None)], None));
        // An English-speaking citizen: the wrap-up gave the end's next steps in English, then staff cleared them.
        let session = session(runs, Outcome::Completed, &[], 10);
        let feedback = feedback(&scenario, &session, &library());
        let failed: Vec<&str> = feedback.failed().map(|c| c.message.en.as_str()).collect();
        assert_eq!(
            failed,
            vec!["The guide 'Exemption from Digital Post' does not fit this matter – see the advice below."]
        );
    }

    #[test]
    fn a_stopped_walkthrough_reached_no_end() {
        let mut runs = right_runs();
        runs[0].steps.last_mut().expect("a step").state = StepState::Stopped;
        runs[0].outcome = None;
        let session = session(runs, Outcome::Completed, &["Kom igen"], 10);
        let feedback = feedback(&scenario(), &session, &library());
        assert_eq!(feedback.failed().map(|c| c.aspect).collect::<Vec<_>>(), vec![Aspect::NextSteps]);
    }

    #[test]
    fn taking_much_longer_is_a_remark_not_a_fail() {
        let session = session(right_runs(), Outcome::Completed, &[], 46);
        let feedback = feedback(&scenario(), &session, &library());
        let time = feedback.checks.iter().find(|c| c.aspect == Aspect::Time).expect("time");
        assert_eq!(time.status, Status::Remark);
        assert!(time.message.da.starts_with("Du brugte 46 min; omkring 30 min er rimeligt."), "{}", time.message.da);
        assert!(feedback.all_good());
        let quick = time_check(30, 44 * 60);
        assert_eq!(
            (quick.status, quick.message.en.as_str()),
            (Status::Passed, "Time: 44 min (about 30 min is reasonable).")
        );
    }

    #[test]
    fn a_refusal_needs_no_guide() {
        let mut scenario = scenario();
        scenario.expect.guides.clear();
        scenario.expect.next_steps_mention.clear();
        scenario.expect.outcome = Outcome::Referred;
        let session = session(Vec::new(), Outcome::Referred, &[], 3);
        let feedback = feedback(&scenario, &session, &library());
        assert!(feedback.all_good(), "{:#?}", feedback.checks);
        assert_eq!(feedback.checks[1].message.en, "No MitID steps in the session.");
    }
}
