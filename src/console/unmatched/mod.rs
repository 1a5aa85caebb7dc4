//! The unmatched queue for supervisors: contacts from channel systems that named no single citizen wait here
//! until a supervisor links each to the right person.

pub mod text;
pub mod view;

use uuid::Uuid;

use super::app::ConsoleApp;
use super::command::CitizenCommand;
use super::shell::Phase;
use super::tasks::Loadable;
use crate::domain::{Capability, CitizenId, Purpose};
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
    pub open: bool,
    pub list: Loadable<UnmatchedList>,
    /// The entry being linked, while the service answers.
    pub linking: Option<Uuid>,
    /// The last link's failure, in the staff member's words.
    pub error: Option<crate::history::client::ClientError>,
    /// Identifiers shown in full on request, by queue entry; forgotten when the window closes.
    pub revealed: std::collections::HashMap<Uuid, String>,
}

impl ConsoleApp {
    /// Whether the signed-in staff member may see and resolve the queue.
    #[must_use]
    pub fn may_resolve_identity(&self) -> bool {
        matches!(&self.phase, Phase::Ready(c) if c.me.role.may(Capability::ResolveIdentity))
    }

    /// Applies a queue command.
    pub(super) fn apply_unmatched(&mut self, command: UnmatchedCommand) {
        if !self.may_resolve_identity() {
            return;
        }
        match command {
            UnmatchedCommand::Toggle => {
                self.unmatched.open = !self.unmatched.open;
                self.unmatched.revealed.clear();
                if self.unmatched.open {
                    self.fetch_unmatched();
                }
            }
            UnmatchedCommand::Refresh => self.fetch_unmatched(),
            UnmatchedCommand::Link(id) => self.link_unmatched(id),
            UnmatchedCommand::Reveal(id) => self.reveal_unmatched(id),
        }
    }

    pub(super) fn fetch_unmatched(&mut self) {
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client.clone();
        self.unmatched.list.start();
        self.tasks.spawn(async move { UnmatchedReply::Listed(client.unmatched(PURPOSE).await) });
    }

    /// Links the entry to the citizen in the active tab.
    fn link_unmatched(&mut self, id: Uuid) {
        let Phase::Ready(connection) = &self.phase else { return };
        let Some(citizen) = self.tabs.get(self.active).map(|t| t.citizen) else { return };
        let client = connection.client.clone();
        self.unmatched.linking = Some(id);
        self.unmatched.error = None;
        self.tasks.spawn(async move {
            let result = client.link_unmatched(id, citizen, PURPOSE).await.map(|_| citizen);
            UnmatchedReply::Linked(result)
        });
    }

    fn reveal_unmatched(&mut self, id: Uuid) {
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client.clone();
        self.unmatched.error = None;
        self.tasks.spawn(async move { UnmatchedReply::Revealed(id, client.reveal_unmatched(id, PURPOSE).await) });
    }

    /// Applies a queue reply.
    pub(super) fn receive_unmatched(&mut self, reply: UnmatchedReply) {
        match reply {
            UnmatchedReply::Listed(result) => self.unmatched.list.finish(result),
            UnmatchedReply::Revealed(id, result) => match result {
                Ok(revealed) => {
                    self.unmatched.revealed.insert(id, revealed.value);
                }
                Err(error) => self.unmatched.error = Some(error),
            },
            UnmatchedReply::Linked(result) => {
                self.unmatched.linking = None;
                match result {
                    Ok(citizen) => {
                        // The contact is in that citizen's timeline now.
                        let tabs: Vec<_> = self.tabs.iter().filter(|t| t.citizen == citizen).map(|t| t.id).collect();
                        for tab in tabs {
                            self.apply(CitizenCommand::FilterChanged(tab));
                        }
                    }
                    Err(error) => self.unmatched.error = Some(error),
                }
                self.fetch_unmatched();
            }
        }
    }
}
