//! Reading the rollups: every insight is a grouped sum over pre-aggregated rows of one period, never a scan of
//! sessions or events. Weeks and months are folded from days here, the same way on both databases.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::super::sql::{Param, Sql, starts_pattern};
use super::super::{Store, StoreResult, from_micros, parse_uuid};
use crate::domain::insight::{self, Completion, Population, SECONDS_BUCKETS};
use crate::history::api::insights::{
    ChannelShiftRow, ContactInsightRow, DrillPage, DrillRow, FailureRow, FunnelStep, FunnelVersion, ReadinessMove,
    ReadinessRow, ReturnRow,
};

/// A period of Copenhagen days, both included, and the filters the workspace combines.
#[derive(Clone, Debug)]
pub struct InsightQuery {
    pub population: Population,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub site: Option<String>,
    pub channel: Option<String>,
    pub kle_group: Option<String>,
}

/// What contact counts can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContactGroup {
    Site,
    Channel,
    Kle,
    KleGroup,
    Type,
    Closing,
    Failure,
    Week,
    Month,
}

impl ContactGroup {
    pub const ALL: [Self; 9] = [
        Self::Site,
        Self::Channel,
        Self::Kle,
        Self::KleGroup,
        Self::Type,
        Self::Closing,
        Self::Failure,
        Self::Week,
        Self::Month,
    ];

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Site => "site",
            Self::Channel => "channel",
            Self::Kle => "kle",
            Self::KleGroup => "kle_group",
            Self::Type => "type",
            Self::Closing => "closing",
            Self::Failure => "failure",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The rollup column read for this key; weeks and months are read as days.
    fn column(self) -> &'static str {
        match self {
            Self::Site => "site",
            Self::Channel => "channel",
            Self::Kle | Self::KleGroup => "kle",
            Self::Type => "kind",
            Self::Closing => "closing",
            Self::Failure => "failure",
            Self::Week | Self::Month => "day",
        }
    }
}

/// Week or month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
}

impl Period {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The period a day falls in: `2026-W05` or `2026-05`.
    #[must_use]
    pub fn label(self, day: NaiveDate) -> String {
        match self {
            Self::Week => {
                let week = day.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Self::Month => format!("{}-{:02}", day.year(), day.month()),
        }
    }
}

/// What failure demand can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureGroup {
    Kle,
    Solution,
    Reason,
    Site,
}

impl FailureGroup {
    fn column(self) -> &'static str {
        match self {
            Self::Kle => "kle",
            Self::Solution => "solution",
            Self::Reason => "failure",
            Self::Site => "site",
        }
    }
}

/// `part` of `whole` in per cent, to one decimal.
#[allow(clippy::cast_precision_loss)] // counts stay far below 2^52
fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// Seconds as minutes, to one decimal.
#[allow(clippy::cast_precision_loss)] // a session's seconds stay far below 2^52
fn minutes(seconds: i64) -> f64 {
    (seconds as f64 / 6.0).round() / 10.0
}

/// A step's counts so far, the sum of its places on the path, and its seconds buckets.
type StepTally = (FunnelStep, i64, BTreeMap<i64, i64>);

impl InsightQuery {
    /// `WHERE` over a day-keyed rollup: population, period and the filters that table has.
    fn filter(&self, sql: &mut Sql, has_channel: bool) {
        self.filter_days(sql, has_channel, "day");
    }

    /// [`InsightQuery::filter`] with the day column written as `day`, or as `+day` where the rows are better found
    /// by a key that leads with something else (a guide's steps): the plus keeps SQLite from ranging over an index
    /// on the day instead, and means nothing to PostgreSQL.
    fn filter_days(&self, sql: &mut Sql, has_channel: bool, day: &str) {
        sql.push(" WHERE population = ")
            .bind(Param::Text(self.population.code().to_owned()))
            .push(&format!(" AND {day} >= "))
            .bind(Param::Int(insight::day_number(self.from)))
            .push(&format!(" AND {day} <= "))
            .bind(Param::Int(insight::day_number(self.to)));
        if let Some(site) = &self.site {
            sql.push(" AND site = ").bind(Param::Text(site.clone()));
        }
        if has_channel {
            if let Some(channel) = &self.channel {
                sql.push(" AND channel = ").bind(Param::Text(channel.clone()));
            }
            if let Some(group) = &self.kle_group {
                sql.push(" AND kle LIKE ").bind(Param::Text(starts_pattern(group))).push(" ESCAPE '\\'");
            }
        }
    }
}

