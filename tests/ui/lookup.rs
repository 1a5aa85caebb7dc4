//! The console as staff use it: the real app (`build_eframe`) against a real in-process contact-history service,
//! driven and checked through the accessibility tree (role + label), never through pixels.
use std::time::{Duration, Instant};

use crate::console::{
    SOREN, SOREN_CPR, World, clear_lookup, guides_dir, look_up, open_soren, settle, shows, texts, timeline_rows, world,
};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use medbetjening::console::{ConsoleApp, Target};
use medbetjening::domain::Role as StaffRole;

#[test]
fn lookup_by_cpr_shows_name_and_masked_cpr_only() {
    let world = world();
    let mut harness = world.console();
    open_soren(&mut harness);
    harness.get_by_role_and_label(Role::Heading, SOREN);
    assert!(shows(&harness, "070761-XXXX"));
    assert!(
        !shows(&harness, "4285"),
        "the full number is not shown until asked for, and the lookup field is cleared: {:?}",
        texts(&harness).iter().filter(|t| t.contains("4285")).collect::<Vec<_>>()
    );
    assert!(shows(&harness, "UDK-2026-000042"), "the open case is listed");
    // Abandoned self-service attempts are marked in words (filtered to self-service so they are in view).
    harness.get_by_role_and_label(Role::Button, "📝 Selvbetjening").click();
    harness.step();
    settle(&mut harness, "the self-service contacts", |h| {
        let rows = timeline_rows(h);
        !rows.is_empty() && rows.iter().all(|r| r.contains("Selvbetjening"))
    });
    assert!(shows(&harness, "⚠ Afbrudt selvbetjening"), "{:?}", timeline_rows(&harness));
    // Showing the full number is a deliberate action (and audited by the service).
    harness.get_by_role_and_label(Role::Button, "👁 Vis fuldt nummer").click();
    settle(&mut harness, "the revealed number", |h| shows(h, SOREN_CPR));
}

#[test]
fn lookup_by_phone_with_country_code() {
    let world = world();
    let mut harness = world.console();
    look_up(&mut harness, "+45 20 30 40 50");
    settle(&mut harness, "Søren by phone", |h| h.state().loaded_events() > 0);
    harness.get_by_role_and_label(Role::Heading, SOREN);
}

#[test]
fn an_invalid_cpr_number_says_why_before_anything_is_sent() {
    let world = world();
    let mut harness = world.console();
    look_up(&mut harness, "310299-1234");
    harness.run_steps(2);
    assert!(
        shows(&harness, "Ugyldigt CPR-nummer: dagen (ciffer 1–2) findes ikke i den måned"),
        "{:?}",
        texts(&harness)
    );
}

#[test]
fn filtering_to_one_channel_shows_only_that_channel() {
    let world = world();
    let mut harness = world.console();
    open_soren(&mut harness);
    let before = timeline_rows(&harness);
    assert!(before.iter().any(|r| r.contains("Hjemmeside")) && before.iter().any(|r| r.contains("Telefon")));
    harness.get_by_role_and_label(Role::Button, "📞 Telefon").click();
    harness.step();
    settle(&mut harness, "the phone-only timeline", |h| {
        let rows = timeline_rows(h);
        !rows.is_empty() && rows.iter().all(|r| r.contains("📞 Telefon"))
    });
    let rows = timeline_rows(&harness);
    assert_eq!(harness.state().loaded_events(), 8, "the service sent only the phone contacts");
    assert!(rows.len() >= 5, "the visible rows are phone contacts: {rows:?}");
    for other in ["Hjemmeside", "Skranke", "Selvbetjening", "Digital Post"] {
        assert!(rows.iter().all(|r| !r.contains(other)), "{other} in {rows:?}");
    }
}

#[test]
fn a_second_citizen_opens_in_a_tab_and_switching_back_works() {
    let world = world();
    let mut harness = world.console();
    open_soren(&mut harness);
    clear_lookup(&mut harness);
    look_up(&mut harness, "Anna Hansen");
    settle(&mut harness, "Anna's tab", |h| h.query_by_role_and_label(Role::Heading, "Anna Hansen").is_some());
    assert!(harness.query_by_role_and_label(Role::Heading, SOREN).is_none(), "only the active tab's card is drawn");
    harness.get_by_role_and_label(Role::Button, &format!("👤 {SOREN}")).click();
    settle(&mut harness, "back on Søren", |h| h.query_by_role_and_label(Role::Heading, SOREN).is_some());
    assert!(harness.query_by_role_and_label(Role::Heading, "Anna Hansen").is_none());
    harness.get_by_role_and_label(Role::Button, "👤 Anna Hansen");
    assert!(shows(&harness, "Anna Hansen · 010190-XXXX"), "recent citizens list both");
}

