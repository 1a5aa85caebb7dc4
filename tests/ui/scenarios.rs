//! Practice scenarios through the accessibility tree, on a trainer's console against a real service holding the
//! scenarios' fictitious cast: a scenario played right ends in "all good", one played wrong names the missing
//! guides and the MitID step staff took part in, and "try again" starts it afresh.
use crate::console::{World, settle, shows, texts};
use chrono::Utc;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use medbetjening::console::ConsoleApp;
use medbetjening::domain::{Performer, Role as StaffRole};
use medbetjening::guides::scenario::cast::Cast;
use medbetjening::history::store::SessionFilter;

const SCENARIO: &str = "▶ Start øvelsen: Flytning med spærret MitID";
const GUIDE_SEARCH: &str = "Søg i vejledninger";
const FEEDBACK: &str = "Feedback på øvelsen";
const ALL_GOOD: &str = "✔ Alt i orden – godt klaret!";

/// A service with the cast stored as `demo-data --scenarios` stores it, and nothing else.
fn world() -> World {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let service = runtime.block_on(async {
        let service = crate::common::TestService::start().await;
        let cast = Cast::builtin();
        assert!(cast.problems.is_empty(), "{:?}", cast.problems);
        medbetjening::history::cast::seed(&service.store, &cast.cast, Utc::now()).await.expect("cast stored");
        service
    });
    World { runtime, service, data_dir: tempfile::tempdir().expect("console data dir") }
}

fn trainer(world: &World) -> Harness<'static, ConsoleApp> {
    let mut harness = world.harness_stepping(world.service.token(StaffRole::Trainer), 0.05);
    settle(&mut harness, "connected", |h| h.state().is_ready());
    assert!(harness.state().training());
    harness
}

fn keys(harness: &mut Harness<'static, ConsoleApp>, keys: &[Key]) {
    for key in keys {
        harness.key_press(*key);
        harness.run_steps(2);
    }
}

/// Opens the scenarios (Ctrl+O) and starts Bent's move: his tab opens and a session starts, on the counter.
fn start_scenario(harness: &mut Harness<'static, ConsoleApp>) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run_steps(2);
    settle(harness, "scenarios loaded", |h| h.query_by_role_and_label(Role::Button, SCENARIO).is_some());
    harness.get_by_role_and_label(Role::Button, SCENARIO).click_accesskit();
    harness.run_steps(2);
    settle(harness, "Bent's session", |h| h.state().session_id().is_some());
    assert!(shows(harness, "Henvendelse: Bent Larsen"), "{:?}", texts(harness));
    assert!(
        shows(harness, "💬 Borgeren siger (Bent Larsen): «Jeg flytter ind i en ældrebolig"),
        "{:?}",
        texts(harness)
    );
}

/// Finds a guide by searching for it, as a trainee would, and starts it.
fn start_guide(harness: &mut Harness<'static, ConsoleApp>, query: &str, title: &str) {
    settle(harness, "guide search", |h| h.query_by_role_and_label(Role::TextInput, GUIDE_SEARCH).is_some());
    let field = harness.get_by_role_and_label(Role::TextInput, GUIDE_SEARCH);
    field.focus();
    field.type_text(query);
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, &format!("Start {title}")).click();
    harness.run_steps(2);
}

/// Wraps up with what the guides filled in, and logs.
fn wrap_up_and_log(harness: &mut Harness<'static, ConsoleApp>) {
    harness.get_by_role_and_label(Role::Button, "Afslut henvendelse …").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "✔ Log henvendelsen (Ctrl+Enter)").click();
    harness.run_steps(2);
    settle(harness, "feedback", |h| shows(h, FEEDBACK));
}

