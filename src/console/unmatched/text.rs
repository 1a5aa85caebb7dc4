//! The strings of the unmatched queue, in Danish and English. As in `i18n`, a string missing in either language is
//! a compile error.

use crate::domain::Language;

crate::domain::language::text_table! {
    /// The queue's strings in one language.
    pub struct UnmatchedText {
        title,
        button,
        empty,
        no_match,
        ambiguous,
        named_by,
        link_to,
        open_a_citizen,
        candidate,
        reveal,
        refresh,
        close,
    }
}

pub const DA: UnmatchedText = UnmatchedText {
    title: "Uafklarede henvendelser",
    button: "🔗 Uafklarede",
    empty: "Ingen henvendelser venter på at blive knyttet til en borger.",
    no_match: "Ingen borger har det oplyste",
    ambiguous: "Flere borgere ({count}) har det oplyste",
    named_by: "Oplyst: {given}",
    link_to: "Knyt til {name}",
    open_a_citizen: "Åbn den rigtige borger for at knytte henvendelsen til vedkommende.",
    candidate: "Åbn kandidat {number}",
    reveal: "Vis fuldt",
    refresh: "⟳ Opdatér",
    close: "Luk",
};

pub const EN: UnmatchedText = UnmatchedText {
    title: "Unmatched contacts",
    button: "🔗 Unmatched",
    empty: "No contacts are waiting to be linked to a citizen.",
    no_match: "No citizen has the identifier given",
    ambiguous: "Several citizens ({count}) have the identifier given",
    named_by: "Given: {given}",
    link_to: "Link to {name}",
    open_a_citizen: "Open the right citizen to link the contact to them.",
    candidate: "Open candidate {number}",
    reveal: "Show in full",
    refresh: "⟳ Refresh",
    close: "Close",
};

/// The queue's strings for a language.
#[must_use]
pub fn unmatched_text(lang: Language) -> &'static UnmatchedText {
    crate::domain::language::by_language(lang, &DA, &EN)
}
