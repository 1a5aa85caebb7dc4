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
    pub text: String,
    pub purpose: Purpose,
    pub problem: Option<LookupProblem>,
    pub results: Loadable<CitizenMatches>,
    /// Identifies the newest search, so a slow older answer cannot overwrite a newer one.
    pub request: u64,
    pub focus_field: bool,
    pub focus_first_result: bool,
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
        }
    }
}

/// A citizen recently opened, for quick return. Held in memory only.
#[derive(Clone, Debug, PartialEq)]
pub struct RecentCitizen {
    pub id: CitizenId,
    pub name: String,
    pub masked_cpr: String,
}

/// How many recent citizens are remembered.
pub const RECENT_MAX: usize = 10;
