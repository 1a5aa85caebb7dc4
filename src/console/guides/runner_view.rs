//! A walkthrough in progress: the step with its script, what the citizen sees, tips, pitfalls and checks; back,
//! next, branch answers and skip, all from the keyboard too; the MitID notice; and the citizen view, a second
//! window in the citizen's language with large text and no staff notes.

use crate::console::shell::keys::{self, Shortcut};
use egui::{Key, Modifiers, RichText, Ui};

use super::super::app::ViewCtx;
use super::super::guides::{ActiveWalk, GuidesState};
use super::super::i18n::fill;
use super::super::widgets::heading;
use super::text::guides_text;
use crate::console::command::{Commands, GuideCommand, PresentCommand, SessionCommand};
use crate::domain::{AttorneyKind, Language, Performer};
use crate::guides::format::{Bilingual, End, Guide, Step, Target, Then};
use crate::guides::library::Library;

/// Keys for the walkthrough while no text field has the keyboard: → next, ← back, 1–9 choose, and who did the step.
fn keyboard(step: &Step, walk: &ActiveWalk, finished: bool, ui: &mut Ui, commands: &mut Commands) {
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let digits = [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8, Key::Num9];
    ui.input_mut(|input| {
        if consume(input, Shortcut::GuideBack) {
            commands.push(GuideCommand::Back);
        }
        if finished {
            return;
        }
        // A practice run lets a trainee mark even a MitID step, so the feedback can show them the mistake.
        if !step.mitid || walk.run.is_practice() {
            performer_keys(walk, input, commands);
        }
        match &step.then {
            Then::Next(_) | Then::End(_) => {
                if consume(input, Shortcut::GuideNext) {
                    commands.push(GuideCommand::Next);
                }
            }
            Then::Branch { options, .. } => {
                for (index, key) in digits.iter().enumerate().take(options.len()) {
                    if input.consume_key(Modifiers::NONE, *key) {
                        commands.push(GuideCommand::Choose(index));
                    }
                }
            }
        }
    });
}

/// Takes a shortcut of the command table from the input.
fn consume(input: &mut egui::InputState, shortcut: Shortcut) -> bool {
    shortcut.keys().is_some_and(|keys| input.consume_shortcut(&keys))
}

fn list(ui: &mut Ui, view: &ViewCtx<'_>, title: &str, icon: &str, items: &[Bilingual]) {
    if items.is_empty() {
        return;
    }
    ui.label(RichText::new(title).strong());
    for item in items {
        ui.label(format!("{icon} {}", item.get(view.lang)));
    }
}

/// Draws the walkthrough in the guide panel.
pub fn ui(view: &ViewCtx<'_>, guides: &mut GuidesState, library: &Library, ui: &mut Ui, commands: &mut Commands) {
    let t = guides_text(view.lang);
    let images = std::sync::Arc::clone(&guides.images);
    let Some(walk) = &mut guides.walk else { return };
    let Ok((guide, step)) = walk.run.current(library) else {
        ui.label(t.guides_none);
        return;
    };
    let main = library.guide(walk.run.main_guide()).unwrap_or(guide);
    let finished = walk.run.finished().cloned();
    keyboard(step, walk, finished.is_some(), ui, commands);
    heading(ui, format!("📖 {}", main.title.get(view.lang)));
    ui.horizontal_wrapped(|ui| {
        // The checks already refuse any other link; the browser is only ever handed one that passes the rule.
        let solution = Some(guide.solution.url.as_str()).filter(|url| crate::domain::is_safe_link(url));
        if let Some(url) = solution
            && ui.button(t.open_solution).on_hover_text(url).clicked()
        {
            ui.ctx().open_url(egui::OpenUrl::new_tab(url));
        }
        let label = if guides.citizen_view { format!("{} ✔", t.citizen_view) } else { t.citizen_view.to_owned() };
        if ui.button(label).on_hover_text(Shortcut::CitizenView.hint()).clicked() {
            commands.push(GuideCommand::ToggleCitizenView);
        }
        if let Some((guide, step)) = walk.position(library)
            && ui.button(t.present).on_hover_text("F5").clicked()
        {
            commands.push(PresentCommand::Start { guide, step });
        }
    });
    let mut progress = fill(t.step_n, &[("step", &walk.run.steps_taken().to_string())]);
    if walk.run.depth() > 0 {
        progress = format!("{progress} · {}", fill(t.in_linked, &[("guide", guide.title.get(view.lang))]));
    }
    ui.label(RichText::new(progress).color(view.palette.muted_fg));
    if walk.run.steps_taken() == 1 && walk.run.depth() == 0 && !main.prerequisites.is_empty() {
        egui::CollapsingHeader::new(t.prerequisites).default_open(true).show(ui, |ui| {
            for item in &main.prerequisites {
                ui.label(format!("☐ {}", item.get(view.lang)));
            }
        });
    }
    ui.separator();
    if let Some(ending) = &finished {
        let end = end_of(library, walk);
        finished_ui(view, ending.outcome, end, ui, commands);
        return;
    }
    step_ui(view, &images, guide, step, walk, ui, commands);
    if let Some(error) = &walk.error {
        ui.label(RichText::new(format!("⚠ {}", guides_text(view.lang).run_error(error))).color(view.palette.error_fg));
    }
    ui.separator();
    ui.label(RichText::new(keys::line(&keys::GUIDE_LINE, view.lang)).size(12.5).color(view.palette.muted_fg));
}

