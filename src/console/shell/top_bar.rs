//! The top bar (who is signed in, connection, language, privacy), the demo banner and the shortcut line.

use crate::console::shell::keys::Shortcut;
use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::prefs::Prefs;
use super::super::session::SessionsState;
use super::super::theme::ThemeChoice;
use super::text::shell_text;
use super::{Connection, LinkStatus};
use crate::console::command::{AppCommand, Commands, GroupCommand, GuideCommand, InsightsCommand, UnmatchedCommand};
use crate::domain::Language;

/// What the top bar shows besides the view context.
pub struct Bar<'a> {
    pub connection: &'a Connection,
    pub prefs: &'a Prefs,
    pub guides_open: bool,
    pub sessions: &'a SessionsState,
    pub now: f64,
    pub unmatched: QueueButton,
    /// The insights button, for supervisors and admins: whether the workspace is open.
    pub insights: Option<bool>,
}

/// The unmatched-queue button: only for staff who may resolve identities, with the count once it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueButton {
    Hidden,
    Shown { waiting: Option<usize> },
}

/// The settings menu: idle privacy and the wrap-up countdown.
fn settings_menu(view: &ViewCtx<'_>, prefs: &Prefs, ui: &mut Ui, commands: &mut Commands) {
    let t = shell_text(view.lang);
    ui.menu_button(t.settings, |ui| {
        let label = ui.label(t.idle_privacy);
        let mut minutes = prefs.idle_privacy_minutes;
        let drag = egui::DragValue::new(&mut minutes).range(0..=60).suffix(t.minutes);
        if ui.add(drag).labelled_by(label.id).changed() {
            commands.push(AppCommand::SetIdleMinutes(minutes));
        }
        let s = super::super::session::text::session_text(view.lang);
        let label = ui.label(s.wrap_seconds);
        let mut seconds = prefs.wrap_seconds;
        let drag = egui::DragValue::new(&mut seconds).range(0..=600).speed(5).suffix(s.seconds_short);
        if ui.add(drag).labelled_by(label.id).changed() {
            commands.push(AppCommand::SetWrapSeconds(seconds));
        }
    });
}

/// Draws the bars around the work area.
pub fn ui(view: &ViewCtx<'_>, bar: &Bar<'_>, ui: &mut Ui, commands: &mut Commands) {
    let Bar { connection, prefs, guides_open, sessions, now, unmatched, insights } = *bar;
    let t = shell_text(view.lang);
    egui::Panel::top("top-bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new(t.app_name).strong().size(18.0));
            if connection.demo {
                ui.label(
                    RichText::new(t.demo_badge)
                        .strong()
                        .color(view.palette.banner_fg)
                        .background_color(view.palette.banner_bg),
                );
            }
            ui.separator();
            let me = &connection.me;
            ui.label(format!("{} · {} · {}", me.name, me.role.label(view.lang), me.site));
            ui.separator();
            let (icon, status) = match connection.status {
                LinkStatus::Online => ("✔", t.online),
                LinkStatus::Reconnecting => ("⟳", t.reconnecting),
                LinkStatus::Offline => ("✖", t.offline),
            };
            let colour =
                if connection.status == LinkStatus::Online { view.palette.resolved_fg } else { view.palette.error_fg };
            ui.label(RichText::new(format!("{icon} {status}")).color(colour)).on_hover_text(t.connection);
            super::super::session::outbox_view::status_ui(view, sessions, prefs.wrap_seconds, now, ui, commands);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(t.privacy_button).on_hover_text(Shortcut::Privacy.hint()).clicked() {
                    commands.push(AppCommand::TogglePrivacy);
                }
                if let Some(open) = insights {
                    let i = super::super::insights::text::insights_text(view.lang);
                    let button = ui.add(egui::Button::selectable(open, i.button));
                    if button.on_hover_text(Shortcut::Insights.hint()).clicked() {
                        commands.push(InsightsCommand::Toggle);
                    }
                }
                if let QueueButton::Shown { waiting } = unmatched {
                    let u = super::super::unmatched::text::unmatched_text(view.lang);
                    let label = waiting.map_or_else(|| u.button.to_owned(), |n| format!("{} ({n})", u.button));
                    if ui.button(label).on_hover_text(u.title).clicked() {
                        commands.push(UnmatchedCommand::Toggle);
                    }
                }
                if ui
                    .add(egui::Button::selectable(
                        guides_open,
                        super::super::guides::text::guides_text(view.lang).guides_title,
                    ))
                    .on_hover_text(Shortcut::Guides.hint())
                    .clicked()
                {
                    commands.push(GuideCommand::TogglePanel);
                }
                let group = super::super::i18n::group_text(view.lang);
                if ui.button(group.open_button).on_hover_text(Shortcut::GroupSession.hint()).clicked() {
                    commands.push(GroupCommand::Toggle);
                }
                settings_menu(view, prefs, ui, commands);
                theme_menu(view, prefs.theme, ui, commands);
                ui.add_space(8.0);
                let mut language = prefs.language;
                let combo =
                    egui::ComboBox::from_id_salt("language").selected_text(language.endonym()).show_ui(ui, |ui| {
                        for option in Language::ALL {
                            ui.selectable_value(&mut language, option, option.endonym());
                        }
                    });
                // Right to left: the label added after the box stands before it.
                let label = ui.label(t.language);
                let _named = combo.response.labelled_by(label.id);
                if language != prefs.language {
                    commands.push(AppCommand::SetLanguage(language));
                }
            });
        });
    });
    if connection.demo {
        egui::Panel::top("demo-banner").frame(egui::Frame::new().fill(view.palette.banner_bg).inner_margin(6)).show(
            ui,
            |ui| {
                ui.label(RichText::new(t.demo_banner).color(view.palette.banner_fg).strong());
            },
        );
    }
    egui::Panel::bottom("shortcuts").show(ui, |ui| {
        ui.label(
            RichText::new(super::keys::line(&super::keys::BOTTOM_LINE, view.lang))
                .size(12.5)
                .color(view.palette.muted_fg),
        );
    });
}

fn theme_menu(view: &ViewCtx<'_>, current: ThemeChoice, ui: &mut Ui, commands: &mut Commands) {
    let t = shell_text(view.lang);
    let name = |theme: ThemeChoice| match theme {
        ThemeChoice::Light => t.theme_light,
        ThemeChoice::Dark => t.theme_dark,
        ThemeChoice::HighContrast => t.theme_high_contrast,
    };
    let mut chosen = current;
    let combo = egui::ComboBox::from_id_salt("theme").selected_text(name(current)).show_ui(ui, |ui| {
        for theme in [ThemeChoice::Light, ThemeChoice::Dark, ThemeChoice::HighContrast] {
            ui.selectable_value(&mut chosen, theme, name(theme));
        }
    });
    let label = ui.label(t.theme);
    let _named = combo.response.labelled_by(label.id);
    if chosen != current {
        commands.push(AppCommand::SetTheme(chosen));
    }
}
