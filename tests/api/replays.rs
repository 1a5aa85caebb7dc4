//! `POST /v1/events` repeats reveal nothing: the same contact again answers with its id only, a different contact
//! under the same `(source, source_id)` is 409, and no answer to a write carries stored content or a citizen id
//! resolved from a CPR or phone number.

use medbetjening::domain::{Channel, Role};
use medbetjening::history::api::{CitizenRef, TimelineParams};
use serde_json::Value;

use crate::common::{Db, PURPOSE, TestService, at, citizen_input, create_citizen, event_input};

async fn post(service: &TestService, role: Role, body: &Value) -> (u16, Value) {
    let (http, url) = service.raw();
    let response =
        http.post(format!("{url}/v1/events")).bearer_auth(service.token(role)).json(body).send().await.expect("answer");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

/// The keys of a JSON object, sorted.
fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().expect("an object").keys().cloned().collect();
    keys.sort();
    keys
}

async fn a_repeat_answers_with_the_id_only_and_a_different_body_is_409(db: Db) {
    let service = TestService::start_on(db).await;
    let mut input = citizen_input("0707614285", "Jens Jensen");
    input.phones = vec!["20304050".into()].into();
    let citizen = create_citizen(&service, &input).await;
    let mut event = event_input(citizen, "call-1187", at(0), Channel::Phone, "borgerservice", "Spurgte om flytning");
    event.citizen = CitizenRef { cpr: Some("070761-4285".into()), ..CitizenRef::default() };
    let body = serde_json::to_value(&event).expect("json");

    let (status, first) = post(&service, Role::Integration, &body).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(keys(&first), ["created", "id"], "nothing stored comes back, not even whose it is: {first}");
    for role in [Role::Integration, Role::Counter, Role::Phone] {
        let (status, again) = post(&service, role, &body).await;
        assert_eq!(status, 200, "{role:?}: {again}");
        assert_eq!(again, serde_json::json!({"id": first["id"], "created": false}));
    }

    // A guess at the key with any other body learns nothing but that the key is taken.
    let mut guess = event.clone();
    guess.summary = "?".into();
    guess.citizen = CitizenRef { phone: Some("20304050".into()), ..CitizenRef::default() };
    for role in [Role::Integration, Role::Counter, Role::Phone, Role::Supervisor] {
        let (status, answer) = post(&service, role, &serde_json::to_value(&guess).expect("json")).await;
        assert_eq!(status, 409, "{role:?}: {answer}");
        assert_eq!(answer["error"]["code"], "event_conflict");
        let text = answer.to_string();
        assert!(!text.contains("flytning") && !text.contains(&citizen.to_string()), "{text}");
    }
    let events = service.client(Role::Counter).timeline(citizen, &TimelineParams::default(), PURPOSE).await;
    let events = events.expect("timeline").events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].summary, "Spurgte om flytning", "the stored contact was not changed");
}

async fn a_queued_contact_answers_the_same_way(db: Db) {
    let service = TestService::start_on(db).await;
    let mut event = event_input(uuid::Uuid::nil(), "web-9", at(0), Channel::Web, "borgerservice", "Læste om pas");
    event.citizen = CitizenRef { cpr: Some("0707614285".into()), ..CitizenRef::default() };
    let body = serde_json::to_value(&event).expect("json");
    let (status, first) = post(&service, Role::Integration, &body).await;
    assert_eq!(status, 202, "no citizen has the number: {first}");
    assert_eq!(keys(&first), ["created", "reason", "unmatched_id"]);
    let (status, again) = post(&service, Role::Integration, &body).await;
    assert_eq!((status, &again["created"]), (202, &Value::Bool(false)));
    event.summary = "Noget andet".into();
    let (status, answer) = post(&service, Role::Integration, &serde_json::to_value(&event).expect("json")).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (409, Some("event_conflict")), "{answer}");
}

async fn the_sessions_source_is_reserved(db: Db) {
    let service = TestService::start_on(db).await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let mut event =
        event_input(citizen, &uuid::Uuid::new_v4().to_string(), at(0), Channel::Counter, "borgerservice", "x");
    event.source = "medbetjening".into();
    let (status, answer) = post(&service, Role::Integration, &serde_json::to_value(&event).expect("json")).await;
    assert_eq!(status, 422, "a channel system may not write rows in a logged session's name: {answer}");
    assert!(answer["error"]["message"].as_str().expect("text").starts_with("source:"));
}

crate::on_both_databases!(
    a_repeat_answers_with_the_id_only_and_a_different_body_is_409,
    a_queued_contact_answers_the_same_way,
    the_sessions_source_is_reserved,
);
