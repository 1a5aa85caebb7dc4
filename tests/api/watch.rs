//! What supervisors watch: refused reads are recorded, the alert list names busy hours, citizens opened without a
//! contact and bursts of refusals; and who may see which sessions.

use chrono::{Duration, Utc};
use medbetjening::domain::{Channel, Purpose, Role};
use medbetjening::history::api::{AlertParams, Alerts, AuditAction, AuditParams, SessionInput, SessionParams};
use serde_json::json;
use uuid::Uuid;

use crate::common::{Db, PURPOSE, TestService, citizen_input, create_citizen, event_input};

fn session_now(citizen: Option<Uuid>) -> SessionInput {
    let now = Utc::now();
    serde_json::from_value(json!({
        "citizen_id": citizen, "channel": "counter", "authority": "borgerservice", "site": "Testcenter",
        "started_at": now - Duration::minutes(10), "ended_at": now - Duration::minutes(5), "outcome": "completed",
        "contact_kind": "information", "summary": "Vejledning"
    }))
    .expect("session input")
}

async fn alerts(service: &TestService, params: &AlertParams) -> Alerts {
    let (http, url) = service.raw();
    let response = http
        .get(format!("{url}/v1/audit/alerts"))
        .query(params)
        .bearer_auth(service.token(Role::Supervisor))
        .header("x-purpose", "supervision")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 200);
    response.json().await.expect("alerts")
}

async fn refused_reads_are_recorded_and_bursts_are_alerts(db: Db) {
    let service = TestService::start_on(db).await;
    let (http, url) = service.raw();
    let get = |role: Role, path: String| {
        http.get(format!("{url}{path}")).bearer_auth(service.token(role)).header("x-purpose", "counter_visit").send()
    };
    for _ in 0..12 {
        assert_eq!(get(Role::Counter, format!("/v1/citizens/{}", Uuid::new_v4())).await.expect("answer").status(), 404);
    }
    assert_eq!(get(Role::Integration, "/v1/citizens?q=jensen".into()).await.expect("answer").status(), 403);
    assert_eq!(get(Role::Counter, "/v1/citizens/0707614285".into()).await.expect("answer").status(), 400);
    assert_eq!(get(Role::Phone, "/v1/audit".into()).await.expect("answer").status(), 403);
    // Not reads of citizen data, or not refused: not recorded.
    assert_eq!(get(Role::Counter, "/v1/me".into()).await.expect("answer").status(), 200);
    assert_eq!(get(Role::Counter, "/v1/nowhere".into()).await.expect("answer").status(), 404);

    let found = alerts(&service, &AlertParams::default()).await;
    let routes: Vec<_> = found.refusals.iter().map(|r| (r.route.as_str(), r.status, r.code.as_str())).collect();
    assert_eq!(routes.len(), 15, "{routes:?}");
    assert_eq!(routes[0], ("/v1/citizens/{id}", 404, "not_found"));
    assert!(routes.contains(&("/v1/citizens", 403, "forbidden")));
    assert!(routes.contains(&("/v1/citizens/{id}", 400, "invalid_path")));
    assert!(routes.contains(&("/v1/audit", 403, "forbidden")));
    assert!(!serde_json::to_string(&found.refusals).expect("json").contains("0707614285"), "no value is kept");
    assert_eq!(found.probing.len(), 1, "{:?}", found.probing);
    assert_eq!((found.probing[0].staff_id, found.probing[0].refused), (service.staff_id(Role::Counter), 13));
    assert_eq!(found.probing[0].staff_name, "Test counter");
}

