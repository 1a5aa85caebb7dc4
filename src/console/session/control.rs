//! Applying session commands: start, park and resume, end a call, wrap up, log through the outbox, and the
//! receipt. Every write goes to the outbox's journal first; the UI calls a session logged only once it is there.

use std::sync::Arc;

use uuid::Uuid;

use super::{ActiveSession, Logged, Parked, REPEAT_DAYS, SessionCitizen, WrapUp, default_channel, pending_row};
use super::{SessionCommand, SessionReply};
use crate::console::app::ConsoleApp;
use crate::console::command::{CitizenCommand, LookupCommand};
use crate::console::shell::Phase;
use crate::domain::{AssistedSession, AttorneyKind, AuthorityId, KleTopic, Performer};
use crate::history::api::{SessionInput, TimelineParams};
use crate::history::outbox::{Outbox, OutboxEvent};

/// The authority sessions are logged for unless a guide says otherwise.
const DEFAULT_AUTHORITY: &str = "borgerservice";

impl ConsoleApp {
    /// Applies a session command.
    pub(in crate::console) fn apply_session(&mut self, command: SessionCommand) {
        match command {
            SessionCommand::Start { anonymous } => self.start_session(anonymous),
            SessionCommand::Park => self.park_session(),
            SessionCommand::Resume(index) => self.resume_session(index),
            SessionCommand::EndCall => {
                if let Some(session) = &mut self.sessions.active
                    && session.call_ended_at.is_none()
                {
                    session.call_ended_at = Some(self.now);
                    self.open_wrap_up();
                }
            }
            SessionCommand::SetChannel(channel) => {
                if let Some(session) = &mut self.sessions.active
                    && session.channel != channel
                {
                    session.channel = channel;
                    session.call_ended_at = None;
                }
            }
            SessionCommand::OpenWrapUp => self.open_wrap_up(),
            SessionCommand::CancelWrapUp => {
                if let Some(session) = &mut self.sessions.active {
                    session.wrap = None;
                }
            }
            SessionCommand::Log => self.log_session(),
            SessionCommand::Discard => {
                self.sessions.active = None;
            }
            SessionCommand::ReasonChosen => {
                if let Some(session) = &mut self.sessions.active {
                    session.kle_chosen = true;
                }
                self.fetch_repeat();
            }
            SessionCommand::MarkPerformer(performer) => self.mark(performer, None),
            SessionCommand::MarkAttorney(attorney) => self.mark(Performer::StaffOnBehalf, attorney),
            SessionCommand::ShowReceipt => self.toggle_receipt_preview(),
            SessionCommand::SaveReceipt => self.save_receipt(),
            SessionCommand::CloseReceipt => {
                self.sessions.logged = None;
                self.sessions.receipt_preview = None;
                self.sessions.receipt_status = None;
            }
            SessionCommand::RetryOutbox => {
                if let Some(outbox) = &self.sessions.outbox.outbox {
                    outbox.retry_now();
                }
            }
            SessionCommand::RelogConflict(id) => self.outbox_fix(id, true),
            SessionCommand::RequeueRejected(id) => self.outbox_fix(id, false),
            SessionCommand::ToggleOutboxProblems => {
                self.sessions.outbox.show_problems = !self.sessions.outbox.show_problems;
            }
        }
    }

    fn start_session(&mut self, anonymous: bool) {
        let Phase::Ready(connection) = &self.phase else { return };
        if self.sessions.active.is_some() {
            return;
        }
        let citizen = if anonymous {
            None
        } else {
            let Some(tab) = self.citizens.active() else { return };
            let Some(profile) = tab.profile().value() else { return };
            Some(SessionCitizen { tab: Some(tab.id()), profile: Arc::new(profile.clone()) })
        };
        let me = connection.me();
        let mut session =
            ActiveSession::new(citizen, default_channel(me.role), me.site.clone(), DEFAULT_AUTHORITY.into(), self.now);
        // The reason: the running guide's topic, else the guide suggested first for this citizen.
        let library = self.guides.library().cloned();
        let guide = self.guides.walk_guide().or(self.guides.first_suggestion());
        session.kle = guide.and_then(|id| library.as_ref()?.guide(id)?.kle.first().cloned());
        self.sessions.active = Some(session);
        self.fetch_repeat();
    }

