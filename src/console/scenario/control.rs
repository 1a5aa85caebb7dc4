//! Applying scenario commands: a scenario starts through the ordinary lookup and session paths, is followed as it
//! goes, and gets its feedback once its session is logged.

use super::super::app::ConsoleApp;
use super::super::command::{GuideCommand, SessionCommand};
use super::super::session::ActiveSession;
use super::{Running, ScenarioCommand, ScenarioCorpus, ScenarioProblem, ScenarioReply, Shown, Stage, load};
use crate::domain::{CitizenId, Purpose};
use crate::guides::scenario::feedback::feedback;
use std::sync::Arc;
use uuid::Uuid;

impl ConsoleApp {
    /// Applies a scenario command.
    pub(in crate::console) fn apply_scenario(&mut self, command: ScenarioCommand) {
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
    pub(in crate::console) fn receive_scenarios(&mut self, reply: ScenarioReply) {
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
        if self.sessions.active().is_some() {
            self.scenario.problem = Some(ScenarioProblem::SessionActive);
            return;
        }
        self.scenario.problem = None;
        self.scenario.feedback = None;
        self.scenario.picker_open = false;
        // Not connected: the lookup did not go out, and there is nothing to wait for.
        let Some(request) = self.search_for(citizen.cpr.compact(), Some(Purpose::Training)) else { return };
        self.scenario.running = Some(Running {
            scenario: scenario.clone(),
            citizen_name: citizen.name.clone(),
            citizen_language: citizen.language,
            stage: Stage::Finding { request },
        });
    }

    /// Loads the scenarios when training mode needs them, and moves a started scenario on: lookup answered →
    /// tab open → session started; logged → feedback.
    pub(in crate::console) fn scenario_tick(&mut self) {
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
        self.lookup.clear_text();
    }

    fn scenario_found(&mut self, request: u64) {
        let Some(results) = self.lookup.answer_to(request) else {
            // Another lookup replaced the scenario's: the trainee went their own way.
            self.scenario.running = None;
            return;
        };
        if results.is_pending() {
            return;
        }
        if let Some(error) = results.error().cloned() {
            self.scenario_failed(ScenarioProblem::Lookup(error));
            return;
        }
        match results.value().map(|m| m.citizens.as_slice()) {
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
        let Some(tab) = self.citizens.active().filter(|t| t.citizen() == citizen) else {
            // The trainee closed or left the tab before the card came.
            if self.citizens.of_citizen(citizen).is_none() {
                self.scenario.running = None;
            }
            return;
        };
        if let Some(error) = tab.profile().error().cloned() {
            self.scenario_failed(ScenarioProblem::Profile(error));
            return;
        }
        if tab.profile().value().is_none() || self.sessions.active().is_some() {
            return;
        }
        self.apply(SessionCommand::Start { anonymous: false });
        let Some(session) = self.sessions.active().map(ActiveSession::id) else { return };
        let Some(running) = &mut self.scenario.running else { return };
        running.stage = Stage::InSession(session);
        let channel = running.scenario.channel;
        self.apply(SessionCommand::SetChannel(channel));
        // The trainee must find the guide themselves: the panel opens on its search, nothing is started for them.
        if !self.guides.is_open() {
            self.apply(GuideCommand::TogglePanel);
        }
    }

    fn scenario_played(&mut self, session: Uuid) {
        self.guides.make_practice();
        if let Some(logged) = self.sessions.logged().filter(|l| l.session().id == session) {
            let Some(running) = self.scenario.running.take() else { return };
            let Some(library) = self.guides.library() else { return };
            let feedback = feedback(&running.scenario, logged.session(), library.as_ref());
            self.scenario.feedback = Some(Shown { scenario: running.scenario, feedback });
            return;
        }
        if !self.sessions.is_live(session) {
            // Discarded: there is nothing to give feedback on.
            self.scenario.running = None;
        }
    }
}
