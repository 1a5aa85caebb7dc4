//! The tamper-evident audit log: reads form a hash chain that verifies; a row edited, deleted or slipped in through
//! the database is named; pruning keeps the chain verifiable behind a signed checkpoint that cannot be forged
//! without the key; the citizen's export says when and why, never by whom; a CPR reveal is one chained row.

use medbetjening::domain::{Purpose, Role};
use medbetjening::history::api::{AuditAction, CitizenSearch, TimelineParams};
use medbetjening::history::store::{
    AuditFilter, ChainBreak, ChainProblem, CheckpointKey, KEY_BYTES, NewAudit, PruneOutcome, SignatureCheck, Store,
};
use uuid::Uuid;

use crate::common::{Db, PURPOSE, TestService, at, citizen_input, create_citizen};

/// Runs SQL straight on the database, as an intruder with database access would.
async fn tamper(store: &Store, sql: &str) {
    sqlx::query(sql).execute(store.pool()).await.expect("tampering runs");
}

async fn id_at(store: &Store, seq: i64) -> Uuid {
    let id: String =
        sqlx::query_scalar("SELECT id FROM audit WHERE seq = $1").bind(seq).fetch_one(store.pool()).await.expect("row");
    id.parse().expect("a uuid")
}

/// Five audited reads of one citizen through the API: chain rows 1 to 5.
async fn five_reads(service: &TestService) -> Uuid {
    let id = create_citizen(service, &citizen_input("0707614285", "Jens Jensen")).await;
    let counter = service.client(Role::Counter);
    let search = CitizenSearch { cpr: Some("0707614285".into()), ..CitizenSearch::default() };
    counter.search_citizens(&search, PURPOSE).await.expect("search");
    counter.citizen(id, PURPOSE).await.expect("profile");
    counter.timeline(id, &TimelineParams::default(), PURPOSE).await.expect("timeline");
    counter.reveal_cpr(id, Purpose::CaseWork).await.expect("reveal");
    counter.citizen(id, Purpose::PhoneCall).await.expect("profile again");
    id
}

fn entry_by(staff_id: Uuid, citizen_ids: Vec<Uuid>) -> NewAudit {
    NewAudit { staff_id, action: AuditAction::ReadProfile, purpose: PURPOSE, criterion: None, citizen_ids }
}

fn entry(service: &TestService, citizens: Vec<Uuid>) -> NewAudit {
    entry_by(service.staff_id(Role::Counter), citizens)
}

fn key(byte: u8) -> CheckpointKey {
    CheckpointKey::from_bytes(&[byte; KEY_BYTES]).expect("a key")
}

