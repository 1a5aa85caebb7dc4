//! Training apart from real work: a trainer's token reaches no real citizen by any path, and what trainers log
//! never counts in the statistics.

use medbetjening::domain::{Purpose, Role};
use medbetjening::history::api::{CitizenSearch, SessionInput, SessionParams, StatsParams, TimelineParams};
use serde_json::json;
use uuid::Uuid;

use crate::common::{Db, TestService, at, citizen_input, create_citizen};

const REAL_CPR: &str = "0707614285";

fn session_for(citizen: Uuid) -> SessionInput {
    serde_json::from_value(json!({
        "citizen_id": citizen, "channel": "counter", "authority": "borgerservice", "site": "Testcenter",
        "started_at": at(0), "ended_at": at(10), "outcome": "completed", "contact_kind": "information",
        "summary": "Vejledning"
    }))
    .expect("session input")
}

async fn a_trainer_reaches_no_real_citizen_by_any_path(db: Db) {
    let service = TestService::start_on(db).await;
    let mut real = citizen_input(REAL_CPR, "Rigtig Borger");
    real.fictitious = Some(false);
    let real_id = create_citizen(&service, &real).await;
    let practice_id = create_citizen(&service, &citizen_input("0101901234", "Øvelses Borger")).await;
    let counter = service.client(Role::Counter);
    let real_session = Uuid::new_v4();
    counter.put_session(real_session, &session_for(real_id)).await.expect("real work is logged");
    let trainer = service.client(Role::Trainer);
    let p = Purpose::Training;

    let status = |result: Result<_, medbetjening::history::client::ClientError>| result.err().and_then(|e| e.status());
    assert_eq!(status(trainer.citizen(real_id, p).await.map(drop)), Some(404), "profile");
    assert_eq!(status(trainer.timeline(real_id, &TimelineParams::default(), p).await.map(drop)), Some(404), "timeline");
    assert_eq!(status(trainer.reveal_cpr(real_id, p).await.map(drop)), Some(404), "full CPR");
    assert_eq!(status(trainer.export(real_id, p).await.map(drop)), Some(403), "access-request export");
    assert_eq!(status(trainer.session(real_session, p).await.map(drop)), Some(404), "a real session");
    for search in [
        CitizenSearch { cpr: Some(REAL_CPR.into()), ..CitizenSearch::default() },
        CitizenSearch { q: Some("borger".into()), ..CitizenSearch::default() },
    ] {
        let found = trainer.search_citizens(&search, p).await.expect("search").citizens;
        assert!(found.iter().all(|c| c.id != real_id), "search by {search:?} found the real citizen");
    }
    let params = SessionParams { citizen: Some(real_id), ..SessionParams::default() };
    assert!(trainer.sessions(&params, p).await.expect("list").sessions.is_empty(), "real sessions listed");
    let refused = trainer.put_session(Uuid::new_v4(), &session_for(real_id)).await.expect_err("logging on a real one");
    assert_eq!(refused.status(), Some(422));
    let logged = counter.sessions(&params, Purpose::CounterVisit).await.expect("list").sessions;
    assert_eq!(logged.len(), 1, "the refused session left nothing behind");

    // The same paths work on a fictitious citizen, so the refusals above are about the data, not the role.
    trainer.citizen(practice_id, p).await.expect("profile");
    trainer.timeline(practice_id, &TimelineParams::default(), p).await.expect("timeline");
    trainer.put_session(Uuid::new_v4(), &session_for(practice_id)).await.expect("practice session");
}

async fn sessions_logged_in_training_never_count(db: Db) {
    let service = TestService::start_on(db).await;
    let practice_id = create_citizen(&service, &citizen_input("0101901234", "Øvelses Borger")).await;
    let supervisor = service.client(Role::Supervisor);
    let before = supervisor.stats(&StatsParams::default()).await.expect("stats");
    let trainer = service.client(Role::Trainer);
    for _ in 0..3 {
        trainer.put_session(Uuid::new_v4(), &session_for(practice_id)).await.expect("practice session");
    }
    let after = supervisor.stats(&StatsParams::default()).await.expect("stats");
    assert_eq!(after.sessions, before.sessions, "training counted as real work");
    assert_eq!(after.training_left_out, before.training_left_out + 3);
    assert!(after.by_outcome.is_empty() && after.guides.is_empty(), "{after:?}");
}

crate::on_both_databases!(a_trainer_reaches_no_real_citizen_by_any_path, sessions_logged_in_training_never_count);