    /// Looks for contacts on the session's topic in the last fortnight, on every channel.
    fn fetch_repeat(&mut self) {
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client().clone();
        let Some(session) = &mut self.sessions.active else { return };
        session.repeat_for = session.kle.clone();
        let (Some(citizen), Some(kle)) = (session.citizen_id(), &session.kle) else {
            session.repeat = crate::console::tasks::Loadable::NotRequested;
            return;
        };
        // The same topic means the same KLE group: a move (23.05.10) and a move abroad (23.05.12) are one errand.
        let params = TimelineParams {
            kle: Some(kle.group().to_owned()),
            from: Some((session.started_at - chrono::Duration::days(REPEAT_DAYS)).to_rfc3339()),
            limit: Some(20),
            ..TimelineParams::default()
        };
        session.repeat.start();
        let (id, purpose) = (session.id, self.lookup.purpose());
        self.tasks.spawn(async move {
            SessionReply::Repeat {
                session: id,
                result: client.timeline(citizen, &params, purpose).await.map(|p| p.events),
            }
        });
    }

    /// A guide started for a topic: it becomes the session's reason, unless staff chose one.
    pub(in crate::console) fn suggest_reason(&mut self, topic: &KleTopic) {
        if let Some(session) = &mut self.sessions.active
            && !session.kle_chosen
            && session.kle.as_ref() != Some(topic)
        {
            session.kle = Some(topic.clone());
            self.fetch_repeat();
        }
    }

    fn mark(&mut self, performer: Performer, attorney: Option<AttorneyKind>) {
        self.guides.mark_step(performer, attorney);
    }

    /// Takes the running walkthrough's record into the session (when it stops, is replaced, or at wrap-up).
    pub(in crate::console) fn capture_walk(&mut self) {
        let Some(session) = &mut self.sessions.active else { return };
        session.runs.extend(self.guides.walk_runs(self.now));
        if let Some(ending) = self.guides.walk_ending() {
            session.last_end = Some((ending.guide.clone(), ending.outcome));
        }
    }

    /// The session's guide runs so far, including the walkthrough on screen.
    fn runs_so_far(&self) -> Vec<crate::domain::GuideRun> {
        let Some(session) = &self.sessions.active else { return Vec::new() };
        let mut runs = session.runs.clone();
        runs.extend(self.guides.walk_runs(self.now));
        runs
    }

    fn park_session(&mut self) {
        let Some(mut session) = self.sessions.active.take() else { return };
        session.clock.pause(self.now);
        session.wrap = None;
        let walk = self.guides.take_walk();
        self.sessions.parked.push(Parked { session, walk });
    }

    fn resume_session(&mut self, index: usize) {
        if index >= self.sessions.parked.len() {
            return;
        }
        self.park_session();
        let Parked { mut session, walk } = self.sessions.parked.remove(index);
        session.clock.resume(self.now);
        if let Some(citizen) = &mut session.citizen {
            let id = citizen.id();
            self.apply(LookupCommand::OpenCitizen(id));
            citizen.tab = self.citizens.of_citizen(id).map(super::super::citizen::CitizenTab::id);
        }
        let tab = session.citizen.as_ref().and_then(|c| c.tab);
        self.guides.resume_walk(walk, tab);
        self.sessions.active = Some(session);
    }

    fn open_wrap_up(&mut self) {
        let runs = self.runs_so_far();
        let finished = self.guides.walk_ending().cloned();
        let library = self.guides.library().cloned();
        let lang = self.prefs.language;
        let Some(session) = &mut self.sessions.active else { return };
        if session.wrap.is_some() {
            return;
        }
        if let Some(ending) = finished {
            session.last_end = Some((ending.guide, ending.outcome));
        }
        session.wrap = Some(WrapUp::prefilled(session, &runs, library.as_deref(), lang));
    }

    /// Journals the wrapped-up session; it counts as logged once the journal write is on disk.
    fn log_session(&mut self) {
        let text = super::text::session_text(self.prefs.language);
        let outbox = match self.sessions.outbox.writer() {
            Ok(outbox) => outbox,
            Err(open_error) => {
                let reason = open_error.as_ref().map(|e| text.failure(e)).unwrap_or_default();
                if let Some(wrap) = self.sessions.active.as_mut().and_then(|s| s.wrap.as_mut()) {
                    wrap.problem = Some(format!("{} {reason}", text.outbox_unavailable));
                }
                return;
            }
        };
        let runs = self.runs_so_far();
        let Some(session) = &mut self.sessions.active else { return };
        let Some(form) = session.wrap.as_ref() else { return };
        if form.saving {
            return;
        }
        let checked = form.to_input(session, runs);
        let Some(wrap) = session.wrap.as_mut() else { return };
        let input = match checked {
            Ok(input) => input,
            Err(problem) => {
                wrap.problem = Some(text.problem(problem).to_owned());
                return;
            }
        };
        wrap.saving = true;
        wrap.problem = None;
        let id = session.id;
        self.sessions.outbox.start_saving(id);
        self.sessions.journaling = Some(input.clone());
        self.tasks.spawn(async move {
            let result = super::failure::blocking(move || outbox.append(id, &input)).await;
            SessionReply::Journaled { id, result }
        });
    }

