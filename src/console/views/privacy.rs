//! The privacy screen: nothing personal is drawn (so nothing personal is in the accessibility tree either).

use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::command::Command;

/// Covers the work area while the privacy screen is on.
pub fn ui(view: &ViewCtx<'_>, ui: &mut Ui, commands: &mut Vec<Command>) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.3);
            ui.label(RichText::new("🔒").size(48.0));
            super::widgets::heading(ui, view.text.privacy_on_title);
            ui.label(view.text.privacy_on_body);
            ui.add_space(12.0);
            if ui.button(view.text.privacy_show).clicked() {
                commands.push(Command::TogglePrivacy);
            }
        });
    });
}
