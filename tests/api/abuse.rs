//! Abuse resistance: a per-token rate limit answering 429 with Retry-After, security headers on every answer, and
//! bounded search terms.

use std::num::NonZeroU32;

use medbetjening::domain::Role;
use medbetjening::history::service::guard::RateLimit;
use medbetjening::history::service::{self, AppState, ServiceOptions};
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

crate::on_both_databases!(
    a_token_over_its_rate_gets_429_with_retry_after_and_others_are_unaffected,
    every_answer_carries_security_headers,
    search_terms_and_pages_are_bounded,
);
