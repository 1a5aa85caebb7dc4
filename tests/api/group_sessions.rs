//! Group sessions: logged once, in the timeline of exactly the participants who agreed to be identified, one audit
//! row per link, idempotent like any session; a trainer cannot link a real citizen; bad shapes are 422 JSON; the
//! statistics count the participants.

use std::collections::BTreeSet;

use medbetjening::domain::{Channel, Purpose, Role};
use medbetjening::history::api::{AuditAction, AuditParams, SessionInput, StatsParams, TimelineParams};
use medbetjening::history::store::AuditFilter;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Db, PURPOSE, TestService, at, citizen_input, create_citizen};

const NAMES: [&str; 4] = ["Ingrid Holm", "Poul Dam", "Birte Lund", "Erik Krogh"];
const CPRS: [&str; 4] = ["0101401234", "0202411234", "0303421234", "0404431234"];

fn group_input(linked: &[Uuid], participants: u32) -> SessionInput {
    serde_json::from_value(group_body(linked, participants)).expect("group session input")
}

fn group_body(linked: &[Uuid], participants: u32) -> Value {
    json!({
        "channel": "group_training", "authority": "borgerservice", "site": "Hovedbiblioteket",
        "started_at": at(0), "ended_at": at(90), "kle": "23.15.25",
        "guides": [{ "guide": "mitid", "guide_version": 1, "steps": [] }],
        "outcome": "completed", "contact_kind": "information",
        "summary": "MitID-appen for seniorer",
        "group": { "participants": participants, "linked": linked }
    })
}

/// Citizens for the tests; `real` ones are not fictitious (the statistics count only those).
async fn citizens(service: &TestService, real: bool) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for (cpr, name) in CPRS.iter().zip(NAMES) {
        let mut input = citizen_input(cpr, name);
        input.fictitious = Some(!real);
        ids.push(create_citizen(service, &input).await);
    }
    ids
}

/// The rows a session put in a citizen's timeline.
async fn rows_of(service: &TestService, citizen: Uuid, session: Uuid) -> Vec<medbetjening::domain::ContactEvent> {
    let events = service.store.all_events(citizen).await.expect("events");
    events.into_iter().filter(|e| e.source == "medbetjening" && e.source_id.starts_with(&session.to_string())).collect()
}

async fn link_audits(service: &TestService) -> Vec<medbetjening::history::api::AuditEntry> {
    let filter = AuditFilter { limit: 1000, ..AuditFilter::default() };
    let entries = service.store.audit_entries(&filter).await.expect("audit");
    entries.into_iter().filter(|e| e.action == AuditAction::LinkGroupSession).collect()
}

async fn a_group_session_reaches_exactly_the_linked_timelines_once_each_audited(db: Db) {
    let service = TestService::start_on(db).await;
    let ids = citizens(&service, true).await;
    let (linked, outsider) = (&ids[..3], ids[3]);
    let counter = service.client(Role::Counter);
    let id = Uuid::now_v7();
    let input = group_input(linked, 8);

    let first = counter.put_session(id, &input).await.expect("stored");
    assert!(first.created);
    assert_eq!((first.session.channel, first.session.citizen_id), (Channel::GroupTraining, None));
    let group = first.session.group.as_ref().expect("the group part");
    assert_eq!((group.participants, group.anonymous(), group.linked.as_slice()), (8, 5, linked));

    for citizen in linked {
        let rows = rows_of(&service, *citizen, id).await;
        assert_eq!(rows.len(), 1, "once in each linked timeline");
        let row = &rows[0];
        assert_eq!((row.channel, row.source_id.clone()), (Channel::GroupTraining, format!("{id}/{citizen}")));
        assert!(row.summary.contains("Gruppeforløb") && row.summary.contains("8 deltagere"), "{}", row.summary);
        assert!(NAMES.iter().all(|name| !row.summary.contains(name)), "nobody is named: {}", row.summary);
    }
    assert!(rows_of(&service, outsider, id).await.is_empty(), "not in a fourth citizen's timeline");
    // Through the API too, as the next staff member sees it.
    let page = counter.timeline(linked[1], &TimelineParams::default(), PURPOSE).await.expect("timeline");
    assert_eq!(page.events.iter().filter(|e| e.channel == Channel::GroupTraining).count(), 1);

    let audits = link_audits(&service).await;
    let named: BTreeSet<Uuid> = audits.iter().flat_map(|e| e.citizen_ids.iter().copied()).collect();
    assert_eq!(audits.len(), 3, "one row per link: {audits:?}");
    assert_eq!(named, linked.iter().copied().collect(), "each names its citizen");
    for entry in &audits {
        assert_eq!(entry.citizen_ids.len(), 1);
        assert_eq!(entry.criterion, Some(format!("group_session:{id}")));
        assert_eq!((entry.staff_id, entry.purpose), (service.staff_id(Role::Counter), Purpose::CounterVisit));
    }
    // The supervisors' view of the trail shows them too.
    let params = AuditParams { citizen: Some(linked[0]), ..AuditParams::default() };
    let entries = service.client(Role::Supervisor).audit(&params, Purpose::Supervision).await.expect("audit").entries;
    assert!(entries.iter().any(|e| e.action == AuditAction::LinkGroupSession));

    // A resend after a lost answer: 200, the stored session, nothing added, nothing audited again.
    let retry = counter.put_session(id, &input).await.expect("retry is fine");
    assert!(!retry.created);
    assert_eq!(retry.session, first.session);
    for citizen in linked {
        assert_eq!(rows_of(&service, *citizen, id).await.len(), 1, "no duplicate row");
    }
    assert_eq!(link_audits(&service).await.len(), 3, "no duplicate audit row");
    // A different body under the same id is a conflict, and changes nothing.
    let error = counter.put_session(id, &group_input(linked, 9)).await.expect_err("conflict");
    assert_eq!((error.status(), error.code()), (Some(409), Some("session_conflict")));
    assert_eq!(link_audits(&service).await.len(), 3);

    // Counted once as a session, with everyone who took part.
    let stats = service.client(Role::Supervisor).stats(&StatsParams::default()).await.expect("stats");
    assert_eq!((stats.sessions, stats.training_left_out), (1, 0));
    assert_eq!((stats.group_sessions, stats.group_participants), (1, 8));
    assert_eq!(stats.by_channel.get("group_training"), Some(&1));
    assert_eq!(stats.guides.first().map(|g| (g.guide.as_str(), g.runs)), Some(("mitid", 1)));
}

