//! The command table: every keyboard shortcut the console has, with its keys and its words. The key handler, the
//! shortcut line at the bottom, tooltips, the session strip's and guide panel's key lines and button labels all
//! read it, so what the screen says is what the keys do.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::domain::{Channel, Language};

use super::super::app::ConsoleApp;
use super::super::command::{
    AppCommand, CitizenCommand, Command, Commands, GroupCommand, GuideCommand, InsightsCommand, LookupCommand,
    ScenarioCommand, SessionCommand,
};
use super::super::presentation;

/// A command reachable from the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    FindCitizen,
    Privacy,
    CloseTab,
    NextTab,
    GroupSession,
    /// egui's own zoom keys; listed so the line can tell people about them.
    TextSize,
    Guides,
    CitizenView,
    StartSession,
    ParkSession,
    WrapUp,
    EndCall,
    LogSession,
    Scenarios,
    Present,
    GuideNext,
    GuideBack,
    /// The digit keys, one per answer of a question step.
    GuideChoose,
    /// The insights workspace (supervisors and admins).
    Insights,
}

/// Which shortcuts each key line shows, in order.
pub const BOTTOM_LINE: [Shortcut; 6] = [
    Shortcut::FindCitizen,
    Shortcut::Privacy,
    Shortcut::CloseTab,
    Shortcut::NextTab,
    Shortcut::GroupSession,
    Shortcut::TextSize,
];
pub const SESSION_LINE: [Shortcut; 4] =
    [Shortcut::StartSession, Shortcut::ParkSession, Shortcut::WrapUp, Shortcut::EndCall];
pub const GUIDE_LINE: [Shortcut; 5] =
    [Shortcut::GuideNext, Shortcut::GuideBack, Shortcut::GuideChoose, Shortcut::Guides, Shortcut::CitizenView];

/// The shortcuts the console's key handler takes from the input, in the order it takes them.
const HANDLED: [Shortcut; 15] = [
    Shortcut::Present,
    Shortcut::Privacy,
    Shortcut::FindCitizen,
    Shortcut::CloseTab,
    Shortcut::Guides,
    Shortcut::GroupSession,
    Shortcut::CitizenView,
    Shortcut::StartSession,
    Shortcut::ParkSession,
    Shortcut::WrapUp,
    Shortcut::EndCall,
    Shortcut::LogSession,
    Shortcut::NextTab,
    Shortcut::Scenarios,
    Shortcut::Insights,
];

const fn ctrl(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

impl Shortcut {
    /// The key combination, for shortcuts that are one.
    #[must_use]
    pub const fn keys(self) -> Option<KeyboardShortcut> {
        match self {
            Self::FindCitizen => Some(ctrl(Key::F)),
            Self::Privacy => Some(ctrl(Key::L)),
            Self::CloseTab => Some(ctrl(Key::W)),
            Self::NextTab => Some(ctrl(Key::Tab)),
            Self::GroupSession => Some(ctrl(Key::U)),
            Self::Guides => Some(ctrl(Key::G)),
            Self::CitizenView => Some(ctrl(Key::B)),
            Self::StartSession => Some(ctrl(Key::N)),
            Self::ParkSession => Some(ctrl(Key::P)),
            Self::WrapUp => Some(ctrl(Key::E)),
            Self::EndCall => Some(ctrl(Key::H)),
            Self::LogSession => Some(ctrl(Key::Enter)),
            Self::Scenarios => Some(ctrl(Key::O)),
            Self::Insights => Some(ctrl(Key::I)),
            Self::Present => Some(KeyboardShortcut::new(Modifiers::NONE, Key::F5)),
            Self::GuideNext => Some(KeyboardShortcut::new(Modifiers::NONE, Key::ArrowRight)),
            Self::GuideBack => Some(KeyboardShortcut::new(Modifiers::NONE, Key::ArrowLeft)),
            Self::TextSize | Self::GuideChoose => None,
        }
    }

    /// The keys as people read them ("Ctrl+F", "Pil højre").
    #[must_use]
    pub fn key_text(self, lang: Language) -> String {
        let da = lang == Language::Da;
        match self {
            Self::TextSize => "Ctrl +/−".to_owned(),
            Self::GuideChoose => "1–9".to_owned(),
            Self::GuideNext => (if da { "Pil højre" } else { "Right arrow" }).to_owned(),
            Self::GuideBack => (if da { "Pil venstre" } else { "Left arrow" }).to_owned(),
            other => other.keys().map(describe).unwrap_or_default(),
        }
    }

    /// What the shortcut does, in a few words.
    #[must_use]
    pub const fn label(self, lang: Language) -> &'static str {
        let (da, en) = match self {
            Self::FindCitizen => ("find borger", "find citizen"),
            Self::Privacy => ("skjul oplysninger", "hide details"),
            Self::CloseTab => ("luk fane", "close tab"),
            Self::NextTab => ("næste fane", "next tab"),
            Self::GroupSession => ("gruppeforløb", "group session"),
            Self::TextSize => ("tekststørrelse", "text size"),
            Self::Guides => ("vejledninger", "guides"),
            Self::CitizenView => ("borgervisning", "citizen view"),
            Self::StartSession => ("start", "start"),
            Self::ParkSession => ("parkér", "park"),
            Self::WrapUp => ("afslut henvendelse", "finish the session"),
            Self::EndCall => ("afslut opkald", "end call"),
            Self::LogSession => ("log henvendelsen", "log the session"),
            Self::Scenarios => ("øvelser", "practice"),
            Self::Present => ("vis på projektor", "present"),
            Self::GuideNext => ("næste", "next"),
            Self::GuideBack => ("tilbage", "back"),
            Self::GuideChoose => ("vælg svar", "choose an answer"),
            Self::Insights => ("indsigt", "insights"),
        };
        match lang {
            Language::Da => da,
            Language::En => en,
        }
    }

    /// The keys for a tooltip.
    #[must_use]
    pub fn hint(self) -> String {
        self.key_text(Language::En)
    }
}

