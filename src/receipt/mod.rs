//! The citizen's receipt: what we did today and what you do next.
//!
//! Staff hand it over (printed, or as a PDF) at the end of an assisted session, in the citizen's language. It
//! names the guides walked through and how each ended, the next steps with their due dates, the self-service
//! links used, a referral if there was one, and how to reach the municipality. The receipt never holds a full
//! CPR number (only `DDMMYY-XXXX`), and none of the staff member's notes.
//!
//! [`Receipt::sections`] is the single description of the content: the console's print preview shows it and
//! the PDF lays out the same blocks, so the two cannot drift.

mod pdf;
mod text;

/// How a session went, as the receipt says it to the citizen; the citizen screen ends a guide with it.
pub(crate) use text::outcome_sentence;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use chrono_tz::Europe::Copenhagen;
use serde::Deserialize;

use crate::domain::{AssistedSession, Channel, Language, NextStep, Outcome, is_safe_link};
use crate::guides::library::Library;
use crate::history::api::CitizenProfile;
use text::{channel_phrase, fill, long_date, run_end, words};

/// The shipped contact details: the fictitious demo municipality's.
const BUILTIN_CONTACT: &str = include_str!("../../assets/contact.toml");

/// How to reach the municipality, printed on every receipt. Per deployment; the shipped default is the demo's.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInfo {
    /// The citizen service's name, e.g. "Borgerservice, Demo Kommune".
    pub name: String,
    pub phone: String,
    /// The municipality's own website.
    pub web: String,
    pub address: String,
    /// Opening hours, written out in Danish.
    pub hours_da: String,
    /// Opening hours, written out in English.
    pub hours_en: String,
}

impl ContactInfo {
    /// The demo municipality's details from `assets/contact.toml`, compiled in.
    ///
    /// # Panics
    /// Only if the shipped file were broken, which a unit test rules out.
    #[must_use]
    pub fn builtin() -> Self {
        Self::parse(BUILTIN_CONTACT).expect("assets/contact.toml is checked by a unit test")
    }

    /// Reads a deployment's own contact file (the same fields as `assets/contact.toml`).
    pub fn load(path: &Path) -> Result<Self, ReceiptError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReceiptError::Read { path: path.into(), source })?;
        Self::parse(&text).map_err(|message| ReceiptError::Contact { path: path.into(), message })
    }

    fn parse(text: &str) -> Result<Self, String> {
        let contact: Self = toml::from_str(text).map_err(|e| e.to_string())?;
        let fields = [
            ("name", &contact.name),
            ("phone", &contact.phone),
            ("web", &contact.web),
            ("address", &contact.address),
            ("hours_da", &contact.hours_da),
            ("hours_en", &contact.hours_en),
        ];
        match fields.iter().find(|(_, value)| value.trim().is_empty()) {
            Some((field, _)) => Err(format!("{field}: must not be empty; it is printed on every receipt")),
            None => Ok(contact),
        }
    }

    /// The opening hours in `lang`.
    #[must_use]
    pub fn hours(&self, lang: Language) -> &str {
        match lang {
            Language::Da => &self.hours_da,
            Language::En => &self.hours_en,
        }
    }
}

/// Why a receipt could not be made or saved. Messages hold file paths, never anything about the citizen.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("could not read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: {message}", path.display())]
    Contact { path: PathBuf, message: String },
    #[error("the receipt could not be made into a PDF: {0}")]
    Pdf(String),
    #[error("could not write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

/// One line of a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// A list marker ("1.", "•") set in a column of its own before the text.
    pub marker: Option<String>,
    pub text: String,
    /// Where the line leads, for a line that is a link (the text then shows the address too).
    pub url: Option<String>,
    /// Set in the text column without a marker: it belongs to the list item above (a due date, a link).
    pub indented: bool,
}

impl Line {
    fn plain(text: impl Into<String>) -> Self {
        Self { marker: None, text: text.into(), url: None, indented: false }
    }

    fn item(marker: impl Into<String>, text: impl Into<String>) -> Self {
        Self { marker: Some(marker.into()), text: text.into(), url: None, indented: false }
    }

    fn detail(text: impl Into<String>) -> Self {
        Self { marker: None, text: text.into(), url: None, indented: true }
    }

    /// Makes the line a link to `url`, if `url` passes the link rule (`domain::link`); otherwise the line stays
    /// plain text, so a `javascript:` or `file:` address can never become a clickable annotation in the PDF.
    fn link(mut self, url: &str) -> Self {
        self.url = is_safe_link(url).then(|| url.to_owned());
        self
    }

    /// The line as plain text, marker first: for a preview that does not set markers in a column.
    #[must_use]
    pub fn display(&self) -> String {
        match &self.marker {
            Some(marker) => format!("{marker} {}", self.text),
            None if self.indented => format!("   {}", self.text),
            None => self.text.clone(),
        }
    }
}

/// A headed block of lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub lines: Vec<Line>,
}

