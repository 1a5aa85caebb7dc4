//! Small drawing helpers shared by the views.

use egui::{Color32, RichText, Ui};

use super::app::ViewCtx;
use super::command::{Command, Commands};
use super::i18n::fill;
use super::tasks::Loadable;
use crate::history::client::ClientError;

/// Shows the honest state of something fetched: a spinner while loading, "refreshing" over a stale value, or
/// the error with a retry button. Returns whether a value can be drawn.
pub fn loadable_status<T>(
    view: &ViewCtx<'_>,
    loadable: &Loadable<T>,
    retry: impl Into<Command>,
    ui: &mut Ui,
    commands: &mut Commands,
) -> bool {
    match loadable {
        Loadable::NotRequested => false,
        Loadable::Pending { previous } => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(if previous.is_some() { view.text.refreshing } else { view.text.loading });
            });
            previous.is_some()
        }
        Loadable::Ready(_) => true,
        Loadable::Failed { error, previous } => {
            error_line(view, error, retry, ui, commands);
            previous.is_some()
        }
    }
}

/// A failed call in the staff member's language: the service's refusals by their error code, never its English
/// message (a field it names is kept).
pub fn describe(view: &ViewCtx<'_>, error: &ClientError) -> String {
    let t = view.text;
    match error {
        ClientError::Timeout => t.err_timeout.to_owned(),
        ClientError::Network(_) | ClientError::Tls(_) => t.err_network.to_owned(),
        ClientError::Api { status, code, message } => super::i18n::service_error(view.lang, *status, *code, message),
        ClientError::Decode(detail) | ClientError::Config(detail) => fill(t.err_unexpected, &[("detail", detail)]),
    }
}

/// A refusal the outbox journal kept as the client wrote it (`"{message} (HTTP {status}, {code})"`), in the staff
/// member's language; a text of another shape is shown as it is.
pub fn describe_rejection(view: &ViewCtx<'_>, stored: &str) -> String {
    let parsed = stored.strip_suffix(')').and_then(|rest| {
        let (message, tail) = rest.rsplit_once(" (HTTP ")?;
        let (status, code) = tail.split_once(", ")?;
        let code = serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()?;
        Some((message, status.parse().ok()?, code))
    });
    parsed.map_or_else(
        || stored.to_owned(),
        |(message, status, code)| super::i18n::service_error(view.lang, status, code, message),
    )
}

/// An error sentence with a retry button.
pub fn error_line(
    view: &ViewCtx<'_>,
    error: &ClientError,
    retry: impl Into<Command>,
    ui: &mut Ui,
    commands: &mut Commands,
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("⚠ {}: {}", view.text.error, describe(view, error))).color(view.palette.error_fg),
        );
        if ui.button(view.text.try_again).clicked() {
            commands.push(retry);
        }
    });
}

/// A label and its value on one grid row.
pub fn field(ui: &mut Ui, muted: Color32, label: &str, value: impl Into<RichText>) {
    pair(ui, muted, label, value);
    ui.end_row();
}

/// A label and its value as two grid cells, for grids with several pairs per row.
pub fn pair(ui: &mut Ui, muted: Color32, label: &str, value: impl Into<RichText>) {
    ui.label(RichText::new(label).color(muted));
    ui.label(value.into());
}

/// A framed note with a coloured background and text, for things staff must not miss.
pub fn alert(ui: &mut Ui, background: Color32, foreground: Color32, text: &str) {
    egui::Frame::new().fill(background).inner_margin(egui::Margin::symmetric(8, 4)).corner_radius(4.0).show(ui, |ui| {
        ui.label(RichText::new(text).color(foreground).strong());
    });
}

/// A heading that screen readers announce as one (egui's own heading is a plain label).
pub fn heading(ui: &mut Ui, text: impl Into<String>) -> egui::Response {
    let text = text.into();
    let response = ui.heading(text.as_str());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Heading, true, text.as_str()));
    response
}

/// A heading in a given size (the citizen view's large text), announced as a heading.
pub fn heading_sized(ui: &mut Ui, text: &str, size: f32) -> egui::Response {
    let response = ui.label(RichText::new(text).size(size).strong());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Heading, true, text));
    response
}
