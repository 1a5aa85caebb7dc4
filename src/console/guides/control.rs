//! Applying guide commands: the panel, starting and stopping a walkthrough (its path taken into the session),
//! moving through it (a refusal stays on screen, in words), and the suggestions from the citizen's history.

use super::super::app::ConsoleApp;
use super::{ActiveWalk, GuideCommand, GuideLibrary, GuideReply};
use crate::guides::library::Library;
use crate::guides::runner::{RunError, Walkthrough};
use crate::guides::suggest::suggest;
use chrono::Utc;
use std::collections::HashSet;
use std::sync::Arc;

impl ConsoleApp {
    /// Applies a guide command.
    pub(in crate::console) fn apply_guide(&mut self, command: GuideCommand) {
        match command {
            GuideCommand::TogglePanel => {
                self.guides.open = !self.guides.open;
                self.guides.focus_search = self.guides.open && self.guides.walk.is_none();
            }
            GuideCommand::ToggleCitizenView => self.guides.citizen_view = !self.guides.citizen_view,
            GuideCommand::Start(index) => {
                self.capture_walk();
                self.start_guide(index);
            }
            GuideCommand::Stop => {
                self.capture_walk();
                self.guides.walk = None;
                self.guides.citizen_view = false;
            }
            GuideCommand::Next => {
                self.move_walk(|walk, library, now| walk.run.next(library, now));
            }
            GuideCommand::Back => {
                self.move_walk(|walk, _, now| walk.run.back(now));
            }
            GuideCommand::Choose(index) => {
                self.move_walk(|walk, library, now| walk.run.choose(library, index, now));
            }
            GuideCommand::Skip => {
                let skipped = self.move_walk(|walk, library, now| walk.run.skip(library, &walk.skip_reason, now));
                if let (true, Some(walk)) = (skipped, &mut self.guides.walk) {
                    walk.skip_reason.clear();
                    walk.skipping = false;
                }
            }
        }
    }

    pub(in crate::console) fn receive_guides(&mut self, reply: GuideReply) {
        let GuideReply::Loaded(result) = reply;
        self.guides.library = match result {
            Ok((library, images)) => {
                self.guides.images = Arc::new(images);
                GuideLibrary::Ready(Arc::new(library))
            }
            Err(error) => GuideLibrary::Failed(error),
        };
    }

    /// Moves the walkthrough a step; a refusal ("this is the first step") stays on screen. Whether it moved.
    fn move_walk(&mut self, step: impl FnOnce(&mut ActiveWalk, &Library, f64) -> Result<(), RunError>) -> bool {
        let now = self.now;
        let Some(library) = self.guides.library().cloned() else { return false };
        let Some(walk) = &mut self.guides.walk else { return false };
        walk.error = step(walk, library.as_ref(), now).err();
        walk.error.is_none()
    }

    fn start_guide(&mut self, index: usize) {
        let Some(library) = self.guides.library().cloned() else { return };
        let Some(guide) = library.guides.get(index) else { return };
        let tab = self.citizens.active();
        let citizen_language =
            tab.and_then(|t| t.profile().value()).map_or(self.prefs.language, |p| p.preferred_language);
        match Walkthrough::start(library.as_ref(), &guide.id, self.now) {
            Ok(run) => {
                self.guides.walk = Some(ActiveWalk {
                    run,
                    tab: tab.map(super::super::citizen::CitizenTab::id),
                    citizen_language,
                    skip_reason: String::new(),
                    skipping: false,
                    checked: HashSet::new(),
                    error: None,
                });
                self.guides.open = true;
                // The guide's topic is the session's reason, unless staff chose one.
                if let Some(topic) = guide.kle.first() {
                    self.suggest_reason(topic);
                }
            }
            // Only checked guides reach the library, so this is a defect; the message names the guide, not the citizen.
            Err(error) => tracing::warn!(%error, "a checked guide could not start"),
        }
    }

    /// Keeps the active tab's suggestions in step with its history, and the citizen view in the citizen's language
    /// once their profile has arrived.
    pub(in crate::console) fn refresh_suggestions(&mut self) {
        if let Some(walk) = &mut self.guides.walk
            && let Some(profile) = walk.tab.and_then(|id| self.citizens.get(id)).and_then(|t| t.profile().value())
        {
            walk.citizen_language = profile.preferred_language;
        }
        let Some(library) = self.guides.library().cloned() else { return };
        let Some(tab) = self.citizens.active() else {
            self.guides.suggestions = None;
            return;
        };
        let events = tab.events();
        let cases = tab.profile().value().map(|p| p.open_cases.as_slice()).unwrap_or_default();
        let fresh = self
            .guides
            .suggestions
            .as_ref()
            .is_some_and(|(id, n, c, _)| *id == tab.id() && *n == events.len() && *c == cases.len());
        if !fresh {
            let suggestions = suggest(&library.guides, cases, events, Utc::now());
            self.guides.suggestions = Some((tab.id(), events.len(), cases.len(), suggestions));
        }
    }
}
