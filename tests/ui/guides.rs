//! Guides in the console, through the accessibility tree: searching the library in both languages, suggestions
//! from a citizen's history, a branching guide run to its end from the keyboard, the MitID step hiding personal
//! data, and the citizen view in the citizen's language.
use crate::console::{JOHN, KAREN, SOREN, look_up, open_soren, settle, shows, texts, world};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use medbetjening::console::ConsoleApp;
use medbetjening::domain::{Outcome, Performer};

const GUIDE_SEARCH: &str = "Søg i vejledninger";

fn open_guides(harness: &mut Harness<'static, ConsoleApp>) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::G);
    harness.run_steps(2);
}

fn search_guides(harness: &mut Harness<'static, ConsoleApp>, label: &str, text: &str) {
    let field = harness.get_by_role_and_label(Role::TextInput, label);
    field.focus();
    field.type_text(text);
    harness.run_steps(2);
}

fn start_buttons(harness: &Harness<'static, ConsoleApp>) -> Vec<String> {
    texts(harness).into_iter().filter(|t| t.starts_with("Start ")).collect()
}

#[test]
fn the_library_is_searched_in_danish_and_in_english() {
    let world = world();
    let mut harness = world.console();
    open_guides(&mut harness);
    settle(&mut harness, "guides loaded", |h| h.query_by_role_and_label(Role::TextInput, GUIDE_SEARCH).is_some());
    assert!(start_buttons(&harness).len() >= 18, "the whole library is listed: {:?}", start_buttons(&harness));
    search_guides(&mut harness, GUIDE_SEARCH, "sundhedskort");
    let found = start_buttons(&harness);
    assert!(
        found.contains(&"Start Bestil sundhedskort".to_owned()) || found.iter().any(|b| b.contains("sundhedskort")),
        "{found:?}"
    );
    assert!(found.len() < 18, "the search narrows the list: {found:?}");
    assert!(!found.iter().any(|b| b.contains("Pas")), "{found:?}");

    harness.get_by_role_and_label(Role::ComboBox, "Sprog").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "English").click();
    harness.run_steps(2);
    let field = harness.get_by_role_and_label(Role::TextInput, "Search guides");
    field.focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run_steps(1);
    search_guides(&mut harness, "Search guides", "moving");
    let found = start_buttons(&harness);
    assert!(found.contains(&"Start Report a move".to_owned()), "English words find English titles: {found:?}");
    assert!(found.len() < 18, "{found:?}");
}

#[test]
fn an_abandoned_attempt_suggests_its_guide_and_says_why() {
    let world = world();
    let mut harness = world.console();
    look_up(&mut harness, KAREN);
    settle(&mut harness, "Karen opened", |h| h.query_by_role_and_label(Role::Heading, KAREN).is_some());
    open_guides(&mut harness);
    settle(&mut harness, "suggestions", |h| shows(h, "Forslag ud fra borgerens historik"));
    harness.get_by_role_and_label(Role::Button, "▶ Anmeld flytning");
    let reasons: Vec<String> = texts(&harness).into_iter().filter(|t| t.starts_with("Afbrudt selvbetjening")).collect();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].contains("Flytteanmeldelse påbegyndt, ikke afsluttet"),
        "the reason quotes where they got stuck: {reasons:?}"
    );
    // A citizen without such history gets no suggestions.
    look_up(&mut harness, JOHN);
    settle(&mut harness, "John opened", |h| h.query_by_role_and_label(Role::Heading, JOHN).is_some());
    assert!(!shows(&harness, "Forslag ud fra borgerens historik"));
}

