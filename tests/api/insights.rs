//! The insight rollups against a recount from scratch, tilbageløb, the KOMHEN file read back, and who may read
//! insights at all.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use medbetjening::domain::insight::{Population, event_contact, local_day, session_contact};
use medbetjening::domain::{
    AssistedSession, AuthorityId, CaseStatus, Channel, ContactEvent, ContactKind, Direction, FailureReason, GuideRun,
    KleCatalog, Outcome, Performer, Role, StepRecord, StepState,
};
use medbetjening::history::api::insights::ContactInsightRow;
use medbetjening::history::store::{
    ContactGroup, InsightQuery, Period, SessionCorrectOutcome, SessionPutOutcome, Store,
};
use serde_json::Value;
use uuid::Uuid;

use crate::common::{Db, TestService, citizen_input, create_citizen};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().expect("time")
}

fn query(population: Population) -> InsightQuery {
    InsightQuery {
        population,
        from: local_day(start()) - Duration::days(30),
        to: local_day(start()) + Duration::days(120),
        site: None,
        channel: None,
        kle_group: None,
    }
}

const TOPICS: [&str; 4] = ["23.05.01", "23.05.10", "32.06.00", "27.12.00"];
const SITES: [&str; 3] = ["Borgerservice Amager", "Kontaktcenter", "Bibliotek Vesterbro"];

/// Citizens: real ones, and fictitious ones whose contacts must never count as real.
async fn citizens(service: &TestService, real: usize, fictitious: usize) -> (Vec<Uuid>, Vec<Uuid>) {
    let mut made = (Vec::new(), Vec::new());
    for index in 0..real + fictitious {
        let mut input = citizen_input(&format!("{:02}0190{:04}", index % 28 + 1, 1000 + index), "Prøve Borger");
        input.fictitious = Some(index >= real);
        let id = create_citizen(service, &input).await;
        if index < real { made.0.push(id) } else { made.1.push(id) }
    }
    made
}

fn topic(rng: &mut fastrand::Rng) -> medbetjening::domain::KleTopic {
    KleCatalog::builtin().topic(TOPICS[rng.usize(..TOPICS.len())]).expect("topic")
}

fn random_session(rng: &mut fastrand::Rng, citizen: Option<Uuid>, staff: Uuid) -> AssistedSession {
    let channels = [Channel::Counter, Channel::Phone, Channel::Video, Channel::Email];
    let outcomes = Outcome::ALL;
    let kinds = [ContactKind::Information, ContactKind::Transaction, ContactKind::ErrorDriven];
    let started_at = start() + Duration::minutes(rng.i64(0..60 * 24 * 60));
    let guides = (0..rng.usize(0..3))
        .map(|_| {
            let (guide, version) = (rng.usize(..2), rng.u32(1..3));
            GuideRun {
                guide: ["flytning", "boligstoette"][guide].into(),
                guide_version: version,
                steps: (0..rng.usize(0..6))
                    .map(|i| StepRecord {
                        step: format!("trin-{}", rng.usize(0..4) + i),
                        state: match rng.u8(0..4) {
                            0 => StepState::Skipped {
                                reason: ["ingen MitID", "har ikke papirer"][rng.usize(..2)].into(),
                            },
                            1 => StepState::Stopped,
                            _ => StepState::Completed,
                        },
                        performed_by: [
                            None,
                            Some(Performer::CitizenAlone),
                            Some(Performer::CitizenWithGuidance),
                            Some(Performer::StaffOnBehalf),
                        ][rng.usize(..4)],
                        attorney: None,
                        seconds: rng.u32(1..1500),
                    })
                    .collect(),
                outcome: [None, Some(Outcome::Completed), Some(Outcome::NotPossibleToday)][rng.usize(..3)],
                // A property of the guide version, as the library that shipped it says.
                reviewed: chrono::NaiveDate::from_ymd_opt(2025, 1 + u32::try_from(guide).expect("small"), version),
            }
        })
        .collect();
    AssistedSession {
        id: Uuid::new_v4(),
        citizen_id: citizen,
        staff_id: staff,
        channel: channels[rng.usize(..channels.len())],
        authority: AuthorityId("borgerservice".into()),
        site: SITES[rng.usize(..SITES.len())].into(),
        started_at,
        ended_at: started_at + Duration::seconds(rng.i64(30..3600)),
        kle: rng.bool().then(|| topic(rng)),
        guides,
        outcome: outcomes[rng.usize(..outcomes.len())],
        contact_kind: kinds[rng.usize(..kinds.len())],
        summary: "Hjælp med selvbetjening".into(),
        next_steps: Vec::new(),
        notes: String::new(),
        digital_readiness_after: None,
        referral: None,
        failure_demand: rng.bool().then(|| FailureReason::ALL[rng.usize(..FailureReason::ALL.len())]),
        could_self_serve: [None, Some(true), Some(false)][rng.usize(..3)],
        group: None,
    }
}

