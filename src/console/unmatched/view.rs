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
use crate::console::command::{Commands, LookupCommand, UnmatchedCommand};
use crate::domain::Language;
use crate::history::api::{UnmatchedEvent, UnmatchedReason};

crate::domain::language::text_table! {
    /// The queue's strings in one language.
    pub struct UnmatchedText {
        title,
        button,
        empty,
        no_match,
        ambiguous,
        named_by,
        link_to,
        open_a_citizen,
        candidate,
        reveal,
        refresh,
        close,
    }
}

const DA: UnmatchedText = UnmatchedText {
    title: "Uafklarede henvendelser",
    button: "🔗 Uafklarede",
    empty: "Ingen henvendelser venter på at blive knyttet til en borger.",
    no_match: "Ingen borger har det oplyste",
    ambiguous: "Flere borgere ({count}) har det oplyste",
    named_by: "Oplyst: {given}",
    link_to: "Knyt til {name}",
    open_a_citizen: "Åbn den rigtige borger for at knytte henvendelsen til vedkommende.",
    candidate: "Åbn kandidat {number}",
    reveal: "Vis fuldt",
    refresh: "⟳ Opdatér",
    close: "Luk",
};

const EN: UnmatchedText = UnmatchedText {
    title: "Unmatched contacts",
    button: "🔗 Unmatched",
    empty: "No contacts are waiting to be linked to a citizen.",
    no_match: "No citizen has the identifier given",
    ambiguous: "Several citizens ({count}) have the identifier given",
    named_by: "Given: {given}",
    link_to: "Link to {name}",
    open_a_citizen: "Open the right citizen to link the contact to them.",
    candidate: "Open candidate {number}",
    reveal: "Show in full",
    refresh: "⟳ Refresh",
    close: "Close",
};

/// The queue's strings for a language.
#[must_use]
pub fn unmatched_text(lang: Language) -> &'static UnmatchedText {
    match lang {
        Language::Da => &DA,
        Language::En => &EN,
    }
}

/// Draws the queue window.
pub fn window(
    view: &ViewCtx<'_>,
    state: &UnmatchedState,
    tab: Option<&CitizenTab>,
    ctx: &egui::Context,
    commands: &mut Commands,
) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_use_the_same_placeholders() {
        let problems = crate::domain::language::placeholder_mismatches(&DA.templates(), &EN.templates());
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
