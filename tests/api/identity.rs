//! One person, many identifiers: contacts found by any of a citizen's numbers, the unmatched queue for contacts
//! that name nobody or several citizens, linking from the queue, and merging two records and undoing it.

use medbetjening::domain::{CaseStatus, Channel, Purpose, Role};
use medbetjening::history::api::{
    AuditAction, AuditEntry, AuditParams, CitizenInput, CitizenRef, CitizenSearch, EventInput, EventOutcome,
    EventQueued, MergeCounts, MergeUndo, MergeWrite, TimelineParams, UnmatchedList, UnmatchedReason,
};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Db, PURPOSE, TestService, at, citizen_input, create_citizen, event_input};

/// A supervisor's calls to the identity endpoints, which the typed client does not have.
struct Supervisor {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Supervisor {
    fn of(service: &TestService) -> Self {
        let (http, url) = service.raw();
        Self { http, url, token: service.token(Role::Supervisor).to_owned() }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .header("x-purpose", Purpose::Supervision.code());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("an answer");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn queue(&self) -> UnmatchedList {
        let (status, body) = self.call(Method::GET, "/v1/unmatched", None).await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_value(body).expect("a queue")
    }

    async fn link(&self, queued: Uuid, citizen: Uuid) -> (u16, Value) {
        self.call(Method::POST, &format!("/v1/unmatched/{queued}/link"), Some(json!({ "citizen_id": citizen }))).await
    }

    async fn merge(&self, into: Uuid, from: Uuid) -> (u16, Value) {
        self.call(Method::POST, &format!("/v1/citizens/{into}/merge"), Some(json!({ "from": from }))).await
    }

    async fn merged(&self, into: Uuid, from: Uuid) -> MergeWrite {
        let (status, body) = self.merge(into, from).await;
        assert_eq!(status, 201, "{body}");
        serde_json::from_value(body).expect("a merge")
    }

    async fn undo(&self, merge: Uuid) -> (u16, Value) {
        self.call(Method::POST, &format!("/v1/merges/{merge}/undo"), None).await
    }
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// A contact naming its citizen by `reference` instead of id.
fn event_by(reference: CitizenRef, source_id: &str, minutes: i64) -> EventInput {
    let mut event = event_input(Uuid::nil(), source_id, at(minutes), Channel::Phone, "borgerservice", "Opkald");
    event.citizen = reference;
    event
}

fn by_phone(phone: &str) -> CitizenRef {
    CitizenRef { phone: Some(phone.into()), ..CitizenRef::default() }
}

fn by_cpr(cpr: &str) -> CitizenRef {
    CitizenRef { cpr: Some(cpr.into()), ..CitizenRef::default() }
}

async fn submit(service: &TestService, event: &EventInput) -> EventOutcome {
    service.client(Role::Integration).submit_event(event).await.expect("accepted")
}

async fn queued(service: &TestService, event: &EventInput) -> EventQueued {
    match submit(service, event).await {
        EventOutcome::Queued(queued) => queued,
        EventOutcome::Stored(write) => panic!("stored as {}, expected the queue", write.id),
    }
}

fn citizen_with(cpr: &str, name: &str, earlier: &[&str], phones: &[&str], emails: &[&str]) -> CitizenInput {
    let mut input = citizen_input(cpr, name);
    input.earlier_cprs = earlier.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>().into();
    input.phones = phones.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>().into();
    input.emails = emails.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>().into();
    input
}

/// Whether the event with this id is in the citizen's timeline (write answers no longer say whose it is).
async fn in_timeline(service: &TestService, citizen: Uuid, event: Uuid) -> bool {
    service.store.all_events(citizen).await.expect("events").iter().any(|e| e.id == event)
}

async fn audit_of(service: &TestService, citizen: Uuid) -> Vec<AuditEntry> {
    let params = AuditParams { citizen: Some(citizen), ..AuditParams::default() };
    service.client(Role::Supervisor).audit(&params, Purpose::Supervision).await.expect("audit").entries
}

async fn events_find_the_citizen_by_any_of_their_identifiers(db: Db) {
    let service = TestService::start_on(db).await;
    let input = citizen_with(
        "0707614285",
        "Jens Jensen",
        &["0707614277"],
        &["20304050", "+45 60708090"],
        &["jens@example.com", "jj@example.org"],
    );
    let citizen = create_citizen(&service, &input).await;
    let references = [
        by_cpr("070761-4277"),
        by_phone("6070 8090"),
        CitizenRef { email: Some("JJ@example.org".into()), ..CitizenRef::default() },
    ];
    for (i, reference) in references.into_iter().enumerate() {
        let event = event_by(reference, &format!("second-{i}"), i64::try_from(i).expect("small"));
        match submit(&service, &event).await {
            EventOutcome::Stored(write) => {
                assert!(write.created && in_timeline(&service, citizen, write.id).await, "{i}");
            }
            EventOutcome::Queued(queued) => panic!("reference {i} was queued: {queued:?}"),
        }
    }
    let page = service.client(Role::Counter).timeline(citizen, &TimelineParams::default(), PURPOSE).await;
    assert_eq!(page.expect("timeline").events.len(), 3);
    assert!(Supervisor::of(&service).queue().await.events.is_empty());
}

async fn a_contact_that_names_nobody_is_queued_once_and_bad_input_is_still_refused(db: Db) {
    let service = TestService::start_on(db).await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let event = event_by(by_phone("99 88 77 66"), "nobody-1", 0);
    let (http, url) = service.raw();
    let response = http
        .post(format!("{url}/v1/events"))
        .bearer_auth(service.token(Role::Integration))
        .json(&event)
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 202);
    let first: EventQueued = response.json().await.expect("queued");
    assert_eq!((first.reason, first.created), (UnmatchedReason::NoMatch, true));
    let again = queued(&service, &event).await;
    assert_eq!((again.unmatched_id, again.created), (first.unmatched_id, false), "the same contact queues once");

    // Only a valid reference that names nobody is queued; invalid input and unknown ids are refused as before.
    let integration = service.client(Role::Integration);
    let bad_cpr = event_by(by_cpr("3102991234"), "bad-1", 0);
    assert_eq!(integration.submit_event(&bad_cpr).await.expect_err("bad CPR").code(), Some("invalid_cpr"));
    let mut bad_authority = event_by(by_phone("99887766"), "bad-2", 0);
    bad_authority.authority = "ministeriet-for-sjov".into();
    let error = integration.submit_event(&bad_authority).await.expect_err("bad authority");
    assert_eq!((error.status(), error.code()), (Some(422), Some("invalid_field")));
    let unknown_id = event_input(Uuid::new_v4(), "bad-3", at(0), Channel::Phone, "borgerservice", "Opkald");
    assert_eq!(integration.submit_event(&unknown_id).await.expect_err("unknown id").code(), Some("unknown_citizen"));

    let supervisor = Supervisor::of(&service);
    let queue = supervisor.queue().await;
    assert_eq!(queue.events.len(), 1, "only the valid contact waits");
    let waiting = &queue.events[0];
    assert_eq!((waiting.id, waiting.reason, waiting.named_by.as_str()), (first.unmatched_id, first.reason, "phone"));
    assert!(waiting.candidates.is_empty());
    assert_eq!((waiting.event.source_id.as_str(), waiting.event.summary.as_str()), ("nobody-1", "Opkald"));
    // The queue holds personal data: reading it needs a purpose.
    let (http, url) = service.raw();
    let no_purpose = http.get(format!("{url}/v1/unmatched")).bearer_auth(&supervisor.token).send().await;
    assert_eq!(no_purpose.expect("an answer").status().as_u16(), 400);

    // Linking to a citizen that does not exist, or from a queue entry that does not, changes nothing.
    let (status, body) = supervisor.link(first.unmatched_id, Uuid::new_v4()).await;
    assert_eq!((status, code(&body)), (404, "not_found"), "an unknown citizen is not found, like an unknown contact");
    let (status, _) = supervisor.link(Uuid::new_v4(), citizen).await;
    assert_eq!(status, 404);
    assert_eq!(supervisor.queue().await.events.len(), 1);
}

async fn a_shared_phone_queues_with_both_candidates_and_a_link_puts_it_in_the_timeline(db: Db) {
    let service = TestService::start_on(db).await;
    let mother = create_citizen(&service, &citizen_with("0707614285", "Jens Jensen", &[], &["20304050"], &[])).await;
    let son = create_citizen(&service, &citizen_with("0101901234", "Anna Hansen", &[], &["20304050"], &[])).await;
    let mut event = event_by(by_phone("+45 2030 4050"), "shared-1", 30);
    event.case_ref = Some("BS-7".into());
    event.status = CaseStatus::Waiting;
    let queued = queued(&service, &event).await;
    assert_eq!(queued.reason, UnmatchedReason::Ambiguous);

    let supervisor = Supervisor::of(&service);
    let queue = supervisor.queue().await;
    assert_eq!(queue.events.len(), 1);
    let mut candidates = queue.events[0].candidates.clone();
    candidates.sort();
    let mut both = vec![mother, son];
    both.sort();
    assert_eq!(candidates, both, "both citizens with the phone are candidates");

    let (status, body) = supervisor.link(queued.unmatched_id, son).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["event"]["citizen_id"], json!(son));
    assert!(supervisor.queue().await.events.is_empty(), "gone from the queue");
    let counter = service.client(Role::Counter);
    let timeline = counter.timeline(son, &TimelineParams::default(), PURPOSE).await.expect("timeline").events;
    assert_eq!(timeline.iter().map(|e| e.source_id.as_str()).collect::<Vec<_>>(), ["shared-1"]);
    let profile = counter.citizen(son, PURPOSE).await.expect("profile");
    assert_eq!(profile.open_cases.len(), 1, "the link goes through the ordinary insert, so the case is there");
    assert_eq!(profile.open_cases[0].status, CaseStatus::Waiting);
    assert!(counter.timeline(mother, &TimelineParams::default(), PURPOSE).await.expect("timeline").events.is_empty());
    let (status, _) = supervisor.link(queued.unmatched_id, son).await;
    assert_eq!(status, 404, "a linked contact is no longer queued");
    // Sent again, the contact is the stored one, not a new queue entry.
    match submit(&service, &event).await {
        EventOutcome::Stored(write) => assert!(!write.created && in_timeline(&service, son, write.id).await),
        EventOutcome::Queued(queued) => panic!("queued again: {queued:?}"),
    }
    assert!(supervisor.queue().await.events.is_empty());