/// "Ctrl+F" for Ctrl (⌘ on a Mac, but staff use Windows) and F.
fn describe(keys: KeyboardShortcut) -> String {
    let name = keys.logical_key.name();
    if keys.modifiers.is_none() { name.to_owned() } else { format!("Ctrl+{name}") }
}

/// A key line: "Ctrl+F: find borger · Ctrl+L: skjul oplysninger · …".
#[must_use]
pub fn line(shortcuts: &[Shortcut], lang: Language) -> String {
    shortcuts.iter().map(|s| format!("{}: {}", s.key_text(lang), s.label(lang))).collect::<Vec<_>>().join(" · ")
}

impl ConsoleApp {
    /// Takes the table's shortcuts from the input and turns each into what it means right now (Ctrl+H ends only a
    /// phone call). While presenting, only the presentation's keys apply, so nothing acts on a citizen nobody sees.
    pub(in crate::console) fn shortcuts(&mut self, ctx: &egui::Context) -> Commands {
        if self.presentation.is_some() {
            return ctx.input_mut(presentation::keys);
        }
        let mut commands = Commands::default();
        ctx.input_mut(|input| {
            for shortcut in HANDLED {
                if let Some(keys) = shortcut.keys()
                    && input.consume_shortcut(&keys)
                    && let Some(command) = self.shortcut_command(shortcut)
                {
                    commands.push(command);
                }
            }
        });
        commands
    }

    fn shortcut_command(&self, shortcut: Shortcut) -> Option<Command> {
        let session = self.sessions.active();
        let command: Command = match shortcut {
            Shortcut::Present => return self.present_shortcut(),
            Shortcut::Privacy => AppCommand::TogglePrivacy.into(),
            Shortcut::FindCitizen => LookupCommand::Focus.into(),
            Shortcut::CloseTab => CitizenCommand::CloseTab(self.citizens.active()?.id()).into(),
            Shortcut::NextTab => CitizenCommand::SelectTab(self.citizens.next()?).into(),
            Shortcut::Guides => GuideCommand::TogglePanel.into(),
            Shortcut::GroupSession if self.is_ready() => GroupCommand::Toggle.into(),
            Shortcut::Insights if self.may_read_insights() => InsightsCommand::Toggle.into(),
            Shortcut::CitizenView if self.guides.has_walk() => GuideCommand::ToggleCitizenView.into(),
            Shortcut::StartSession if session.is_none() => {
                SessionCommand::Start { anonymous: self.citizens.is_empty() }.into()
            }
            Shortcut::ParkSession if session.is_some() => SessionCommand::Park.into(),
            Shortcut::WrapUp if session.is_some() => SessionCommand::OpenWrapUp.into(),
            Shortcut::EndCall if session.is_some_and(|s| s.channel() == Channel::Phone) => {
                SessionCommand::EndCall.into()
            }
            Shortcut::LogSession if session.is_some_and(super::super::session::ActiveSession::is_wrapping) => {
                SessionCommand::Log.into()
            }
            Shortcut::Scenarios if self.training() && !self.privacy && !self.guides.mitid_step() => {
                ScenarioCommand::Toggle.into()
            }
            _ => return None,
        };
        Some(command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handled_shortcut_has_keys_and_no_two_share_them() {
        let keys: Vec<_> = HANDLED.iter().map(|s| s.keys().expect("a handled shortcut has keys")).collect();
        for (i, a) in keys.iter().enumerate() {
            assert!(!keys[i + 1..].contains(a), "{:?} is bound twice", HANDLED[i]);
        }
    }

    #[test]
    fn lines_read_key_then_words() {
        assert_eq!(
            line(&SESSION_LINE, Language::Da),
            "Ctrl+N: start · Ctrl+P: parkér · Ctrl+E: afslut henvendelse · Ctrl+H: afslut opkald"
        );
        assert_eq!(
            line(&[Shortcut::GuideNext, Shortcut::GuideChoose], Language::En),
            "Right arrow: next · 1–9: choose an answer"
        );
    }
}
