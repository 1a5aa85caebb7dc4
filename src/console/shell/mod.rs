//! The console's frame around the features: connecting (and the start screens), the link status, the top bar with
//! the shortcut line, the privacy screen and the training band, and the preferences the top bar sets.
//! May use every feature's command type; features reach the connection only through `ConsoleApp::client`.

pub mod control;
pub mod keys;
pub mod privacy;
pub mod startup;
pub mod text;
pub mod top_bar;
pub mod training;

use crate::domain::{Authority, Language};
use crate::history::api::Me;
use crate::history::client::{ClientError, HistoryClient};
use crate::history::embedded::Embedded;

use super::theme::ThemeChoice;

/// What the shell does for a view or shortcut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AppCommand {
    /// Try connecting again after a failed start.
    Reconnect,
    TogglePrivacy,
    SetLanguage(Language),
    SetTheme(ThemeChoice),
    /// Minutes without input before the privacy screen comes on; 0 turns that off.
    SetIdleMinutes(u32),
    /// Seconds of wrap-up time after a phone call.
    SetWrapSeconds(u32),
}

/// Answers about the connection.
pub enum AppReply {
    /// Demo generation on first start, in percent.
    StartProgress(u32),
    Started(Result<Box<control::Started>, StartFailure>),
    Probe(Result<(), ClientError>),
}

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
    client: HistoryClient,
    me: Me,
    /// The embedded demo store: every citizen is fictitious.
    demo: bool,
    authorities: Vec<Authority>,
    status: LinkStatus,
    failures: u32,
    /// When (egui time) the last health probe went out.
    last_probe: f64,
    probe_pending: bool,
    /// Keeps the embedded service running for as long as the connection lives (dropping it stops the service).
    #[allow(dead_code)] // Held, never read.
    embedded: Option<Embedded>,
}

impl Connection {
    #[must_use]
    pub fn client(&self) -> &HistoryClient {
        &self.client
    }

    /// Who is signed in.
    #[must_use]
    pub fn me(&self) -> &Me {
        &self.me
    }

    /// Whether this is the embedded demo store, where every citizen is fictitious.
    #[must_use]
    pub fn demo(&self) -> bool {
        self.demo
    }

    #[must_use]
    pub fn authorities(&self) -> &[Authority] {
        &self.authorities
    }
}
