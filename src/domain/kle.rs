//! KLE topics: the task classification Danish municipalities file cases and count contacts by.
//!
//! The application ships KLE's numbers and titles in `assets/kle-topics.tsv`; a [`KleTopic`] is a number that
//! exists there.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// A KLE number such as `23.05.10` (subject), `23.05` (group) or `23` (main group), known to the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, example = "23.05.10")]
pub struct KleTopic(String);

impl KleTopic {
    /// The dotted number.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The group the topic belongs to (`23.05` for `23.05.10`): a move and a move abroad are one matter.
    #[must_use]
    pub fn group(&self) -> &str {
        self.0.get(..5).unwrap_or(&self.0)
    }
}

/// The level of a KLE number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KleLevel {
    MainGroup,
    Group,
    Subject,
}

/// Why a text is not a known KLE topic.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KleError {
    #[error("a KLE number looks like 23, 23.05 or 23.05.10 (two digits per part)")]
    Malformed,
    #[error("KLE number {0} is not in the KLE list")]
    Unknown(String),
}

/// One row of the KLE list.
#[derive(Clone, Debug)]
pub struct KleEntry {
    pub level: KleLevel,
    /// Danish title, as KLE publishes it.
    pub title: String,
}

/// The KLE numbers and titles the application knows.
#[derive(Debug, Default)]
pub struct KleCatalog {
    entries: BTreeMap<String, KleEntry>,
}

static BUILTIN: LazyLock<KleCatalog> = LazyLock::new(|| KleCatalog::parse(include_str!("../../assets/kle-topics.tsv")));

impl KleCatalog {
    /// The catalogue shipped with the application (parsed once, on first use).
    #[must_use]
    pub fn builtin() -> &'static Self {
        &BUILTIN
    }

    /// Parses `kle<TAB>level<TAB>title` rows after a header; rows of another shape are skipped.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let entries = text
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let (number, level, title) = (fields.next()?, fields.next()?, fields.next()?);
                let level = match level {
                    "hovedgruppe" => KleLevel::MainGroup,
                    "gruppe" => KleLevel::Group,
                    "emne" => KleLevel::Subject,
                    _ => return None,
                };
                Some((number.to_owned(), KleEntry { level, title: title.to_owned() }))
            })
            .collect();
        Self { entries }
    }

    /// Validates a number against the catalogue.
    pub fn topic(&self, number: &str) -> Result<KleTopic, KleError> {
        let number = number.trim();
        let well_formed = number.split('.').count() <= 3
            && number.split('.').all(|part| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return Err(KleError::Malformed);
        }
        if self.entries.contains_key(number) {
            Ok(KleTopic(number.to_owned()))
        } else {
            Err(KleError::Unknown(number.to_owned()))
        }
    }

    /// The entry for a topic, if the catalogue knows it.
    #[must_use]
    pub fn entry(&self, topic: &KleTopic) -> Option<&KleEntry> {
        self.entries.get(topic.as_str())
    }

    /// The Danish title of a topic, or the bare number when it is not in this catalogue.
    #[must_use]
    pub fn title<'a>(&'a self, topic: &'a KleTopic) -> &'a str {
        self.entry(topic).map_or(topic.as_str(), |e| e.title.as_str())
    }

    /// Topics (the finest level) whose number starts with, or whose title contains, `query` (case-insensitive),
    /// in number order.
    pub fn search<'a>(&'a self, query: &'a str) -> impl Iterator<Item = (KleTopic, &'a str)> + 'a {
        let folded = query.trim().to_lowercase();
        self.entries
            .iter()
            .filter(|(_, e)| e.level == KleLevel::Subject)
            .filter(move |(number, e)| number.starts_with(&folded) || e.title.to_lowercase().contains(&folded))
            .map(|(number, e)| (KleTopic(number.clone()), e.title.as_str()))
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the catalogue is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_catalogue_holds_every_level() {
        let kle = KleCatalog::builtin();
        assert!(kle.len() > 2000, "{}", kle.len());
        let moving = kle.topic("23.05.10").expect("moving is a KLE subject");
        assert_eq!(kle.title(&moving), "Flytteanmeldelse");
        assert_eq!(kle.entry(&kle.topic("23").expect("main group")).map(|e| e.level), Some(KleLevel::MainGroup));
        assert_eq!(kle.entry(&kle.topic("23.05").expect("group")).map(|e| e.level), Some(KleLevel::Group));
    }

    #[test]
    fn malformed_and_unknown_numbers_are_told_apart() {
        let kle = KleCatalog::builtin();
        assert_eq!(kle.topic("23.5.10"), Err(KleError::Malformed));
        assert_eq!(kle.topic("23.05.10.01"), Err(KleError::Malformed));
        assert_eq!(kle.topic("flytning"), Err(KleError::Malformed));
        assert_eq!(kle.topic("99.99.99"), Err(KleError::Unknown("99.99.99".into())));
    }
}