    // Reading the queue is audited with the candidates as subjects; the link with the chosen citizen.
    let entries = audit_of(&service, mother).await;
    let read = entries.iter().find(|e| e.action == AuditAction::ReadUnmatched).expect("queue read audited");
    assert_eq!((read.criterion.as_deref(), read.purpose), (Some("unmatched queue"), Purpose::Supervision));
    assert!(read.citizen_ids.contains(&mother) && read.citizen_ids.contains(&son));
    let entries = audit_of(&service, son).await;
    let link = entries.iter().find(|e| e.action == AuditAction::LinkEvent).expect("link audited");
    assert_eq!(link.citizen_ids, vec![son]);
    assert_eq!(link.criterion, Some(format!("unmatched:{}", queued.unmatched_id)));
    assert_eq!(link.staff_id, service.staff_id(Role::Supervisor));
}

/// Everything the service holds about a citizen, without what reading it adds (the lookups) or the time.
async fn everything(service: &TestService, citizen: Uuid) -> Value {
    let export = service.client(Role::Supervisor).export(citizen, Purpose::Supervision).await.expect("export");
    let mut value = serde_json::to_value(export).expect("json");
    let object = value.as_object_mut().expect("an object");
    object.remove("lookups");
    object.remove("exported_at");
    value
}

async fn found_by_cpr(service: &TestService, cpr: &str) -> Vec<Uuid> {
    let search = CitizenSearch { cpr: Some(cpr.into()), ..CitizenSearch::default() };
    let found = service.client(Role::Counter).search_citizens(&search, PURPOSE).await.expect("search");
    found.citizens.iter().map(|c| c.id).collect()
}

/// Two records of one person with history of their own: contacts, a case both know under the same reference, a
/// case of their own, a logged session, and a phone both have.
async fn two_records(service: &TestService) -> (Uuid, Uuid) {
    let into = citizen_with("0707614285", "Jens Jensen", &[], &["20304050", "11223344"], &["jens@example.com"]);
    let from =
        citizen_with("0707614293", "Jens Jensen", &["0707614277"], &["60708090", "11223344"], &["jj@example.org"]);
    let (into, from) = (create_citizen(service, &into).await, create_citizen(service, &from).await);
    let integration = service.client(Role::Integration);
    for (citizen, prefix, base) in [(into, "a", 0), (from, "b", 100)] {
        for i in 0..3 {
            let mut event =
                event_input(citizen, &format!("{prefix}-{i}"), at(base + i), Channel::Phone, "udbetaling-danmark", "x");
            event.summary = format!("Kontakt {prefix}{i}");
            if i > 0 {
                event.case_ref = Some(if i == 1 { "FÆLLES-1".into() } else { format!("EGEN-{prefix}") });
                event.status = if citizen == from { CaseStatus::Waiting } else { CaseStatus::Open };
                event.kle = (citizen == into).then(|| "32.06.00".into());
                event.staff = (citizen == from).then(|| "Sagsbehandler".into());
            }
            integration.post_event(&event).await.expect("stored");
        }
    }
    let session = serde_json::from_value(json!({
        "citizen_id": from, "channel": "counter", "authority": "borgerservice", "site": "Testcenter",
        "started_at": at(200), "ended_at": at(210), "outcome": "completed", "contact_kind": "information",
        "summary": "Hjælp med MitID"
    }))
    .expect("session input");
    service.client(Role::Counter).put_session(Uuid::new_v4(), &session).await.expect("session logged");
    (into, from)
}

async fn a_merge_moves_everything_and_its_undo_restores_both_records_exactly(db: Db) {
    let service = TestService::start_on(db).await;
    let (into, from) = two_records(&service).await;
    let (before_into, before_from) = (everything(&service, into).await, everything(&service, from).await);
    assert_eq!(found_by_cpr(&service, "0707614277").await, vec![from]);

    let supervisor = Supervisor::of(&service);
    let merge = supervisor.merged(into, from).await;
    assert_eq!((merge.into, merge.from), (into, from));
    // From's three contacts and the session's timeline row, its two cases (one shared), the session, and its five
    // identifiers (two CPR numbers, two phones, an e-mail).
    assert_eq!(merge.moved, MergeCounts { events: 4, cases: 2, sessions: 1, identifiers: 5 });

    let after = everything(&service, into).await;
    let events = after["events"].as_array().expect("events");
    assert_eq!(events.len(), 7, "both histories in one timeline");
    assert!(events.iter().all(|e| e["citizen_id"] == json!(into)));
    assert_eq!(after["sessions"][0]["citizen_id"], json!(into), "the session follows");
    let cases = after["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 3, "the shared case is one case: {cases:?}");
    let shared = cases.iter().find(|c| c["case_ref"] == "FÆLLES-1").expect("the shared case");
    // The newest contact's state, the topic one record had and the owner the other had, opened at the first contact.
    assert_eq!((shared["status"].as_str(), shared["owner"].as_str()), (Some("waiting"), Some("Sagsbehandler")));
    assert_eq!((shared["kle"].as_str(), shared["opened_at"].clone()), (Some("32.06.00"), json!(at(1))));
    for cpr in ["0707614285", "0707614293", "070761-4277"] {
        assert_eq!(found_by_cpr(&service, cpr).await, vec![into], "{cpr} finds the record merged into");
    }
    let counter = service.client(Role::Counter);
    let by_phone = CitizenSearch { phone: Some("11223344".into()), ..CitizenSearch::default() };
    let found = counter.search_citizens(&by_phone, PURPOSE).await.expect("search").citizens;
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![into], "a phone both had finds one record");
    let by_name = CitizenSearch { q: Some("Jens Jensen".into()), ..CitizenSearch::default() };
    let found = counter.search_citizens(&by_name, PURPOSE).await.expect("search").citizens;
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![into], "the merged record is not found by name");
    let profile = counter.citizen(into, PURPOSE).await.expect("profile");
    assert!(profile.phones.contains(&"60708090".to_owned()) && profile.emails.contains(&"jj@example.org".to_owned()));
    let gone = counter.citizen(from, PURPOSE).await.expect_err("merged");
    assert_eq!((gone.status(), gone.code()), (Some(410), Some("citizen_merged")));
    assert!(gone.to_string().contains(&into.to_string()), "the answer names where the record went");
    let gone = counter.timeline(from, &TimelineParams::default(), PURPOSE).await.expect_err("merged");
    assert_eq!(gone.status(), Some(410));

