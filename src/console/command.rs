//! What views ask for. Views never change state or start work themselves; the app applies these once per frame.

use uuid::Uuid;

use crate::domain::{AttorneyKind, CitizenId, Language, Performer};

use super::presentation::Go;
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
    /// Show the full identifier a queued contact named (an audited request).
    RevealUnmatched(Uuid),
    /// Show or hide the group-session window.
    ToggleGroupSession,
    /// Look up the CPR number typed in the group-session window and add the participant.
    GroupAddCpr,
    /// Stop identifying this participant (they stay counted).
    GroupRemoveParticipant(CitizenId),
    /// The guides ticked changed: the topic may follow them.
    GroupGuidesChanged,
    /// Choose a participant list (CSV) to import.
    GroupImportCsv,
    LogGroupSession,
    /// Show the guide at this index of the library across the whole window for a projector, from this step (an
    /// index into its steps as the file orders them).
    Present {
        guide: usize,
        step: usize,
    },
    PresentGo(Go),
    /// Switch the presentation between Danish and English.
    PresentLanguage,
    StopPresenting,
    /// Show or hide the practice scenarios (training mode).
    ToggleScenarios,
    /// Start the practice scenario at this index: look its citizen up, open the tab, start the session.
    StartScenario(usize),
    /// Start the scenario whose feedback is shown again.
    RetryScenario,
    /// Stop following the scenario; the session stays as it is.
    StopScenario,
    CloseFeedback,
}

impl Command {
    /// Whether the group-session window applies this command.
    #[must_use]
    pub fn is_group(&self) -> bool {
        matches!(
            self,
            Self::ToggleGroupSession
                | Self::GroupAddCpr
                | Self::GroupRemoveParticipant(_)
                | Self::GroupGuidesChanged
                | Self::GroupImportCsv
                | Self::LogGroupSession
        )
    }

    /// Whether the practice scenarios apply this command.
    #[must_use]
    pub fn is_scenario(&self) -> bool {
        matches!(
            self,
            Self::ToggleScenarios
                | Self::StartScenario(_)
                | Self::RetryScenario
                | Self::StopScenario
                | Self::CloseFeedback
        )
    }

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