fn day_of(row: &AnyRow) -> StoreResult<NaiveDate> {
    Ok(insight::day_of_number(row.try_get("day")?))
}

impl Store {
    /// Contact counts grouped by `groups`, ordered by those keys.
    pub async fn insight_contacts(
        &self,
        query: &InsightQuery,
        groups: &[ContactGroup],
    ) -> StoreResult<Vec<ContactInsightRow>> {
        let mut columns: Vec<&str> = groups.iter().map(|g| g.column()).collect();
        columns.sort_unstable();
        columns.dedup();
        let select = if columns.is_empty() { String::new() } else { format!("{}, ", columns.join(", ")) };
        let mut sql = Sql::new(&format!(
            // Without groups an empty period is one row of sums over nothing: NULL, read as 0.
            "SELECT {select}CAST(COALESCE(SUM(contacts), 0) AS BIGINT) AS n, \
             CAST(COALESCE(SUM(CASE WHEN closing = 'STRAKS' THEN contacts ELSE 0 END), 0) AS BIGINT) AS straks, \
             CAST(COALESCE(SUM(seconds), 0) AS BIGINT) AS seconds, CAST(COALESCE(SUM(could_online), 0) AS BIGINT) AS could, \
             CAST(COALESCE(SUM(tried_online), 0) AS BIGINT) AS tried FROM insight_contacts"
        ));
        query.filter(&mut sql, true);
        if !columns.is_empty() {
            sql.push(&format!(" GROUP BY {}", columns.join(", ")));
        }
        let rows = sql.query().fetch_all(self.pool()).await?;
        let mut folded: BTreeMap<Vec<String>, ContactInsightRow> = BTreeMap::new();
        for row in &rows {
            let mut out = ContactInsightRow::default();
            for group in groups {
                let value = match group {
                    ContactGroup::Week => Period::Week.label(day_of(row)?),
                    ContactGroup::Month => Period::Month.label(day_of(row)?),
                    ContactGroup::KleGroup => row.try_get::<String, _>("kle")?.chars().take(5).collect(),
                    other => row.try_get::<String, _>(other.column())?,
                };
                let slot = match group {
                    ContactGroup::Site => &mut out.site,
                    ContactGroup::Channel => &mut out.channel,
                    ContactGroup::Kle => &mut out.kle,
                    ContactGroup::KleGroup => &mut out.kle_group,
                    ContactGroup::Type => &mut out.kind,
                    ContactGroup::Closing => &mut out.closing,
                    ContactGroup::Failure => &mut out.failure,
                    ContactGroup::Week => &mut out.week,
                    ContactGroup::Month => &mut out.month,
                };
                *slot = Some(value);
            }
            let key = groups
                .iter()
                .map(|g| match g {
                    ContactGroup::Site => out.site.clone(),
                    ContactGroup::Channel => out.channel.clone(),
                    ContactGroup::Kle => out.kle.clone(),
                    ContactGroup::KleGroup => out.kle_group.clone(),
                    ContactGroup::Type => out.kind.clone(),
                    ContactGroup::Closing => out.closing.clone(),
                    ContactGroup::Failure => out.failure.clone(),
                    ContactGroup::Week => out.week.clone(),
                    ContactGroup::Month => out.month.clone(),
                })
                .map(Option::unwrap_or_default)
                .collect();
            let entry = folded.entry(key).or_insert(out);
            entry.count += row.try_get::<i64, _>("n")?;
            entry.straks += row.try_get::<i64, _>("straks")?;
            entry.duration_seconds += row.try_get::<i64, _>("seconds")?;
            entry.could_self_serve += row.try_get::<i64, _>("could")?;
            entry.tried_online_first += row.try_get::<i64, _>("tried")?;
        }
        Ok(folded.into_values().filter(|row| row.count != 0).collect())
    }

