//! Applying group-session commands: the form, participants looked up one at a time (from a typed number or an
//! imported list), and logging through the same durable outbox as any session.

use super::super::app::ConsoleApp;
use super::super::command::Reply;
use super::super::session::LocalFailure;
use super::super::shell::Phase;
use super::csv::{ImportError, ParticipantList};
use super::{FormProblem, GroupCommand, GroupForm, GroupProblem, GroupReply, csv, text};
use crate::domain::Cpr;
use crate::history::api::CitizenSearch;
use uuid::Uuid;

impl ConsoleApp {
    /// Applies a group-session command.
    pub(in crate::console) fn apply_group(&mut self, command: GroupCommand) {
        match command {
            GroupCommand::Toggle => {
                self.group.open = !self.group.open;
                if self.group.open {
                    self.group_form();
                }
            }
            GroupCommand::AddCpr => self.add_typed_participant(),
            GroupCommand::RemoveParticipant(id) => {
                if let Some(form) = &mut self.group.form {
                    // Still there, now only counted.
                    form.identified.retain(|p| p.id != id);
                }
            }
            GroupCommand::GuidesChanged => self.topic_from_guides(),
            GroupCommand::TopicChosen => {
                if let Some(form) = &mut self.group.form {
                    form.kle_chosen = true;
                }
            }
            GroupCommand::ImportCsv => self.pick_participant_file(),
            GroupCommand::Log => self.log_group(),
        }
    }

    /// The form, made with the staff member's site if there is none yet.
    fn group_form(&mut self) -> Option<&mut GroupForm> {
        let Phase::Ready(connection) = &self.phase else { return None };
        if self.group.form.is_none() {
            self.group.generation += 1;
            self.group.form = Some(GroupForm::new(connection.me().site.clone(), self.group.generation));
        }
        self.group.form.as_mut()
    }

    /// Until staff pick a topic, the first guide ticked gives it.
    fn topic_from_guides(&mut self) {
        let library = self.guides.library().cloned();
        let Some(form) = self.group.form.as_mut().filter(|f| !f.kle_chosen) else { return };
        form.kle = form
            .guides
            .iter()
            .find_map(|id| library.as_ref().and_then(|l| l.guide(id)).and_then(|g| g.kle.first().cloned()));
    }

    fn add_typed_participant(&mut self) {
        let purpose = self.lookup.purpose();
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client().clone();
        let Some(form) = self.group.form.as_mut() else { return };
        // The number has served its purpose once read: it must not linger on screen.
        let typed = std::mem::take(&mut form.cpr_text);
        let cpr = match Cpr::parse(typed.trim()) {
            Ok(cpr) => cpr,
            Err(error) => {
                form.note(None, GroupProblem::InvalidCpr(error));
                return;
            }
        };
        form.looking_up += 1;
        let generation = form.generation;
        let search = CitizenSearch { cpr: Some(cpr.compact()), ..CitizenSearch::default() };
        self.tasks.spawn(async move {
            let result = client.search_citizens(&search, purpose).await;
            Reply::Group(GroupReply::Found { generation, line: None, name: String::new(), result })
        });
    }

    fn pick_participant_file(&mut self) {
        let title = text::group_text(self.prefs.language).import_title;
        let Some(form) = self.group_form() else { return };
        if form.importing {
            return;
        }
        form.importing = true;
        let dialog = self.file_dialog.clone().set_title(title).add_filter("CSV", &["csv", "txt", "tsv"]);
        self.tasks.spawn(async move {
            let picked = dialog.pick_file().await;
            let Some(file) = picked else { return Reply::Group(GroupReply::Imported(None)) };
            let path = file.path().to_path_buf();
            let read = tokio::task::spawn_blocking(move || csv::read_participants(&path))
                .await
                .map_err(|e| ImportError::Io(e.to_string()))
                .and_then(|r| r);
            Reply::Group(GroupReply::Imported(Some(read)))
        });
    }