async fn reads_form_a_chain_that_verifies(db: Db) {
    let service = TestService::start_on(db).await;
    five_reads(&service).await;
    let report = service.store.verify_audit(None).await.expect("verify");
    assert!(report.intact(), "{:?}", report.broken);
    assert_eq!(report.rows, 5);
    assert!(report.checkpoint.is_none());
    let links: Vec<(i64, String, String)> = sqlx::query_as("SELECT seq, prev_hash, hash FROM audit ORDER BY seq")
        .fetch_all(service.store.pool())
        .await
        .expect("rows");
    assert_eq!(links.iter().map(|l| l.0).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    assert_eq!(links[0].1, "0".repeat(64), "the first row links to the genesis hash");
    assert!(links.windows(2).all(|pair| pair[1].1 == pair[0].2), "each row links to the one before it");
}

async fn an_edited_row_is_named_as_the_first_break(db: Db) {
    let service = TestService::start_on(db).await;
    five_reads(&service).await;
    tamper(&service.store, "UPDATE audit SET purpose = 'training' WHERE seq = 3").await;
    let report = service.store.verify_audit(None).await.expect("verify");
    let broken = report.broken.expect("broken");
    assert_eq!(
        broken,
        ChainBreak { seq: Some(3), id: Some(id_at(&service.store, 3).await), problem: ChainProblem::ContentChanged }
    );
    assert_eq!(report.rows, 2, "the rows before it verify");
    assert!(broken.to_string().starts_with("row 3 (id "), "{broken}");

    // Changing who a row is about counts as much as changing why.
    let service = TestService::start_on(db).await;
    five_reads(&service).await;
    tamper(&service.store, "DELETE FROM audit_subjects WHERE audit_id = (SELECT id FROM audit WHERE seq = 2)").await;
    let broken = service.store.verify_audit(None).await.expect("verify").broken.expect("broken");
    assert_eq!((broken.seq, broken.problem), (Some(2), ChainProblem::ContentChanged));
}

async fn deleted_and_slipped_in_rows_are_detected(db: Db) {
    let service = TestService::start_on(db).await;
    five_reads(&service).await;
    tamper(&service.store, "DELETE FROM audit_subjects WHERE audit_id = (SELECT id FROM audit WHERE seq = 3)").await;
    tamper(&service.store, "DELETE FROM audit WHERE seq = 3").await;
    let broken = service.store.verify_audit(None).await.expect("verify").broken.expect("broken");
    assert_eq!(broken, ChainBreak { seq: Some(3), id: None, problem: ChainProblem::Missing { count: 1 } });
    assert_eq!(broken.to_string(), "row 3 is missing: it was deleted");

    // The newest rows deleted and the head left alone: the head still counts them.
    let service = TestService::start_on(db).await;
    five_reads(&service).await;
    tamper(&service.store, "DELETE FROM audit_subjects WHERE audit_id IN (SELECT id FROM audit WHERE seq >= 4)").await;
    tamper(&service.store, "DELETE FROM audit WHERE seq >= 4").await;
    let broken = service.store.verify_audit(None).await.expect("verify").broken.expect("broken");
    assert_eq!((broken.seq, broken.problem), (Some(4), ChainProblem::Missing { count: 2 }));

    // A row written around the service has no place in the chain.
    let service = TestService::start_on(db).await;
    five_reads(&service).await;
    let staff = service.staff_id(Role::Counter);
    let forged = Uuid::new_v4();
    tamper(
        &service.store,
        &format!(
            "INSERT INTO audit (id, at, staff_id, action, purpose) VALUES ('{forged}', 0, '{staff}', 'search', 'training')"
        ),
    )
    .await;
    let broken = service.store.verify_audit(None).await.expect("verify").broken.expect("broken");
    assert_eq!(broken, ChainBreak { seq: None, id: Some(forged), problem: ChainProblem::OutsideChain });
}

async fn rows_from_before_the_chain_are_chained_when_the_store_opens(db: Db) {
    // A store as the first release left it: only the first migration, and audit rows without chain columns.
    let dir = tempfile::tempdir().expect("dir");
    let (url, _postgres) = db.fresh(dir.path()).await;
    let kind = if db == Db::Sqlite { "sqlite" } else { "postgres" };
    let first = dir.path().join("first-release");
    std::fs::create_dir(&first).expect("dir");
    let source = format!("{}/src/history/store/migrations/{kind}/0001_contact_history.sql", env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(source, first.join("0001_contact_history.sql")).expect("copy the first migration");
    sqlx::any::install_default_drivers();
    let create = if db == Db::Sqlite { format!("{url}?mode=rwc") } else { url.clone() };
    let pool = sqlx::AnyPool::connect(&create).await.expect("connect");
    sqlx::migrate::Migrator::new(first.as_path()).await.expect("migrator").run(&pool).await.expect("first migration");
    let staff = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO staff (id, name, role, site, token_hash, created_at) VALUES ($1, 'A', 'counter', 'S', 'h', 0)",
    )
    .bind(staff.to_string())
    .execute(&pool)
    .await
    .expect("staff");
    for minute in [5, 1, 3] {
        let id = Uuid::now_v7().to_string();
        sqlx::query("INSERT INTO audit (id, at, staff_id, action, purpose) VALUES ($1, $2, $3, 'read_profile', 'counter_visit')")
            .bind(&id)
            .bind(at(minute).timestamp_micros())
            .bind(staff.to_string())
            .execute(&pool)
            .await
            .expect("an old audit row");
        sqlx::query("INSERT INTO audit_subjects (citizen_id, audit_id) VALUES ($1, $2)")
            .bind(Uuid::new_v4().to_string())
            .bind(&id)
            .execute(&pool)
            .await
            .expect("its subject");
    }
    pool.close().await;

    let store = Store::open(&url).await.expect("upgraded");
    let report = store.verify_audit(None).await.expect("verify");
    assert!(report.intact(), "{:?}", report.broken);
    assert_eq!(report.rows, 3);
    let order: Vec<i64> =
        sqlx::query_scalar("SELECT at FROM audit ORDER BY seq").fetch_all(store.pool()).await.expect("rows");
    assert_eq!(order, [1, 3, 5].map(|m| at(m).timestamp_micros()), "chained oldest first");
    store.record_audit(&entry_by(staff, vec![]), at(6)).await.expect("the chain goes on");
    assert_eq!(store.verify_audit(None).await.expect("verify").rows, 4);

    // Only once: a row that loses its place later is an intruder's doing and stays reported.
    tamper(&store, "UPDATE audit SET seq = NULL WHERE seq = 4").await;
    let again = Store::open(&url).await.expect("reopened");
    let broken = again.verify_audit(None).await.expect("verify").broken.expect("broken");
    assert_eq!((broken.seq, broken.problem), (Some(4), ChainProblem::Missing { count: 1 }));
    again.close().await;
    store.close().await;
}

async fn appends_from_two_instances_form_one_chain(db: Db) {
    let service = TestService::start_on(db).await;
    let second = Store::open(&service.database).await.expect("a second instance over the same database");
    let citizen = Uuid::new_v4();
    let mut writers = tokio::task::JoinSet::new();
    for (offset, store) in [(0, service.store.clone()), (100, second)] {
        for n in 0..15 {
            let (store, entry) = (store.clone(), entry(&service, vec![citizen, Uuid::new_v4()]));
            writers.spawn(async move { store.record_audit(&entry, at(offset + n)).await });
        }
    }
    while let Some(written) = writers.join_next().await {
        written.expect("the task ran").expect("the row was written");
    }
    let report = service.store.verify_audit(None).await.expect("verify");
    assert!(report.intact(), "{:?}", report.broken);
    assert_eq!(report.rows, 30);
}

async fn prune_keeps_the_chain_verifiable_behind_a_signed_checkpoint(db: Db) {
    let service = TestService::start_on(db).await;
    let store = &service.store;
    for minute in 0..6 {
        store.record_audit(&entry(&service, vec![Uuid::new_v4()]), at(minute)).await.expect("written");
    }
    let key = key(7);
    let PruneOutcome::Pruned(checkpoint) = store.prune_audit(at(3), &key, at(60)).await.expect("prune") else {
        panic!("rows older than the cutoff are pruned");
    };
    assert_eq!((checkpoint.seq, checkpoint.pruned, checkpoint.created_at), (3, 3, at(60)));
    let left: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM audit ORDER BY seq").fetch_all(store.pool()).await.expect("rows");
    assert_eq!(left, vec![4, 5, 6]);
    let subjects: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_subjects").fetch_one(store.pool()).await.expect("n");
    assert_eq!(subjects, 3, "the pruned rows' subjects went with them");

    let report = store.verify_audit(Some(&key)).await.expect("verify");
    assert!(report.intact(), "{:?}", report.broken);
    assert_eq!(report.rows, 3);
    assert_eq!(report.checkpoint.as_ref().map(|c| c.1), Some(SignatureCheck::Valid));
    let unchecked = store.verify_audit(None).await.expect("verify");
    assert!(unchecked.intact());
    assert_eq!(unchecked.checkpoint.map(|c| c.1), Some(SignatureCheck::NotChecked));

    // The chain goes on after the checkpoint, through the API too.
    store.record_audit(&entry(&service, vec![]), at(61)).await.expect("written");
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    service.client(Role::Counter).citizen(citizen, PURPOSE).await.expect("profile");
    let report = store.verify_audit(Some(&key)).await.expect("verify");
    assert!(report.intact(), "{:?}", report.broken);
    assert_eq!(report.rows, 5);

    // Nothing older left: nothing pruned, no checkpoint.
    assert!(matches!(store.prune_audit(at(3), &key, at(62)).await.expect("prune"), PruneOutcome::NothingOlder));

    // Under another key the checkpoint does not hold.
    let broken = store.verify_audit(Some(&self::key(8))).await.expect("verify").broken.expect("broken");
    assert_eq!((broken.seq, broken.problem), (Some(3), ChainProblem::CheckpointForged));

    // A checkpoint forged to hide a deleted row: without the key its signature cannot be right.
    let hash: String =
        sqlx::query_scalar("SELECT hash FROM audit WHERE seq = 4").fetch_one(store.pool()).await.expect("hash");
    tamper(store, "DELETE FROM audit_subjects WHERE audit_id = (SELECT id FROM audit WHERE seq = 4)").await;
    tamper(store, "DELETE FROM audit WHERE seq = 4").await;
    tamper(
        store,
        &format!(
            "INSERT INTO audit_checkpoints (seq, hash, pruned, cutoff, created_at, signature) \
             VALUES (4, '{hash}', 1, 0, 0, '{}')",
            "ab".repeat(32)
        ),
    )
    .await;
    let broken = store.verify_audit(Some(&key)).await.expect("verify").broken.expect("broken");
    assert_eq!((broken.seq, broken.problem), (Some(4), ChainProblem::CheckpointForged));
    assert_eq!(
        store.verify_audit(None).await.expect("verify").checkpoint.map(|c| c.1),
        Some(SignatureCheck::NotChecked)
    );
    // And a broken chain is not pruned: the evidence stays.
    assert!(matches!(store.prune_audit(at(100), &key, at(100)).await.expect("prune"), PruneOutcome::Refused(_)));
}

async fn a_prune_across_everything_links_the_next_row_to_the_checkpoint(db: Db) {
    let service = TestService::start_on(db).await;
    let store = &service.store;
    for minute in 0..3 {
        store.record_audit(&entry(&service, vec![]), at(minute)).await.expect("written");
    }
    let key = key(9);
    assert!(matches!(store.prune_audit(at(10), &key, at(10)).await.expect("prune"), PruneOutcome::Pruned(_)));
    let report = store.verify_audit(Some(&key)).await.expect("verify");
    assert!(report.intact() && report.rows == 0, "{:?}", report.broken);
    store.record_audit(&entry(&service, vec![]), at(11)).await.expect("written");
    let report = store.verify_audit(Some(&key)).await.expect("verify");
    assert!(report.intact() && report.rows == 1, "{:?}", report.broken);
    // Deleting the first row after the checkpoint is seen.
    tamper(store, "DELETE FROM audit WHERE seq = 4").await;
    let broken = store.verify_audit(Some(&key)).await.expect("verify").broken.expect("broken");
    assert_eq!((broken.seq, broken.problem), (Some(4), ChainProblem::Missing { count: 1 }));
}

async fn the_export_says_when_and_why_but_never_by_whom(db: Db) {
    let service = TestService::start_on(db).await;
    let id = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    service.client(Role::Counter).citizen(id, Purpose::CounterVisit).await.expect("profile");
    service.client(Role::Phone).reveal_cpr(id, Purpose::PhoneCall).await.expect("reveal");
    // The wire JSON itself, so a field the typed client would drop cannot slip through.
    let (http, url) = service.raw();
    let body = http
        .get(format!("{url}/v1/citizens/{id}/export"))
        .bearer_auth(service.token(Role::Supervisor))
        .header("X-Purpose", "access_request")
        .send()
        .await
        .expect("export")
        .error_for_status()
        .expect("200")
        .text()
        .await
        .expect("body");
    let export: serde_json::Value = serde_json::from_str(&body).expect("json");
    let lookups = export["lookups"].as_array().expect("lookups");
    let seen: Vec<(&str, &str)> = lookups
        .iter()
        .map(|l| (l["action"].as_str().expect("action"), l["purpose"].as_str().expect("purpose")))
        .collect();
    assert_eq!(
        seen,
        vec![("read_profile", "counter_visit"), ("reveal_cpr", "phone_call"), ("export", "access_request")]
    );
    assert!(lookups.iter().all(|l| l["at"].is_string()), "each lookup has its date");
    for role in [Role::Counter, Role::Phone, Role::Supervisor] {
        let staff = service.staff_id(role).to_string();
        assert!(!body.contains(&staff), "the export names no staff id: {body}");
        assert!(!body.contains(&format!("Test {}", role.code())), "the export names no staff member: {body}");
    }
    assert!(!body.contains("staff"), "no staff field in the export: {body}");
}

async fn revealing_the_cpr_is_one_chained_audit_row(db: Db) {
    let service = TestService::start_on(db).await;
    let id = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let counter = service.client(Role::Counter);
    counter.citizen(id, PURPOSE).await.expect("profile");
    let filter = AuditFilter { citizen: Some(id), limit: 100, ..AuditFilter::default() };
    let before = service.store.audit_entries(&filter).await.expect("audit");
    assert!(before.iter().all(|e| e.action != AuditAction::RevealCpr));

    assert_eq!(counter.reveal_cpr(id, Purpose::CaseWork).await.expect("reveal").cpr, "070761-4285");
    let after = service.store.audit_entries(&filter).await.expect("audit");
    assert_eq!(after.len(), before.len() + 1, "exactly one more row");
    let reveals: Vec<_> = after.iter().filter(|e| e.action == AuditAction::RevealCpr).collect();
    assert_eq!(reveals.len(), 1);
    let reveal = reveals[0];
    assert_eq!(
        (reveal.purpose, reveal.staff_id, reveal.citizen_ids.clone()),
        (Purpose::CaseWork, service.staff_id(Role::Counter), vec![id])
    );

    let (seq, hash): (Option<i64>, Option<String>) = sqlx::query_as("SELECT seq, hash FROM audit WHERE id = $1")
        .bind(reveal.id.to_string())
        .fetch_one(service.store.pool())
        .await
        .expect("the row");
    assert_eq!(seq, Some(2), "the reveal is the second link, after the profile read");
    assert!(hash.is_some_and(|h| h.len() == 64));
    let report = service.store.verify_audit(None).await.expect("verify");
    assert!(report.intact(), "{:?}", report.broken);
    assert_eq!(report.rows, 2);
}

crate::on_both_databases!(
    reads_form_a_chain_that_verifies,
    an_edited_row_is_named_as_the_first_break,
    deleted_and_slipped_in_rows_are_detected,
    rows_from_before_the_chain_are_chained_when_the_store_opens,
    appends_from_two_instances_form_one_chain,
    prune_keeps_the_chain_verifiable_behind_a_signed_checkpoint,
    a_prune_across_everything_links_the_next_row_to_the_checkpoint,
    the_export_says_when_and_why_but_never_by_whom,
    revealing_the_cpr_is_one_chained_audit_row,
);
