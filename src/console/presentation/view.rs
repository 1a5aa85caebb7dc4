//! Presentation mode's screen: the whole window, black on white and large whatever the theme, one guide step at a
//! time — the guide, "Trin 3 af 9", the step's title, what the citizen sees and what to do, its picture — with
//! buttons for a mouse beside the keys for a clicker. It is handed the guide and nothing else, so it cannot draw a
//! citizen.

use egui::{Align, Layout, RichText, Ui};

use super::super::guides::text::{GuidesText, guides_text};
use super::super::i18n::fill;
use super::super::presentation::{Go, Presentation};
use super::super::theme::{
    PRESENT_BG, PRESENT_BUTTON_SIZE, PRESENT_FG, PRESENT_HINT_SIZE, PRESENT_META_SIZE, PRESENT_REFERENCE,
    PRESENT_TEXT_SIZE, PRESENT_TITLE_SIZE, presentation_visuals,
};
use super::super::widgets::heading_sized;
use super::text::{PresentationText, presentation_text};
use crate::console::command::{Commands, PresentCommand};
use crate::domain::Language;
use crate::guides::format::{Guide, Step};
use crate::guides::library::Library;

/// Room around the step and the controls, so nothing sits on a projector's often cropped edges; none below the
/// step, where the controls' own margin is.
const STEP_MARGIN: egui::Margin = egui::Margin { left: 56, right: 56, top: 28, bottom: 0 };
const CONTROLS_MARGIN: egui::Margin = egui::Margin { left: 56, right: 56, top: 12, bottom: 20 };
/// The share of the screen's width a step's picture may take beside the text.
const IMAGE_SHARE: f32 = 0.4;
/// How far text sizes follow the window: never below legible, never absurd.
const SCALE_RANGE: (f32, f32) = (0.7, 2.5);

/// The presentation's language and text sizes for this window.
struct Look {
    t: &'static PresentationText,
    /// The guide words the presentation shares with the walkthrough ("Sig til borgeren", MitID).
    g: &'static GuidesText,
    lang: Language,
    title: f32,
    text: f32,
    meta: f32,
    button: f32,
    hint: f32,
}

impl Look {
    fn new(lang: Language, window: egui::Vec2) -> Self {
        let [width, height] = PRESENT_REFERENCE;
        let scale = (window.x / width).min(window.y / height).clamp(SCALE_RANGE.0, SCALE_RANGE.1);
        Self {
            t: presentation_text(lang),
            g: guides_text(lang),
            lang,
            title: PRESENT_TITLE_SIZE * scale,
            text: PRESENT_TEXT_SIZE * scale,
            meta: PRESENT_META_SIZE * scale,
            button: PRESENT_BUTTON_SIZE * scale,
            hint: PRESENT_HINT_SIZE * scale,
        }
    }
}

/// Draws the presentation over the whole window.
pub fn ui(
    presentation: &Presentation,
    library: &Library,
    images: &super::super::guides::ImageUris,
    ui: &mut Ui,
    commands: &mut Commands,
) {
    let Some(guide) = library.guide(&presentation.guide) else {
        commands.push(PresentCommand::Stop);
        return;
    };
    let Some(step) = guide.steps.get(presentation.step) else {
        commands.push(PresentCommand::Go(Go::First));
        return;
    };
    let look = Look::new(presentation.lang, ui.available_size());
    let mut visuals = presentation_visuals();
    visuals.widgets.noninteractive.bg_stroke = egui::Stroke::new(2.0, PRESENT_FG);
    ui.style_mut().visuals = visuals;
    ui.spacing_mut().button_padding = egui::vec2(18.0, 8.0);
    ui.spacing_mut().item_spacing = egui::vec2(16.0, 8.0);
    let frame = egui::Frame::new().fill(PRESENT_BG);
    egui::Panel::bottom("presentation-controls")
        .frame(frame.inner_margin(CONTROLS_MARGIN))
        .show_separator_line(false)
        .resizable(false)
        .show(ui, |ui| controls_ui(&look, ui, commands));
    egui::CentralPanel::default().frame(frame.inner_margin(STEP_MARGIN)).show(ui, |ui| {
        header_ui(&look, presentation, guide, ui);
        // One scroll position per step, so every step starts at its top.
        let scroll = egui::ScrollArea::vertical().id_salt(("presentation-scroll", presentation.step));
        scroll.auto_shrink([false, false]).show(ui, |ui| step_ui(&look, step, images, ui));
    });
}

