//! Applying presentation commands: what F5 presents, moving through the steps and switching language, and drawing
//! the presentation instead of the console while it is on.

use super::super::app::ConsoleApp;
use super::super::command::{Command, Commands};
use super::{PresentCommand, Presentation};

impl ConsoleApp {
    /// What F5 presents: the running guide where it is; else, with the guide panel open, the guide the search puts
    /// first (the one Enter would start).
    pub(in crate::console) fn present_shortcut(&self) -> Option<Command> {
        if self.guides.has_walk() {
            let (guide, step) = self.guides.walk_position()?;
            return Some(PresentCommand::Start { guide, step }.into());
        }
        let guide = self.guides.first_match()?;
        Some(PresentCommand::Start { guide, step: 0 }.into())
    }

    /// Draws the presentation instead of the console when one is on, and says whether it did. Nothing else is drawn
    /// then — no top bar, tabs, session or windows, and the citizen view's window closes meanwhile — so no
    /// personal data reaches the wall.
    pub(in crate::console) fn presentation_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let (Some(presentation), Some(library)) = (&self.presentation, self.guides.library().cloned()) else {
            return false;
        };
        let mut commands = Commands::default();
        let images = self.guides.images();
        super::view::ui(presentation, &library, &images, ui, &mut commands);
        for command in commands {
            self.apply(command);
        }
        true
    }

    /// Applies a presentation command.
    pub(in crate::console) fn apply_presentation(&mut self, command: PresentCommand) {
        let library = self.guides.library();
        match command {
            PresentCommand::Start { guide, step } => {
                if let Some(guide) = library.and_then(|l| l.guides.get(guide)) {
                    self.presentation = Some(Presentation::new(guide, step));
                }
            }
            PresentCommand::Go(go) => {
                if let Some(presentation) = &mut self.presentation {
                    let steps = library.and_then(|l| l.guide(&presentation.guide)).map_or(0, |g| g.steps.len());
                    presentation.go(go, steps);
                }
            }
            PresentCommand::SwitchLanguage => {
                if let Some(presentation) = &mut self.presentation {
                    presentation.toggle_language();
                }
            }
            PresentCommand::Stop => self.presentation = None,
        }
    }
}