async fn busy_hours_and_lookups_without_contact_are_alerts(db: Db) {
    let service = TestService::start_on(db).await;
    let quiet = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let called = create_citizen(&service, &citizen_input("1203851234", "Anna Hansen")).await;
    let helped = create_citizen(&service, &citizen_input("0101901234", "Bo Berg")).await;
    // Anna called today; Bo was helped at the counter by this staff member today; nobody contacted about Jens.
    let call = event_input(called, "tlf-1", Utc::now() - Duration::minutes(30), Channel::Phone, "borgerservice", "x");
    service.client(Role::Integration).post_event(&call).await.expect("stored");
    let counter = service.client(Role::Counter);
    counter.put_session(Uuid::new_v4(), &session_now(Some(helped))).await.expect("session");
    for citizen in [quiet, called, helped, quiet] {
        counter.citizen(citizen, PURPOSE).await.expect("profile");
    }
    // A supervisor's reads are review, not front-line lookups.
    service.client(Role::Supervisor).citizen(quiet, Purpose::Supervision).await.expect("profile");

    let params = AlertParams { lookups_per_hour: Some(3), ..AlertParams::default() };
    let found = alerts(&service, &params).await;
    let flagged: Vec<_> = found.without_contact.iter().map(|l| (l.staff_id, l.citizen_id, l.action)).collect();
    assert_eq!(flagged, [(service.staff_id(Role::Counter), quiet, AuditAction::ReadProfile)], "once per day");
    assert_eq!(found.busy_hours.len(), 1, "{:?}", found.busy_hours);
    assert_eq!((found.busy_hours[0].staff_id, found.busy_hours[0].lookups), (service.staff_id(Role::Counter), 4));
    let quiet_hours = alerts(&service, &AlertParams::default()).await;
    assert!(quiet_hours.busy_hours.is_empty(), "four lookups are under the default of 60");

    // Reading the alerts is audited with the citizens they name.
    let params = AuditParams { citizen: Some(quiet), ..AuditParams::default() };
    let trail = service.client(Role::Supervisor).audit(&params, Purpose::Supervision).await.expect("audit").entries;
    assert!(trail.iter().any(|e| e.action == AuditAction::ReadAudit && e.criterion.as_deref() == Some("alerts")));
    // Only supervisors read them, and a period is bounded.
    let (http, url) = service.raw();
    let as_counter = http.get(format!("{url}/v1/audit/alerts")).bearer_auth(service.token(Role::Counter));
    assert_eq!(as_counter.header("x-purpose", "supervision").send().await.expect("answer").status(), 403);
    let long = http
        .get(format!("{url}/v1/audit/alerts?from=2026-01-01&to=2026-03-01"))
        .bearer_auth(service.token(Role::Supervisor))
        .header("x-purpose", "supervision");
    assert_eq!(long.send().await.expect("answer").status(), 400);
}

async fn staff_list_only_their_own_sessions_and_trainers_never_read_a_real_anonymous_one(db: Db) {
    let service = TestService::start_on(db).await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let (counter, phone) = (service.client(Role::Counter), service.client(Role::Phone));
    let anonymous = Uuid::new_v4();
    counter.put_session(anonymous, &session_now(None)).await.expect("stored");
    counter.put_session(Uuid::new_v4(), &session_now(Some(citizen))).await.expect("stored");
    phone.put_session(Uuid::new_v4(), &session_now(None)).await.expect("stored");

    let all = SessionParams::default();
    let mine = counter.sessions(&all, PURPOSE).await.expect("list").sessions;
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|s| s.staff_id == service.staff_id(Role::Counter)));
    let theirs = SessionParams { staff: Some(service.staff_id(Role::Phone)), ..SessionParams::default() };
    assert_eq!(counter.sessions(&theirs, PURPOSE).await.expect_err("not mine").status(), Some(403));
    let by_citizen = SessionParams { citizen: Some(citizen), ..SessionParams::default() };
    assert_eq!(phone.sessions(&by_citizen, PURPOSE).await.expect("list").sessions.len(), 1, "a citizen's are shared");
    let supervisor = service.client(Role::Supervisor);
    assert_eq!(supervisor.sessions(&all, Purpose::Supervision).await.expect("list").sessions.len(), 3);

    let trainer = service.client(Role::Trainer);
    let error = trainer.session(anonymous, Purpose::Training).await.expect_err("a real session");
    assert_eq!(error.status(), Some(404));
    let practice = Uuid::new_v4();
    trainer.put_session(practice, &session_now(None)).await.expect("stored");
    assert_eq!(trainer.session(practice, Purpose::Training).await.expect("their own").id, practice);
}

crate::on_both_databases!(
    refused_reads_are_recorded_and_bursts_are_alerts,
    busy_hours_and_lookups_without_contact_are_alerts,
    staff_list_only_their_own_sessions_and_trainers_never_read_a_real_anonymous_one,
);
