//! Assisted sessions in the console, through the accessibility tree: a guide run with who did each step, wrapped
//! up in two actions, waiting in the outbox while the service is down and confirmed once it is back; parking and
//! resuming; the repeat-contact banner; the phone wrap-up countdown; and a conflicting id shown to the staff member.
use crate::common::{Restartable, times_stored};
use crate::console::{JOHN, KAREN, SOREN, look_up, open_soren, settle, shows, texts, timeline_rows, world};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use medbetjening::console::ConsoleApp;
use medbetjening::domain::{AttorneyKind, FailureReason, Outcome, Performer, Role as StaffRole};
use medbetjening::history::store::SessionFilter;

const START: &str = "▶ Start henvendelse";
const WRAP_UP: &str = "Afslut henvendelse …";
const LOG: &str = "✔ Log henvendelsen (Ctrl+Enter)";

fn click(harness: &mut Harness<'static, ConsoleApp>, role: Role, label: &str) {
    harness.get_by_role_and_label(role, label).click();
    harness.run_steps(2);
}

fn start_flytning(harness: &mut Harness<'static, ConsoleApp>) {
    if harness.query_by_role_and_label(Role::TextInput, "Søg i vejledninger").is_none() {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::G);
        harness.run_steps(2);
    }
    settle(harness, "guides loaded", |h| h.query_by_role_and_label(Role::Button, "Start Anmeld flytning").is_some());
    click(harness, Role::Button, "Start Anmeld flytning");
}

fn keys(harness: &mut Harness<'static, ConsoleApp>, keys: &[Key]) {
    for key in keys {
        harness.key_press(*key);
        harness.run_steps(2);
    }
}

#[test]
fn a_guided_session_is_wrapped_up_in_two_actions_and_waits_for_the_service_then_is_confirmed() {
    let world = world();
    let mut service = world.runtime.block_on(async {
        let mut service = Restartable::down(world.service.store.clone());
        service.start().await;
        service
    });
    let mut harness = world.harness_at(&service.url, world.service.token(StaffRole::Counter), 0.02);
    settle(&mut harness, "connected", |h| h.state().is_ready());
    open_soren(&mut harness);
    click(&mut harness, Role::Button, START);
    harness.get_by_role_and_label(Role::Heading, &format!("Henvendelse: {SOREN}"));
    start_flytning(&mut harness);

    // Who did each step, one key each: A alone, G with guidance, S staff (then F: under Digital Fuldmagt).
    keys(&mut harness, &[Key::A, Key::Num1, Key::G, Key::ArrowRight, Key::Num1]);
    harness.get_by_role_and_label(Role::Heading, "Ny adresse og dato");
    keys(&mut harness, &[Key::S, Key::F]);
    harness.get_by_role_and_label(Role::Button, "Digital Fuldmagt (F)");
    keys(&mut harness, &[Key::ArrowRight, Key::G, Key::ArrowRight, Key::Num1, Key::A, Key::ArrowRight]);
    keys(&mut harness, &[Key::G, Key::ArrowRight]);
    harness.get_by_role_and_label(Role::Heading, "Resultat: Gennemført");

    // The service goes away just as the session is logged.
    world.runtime.block_on(service.stop());
    let mut actions = 0;
    click(&mut harness, Role::Button, WRAP_UP);
    actions += 1;
    assert!(shows(&harness, "Sæt dit efternavn på postkassen"), "next steps come from the guide's end");
    harness.get_by_role_and_label(Role::ComboBox, "Resultat");
    click(&mut harness, Role::Button, LOG);
    actions += 1;
    assert!(actions <= 3);
    settle(&mut harness, "journaled and refused by the dead service", |h| shows(h, "Prøv igen nu"));
    assert!(shows(&harness, "⏳ 1 venter"), "{:?}", texts(&harness));
    assert!(shows(&harness, "Henvendelsen er logget"));
    let rows = timeline_rows(&harness);
    assert!(rows.iter().any(|r| r.contains("⏳ Venter på at blive gemt")), "pending at once: {rows:?}");
    let soren = soren_id(&world);
    let session = harness.state().outbox().expect("outbox").entries()[0].id;
    assert_eq!(world.runtime.block_on(times_stored(&world.service.store, soren, session)), (0, 0));

    world.runtime.block_on(service.start());
    click(&mut harness, Role::Button, "Prøv igen nu");
    settle(&mut harness, "confirmed", |h| {
        h.state().outbox_waiting() == 0 && timeline_rows(h).iter().any(|r| r.contains("✔ Logget"))
    });
    assert!(!timeline_rows(&harness).iter().any(|r| r.contains("Venter på at blive gemt")));
    assert_eq!(world.runtime.block_on(times_stored(&world.service.store, soren, session)), (1, 1), "exactly once");

    let filter = SessionFilter { citizen: Some(soren), limit: 10, ..SessionFilter::default() };
    let stored = world.runtime.block_on(world.service.store.sessions(&filter)).expect("sessions");
    let steps = &stored[0].guides[0].steps;
    let who = |id: &str| steps.iter().find(|s| s.step == id).map(|s| (s.performed_by, s.attorney)).expect(id);
    assert_eq!(who("frist"), (Some(Performer::CitizenWithGuidance), None));
    assert_eq!(who("log-ind"), (Some(Performer::CitizenAlone), None), "MitID is the citizen's alone");
    assert_eq!(who("adresse"), (Some(Performer::StaffOnBehalf), Some(AttorneyKind::DigitalFuldmagt)));
    assert_eq!(stored[0].outcome, Outcome::Completed);
    assert_eq!(stored[0].kle.as_ref().map(|k| k.as_str().to_owned()), Some("23.05.10".to_owned()));

    // The details show the path and who did each step.
    let row = timeline_rows(&harness).into_iter().find(|r| r.contains("✔ Logget")).expect("the row");
    click(&mut harness, Role::Button, &row);
    settle(&mut harness, "session details", |h| shows(h, "Vej gennem vejledningen"));
    assert!(shows(&harness, "Medarbejderen på borgerens vegne (S), under Digital Fuldmagt"), "{:?}", texts(&harness));
    harness.get_by_role_and_label(Role::Button, "📄 Vis kvittering").click();
    harness.run_steps(3);
    harness.get_by_role_and_label(Role::Heading, "Det skal du gøre nu");
    assert!(!shows(&harness, "070761-4285"), "the receipt never has the full CPR number");
}

