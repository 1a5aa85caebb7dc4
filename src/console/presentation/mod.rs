//! Presentation mode: a guide shown one step at a time across the whole window, for a projector, when a trainer
//! walks a group of citizens through a self-service solution. Owns which guide and step are on screen and in which
//! language, the keys that move through them (a clicker sends PageUp/PageDown), and applying the commands;
//! `presentation::view` draws it.
//!
//! It must never put personal data on the wall: it reads nothing from the citizen tabs or the session, and while
//! it is on the app draws nothing else — even with a citizen tab open behind it.

mod control;
pub mod text;
pub mod view;

use egui::{InputState, Key, Modifiers};

use super::command::{Command, Commands};
use crate::domain::Language;
use crate::guides::format::Guide;

/// What presenting does for a key or button.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PresentCommand {
    /// Show the guide at this index of the library across the whole window for a projector, from this step (an
    /// index into its steps as the file orders them).
    Start {
        guide: usize,
        step: usize,
    },
    Go(Go),
    /// Switch the presentation between Danish and English.
    SwitchLanguage,
    Stop,
}

/// A move through the steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Go {
    Next,
    Back,
    First,
    Last,
}

/// Keys and the moves they make: the arrows and Space for a keyboard, PageUp/PageDown for a clicker.
const MOVES: [(Key, Go); 10] = [
    (Key::PageDown, Go::Next),
    (Key::ArrowRight, Go::Next),
    (Key::ArrowDown, Go::Next),
    (Key::Space, Go::Next),
    (Key::PageUp, Go::Back),
    (Key::ArrowLeft, Go::Back),
    (Key::ArrowUp, Go::Back),
    (Key::Backspace, Go::Back),
    (Key::Home, Go::First),
    (Key::End, Go::Last),
];

/// The guide on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presentation {
    guide: String,
    /// The step shown, as an index into the guide's steps in the order the file has them. A presentation is a
    /// walkthrough of the screens, not a run: branches are not followed and nothing is recorded, so every step is
    /// shown, one after the other.
    step: usize,
    lang: Language,
}

impl Presentation {
    /// Presents `guide` from `step` (its last step if there are fewer), in Danish: the citizens' language.
    #[must_use]
    pub fn new(guide: &Guide, step: usize) -> Self {
        Self { guide: guide.id.clone(), step: step.min(guide.steps.len().saturating_sub(1)), lang: Language::Da }
    }

    /// Moves within a guide of `steps` steps; it stops at either end rather than wrapping, so an extra click on the
    /// clicker never jumps the room back to the start.
    pub fn go(&mut self, go: Go, steps: usize) {
        let last = steps.saturating_sub(1);
        self.step = match go {
            Go::Next => (self.step + 1).min(last),
            Go::Back => self.step.saturating_sub(1).min(last),
            Go::First => 0,
            Go::Last => last,
        };
    }

    /// Switches between Danish and English.
    pub fn toggle_language(&mut self) {
        self.lang = match self.lang {
            Language::Da => Language::En,
            Language::En => Language::Da,
        };
    }
}

/// Takes the presentation's keys from the input. While presenting no other shortcut applies, so none of them can
/// act on a citizen nobody can see.
pub fn keys(input: &mut InputState) -> Commands {
    let mut commands = Commands::default();
    for (key, go) in MOVES {
        // Two clicks within one frame are two steps.
        let presses = input.count_and_consume_key(Modifiers::NONE, key);
        commands.extend(std::iter::repeat_n(Command::Present(PresentCommand::Go(go)), presses));
    }
    if input.consume_key(Modifiers::NONE, Key::L) {
        commands.push(PresentCommand::SwitchLanguage);
    }
    if input.consume_key(Modifiers::NONE, Key::Escape) {
        commands.push(PresentCommand::Stop);
    }
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(step: usize) -> Presentation {
        Presentation { guide: "flytning".into(), step, lang: Language::Da }
    }

    #[test]
    fn moves_stop_at_either_end() {
        let mut presentation = at(0);
        presentation.go(Go::Back, 9);
        assert_eq!(presentation.step, 0);
        presentation.go(Go::Next, 9);
        presentation.go(Go::Next, 9);
        assert_eq!(presentation.step, 2);
        presentation.go(Go::Last, 9);
        assert_eq!(presentation.step, 8);
        presentation.go(Go::Next, 9);
        assert_eq!(presentation.step, 8);
        presentation.go(Go::Back, 9);
        assert_eq!(presentation.step, 7);
        presentation.go(Go::First, 9);
        assert_eq!(presentation.step, 0);
    }

    #[test]
    fn a_guide_without_steps_stays_at_zero() {
        let mut presentation = at(0);
        for go in [Go::Next, Go::Back, Go::First, Go::Last] {
            presentation.go(go, 0);
            assert_eq!(presentation.step, 0);
        }
    }

    #[test]
    fn the_language_toggles_between_danish_and_english() {
        let mut presentation = at(0);
        presentation.toggle_language();
        assert_eq!(presentation.lang, Language::En);
        presentation.toggle_language();
        assert_eq!(presentation.lang, Language::Da);
    }

    #[test]
    fn clicker_and_keyboard_keys_move_and_other_keys_do_not() {
        let key = |key| egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: Modifiers::NONE,
        };
        let raw = egui::RawInput {
            events: vec![key(Key::PageDown), key(Key::PageDown), key(Key::PageUp), key(Key::L), key(Key::A)],
            ..egui::RawInput::default()
        };
        let ctx = egui::Context::default();
        let mut commands = Commands::default();
        let mut output = ctx.run_ui(raw, |ui| commands = ui.input_mut(keys));
        // Nothing renders here, so the font atlas egui made is dropped on purpose.
        output.textures_delta.clear();
        assert_eq!(
            commands.as_slice(),
            [
                PresentCommand::Go(Go::Next).into(),
                PresentCommand::Go(Go::Next).into(),
                PresentCommand::Go(Go::Back).into(),
                Command::from(PresentCommand::SwitchLanguage)
            ]
        );
    }
}
