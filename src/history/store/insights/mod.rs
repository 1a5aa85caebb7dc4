//! The insight rollups, kept in the same transaction as the write that changes them: a session adds its contact,
//! its guide steps and runs, its drill-down row; a corrected session takes its old rows away first; a reported
//! contact adds its contact. What a row counts is derived in `domain::insight`; here rows are only added to and
//! taken from. Tilbageløb and the per-citizen readiness are recomputed for the few rows a write can change.

mod komhen;
mod read;
mod rebuild;
mod returns;

use std::collections::BTreeMap;

use sqlx::AnyConnection;
use sqlx::Row;

use super::sql::{Param, Sql};
use super::{StoreResult, parse_json, to_micros};
use crate::domain::insight::{self, ContactCount, Population};
use crate::domain::{AssistedSession, ContactEvent};

pub use read::{ContactGroup, Drill, FailureGroup, InsightQuery, Period};
pub use rebuild::RebuildReport;
pub(super) use returns::{refresh_returns, tried_online_first};

/// Columns of the contact rollup that make its key.
const CONTACT_KEY: [&str; 11] =
    ["population", "day", "site", "channel", "kle", "kind", "closing", "failure", "origin", "completion", "solution"];
const STEP_KEY: [&str; 10] =
    ["population", "guide", "version", "step", "day", "site", "performer", "step_end", "reason", "bucket"];
const RUN_KEY: [&str; 6] = ["population", "guide", "version", "day", "site", "outcome"];

/// A rollup row: its key's values and what it adds to each summed column.
struct Delta {
    key: Vec<Param>,
    sums: Vec<i64>,
}

