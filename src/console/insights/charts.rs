//! Each chart's table, built from what the service answered: the view draws a plot and the table from the same
//! rows, and the export writes them, so what is saved is what is on screen. A screen reader reads the table; the
//! plot is for the eye, and every series is named in its legend and its column, never told by colour alone.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Weekday};

use super::text::InsightsText;
use super::{DrillTarget, InsightsState};
use crate::domain::{Channel, FailureReason, KleCatalog, Language};
use crate::history::api::insights::{ChannelShift, ContactInsights, FailureDemand, Funnel, Readiness};

/// How a table's numbers are plotted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plot {
    /// The value columns stacked, one bar per row.
    Stacked,
    /// The value columns side by side, one group per row.
    Grouped,
    /// One line through the rows, of the last column.
    Line,
}

/// One chart: its title, its rows, and the sessions behind each row.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Which columns are plotted (indices into a row), and how.
    pub plotted: Vec<usize>,
    pub plot: Plot,
    pub drill: Vec<Option<DrillTarget>>,
    /// A line under the table (the repeat visitors, a funnel's runs).
    pub note: Option<String>,
}

/// The tables of every chart that has its data, in the order the workspace shows them.
#[must_use]
pub fn tables(state: &InsightsState, t: &InsightsText, lang: Language) -> Vec<Table> {
    let mut tables = Vec::new();
    if let Some(weekly) = state.weekly.value() {
        tables.push(weekly_table(weekly, t, lang));
    }
    if let Some(shift) = state.shift.value() {
        tables.push(takeup_table(shift, t));
    }
    if let Some(readiness) = state.readiness.value() {
        tables.push(readiness_table(readiness, t));
    }
    if let Some(failure) = state.failure.value() {
        tables.push(failure_table(failure, t, lang));
        tables.push(returns_table(failure, t));
    }
    if let (Some(sites), Some(failures)) = (state.sites.value(), state.site_failures.value()) {
        tables.push(sites_table(sites, failures, t));
    }
    if let Some(funnel) = state.funnel.value() {
        tables.extend(funnel_tables(funnel, t));
    }
    tables
}

/// The Monday of an ISO week label (`2026-W05`).
fn monday(label: &str) -> Option<NaiveDate> {
    let (year, week) = label.split_once("-W")?;
    NaiveDate::from_isoywd_opt(year.parse().ok()?, week.parse().ok()?, Weekday::Mon)
}

fn channel_label(code: &str, lang: Language) -> String {
    Channel::ALL.into_iter().find(|c| c.code() == code).map_or_else(|| code.to_owned(), |c| c.label(lang).to_owned())
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1} %"))
}

fn weekly_table(weekly: &ContactInsights, t: &InsightsText, lang: Language) -> Table {
    let mut channels: Vec<String> = weekly.rows.iter().filter_map(|r| r.channel.clone()).collect();
    channels.sort_by_key(|code| Channel::ALL.iter().position(|c| c.code() == code));
    channels.dedup();
    let mut weeks: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for row in &weekly.rows {
        let week = weeks.entry(row.week.clone().unwrap_or_default()).or_default();
        *week.entry(row.channel.clone().unwrap_or_default()).or_default() += row.count;
    }
    let mut header = vec![t.week.to_owned(), t.total.to_owned()];
    header.extend(channels.iter().map(|c| channel_label(c, lang)));
    let (mut rows, mut drill) = (Vec::new(), Vec::new());
    for (week, counts) in &weeks {
        let mut row = vec![week.clone(), counts.values().sum::<i64>().to_string()];
        row.extend(channels.iter().map(|c| counts.get(c).copied().unwrap_or(0).to_string()));
        rows.push(row);
        drill.push(monday(week).map(DrillTarget::Week));
    }
    Table {
        title: t.contacts_chart.to_owned(),
        plotted: (2..header.len()).collect(),
        header,
        rows,
        plot: Plot::Stacked,
        drill,
        note: None,
    }
}

