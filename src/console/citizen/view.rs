//! The citizen card (masked CPR with an audited reveal, language, Digital Post, MitID, readiness, powers of
//! attorney) and the open cases across departments and authorities, above the timeline.

use egui::{RichText, Ui};

use super::super::app::ViewCtx;
use super::super::i18n::fill;
use super::super::tasks::Loadable;
use super::super::widgets::{alert, error_line, loadable_status, pair};
use super::CitizenTab;
use super::text::citizen_text;
use super::timeline::local_date_time;
use super::timeline_view as timeline_ui;
use crate::console::command::{CitizenCommand, Commands};
use crate::domain::{AttorneyDirection, CprWarning, DigitalPostStatus, KleCatalog};
use crate::history::api::CitizenProfile;

/// Draws the tab: card and cases on top, timeline below.
pub fn ui(view: &ViewCtx<'_>, tab: &mut CitizenTab, ui: &mut Ui, commands: &mut Commands) {
    let shown = loadable_status(view, &tab.profile, CitizenCommand::ReloadProfile(tab.id), ui, commands);
    if shown && let Some(profile) = tab.profile.value() {
        let total = ui.available_width();
        if total < 900.0 {
            // Narrow (the guide panel is open): the cases go below the card.
            card_ui(view, tab.id, profile, &tab.revealed_cpr, ui, commands);
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                cases_ui(view, profile, ui);
            });
            ui.separator();
            timeline_ui::ui(view, tab, ui, commands);
            return;
        }
        let card_width = (total * 0.6).floor();
        let cases_width = (total - card_width - 24.0).max(200.0);
        ui.horizontal_top(|ui| {
            ui.allocate_ui_with_layout(egui::vec2(card_width, 0.0), egui::Layout::top_down(egui::Align::Min), |ui| {
                ui.set_max_width(card_width);
                card_ui(view, tab.id, profile, &tab.revealed_cpr, ui, commands);
            });
            ui.add_space(8.0);
            ui.allocate_ui_with_layout(
                egui::vec2(cases_width, 230.0),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    ui.set_max_width(cases_width);
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.set_width(cases_width - 16.0);
                        cases_ui(view, profile, ui);
                    });
                },
            );
        });
        ui.separator();
    }
    timeline_ui::ui(view, tab, ui, commands);
}

fn card_ui(
    view: &ViewCtx<'_>,
    tab: u64,
    profile: &CitizenProfile,
    revealed: &Loadable<String>,
    ui: &mut Ui,
    commands: &mut Commands,
) {
    let (t, muted) = (citizen_text(view.lang), view.palette.muted_fg);
    ui.horizontal(|ui| {
        super::super::widgets::heading(ui, profile.name.as_str());
        if profile.fictitious {
            ui.label(
                RichText::new(format!("🎭 {}", view.text.fictitious))
                    .color(view.palette.banner_fg)
                    .background_color(view.palette.banner_bg),
            );
        }
    });
    if let DigitalPostStatus::Exempt { reason, .. } = &profile.digital_post {
        alert(
            ui,
            view.palette.warning_bg,
            view.palette.warning_fg,
            &format!("✉ {}", fill(t.dp_exempt, &[("reason", reason)])),
        );
    }
    let post = match &profile.digital_post {
        DigitalPostStatus::Active => t.dp_active.to_owned(),
        DigitalPostStatus::Exempt { .. } => t.dp_exempt_short.to_owned(),
        DigitalPostStatus::NotRegistered => t.dp_not_registered.to_owned(),
        DigitalPostStatus::Unknown => view.text.unknown.to_owned(),
    };
    let or_dash = |items: &[String]| if items.is_empty() { "—".to_owned() } else { items.join(", ") };
    let pairs = [
        (t.age, format!("{} {}", profile.age, t.years)),
        (t.preferred_language, profile.preferred_language.endonym().to_owned()),
        (t.digital_post, post),
        (t.mitid, profile.mitid.label(view.lang).to_owned()),
        (t.digital_readiness, profile.digital_readiness.label(view.lang).to_owned()),
        (t.phones, or_dash(&profile.phones)),
        (t.emails, or_dash(&profile.emails)),
        (view.text.district, profile.district.clone().unwrap_or_else(|| "—".to_owned())),
    ];
    // Two label–value pairs per row where there is room, one where the card is narrow.
    let per_row = if ui.available_width() >= 700.0 { 2 } else { 1 };
    egui::Grid::new(("card", tab)).num_columns(2 * per_row).spacing([14.0, 4.0]).show(ui, |ui| {
        ui.label(RichText::new(t.cpr_number).color(muted));
        ui.horizontal(|ui| match revealed {
            Loadable::Ready(full) => {
                ui.label(RichText::new(full).monospace());
                if ui.button(t.hide_full_number).clicked() {
                    commands.push(CitizenCommand::HideCpr(tab));
                }
            }
            other => {
                ui.label(RichText::new(&profile.masked_cpr).monospace());
                if other.is_pending() {
                    ui.spinner();
                } else if ui.button(format!("👁 {}", t.show_full_number)).clicked() {
                    commands.push(CitizenCommand::RevealCpr(tab));
                }
            }
        });
        ui.end_row();
        for row in pairs.chunks(per_row) {
            for (label, value) in row {
                pair(ui, muted, label, value.as_str());
            }
            ui.end_row();
        }
    });
    let powers: Vec<String> = profile
        .powers_of_attorney
        .iter()
        .map(|p| {
            let template = if p.direction == AttorneyDirection::Given { t.poa_given } else { t.poa_held };
            fill(template, &[("name", &p.counterpart_name), ("kind", p.kind.label(view.lang))])
        })
        .collect();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(t.powers_of_attorney).color(muted));
        ui.label(if powers.is_empty() { view.text.none.to_owned() } else { powers.join("; ") });
    });
    readiness_history_ui(view, profile, ui);
    if let Some(error) = revealed.error() {
        error_line(view, error, CitizenCommand::RevealCpr(tab), ui, commands);
    }
    if profile.cpr_warnings.contains(&CprWarning::Modulus11) {
        ui.label(RichText::new(format!("⚠ {}", t.modulus11_warning)).color(view.palette.waiting_fg));
    }
    if profile.replacement_number {
        ui.label(RichText::new(format!("⚠ {}", t.replacement_number)).color(view.palette.waiting_fg));
    }
}