fn random_event(rng: &mut fastrand::Rng, citizen: Uuid, index: usize) -> ContactEvent {
    let channels = [Channel::SelfService, Channel::SelfService, Channel::Phone, Channel::DigitalPost, Channel::Web];
    let channel = channels[rng.usize(..channels.len())];
    ContactEvent {
        id: Uuid::now_v7(),
        citizen_id: citizen,
        occurred_at: start() + Duration::minutes(rng.i64(0..60 * 24 * 60)),
        channel,
        direction: Direction::Inbound,
        authority: AuthorityId("borgerservice".into()),
        kle: rng.u8(0..5).ne(&0).then(|| topic(rng)),
        case_ref: rng.bool().then(|| format!("SAG-{}", rng.u8(0..9))),
        status: [CaseStatus::Open, CaseStatus::Resolved][rng.usize(..2)],
        summary: "Kontakt".into(),
        source: ["kk.dk-selvbetjening", "telefoni"][rng.usize(..2)].into(),
        source_id: format!("k-{index}"),
        staff: None,
        abandoned: channel == Channel::SelfService && rng.bool(),
        failure_demand: (rng.u8(0..4) == 0).then(|| FailureReason::ALL[rng.usize(..FailureReason::ALL.len())]),
    }
}

/// The contact rollup grouped by every key but the day, from scratch: the sessions and contacts that count.
fn recount(sessions: &[AssistedSession], events: &[ContactEvent]) -> BTreeMap<Vec<String>, (i64, i64, i64)> {
    let mut counts = BTreeMap::new();
    let keys = sessions.iter().map(session_contact).chain(events.iter().map(event_contact));
    for count in keys {
        let k = count.key;
        let key = vec![k.site, k.channel, k.kle, k.kind, k.closing, k.failure];
        let entry: &mut (i64, i64, i64) = counts.entry(key).or_default();
        entry.0 += 1;
        entry.1 += count.seconds;
        entry.2 += i64::from(count.could_online);
    }
    counts
}

fn stored_counts(rows: &[ContactInsightRow]) -> BTreeMap<Vec<String>, (i64, i64, i64)> {
    rows.iter()
        .map(|r| {
            let key = [&r.site, &r.channel, &r.kle, &r.kind, &r.closing, &r.failure]
                .map(|v| v.clone().unwrap_or_default())
                .to_vec();
            (key, (r.count, r.duration_seconds, r.could_self_serve))
        })
        .collect()
}

const EVERY_KEY: [ContactGroup; 6] = [
    ContactGroup::Site,
    ContactGroup::Channel,
    ContactGroup::Kle,
    ContactGroup::Type,
    ContactGroup::Closing,
    ContactGroup::Failure,
];

/// Everything the insights answer, as text, to compare two states of the rollups.
async fn snapshot(store: &Store) -> String {
    let mut all = Vec::new();
    for population in [Population::Real, Population::Fictitious] {
        let q = query(population);
        let mut groups = EVERY_KEY.to_vec();
        groups.push(ContactGroup::Week);
        all.push(format!("{:?}", store.insight_contacts(&q, &groups).await.expect("contacts")));
        all.push(format!("{:?}", store.channel_shift(&q, Period::Week).await.expect("shift")));
        all.push(format!("{:?}", store.readiness(&q, Period::Week).await.expect("readiness")));
        for by in
            [medbetjening::history::store::FailureGroup::Solution, medbetjening::history::store::FailureGroup::Site]
        {
            all.push(format!("{:?}", store.failure_demand(&q, by).await.expect("failure")));
        }
        for guide in ["flytning", "boligstoette"] {
            all.push(format!("{:?}", store.funnel(&q, guide).await.expect("funnel")));
        }
        let drill = medbetjening::history::store::Drill::default();
        all.push(format!("{:?}", store.drill_sessions(&q, &drill, 10_000).await.expect("drill")));
    }
    all.join("\n")
}