fn takeup_table(shift: &ChannelShift, t: &InsightsText) -> Table {
    let rows = shift
        .rows
        .iter()
        .map(|r| {
            vec![
                r.period.clone(),
                r.digital.to_string(),
                r.assisted_digital.to_string(),
                r.completed.to_string(),
                percent(r.take_up_percent),
            ]
        })
        .collect::<Vec<_>>();
    Table {
        title: t.takeup_chart.to_owned(),
        header: [t.month, t.digital, t.assisted, t.completed, t.takeup].map(str::to_owned).to_vec(),
        drill: vec![None; rows.len()],
        rows,
        plotted: vec![4],
        plot: Plot::Line,
        note: None,
    }
}

fn readiness_table(readiness: &Readiness, t: &InsightsText) -> Table {
    let rows = readiness
        .rows
        .iter()
        .map(|r| {
            vec![
                r.period.clone(),
                r.citizen_alone.to_string(),
                r.citizen_with_guidance.to_string(),
                r.staff_on_behalf.to_string(),
                percent(r.alone_percent),
            ]
        })
        .collect::<Vec<_>>();
    let moved = &readiness.repeat_visitors;
    let note = super::super::i18n::fill(
        t.repeat_visitors,
        &[
            ("count", &moved.citizens.to_string()),
            ("first", &percent(moved.first_alone_percent)),
            ("latest", &percent(moved.latest_alone_percent)),
            ("more", &moved.more_alone.to_string()),
            ("same", &moved.same.to_string()),
            ("less", &moved.less_alone.to_string()),
        ],
    );
    Table {
        title: t.readiness_chart.to_owned(),
        header: [t.month, t.alone, t.guided, t.staff, t.alone_share].map(str::to_owned).to_vec(),
        drill: vec![None; rows.len()],
        rows,
        plotted: vec![4],
        plot: Plot::Line,
        note: Some(note),
    }
}

fn failure_table(failure: &FailureDemand, t: &InsightsText, lang: Language) -> Table {
    let (mut rows, mut drill) = (Vec::new(), Vec::new());
    for row in &failure.rows {
        let index = FailureReason::ALL.iter().position(|r| r.code() == row.key);
        let label = index.map_or_else(|| row.key.clone(), |i| FailureReason::ALL[i].label(lang).to_owned());
        rows.push(vec![label, row.count.to_string(), format!("{:.1} %", row.share_percent)]);
        drill.push(index.map(DrillTarget::Failure));
    }
    Table {
        title: t.failure_chart.to_owned(),
        header: [t.reason, t.count, t.share].map(str::to_owned).to_vec(),
        rows,
        plotted: vec![1],
        plot: Plot::Stacked,
        drill,
        note: None,
    }
}

fn returns_table(failure: &FailureDemand, t: &InsightsText) -> Table {
    let catalog = KleCatalog::builtin();
    let rows: Vec<Vec<String>> = failure
        .returns
        .iter()
        .take(10)
        .map(|r| {
            let title = catalog.topic(&r.solution).map(|k| catalog.title(&k).to_owned()).unwrap_or_default();
            vec![format!("{} {title}", r.solution).trim().to_owned(), r.returns.to_string()]
        })
        .collect();
    Table {
        title: t.returns_chart.to_owned(),
        header: [t.solution, t.returns].map(str::to_owned).to_vec(),
        drill: vec![None; rows.len()],
        rows,
        plotted: vec![1],
        plot: Plot::Stacked,
        note: None,
    }
}

/// Per 100 contacts, to one decimal.
fn per_100(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "–".to_owned();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{}", tenths / 10, tenths % 10)
}