#[test]
fn a_branching_guide_runs_to_its_end_with_the_keyboard_alone() {
    let world = world();
    let mut harness = world.console();
    open_guides(&mut harness);
    settle(&mut harness, "guides loaded", |h| h.query_by_role_and_label(Role::TextInput, GUIDE_SEARCH).is_some());
    // Ctrl+G put the keyboard in the guide search; Enter starts the best match.
    harness.event(egui::Event::Text("anmeld flytning".into()));
    harness.step();
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Heading, "Kan flytningen anmeldes her?");
    // 1: from Denmark · →: deadline · 1: logged in · → address · → who moves · 1: own home · → doctor · → finish.
    for key in [
        Key::Num1,
        Key::ArrowRight,
        Key::Num1,
        Key::ArrowRight,
        Key::ArrowRight,
        Key::Num1,
        Key::ArrowRight,
        Key::ArrowRight,
    ] {
        harness.key_press(key);
        harness.run_steps(2);
    }
    harness.get_by_role_and_label(Role::Heading, "Resultat: Gennemført");
    assert!(shows(&harness, "Sæt dit efternavn på postkassen"), "the end's next steps are shown");
    let runs = harness.state().guide_runs().expect("a walkthrough");
    assert_eq!(runs[0].outcome, Some(Outcome::Completed));
    let path: Vec<&str> = runs[0].steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(
        path,
        ["tjek-forudsaetninger", "frist", "log-ind", "adresse", "hvem-flytter", "saerlige-forhold", "laege", "send"]
    );
    // ← goes back from the end, too.
    harness.key_press(Key::ArrowLeft);
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Heading, "Kontrollér og send");
}

#[test]
fn a_refused_move_is_explained_in_danish() {
    let world = world();
    let mut harness = world.console();
    open_guides(&mut harness);
    settle(&mut harness, "guides loaded", |h| h.query_by_role_and_label(Role::TextInput, GUIDE_SEARCH).is_some());
    harness.event(egui::Event::Text("anmeld flytning".into()));
    harness.step();
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Heading, "Kan flytningen anmeldes her?");
    // ← on the first step is refused, in the staff member's language.
    harness.key_press(Key::ArrowLeft);
    harness.run_steps(2);
    assert!(shows(&harness, "⚠ Det er det første trin."), "{:?}", texts(&harness));
}

#[test]
fn a_mitid_step_hides_the_citizen_and_is_recorded_as_done_by_them() {
    let world = world();
    let mut harness = world.console();
    open_soren(&mut harness);
    open_guides(&mut harness);
    settle(&mut harness, "guides loaded", |h| {
        h.query_by_role_and_label(Role::Button, "Start Anmeld flytning").is_some()
    });
    harness.get_by_role_and_label(Role::Button, "Start Anmeld flytning").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "1. Fra en adresse i Danmark").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "Næste ▶").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Heading, "Log ind med MitID");
    harness.get_by_role_and_label(Role::Heading, "Kig væk — borgeren taster selv sit MitID");
    for secret in ["Søren", "Østergaard", "070761", "20304050", "Henvendelse nummer"] {
        assert!(!shows(&harness, secret), "'{secret}' is on the staff screen during MitID: {:?}", texts(&harness));
    }
    harness.get_by_role_and_label(Role::Button, "1. Ja, logget ind").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Heading, SOREN);
    let runs = harness.state().guide_runs().expect("a walkthrough");
    let login = runs[0].steps.iter().find(|s| s.step == "log-ind").expect("the MitID step");
    assert_eq!(login.performed_by, Some(Performer::CitizenAlone));
}

#[test]
fn the_citizen_view_shows_the_step_in_the_citizens_language_without_staff_notes() {
    let world = world();
    let mut harness = world.console();
    look_up(&mut harness, JOHN);
    settle(&mut harness, "John opened", |h| h.query_by_role_and_label(Role::Heading, JOHN).is_some());
    open_guides(&mut harness);
    settle(&mut harness, "guides loaded", |h| {
        h.query_by_role_and_label(Role::Button, "Start Anmeld flytning").is_some()
    });
    harness.get_by_role_and_label(Role::Button, "Start Anmeld flytning").click();
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run_steps(3);
    // The staff member reads Danish; the citizen's window says the same step in English, and only what they see.
    harness.get_by_role_and_label(Role::Heading, "Kan flytningen anmeldes her?");
    harness.get_by_role_and_label(Role::Heading, "Can the move be reported here?");
    assert!(!shows(&harness, "Before we start: are you moving"), "the staff script is not in the citizen view");
    assert!(!shows(&harness, "Nothing yet — we talk about the move first."), "nor the staff's screen description");
}
