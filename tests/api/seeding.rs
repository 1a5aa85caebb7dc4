//! Seeding demo and training data never changes a real citizen's record, and no registry write flips the
//! `fictitious` flag that decides whether trainers may read a person.

use std::process::Command;

use chrono::Utc;
use medbetjening::domain::{Citizen, Cpr, Role};
use medbetjening::guides::scenario::cast::Cast;
use medbetjening::history::api::{CitizenInput, CitizenSearch};
use medbetjening::history::demo::{self, DemoOptions};
use medbetjening::history::store::Store;
use sqlx::Row;

use crate::common::{Db, PURPOSE, TestService};

/// The CPR number the demo generator gives its first citizen for `seed`, read back from a scratch store.
async fn first_demo_cpr(seed: u64) -> Cpr {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&format!("sqlite:{}", dir.path().join("scratch.sqlite").display())).await.expect("store");
    let options = DemoOptions { citizens: 1, heavy: 0, seed, anchor: Utc::now(), max_events: 4 };
    demo::generate(&store, &options, |_, _| {}).await.expect("demo data");
    store.close().await;
    let url = format!("sqlite:{}", dir.path().join("scratch.sqlite").display());
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await.expect("scratch");
    let row = sqlx::query("SELECT cpr FROM citizens").fetch_one(&mut conn).await.expect("one citizen");
    Cpr::parse(&row.try_get::<String, _>(0).expect("cpr")).expect("a CPR number")
}

/// A real person's registry record (no `fictitious` given: a new record is real).
fn real_person(cpr: &Cpr) -> CitizenInput {
    serde_json::from_value(serde_json::json!({
        "cpr": cpr.reveal(), "name": "Rigtig Person", "phones": ["+45 20 30 40 50"], "district": "Amager",
        "emails": ["rigtig@example.dk"], "digital_post": {"state": "active"}, "mitid": "app",
    }))
    .expect("citizen input")
}

fn run_demo_data(database: &str, scenarios: bool) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_medbetjening"));
    command.args(["demo-data", "--database", database, "--citizens", "1", "--heavy", "0", "--seed", "7"]);
    command.args(["--max-events", "4"]).env_remove("MEDBETJENING_DATABASE");
    if scenarios {
        command.arg("--scenarios");
    }
    command.output().expect("the binary runs")
}

async fn stored(service: &TestService, id: uuid::Uuid) -> Citizen {
    service.store.citizen(id).await.expect("read").expect("still there")
}

async fn trainer_cannot_see(service: &TestService, id: uuid::Uuid, cpr: &Cpr) {
    let trainer = service.client(Role::Trainer);
    let error = trainer.citizen(id, medbetjening::domain::Purpose::Training).await.expect_err("hidden");
    assert_eq!(error.status(), Some(404), "to a trainer a real citizen does not exist");
    let search = CitizenSearch { cpr: Some(cpr.reveal()), ..CitizenSearch::default() };
    let found = trainer.search_citizens(&search, medbetjening::domain::Purpose::Training).await.expect("search");
    assert!(found.citizens.is_empty());
}

/// Imports a real person's registry record with `medbetjening import`, as a municipality's feed would.
async fn import_real_person(service: &TestService, cpr: &Cpr) -> uuid::Uuid {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("registry.jsonl");
    let mut line = serde_json::to_value(real_person(cpr)).expect("json");
    line["type"] = serde_json::json!("citizen");
    std::fs::write(&file, format!("{line}\n")).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_medbetjening"))
        .args(["import", &file.display().to_string(), "--database", &service.database])
        .env_remove("MEDBETJENING_DATABASE")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lookup = medbetjening::history::store::CitizenLookup::Cpr(*cpr);
    service.store.find_citizens(&lookup, false, 2).await.expect("find").remove(0).id
}

