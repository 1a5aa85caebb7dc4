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

/// The open citizens, in the order they were opened, and which one is in front. Other features read it through
/// these methods; only this folder opens, closes and selects tabs.
#[derive(Default)]
pub struct Tabs {
    open: Vec<CitizenTab>,
    active: usize,
    /// The last id handed out; ids are never reused, so a late answer cannot land in a newer tab.
    last_id: TabId,
}

impl Tabs {
    /// The tab in front.
    #[must_use]
    pub fn active(&self) -> Option<&CitizenTab> {
        self.open.get(self.active)
    }

    #[must_use]
    pub fn get(&self, id: TabId) -> Option<&CitizenTab> {
        self.open.iter().find(|t| t.id == id)
    }

    fn get_mut(&mut self, id: TabId) -> Option<&mut CitizenTab> {
        self.open.iter_mut().find(|t| t.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &CitizenTab> {
        self.open.iter()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// The tab showing `citizen`, if one is open.
    #[must_use]
    pub fn of_citizen(&self, citizen: CitizenId) -> Option<&CitizenTab> {
        self.open.iter().find(|t| t.citizen == citizen)
    }

    /// The tabs showing any of `citizens` (after a write that changed their history).
    #[must_use]
    pub fn showing(&self, citizens: &[CitizenId]) -> Vec<TabId> {
        self.open.iter().filter(|t| citizens.contains(&t.citizen)).map(|t| t.id).collect()
    }

    /// The tab after the active one, wrapping round.
    #[must_use]
    pub fn next(&self) -> Option<TabId> {
        (!self.open.is_empty()).then(|| self.open[(self.active + 1) % self.open.len()].id)
    }

    /// Shows a session that was just logged in the citizen's timeline until the service confirms it.
    pub fn insert_pending(&mut self, citizen: CitizenId, row: crate::domain::ContactEvent) {
        if let Some(tab) = self.open.iter_mut().find(|t| t.citizen == citizen) {
            tab.timeline.data.insert_local(row);
        }
    }

    fn select(&mut self, id: TabId) {
        self.active = self.open.iter().position(|t| t.id == id).unwrap_or(self.active);
    }

    /// Brings the citizen's tab to the front, opening one if none shows them; `Some` names a new tab.
    fn open(&mut self, citizen: CitizenId, purpose: Purpose) -> Option<TabId> {
        if let Some(index) = self.open.iter().position(|t| t.citizen == citizen) {
            self.active = index;
            return None;
        }
        self.last_id += 1;
        self.open.push(CitizenTab {
            id: self.last_id,
            citizen,
            purpose,
            profile: Loadable::NotRequested,
            revealed_cpr: Loadable::NotRequested,
            timeline: TimelineState::default(),
            session_details: std::collections::HashMap::new(),
        });
        self.active = self.open.len() - 1;
        Some(self.last_id)
    }

    fn close(&mut self, id: TabId) {
        if let Some(index) = self.open.iter().position(|t| t.id == id) {
            self.open.remove(index);
            if self.active >= index && self.active > 0 {
                self.active -= 1;
            }
        }
    }
}

/// One open citizen.
pub struct CitizenTab {
    id: TabId,
    citizen: CitizenId,
    /// The purpose the citizen was looked up with; every read in this tab is audited with it.
    purpose: Purpose,
    profile: Loadable<CitizenProfile>,
    revealed_cpr: Loadable<String>,
    timeline: TimelineState,
    /// Logged sessions shown in the details panel, fetched when their row is selected.
    session_details: std::collections::HashMap<uuid::Uuid, Result<AssistedSession, ClientError>>,
}

impl CitizenTab {
    #[must_use]
    pub fn id(&self) -> TabId {
        self.id
    }

    #[must_use]
    pub fn citizen(&self) -> CitizenId {
        self.citizen
    }

    #[must_use]
    pub fn profile(&self) -> &Loadable<CitizenProfile> {
        &self.profile
    }

    /// The timeline rows fetched so far, newest first.
    #[must_use]
    pub fn events(&self) -> &[crate::domain::ContactEvent] {
        &self.timeline.data.events
    }

    /// Whether older timeline pages remain to be fetched.
    #[must_use]
    pub fn has_more_events(&self) -> bool {
        self.timeline.data.has_more()
    }

    /// Whether the tab waits for the service, or for typing to pause before it asks.
    #[must_use]
    pub fn is_loading(&self) -> bool {
        self.profile.is_pending() || self.timeline.page.is_pending() || self.timeline.text_edited_at.is_some()
    }

    /// The citizen's name once the profile is in.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.profile.value().map(|p| p.name.as_str())
    }
}

/// A tab's timeline: filter, fetched pages, selection.
#[derive(Default)]
pub struct TimelineState {
    filter: TimelineFilter,
    data: TimelineData,
    page: Loadable<()>,
    /// Bumped on every filter change; answers for an older generation are dropped.
    generation: u64,
    /// Index into `data.events`.
    selected: Option<usize>,
    /// When (egui time) the search text last changed, for the debounce.
    text_edited_at: Option<f64>,
    bad_date: bool,
    scroll_to_selected: bool,
}
