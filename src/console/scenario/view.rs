//! Practice scenarios on screen (training mode): the scenario strip under the top bar (its button, and while a
//! scenario runs what the citizen says), the picker, and the feedback window with a mark per check.

use crate::console::shell::keys::Shortcut;
use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::i18n::{ScenarioText, fill, scenario_text};
use super::super::scenario::{Running, ScenarioCorpus, ScenarioState, Shown, Stage};
use super::super::widgets::{describe, heading};
use crate::console::command::{Commands, ScenarioCommand};
use crate::guides::scenario::Scenario;
use crate::guides::scenario::feedback::Status;

/// Everything of practice scenarios on screen: the strip, and the picker and feedback windows when open.
pub fn ui(view: &ViewCtx<'_>, state: &ScenarioState, ui: &mut Ui, commands: &mut Commands) {
    bar_ui(view, state, ui, commands);
    if state.picker_open {
        picker_window(view, state, ui.ctx(), commands);
    }
    if let Some(shown) = &state.feedback {
        feedback_window(view, shown, ui.ctx(), commands);
    }
}

/// The strip under the top bar: the scenarios button, and the running scenario with the citizen's words.
pub fn bar_ui(view: &ViewCtx<'_>, state: &ScenarioState, ui: &mut Ui, commands: &mut Commands) {
    let s = scenario_text(view.lang);
    egui::Panel::top("scenario-bar").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            // A framed button, selected while the picker is open, so it reads as one in the strip.
            let button = egui::Button::new(s.open_button).selected(state.picker_open);
            if ui.add(button).on_hover_text(Shortcut::Scenarios.hint()).clicked() {
                commands.push(ScenarioCommand::Toggle);
            }
            let Some(running) = &state.running else { return };
            ui.separator();
            ui.label(RichText::new(fill(s.running, &[("title", running.scenario.title.get(view.lang))])).strong());
            if !matches!(running.stage, Stage::InSession(_)) {
                ui.spinner();
                ui.label(s.finding);
            }
            if ui.button(s.stop).clicked() {
                commands.push(ScenarioCommand::Stop);
            }
        });
        if let Some(running) = &state.running {
            situation_ui(view, s, running, ui);
        }
    });
}

/// "The citizen says: …" in the citizen's language, and in the staff member's when it differs.
fn situation_ui(view: &ViewCtx<'_>, s: &ScenarioText, running: &Running, ui: &mut Ui) {
    let situation = &running.scenario.situation;
    let own = situation.get(running.citizen_language);
    ui.label(RichText::new(format!("💬 {} ({}): «{own}»", s.says, running.citizen_name)).size(16.0));
    if running.citizen_language != view.lang {
        ui.label(
            RichText::new(format!("{}: {}", s.translation, situation.get(view.lang))).color(view.palette.muted_fg),
        );
    }
}

/// Where the windows open: centred, below the bars.
fn top(ctx: &egui::Context) -> egui::Pos2 {
    ctx.content_rect().center_top() + egui::vec2(0.0, 110.0)
}

