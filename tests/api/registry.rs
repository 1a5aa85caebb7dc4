//! Registry writes are partial updates: a field left out keeps what is stored, `null` clears it, a value replaces
//! it — through `PUT /v1/citizens` and the import alike, on both databases.

use std::process::Command;

use medbetjening::domain::{Channel, Citizen, Cpr, DigitalPostStatus, MitidStatus, Role};
use medbetjening::history::api::{CitizenInput, CitizenRef, EventOutcome};
use serde_json::json;

use crate::common::{Db, TestService, at, event_input};

fn input(value: serde_json::Value) -> CitizenInput {
    serde_json::from_value(value).expect("citizen input")
}

async fn stored(service: &TestService, id: uuid::Uuid) -> Citizen {
    service.store.citizen(id).await.expect("read").expect("there")
}

/// The full record a first feed gives.
fn full() -> serde_json::Value {
    json!({
        "cpr": "070761-4285", "name": "Søren Ærø", "phones": ["20304050"], "emails": ["soeren@example.com"],
        "district": "Nørrebro", "digital_post": {"state": "exempt", "reason": "Sprogvanskeligheder"},
        "mitid": "code_display", "digital_readiness": "with_guidance", "preferred_language": "en",
        "fictitious": true
    })
}

fn import(service: &TestService, line: &serde_json::Value) {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("feed.jsonl");
    let mut line = line.clone();
    line["type"] = json!("citizen");
    std::fs::write(&file, format!("{line}\n")).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_medbetjening"))
        .args(["import", &file.display().to_string(), "--database", &service.database])
        .env_remove("MEDBETJENING_DATABASE")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

async fn a_record_with_only_cpr_and_name_erases_nothing(db: Db) {
    let service = TestService::start_on(db).await;
    let integration = service.client(Role::Integration);
    let id = integration.put_citizen(&input(full())).await.expect("created").id;
    let before = stored(&service, id).await;

    // A feed that knows only the name and number, through the API and through the import.
    let thin = json!({"cpr": "0707614285", "name": "Søren Ærø Hansen"});
    assert!(!integration.put_citizen(&input(thin.clone())).await.expect("updated").created);
    import(&service, &thin);
    let after = stored(&service, id).await;
    assert_eq!(after.name, "Søren Ærø Hansen");
    assert_eq!(Citizen { name: before.name.clone(), ..after.clone() }, before, "everything else as it was");

    // A contact later identified by the phone still finds the person instead of the unmatched queue.
    let mut call = event_input(id, "tlf-1", at(0), Channel::Phone, "borgerservice", "Opkald");
    call.citizen = CitizenRef { phone: Some("20304050".into()), ..CitizenRef::default() };
    assert!(matches!(integration.submit_event(&call).await.expect("accepted"), EventOutcome::Stored(_)));
}

async fn null_clears_a_field_and_a_value_replaces_it(db: Db) {
    let service = TestService::start_on(db).await;
    let integration = service.client(Role::Integration);
    let id = integration.put_citizen(&input(full())).await.expect("created").id;

    integration
        .put_citizen(&input(json!({
            "cpr": "0707614285", "name": "Søren Ærø", "district": null, "phones": null, "mitid": "app",
            "digital_post": null
        })))
        .await
        .expect("updated");
    let after = stored(&service, id).await;
    assert_eq!(after.district, None);
    assert!(after.phones.is_empty());
    assert_eq!(after.mitid, MitidStatus::App);
    assert_eq!(after.digital_post, DigitalPostStatus::Unknown);
    assert_eq!(after.emails, ["soeren@example.com"], "left out, so kept");
    assert!(after.fictitious, "never changed by an update");

    // Through the import, the same rules.
    import(&service, &json!({"cpr": "0707614285", "name": "Søren Ærø", "emails": [], "district": "Amager"}));
    let after = stored(&service, id).await;
    assert!(after.emails.is_empty());
    assert_eq!(after.district.as_deref(), Some("Amager"));
    assert_eq!(after.mitid, MitidStatus::App);

    // A new CPR number, with the old one as earlier; then a feed that still knows only the old one (as current)
    // makes it current again and keeps the newer one as earlier: no number the person is known by is lost.
    let renumbered = json!({"cpr": "0707614293", "earlier_cprs": ["0707614285"], "name": "Søren Ærø"});
    assert!(!integration.put_citizen(&input(renumbered)).await.expect("renumbered").created);
    let numbers = |c: &Citizen| (c.cpr.compact(), c.earlier_cprs.iter().map(Cpr::compact).collect::<Vec<_>>());
    assert_eq!(numbers(&stored(&service, id).await), ("0707614293".to_owned(), vec!["0707614285".to_owned()]));
    let stale = json!({"cpr": "0707614285", "name": "Søren Ærø"});
    assert!(!integration.put_citizen(&input(stale)).await.expect("the same person").created);
    assert_eq!(numbers(&stored(&service, id).await), ("0707614285".to_owned(), vec!["0707614293".to_owned()]));
}

crate::on_both_databases!(a_record_with_only_cpr_and_name_erases_nothing, null_clears_a_field_and_a_value_replaces_it);