/// The citizen's receipt for one assisted session.
#[derive(Clone, Debug, PartialEq)]
pub struct Receipt {
    /// The citizen's preferred language (Danish or English).
    pub language: Language,
    /// The session's date in Copenhagen time.
    pub date: NaiveDate,
    /// `None` for an anonymous citizen.
    pub citizen_name: Option<String>,
    /// Always the masked form (`DDMMYY-XXXX`); the receipt never has a full CPR number.
    pub masked_cpr: Option<String>,
    pub channel: Channel,
    pub site: String,
    /// What was done today, one line each (guide titles and how each ended, in the citizen's language).
    pub done: Vec<String>,
    pub outcome: Outcome,
    pub next_steps: Vec<NextStep>,
    /// `(title, url)` of the self-service solutions used.
    pub links: Vec<(String, String)>,
    pub referral: Option<String>,
    pub contact: ContactInfo,
}

impl Receipt {
    /// Builds the receipt for a logged session: guide titles and solution links come from the library,
    /// the name and masked CPR from the profile (`None` → anonymous).
    ///
    /// A guide no longer in the library is named by its id rather than left out. The session's summary is used
    /// only when no guide was run, since it is written by staff; the staff notes are never used.
    #[must_use]
    pub fn for_session(
        session: &AssistedSession,
        citizen: Option<&CitizenProfile>,
        library: &Library,
        contact: ContactInfo,
        language: Language,
    ) -> Self {
        let mut done: Vec<String> = Vec::new();
        let mut links: Vec<(String, String)> = Vec::new();
        for run in &session.guides {
            let guide = library.guide(&run.guide);
            let title = guide.map_or(run.guide.as_str(), |g| g.title.get(language));
            let line = format!("{title} – {}", run_end(language, run.outcome));
            if !done.contains(&line) {
                done.push(line);
            }
            if let Some(solution) = guide.map(|g| &g.solution)
                && !solution.url.is_empty()
                && !links.iter().any(|(_, url)| *url == solution.url)
            {
                links.push((solution.name.get(language).to_owned(), solution.url.clone()));
            }
        }
        if done.is_empty() && !session.summary.trim().is_empty() {
            done.push(session.summary.trim().to_owned());
        }
        Self {
            language,
            date: session.started_at.with_timezone(&Copenhagen).date_naive(),
            citizen_name: citizen.map(|c| c.name.clone()),
            masked_cpr: citizen.and_then(|c| mask_cpr(&c.masked_cpr)),
            channel: session.channel,
            site: session.site.clone(),
            done,
            outcome: session.outcome,
            next_steps: session.next_steps.clone(),
            links,
            referral: session
                .referral
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .map(|r| crate::domain::Referral::parse(r).for_citizen(language).to_owned()),
            contact,
        }
    }

    /// The document's title ("Din kvittering" / "Your receipt").
    #[must_use]
    pub fn title(&self) -> &'static str {
        words(self.language).title
    }

    /// The receipt as headed blocks of lines, the same in the print preview and the PDF; all text in
    /// `self.language`.
    #[must_use]
    pub fn sections(&self) -> Vec<Section> {
        let lang = self.language;
        let w = words(lang);
        let mut sections = Vec::new();

        let citizen = match (&self.citizen_name, self.masked_cpr.as_deref().and_then(mask_cpr)) {
            (Some(name), Some(cpr)) => format!("{name} ({cpr})"),
            (Some(name), None) => name.clone(),
            (None, Some(cpr)) => cpr,
            (None, None) => w.anonymous.to_owned(),
        };
        sections.push(Section {
            title: w.about.to_owned(),
            lines: vec![
                Line::plain(format!("{}: {}", w.date, long_date(lang, self.date))),
                Line::plain(format!("{}: {}", w.place, self.site)),
                Line::plain(format!("{}: {}", w.contact_by, channel_phrase(lang, self.channel))),
                Line::plain(format!("{}: {citizen}", w.citizen)),
            ],
        });

        let mut done: Vec<Line> = self.done.iter().map(|d| Line::item("•", d)).collect();
        done.push(Line::plain(outcome_sentence(lang, self.outcome)));
        sections.push(Section { title: w.done.to_owned(), lines: done });

        if let Some(referral) = &self.referral {
            sections.push(Section { title: w.referral.to_owned(), lines: vec![Line::plain(referral)] });
        }

        let mut next = Vec::new();
        for (i, step) in self.next_steps.iter().enumerate() {
            next.push(Line::item(format!("{}.", i + 1), &step.text));
            if let Some(due) = step.due {
                next.push(Line::detail(fill(w.due, &[("date", &long_date(lang, due))])));
            }
            // Staff type these links; one that breaks the link rule is left off the paper altogether, since a
            // citizen could still copy it from the text.
            if let Some(url) = step.url.as_deref().filter(|url| is_safe_link(url)) {
                next.push(Line::detail(url).link(url));
            }
        }
        if next.is_empty() {
            next.push(Line::plain(w.nothing_next));
        }
        sections.push(Section { title: w.next.to_owned(), lines: next });

        if !self.links.is_empty() {
            let mut lines = Vec::new();
            for (title, url) in &self.links {
                lines.push(Line::item("•", title));
                lines.push(Line::detail(url).link(url));
            }
            sections.push(Section { title: w.links.to_owned(), lines });
        }

        let c = &self.contact;
        sections.push(Section {
            title: w.contact.to_owned(),
            lines: vec![
                Line::plain(&c.name),
                Line::plain(format!("{}: {}", w.phone, c.phone)),
                Line::plain(format!("{}: {}", w.web, c.web)).link(&c.web),
                Line::plain(format!("{}: {}", w.address, c.address)),
                Line::plain(format!("{}: {}", w.hours, c.hours(lang))),
                Line::plain(w.welcome),
            ],
        });
        sections
    }

    /// A tagged, accessible PDF (PDF/UA-1, A4), with document title and language set.
    pub fn to_pdf(&self) -> Result<Vec<u8>, ReceiptError> {
        pdf::render(self)
    }

    /// Writes the PDF to `path` (the console asks where through a save dialog first).
    pub fn save_pdf(&self, path: &Path) -> Result<(), ReceiptError> {
        let bytes = self.to_pdf()?;
        std::fs::write(path, bytes).map_err(|source| ReceiptError::Write { path: path.into(), source })
    }

    /// A file name with the date and nothing personal: "kvittering-2026-11-26.pdf" / "receipt-2026-11-26.pdf".
    #[must_use]
    pub fn suggested_file_name(&self) -> String {
        format!("{}-{}.pdf", words(self.language).file_stem, self.date.format("%Y-%m-%d"))
    }
}

