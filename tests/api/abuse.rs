//! Abuse resistance: a per-token rate limit and a per-address limit on failed sign-ins answering 429 with
//! Retry-After, deadlines for slow clients, security headers on every answer, and bounded search terms.

use std::num::NonZeroU32;
use std::time::Duration;

use medbetjening::domain::Role;
use medbetjening::history::service::guard::RateLimit;
use medbetjening::history::service::{self, AppState, ConnectionLimits, ServiceOptions};
use medbetjening::history::store::Store;

use crate::common::{Db, TestService};

async fn limited_service(database: &str, per_second: u32) -> String {
    let store = Store::open(database).await.expect("the same database");
    let per_second = NonZeroU32::new(per_second).expect("positive");
    let options =
        ServiceOptions { rate_limit: Some(RateLimit { per_second, burst: per_second }), ..Default::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(service::serve_on(
        listener,
        service::router_with(AppState::new(store), &options),
        std::future::pending(),
    ));
    url
}

async fn a_token_over_its_rate_gets_429_with_retry_after_and_others_are_unaffected(db: Db) {
    let service = TestService::start_on(db).await;
    let url = limited_service(&service.database, 5).await;
    let http = reqwest::Client::new();
    let me = |role: Role| http.get(format!("{url}/v1/me")).bearer_auth(service.token(role)).send();
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(me(Role::Counter).await.expect("answer").status().as_u16());
    }
    assert_eq!(&statuses[..5], &[200; 5], "the burst is let through: {statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "then refused: {statuses:?}");
    let refused = me(Role::Counter).await.expect("answer");
    let retry: u64 = refused.headers()["retry-after"].to_str().expect("text").parse().expect("seconds");
    assert!((1..=2).contains(&retry), "{retry}");
    let body: serde_json::Value = refused.json().await.expect("a JSON error");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(me(Role::Phone).await.expect("answer").status(), 200, "another token has its own allowance");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(me(Role::Counter).await.expect("answer").status(), 200, "and the allowance comes back");
}

async fn every_answer_carries_security_headers(db: Db) {
    let service = TestService::start_on(db).await;
    let (http, url) = service.raw();
    for (path, token, status) in [
        ("/health", None, 200),
        ("/v1/me", Some(service.token(Role::Counter)), 200),
        ("/v1/me", None, 401),
        ("/v1/nowhere", Some(service.token(Role::Counter)), 404),
    ] {
        let mut request = http.get(format!("{url}{path}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("answer");
        assert_eq!(response.status(), status, "{path}");
        let headers = response.headers();
        assert_eq!(headers["cache-control"], "no-store", "personal data must not be cached: {path}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(headers["content-security-policy"].to_str().expect("text").contains("default-src 'none'"));
        assert_eq!(headers["referrer-policy"], "no-referrer");
    }
}

async fn search_terms_and_pages_are_bounded(db: Db) {
    let service = TestService::start_on(db).await;
    let (http, url) = service.raw();
    let token = service.token(Role::Counter);
    let get =
        |path: String| http.get(format!("{url}{path}")).bearer_auth(token).header("x-purpose", "counter_visit").send();
    let long = "a".repeat(101);
    assert_eq!(get(format!("/v1/citizens?q={long}")).await.expect("answer").status(), 422);
    let many = ["ab"; 7].join("%20");
    assert_eq!(get(format!("/v1/citizens?q={many}")).await.expect("answer").status(), 422);
    let id = uuid::Uuid::new_v4();
    let long = "a".repeat(201);
    assert_eq!(get(format!("/v1/citizens/{id}/events?q={long}")).await.expect("answer").status(), 400);
    assert_eq!(get(format!("/v1/citizens/{id}/events?limit=501")).await.expect("answer").status(), 400);
}

/// A service with the given limits on failed sign-ins and slow clients, on a port of its own.
async fn guarded_service(database: &str, failures_per_minute: u32, limits: ConnectionLimits) -> std::net::SocketAddr {
    let store = Store::open(database).await.expect("the same database");
    let options =
        ServiceOptions { auth_failures_per_minute: NonZeroU32::new(failures_per_minute), ..Default::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let app = service::router_with(AppState::new(store), &options);
    tokio::spawn(service::serve_with(listener, app, limits, std::future::pending()));
    address
}

async fn failed_sign_ins_are_limited_per_address_before_any_token_is_looked_up(db: Db) {
    let service = TestService::start_on(db).await;
    let address = guarded_service(&service.database, 5, ConnectionLimits::default()).await;
    let http = reqwest::Client::new();
    let me = |token: String| http.get(format!("http://{address}/v1/me")).bearer_auth(token).send();
    for i in 0..5 {
        assert_eq!(me(format!("mbj_guess-{i}")).await.expect("answer").status(), 401, "guess {i}");
    }
    let refused = me("mbj_guess-6".into()).await.expect("answer");
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"].to_str().expect("text").parse().expect("seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    let body: serde_json::Value = refused.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "rate_limited");
    // The address is refused for the rest of the minute whatever it sends, so guessing costs the store nothing.
    assert_eq!(me(service.token(Role::Counter).to_owned()).await.expect("answer").status(), 429);
    let missing = http.get(format!("http://{address}/v1/me")).send().await.expect("answer");
    assert_eq!(missing.status(), 429);
    // Endpoints without a token are not affected.
    assert_eq!(http.get(format!("http://{address}/health")).send().await.expect("answer").status(), 200);
}

async fn half_sent_headers_and_slow_bodies_are_cut_off(db: Db) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let service = TestService::start_on(db).await;
    let limits = ConnectionLimits {
        header_timeout: Duration::from_millis(500),
        body_timeout: Duration::from_millis(500),
        ..ConnectionLimits::default()
    };
    let address = guarded_service(&service.database, 30, limits).await;
    // Many clients that send half a header and then nothing.
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
        stream.write_all(b"GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthor").await.expect("write");
        slow.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for (i, stream) in slow.iter_mut().enumerate() {
        let mut buffer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut buffer)).await;
        let closed = read.is_ok();
        assert!(closed, "connection {i} is still open after the header deadline");
    }
    // A body that stops arriving: 408 with the usual JSON error.
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    let head = format!(
        "PUT /v1/citizens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"cpr\": ",
        service.token(Role::Integration)
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await.expect("answered").ok();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"body_timeout\""), "{answer}");
    // An ordinary client is served as before.
    let me = reqwest::Client::new().get(format!("http://{address}/v1/me")).bearer_auth(service.token(Role::Counter));
    assert_eq!(me.send().await.expect("answer").status(), 200);
}

crate::on_both_databases!(
    failed_sign_ins_are_limited_per_address_before_any_token_is_looked_up,
    half_sent_headers_and_slow_bodies_are_cut_off,
    a_token_over_its_rate_gets_429_with_retry_after_and_others_are_unaffected,
    every_answer_carries_security_headers,
    search_terms_and_pages_are_bounded,
);
