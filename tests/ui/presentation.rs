//! Presentation mode, through the accessibility tree: a guide on the projector one step at a time, moved with a
//! clicker's and a keyboard's keys and with buttons, in Danish or English — and nothing of the citizen whose tab
//! is open behind it.
use crate::console::{SOREN, SOREN_CPR, open_soren, settle, world};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use medbetjening::console::ConsoleApp;

/// What must never reach the wall while Søren's tab is open: his name, his CPR number in every form the console
/// knows, his phone and district, and his timeline and cases.
const SOREN_SECRETS: [&str; 11] = [
    SOREN,
    "Søren",
    "Østergaard",
    SOREN_CPR,
    "0707614285",
    "070761-XXXX",
    "20304050",
    "Nørrebro",
    "Henvendelse nummer",
    "UDK-2026-000042",
    "Ansøgning om boligstøtte",
];

/// Every text in the accessibility tree, text runs included: labels, values, descriptions and placeholders.
fn every_text(harness: &Harness<'static, ConsoleApp>) -> Vec<String> {
    harness
        .root()
        .children_recursive()
        .flat_map(|node| {
            let node = node.accesskit_node();
            [node.label(), node.value(), node.description(), node.placeholder().map(str::to_owned)]
        })
        .flatten()
        .collect()
}

fn leaks(harness: &Harness<'static, ConsoleApp>) -> Vec<String> {
    let texts = every_text(harness);
    SOREN_SECRETS
        .iter()
        .filter(|secret| texts.iter().any(|t| t.to_lowercase().contains(&secret.to_lowercase())))
        .map(|secret| (*secret).to_owned())
        .collect()
}

fn open_guides(harness: &mut Harness<'static, ConsoleApp>, button: &str) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::G);
    harness.run_steps(2);
    settle(harness, "guides loaded", |h| h.query_by_role_and_label(Role::Button, button).is_some());
}

fn press(harness: &mut Harness<'static, ConsoleApp>, key: Key) {
    harness.key_press(key);
    harness.run_steps(2);
}

/// Asserts the presentation shows this step, and only it.
fn shows_step(harness: &Harness<'static, ConsoleApp>, progress: &str, title: &str) {
    harness.get_by_label(progress);
    let headings: Vec<String> =
        harness.get_all_by_role(Role::Heading).filter_map(|n| n.accesskit_node().label()).collect();
    assert_eq!(headings, [title], "one step at a time ({progress})");
}

#[test]
fn a_presentation_steps_with_clicker_and_keyboard_keys_and_shows_nothing_of_the_open_citizen() {
    let world = world();
    let mut harness = world.console();
    open_soren(&mut harness);
    open_guides(&mut harness, "Præsentér Anmeld flytning");
    // The check below does see Søren while his tab is drawn.
    assert!(leaks(&harness).len() >= 5, "{:?}", leaks(&harness));

    harness.get_by_role_and_label(Role::Button, "Præsentér Anmeld flytning").click();
    harness.run_steps(2);
    // Steps in the file's order, branches not followed: "frist" follows the first step's question.
    let steps = [
        ("Trin 1 af 9", "Kan flytningen anmeldes her?"),
        ("Trin 2 af 9", "Tjek fristen"),
        ("Trin 3 af 9", "Log ind med MitID"),
        ("Trin 4 af 9", "Ny adresse og dato"),
    ];
    shows_step(&harness, steps[0].0, steps[0].1);
    harness.get_by_label("Anmeld flytning");
    assert!(every_text(&harness).iter().any(|t| t == "Endnu ingenting — vi taler først om flytningen."));
    assert_eq!(leaks(&harness), Vec::<String>::new(), "{:?}", every_text(&harness));
    for (key, (progress, title)) in [Key::PageDown, Key::ArrowRight, Key::Space].into_iter().zip(&steps[1..]) {
        press(&mut harness, key);
        shows_step(&harness, progress, title);
        assert_eq!(leaks(&harness), Vec::<String>::new(), "{:?}", every_text(&harness));
    }
    press(&mut harness, Key::PageUp);
    shows_step(&harness, steps[2].0, steps[2].1);
    assert!(
        every_text(&harness).iter().any(|t| t.contains("Log selv ind med dit MitID")),
        "a MitID step tells the room to type their own MitID"
    );
    assert_eq!(leaks(&harness), Vec::<String>::new(), "{:?}", every_text(&harness));
    // Nothing of the console is drawn: no tabs, no lookup, no timeline, no session controls.
    assert!(harness.query_by_role(Role::TextInput).is_none(), "{:?}", every_text(&harness));
    assert!(harness.query_by_role(Role::Tab).is_none());

    press(&mut harness, Key::Escape);
    harness.get_by_role_and_label(Role::Heading, SOREN);
    assert!(harness.query_by_label("Trin 3 af 9").is_none(), "Escape leaves the presentation");
}