async fn rollups_equal_a_recount_after_random_writes_and_a_rebuild_equals_them(db: Db) {
    let service = TestService::start_on(db).await;
    let (real, fictitious) = citizens(&service, 12, 4).await;
    let store = &service.store;
    let staff = [Role::Counter, Role::Phone, Role::Supervisor].map(|r| service.staff_id(r));
    let trainer = service.staff_id(Role::Trainer);
    let mut rng = fastrand::Rng::with_seed(16);
    let (mut counted_sessions, mut counted_events) = (Vec::new(), Vec::new());
    let mut stored: Vec<AssistedSession> = Vec::new();
    for index in 0..320 {
        let is_real = rng.u8(0..5) != 0;
        let citizen = if is_real { real[rng.usize(..real.len())] } else { fictitious[rng.usize(..fictitious.len())] };
        let event = random_event(&mut rng, citizen, index);
        store.insert_event(&event, None, start()).await.expect("event");
        // A repeat of a contact is stored and counted once.
        if index % 10 == 0 {
            store.insert_event(&event, None, start()).await.expect("repeat");
        }
        if is_real {
            counted_events.push(event);
        }
    }
    for _ in 0..240 {
        let citizen = match rng.u8(0..6) {
            0 => None,
            1 => Some(fictitious[rng.usize(..fictitious.len())]),
            _ => Some(real[rng.usize(..real.len())]),
        };
        let by_trainer = rng.u8(0..8) == 0;
        let who = if by_trainer { trainer } else { staff[rng.usize(..staff.len())] };
        let session = random_session(&mut rng, citizen, who);
        assert_eq!(store.put_session(&session, &[], start()).await.expect("put"), SessionPutOutcome::Created);
        if rng.u8(0..4) == 0 {
            let again = store.put_session(&session, &[], start()).await.expect("again");
            assert!(matches!(again, SessionPutOutcome::Same(_)), "a repeated PUT is the same session");
        }
        stored.push(session);
    }
    // Corrections move counts: another topic, outcome, failure reason, guide path and day.
    for index in (0..stored.len()).step_by(4) {
        let mut corrected = random_session(&mut rng, stored[index].citizen_id, stored[index].staff_id);
        corrected.id = stored[index].id;
        assert_eq!(store.correct_session(&corrected).await.expect("correct"), SessionCorrectOutcome::Corrected);
        stored[index] = corrected;
    }
    for session in &stored {
        let training = session.staff_id == trainer || session.citizen_id.is_some_and(|c| fictitious.contains(&c));
        if !training {
            counted_sessions.push(session.clone());
        }
    }
    let incremental = store.insight_contacts(&query(Population::Real), &EVERY_KEY).await.expect("contacts");
    assert_eq!(stored_counts(&incremental), recount(&counted_sessions, &counted_events), "rollup ≠ recount");
    assert_eq!(
        incremental.iter().map(|r| r.count).sum::<i64>(),
        i64::try_from(counted_sessions.len() + counted_events.len()).expect("a count")
    );
    assert_eq!(
        store
            .drill_sessions(&query(Population::Real), &medbetjening::history::store::Drill::default(), 10_000)
            .await
            .expect("drill")
            .rows
            .len(),
        counted_sessions.len(),
        "training never counts"
    );
    let before = snapshot(store).await;
    let report = store.rebuild_insights().await.expect("rebuild");
    assert_eq!(report.sessions, stored.iter().filter(|s| s.staff_id != trainer).count() as u64);
    assert_eq!(snapshot(store).await, before, "a rebuild from the raw rows equals what the writes kept");
}