/// `DDMMYY-XXXX` from a masked or (by mistake) full CPR number; `None` if it does not start with six digits.
/// Applied on the way in and again on the way out, so a full number cannot reach paper whichever field it
/// was put in.
fn mask_cpr(text: &str) -> Option<String> {
    let text = text.trim();
    let date = text.get(..6).filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
    Some(format!("{date}-XXXX"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_contact_file_is_complete() {
        let contact = ContactInfo::parse(BUILTIN_CONTACT).expect("assets/contact.toml parses");
        assert!(contact.web.starts_with("https://"));
        assert_ne!(contact.hours(Language::Da), contact.hours(Language::En));
    }

    #[test]
    fn a_contact_file_with_an_empty_or_unknown_field_is_refused() {
        let empty = BUILTIN_CONTACT.replace("phone = \"", "phone = \" \" #");
        assert!(ContactInfo::parse(&empty).expect_err("empty phone").starts_with("phone"));
        let unknown = format!("{BUILTIN_CONTACT}\nfax = \"1\"\n");
        assert!(ContactInfo::parse(&unknown).is_err());
    }

    #[test]
    fn only_https_phone_and_mail_links_become_links_and_other_next_step_links_are_left_out() {
        let step = |url: &str| NextStep { text: format!("Trin {url}"), due: None, url: Some(url.to_owned()) };
        let unsafe_links = ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "file:///etc/passwd", "http://borger.dk/"];
        let safe_links = ["https://www.borger.dk/flytning", "tel:+4533663366", "mailto:x@kk.dk"];
        let receipt = Receipt {
            language: Language::Da,
            date: NaiveDate::from_ymd_opt(2026, 11, 26).expect("date"),
            citizen_name: None,
            masked_cpr: None,
            channel: Channel::Counter,
            site: "Borgerservice".to_owned(),
            done: Vec::new(),
            outcome: Outcome::Completed,
            next_steps: unsafe_links.iter().chain(&safe_links).map(|url| step(url)).collect(),
            links: vec![("Script".to_owned(), "javascript:alert(2)".to_owned())],
            referral: None,
            contact: ContactInfo { web: "data:text/html,x".to_owned(), ..ContactInfo::builtin() },
        };
        let printed: Vec<Line> = receipt.sections().into_iter().flat_map(|s| s.lines).collect();
        let links: Vec<&str> = printed.iter().filter_map(|l| l.url.as_deref()).collect();
        assert_eq!(links, safe_links, "only the safe next-step links are links");
        for url in unsafe_links {
            let own_line = printed.iter().any(|l| l.indented && l.text == url);
            assert!(!own_line, "{url:?} is not printed as a next step's link");
        }
        assert!(printed.iter().any(|l| l.text == "javascript:alert(2)" && l.url.is_none()), "shown, not linked");
        assert!(receipt.to_pdf().is_ok(), "the PDF is still made");
    }

    #[test]
    fn a_cpr_number_is_always_masked() {
        assert_eq!(mask_cpr("070761-XXXX").as_deref(), Some("070761-XXXX"));
        assert_eq!(mask_cpr("0707614285").as_deref(), Some("070761-XXXX"));
        assert_eq!(mask_cpr(" 070761-4285 ").as_deref(), Some("070761-XXXX"));
        assert_eq!(mask_cpr("07076"), None);
        assert_eq!(mask_cpr("ukendt"), None);
    }
}
