//! The wrap-up panel: everything pre-filled, so after a finished guide the staff member only checks and logs.

use crate::console::shell::keys::Shortcut;
use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::i18n::fill;
use super::super::session::text::{SessionText, session_text};
use super::super::session::wrapup::{NextStepDraft, WrapUp, notes_look_sensitive};
use super::super::widgets::heading;
use crate::console::command::{Commands, SessionCommand};
use crate::domain::{ContactKind, DigitalReadiness, FailureReason, Language, Outcome, Referral, ReferralPlace};

const READINESS: [DigitalReadiness; 5] = [
    DigitalReadiness::SelfReliant,
    DigitalReadiness::WithGuidance,
    DigitalReadiness::NeedsAssistance,
    DigitalReadiness::NotDigital,
    DigitalReadiness::Unknown,
];

/// Draws the wrap-up of the session in progress as a panel on the right.
pub fn panel_ui(view: &ViewCtx<'_>, wrap: &mut WrapUp, ui: &mut Ui, commands: &mut Commands) {
    let s = session_text(view.lang);
    egui::Panel::right("wrap-up").resizable(true).default_size(420.0).show(ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            heading(ui, s.wrap_title);
            buttons_ui(s, view.lang, wrap, ui, commands);
            if let Some(problem) = &wrap.problem {
                ui.label(RichText::new(format!("⚠ {problem}")).color(view.palette.error_fg).strong());
            }
            ui.separator();
            choices_ui(view, s, wrap, ui);
            ui.separator();
            next_steps_ui(view, s, wrap, ui);
            ui.separator();
            notes_ui(view, s, wrap, ui);
            referral_ui(view.lang, s, wrap, ui);
        });
    });
}

/// Log first, so the keyboard lands on it and Enter (or Ctrl+Enter anywhere) logs the pre-filled form.
fn buttons_ui(s: &SessionText, lang: Language, wrap: &mut WrapUp, ui: &mut Ui, commands: &mut Commands) {
    ui.horizontal(|ui| {
        if wrap.saving {
            ui.spinner();
            ui.label(s.saving);
            return;
        }
        let log = fill(s.log, &[("key", &Shortcut::LogSession.key_text(lang))]);
        let log = ui.button(RichText::new(log).strong()).on_hover_text(Shortcut::LogSession.hint());
        if std::mem::take(&mut wrap.focus_log) {
            log.request_focus();
        }
        if log.clicked() {
            commands.push(SessionCommand::Log);
        }
        if ui.button(s.back).clicked() {
            commands.push(SessionCommand::CancelWrapUp);
        }
    });
}