async fn tilbageloeb_is_a_given_up_attempt_followed_by_help_on_the_same_matter_within_a_fortnight(db: Db) {
    let service = TestService::start_on(db).await;
    let (real, _) = citizens(&service, 3, 0).await;
    let store = &service.store;
    let housing = KleCatalog::builtin().topic("32.06.00").expect("topic");
    let moving = KleCatalog::builtin().topic("23.05.01").expect("topic");
    let attempt = |citizen, kle: &medbetjening::domain::KleTopic, id: &str| ContactEvent {
        id: Uuid::now_v7(),
        citizen_id: citizen,
        occurred_at: start(),
        channel: Channel::SelfService,
        direction: Direction::Inbound,
        authority: AuthorityId("udbetaling-danmark".into()),
        kle: Some(kle.clone()),
        case_ref: None,
        status: CaseStatus::Open,
        summary: "Ansøgning om boligstøtte, ikke afsluttet".into(),
        source: "boligstoette".into(),
        source_id: id.into(),
        staff: None,
        abandoned: true,
        failure_demand: None,
    };
    let help = |citizen, kle: &medbetjening::domain::KleTopic, days: i64, id: &str| ContactEvent {
        occurred_at: start() + Duration::days(days),
        channel: Channel::Phone,
        abandoned: false,
        source: "telefoni".into(),
        ..attempt(citizen, kle, id)
    };
    // Counted: help on the same matter three days later — written before the attempt, to show order does not matter.
    store.insert_event(&help(real[0], &housing, 3, "h-0"), None, start()).await.expect("help");
    store.insert_event(&attempt(real[0], &housing, "a-0"), None, start()).await.expect("attempt");
    // Not counted: help 20 days later; help on another matter.
    store.insert_event(&attempt(real[1], &housing, "a-1"), None, start()).await.expect("attempt");
    store.insert_event(&help(real[1], &housing, 20, "h-1"), None, start()).await.expect("help");
    store.insert_event(&attempt(real[2], &housing, "a-2"), None, start()).await.expect("attempt");
    store.insert_event(&help(real[2], &moving, 2, "h-2"), None, start()).await.expect("help");
    let returns = |store: &Store| {
        let store = store.clone();
        async move {
            let (_, _, returns) = store
                .failure_demand(&query(Population::Real), medbetjening::history::store::FailureGroup::Reason)
                .await
                .expect("failure demand");
            returns.into_iter().map(|r| (r.solution, r.returns)).collect::<Vec<_>>()
        }
    };
    // KOMHEN's "tried online first": a session on the matter three days after the given-up attempt, not 20 days.
    let counter = service.staff_id(Role::Counter);
    let mut rng = fastrand::Rng::with_seed(3);
    let mut session_on = |citizen, days| {
        let mut session = random_session(&mut rng, Some(citizen), counter);
        session.kle = Some(housing.clone());
        session.started_at = start() + Duration::days(days);
        session.ended_at = session.started_at + Duration::minutes(10);
        session
    };
    let (soon, late) = (session_on(real[0], 3), session_on(real[1], 20));
    for session in [&soon, &late] {
        store.put_session(session, &[], session.ended_at).await.expect("put");
    }
    let tried = |store: &Store| {
        let store = store.clone();
        async move {
            let drill = medbetjening::history::store::Drill::default();
            let page = store.drill_sessions(&query(Population::Real), &drill, 100).await.expect("drill");
            let mut rows: Vec<_> = page.rows.into_iter().map(|r| (r.id, r.tried_online_first)).collect();
            rows.sort();
            rows
        }
    };
    let mut expected = vec![(soon.id, true), (late.id, false)];
    expected.sort();
    assert_eq!(tried(store).await, expected);
    assert_eq!(returns(store).await, [("32.06.00".to_owned(), 1)]);
    store.rebuild_insights().await.expect("rebuild");
    assert_eq!(returns(store).await, [("32.06.00".to_owned(), 1)], "a rebuild judges the same");
    assert_eq!(tried(store).await, expected, "a rebuild judges the same");
}

/// A GET as `role`: status and body bytes.
async fn get(service: &TestService, role: Role, path: &str) -> (u16, Vec<u8>) {
    let (http, url) = service.raw();
    let response = http.get(format!("{url}{path}")).bearer_auth(service.token(role)).send().await.expect("answer");
    (response.status().as_u16(), response.bytes().await.expect("body").to_vec())
}

const ENDPOINTS: [&str; 8] = [
    "/v1/insights/contacts?group_by=site",
    "/v1/insights/komhen.csv?municipality=101",
    "/v1/insights/channel-shift",
    "/v1/insights/readiness",
    "/v1/insights/failure-demand",
    "/v1/insights/guides/flytning/funnel",
    "/v1/insights/sessions",
    "/v1/insights/sessions.csv",
];

async fn only_supervisors_and_admins_read_insights(db: Db) {
    let service = TestService::start_on(db).await;
    for role in [Role::Counter, Role::Phone, Role::Trainer, Role::Integration] {
        for path in ENDPOINTS {
            assert_eq!(get(&service, role, path).await.0, 403, "{role:?} {path}");
        }
    }
    for role in [Role::Supervisor, Role::Admin] {
        for path in ENDPOINTS {
            assert_eq!(get(&service, role, path).await.0, 200, "{role:?} {path}");
        }
    }
    // No groups over a period with nothing in it: one row of zeros is left out, not a 500.
    let (status, body) = get(&service, Role::Supervisor, "/v1/insights/contacts?group_by=&channel=web").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let answer: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(answer["rows"], serde_json::json!([]));
    for (path, parameter) in [
        ("/v1/insights/contacts?from=2026-13-01", "from"),
        ("/v1/insights/contacts?to=yesterday", "to"),
        ("/v1/insights/contacts?group_by=site,colour", "group_by"),
        ("/v1/insights/channel-shift?from=2019-01-01&to=2026-01-01", "from"),
        ("/v1/insights/readiness?period=day", "period"),
        ("/v1/insights/failure-demand?group_by=week", "group_by"),
    ] {
        let (status, body) = get(&service, Role::Supervisor, path).await;
        let body: Value = serde_json::from_slice(&body).expect("a JSON error");
        assert_eq!(status, 400, "{path}");
        assert!(body["error"]["message"].as_str().unwrap_or_default().starts_with(parameter), "{path}: {body}");
    }
}

