//! Finding citizens, reading profiles, registry writes, the audited CPR reveal, the export, and the audit trail.

use medbetjening::domain::{Purpose, Role};
use medbetjening::history::api::{AuditAction, AuditParams, CitizenSearch, TimelineParams};

use crate::common::{Db, PURPOSE, TestService, citizen_input, create_citizen};

fn by_cpr(cpr: &str) -> CitizenSearch {
    CitizenSearch { cpr: Some(cpr.into()), ..CitizenSearch::default() }
}

fn by_phone(phone: &str) -> CitizenSearch {
    CitizenSearch { phone: Some(phone.into()), ..CitizenSearch::default() }
}

fn by_name(q: &str) -> CitizenSearch {
    CitizenSearch { q: Some(q.into()), ..CitizenSearch::default() }
}

async fn search_by_cpr_phone_and_name(db: Db) {
    let service = TestService::start_on(db).await;
    let mut input = citizen_input("070761-4285", "Søren Østergaard");
    input.earlier_cprs = vec!["0707614284".into()].into();
    input.phones = vec!["+45 20 30 40 50".into()].into();
    let soren = create_citizen(&service, &input).await;
    let mut other = citizen_input("1203851234", "Jens Johansen");
    other.phones = vec!["87654321".into()].into();
    let jens = create_citizen(&service, &other).await;
    let counter = service.client(Role::Counter);
    let ids =
        |found: Vec<medbetjening::history::api::CitizenSummary>| found.into_iter().map(|c| c.id).collect::<Vec<_>>();

    for cpr in ["0707614285", "070761-4285", " 070761-4285 ", "0707614284"] {
        let found = counter.search_citizens(&by_cpr(cpr), PURPOSE).await.expect("search").citizens;
        assert_eq!(ids(found), vec![soren], "cpr {cpr}");
    }
    for phone in ["20304050", "+4520304050", "+45 20 30 40 50", "0045 2030 4050", "20 30 40 50"] {
        let found = counter.search_citizens(&by_phone(phone), PURPOSE).await.expect("search").citizens;
        assert_eq!(ids(found), vec![soren], "phone {phone}");
    }
    for q in ["søren", "SØREN", "østergaard", "Sør Øst", "øster"] {
        let found = counter.search_citizens(&by_name(q), PURPOSE).await.expect("search").citizens;
        assert_eq!(ids(found), vec![soren], "name {q}");
    }
    // Words match from the start of a name part: "hansen" is not inside "Johansen".
    assert!(counter.search_citizens(&by_name("hansen"), PURPOSE).await.expect("search").citizens.is_empty());
    assert_eq!(ids(counter.search_citizens(&by_name("johan"), PURPOSE).await.expect("search").citizens), vec![jens]);
    // Hits show the masked number only.
    let hit = &counter.search_citizens(&by_cpr("0707614285"), PURPOSE).await.expect("search").citizens[0];
    assert_eq!(hit.masked_cpr, "070761-XXXX");
    assert!(hit.fictitious);
    // Nothing found is an empty list, not an error.
    assert!(counter.search_citizens(&by_cpr("0101010101"), PURPOSE).await.expect("search").citizens.is_empty());
}

async fn invalid_cpr_is_422_naming_the_reason(db: Db) {
    let service = TestService::start_on(db).await;
    let counter = service.client(Role::Counter);
    let cases = [
        ("3102991234", "does not exist in that month"),
        ("0113991234", "month"),
        ("07076142", "10 digits"),
        ("07O7614285", "only digits"),
    ];
    for (cpr, reason) in cases {
        let error = counter.search_citizens(&by_cpr(cpr), PURPOSE).await.expect_err("invalid");
        assert_eq!((error.status(), error.code()), (Some(422), Some("invalid_cpr")), "{cpr}");
        assert!(error.to_string().contains(reason), "{cpr}: {error}");
        assert!(!error.to_string().contains(cpr), "the reason does not echo the number");
        let error = service.client(Role::Integration).put_citizen(&citizen_input(cpr, "X")).await.expect_err("invalid");
        assert_eq!((error.status(), error.code()), (Some(422), Some("invalid_cpr")), "{cpr}");
    }
    // A number failing modulus-11 is valid (issued since 2007) and carries a warning on the profile.
    let id = create_citizen(&service, &citizen_input("010110-4002", "Ny Borger")).await;
    let profile = counter.citizen(id, PURPOSE).await.expect("profile");
    assert_eq!(profile.cpr_warnings, vec![medbetjening::domain::CprWarning::Modulus11]);
    // Other invalid fields are 422 too, naming the field.
    let mut input = citizen_input("0707614285", "Jens");
    input.phones = vec!["not a phone".into()].into();
    let error = service.client(Role::Integration).put_citizen(&input).await.expect_err("invalid phone");
    assert_eq!(error.code(), Some("invalid_field"));
    assert!(error.to_string().contains("phones[0]"), "{error}");
}

async fn danish_and_non_latin_names_round_trip(db: Db) {
    let service = TestService::start_on(db).await;
    let counter = service.client(Role::Counter);
    let names = ["Ærøskøbing Åse Øberg", "Олена Коваленко", "محمد الأحمد", "王芳", "Zofia Wiśniewska"];
    for (index, name) in names.iter().enumerate() {
        let cpr = format!("0{}0190{:04}", index + 1, 1000 + index);
        let id = create_citizen(&service, &citizen_input(&cpr, name)).await;
        assert_eq!(counter.citizen(id, PURPOSE).await.expect("profile").name, *name);
        let first_word = name.split(' ').next().expect("a word");
        let found = counter.search_citizens(&by_name(first_word), PURPOSE).await.expect("search").citizens;
        assert_eq!(found.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec![*name], "{name}");
    }
    // Case folding works beyond ASCII.
    let found = counter.search_citizens(&by_name("олена"), PURPOSE).await.expect("search").citizens;
    assert_eq!(found.len(), 1);
}

