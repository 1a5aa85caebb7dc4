//! The guide panel: the library (search in both languages, KLE filter), suggestions from the open citizen's
//! history with the reason for each, and the problems of guides that could not be loaded.

use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::citizen::timeline::local_day;
use super::super::guides::{GuideLibrary, GuidesState};
use super::super::i18n::{fill, long_date};
use super::super::widgets::heading;
use super::runner_view as runner;
use super::text::guides_text;
use crate::console::command::{Commands, GuideCommand, PresentCommand};
use crate::domain::{KleCatalog, KleTopic};
use crate::guides::format::{Guide, Login};
use crate::guides::library::Library;
use crate::guides::search::search;
use crate::guides::suggest::Reason;

/// Width of the guide panel.
const PANEL_WIDTH: f32 = 460.0;

/// Draws the guide panel on the right.
pub fn panel_ui(view: &ViewCtx<'_>, guides: &mut GuidesState, ui: &mut Ui, commands: &mut Commands) {
    egui::Panel::right("guides-panel").resizable(true).default_size(PANEL_WIDTH).show(ui, |ui| {
        egui::ScrollArea::vertical().id_salt("guides-scroll").auto_shrink([false, false]).show(ui, |ui| {
            match guides.library.clone() {
                GuideLibrary::Loading => {
                    ui.spinner();
                    ui.label(guides_text(view.lang).guides_loading);
                }
                GuideLibrary::Failed(error) => {
                    ui.label(
                        RichText::new(fill(guides_text(view.lang).guides_failed, &[("error", &error)]))
                            .color(view.palette.error_fg),
                    );
                }
                GuideLibrary::Ready(library) => {
                    if guides.walk.is_some() {
                        runner::ui(view, guides, &library, ui, commands);
                    } else {
                        library_ui(view, guides, &library, ui, commands);
                    }
                }
            }
        });
    });
}

fn login_label(view: &ViewCtx<'_>, login: Login) -> &'static str {
    match login {
        Login::Mitid => guides_text(view.lang).login_mitid,
        Login::Booking => guides_text(view.lang).login_booking,
        Login::InPerson => guides_text(view.lang).login_in_person,
        Login::None => guides_text(view.lang).login_none,
    }
}

fn library_ui(view: &ViewCtx<'_>, guides: &mut GuidesState, library: &Library, ui: &mut Ui, commands: &mut Commands) {
    let t = guides_text(view.lang);
    heading(ui, t.guides_title);
    if !view.privacy {
        suggestions_ui(view, guides, library, ui, commands);
    }
    let label = ui.label(t.guides_search);
    let field =
        egui::TextEdit::singleline(&mut guides.query).hint_text(t.guides_search_hint).desired_width(f32::INFINITY);
    let field = ui.add(field).labelled_by(label.id);
    if std::mem::take(&mut guides.focus_search) {
        field.request_focus();
    }
    let submitted = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    topic_ui(view, guides, library, ui);
    let found = search(&library.guides, &guides.query, guides.topic.as_ref());
    // Enter in the search field starts the best match: the whole path works from the keyboard.
    if submitted && let Some(first) = found.first() {
        commands.push(GuideCommand::Start(library.guides.iter().position(|g| g.id == first.id).unwrap_or_default()));
    }
    if found.is_empty() {
        ui.label(RichText::new(t.guides_none).color(view.palette.muted_fg));
    }
    for guide in found {
        guide_card(view, library, guide, ui, commands);
    }
    problems_ui(view, library, ui);
}

fn topic_ui(view: &ViewCtx<'_>, guides: &mut GuidesState, library: &Library, ui: &mut Ui) {
    let mut topics: Vec<&KleTopic> = library.guides.iter().flat_map(|g| &g.kle).collect();
    topics.sort();
    topics.dedup();
    let title = |topic: &KleTopic| format!("{} {}", topic.as_str(), KleCatalog::builtin().title(topic));
    let selected = guides.topic.as_ref().map_or_else(|| guides_text(view.lang).guides_all_topics.to_owned(), title);
    ui.horizontal(|ui| {
        let label = ui.label(guides_text(view.lang).guides_topic);
        let combo =
            egui::ComboBox::from_id_salt("guide-topic").selected_text(selected).width(300.0).show_ui(ui, |ui| {
                ui.selectable_value(&mut guides.topic, None, guides_text(view.lang).guides_all_topics);
                for topic in topics {
                    ui.selectable_value(&mut guides.topic, Some(topic.clone()), title(topic));
                }
            });
        let _named = combo.response.labelled_by(label.id);
    });
}

fn guide_card(view: &ViewCtx<'_>, library: &Library, guide: &Guide, ui: &mut Ui, commands: &mut Commands) {
    let index = library.guides.iter().position(|g| g.id == guide.id).unwrap_or_default();
    ui.group(|ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.label(RichText::new(guide.title.get(view.lang)).strong());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let start = ui.button(format!("▶ {}", guides_text(view.lang).start_guide));
                let start = start.accessible_name(format!(
                    "{} {}",
                    guides_text(view.lang).start_guide,
                    guide.title.get(view.lang)
                ));
                if start.clicked() {
                    commands.push(GuideCommand::Start(index));
                }
                let present = ui.button(guides_text(view.lang).present).on_hover_text("F5");
                let present = present.accessible_name(format!(
                    "{} {}",
                    guides_text(view.lang).present,
                    guide.title.get(view.lang)
                ));
                if present.clicked() {
                    commands.push(PresentCommand::Start { guide: index, step: 0 });
                }
            });
        });
        ui.label(guide.summary.get(view.lang));
        let topics: Vec<&str> = guide.kle.iter().map(KleTopic::as_str).collect();
        let topics = fill(guides_text(view.lang).kle_topics, &[("topics", &topics.join(", "))]);
        let meta = format!(
            "{} · {} · {topics}",
            view.authority_name(guide.solution.authority.as_str()),
            login_label(view, guide.solution.login),
        );
        ui.label(RichText::new(meta).color(view.palette.muted_fg));
    });
}