fn soren_id(world: &crate::console::World) -> uuid::Uuid {
    let query = medbetjening::domain::Cpr::parse("0707614285").expect("cpr");
    world
        .runtime
        .block_on(world.service.store.find_citizens(&medbetjening::history::store::CitizenLookup::Cpr(query), false, 1))
        .expect("lookup")[0]
        .id
}

#[test]
fn a_parked_session_resumes_with_its_timer_and_guide_position() {
    let world = world();
    let mut harness = world.harness_stepping(world.service.token(StaffRole::Counter), 0.25);
    settle(&mut harness, "connected", |h| h.state().is_ready());
    open_soren(&mut harness);
    click(&mut harness, Role::Button, START);
    let id = harness.state().session_id().expect("a session");
    start_flytning(&mut harness);
    keys(&mut harness, &[Key::Num1]);
    harness.get_by_role_and_label(Role::Heading, "Tjek fristen");
    let timer = |h: &Harness<'static, ConsoleApp>| texts(h).into_iter().find(|t| t.starts_with("⏱ ")).expect("timer");
    let before = timer(&harness);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::P);
    harness.run_steps(2);
    assert!(harness.query_by_role_and_label(Role::Heading, "Tjek fristen").is_none(), "the guide is parked too");
    assert!(harness.state().session_id().is_none());
    // Time passes while the citizen finds their code; another citizen is helped meanwhile.
    look_up(&mut harness, JOHN);
    settle(&mut harness, "John opened", |h| h.query_by_role_and_label(Role::Heading, JOHN).is_some());
    harness.run_steps(80);
    let resume = texts(&harness).into_iter().find(|t| t.starts_with("▶ Genoptag")).expect("a parked session");
    assert!(resume.contains(SOREN), "{resume}");
    click(&mut harness, Role::Button, &resume);
    settle(&mut harness, "Søren again", |h| h.query_by_role_and_label(Role::Heading, SOREN).is_some());
    assert_eq!(harness.state().session_id(), Some(id), "the same session");
    harness.get_by_role_and_label(Role::Heading, "Tjek fristen");
    let after = timer(&harness);
    let seconds = |t: &str| {
        let (m, s) = t.trim_start_matches("⏱ ").split_once(':').expect("m:ss");
        m.parse::<u32>().expect("minutes") * 60 + s.parse::<u32>().expect("seconds")
    };
    assert!(seconds(&after) >= seconds(&before), "{before} → {after}");
    assert!(seconds(&after) < seconds(&before) + 20, "parked time is not counted: {before} → {after}");
}

