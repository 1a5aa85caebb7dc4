//! The timeline as the console holds it: the pages fetched so far, the filters that produced them, and the
//! flattened rows (a day header before each day's contacts) that the virtualised list draws.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Copenhagen;

use crate::domain::{Channel, ContactEvent};
use crate::history::api::TimelineParams;

/// Contacts fetched per page.
pub const PAGE: u32 = 200;

/// The filters a staff member set. Applied by the service, so each change starts a new first page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimelineFilter {
    /// Empty means all channels.
    pub(super) channels: BTreeSet<Channel>,
    /// Empty means all authorities.
    pub(super) authorities: BTreeSet<String>,
    /// Text of the from/to fields (`YYYY-MM-DD`, Copenhagen dates); blank means open.
    pub(super) from: String,
    pub(super) to: String,
    pub(super) text: String,
}

/// A date field that does not hold a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadDate;

fn parse_day(text: &str) -> Result<Option<NaiveDate>, BadDate> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Some).map_err(|_| BadDate)
}

/// The UTC instant a Copenhagen day starts.
fn copenhagen_midnight(day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(chrono::NaiveTime::MIN);
    local.and_local_timezone(Copenhagen).earliest().map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

impl TimelineFilter {
    /// Whether any filter is set.
    #[must_use]
    pub fn is_active(&self) -> bool {
        *self != Self::default()
    }

    /// The API query for a page of this filter; `Err` when a date field is not a date.
    pub fn params(&self, cursor: Option<String>) -> Result<TimelineParams, BadDate> {
        let join = |items: Vec<&str>| (!items.is_empty()).then(|| items.join(","));
        let from = parse_day(&self.from)?.map(copenhagen_midnight);
        let to = parse_day(&self.to)?.and_then(|d| d.succ_opt()).map(copenhagen_midnight);
        let text = self.text.trim();
        Ok(TimelineParams {
            channel: join(self.channels.iter().map(|c| c.code()).collect()),
            authority: join(self.authorities.iter().map(String::as_str).collect()),
            from: from.map(|t| t.to_rfc3339()),
            to: to.map(|t| t.to_rfc3339()),
            q: (!text.is_empty()).then(|| text.to_owned()),
            kle: None,
            cursor,
            limit: Some(PAGE),
        })
    }
}

/// One row of the virtualised list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Day(NaiveDate),
    /// Index into the fetched events.
    Event(usize),
}

/// The local (Copenhagen) day of an instant.
#[must_use]
pub fn local_day(time: DateTime<Utc>) -> NaiveDate {
    time.with_timezone(&Copenhagen).date_naive()
}

/// Local clock time, `HH:MM`.
#[must_use]
pub fn local_time(time: DateTime<Utc>) -> String {
    time.with_timezone(&Copenhagen).format("%H:%M").to_string()
}

/// Local date and time, `YYYY-MM-DD HH:MM`.
#[must_use]
pub fn local_date_time(time: DateTime<Utc>) -> String {
    time.with_timezone(&Copenhagen).format("%Y-%m-%d %H:%M").to_string()
}

/// The fetched part of a citizen's timeline.
#[derive(Debug, Default)]
pub struct TimelineData {
    pub(super) events: Vec<ContactEvent>,
    pub(super) rows: Vec<Row>,
    /// Where the next (older) page starts; `None` once the last page is in.
    pub(super) next_cursor: Option<String>,
    /// Whether a first page has arrived.
    pub(super) loaded: bool,
}

impl TimelineData {
    /// Appends a page (events come newest first), extending the rows with day headers where a new day starts.
    pub fn append(&mut self, events: Vec<ContactEvent>, next_cursor: Option<String>) {
        let mut last_day = self.events.last().map(|e| local_day(e.occurred_at));
        for event in events {
            let day = local_day(event.occurred_at);
            if last_day != Some(day) {
                self.rows.push(Row::Day(day));
                last_day = Some(day);
            }
            self.rows.push(Row::Event(self.events.len()));
            self.events.push(event);
        }
        self.next_cursor = next_cursor;
        self.loaded = true;
    }

    /// Adds an event known here before the service has it (a logged session waiting in the outbox) in its place
    /// by time, rebuilding the rows. Replaced by the service's own row when the timeline is fetched again.
    pub fn insert_local(&mut self, event: ContactEvent) {
        let at = self.events.partition_point(|e| e.occurred_at > event.occurred_at);
        self.events.insert(at, event);
        let (events, cursor, loaded) = (std::mem::take(&mut self.events), self.next_cursor.take(), self.loaded);
        self.rows.clear();
        self.append(events, cursor);
        self.loaded = loaded;
    }

    /// Whether more pages exist.
    #[must_use]
    pub fn has_more(&self) -> bool {
        self.next_cursor.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AuthorityId, CaseStatus, Direction};

    fn event(at: &str) -> ContactEvent {
        ContactEvent {
            id: uuid::Uuid::new_v4(),
            citizen_id: uuid::Uuid::nil(),
            occurred_at: DateTime::parse_from_rfc3339(at).expect("time").to_utc(),
            channel: Channel::Web,
            direction: Direction::Inbound,
            authority: AuthorityId("borgerservice".into()),
            kle: None,
            case_ref: None,
            status: CaseStatus::Resolved,
            summary: String::new(),
            source: "t".into(),
            source_id: at.into(),
            staff: None,
            abandoned: false,
            failure_demand: None,
        }
    }

    #[test]
    fn rows_group_by_copenhagen_day_across_pages() {
        let mut data = TimelineData::default();
        // 23:30 UTC on 1 July is 01:30 on 2 July in Copenhagen (summer time).
        data.append(vec![event("2026-07-01T23:30:00Z"), event("2026-07-01T21:00:00Z")], Some("c".into()));
        data.append(vec![event("2026-07-01T08:00:00Z"), event("2026-06-30T08:00:00Z")], None);
        let day = |s: &str| Row::Day(NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date"));
        assert_eq!(
            data.rows,
            vec![
                day("2026-07-02"),
                Row::Event(0),
                day("2026-07-01"),
                Row::Event(1),
                Row::Event(2),
                day("2026-06-30"),
                Row::Event(3)
            ]
        );
        assert!(!data.has_more());
        assert_eq!(local_time(data.events[0].occurred_at), "01:30");
    }

    #[test]
    fn filters_become_query_parameters_in_copenhagen_time() {
        let filter = TimelineFilter {
            channels: [Channel::Phone, Channel::Counter].into_iter().collect(),
            from: "2026-01-10".into(),
            to: "2026-01-10".into(),
            text: "  pas ".into(),
            ..TimelineFilter::default()
        };
        let params = filter.params(None).expect("valid");
        assert_eq!(params.channel.as_deref(), Some("phone,counter"));
        assert_eq!(params.from.as_deref(), Some("2026-01-09T23:00:00+00:00"), "winter: UTC+1");
        assert_eq!(params.to.as_deref(), Some("2026-01-10T23:00:00+00:00"), "the whole day is included");
        assert_eq!(params.q.as_deref(), Some("pas"));
        let bad = TimelineFilter { from: "10/01/2026".into(), ..TimelineFilter::default() };
        assert_eq!(bad.params(None), Err(BadDate));
    }
}
