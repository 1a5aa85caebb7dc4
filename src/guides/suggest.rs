//! Which guides fit the citizen in front of you, and why: an abandoned self-service attempt (where they got
//! stuck), an open case, or a recent contact about the same topic.
//!
//! A contact matches a guide when it has one of the guide's KLE topics, or, having no topic, comes from the
//! authority that owns the guide's solution.

use chrono::{DateTime, Duration, Utc};

use super::format::Guide;
use crate::domain::{AuthorityId, Case, Channel, ContactEvent};

/// Why a guide is suggested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The citizen started this solution on their own and left it unfinished.
    Abandoned { at: DateTime<Utc>, summary: String },
    /// An open or waiting case on the topic.
    OpenCase { authority: AuthorityId, case_ref: String },
    /// A recent contact about the topic.
    Recent { at: DateTime<Utc>, channel: Channel },
}

/// A guide and the reasons for it, strongest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub guide: String,
    pub reasons: Vec<Reason>,
}

/// How far back an abandoned attempt counts.
const ABANDONED_DAYS: i64 = 90;
/// How far back a contact counts as recent.
const RECENT_DAYS: i64 = 30;
/// The most suggestions shown.
pub const MAX_SUGGESTIONS: usize = 5;

fn matches_event(guide: &Guide, event: &ContactEvent) -> bool {
    match &event.kle {
        Some(topic) => guide.kle.contains(topic),
        None => guide.solution.authority == event.authority,
    }
}

fn matches_case(guide: &Guide, case: &Case) -> bool {
    match &case.kle {
        Some(topic) => guide.kle.contains(topic),
        None => guide.solution.authority == case.authority,
    }
}

fn rank(reason: &Reason) -> u8 {
    match reason {
        Reason::Abandoned { .. } => 0,
        Reason::OpenCase { .. } => 1,
        Reason::Recent { .. } => 2,
    }
}

/// Guides for a citizen with these open cases and (newest first) contacts, as of `now`.
#[must_use]
pub fn suggest(guides: &[Guide], open_cases: &[Case], events: &[ContactEvent], now: DateTime<Utc>) -> Vec<Suggestion> {
    let mut suggestions: Vec<Suggestion> = Vec::new();
    for guide in guides {
        let mut reasons = Vec::new();
        if let Some(event) = events
            .iter()
            .find(|e| e.abandoned && now - e.occurred_at <= Duration::days(ABANDONED_DAYS) && matches_event(guide, e))
        {
            reasons.push(Reason::Abandoned { at: event.occurred_at, summary: event.summary.clone() });
        }
        for case in open_cases.iter().filter(|c| matches_case(guide, c)) {
            reasons.push(Reason::OpenCase { authority: case.authority.clone(), case_ref: case.case_ref.clone() });
        }
        if reasons.is_empty()
            && let Some(event) = events
                .iter()
                .find(|e| !e.abandoned && now - e.occurred_at <= Duration::days(RECENT_DAYS) && matches_event(guide, e))
        {
            reasons.push(Reason::Recent { at: event.occurred_at, channel: event.channel });
        }
        if !reasons.is_empty() {
            suggestions.push(Suggestion { guide: guide.id.clone(), reasons });
        }
    }
    suggestions.sort_by_key(|s| s.reasons.iter().map(rank).min().unwrap_or(u8::MAX));
    suggestions.truncate(MAX_SUGGESTIONS);
    suggestions
}
