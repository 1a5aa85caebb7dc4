//! What views ask for. Views never change state or start work themselves; the app applies these once per frame.

use crate::domain::{CitizenId, Language};

use super::state::TabId;
use super::theme::ThemeChoice;

/// A request from a view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Command {
    /// Try connecting again after a failed start.
    Reconnect,
    /// Look up the text in the lookup field.
    Search,
    OpenCitizen(CitizenId),
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
    TogglePrivacy,
    SetLanguage(Language),
    SetTheme(ThemeChoice),
    /// Minutes without input before the privacy screen comes on; 0 turns that off.
    SetIdleMinutes(u32),
    FocusLookup,
    /// Show or hide the guide panel.
    ToggleGuides,
    /// Show or hide the citizen view (a second window for a screen turned toward the citizen).
    ToggleCitizenView,
    /// Start the guide at this index of the library, for the active citizen tab.
    StartGuide(usize),
    StopGuide,
    GuideNext,
    GuideBack,
    /// Answer the current step's question (0-based option).
    GuideChoose(usize),
    /// Skip the current step with the reason typed in the panel.
    GuideSkip,
}
