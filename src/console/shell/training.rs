//! The training band: on every screen while the console is in training mode, so a practice session can never be
//! mistaken for real work, on the screen or in a screenshot.

use egui::{Color32, RichText};

use super::text::ShellText;

/// Amber with black text (over 9:1), the same in every theme, so the band looks alike on every console.
const BAND_BG: Color32 = Color32::from_rgb(0xFF, 0x8F, 0x00);
const BAND_FG: Color32 = Color32::BLACK;

/// The band across the top of the window. The staff's band says how to leave training; the citizen's only that nothing on it is real.
pub fn band_ui(text: &ShellText, for_citizen: bool, ui: &mut egui::Ui) {
    let detail = if for_citizen { text.training_band_citizen } else { text.training_band_detail };
    egui::Panel::top("training-band")
        .frame(egui::Frame::new().fill(BAND_BG).inner_margin(egui::Margin::symmetric(12, 6)))
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(text.training_band).size(20.0).strong().color(BAND_FG));
                ui.label(RichText::new(detail).color(BAND_FG));
            });
        });
}
