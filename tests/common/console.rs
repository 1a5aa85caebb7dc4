//! The console test world: a real service seeded with known citizens, and helpers to drive the real app
//! through the accessibility tree.
#![allow(dead_code)] // Each UI test binary uses a different part of it.

use std::time::{Duration, Instant};

use chrono::Utc;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use medbetjening::console::{ConsoleApp, Target};
use medbetjening::domain::{CaseStatus, Channel, Language, Role as StaffRole};

use crate::common::{TestService, at, citizen_input, create_citizen, event_input};

pub const SOREN: &str = "Søren Østergaard";
pub const SOREN_CPR: &str = "070761-4285";
pub const KAREN: &str = "Karen Abildgaard";
pub const JOHN: &str = "John Smith";
pub const LOOKUP: &str = "CPR-nummer, telefon eller navn";

pub fn guides_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guides")
}

/// A service with known citizens — Søren with a varied history, two Hansens, Karen with a recent abandoned move,
/// John who prefers English — and the runtime that hosts it.
pub struct World {
    pub runtime: tokio::runtime::Runtime,
    pub service: TestService,
    /// The consoles' own data (the outbox of logged sessions).
    pub data_dir: tempfile::TempDir,
}

pub fn world() -> World {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let service = runtime.block_on(async {
        let service = TestService::start().await;
        let mut soren = citizen_input(SOREN_CPR, SOREN);
        soren.phones = vec!["20304050".into()].into();
        soren.district = "Nørrebro".to_owned().into();
        let id = create_citizen(&service, &soren).await;
        create_citizen(&service, &citizen_input("0101901234", "Anna Hansen")).await;
        create_citizen(&service, &citizen_input("0202851234", "Anne Hansen")).await;
        let integration = service.client(StaffRole::Integration);
        let channels = [Channel::Web, Channel::SelfService, Channel::Phone, Channel::Counter, Channel::DigitalPost];
        for i in 0..40 {
            let channel = channels[i % channels.len()];
            let mut event = event_input(
                id,
                &format!("s-{i}"),
                at(i64::try_from(i).expect("small") * 600),
                channel,
                "borgerservice",
                &format!("Henvendelse nummer {i}"),
            );
            event.abandoned = channel == Channel::SelfService && i % 2 == 1;
            integration.post_event(&event).await.expect("event");
        }
        let karen = create_citizen(&service, &citizen_input("1512701234", KAREN)).await;
        let attempted = Utc::now() - chrono::Duration::days(3);
        let summary = "Flytteanmeldelse påbegyndt, ikke afsluttet";
        let mut abandoned = event_input(karen, "k-1", attempted, Channel::SelfService, "borgerservice", summary);
        abandoned.kle = Some("23.05.10".into());
        abandoned.abandoned = true;
        integration.post_event(&abandoned).await.expect("abandoned attempt");
        let mut john = citizen_input("2002881234", JOHN);
        john.preferred_language = Language::En.into();
        create_citizen(&service, &john).await;
        let mut case = event_input(
            id,
            "case-1",
            at(30_000),
            Channel::SelfService,
            "udbetaling-danmark",
            "Ansøgning om boligstøtte",
        );
        case.case_ref = Some("UDK-2026-000042".into());
        case.status = CaseStatus::Open;
        case.kle = Some("32.06.00".into());
        integration.post_event(&case).await.expect("case");
        service
    });
    World { runtime, service, data_dir: tempfile::tempdir().expect("console data dir") }
}