async fn the_komhen_file_reads_back_in_latin1_with_the_codes_of_the_table(db: Db) {
    let service = TestService::start_on(db).await;
    let (real, _) = citizens(&service, 1, 0).await;
    let kle = KleCatalog::builtin().topic("23.05.01").expect("topic");
    let mut session = random_session(&mut fastrand::Rng::with_seed(1), Some(real[0]), service.staff_id(Role::Counter));
    (session.channel, session.contact_kind, session.outcome) =
        (Channel::Counter, ContactKind::Transaction, Outcome::Completed);
    session.failure_demand = None;
    session.guides.clear();
    session.site = "Borgerservice Østerbro; Nørrebro & Ærø".into();
    session.kle = Some(kle);
    session.started_at = Utc.with_ymd_and_hms(2026, 6, 1, 8, 5, 9).single().expect("time");
    session.ended_at = session.started_at + Duration::minutes(12);
    session.guides.push(GuideRun {
        guide: "flytning".into(),
        guide_version: 1,
        steps: vec![StepRecord {
            step: "start".into(),
            state: StepState::Completed,
            performed_by: Some(Performer::CitizenAlone),
            attorney: None,
            seconds: 60,
        }],
        outcome: Some(Outcome::Completed),
        reviewed: None,
    });
    service.store.put_session(&session, &[], session.started_at).await.expect("session");
    let (status, body) =
        get(&service, Role::Supervisor, "/v1/insights/komhen.csv?from=2026-06-01&to=2026-06-30&municipality=101").await;
    assert_eq!(status, 200);
    assert!(body.contains(&0xd8) && body.contains(&0xc6), "Ø and Æ as single Latin-1 bytes");
    let text = medbetjening::encoding::from_latin1(&body);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], medbetjening::domain::komhen::FILE_HEADER);
    let fields: Vec<&str> = lines[1].split(';').collect();
    assert_eq!(fields.len(), 12, "{}", lines[1]);
    assert_eq!(fields[0], "101");
    assert_eq!(fields[1], session.id.to_string());
    assert_eq!(fields[2], "Borgerservice Østerbro  Nørrebro & Ærø", "a ; in a value becomes a space");
    assert_eq!(&fields[3..8], ["23.05.01", "PRSNLG", "OPRET", "STRAKS", "JA"]);
    // 08:05:09 UTC is 10:05:09 in Copenhagen summer time.
    assert_eq!(&fields[8..11], ["01-06-2026 00:00:00", "01-06-2026 10:05:09", "01-06-2026 10:17:09"]);
    assert_eq!(fields[11], "medbetjening");
}

/// A funnel version says when its guide was reviewed, as the session that walked it reported, and is stale a year on.
async fn a_funnel_version_reviewed_over_a_year_ago_is_stale(db: Db) {
    let service = TestService::start_on(db).await;
    let (real, _) = citizens(&service, 1, 0).await;
    let today = local_day(Utc::now());
    let mut rng = fastrand::Rng::with_seed(5);
    for (version, reviewed) in [(1, today - Duration::days(400)), (2, today - Duration::days(30))] {
        let mut session = random_session(&mut rng, Some(real[0]), service.staff_id(Role::Counter));
        session.started_at = Utc::now() - Duration::days(2);
        session.ended_at = session.started_at + Duration::minutes(12);
        session.guides = vec![GuideRun {
            guide: "flytning".into(),
            guide_version: version,
            steps: vec![StepRecord {
                step: "adresse".into(),
                state: StepState::Completed,
                performed_by: Some(Performer::CitizenAlone),
                attorney: None,
                seconds: 60,
            }],
            outcome: Some(Outcome::Completed),
            reviewed: Some(reviewed),
        }];
        service.store.put_session(&session, &[], Utc::now()).await.expect("put");
    }
    let path = format!("/v1/insights/guides/flytning/funnel?from={}&to={today}", today - Duration::days(7));
    let (status, body) = get(&service, Role::Supervisor, &path).await;
    assert_eq!(status, 200);
    let funnel: Value = serde_json::from_slice(&body).expect("json");
    let versions: Vec<(u64, String, bool)> = funnel["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| {
            (v["version"].as_u64().expect("n"), v["reviewed"].as_str().expect("date").to_owned(), v["stale"] == true)
        })
        .collect();
    let day = |d: i64| (today - Duration::days(d)).to_string();
    assert_eq!(versions, [(1, day(400), true), (2, day(30), false)]);
}

