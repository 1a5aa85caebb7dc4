//! What views ask for and what background work answers, one variant per feature. Views never change state or start
//! work themselves: they push commands, and the app hands each to its feature at the end of the frame. The app's
//! match over [`Command`] and [`Reply`] has no catch-all arm, so a command no feature applies does not compile.

pub use super::citizen::{CitizenCommand, CitizenReply};
pub use super::group::{GroupCommand, GroupReply};
pub use super::guides::{GuideCommand, GuideReply};
pub use super::insights::{InsightsCommand, InsightsReply};
pub use super::lookup::{LookupCommand, LookupReply};
pub use super::presentation::PresentCommand;
pub use super::scenario::{ScenarioCommand, ScenarioReply};
pub use super::session::{SessionCommand, SessionReply};
pub use super::shell::{AppCommand, AppReply};
pub use super::unmatched::{UnmatchedCommand, UnmatchedReply};

/// A request from a view or a shortcut, addressed to the feature that applies it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Command {
    App(AppCommand),
    Lookup(LookupCommand),
    Citizen(CitizenCommand),
    Guide(GuideCommand),
    Session(SessionCommand),
    Unmatched(UnmatchedCommand),
    Group(GroupCommand),
    Present(PresentCommand),
    Scenario(ScenarioCommand),
    Insights(InsightsCommand),
}

/// The answer to a background call, addressed to the feature that started it.
pub enum Reply {
    App(AppReply),
    Lookup(LookupReply),
    /// Boxed: a profile is large, and every reply travels through the same queue.
    Citizen(Box<CitizenReply>),
    Guide(GuideReply),
    Session(SessionReply),
    Unmatched(UnmatchedReply),
    Group(GroupReply),
    Scenario(ScenarioReply),
    Insights(InsightsReply),
}

/// Lets a feature write `SessionCommand::Park` (or return `SessionReply::…` from a task) where a
/// [`Command`] or [`Reply`] is wanted.
macro_rules! addressed {
    ($outer:ident { $($variant:ident($inner:ty)),* $(,)? }) => {
        $(impl From<$inner> for $outer {
            fn from(inner: $inner) -> Self {
                Self::$variant(inner)
            }
        })*
    };
}

addressed!(Command {
    App(AppCommand),
    Lookup(LookupCommand),
    Citizen(CitizenCommand),
    Guide(GuideCommand),
    Session(SessionCommand),
    Unmatched(UnmatchedCommand),
    Group(GroupCommand),
    Present(PresentCommand),
    Scenario(ScenarioCommand),
    Insights(InsightsCommand),
});

impl From<CitizenReply> for Reply {
    fn from(reply: CitizenReply) -> Self {
        Self::Citizen(Box::new(reply))
    }
}

addressed!(Reply {
    App(AppReply),
    Lookup(LookupReply),
    Guide(GuideReply),
    Session(SessionReply),
    Unmatched(UnmatchedReply),
    Group(GroupReply),
    Scenario(ScenarioReply),
    Insights(InsightsReply),
});

/// The commands collected during one frame.
#[derive(Debug, Default, PartialEq)]
pub struct Commands(Vec<Command>);

impl Commands {
    pub fn push(&mut self, command: impl Into<Command>) {
        self.0.push(command.into());
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The commands in the order they were pushed.
    #[must_use]
    pub fn as_slice(&self) -> &[Command] {
        &self.0
    }
}

impl IntoIterator for Commands {
    type Item = Command;
    type IntoIter = std::vec::IntoIter<Command>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Extend<Command> for Commands {
    fn extend<I: IntoIterator<Item = Command>>(&mut self, commands: I) {
        self.0.extend(commands);
    }
}
