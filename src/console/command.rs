//! What views ask for. Views never change state or start work themselves; the app applies these once per frame.

use uuid::Uuid;

use crate::domain::{AttorneyKind, CitizenId, Language, Performer};

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
    /// Start a session for the open citizen, or for a citizen who does not want to be identified.
    StartSession {
        anonymous: bool,
    },
    ParkSession,
    /// Resume the parked session at this index (parking the current one, if any).
    ResumeSession(usize),
    /// The phone call is over: the wrap-up countdown starts.
    EndCall,
    OpenWrapUp,
    CancelWrapUp,
    LogSession,
    DiscardSession,
    /// The session's reason changed: look for repeat contacts again.
    SessionReasonChanged,
    /// Who did the current guide step.
    MarkPerformer(Performer),
    /// Staff acted on the citizen's behalf under this power of attorney (or none).
    MarkAttorney(Option<AttorneyKind>),
    ShowReceipt,
    SaveReceipt,
    CloseReceipt,
    RetryOutbox,
    /// Send a conflicted outbox entry again under a new id.
    RelogConflict(Uuid),
    /// Put a refused outbox entry back in the queue.
    RequeueRejected(Uuid),
    ToggleOutboxProblems,
    /// Seconds of wrap-up time after a phone call.
    SetWrapSeconds(u32),
    /// Show or hide the unmatched queue (supervisors).
    ToggleUnmatched,
    RefreshUnmatched,
    /// Link a queued contact to the citizen in the active tab.
    LinkUnmatched(Uuid),
}

impl Command {
    /// Whether the session layer applies this command.
    #[must_use]
    pub fn is_session(&self) -> bool {
        matches!(
            self,
            Self::StartSession { .. }
                | Self::ParkSession
                | Self::ResumeSession(_)
                | Self::EndCall
                | Self::OpenWrapUp
                | Self::CancelWrapUp
                | Self::LogSession
                | Self::DiscardSession
                | Self::SessionReasonChanged
                | Self::MarkPerformer(_)
                | Self::MarkAttorney(_)
                | Self::ShowReceipt
                | Self::SaveReceipt
                | Self::CloseReceipt
                | Self::RetryOutbox
                | Self::RelogConflict(_)
                | Self::RequeueRejected(_)
                | Self::ToggleOutboxProblems
        )
    }
}
