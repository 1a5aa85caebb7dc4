//! The session strip under the top bar: start a session; while one runs, its citizen, channel, site, reason,
//! timer, park, wrap-up and (on the phone) end call, with the repeat-contact banner; parked sessions to resume;
//! after logging, the receipt (preview and PDF).

use crate::console::shell::keys::{self, Shortcut};
use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::citizen::CitizenTab;
use super::super::citizen::timeline::local_date_time;
use super::super::citizen::timeline_view::channel_icon;
use super::super::session::text::{SessionText, session_text};
use super::super::session::{ActiveSession, SessionsState, clock_text};
use super::super::tasks::Loadable;
use super::super::widgets::heading;
use crate::console::command::{Commands, SessionCommand};
use crate::domain::{Channel, KleCatalog, KleTopic};
use crate::receipt::Receipt;

/// Channels a session can be on.
const SESSION_CHANNELS: [Channel; 4] = [Channel::Counter, Channel::Phone, Channel::Video, Channel::GroupTraining];

/// Draws the session strip.
pub fn strip_ui(
    view: &ViewCtx<'_>,
    sessions: &mut SessionsState,
    tab: Option<&CitizenTab>,
    now: f64,
    ui: &mut Ui,
    commands: &mut Commands,
) {
    let s = session_text(view.lang);
    egui::Panel::top("session-strip").show(ui, |ui| {
        if let Some(session) = &mut sessions.active {
            active_ui(view, s, session, now, ui, commands);
        } else if sessions.logged.is_some() {
            logged_ui(view, s, sessions, ui, commands);
        } else {
            // Wrapped, so the key line moves under the buttons at a large text size instead of running off.
            ui.horizontal_wrapped(|ui| {
                let can_start = tab.is_some_and(|t| t.profile().value().is_some());
                let start =
                    ui.add_enabled(can_start, egui::Button::new(s.start)).on_hover_text(Shortcut::StartSession.hint());
                if start.clicked() {
                    commands.push(SessionCommand::Start { anonymous: false });
                }
                if ui.button(format!("👤 {}", s.start_anonymous)).clicked() {
                    commands.push(SessionCommand::Start { anonymous: true });
                }
                ui.label(
                    RichText::new(keys::line(&keys::SESSION_LINE, view.lang)).size(12.5).color(view.palette.muted_fg),
                );
            });
        }
        parked_ui(view, s, sessions, now, ui, commands);
    });
}

fn active_ui(
    view: &ViewCtx<'_>,
    s: &SessionText,
    session: &mut ActiveSession,
    now: f64,
    ui: &mut Ui,
    commands: &mut Commands,
) {
    ui.horizontal_wrapped(|ui| {
        let who = session.citizen.as_ref().map_or(s.anonymous, |c| if view.privacy { "" } else { &c.profile.name });
        heading(ui, super::super::i18n::fill(s.session_for, &[("citizen", who)]));
        let timer = format!("⏱ {}", clock_text(session.clock.seconds(now)));
        ui.label(RichText::new(timer).monospace().strong()).on_hover_text(s.timer);
        ui.separator();
        let label = ui.label(s.channel);
        let mut chosen = session.channel;
        egui::ComboBox::from_id_salt("session-channel")
            .selected_text(format!("{} {}", channel_icon(session.channel), session.channel.label(view.lang)))
            .show_ui(ui, |ui| {
                for channel in SESSION_CHANNELS {
                    ui.selectable_value(&mut chosen, channel, channel.label(view.lang));
                }
            })
            .response
            .labelled_by(label.id);
        if chosen != session.channel {
            commands.push(SessionCommand::SetChannel(chosen));
        }
        let label = ui.label(s.site);
        ui.add(egui::TextEdit::singleline(&mut session.site).desired_width(160.0)).labelled_by(label.id);
        reason_ui(s, session, ui, commands);
    });
    ui.horizontal_wrapped(|ui| {
        if session.channel == Channel::Phone
            && session.call_ended_at.is_none()
            && ui.button(s.end_call).on_hover_text(Shortcut::EndCall.hint()).clicked()
        {
            commands.push(SessionCommand::EndCall);
        }
        if ui.button(s.wrap_up).on_hover_text(Shortcut::WrapUp.hint()).clicked() {
            commands.push(SessionCommand::OpenWrapUp);
        }
        if ui.button(s.park).on_hover_text(Shortcut::ParkSession.hint()).clicked() {
            commands.push(SessionCommand::Park);
        }
        if session.confirm_discard {
            ui.label(RichText::new(s.discard_confirm).color(view.palette.error_fg));
            if ui.button(s.discard_yes).clicked() {
                commands.push(SessionCommand::Discard);
            }
            if ui.button(s.keep).clicked() {
                session.confirm_discard = false;
            }
        } else if ui.button(s.discard).clicked() {
            session.confirm_discard = true;
        }
        if !session.runs.is_empty() {
            let mut guides: Vec<&str> = Vec::new();
            for run in &session.runs {
                let title = view.guide_title(&run.guide);
                if !guides.contains(&title) {
                    guides.push(title);
                }
            }
            let line = super::super::i18n::fill(s.guides_in_session, &[("guides", &guides.join(", "))]);
            ui.label(RichText::new(line).color(view.palette.muted_fg));
        }
    });
    repeat_ui(view, s, session, ui);
}