    let (status, body) = supervisor.undo(merge.merge_id).await;
    assert_eq!(status, 200, "{body}");
    let undo: MergeUndo = serde_json::from_value(body).expect("an undo");
    assert_eq!((undo.into, undo.from, undo.moved_back), (into, from, merge.moved));
    assert_eq!(everything(&service, into).await, before_into, "the record merged into is as it was");
    assert_eq!(everything(&service, from).await, before_from, "the merged record is as it was");
    assert_eq!(found_by_cpr(&service, "0707614277").await, vec![from]);
    assert_eq!(found_by_cpr(&service, "0707614285").await, vec![into]);
    let found = counter.search_citizens(&by_phone, PURPOSE).await.expect("search").citizens;
    assert_eq!(found.len(), 2, "the shared phone is both records' again");

    let (status, body) = supervisor.undo(merge.merge_id).await;
    assert_eq!((status, code(&body)), (409, "already_undone"));
    let (status, _) = supervisor.undo(Uuid::new_v4()).await;
    assert_eq!(status, 404);

    // Both citizens are subjects of the merge and of its undo, under the merge's id.
    let criterion = Some(format!("merge:{}", merge.merge_id));
    for citizen in [into, from] {
        let entries = audit_of(&service, citizen).await;
        for action in [AuditAction::MergeCitizens, AuditAction::UndoMerge] {
            let entry = entries.iter().find(|e| e.action == action).expect("audited");
            assert_eq!((&entry.criterion, entry.citizen_ids.len()), (&criterion, 2), "{action:?}");
        }
    }
}