/// The end the walkthrough stopped at: the current step's end, or the end of the option chosen on it.
fn end_of<'l>(library: &'l Library, walk: &ActiveWalk) -> Option<&'l End> {
    let (_, step) = walk.run.current(library).ok()?;
    match &step.then {
        Then::End(end) => Some(end),
        Then::Branch { options, .. } => options.iter().find_map(|o| match &o.target {
            Target::End(end) if walk.run.finished().is_some_and(|f| f.outcome == end.outcome) => Some(end),
            _ => None,
        }),
        Then::Next(_) => None,
    }
}

fn finished_ui(
    view: &ViewCtx<'_>,
    outcome: crate::domain::Outcome,
    end: Option<&End>,
    ui: &mut Ui,
    commands: &mut Commands,
) {
    let t = guides_text(view.lang);
    heading(ui, format!("{}: {}", t.outcome, outcome.label(view.lang)));
    if let Some(end) = end {
        ui.label(RichText::new(end.note.get(view.lang)).size(16.0));
        list(ui, view, t.next_steps, "➡", &end.next_steps);
    }
    ui.horizontal(|ui| {
        if ui.button(t.back).clicked() {
            commands.push(GuideCommand::Back);
        }
        if ui.button(t.close_guide).clicked() {
            commands.push(GuideCommand::Stop);
        }
    });
}

fn step_ui(
    view: &ViewCtx<'_>,
    images: &super::super::guides::ImageUris,
    guide: &Guide,
    step: &Step,
    walk: &mut ActiveWalk,
    ui: &mut Ui,
    commands: &mut Commands,
) {
    let t = guides_text(view.lang);
    heading(ui, step.title.get(view.lang));
    if step.mitid {
        super::super::widgets::alert(
            ui,
            view.palette.warning_bg,
            view.palette.warning_fg,
            &format!("🔒 {}", t.mitid_notice_title),
        );
    }
    ui.label(RichText::new(format!("💬 {}", t.say)).strong());
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(step.say.get(view.lang)).size(17.0));
    });
    ui.label(RichText::new(format!("🖥 {}", t.screen)).strong());
    ui.label(step.screen.get(view.lang));
    // Resolved when the library loaded: a path that would leave assets/ shows no picture at all.
    if let Some(uri) = step.image.as_deref().and_then(|i| images.get(i)) {
        ui.add(egui::Image::new(uri.clone()).max_width(ui.available_width()).alt_text(step.title.get(view.lang)));
    }
    list(ui, view, t.tips, "💡", &step.tips);
    list(ui, view, t.pitfalls, "⚠", &step.pitfalls);
    if !step.checks.is_empty() {
        ui.label(RichText::new(t.checks).strong());
        for (index, check) in step.checks.iter().enumerate() {
            let key = (guide.id.clone(), step.id.clone(), index);
            let mut ticked = walk.checked.contains(&key);
            if ui.checkbox(&mut ticked, check.get(view.lang)).changed() {
                if ticked {
                    walk.checked.insert(key);
                } else {
                    walk.checked.remove(&key);
                }
            }
        }
    }
    if !step.mitid || walk.run.is_practice() {
        performer_ui(view, walk, ui, commands);
    }
    ui.separator();
    controls_ui(view, step, walk, ui, commands);
}

