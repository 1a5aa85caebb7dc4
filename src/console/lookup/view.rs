//! The lookup panel: one field for CPR, phone or name; the purpose; results; recent citizens.

use egui::{Key, RichText, Ui};

use super::super::app::ViewCtx;
use super::super::citizen::text::citizen_text;
use super::super::i18n::{cpr_reason, fill};
use super::super::theme::LOOKUP_PANEL_WIDTH;
use super::super::widgets::{heading, loadable_status};
use super::query::LookupProblem;
use super::text::lookup_text;
use super::{LookupState, RecentCitizen};
use crate::console::command::{Commands, LookupCommand};
use crate::domain::Purpose;
use crate::history::api::CitizenSummary;

/// Purposes a staff member can pick for a lookup (the others belong to feeds and supervision).
const PICKABLE: [Purpose; 6] = [
    Purpose::CounterVisit,
    Purpose::PhoneCall,
    Purpose::VideoMeeting,
    Purpose::CaseWork,
    Purpose::Training,
    Purpose::AccessRequest,
];

fn problem_text(view: &ViewCtx<'_>, problem: &LookupProblem) -> String {
    let t = lookup_text(view.lang);
    match problem {
        LookupProblem::InvalidCpr(error) => fill(t.invalid_cpr, &[("reason", &cpr_reason(view.lang, error))]),
        LookupProblem::WrongDigitCount => t.invalid_digits.to_owned(),
        LookupProblem::InvalidPhone => t.invalid_phone.to_owned(),
        LookupProblem::TooShort => t.too_short.to_owned(),
    }
}

/// Draws the panel.
pub fn ui(view: &ViewCtx<'_>, lookup: &mut LookupState, ui: &mut Ui, commands: &mut Commands) {
    let t = lookup_text(view.lang);
    egui::Panel::left("lookup-panel").resizable(true).default_size(LOOKUP_PANEL_WIDTH).show(ui, |ui| {
        ui.add_space(6.0);
        heading(ui, t.find_citizen);
        let label = ui.label(t.lookup_label);
        let field = egui::TextEdit::singleline(&mut lookup.text).hint_text(t.lookup_hint).desired_width(f32::INFINITY);
        let field = ui.add(field).labelled_by(label.id);
        if lookup.focus_field {
            field.request_focus();
            lookup.focus_field = false;
        }
        if field.changed() {
            lookup.problem = None;
        }
        let submitted = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        ui.horizontal(|ui| {
            let mut purpose = lookup.purpose;
            let label = ui.label(t.purpose);
            let combo =
                egui::ComboBox::from_id_salt("purpose").selected_text(purpose.label(view.lang)).show_ui(ui, |ui| {
                    for option in PICKABLE {
                        ui.selectable_value(&mut purpose, option, option.label(view.lang));
                    }
                });
            let _named = combo.response.labelled_by(label.id);
            lookup.purpose = purpose;
        });
        if ui.button(format!("🔍 {}", t.search)).clicked() || submitted {
            commands.push(LookupCommand::Search);
        }
        if let Some(problem) = &lookup.problem {
            ui.label(RichText::new(format!("⚠ {}", problem_text(view, problem))).color(view.palette.error_fg));
        }
        ui.separator();
        results_ui(view, lookup, ui, commands);
        ui.separator();
        recent_ui(view, &lookup.recent, ui, commands);
    });
}

fn summary_line(view: &ViewCtx<'_>, citizen: &CitizenSummary) -> String {
    let district = citizen.district.as_deref().unwrap_or("—");
    format!("{}\n{} · {} {} · {district}", citizen.name, citizen.masked_cpr, citizen.age, citizen_text(view.lang).years)
}

fn results_ui(view: &ViewCtx<'_>, lookup: &mut LookupState, ui: &mut Ui, commands: &mut Commands) {
    if !loadable_status(view, &lookup.results, LookupCommand::Search, ui, commands) {
        return;
    }
    let Some(matches) = lookup.results.value() else { return };
    let t = lookup_text(view.lang);
    let count = if matches.citizens.is_empty() {
        t.found_none.to_owned()
    } else if matches.citizens.len() == 1 {
        t.found_one.to_owned()
    } else if matches.truncated {
        fill(t.too_many, &[("count", &matches.citizens.len().to_string())])
    } else {
        fill(t.found_many, &[("count", &matches.citizens.len().to_string())])
    };
    ui.label(RichText::new(count).strong());
    egui::ScrollArea::vertical().id_salt("lookup-results").max_height(ui.available_height() * 0.6).show(ui, |ui| {
        for (index, citizen) in matches.citizens.iter().enumerate() {
            let mut line = summary_line(view, citizen);
            if citizen.fictitious {
                line = format!("{line} · {}", view.text.fictitious);
            }
            let button = ui.add(egui::Button::new(line).wrap().min_size(egui::vec2(ui.available_width(), 0.0)));
            if index == 0 && lookup.focus_first_result {
                button.request_focus();
                lookup.focus_first_result = false;
            }
            if button.clicked() {
                commands.push(LookupCommand::OpenCitizen(citizen.id));
            }
        }
    });
}

fn recent_ui(view: &ViewCtx<'_>, recent: &[RecentCitizen], ui: &mut Ui, commands: &mut Commands) {
    ui.label(RichText::new(lookup_text(view.lang).recent).strong());
    if recent.is_empty() {
        ui.label(RichText::new(lookup_text(view.lang).no_recent).color(view.palette.muted_fg));
    }
    for citizen in recent {
        let line = format!("{} · {}", citizen.name, citizen.masked_cpr);
        if ui.add(egui::Button::new(line).min_size(egui::vec2(ui.available_width(), 0.0))).clicked() {
            commands.push(LookupCommand::OpenCitizen(citizen.id));
        }
    }
}