#[test]
fn a_repeat_contact_on_the_same_topic_shows_a_banner() {
    let world = world();
    let mut harness = world.console();
    look_up(&mut harness, KAREN);
    settle(&mut harness, "Karen opened", |h| h.query_by_role_and_label(Role::Heading, KAREN).is_some());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::G);
    settle(&mut harness, "suggestions", |h| shows(h, "Forslag ud fra borgerens historik"));
    // Her abandoned move three days ago suggests the move guide, whose topic becomes the reason.
    click(&mut harness, Role::Button, START);
    settle(&mut harness, "repeat contacts", |h| shows(h, "Gentagen henvendelse"));
    assert!(shows(&harness, "Flytteanmeldelse påbegyndt, ikke afsluttet"), "{:?}", texts(&harness));
    // The session's topic and the timeline's filter share the one name for the field.
    assert_eq!(harness.query_all_by_role_and_label(Role::ComboBox, "KLE-emne").count(), 2);
    assert!(shows(&harness, "23.05.10 Flytteanmeldelse"));

    // John has no contact on that topic.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::P);
    look_up(&mut harness, JOHN);
    settle(&mut harness, "John opened", |h| h.query_by_role_and_label(Role::Heading, JOHN).is_some());
    click(&mut harness, Role::Button, START);
    start_flytning(&mut harness);
    settle(&mut harness, "reason from the guide", |h| shows(h, "23.05.10 Flytteanmeldelse"));
    assert!(!shows(&harness, "Gentagen henvendelse"));
}

#[test]
fn ending_a_phone_call_starts_the_wrap_up_countdown() {
    let world = world();
    let mut harness = world.harness_stepping(world.service.token(StaffRole::Phone), 0.25);
    settle(&mut harness, "connected", |h| h.state().is_ready());
    open_soren(&mut harness);
    click(&mut harness, Role::Button, START);
    assert!(!shows(&harness, "Efterbehandling"), "no countdown during the call");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::H);
    harness.run_steps(1);
    let countdown = || texts(&harness).into_iter().find(|t| t.starts_with("⏰ Efterbehandling")).expect("countdown");
    let first = countdown();
    harness.get_by_role_and_label(Role::Button, LOG);
    harness.run_steps(12);
    let later = texts(&harness).into_iter().find(|t| t.starts_with("⏰ Efterbehandling")).expect("countdown");
    assert!(first.contains("1:00") || first.contains("0:59"), "{first}");
    assert!(later != first, "it counts down: {first} → {later}");
    harness.run_steps(240);
    assert!(shows(&harness, "Efterbehandling overskredet"), "{:?}", texts(&harness));
}

#[test]
fn staff_mark_failure_demand_with_a_reason_in_the_wrap_up_and_the_details_show_it() {
    let world = world();
    let mut harness = world.console();
    open_soren(&mut harness);
    click(&mut harness, Role::Button, START);
    click(&mut harness, Role::Button, WRAP_UP);
    // Most contacts are not failure demand: the form starts at "Nej".
    let field = harness.get_by_role_and_label(Role::ComboBox, "Unødvendig henvendelse");
    assert_eq!(field.accesskit_node().value().as_deref(), Some("Nej"));
    // Below the fold of the wrap-up panel at the test window's size.
    field.scroll_to_me();
    harness.run_steps(2);
    click(&mut harness, Role::ComboBox, "Unødvendig henvendelse");
    click(&mut harness, Role::Button, "Rykker for svar på sin sag");
    let summary = harness.get_by_role_and_label(Role::TextInput, "Hvad blev gjort");
    summary.focus();
    summary.type_text("Spurgte til sin boligstøttesag");
    harness.run_steps(2);
    click(&mut harness, Role::Button, LOG);
    settle(&mut harness, "confirmed", |h| {
        h.state().outbox_waiting() == 0 && timeline_rows(h).iter().any(|r| r.contains("✔ Logget"))
    });

    let filter = SessionFilter { citizen: Some(soren_id(&world)), limit: 10, ..SessionFilter::default() };
    let stored = world.runtime.block_on(world.service.store.sessions(&filter)).expect("sessions");
    assert_eq!(stored[0].failure_demand, Some(FailureReason::ChasingProgress));
    let row = timeline_rows(&harness).into_iter().find(|r| r.contains("✔ Logget")).expect("the row");
    click(&mut harness, Role::Button, &row);
    settle(&mut harness, "session details", |h| shows(h, "Rykker for svar på sin sag"));
}