async fn a_trainer_linking_a_real_citizen_gets_422_and_nothing_is_stored(db: Db) {
    let service = TestService::start_on(db).await;
    let practice = citizens(&service, false).await;
    let mut real = citizen_input("0707614285", "Jens Jensen");
    real.fictitious = Some(false);
    let real = create_citizen(&service, &real).await;
    let trainer = service.client(Role::Trainer);

    let id = Uuid::now_v7();
    let error = trainer.put_session(id, &group_input(&[practice[0], real], 5)).await.expect_err("hidden");
    assert_eq!((error.status(), error.code()), (Some(422), Some("unknown_citizen")));
    assert!(service.store.session(id).await.expect("read").is_none(), "no session");
    assert!(rows_of(&service, practice[0], id).await.is_empty(), "no row for the fictitious participant");
    assert!(rows_of(&service, real, id).await.is_empty());
    assert!(link_audits(&service).await.is_empty(), "nothing linked, nothing audited");

    // With fictitious participants only, a trainer's group session is stored, and is training.
    trainer.put_session(id, &group_input(&practice[..2], 5)).await.expect("practice group");
    assert_eq!(rows_of(&service, practice[1], id).await.len(), 1);
    let audits = link_audits(&service).await;
    assert!(audits.len() == 2 && audits.iter().all(|e| e.purpose == Purpose::Training), "{audits:?}");
    // Fictitious participants make a counter's group session training too.
    service.client(Role::Counter).put_session(Uuid::now_v7(), &group_input(&practice[2..], 3)).await.expect("stored");
    let stats = service.client(Role::Supervisor).stats(&StatsParams::default()).await.expect("stats");
    assert_eq!((stats.sessions, stats.training_left_out, stats.group_participants), (0, 2, 0));
}

async fn a_malformed_group_is_422_json_and_stores_nothing(db: Db) {
    let service = TestService::start_on(db).await;
    let ids = citizens(&service, true).await;
    let (http, url) = service.raw();
    let mut cases = vec![
        ("no participants", group_body(&[], 0), "group.participants"),
        ("too many participants", group_body(&[], 501), "group.participants"),
        ("more linked than counted", group_body(&ids[..3], 2), "group.linked"),
        ("a citizen linked twice", group_body(&[ids[0], ids[1], ids[0]], 5), "group.linked[2]"),
    ];
    let mut counter_channel = group_body(&ids[..1], 4);
    counter_channel["channel"] = json!("counter");
    cases.push(("not on the group channel", counter_channel, "channel"));
    let mut with_citizen = group_body(&ids[..1], 4);
    with_citizen["citizen_id"] = json!(ids[1]);
    cases.push(("a single citizen as well", with_citizen, "citizen_id"));
    for (case, body, field) in cases {
        let id = Uuid::now_v7();
        let response = http
            .put(format!("{url}/v1/sessions/{id}"))
            .bearer_auth(service.token(Role::Counter))
            .json(&body)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status().as_u16(), 422, "{case}");
        let error: Value = response.json().await.expect("a JSON error body");
        assert_eq!(error["error"]["code"], "invalid_field", "{case}: {error}");
        let message = error["error"]["message"].as_str().expect("message");
        assert!(message.starts_with(&format!("{field}:")), "{case}: {message}");
        assert!(service.store.session(id).await.expect("read").is_none(), "{case}: nothing stored");
    }
    for citizen in &ids {
        assert!(service.store.all_events(*citizen).await.expect("events").is_empty());
    }
    assert!(link_audits(&service).await.is_empty());
}

crate::on_both_databases!(
    a_group_session_reaches_exactly_the_linked_timelines_once_each_audited,
    a_trainer_linking_a_real_citizen_gets_422_and_nothing_is_stored,
    a_malformed_group_is_422_json_and_stores_nothing,
);