    /// Completed transactions per period, and how many of them were digital.
    pub async fn channel_shift(&self, query: &InsightQuery, period: Period) -> StoreResult<Vec<ChannelShiftRow>> {
        let mut sql = Sql::new("SELECT day, completion, CAST(SUM(contacts) AS BIGINT) AS n FROM insight_contacts");
        query.filter(&mut sql, true);
        sql.push(" AND completion <> '' GROUP BY day, completion");
        let mut periods: BTreeMap<String, ChannelShiftRow> = BTreeMap::new();
        for row in sql.query().fetch_all(self.pool()).await? {
            let label = period.label(day_of(&row)?);
            let n: i64 = row.try_get("n")?;
            let entry = periods.entry(label.clone()).or_insert_with(|| ChannelShiftRow {
                period: label,
                digital: 0,
                assisted_digital: 0,
                completed: 0,
                take_up_percent: None,
            });
            match Completion::from_code(&row.try_get::<String, _>("completion")?) {
                Some(Completion::Digital) => entry.digital += n,
                Some(Completion::AssistedDigital) => entry.assisted_digital += n,
                _ => {}
            }
            entry.completed += n;
        }
        Ok(periods
            .into_values()
            .map(|row| ChannelShiftRow {
                take_up_percent: percent(row.digital + row.assisted_digital, row.completed),
                ..row
            })
            .collect())
    }

    /// Who did the guide steps per period, and whether repeat visitors came to do more alone.
    pub async fn readiness(
        &self,
        query: &InsightQuery,
        period: Period,
    ) -> StoreResult<(Vec<ReadinessRow>, ReadinessMove)> {
        let mut sql = Sql::new("SELECT day, performer, CAST(SUM(steps) AS BIGINT) AS n FROM insight_steps");
        query.filter(&mut sql, false);
        sql.push(" AND performer <> '' GROUP BY day, performer");
        let mut periods: BTreeMap<String, ReadinessRow> = BTreeMap::new();
        for row in sql.query().fetch_all(self.pool()).await? {
            let label = period.label(day_of(&row)?);
            let n: i64 = row.try_get("n")?;
            let entry = periods.entry(label.clone()).or_insert_with(|| ReadinessRow {
                period: label,
                citizen_alone: 0,
                citizen_with_guidance: 0,
                staff_on_behalf: 0,
                alone_percent: None,
            });
            match row.try_get::<String, _>("performer")?.as_str() {
                "citizen_alone" => entry.citizen_alone += n,
                "citizen_with_guidance" => entry.citizen_with_guidance += n,
                _ => entry.staff_on_behalf += n,
            }
        }
        let rows = periods
            .into_values()
            .map(|r| {
                let all = r.citizen_alone + r.citizen_with_guidance + r.staff_on_behalf;
                ReadinessRow { alone_percent: percent(r.citizen_alone, all), ..r }
            })
            .collect();
        Ok((rows, self.repeat_visitors(query).await?))
    }