#[test]
fn the_privacy_screen_removes_every_trace_of_the_citizen() {
    let world = world();
    let mut harness = world.console();
    open_soren(&mut harness);
    harness.get_by_role_and_label(Role::Button, "👁 Vis fuldt nummer").click();
    settle(&mut harness, "revealed", |h| shows(h, SOREN_CPR));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run_steps(2);
    for secret in ["Søren", "Østergaard", "070761", "4285", "20304050", "Henvendelse nummer"] {
        assert!(!shows(&harness, secret), "'{secret}' is still in the tree: {:?}", texts(&harness));
    }
    harness.get_by_role_and_label(Role::Heading, "Oplysningerne er skjult");
    harness.get_by_role_and_label(Role::Button, "Vis oplysningerne igen").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Heading, SOREN);
}

#[test]
fn the_privacy_screen_comes_on_by_itself_after_idle_time() {
    let world = world();
    // A second of egui time per frame; the default idle time is three minutes.
    let mut harness = world.harness_stepping(world.service.token(StaffRole::Counter), 1.0);
    settle(&mut harness, "connected", |h| h.state().is_ready());
    open_soren(&mut harness);
    let steps = (0..400).take_while(|_| {
        harness.step();
        shows(&harness, SOREN)
    });
    let idle_secs = steps.count();
    assert!(!shows(&harness, SOREN), "idle time turned the privacy screen on");
    assert!((170..=200).contains(&idle_secs), "after about three minutes, not {idle_secs} s");
}

#[test]
fn switching_language_changes_the_labels() {
    let world = world();
    let mut harness = world.console();
    harness.get_by_role_and_label(Role::Heading, "Find borger");
    harness.get_by_role_and_label(Role::ComboBox, "Sprog").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "English").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Heading, "Find citizen");
    harness.get_by_role_and_label(Role::TextInput, "CPR number, phone or name");
    assert!(harness.query_by_role_and_label(Role::Heading, "Find borger").is_none());
    harness.get_by_role_and_label(Role::Button, "🔒 Hide details");
}

#[test]
fn the_lookup_path_works_with_the_keyboard_alone() {
    let world = world();
    let mut harness = world.console();
    // Ctrl+F, type, Enter: the result list; Enter on the focused first result; Down for the first contact.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.step();
    harness.event(egui::Event::Text("Hansen".into()));
    harness.step();
    harness.key_press(Key::Enter);
    settle(&mut harness, "two results", |h| shows(h, "2 borgere fundet"));
    harness.key_press(Key::Enter);
    settle(&mut harness, "Anna opened", |h| h.query_by_role_and_label(Role::Heading, "Anna Hansen").is_some());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(egui::Event::Text(SOREN_CPR.into()));
    harness.step();
    harness.key_press(Key::Enter);
    settle(&mut harness, "Søren opened", |h| {
        h.state().loaded_events() > 0 && h.query_by_role_and_label(Role::Heading, SOREN).is_some()
    });
    // Leave the text field, then walk the timeline.
    harness.key_press(Key::Escape);
    harness.step();
    harness.key_press(Key::ArrowDown);
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Heading, "Detaljer");
    assert!(shows(&harness, "Ansøgning om boligstøtte"), "the newest contact's details are shown");
    harness.key_press(Key::ArrowDown);
    harness.run_steps(2);
    assert!(shows(&harness, "Henvendelse nummer 39"));
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(harness.query_by_role_and_label(Role::Heading, "Detaljer").is_none());
}

