//! The screens before the console is connected: starting, and a failure that says what to do.

use egui::Ui;

use super::super::app::ViewCtx;
use super::super::i18n::fill;
use super::StartFailure;
use super::control::Target;
use super::text::shell_text;
use crate::console::command::{AppCommand, Commands};

fn centred(ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.25);
            ui.set_max_width(640.0);
            add(ui);
        });
    });
}

/// Starting the embedded service (with demo-data progress) or reaching a shared one.
pub fn starting_ui(view: &ViewCtx<'_>, target: &Target, progress: Option<u32>, ui: &mut Ui) {
    centred(ui, |ui| {
        super::super::widgets::heading(ui, shell_text(view.lang).app_name);
        ui.add_space(12.0);
        ui.spinner();
        match (target, progress) {
            (Target::Embedded(_), Some(percent)) => {
                ui.label(fill(shell_text(view.lang).creating_demo, &[("percent", &percent.to_string())]));
                #[allow(clippy::cast_precision_loss)] // A percentage.
                ui.add(egui::ProgressBar::new(percent as f32 / 100.0).show_percentage());
            }
            (Target::Embedded(_), None) => {
                ui.label(shell_text(view.lang).starting_embedded);
            }
            (Target::Server { url, .. }, _) => {
                ui.label(fill(shell_text(view.lang).connecting_to, &[("url", url)]));
            }
        }
    });
}

/// Why connecting failed and what to do about it.
pub fn failed_ui(view: &ViewCtx<'_>, target: &Target, failure: &StartFailure, ui: &mut Ui, commands: &mut Commands) {
    let t = shell_text(view.lang);
    let message = match failure {
        StartFailure::Unreachable { url } => fill(t.unreachable, &[("url", url)]),
        StartFailure::TokenRefused => {
            let file = match target {
                Target::Server { token_file, .. } => token_file.as_str(),
                Target::Embedded(_) => "",
            };
            fill(t.token_refused, &[("file", file)])
        }
        StartFailure::Embedded(error) => fill(t.embedded_failed, &[("error", error)]),
        StartFailure::Other(error) => fill(t.other_error, &[("error", error)]),
    };
    // A clerk cannot act on command-line options: the screen says whom to call, and the details are for them.
    let lead = if matches!(failure, StartFailure::TokenRefused) { t.access_refused } else { t.call_support };
    centred(ui, |ui| {
        super::super::widgets::heading(ui, format!("⚠ {}", t.cannot_connect));
        ui.add_space(8.0);
        ui.label(lead);
        ui.add_space(8.0);
        egui::CollapsingHeader::new(t.support_details).id_salt("support-details").show(ui, |ui| {
            ui.label(message);
        });
        ui.add_space(12.0);
        if ui.button(view.text.try_again).clicked() {
            commands.push(AppCommand::Reconnect);
        }
    });
}