async fn demo_data_leaves_a_real_citizen_with_a_generated_number_alone(db: Db) {
    let service = TestService::start_on(db).await;
    let cpr = first_demo_cpr(7).await;
    let id = import_real_person(&service, &cpr).await;
    let before = stored(&service, id).await;
    assert!(!before.fictitious);

    let output = run_demo_data(&service.database, false);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "a conflict fails the run: {stderr}");
    assert!(stderr.contains("1 generated citizens left out"), "{stderr}");
    assert!(!stderr.contains(&cpr.compact()) && !stderr.contains(&cpr.reveal()), "no number in the report");

    assert_eq!(stored(&service, id).await, before, "the record is exactly as the registry left it");
    assert!(service.store.all_events(id).await.expect("events").is_empty(), "and it got no demo contacts");
    trainer_cannot_see(&service, id, &cpr).await;
    let counter = service.client(Role::Counter);
    assert_eq!(counter.citizen(id, PURPOSE).await.expect("profile").name, "Rigtig Person");
}

async fn scenario_seeding_leaves_a_real_citizen_with_a_cast_number_alone(db: Db) {
    let service = TestService::start_on(db).await;
    let cast = Cast::builtin().cast;
    let cpr = cast.citizens[0].cpr;
    let id = service.client(Role::Integration).put_citizen(&real_person(&cpr)).await.expect("stored").id;
    let before = stored(&service, id).await;

    let output = run_demo_data(&service.database, true);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("1 of the cast left out"), "{stderr}");
    assert_eq!(stored(&service, id).await, before);
    assert!(service.store.all_events(id).await.expect("events").is_empty());
    trainer_cannot_see(&service, id, &cpr).await;
    // The rest of the cast went in, so the other scenarios still work.
    let other = CitizenSearch { cpr: Some(cast.citizens[1].cpr.reveal()), ..CitizenSearch::default() };
    let trainer = service.client(Role::Trainer);
    let found = trainer.search_citizens(&other, medbetjening::domain::Purpose::Training).await.expect("search");
    assert_eq!(found.citizens.len(), 1);
    assert!(found.citizens[0].fictitious);
}

async fn a_registry_write_may_not_flip_the_fictitious_flag(db: Db) {
    let service = TestService::start_on(db).await;
    let integration = service.client(Role::Integration);
    let real = Cpr::parse("0707614285").expect("cpr");
    let id = integration.put_citizen(&real_person(&real)).await.expect("stored").id;
    let mut flip = real_person(&real);
    flip.fictitious = Some(true);
    let error = integration.put_citizen(&flip).await.expect_err("refused");
    assert_eq!((error.status(), error.code()), (Some(409), Some("fictitious_conflict")));
    assert!(!stored(&service, id).await.fictitious);

    let mut demo = crate::common::citizen_input("1203851234", "Demo Person");
    let demo_id = integration.put_citizen(&demo).await.expect("stored").id;
    demo.fictitious = Some(false);
    let error = integration.put_citizen(&demo).await.expect_err("refused");
    assert_eq!(error.status(), Some(409));
    // Without the field, an update keeps the flag as it is.
    demo.fictitious = None;
    demo.name = "Demo Person Ny".into();
    integration.put_citizen(&demo).await.expect("updated");
    let after = stored(&service, demo_id).await;
    assert!(after.fictitious);
    assert_eq!(after.name, "Demo Person Ny");

    // The administrator's command is the one way to change it.
    let output = Command::new(env!("CARGO_BIN_EXE_medbetjening"))
        .args(["citizen", "set-fictitious", &demo_id.to_string(), "--fictitious", "false"])
        .args(["--database", &service.database])
        .env_remove("MEDBETJENING_DATABASE")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("was fictitious and is now real"));
    assert!(!stored(&service, demo_id).await.fictitious);
    let trainer = service.client(Role::Trainer);
    let error = trainer.citizen(demo_id, medbetjening::domain::Purpose::Training).await.expect_err("now real");
    assert_eq!(error.status(), Some(404));
}

crate::on_both_databases!(
    demo_data_leaves_a_real_citizen_with_a_generated_number_alone,
    scenario_seeding_leaves_a_real_citizen_with_a_cast_number_alone,
    a_registry_write_may_not_flip_the_fictitious_flag,
);