    async fn repeat_visitors(&self, query: &InsightQuery) -> StoreResult<ReadinessMove> {
        let start = super::super::to_micros(crate::domain::insight::day_start(query.from));
        let end = super::super::to_micros(crate::domain::insight::day_start(query.to + chrono::Duration::days(1)));
        let mut sql = Sql::new(
            "SELECT COUNT(*) AS citizens, CAST(SUM(first_alone) AS BIGINT) AS fa, CAST(SUM(first_steps) AS BIGINT) AS fs, CAST(SUM(latest_alone) AS BIGINT) AS la, \
             CAST(SUM(latest_steps) AS BIGINT) AS ls, \
             CAST(SUM(CASE WHEN latest_alone * first_steps > first_alone * latest_steps THEN 1 ELSE 0 END) AS BIGINT) AS more, \
             CAST(SUM(CASE WHEN latest_alone * first_steps < first_alone * latest_steps THEN 1 ELSE 0 END) AS BIGINT) AS less \
             FROM insight_citizens WHERE sessions >= 2 AND population = ",
        );
        sql.bind(Param::Text(query.population.code().to_owned()))
            .push(" AND latest_at >= ")
            .bind(Param::Int(start))
            .push(" AND latest_at < ")
            .bind(Param::Int(end));
        if let Some(site) = &query.site {
            sql.push(" AND latest_site = ").bind(Param::Text(site.clone()));
        }
        let row = sql.query().fetch_one(self.pool()).await?;
        let sum = |name: &str| -> StoreResult<i64> { Ok(row.try_get::<Option<i64>, _>(name)?.unwrap_or(0)) };
        let citizens = sum("citizens")?;
        let (more, less) = (sum("more")?, sum("less")?);
        Ok(ReadinessMove {
            citizens,
            first_alone_percent: percent(sum("fa")?, sum("fs")?),
            latest_alone_percent: percent(sum("la")?, sum("ls")?),
            more_alone: more,
            same: citizens - more - less,
            less_alone: less,
        })
    }

    /// All contacts, failure-demand contacts grouped by `by`, and tilbageløb per solution.
    pub async fn failure_demand(
        &self,
        query: &InsightQuery,
        by: FailureGroup,
    ) -> StoreResult<(i64, Vec<FailureRow>, Vec<ReturnRow>)> {
        let mut total = Sql::new("SELECT CAST(SUM(contacts) AS BIGINT) AS n FROM insight_contacts");
        query.filter(&mut total, true);
        let contacts = total.query().fetch_one(self.pool()).await?.try_get::<Option<i64>, _>("n")?.unwrap_or(0);
        let column = by.column();
        let mut sql =
            Sql::new(&format!("SELECT {column} AS k, CAST(SUM(contacts) AS BIGINT) AS n FROM insight_contacts"));
        query.filter(&mut sql, true);
        sql.push(&format!(" AND failure <> '' GROUP BY {column}"));
        let mut rows = Vec::new();
        for row in sql.query().fetch_all(self.pool()).await? {
            let count: i64 = row.try_get("n")?;
            rows.push(FailureRow {
                key: row.try_get("k")?,
                count,
                share_percent: percent(count, contacts).unwrap_or(0.0),
            });
        }
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        let mut sql = Sql::new("SELECT solution, CAST(SUM(returns) AS BIGINT) AS n FROM insight_returns");
        sql.push(" WHERE population = ")
            .bind(Param::Text(query.population.code().to_owned()))
            .push(" AND day >= ")
            .bind(Param::Int(insight::day_number(query.from)))
            .push(" AND day <= ")
            .bind(Param::Int(insight::day_number(query.to)));
        if let Some(group) = &query.kle_group {
            sql.push(" AND solution LIKE ").bind(Param::Text(starts_pattern(group))).push(" ESCAPE '\\'");
        }
        sql.push(" GROUP BY solution");
        let mut returns = Vec::new();
        for row in sql.query().fetch_all(self.pool()).await? {
            returns.push(ReturnRow { solution: row.try_get("solution")?, returns: row.try_get("n")? });
        }
        returns.sort_by(|a, b| b.returns.cmp(&a.returns).then_with(|| a.solution.cmp(&b.solution)));
        Ok((contacts, rows, returns))
    }