#[test]
fn a_conflicting_session_id_is_shown_to_the_staff_member_and_can_be_logged_anew() {
    let world = world();
    let mut harness = world.console();
    open_soren(&mut harness);
    settle(&mut harness, "outbox open", |h| h.state().outbox().is_some());
    // Another console already stored a different session under the id this one is about to send.
    let soren = soren_id(&world);
    let id = uuid::Uuid::now_v7();
    let mut input: medbetjening::history::api::SessionInput = serde_json::from_value(serde_json::json!({
        "citizen_id": soren, "channel": "counter", "authority": "borgerservice", "site": "Testcenter",
        "started_at": "2026-11-20T09:00:00Z", "ended_at": "2026-11-20T09:10:00Z",
        "outcome": "completed", "contact_kind": "information", "summary": "Vejledning om Digital Post"
    }))
    .expect("input");
    world.runtime.block_on(world.service.client(StaffRole::Counter).put_session(id, &input)).expect("stored");
    input.summary = "Hjælp til boligstøtte".into();
    harness.state().outbox().expect("outbox").append(id, &input).expect("journaled");
    harness.state().outbox().expect("outbox").retry_now();
    settle(&mut harness, "the conflict", |h| shows(h, "En anden henvendelse er allerede gemt under samme id"));
    assert!(shows(&harness, "⚠ 1 kræver handling"), "{:?}", texts(&harness));
    click(&mut harness, Role::Button, "Log som ny henvendelse");
    settle(&mut harness, "logged anew", |h| h.state().outbox_waiting() == 0);
    let filter = SessionFilter { citizen: Some(soren), limit: 10, ..SessionFilter::default() };
    let stored = world.runtime.block_on(world.service.store.sessions(&filter)).expect("sessions");
    let summaries: Vec<&str> = stored.iter().map(|s| s.summary.as_str()).collect();
    assert_eq!(summaries.len(), 2, "{summaries:?}");
    assert!(summaries.contains(&"Vejledning om Digital Post"), "the stored one is untouched");
    assert!(summaries.contains(&"Hjælp til boligstøtte"), "the other is stored under a new id");
}

#[test]
fn a_supervisor_links_an_unmatched_contact_to_the_open_citizen() {
    let world = world();
    // A phone system reports a call from a number no citizen has.
    let soren = soren_id(&world);
    let mut event = crate::common::event_input(
        soren,
        "tlf-9001",
        chrono::Utc::now() - chrono::Duration::hours(2),
        medbetjening::domain::Channel::Phone,
        "borgerservice",
        "Opkald om flytning fra ukendt nummer",
    );
    event.citizen = medbetjening::history::api::CitizenRef { phone: Some("99887766".into()), ..Default::default() };
    let queued = world.runtime.block_on(world.service.client(StaffRole::Integration).submit_event(&event));
    assert!(matches!(queued, Ok(medbetjening::history::api::EventOutcome::Queued(_))), "{queued:?}");

    let mut harness = world.harness(world.service.token(StaffRole::Supervisor));
    settle(&mut harness, "connected", |h| h.state().is_ready());
    click(&mut harness, Role::Button, "🔗 Uafklarede (1)");
    settle(&mut harness, "the queue", |h| shows(h, "Opkald om flytning fra ukendt nummer"));
    assert!(shows(&harness, "Ingen borger har det oplyste · Oplyst: …7766"), "masked: {:?}", texts(&harness));
    assert!(!texts(&harness).iter().any(|t| t.contains("99887766")), "the full number only on request");
    click(&mut harness, Role::Button, "Vis fuldt");
    settle(&mut harness, "revealed", |h| shows(h, "Ingen borger har det oplyste · Oplyst: 99887766"));
    assert!(shows(&harness, "Åbn den rigtige borger"), "no citizen open yet");
    open_soren(&mut harness);
    click(&mut harness, Role::Button, &format!("Knyt til {SOREN}"));
    settle(&mut harness, "linked", |h| shows(h, "Ingen henvendelser venter"));
    assert!(timeline_rows(&harness).iter().any(|r| r.contains("Opkald om flytning fra ukendt nummer")));
    harness.get_by_role_and_label(Role::Button, "🔗 Uafklarede (0)");

    // Counter staff never see the queue.
    let counter = world.console();
    assert!(!texts(&counter).iter().any(|t| t.contains("Uafklarede")));
}