fn cases_ui(view: &ViewCtx<'_>, profile: &CitizenProfile, ui: &mut Ui) {
    let t = citizen_text(view.lang);
    ui.label(RichText::new(format!("📂 {} ({})", t.open_cases, profile.open_cases.len())).strong());
    if profile.open_cases.is_empty() {
        ui.label(RichText::new(t.no_open_cases).color(view.palette.muted_fg));
    }
    egui::ScrollArea::vertical().id_salt("cases").max_height(170.0).show(ui, |ui| {
        for case in &profile.open_cases {
            let topic = case.kle.as_ref().map_or("—", |k| KleCatalog::builtin().title(k));
            let colour = match case.status {
                crate::domain::CaseStatus::Open => view.palette.open_fg,
                crate::domain::CaseStatus::Waiting => view.palette.waiting_fg,
                crate::domain::CaseStatus::Resolved => view.palette.resolved_fg,
            };
            ui.group(|ui| {
                ui.set_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(view.authority_name(case.authority.as_str())).strong());
                    ui.label(format!("· {} ·", case.case_ref));
                    ui.label(RichText::new(case.status.label(view.lang)).color(colour).strong());
                });
                ui.label(topic);
                let owner = case.owner.as_deref().unwrap_or("—");
                ui.label(RichText::new(format!("{}: {owner}", t.case_owner)).color(view.palette.muted_fg));
                let last = format!("{}: {}", t.last_contact, local_date_time(case.last_contact_at));
                ui.label(RichText::new(last).color(view.palette.muted_fg));
                ui.label(RichText::new(&case.summary).italics());
            });
        }
    });
}

/// The digital-readiness assessments behind the card's value, newest first.
fn readiness_history_ui(view: &ViewCtx<'_>, profile: &CitizenProfile, ui: &mut Ui) {
    if profile.readiness_history.is_empty() {
        return;
    }
    let s = super::super::session::text::session_text(view.lang);
    let title = format!("{} ({})", s.readiness_history, profile.readiness_history.len());
    egui::CollapsingHeader::new(title).id_salt(("readiness", profile.id)).show(ui, |ui| {
        for assessment in &profile.readiness_history {
            let when = super::timeline::local_date_time(assessment.at);
            ui.label(format!("{when} · {}", assessment.readiness.label(view.lang)));
        }
    });
}
