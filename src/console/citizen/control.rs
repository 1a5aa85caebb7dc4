//! An open citizen's tabs: opening and closing, the profile, the audited reveal of the CPR number, and the
//! timeline's pages, filters (the free text debounced) and selection.

use crate::domain::CitizenId;

use super::super::app::ConsoleApp;
use super::super::command::LookupCommand;
use super::super::tasks::Loadable;
use super::timeline::{TimelineData, TimelineFilter};
use super::{CitizenCommand, CitizenReply, CitizenTab, TabId};

/// How long the search text must rest before the timeline is fetched again, in seconds.
pub const TEXT_DEBOUNCE_SECS: f64 = 0.35;

impl ConsoleApp {
    fn tab_mut(&mut self, id: TabId) -> Option<&mut CitizenTab> {
        self.citizens.get_mut(id)
    }

    pub(in crate::console) fn apply_citizen(&mut self, command: CitizenCommand) {
        match command {
            CitizenCommand::SelectTab(id) => self.citizens.select(id),
            CitizenCommand::CloseTab(id) => self.close_tab(id),
            CitizenCommand::RevealCpr(id) => self.reveal(id),
            CitizenCommand::HideCpr(id) => {
                if let Some(tab) = self.tab_mut(id) {
                    tab.revealed_cpr = Loadable::NotRequested;
                }
            }
            CitizenCommand::ReloadProfile(id) => self.fetch_profile(id),
            CitizenCommand::FilterChanged(id) => self.restart_timeline(id),
            CitizenCommand::ClearFilters(id) => {
                if let Some(tab) = self.tab_mut(id) {
                    tab.timeline.filter = TimelineFilter::default();
                }
                self.restart_timeline(id);
            }
            CitizenCommand::FilterTextEdited(id) => {
                let now = self.now;
                if let Some(tab) = self.tab_mut(id) {
                    tab.timeline.text_edited_at = Some(now);
                }
            }
            CitizenCommand::LoadMore(id) | CitizenCommand::RetryPage(id) => self.fetch_page(id),
            CitizenCommand::SelectEvent(id, index) => {
                if let Some(tab) = self.tab_mut(id) {
                    tab.timeline.selected = index;
                }
                self.fetch_session_details(id);
            }
        }
    }

    pub(in crate::console) fn receive_citizen(&mut self, reply: CitizenReply) {
        match reply {
            CitizenReply::Profile { tab, result } => {
                self.note_link(result.as_ref().err());
                if let Ok(profile) = &result {
                    self.remember(profile);
                }
                if let Some(tab) = self.tab_mut(tab) {
                    tab.profile.finish(result);
                }
            }
            CitizenReply::Timeline { tab, generation, result } => {
                self.note_link(result.as_ref().err());
                if let Some(tab) = self.tab_mut(tab)
                    && tab.timeline.generation == generation
                {
                    match result {
                        Ok(page) => {
                            tab.timeline.data.append(page.events, page.next_cursor);
                            tab.timeline.page.finish(Ok(()));
                        }
                        Err(error) => tab.timeline.page.finish(Err(error)),
                    }
                }
            }
            CitizenReply::Reveal { tab, result } => {
                self.note_link(result.as_ref().err());
                if let Some(tab) = self.tab_mut(tab) {
                    tab.revealed_cpr.finish(result.map(|r| r.cpr));
                }
            }
            CitizenReply::SessionDetails { tab, session, result } => {
                if let Some(tab) = self.tab_mut(tab) {
                    tab.session_details.insert(session, result);
                }
            }
        }
    }

    /// Fetches the timelines whose free-text filter has rested long enough.
    pub(in crate::console) fn debounce_tick(&mut self) {
        let now = self.now;
        let due: Vec<TabId> = self
            .citizens
            .iter()
            .filter(|t| t.timeline.text_edited_at.is_some_and(|at| now - at >= TEXT_DEBOUNCE_SECS))
            .map(|t| t.id)
            .collect();
        for id in due {
            self.restart_timeline(id);
        }
    }

    pub(in crate::console) fn open_citizen(&mut self, citizen: CitizenId) {
        self.privacy = false;
        self.lookup.clear_text();
        let Some(id) = self.citizens.open(citizen, self.lookup.purpose()) else { return };
        self.fetch_profile(id);
        self.restart_timeline(id);
    }

    fn close_tab(&mut self, id: TabId) {
        self.citizens.close(id);
        if self.citizens.is_empty() {
            self.apply(LookupCommand::Focus);
        }
    }

    fn fetch_profile(&mut self, id: TabId) {
        let Some(client) = self.client().cloned() else { return };
        let Some(tab) = self.tab_mut(id) else { return };
        tab.profile.start();
        let (citizen, purpose) = (tab.citizen, tab.purpose);
        self.tasks
            .spawn(async move { CitizenReply::Profile { tab: id, result: client.citizen(citizen, purpose).await } });
    }

    fn reveal(&mut self, id: TabId) {
        let Some(client) = self.client().cloned() else { return };
        let Some(tab) = self.tab_mut(id) else { return };
        tab.revealed_cpr.start();
        let (citizen, purpose) = (tab.citizen, tab.purpose);
        self.tasks
            .spawn(async move { CitizenReply::Reveal { tab: id, result: client.reveal_cpr(citizen, purpose).await } });
    }

    /// Fetches the logged session behind the selected timeline row, for its guide path and who did each step.
    fn fetch_session_details(&mut self, id: TabId) {
        let Some(client) = self.client().cloned() else { return };
        let pending = |source_id: &str| self.sessions.outbox().is_pending(source_id);
        let Some(tab) = self.citizens.get(id) else { return };
        let Some(event) = tab.timeline.selected.and_then(|i| tab.timeline.data.events.get(i)) else { return };
        let Some(session) = crate::history::api::session_of(event) else { return };
        if pending(&event.source_id) || tab.session_details.get(&session).is_some_and(Result::is_ok) {
            return;
        }
        let purpose = tab.purpose;
        self.tasks.spawn(async move {
            CitizenReply::SessionDetails { tab: id, session, result: client.session(session, purpose).await }
        });
    }

    /// Drops the fetched pages and fetches the first page for the current filter.
    fn restart_timeline(&mut self, id: TabId) {
        let Some(tab) = self.tab_mut(id) else { return };
        let timeline = &mut tab.timeline;
        timeline.generation += 1;
        timeline.data = TimelineData::default();
        timeline.selected = None;
        timeline.text_edited_at = None;
        timeline.page = Loadable::NotRequested;
        self.fetch_page(id);
    }

    fn fetch_page(&mut self, id: TabId) {
        let Some(client) = self.client().cloned() else { return };
        let Some(tab) = self.tab_mut(id) else { return };
        let timeline = &mut tab.timeline;
        if timeline.page.is_pending() || (timeline.data.loaded && !timeline.data.has_more()) {
            return;
        }
        let Ok(params) = timeline.filter.params(timeline.data.next_cursor.clone()) else {
            timeline.bad_date = true;
            return;
        };
        timeline.bad_date = false;
        timeline.page.start();
        let (citizen, purpose, generation) = (tab.citizen, tab.purpose, timeline.generation);
        self.tasks.spawn(async move {
            CitizenReply::Timeline { tab: id, generation, result: client.timeline(citizen, &params, purpose).await }
        });
    }
}