    /// The journal has the session: show it as pending in the timeline, keep it for the receipt, end it.
    fn logged(&mut self, id: Uuid) {
        let Phase::Ready(connection) = &self.phase else { return };
        let (staff, staff_line) = (connection.me().id, format!("{} ({})", connection.me().name, connection.me().site));
        let Some(input) = self.sessions.journaling.take() else { return };
        let Some(session) = self.sessions.active.take_if(|s| s.id == id) else { return };
        let language = session.citizen_language(self.prefs.language);
        if let Some(row) = pending_row(id, &input, &staff_line)
            && let Some(citizen) = input.citizen_id
        {
            self.citizens.insert_pending(citizen, row);
        }
        self.sessions.logged =
            Some(Logged { session: assisted(id, staff, &input), citizen: session.citizen, language });
        self.sessions.receipt_status = None;
        self.sessions.receipt_preview = None;
        self.sessions.logged_count += 1;
        self.guides.end_walk();
    }

    /// Opens this staff member's outbox once signed in, and starts sending what waits in it.
    pub(in crate::console) fn open_outbox(&mut self) {
        let Phase::Ready(connection) = &self.phase else { return };
        let path = self.target.outbox_path(connection.me().id);
        let state = &mut self.sessions.outbox;
        if let Some(sender) = state.sender.take() {
            sender.abort();
        }
        if let Some(outbox) = state.outbox.clone() {
            if outbox.path() == path {
                // Reconnected as the same staff member: the outbox stays, its sender gets the new client.
                self.start_sender(&outbox);
                return;
            }
            // Someone else signed in: this outbox (and its lock) is let go.
            state.outbox = None;
            state.entries.clear();
        }
        self.tasks.spawn(async move {
            let opened = super::failure::blocking(move || Outbox::open(&path)).await;
            SessionReply::OutboxOpened(opened.map(Box::new))
        });
    }

    /// Applies an outbox reply.
    pub(in crate::console) fn receive_session(&mut self, reply: SessionReply) {
        match reply {
            SessionReply::OutboxOpened(Ok(opened)) => {
                let (outbox, report) = *opened;
                let state = &mut self.sessions.outbox;
                state.torn = report.torn;
                state.entries = outbox.entries();
                state.outbox = Some(outbox.clone());
                state.open_error = None;
                self.start_sender(&outbox);
            }
            SessionReply::OutboxOpened(Err(error)) => self.sessions.outbox.open_error = Some(error),
            SessionReply::Journaled { id, result } => {
                self.sessions.outbox.journaled(id, &result);
                match result {
                    Ok(()) => self.logged(id),
                    Err(error) => {
                        // Not journaled means not logged: the wrap-up stays open with the reason.
                        self.sessions.journaling = None;
                        if let Some(wrap) = self.sessions.active.as_mut().and_then(|s| s.wrap.as_mut()) {
                            wrap.saving = false;
                            let text = super::text::session_text(self.prefs.language);
                            wrap.problem = Some(text.failure(&error));
                        }
                    }
                }
            }
            SessionReply::Outbox(event) => self.outbox_event(&event),
            SessionReply::Repeat { session, result } => {
                // The session may have been parked while the check was out: the answer is still its own, and
                // dropping it would leave the check pending for good once the session resumes.
                let parked = self.sessions.parked.iter_mut().map(|p| &mut p.session);
                if let Some(target) = self.sessions.active.iter_mut().chain(parked).find(|s| s.id == session) {
                    target.repeat.finish(result);
                }
            }
            SessionReply::ReceiptSaved(result) => self.sessions.receipt_status = result.transpose(),
            SessionReply::OutboxFixed(result) => {
                self.sessions.outbox.local_error = result.err();
                self.refresh_outbox();
            }
        }
    }