    /// Each version's steps of one guide: reached, how each ended, median seconds; and its runs.
    pub async fn funnel(&self, query: &InsightQuery, guide: &str) -> StoreResult<Vec<FunnelVersion>> {
        let mut sql = Sql::new(
            "SELECT version, step, step_end, reason, bucket, CAST(SUM(steps) AS BIGINT) AS n, CAST(SUM(position_sum) AS BIGINT) AS p FROM insight_steps",
        );
        query.filter_days(&mut sql, false, "+day");
        sql.push(" AND guide = ").bind(Param::Text(guide.to_owned()));
        sql.push(" GROUP BY version, step, step_end, reason, bucket");
        let mut versions: BTreeMap<i64, BTreeMap<String, StepTally>> = BTreeMap::new();
        for row in sql.query().fetch_all(self.pool()).await? {
            let step: String = row.try_get("step")?;
            let n: i64 = row.try_get("n")?;
            let entry = versions.entry(row.try_get("version")?).or_default().entry(step.clone()).or_insert_with(|| {
                (
                    FunnelStep {
                        step,
                        reached: 0,
                        completed: 0,
                        skipped: 0,
                        skip_reasons: BTreeMap::new(),
                        failed: 0,
                        exited: 0,
                        median_seconds: None,
                    },
                    0,
                    BTreeMap::new(),
                )
            });
            entry.0.reached += n;
            entry.1 += row.try_get::<i64, _>("p")?;
            *entry.2.entry(row.try_get("bucket")?).or_default() += n;
            match row.try_get::<String, _>("step_end")?.as_str() {
                "completed" => entry.0.completed += n,
                "skipped" => {
                    entry.0.skipped += n;
                    *entry.0.skip_reasons.entry(row.try_get("reason")?).or_default() += n;
                }
                "failed" => entry.0.failed += n,
                _ => entry.0.exited += n,
            }
        }
        let runs = self.guide_runs(query, guide).await?;
        let reviews = self.guide_reviews(guide).await?;
        Ok(versions
            .into_iter()
            .map(|(version, steps)| {
                let mut steps: Vec<_> = steps.into_values().collect();
                // The usual order: by the average place on the path.
                steps.sort_by(|a, b| {
                    (a.1 * b.0.reached).cmp(&(b.1 * a.0.reached)).then_with(|| a.0.step.cmp(&b.0.step))
                });
                let (all, completed) = runs.get(&version).copied().unwrap_or_default();
                FunnelVersion {
                    version,
                    runs: all,
                    completed_runs: completed,
                    completion_percent: percent(completed, all),
                    reviewed: reviews.get(&version).copied(),
                    stale: false,
                    steps: steps
                        .into_iter()
                        .map(|(step, _, buckets)| FunnelStep { median_seconds: median(&buckets), ..step })
                        .collect(),
                }
            })
            .collect())
    }

    /// Each version's latest review date.
    async fn guide_reviews(&self, guide: &str) -> StoreResult<BTreeMap<i64, NaiveDate>> {
        let rows = sqlx::query("SELECT version, reviewed FROM guide_reviews WHERE guide = $1")
            .bind(guide)
            .fetch_all(self.pool())
            .await?;
        let mut reviews = BTreeMap::new();
        for row in rows {
            let text: String = row.try_get("reviewed")?;
            let day = text
                .parse()
                .map_err(|_| super::super::StoreError::Corrupt { what: "guide review date", detail: text.clone() })?;
            reviews.insert(row.try_get("version")?, day);
        }
        Ok(reviews)
    }

    async fn guide_runs(&self, query: &InsightQuery, guide: &str) -> StoreResult<BTreeMap<i64, (i64, i64)>> {
        let mut sql = Sql::new("SELECT version, outcome, CAST(SUM(runs) AS BIGINT) AS n FROM insight_guide_runs");
        query.filter(&mut sql, false);
        sql.push(" AND guide = ").bind(Param::Text(guide.to_owned())).push(" GROUP BY version, outcome");
        let mut runs: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for row in sql.query().fetch_all(self.pool()).await? {
            let n: i64 = row.try_get("n")?;
            let entry = runs.entry(row.try_get("version")?).or_default();
            entry.0 += n;
            if row.try_get::<String, _>("outcome")? == "completed" {
                entry.1 += n;
            }
        }
        Ok(runs)
    }