/// The reason: a KLE topic picked from a searchable list.
fn reason_ui(s: &SessionText, session: &mut ActiveSession, ui: &mut Ui, commands: &mut Commands) {
    let label = ui.label(s.reason);
    if kle_picker_ui(s, "session-reason", label.id, &mut session.kle, &mut session.kle_query, ui) {
        commands.push(SessionCommand::ReasonChosen);
    }
}

/// A KLE topic picked from a searchable list, named by the label `label`; returns whether the choice changed.
pub fn kle_picker_ui(
    s: &SessionText,
    id_salt: &str,
    label: egui::Id,
    kle: &mut Option<KleTopic>,
    query: &mut String,
    ui: &mut Ui,
) -> bool {
    let catalog = KleCatalog::builtin();
    let shown =
        kle.as_ref().map_or_else(|| s.reason_none.to_owned(), |k| format!("{} {}", k.as_str(), catalog.title(k)));
    let before = kle.clone();
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(shown)
        .width(280.0)
        .height(320.0)
        .show_ui(ui, |ui| {
            let search_label = ui.label(s.reason_search);
            ui.add(egui::TextEdit::singleline(query).desired_width(260.0)).labelled_by(search_label.id);
            for (topic, title) in catalog.search(query).take(40) {
                let text = format!("{} {title}", topic.as_str());
                ui.selectable_value(kle, Some(topic), text);
            }
        })
        .response
        .labelled_by(label);
    before != *kle
}

/// The repeat-contact banner: contacts on the same topic in the last fortnight, on any channel.
fn repeat_ui(view: &ViewCtx<'_>, s: &SessionText, session: &ActiveSession, ui: &mut Ui) {
    let Loadable::Ready(events) = &session.repeat else { return };
    let earlier: Vec<_> = events.iter().filter(|e| e.source_id != session.id.to_string()).collect();
    if earlier.is_empty() {
        return;
    }
    egui::Frame::new().fill(view.palette.warning_bg).inner_margin(egui::Margin::symmetric(8, 6)).show(ui, |ui| {
        ui.label(RichText::new(format!("🔁 {}", s.repeat_banner)).color(view.palette.warning_fg).strong());
        for event in earlier.iter().take(5) {
            let summary = if view.privacy { String::new() } else { event.summary.clone() };
            let line = format!(
                "{} · {} {} · {}",
                local_date_time(event.occurred_at),
                channel_icon(event.channel),
                event.channel.label(view.lang),
                summary
            );
            ui.label(RichText::new(line).color(view.palette.warning_fg));
        }
    });
}

fn parked_ui(
    view: &ViewCtx<'_>,
    s: &SessionText,
    sessions: &SessionsState,
    now: f64,
    ui: &mut Ui,
    commands: &mut Commands,
) {
    if sessions.parked.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("🅿 {}:", s.parked)).strong());
        for (index, parked) in sessions.parked.iter().enumerate() {
            let who = parked.session.citizen.as_ref().map_or(s.anonymous, |c| c.profile.name.as_str());
            let who = if view.privacy { "…" } else { who };
            let text = format!("{} {who} ({})", s.resume, clock_text(parked.session.clock.seconds(now)));
            if ui.button(text).clicked() {
                commands.push(SessionCommand::Resume(index));
            }
        }
    });
}

