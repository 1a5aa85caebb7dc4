//! A shared deployment's limits: health that reports a dead or hung store within seconds, the configurable body
//! limit, and the statement limit.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use medbetjening::domain::Role;
use medbetjening::history::client::HistoryClient;
use medbetjening::history::service::{self, AppState, ServiceOptions};
use medbetjening::history::store::{PING_TIMEOUT, Store, StoreOptions};
use reqwest::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{Db, TestService};

/// `GET /health`: the status and the JSON body, and how long the answer took.
async fn health(url: &str) -> (StatusCode, serde_json::Value, Duration) {
    let started = Instant::now();
    let response = reqwest::get(format!("{url}/health")).await.expect("the service answers");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"), started.elapsed())
}

async fn health_is_503_with_json_when_the_store_is_gone(db: Db) {
    let service = TestService::start_on(db).await;
    let (status, body, _) = health(&service.url).await;
    assert_eq!((status, body["store_reachable"].as_bool()), (StatusCode::OK, Some(true)), "{body}");

    service.store.close().await;
    let (status, body, took) = health(&service.url).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["store_reachable"].as_bool(), Some(false), "{body}");
    assert_eq!(body["status"].as_str(), Some("degraded"), "{body}");
    assert_eq!(body["store"].as_str(), Some(if db == Db::Sqlite { "sqlite" } else { "postgres" }), "{body}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    let error = service.client(Role::Counter).health().await.expect_err("503 is a failure to the client");
    assert!(error.is_transient() && error.status() == Some(503), "{error:?}");
}

async fn the_body_limit_is_configurable_and_named_in_the_413(db: Db) {
    let service = TestService::start_on(db).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let app = service::router_with(
        AppState::new(service.store.clone()),
        &ServiceOptions { body_limit: 2048, ..ServiceOptions::default() },
    );
    tokio::spawn(service::serve_on(listener, app, std::future::pending()));
    let client = HistoryClient::new(&url, service.token(Role::Integration), Duration::from_secs(10)).expect("client");

    let (status, body) =
        client.raw(Method::POST, "v1/events", "application/json", vec![b' '; 4096]).await.expect("sent");
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body.contains("body_too_large") && body.contains("limit of 2048 bytes"), "{body}");
    let (status, body) =
        client.raw(Method::POST, "v1/events", "application/json", vec![b' '; 1024]).await.expect("sent");
    assert_ne!(status, StatusCode::PAYLOAD_TOO_LARGE, "under the limit the body is read: {body}");
}

crate::on_both_databases!(
    health_is_503_with_json_when_the_store_is_gone,
    the_body_limit_is_configurable_and_named_in_the_413
);

/// A TCP relay to PostgreSQL that can be frozen: connections stay open but nothing passes any more, as when the
/// database host hangs or a firewall starts dropping packets.
struct Relay {
    address: SocketAddr,
    frozen: Arc<AtomicBool>,
}

impl Relay {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let frozen = Arc::new(AtomicBool::new(false));
        let freeze = Arc::clone(&frozen);
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let freeze = Arc::clone(&freeze);
                tokio::spawn(async move {
                    let Ok(outbound) = TcpStream::connect(upstream).await else { return };
                    let ((mut in_read, mut in_write), (mut out_read, mut out_write)) =
                        (inbound.into_split(), outbound.into_split());
                    tokio::join!(
                        pipe(&mut in_read, &mut out_write, &freeze),
                        pipe(&mut out_read, &mut in_write, &freeze)
                    );
                });
            }
        });
        Self { address, frozen }
    }
}

/// Copies bytes one way; while frozen, holds what it read instead of passing it on.
async fn pipe(from: &mut (impl AsyncReadExt + Unpin), to: &mut (impl AsyncWriteExt + Unpin), frozen: &AtomicBool) {
    let mut buffer = vec![0; 16 * 1024];
    while let Ok(read) = from.read(&mut buffer).await {
        if read == 0 {
            return;
        }
        while frozen.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}

#[tokio::test]
async fn health_does_not_hang_on_a_hung_postgres() {
    if !Db::postgres_configured("health_does_not_hang_on_a_hung_postgres") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let (database, _postgres) = Db::Postgres.fresh(dir.path()).await;
    let mut url = url::Url::parse(&database).expect("a URL");
    let upstream = tokio::net::lookup_host((url.host_str().expect("host"), url.port().unwrap_or(5432)))
        .await
        .expect("resolves")
        .next()
        .expect("an address");
    let relay = Relay::start(upstream).await;
    url.set_host(Some(&relay.address.ip().to_string())).expect("host");
    url.set_port(Some(relay.address.port())).expect("port");
    let store = Store::open(url.as_str()).await.expect("store opens through the relay");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let service_url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(service::serve(listener, AppState::new(store), std::future::pending()));
    assert_eq!(health(&service_url).await.0, StatusCode::OK);

    relay.frozen.store(true, Ordering::SeqCst);
    let (status, body, took) = health(&service_url).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["store_reachable"].as_bool(), Some(false), "{body}");
    assert!(took >= PING_TIMEOUT && took < PING_TIMEOUT + Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn postgres_cancels_a_statement_at_the_statement_timeout() {
    if !Db::postgres_configured("postgres_cancels_a_statement_at_the_statement_timeout") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let (database, _postgres) = Db::Postgres.fresh(dir.path()).await;
    let options = StoreOptions { statement_timeout: Some(Duration::from_millis(300)), ..StoreOptions::default() };
    let store = Store::open_with(&database, &options).await.expect("opens: migrations run without the limit");
    let error = sqlx::query("SELECT 1 FROM pg_sleep(2)").execute(store.pool()).await.expect_err("cancelled");
    assert!(error.to_string().contains("statement timeout"), "{error}");
    sqlx::query("SELECT 1 FROM pg_sleep(0.01)").execute(store.pool()).await.expect("short statements run");
    store.close().await;
}

#[tokio::test]
async fn sqlite_bounds_the_wait_for_a_lock_instead() {
    let dir = tempfile::tempdir().expect("dir");
    let (database, _) = Db::Sqlite.fresh(dir.path()).await;
    let busy = |store: Store| async move {
        let value: i64 = sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(store.pool()).await.expect("pragma");
        store.close().await;
        value
    };
    assert_eq!(busy(Store::open(&database).await.expect("store")).await, 10_000);
    let options = StoreOptions { statement_timeout: Some(Duration::from_secs(3)), ..StoreOptions::default() };
    assert_eq!(busy(Store::open_with(&database, &options).await.expect("store")).await, 3_000);
}
