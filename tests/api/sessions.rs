//! Logged assisted sessions: stored exactly once per id, 409 for a different body, visible in the timeline.

use medbetjening::domain::{Channel, ContactKind, Outcome, Purpose, Role};
use medbetjening::history::api::{SessionInput, SessionParams, TimelineParams};
use uuid::Uuid;

use crate::common::{PURPOSE, TestService, at, citizen_input, create_citizen};

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

#[tokio::test]
async fn session_put_is_idempotent_and_a_different_body_is_409() {
    let service = TestService::start().await;
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

#[tokio::test]
async fn anonymous_sessions_and_invalid_sessions() {
    let service = TestService::start().await;
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
    real.fictitious = false;
    let real_id = create_citizen(&service, &real).await;
    let error =
        service.client(Role::Trainer).put_session(Uuid::new_v4(), &session(Some(real_id))).await.expect_err("hidden");
    assert_eq!(error.code(), Some("unknown_citizen"));
    let sessions =
        service.client(Role::Supervisor).sessions(&SessionParams::default(), Purpose::Supervision).await.expect("list");
    assert_eq!(sessions.sessions.len(), 1, "only the anonymous session was stored");
}
