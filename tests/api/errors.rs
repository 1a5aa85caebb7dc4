//! Every failure has the same JSON shape and a fitting status; nothing internal leaks.

use medbetjening::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::Db;
use crate::common::TestService;

async fn error_of(response: reqwest::Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("every error has a JSON body");
    let code = body["error"]["code"].as_str().expect("code").to_owned();
    let message = body["error"]["message"].as_str().expect("message").to_owned();
    (status, code, message)
}

async fn malformed_json_is_400_with_a_json_error(db: Db) {
    let service = TestService::start_on(db).await;
    let (http, url) = service.raw();
    let response = http
        .put(format!("{url}/v1/citizens"))
        .bearer_auth(service.token(Role::Integration))
        .header("content-type", "application/json")
        .body("{\"cpr\": \"0707614285\", \"name\": ")
        .send()
        .await
        .expect("answer");
    let (status, code, _) = error_of(response).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "invalid_json"));
}

async fn unknown_fields_and_wrong_types_are_refused(db: Db) {
    let service = TestService::start_on(db).await;
    let (http, url) = service.raw();
    let body = serde_json::json!({"cpr": "0707614285", "nmae": "Jens"});
    let response = http
        .put(format!("{url}/v1/citizens"))
        .bearer_auth(service.token(Role::Integration))
        .json(&body)
        .send()
        .await
        .expect("answer");
    let (status, code, message) = error_of(response).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    assert!(message.contains("nmae"), "names the unknown field: {message}");
    let response = http
        .get(format!("{url}/v1/citizens?cpr=0707614285&color=red"))
        .bearer_auth(service.token(Role::Counter))
        .header("x-purpose", "counter_visit")
        .send()
        .await
        .expect("answer");
    assert_eq!(error_of(response).await.0, StatusCode::BAD_REQUEST);
    let response = http
        .put(format!("{url}/v1/citizens"))
        .bearer_auth(service.token(Role::Integration))
        .body("{}")
        .send()
        .await
        .expect("answer");
    let (status, code, _) = error_of(response).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"));
}

async fn oversize_body_is_413_and_names_the_limit(db: Db) {
    let service = TestService::start_on(db).await;
    let (http, url) = service.raw();
    let huge = format!("{{\"cpr\": \"0707614285\", \"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let response = http
        .put(format!("{url}/v1/citizens"))
        .bearer_auth(service.token(Role::Integration))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("answer");
    let (status, code, message) = error_of(response).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"));
    assert!(message.contains(&medbetjening::history::api::MAX_BODY_BYTES.to_string()), "{message}");
}

async fn unknown_routes_ids_and_methods_get_json_errors(db: Db) {
    let service = TestService::start_on(db).await;
    let (http, url) = service.raw();
    let token = service.token(Role::Counter);
    let response = http.get(format!("{url}/v1/nothing-here")).bearer_auth(token).send().await.expect("answer");
    assert_eq!(error_of(response).await.0, StatusCode::NOT_FOUND);
    let response = http.delete(format!("{url}/v1/citizens")).bearer_auth(token).send().await.expect("answer");
    assert_eq!(error_of(response).await.0, StatusCode::METHOD_NOT_ALLOWED);
    let response = http
        .get(format!("{url}/v1/citizens/not-a-uuid"))
        .bearer_auth(token)
        .header("x-purpose", "counter_visit")
        .send()
        .await
        .expect("answer");
    assert_eq!(error_of(response).await.0, StatusCode::BAD_REQUEST);
    let missing = uuid::Uuid::new_v4();
    let response = http
        .get(format!("{url}/v1/citizens/{missing}"))
        .bearer_auth(token)
        .header("x-purpose", "counter_visit")
        .send()
        .await
        .expect("answer");
    let (status, code, _) = error_of(response).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
}

async fn health_and_openapi_describe_the_service(db: Db) {
    let service = TestService::start_on(db).await;
    let health = service.client(Role::Counter).health().await.expect("health");
    let store = if db == Db::Sqlite { "sqlite" } else { "postgres" };
    assert_eq!((health.status.as_str(), health.store.as_str(), health.store_reachable), ("ok", store, true));
    let (http, url) = service.raw();
    let doc: Value = http.get(format!("{url}/openapi.json")).send().await.expect("answer").json().await.expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/health",
        "/v1/citizens",
        "/v1/citizens/{id}",
        "/v1/citizens/{id}/events",
        "/v1/events",
        "/v1/sessions/{id}",
        "/v1/sessions",
        "/v1/citizens/{id}/export",
        "/v1/audit",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(doc["components"]["schemas"]["EventInput"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

async fn router_answers_through_oneshot_without_a_socket(db: Db) {
    use tower::ServiceExt;
    let service = TestService::start_on(db).await;
    let router =
        medbetjening::history::service::router(medbetjening::history::service::AppState::new(service.store.clone()));
    let request = axum::http::Request::get("/v1/me").body(axum::body::Body::empty()).expect("request");
    let response = router.oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

crate::on_both_databases!(
    malformed_json_is_400_with_a_json_error,
    unknown_fields_and_wrong_types_are_refused,
    oversize_body_is_413_and_names_the_limit,
    unknown_routes_ids_and_methods_get_json_errors,
    health_and_openapi_describe_the_service,
    router_answers_through_oneshot_without_a_socket,
);