/// Adds rows to `table`, summing into rows with the same key. Rows a subtraction leaves at zero are removed, so
/// the table always equals a recount.
async fn add_rows(
    conn: &mut AnyConnection,
    table: &str,
    key: &[&str],
    sums: &[&str],
    rows: &[Delta],
) -> StoreResult<()> {
    // A bounded number of rows per statement keeps within both databases' parameter limits.
    for chunk in rows.chunks(200) {
        let columns: Vec<&str> = key.iter().chain(sums).copied().collect();
        let mut sql = Sql::new(&format!("INSERT INTO {table} ({}) VALUES ", columns.join(", ")));
        for (index, row) in chunk.iter().enumerate() {
            if index > 0 {
                sql.push(", ");
            }
            sql.bind_list(row.key.iter().cloned().chain(row.sums.iter().map(|s| Param::Int(*s))));
        }
        let set: Vec<String> = sums.iter().map(|s| format!("{s} = {table}.{s} + excluded.{s}")).collect();
        sql.push(&format!(" ON CONFLICT ({}) DO UPDATE SET {}", key.join(", "), set.join(", ")));
        sql.query().execute(&mut *conn).await?;
    }
    for row in rows.iter().filter(|row| row.sums[0] < 0) {
        let mut sql = Sql::new(&format!("DELETE FROM {table} WHERE {} = 0", sums[0]));
        for (column, value) in key.iter().zip(&row.key) {
            sql.push(&format!(" AND {column} = ")).bind(value.clone());
        }
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

fn text(value: &str) -> Param {
    Param::Text(value.to_owned())
}

/// What the contact rollup sums.
const CONTACT_SUMS: [&str; 4] = ["contacts", "seconds", "could_online", "tried_online"];

/// A contact's row; `tried` when the citizen had given up on a self-service attempt on the matter just before.
fn contact_delta(population: Population, count: &ContactCount, sign: i64, tried: bool) -> Delta {
    let k = &count.key;
    Delta {
        key: vec![
            text(population.code()),
            Param::Int(k.day),
            text(&k.site),
            text(&k.channel),
            text(&k.kle),
            text(&k.kind),
            text(&k.closing),
            text(&k.failure),
            text(&k.origin),
            text(&k.completion),
            text(&k.solution),
        ],
        sums: vec![sign, sign * count.seconds, sign * i64::from(count.could_online), sign * i64::from(tried)],
    }
}

/// A session's step and run rows, with equal keys summed first: one statement may not touch a row twice.
fn guide_deltas(population: Population, session: &AssistedSession, sign: i64) -> (Vec<Delta>, Vec<Delta>) {
    let mut steps: BTreeMap<insight::StepKey, [i64; 3]> = BTreeMap::new();
    for count in insight::session_steps(session) {
        let sums = steps.entry(count.key).or_default();
        sums[0] += sign;
        sums[1] += sign * count.seconds;
        sums[2] += sign * count.position;
    }
    let steps = steps
        .into_iter()
        .map(|(k, sums)| Delta {
            key: vec![
                text(population.code()),
                text(&k.guide),
                Param::Int(k.version),
                text(&k.step),
                Param::Int(k.day),
                text(&k.site),
                text(&k.performer),
                text(&k.end),
                text(&k.reason),
                Param::Int(k.bucket),
            ],
            sums: sums.to_vec(),
        })
        .collect();
    let day = insight::day_number(insight::local_day(session.started_at));
    let mut runs: BTreeMap<(String, i64, String), i64> = BTreeMap::new();
    for run in &session.guides {
        let outcome = run.outcome.map(outcome_code).unwrap_or_default();
        *runs.entry((run.guide.clone(), i64::from(run.guide_version), outcome.to_owned())).or_default() += sign;
    }
    let runs = runs
        .into_iter()
        .map(|((guide, version, outcome), runs)| Delta {
            key: vec![
                text(population.code()),
                text(&guide),
                Param::Int(version),
                Param::Int(day),
                text(&session.site),
                text(&outcome),
            ],
            sums: vec![runs],
        })
        .collect();
    (steps, runs)
}

/// The wire code of an outcome (`follow_up_booked`).
pub(crate) fn outcome_code(outcome: crate::domain::Outcome) -> &'static str {
    use crate::domain::Outcome;
    match outcome {
        Outcome::Completed => "completed",
        Outcome::HandedOver => "handed_over",
        Outcome::Referred => "referred",
        Outcome::FollowUpBooked => "follow_up_booked",
        Outcome::NotPossibleToday => "not_possible_today",
        Outcome::Abandoned => "abandoned",
    }
}

/// Whose contacts a session counts among, or `None` when it is not counted: logged by a trainer.
pub(super) async fn session_population(
    conn: &mut AnyConnection,
    session: &AssistedSession,
) -> StoreResult<Option<Population>> {
    let role: Option<String> = sqlx::query("SELECT role FROM staff WHERE id = $1")
        .bind(session.staff_id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| row.try_get("role"))
        .transpose()?;
    if role.as_deref() == Some("trainer") {
        return Ok(None);
    }
    for citizen in session.citizens() {
        if citizen_population(conn, citizen).await? == Population::Fictitious {
            return Ok(Some(Population::Fictitious));
        }
    }
    Ok(Some(Population::Real))
}

/// A citizen's population; an unknown citizen counts as real (writes name only stored citizens).
pub(super) async fn citizen_population(conn: &mut AnyConnection, citizen: uuid::Uuid) -> StoreResult<Population> {
    let fictitious: Option<i64> = sqlx::query("SELECT fictitious FROM citizens WHERE id = $1")
        .bind(citizen.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| row.try_get("fictitious"))
        .transpose()?;
    Ok(if fictitious.unwrap_or(0) != 0 { Population::Fictitious } else { Population::Real })
}

/// Keeps the latest review date a session reported for each guide version it walked.
async fn note_reviews(conn: &mut AnyConnection, session: &AssistedSession) -> StoreResult<()> {
    for run in &session.guides {
        let Some(reviewed) = run.reviewed else { continue };
        sqlx::query(
            "INSERT INTO guide_reviews (guide, version, reviewed) VALUES ($1, $2, $3) ON CONFLICT (guide, version) \
             DO UPDATE SET reviewed = CASE WHEN excluded.reviewed > guide_reviews.reviewed THEN excluded.reviewed \
             ELSE guide_reviews.reviewed END",
        )
        .bind(&run.guide)
        .bind(i64::from(run.guide_version))
        .bind(reviewed.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Adds (`sign` 1) or takes away (`sign` -1) everything a session counts for.
pub(super) async fn count_session(
    conn: &mut AnyConnection,
    session: &AssistedSession,
    population: Population,
    (sign, tried): (i64, bool),
) -> StoreResult<()> {
    let contact = insight::session_contact(session);
    add_rows(
        conn,
        "insight_contacts",
        &CONTACT_KEY,
        &CONTACT_SUMS,
        &[contact_delta(population, &contact, sign, tried)],
    )
    .await?;
    let (steps, runs) = guide_deltas(population, session, sign);
    add_rows(conn, "insight_steps", &STEP_KEY, &["steps", "seconds", "position_sum"], &steps).await?;
    add_rows(conn, "insight_guide_runs", &RUN_KEY, &["runs"], &runs).await?;
    if sign > 0 {
        drill_row(conn, session, population, &contact, tried).await?;
        note_reviews(conn, session).await?;
    } else {
        sqlx::query("DELETE FROM insight_sessions WHERE session_id = $1")
            .bind(session.id.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn drill_row(
    conn: &mut AnyConnection,
    session: &AssistedSession,
    population: Population,
    contact: &ContactCount,
    tried: bool,
) -> StoreResult<()> {
    let k = &contact.key;
    let could = session.could_self_serve.map_or("", |could| if could { "yes" } else { "no" });
    sqlx::query(
        "INSERT INTO insight_sessions (session_id, population, started_at, site, channel, kle, kind, closing, failure, \
         outcome, guide, seconds, could_online, tried_online) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(session.id.to_string())
    .bind(population.code())
    .bind(to_micros(session.started_at))
    .bind(&k.site)
    .bind(&k.channel)
    .bind(&k.kle)
    .bind(&k.kind)
    .bind(&k.closing)
    .bind(&k.failure)
    .bind(outcome_code(session.outcome))
    .bind(&k.solution)
    .bind(contact.seconds)
    .bind(could)
    .bind(i64::from(tried))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds what a contact a channel system reported counts for.
pub(super) async fn count_event(
    conn: &mut AnyConnection,
    event: &ContactEvent,
    population: Population,
) -> StoreResult<()> {
    let contact = insight::event_contact(event);
    add_rows(conn, "insight_contacts", &CONTACT_KEY, &CONTACT_SUMS, &[contact_delta(population, &contact, 1, false)])
        .await
}

/// Adds what many reported contacts count for at once (a bulk load): equal keys summed first, and tilbageløb
/// re-judged once per citizen and KLE group over the span of their new contacts.
pub(super) async fn count_events(conn: &mut AnyConnection, events: &[(ContactEvent, Population)]) -> StoreResult<()> {
    use crate::history::api::SESSION_SOURCE;
    let mut sums: BTreeMap<(Population, insight::ContactKey), [i64; 2]> = BTreeMap::new();
    let mut spans: BTreeMap<(uuid::Uuid, String), (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> =
        BTreeMap::new();
    for (event, population) in events {
        if event.source != SESSION_SOURCE {
            let count = insight::event_contact(event);
            let sum = sums.entry((*population, count.key)).or_default();
            sum[0] += 1;
            sum[1] += count.seconds;
        }
        if let Some(kle) = event.kle.as_ref().filter(|_| super::events::may_return(event)) {
            let span = spans
                .entry((event.citizen_id, kle.group().to_owned()))
                .or_insert((event.occurred_at, event.occurred_at));
            span.0 = span.0.min(event.occurred_at);
            span.1 = span.1.max(event.occurred_at);
        }
    }
    let deltas: Vec<Delta> = sums
        .into_iter()
        .map(|((population, key), [n, seconds])| {
            let mut delta = contact_delta(population, &ContactCount { key, seconds, could_online: false }, 1, false);
            delta.sums = vec![n, seconds, 0, 0];
            delta
        })
        .collect();
    add_rows(conn, "insight_contacts", &CONTACT_KEY, &CONTACT_SUMS, &deltas).await?;
    for ((citizen, group), span) in spans {
        refresh_returns(conn, citizen, &group, span).await?;
    }
    Ok(())
}

/// Recomputes one citizen's readiness row from their counted sessions: how much they did alone in the first
/// and the latest session that said who did each step.
pub(super) async fn refresh_citizen(conn: &mut AnyConnection, citizen: uuid::Uuid) -> StoreResult<()> {
    let rows = sqlx::query(
        "SELECT s.body FROM sessions s LEFT JOIN staff st ON st.id = s.staff_id \
         WHERE s.citizen_id = $1 AND (st.role IS NULL OR st.role <> 'trainer')",
    )
    .bind(citizen.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut assessed = Vec::new();
    for row in &rows {
        let session: AssistedSession = parse_json(&row.try_get::<String, _>("body")?, "session")?;
        let (alone, steps) = insight::readiness_steps(&session);
        if steps > 0 {
            assessed.push((to_micros(session.started_at), session.id, alone, steps, session.site));
        }
    }
    sqlx::query("DELETE FROM insight_citizens WHERE citizen_id = $1")
        .bind(citizen.to_string())
        .execute(&mut *conn)
        .await?;
    assessed.sort_by_key(|(at, id, ..)| (*at, *id));
    let (Some(first), Some(latest)) = (assessed.first(), assessed.last()) else { return Ok(()) };
    let population = citizen_population(conn, citizen).await?;
    sqlx::query(
        "INSERT INTO insight_citizens (citizen_id, population, sessions, first_at, first_alone, first_steps, latest_at, \
         latest_alone, latest_steps, latest_site) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(citizen.to_string())
    .bind(population.code())
    .bind(i64::try_from(assessed.len()).unwrap_or(i64::MAX))
    .bind(first.0)
    .bind(first.2)
    .bind(first.3)
    .bind(latest.0)
    .bind(latest.2)
    .bind(latest.3)
    .bind(&latest.4)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
