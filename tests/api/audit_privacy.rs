//! The audit trail holds no full CPR or phone number, names as subjects every citizen an answer returned, and the
//! unmatched queue shows identifiers masked, in full only through an audited reveal.

use medbetjening::domain::{Channel, Purpose, Role};
use medbetjening::history::api::{AuditAction, AuditParams, CitizenRef, CitizenSearch, EventOutcome};

use crate::common::{Db, PURPOSE, TestService, at, citizen_input, create_citizen, event_input};

async fn search_criteria_are_stored_masked_and_name_what_they_found(db: Db) {
    let service = TestService::start_on(db).await;
    let mut input = citizen_input("0707614285", "Jens Jensen");
    input.phones = vec!["20304050".into()].into();
    let jens = create_citizen(&service, &input).await;
    let counter = service.client(Role::Counter);
    for search in [
        CitizenSearch { cpr: Some("070761-4285".into()), ..CitizenSearch::default() },
        CitizenSearch { phone: Some("+45 2030 4050".into()), ..CitizenSearch::default() },
        CitizenSearch { cpr: Some("0101901234".into()), ..CitizenSearch::default() },
    ] {
        counter.search_citizens(&search, PURPOSE).await.expect("search");
    }
    let supervisor = service.client(Role::Supervisor);
    let all = supervisor.audit(&AuditParams::default(), Purpose::Supervision).await.expect("audit").entries;
    let criteria: Vec<_> = all.iter().rev().filter_map(|e| e.criterion.clone()).collect();
    assert_eq!(criteria, ["cpr:070761-XXXX", "phone:…4050", "cpr:010190-XXXX"]);
    let text = serde_json::to_string(&all).expect("json");
    for full in ["0707614285", "070761-4285", "20304050", "0101901234"] {
        assert!(!text.contains(full), "{full} in the audit trail: {text}");
    }
    let found = all.iter().filter(|e| e.action == AuditAction::Search && e.citizen_ids == vec![jens]).count();
    assert_eq!(found, 2, "each search that found Jens names him");

    // Reading the audit by staff member names every citizen in the answer, so each one's export shows it.
    let by_staff = AuditParams { staff: Some(service.staff_id(Role::Counter)), ..AuditParams::default() };
    supervisor.audit(&by_staff, Purpose::Supervision).await.expect("audit");
    let export = supervisor.export(jens, Purpose::AccessRequest).await.expect("export");
    let reads = export.lookups.iter().filter(|l| l.action == AuditAction::ReadAudit).count();
    assert_eq!(reads, 2, "both reads of the trail that held Jens's rows: {:?}", export.lookups);
}

async fn the_unmatched_queue_masks_identifiers_and_a_reveal_is_audited(db: Db) {
    let service = TestService::start_on(db).await;
    let integration = service.client(Role::Integration);
    let references = [
        CitizenRef { cpr: Some("070761-4285".into()), ..CitizenRef::default() },
        CitizenRef { phone: Some("20304050".into()), ..CitizenRef::default() },
        CitizenRef { email: Some("soeren@example.com".into()), ..CitizenRef::default() },
    ];
    for (i, reference) in references.into_iter().enumerate() {
        let mut event = event_input(uuid::Uuid::nil(), &format!("u-{i}"), at(0), Channel::Phone, "borgerservice", "x");
        event.citizen = reference;
        assert!(matches!(integration.submit_event(&event).await.expect("queued"), EventOutcome::Queued(_)));
    }
    let supervisor = service.client(Role::Supervisor);
    let queue = supervisor.unmatched(Purpose::Supervision).await.expect("queue").events;
    let shown: Vec<_> = queue.iter().map(|e| e.identifier().expect("an identifier").to_owned()).collect();
    assert_eq!(shown, ["070761-XXXX", "…4050", "s…@example.com"]);

    let revealed = supervisor.reveal_unmatched(queue[0].id, Purpose::Supervision).await.expect("reveal");
    assert_eq!((revealed.named_by.as_str(), revealed.value.as_str()), ("cpr", "070761-4285"));
    let all = supervisor.audit(&AuditParams::default(), Purpose::Supervision).await.expect("audit").entries;
    let reveal = all.iter().find(|e| e.action == AuditAction::RevealIdentifier).expect("the reveal is audited");
    assert_eq!(reveal.criterion, Some(format!("unmatched:{}", queue[0].id)));
    assert_eq!(reveal.purpose, Purpose::Supervision);
    let error = service.client(Role::Counter).reveal_unmatched(queue[0].id, PURPOSE).await.expect_err("not theirs");
    assert_eq!(error.status(), Some(403));
}

crate::on_both_databases!(
    search_criteria_are_stored_masked_and_name_what_they_found,
    the_unmatched_queue_masks_identifiers_and_a_reveal_is_audited,
);