async fn registry_writes_are_idempotent_on_cpr(db: Db) {
    let service = TestService::start_on(db).await;
    let integration = service.client(Role::Integration);
    let input = citizen_input("0707614285", "Jens Jensen");
    let first = integration.put_citizen(&input).await.expect("created");
    assert!(first.created);
    let again = integration.put_citizen(&input).await.expect("same");
    assert_eq!((again.id, again.created), (first.id, false));
    // A new number with the old one as earlier number updates the same citizen.
    let mut renumbered = citizen_input("0707614284", "Jens Jensen");
    renumbered.earlier_cprs = vec!["0707614285".into()].into();
    let updated = integration.put_citizen(&renumbered).await.expect("updated");
    assert_eq!((updated.id, updated.created), (first.id, false));
    let profile = service.client(Role::Counter).citizen(first.id, PURPOSE).await.expect("profile");
    assert_eq!(profile.masked_cpr, "070761-XXXX");
    // Numbers of two different citizens in one record would merge identities: refused.
    let other = integration.put_citizen(&citizen_input("0101901234", "Anden Borger")).await.expect("created");
    let mut merging = citizen_input("0101901234", "Anden Borger");
    merging.earlier_cprs = vec!["0707614284".into()].into();
    let error = integration.put_citizen(&merging).await.expect_err("conflict");
    assert_eq!((error.status(), error.code()), (Some(409), Some("identity_conflict")));
    assert_ne!(other.id, first.id);
}

async fn one_audit_row_per_read_with_its_purpose(db: Db) {
    let service = TestService::start_on(db).await;
    let id = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let counter = service.client(Role::Counter);
    counter.search_citizens(&by_cpr("070761-4285"), Purpose::CounterVisit).await.expect("search");
    counter.citizen(id, Purpose::PhoneCall).await.expect("profile");
    counter.timeline(id, &TimelineParams::default(), Purpose::VideoMeeting).await.expect("timeline");
    let revealed = counter.reveal_cpr(id, Purpose::CaseWork).await.expect("reveal");
    assert_eq!(revealed.cpr, "070761-4285");

    let supervisor = service.client(Role::Supervisor);
    let params = AuditParams { citizen: Some(id), ..AuditParams::default() };
    // A read of the trail is audited once it knows whom its answer names, so the next read shows it.
    supervisor.audit(&params, Purpose::Supervision).await.expect("audit");
    let entries = supervisor.audit(&params, Purpose::Supervision).await.expect("audit").entries;
    let rows: Vec<_> = entries.iter().rev().map(|e| (e.action, e.purpose)).collect();
    assert_eq!(
        rows,
        vec![
            (AuditAction::Search, Purpose::CounterVisit),
            (AuditAction::ReadProfile, Purpose::PhoneCall),
            (AuditAction::ReadTimeline, Purpose::VideoMeeting),
            (AuditAction::RevealCpr, Purpose::CaseWork),
            (AuditAction::ReadAudit, Purpose::Supervision),
        ]
    );
    let counter_id = service.staff_id(Role::Counter);
    assert!(entries.iter().filter(|e| e.action != AuditAction::ReadAudit).all(|e| e.staff_id == counter_id));
    assert!(entries.iter().all(|e| e.citizen_ids == vec![id]));
    let search = entries.iter().find(|e| e.action == AuditAction::Search).expect("search row");
    assert_eq!(search.criterion.as_deref(), Some("cpr:070761-XXXX"), "the search criterion is logged, masked");
    assert_eq!(search.staff_name, "Test counter");

    // A search that finds nobody is still logged, with its criterion.
    counter.search_citizens(&by_name("Ingen Sådan"), PURPOSE).await.expect("search");
    let all = supervisor.audit(&AuditParams::default(), Purpose::Supervision).await.expect("audit").entries;
    assert!(all.iter().any(|e| e.criterion.as_deref() == Some("name:Ingen Sådan") && e.citizen_ids.is_empty()));
}

async fn export_holds_everything_including_when_and_why_they_were_looked_up(db: Db) {
    let service = TestService::start_on(db).await;
    let id = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    service.client(Role::Counter).citizen(id, Purpose::PhoneCall).await.expect("profile");
    let export = service.client(Role::Supervisor).export(id, Purpose::AccessRequest).await.expect("export");
    assert_eq!(export.citizen.id, id);
    assert_eq!(export.citizen.cpr.reveal(), "070761-4285", "the citizen gets their own number");
    let lookups: Vec<_> = export.lookups.iter().map(|l| (l.action, l.purpose)).collect();
    assert_eq!(
        lookups,
        vec![(AuditAction::ReadProfile, Purpose::PhoneCall), (AuditAction::Export, Purpose::AccessRequest)]
    );
    let json = serde_json::to_string(&export.lookups).expect("json");
    assert!(!json.contains("staff"), "lookups do not name staff: {json}");
    assert_eq!(
        service.client(Role::Counter).export(id, PURPOSE).await.expect_err("not for counter").status(),
        Some(403)
    );
}

crate::on_both_databases!(
    search_by_cpr_phone_and_name,
    invalid_cpr_is_422_naming_the_reason,
    danish_and_non_latin_names_round_trip,
    registry_writes_are_idempotent_on_cpr,
    one_audit_row_per_read_with_its_purpose,
    export_holds_everything_including_when_and_why_they_were_looked_up,
);
