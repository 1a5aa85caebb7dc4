//! The insights workspace: there for supervisors and not for counter staff, filters that change what a table
//! says, a bar and a row that open the sessions behind them, and an export that reads back.

use chrono::{Duration, Utc};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use medbetjening::console::ExportKind;
use medbetjening::domain::{
    AssistedSession, AuthorityId, Channel, ContactKind, FailureReason, Outcome, Role as StaffRole,
};
use uuid::Uuid;

use crate::common::{citizen_input, create_citizen};
use crate::console::{World, settle, shows, world};

const BUTTON: &str = "📊 Indsigt";
const AMAGER: &str = "Borgerservice Amager";
const NORREBRO: &str = "Borgerservice Nørrebro";
const SITES_CHART: &str = "Steder side om side, pr. 100 henvendelser";

/// Sessions at two sites for real citizens, over the last weeks: three at Amager (one failure demand), two at
/// Nørrebro.
fn seed(world: &World) {
    let service = &world.service;
    world.runtime.block_on(async {
        let mut input = citizen_input("0303701234", "Rigtig Borger");
        input.fictitious = Some(false);
        let citizen = create_citizen(service, &input).await;
        let staff = service.staff_id(StaffRole::Counter);
        for (index, site) in [AMAGER, AMAGER, AMAGER, NORREBRO, NORREBRO].into_iter().enumerate() {
            let started_at = Utc::now() - Duration::days(3 + 7 * i64::try_from(index).expect("small"));
            let session = AssistedSession {
                id: Uuid::new_v4(),
                citizen_id: Some(citizen),
                staff_id: staff,
                channel: Channel::Counter,
                authority: AuthorityId("borgerservice".into()),
                site: site.into(),
                started_at,
                ended_at: started_at + Duration::minutes(12),
                kle: None,
                guides: Vec::new(),
                outcome: Outcome::Completed,
                contact_kind: ContactKind::Information,
                summary: "Vejledning".into(),
                next_steps: Vec::new(),
                notes: String::new(),
                digital_readiness_after: None,
                referral: None,
                failure_demand: (index == 0).then_some(FailureReason::LetterNotUnderstood),
                could_self_serve: None,
                group: None,
            };
            service.store.put_session(&session, &[], Utc::now()).await.expect("session");
        }
    });
}

fn supervisor(world: &World) -> egui_kittest::Harness<'static, medbetjening::console::ConsoleApp> {
    let mut harness = world.harness(world.service.token(StaffRole::Supervisor));
    settle(&mut harness, "connected", |h| h.state().is_ready());
    harness
}

fn open_workspace(harness: &mut egui_kittest::Harness<'static, medbetjening::console::ConsoleApp>) {
    harness.get_by_role_and_label(Role::Button, BUTTON).click();
    harness.step();
    settle(harness, "the charts", |h| shows(h, SITES_CHART));
}

fn show_sessions(site: &str) -> String {
    format!("Vis sessioner: {site}")
}

#[test]
fn the_workspace_is_there_for_a_supervisor_and_not_for_counter_staff() {
    let world = world();
    let mut counter = world.console();
    assert!(counter.query_by_role_and_label(Role::Button, BUTTON).is_none(), "no insights for counter staff");
    counter.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    counter.run_steps(3);
    assert!(!shows(&counter, "Henvendelser pr. uge og kanal"), "nor by its key");
    let mut harness = supervisor(&world);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    harness.step();
    settle(&mut harness, "the workspace by Ctrl+I", |h| shows(h, "Henvendelser pr. uge og kanal"));
}

#[test]
fn a_filter_changes_a_table_and_a_bar_and_a_row_open_the_sessions_behind_them() {
    let world = world();
    seed(&world);
    let mut harness = supervisor(&world);
    open_workspace(&mut harness);
    harness.get_by_role_and_label(Role::Button, &show_sessions(NORREBRO));
    // Only Amager: the sites table loses Nørrebro.
    let field = harness.get_by_role_and_label(Role::TextInput, "Sted");
    field.focus();
    field.type_text(AMAGER);
    harness.step();
    harness.get_by_role_and_label(Role::Button, "Opdatér").click();
    harness.step();
    settle(&mut harness, "the filtered charts", |h| {
        h.query_by_role_and_label(Role::Button, &show_sessions(NORREBRO)).is_none()
    });
    harness.get_by_role_and_label(Role::Button, &show_sessions(AMAGER));
    // The one bar left in the sites chart opens Amager's sessions.
    harness.get_by_role_and_label(Role::Image, SITES_CHART).scroll_to_me();
    harness.run_steps(3);
    harness.get_by_role_and_label(Role::Image, SITES_CHART).click();
    harness.step();
    settle(&mut harness, "the sessions behind the bar", |h| shows(h, &format!("Sessionerne bag: {AMAGER}")));
    let opens = |h: &egui_kittest::Harness<'static, medbetjening::console::ConsoleApp>| {
        h.get_all_by_role(Role::Button)
            .filter(|n| n.accesskit_node().label().is_some_and(|l| l.starts_with("Åbn ")))
            .count()
    };
    assert_eq!(opens(&harness), 3, "three sessions at Amager");
    // A row of the failure-demand table opens the one session marked so.
    harness.get_by_role_and_label(Role::Button, "Vis sessioner: Forstod ikke et brev fra os").click();
    harness.step();
    settle(&mut harness, "the sessions behind the row", |h| shows(h, "Sessionerne bag: Forstod ikke et brev fra os"));
    assert_eq!(opens(&harness), 1);
}

#[test]
fn the_tables_on_screen_export_to_a_file_that_reads_back() {
    let world = world();
    seed(&world);
    let mut harness = supervisor(&world);
    open_workspace(&mut harness);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("indsigt.csv");
    harness.state_mut().export_insights_to(ExportKind::Screen, path.clone());
    settle(&mut harness, "the file saved", |h| shows(h, "Gemt: indsigt.csv"));
    let text = std::fs::read_to_string(&path).expect("a UTF-8 file");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark for spreadsheets");
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| *l == "Sted;Henvendelser;Unødvendige pr. 100;Afsluttet straks pr. 100");
    let header = header.expect("the sites table");
    let rows: Vec<Vec<&str>> = lines[header + 1..header + 3].iter().map(|l| l.split(';').collect()).collect();
    assert_eq!(rows[0], [AMAGER, "3", "33.3", "100.0"]);
    assert_eq!(rows[1], [NORREBRO, "2", "0.0", "100.0"]);
}
