//! Looking a citizen up: the text is read locally first (an invalid CPR number is explained before anything is
//! sent), then searched with the chosen purpose; a single match opens at once.

use crate::domain::Purpose;
use crate::history::api::{CitizenMatches, CitizenProfile};
use crate::history::client::ClientError;

use super::super::app::ConsoleApp;
use super::query::classify;
use super::{LookupCommand, LookupReply, RECENT_MAX, RecentCitizen};

impl ConsoleApp {
    pub(in crate::console) fn apply_lookup(&mut self, command: LookupCommand) {
        match command {
            LookupCommand::Search => self.search(),
            LookupCommand::OpenCitizen(id) => self.open_citizen(id),
            LookupCommand::Focus => self.lookup.focus_field = true,
        }
    }

    pub(in crate::console) fn receive_lookup(&mut self, reply: LookupReply) {
        let LookupReply::Found { request, result } = reply;
        // An answer to a search that a newer one replaced is dropped.
        if request == self.lookup.request {
            self.note_link(result.as_ref().err());
            self.search_answered(result);
        }
    }

    /// Searches for `text` as if it had been typed, with `purpose` when given; the search's number if it went
    /// out (it does not when not connected, and then the text is not left in the field).
    pub(in crate::console) fn search_for(&mut self, text: String, purpose: Option<Purpose>) -> Option<u64> {
        if let Some(purpose) = purpose {
            self.lookup.purpose = purpose;
        }
        self.lookup.text = text;
        self.search();
        if self.lookup.results.is_pending() {
            Some(self.lookup.request)
        } else {
            self.lookup.text.clear();
            None
        }
    }

    fn search(&mut self) {
        let query = match classify(&self.lookup.text) {
            Ok(query) => query,
            Err(problem) => {
                self.lookup.problem = Some(problem);
                return;
            }
        };
        self.lookup.problem = None;
        let Some(client) = self.client().cloned() else { return };
        self.lookup.request += 1;
        self.lookup.results.start();
        let (request, purpose, search) = (self.lookup.request, self.lookup.purpose, query.to_search());
        self.tasks.spawn(async move {
            LookupReply::Found { request, result: client.search_citizens(&search, purpose).await }
        });
    }

    fn search_answered(&mut self, result: Result<CitizenMatches, ClientError>) {
        let single = result.as_ref().ok().filter(|m| m.citizens.len() == 1).map(|m| m.citizens[0].id);
        self.lookup.focus_first_result = result.as_ref().is_ok_and(|m| m.citizens.len() > 1);
        self.lookup.results.finish(result);
        if let Some(id) = single {
            self.open_citizen(id);
        }
    }

    pub(in crate::console) fn remember(&mut self, profile: &CitizenProfile) {
        self.lookup.recent.retain(|r| r.id != profile.id);
        self.lookup.recent.insert(
            0,
            RecentCitizen { id: profile.id, name: profile.name.clone(), masked_cpr: profile.masked_cpr.clone() },
        );
        self.lookup.recent.truncate(RECENT_MAX);
    }
}