/// Fails if any interactive node lacks an accessible name, on each main screen.
#[test]
fn every_interactive_node_has_a_name_on_every_main_screen() {
    let world = world();
    let mut harness = world.console();
    let check = |harness: &Harness<'static, ConsoleApp>, screen: &str| {
        let interactive =
            [Role::Button, Role::TextInput, Role::ComboBox, Role::CheckBox, Role::Link, Role::Tab, Role::RadioButton];
        let mut checked = 0;
        for node in harness.root().children_recursive() {
            let node = node.accesskit_node();
            let focusable = node.data().supports_action(egui::accesskit::Action::Focus);
            if interactive.contains(&node.role()) || focusable {
                checked += 1;
                let name = node.label().unwrap_or_default();
                assert!(!name.trim().is_empty(), "{screen}: a {:?} has no accessible name", node.role());
            }
        }
        assert!(checked > 3, "{screen}: the check saw the controls ({checked})");
    };
    check(&harness, "lookup");
    look_up(&mut harness, "Hansen");
    settle(&mut harness, "results", |h| shows(h, "2 borgere fundet"));
    check(&harness, "result list");
    clear_lookup(&mut harness);
    open_soren(&mut harness);
    let first_row = timeline_rows(&harness).remove(0);
    harness.get_by_role_and_label(Role::Button, &first_row).click();
    harness.run_steps(2);
    check(&harness, "citizen with details");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::G);
    settle(&mut harness, "guides", |h| shows(h, "Start Anmeld flytning"));
    check(&harness, "guide library");
    harness.get_by_role_and_label(Role::Button, "Start Anmeld flytning").click();
    harness.run_steps(2);
    check(&harness, "guide runner");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run_steps(2);
    check(&harness, "privacy screen");
}

#[test]
fn a_refused_token_or_unreachable_service_gives_a_clear_screen() {
    let world = world();
    let mut harness = world.harness("mbj_wrong");
    settle(&mut harness, "the refusal", |h| shows(h, "Din adgang til kontakthistorikken virker ikke"));
    harness.get_by_role_and_label(Role::Button, "Prøv igen");
    // The command-line details are for IT support, folded until asked for.
    assert!(!shows(&harness, "Tjenesten afviste adgangsnøglen"));
    harness.get_by_label("Oplysninger til IT-support").click();
    settle(&mut harness, "the details", |h| shows(h, "Tjenesten afviste adgangsnøglen"));

    let handle = world.runtime.handle().clone();
    let target = Target::Server {
        url: "http://127.0.0.1:9".into(),
        token: "x".into(),
        token_file: "token".into(),
        data_dir: world.data_dir.path().to_path_buf(),
        ca_file: None,
    };
    let mut harness = Harness::builder()
        .with_step_dt(0.02)
        .with_max_steps(200)
        .build_eframe(move |cc| ConsoleApp::new(cc, handle, target, guides_dir(), None));
    settle(&mut harness, "unreachable", |h| shows(h, "Kontakt IT-support"));
    harness.get_by_label("Oplysninger til IT-support").click();
    settle(&mut harness, "the details", |h| shows(h, "svarer ikke"));
}

#[test]
fn a_missing_ca_file_is_a_failure_screen_that_names_it() {
    let world = world();
    let handle = world.runtime.handle().clone();
    let target = Target::Server {
        url: world.service.url.clone(),
        token: world.service.token(StaffRole::Counter).to_owned(),
        token_file: "token".into(),
        data_dir: world.data_dir.path().to_path_buf(),
        ca_file: Some(world.data_dir.path().join("kommune-ca.pem")),
    };
    let mut harness = Harness::builder()
        .with_step_dt(0.02)
        .with_max_steps(200)
        .build_eframe(move |cc| ConsoleApp::new(cc, handle, target, guides_dir(), None));
    settle(&mut harness, "the CA failure", |h| shows(h, "Kontakt IT-support"));
    harness.get_by_label("Oplysninger til IT-support").click();
    settle(&mut harness, "the details", |h| shows(h, "kommune-ca.pem"));
    harness.get_by_role_and_label(Role::Button, "Prøv igen");
}

#[test]
fn losing_the_service_shows_reconnecting_then_offline() {
    let world = world();
    let mut harness = world.harness_stepping(world.service.token(StaffRole::Counter), 1.0);
    settle(&mut harness, "connected", |h| h.state().is_ready());
    harness.get_by_role_and_label(Role::Label, "✔ Forbundet");
    let World { runtime, service, .. } = world;
    drop(service);
    let started = Instant::now();
    let mut saw_reconnecting = false;
    while !shows(&harness, "✖ Ingen forbindelse") {
        assert!(started.elapsed() < Duration::from_secs(20), "the console noticed the service is gone");
        saw_reconnecting |= shows(&harness, "⟳ Genopretter forbindelsen");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(saw_reconnecting, "it tried to reconnect before giving up");
    // A lookup now fails in the staff member's language, with a way to try again.
    look_up(&mut harness, "Hansen");
    settle(&mut harness, "the failed search", |h| shows(h, "Ingen forbindelse til kontakthistorikken"));
    harness.get_by_role_and_label(Role::Button, "Prøv igen");
    drop(runtime);
}