async fn contacts_for_the_person_after_a_merge_stay_with_the_target_on_undo(db: Db) {
    let service = TestService::start_on(db).await;
    let (into, from) = two_records(&service).await;
    let before_from = everything(&service, from).await;
    let supervisor = Supervisor::of(&service);
    let merge = supervisor.merged(into, from).await;

    // After the merge: a registry update of the target keeps the identifiers the merge brought; a contact by the
    // merged record's old phone, and one by its old id, reach the target and touch a case the merge moved.
    let update = citizen_with("0707614285", "Jens Jensen", &[], &["20304050"], &[]);
    service.client(Role::Integration).put_citizen(&update).await.expect("registry update");
    assert_eq!(found_by_cpr(&service, "0707614293").await, vec![into]);
    let mut later = event_by(by_phone("60708090"), "later-1", 300);
    later.authority = "udbetaling-danmark".into();
    later.case_ref = Some("EGEN-b".into());
    later.status = CaseStatus::Resolved;
    match submit(&service, &later).await {
        EventOutcome::Stored(write) => assert!(in_timeline(&service, into, write.id).await),
        EventOutcome::Queued(queued) => panic!("queued: {queued:?}"),
    }
    let by_old_id = event_input(from, "later-2", at(301), Channel::Web, "borgerservice", "Læste om pas");
    let stored = service.client(Role::Integration).post_event(&by_old_id).await.expect("stored");
    assert!(in_timeline(&service, into, stored.id).await, "an old id is followed to the record it was merged into");

    let (status, body) = supervisor.undo(merge.merge_id).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(everything(&service, from).await, before_from, "the merged record is exactly as it was");
    let after = everything(&service, into).await;
    let ids: Vec<&str> =
        after["events"].as_array().expect("events").iter().filter_map(|e| e["source_id"].as_str()).collect();
    assert_eq!(ids, ["later-2", "later-1", "a-2", "a-1", "a-0"], "later contacts stay with the target");
    let cases = after["cases"].as_array().expect("cases");
    let touched = cases.iter().find(|c| c["case_ref"] == "EGEN-b").expect("rebuilt from the contact that stayed");
    assert_eq!((touched["status"].as_str(), touched["opened_at"].clone()), (Some("resolved"), json!(at(300))));
    assert_eq!(cases.len(), 3);
}