fn choices_ui(view: &ViewCtx<'_>, s: &SessionText, wrap: &mut WrapUp, ui: &mut Ui) {
    egui::Grid::new("wrap-grid").num_columns(2).spacing([10.0, 6.0]).show(ui, |ui| {
        let label = ui.label(s.outcome);
        egui::ComboBox::from_id_salt("wrap-outcome")
            .selected_text(wrap.outcome.label(view.lang))
            .show_ui(ui, |ui| {
                for outcome in Outcome::ALL {
                    ui.selectable_value(&mut wrap.outcome, outcome, outcome.label(view.lang));
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
        ui.label(s.kind);
        ui.horizontal(|ui| {
            for kind in [ContactKind::Information, ContactKind::Transaction, ContactKind::ErrorDriven] {
                ui.radio_value(&mut wrap.kind, kind, s.kind_label(kind));
            }
        });
        ui.end_row();
        let label = ui.label(s.readiness);
        egui::ComboBox::from_id_salt("wrap-readiness")
            .selected_text(wrap.readiness.label(view.lang))
            .show_ui(ui, |ui| {
                for readiness in READINESS {
                    ui.selectable_value(&mut wrap.readiness, readiness, readiness.label(view.lang));
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
        let label = ui.label(s.failure_demand);
        egui::ComboBox::from_id_salt("wrap-failure")
            .selected_text(wrap.failure.map_or(s.failure_none, |r| r.label(view.lang)))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut wrap.failure, None, s.failure_none);
                for reason in FailureReason::ALL {
                    ui.selectable_value(&mut wrap.failure, Some(reason), reason.label(view.lang));
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
        let label = ui.label(s.could_self_serve);
        let answer = |value: Option<bool>| match value {
            None => s.not_said,
            Some(true) => s.yes,
            Some(false) => s.no,
        };
        egui::ComboBox::from_id_salt("wrap-could-self-serve")
            .selected_text(answer(wrap.could_self_serve))
            .show_ui(ui, |ui| {
                for value in [None, Some(true), Some(false)] {
                    ui.selectable_value(&mut wrap.could_self_serve, value, answer(value));
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
    });
    let label = ui.label(s.summary);
    ui.add(egui::TextEdit::singleline(&mut wrap.summary).desired_width(f32::INFINITY)).labelled_by(label.id);
}

fn next_steps_ui(view: &ViewCtx<'_>, s: &SessionText, wrap: &mut WrapUp, ui: &mut Ui) {
    ui.label(RichText::new(s.next_steps).strong());
    let mut remove = None;
    for (index, step) in wrap.next_steps.iter_mut().enumerate() {
        ui.push_id(("next-step", index), |ui| {
            let number = (index + 1).to_string();
            let label = ui.label(fill(s.step, &[("number", &number)]));
            ui.add(egui::TextEdit::multiline(&mut step.text).desired_rows(2).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            ui.horizontal(|ui| {
                let label = ui.label(s.due);
                ui.add(egui::TextEdit::singleline(&mut step.due).desired_width(100.0)).labelled_by(label.id);
                let label = ui.label(s.link);
                ui.add(egui::TextEdit::singleline(&mut step.url).desired_width(140.0)).labelled_by(label.id);
                if ui.button(s.remove).clicked() {
                    remove = Some(index);
                }
            });
            // Said as it is typed, not only when logging, so the link is fixed while it is in mind.
            if !step.link_is_safe() {
                ui.label(RichText::new(format!("⚠ {}", s.unsafe_link)).color(view.palette.error_fg).strong());
            }
        });
    }
    if let Some(index) = remove {
        wrap.next_steps.remove(index);
    }
    if ui.button(s.add_step).clicked() {
        wrap.next_steps.push(NextStepDraft::default());
    }
}

fn notes_ui(view: &ViewCtx<'_>, s: &SessionText, wrap: &mut WrapUp, ui: &mut Ui) {
    let label = ui.label(RichText::new(s.notes).strong());
    ui.label(RichText::new(s.notes_hint).size(12.5).color(view.palette.muted_fg));
    ui.add(egui::TextEdit::multiline(&mut wrap.notes).desired_rows(3).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    if notes_look_sensitive(&wrap.notes) {
        ui.label(RichText::new(format!("⚠ {}", s.notes_warning)).color(view.palette.warning_fg).strong());
    }
}

fn referral_ui(lang: Language, s: &SessionText, wrap: &mut WrapUp, ui: &mut Ui) {
    let label = ui.label(RichText::new(s.referral).strong());
    // A known place is kept as its code, so the receipt can name it in the citizen's language.
    let known = |r: &str| ReferralPlace::from_code(r).is_some();
    let shown = wrap.referral.as_deref().map_or(s.referral_none, |r| Referral::label_of(r, lang)).to_owned();
    egui::ComboBox::from_id_salt("wrap-referral")
        .selected_text(if shown.is_empty() { s.referral_other.to_owned() } else { shown })
        .width(300.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut wrap.referral, None, s.referral_none);
            for place in ReferralPlace::ALL {
                ui.selectable_value(&mut wrap.referral, Some(place.code().to_owned()), place.label(lang));
            }
            let other = wrap.referral.as_deref().is_some_and(|r| !known(r));
            if ui.selectable_label(other, s.referral_other).clicked() && !other {
                wrap.referral = Some(String::new());
            }
        })
        .response
        .labelled_by(label.id);
    if let Some(referral) = &mut wrap.referral
        && !known(referral)
    {
        let label = ui.label(s.referral_other);
        ui.add(egui::TextEdit::singleline(referral).desired_width(f32::INFINITY)).labelled_by(label.id);
    }
    if wrap.referral.is_some() && wrap.outcome == Outcome::Completed {
        // A referral usually is the outcome; leave the choice to staff but make it one click.
        if ui.button(Outcome::Referred.label(lang)).clicked() {
            wrap.outcome = Outcome::Referred;
        }
    }
}
