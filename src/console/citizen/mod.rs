//! An open citizen: the tabs, the card with the profile and open cases, and the cross-channel timeline, each read
//! audited with the purpose the citizen was looked up for.

pub mod control;
pub mod tabs_view;
pub mod text;
pub mod timeline;
pub mod timeline_view;
pub mod view;

use crate::domain::{AssistedSession, CitizenId, Purpose};
use crate::history::api::{CitizenProfile, EventPage, RevealedCpr};
use crate::history::client::ClientError;

use super::tasks::Loadable;
use timeline::{TimelineData, TimelineFilter};

/// Identifies a citizen tab for as long as the console runs (indexes shift when tabs close).
pub type TabId = u64;

/// What an open citizen's tab does for a view or shortcut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CitizenCommand {
    SelectTab(TabId),
    CloseTab(TabId),
    RevealCpr(TabId),
    HideCpr(TabId),
    ReloadProfile(TabId),
    /// A filter changed: fetch the first page again now.
    FilterChanged(TabId),
    /// The free-text filter changed: fetch again once typing pauses.
    FilterTextEdited(TabId),
    ClearFilters(TabId),
    /// Fetch the next (older) page.
    LoadMore(TabId),
    /// Retry the failed page.
    RetryPage(TabId),
    SelectEvent(TabId, Option<usize>),
}

/// Answers for a tab.
pub enum CitizenReply {
    Profile { tab: TabId, result: Result<CitizenProfile, ClientError> },
    Timeline { tab: TabId, generation: u64, result: Result<EventPage, ClientError> },
    Reveal { tab: TabId, result: Result<RevealedCpr, ClientError> },
    SessionDetails { tab: TabId, session: uuid::Uuid, result: Result<AssistedSession, ClientError> },
}

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
    pub session_details: std::collections::HashMap<uuid::Uuid, Result<AssistedSession, ClientError>>,
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
