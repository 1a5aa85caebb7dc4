//! Applying scenario commands: a scenario starts through the ordinary lookup and session paths, is followed as it
//! goes, and gets its feedback once its session is logged.

use super::super::app::ConsoleApp;
use super::super::command::{GuideCommand, LookupCommand, SessionCommand};
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