/// The picker: every scenario with its citizen and task, and a start button each.
pub fn picker_window(view: &ViewCtx<'_>, state: &ScenarioState, ctx: &egui::Context, commands: &mut Commands) {
    let s = scenario_text(view.lang);
    let mut open = true;
    egui::Window::new(s.title)
        .open(&mut open)
        .pivot(egui::Align2::CENTER_TOP)
        .default_pos(top(ctx))
        .default_width(620.0)
        .show(ctx, |ui| {
            ui.label(RichText::new(s.intro).color(view.palette.muted_fg));
            if let Some(problem) = &state.problem {
                let text = s.problem(problem, |error| describe(view, error));
                ui.label(RichText::new(format!("⚠ {text}")).color(view.palette.error_fg).strong());
            }
            ui.separator();
            let corpus = match &state.corpus {
                ScenarioCorpus::NotLoaded | ScenarioCorpus::Loading => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(s.loading);
                    });
                    return;
                }
                ScenarioCorpus::Failed(error) => {
                    ui.label(RichText::new(fill(s.failed, &[("error", error)])).color(view.palette.error_fg));
                    return;
                }
                ScenarioCorpus::Ready(corpus) => corpus,
            };
            let broken = corpus.errors().filter_map(|p| p.file.file_name()).collect::<std::collections::HashSet<_>>();
            if !broken.is_empty() {
                ui.label(
                    RichText::new(fill(s.broken, &[("count", &broken.len().to_string())]))
                        .color(view.palette.warning_fg),
                );
            }
            if corpus.scenarios.is_empty() {
                ui.label(s.none);
            }
            egui::ScrollArea::vertical().max_height(560.0).show(ui, |ui| {
                for (index, scenario) in corpus.scenarios.iter().enumerate() {
                    let name = corpus.cast.citizen(&scenario.citizen).map_or("", |c| c.name.as_str());
                    scenario_ui(view, s, scenario, name, ui);
                    if ui.button(fill(s.start, &[("title", scenario.title.get(view.lang))])).clicked() {
                        commands.push(ScenarioCommand::Start(index));
                    }
                    ui.separator();
                }
            });
        });
    if !open {
        commands.push(ScenarioCommand::Toggle);
    }
}

fn scenario_ui(view: &ViewCtx<'_>, s: &ScenarioText, scenario: &Scenario, citizen: &str, ui: &mut Ui) {
    ui.label(RichText::new(scenario.title.get(view.lang)).strong().size(16.0));
    let minutes = super::super::i18n::fill(s.minutes, &[("minutes", &scenario.minutes.to_string())]);
    ui.label(
        RichText::new(format!("{}: {citizen} · {} · {minutes}", s.citizen, scenario.channel.label(view.lang)))
            .color(view.palette.muted_fg),
    );
    ui.label(format!("{}: {}", s.task, scenario.briefing.get(view.lang)));
}

/// The feedback: a mark per check, the verdict, the scenario's advice, and a way to try again.
pub fn feedback_window(view: &ViewCtx<'_>, shown: &Shown, ctx: &egui::Context, commands: &mut Commands) {
    let s = scenario_text(view.lang);
    let mut open = true;
    egui::Window::new(s.feedback_title)
        .open(&mut open)
        .pivot(egui::Align2::CENTER_TOP)
        .default_pos(top(ctx))
        .default_width(620.0)
        .show(ctx, |ui| {
            heading(ui, shown.scenario.title.get(view.lang));
            let feedback = &shown.feedback;
            if feedback.all_good() {
                ui.label(
                    RichText::new(format!("✔ {}", s.all_good)).size(18.0).strong().color(view.palette.resolved_fg),
                );
            } else {
                ui.label(RichText::new(s.not_yet).size(16.0).strong().color(view.palette.error_fg));
            }
            ui.separator();
            for check in &feedback.checks {
                // A word beside the mark and the colour: neither alone tells everyone which is which.
                let (mark, word, colour) = match check.status {
                    Status::Passed => ("✔", s.check_passed, view.palette.resolved_fg),
                    Status::Failed => ("✖", s.check_failed, view.palette.error_fg),
                    Status::Remark => ("⏱", s.check_remark, view.palette.waiting_fg),
                };
                ui.label(RichText::new(format!("{mark} {word}: {}", check.message.get(view.lang))).color(colour));
            }
            if !feedback.advice.is_empty() {
                ui.separator();
                ui.label(RichText::new(s.advice).strong());
                for point in &feedback.advice {
                    ui.label(format!("💡 {}", point.get(view.lang)));
                }
            }
            ui.separator();
            ui.horizontal(|ui| {
                if ui.button(s.try_again).clicked() {
                    commands.push(ScenarioCommand::Retry);
                }
                if ui.button(s.close).clicked() {
                    commands.push(ScenarioCommand::CloseFeedback);
                }
            });
        });
    if !open {
        commands.push(ScenarioCommand::CloseFeedback);
    }
}
