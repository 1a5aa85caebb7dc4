//! The eframe application: `logic()` drains background replies, handles shortcuts and timers; `ui()` lays out
//! the panels and collects the views' commands, applied at the end of the frame.

use super::citizen;
use super::command::{
    CitizenCommand, Command, Commands, GroupCommand, GuideCommand, PresentCommand, Reply, ScenarioCommand,
    SessionCommand,
};
use super::guides::{self, GuidesState};
use super::i18n::{self, Text};
use super::lookup::{self, LookupState};
use super::prefs::{self, Prefs};
use super::presentation::{self, Presentation};
use super::screenshot::Screenshot;
use super::session::{self, SessionsState};
use super::shell::control::Target;
use super::shell::{self, Phase};
use super::tasks::Tasks;
use super::theme::{Palette, ZOOM_RANGE};
use super::{group, scenario, unmatched};
use crate::domain::{Authority, Language, Purpose};

/// What a view needs to draw, borrowed for one frame.
pub struct ViewCtx<'a> {
    pub lang: Language,
    pub text: &'static Text,
    pub palette: &'static Palette,
    pub privacy: bool,
    pub authorities: &'a [Authority],
    /// The guide library, for guide and step titles outside the guide panel.
    pub guides: Option<&'a crate::guides::library::Library>,
    /// Logged sessions still waiting for the service, by id, so the timeline can mark them.
    pub pending: &'a [String],
}

impl ViewCtx<'_> {
    /// An authority's display name, or its id when unknown.
    #[must_use]
    pub fn authority_name<'s>(&'s self, id: &'s str) -> &'s str {
        self.authorities.iter().find(|a| a.id.as_str() == id).map_or(id, |a| a.name(self.lang))
    }

    /// A guide's title in the UI language, or its id when the library does not have it (any more).
    #[must_use]
    pub fn guide_title<'s>(&'s self, id: &'s str) -> &'s str {
        self.guides.and_then(|l| l.guide(id)).map_or(id, |g| g.title.get(self.lang))
    }
}

/// The console.
pub struct ConsoleApp {
    pub(super) tasks: Tasks<Reply>,
    pub(super) target: Target,
    pub(super) prefs: Prefs,
    pub(super) phase: Phase,
    pub(super) lookup: LookupState,
    pub(super) citizens: citizen::Tabs,
    pub(super) privacy: bool,
    /// egui time of this frame, in seconds.
    pub(super) now: f64,
    last_input: f64,
    pub(super) theme_dirty: bool,
    pub(super) guides: GuidesState,
    pub(super) sessions: SessionsState,
    pub(super) unmatched: super::unmatched::UnmatchedState,
    pub(super) scenario: super::scenario::ScenarioState,
    pub(super) group: super::group::GroupState,
    pub(super) insights: super::insights::InsightsState,
    /// A guide on the projector; while it is shown nothing else is drawn.
    pub(super) presentation: Option<Presentation>,
    title: String,
    screenshot: Option<Screenshot>,
    /// File dialogs start from this, which names the console's window as their owner: on Windows a dialog
    /// without one can open behind the console and look as if nothing happened.
    pub(super) file_dialog: rfd::AsyncFileDialog,
}

