//! Connecting to the contact history (the embedded demo or a shared service), watching the link, and the shell's
//! own commands. The only place the client is created; features borrow it through [`ConsoleApp::client`].

use crate::domain::{Purpose, Role};
use crate::history::api::Me;
use crate::history::client::{ClientError, HistoryClient};
use crate::history::embedded::{self, Embedded, EmbeddedOptions};

use super::super::app::ConsoleApp;
use super::super::command::{LookupCommand, Reply};
use super::{AppCommand, AppReply, Connection, LinkStatus, Phase, StartFailure};

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
                progress.try_send(Reply::App(AppReply::StartProgress(done * 100 / total.max(1)))).ok();
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
    pub(in crate::console) fn connect(&mut self) {
        self.phase = Phase::Starting { progress: None };
        let (sender, repaint) = self.tasks.sender();
        let target = self.target.clone();
        self.tasks.spawn(async move { AppReply::Started(start(target, sender, repaint).await) });
    }

    /// The client, once connected.
    pub(in crate::console) fn client(&self) -> Option<&HistoryClient> {
        match &self.phase {
            Phase::Ready(connection) => Some(&connection.client),
            _ => None,
        }
    }

    pub(in crate::console) fn apply_app(&mut self, command: AppCommand) {
        match command {
            AppCommand::Reconnect => self.connect(),
            AppCommand::TogglePrivacy => self.privacy = !self.privacy,
            AppCommand::SetLanguage(lang) => self.prefs.language = lang,
            AppCommand::SetTheme(theme) => {
                self.prefs.theme = theme;
                self.theme_dirty = true;
            }
            AppCommand::SetIdleMinutes(minutes) => self.prefs.idle_privacy_minutes = minutes,
            AppCommand::SetWrapSeconds(seconds) => self.prefs.wrap_seconds = seconds,
        }
    }

    pub(in crate::console) fn receive_app(&mut self, reply: AppReply) {
        match reply {
            AppReply::StartProgress(percent) => {
                if let Phase::Starting { progress } = &mut self.phase {
                    *progress = Some(percent);
                }
            }
            AppReply::Started(result) => self.started(result),
            AppReply::Probe(result) => {
                if let Phase::Ready(connection) = &mut self.phase {
                    connection.probe_pending = false;
                }
                self.note_link(result.as_ref().err());
            }
        }
    }

    /// Probes the service's health when it is due: often while the link is down, seldom while it is up.
    pub(in crate::console) fn probe_tick(&mut self) {
        let now = self.now;
        let Phase::Ready(connection) = &mut self.phase else { return };
        let interval = if connection.status == LinkStatus::Online { PROBE_UP_SECS } else { PROBE_DOWN_SECS };
        if !connection.probe_pending && now - connection.last_probe >= interval {
            connection.probe_pending = true;
            connection.last_probe = now;
            let client = connection.client.clone();
            self.tasks.spawn(async move { AppReply::Probe(client.health().await.map(|_| ())) });
        }
    }

    fn started(&mut self, result: Result<Box<Started>, StartFailure>) {
        match result {
            Ok(started) => {
                let Started { client, me, authorities, embedded } = *started;
                self.lookup.set_purpose(self.prefs.purpose.unwrap_or_else(|| default_purpose(me.role)));
                self.apply(LookupCommand::Focus);
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

    /// Updates the link status from the outcome of any call.
    pub(in crate::console) fn note_link(&mut self, error: Option<&ClientError>) {
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