fn logged_ui(view: &ViewCtx<'_>, s: &SessionText, sessions: &SessionsState, ui: &mut Ui, commands: &mut Commands) {
    let Some(logged) = &sessions.logged else { return };
    let waiting = sessions.outbox.is_pending(&logged.session.id.to_string());
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("✔ {}", s.logged_title)).strong().color(view.palette.resolved_fg));
        // The buttons come before the sending state, whose words change when the service confirms: a button must
        // not move under the pointer as it is clicked.
        if ui.button(format!("📄 {}", s.receipt_show)).clicked() {
            commands.push(SessionCommand::ShowReceipt);
        }
        if ui.button(s.receipt_save).clicked() {
            commands.push(SessionCommand::SaveReceipt);
        }
        if ui.button(s.done).clicked() {
            commands.push(SessionCommand::CloseReceipt);
        }
        ui.separator();
        ui.label(if waiting { s.logged_waiting } else { s.logged_stored });
        match &sessions.receipt_status {
            Some(Ok(name)) => {
                ui.label(super::super::i18n::fill(s.receipt_saved, &[("file", name)]));
            }
            Some(Err(error)) => {
                ui.label(
                    RichText::new(super::super::i18n::fill(s.receipt_failed, &[("error", &s.failure(error))]))
                        .color(view.palette.error_fg),
                );
            }
            None => {}
        }
    });
}

/// The print-friendly preview: the receipt as the citizen will read it, black on white whatever the theme.
/// The session's windows: the receipt preview and the outbox's problems. Neither is drawn behind the privacy screen.
pub fn windows(view: &ViewCtx<'_>, sessions: &SessionsState, ctx: &egui::Context, commands: &mut Commands) {
    if view.privacy {
        return;
    }
    if let Some(receipt) = &sessions.receipt_preview {
        receipt_window(view, receipt, ctx, commands);
    }
    if sessions.outbox.show_problems {
        super::outbox_view::problems_window(view, sessions, ctx, commands);
    }
}

/// The wrap-up panel, while the session in progress is being wrapped up.
pub fn wrap_up_ui(view: &ViewCtx<'_>, sessions: &mut SessionsState, ui: &mut Ui, commands: &mut Commands) {
    if let Some(wrap) = sessions.active.as_mut().and_then(|s| s.wrap.as_mut()) {
        super::wrapup_view::panel_ui(view, wrap, ui, commands);
    }
}

fn receipt_window(view: &ViewCtx<'_>, receipt: &Receipt, ctx: &egui::Context, commands: &mut Commands) {
    let s = session_text(view.lang);
    let mut open = true;
    egui::Window::new(s.receipt_title).open(&mut open).default_width(560.0).resizable(true).show(ctx, |ui| {
        egui::ScrollArea::vertical().max_height(620.0).show(ui, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::WHITE)
                .inner_margin(egui::Margin::same(24))
                .stroke(egui::Stroke::new(1.0, egui::Color32::GRAY))
                .show(ui, |ui| {
                    ui.set_width(500.0);
                    paper(receipt, ui);
                });
        });
        ui.horizontal(|ui| {
            if ui.button(s.receipt_save).clicked() {
                commands.push(SessionCommand::SaveReceipt);
            }
            if ui.button(s.close).clicked() {
                commands.push(SessionCommand::ShowReceipt);
            }
        });
    });
    if !open {
        commands.push(SessionCommand::ShowReceipt);
    }
}

fn paper(receipt: &Receipt, ui: &mut Ui) {
    let ink = egui::Color32::BLACK;
    ui.label(RichText::new(&receipt.contact.name).size(12.0).color(egui::Color32::DARK_GRAY));
    let title = ui.label(RichText::new(receipt.title()).size(24.0).color(ink));
    title.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Heading, true, receipt.title()));
    ui.add_space(6.0);
    for section in &receipt.sections() {
        let size = 17.0;
        let title = ui.label(RichText::new(&section.title).size(size).strong().color(ink));
        title.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Heading, true, section.title.as_str()));
        for line in &section.lines {
            ui.label(RichText::new(line.display()).size(14.0).color(ink));
        }
        ui.add_space(8.0);
    }
}