crate::on_both_databases!(
    a_funnel_version_reviewed_over_a_year_ago_is_stale,
    rollups_equal_a_recount_after_random_writes_and_a_rebuild_equals_them,
    tilbageloeb_is_a_given_up_attempt_followed_by_help_on_the_same_matter_within_a_fortnight,
    only_supervisors_and_admins_read_insights,
    the_komhen_file_reads_back_in_latin1_with_the_codes_of_the_table,
);

async fn put(service: &TestService, role: Role, path: &str, body: &Value) -> u16 {
    let (http, url) = service.raw();
    let response = http.put(format!("{url}{path}")).bearer_auth(service.token(role)).json(body).send().await;
    response.expect("answer").status().as_u16()
}

/// May's contacts as `kle failure count`.
async fn by_kle(service: &TestService) -> Vec<String> {
    let path = "/v1/insights/contacts?from=2026-05-01&to=2026-05-31&group_by=kle,failure";
    let (status, bytes) = get(service, Role::Supervisor, path).await;
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_slice(&bytes).expect("json");
    let text = |row: &Value, key: &str| row[key].as_str().unwrap_or_default().to_owned();
    let rows = answer["rows"].as_array().expect("rows");
    rows.iter().map(|r| format!("{} {} {}", text(r, "kle"), text(r, "failure"), r["count"])).collect()
}

async fn a_corrected_session_moves_its_counts_and_only_its_author_may_correct_it(db: Db) {
    let service = TestService::start_on(db).await;
    let (real, _) = citizens(&service, 2, 0).await;
    let id = Uuid::new_v4();
    let mut body = serde_json::json!({
        "citizen_id": real[0], "channel": "counter", "authority": "borgerservice", "site": "Borgerservice Amager",
        "started_at": "2026-05-04T08:00:00Z", "ended_at": "2026-05-04T08:10:00Z", "outcome": "completed",
        "contact_kind": "information", "summary": "Vejledning om flytning", "kle": "23.05.01",
        "guides": [], "next_steps": [], "notes": "", "digital_readiness_after": null, "referral": null
    });
    assert_eq!(put(&service, Role::Counter, &format!("/v1/sessions/{id}"), &body).await, 201);
    assert_eq!(by_kle(&service).await, ["23.05.01  1"]);
    body["kle"] = "32.06.00".into();
    body["failure_demand"] = "chasing_progress".into();
    let correct = format!("/v1/sessions/{id}?correct=true");
    assert_eq!(put(&service, Role::Phone, &correct, &body).await, 403, "only whoever logged it");
    assert_eq!(put(&service, Role::Counter, &correct, &body).await, 200);
    assert_eq!(by_kle(&service).await, ["32.06.00 chasing_progress 1"], "the counts moved with the correction");
    assert_eq!(put(&service, Role::Counter, &correct, &body).await, 200, "the same correction again");
    assert_eq!(by_kle(&service).await, ["32.06.00 chasing_progress 1"], "and counted once");
    body["citizen_id"] = real[1].to_string().into();
    assert_eq!(put(&service, Role::Counter, &correct, &body).await, 409, "another citizen is another session");
    assert_eq!(
        put(&service, Role::Counter, &format!("/v1/sessions/{}?correct=true", Uuid::new_v4()), &body).await,
        404
    );

    let (status, csv) =
        get(&service, Role::Supervisor, "/v1/insights/sessions.csv?from=2026-05-01&to=2026-05-31").await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).expect("UTF-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with(&format!("{id};2026-05-04 10:00;Borgerservice Amager;counter;32.06.00;")), "{csv}");
    assert!(!csv.contains(&real[0].to_string()), "no citizen id in the drill-down");
}

crate::on_both_databases!(a_corrected_session_moves_its_counts_and_only_its_author_may_correct_it);
