//! Test harness: a real contact-history service on 127.0.0.1:0 over a temporary SQLite file, with one staff
//! member (and token) per role, reached through the real HTTP client.
#![allow(dead_code)] // Each test binary uses a different part of the harness.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use medbetjening::domain::{Channel, Purpose, Role};
use medbetjening::history::api::{CitizenInput, CitizenRef, EventInput};
use medbetjening::history::client::HistoryClient;
use medbetjening::history::service::{self, AppState};
use medbetjening::history::store::Store;
use tempfile::TempDir;
use tokio::sync::oneshot;
use uuid::Uuid;

pub struct TestService {
    pub url: String,
    pub store: Store,
    tokens: HashMap<Role, (Uuid, String)>,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: TempDir,
}

impl TestService {
    /// Starts a service over a fresh SQLite store in a temporary directory.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("history.sqlite").display());
        let store = Store::open(&url).await.expect("store opens");
        let mut tokens = HashMap::new();
        for role in Role::ALL {
            let (staff, token) =
                store.add_staff(&format!("Test {}", role.code()), role, "Testcenter", Utc::now()).await.expect("staff");
            tokens.insert(role, (staff.id, token.0));
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(service::serve(listener, AppState::new(store.clone()), async move {
            stopped.await.ok();
        }));
        Self { url: format!("http://{address}"), store, tokens, shutdown: Some(shutdown), _dir: dir }
    }

    pub fn token(&self, role: Role) -> &str {
        &self.tokens[&role].1
    }

    pub fn staff_id(&self, role: Role) -> Uuid {
        self.tokens[&role].0
    }

    /// A client signed in with the given role's token.
    pub fn client(&self, role: Role) -> HistoryClient {
        HistoryClient::new(&self.url, self.token(role), Duration::from_secs(10)).expect("client")
    }

    /// A client with a token the service does not know.
    pub fn stranger(&self) -> HistoryClient {
        HistoryClient::new(&self.url, "mbj_not-a-real-token", Duration::from_secs(10)).expect("client")
    }

    /// A plain reqwest client and base URL, for requests the typed client would never send.
    pub fn raw(&self) -> (reqwest::Client, String) {
        (reqwest::Client::new(), self.url.clone())
    }
}

impl Drop for TestService {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            shutdown.send(()).ok();
        }
    }
}

/// A citizen record with sensible defaults.
pub fn citizen_input(cpr: &str, name: &str) -> CitizenInput {
    serde_json::from_value(serde_json::json!({ "cpr": cpr, "name": name, "fictitious": true })).expect("citizen input")
}

/// Creates a citizen through the API (as a registry feed) and returns its id.
pub async fn create_citizen(service: &TestService, input: &CitizenInput) -> Uuid {
    service.client(Role::Integration).put_citizen(input).await.expect("citizen stored").id
}

/// An event for the citizen with this id.
pub fn event_input(
    citizen: Uuid,
    source_id: &str,
    at: DateTime<Utc>,
    channel: Channel,
    authority: &str,
    summary: &str,
) -> EventInput {
    EventInput {
        source: "testsystem".into(),
        source_id: source_id.into(),
        citizen: CitizenRef { id: Some(citizen), ..CitizenRef::default() },
        occurred_at: at,
        channel,
        direction: medbetjening::domain::Direction::Inbound,
        authority: authority.into(),
        kle: None,
        case_ref: None,
        status: medbetjening::domain::CaseStatus::Resolved,
        summary: summary.into(),
        staff: None,
        abandoned: false,
    }
}

/// The purpose tests use for reads unless they test purposes.
pub const PURPOSE: Purpose = Purpose::CounterVisit;

/// A fixed time plus `minutes`.
pub fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T08:00:00Z").expect("time").to_utc() + chrono::Duration::minutes(minutes)
}

/// A service over an existing store on a fixed local port that can be stopped (closing the port) and started
/// again on the same port, as a restarted server would be.
pub struct Restartable {
    pub url: String,
    address: std::net::SocketAddr,
    store: Store,
    running: Option<(oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>)>,
}

impl Restartable {
    /// Picks a free port but does not serve on it yet: the service starts out down.
    pub fn down(store: Store) -> Self {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let address = probe.local_addr().expect("address");
        drop(probe);
        Self { url: format!("http://{address}"), address, store, running: None }
    }

    pub async fn start(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.address).await.expect("the same port again");
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(service::serve(listener, AppState::new(self.store.clone()), async move {
            stopped.await.ok();
        }));
        self.running = Some((shutdown, task));
    }

    /// Stops serving and waits until the port is closed and every connection is gone.
    pub async fn stop(&mut self) {
        if let Some((shutdown, task)) = self.running.take() {
            shutdown.send(()).ok();
            tokio::time::timeout(Duration::from_secs(10), task).await.expect("stops in time").ok();
        }
    }
}

/// How often a logged session is stored: its rows in `sessions`, and the timeline rows whose `source_id` is its id.
pub async fn times_stored(store: &Store, citizen: Uuid, session: Uuid) -> (usize, usize) {
    let filter =
        medbetjening::history::store::SessionFilter { citizen: Some(citizen), limit: 100_000, ..Default::default() };
    let rows = store.sessions(&filter).await.expect("sessions").iter().filter(|s| s.id == session).count();
    let events = store.all_events(citizen).await.expect("events");
    let timeline = events.iter().filter(|e| e.source == "medbetjening" && e.source_id == session.to_string()).count();
    (rows, timeline)
}
