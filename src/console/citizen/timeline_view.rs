//! The cross-channel timeline: filter chips, dates and free text; a virtualised list grouped by Copenhagen
//! day that fetches older pages as it scrolls; and the selected contact's details.
//!
//! Rows are painted directly (one allocation and a few text runs each) and only the visible ones are laid out,
//! so a 10,000-contact history costs the same per frame as a short one. Each row still reports a full
//! accessible label, and channel and status are always written, never told by colour alone.

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{FontId, Key, RichText, Sense, Ui, WidgetInfo};

use super::super::app::ViewCtx;
use super::super::i18n::{fill, long_date};
use super::super::theme::{DETAILS_WIDTH, ROW_HEIGHT, TIMELINE_COLUMNS};
use super::super::widgets::{error_line, field};
use super::text::citizen_text;
use super::timeline::{Row, local_date_time, local_time};
use super::{CitizenTab, TabId};
use crate::console::command::{CitizenCommand, Commands};
use crate::domain::{CaseStatus, Channel, ContactEvent, Direction, KleCatalog};

/// How many rows before the end of what is fetched the next page is requested.
const PREFETCH_ROWS: usize = 40;

/// An icon for each channel, always shown beside its name.
#[must_use]
pub fn channel_icon(channel: Channel) -> &'static str {
    match channel {
        Channel::Web => "🌐",
        Channel::SelfService => "📝",
        Channel::Chatbot => "💬",
        Channel::Phone => "📞",
        Channel::Counter => "🏢",
        Channel::Video => "📹",
        Channel::DigitalPost => "📨",
        Channel::Email => "📧",
        Channel::SocialMedia => "👥",
        Channel::App => "📱",
        Channel::Letter => "✉",
        Channel::GroupTraining => "🎓",
    }
}

/// Draws filters, list and details for a tab.
pub fn ui(view: &ViewCtx<'_>, tab: &mut CitizenTab, ui: &mut Ui, commands: &mut Commands) {
    filters_ui(view, tab, ui, commands);
    status_ui(view, tab, ui, commands);
    keyboard(tab, ui, commands);
    if let Some(index) = tab.timeline.selected
        && let Some(event) = tab.timeline.data.events.get(index)
    {
        let session = crate::history::api::session_of(event).and_then(|id| tab.session_details.get(&id));
        egui::Panel::right(("details", tab.id)).resizable(true).default_size(DETAILS_WIDTH).show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                details_ui(view, tab.id, event, ui, commands);
                session_ui(view, event, session, ui);
            });
        });
    }
    list_ui(view, tab, ui, commands);
}

fn filters_ui(view: &ViewCtx<'_>, tab: &mut CitizenTab, ui: &mut Ui, commands: &mut Commands) {
    let (t, id) = (citizen_text(view.lang), tab.id);
    let filter = &mut tab.timeline.filter;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("📋 {}", t.contacts)).strong().size(16.0));
        let label = ui.label(t.search_contacts);
        let text = egui::TextEdit::singleline(&mut filter.text).hint_text(t.search_contacts_hint).desired_width(200.0);
        if ui.add(text).labelled_by(label.id).changed() {
            commands.push(CitizenCommand::FilterTextEdited(id));
        }
        let title = if filter.authorities.is_empty() {
            format!("{}: {}", view.text.authority, view.text.all)
        } else {
            format!("{} ({})", view.text.authority, filter.authorities.len())
        };
        ui.menu_button(title, |ui| {
            for authority in view.authorities {
                let key = authority.id.as_str().to_owned();
                let mut on = filter.authorities.contains(&key);
                if ui.checkbox(&mut on, authority.name(view.lang)).changed() {
                    if on {
                        filter.authorities.insert(key);
                    } else {
                        filter.authorities.remove(&key);
                    }
                    commands.push(CitizenCommand::FilterChanged(id));
                }
            }
        });
        if filter.is_active() && ui.button(t.clear_filters).clicked() {
            commands.push(CitizenCommand::ClearFilters(id));
        }
    });
    let filter = &mut tab.timeline.filter;
    ui.horizontal(|ui| {
        for (caption, value) in [(t.from, &mut filter.from), (t.to, &mut filter.to)] {
            // Label and field stay together when the row wraps.
            ui.horizontal(|ui| {
                let label = ui.label(caption);
                let field = egui::TextEdit::singleline(value).hint_text(t.date_hint).desired_width(104.0);
                let field = ui.add(field).labelled_by(label.id);
                if field.lost_focus() || (field.changed() && (value.is_empty() || value.len() == 10)) {
                    commands.push(CitizenCommand::FilterChanged(id));
                }
            });
        }
    });
    if tab.timeline.bad_date {
        ui.label(RichText::new(format!("⚠ {}", t.date_invalid)).color(view.palette.error_fg));
    }
    let filter = &mut tab.timeline.filter;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("{}:", view.text.channel)).color(view.palette.muted_fg));
        for channel in Channel::ALL {
            let on = filter.channels.contains(&channel);
            let chip =
                egui::Button::selectable(on, format!("{} {}", channel_icon(channel), channel.label(view.lang))).small();
            if ui.add(chip).clicked() {
                if on {
                    filter.channels.remove(&channel);
                } else {
                    filter.channels.insert(channel);
                }
                commands.push(CitizenCommand::FilterChanged(id));
            }
        }
        // The chosen authorities as chips; clicking one removes it.
        for key in filter.authorities.clone() {
            let name = view.authority_name(&key).to_owned();
            let chip = egui::Button::selectable(true, format!("✖ {name}")).small();
            if ui.add(chip).clicked() {
                filter.authorities.remove(&key);
                commands.push(CitizenCommand::FilterChanged(id));
            }
        }
    });
}

