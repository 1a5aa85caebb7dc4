//! Every text on a receipt, in Danish and English.
//!
//! The same shape as the console's string table: one field per text and one constant per language, so a text
//! missing in either language is a compile error. Templates hold named placeholders (`{date}`) filled by [`fill`].
//! The reader is a citizen who may be new to digital self-service, so the wording is short, plain and warm:
//! "we" and "you", everyday words, no case-handling jargon.

use chrono::{Datelike, NaiveDate};

pub(crate) use crate::domain::language::fill;
use crate::domain::{Channel, Language, Outcome};

crate::domain::language::text_table! {
    /// The receipt's texts in one language.
    pub(crate) struct Words {
        title,
        about,
        date,
        place,
        contact_by,
        citizen,
        anonymous,
        done,
        referral,
        next,
        nothing_next,
        due,
        links,
        contact,
        phone,
        web,
        address,
        hours,
        welcome,
        page_of,
        file_stem,
        at_counter,
        by_phone,
        by_video,
        /// A walkthrough that stopped before any end.
        run_unfinished,
        /// Day, month name, year.
        date_format,
    }
    other {
        /// How one guide ended, after its title: `[completed, handed over, referred, follow-up, not today, abandoned]`.
        run_ends: [&'static str; 6],
        /// How the whole session went, one sentence per outcome in the order of `run_ends`.
        outcomes: [&'static str; 6],
        months: [&'static str; 12],
    }
}

/// Danish.
pub(crate) const DA: Words = Words {
    title: "Din kvittering",
    about: "Din henvendelse i dag",
    date: "Dato",
    place: "Sted",
    contact_by: "Sådan",
    citizen: "Navn",
    anonymous: "Anonym",
    done: "Det hjalp vi med i dag",
    referral: "Her kan du få mere hjælp",
    next: "Det skal du gøre nu",
    nothing_next: "Du skal ikke gøre mere.",
    due: "Senest {date}",
    links: "Her finder du det på nettet",
    contact: "Sådan kontakter du os",
    phone: "Telefon",
    web: "Hjemmeside",
    address: "Adresse",
    hours: "Åbningstider",
    welcome: "Du er altid velkommen til at kontakte os igen.",
    page_of: "Side {page} af {pages}",
    file_stem: "kvittering",
    at_counter: "Ved skranken",
    by_phone: "I telefonen",
    by_video: "Skærmservice (video)",
    run_ends: [
        "klaret",
        "givet videre til en kollega",
        "vist videre til et andet sted",
        "vi følger op",
        "kunne ikke gøres i dag",
        "ikke gjort færdig",
    ],
    run_unfinished: "ikke gjort færdig",
    outcomes: [
        "Vi nåede det hele i dag.",
        "En kollega tager over herfra.",
        "Vi har vist dig videre til et sted, der kan hjælpe.",
        "Vi har aftalt, at vi kontakter dig igen.",
        "Det kunne ikke lade sig gøre i dag.",
        "Vi blev ikke færdige i dag.",
    ],
    months: crate::domain::language::MONTHS_DA,
    date_format: "{day}. {month} {year}",
};

/// English.
pub(crate) const EN: Words = Words {
    title: "Your receipt",
    about: "About today",
    date: "Date",
    place: "Place",
    contact_by: "How",
    citizen: "Name",
    anonymous: "Anonymous",
    done: "What we helped with today",
    referral: "Where you can get more help",
    next: "What you need to do next",
    nothing_next: "There is nothing more you need to do.",
    due: "By {date}",
    links: "Where to find it online",
    contact: "How to contact us",
    phone: "Phone",
    web: "Website",
    address: "Address",
    hours: "Opening hours",
    welcome: "You are always welcome to contact us again.",
    page_of: "Page {page} of {pages}",
    file_stem: "receipt",
    at_counter: "At the counter",
    by_phone: "By phone",
    by_video: "Video call",
    run_ends: [
        "done",
        "passed on to a colleague",
        "referred elsewhere",
        "we will follow up",
        "could not be done today",
        "not finished",
    ],
    run_unfinished: "not finished",
    outcomes: [
        "We got everything done today.",
        "A colleague takes it from here.",
        "We have referred you to someone who can help.",
        "We have agreed to follow up with you.",
        "It could not be done today.",
        "We did not finish today.",
    ],
    months: crate::domain::language::MONTHS_EN,
    date_format: "{day} {month} {year}",
};

/// The receipt's texts in `lang`.
pub(crate) fn words(lang: Language) -> &'static Words {
    match lang {
        Language::Da => &DA,
        Language::En => &EN,
    }
}

/// "26. november 2026" / "26 November 2026".
pub(crate) fn long_date(lang: Language, date: NaiveDate) -> String {
    let w = words(lang);
    fill(
        w.date_format,
        &[
            ("day", &date.day().to_string()),
            ("month", w.months[date.month0() as usize]),
            ("year", &date.year().to_string()),
        ],
    )
}

fn outcome_index(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Completed => 0,
        Outcome::HandedOver => 1,
        Outcome::Referred => 2,
        Outcome::FollowUpBooked => 3,
        Outcome::NotPossibleToday => 4,
        Outcome::Abandoned => 5,
    }
}

/// How one guide ended, as a few words after its title.
pub(crate) fn run_end(lang: Language, outcome: Option<Outcome>) -> &'static str {
    let w = words(lang);
    outcome.map_or(w.run_unfinished, |o| w.run_ends[outcome_index(o)])
}

/// How the session went, as a sentence to the citizen.
pub(crate) fn outcome_sentence(lang: Language, outcome: Outcome) -> &'static str {
    words(lang).outcomes[outcome_index(outcome)]
}

/// How the citizen met us, in words for the citizen rather than the channel's catalogue name.
pub(crate) fn channel_phrase(lang: Language, channel: Channel) -> &'static str {
    let w = words(lang);
    match channel {
        Channel::Counter => w.at_counter,
        Channel::Phone => w.by_phone,
        Channel::Video => w.by_video,
        other => other.label(lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally_in_both_languages() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
        assert_eq!(long_date(Language::Da, date), "26. november 2026");
        assert_eq!(long_date(Language::En, date), "26 November 2026");
    }

    #[test]
    fn every_outcome_has_words_in_both_languages() {
        for outcome in Outcome::ALL {
            for lang in Language::ALL {
                assert!(!run_end(lang, Some(outcome)).is_empty());
                assert!(outcome_sentence(lang, outcome).ends_with('.'));
            }
            assert_ne!(outcome_sentence(Language::Da, outcome), outcome_sentence(Language::En, outcome));
        }
    }

    #[test]
    fn both_languages_use_the_same_placeholders() {
        let problems = crate::domain::language::placeholder_mismatches(&DA.templates(), &EN.templates());
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn templates_fill_by_name() {
        assert_eq!(fill(DA.due, &[("date", "1. december 2026")]), "Senest 1. december 2026");
        assert_eq!(fill(EN.page_of, &[("page", "1"), ("pages", "2")]), "Page 1 of 2");
    }
}
