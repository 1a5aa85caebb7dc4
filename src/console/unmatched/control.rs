//! Applying queue commands (supervisors only): reading the queue, linking an entry to the open citizen, and the
//! audited reveal of the identifier an entry named.

use super::super::app::ConsoleApp;
use super::super::command::CitizenCommand;
use super::super::shell::Phase;
use super::{PURPOSE, UnmatchedCommand, UnmatchedReply};
use crate::domain::Capability;
use uuid::Uuid;

impl ConsoleApp {
    /// Whether the signed-in staff member may see and resolve the queue.
    #[must_use]
    pub fn may_resolve_identity(&self) -> bool {
        matches!(&self.phase, Phase::Ready(c) if c.me().role.may(Capability::ResolveIdentity))
    }

    /// Applies a queue command.
    pub(in crate::console) fn apply_unmatched(&mut self, command: UnmatchedCommand) {
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

    pub(in crate::console) fn fetch_unmatched(&mut self) {
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client().clone();
        self.unmatched.list.start();
        self.tasks.spawn(async move { UnmatchedReply::Listed(client.unmatched(PURPOSE).await) });
    }

    /// Links the entry to the citizen in the active tab.
    fn link_unmatched(&mut self, id: Uuid) {
        let Phase::Ready(connection) = &self.phase else { return };
        let Some(citizen) = self.citizens.active().map(super::super::citizen::CitizenTab::citizen) else { return };
        let client = connection.client().clone();
        self.unmatched.linking = Some(id);
        self.unmatched.error = None;
        self.tasks.spawn(async move {
            let result = client.link_unmatched(id, citizen, PURPOSE).await.map(|_| citizen);
            UnmatchedReply::Linked(result)
        });
    }

    fn reveal_unmatched(&mut self, id: Uuid) {
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client().clone();
        self.unmatched.error = None;
        self.tasks.spawn(async move { UnmatchedReply::Revealed(id, client.reveal_unmatched(id, PURPOSE).await) });
    }

    /// Applies a queue reply.
    pub(in crate::console) fn receive_unmatched(&mut self, reply: UnmatchedReply) {
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
                        let tabs = self.citizens.showing(&[citizen]);
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