    /// Sends what waits in the outbox, with the current connection's client, and hears about every change.
    fn start_sender(&mut self, outbox: &Outbox) {
        let Phase::Ready(connection) = &self.phase else { return };
        let (sender, repaint) = self.tasks.sender();
        let report = move |event: OutboxEvent| {
            // The UI re-reads the outbox on any event; a full queue only delays that.
            sender.try_send(SessionReply::Outbox(event).into()).ok();
            repaint.request_repaint();
        };
        let _runtime = self.tasks.runtime().enter();
        self.sessions.outbox.sender = Some(outbox.spawn_sender(connection.client().clone(), report));
    }

    fn outbox_event(&mut self, event: &OutboxEvent) {
        match event {
            OutboxEvent::Confirmed { id, .. } => {
                self.sessions.outbox.last_error = None;
                // The service's own row replaces the pending one.
                let citizens = self.sessions.outbox.entry(*id).map(|e| e.input.citizens()).unwrap_or_default();
                self.refresh_outbox();
                let tabs = self.citizens.showing(&citizens);
                for tab in tabs {
                    self.apply(CitizenCommand::ReloadProfile(tab));
                    self.apply(CitizenCommand::FilterChanged(tab));
                }
                return;
            }
            OutboxEvent::Retrying { error, .. } => {
                self.sessions.outbox.last_error = Some(error.clone());
            }
            OutboxEvent::Conflict { .. } | OutboxEvent::Rejected { .. } => self.sessions.outbox.show_problems = true,
            OutboxEvent::Journaled(_) => {}
        }
        self.refresh_outbox();
    }

    fn refresh_outbox(&mut self) {
        self.sessions.outbox.refresh();
    }

    /// Staff's decision on an entry that needs one; journaled off the UI thread like every outbox write.
    fn outbox_fix(&mut self, id: Uuid, relog: bool) {
        let Some(outbox) = self.sessions.outbox.outbox.clone() else { return };
        self.tasks.spawn(async move {
            let result = super::failure::blocking(move || {
                let done = if relog { outbox.relog_as_new(id).map(|_| ()) } else { outbox.requeue(id) };
                outbox.retry_now();
                done
            })
            .await;
            SessionReply::OutboxFixed(result)
        });
    }

    fn save_receipt(&mut self) {
        let Some(receipt) = self.receipt() else { return };
        let title = super::text::session_text(self.prefs.language).save_receipt_title;
        let dialog = self.file_dialog.clone();
        self.tasks.spawn(async move {
            let picked = dialog
                .set_title(title)
                .set_file_name(receipt.suggested_file_name())
                .add_filter("PDF", &["pdf"])
                .save_file()
                .await;
            let Some(file) = picked else { return SessionReply::ReceiptSaved(Ok(None)) };
            let path = file.path().to_path_buf();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let saved = super::failure::blocking(move || receipt.save_pdf(&path)).await;
            SessionReply::ReceiptSaved(saved.map(|()| Some(name)))
        });
    }

    pub(in crate::console) fn toggle_receipt_preview(&mut self) {
        self.sessions.receipt_preview = if self.sessions.receipt_preview.is_some() { None } else { self.receipt() };
    }

    /// The receipt of the last logged session.
    #[must_use]
    pub fn receipt(&self) -> Option<crate::receipt::Receipt> {
        let logged = self.sessions.logged.as_ref()?;
        let library = self.guides.library()?;
        let profile = logged.citizen.as_ref().map(|c| c.profile.as_ref());
        let contact = crate::receipt::ContactInfo::builtin();
        Some(crate::receipt::Receipt::for_session(&logged.session, profile, library, contact, logged.language))
    }
}

/// The session as the service will store it, for the receipt (the service adds nothing the receipt shows).
fn assisted(id: Uuid, staff: Uuid, input: &SessionInput) -> AssistedSession {
    AssistedSession {
        id,
        citizen_id: input.citizen_id,
        staff_id: staff,
        channel: input.channel,
        authority: AuthorityId(input.authority.clone()),
        site: input.site.clone(),
        started_at: input.started_at,
        ended_at: input.ended_at,
        kle: input.kle.as_deref().and_then(|k| crate::domain::KleCatalog::builtin().topic(k).ok()),
        guides: input.guides.clone(),
        outcome: input.outcome,
        contact_kind: input.contact_kind,
        summary: input.summary.clone(),
        next_steps: input.next_steps.clone(),
        notes: input.notes.clone(),
        digital_readiness_after: input.digital_readiness_after,
        referral: input.referral.clone(),
        failure_demand: input.failure_demand,
        could_self_serve: input.could_self_serve,
        group: input.group.clone(),
    }
}
