//! Applying commands from views and replies from background work to the console's state.
//! The only place that starts HTTP calls; each runs on the background runtime via [`Tasks`].

use crate::domain::{CitizenId, Purpose, Role};
use crate::history::api::{CitizenMatches, CitizenProfile, EventPage, Me, RevealedCpr};
use crate::history::client::{ClientError, HistoryClient};
use crate::history::embedded::{self, Embedded, EmbeddedOptions};
use crate::history::outbox::{OpenReport, Outbox, OutboxEvent};

use super::app::ConsoleApp;
use super::command::Command;
use super::lookup::classify;
use super::state::{
    CitizenTab, Connection, LinkStatus, Phase, RECENT_MAX, RecentCitizen, StartFailure, TabId, TimelineState,
};
use super::tasks::Loadable;

/// How long the search text must rest before the timeline is fetched again, in seconds.
pub const TEXT_DEBOUNCE_SECS: f64 = 0.35;
/// Seconds between health probes while the link is down, and while it is up.
const PROBE_DOWN_SECS: f64 = 3.0;
const PROBE_UP_SECS: f64 = 30.0;

/// Where the console connects.
#[derive(Clone, Debug)]
pub enum Target {
    Embedded(EmbeddedOptions),
    /// `data_dir` holds this console's outbox of logged sessions waiting to be sent; `ca_file` (PEM) names
    /// certificate authorities to trust besides the system's, for a service with a municipal certificate.
    Server {
        url: String,
        token: String,
        token_file: String,
        data_dir: std::path::PathBuf,
        ca_file: Option<std::path::PathBuf>,
    },
}

impl Target {
    /// The journal of logged sessions not yet confirmed by the service: one per service and staff member, so a
    /// colleague signing in on the same PC never sends someone else's sessions under their own name.
    #[must_use]
    pub fn outbox_path(&self, staff: uuid::Uuid) -> std::path::PathBuf {
        let (dir, service) = match self {
            Self::Embedded(options) => (&options.data_dir, "embedded".to_owned()),
            Self::Server { url, data_dir, .. } => {
                let service: String =
                    url.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).take(80).collect();
                (data_dir, service)
            }
        };
        dir.join("outbox").join(format!("{service}-{staff}.journal"))
    }
}

/// The answer to a background call.
pub enum Reply {
    StartProgress(u32),
    Started(Result<Box<Started>, StartFailure>),
    Probe(Result<(), ClientError>),
    Search {
        request: u64,
        result: Result<CitizenMatches, ClientError>,
    },
    Profile {
        tab: TabId,
        result: Result<CitizenProfile, ClientError>,
    },
    Timeline {
        tab: TabId,
        generation: u64,
        result: Result<EventPage, ClientError>,
    },
    Reveal {
        tab: TabId,
        result: Result<RevealedCpr, ClientError>,
    },
    Guides(Result<(crate::guides::library::Library, super::guides::ImageUris), String>),
    OutboxOpened(Result<Box<(Outbox, OpenReport)>, String>),
    /// A session is in the journal (or could not be written there).
    Journaled {
        id: uuid::Uuid,
        result: Result<(), String>,
    },
    Outbox(OutboxEvent),
    Repeat {
        session: uuid::Uuid,
        result: Result<Vec<crate::domain::ContactEvent>, ClientError>,
    },
    /// Staff's decision on a conflicted or refused outbox entry is journaled (or failed).
    OutboxFixed(Result<(), String>),
    /// `Ok(None)`: the save dialog was cancelled.
    ReceiptSaved(Result<Option<String>, String>),
    SessionDetails {
        tab: TabId,
        session: uuid::Uuid,
        result: Result<crate::domain::AssistedSession, ClientError>,
    },
    Unmatched(Result<crate::history::api::UnmatchedList, ClientError>),
    /// A queued contact was linked to this citizen (or not).
    Linked(Result<crate::domain::CitizenId, ClientError>),
    /// The full identifier a queued contact named.
    RevealedIdentifier(uuid::Uuid, Result<crate::history::api::RevealedIdentifier, ClientError>),
    Group(super::group::GroupReply),
    /// The practice scenarios, checked against the guide library.
    Scenarios(Result<Box<crate::guides::scenario::Corpus>, String>),
}

/// What a successful start hands over.
pub struct Started {
    client: HistoryClient,
    me: Me,
    authorities: Vec<crate::domain::Authority>,
    embedded: Option<Embedded>,
}

