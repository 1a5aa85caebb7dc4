//! The frame around the features: the key lines on screen are the command table, and the keys in them act.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use medbetjening::console::keys::{self, Shortcut};
use medbetjening::domain::Language;

use crate::console::{SOREN, open_soren, settle, shows, world};

#[test]
fn the_shortcut_lines_on_screen_come_from_the_command_table() {
    let world = world();
    let mut harness = world.console();
    let bottom = keys::line(&keys::BOTTOM_LINE, Language::Da);
    assert!(bottom.starts_with("Ctrl+F: find borger · Ctrl+L: skjul oplysninger"), "{bottom}");
    harness.get_by_label(&bottom);
    // The session strip's line, and the key it names for starting a session does so.
    open_soren(&mut harness);
    harness.get_by_label(&keys::line(&keys::SESSION_LINE, Language::Da));
    let start = Shortcut::StartSession.keys().expect("Ctrl+N");
    harness.key_press_modifiers(start.modifiers, start.logical_key);
    settle(&mut harness, "a session", |h| h.state().session_id().is_some());
    // In English, the same table in English words.
    harness.get_by_role_and_label(Role::ComboBox, "Sprog").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "English").click();
    harness.run_steps(2);
    harness.get_by_label(&keys::line(&keys::BOTTOM_LINE, Language::En));
}

#[test]
fn a_key_in_the_bottom_line_does_what_the_line_says() {
    let world = world();
    let mut harness = world.console();
    open_soren(&mut harness);
    assert!(shows(&harness, SOREN));
    let privacy = Shortcut::Privacy.keys().expect("Ctrl+L");
    harness.key_press_modifiers(privacy.modifiers, privacy.logical_key);
    harness.run_steps(2);
    assert!(!shows(&harness, SOREN), "{} turns the privacy screen on", Shortcut::Privacy.key_text(Language::Da));
    harness.key_press_modifiers(privacy.modifiers, privacy.logical_key);
    harness.run_steps(2);
    assert!(shows(&harness, SOREN), "and off again");
}
