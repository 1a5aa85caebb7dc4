//! A walkthrough of a guide: a pure state machine (no UI, no I/O, no clock — callers pass the time).
//!
//! It moves through steps (next, branch options, skip with a reason, back), into a linked guide and back, and
//! to an end with its outcome. It records the path taken with the time spent on each step, and serialises, so a
//! parked walkthrough resumes exactly where it stopped. MitID steps are recorded as done by the citizen alone,
//! because staff never take part in them.

use serde::{Deserialize, Serialize};

use super::format::{End, Guide, Step, Target, Then};
use super::library::Library;
use crate::domain::{AttorneyKind, GuideRun, Outcome, Performer, StepRecord, StepState};

/// Where guides are looked up.
pub trait Guides {
    /// The guide with this id.
    fn guide(&self, id: &str) -> Option<&Guide>;
}

impl Guides for Library {
    fn guide(&self, id: &str) -> Option<&Guide> {
        Library::guide(self, id)
    }
}

impl Guides for [Guide] {
    fn guide(&self, id: &str) -> Option<&Guide> {
        self.iter().find(|g| g.id == id)
    }
}

/// Why an action cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("no guide has the id '{0}'")]
    UnknownGuide(String),
    #[error("guide '{guide}' has no step '{step}'")]
    UnknownStep { guide: String, step: String },
    #[error("this step asks a question: choose one of its options")]
    NeedsChoice,
    #[error("this step has no option {0}")]
    NoSuchOption(usize),
    #[error("only a step with a plain next step can be skipped")]
    CannotSkip,
    #[error("a reason is needed to skip a step")]
    NoReason,
    #[error("the walkthrough has ended")]
    Finished,
    #[error("this is the first step")]
    AtStart,
}

/// A guide on the walkthrough's stack: the main guide, or a linked guide to return from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Frame {
    guide: String,
    version: u32,
    #[serde(default)]
    reviewed: Option<chrono::NaiveDate>,
    /// The step of the guide below to continue with when this one ends.
    return_to: Option<String>,
}

/// How the staff member left a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Exit {
    Next,
    Chose(usize),
    Skipped(String),
    Ended,
}

/// One stay on one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Visit {
    frames: Vec<Frame>,
    step: String,
    entered: f64,
    /// Seconds spent before the staff member came back to this step with Back.
    earlier_secs: f64,
    left: Option<f64>,
    exit: Option<Exit>,
    performed_by: Option<Performer>,
    attorney: Option<AttorneyKind>,
}

/// How a walkthrough (or a linked guide) ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ending {
    pub guide: String,
    pub outcome: Outcome,
}

/// A walkthrough in progress (or finished).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Walkthrough {
    visits: Vec<Visit>,
    /// Ends of linked guides, in order.
    linked_endings: Vec<Ending>,
    /// The main guide's end, once reached.
    finished: Option<Ending>,
    /// A practice run: who did a MitID step is kept as marked, so the feedback can name a mistake.
    #[serde(default)]
    practice: bool,
}

fn guide<'g, G: Guides + ?Sized>(guides: &'g G, id: &str) -> Result<&'g Guide, RunError> {
    guides.guide(id).ok_or_else(|| RunError::UnknownGuide(id.to_owned()))
}

fn step<'g>(guide: &'g Guide, id: &str) -> Result<&'g Step, RunError> {
    guide.step(id).ok_or_else(|| RunError::UnknownStep { guide: guide.id.clone(), step: id.to_owned() })
}

impl Walkthrough {
    /// Starts `guide_id` at its first step.
    pub fn start<G: Guides + ?Sized>(guides: &G, guide_id: &str, now: f64) -> Result<Self, RunError> {
        let guide = guide(guides, guide_id)?;
        step(guide, &guide.start)?;
        let frame =
            Frame { guide: guide.id.clone(), version: guide.version, reviewed: Some(guide.reviewed), return_to: None };
        let mut walkthrough = Self { visits: Vec::new(), linked_endings: Vec::new(), finished: None, practice: false };
        walkthrough.enter(vec![frame], guide.start.clone(), now);
        Ok(walkthrough)
    }

    fn enter(&mut self, frames: Vec<Frame>, step: String, now: f64) {
        self.visits.push(Visit {
            frames,
            step,
            entered: now,
            earlier_secs: 0.0,
            left: None,
            exit: None,
            performed_by: None,
            attorney: None,
        });
    }

    fn visit(&self) -> &Visit {
        // A walkthrough always holds at least its first visit.
        &self.visits[self.visits.len() - 1]
    }