async fn merges_are_refused_with_reasons_and_undone_in_order(db: Db) {
    let service = TestService::start_on(db).await;
    let supervisor = Supervisor::of(&service);
    let a = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let b = create_citizen(&service, &citizen_input("0707614293", "Jens Jensen")).await;
    let c = create_citizen(&service, &citizen_input("0101901234", "Anna Hansen")).await;
    let mut real = citizen_input("0202851234", "Rigtig Borger");
    real.fictitious = Some(false);
    let real = create_citizen(&service, &real).await;

    let (status, body) = supervisor.merge(a, a).await;
    assert_eq!((status, code(&body)), (422, "merge_refused"));
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("itself")), "{body}");
    let (status, body) = supervisor.merge(a, real).await;
    assert_eq!((status, code(&body)), (422, "merge_refused"));
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("fictitious")), "{body}");
    let (status, body) = supervisor.merge(a, Uuid::new_v4()).await;
    assert_eq!((status, code(&body)), (422, "unknown_citizen"));
    let (status, _) = supervisor.merge(Uuid::new_v4(), a).await;
    assert_eq!(status, 404);

    let first = supervisor.merged(a, b).await;
    for (into, from) in [(b, c), (c, b)] {
        let (status, body) = supervisor.merge(into, from).await;
        assert_eq!((status, code(&body)), (422, "merge_refused"), "an already merged record on either side");
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("already") || m.contains("itself")));
    }
    // The record merged into may itself be merged; then its own merge must be undone before the first one.
    let second = supervisor.merged(c, a).await;
    let (status, body) = supervisor.undo(first.merge_id).await;
    assert_eq!((status, code(&body)), (409, "merge_superseded"));
    assert_eq!(found_by_cpr(&service, "0707614293").await, vec![c]);
    assert_eq!(supervisor.undo(second.merge_id).await.0, 200);
    assert_eq!(supervisor.undo(first.merge_id).await.0, 200);
    assert_eq!(found_by_cpr(&service, "0707614293").await, vec![b]);
    assert_eq!(found_by_cpr(&service, "0707614285").await, vec![a]);
    assert_eq!(found_by_cpr(&service, "0101901234").await, vec![c]);
}