/// Who did the step, one key each; when staff acted for the citizen, under which power of attorney.
fn performer_ui(view: &ViewCtx<'_>, walk: &ActiveWalk, ui: &mut Ui, commands: &mut Commands) {
    let s = super::super::session::text::session_text(view.lang);
    let (performer, attorney) = walk.run.marked();
    ui.label(RichText::new(format!("👤 {}", s.who_did)).strong());
    ui.horizontal_wrapped(|ui| {
        for option in [Performer::CitizenAlone, Performer::CitizenWithGuidance, Performer::StaffOnBehalf] {
            if ui.add(egui::Button::selectable(performer == Some(option), s.performer(option))).clicked() {
                commands.push(SessionCommand::MarkPerformer(option));
            }
        }
    });
    if performer == Some(Performer::StaffOnBehalf) {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{}:", s.attorney));
            if ui.add(egui::Button::selectable(attorney.is_none(), s.attorney_none)).clicked() {
                commands.push(SessionCommand::MarkAttorney(None));
            }
            for (kind, key) in ATTORNEY_KEYS {
                let text = format!("{} ({key:?})", kind.label(view.lang));
                if ui.add(egui::Button::selectable(attorney == Some(kind), text)).clicked() {
                    commands.push(SessionCommand::MarkAttorney(Some(kind)));
                }
            }
        });
    }
}

/// The powers of attorney staff can act under, with their keys.
const ATTORNEY_KEYS: [(AttorneyKind, Key); 4] = [
    (AttorneyKind::DigitalFuldmagt, Key::F),
    (AttorneyKind::DigitalPostAccess, Key::P),
    (AttorneyKind::TaxAgency, Key::T),
    (AttorneyKind::Other, Key::O),
];

/// One key per performer (A, G, S) and, after S, per power of attorney (N none, F, P, T, O).
fn performer_keys(walk: &ActiveWalk, input: &mut egui::InputState, commands: &mut Commands) {
    let keys = [
        (Key::A, Performer::CitizenAlone),
        (Key::G, Performer::CitizenWithGuidance),
        (Key::S, Performer::StaffOnBehalf),
    ];
    for (key, performer) in keys {
        if input.consume_key(Modifiers::NONE, key) {
            commands.push(SessionCommand::MarkPerformer(performer));
        }
    }
    if walk.run.marked().0 != Some(Performer::StaffOnBehalf) {
        return;
    }
    if input.consume_key(Modifiers::NONE, Key::N) {
        commands.push(SessionCommand::MarkAttorney(None));
    }
    for (kind, key) in ATTORNEY_KEYS {
        if input.consume_key(Modifiers::NONE, key) {
            commands.push(SessionCommand::MarkAttorney(Some(kind)));
        }
    }
}

fn controls_ui(view: &ViewCtx<'_>, step: &Step, walk: &mut ActiveWalk, ui: &mut Ui, commands: &mut Commands) {
    let t = guides_text(view.lang);
    if let Then::Branch { question, options } = &step.then {
        ui.label(RichText::new(format!("❓ {}", question.get(view.lang))).strong().size(16.0));
        for (index, option) in options.iter().enumerate() {
            let label = format!("{}. {}", index + 1, option.label.get(view.lang));
            if ui.add(egui::Button::new(label).min_size(egui::vec2(ui.available_width(), 28.0))).clicked() {
                commands.push(GuideCommand::Choose(index));
            }
        }
    }
    ui.horizontal(|ui| {
        if walk.run.steps_taken() > 1 && ui.button(t.back).clicked() {
            commands.push(GuideCommand::Back);
        }
        match &step.then {
            Then::Next(_) => {
                if ui.button(RichText::new(t.next).strong()).clicked() {
                    commands.push(GuideCommand::Next);
                }
                if ui.button(t.skip).clicked() {
                    walk.skipping = !walk.skipping;
                }
            }
            Then::End(_) => {
                if ui.button(RichText::new(t.finish).strong()).clicked() {
                    commands.push(GuideCommand::Next);
                }
            }
            Then::Branch { .. } => {}
        }
        if ui.button(t.stop_guide).clicked() {
            commands.push(GuideCommand::Stop);
        }
    });
    if walk.skipping {
        let label = ui.label(t.skip_reason);
        ui.add(egui::TextEdit::singleline(&mut walk.skip_reason).desired_width(f32::INFINITY)).labelled_by(label.id);
        if ui.add_enabled(!walk.skip_reason.trim().is_empty(), egui::Button::new(t.skip_confirm)).clicked() {
            commands.push(GuideCommand::Skip);
        }
    }
}

/// While the citizen uses MitID: nothing personal on the staff screen, and a clear instruction to look away.
pub fn mitid_notice_ui(view: &ViewCtx<'_>, ui: &mut Ui) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.25);
            ui.label(RichText::new("🔒").size(56.0));
            heading(ui, guides_text(view.lang).mitid_notice_title);
            ui.label(RichText::new(guides_text(view.lang).mitid_notice_body).size(16.0));
        });
    });
}

