//! Preferences saved between runs through eframe's storage. Never personal data: no citizen, no search text.

use serde::{Deserialize, Serialize};

use super::theme::ThemeChoice;
use crate::domain::{Language, Purpose};

/// The storage key.
pub const KEY: &str = "medbetjening.prefs";

/// What the console remembers about how a staff member likes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub language: Language,
    pub theme: ThemeChoice,
    /// UI scale (Ctrl +/−).
    pub zoom: f32,
    /// The lookup purpose to start with; `None` picks one from the staff member's role.
    pub purpose: Option<Purpose>,
    /// Minutes without input before the privacy screen comes on by itself; 0 turns that off.
    pub idle_privacy_minutes: u32,
    /// Seconds of wrap-up time after a phone call ends, counted down in the top bar.
    pub wrap_seconds: u32,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            language: Language::Da,
            theme: ThemeChoice::Light,
            zoom: 1.0,
            purpose: None,
            idle_privacy_minutes: 3,
            wrap_seconds: 60,
        }
    }
}