impl ConsoleApp {
    /// Builds the console; it starts connecting at once, on `runtime`.
    #[must_use]
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        runtime: tokio::runtime::Handle,
        target: Target,
        guides_dir: std::path::PathBuf,
        screenshot: Option<Screenshot>,
    ) -> Self {
        let prefs: Prefs = cc.storage.and_then(|s| eframe::get_value(s, prefs::KEY)).unwrap_or_default();
        let ctx = &cc.egui_ctx;
        prefs.theme.apply(ctx);
        ctx.set_zoom_factor(prefs.zoom.clamp(ZOOM_RANGE.0, ZOOM_RANGE.1));
        // Guide pictures are files under assets/; egui_extras reads and decodes them off the UI thread.
        egui_extras::install_image_loaders(ctx);
        let mut app = Self {
            tasks: Tasks::new(runtime, ctx.clone()),
            target,
            lookup: LookupState::new(prefs.purpose.unwrap_or(Purpose::CounterVisit)),
            prefs,
            phase: Phase::Starting { progress: None },
            citizens: citizen::Tabs::default(),
            privacy: false,
            now: 0.0,
            last_input: 0.0,
            theme_dirty: false,
            guides: GuidesState::default(),
            sessions: SessionsState::default(),
            unmatched: super::unmatched::UnmatchedState::default(),
            scenario: super::scenario::ScenarioState::new(guides_dir.join("scenarios")),
            group: super::group::GroupState::default(),
            insights: super::insights::InsightsState::default(),
            presentation: None,
            title: String::new(),
            screenshot,
            file_dialog: rfd::AsyncFileDialog::new().set_parent(cc),
        };
        app.connect();
        app.tasks.spawn(guides::load(guides_dir));
        app
    }

    /// Hands a command to the feature it names. No arm may be a catch-all: a new feature's command that is not
    /// routed here does not compile.
    pub(super) fn apply(&mut self, command: impl Into<Command>) {
        match command.into() {
            Command::App(command) => self.apply_app(command),
            Command::Lookup(command) => self.apply_lookup(command),
            Command::Citizen(command) => self.apply_citizen(command),
            Command::Guide(command) => self.apply_guide(command),
            Command::Session(command) => self.apply_session(command),
            Command::Unmatched(command) => self.apply_unmatched(command),
            Command::Group(command) => self.apply_group(command),
            Command::Present(command) => self.apply_presentation(command),
            Command::Scenario(command) => self.apply_scenario(command),
            Command::Insights(command) => self.apply_insights(command),
        }
    }

    /// Hands the answer to a background call to the feature that asked.
    pub(super) fn receive(&mut self, reply: Reply) {
        match reply {
            Reply::App(reply) => self.receive_app(reply),
            Reply::Lookup(reply) => self.receive_lookup(reply),
            Reply::Citizen(reply) => self.receive_citizen(*reply),
            Reply::Guide(reply) => self.receive_guides(reply),
            Reply::Session(reply) => self.receive_session(reply),
            Reply::Unmatched(reply) => self.receive_unmatched(reply),
            Reply::Group(reply) => self.receive_group(reply),
            Reply::Scenario(reply) => self.receive_scenarios(reply),
            Reply::Insights(reply) => self.receive_insights(reply),
        }
    }

    /// Training mode: signed in as a trainer, or the local demo started with `--training`. There is no way out
    /// but signing in again, so a trainee cannot drift into real work with practice habits, or the reverse.
    #[must_use]
    pub fn training(&self) -> bool {
        let trainer = matches!(&self.phase, Phase::Ready(c) if c.me().role == crate::domain::Role::Trainer);
        trainer || matches!(&self.target, Target::Embedded(options) if options.training)
    }

    /// Whether anything is being fetched (for tests and the screenshot mode).
    #[must_use]
    pub fn is_busy(&self) -> bool {
        matches!(self.phase, Phase::Starting { .. })
            || self.guides.is_loading()
            || self.sessions.is_busy(self.is_ready())
            || self.unmatched.is_busy()
            || self.group.is_busy()
            || self.insights.is_busy()
            || self.lookup.is_searching()
            || self.citizens.iter().any(citizen::CitizenTab::is_loading)
    }

    /// Whether the console is connected.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        matches!(self.phase, Phase::Ready(_))
    }

    /// Number of timeline events fetched in the active tab (for tests and benchmarks).
    #[must_use]
    pub fn loaded_events(&self) -> usize {
        self.citizens.active().map_or(0, |t| t.events().len())
    }

    /// Whether the active tab's timeline has more pages (for tests and benchmarks).
    #[must_use]
    pub fn has_more_events(&self) -> bool {
        self.citizens.active().is_some_and(super::citizen::CitizenTab::has_more_events)
    }

    /// The walkthrough's record so far (what a logged session will carry), if a guide is running.
    #[must_use]
    pub fn guide_runs(&self) -> Option<Vec<crate::domain::GuideRun>> {
        self.guides.has_walk().then(|| self.guides.walk_runs(self.now))
    }

    /// Logged sessions not yet confirmed by the service (for tests).
    #[must_use]
    pub fn outbox_waiting(&self) -> usize {
        self.sessions.outbox().waiting()
    }

    /// The outbox, once open (for tests that put an entry in it as another console would have).
    #[must_use]
    pub fn outbox(&self) -> Option<&crate::history::outbox::Outbox> {
        self.sessions.outbox().outbox()
    }

    /// The id of the session in progress, if any (for tests).
    #[must_use]
    pub fn session_id(&self) -> Option<uuid::Uuid> {
        self.sessions.active().map(super::session::ActiveSession::id)
    }

    /// Fetches the next timeline page of the active tab (for benchmarks that load a long history).
    pub fn load_more(&mut self) {
        if let Some(id) = self.citizens.active().map(super::citizen::CitizenTab::id) {
            self.apply(CitizenCommand::LoadMore(id));
        }
    }

    /// Takes a scripted screenshot action as a staff member would.
    fn play(&mut self, action: super::screenshot::Action) {
        use super::screenshot::Action;
        match action {
            Action::Lookup(text) => {
                self.search_for(text, None);
            }
            Action::StartGuide(id) => {
                let index = self.guides.library().and_then(|l| l.guides.iter().position(|g| g.id == id));
                if let Some(index) = index {
                    self.apply(GuideCommand::Start(index));
                }
            }
            Action::Present(id) => {
                let index = self.guides.library().and_then(|l| l.guides.iter().position(|g| g.id == id));
                if let Some(guide) = index {
                    self.apply(PresentCommand::Start { guide, step: 0 });
                }
            }
            Action::Advance if self.presentation.is_some() => {
                self.apply(PresentCommand::Go(presentation::Go::Next));
            }
            Action::Advance => {
                self.apply(if self.guides.at_question() { GuideCommand::Choose(0) } else { GuideCommand::Next });
            }
            Action::CitizenView => self.apply(GuideCommand::ToggleCitizenView),
            Action::StartSession => self.apply(SessionCommand::Start { anonymous: false }),
            Action::WrapUp => self.apply(SessionCommand::OpenWrapUp),
            Action::Log => self.apply(SessionCommand::Log),
            Action::Receipt => self.toggle_receipt_preview(),
            Action::GroupSession => self.apply(GroupCommand::Toggle),
            Action::Scenarios => self.apply(ScenarioCommand::Toggle),
            Action::Insights => self.apply(super::insights::InsightsCommand::Toggle),
        }
    }

    /// Turns the privacy screen on after the configured idle time, and wakes up in time to do so.
    fn idle_privacy(&mut self, ctx: &egui::Context) {
        let active = ctx.input(|i| !i.events.is_empty() || i.pointer.is_moving());
        if active {
            self.last_input = self.now;
        }
        let idle_secs = f64::from(self.prefs.idle_privacy_minutes) * 60.0;
        if idle_secs <= 0.0 || self.privacy || self.citizens.is_empty() {
            return;
        }
        let idle = self.now - self.last_input;
        if idle >= idle_secs {
            self.privacy = true;
        } else {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(idle_secs - idle));
        }
    }

    fn window_title(&self) -> String {
        let text = shell::text::shell_text(self.prefs.language);
        match &self.phase {
            Phase::Ready(connection) if connection.demo() => text.window_title_demo.to_owned(),
            Phase::Ready(connection) => format!("{} — {}", text.app_name, connection.me().site),
            _ => text.app_name.to_owned(),
        }
    }
}