fn status_ui(view: &ViewCtx<'_>, tab: &CitizenTab, ui: &mut Ui, commands: &mut Commands) {
    let timeline = &tab.timeline;
    ui.horizontal(|ui| {
        let shown = timeline.data.events.len();
        if timeline.data.loaded && shown == 0 {
            ui.label(RichText::new(citizen_text(view.lang).no_contacts).color(view.palette.muted_fg));
        } else if timeline.data.loaded {
            let more = if timeline.data.has_more() { "+" } else { "" };
            ui.label(
                RichText::new(fill(citizen_text(view.lang).contacts_shown, &[("count", &format!("{shown}{more}"))]))
                    .color(view.palette.muted_fg),
            );
        }
        if timeline.page.is_pending() {
            ui.spinner();
            ui.label(if timeline.data.loaded { citizen_text(view.lang).loading_more } else { view.text.loading });
        }
    });
    if let Some(error) = timeline.page.error() {
        error_line(view, error, CitizenCommand::RetryPage(tab.id), ui, commands);
    }
}

/// Up and Down move the selection through the contacts while no text field has the keyboard; Escape closes it.
fn keyboard(tab: &mut CitizenTab, ui: &mut Ui, commands: &mut Commands) {
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let count = tab.timeline.data.events.len();
    let (down, up, escape) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, Key::ArrowDown),
            i.consume_key(egui::Modifiers::NONE, Key::ArrowUp),
            i.consume_key(egui::Modifiers::NONE, Key::Escape),
        )
    });
    let selected = tab.timeline.selected;
    let next = match (down, up, selected) {
        (true, _, None) if count > 0 => Some(0),
        (true, _, Some(i)) if i + 1 < count => Some(i + 1),
        (_, true, Some(i)) if i > 0 => Some(i - 1),
        _ => selected,
    };
    if next != selected {
        tab.timeline.scroll_to_selected = true;
        commands.push(CitizenCommand::SelectEvent(tab.id, next));
    }
    if escape && selected.is_some() {
        commands.push(CitizenCommand::SelectEvent(tab.id, None));
    }
}

