//! Finding guides: every word must appear in a guide's title, summary, keywords or solution name, in Danish or
//! English (case-insensitive, Danish letters too); optionally only guides for one KLE topic.

use super::format::Guide;
use crate::domain::KleTopic;

fn haystack(guide: &Guide) -> String {
    let mut parts = vec![
        guide.id.as_str(),
        &guide.title.da,
        &guide.title.en,
        &guide.summary.da,
        &guide.summary.en,
        &guide.solution.name.da,
        &guide.solution.name.en,
    ];
    parts.extend(guide.keywords_da.iter().map(String::as_str));
    parts.extend(guide.keywords_en.iter().map(String::as_str));
    parts.join(" ").to_lowercase()
}

/// Guides matching `query` (all words) and, if given, `topic` (the topic or a subject under it), by title.
#[must_use]
pub fn search<'g>(guides: &'g [Guide], query: &str, topic: Option<&KleTopic>) -> Vec<&'g Guide> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut found: Vec<&Guide> = guides
        .iter()
        .filter(|g| topic.is_none_or(|t| g.kle.iter().any(|k| k.as_str().starts_with(t.as_str()))))
        .filter(|g| {
            let text = haystack(g);
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect();
    found.sort_by(|a, b| a.title.da.cmp(&b.title.da));
    found
}