    /// One page of the sessions behind a chart, newest first.
    pub async fn drill_sessions(&self, query: &InsightQuery, drill: &Drill, limit: u32) -> StoreResult<DrillPage> {
        let start = super::super::to_micros(insight::day_start(query.from));
        let end = super::super::to_micros(insight::day_start(query.to + chrono::Duration::days(1)));
        let mut sql = Sql::new(
            "SELECT session_id, started_at, site, channel, kle, kind, outcome, failure, guide, seconds, could_online, \
             tried_online \
             FROM insight_sessions WHERE population = ",
        );
        sql.bind(Param::Text(query.population.code().to_owned()))
            .push(" AND started_at >= ")
            .bind(Param::Int(start))
            .push(" AND started_at < ")
            .bind(Param::Int(end));
        for (column, value) in
            [("site", &query.site), ("channel", &query.channel), ("kind", &drill.kind), ("guide", &drill.guide)]
        {
            if let Some(value) = value {
                sql.push(&format!(" AND {column} = ")).bind(Param::Text(value.clone()));
            }
        }
        if let Some(group) = &query.kle_group {
            sql.push(" AND kle LIKE ").bind(Param::Text(starts_pattern(group))).push(" ESCAPE '\\'");
        }
        match drill.failure.as_deref() {
            Some("any") => {
                sql.push(" AND failure <> ''");
            }
            Some(reason) => {
                sql.push(" AND failure = ").bind(Param::Text(reason.to_owned()));
            }
            None => {}
        }
        if let Some((at, id)) = &drill.after {
            sql.push(" AND (started_at < ")
                .bind(Param::Int(*at))
                .push(" OR (started_at = ")
                .bind(Param::Int(*at))
                .push(" AND session_id < ")
                .bind(Param::Text(id.clone()))
                .push("))");
        }
        sql.push(" ORDER BY started_at DESC, session_id DESC LIMIT ").bind(Param::Int(i64::from(limit) + 1));
        let rows = sql.query().fetch_all(self.pool()).await?;
        let mut page = Vec::with_capacity(rows.len());
        for row in rows.iter().take(limit as usize) {
            let seconds: i64 = row.try_get("seconds")?;
            page.push(DrillRow {
                id: parse_uuid(&row.try_get::<String, _>("session_id")?, "session id")?,
                started_at: from_micros(row.try_get("started_at")?),
                site: row.try_get("site")?,
                channel: row.try_get("channel")?,
                kle: row.try_get("kle")?,
                kind: row.try_get("kind")?,
                outcome: row.try_get("outcome")?,
                failure: row.try_get("failure")?,
                guide: row.try_get("guide")?,
                minutes: minutes(seconds),
                could_self_serve: match row.try_get::<String, _>("could_online")?.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                tried_online_first: row.try_get::<i64, _>("tried_online")? != 0,
            });
        }
        let next = (rows.len() > limit as usize)
            .then(|| page.last().map(|last| format!("{}_{}", super::super::to_micros(last.started_at), last.id)))
            .flatten();
        Ok(DrillPage { rows: page, next })
    }
}

/// The drill-down's filters beyond the common ones.
#[derive(Clone, Debug, Default)]
pub struct Drill {
    pub kind: Option<String>,
    /// A reason code, or `any`.
    pub failure: Option<String>,
    pub guide: Option<String>,
    /// The last row of the previous page: its start in microseconds and its id.
    pub after: Option<(i64, String)>,
}

/// The median read from bucket counts: the upper bound of the bucket the middle step falls in (the last, open
/// bucket reads as its lower bound).
fn median(buckets: &BTreeMap<i64, i64>) -> Option<i64> {
    let total: i64 = buckets.values().sum();
    if total <= 0 {
        return None;
    }
    let mut seen = 0;
    for (bound, n) in buckets {
        seen += n;
        if seen * 2 >= total {
            let open = *bound == i64::MAX;
            return Some(if open { SECONDS_BUCKETS[SECONDS_BUCKETS.len() - 2] } else { *bound });
        }
    }
    None
}
