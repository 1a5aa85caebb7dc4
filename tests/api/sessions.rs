//! Logged assisted sessions: stored exactly once per id, 409 for a different body, visible in the timeline.

use medbetjening::domain::{Channel, ContactKind, DigitalReadiness, Outcome, Performer, Purpose, Role};
use medbetjening::history::api::{AuditAction, SessionInput, SessionParams, TimelineParams};
use uuid::Uuid;

use crate::common::{Db, PURPOSE, TestService, at, citizen_input, create_citizen};

fn session(citizen: Option<Uuid>) -> SessionInput {
    serde_json::from_value(serde_json::json!({
        "citizen_id": citizen,
        "channel": "counter",
        "authority": "borgerservice",
        "site": "Borgerservice Nørrebro",
        "started_at": at(0),
        "ended_at": at(14),
        "kle": "23.05.10",
        "guides": [{
            "guide": "flytning", "guide_version": 3,
            "steps": [
                {"step": "log-ind", "state": "completed", "performed_by": "citizen_with_guidance", "seconds": 95},
                {"step": "laege", "state": "skipped", "reason": "Borgeren beholder sin læge", "seconds": 10},
                {"step": "kvittering", "state": "completed", "performed_by": "citizen_alone", "seconds": 40}
            ],
            "outcome": "completed"
        }],
        "outcome": "completed",
        "contact_kind": "transaction",
        "summary": "Flytning anmeldt med hjælp ved skranken",
        "next_steps": [{"text": "Tjek din Digital Post for kvittering", "due": "2026-01-08"}],
        "notes": "Borgeren ønskede papirkvittering næste gang"
    }))
    .expect("session input")
}

async fn session_put_is_idempotent_and_a_different_body_is_409(db: Db) {
    let service = TestService::start_on(db).await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let counter = service.client(Role::Counter);
    let id = Uuid::new_v4();
    let input = session(Some(citizen));

    let first = counter.put_session(id, &input).await.expect("stored");
    assert!(first.created);
    assert_eq!(first.session.staff_id, service.staff_id(Role::Counter), "the caller is the staff member");
    let retry = counter.put_session(id, &input).await.expect("retry is fine");
    assert!(!retry.created);
    assert_eq!(retry.session, first.session);

    let mut changed = input.clone();
    changed.outcome = Outcome::NotPossibleToday;
    let error = counter.put_session(id, &changed).await.expect_err("conflict");
    assert_eq!((error.status(), error.code()), (Some(409), Some("session_conflict")));
    // Another staff member reusing the id is a different session too.
    let error = service.client(Role::Phone).put_session(id, &input).await.expect_err("conflict");
    assert_eq!(error.status(), Some(409));

    // Stored once, unchanged.
    let params = SessionParams { citizen: Some(citizen), ..SessionParams::default() };
    let sessions = counter.sessions(&params, PURPOSE).await.expect("list").sessions;
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].outcome, Outcome::Completed);
    assert_eq!(sessions[0].guides[0].steps.len(), 3);
    assert_eq!(sessions[0].contact_kind, ContactKind::Transaction);

    // And once in the citizen's timeline, as the next person they meet will see it.
    let page = counter.timeline(citizen, &TimelineParams::default(), PURPOSE).await.expect("timeline");
    assert_eq!(page.events.len(), 1);
    let row = &page.events[0];
    assert_eq!(
        (row.channel, row.source.as_str(), row.source_id.clone()),
        (Channel::Counter, "medbetjening", id.to_string())
    );
    assert_eq!(row.summary, "Flytning anmeldt med hjælp ved skranken");
    assert_eq!(row.staff.as_deref(), Some("Test counter (Testcenter)"));
}