/// The guide's title and where in it the room is.
fn header_ui(look: &Look, presentation: &Presentation, guide: &Guide, ui: &mut Ui) {
    let of = [(presentation.step + 1).to_string(), guide.steps.len().to_string()];
    let progress = fill(look.t.present_step_of, &[("step", &of[0]), ("total", &of[1])]);
    ui.horizontal(|ui| {
        ui.label(RichText::new(guide.title.get(look.lang)).size(look.meta));
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            ui.label(RichText::new(progress).size(look.meta).strong());
        });
    });
    ui.separator();
    ui.add_space(8.0);
}

fn step_ui(look: &Look, step: &Step, images: &super::super::guides::ImageUris, ui: &mut Ui) {
    heading_sized(ui, step.title.get(look.lang), look.title);
    ui.add_space(8.0);
    let Some(image) = &step.image else {
        text_ui(look, step, ui);
        return;
    };
    // Text beside the picture, so both fit on one screen without scrolling.
    let width = ui.available_width();
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(width * (1.0 - IMAGE_SHARE) - ui.spacing().item_spacing.x);
            text_ui(look, step, ui);
        });
        // Resolved when the library loaded: a path that would leave assets/ shows no picture at all.
        let Some(uri) = images.get(image) else { return };
        ui.add(
            egui::Image::new(uri.clone())
                .max_width(width * IMAGE_SHARE)
                .max_height(ui.available_height().max(320.0))
                .alt_text(step.title.get(look.lang)),
        );
    });
}

/// What the citizen sees and what to do, in the presentation's language; never the staff's tips or checks.
fn text_ui(look: &Look, step: &Step, ui: &mut Ui) {
    let t = look.t;
    if step.mitid {
        ui.label(RichText::new(format!("🔒 {}", look.g.mitid_citizen)).size(look.text).strong());
    }
    let sections =
        [(format!("🖥 {}", t.present_on_screen), &step.screen), (format!("💬 {}", t.present_explanation), &step.say)];
    for (title, text) in sections.iter().filter(|(_, text)| !text.get(look.lang).is_empty()) {
        ui.add_space(20.0);
        ui.label(RichText::new(title).size(look.meta).strong());
        ui.label(RichText::new(text.get(look.lang)).size(look.text));
    }
}

/// Large buttons for a mouse, each with a name a screen reader can say (the arrows are not read out).
fn controls_ui(look: &Look, ui: &mut Ui, commands: &mut Commands) {
    let t = look.t;
    ui.separator();
    ui.horizontal(|ui| {
        if big_button(look, ui, t.present_previous, t.present_previous_name) {
            commands.push(PresentCommand::Go(Go::Back));
        }
        if big_button(look, ui, t.present_next, t.present_next_name) {
            commands.push(PresentCommand::Go(Go::Next));
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if big_button(look, ui, t.present_exit, t.present_exit) {
                commands.push(PresentCommand::Stop);
            }
            if big_button(look, ui, t.present_other_language, t.present_other_language_name) {
                commands.push(PresentCommand::SwitchLanguage);
            }
        });
    });
    ui.label(RichText::new(t.present_keys).size(look.hint));
}

fn big_button(look: &Look, ui: &mut Ui, text: &str, name: &str) -> bool {
    let button = egui::Button::new(RichText::new(text).size(look.button)).min_size(egui::vec2(0.0, look.button * 2.0));
    ui.add(button).accessible_name(name).clicked()
}
