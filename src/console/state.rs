//! The console's state, grouped by what it is about. Views read it; only the control layer changes it.

use crate::domain::{Authority, CitizenId, Purpose};
use crate::history::api::{CitizenMatches, CitizenProfile, Me};
use crate::history::client::{ClientError, HistoryClient};
use crate::history::embedded::Embedded;

use super::lookup::LookupProblem;
use super::tasks::Loadable;
use super::timeline::{TimelineData, TimelineFilter};

/// Identifies a citizen tab for as long as the console runs (indexes shift when tabs close).
pub type TabId = u64;

/// How the console reaches its contact history.
pub enum Phase {
    /// Starting the embedded service or checking a shared one; `progress` is demo generation in percent.
    Starting {
        progress: Option<u32>,
    },
    /// The start failed; the screen says what to do.
    Failed(StartFailure),
    Ready(Box<Connection>),
}

/// Why the console could not connect.
#[derive(Clone, Debug)]
pub enum StartFailure {
    Unreachable { url: String },
    TokenRefused,
    Embedded(String),
    Other(String),
}

impl StartFailure {
    /// Classifies a client error from the first call.
    #[must_use]
    pub fn from_client(url: &str, error: &ClientError) -> Self {
        match error {
            ClientError::Timeout | ClientError::Network(_) => Self::Unreachable { url: url.to_owned() },
            ClientError::Api { status: 401, .. } => Self::TokenRefused,
            other => Self::Other(other.to_string()),
        }
    }
}

/// Whether the service answers right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkStatus {
    Online,
    /// A call failed; probing until the service answers again.
    Reconnecting,
    /// Several probes failed.
    Offline,
}

/// A working connection to the contact history.
pub struct Connection {
    pub client: HistoryClient,
    pub me: Me,
    /// The embedded demo store: every citizen is fictitious.
    pub demo: bool,
    pub authorities: Vec<Authority>,
    pub status: LinkStatus,
    pub failures: u32,
    /// When (egui time) the last health probe went out.
    pub last_probe: f64,
    pub probe_pending: bool,
    /// Keeps the embedded service running for as long as the connection lives (dropping it stops the service).
    #[allow(dead_code)] // Held, never read.
    pub embedded: Option<Embedded>,
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

/// One open citizen.
pub struct CitizenTab {
    pub id: TabId,
    pub citizen: CitizenId,
    /// The purpose the citizen was looked up with; every read in this tab is audited with it.
    pub purpose: Purpose,
    pub profile: Loadable<CitizenProfile>,
    pub revealed_cpr: Loadable<String>,
    pub timeline: TimelineState,
    /// Logged sessions shown in the details panel, fetched when their row is selected.
    pub session_details: std::collections::HashMap<uuid::Uuid, Result<crate::domain::AssistedSession, ClientError>>,
}

impl CitizenTab {
    /// The citizen's name once the profile is in.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.profile.value().map(|p| p.name.as_str())
    }
}

/// A tab's timeline: filter, fetched pages, selection.
#[derive(Default)]
pub struct TimelineState {
    pub filter: TimelineFilter,
    pub data: TimelineData,
    pub page: Loadable<()>,
    /// Bumped on every filter change; answers for an older generation are dropped.
    pub generation: u64,
    /// Index into `data.events`.
    pub selected: Option<usize>,
    /// When (egui time) the search text last changed, for the debounce.
    pub text_edited_at: Option<f64>,
    pub bad_date: bool,
    pub scroll_to_selected: bool,
}
