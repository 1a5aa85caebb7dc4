//! The privacy screen: nothing personal is drawn (so nothing personal is in the accessibility tree either).

use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::text::shell_text;
use crate::console::command::{AppCommand, Commands};

/// Covers the work area while the privacy screen is on.
pub fn ui(view: &ViewCtx<'_>, ui: &mut Ui, commands: &mut Commands) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.3);
            ui.label(RichText::new("🔒").size(48.0));
            super::super::widgets::heading(ui, shell_text(view.lang).privacy_on_title);
            ui.label(super::super::i18n::fill(
                shell_text(view.lang).privacy_on_body,
                &[("key", &super::keys::Shortcut::Privacy.key_text(view.lang))],
            ));
            ui.add_space(12.0);
            if ui.button(shell_text(view.lang).privacy_show).clicked() {
                commands.push(AppCommand::TogglePrivacy);
            }
        });
    });
}
