//! Assisted sessions in the console: the session in progress (timer, reason, channel, the guides run during it),
//! parked sessions, the wrap-up, and the outbox that carries each logged session to the shared history.
//!
//! The session's record of guides comes from the walkthroughs themselves: when a walkthrough stops, is replaced
//! or the session is wrapped up, its path (with who did each step) is taken into the session.

pub mod failure;
pub mod outbox_view;
pub mod view;
pub mod wrapup_view;

mod control;
pub mod text;
pub mod wrapup;

pub use failure::LocalFailure;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::citizen::TabId;
use super::guides::ActiveWalk;
use super::tasks::Loadable;
use crate::domain::{
    AssistedSession, AttorneyKind, Channel, CitizenId, ContactEvent, GuideRun, KleTopic, Language, Outcome, Role,
};
use crate::history::api::{CitizenProfile, SessionInput};
use crate::history::outbox::{Entry, Outbox, TornEntry};

pub use wrapup::WrapUp;

/// What the session layer does for a view or shortcut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SessionCommand {
    /// Start a session for the open citizen, or for a citizen who does not want to be identified.
    Start {
        anonymous: bool,
    },
    Park,
    /// Resume the parked session at this index (parking the current one, if any).
    Resume(usize),
    /// The session moved to another channel; a phone call's end no longer applies.
    SetChannel(Channel),
    /// The phone call is over: the wrap-up countdown starts.
    EndCall,
    OpenWrapUp,
    CancelWrapUp,
    Log,
    Discard,
    /// Staff chose the session's reason: a guide started later no longer replaces it, and repeat contacts are
    /// looked for again.
    ReasonChosen,
    /// Who did the current guide step.
    MarkPerformer(crate::domain::Performer),
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
}

/// Answers from the outbox, the repeat-contact check and the receipt's save dialog.
pub enum SessionReply {
    OutboxOpened(Result<Box<(Outbox, crate::history::outbox::OpenReport)>, LocalFailure>),
    /// A session is in the journal (or could not be written there).
    Journaled {
        id: Uuid,
        result: Result<(), LocalFailure>,
    },
    Outbox(crate::history::outbox::OutboxEvent),
    Repeat {
        session: Uuid,
        result: Result<Vec<ContactEvent>, crate::history::client::ClientError>,
    },
    /// Staff's decision on a conflicted or refused outbox entry is journaled (or failed).
    OutboxFixed(Result<(), LocalFailure>),
    /// `Ok(None)`: the save dialog was cancelled.
    ReceiptSaved(Result<Option<String>, LocalFailure>),
}

/// How far back a contact on the same topic makes this one a repeat contact.
pub const REPEAT_DAYS: i64 = 14;

/// The citizen a session is for, as the card showed them when it started.
#[derive(Clone, Debug)]
pub struct SessionCitizen {
    tab: Option<TabId>,
    profile: Arc<CitizenProfile>,
}

impl SessionCitizen {
    #[must_use]
    pub fn id(&self) -> CitizenId {
        self.profile.id
    }
}

/// A stopwatch that can be paused (a parked session does not count time).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Clock {
    before: f64,
    running_since: Option<f64>,
}

impl Clock {
    /// A clock started at `now` (egui time, seconds).
    #[must_use]
    pub fn started(now: f64) -> Self {
        Self { before: 0.0, running_since: Some(now) }
    }

    /// Seconds counted so far.
    #[must_use]
    pub fn seconds(&self, now: f64) -> f64 {
        self.before + self.running_since.map_or(0.0, |since| (now - since).max(0.0))
    }

    pub fn pause(&mut self, now: f64) {
        self.before = self.seconds(now);
        self.running_since = None;
    }

    pub fn resume(&mut self, now: f64) {
        if self.running_since.is_none() {
            self.running_since = Some(now);
        }
    }

    #[must_use]
    pub fn is_running(&self) -> bool {
        self.running_since.is_some()
    }
}

