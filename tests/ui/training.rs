//! Training mode through the accessibility tree: a trainer's console carries the training band on every screen
//! it reaches, and a counter clerk's console never does.
use crate::console::{open_soren, settle, shows, texts, world};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use medbetjening::console::ConsoleApp;
use medbetjening::domain::Role as StaffRole;

const BAND: &str = "⚠ TRÆNING / TRAINING";

fn assert_band(harness: &Harness<'static, ConsoleApp>, screen: &str) {
    assert!(harness.state().training(), "{screen}: not in training mode");
    assert!(shows(harness, BAND), "{screen}: no training band in {:?}", texts(harness));
}

fn shortcut(harness: &mut Harness<'static, ConsoleApp>, key: Key) {
    harness.key_press_modifiers(Modifiers::COMMAND, key);
    harness.run_steps(3);
}

#[test]
fn the_training_band_is_on_every_screen_of_a_trainers_console() {
    let world = world();
    let mut harness = world.harness(world.service.token(StaffRole::Trainer));
    settle(&mut harness, "connected", |h| h.state().is_ready());
    assert_band(&harness, "lookup");
    assert!(shows(&harness, "Log ind igen for at forlade træning"), "the band says how to leave");

    open_soren(&mut harness);
    assert_band(&harness, "citizen tab with timeline");

    harness.get_by_role_and_label(Role::Button, "▶ Start henvendelse").click();
    harness.run_steps(3);
    assert_band(&harness, "session started");

    shortcut(&mut harness, Key::G);
    settle(&mut harness, "guides loaded", |h| {
        h.query_by_role_and_label(Role::Button, "Start Anmeld flytning").is_some()
    });
    assert_band(&harness, "guide panel");
    harness.get_by_role_and_label(Role::Button, "Start Anmeld flytning").click();
    harness.run_steps(3);
    assert_band(&harness, "guide running");

    shortcut(&mut harness, Key::E);
    harness.get_by_role_and_label(Role::ComboBox, "Resultat");
    assert_band(&harness, "wrap-up");

    shortcut(&mut harness, Key::Enter);
    settle(&mut harness, "logged", |h| shows(h, "Henvendelsen er logget"));
    assert_band(&harness, "after logging");
    harness.get_by_role_and_label(Role::Button, "📄 Vis kvittering").click();
    // The preview is built in the background: wait for it, not for a number of frames.
    settle(&mut harness, "the receipt preview", |h| {
        h.query_by_role_and_label(Role::Heading, "Det skal du gøre nu").is_some()
    });
    assert_band(&harness, "receipt preview");
    harness.key_press(Key::Escape);
    harness.run_steps(2);

    shortcut(&mut harness, Key::L);
    assert_band(&harness, "privacy screen");
    shortcut(&mut harness, Key::L);

    harness.get_by_role_and_label(Role::Button, "Præsentér Anmeld flytning").click();
    harness.run_steps(3);
    harness.get_by_role_and_label(Role::Button, "Afslut præsentation");
    assert_band(&harness, "presentation mode");
    harness.key_press(Key::Escape);
    harness.run_steps(2);

    shortcut(&mut harness, Key::U);
    assert!(shows(&harness, "Log gruppeforløb"), "group window: {:?}", texts(&harness));
    assert_band(&harness, "group session");
    shortcut(&mut harness, Key::O);
    settle(&mut harness, "scenario list", |h| shows(h, "Flytning med spærret MitID"));
    assert_band(&harness, "scenario list");
}

#[test]
fn a_counter_clerks_console_has_no_training_band() {
    let world = world();
    let mut harness = world.console();
    open_soren(&mut harness);
    assert!(!harness.state().training());
    assert!(!shows(&harness, BAND));
}
