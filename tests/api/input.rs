//! Hostile input gets a clear 4xx naming the field and never an echo of the value: control characters in any
//! text, times far in the past or future, oversized list filters, name searches that would list the registry,
//! and values that do not parse.

use medbetjening::domain::{Channel, Role};
use serde_json::{Value, json};

use crate::common::{Db, TestService, at, citizen_input, create_citizen, event_input};

/// Sends a request as `role` and returns the status and the JSON body.
async fn send(service: &TestService, role: Role, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let (http, url) = service.raw();
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = http
        .request(method, format!("{url}{path}"))
        .bearer_auth(service.token(role))
        .header("x-purpose", "counter_visit");
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

fn session_body(citizen: uuid::Uuid, started: &str, ended: &str) -> Value {
    json!({
        "citizen_id": citizen, "channel": "counter", "authority": "borgerservice", "site": "Testcenter",
        "started_at": started, "ended_at": ended, "outcome": "completed", "contact_kind": "information",
        "summary": "Vejledning"
    })
}

async fn control_characters_are_refused_in_every_text_naming_the_field(db: Db) {
    let service = TestService::start_on(db).await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let nul = "Jens\u{0}Jensen";

    // Query strings: 400 naming the parameter.
    for path in [
        "/v1/citizens?q=Jens%00Jensen".to_owned(),
        format!("/v1/citizens/{citizen}/events?q=flyt%00ning"),
        format!("/v1/citizens/{citizen}/events?authority=borgerservice%00"),
        "/v1/citizens?q=Jens%1B%5B31m".to_owned(),
    ] {
        let (status, body) = send(&service, Role::Counter, "GET", &path, None).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(message(&body).contains("control character"), "{path}: {body}");
    }
    // Bodies: 422 naming the field, on every write.
    let mut event =
        serde_json::to_value(event_input(citizen, "e-1", at(0), Channel::Phone, "borgerservice", "x")).expect("json");
    event["summary"] = json!("Ringede\u{0} om pas");
    let mut registry = serde_json::to_value(citizen_input("1203851234", "Anna")).expect("json");
    registry["name"] = json!(nul);
    let mut session = session_body(citizen, "2026-01-01T08:00:00Z", "2026-01-01T08:10:00Z");
    session["notes"] = json!("note\u{85}");
    let cases = [
        (Role::Integration, "POST", "/v1/events".to_owned(), event, "summary"),
        (Role::Integration, "PUT", "/v1/citizens".to_owned(), registry, "name"),
        (Role::Counter, "PUT", format!("/v1/sessions/{}", uuid::Uuid::new_v4()), session, "notes"),
        (Role::Admin, "POST", "/v1/staff".to_owned(), json!({"name": nul, "role": "counter", "site": "X"}), "name"),
    ];
    for (role, method, path, body, field) in cases {
        let (status, answer) = send(&service, role, method, &path, Some(&body)).await;
        assert_eq!(status, 422, "{method} {path}: {answer}");
        assert!(message(&answer).starts_with(&format!("{field}: contains a control character")), "{answer}");
        assert!(!answer.to_string().contains("Jens"), "no value in the message: {answer}");
    }
    // Tab and line breaks are ordinary text.
    let mut event =
        serde_json::to_value(event_input(citizen, "e-2", at(1), Channel::Phone, "borgerservice", "x")).expect("json");
    event["summary"] = json!("Linje 1\r\nLinje 2\tmed tab");
    assert_eq!(send(&service, Role::Integration, "POST", "/v1/events", Some(&event)).await.0, 201);
}

async fn times_far_off_and_impossible_sessions_are_422(db: Db) {
    let service = TestService::start_on(db).await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let soon = (chrono::Utc::now() + chrono::Duration::hours(20)).to_rfc3339();
    for (i, (when, ok)) in [("9999-01-01T00:00:00Z", false), ("1899-12-31T23:59:59Z", false), (soon.as_str(), true)]
        .into_iter()
        .enumerate()
    {
        let mut event =
            serde_json::to_value(event_input(citizen, &format!("t-{i}"), at(0), Channel::Web, "borgerservice", "x"))
                .expect("json");
        event["occurred_at"] = json!(when);
        let (status, body) = send(&service, Role::Integration, "POST", "/v1/events", Some(&event)).await;
        assert_eq!(status, if ok { 201 } else { 422 }, "{when}: {body}");
        if !ok {
            assert!(message(&body).starts_with("occurred_at:"), "{body}");
        }
    }
    let sessions = [
        ("9999-01-01T08:00:00Z", "9999-01-01T09:00:00Z", "started_at:"),
        ("1850-01-01T08:00:00Z", "2026-01-01T09:00:00Z", "started_at:"),
        ("2026-01-01T09:00:00Z", "2026-01-01T09:00:00Z", "ended_at: must be after"),
        ("2026-01-01T09:00:00Z", "2026-01-01T08:00:00Z", "ended_at: must be after"),
        ("2026-01-01T08:00:00Z", "2026-01-02T08:00:01Z", "ended_at: a session lasts at most 24 hours"),
    ];
    for (started, ended, expected) in sessions {
        let path = format!("/v1/sessions/{}", uuid::Uuid::new_v4());
        let body = session_body(citizen, started, ended);
        let (status, answer) = send(&service, Role::Counter, "PUT", &path, Some(&body)).await;
        assert_eq!(status, 422, "{started}–{ended}: {answer}");
        assert!(message(&answer).starts_with(expected), "{answer}");
    }
    // Nothing of the refused ones reached the timeline.
    assert_eq!(service.store.all_events(citizen).await.expect("events").len(), 1);
}

async fn list_filters_are_bounded_and_name_searches_need_a_real_word(db: Db) {
    let service = TestService::start_on(db).await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let many_kle = vec!["23.05"; 500].join(",");
    let many_authorities = vec!["borgerservice"; 51].join(",");
    let enough = vec!["borgerservice"; 50].join(",");
    for (query, status) in [
        (format!("kle={many_kle}"), 400),
        (format!("authority={many_authorities}"), 400),
        (format!("authority={enough}"), 200),
    ] {
        let path = format!("/v1/citizens/{citizen}/events?{query}");
        let (got, body) = send(&service, Role::Counter, "GET", &path, None).await;
        assert_eq!(got, status, "{body}");
        if status == 400 {
            assert!(message(&body).contains("at most 50 values"), "{body}");
        }
    }
    for (q, status) in [("s%20s", 422), ("je", 422), ("a%20b%20c", 422), ("jen", 200), ("j%20jen", 200)] {
        let (got, body) = send(&service, Role::Counter, "GET", &format!("/v1/citizens?q={q}"), None).await;
        assert_eq!(got, status, "q={q}: {body}");
    }
}

async fn values_that_do_not_parse_are_never_echoed(db: Db) {
    let service = TestService::start_on(db).await;
    let mut registry = serde_json::to_value(citizen_input("0707614285", "Jens Jensen")).expect("json");
    registry["cpr"] = json!(707_614_285);
    let (status, body) = send(&service, Role::Integration, "PUT", "/v1/citizens", Some(&registry)).await;
    assert_eq!(status, 422, "{body}");
    assert!(message(&body).contains("invalid type: integer, expected a string"), "{body}");
    registry["cpr"] = json!("0707614285");
    registry["preferred_language"] = json!("Jens Jensen");
    let (status, body) = send(&service, Role::Integration, "PUT", "/v1/citizens", Some(&registry)).await;
    assert_eq!(status, 422, "{body}");
    assert!(message(&body).contains("`da`"), "what was expected is named: {body}");
    for path in ["/v1/citizens/0707614285", "/v1/citizens/0707614285/events", "/v1/sessions/070761-4285"] {
        let (status, body) = send(&service, Role::Counter, "GET", path, None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_path")), "{path}: {body}");
        assert!(!body.to_string().contains("0707614285") && !body.to_string().contains("070761"), "{body}");
    }
    let (status, body) = send(&service, Role::Counter, "GET", "/v1/sessions?citizen=0707614285", None).await;
    assert_eq!(status, 400, "{body}");
    assert!(!body.to_string().contains("0707614285"), "{body}");
}

async fn next_step_links_are_https_tel_or_mailto_only(db: Db) {
    let service = TestService::start_on(db).await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let with_link = |url: &str| {
        let mut body = session_body(citizen, "2026-01-01T08:00:00Z", "2026-01-01T08:10:00Z");
        body["next_steps"] = json!([{"text": "Læs kvitteringen"}, {"text": "Åbn løsningen", "url": url}]);
        body
    };
    for url in
        ["javascript:alert(1)", "file:///etc/passwd", "http://borger.dk", " https://borger.dk", "data:text/html,x"]
    {
        let path = format!("/v1/sessions/{}", uuid::Uuid::new_v4());
        let (status, body) = send(&service, Role::Counter, "PUT", &path, Some(&with_link(url))).await;
        assert_eq!(status, 422, "{url}: {body}");
        assert!(message(&body).starts_with("next_steps[1].url:"), "{body}");
        assert!(!message(&body).contains("alert") && !message(&body).contains("passwd"), "{body}");
    }
    for url in ["https://www.borger.dk/flytning", "tel:+4533663366", "mailto:borgerservice@kk.dk"] {
        let path = format!("/v1/sessions/{}", uuid::Uuid::new_v4());
        assert_eq!(send(&service, Role::Counter, "PUT", &path, Some(&with_link(url))).await.0, 201, "{url}");
    }
}

async fn failure_demand_is_one_of_the_reasons_and_is_stored_with_the_session(db: Db) {
    let service = TestService::start_on(db).await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let mut body = session_body(citizen, "2026-01-01T08:00:00Z", "2026-01-01T08:10:00Z");
    body["failure_demand"] = json!("because");
    let path = format!("/v1/sessions/{}", uuid::Uuid::new_v4());
    let (status, answer) = send(&service, Role::Counter, "PUT", &path, Some(&body)).await;
    assert_eq!(status, 422, "an unknown reason: {answer}");
    assert!(!answer.to_string().contains("because"), "the value is not echoed: {answer}");

    body["failure_demand"] = json!("letter_not_understood");
    assert_eq!(send(&service, Role::Counter, "PUT", &path, Some(&body)).await.0, 201);
    let (status, stored) = send(&service, Role::Counter, "GET", &path, None).await;
    assert_eq!((status, stored["failure_demand"].as_str()), (200, Some("letter_not_understood")), "{stored}");
    // A session without it has no such key at all, so bodies stored before it existed still compare equal.
    let plain = format!("/v1/sessions/{}", uuid::Uuid::new_v4());
    let body = session_body(citizen, "2026-01-01T09:00:00Z", "2026-01-01T09:10:00Z");
    assert_eq!(send(&service, Role::Counter, "PUT", &plain, Some(&body)).await.0, 201);
    let (_, stored) = send(&service, Role::Counter, "GET", &plain, None).await;
    assert!(stored.get("failure_demand").is_none(), "{stored}");
}

crate::on_both_databases!(
    failure_demand_is_one_of_the_reasons_and_is_stored_with_the_session,
    next_step_links_are_https_tel_or_mailto_only,
    control_characters_are_refused_in_every_text_naming_the_field,
    times_far_off_and_impossible_sessions_are_422,
    list_filters_are_bounded_and_name_searches_need_a_real_word,
    values_that_do_not_parse_are_never_echoed,
);