fn sites_table(sites: &ContactInsights, failures: &ContactInsights, t: &InsightsText) -> Table {
    let mut failed: BTreeMap<&str, i64> = BTreeMap::new();
    for row in failures.rows.iter().filter(|r| r.failure.as_deref().is_some_and(|f| !f.is_empty())) {
        *failed.entry(row.site.as_deref().unwrap_or_default()).or_default() += row.count;
    }
    let (mut rows, mut drill) = (Vec::new(), Vec::new());
    for (index, row) in sites.rows.iter().enumerate() {
        let site = row.site.clone().unwrap_or_default();
        let failure = failed.get(site.as_str()).copied().unwrap_or(0);
        rows.push(vec![site, row.count.to_string(), per_100(failure, row.count), per_100(row.straks, row.count)]);
        drill.push(Some(DrillTarget::Site(index)));
    }
    Table {
        title: t.sites_chart.to_owned(),
        header: [t.site, t.contacts, t.failure_per_100, t.straks_per_100].map(str::to_owned).to_vec(),
        rows,
        plotted: vec![2, 3],
        plot: Plot::Grouped,
        drill,
        note: None,
    }
}

fn funnel_tables(funnel: &Funnel, t: &InsightsText) -> Vec<Table> {
    funnel
        .versions
        .iter()
        .map(|version| {
            let rows: Vec<Vec<String>> = version
                .steps
                .iter()
                .map(|s| {
                    let median = s.median_seconds.map_or_else(|| "–".to_owned(), |m| m.to_string());
                    [s.reached, s.completed, s.skipped, s.failed, s.exited]
                        .iter()
                        .map(ToString::to_string)
                        .fold(vec![s.step.clone()], |mut row, n| {
                            row.push(n);
                            row
                        })
                        .into_iter()
                        .chain([median])
                        .collect()
                })
                .collect();
            let fill = super::super::i18n::fill;
            let mut note = fill(
                t.runs,
                &[
                    ("version", &version.version.to_string()),
                    ("runs", &version.runs.to_string()),
                    ("completed", &version.completed_runs.to_string()),
                    ("percent", &percent(version.completion_percent)),
                ],
            );
            if let Some(reviewed) = version.reviewed {
                let said = if version.stale { t.stale } else { t.reviewed };
                note = format!("{note} · {}", fill(said, &[("date", &reviewed.format("%d-%m-%Y").to_string())]));
            }
            Table {
                title: format!("{} · {} v{}", t.funnel_chart, funnel.guide, version.version),
                header: [t.step, t.reached, t.completed, t.skipped, t.failed, t.exited, t.median]
                    .map(str::to_owned)
                    .to_vec(),
                drill: vec![Some(DrillTarget::Guide); rows.len()],
                rows,
                plotted: vec![2, 3, 4, 5],
                plot: Plot::Stacked,
                note: Some(note),
            }
        })
        .collect()
}

/// A cell as a number to plot: counts, and percentages without their sign.
#[must_use]
pub fn number(cell: &str) -> Option<f64> {
    cell.trim_end_matches(" %").replace(',', ".").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::api::insights::ContactInsightRow;

    #[test]
    fn weeks_become_rows_with_a_column_per_channel_and_open_their_monday() {
        let row = |week: &str, channel: &str, count| ContactInsightRow {
            week: Some(week.into()),
            channel: Some(channel.into()),
            count,
            ..ContactInsightRow::default()
        };
        let weekly = ContactInsights {
            from: NaiveDate::default(),
            to: NaiveDate::default(),
            group_by: Vec::new(),
            rows: vec![row("2026-W05", "phone", 3), row("2026-W05", "counter", 2), row("2026-W06", "phone", 1)],
        };
        let table = weekly_table(&weekly, super::super::text::insights_text(Language::En), Language::En);
        assert_eq!(table.header, ["Week", "Total", "Phone", "Counter"]);
        assert_eq!(table.rows[0], ["2026-W05", "5", "3", "2"]);
        assert_eq!(table.drill[0], Some(DrillTarget::Week(NaiveDate::from_ymd_opt(2026, 1, 26).expect("date"))));
        assert_eq!(per_100(1, 3), "33.3");
        assert_eq!(number("12.5 %"), Some(12.5));
    }
}