fn suggestions_ui(view: &ViewCtx<'_>, guides: &GuidesState, library: &Library, ui: &mut Ui, commands: &mut Commands) {
    let Some((_, _, _, suggestions)) = &guides.suggestions else { return };
    if suggestions.is_empty() {
        return;
    }
    let t = guides_text(view.lang);
    ui.label(RichText::new(format!("💡 {}", t.suggestions)).strong());
    for suggestion in suggestions {
        let Some(index) = library.guides.iter().position(|g| g.id == suggestion.guide) else { continue };
        let guide = &library.guides[index];
        ui.group(|ui| {
            ui.set_width(ui.available_width());
            let button = ui.add(egui::Button::new(RichText::new(format!("▶ {}", guide.title.get(view.lang))).strong()));
            if button.clicked() {
                commands.push(GuideCommand::Start(index));
            }
            for reason in &suggestion.reasons {
                ui.label(RichText::new(reason_text(view, reason)).color(view.palette.muted_fg));
            }
        });
    }
    ui.separator();
}

/// Why a guide is suggested, in words.
fn reason_text(view: &ViewCtx<'_>, reason: &Reason) -> String {
    let t = guides_text(view.lang);
    match reason {
        Reason::Abandoned { at, summary } => {
            fill(t.reason_abandoned, &[("date", &long_date(view.lang, local_day(*at))), ("summary", summary)])
        }
        Reason::OpenCase { authority, case_ref } => {
            fill(t.reason_open_case, &[("case", case_ref), ("authority", view.authority_name(authority.as_str()))])
        }
        Reason::Recent { at, channel } => fill(
            t.reason_recent,
            &[("channel", channel.label(view.lang)), ("date", &long_date(view.lang, local_day(*at)))],
        ),
    }
}

fn problems_ui(view: &ViewCtx<'_>, library: &Library, ui: &mut Ui) {
    let errors: Vec<String> = library.errors().map(ToString::to_string).collect();
    if errors.is_empty() {
        return;
    }
    ui.separator();
    ui.label(
        RichText::new(format!(
            "⚠ {}",
            fill(guides_text(view.lang).guides_broken, &[("count", &errors.len().to_string())])
        ))
        .color(view.palette.error_fg),
    );
    for error in errors {
        ui.label(RichText::new(error).monospace().small());
    }
}
