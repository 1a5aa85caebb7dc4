//! The guide format: what a guide file says, as checked values.
//!
//! A guide is one TOML file under `guides/` (documented in `guides/README.md`). Parsing happens in two stages:
//! [`raw`] mirrors the file with every field optional and every value carrying its position, so the validator
//! can name the file, line and field of each problem; [`crate::guides::library`] turns a raw guide into a
//! [`Guide`] only when it has none.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{AuthorityId, KleTopic, Language, Outcome};

/// A text in Danish and English.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bilingual {
    pub da: String,
    pub en: String,
}

impl Bilingual {
    /// The text in the given language.
    #[must_use]
    pub fn get(&self, lang: Language) -> &str {
        match lang {
            Language::Da => &self.da,
            Language::En => &self.en,
        }
    }
}

/// How the citizen gets into the solution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Login {
    /// The citizen logs in with their own MitID.
    Mitid,
    /// Booking a time (sometimes with payment), no login.
    Booking,
    /// Only in person, at a counter.
    InPerson,
    /// No login needed.
    None,
}

/// The self-service solution a guide walks through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    pub name: Bilingual,
    pub url: String,
    pub authority: AuthorityId,
    pub login: Login,
}

/// How a walkthrough ends: the outcome logged, what to tell the citizen, and what they must do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct End {
    pub outcome: Outcome,
    pub note: Bilingual,
    pub next_steps: Vec<Bilingual>,
}

/// Where a branch option leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Step(String),
    /// Another guide, after which the walkthrough returns to `return_to` in this one.
    Guide {
        guide: String,
        return_to: String,
    },
    End(End),
}

/// One answer to a branch's question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchOption {
    pub label: Bilingual,
    pub target: Target,
}

/// What follows a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then {
    Next(String),
    Branch { question: Bilingual, options: Vec<BranchOption> },
    End(End),
}

/// One step of a walkthrough.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub id: String,
    pub title: Bilingual,
    /// What the staff member says: written to be read aloud on the phone.
    pub say: Bilingual,
    /// What the citizen sees on their screen.
    pub screen: Bilingual,
    pub tips: Vec<Bilingual>,
    pub pitfalls: Vec<Bilingual>,
    /// Things to check before going on.
    pub checks: Vec<Bilingual>,
    /// A picture under `assets/`, relative to the repository root.
    pub image: Option<String>,
    /// The citizen uses MitID here: staff look away and never see or type the credentials.
    pub mitid: bool,
    pub then: Then,
}

/// A checked guide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guide {
    pub id: String,
    pub version: u32,
    pub reviewed: NaiveDate,
    pub sources: Vec<String>,
    pub title: Bilingual,
    pub summary: Bilingual,
    /// Extra search words in each language.
    pub keywords_da: Vec<String>,
    pub keywords_en: Vec<String>,
    pub solution: Solution,
    pub kle: Vec<KleTopic>,
    /// Who the guide suits.
    pub suits: Bilingual,
    /// What the citizen must have ready.
    pub prerequisites: Vec<Bilingual>,
    pub start: String,
    pub steps: Vec<Step>,
}

impl Guide {
    /// The step with this id.
    #[must_use]
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// Every end of the guide, at an end step or behind a branch option.
    pub fn ends(&self) -> impl Iterator<Item = &End> {
        self.steps.iter().flat_map(Step::ends)
    }
}

impl Step {
    /// The ends this step can lead to at once: its own, or those behind its options.
    #[must_use]
    pub fn ends(&self) -> Vec<&End> {
        match &self.then {
            Then::End(end) => vec![end],
            Then::Branch { options, .. } => options
                .iter()
                .filter_map(|o| match &o.target {
                    Target::End(end) => Some(end),
                    _ => None,
                })
                .collect(),
            Then::Next(_) => Vec::new(),
        }
    }
}

/// The file as written: every field optional, every value with its byte span, unknown fields refused.
pub mod raw {
    use serde::Deserialize;
    use toml::Spanned;

    /// A bilingual text as written.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Text {
        pub da: Option<Spanned<String>>,
        pub en: Option<Spanned<String>>,
    }

    /// Search words as written.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Keywords {
        #[serde(default)]
        pub da: Vec<String>,
        #[serde(default)]
        pub en: Vec<String>,
    }

    /// The solution table.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Solution {
        pub name: Option<Spanned<Text>>,
        pub url: Option<Spanned<String>>,
        pub authority: Option<Spanned<String>>,
        pub login: Option<Spanned<String>>,
    }

    /// An end as written.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct End {
        pub outcome: Option<Spanned<String>>,
        pub note: Option<Spanned<Text>>,
        #[serde(default)]
        pub next_steps: Vec<Spanned<Text>>,
    }

    /// A branch option as written: exactly one of `goto`, `guide` (with `return_to`), `end`.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct BranchOption {
        pub label: Option<Spanned<Text>>,
        pub goto: Option<Spanned<String>>,
        pub guide: Option<Spanned<String>>,
        pub return_to: Option<Spanned<String>>,
        pub end: Option<Spanned<End>>,
    }

    /// A branch as written.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Branch {
        pub question: Option<Spanned<Text>>,
        #[serde(default)]
        pub options: Vec<Spanned<BranchOption>>,
    }

    /// A step as written: exactly one of `next`, `branch`, `end`.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Step {
        pub id: Option<Spanned<String>>,
        pub title: Option<Spanned<Text>>,
        pub say: Option<Spanned<Text>>,
        pub screen: Option<Spanned<Text>>,
        #[serde(default)]
        pub tips: Vec<Spanned<Text>>,
        #[serde(default)]
        pub pitfalls: Vec<Spanned<Text>>,
        #[serde(default)]
        pub checks: Vec<Spanned<Text>>,
        pub image: Option<Spanned<String>>,
        #[serde(default)]
        pub mitid: bool,
        pub next: Option<Spanned<String>>,
        pub branch: Option<Spanned<Branch>>,
        pub end: Option<Spanned<End>>,
    }

    /// A guide file as written.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Guide {
        pub id: Option<Spanned<String>>,
        pub version: Option<Spanned<i64>>,
        pub reviewed: Option<Spanned<toml::value::Datetime>>,
        #[serde(default)]
        pub sources: Vec<Spanned<String>>,
        pub title: Option<Spanned<Text>>,
        pub summary: Option<Spanned<Text>>,
        pub keywords: Option<Keywords>,
        pub solution: Option<Spanned<Solution>>,
        #[serde(default)]
        pub kle: Vec<Spanned<String>>,
        pub suits: Option<Spanned<Text>>,
        #[serde(default)]
        pub prerequisites: Vec<Spanned<Text>>,
        pub start: Option<Spanned<String>>,
        #[serde(default)]
        pub steps: Vec<Spanned<Step>>,
    }
}