/// `m:ss`, or `h:mm:ss` past an hour.
#[must_use]
pub fn clock_text(seconds: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Clamped to a day; whole seconds.
    let total = seconds.clamp(0.0, 86_400.0) as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// The session in progress.
pub struct ActiveSession {
    /// Generated here, so a retried write is the same session to the service.
    id: Uuid,
    /// `None` for a citizen who does not want to be identified.
    citizen: Option<SessionCitizen>,
    channel: Channel,
    site: String,
    /// The authority the help was given on behalf of.
    authority: String,
    kle: Option<KleTopic>,
    /// Whether staff picked the reason themselves; otherwise a guide started in the session replaces it.
    kle_chosen: bool,
    /// The text in the reason picker's search field.
    kle_query: String,
    started_at: DateTime<Utc>,
    clock: Clock,
    /// Walkthroughs already taken into the session.
    runs: Vec<GuideRun>,
    /// The guide end last reached, for pre-filling the wrap-up: (guide id, outcome).
    last_end: Option<(String, Outcome)>,
    /// Phone: when (egui time) the call ended; the wrap-up countdown runs from here.
    call_ended_at: Option<f64>,
    /// Contacts about the same topic in the last fortnight, for the repeat-contact banner.
    repeat: Loadable<Vec<ContactEvent>>,
    /// The reason the repeat contacts were fetched for; a new reason fetches again.
    repeat_for: Option<KleTopic>,
    wrap: Option<WrapUp>,
    confirm_discard: bool,
}

impl ActiveSession {
    #[must_use]
    pub fn id(&self) -> Uuid {
        self.id
    }

    #[must_use]
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// Whether the wrap-up is open.
    #[must_use]
    pub fn is_wrapping(&self) -> bool {
        self.wrap.is_some()
    }

    /// A session started now.
    #[must_use]
    pub fn new(citizen: Option<SessionCitizen>, channel: Channel, site: String, authority: String, now: f64) -> Self {
        Self {
            id: Uuid::now_v7(),
            citizen,
            channel,
            site,
            authority,
            kle: None,
            kle_chosen: false,
            kle_query: String::new(),
            started_at: Utc::now(),
            clock: Clock::started(now),
            runs: Vec::new(),
            last_end: None,
            call_ended_at: None,
            repeat: Loadable::NotRequested,
            repeat_for: None,
            wrap: None,
            confirm_discard: false,
        }
    }

    /// The citizen's id, if identified.
    #[must_use]
    pub fn citizen_id(&self) -> Option<CitizenId> {
        self.citizen.as_ref().map(SessionCitizen::id)
    }

    /// The language the citizen reads: their preferred one, or the staff member's for an anonymous citizen.
    #[must_use]
    pub fn citizen_language(&self, fallback: Language) -> Language {
        self.citizen.as_ref().map_or(fallback, |c| c.profile.preferred_language)
    }
}

/// A session set aside while the citizen waits (for a code, a document), with its walkthrough.
pub struct Parked {
    session: ActiveSession,
    walk: Option<ActiveWalk>,
}

/// A session handed to the outbox, kept for its receipt.
#[derive(Clone, Debug)]
pub struct Logged {
    session: AssistedSession,
    citizen: Option<SessionCitizen>,
    language: Language,
}

impl Logged {
    /// The session as it was logged.
    #[must_use]
    pub fn session(&self) -> &AssistedSession {
        &self.session
    }
}

/// The console's view of its outbox.
#[derive(Default)]
pub struct OutboxState {
    outbox: Option<Outbox>,
    /// Why the outbox could not be opened; logging is refused until it can.
    open_error: Option<LocalFailure>,
    /// Incomplete entries found (and set aside) when the outbox was opened.
    torn: Vec<TornEntry>,
    /// Everything not yet confirmed, refreshed after every outbox event.
    entries: Vec<Entry>,
    /// The last failure to send.
    last_error: Option<crate::history::client::ClientError>,
    /// The last failure of the outbox itself (the disk), which means a session was not logged.
    local_error: Option<LocalFailure>,
    show_problems: bool,
    /// Sessions appended but not yet reported journaled (the UI says "saving" until then).
    saving: Vec<Uuid>,
    sender: Option<tokio::task::JoinHandle<()>>,
}

impl OutboxState {
    /// Sessions not yet confirmed by the service.
    #[must_use]
    pub fn waiting(&self) -> usize {
        self.entries.len()
    }

    /// Entries that need a person: conflicts and rejections.
    #[must_use]
    pub fn problems(&self) -> usize {
        self.entries.iter().filter(|e| !matches!(e.state, crate::history::outbox::EntryState::Waiting)).count()
    }

    /// Whether this session id is still waiting for the service.
    #[must_use]
    pub fn is_pending(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.id.to_string() == id) || self.saving.iter().any(|s| s.to_string() == id)
    }

    /// The ids of sessions not yet confirmed, as timeline rows name them.
    #[must_use]
    pub fn pending_ids(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.id.to_string()).chain(self.saving.iter().map(Uuid::to_string)).collect()
    }

    /// The waiting entry with this id.
    #[must_use]
    pub fn entry(&self, id: Uuid) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The outbox, once open (for tests that put an entry in it as another console would have).
    #[must_use]
    pub fn outbox(&self) -> Option<&Outbox> {
        self.outbox.as_ref()
    }

    /// The outbox to journal a session in, or why there is none: nothing is logged until it opens.
    pub fn writer(&self) -> Result<Outbox, Option<LocalFailure>> {
        self.outbox.clone().ok_or_else(|| self.open_error.clone())
    }

    /// Whether the outbox is still being opened.
    #[must_use]
    pub fn is_opening(&self) -> bool {
        self.outbox.is_none() && self.open_error.is_none()
    }

    /// A session is being journaled: it counts as pending from now.
    pub fn start_saving(&mut self, id: Uuid) {
        self.saving.push(id);
    }

    /// A journal write finished: what waits is read again, and a disk failure is kept to show.
    pub fn journaled(&mut self, id: Uuid, result: &Result<(), LocalFailure>) {
        self.saving.retain(|s| *s != id);
        self.refresh();
        if let Err(error) = result {
            self.local_error = Some(error.clone());
        }
    }

    fn refresh(&mut self) {
        if let Some(outbox) = &self.outbox {
            self.entries = outbox.entries();
        }
    }
}

