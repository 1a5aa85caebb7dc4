//! `medbetjening --screenshot PATH`: open the real window, play a short script (look up, open a guide or present
//! it, go a few steps, open the citizen view), let the screen settle after each action, write PNGs, exit.
//! Used for the README's pictures and as CI's smoke test of the real binary; a blank image is a failure.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the console may take to settle before the screenshot counts as failed.
const DEADLINE: Duration = Duration::from_mins(3);
/// Frames without pending work before the screen counts as settled.
const SETTLE_FRAMES: u32 = 12;

/// The outcome, read after the window closes.
pub type Outcome = Arc<Mutex<Option<Result<(), String>>>>;

/// One scripted action, taken once the screen has settled after the previous one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Look up a CPR number, phone number or name.
    Lookup(String),
    /// Open the guide panel and start the guide with this id.
    StartGuide(String),
    /// Show the guide with this id in presentation mode, from its first step.
    Present(String),
    /// Go one step on in the guide (its first option on a question), or in the presentation.
    Advance,
    /// Open the citizen view; it is captured too, beside PATH as `NAME-citizen.png`.
    CitizenView,
    /// Start a session for the open citizen.
    StartSession,
    /// Open the session's wrap-up.
    WrapUp,
    /// Log the session as wrapped up.
    Log,
    /// Show the receipt of the session just logged.
    Receipt,
    /// Open the group-session window.
    GroupSession,
    /// Open the practice scenarios (training mode).
    Scenarios,
    /// Open the insights workspace (supervisors).
    Insights,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Connecting,
    Playing,
    Requested,
}

/// A screenshot plan and its progress.
pub struct Screenshot {
    path: PathBuf,
    script: Vec<Action>,
    outcome: Outcome,
    stage: Stage,
    quiet_frames: u32,
    started: Instant,
    citizen_view: bool,
}

/// The path of the citizen view's picture beside the main one (`shot.png` → `shot-citizen.png`).
#[must_use]
pub fn citizen_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("screenshot");
    path.with_file_name(format!("{stem}-citizen.png"))
}

impl Screenshot {
    /// Plans a screenshot to `path` after playing `script`.
    #[must_use]
    pub fn new(path: PathBuf, script: Vec<Action>) -> (Self, Outcome) {
        let outcome = Outcome::default();
        let citizen_view = script.contains(&Action::CitizenView);
        let plan = Self {
            path,
            script,
            outcome: outcome.clone(),
            stage: Stage::Connecting,
            quiet_frames: 0,
            started: Instant::now(),
            citizen_view,
        };
        (plan, outcome)
    }

    fn finish(&self, ctx: &egui::Context, result: Result<(), String>) {
        if let Ok(mut slot) = self.outcome.lock() {
            *slot = Some(result);
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// Advances the plan by one frame; returns the action to take now, if any.
    pub fn update(&mut self, ctx: &egui::Context, ready: bool, busy: bool, failed: bool) -> Option<Action> {
        ctx.request_repaint();
        if self.started.elapsed() > DEADLINE {
            self.finish(ctx, Err(format!("no screenshot within {} s", DEADLINE.as_secs())));
            return None;
        }
        if self.stage == Stage::Requested {
            return None;
        }
        if failed {
            self.finish(ctx, Err("the console could not connect to its contact history".into()));
            return None;
        }
        if self.stage == Stage::Connecting {
            if ready && !busy {
                self.stage = Stage::Playing;
            }
            return None;
        }
        self.quiet_frames = if busy { 0 } else { self.quiet_frames + 1 };
        if self.quiet_frames < SETTLE_FRAMES {
            return None;
        }
        self.quiet_frames = 0;
        if !self.script.is_empty() {
            return Some(self.script.remove(0));
        }
        self.stage = Stage::Requested;
        self.capture(ctx);
        None
    }

    fn capture(&self, ctx: &egui::Context) {
        let pending = Arc::new(Mutex::new(if self.citizen_view { 2 } else { 1 }));
        let shot = |path: PathBuf| {
            let (outcome, pending, repaint) = (self.outcome.clone(), pending.clone(), ctx.clone());
            egui::ScreenshotCallback::new(move |image| {
                let result = save_png(&path, &image);
                let mut remaining = pending.lock().map_or(0, |mut n| {
                    *n -= 1;
                    *n
                });
                if let Ok(mut slot) = outcome.lock() {
                    if result.is_err() || slot.is_none() {
                        *slot = Some(result);
                    }
                    if slot.as_ref().is_some_and(Result::is_err) {
                        remaining = 0;
                    }
                }
                if remaining == 0 {
                    repaint.send_viewport_cmd_to(egui::ViewportId::ROOT, egui::ViewportCommand::Close);
                }
            })
        };
        ctx.send_viewport_cmd_to(egui::ViewportId::ROOT, egui::ViewportCommand::Screenshot(shot(self.path.clone())));
        if self.citizen_view {
            let citizen = egui::ViewportId::from_hash_of("citizen-view");
            ctx.send_viewport_cmd_to(citizen, egui::ViewportCommand::Screenshot(shot(citizen_path(&self.path))));
        }
    }
}

/// Writes the image, refusing one that is blank (a single colour or nearly so).
fn save_png(path: &Path, image: &egui::ColorImage) -> Result<(), String> {
    let colours: std::collections::HashSet<egui::Color32> =
        image.pixels.iter().step_by(7).copied().take(200_000).collect();
    if colours.len() < 16 {
        return Err(format!("the screenshot {} is blank ({} colours)", path.display(), colours.len()));
    }
    let [width, height] = image.size;
    let (width, height) =
        (u32::try_from(width).map_err(|e| e.to_string())?, u32::try_from(height).map_err(|e| e.to_string())?);
    image::save_buffer(path, image.as_raw(), width, height, image::ColorType::Rgba8)
        .map_err(|e| format!("writing {}: {e}", path.display()))
}
