//! Where logged sessions stand: the outbox in the top bar (waiting, the last error, entries that need a person),
//! the phone wrap-up countdown, and a logged session's details in the timeline.

use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::citizen::timeline::local_date_time;
use super::super::i18n::fill;
use super::super::session::text::session_text;
use super::super::session::{SessionsState, clock_text};
use super::super::widgets::{describe, describe_rejection};
use crate::console::command::{Commands, SessionCommand};
use crate::domain::{ContactKind, DigitalReadiness, GuideRun, NextStep, Outcome, StepState};
use crate::history::outbox::EntryState;

/// The outbox and countdown in the top bar.
pub fn status_ui(
    view: &ViewCtx<'_>,
    sessions: &SessionsState,
    wrap_seconds: u32,
    now: f64,
    ui: &mut Ui,
    commands: &mut Commands,
) {
    let s = session_text(view.lang);
    let outbox = &sessions.outbox;
    if let Some(error) = &outbox.open_error {
        ui.label(RichText::new(format!("⚠ {}: {}", s.outbox, s.failure(error))).color(view.palette.error_fg));
    }
    let waiting = outbox.waiting();
    if waiting > 0 {
        let text = fill(s.outbox_waiting, &[("count", &waiting.to_string())]);
        let colour = if outbox.last_error.is_some() { view.palette.error_fg } else { view.palette.waiting_fg };
        let mut hover = s.outbox.to_owned();
        if let Some(error) = &outbox.last_error {
            hover = format!("{hover}: {}", describe(view, error));
        }
        if ui.button(RichText::new(text).color(colour)).on_hover_text(hover).clicked() {
            commands.push(SessionCommand::ToggleOutboxProblems);
        }
        if let Some(error) = &outbox.last_error {
            ui.label(RichText::new(describe(view, error)).color(view.palette.error_fg).size(12.5));
            if ui.button(s.retry_now).clicked() {
                commands.push(SessionCommand::RetryOutbox);
            }
        }
    }
    let problems = outbox.problems() + usize::from(!outbox.torn.is_empty()) + usize::from(outbox.local_error.is_some());
    if problems > 0
        && ui
            .button(
                RichText::new(fill(s.outbox_problems, &[("count", &problems.to_string())]))
                    .color(view.palette.error_fg),
            )
            .clicked()
    {
        commands.push(SessionCommand::ToggleOutboxProblems);
    }
    if let Some(ended) = sessions.active.as_ref().and_then(|a| a.call_ended_at) {
        let left = f64::from(wrap_seconds) - (now - ended);
        let (text, colour) = if left >= 0.0 {
            (fill(s.wrap_countdown, &[("time", &clock_text(left.ceil()))]), view.palette.waiting_fg)
        } else {
            (fill(s.wrap_overdue, &[("time", &clock_text(-left))]), view.palette.error_fg)
        };
        ui.label(RichText::new(format!("⏰ {text}")).color(colour).strong());
    }
}

