//! Recomputing every rollup from the raw sessions and events, in one transaction: after a restore, a change of
//! what a row counts, or records flagged fictitious afterwards. The same derivations as the writes, summed in
//! memory and written in bulk.

use std::collections::{BTreeMap, HashMap, HashSet};

use futures_util::TryStreamExt;
use sqlx::{AnyConnection, Row};

use super::super::events::{EVENT_COLUMNS, event_from_row};
use super::super::{Store, StoreResult, from_micros, parse_json, parse_uuid, to_micros};
use super::{CONTACT_KEY, CONTACT_SUMS, Delta, add_rows, contact_delta, guide_deltas, refresh_citizen};
use crate::domain::failure::RETURN_WINDOW_DAYS;
use crate::domain::insight::{self, Population};
use crate::domain::{AssistedSession, Channel, ContactEvent};
use crate::history::api::SESSION_SOURCE;

/// What a rebuild counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RebuildReport {
    pub sessions: u64,
    pub contacts: u64,
    pub returns: u64,
    pub citizens: u64,
}

const TABLES: [&str; 8] = [
    "guide_reviews",
    "insight_contacts",
    "insight_steps",
    "insight_guide_runs",
    "insight_citizens",
    "insight_return_marks",
    "insight_returns",
    "insight_sessions",
];

impl Store {
    /// Empties every rollup and counts every session and contact again. Writers wait until it is done.
    pub async fn rebuild_insights(&self) -> StoreResult<RebuildReport> {
        let mut tx = self.begin_write().await?;
        for table in TABLES {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
        }
        let fictitious = fictitious_citizens(&mut tx).await?;
        let mut report = RebuildReport::default();
        let matters = count_events(&mut tx, &fictitious, &mut report).await?;
        count_sessions(&mut tx, &fictitious, &matters, &mut report).await?;
        tx.commit().await?;
        Ok(report)
    }
}

async fn fictitious_citizens(conn: &mut AnyConnection) -> StoreResult<HashSet<uuid::Uuid>> {
    let rows = sqlx::query("SELECT id FROM citizens WHERE fictitious = 1").fetch_all(&mut *conn).await?;
    rows.iter().map(|row| parse_uuid(&row.try_get::<String, _>("id")?, "citizen id")).collect()
}

fn population_of(ids: impl IntoIterator<Item = uuid::Uuid>, fictitious: &HashSet<uuid::Uuid>) -> Population {
    if ids.into_iter().any(|id| fictitious.contains(&id)) { Population::Fictitious } else { Population::Real }
}

/// Sums of one rollup, by key.
type Sums = BTreeMap<Vec<SortableParam>, Vec<i64>>;

/// A key value that can be ordered, so equal keys are summed before they are written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SortableParam {
    Int(i64),
    Text(String),
}

fn sortable(delta: Delta) -> (Vec<SortableParam>, Vec<i64>) {
    use super::super::sql::Param;
    let key = delta
        .key
        .into_iter()
        .map(|param| match param {
            Param::Int(value) => SortableParam::Int(value),
            Param::Text(value) => SortableParam::Text(value),
            Param::OptText(value) => SortableParam::Text(value.unwrap_or_default()),
        })
        .collect();
    (key, delta.sums)
}

fn sum_into(sums: &mut Sums, deltas: Vec<Delta>) {
    for delta in deltas {
        let (key, values) = sortable(delta);
        let entry = sums.entry(key).or_insert_with(|| vec![0; values.len()]);
        for (total, value) in entry.iter_mut().zip(values) {
            *total += value;
        }
    }
}

fn deltas(sums: Sums) -> Vec<Delta> {
    use super::super::sql::Param;
    sums.into_iter()
        .map(|(key, sums)| Delta {
            key: key
                .into_iter()
                .map(|value| match value {
                    SortableParam::Int(value) => Param::Int(value),
                    SortableParam::Text(value) => Param::Text(value),
                })
                .collect(),
            sums,
        })
        .collect()
}

/// KOMHEN's "did they try online first?" for a session of `citizen`, received at `received` (microseconds).
fn tried(
    matters: &HashMap<uuid::Uuid, Vec<Matter>>,
    citizen: Option<uuid::Uuid>,
    session: &AssistedSession,
    received: i64,
) -> bool {
    let (Some(citizen), Some(kle)) = (citizen, &session.kle) else { return false };
    let start = to_micros(session.started_at);
    let before = |m: &Matter| m.at <= start && m.at >= start - window() && m.recorded <= received;
    matters
        .get(&citizen)
        .is_some_and(|all| all.iter().any(|m| m.attempt.is_some() && m.group == kle.group() && before(m)))
}

fn window() -> i64 {
    RETURN_WINDOW_DAYS * 24 * 3600 * 1_000_000
}