fn list_ui(view: &ViewCtx<'_>, tab: &mut CitizenTab, ui: &mut Ui, commands: &mut Commands) {
    let id = tab.id;
    let timeline = &mut tab.timeline;
    let row_height = ROW_HEIGHT;
    let spacing = ui.spacing().item_spacing.y;
    let mut area = egui::ScrollArea::vertical().id_salt(("timeline", id)).auto_shrink([false, false]);
    if timeline.scroll_to_selected {
        timeline.scroll_to_selected = false;
        if let Some(row) = timeline.selected.and_then(|s| timeline.data.rows.iter().position(|r| *r == Row::Event(s))) {
            #[allow(clippy::cast_precision_loss)] // Row counts stay far below f32's exact range.
            let top = row as f32 * (row_height + spacing);
            let view_height = ui.available_height();
            let current = egui::scroll_area::State::load(ui.ctx(), ui.make_persistent_id(("timeline", id)))
                .map_or(0.0, |s| s.clamped_offset().y);
            if top < current || top + row_height > current + view_height {
                area = area.vertical_scroll_offset((top - view_height / 2.0).max(0.0));
            }
        }
    }
    let rows = &timeline.data.rows;
    let events = &timeline.data.events;
    let selected = timeline.selected;
    let output = area.show_rows(ui, row_height, rows.len(), |ui, range| {
        let end = range.end;
        for row in &rows[range] {
            match *row {
                Row::Day(day) => {
                    ui.allocate_ui(egui::vec2(ui.available_width(), row_height), |ui| {
                        ui.label(RichText::new(long_date(view.lang, day)).strong().color(view.palette.day_header_fg));
                    });
                }
                Row::Event(index) => {
                    if event_row(view, &events[index], selected == Some(index), ui).clicked() {
                        commands.push(CitizenCommand::SelectEvent(id, (selected != Some(index)).then_some(index)));
                    }
                }
            }
        }
        end
    });
    let last_visible = output.inner;
    if last_visible + PREFETCH_ROWS >= rows.len()
        && timeline.data.has_more()
        && !timeline.page.is_pending()
        && timeline.page.error().is_none()
    {
        commands.push(CitizenCommand::LoadMore(id));
    }
}

fn status_colour(view: &ViewCtx<'_>, status: CaseStatus) -> egui::Color32 {
    match status {
        CaseStatus::Open => view.palette.open_fg,
        CaseStatus::Waiting => view.palette.waiting_fg,
        CaseStatus::Resolved => view.palette.resolved_fg,
    }
}

/// Whether the row is a session logged from a console.
fn is_session(event: &ContactEvent) -> bool {
    event.source == crate::history::api::SESSION_SOURCE
}

/// A logged session's part of the details: what the service stored, or that it still waits in the outbox.
fn session_ui(
    view: &ViewCtx<'_>,
    event: &ContactEvent,
    stored: Option<&Result<crate::domain::AssistedSession, crate::history::client::ClientError>>,
    ui: &mut Ui,
) {
    if !is_session(event) {
        return;
    }
    let s = super::super::session::text::session_text(view.lang);
    if view.pending.contains(&event.source_id) {
        ui.separator();
        ui.label(RichText::new(s.row_pending).color(view.palette.waiting_fg).strong());
        return;
    }
    match stored {
        Some(Ok(session)) => {
            let body = super::super::session::outbox_view::SessionBody {
                outcome: session.outcome,
                kind: session.contact_kind,
                guides: &session.guides,
                next_steps: &session.next_steps,
                referral: session.referral.as_deref().map(|r| crate::domain::Referral::label_of(r, view.lang)),
                readiness: session.digital_readiness_after,
                failure: session.failure_demand,
                pending: false,
            };
            super::super::session::outbox_view::session_details_ui(view, &body, ui);
        }
        Some(Err(error)) => {
            ui.label(
                RichText::new(format!("⚠ {}", super::super::widgets::describe(view, error)))
                    .color(view.palette.error_fg),
            );
        }
        None => {
            ui.spinner();
        }
    }
}

/// The texts of a row's columns, in order.
fn row_cells(view: &ViewCtx<'_>, event: &ContactEvent) -> [String; 6] {
    let topic = event.kle.as_ref().map_or("—", |k| KleCatalog::builtin().title(k));
    let summary = if event.abandoned {
        format!("{} — {}", citizen_text(view.lang).abandoned, event.summary)
    } else if is_session(event) {
        let s = super::super::session::text::session_text(view.lang);
        let mark = if view.pending.contains(&event.source_id) { s.row_pending } else { s.row_logged };
        format!("{mark} — {}", event.summary)
    } else {
        event.summary.clone()
    };
    [
        local_time(event.occurred_at),
        format!("{} {}", channel_icon(event.channel), event.channel.label(view.lang)),
        view.authority_name(event.authority.as_str()).to_owned(),
        topic.to_owned(),
        event.status.label(view.lang).to_owned(),
        summary,
    ]
}

