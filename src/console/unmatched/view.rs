//! The unmatched queue window (supervisors): each waiting contact with what it named the citizen by and why it
//! waits, a button to link it to the citizen in the active tab, and the candidates of an ambiguous one.

use egui::RichText;

use super::super::app::ViewCtx;
use super::super::citizen::CitizenTab;
use super::super::citizen::timeline::local_date_time;
use super::super::citizen::timeline_view::channel_icon;
use super::super::i18n::fill;
use super::super::unmatched::UnmatchedState;
use super::super::widgets::{describe, loadable_status};
use super::text::{UnmatchedText, unmatched_text};
use crate::console::command::{Commands, LookupCommand, UnmatchedCommand};
use crate::history::api::{UnmatchedEvent, UnmatchedReason};

/// Draws the queue window.
pub fn window(
    view: &ViewCtx<'_>,
    state: &UnmatchedState,
    tab: Option<&CitizenTab>,
    ctx: &egui::Context,
    commands: &mut Commands,
) {
    if !state.open || view.privacy {
        return;
    }
    let u = unmatched_text(view.lang);
    let mut open = true;
    egui::Window::new(u.title).open(&mut open).default_width(560.0).show(ctx, |ui| {
        ui.horizontal(|ui| {
            if ui.button(u.refresh).clicked() {
                commands.push(UnmatchedCommand::Refresh);
            }
            if ui.button(u.close).clicked() {
                commands.push(UnmatchedCommand::Toggle);
            }
        });
        if let Some(error) = &state.error {
            ui.label(RichText::new(format!("⚠ {}", describe(view, error))).color(view.palette.error_fg));
        }
        if !loadable_status(view, &state.list, UnmatchedCommand::Refresh, ui, commands) {
            return;
        }
        let Some(list) = state.list.value() else { return };
        if list.events.is_empty() {
            ui.label(u.empty);
        }
        let target = tab.and_then(|t| t.name().map(|name| (name, t)));
        egui::ScrollArea::vertical().max_height(480.0).show(ui, |ui| {
            for entry in &list.events {
                ui.separator();
                let shown = Shown {
                    target: target.map(|(name, _)| name),
                    linking: state.linking == Some(entry.id),
                    revealed: state.revealed.get(&entry.id).map(String::as_str),
                };
                entry_ui(view, u, entry, &shown, ui, commands);
            }
        });
    });
    if !open {
        commands.push(UnmatchedCommand::Toggle);
    }
}

/// What the window knows about one entry besides the entry itself.
struct Shown<'a> {
    /// The name of the citizen in the active tab, to link to.
    target: Option<&'a str>,
    linking: bool,
    /// The full identifier, once revealed.
    revealed: Option<&'a str>,
}

fn entry_ui(
    view: &ViewCtx<'_>,
    u: &UnmatchedText,
    entry: &UnmatchedEvent,
    shown: &Shown<'_>,
    ui: &mut egui::Ui,
    commands: &mut Commands,
) {
    let (target, linking) = (shown.target, shown.linking);
    let event = &entry.event;
    let head = format!(
        "{} · {} {} · {}",
        local_date_time(event.occurred_at),
        channel_icon(event.channel),
        event.channel.label(view.lang),
        view.authority_name(&event.authority)
    );
    ui.label(RichText::new(head).strong());
    ui.label(&event.summary);
    let reason = match entry.reason {
        UnmatchedReason::NoMatch => u.no_match.to_owned(),
        UnmatchedReason::Ambiguous => fill(u.ambiguous, &[("count", &entry.candidates.len().to_string())]),
    };
    let given = match shown.revealed {
        Some(value) if !view.privacy => value.to_owned(),
        _ => named(entry),
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("{reason} · {}", fill(u.named_by, &[("given", &given)])))
                .color(view.palette.waiting_fg),
        );
        if shown.revealed.is_none() && !view.privacy && ui.button(u.reveal).clicked() {
            commands.push(UnmatchedCommand::Reveal(entry.id));
        }
    });
    ui.horizontal_wrapped(|ui| {
        match target {
            Some(name) if !view.privacy => {
                if linking {
                    ui.spinner();
                } else if ui.button(fill(u.link_to, &[("name", name)])).clicked() {
                    commands.push(UnmatchedCommand::Link(entry.id));
                }
            }
            _ => {
                ui.label(RichText::new(u.open_a_citizen).color(view.palette.muted_fg));
            }
        }
        for (index, candidate) in entry.candidates.iter().enumerate() {
            if ui.button(fill(u.candidate, &[("number", &(index + 1).to_string())])).clicked() {
                commands.push(LookupCommand::OpenCitizen(*candidate));
            }
        }
    });
}

/// What the contact named the citizen by, masked as the service sends it.
fn named(entry: &UnmatchedEvent) -> String {
    entry.identifier().map_or_else(|| entry.named_by.clone(), str::to_owned)
}
