//! The open citizens as tabs, and the active tab's content.

use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::i18n::fill;
use super::text::citizen_text;
use super::view as citizen;
use super::{CitizenTab, Tabs};
use crate::console::command::{CitizenCommand, Commands};

/// A tab's title: the citizen's name, or a neutral number while it is unknown.
fn title(view: &ViewCtx<'_>, tab: &CitizenTab, index: usize) -> String {
    tab.name().map_or_else(
        || fill(citizen_text(view.lang).hidden_citizen, &[("number", &(index + 1).to_string())]),
        str::to_owned,
    )
}

/// Draws the tab strip and the active tab.
pub fn ui(view: &ViewCtx<'_>, tabs: &mut Tabs, ui: &mut Ui, commands: &mut Commands) {
    let active = tabs.active;
    egui::CentralPanel::default().show(ui, |ui| {
        if tabs.is_empty() {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.3);
                let hint = super::super::shell::keys::Shortcut::FindCitizen.key_text(view.lang);
                ui.label(
                    RichText::new(super::super::i18n::fill(citizen_text(view.lang).no_tabs, &[("key", &hint)]))
                        .size(16.0)
                        .color(view.palette.muted_fg),
                );
            });
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for (index, tab) in tabs.open.iter().enumerate() {
                let name = title(view, tab, index);
                if ui.add(egui::Button::selectable(index == active, format!("👤 {name}"))).clicked() {
                    commands.push(CitizenCommand::SelectTab(tab.id));
                }
                let close = ui
                    .add(egui::Button::new("✖").small())
                    .accessible_name(fill(citizen_text(view.lang).close_tab, &[("name", &name)]));
                if close.clicked() {
                    commands.push(CitizenCommand::CloseTab(tab.id));
                }
                ui.add_space(8.0);
            }
        });
        ui.separator();
        if let Some(tab) = tabs.open.get_mut(active) {
            citizen::ui(view, tab, ui, commands);
        }
    });
}