#[test]
fn a_scenario_played_right_gets_all_good() {
    let world = world();
    let mut harness = trainer(&world);
    start_scenario(&mut harness);
    start_guide(&mut harness, "flytning", "Anmeld flytning");
    // From Denmark; the deadline; login fails (A: the citizen alone, even when a trainee may mark it) → MitID at the
    // counter: for himself, no chip passport, here with ID, identity confirmed, issued with him typing alone.
    keys(&mut harness, &[Key::Num1, Key::ArrowRight, Key::A, Key::Num2]);
    harness.get_by_role_and_label(Role::Heading, "Kan borgeren selv bruge MitID?");
    keys(&mut harness, &[Key::Num1, Key::Num2, Key::Num1, Key::Num1, Key::ArrowRight]);
    // Back in the move: now logged in; address, who moves, own home, doctor, submit.
    harness.get_by_role_and_label(Role::Heading, "Log ind med MitID");
    keys(&mut harness, &[Key::Num1, Key::ArrowRight, Key::ArrowRight, Key::Num1, Key::ArrowRight, Key::ArrowRight]);
    harness.get_by_role_and_label(Role::Heading, "Resultat: Gennemført");
    wrap_up_and_log(&mut harness);

    assert!(shows(&harness, ALL_GOOD), "{:?}", texts(&harness));
    assert!(shows(&harness, "✔ I orden: De rigtige vejledninger blev brugt: 'Anmeld flytning', 'Få MitID'."));
    assert!(shows(&harness, "✔ I orden: Borgeren klarede alle 2 MitID-trin selv."), "{:?}", texts(&harness));
    assert!(shows(&harness, "✔ I orden: De næste skridt nævner det vigtige: 'postkassen'."));
    assert!(!texts(&harness).iter().any(|t| t.starts_with("✖ ")), "nothing failed: {:?}", texts(&harness));
    assert!(shows(&harness, "💡 Alle MitID-trin klarer borgeren alene"), "the scenario's advice is shown");

    // The feedback came from the session as it was logged, on the scenario's channel.
    settle(&mut harness, "sent", |h| h.state().outbox_waiting() == 0);
    let filter = SessionFilter { limit: 10, ..SessionFilter::default() };
    let stored = world.runtime.block_on(world.service.store.sessions(&filter)).expect("sessions");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].channel, medbetjening::domain::Channel::Counter);
    assert_eq!(stored[0].guides.iter().map(|g| g.guide.as_str()).collect::<Vec<_>>(), ["flytning", "mitid"]);
}

#[test]
fn a_scenario_played_wrong_names_each_mistake_and_can_be_tried_again() {
    let world = world();
    let mut harness = trainer(&world);
    start_scenario(&mut harness);
    start_guide(&mut harness, "sundhedskort", "Bestil sundhedskort (det gule kort)");
    // The card is lost, for himself; at the MitID login the trainee marks it as done by staff (S), then on.
    keys(&mut harness, &[Key::Num1, Key::Num1]);
    harness.get_by_role_and_label(Role::Heading, "Log ind med MitID");
    keys(&mut harness, &[Key::S, Key::Num1, Key::ArrowRight, Key::Num1, Key::Num1]);
    harness.get_by_role_and_label(Role::Heading, "Resultat: Gennemført");
    wrap_up_and_log(&mut harness);

    assert!(!shows(&harness, ALL_GOOD));
    assert!(shows(&harness, "Ikke helt endnu – se punkterne markeret „Ret“."));
    let used = "Du brugte 'Bestil sundhedskort (det gule kort)'.";
    assert!(
        shows(
            &harness,
            &format!("✖ Ret: Vejledningen 'Anmeld flytning' blev ikke brugt, men den hører til her. {used}")
        ),
        "{:?}",
        texts(&harness)
    );
    assert!(shows(&harness, "✖ Ret: Vejledningen 'Få MitID' blev ikke brugt"));
    assert!(
        shows(
            &harness,
            "✖ Ret: Trin 'Log ind med MitID': MitID skal borgeren bruge selv – trinnet er markeret som udført af personalet for borgeren."
        ),
        "{:?}",
        texts(&harness)
    );
    assert!(shows(&harness, "✔ I orden: Resultatet 'Gennemført' er det rigtige."), "what went right is said too");

    // The logged session says the same as the feedback: staff took part in the MitID step.
    settle(&mut harness, "sent", |h| h.state().outbox_waiting() == 0);
    let stored =
        world.runtime.block_on(world.service.store.sessions(&SessionFilter { limit: 10, ..SessionFilter::default() }));
    let steps = &stored.expect("sessions")[0].guides[0].steps;
    let login = steps.iter().find(|s| s.step == "log-ind").expect("the login step");
    assert_eq!(login.performed_by, Some(Performer::StaffOnBehalf));

    let first = harness.state().session_id();
    harness.get_by_role_and_label(Role::Button, "Prøv igen").click();
    harness.run_steps(2);
    settle(&mut harness, "a fresh session", |h| h.state().session_id().is_some());
    assert_ne!(harness.state().session_id(), first);
    assert!(!shows(&harness, FEEDBACK), "the feedback window closed");
    assert!(shows(&harness, "Øvelse: Flytning med spærret MitID"));
}
