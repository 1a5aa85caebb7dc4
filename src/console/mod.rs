//! The desktop console (eframe/egui): find a citizen and see their whole cross-channel history.
//!
//! Talks to the contact history only over HTTP through [`crate::history::client`] and the wire types of
//! [`crate::history::api`] (never the store or the ingest), on a background tokio runtime; the UI thread never
//! waits. It may use `domain`, `guides` and `receipt`; nothing uses the console.
//!
//! One folder per feature — `lookup`, `citizen`, `guides`, `session`, `group`, `scenario`, `unmatched`,
//! `presentation` — each with its state and its `…Command`/`…Reply` types in `mod.rs`, what a command does and
//! what a reply changes in `control.rs`, drawing only in `…view.rs`, and its words in `text.rs` or the shared
//! `i18n` table. A feature's state fields are private to its folder: another feature reads them through narrow
//! methods and changes them only by sending a command. `shell` is the frame around them (connection, top bar, privacy screen, training band, the
//! command table of shortcuts); `app` holds one field per feature and routes every command and reply to its
//! feature in one exhaustive match (`command`).

pub mod app;
mod citizen;
mod command;
pub mod group;
mod guides;
mod i18n;
mod insights;
pub mod launch;
mod lookup;
mod prefs;
mod presentation;
mod scenario;
pub mod screenshot;
mod session;
mod shell;
mod tasks;
mod theme;
mod unmatched;
mod widgets;

use std::path::PathBuf;

pub use app::ConsoleApp;
pub use insights::ExportKind;
pub use shell::control::Target;
/// The command table of shortcuts, for tests that compare the screen with it.
pub use shell::keys;

/// What to open.
pub struct ConsoleOptions {
    pub target: Target,
    /// The directory of guide files (`guides/`).
    pub guides_dir: PathBuf,
    /// Write a PNG of the settled screen to this path and exit, after playing the actions.
    pub screenshot: Option<(PathBuf, Vec<screenshot::Action>)>,
}

/// Why the console could not run.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("could not start the background runtime: {0}")]
    Runtime(std::io::Error),
    #[error("the window could not be opened: {0}")]
    Window(String),
    #[error("screenshot failed: {0}")]
    Screenshot(String),
}

/// What went wrong opening the window, in words for whoever started the program. The windowing library's text
/// names a source file on the machine it was built on; that helps nobody running it.
fn window_problem(detail: &str) -> String {
    let no_display = ["DISPLAY", "WAYLAND", "display"].iter().any(|w| detail.contains(w));
    if no_display {
        return "there is no display to show it on (neither DISPLAY nor WAYLAND_DISPLAY is set). The console needs a \
                desktop; on a server, run `medbetjening serve`, or build without the console: \
                `cargo build --release --no-default-features`, whose plain `medbetjening` runs the local demo \
                service headless"
            .to_owned();
    }
    // Keep the library's reason, without the `at /path/to/file.rs:123` it adds.
    let reason = detail.split(" at /").next().unwrap_or(detail);
    format!("{reason} (on a server with no desktop, run `medbetjening serve`)")
}

/// Opens the console window and runs until it is closed.
pub fn run(options: ConsoleOptions) -> Result<(), ConsoleError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("medbetjening-io")
        .enable_all()
        .build()
        .map_err(ConsoleError::Runtime)?;
    let handle = runtime.handle().clone();
    let (screenshot, outcome) = match options.screenshot {
        Some((path, script)) => {
            let (plan, outcome) = screenshot::Screenshot::new(path, script);
            (Some(plan), Some(outcome))
        }
        None => (None, None),
    };
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Medbetjening")
            .with_app_id("medbetjening")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([960.0, 600.0]),
        persist_window: screenshot.is_none(),
        ..eframe::NativeOptions::default()
    };
    let (target, guides_dir) = (options.target, options.guides_dir);
    eframe::run_native(
        "medbetjening",
        native,
        Box::new(move |cc| Ok(Box::new(ConsoleApp::new(cc, handle, target, guides_dir, screenshot)))),
    )
    .map_err(|e| ConsoleError::Window(window_problem(&e.to_string())))?;
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match outcome.map(|o| o.lock().map(|mut slot| slot.take()).ok().flatten()) {
        Some(Some(Err(error))) => Err(ConsoleError::Screenshot(error)),
        Some(None) => Err(ConsoleError::Screenshot("the window closed before the screenshot was taken".into())),
        _ => Ok(()),
    }
}
