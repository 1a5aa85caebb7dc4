//! Tilbageløb, kept on write: a given-up self-service attempt is marked once an assisted contact on the same KLE
//! group follows it within the window, whichever of the two is written first, and unmarked if a correction takes
//! that contact away. Each write re-judges only the attempts whose window it falls in.

use sqlx::{AnyConnection, Row};

use super::super::sql::{Param, Sql, starts_pattern};
use super::super::{StoreResult, from_micros, to_micros};
use super::citizen_population;
use crate::domain::Channel;
use crate::domain::failure::RETURN_WINDOW_DAYS;
use crate::domain::insight::{self, Population};

/// The window in microseconds.
fn window() -> i64 {
    RETURN_WINDOW_DAYS * 24 * 3600 * 1_000_000
}

/// The channels of an assisted contact, as stored.
fn assisted_codes() -> Vec<Param> {
    Channel::ALL.into_iter().filter(|c| insight::is_assisted(*c)).map(|c| Param::Text(c.code().to_owned())).collect()
}

/// Re-judges the citizen's given-up attempts on `group` (a KLE group, `23.05`) whose window holds a contact
/// written between `first` and `last`: those from a window before `first` up to `last`.
pub(in super::super) async fn refresh_returns(
    conn: &mut AnyConnection,
    citizen: uuid::Uuid,
    group: &str,
    (first, last): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
) -> StoreResult<()> {
    let mut sql = Sql::new("SELECT id, occurred_at, kle FROM events WHERE citizen_id = ");
    sql.bind(Param::Text(citizen.to_string()))
        .push(" AND occurred_at >= ")
        .bind(Param::Int(to_micros(first) - window()))
        .push(" AND occurred_at <= ")
        .bind(Param::Int(to_micros(last)))
        .push(" AND channel = ")
        .bind(Param::Text(Channel::SelfService.code().to_owned()))
        .push(" AND abandoned = 1 AND kle LIKE ")
        .bind(Param::Text(starts_pattern(group)))
        .push(" ESCAPE '\\'");
    let attempts = sql.query().fetch_all(&mut *conn).await?;
    if attempts.is_empty() {
        return Ok(());
    }
    let population = citizen_population(conn, citizen).await?;
    for row in &attempts {
        let id: String = row.try_get("id")?;
        let occurred_at: i64 = row.try_get("occurred_at")?;
        let solution: String = row.try_get("kle")?;
        let followed = followed_by_help(conn, citizen, group, occurred_at).await?;
        let day = insight::day_number(insight::local_day(from_micros(occurred_at)));
        mark(conn, &id, population, day, &solution, followed).await?;
    }
    Ok(())
}

/// Whether an assisted contact on `group` came in the window after `attempt_at`.
async fn followed_by_help(
    conn: &mut AnyConnection,
    citizen: uuid::Uuid,
    group: &str,
    attempt_at: i64,
) -> StoreResult<bool> {
    let mut sql = Sql::new("SELECT 1 AS found FROM events WHERE citizen_id = ");
    sql.bind(Param::Text(citizen.to_string()))
        .push(" AND occurred_at >= ")
        .bind(Param::Int(attempt_at))
        .push(" AND occurred_at <= ")
        .bind(Param::Int(attempt_at + window()))
        .push(" AND channel IN ")
        .bind_list(assisted_codes())
        .push(" AND kle LIKE ")
        .bind(Param::Text(starts_pattern(group)))
        .push(" ESCAPE '\\' LIMIT 1");
    Ok(sql.query().fetch_optional(&mut *conn).await?.is_some())
}

/// Sets an attempt's mark to `followed`, moving the count only when it changes.
async fn mark(
    conn: &mut AnyConnection,
    attempt: &str,
    population: Population,
    day: i64,
    solution: &str,
    followed: bool,
) -> StoreResult<()> {
    let changed = if followed {
        sqlx::query(
            "INSERT INTO insight_return_marks (attempt_id, population, day, solution) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (attempt_id) DO NOTHING",
        )
        .bind(attempt)
        .bind(population.code())
        .bind(day)
        .bind(solution)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    } else {
        sqlx::query("DELETE FROM insight_return_marks WHERE attempt_id = $1")
            .bind(attempt)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    };
    if changed == 0 {
        return Ok(());
    }
    let sign: i64 = if followed { 1 } else { -1 };
    sqlx::query(
        "INSERT INTO insight_returns (population, day, solution, returns) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (population, day, solution) DO UPDATE SET returns = insight_returns.returns + excluded.returns",
    )
    .bind(population.code())
    .bind(day)
    .bind(solution)
    .bind(sign)
    .execute(&mut *conn)
    .await?;
    if sign < 0 {
        sqlx::query("DELETE FROM insight_returns WHERE population = $1 AND day = $2 AND solution = $3 AND returns = 0")
            .bind(population.code())
            .bind(day)
            .bind(solution)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// KOMHEN's "did the citizen try online first?" for a session of `citizen`: a given-up self-service attempt on the
/// session's KLE group in the window before it began, that the history held when the session was received.
pub(in super::super) async fn tried_online_first(
    conn: &mut AnyConnection,
    citizen: Option<uuid::Uuid>,
    session: &crate::domain::AssistedSession,
    received: chrono::DateTime<chrono::Utc>,
) -> StoreResult<bool> {
    let (Some(citizen), Some(kle)) = (citizen, &session.kle) else { return Ok(false) };
    let start = to_micros(session.started_at);
    let mut sql = Sql::new("SELECT 1 AS found FROM events WHERE citizen_id = ");
    sql.bind(Param::Text(citizen.to_string()))
        .push(" AND occurred_at >= ")
        .bind(Param::Int(start - window()))
        .push(" AND occurred_at <= ")
        .bind(Param::Int(start))
        .push(" AND channel = ")
        .bind(Param::Text(Channel::SelfService.code().to_owned()))
        .push(" AND abandoned = 1 AND recorded_at <= ")
        .bind(Param::Int(to_micros(received)))
        .push(" AND kle LIKE ")
        .bind(Param::Text(starts_pattern(kle.group())))
        .push(" ESCAPE '\\' LIMIT 1");
    Ok(sql.query().fetch_optional(&mut *conn).await?.is_some())
}
