//! The unmatched queue for supervisors: contacts from channel systems that named no single citizen wait here
//! until a supervisor links each to the right person.

mod control;
pub mod text;
pub mod view;

use uuid::Uuid;

use super::tasks::Loadable;
use crate::domain::{CitizenId, Purpose};
use crate::history::api::{RevealedIdentifier, UnmatchedList};
use crate::history::client::ClientError;

/// Reading the queue and linking from it is supervision of the shared history.
const PURPOSE: Purpose = Purpose::Supervision;

/// What the queue window does for a view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum UnmatchedCommand {
    /// Show or hide the queue (supervisors).
    Toggle,
    Refresh,
    /// Link a queued contact to the citizen in the active tab.
    Link(Uuid),
    /// Show the full identifier a queued contact named (an audited request).
    Reveal(Uuid),
}

/// Answers about the queue.
pub enum UnmatchedReply {
    Listed(Result<UnmatchedList, ClientError>),
    /// A queued contact was linked to this citizen (or not).
    Linked(Result<CitizenId, ClientError>),
    /// The full identifier a queued contact named.
    Revealed(Uuid, Result<RevealedIdentifier, ClientError>),
}

/// The queue as the console has it.
#[derive(Default)]
pub struct UnmatchedState {
    open: bool,
    list: Loadable<UnmatchedList>,
    /// The entry being linked, while the service answers.
    linking: Option<Uuid>,
    /// The last link's failure, in the staff member's words.
    error: Option<crate::history::client::ClientError>,
    /// Identifiers shown in full on request, by queue entry; forgotten when the window closes.
    revealed: std::collections::HashMap<Uuid, String>,
}

impl UnmatchedState {
    /// How many contacts wait, once the list is in.
    #[must_use]
    pub fn waiting(&self) -> Option<usize> {
        self.list.value().map(|l| l.events.len())
    }

    #[must_use]
    pub fn is_busy(&self) -> bool {
        self.list.is_pending() || self.linking.is_some()
    }
}
