//! The service's log output at debug level never holds a CPR number, name, phone number or e-mail address,
//! whatever the requests carry and however they fail. Its own binary, because it installs a global subscriber.

use std::io::Write;
use std::sync::{Arc, Mutex};

#[path = "common/mod.rs"]
mod common;

use common::{PURPOSE, TestService, at, event_input};
use medbetjening::domain::{Channel, Purpose, Role};
use medbetjening::history::api::{CitizenRef, CitizenSearch, SessionInput, TimelineParams};
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Self;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

const CPR: &str = "0707614285";
const NAME: &str = "Ingeborg Ærenlund-Østergaard";
const PHONE: &str = "20304050";
const EMAIL: &str = "ingeborg@example.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_logs_hold_no_personal_data() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber in this binary");

    let service = TestService::start().await;
    let mut input = common::citizen_input("070761-4285", NAME);
    input.phones = vec![format!("+45 {PHONE}")].into();
    input.emails = vec![EMAIL.into()].into();
    let id = common::create_citizen(&service, &input).await;
    let counter = service.client(Role::Counter);
    for search in [
        CitizenSearch { cpr: Some(CPR.into()), ..CitizenSearch::default() },
        CitizenSearch { cpr: Some("070761-4285".into()), ..CitizenSearch::default() },
        CitizenSearch { phone: Some(PHONE.into()), ..CitizenSearch::default() },
        CitizenSearch { q: Some(NAME.into()), ..CitizenSearch::default() },
    ] {
        assert_eq!(counter.search_citizens(&search, PURPOSE).await.expect("search").citizens.len(), 1);
    }
    counter.citizen(id, PURPOSE).await.expect("profile");
    counter.reveal_cpr(id, PURPOSE).await.expect("reveal");
    counter
        .timeline(id, &TimelineParams { q: Some(NAME.into()), ..TimelineParams::default() }, PURPOSE)
        .await
        .expect("timeline");
    let mut event =
        event_input(id, "p-1", at(0), Channel::Phone, "borgerservice", &format!("{NAME} ringede fra {PHONE}"));
    event.citizen = CitizenRef { cpr: Some(CPR.into()), ..CitizenRef::default() };
    service.client(Role::Integration).post_event(&event).await.expect("event");
    let session: SessionInput = serde_json::from_value(serde_json::json!({
        "citizen_id": id, "channel": "phone", "authority": "borgerservice", "site": "Kontaktcenter",
        "started_at": at(5), "ended_at": at(9), "outcome": "completed", "contact_kind": "information",
        "summary": format!("Hjalp {NAME}"), "notes": format!("CPR {CPR}, tlf {PHONE}")
    }))
    .expect("session");
    counter.put_session(uuid::Uuid::new_v4(), &session).await.expect("session");
    service.client(Role::Supervisor).export(id, Purpose::AccessRequest).await.expect("export");

    // Failures carry the data too: an invalid CPR, malformed JSON holding a CPR, an unknown token.
    counter
        .search_citizens(&CitizenSearch { cpr: Some("3102614285".into()), ..CitizenSearch::default() }, PURPOSE)
        .await
        .expect_err("invalid");
    let (http, url) = service.raw();
    let response = http
        .put(format!("{url}/v1/citizens"))
        .bearer_auth(service.token(Role::Integration))
        .header("content-type", "application/json")
        .body(format!("{{\"cpr\": \"{CPR}\", \"name\": \"{NAME}\", \"phones\": [\"{PHONE}\""))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 400);
    let wrong_type = serde_json::json!({"cpr": CPR, "name": NAME, "fictitious": NAME});
    let response = http
        .put(format!("{url}/v1/citizens"))
        .bearer_auth(service.token(Role::Integration))
        .json(&wrong_type)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 422);
    service
        .stranger()
        .search_citizens(&CitizenSearch { cpr: Some(CPR.into()), ..CitizenSearch::default() }, PURPOSE)
        .await
        .expect_err("401");

    // Staff management and statistics: new and rotated tokens travel in answers, never into the log.
    let admin = service.client(Role::Admin);
    let added = admin
        .add_staff(&medbetjening::history::api::StaffInput {
            name: "Vikar Hansen".into(),
            role: Role::Phone,
            site: "Kontaktcenter".into(),
        })
        .await
        .expect("staff added");
    let rotated = admin.rotate_token(added.staff.id).await.expect("rotated");
    service.client(Role::Supervisor).stats(&medbetjening::history::api::StatsParams::default()).await.expect("stats");

    let logs = String::from_utf8(captured.0.lock().expect("log buffer").clone()).expect("utf-8 logs");
    let mut tokens: Vec<String> = Role::ALL.iter().map(|r| service.token(*r).to_owned()).collect();
    tokens.extend([added.token, rotated.token]);
    for token in &tokens {
        // The random part of a token, so a prefix shared by all tokens does not count.
        assert!(!logs.contains(&token[4..]), "a token leaked into the log");
    }
    assert!(logs.contains("/v1/citizens/{id}/events"), "the capture works: route templates are logged\n{logs}");
    assert!(logs.contains("status=401"), "failures are logged too");
    for secret in [CPR, "070761-4285", NAME, "Ingeborg", "Ærenlund", PHONE, EMAIL, "ingeborg"] {
        assert!(!logs.to_lowercase().contains(&secret.to_lowercase()), "'{secret}' leaked into the log:\n{logs}");
    }
}
