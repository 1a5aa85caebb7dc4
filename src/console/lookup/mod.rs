//! Finding a citizen: the one lookup field (CPR number, phone or name), the result list and recent citizens.
//! Opening a found citizen is the citizen feature's work; this one only asks for it.

pub mod control;
pub mod query;
pub mod text;
pub mod view;

use crate::domain::{CitizenId, Purpose};
use crate::history::api::CitizenMatches;
use crate::history::client::ClientError;

use super::tasks::Loadable;
use query::LookupProblem;

/// What the lookup does for a view or shortcut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LookupCommand {
    /// Look up the text in the lookup field.
    Search,
    OpenCitizen(CitizenId),
    /// Put the keyboard in the lookup field.
    Focus,
}

/// The answer to a search; `request` tells a stale answer from the newest.
pub enum LookupReply {
    Found { request: u64, result: Result<CitizenMatches, ClientError> },
}

/// The lookup panel.
pub struct LookupState {
    text: String,
    purpose: Purpose,
    problem: Option<LookupProblem>,
    results: Loadable<CitizenMatches>,
    /// Identifies the newest search, so a slow older answer cannot overwrite a newer one.
    request: u64,
    focus_field: bool,
    focus_first_result: bool,
    /// Citizens opened lately, newest first.
    recent: Vec<RecentCitizen>,
}

impl LookupState {
    /// An empty lookup with the given default purpose.
    #[must_use]
    pub fn new(purpose: Purpose) -> Self {
        Self {
            text: String::new(),
            purpose,
            problem: None,
            results: Loadable::NotRequested,
            request: 0,
            focus_field: true,
            focus_first_result: false,
            recent: Vec::new(),
        }
    }

    /// The purpose the next lookup is audited with.
    #[must_use]
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    pub fn set_purpose(&mut self, purpose: Purpose) {
        self.purpose = purpose;
    }

    #[must_use]
    pub fn is_searching(&self) -> bool {
        self.results.is_pending()
    }

    /// The results of search `request`, while no newer search has replaced it.
    #[must_use]
    pub fn answer_to(&self, request: u64) -> Option<&Loadable<CitizenMatches>> {
        (self.request == request).then_some(&self.results)
    }

    /// Empties the field: a CPR number that served its lookup must not linger on screen.
    pub fn clear_text(&mut self) {
        self.text.clear();
    }
}

/// A citizen recently opened, for quick return. Held in memory only.
#[derive(Clone, Debug, PartialEq)]
pub struct RecentCitizen {
    id: CitizenId,
    name: String,
    masked_cpr: String,
}

/// How many recent citizens are remembered.
pub const RECENT_MAX: usize = 10;
