//! Group sessions in the console, through the accessibility tree: a session for eight seniors at a library, two of
//! them identified from an imported participant list (whose bad row is reported by line), one added by CPR number
//! and five only counted; logged through the outbox and found in exactly those three histories.
use crate::console::{JOHN, KAREN, SOREN, open_soren, settle, shows, texts, timeline_rows, world};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use medbetjening::console::ConsoleApp;
use medbetjening::console::group::csv::read_participants;
use medbetjening::domain::{Channel, Cpr};
use medbetjening::history::store::CitizenLookup;

const OPEN: &str = "👥 Gruppeforløb";
const CPR_FIELD: &str = "CPR-nummer på deltager";
const LOG: &str = "✔ Log gruppeforløb";

/// What a library's sign-up sheet looks like after a session: semicolons, Danish headers, one mistyped number.
/// The fifth person is Anna Hansen, who did not want to be identified.
const SHEET: &str = "navn;cpr;samtykke\n\
                     Søren Østergaard;070761-4285;ja\n\
                     Karen Abildgaard;1512701234;ja\n\
                     Deltager tre;;nej\n\
                     Deltager fire;;nej\n\
                     Anna Hansen;0101901234;nej\n\
                     Deltager seks;;nej\n\
                     Deltager syv;;nej\n\
                     Forkert nummer;310299-1234;ja\n";

fn click(harness: &mut Harness<'static, ConsoleApp>, role: Role, label: &str) {
    harness.get_by_role_and_label(role, label).click();
    harness.run_steps(2);
}

fn citizen(world: &crate::console::World, cpr: &str) -> uuid::Uuid {
    let lookup = CitizenLookup::Cpr(Cpr::parse(cpr).expect("cpr"));
    world.runtime.block_on(world.service.store.find_citizens(&lookup, false, 1)).expect("lookup")[0].id
}

/// Group-session rows in a citizen's stored timeline.
fn group_rows(world: &crate::console::World, citizen: uuid::Uuid) -> Vec<String> {
    let events = world.runtime.block_on(world.service.store.all_events(citizen)).expect("events");
    events.into_iter().filter(|e| e.channel == Channel::GroupTraining).map(|e| e.summary).collect()
}

#[test]
fn a_group_session_from_a_participant_list_reaches_exactly_the_identified_participants_histories() {
    let world = world();
    let mut harness = world.console();
    settle(&mut harness, "outbox open", |h| h.state().outbox().is_some());
    click(&mut harness, Role::Button, OPEN);
    settle(&mut harness, "guides in the window", |h| h.query_by_role_and_label(Role::CheckBox, "Få MitID").is_some());

    // The guide used gives the topic.
    click(&mut harness, Role::CheckBox, "Få MitID");
    assert!(shows(&harness, "23.15.25 Digital identitet (MitID)"), "{:?}", texts(&harness));

    // The sign-up sheet, read as the import dialog would read the chosen file.
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("deltagere.csv");
    std::fs::write(&path, SHEET).expect("sheet");
    harness.state_mut().import_participants(read_participants(&path));
    settle(&mut harness, "participants looked up", |h| shows(h, &format!("{SOREN} (070761-XXXX)")));
    assert!(shows(&harness, KAREN), "{:?}", texts(&harness));
    assert!(shows(&harness, "Deltagerliste læst: 2 med samtykke, 5 anonyme."));
    assert!(
        shows(&harness, "linje 9: CPR-nummeret er ugyldigt: dagen (ciffer 1–2) findes ikke i den måned"),
        "the bad row by line: {:?}",
        texts(&harness)
    );
    assert!(!shows(&harness, "Anna Hansen"), "a participant without consent is only counted");

    // John signed up at the door: added by his CPR number.
    let field = harness.get_by_role_and_label(Role::TextInput, CPR_FIELD);
    field.focus();
    harness.run();
    harness.get_by_role_and_label(Role::TextInput, CPR_FIELD).type_text("200288-1234");
    harness.run_steps(2);
    click(&mut harness, Role::Button, "Tilføj");
    settle(&mut harness, "John added", |h| shows(h, &format!("{JOHN} (200288-XXXX)")));
    assert!(shows(&harness, "Identificerede deltagere (3)"), "{:?}", texts(&harness));
    assert!(shows(&harness, "Heraf anonyme deltagere: 5"), "{:?}", texts(&harness));
    assert!(!shows(&harness, "200288-1234"), "the typed number does not linger");

    click(&mut harness, Role::Button, LOG);
    settle(&mut harness, "logged and sent", |h| {
        shows(h, "Gruppeforløbet er logget: 8 deltagere, heraf 3 identificeret.") && h.state().outbox_waiting() == 0
    });

    // In the three histories, once each, naming nobody; not in Anna Hansen's.
    for (name, cpr) in [(SOREN, "0707614285"), (KAREN, "1512701234"), (JOHN, "2002881234")] {
        let rows = group_rows(&world, citizen(&world, cpr));
        assert_eq!(rows.len(), 1, "{name}: {rows:?}");
        assert!(rows[0].contains("8 deltagere") && !rows[0].contains("Hansen"), "{}", rows[0]);
    }
    assert!(group_rows(&world, citizen(&world, "0101901234")).is_empty(), "Anna Hansen only took part");

    // And in the console, in Søren's timeline.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::U);
    harness.run_steps(2);
    assert!(harness.query_by_role_and_label(Role::Button, LOG).is_none(), "the window closed");
    open_soren(&mut harness);
    let rows = timeline_rows(&harness);
    let row = rows.iter().find(|r| r.contains("Gruppeforløb om Digital identitet (MitID)")).expect("the group row");
    click(&mut harness, Role::Button, row);
    settle(&mut harness, "the session behind the row", |h| shows(h, "Vej gennem vejledningen: Få MitID"));
}

#[test]
fn the_form_says_what_is_missing_and_a_list_without_consent_column_is_refused() {
    let world = world();
    let mut harness = world.console();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::U);
    harness.run_steps(2);
    click(&mut harness, Role::Button, LOG);
    assert!(shows(&harness, "Vælg et emne for forløbet."), "{:?}", texts(&harness));

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("liste.csv");
    std::fs::write(&path, "navn;cpr\nSøren Østergaard;070761-4285\n").expect("sheet");
    harness.state_mut().import_participants(read_participants(&path));
    harness.run_steps(2);
    assert!(shows(&harness, "Filen mangler en kolonne med overskriften samtykke"), "{:?}", texts(&harness));
    assert!(!shows(&harness, SOREN), "nobody is looked up from a list that cannot say who agreed");

    harness.get_by_role_and_label(Role::TextInput, CPR_FIELD).focus();
    harness.run();
    harness.get_by_role_and_label(Role::TextInput, CPR_FIELD).type_text("070761-428");
    harness.run_steps(2);
    click(&mut harness, Role::Button, "Tilføj");
    assert!(shows(&harness, "et CPR-nummer har 10 cifre, dette har 9"), "{:?}", texts(&harness));
}