async fn start(
    target: Target,
    progress: tokio::sync::mpsc::Sender<Reply>,
    repaint: egui::Context,
) -> Result<Box<Started>, StartFailure> {
    let (url, token, ca_file, embedded) = match target {
        Target::Embedded(options) => {
            let report = |done: u32, total: u32| {
                // Progress is best effort; a full queue only skips a percentage.
                progress.try_send(Reply::StartProgress(done * 100 / total.max(1))).ok();
                repaint.request_repaint();
            };
            let running = embedded::start(&options, report).await.map_err(|e| StartFailure::Embedded(e.to_string()))?;
            (running.url.clone(), running.token.clone(), None, Some(running))
        }
        Target::Server { url, token, ca_file, .. } => (url, token, ca_file, None),
    };
    // A missing or broken CA file ends here, on the failure screen with the file named.
    let client = HistoryClient::with_ca_file(&url, &token, crate::history::client::DEFAULT_TIMEOUT, ca_file.as_deref())
        .map_err(|e| StartFailure::Other(e.to_string()))?;
    let me = client.me().await.map_err(|e| StartFailure::from_client(&url, &e))?;
    let authorities = client.authorities().await.map_err(|e| StartFailure::from_client(&url, &e))?.authorities;
    Ok(Box::new(Started { client, me, authorities, embedded }))
}

/// The purpose a role most often looks citizens up for.
fn default_purpose(role: Role) -> Purpose {
    match role {
        Role::Phone => Purpose::PhoneCall,
        Role::Trainer => Purpose::Training,
        Role::Supervisor => Purpose::Supervision,
        _ => Purpose::CounterVisit,
    }
}

impl ConsoleApp {
    /// Starts (or restarts) connecting to the target.
    pub(super) fn connect(&mut self) {
        self.phase = Phase::Starting { progress: None };
        let (sender, repaint) = self.tasks.sender();
        let target = self.target.clone();
        self.tasks.spawn(async move { Reply::Started(start(target, sender, repaint).await) });
    }

    fn client(&self) -> Option<&HistoryClient> {
        match &self.phase {
            Phase::Ready(connection) => Some(&connection.client),
            _ => None,
        }
    }

    fn tab_mut(&mut self, id: TabId) -> Option<&mut CitizenTab> {
        self.tabs.iter_mut().find(|t| t.id == id)
    }

