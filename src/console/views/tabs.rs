//! The open citizens as tabs, and the active tab's content.

use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::command::Command;
use super::super::i18n::fill;
use super::super::state::CitizenTab;
use super::citizen;

/// A tab's title: the citizen's name, or a neutral number while it is unknown.
fn title(view: &ViewCtx<'_>, tab: &CitizenTab, index: usize) -> String {
    tab.name().map_or_else(|| fill(view.text.hidden_citizen, &[&(index + 1).to_string()]), str::to_owned)
}

/// Draws the tab strip and the active tab.
pub fn ui(view: &ViewCtx<'_>, tabs: &mut [CitizenTab], active: usize, ui: &mut Ui, commands: &mut Vec<Command>) {
    egui::CentralPanel::default().show(ui, |ui| {
        if tabs.is_empty() {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.3);
                ui.label(RichText::new(view.text.no_tabs).size(16.0).color(view.palette.muted_fg));
            });
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for (index, tab) in tabs.iter().enumerate() {
                let name = title(view, tab, index);
                if ui.add(egui::Button::selectable(index == active, format!("👤 {name}"))).clicked() {
                    commands.push(Command::SelectTab(tab.id));
                }
                let close = ui.add(egui::Button::new("✖").small()).accessible_name(fill(view.text.close_tab, &[&name]));
                if close.clicked() {
                    commands.push(Command::CloseTab(tab.id));
                }
                ui.add_space(8.0);
            }
        });
        ui.separator();
        if let Some(tab) = tabs.get_mut(active) {
            citizen::ui(view, tab, ui, commands);
        }
    });
}
