//! The strings of presenting a guide on a shared screen, in Danish and English. As in `i18n`, a string missing in either language is a compile
//! error; templates hold named placeholders filled by `i18n::fill`.

use crate::domain::Language;

crate::domain::language::text_table! {
    /// Strings of presenting a guide on a shared screen in one language.
    #[allow(clippy::struct_field_names)] // Field names mirror the UI text they hold.
    pub struct PresentationText {
        present_step_of,
        present_on_screen,
        present_explanation,
        present_previous,
        present_previous_name,
        present_next,
        present_next_name,
        present_exit,
        present_other_language,
        present_other_language_name,
        present_keys,
    }
}

pub const DA: PresentationText = PresentationText {
    present_step_of: "Trin {step} af {total}",
    present_on_screen: "På skærmen",
    present_explanation: "Forklaring",
    present_previous: "◀ Forrige",
    present_previous_name: "Forrige trin",
    present_next: "Næste ▶",
    present_next_name: "Næste trin",
    present_exit: "Afslut præsentation",
    present_other_language: "🌐 English",
    present_other_language_name: "Vis på engelsk",
    present_keys: "PageDown, pil højre eller mellemrum: næste · PageUp eller pil venstre: forrige · L: English · Esc: afslut",
};

pub const EN: PresentationText = PresentationText {
    present_step_of: "Step {step} of {total}",
    present_on_screen: "On the screen",
    present_explanation: "Explanation",
    present_previous: "◀ Previous",
    present_previous_name: "Previous step",
    present_next: "Next ▶",
    present_next_name: "Next step",
    present_exit: "End presentation",
    present_other_language: "🌐 Dansk",
    present_other_language_name: "Show in Danish",
    present_keys: "PageDown, right arrow or space: next · PageUp or left arrow: previous · L: dansk · Esc: end",
};

/// The strings of a language.
#[must_use]
pub fn presentation_text(lang: Language) -> &'static PresentationText {
    crate::domain::language::by_language(lang, &DA, &EN)
}