async fn anonymous_sessions_and_invalid_sessions(db: Db) {
    let service = TestService::start_on(db).await;
    let counter = service.client(Role::Counter);
    let anonymous = counter.put_session(Uuid::new_v4(), &session(None)).await.expect("anonymous is fine");
    assert_eq!(anonymous.session.citizen_id, None);

    let unknown =
        counter.put_session(Uuid::new_v4(), &session(Some(Uuid::new_v4()))).await.expect_err("unknown citizen");
    assert_eq!((unknown.status(), unknown.code()), (Some(422), Some("unknown_citizen")));
    let mut backwards = session(None);
    backwards.ended_at = at(-5);
    let error = counter.put_session(Uuid::new_v4(), &backwards).await.expect_err("ends before it starts");
    assert!(error.to_string().contains("ended_at"), "{error}");
    // Integration systems do not log assisted sessions.
    let error = service.client(Role::Integration).put_session(Uuid::new_v4(), &session(None)).await.expect_err("403");
    assert_eq!(error.status(), Some(403));
    // A trainer cannot attach a session to a real citizen: to them it does not exist.
    let mut real = citizen_input("0101901234", "Rigtig Borger");
    real.fictitious = Some(false);
    let real_id = create_citizen(&service, &real).await;
    let error =
        service.client(Role::Trainer).put_session(Uuid::new_v4(), &session(Some(real_id))).await.expect_err("hidden");
    assert_eq!(error.code(), Some("unknown_citizen"));
    let sessions =
        service.client(Role::Supervisor).sessions(&SessionParams::default(), Purpose::Supervision).await.expect("list");
    assert_eq!(sessions.sessions.len(), 1, "only the anonymous session was stored");
}

async fn a_session_is_read_back_by_id_and_its_readiness_assessment_reaches_the_card(db: Db) {
    let service = TestService::start_on(db).await;
    let mut real = citizen_input("0707614285", "Jens Jensen");
    real.fictitious = Some(false);
    let citizen = create_citizen(&service, &real).await;
    let counter = service.client(Role::Counter);
    let before = counter.citizen(citizen, PURPOSE).await.expect("profile");
    assert!(before.readiness_history.is_empty());

    let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
    let mut input = session(Some(citizen));
    input.digital_readiness_after = Some(DigitalReadiness::NeedsAssistance);
    counter.put_session(first, &input).await.expect("stored");
    input.started_at = at(60 * 24 * 7);
    input.ended_at = at(60 * 24 * 7 + 20);
    input.digital_readiness_after = Some(DigitalReadiness::WithGuidance);
    counter.put_session(second, &input).await.expect("stored");
    let mut unassessed = session(Some(citizen));
    unassessed.started_at = at(60 * 24 * 8);
    unassessed.ended_at = at(60 * 24 * 8 + 5);
    counter.put_session(Uuid::new_v4(), &unassessed).await.expect("stored");

    let profile = counter.citizen(citizen, PURPOSE).await.expect("profile");
    assert_eq!(profile.digital_readiness, DigitalReadiness::WithGuidance, "the latest assessment counts");
    let history: Vec<_> = profile.readiness_history.iter().map(|a| (a.session, a.readiness)).collect();
    assert_eq!(history, vec![(second, DigitalReadiness::WithGuidance), (first, DigitalReadiness::NeedsAssistance)]);

    let stored = counter.session(first, PURPOSE).await.expect("by id");
    assert_eq!(stored.guides[0].steps[0].performed_by, Some(Performer::CitizenWithGuidance));
    let missing = counter.session(Uuid::new_v4(), PURPOSE).await.expect_err("unknown id");
    assert_eq!(missing.status(), Some(404));
    let trainer = service.client(Role::Trainer).session(first, PURPOSE).await.expect_err("real citizen");
    assert_eq!(trainer.status(), Some(404), "a trainer cannot tell a real citizen's session exists");
    let lookups = service.store.lookups_of(citizen).await.expect("audit");
    assert!(lookups.iter().any(|l| l.action == AuditAction::ReadSessions), "reading a session is audited");
}

crate::on_both_databases!(
    session_put_is_idempotent_and_a_different_body_is_409,
    anonymous_sessions_and_invalid_sessions,
    a_session_is_read_back_by_id_and_its_readiness_assessment_reaches_the_card,
);