async fn found_by_phone(service: &TestService, phone: &str) -> Vec<Uuid> {
    let search = CitizenSearch { phone: Some(phone.into()), ..CitizenSearch::default() };
    let found = service.client(Role::Counter).search_citizens(&search, PURPOSE).await.expect("search");
    let mut ids: Vec<Uuid> = found.citizens.iter().map(|c| c.id).collect();
    ids.sort();
    ids
}

async fn two_merges_into_one_record_are_undone_independently(db: Db) {
    let service = TestService::start_on(db).await;
    let supervisor = Supervisor::of(&service);
    let keep = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let first = create_citizen(&service, &citizen_with("0707614293", "Jens Jensen", &[], &["55443322"], &[])).await;
    let second = create_citizen(&service, &citizen_with("0707614277", "Jens Jensen", &[], &["55443322"], &[])).await;
    let one = supervisor.merged(keep, first).await;
    let two = supervisor.merged(keep, second).await;
    assert_eq!(found_by_phone(&service, "55443322").await, vec![keep]);
    // The phone both merged records had is the restored record's again, and still finds the record that stays
    // while the other merge stands.
    assert_eq!(supervisor.undo(one.merge_id).await.0, 200);
    let mut expected = vec![keep, first];
    expected.sort();
    assert_eq!(found_by_phone(&service, "55443322").await, expected);
    assert_eq!(found_by_cpr(&service, "0707614293").await, vec![first]);
    assert_eq!(supervisor.undo(two.merge_id).await.0, 200);
    let mut both = vec![first, second];
    both.sort();
    assert_eq!(found_by_phone(&service, "55443322").await, both);
    assert_eq!(found_by_cpr(&service, "0707614277").await, vec![second]);
    let profile = service.client(Role::Counter).citizen(keep, PURPOSE).await.expect("profile");
    assert!(profile.phones.is_empty(), "nothing the merges brought is left");
}

crate::on_both_databases!(
    two_merges_into_one_record_are_undone_independently,
    events_find_the_citizen_by_any_of_their_identifiers,
    a_contact_that_names_nobody_is_queued_once_and_bad_input_is_still_refused,
    a_shared_phone_queues_with_both_candidates_and_a_link_puts_it_in_the_timeline,
    a_merge_moves_everything_and_its_undo_restores_both_records_exactly,
    contacts_for_the_person_after_a_merge_stay_with_the_target_on_undo,
    merges_are_refused_with_reasons_and_undone_in_order,
);