fn view_ctx<'a>(
    prefs: &Prefs,
    privacy: bool,
    phase: &'a Phase,
    guides: Option<&'a crate::guides::library::Library>,
    pending: &'a [String],
) -> ViewCtx<'a> {
    let authorities = match phase {
        Phase::Ready(connection) => connection.authorities(),
        _ => &[],
    };
    ViewCtx {
        lang: prefs.language,
        text: i18n::text(prefs.language),
        palette: prefs.theme.palette(),
        privacy,
        authorities,
        guides,
        pending,
    }
}

impl eframe::App for ConsoleApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.now = ctx.input(|i| i.time);
        for reply in self.tasks.drain() {
            self.receive(reply);
        }
        for command in self.shortcuts(ctx) {
            self.apply(command);
        }
        self.debounce_tick();
        self.probe_tick();
        self.refresh_suggestions();
        self.scenario_tick();
        self.guides.notice_citizen_view_closed();
        self.idle_privacy(ctx);
        if self.theme_dirty {
            self.prefs.theme.apply(ctx);
            self.theme_dirty = false;
        }
        self.prefs.zoom = ctx.zoom_factor();
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if self.sessions.clock_running() {
            // The session timer and the wrap-up countdown show whole seconds.
            ctx.request_repaint_after(std::time::Duration::from_millis(500));
        }
        if self.is_busy() {
            // Replies wake the UI; this only keeps the debounce timer and spinners moving.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let (ready, busy, failed) = (self.is_ready(), self.is_busy(), matches!(self.phase, Phase::Failed(_)));
        if let Some(action) = self.screenshot.as_mut().and_then(|s| s.update(ctx, ready, busy, failed)) {
            self.play(action);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // First, so no screen — the projector's included — is ever drawn without it.
        if self.training() {
            shell::training::band_ui(shell::text::shell_text(self.prefs.language), false, ui);
        }
        if self.presentation_ui(ui) {
            return;
        }
        let mut commands = Commands::default();
        let pending = self.sessions.outbox().pending_ids();
        let library = self.guides.library().cloned();
        let may_resolve = self.may_resolve_identity();
        let may_read_insights = self.may_read_insights();
        let training = self.training();
        let Self {
            phase,
            prefs,
            privacy,
            lookup,
            citizens,
            target,
            guides,
            sessions,
            now,
            unmatched,
            scenario,
            group,
            insights,
            ..
        } = self;
        let view = view_ctx(prefs, *privacy, phase, library.as_deref(), &pending);
        match &*phase {
            Phase::Starting { progress } => shell::startup::starting_ui(&view, target, *progress, ui),
            Phase::Failed(failure) => shell::startup::failed_ui(&view, target, failure, ui, &mut commands),
            Phase::Ready(connection) => {
                let unmatched_count = if may_resolve {
                    shell::top_bar::QueueButton::Shown { waiting: unmatched.waiting() }
                } else {
                    shell::top_bar::QueueButton::Hidden
                };
                let bar = shell::top_bar::Bar {
                    connection,
                    prefs,
                    guides_open: guides.is_open(),
                    sessions,
                    now: *now,
                    unmatched: unmatched_count,
                    insights: may_read_insights.then_some(insights.is_open()),
                };
                shell::top_bar::ui(&view, &bar, ui, &mut commands);
                if training && !view.privacy && !guides.mitid_step() {
                    scenario::view::ui(&view, scenario, ui, &mut commands);
                }
                if !view.privacy && !guides.mitid_step() {
                    session::view::strip_ui(&view, sessions, citizens.active(), *now, ui, &mut commands);
                }
                if !view.privacy {
                    session::view::wrap_up_ui(&view, sessions, ui, &mut commands);
                }
                if view.privacy {
                    shell::privacy::ui(&view, ui, &mut commands);
                } else if guides.mitid_step() {
                    // The citizen uses MitID: only the guide and the notice; nothing personal is drawn.
                    guides::library_view::panel_ui(&view, guides, ui, &mut commands);
                    guides::runner_view::mitid_notice_ui(&view, ui);
                } else if insights.is_open() {
                    super::insights::view::ui(&view, insights, ui, &mut commands);
                } else {
                    lookup::view::ui(&view, lookup, ui, &mut commands);
                    // The wrap-up takes the guide panel's place: the walkthrough is in the session by then.
                    if guides.is_open() && !sessions.is_wrapping() {
                        guides::library_view::panel_ui(&view, guides, ui, &mut commands);
                    }
                    citizen::tabs_view::ui(&view, citizens, ui, &mut commands);
                }
            }
        }
        guides::runner_view::citizen_window(guides, training, ui);
        session::view::windows(&view, sessions, ui.ctx(), &mut commands);
        unmatched::view::window(&view, unmatched, citizens.active(), ui.ctx(), &mut commands);
        group::view::window(&view, group, ui.ctx(), &mut commands);
        for command in commands {
            self.apply(command);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, prefs::KEY, &self.prefs);
    }

    /// egui's own memory holds text-field contents and undo history (search text, CPR numbers): never persist it.
    fn persist_egui_memory(&self) -> bool {
        false
    }
}
