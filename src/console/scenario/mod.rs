//! Practice scenarios in the console (training mode only): pick a scenario, meet its fictitious citizen as in a
//! real session, and get feedback once the session is logged.
//!
//! Starting a scenario goes through the ordinary paths: the citizen is looked up by CPR number in the lookup (so
//! the service audits it and keeps a trainer to fictitious citizens), their tab opens, and a session starts on the
//! scenario's channel. From there the trainee finds and runs guides, marks who did each step, wraps up and logs
//! through the outbox as always; the feedback is computed from the session exactly as it was logged. Nothing here
//! writes anywhere.

pub mod view;

pub mod text;

use std::path::PathBuf;
use std::sync::Arc;

use uuid::Uuid;

use super::app::ConsoleApp;
use super::command::{GuideCommand, LookupCommand, SessionCommand};
use crate::domain::{AuthorityCatalog, CitizenId, Purpose};
use crate::guides::library::Library;
use crate::guides::scenario::feedback::{Feedback, feedback};
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
    pub scenario: Scenario,
    /// The cast citizen's name and preferred language, for the situation panel.
    pub citizen_name: String,
    pub citizen_language: crate::domain::Language,
    pub stage: Stage,
}

/// The feedback window's content.
#[derive(Clone, Debug)]
pub struct Shown {
    pub scenario: Scenario,
    pub feedback: Feedback,
}

/// Everything about practice scenarios in the console.
#[derive(Default)]
pub struct ScenarioState {
    /// Where the scenario files are: `scenarios/` in the guide directory.
    pub dir: PathBuf,
    pub corpus: ScenarioCorpus,
    pub picker_open: bool,
    pub running: Option<Running>,
    pub feedback: Option<Shown>,
    pub problem: Option<ScenarioProblem>,
}

impl ScenarioState {
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

impl ConsoleApp {
    /// Applies a scenario command.
    pub(super) fn apply_scenario(&mut self, command: ScenarioCommand) {
        match command {
            ScenarioCommand::Toggle => {
                self.scenario.picker_open = !self.scenario.picker_open;
                self.scenario.problem = None;
            }
            ScenarioCommand::Start(index) => self.start_scenario(index),
            ScenarioCommand::Retry => {
                let id = self.scenario.feedback.take().map(|shown| shown.scenario.id);
                let index = id.and_then(|id| self.scenario.corpus()?.scenarios.iter().position(|s| s.id == id));
                if let Some(index) = index {
                    self.start_scenario(index);
                }
            }
            ScenarioCommand::Stop => self.scenario.running = None,
            ScenarioCommand::CloseFeedback => self.scenario.feedback = None,
        }
    }

    /// Applies the loaded scenarios.
    pub(super) fn receive_scenarios(&mut self, reply: ScenarioReply) {
        let ScenarioReply::Loaded(result) = reply;
        self.scenario.corpus = match result {
            Ok(corpus) => ScenarioCorpus::Ready(Arc::from(corpus)),
            Err(error) => ScenarioCorpus::Failed(error),
        };
    }

    fn start_scenario(&mut self, index: usize) {
        let Some(corpus) = self.scenario.corpus().cloned() else { return };
        let Some(scenario) = corpus.scenarios.get(index) else { return };
        let Some(citizen) = corpus.cast.citizen(&scenario.citizen) else { return };
        if self.sessions.active.is_some() {
            self.scenario.problem = Some(ScenarioProblem::SessionActive);
            return;
        }
        self.scenario.problem = None;
        self.scenario.feedback = None;
        self.scenario.picker_open = false;
        self.lookup.purpose = Purpose::Training;
        self.lookup.text = citizen.cpr.compact();
        self.apply(LookupCommand::Search);
        if !self.lookup.results.is_pending() {
            // The lookup did not go out (not connected): nothing to wait for.
            self.lookup.text.clear();
            return;
        }
        self.scenario.running = Some(Running {
            scenario: scenario.clone(),
            citizen_name: citizen.name.clone(),
            citizen_language: citizen.language,
            stage: Stage::Finding { request: self.lookup.request },
        });
    }