/// The outbox's entries that wait or need a person, with what can be done about each.
pub fn problems_window(view: &ViewCtx<'_>, sessions: &SessionsState, ctx: &egui::Context, commands: &mut Commands) {
    let s = session_text(view.lang);
    let outbox = &sessions.outbox;
    let mut open = true;
    egui::Window::new(s.outbox).open(&mut open).default_width(520.0).show(ctx, |ui| {
        if let Some(error) = &outbox.local_error {
            ui.label(RichText::new(format!("⚠ {}", s.failure(error))).color(view.palette.error_fg));
        }
        for torn in &outbox.torn {
            ui.label(RichText::new(fill(s.torn, &[("line", &torn.line.to_string())])).color(view.palette.warning_fg));
        }
        if outbox.entries.is_empty() {
            ui.label(s.outbox_empty);
        }
        for entry in &outbox.entries {
            ui.separator();
            let when = local_date_time(entry.input.started_at);
            let summary = if view.privacy { String::new() } else { entry.input.summary.clone() };
            ui.label(RichText::new(format!("{when} · {summary}")).strong());
            match &entry.state {
                EntryState::Waiting => {
                    let since = local_date_time(entry.journaled_at);
                    ui.label(fill(s.waiting_entry, &[("since", &since), ("attempts", &entry.attempts.to_string())]));
                }
                EntryState::Conflict(_) => {
                    ui.label(RichText::new(s.conflict).color(view.palette.error_fg));
                    if ui.button(s.relog).clicked() {
                        commands.push(SessionCommand::RelogConflict(entry.id));
                    }
                }
                EntryState::Rejected(message) => {
                    ui.label(
                        RichText::new(fill(s.rejected, &[("reason", &describe_rejection(view, message))]))
                            .color(view.palette.error_fg),
                    );
                    if ui.button(s.requeue).clicked() {
                        commands.push(SessionCommand::RequeueRejected(entry.id));
                    }
                }
            }
        }
        ui.separator();
        ui.horizontal(|ui| {
            if ui.button(s.retry_now).clicked() {
                commands.push(SessionCommand::RetryOutbox);
            }
            if ui.button(s.close).clicked() {
                commands.push(SessionCommand::ToggleOutboxProblems);
            }
        });
    });
    if !open {
        commands.push(SessionCommand::ToggleOutboxProblems);
    }
}

/// What a logged session's details show: the same whether it comes from the service or still waits here.
pub struct SessionBody<'a> {
    pub outcome: Outcome,
    pub kind: ContactKind,
    pub guides: &'a [GuideRun],
    pub next_steps: &'a [NextStep],
    pub referral: Option<&'a str>,
    pub readiness: Option<DigitalReadiness>,
    pub failure: Option<crate::domain::FailureReason>,
    pub pending: bool,
}

/// A logged session in the timeline's details: outcome, next steps, and the guide path with who did each step.
pub fn session_details_ui(view: &ViewCtx<'_>, body: &SessionBody<'_>, ui: &mut Ui) {
    let s = session_text(view.lang);
    let muted = view.palette.muted_fg;
    ui.separator();
    super::super::widgets::heading(ui, s.details_title);
    if body.pending {
        ui.label(RichText::new(s.row_pending).color(view.palette.waiting_fg).strong());
    }
    egui::Grid::new("session-details").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
        super::super::widgets::field(ui, muted, s.outcome, body.outcome.label(view.lang));
        super::super::widgets::field(ui, muted, s.kind, s.kind_label(body.kind));
        if let Some(readiness) = body.readiness {
            super::super::widgets::field(ui, muted, s.readiness, readiness.label(view.lang));
        }
        if let Some(referral) = body.referral {
            super::super::widgets::field(ui, muted, s.referral, referral);
        }
        if let Some(reason) = body.failure {
            super::super::widgets::field(ui, muted, s.failure_demand, reason.label(view.lang));
        }
    });
    if !body.next_steps.is_empty() {
        ui.label(RichText::new(s.next_steps).color(muted));
        for step in body.next_steps {
            let due = step.due.map(|d| format!(" ({} {d})", s.due)).unwrap_or_default();
            ui.label(format!("➡ {}{due}", step.text));
        }
    }
    for run in body.guides {
        let title = view.guide_title(&run.guide);
        ui.label(RichText::new(format!("{}: {title}", s.details_path)).color(muted));
        for record in &run.steps {
            let step_title = view
                .guides
                .and_then(|l| l.guide(&run.guide))
                .and_then(|g| g.step(&record.step))
                .map_or(record.step.as_str(), |st| st.title.get(view.lang));
            let state = match &record.state {
                StepState::Completed => record.performed_by.map(|p| s.performer(p).to_owned()).unwrap_or_default(),
                StepState::Skipped { reason } => fill(s.skipped, &[("reason", reason)]),
                StepState::Stopped => s.stopped.to_owned(),
            };
            let attorney =
                record.attorney.map(|a| format!(", {}", fill(s.attorney_used, &[("attorney", a.label(view.lang))])));
            let line = format!(
                "• {step_title} — {state}{} ({}{})",
                attorney.unwrap_or_default(),
                record.seconds,
                s.seconds_short
            );
            ui.label(line);
        }
    }
}
