//! The unmatched queue for supervisors: contacts from channel systems that named no single citizen wait here
//! until a supervisor links each to the right person.

use uuid::Uuid;

use super::app::ConsoleApp;
use super::command::Command;
use super::control::Reply;
use super::state::Phase;
use super::tasks::Loadable;
use crate::domain::{Capability, Purpose};
use crate::history::api::UnmatchedList;

/// Reading the queue and linking from it is supervision of the shared history.
const PURPOSE: Purpose = Purpose::Supervision;

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
    pub(super) fn apply_unmatched(&mut self, command: Command) {
        if !self.may_resolve_identity() {
            return;
        }
        match command {
            Command::ToggleUnmatched => {
                self.unmatched.open = !self.unmatched.open;
                self.unmatched.revealed.clear();
                if self.unmatched.open {
                    self.fetch_unmatched();
                }
            }
            Command::RefreshUnmatched => self.fetch_unmatched(),
            Command::LinkUnmatched(id) => self.link_unmatched(id),
            Command::RevealUnmatched(id) => self.reveal_unmatched(id),
            _ => {}
        }
    }

    pub(super) fn fetch_unmatched(&mut self) {
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client.clone();
        self.unmatched.list.start();
        self.tasks.spawn(async move { Reply::Unmatched(client.unmatched(PURPOSE).await) });
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
            Reply::Linked(result)
        });
    }

    fn reveal_unmatched(&mut self, id: Uuid) {
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client.clone();
        self.unmatched.error = None;
        self.tasks.spawn(async move { Reply::RevealedIdentifier(id, client.reveal_unmatched(id, PURPOSE).await) });
    }

    /// Applies a queue reply.
    pub(super) fn receive_unmatched(&mut self, reply: Reply) {
        match reply {
            Reply::Unmatched(result) => self.unmatched.list.finish(result),
            Reply::RevealedIdentifier(id, result) => match result {
                Ok(revealed) => {
                    self.unmatched.revealed.insert(id, revealed.value);
                }
                Err(error) => self.unmatched.error = Some(error),
            },
            Reply::Linked(result) => {
                self.unmatched.linking = None;
                match result {
                    Ok(citizen) => {
                        // The contact is in that citizen's timeline now.
                        let tabs: Vec<_> = self.tabs.iter().filter(|t| t.citizen == citizen).map(|t| t.id).collect();
                        for tab in tabs {
                            self.apply(Command::FilterChanged(tab));
                        }
                    }
                    Err(error) => self.unmatched.error = Some(error),
                }
                self.fetch_unmatched();
            }
            _ => {}
        }
    }
}