async fn count_sessions(
    conn: &mut AnyConnection,
    fictitious: &HashSet<uuid::Uuid>,
    matters: &HashMap<uuid::Uuid, Vec<Matter>>,
    report: &mut RebuildReport,
) -> StoreResult<()> {
    let mut counted = Vec::new();
    let mut citizens = HashSet::new();
    {
        let mut rows = sqlx::query(
            "SELECT s.body, s.citizen_id, s.received_at FROM sessions s LEFT JOIN staff st ON st.id = s.staff_id \
             WHERE st.role IS NULL OR st.role <> 'trainer'",
        )
        .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let session: AssistedSession = parse_json(&row.try_get::<String, _>("body")?, "session")?;
            let citizen =
                row.try_get::<Option<String>, _>("citizen_id")?.map(|id| parse_uuid(&id, "citizen id")).transpose()?;
            citizens.extend(citizen);
            let tried = tried(matters, citizen, &session, row.try_get("received_at")?);
            counted.push((session, tried));
        }
    }
    let (mut contacts, mut steps, mut runs) = (Sums::new(), Sums::new(), Sums::new());
    for (session, tried) in &counted {
        let population = population_of(session.citizens(), fictitious);
        sum_into(&mut contacts, vec![contact_delta(population, &insight::session_contact(session), 1, *tried)]);
        let (step_deltas, run_deltas) = guide_deltas(population, session, 1);
        sum_into(&mut steps, step_deltas);
        sum_into(&mut runs, run_deltas);
    }
    add_rows(conn, "insight_contacts", &CONTACT_KEY, &CONTACT_SUMS, &deltas(contacts)).await?;
    add_rows(conn, "insight_steps", &super::STEP_KEY, &["steps", "seconds", "position_sum"], &deltas(steps)).await?;
    add_rows(conn, "insight_guide_runs", &super::RUN_KEY, &["runs"], &deltas(runs)).await?;
    for (session, tried) in &counted {
        let population = population_of(session.citizens(), fictitious);
        let contact = insight::session_contact(session);
        super::drill_row(conn, session, population, &contact, *tried).await?;
        super::note_reviews(conn, session).await?;
    }
    for citizen in &citizens {
        refresh_citizen(conn, *citizen).await?;
    }
    report.sessions = counted.len() as u64;
    let assessed: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM insight_citizens").fetch_one(&mut *conn).await?.try_get("n")?;
    report.citizens = u64::try_from(assessed).unwrap_or_default();
    Ok(())
}

/// What of a citizen's history tilbageløb is judged from.
struct Matter {
    at: i64,
    /// When the history learnt of it.
    recorded: i64,
    group: String,
    /// `Some((attempt id, KLE topic))` for a given-up attempt, `None` for an assisted contact.
    attempt: Option<(String, String)>,
}

fn matter(event: &ContactEvent, recorded: i64) -> Option<Matter> {
    let kle = event.kle.as_ref()?;
    let at = to_micros(event.occurred_at);
    let group = kle.group().to_owned();
    if event.channel == Channel::SelfService && event.abandoned {
        Some(Matter { at, recorded, group, attempt: Some((event.id.to_string(), kle.as_str().to_owned())) })
    } else if insight::is_assisted(event.channel) {
        Some(Matter { at, recorded, group, attempt: None })
    } else {
        None
    }
}

/// The attempts among one citizen's matters that an assisted contact followed within the window.
fn returns_of(matters: &[Matter]) -> Vec<(&str, i64, &str)> {
    let window = window();
    let mut marked = Vec::new();
    for m in matters {
        let Some((id, solution)) = &m.attempt else { continue };
        let followed =
            matters.iter().any(|h| h.attempt.is_none() && h.group == m.group && h.at >= m.at && h.at <= m.at + window);
        if followed {
            marked.push((id.as_str(), insight::day_number(insight::local_day(from_micros(m.at))), solution.as_str()));
        }
    }
    marked
}

async fn count_events(
    conn: &mut AnyConnection,
    fictitious: &HashSet<uuid::Uuid>,
    report: &mut RebuildReport,
) -> StoreResult<HashMap<uuid::Uuid, Vec<Matter>>> {
    let mut contacts = Sums::new();
    let mut matters: HashMap<uuid::Uuid, Vec<Matter>> = HashMap::new();
    {
        let select = format!("SELECT {EVENT_COLUMNS}, recorded_at FROM events");
        let mut rows = sqlx::query(&select).fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let event = event_from_row(&row)?;
            if let Some(m) = matter(&event, row.try_get("recorded_at")?) {
                matters.entry(event.citizen_id).or_default().push(m);
            }
            if event.source != SESSION_SOURCE {
                let population = population_of([event.citizen_id], fictitious);
                sum_into(&mut contacts, vec![contact_delta(population, &insight::event_contact(&event), 1, false)]);
                report.contacts += 1;
            }
        }
    }
    add_rows(conn, "insight_contacts", &CONTACT_KEY, &CONTACT_SUMS, &deltas(contacts)).await?;
    let mut returns = Sums::new();
    let mut marks = Vec::new();
    for (citizen, matters) in &matters {
        let population = population_of([*citizen], fictitious);
        for (attempt, day, solution) in returns_of(matters) {
            marks.push((attempt.to_owned(), population, day, solution.to_owned()));
            let key = vec![
                SortableParam::Text(population.code().to_owned()),
                SortableParam::Int(day),
                SortableParam::Text(solution.to_owned()),
            ];
            for total in returns.entry(key).or_insert_with(|| vec![0]) {
                *total += 1;
            }
        }
    }
    for (attempt, population, day, solution) in &marks {
        sqlx::query("INSERT INTO insight_return_marks (attempt_id, population, day, solution) VALUES ($1, $2, $3, $4)")
            .bind(attempt)
            .bind(population.code())
            .bind(*day)
            .bind(solution)
            .execute(&mut *conn)
            .await?;
    }
    add_rows(conn, "insight_returns", &["population", "day", "solution"], &["returns"], &deltas(returns)).await?;
    report.returns = marks.len() as u64;
    Ok(matters)
}
