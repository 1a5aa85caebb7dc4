//! Practice scenarios in the console (training mode only): pick a scenario, meet its fictitious citizen as in a
//! real session, and get feedback once the session is logged.
//!
//! Starting a scenario goes through the ordinary paths: the citizen is looked up by CPR number in the lookup (so
//! the service audits it and keeps a trainer to fictitious citizens), their tab opens, and a session starts on the
//! scenario's channel. From there the trainee finds and runs guides, marks who did each step, wraps up and logs
//! through the outbox as always; the feedback is computed from the session exactly as it was logged. Nothing here
//! writes anywhere.

mod control;
pub mod view;

pub mod text;

use std::path::PathBuf;
use std::sync::Arc;

use uuid::Uuid;

use crate::domain::{AuthorityCatalog, CitizenId};
use crate::guides::library::Library;
use crate::guides::scenario::feedback::Feedback;
use crate::guides::scenario::{Corpus, Scenario, ScenarioContext};
use crate::history::client::ClientError;

/// What the practice scenarios do for a view or shortcut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScenarioCommand {
    /// Show or hide the scenario picker (training mode).
    Toggle,
    /// Start the scenario at this index: look its citizen up, open the tab, start the session.
    Start(usize),
    /// Start the scenario whose feedback is shown again.
    Retry,
    /// Stop following the scenario; the session stays as it is.
    Stop,
    CloseFeedback,
}

/// The scenarios, read and checked against the guide library off the UI thread.
pub enum ScenarioReply {
    Loaded(Result<Box<Corpus>, String>),
}

/// The scenarios as the console has them.
#[derive(Clone, Debug, Default)]
pub enum ScenarioCorpus {
    /// Loaded once the guide library is, and only in training mode.
    #[default]
    NotLoaded,
    Loading,
    Ready(Arc<Corpus>),
    /// The directory could not be read (broken scenarios are in `Corpus::problems` instead).
    Failed(String),
}

/// Why a scenario could not start.
#[derive(Clone, Debug)]
pub enum ScenarioProblem {
    /// A session is in progress: finish or discard it first, so practice never mixes with it.
    SessionActive,
    /// The store has no citizen (or several) with the cast citizen's CPR number: the cast is not seeded there.
    NotInStore,
    Lookup(ClientError),
    Profile(ClientError),
}

/// How far a started scenario has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The lookup with this request number is on its way.
    Finding { request: u64 },
    /// The citizen's tab is open; the session starts once their card has loaded.
    Opening(CitizenId),
    /// The trainee serves the citizen in this session.
    InSession(Uuid),
}

/// A scenario being played.
#[derive(Clone, Debug)]
pub struct Running {
    scenario: Scenario,
    /// The cast citizen's name and preferred language, for the situation panel.
    citizen_name: String,
    citizen_language: crate::domain::Language,
    stage: Stage,
}

/// The feedback window's content.
#[derive(Clone, Debug)]
pub struct Shown {
    scenario: Scenario,
    feedback: Feedback,
}

/// Everything about practice scenarios in the console.
#[derive(Default)]
pub struct ScenarioState {
    /// Where the scenario files are: `scenarios/` in the guide directory.
    dir: PathBuf,
    corpus: ScenarioCorpus,
    picker_open: bool,
    running: Option<Running>,
    feedback: Option<Shown>,
    problem: Option<ScenarioProblem>,
}

impl ScenarioState {
    /// Nothing loaded yet; the scenarios are read from `dir` when training mode first needs them.
    #[must_use]
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, ..Self::default() }
    }

    /// The scenarios once loaded.
    #[must_use]
    pub fn corpus(&self) -> Option<&Arc<Corpus>> {
        match &self.corpus {
            ScenarioCorpus::Ready(corpus) => Some(corpus),
            _ => None,
        }
    }
}

/// Reads and checks the scenarios against the guide library, off the UI thread.
async fn load(dir: PathBuf, library: Arc<Library>) -> ScenarioReply {
    let loaded = tokio::task::spawn_blocking(move || {
        let authorities = AuthorityCatalog::builtin();
        Corpus::load(&dir, &ScenarioContext { guides: &library, authorities: &authorities })
            .map_err(|e| format!("{}: {e}", dir.display()))
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    ScenarioReply::Loaded(loaded.map(Box::new))
}