impl World {
    pub fn harness(&self, token: &str) -> Harness<'static, ConsoleApp> {
        self.harness_stepping(token, 0.02)
    }

    /// A console whose egui clock advances `step_secs` per frame.
    pub fn harness_stepping(&self, token: &str, step_secs: f32) -> Harness<'static, ConsoleApp> {
        self.harness_at(&self.service.url, token, step_secs)
    }

    /// A console on another service address (e.g. a restartable service over the same store).
    pub fn harness_at(&self, url: &str, token: &str, step_secs: f32) -> Harness<'static, ConsoleApp> {
        let target = Target::Server {
            url: url.to_owned(),
            token: token.to_owned(),
            token_file: "token".into(),
            data_dir: self.data_dir.path().to_path_buf(),
            ca_file: None,
        };
        let handle = self.runtime.handle().clone();
        Harness::builder()
            .with_size(egui::vec2(1400.0, 900.0))
            .with_step_dt(step_secs)
            .with_max_steps(200)
            .build_eframe(move |cc| ConsoleApp::new(cc, handle, target, guides_dir(), None))
    }

    pub fn console(&self) -> Harness<'static, ConsoleApp> {
        let mut harness = self.harness(self.service.token(StaffRole::Counter));
        settle(&mut harness, "connected", |h| h.state().is_ready());
        harness
    }
}

/// Steps (in real time, since the service answers on other threads) until `done` holds and nothing is pending.
pub fn settle(
    harness: &mut Harness<'static, ConsoleApp>,
    what: &str,
    done: impl Fn(&Harness<'static, ConsoleApp>) -> bool,
) {
    let started = Instant::now();
    while !done(harness) || harness.state().is_busy() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for: {what} (condition met: {}, console busy: {}); on screen: {}",
            done(harness),
            harness.state().is_busy(),
            texts(harness).join(" | ")
        );
        let before = harness.ctx.input(|i| i.time);
        harness.step();
        // Real time keeps pace with the console's clock while waiting: on a busy machine a slow answer would
        // otherwise let hundreds of frames pass, and a console clock running minutes ahead turns the idle privacy
        // screen on (hiding what the test waits for).
        let frame = harness.ctx.input(|i| i.time) - before;
        std::thread::sleep(Duration::from_secs_f64(frame.clamp(0.005, 0.25)));
    }
    harness.run_steps(3);
}

/// Every label and value in the accessibility tree.
pub fn texts(harness: &Harness<'static, ConsoleApp>) -> Vec<String> {
    harness
        .root()
        .children_recursive()
        // A label's text runs repeat its lines; the label itself carries the whole text.
        .filter(|node| node.accesskit_node().role() != Role::TextRun)
        .flat_map(|node| {
            let node = node.accesskit_node();
            [node.label(), node.value(), node.placeholder().map(str::to_owned)]
        })
        .flatten()
        .collect()
}

pub fn shows(harness: &Harness<'static, ConsoleApp>, needle: &str) -> bool {
    texts(harness).iter().any(|t| t.contains(needle))
}

/// Timeline rows: buttons whose label starts with a clock time.
pub fn timeline_rows(harness: &Harness<'static, ConsoleApp>) -> Vec<String> {
    harness
        .get_all_by_role(Role::Button)
        .filter_map(|node| node.accesskit_node().label())
        .filter(|label| {
            label.len() > 5 && label.as_bytes()[2] == b':' && label[..2].bytes().all(|b| b.is_ascii_digit())
        })
        .collect()
}

pub fn look_up(harness: &mut Harness<'static, ConsoleApp>, text: &str) {
    let field = harness.get_by_role_and_label(Role::TextInput, LOOKUP);
    field.focus();
    field.type_text(text);
    harness.step();
    harness.key_press(Key::Enter);
    harness.step();
}

/// Focuses the lookup field and selects its text, so typing replaces it.
pub fn clear_lookup(harness: &mut Harness<'static, ConsoleApp>) {
    harness.get_by_role_and_label(Role::TextInput, LOOKUP).focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
}

pub fn open_soren(harness: &mut Harness<'static, ConsoleApp>) {
    look_up(harness, SOREN_CPR);
    settle(harness, "Søren's timeline", |h| h.state().loaded_events() > 0 && shows(h, "070761-XXXX"));
}
