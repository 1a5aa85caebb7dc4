//! `medbetjening --screenshot PATH`: open the real window, let the first screen settle, write it as PNG, exit.
//! Used for the README's pictures and as CI's smoke test of the real binary; a blank image is a failure.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::command::Command;
use super::state::LookupState;

/// How long the console may take to settle before the screenshot counts as failed.
const DEADLINE: Duration = Duration::from_mins(3);
/// Frames without pending work before the screen counts as settled.
const SETTLE_FRAMES: u32 = 12;

/// The outcome, read after the window closes.
pub type Outcome = Arc<Mutex<Option<Result<(), String>>>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Connecting,
    Settling,
    Requested,
}

/// A screenshot plan and its progress.
pub struct Screenshot {
    path: PathBuf,
    lookup: Option<String>,
    outcome: Outcome,
    stage: Stage,
    quiet_frames: u32,
    started: Instant,
    command: Option<Command>,
}

impl Screenshot {
    /// Plans a screenshot to `path`, optionally after looking up `lookup` (a name, phone or CPR number).
    #[must_use]
    pub fn new(path: PathBuf, lookup: Option<String>) -> (Self, Outcome) {
        let outcome = Outcome::default();
        let plan = Self {
            path,
            lookup,
            outcome: outcome.clone(),
            stage: Stage::Connecting,
            quiet_frames: 0,
            started: Instant::now(),
            command: None,
        };
        (plan, outcome)
    }

    /// A command the plan wants applied (the lookup).
    pub fn take_command(&mut self) -> Option<Command> {
        self.command.take()
    }

    fn finish(&self, ctx: &egui::Context, result: Result<(), String>) {
        if let Ok(mut slot) = self.outcome.lock() {
            *slot = Some(result);
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// Advances the plan by one frame.
    pub fn update(&mut self, ctx: &egui::Context, ready: bool, busy: bool, failed: bool, lookup: &mut LookupState) {
        if self.stage == Stage::Requested {
            return;
        }
        ctx.request_repaint();
        if failed {
            return self.finish(ctx, Err("the console could not connect to its contact history".into()));
        }
        if self.started.elapsed() > DEADLINE {
            return self.finish(ctx, Err(format!("the screen did not settle within {} s", DEADLINE.as_secs())));
        }
        if self.stage == Stage::Connecting && ready && !busy {
            if let Some(text) = self.lookup.take() {
                lookup.text = text;
                self.command = Some(Command::Search);
            }
            self.stage = Stage::Settling;
            return;
        }
        if self.stage == Stage::Settling {
            self.quiet_frames = if busy { 0 } else { self.quiet_frames + 1 };
            if self.quiet_frames >= SETTLE_FRAMES {
                self.stage = Stage::Requested;
                let (path, outcome, repaint) = (self.path.clone(), self.outcome.clone(), ctx.clone());
                ctx.request_screenshot(move |image| {
                    let result = save_png(&path, &image);
                    if let Ok(mut slot) = outcome.lock() {
                        *slot = Some(result);
                    }
                    repaint.send_viewport_cmd(egui::ViewportCommand::Close);
                });
            }
        }
    }
}

/// Writes the image, refusing one that is blank (a single colour or nearly so).
fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let colours: std::collections::HashSet<egui::Color32> =
        image.pixels.iter().step_by(7).copied().take(200_000).collect();
    if colours.len() < 16 {
        return Err(format!("the screenshot is blank ({} colours)", colours.len()));
    }
    let [width, height] = image.size;
    let (width, height) =
        (u32::try_from(width).map_err(|e| e.to_string())?, u32::try_from(height).map_err(|e| e.to_string())?);
    image::save_buffer(path, image.as_raw(), width, height, image::ColorType::Rgba8)
        .map_err(|e| format!("writing {}: {e}", path.display()))
}
