//! The group-session window: topic, guides used, site, duration, how many took part, and the participants who
//! agreed to be identified — added by CPR number or from an imported list, whose unreadable rows are listed by
//! line — then one button to log it through the outbox.

use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::group::{GroupForm, GroupState};
use super::super::i18n::{GroupText, fill, group_text};
use super::super::session::text::session_text;
use super::super::session::view::kle_picker_ui;
use super::super::widgets::{describe, heading};
use crate::console::command::{Commands, GroupCommand};
use crate::domain::GroupPart;

/// Each of the window's two columns.
const COLUMN_WIDTH: f32 = 400.0;
const WINDOW_HEIGHT: f32 = 720.0;

/// Draws the window, when open and not behind the privacy screen: the session on the left, its participants and
/// the log button on the right.
pub fn window(view: &ViewCtx<'_>, state: &mut GroupState, ctx: &egui::Context, commands: &mut Commands) {
    if !state.open || view.privacy {
        return;
    }
    let g = group_text(view.lang);
    let mut open = true;
    let top = ctx.content_rect().center_top() + egui::vec2(0.0, 70.0);
    // Sized for the whole form at once, so nothing moves as the guides and the participants come in; a smaller
    // screen scrolls.
    egui::Window::new(g.title)
        .open(&mut open)
        .pivot(egui::Align2::CENTER_TOP)
        .default_pos(top)
        .default_size([COLUMN_WIDTH * 2.0 + 40.0, WINDOW_HEIGHT])
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                heading(ui, g.title);
                ui.label(RichText::new(g.intro).color(view.palette.muted_fg));
                if let Some((participants, identified)) = state.logged {
                    let line = fill(
                        g.logged,
                        &[("participants", &participants.to_string()), ("identified", &identified.to_string())],
                    );
                    ui.label(RichText::new(format!("✔ {line}")).color(view.palette.resolved_fg).strong());
                }
                let Some(form) = &mut state.form else { return };
                ui.separator();
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(COLUMN_WIDTH);
                        details_ui(view, g, form, ui, commands);
                    });
                    ui.separator();
                    ui.vertical(|ui| {
                        ui.set_width(COLUMN_WIDTH);
                        participants_ui(view, g, form, ui, commands);
                        ui.separator();
                        log_ui(view, g, form, ui, commands);
                    });
                });
            });
        });
    if !open {
        commands.push(GroupCommand::Toggle);
    }
}

/// Topic, guides, site, duration and the count.
fn details_ui(view: &ViewCtx<'_>, g: &GroupText, form: &mut GroupForm, ui: &mut Ui, commands: &mut Commands) {
    egui::Grid::new("group-grid").num_columns(2).spacing([10.0, 6.0]).show(ui, |ui| {
        let label = ui.label(g.topic);
        if kle_picker_ui(session_text(view.lang), "group-topic", label.id, &mut form.kle, &mut form.kle_query, ui) {
            commands.push(GroupCommand::TopicChosen);
        }
        ui.end_row();
        let label = ui.label(g.site);
        ui.add(egui::TextEdit::singleline(&mut form.site).desired_width(240.0)).labelled_by(label.id);
        ui.end_row();
        let label = ui.label(g.minutes);
        let drag = egui::DragValue::new(&mut form.minutes).range(0..=600).suffix(g.minutes_suffix);
        ui.add(drag).labelled_by(label.id);
        ui.end_row();
        let label = ui.label(g.participants);
        let drag = egui::DragValue::new(&mut form.participants).range(0..=GroupPart::MAX_PARTICIPANTS);
        ui.add(drag).labelled_by(label.id);
        ui.end_row();
    });
    ui.label(fill(g.anonymous_count, &[("count", &form.anonymous().to_string())]));
    guides_ui(view, g, form, ui, commands);
}

/// The guides used, ticked from the library.
fn guides_ui(view: &ViewCtx<'_>, g: &GroupText, form: &mut GroupForm, ui: &mut Ui, commands: &mut Commands) {
    ui.label(RichText::new(g.guides).strong());
    let Some(library) = view.guides else {
        ui.label(g.guides_loading);
        return;
    };
    egui::ScrollArea::vertical().id_salt("group-guides").max_height(400.0).show(ui, |ui| {
        for guide in &library.guides {
            let mut ticked = form.guides.contains(&guide.id);
            if ui.checkbox(&mut ticked, guide.title.get(view.lang)).changed() {
                if ticked {
                    form.guides.insert(guide.id.clone());
                } else {
                    form.guides.remove(&guide.id);
                }
                commands.push(GroupCommand::GuidesChanged);
            }
        }
    });
}

/// The identified participants, the CPR field, the import and what it left out.
fn participants_ui(view: &ViewCtx<'_>, g: &GroupText, form: &mut GroupForm, ui: &mut Ui, commands: &mut Commands) {
    ui.label(RichText::new(fill(g.identified, &[("count", &form.identified.len().to_string())])).strong());
    ui.label(RichText::new(g.identified_hint).size(12.5).color(view.palette.muted_fg));
    if form.identified.is_empty() {
        ui.label(g.none_identified);
    }
    egui::ScrollArea::vertical().id_salt("group-identified").max_height(240.0).show(ui, |ui| {
        for participant in &form.identified {
            ui.horizontal(|ui| {
                ui.label(format!("{} ({})", participant.name, participant.masked_cpr));
                if ui.button(fill(g.remove, &[("name", &participant.name)])).clicked() {
                    commands.push(GroupCommand::RemoveParticipant(participant.id));
                }
            });
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label(g.cpr);
        let field = ui.add(egui::TextEdit::singleline(&mut form.cpr_text).desired_width(120.0)).labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button(g.add).clicked() || entered) && !form.cpr_text.trim().is_empty() {
            commands.push(GroupCommand::AddCpr);
        }
        if ui.add_enabled(!form.importing, egui::Button::new(g.import)).clicked() {
            commands.push(GroupCommand::ImportCsv);
        }
    });
    if form.looking_up > 0 {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(fill(g.looking_up, &[("count", &form.looking_up.to_string())]));
        });
    }
    if let Some((consenting, anonymous)) = form.imported {
        ui.label(fill(
            g.import_done,
            &[("consenting", &consenting.to_string()), ("anonymous", &anonymous.to_string())],
        ));
    }
    if let Some(error) = &form.import_error {
        ui.label(RichText::new(format!("⚠ {}", g.import_error(error))).color(view.palette.error_fg));
    }
    egui::ScrollArea::vertical().id_salt("group-problems").max_height(160.0).show(ui, |ui| {
        for noted in &form.problems {
            let problem = g.problem(&noted.problem, |error| describe(view, error));
            let line = noted.line.map_or_else(
                || problem.clone(),
                |line| fill(g.line, &[("line", &line.to_string()), ("problem", &problem)]),
            );
            ui.label(RichText::new(format!("⚠ {line}")).color(view.palette.warning_fg));
        }
    });
}

fn log_ui(view: &ViewCtx<'_>, g: &GroupText, form: &GroupForm, ui: &mut Ui, commands: &mut Commands) {
    if let Some(problem) = &form.check {
        ui.label(RichText::new(format!("⚠ {}", g.form_problem(problem))).color(view.palette.error_fg).strong());
    }
    ui.horizontal(|ui| {
        if form.saving {
            ui.spinner();
            ui.label(g.saving);
        } else if ui.button(RichText::new(g.log).strong()).clicked() {
            commands.push(GroupCommand::Log);
        }
        if ui.button(g.close).clicked() {
            commands.push(GroupCommand::Toggle);
        }
    });
}
