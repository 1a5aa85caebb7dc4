//! Test harness: a real contact-history service on 127.0.0.1:0 over a fresh database — a temporary SQLite file, or
//! a new PostgreSQL database when `MEDBETJENING_TEST_POSTGRES` names a server — with one staff member (and token)
//! per role, reached through the real HTTP client.
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

/// The PostgreSQL server the PostgreSQL half of the suites runs on, e.g. `postgres://medb:medb@127.0.0.1/medb`
/// (a role that may create databases). Unset, that half is skipped and says so.
pub const POSTGRES_ENV: &str = "MEDBETJENING_TEST_POSTGRES";

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

impl Db {
    /// Whether the PostgreSQL half can run; prints why not when it cannot.
    pub fn postgres_configured(test: &str) -> bool {
        let configured = std::env::var(POSTGRES_ENV).is_ok_and(|url| !url.is_empty());
        if !configured {
            eprintln!(
                "{test}: PostgreSQL half skipped — set {POSTGRES_ENV}=postgres://USER:PASSWORD@HOST/DB to run it"
            );
        }
        configured
    }

    /// The URL of a fresh, empty database of this kind (SQLite: a file in `dir`; PostgreSQL: a new database on the
    /// configured server), and what to drop afterwards.
    pub async fn fresh(self, dir: &std::path::Path) -> (String, Option<FreshPostgres>) {
        match self {
            Db::Sqlite => (format!("sqlite:{}", dir.join("history.sqlite").display()), None),
            Db::Postgres => {
                let admin = std::env::var(POSTGRES_ENV).expect("a PostgreSQL URL");
                let name = format!("mbj_test_{}", Uuid::new_v4().simple());
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await.expect("PostgreSQL");
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create a test database");
                let mut url = url::Url::parse(&admin).expect("a URL");
                url.set_path(&name);
                (url.to_string(), Some(FreshPostgres { admin, name }))
            }
        }
    }
}

/// A PostgreSQL test database, dropped when the test is over.
pub struct FreshPostgres {
    admin: String,
    name: String,
}

impl Drop for FreshPostgres {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop runs inside the test's runtime; a thread with its own runtime may block on the cleanup.
        std::thread::Builder::new()
            .name("drop-test-db".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                runtime.block_on(async {
                    if let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await {
                        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        sqlx::Executor::execute(&mut conn, drop.as_str()).await.ok();
                    }
                });
            })
            .expect("a cleanup thread")
            .join()
            .ok();
    }
}

/// Runs each named `async fn(Db)` test twice: on SQLite, and on PostgreSQL when it is configured.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::common::Db::Sqlite).await;
            }

            #[tokio::test]
            async fn postgres() {
                if $crate::common::Db::postgres_configured(stringify!($name)) {
                    super::$name($crate::common::Db::Postgres).await;
                }
            }
        }
    )*};
}

pub struct TestService {
    pub url: String,
    pub store: Store,
    /// The database URL, for a second service over the same data.
    pub database: String,
    tokens: HashMap<Role, (Uuid, String)>,
    shutdown: Option<oneshot::Sender<()>>,
    _postgres: Option<FreshPostgres>,
    _dir: TempDir,
}

impl TestService {
    /// Starts a service over a fresh SQLite store in a temporary directory.
    pub async fn start() -> Self {
        Self::start_on(Db::Sqlite).await
    }

    /// Starts a service over a fresh database of the given kind.
    pub async fn start_on(db: Db) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, postgres) = db.fresh(dir.path()).await;
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
        Self {
            url: format!("http://{address}"),
            store,
            database: url,
            tokens,
            shutdown: Some(shutdown),
            _postgres: postgres,
            _dir: dir,
        }
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
        failure_demand: None,
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