    /// Loads the scenarios when training mode needs them, and moves a started scenario on: lookup answered →
    /// tab open → session started; logged → feedback.
    pub(super) fn scenario_tick(&mut self) {
        if !self.training() {
            return;
        }
        if matches!(self.scenario.corpus, ScenarioCorpus::NotLoaded)
            && let Some(library) = self.guides.library().cloned()
        {
            self.scenario.corpus = ScenarioCorpus::Loading;
            self.tasks.spawn(load(self.scenario.dir.clone(), library));
        }
        let Some(stage) = self.scenario.running.as_ref().map(|r| r.stage) else { return };
        match stage {
            Stage::Finding { request } => self.scenario_found(request),
            Stage::Opening(citizen) => self.scenario_opened(citizen),
            Stage::InSession(session) => self.scenario_played(session),
        }
    }

    fn scenario_failed(&mut self, problem: ScenarioProblem) {
        self.scenario.running = None;
        self.scenario.problem = Some(problem);
        self.scenario.picker_open = true;
        // The number served its lookup; it must not linger in the field.
        self.lookup.text.clear();
    }

    fn scenario_found(&mut self, request: u64) {
        if self.lookup.request != request {
            // Another lookup replaced the scenario's: the trainee went their own way.
            self.scenario.running = None;
            return;
        }
        if self.lookup.results.is_pending() {
            return;
        }
        if let Some(error) = self.lookup.results.error().cloned() {
            self.scenario_failed(ScenarioProblem::Lookup(error));
            return;
        }
        match self.lookup.results.value().map(|m| m.citizens.as_slice()) {
            Some([one]) => {
                let id = one.id;
                if let Some(running) = &mut self.scenario.running {
                    running.stage = Stage::Opening(id);
                }
            }
            Some(_) => self.scenario_failed(ScenarioProblem::NotInStore),
            None => {}
        }
    }

    fn scenario_opened(&mut self, citizen: CitizenId) {
        let Some(tab) = self.tabs.get(self.active).filter(|t| t.citizen == citizen) else {
            // The trainee closed or left the tab before the card came.
            if !self.tabs.iter().any(|t| t.citizen == citizen) {
                self.scenario.running = None;
            }
            return;
        };
        if let Some(error) = tab.profile.error().cloned() {
            self.scenario_failed(ScenarioProblem::Profile(error));
            return;
        }
        if tab.profile.value().is_none() || self.sessions.active.is_some() {
            return;
        }
        self.apply(SessionCommand::Start { anonymous: false });
        let Some(running) = &mut self.scenario.running else { return };
        let Some(session) = &mut self.sessions.active else { return };
        session.channel = running.scenario.channel;
        running.stage = Stage::InSession(session.id);
        // The trainee must find the guide themselves: the panel opens on its search, nothing is started for them.
        if !self.guides.open {
            self.apply(GuideCommand::TogglePanel);
        }
    }

    fn scenario_played(&mut self, session: Uuid) {
        if let Some(walk) = &mut self.guides.walk
            && !walk.run.is_practice()
        {
            walk.run.set_practice(true);
        }
        if let Some(logged) = self.sessions.logged.as_ref().filter(|l| l.session.id == session) {
            let Some(running) = self.scenario.running.take() else { return };
            let Some(library) = self.guides.library() else { return };
            let feedback = feedback(&running.scenario, &logged.session, library.as_ref());
            self.scenario.feedback = Some(Shown { scenario: running.scenario, feedback });
            return;
        }
        let live = self.sessions.active.as_ref().is_some_and(|s| s.id == session)
            || self.sessions.parked.iter().any(|p| p.session.id == session);
        if !live {
            // Discarded: there is nothing to give feedback on.
            self.scenario.running = None;
        }
    }
}