impl SessionsState {
    /// The session in progress.
    #[must_use]
    pub fn active(&self) -> Option<&ActiveSession> {
        self.active.as_ref()
    }

    /// Whether a session is in progress or parked with this id.
    #[must_use]
    pub fn is_live(&self, id: Uuid) -> bool {
        self.active.as_ref().is_some_and(|s| s.id == id) || self.parked.iter().any(|p| p.session.id == id)
    }

    /// The last session logged, for its receipt (and a practice scenario's feedback).
    #[must_use]
    pub fn logged(&self) -> Option<&Logged> {
        self.logged.as_ref()
    }

    #[must_use]
    pub fn outbox(&self) -> &OutboxState {
        &self.outbox
    }

    pub fn outbox_mut(&mut self) -> &mut OutboxState {
        &mut self.outbox
    }

    /// Another session was logged elsewhere in the console (a group session), for the status line.
    pub fn count_logged(&mut self) {
        self.logged_count += 1;
    }

    /// Whether anything of the sessions' waits for the disk or the service; the outbox opens only once connected.
    #[must_use]
    pub fn is_busy(&self, connected: bool) -> bool {
        (connected && self.outbox.is_opening())
            || !self.outbox.saving.is_empty()
            || self.active.as_ref().is_some_and(|s| s.repeat.is_pending())
    }

    /// Whether a session's clock runs (the strip and the wrap-up countdown show whole seconds).
    #[must_use]
    pub fn clock_running(&self) -> bool {
        self.active.as_ref().is_some_and(|s| s.clock.is_running())
    }

    /// Whether the session in progress is being wrapped up.
    #[must_use]
    pub fn is_wrapping(&self) -> bool {
        self.active.as_ref().is_some_and(|s| s.wrap.is_some())
    }
}

/// Everything about sessions in the console.
#[derive(Default)]
pub struct SessionsState {
    active: Option<ActiveSession>,
    parked: Vec<Parked>,
    outbox: OutboxState,
    /// The last session logged, for its receipt.
    logged: Option<Logged>,
    /// The receipt shown in the print preview, built once when the preview opens rather than every frame.
    receipt_preview: Option<crate::receipt::Receipt>,
    /// What happened to the last "Save as PDF": the file name, or why it failed.
    receipt_status: Option<Result<String, LocalFailure>>,
    /// Sessions logged since the console started (for the status line).
    logged_count: u32,
    /// The session being written to the journal.
    journaling: Option<SessionInput>,
}

/// The channel a role usually helps on.
#[must_use]
pub fn default_channel(role: Role) -> Channel {
    match role {
        Role::Phone => Channel::Phone,
        Role::Trainer => Channel::GroupTraining,
        _ => Channel::Counter,
    }
}

/// The timeline row a logged session will have once the service stores it, shown at once as pending.
#[must_use]
pub fn pending_row(id: Uuid, input: &SessionInput, staff: &str) -> Option<ContactEvent> {
    Some(ContactEvent {
        id,
        citizen_id: input.citizen_id?,
        occurred_at: input.started_at,
        channel: input.channel,
        direction: crate::domain::Direction::Inbound,
        authority: crate::domain::AuthorityId(input.authority.clone()),
        kle: input.kle.as_deref().and_then(|k| crate::domain::KleCatalog::builtin().topic(k).ok()),
        case_ref: None,
        status: input.outcome.case_status(),
        summary: input.summary.clone(),
        source: crate::history::api::SESSION_SOURCE.to_owned(),
        source_id: id.to_string(),
        staff: Some(staff.to_owned()),
        abandoned: false,
        failure_demand: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paused_clock_keeps_its_time() {
        let mut clock = Clock::started(10.0);
        assert!((clock.seconds(70.0) - 60.0).abs() < 1e-9);
        clock.pause(70.0);
        assert!((clock.seconds(500.0) - 60.0).abs() < 1e-9, "parked time does not count");
        clock.resume(500.0);
        assert!((clock.seconds(530.0) - 90.0).abs() < 1e-9);
        assert_eq!(clock_text(90.0), "1:30");
        assert_eq!(clock_text(3725.0), "1:02:05");
    }
}
