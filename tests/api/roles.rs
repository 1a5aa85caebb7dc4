//! Roles, enforced by the service: every endpoint × every role, no token and a disabled token; then token rotation,
//! disabling and the last-admin guard.

use chrono::Utc;
use medbetjening::domain::Role;
use medbetjening::history::api::{StaffInput, StatsParams};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Db, TestService, at, citizen_input, create_citizen, event_input};

/// Who calls: the six roles, nobody, and a disabled staff member.
const CALLERS: [&str; 8] = ["counter", "phone", "trainer", "supervisor", "admin", "integration", "none", "disabled"];

/// The expected status per caller, in the order of [`CALLERS`]. Written out by hand, not derived from the role
/// rules, so a change to the rules has to change this table too.
const MATRIX: &[(&str, [u16; 8])] = &[
    ("GET /health", [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /openapi.json", [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /v1/me", [200, 200, 200, 200, 200, 200, 401, 401]),
    ("GET /v1/authorities", [200, 200, 200, 200, 200, 200, 401, 401]),
    ("GET /v1/citizens", [200, 200, 200, 200, 403, 403, 401, 401]),
    ("PUT /v1/citizens", [403, 403, 403, 403, 201, 201, 401, 401]),
    ("GET /v1/citizens/{id}", [200, 200, 404, 200, 403, 403, 401, 401]),
    ("GET /v1/citizens/{id}/cpr", [200, 200, 404, 200, 403, 403, 401, 401]),
    ("GET /v1/citizens/{id}/events", [200, 200, 404, 200, 403, 403, 401, 401]),
    ("GET /v1/citizens/{id}/export", [403, 403, 403, 200, 200, 403, 401, 401]),
    ("POST /v1/events", [201, 201, 403, 201, 403, 201, 401, 401]),
    // A trainer naming a real citizen in a body gets what an unknown citizen id gets: 422, nothing revealed.
    ("PUT /v1/sessions/{id}", [201, 201, 422, 201, 403, 403, 401, 401]),
    ("GET /v1/sessions", [200, 200, 200, 200, 403, 403, 401, 401]),
    ("GET /v1/sessions/{id}", [200, 200, 404, 200, 403, 403, 401, 401]),
    ("GET /v1/audit", [403, 403, 403, 200, 403, 403, 401, 401]),
    ("GET /v1/audit/alerts", [403, 403, 403, 200, 403, 403, 401, 401]),
    ("GET /v1/stats", [403, 403, 403, 200, 403, 403, 401, 401]),
    ("GET /v1/insights/contacts", [403, 403, 403, 200, 200, 403, 401, 401]),
    ("GET /v1/insights/komhen.csv", [403, 403, 403, 200, 200, 403, 401, 401]),
    ("GET /v1/insights/channel-shift", [403, 403, 403, 200, 200, 403, 401, 401]),
    ("GET /v1/insights/readiness", [403, 403, 403, 200, 200, 403, 401, 401]),
    ("GET /v1/insights/failure-demand", [403, 403, 403, 200, 200, 403, 401, 401]),
    ("GET /v1/insights/guides/{id}/funnel", [403, 403, 403, 200, 200, 403, 401, 401]),
    ("GET /v1/insights/sessions", [403, 403, 403, 200, 200, 403, 401, 401]),
    ("GET /v1/insights/sessions.csv", [403, 403, 403, 200, 200, 403, 401, 401]),
    ("GET /v1/staff", [403, 403, 403, 403, 200, 403, 401, 401]),
    ("POST /v1/staff", [403, 403, 403, 403, 201, 403, 401, 401]),
    ("POST /v1/staff/{id}/disable", [403, 403, 403, 403, 200, 403, 401, 401]),
    ("POST /v1/staff/{id}/enable", [403, 403, 403, 403, 200, 403, 401, 401]),
    ("POST /v1/staff/{id}/rotate", [403, 403, 403, 403, 200, 403, 401, 401]),
    ("GET /v1/unmatched", [403, 403, 403, 200, 403, 403, 401, 401]),
    ("GET /v1/unmatched/{id}/identifier", [403, 403, 403, 200, 403, 403, 401, 401]),
    ("POST /v1/unmatched/{id}/link", [403, 403, 403, 201, 403, 403, 401, 401]),
    ("POST /v1/citizens/{id}/merge", [403, 403, 403, 201, 403, 403, 401, 401]),
    ("POST /v1/merges/{id}/undo", [403, 403, 403, 200, 403, 403, 401, 401]),
];

/// What the matrix needs to exist: a real (non-fictitious) citizen, a session about them, and staff to manage.
struct Fixture {
    citizen: Uuid,
    session: Uuid,
}

async fn fixture(service: &TestService) -> Fixture {
    let mut real = citizen_input("0707614285", "Jens Jensen");
    real.fictitious = Some(false);
    let citizen = create_citizen(service, &real).await;
    let session = Uuid::new_v4();
    service.client(Role::Counter).put_session(session, &session_input(citizen)).await.expect("a stored session");
    Fixture { citizen, session }
}

fn session_input(citizen: Uuid) -> medbetjening::history::api::SessionInput {
    serde_json::from_value(json!({
        "citizen_id": citizen, "channel": "counter", "authority": "borgerservice", "site": "Testcenter",
        "started_at": at(0), "ended_at": at(10), "outcome": "completed", "contact_kind": "information",
        "summary": "Vejledning"
    }))
    .expect("session input")
}

/// The request for one row of the matrix, made unique per caller where it writes.
async fn request(service: &TestService, fixture: &Fixture, endpoint: &str, caller: usize) -> (Method, String, Value) {
    let (method, path) = endpoint.split_once(' ').expect("METHOD path");
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let citizen = fixture.citizen;
    // A staff member for the admin endpoints to act on, fresh for every call.
    let victim = || async {
        service.store.add_staff("Offer", Role::Counter, "Testcenter", Utc::now()).await.expect("staff").0.id
    };
    let (path, body) = match path {
        "/v1/citizens" if method == Method::GET => ("/v1/citizens?cpr=0707614285".to_owned(), Value::Null),
        "/v1/citizens" => {
            let cpr = format!("01018{caller}1234");
            (path.to_owned(), serde_json::to_value(citizen_input(&cpr, "Ny Borger")).expect("json"))
        }
        "/v1/events" => {
            let event = event_input(
                citizen,
                &format!("matrix-{caller}"),
                at(5),
                medbetjening::domain::Channel::Web,
                "borgerservice",
                "Læste om flytning",
            );
            (path.to_owned(), serde_json::to_value(event).expect("json"))
        }
        "/v1/sessions/{id}" if method == Method::PUT => {
            (format!("/v1/sessions/{}", Uuid::new_v4()), serde_json::to_value(session_input(citizen)).expect("json"))
        }
        "/v1/sessions/{id}" => (format!("/v1/sessions/{}", fixture.session), Value::Null),
        "/v1/sessions" => (format!("/v1/sessions?citizen={citizen}"), Value::Null),
        "/v1/staff" if method == Method::POST => {
            let input = StaffInput { name: format!("Ny {caller}"), role: Role::Phone, site: "Testcenter".into() };
            (path.to_owned(), serde_json::to_value(input).expect("json"))
        }
        path if path.starts_with("/v1/staff/{id}") => (path.replace("{id}", &victim().await.to_string()), Value::Null),
        // The identity endpoints each consume what they act on: a queued contact, a pair of records, a merge.
        "/v1/unmatched/{id}/identifier" => {
            let queued = unmatched(service, &format!("reveal-{caller}")).await;
            (format!("/v1/unmatched/{queued}/identifier"), Value::Null)
        }
        "/v1/unmatched/{id}/link" => {
            let queued = unmatched(service, &caller.to_string()).await;
            (format!("/v1/unmatched/{queued}/link"), json!({ "citizen_id": citizen }))
        }
        "/v1/citizens/{id}/merge" => {
            let (into, from) = pair(service, caller, 2).await;
            (format!("/v1/citizens/{into}/merge"), json!({ "from": from }))
        }
        "/v1/merges/{id}/undo" => {
            let (into, from) = pair(service, caller, 4).await;
            let merge = Uuid::now_v7();
            let supervisor = service.staff_id(Role::Supervisor);
            service.store.merge_citizens(merge, into, from, supervisor, Utc::now()).await.expect("merged");
            (format!("/v1/merges/{merge}/undo"), Value::Null)
        }
        path => (path.replace("{id}", &citizen.to_string()), Value::Null),
    };
    (method, path, body)
}

/// A contact in the unmatched queue (a CPR number nobody has), fresh for every caller.
async fn unmatched(service: &TestService, key: &str) -> Uuid {
    let mut event = event_input(
        Uuid::nil(),
        &format!("matrix-unmatched-{key}"),
        at(5),
        medbetjening::domain::Channel::Phone,
        "borgerservice",
        "Opkald",
    );
    event.citizen = medbetjening::history::api::CitizenRef { cpr: Some("0101011234".into()), ..Default::default() };
    match service.client(Role::Integration).submit_event(&event).await.expect("submitted") {
        medbetjening::history::api::EventOutcome::Queued(queued) => queued.unmatched_id,
        medbetjening::history::api::EventOutcome::Stored(_) => panic!("a CPR number nobody has is queued"),
    }
}

/// Two fresh records, fresh for every caller; `month` keeps the merge and the undo rows' numbers apart.
async fn pair(service: &TestService, caller: usize, month: u32) -> (Uuid, Uuid) {
    let into = create_citizen(service, &citizen_input(&format!("01{month:02}8{caller}1234"), "Mette Madsen")).await;
    let from =
        create_citizen(service, &citizen_input(&format!("01{:02}8{caller}1234", month + 1), "Mette Madsen")).await;
    (into, from)
}

async fn every_endpoint_answers_every_role_as_the_role_rules_say(db: Db) {
    let service = TestService::start_on(db).await;
    let fixture = fixture(&service).await;
    let (disabled, disabled_token) =
        service.store.add_staff("Fratrådt", Role::Counter, "Testcenter", Utc::now()).await.expect("staff");
    service.store.set_staff_active(disabled.id, false).await.expect("disabled");
    let tokens: Vec<Option<String>> = CALLERS
        .iter()
        .map(|caller| match *caller {
            "none" => None,
            "disabled" => Some(disabled_token.0.clone()),
            role => Some(service.token(Role::from_code(role).expect("a role")).to_owned()),
        })
        .collect();

    // Every documented endpoint is in the matrix, so a new endpoint cannot slip past it.
    let (http, url) = service.raw();
    let doc: Value = http.get(format!("{url}/openapi.json")).send().await.expect("doc").json().await.expect("json");
    for (path, operations) in doc["paths"].as_object().expect("paths") {
        for method in operations.as_object().expect("operations").keys() {
            let endpoint = format!("{} {path}", method.to_uppercase());
            assert!(MATRIX.iter().any(|(e, _)| *e == endpoint), "{endpoint} is missing from the role matrix");
        }
    }

    let mut wrong = Vec::new();
    for (endpoint, expected) in MATRIX {
        for (caller, token) in tokens.iter().enumerate() {
            let (method, path, body) = request(&service, &fixture, endpoint, caller).await;
            let mut call = http.request(method, format!("{url}{path}")).header("x-purpose", "counter_visit");
            if let Some(token) = token {
                call = call.bearer_auth(token);
            }
            if !body.is_null() {
                call = call.json(&body);
            }
            let status = call.send().await.expect("an answer").status().as_u16();
            if status != expected[caller] {
                wrong.push(format!("{endpoint} as {}: {status}, expected {}", CALLERS[caller], expected[caller]));
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {} answers differ:\n{}", wrong.len(), MATRIX.len() * 8, wrong.join("\n"));
}

async fn rotating_and_disabling_a_token_take_effect_at_once(db: Db) {
    let service = TestService::start_on(db).await;
    let admin = service.client(Role::Admin);
    let created = admin
        .add_staff(&StaffInput { name: "Maja Holm".into(), role: Role::Counter, site: "Borgerservice Nord".into() })
        .await
        .expect("added");
    assert!(created.token.starts_with("mbj_"));
    assert!(!format!("{created:?}").contains(&created.token), "the token never reaches a debug line");
    let client = |token: &str| {
        medbetjening::history::client::HistoryClient::new(&service.url, token, std::time::Duration::from_secs(10))
            .expect("client")
    };
    let maja = client(&created.token);
    assert_eq!(maja.me().await.expect("works").name, "Maja Holm");

    let rotated = admin.rotate_token(created.staff.id).await.expect("rotated");
    assert_ne!(rotated.token, created.token);
    assert_eq!(maja.me().await.expect_err("the old token").status(), Some(401));
    let maja = client(&rotated.token);
    maja.me().await.expect("the new token works");

    let disabled = admin.set_staff_active(created.staff.id, false).await.expect("disabled");
    assert!(!disabled.active);
    assert_eq!(maja.me().await.expect_err("disabled").status(), Some(401));
    admin.set_staff_active(created.staff.id, true).await.expect("enabled");
    maja.me().await.expect("works again");
    let listed = admin.staff().await.expect("list").staff;
    assert!(listed.iter().any(|s| s.id == created.staff.id && s.active));

    // The last active admin cannot lock everyone out.
    let last = admin.set_staff_active(service.staff_id(Role::Admin), false).await.expect_err("last admin");
    assert_eq!((last.status(), last.code()), (Some(409), Some("last_admin")));
    assert_eq!(admin.rotate_token(Uuid::new_v4()).await.expect_err("unknown").status(), Some(404));
    let bad = admin
        .add_staff(&StaffInput { name: "  ".into(), role: Role::Counter, site: "X".into() })
        .await
        .expect_err("no name");
    assert_eq!(bad.status(), Some(422));
}

async fn statistics_count_real_sessions_and_leave_training_out(db: Db) {
    let service = TestService::start_on(db).await;
    let mut real = citizen_input("0707614285", "Jens Jensen");
    real.fictitious = Some(false);
    let citizen = create_citizen(&service, &real).await;
    let practice = create_citizen(&service, &citizen_input("0101901234", "Øve Borger")).await;
    let counter = service.client(Role::Counter);
    let mut input = session_input(citizen);
    input.guides = serde_json::from_value(json!([{ "guide": "flytning", "guide_version": 3, "outcome": "completed",
        "steps": [{ "step": "log-ind", "state": "completed", "seconds": 60 }] }]))
    .expect("runs");
    counter.put_session(Uuid::new_v4(), &input).await.expect("real");
    input.outcome = medbetjening::domain::Outcome::Abandoned;
    input.guides[0].outcome = None;
    input.guides[0].steps[0].state = medbetjening::domain::StepState::Stopped;
    counter.put_session(Uuid::new_v4(), &input).await.expect("real, stopped");
    counter.put_session(Uuid::new_v4(), &session_input(practice)).await.expect("fictitious citizen");
    service.client(Role::Trainer).put_session(Uuid::new_v4(), &session_input(practice)).await.expect("by a trainer");

    let stats = service.client(Role::Supervisor).stats(&StatsParams::default()).await.expect("stats");
    assert_eq!((stats.sessions, stats.training_left_out), (2, 2));
    assert_eq!(stats.by_outcome.get("completed"), Some(&1));
    assert_eq!(stats.by_outcome.get("abandoned"), Some(&1));
    assert_eq!(stats.by_channel.get("counter"), Some(&2));
    assert_eq!(stats.guides.len(), 1);
    assert_eq!((stats.guides[0].runs, stats.guides[0].completed, stats.guides[0].stopped), (2, 1, 1));
    assert_eq!(stats.median_minutes, Some(10));
    let none = StatsParams { from: Some("2030-01-01".into()), to: None };
    assert_eq!(service.client(Role::Supervisor).stats(&none).await.expect("stats").sessions, 0);
}

crate::on_both_databases!(
    every_endpoint_answers_every_role_as_the_role_rules_say,
    rotating_and_disabling_a_token_take_effect_at_once,
    statistics_count_real_sessions_and_leave_training_out,
);
