//! Console speed, headless: the real app against a real in-process service over a demo store in which one
//! citizen has more than 10,000 contacts.
//!
//! Measures (release build, `cargo bench --bench console`):
//! - open citizen: from Enter in the lookup field to the frame that draws the first timeline page;
//! - frame CPU time (egui pass + tessellation) while scrolling the fully loaded 10,000-contact timeline;
//! - frame CPU time while typing into the timeline's search field with that timeline shown.
//!
//! Frames are stepped through `egui_kittest`, which also builds the AccessKit tree every frame, so the figures are
//! an upper bound on what the real window spends when no screen reader is attached.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use medbetjening::console::{ConsoleApp, Target};
use medbetjening::domain::Role as StaffRole;
use medbetjening::history::demo::{self, DemoOptions, HEAVY_EVENTS};
use medbetjening::history::service::{self, AppState};
use medbetjening::history::store::Store;

const OPEN_RUNS: usize = 40;
const SCROLL_FRAMES: usize = 600;
const TYPING_FRAMES: usize = 300;

struct Stats {
    name: &'static str,
    samples: Vec<Duration>,
}

impl Stats {
    fn percentile(&self, p: f64) -> f64 {
        let mut sorted: Vec<f64> = self.samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        sorted.sort_by(f64::total_cmp);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let index = ((sorted.len() - 1) as f64 * p).round() as usize;
        sorted[index]
    }

    #[allow(clippy::print_stdout)] // A benchmark's output is its report.
    fn report(&self) {
        println!(
            "| {} | {} | {:.3} | {:.3} | {:.3} |",
            self.name,
            self.samples.len(),
            self.percentile(0.5),
            self.percentile(0.95),
            self.percentile(1.0)
        );
    }
}

/// A service over a fresh demo store; returns its URL, a counter token and the heavy citizen's CPR number.
async fn serve_demo(dir: &std::path::Path) -> (String, String, String) {
    let store = Store::open(&format!("sqlite:{}", dir.join("bench.sqlite").display())).await.expect("store");
    let anchor = DateTime::parse_from_rfc3339("2026-11-01T12:00:00Z").expect("time").with_timezone(&Utc);
    let options = DemoOptions { citizens: 20, heavy: 1, seed: 7, anchor, max_events: demo::DEFAULT_MAX_EVENTS };
    demo::generate(&store, &options, |_, _| {}).await.expect("demo data");
    let (_, token) = store.add_staff("Benchmark", StaffRole::Counter, "Bench", anchor).await.expect("staff");
    let everyone = store.search_citizens_by_name("", false, 100).await.expect("citizens");
    let mut heavy = None;
    for citizen in everyone {
        if store.all_events(citizen.id).await.expect("events").len() >= HEAVY_EVENTS {
            heavy = Some(citizen.cpr.reveal());
        }
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(service::serve(listener, AppState::new(store), std::future::pending()));
    (url, token.0, heavy.expect("a heavy citizen"))
}

fn wait(harness: &mut Harness<'static, ConsoleApp>, what: &str, done: impl Fn(&ConsoleApp) -> bool) {
    let started = Instant::now();
    while !done(harness.state()) {
        assert!(started.elapsed() < Duration::from_mins(2), "timed out: {what}");
        harness.step();
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// One frame: egui's pass (with the app's logic and ui) and tessellation of what it painted.
fn frame(harness: &mut Harness<'static, ConsoleApp>) -> Duration {
    let started = Instant::now();
    harness.step();
    let output = harness.output();
    let primitives = harness.ctx.tessellate(output.shapes.clone(), output.pixels_per_point);
    let elapsed = started.elapsed();
    std::hint::black_box(primitives);
    elapsed
}

/// The label of the first timeline row in the accessibility tree (rows are buttons starting with a clock time).
fn first_row(harness: &Harness<'static, ConsoleApp>) -> String {
    harness
        .get_all_by_role(Role::Button)
        .filter_map(|node| node.accesskit_node().label())
        .find(|label| label.len() > 5 && label.as_bytes()[2] == b':')
        .expect("a timeline row")
}

fn open_citizen(harness: &mut Harness<'static, ConsoleApp>, cpr: &str) -> Duration {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::W);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.step();
    harness.event(egui::Event::Text(cpr.to_owned()));
    harness.step();
    harness.key_press(Key::Enter);
    let started = Instant::now();
    wait(harness, "the first timeline page", |app| app.loaded_events() > 0);
    started.elapsed()
}

#[allow(clippy::print_stdout)]
fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("dir");
    let (url, token, cpr) = runtime.block_on(serve_demo(dir.path()));
    let handle = runtime.handle().clone();
    let target =
        Target::Server { url, token, token_file: String::new(), data_dir: dir.path().to_path_buf(), ca_file: None };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_step_dt(1.0 / 60.0)
        .with_accessibility_check(false)
        .allow_missing_glyphs()
        .build_eframe(move |cc| {
            ConsoleApp::new(
                cc,
                handle,
                target,
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guides"),
                None,
            )
        });
    wait(&mut harness, "connected", ConsoleApp::is_ready);

    let mut open = Stats { name: "open citizen: Enter → first timeline page drawn (ms)", samples: Vec::new() };
    for _ in 0..OPEN_RUNS {
        open.samples.push(open_citizen(&mut harness, &cpr));
    }

    let loading = Instant::now();
    while harness.state().has_more_events() {
        if !harness.state().is_busy() {
            harness.state_mut().load_more();
        }
        harness.step();
    }
    let loaded = harness.state().loaded_events();
    assert!(loaded >= HEAVY_EVENTS, "the whole history is loaded ({loaded})");
    let load_secs = loading.elapsed().as_secs_f64();

    let mut scroll = Stats { name: "frame while scrolling the 10,000-contact timeline (ms)", samples: Vec::new() };
    harness.hover_at(egui::pos2(900.0, 700.0));
    let top_before = first_row(&harness);
    for index in 0..SCROLL_FRAMES {
        if index == 150 {
            assert_ne!(first_row(&harness), top_before, "the wheel really scrolls the list");
        }
        let delta = if (index / 150) % 2 == 0 { -180.0 } else { 180.0 };
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, delta),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::NONE,
        });
        scroll.samples.push(frame(&mut harness));
    }

    let mut typing = Stats { name: "frame while typing into the timeline search (ms)", samples: Vec::new() };
    harness.get_by_role_and_label(Role::TextInput, "Søg i henvendelser").focus();
    harness.step();
    for index in 0..TYPING_FRAMES {
        let text = if index % 8 == 7 { " " } else { "x" };
        harness.event(egui::Event::Text(text.to_owned()));
        typing.samples.push(frame(&mut harness));
    }

    let typed = harness.get_by_role_and_label(Role::TextInput, "Søg i henvendelser").value().unwrap_or_default();
    assert!(typed.len() >= TYPING_FRAMES, "the typing reached the field ({} characters)", typed.len());

    println!("Loaded {loaded} contacts in pages of 200 in {load_secs:.1} s.");
    println!("| measure | samples | median | p95 | max |");
    println!("|---|---|---|---|---|");
    for stats in [&open, &scroll, &typing] {
        stats.report();
    }
}