#[test]
fn f5_presents_the_running_guide_where_it_is_in_either_language_and_buttons_move_too() {
    let world = world();
    let mut harness = world.console();
    open_guides(&mut harness, "Start Anmeld flytning");
    harness.get_by_role_and_label(Role::Button, "Start Anmeld flytning").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "1. Fra en adresse i Danmark").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Heading, "Tjek fristen");

    press(&mut harness, Key::F5);
    shows_step(&harness, "Trin 2 af 9", "Tjek fristen");
    press(&mut harness, Key::L);
    shows_step(&harness, "Step 2 of 9", "Check the deadline");
    harness.get_by_role_and_label(Role::Button, "Next step").click();
    harness.run_steps(2);
    shows_step(&harness, "Step 3 of 9", "Log in with MitID");
    harness.get_by_role_and_label(Role::Button, "Previous step").click();
    harness.run_steps(2);
    shows_step(&harness, "Step 2 of 9", "Check the deadline");
    press(&mut harness, Key::End);
    shows_step(&harness, "Step 9 of 9", "Check and submit");
    press(&mut harness, Key::PageDown);
    shows_step(&harness, "Step 9 of 9", "Check and submit");
    press(&mut harness, Key::Home);
    shows_step(&harness, "Step 1 of 9", "Can the move be reported here?");
    harness.get_by_role_and_label(Role::Button, "Show in Danish").click();
    harness.run_steps(2);
    shows_step(&harness, "Trin 1 af 9", "Kan flytningen anmeldes her?");

    harness.get_by_role_and_label(Role::Button, "Afslut præsentation").click();
    harness.run_steps(2);
    // Presenting is not running: the walkthrough is where staff left it.
    harness.get_by_role_and_label(Role::Heading, "Tjek fristen");
    let runs = harness.state().guide_runs().expect("the walkthrough");
    assert_eq!(runs[0].steps.len(), 2, "{:?}", runs[0].steps);
}

#[test]
fn in_the_smallest_window_the_controls_fit_side_by_side() {
    let world = world();
    let mut harness = world.console();
    open_guides(&mut harness, "Præsentér Anmeld flytning");
    harness.get_by_role_and_label(Role::Button, "Præsentér Anmeld flytning").click();
    harness.run_steps(2);
    // The console's smallest window, as on an old 4:3 projector.
    harness.set_size(egui::vec2(960.0, 600.0));
    harness.run_steps(3);
    shows_step(&harness, "Trin 1 af 9", "Kan flytningen anmeldes her?");
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(960.0, 600.0));
    let buttons: Vec<egui::Rect> = ["Forrige trin", "Næste trin", "Vis på engelsk", "Afslut præsentation"]
        .iter()
        .map(|name| harness.get_by_role_and_label(Role::Button, name).rect())
        .collect();
    for (index, button) in buttons.iter().enumerate() {
        assert!(window.contains_rect(*button), "button {index} {button:?} is outside the window");
        for other in &buttons[index + 1..] {
            assert!(!button.intersects(*other), "{button:?} overlaps {other:?}");
        }
    }
}