    /// Applies one command from a view.
    pub(super) fn apply(&mut self, command: Command) {
        match command {
            Command::Reconnect => self.connect(),
            Command::Search => self.search(),
            Command::OpenCitizen(id) => self.open_citizen(id),
            Command::SelectTab(id) => self.active = self.tabs.iter().position(|t| t.id == id).unwrap_or(self.active),
            Command::CloseTab(id) => self.close_tab(id),
            Command::RevealCpr(id) => self.reveal(id),
            Command::HideCpr(id) => {
                if let Some(tab) = self.tab_mut(id) {
                    tab.revealed_cpr = Loadable::NotRequested;
                }
            }
            Command::ReloadProfile(id) => self.fetch_profile(id),
            Command::FilterChanged(id) | Command::ClearFilters(id) => {
                if command == Command::ClearFilters(id)
                    && let Some(tab) = self.tab_mut(id)
                {
                    tab.timeline.filter = super::timeline::TimelineFilter::default();
                }
                self.restart_timeline(id);
            }
            Command::FilterTextEdited(id) => {
                let now = self.now;
                if let Some(tab) = self.tab_mut(id) {
                    tab.timeline.text_edited_at = Some(now);
                }
            }
            Command::LoadMore(id) | Command::RetryPage(id) => self.fetch_page(id),
            Command::SelectEvent(id, index) => {
                if let Some(tab) = self.tab_mut(id) {
                    tab.timeline.selected = index;
                }
                self.fetch_session_details(id);
            }
            Command::TogglePrivacy => self.privacy = !self.privacy,
            Command::SetLanguage(lang) => self.prefs.language = lang,
            Command::SetTheme(theme) => {
                self.prefs.theme = theme;
                self.theme_dirty = true;
            }
            Command::FocusLookup => self.lookup.focus_field = true,
            Command::SetIdleMinutes(minutes) => self.prefs.idle_privacy_minutes = minutes,
            Command::ToggleGuides
            | Command::ToggleCitizenView
            | Command::StartGuide(_)
            | Command::StopGuide
            | Command::GuideNext
            | Command::GuideBack
            | Command::GuideChoose(_)
            | Command::GuideSkip => self.apply_guide(command),
            Command::SetWrapSeconds(seconds) => self.prefs.wrap_seconds = seconds,
            Command::ToggleUnmatched
            | Command::RefreshUnmatched
            | Command::LinkUnmatched(_)
            | Command::RevealUnmatched(_) => {
                self.apply_unmatched(command);
            }
            Command::Present { .. } | Command::PresentGo(_) | Command::PresentLanguage | Command::StopPresenting => {
                self.apply_presentation(command);
            }
            command if command.is_group() => self.apply_group(command),
            command if command.is_scenario() => self.apply_scenario(command),
            command if command.is_session() => self.apply_session(command),
            _ => {}
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
        self.tasks
            .spawn(async move { Reply::Search { request, result: client.search_citizens(&search, purpose).await } });
    }

    fn open_citizen(&mut self, citizen: CitizenId) {
        self.privacy = false;
        // The lookup text (often a CPR number) has served its purpose; it must not linger on screen.
        self.lookup.text.clear();
        if let Some(index) = self.tabs.iter().position(|t| t.citizen == citizen) {
            self.active = index;
            return;
        }
        self.next_tab += 1;
        let tab = CitizenTab {
            id: self.next_tab,
            citizen,
            purpose: self.lookup.purpose,
            profile: Loadable::NotRequested,
            revealed_cpr: Loadable::NotRequested,
            timeline: TimelineState::default(),
            session_details: std::collections::HashMap::new(),
        };
        let id = tab.id;
        self.tabs.push(tab);
        self.active = self.tabs.len() - 1;
        self.fetch_profile(id);
        self.restart_timeline(id);
    }

    fn close_tab(&mut self, id: TabId) {
        if let Some(index) = self.tabs.iter().position(|t| t.id == id) {
            self.tabs.remove(index);
            if self.active >= index && self.active > 0 {
                self.active -= 1;
            }
        }
        if self.tabs.is_empty() {
            self.lookup.focus_field = true;
        }
    }

    fn fetch_profile(&mut self, id: TabId) {
        let Some(client) = self.client().cloned() else { return };
        let Some(tab) = self.tab_mut(id) else { return };
        tab.profile.start();
        let (citizen, purpose) = (tab.citizen, tab.purpose);
        self.tasks.spawn(async move { Reply::Profile { tab: id, result: client.citizen(citizen, purpose).await } });
    }

    fn reveal(&mut self, id: TabId) {
        let Some(client) = self.client().cloned() else { return };
        let Some(tab) = self.tab_mut(id) else { return };
        tab.revealed_cpr.start();
        let (citizen, purpose) = (tab.citizen, tab.purpose);
        self.tasks.spawn(async move { Reply::Reveal { tab: id, result: client.reveal_cpr(citizen, purpose).await } });
    }

    /// Fetches the logged session behind the selected timeline row, for its guide path and who did each step.
    fn fetch_session_details(&mut self, id: TabId) {
        let Some(client) = self.client().cloned() else { return };
        let pending = |source_id: &str| self.sessions.outbox.is_pending(source_id);
        let Some(tab) = self.tabs.iter().find(|t| t.id == id) else { return };
        let Some(event) = tab.timeline.selected.and_then(|i| tab.timeline.data.events.get(i)) else { return };
        let Some(session) = crate::history::api::session_of(event) else { return };
        if pending(&event.source_id) || tab.session_details.get(&session).is_some_and(Result::is_ok) {
            return;
        }
        let purpose = tab.purpose;
        self.tasks.spawn(async move {
            Reply::SessionDetails { tab: id, session, result: client.session(session, purpose).await }
        });
    }

    /// Drops the fetched pages and fetches the first page for the current filter.
    fn restart_timeline(&mut self, id: TabId) {
        let Some(tab) = self.tab_mut(id) else { return };
        let timeline = &mut tab.timeline;
        timeline.generation += 1;
        timeline.data = super::timeline::TimelineData::default();
        timeline.selected = None;
        timeline.text_edited_at = None;
        timeline.page = Loadable::NotRequested;
        self.fetch_page(id);
    }

    fn fetch_page(&mut self, id: TabId) {
        let Some(client) = self.client().cloned() else { return };
        let Some(tab) = self.tab_mut(id) else { return };
        let timeline = &mut tab.timeline;
        if timeline.page.is_pending() || (timeline.data.loaded && !timeline.data.has_more()) {
            return;
        }
        let Ok(params) = timeline.filter.params(timeline.data.next_cursor.clone()) else {
            timeline.bad_date = true;
            return;
        };
        timeline.bad_date = false;
        timeline.page.start();
        let (citizen, purpose, generation) = (tab.citizen, tab.purpose, timeline.generation);
        self.tasks.spawn(async move {
            Reply::Timeline { tab: id, generation, result: client.timeline(citizen, &params, purpose).await }
        });
    }

    /// Work that is due by the clock: debounced searches and health probes.
    pub(super) fn tick(&mut self) {
        let now = self.now;
        let due: Vec<TabId> = self
            .tabs
            .iter()
            .filter(|t| t.timeline.text_edited_at.is_some_and(|at| now - at >= TEXT_DEBOUNCE_SECS))
            .map(|t| t.id)
            .collect();
        for id in due {
            self.restart_timeline(id);
        }
        let Phase::Ready(connection) = &mut self.phase else { return };
        let interval = if connection.status == LinkStatus::Online { PROBE_UP_SECS } else { PROBE_DOWN_SECS };
        if !connection.probe_pending && now - connection.last_probe >= interval {
            connection.probe_pending = true;
            connection.last_probe = now;
            let client = connection.client.clone();
            self.tasks.spawn(async move { Reply::Probe(client.health().await.map(|_| ())) });
        }
    }

    /// Applies the answer to a background call.
    pub(super) fn receive(&mut self, reply: Reply) {
        match reply {
            Reply::StartProgress(percent) => {
                if let Phase::Starting { progress } = &mut self.phase {
                    *progress = Some(percent);
                }
            }
            Reply::Started(result) => self.started(result),
            Reply::Probe(result) => {
                if let Phase::Ready(connection) = &mut self.phase {
                    connection.probe_pending = false;
                }
                self.note_link(result.as_ref().err());
            }
            Reply::Search { request, result } if request == self.lookup.request => {
                self.note_link(result.as_ref().err());
                self.search_answered(result);
            }
            Reply::Profile { tab, result } => {
                self.note_link(result.as_ref().err());
                if let Ok(profile) = &result {
                    self.remember(profile);
                }
                if let Some(tab) = self.tab_mut(tab) {
                    tab.profile.finish(result);
                }
            }
            Reply::Timeline { tab, generation, result } => {
                self.note_link(result.as_ref().err());
                if let Some(tab) = self.tab_mut(tab)
                    && tab.timeline.generation == generation
                {
                    match result {
                        Ok(page) => {
                            tab.timeline.data.append(page.events, page.next_cursor);
                            tab.timeline.page.finish(Ok(()));
                        }
                        Err(error) => tab.timeline.page.finish(Err(error)),
                    }
                }
            }
            Reply::Reveal { tab, result } => {
                self.note_link(result.as_ref().err());
                if let Some(tab) = self.tab_mut(tab) {
                    tab.revealed_cpr.finish(result.map(|r| r.cpr));
                }
            }
            Reply::Guides(result) => {
                self.guides.library = match result {
                    Ok((library, images)) => {
                        self.guides.images = std::sync::Arc::new(images);
                        super::guides::GuideLibrary::Ready(std::sync::Arc::new(library))
                    }
                    Err(error) => super::guides::GuideLibrary::Failed(error),
                };
            }
            Reply::SessionDetails { tab, session, result } => {
                if let Some(tab) = self.tab_mut(tab) {
                    tab.session_details.insert(session, result);
                }
            }
            Reply::Unmatched(_) | Reply::Linked(_) | Reply::RevealedIdentifier(..) => self.receive_unmatched(reply),
            Reply::Group(reply) => self.receive_group(reply),
            Reply::Scenarios(result) => self.receive_scenarios(result),
            Reply::Search { .. } => {} // An answer to a search that a newer one replaced.
            other => self.receive_session(other),
        }
    }

    fn started(&mut self, result: Result<Box<Started>, StartFailure>) {
        match result {
            Ok(started) => {
                let Started { client, me, authorities, embedded } = *started;
                self.lookup.purpose = self.prefs.purpose.unwrap_or_else(|| default_purpose(me.role));
                self.lookup.focus_field = true;
                self.phase = Phase::Ready(Box::new(Connection {
                    client,
                    me,
                    demo: embedded.is_some(),
                    authorities,
                    status: LinkStatus::Online,
                    failures: 0,
                    last_probe: self.now,
                    probe_pending: false,
                    embedded,
                }));
                self.open_outbox();
                if self.may_resolve_identity() {
                    self.fetch_unmatched();
                }
            }
            Err(failure) => self.phase = Phase::Failed(failure),
        }
    }

    fn search_answered(&mut self, result: Result<CitizenMatches, ClientError>) {
        let single = result.as_ref().ok().filter(|m| m.citizens.len() == 1).map(|m| m.citizens[0].id);
        self.lookup.focus_first_result = result.as_ref().is_ok_and(|m| m.citizens.len() > 1);
        self.lookup.results.finish(result);
        if let Some(id) = single {
            self.open_citizen(id);
        }
    }

    fn remember(&mut self, profile: &CitizenProfile) {
        self.recent.retain(|r| r.id != profile.id);
        self.recent.insert(
            0,
            RecentCitizen { id: profile.id, name: profile.name.clone(), masked_cpr: profile.masked_cpr.clone() },
        );
        self.recent.truncate(RECENT_MAX);
    }

    /// Updates the link status from the outcome of any call.
    fn note_link(&mut self, error: Option<&ClientError>) {
        let Phase::Ready(connection) = &mut self.phase else { return };
        match error {
            None => {
                connection.status = LinkStatus::Online;
                connection.failures = 0;
            }
            Some(error) if error.is_transient() => {
                connection.failures += 1;
                connection.status =
                    if connection.failures >= 3 { LinkStatus::Offline } else { LinkStatus::Reconnecting };
            }
            Some(_) => {}
        }
    }
}