    /// Takes in a participant list as the import does once the file is read: the rows that were only counted
    /// raise the count, each participant with consent is looked up by CPR number (one after another, so a long
    /// list does not trip the service's rate limit), and the rows left out are listed by line.
    pub fn import_participants(&mut self, read: Result<ParticipantList, ImportError>) {
        let purpose = self.lookup.purpose();
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client().clone();
        let Some(form) = self.group_form() else { return };
        form.importing = false;
        let list = match read {
            Ok(list) => list,
            Err(error) => {
                form.import_error = Some(error);
                return;
            }
        };
        // A list is imported again after its bad rows are fixed: it replaces what the last one said.
        form.import_error = None;
        form.problems.retain(|n| n.line.is_none());
        form.imported = Some((list.consenting.len(), list.anonymous));
        form.imported_anonymous = list.anonymous;
        for problem in &list.problems {
            form.note(Some(problem.line), GroupProblem::Row(problem.problem.clone()));
        }
        form.looking_up += list.consenting.len();
        form.raise_count();
        let generation = form.generation;
        let (sender, repaint) = self.tasks.sender();
        self.tasks.runtime().spawn(async move {
            for participant in list.consenting {
                let search = CitizenSearch { cpr: Some(participant.cpr.compact()), ..CitizenSearch::default() };
                let result = client.search_citizens(&search, purpose).await;
                let (line, name) = (Some(participant.line), participant.name);
                // The UI side only goes away when the console closes; then the answers have nowhere to go.
                if sender.send(Reply::Group(GroupReply::Found { generation, line, name, result })).await.is_err() {
                    return;
                }
                repaint.request_repaint();
            }
        });
    }

    /// Journals the group session; it counts as logged once the journal write is on disk.
    fn log_group(&mut self) {
        let library = self.guides.library().cloned();
        let lang = self.prefs.language;
        let outbox = self.sessions.outbox().writer();
        let Some(form) = self.group.form.as_mut() else { return };
        if form.saving {
            return;
        }
        let outbox = match outbox {
            Ok(outbox) => outbox,
            Err(open_error) => {
                form.check = Some(FormProblem::OutboxUnavailable(open_error));
                return;
            }
        };
        let input = match form.to_input(library.as_deref(), lang) {
            Ok(input) => input,
            Err(problem) => {
                form.check = Some(problem);
                return;
            }
        };
        form.saving = true;
        form.check = None;
        let id = form.id;
        self.sessions.outbox_mut().start_saving(id);
        self.tasks.spawn(async move {
            let result = super::super::session::failure::blocking(move || outbox.append(id, &input)).await;
            Reply::Group(GroupReply::Journaled { id, result })
        });
    }

    /// Applies an answer to the group window's background work.
    pub(in crate::console) fn receive_group(&mut self, reply: GroupReply) {
        match reply {
            GroupReply::Found { generation, line, name, result } => {
                if let Some(form) = self.group.form.as_mut().filter(|f| f.generation == generation) {
                    form.found(line, &name, result);
                }
            }
            GroupReply::Imported(Some(read)) => self.import_participants(read),
            GroupReply::Imported(None) => {
                if let Some(form) = &mut self.group.form {
                    form.importing = false;
                }
            }
            GroupReply::Journaled { id, result } => self.group_journaled(id, result),
        }
    }

    fn group_journaled(&mut self, id: Uuid, result: Result<(), LocalFailure>) {
        self.sessions.outbox_mut().journaled(id, &result);
        let Some(form) = self.group.form.as_mut().filter(|f| f.id == id) else { return };
        match result {
            Ok(()) => {
                self.group.logged = Some((form.participants, form.identified.len()));
                self.sessions.count_logged();
                // A fresh form at the same site: the next group is another session.
                let site = form.site.clone();
                self.group.generation += 1;
                self.group.form = Some(GroupForm::new(site, self.group.generation));
            }
            Err(error) => {
                // Not journaled means not logged: the form stays with the reason.
                form.saving = false;
                form.check = Some(FormProblem::Journal(error));
            }
        }
    }
}