/// The columns to paint for a row of this width, as (cell index, width; `None` = the rest). A narrow list (the
/// guide panel is open) leaves out the KLE topic, which the details and the accessible label still carry.
fn columns(width: f32) -> Vec<(usize, Option<f32>)> {
    let [time, channel, authority, topic, status] = TIMELINE_COLUMNS;
    if width >= 900.0 {
        vec![(0, Some(time)), (1, Some(channel)), (2, Some(authority)), (3, Some(topic)), (4, Some(status)), (5, None)]
    } else {
        vec![(0, Some(time)), (1, Some(channel * 0.85)), (2, Some(authority * 0.75)), (4, Some(status)), (5, None)]
    }
}

/// One contact, painted in columns; clicking (or Enter/Space when focused) selects it.
fn event_row(view: &ViewCtx<'_>, event: &ContactEvent, selected: bool, ui: &mut Ui) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(ui.available_width(), ROW_HEIGHT), Sense::click());
    let mut cells = row_cells(view, event);
    response.widget_info(|| WidgetInfo::selected(egui::Role::Button, true, selected, cells.join(" · ")));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let visuals = ui.visuals();
    let background = if selected {
        Some(view.palette.selected_bg)
    } else if response.hovered() || response.has_focus() {
        Some(visuals.widgets.hovered.weak_bg_fill)
    } else {
        None
    };
    let painter = ui.painter();
    if let Some(fill) = background {
        painter.rect_filled(rect, 3.0, fill);
    }
    if response.has_focus() {
        painter.rect_stroke(rect, 3.0, visuals.selection.stroke, egui::StrokeKind::Inside);
    }
    let font = FontId::proportional(14.0);
    let text_colour = visuals.text_color();
    let mut x = rect.left() + 4.0;
    for (index, width) in columns(rect.width()) {
        let cell = std::mem::take(&mut cells[index]);
        let width = width.unwrap_or(rect.right() - x).min(rect.right() - x);
        let colour = match index {
            0 => view.palette.muted_fg,
            4 => status_colour(view, event.status),
            5 if event.abandoned => view.palette.abandoned_fg,
            _ => text_colour,
        };
        // One line, cut with an ellipsis where the column ends.
        let mut job = LayoutJob::single_section(cell, TextFormat::simple(font.clone(), colour));
        job.wrap = TextWrapping::truncate_at_width((width - 10.0).max(0.0));
        let galley = painter.layout_job(job);
        painter.galley(egui::pos2(x, rect.center().y - galley.size().y / 2.0), galley, colour);
        x += width;
    }
    response
}

fn details_ui(view: &ViewCtx<'_>, tab: TabId, event: &ContactEvent, ui: &mut Ui, commands: &mut Commands) {
    let (t, muted) = (citizen_text(view.lang), view.palette.muted_fg);
    ui.horizontal(|ui| {
        super::super::widgets::heading(ui, t.details);
        if ui.button("✖").on_hover_text(t.close_details).clone().accessible_name(t.close_details).clicked() {
            commands.push(CitizenCommand::SelectEvent(tab, None));
        }
    });
    if event.abandoned {
        ui.label(RichText::new(t.abandoned).color(view.palette.abandoned_fg).strong());
    }
    egui::Grid::new(("details-grid", tab)).num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
        field(ui, muted, t.time, local_date_time(event.occurred_at));
        field(
            ui,
            muted,
            view.text.channel,
            format!("{} {}", channel_icon(event.channel), event.channel.label(view.lang)),
        );
        field(ui, muted, t.direction, if event.direction == Direction::Inbound { t.inbound } else { t.outbound });
        field(ui, muted, view.text.authority, view.authority_name(event.authority.as_str()));
        let topic = event
            .kle
            .as_ref()
            .map_or_else(|| "—".to_owned(), |k| format!("{} {}", k.as_str(), KleCatalog::builtin().title(k)));
        field(ui, muted, t.kle_topic, topic);
        field(ui, muted, t.case_ref, event.case_ref.clone().unwrap_or_else(|| "—".to_owned()));
        field(
            ui,
            muted,
            view.text.status,
            RichText::new(event.status.label(view.lang)).color(status_colour(view, event.status)),
        );
        field(ui, muted, t.source, format!("{} ({})", event.source, event.source_id));
        field(ui, muted, t.staff, event.staff.clone().unwrap_or_else(|| "—".to_owned()));
    });
    ui.label(RichText::new(view.text.summary).color(muted));
    ui.label(&event.summary);
}