    fn visit_mut(&mut self) -> &mut Visit {
        let last = self.visits.len() - 1;
        &mut self.visits[last]
    }

    /// The guide and step on screen now (the last step, once finished).
    pub fn current<'g, G: Guides + ?Sized>(&self, guides: &'g G) -> Result<(&'g Guide, &'g Step), RunError> {
        let visit = self.visit();
        let guide = guide(guides, &visit.frames[visit.frames.len() - 1].guide)?;
        Ok((guide, step(guide, &visit.step)?))
    }

    /// The main guide's id.
    #[must_use]
    pub fn main_guide(&self) -> &str {
        &self.visits[0].frames[0].guide
    }

    /// How deep in linked guides the walkthrough is (0 in the main guide).
    #[must_use]
    pub fn depth(&self) -> usize {
        self.visit().frames.len() - 1
    }

    /// Steps visited so far, the current one included.
    #[must_use]
    pub fn steps_taken(&self) -> usize {
        self.visits.len()
    }

    /// The main guide's end, once reached.
    #[must_use]
    pub fn finished(&self) -> Option<&Ending> {
        self.finished.as_ref()
    }

    /// Makes this a practice run (training), or an ordinary one.
    pub fn set_practice(&mut self, practice: bool) {
        self.practice = practice;
    }

    /// Whether this is a practice run.
    #[must_use]
    pub fn is_practice(&self) -> bool {
        self.practice
    }

    fn leave(&mut self, exit: Exit, now: f64, mitid: bool) {
        let practice = self.practice;
        let visit = self.visit_mut();
        visit.left = Some(now);
        visit.exit = Some(exit);
        if mitid && !(practice && visit.performed_by.is_some()) {
            // Staff look away on MitID steps: the citizen did it alone, whatever else was marked. A practice run
            // keeps a trainee's own mark, so the mistake can be shown to them.
            visit.performed_by = Some(Performer::CitizenAlone);
            visit.attorney = None;
        }
    }

    /// Goes on from a step with a plain next step; on an end step, finishes.
    pub fn next<G: Guides + ?Sized>(&mut self, guides: &G, now: f64) -> Result<(), RunError> {
        if self.finished.is_some() {
            return Err(RunError::Finished);
        }
        let (_, current) = self.current(guides)?;
        match &current.then {
            Then::Next(next) => {
                let next = next.clone();
                self.leave(Exit::Next, now, current.mitid);
                let frames = self.visit().frames.clone();
                self.enter(frames, next, now);
                Ok(())
            }
            Then::End(end) => {
                let end = end.clone();
                self.leave(Exit::Ended, now, current.mitid);
                self.end(guides, &end, now)
            }
            Then::Branch { .. } => Err(RunError::NeedsChoice),
        }
    }

    /// Answers the current step's question with option `index` (0-based).
    pub fn choose<G: Guides + ?Sized>(&mut self, guides: &G, index: usize, now: f64) -> Result<(), RunError> {
        if self.finished.is_some() {
            return Err(RunError::Finished);
        }
        let (_, current) = self.current(guides)?;
        let Then::Branch { options, .. } = &current.then else { return Err(RunError::NoSuchOption(index)) };
        let option = options.get(index).ok_or(RunError::NoSuchOption(index))?;
        let mitid = current.mitid;
        match option.target.clone() {
            Target::Step(next) => {
                self.leave(Exit::Chose(index), now, mitid);
                let frames = self.visit().frames.clone();
                self.enter(frames, next, now);
                Ok(())
            }
            Target::Guide { guide: linked, return_to } => {
                let linked = guide(guides, &linked)?;
                step(linked, &linked.start)?;
                self.leave(Exit::Chose(index), now, mitid);
                let mut frames = self.visit().frames.clone();
                frames.push(Frame {
                    guide: linked.id.clone(),
                    version: linked.version,
                    reviewed: Some(linked.reviewed),
                    return_to: Some(return_to),
                });
                self.enter(frames, linked.start.clone(), now);
                Ok(())
            }
            Target::End(end) => {
                self.leave(Exit::Chose(index), now, mitid);
                self.end(guides, &end, now)
            }
        }
    }

    /// Skips a step with a plain next step, recording why.
    pub fn skip<G: Guides + ?Sized>(&mut self, guides: &G, reason: &str, now: f64) -> Result<(), RunError> {
        if self.finished.is_some() {
            return Err(RunError::Finished);
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RunError::NoReason);
        }
        let (_, current) = self.current(guides)?;
        let Then::Next(next) = &current.then else { return Err(RunError::CannotSkip) };
        let next = next.clone();
        self.leave(Exit::Skipped(reason.to_owned()), now, false);
        let frames = self.visit().frames.clone();
        self.enter(frames, next, now);
        Ok(())
    }

    /// An end reached in the guide on top: a linked guide returns to the guide below; the main guide finishes.
    fn end<G: Guides + ?Sized>(&mut self, guides: &G, end: &End, now: f64) -> Result<(), RunError> {
        let mut frames = self.visit().frames.clone();
        let ended = frames.pop().ok_or(RunError::Finished)?;
        let ending = Ending { guide: ended.guide, outcome: end.outcome };
        match (ended.return_to, frames.is_empty()) {
            (Some(return_to), false) => {
                self.linked_endings.push(ending);
                let below = guide(guides, &frames[frames.len() - 1].guide)?;
                step(below, &return_to)?;
                self.enter(frames, return_to, now);
            }
            _ => self.finished = Some(ending),
        }
        Ok(())
    }

    /// Goes back to the previous step (also out of a linked guide, or out of a finished state).
    pub fn back(&mut self, now: f64) -> Result<(), RunError> {
        if self.finished.take().is_some() {
            let visit = self.visit_mut();
            visit.earlier_secs += visit.left.map_or(0.0, |left| left - visit.entered);
            visit.entered = now;
            visit.left = None;
            visit.exit = None;
            return Ok(());
        }
        if self.visits.len() < 2 {
            return Err(RunError::AtStart);
        }
        let dropped = self.visits.pop().ok_or(RunError::AtStart)?;
        if dropped.frames.len() < self.visit().frames.len() {
            // Coming back into a linked guide whose end was recorded: forget that end.
            self.linked_endings.pop();
        }
        let visit = self.visit_mut();
        visit.earlier_secs += visit.left.map_or(0.0, |left| left - visit.entered);
        visit.entered = now;
        visit.left = None;
        visit.exit = None;
        Ok(())
    }

    /// Marks who did the current step, and under which power of attorney when staff acted for the citizen.
    pub fn mark(&mut self, performed_by: Performer, attorney: Option<AttorneyKind>) {
        let visit = self.visit_mut();
        visit.performed_by = Some(performed_by);
        visit.attorney = if performed_by == Performer::StaffOnBehalf { attorney } else { None };
    }

    /// Who did the current step, as marked so far.
    #[must_use]
    pub fn marked(&self) -> (Option<Performer>, Option<AttorneyKind>) {
        (self.visit().performed_by, self.visit().attorney)
    }

    /// The path taken as `(guide, step)` pairs, current step last.
    #[must_use]
    pub fn path(&self) -> Vec<(&str, &str)> {
        self.visits.iter().map(|v| (v.frames[v.frames.len() - 1].guide.as_str(), v.step.as_str())).collect()
    }

    /// The record of the walkthrough for the session log: one run per guide, steps in the order taken, with the
    /// time spent (up to `now` for the current step). The current step counts as where it stopped.
    #[must_use]
    pub fn runs(&self, now: f64) -> Vec<GuideRun> {
        let mut runs: Vec<GuideRun> = Vec::new();
        for visit in &self.visits {
            let frame = &visit.frames[visit.frames.len() - 1];
            let seconds = visit.earlier_secs + visit.left.unwrap_or(now) - visit.entered;
            let state = match &visit.exit {
                Some(Exit::Skipped(reason)) => StepState::Skipped { reason: reason.clone() },
                Some(_) => StepState::Completed,
                None if self.finished.is_some() => StepState::Completed,
                None => StepState::Stopped,
            };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Seconds on a step: small, positive.
            let record = StepRecord {
                step: visit.step.clone(),
                state,
                performed_by: visit.performed_by,
                attorney: visit.attorney,
                seconds: seconds.max(0.0).round() as u32,
            };
            match runs.iter_mut().rev().find(|r| r.guide == frame.guide) {
                Some(run) => run.steps.push(record),
                None => runs.push(GuideRun {
                    guide: frame.guide.clone(),
                    guide_version: frame.version,
                    steps: vec![record],
                    outcome: None,
                    reviewed: frame.reviewed,
                }),
            }
        }
        for ending in self.linked_endings.iter().chain(&self.finished) {
            if let Some(run) = runs.iter_mut().find(|r| r.guide == ending.guide && r.outcome.is_none()) {
                run.outcome = Some(ending.outcome);
            }
        }
        runs
    }
}