/// What the citizen view shows, already in the citizen's language. Shared with its window, which is drawn on its
/// own schedule (a deferred viewport), so it holds plain text only.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CitizenScreen {
    pub(super) window_title: String,
    pub(super) guide: String,
    pub(super) progress: String,
    pub(super) title: String,
    pub(super) mitid: Option<String>,
    pub(super) next_steps: Vec<String>,
    /// The citizen's language, for the training band's explanation.
    pub(super) lang: Language,
    /// The citizen's screen carries the training band too.
    pub(super) training: bool,
}

/// The state the citizen view's window shares with the console.
#[derive(Default)]
pub struct CitizenView {
    pub(super) screen: std::sync::Mutex<CitizenScreen>,
    /// Set by the window when the citizen view is closed with the window's own close button.
    pub(super) closed: std::sync::atomic::AtomicBool,
}

/// The citizen's screen for the walkthrough's current step.
#[must_use]
pub fn citizen_screen(walk: &ActiveWalk, library: &Library) -> CitizenScreen {
    let lang: Language = walk.citizen_language;
    let text = guides_text(lang);
    let Ok((guide, step)) = walk.run.current(library) else { return CitizenScreen::default() };
    let main = library.guide(walk.run.main_guide()).unwrap_or(guide);
    let mut screen = CitizenScreen {
        window_title: text.citizen_view_title.to_owned(),
        guide: main.title.get(lang).to_owned(),
        progress: fill(text.step_n, &[("step", &walk.run.steps_taken().to_string())]),
        // The step's screen description and script are written to staff: the citizen sees the step's title.
        title: step.title.get(lang).to_owned(),
        mitid: step.mitid.then(|| text.mitid_citizen.to_owned()),
        next_steps: Vec::new(),
        lang,
        training: false,
    };
    if let Some(ending) = walk.run.finished() {
        // At the end the citizen reads the receipt's sentence and what to do next, never the end's note to staff.
        screen.progress.clear();
        screen.mitid = None;
        crate::receipt::outcome_sentence(lang, ending.outcome).clone_into(&mut screen.title);
        if let Some(end) = end_of(library, walk) {
            screen.next_steps = end.next_steps.iter().map(|s| s.get(lang).to_owned()).collect();
        }
    }
    screen
}

/// The citizen view's window: the current step in the citizen's language, large, without the staff's notes.
pub fn citizen_view(ctx: &egui::Context, shared: &std::sync::Arc<CitizenView>) {
    let id = egui::ViewportId::from_hash_of("citizen-view");
    let title = shared.screen.lock().map(|s| s.window_title.clone()).unwrap_or_default();
    let builder = egui::ViewportBuilder::default().with_title(title).with_inner_size([900.0, 620.0]);
    let shared = shared.clone();
    ctx.show_viewport_deferred(id, builder, move |ui, _class| {
        if ui.input(|i| i.viewport().close_requested()) {
            shared.closed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let screen = shared.screen.lock().map(|s| s.clone()).unwrap_or_default();
        if screen.training {
            super::super::shell::training::band_ui(super::super::shell::text::shell_text(screen.lang), true, ui);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label(RichText::new(&screen.guide).size(22.0).color(ui.visuals().weak_text_color()));
            ui.label(RichText::new(&screen.progress).size(20.0));
            ui.add_space(8.0);
            super::super::widgets::heading_sized(ui, &screen.title, 34.0);
            ui.add_space(12.0);
            for item in &screen.next_steps {
                ui.label(RichText::new(format!("➡ {item}")).size(24.0));
            }
            if let Some(mitid) = &screen.mitid {
                ui.add_space(16.0);
                ui.label(RichText::new(format!("🔒 {mitid}")).size(26.0).strong());
            }
        });
    });
}

/// The citizen's own window, fed the step on screen; it repaints only when that changes.
pub fn citizen_window(guides: &GuidesState, training: bool, ui: &egui::Ui) {
    if !guides.citizen_view {
        return;
    }
    let (Some(library), Some(walk)) = (guides.library().cloned(), guides.walk.as_ref()) else { return };
    let screen = CitizenScreen { training, ..citizen_screen(walk, &library) };
    if let Ok(mut shown) = guides.citizen.screen.lock()
        && *shown != screen
    {
        *shown = screen;
        ui.ctx().request_repaint_of(egui::ViewportId::from_hash_of("citizen-view"));
    }
    citizen_view(ui.ctx(), &guides.citizen);
}
