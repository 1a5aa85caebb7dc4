//! Design tokens: every colour and size the views use, so themes and scale change in one place.
//!
//! Text colours are chosen for at least 4.5:1 contrast on their background (WCAG 2.1 AA), and nothing is told
//! by colour alone: every coloured thing also has text or an icon.

use egui::{Color32, Visuals};
use serde::{Deserialize, Serialize};

/// The themes a staff member can choose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    Light,
    Dark,
    HighContrast,
}

/// Colours with a meaning.
#[derive(Clone, Copy, Debug)]
pub struct Palette {
    pub banner_bg: Color32,
    pub banner_fg: Color32,
    pub warning_bg: Color32,
    pub warning_fg: Color32,
    pub abandoned_fg: Color32,
    pub open_fg: Color32,
    pub waiting_fg: Color32,
    pub resolved_fg: Color32,
    pub muted_fg: Color32,
    pub selected_bg: Color32,
    pub day_header_fg: Color32,
    pub error_fg: Color32,
}

const LIGHT: Palette = Palette {
    banner_bg: Color32::from_rgb(0xFF, 0xE0, 0x82),
    banner_fg: Color32::from_rgb(0x3D, 0x2E, 0x00),
    warning_bg: Color32::from_rgb(0xFD, 0xEC, 0xEA),
    warning_fg: Color32::from_rgb(0x8A, 0x1C, 0x0E),
    abandoned_fg: Color32::from_rgb(0xA3, 0x3A, 0x00),
    open_fg: Color32::from_rgb(0x0B, 0x5C, 0xAD),
    waiting_fg: Color32::from_rgb(0x7A, 0x4D, 0x00),
    resolved_fg: Color32::from_rgb(0x1E, 0x6B, 0x34),
    muted_fg: Color32::from_rgb(0x55, 0x55, 0x55),
    selected_bg: Color32::from_rgb(0xD6, 0xE8, 0xFA),
    day_header_fg: Color32::from_rgb(0x22, 0x22, 0x22),
    error_fg: Color32::from_rgb(0xA8, 0x14, 0x14),
};

const DARK: Palette = Palette {
    banner_bg: Color32::from_rgb(0x5C, 0x47, 0x00),
    banner_fg: Color32::from_rgb(0xFF, 0xF3, 0xC4),
    warning_bg: Color32::from_rgb(0x4A, 0x16, 0x10),
    warning_fg: Color32::from_rgb(0xFF, 0xC9, 0xC0),
    abandoned_fg: Color32::from_rgb(0xFF, 0xB0, 0x70),
    open_fg: Color32::from_rgb(0x8C, 0xC4, 0xFF),
    waiting_fg: Color32::from_rgb(0xFF, 0xD5, 0x80),
    resolved_fg: Color32::from_rgb(0x8F, 0xD9, 0xA3),
    muted_fg: Color32::from_rgb(0xB4, 0xB4, 0xB4),
    selected_bg: Color32::from_rgb(0x1F, 0x3A, 0x5C),
    day_header_fg: Color32::from_rgb(0xEE, 0xEE, 0xEE),
    error_fg: Color32::from_rgb(0xFF, 0x9B, 0x9B),
};

const HIGH_CONTRAST: Palette = Palette {
    banner_bg: Color32::from_rgb(0xFF, 0xFF, 0x00),
    banner_fg: Color32::BLACK,
    warning_bg: Color32::WHITE,
    warning_fg: Color32::from_rgb(0x80, 0x00, 0x00),
    abandoned_fg: Color32::from_rgb(0x80, 0x00, 0x00),
    open_fg: Color32::from_rgb(0x00, 0x00, 0x99),
    waiting_fg: Color32::from_rgb(0x5C, 0x3A, 0x00),
    resolved_fg: Color32::from_rgb(0x00, 0x4D, 0x00),
    muted_fg: Color32::BLACK,
    selected_bg: Color32::from_rgb(0xFF, 0xFF, 0x99),
    day_header_fg: Color32::BLACK,
    error_fg: Color32::from_rgb(0x99, 0x00, 0x00),
};

/// Height of one timeline row, in points at zoom 1.
pub const ROW_HEIGHT: f32 = 24.0;
/// Width of the lookup panel.
pub const LOOKUP_PANEL_WIDTH: f32 = 320.0;
/// Width of the timeline's details panel.
pub const DETAILS_WIDTH: f32 = 340.0;
/// Column widths of a timeline row: time, channel, authority, topic, status; the summary takes the rest.
pub const TIMELINE_COLUMNS: [f32; 5] = [52.0, 150.0, 190.0, 200.0, 90.0];
/// The smallest and largest UI scale.
pub const ZOOM_RANGE: (f32, f32) = (0.75, 2.5);
/// Presentation mode, on a projector: black on white whatever the theme (21:1, far past WCAG AAA's 7:1).
pub const PRESENT_BG: Color32 = Color32::WHITE;
pub const PRESENT_FG: Color32 = Color32::BLACK;
/// Text sizes in presentation mode in a window of `PRESENT_REFERENCE` points, two to five times the console's body
/// text, to be read from the back of a room; like a slide's, they grow and shrink with the window. egui's font is a
/// light weight, so size carries the legibility.
pub const PRESENT_REFERENCE: [f32; 2] = [1400.0, 900.0];
pub const PRESENT_TITLE_SIZE: f32 = 64.0;
pub const PRESENT_TEXT_SIZE: f32 = 40.0;
pub const PRESENT_META_SIZE: f32 = 30.0;
pub const PRESENT_BUTTON_SIZE: f32 = 26.0;
pub const PRESENT_HINT_SIZE: f32 = 20.0;

impl ThemeChoice {
    /// The palette of this theme.
    #[must_use]
    pub fn palette(self) -> &'static Palette {
        match self {
            Self::Light => &LIGHT,
            Self::Dark => &DARK,
            Self::HighContrast => &HIGH_CONTRAST,
        }
    }

    /// Applies the theme to egui's visuals.
    pub fn apply(self, ctx: &egui::Context) {
        let visuals = match self {
            Self::Light => Visuals::light(),
            Self::Dark => Visuals::dark(),
            Self::HighContrast => high_contrast_visuals(),
        };
        let theme = if self == Self::Dark { egui::Theme::Dark } else { egui::Theme::Light };
        ctx.set_theme(theme);
        ctx.set_visuals_of(theme, visuals);
        ctx.all_styles_mut(|style| {
            style.spacing.item_spacing = egui::vec2(8.0, 6.0);
            style.spacing.button_padding = egui::vec2(8.0, 4.0);
        });
    }
}

/// egui's visuals in presentation mode: the high-contrast theme, whichever theme the staff member chose.
#[must_use]
pub fn presentation_visuals() -> Visuals {
    high_contrast_visuals()
}

fn high_contrast_visuals() -> Visuals {
    let mut visuals = Visuals::light();
    visuals.override_text_color = Some(Color32::BLACK);
    visuals.panel_fill = Color32::WHITE;
    visuals.window_fill = Color32::WHITE;
    visuals.extreme_bg_color = Color32::WHITE;
    for widget in [&mut visuals.widgets.inactive, &mut visuals.widgets.hovered, &mut visuals.widgets.active] {
        widget.bg_stroke = egui::Stroke::new(2.0, Color32::BLACK);
        widget.fg_stroke = egui::Stroke::new(2.0, Color32::BLACK);
    }
    visuals.selection.bg_fill = Color32::from_rgb(0xFF, 0xFF, 0x00);
    visuals.selection.stroke = egui::Stroke::new(2.0, Color32::BLACK);
    visuals
}
