//! Wire types of the insights endpoints: counts only, never a name or a CPR number.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The period and the filters every insights endpoint takes. Dates are Copenhagen days, both ends included.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InsightParams {
    /// First day (`2026-01-01`); a year before `to` when left out.
    pub from: Option<String>,
    /// Last day, included (`2026-12-31`); today when left out.
    pub to: Option<String>,
    /// Comma-separated keys to group by: `site,channel,kle,kle_group,type,closing,failure,week,month` (contacts);
    /// `kle,solution,reason,site` (failure demand).
    pub group_by: Option<String>,
    /// `week` or `month` (channel shift, readiness); `month` when left out.
    pub period: Option<String>,
    pub site: Option<String>,
    /// Our channel code (`phone`).
    pub channel: Option<String>,
    /// A KLE group (`23.05`).
    pub kle_group: Option<String>,
    /// KOMHEN type (`OPRET`), drill-down only.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// Failure reason (`chasing_progress`, or `any`), drill-down only.
    pub failure: Option<String>,
    /// Guide id, drill-down only.
    pub guide: Option<String>,
    /// The `next` of the previous page, drill-down only.
    pub cursor: Option<String>,
    /// Municipality number for the KOMHEN file (`101`).
    pub municipality: Option<String>,
}

/// One row of contact counts: the keys asked for, and the sums.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactInsightRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kle_group: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// ISO week, `2026-W05`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week: Option<String>,
    /// `2026-05`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    pub count: i64,
    /// Closed at once.
    pub straks: i64,
    pub duration_seconds: i64,
    /// Staff judged the citizen could have done it online (KOMHEN's optional question).
    pub could_self_serve: i64,
    /// The citizen had given up on a self-service attempt on the matter in the 14 days before (derived).
    pub tried_online_first: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactInsights {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: Vec<String>,
    pub rows: Vec<ContactInsightRow>,
}

/// Digital take-up in one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChannelShiftRow {
    /// `2026-W05` or `2026-05`.
    pub period: String,
    /// Completed by the citizen in the self-service solution.
    pub digital: i64,
    /// Completed in the solution with staff's help: counts as digital.
    pub assisted_digital: i64,
    /// Every completed transaction.
    pub completed: i64,
    /// (digital + assisted digital) ÷ completed, in per cent; absent when nothing was completed.
    pub take_up_percent: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChannelShift {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub period: String,
    pub rows: Vec<ChannelShiftRow>,
}

/// Who did the guide steps in one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReadinessRow {
    pub period: String,
    pub citizen_alone: i64,
    pub citizen_with_guidance: i64,
    pub staff_on_behalf: i64,
    /// Citizen alone ÷ all three, in per cent.
    pub alone_percent: Option<f64>,
}

/// Citizens with two or more assessed sessions, their latest in the period: did they do more alone?
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReadinessMove {
    pub citizens: i64,
    /// Share of steps done alone in their first assessed session, in per cent.
    pub first_alone_percent: Option<f64>,
    /// … and in their latest.
    pub latest_alone_percent: Option<f64>,
    pub more_alone: i64,
    pub same: i64,
    pub less_alone: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub period: String,
    pub rows: Vec<ReadinessRow>,
    pub repeat_visitors: ReadinessMove,
}

/// Failure-demand contacts under one key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FailureRow {
    /// The KLE topic, guide, reason code or site; empty for contacts without one.
    pub key: String,
    pub count: i64,
    /// Of all contacts in the period (with the same filters), in per cent.
    pub share_percent: f64,
}

/// Given-up attempts in one self-service solution (its KLE topic) followed by an assisted contact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReturnRow {
    pub solution: String,
    pub returns: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FailureDemand {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: String,
    pub contacts: i64,
    pub failure_demand: i64,
    pub rows: Vec<FailureRow>,
    /// Tilbageløb per self-service solution, most first.
    pub returns: Vec<ReturnRow>,
}

/// One step of one guide version in a funnel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FunnelStep {
    pub step: String,
    pub reached: i64,
    pub completed: i64,
    pub skipped: i64,
    /// Skips by the reason staff gave.
    pub skip_reasons: BTreeMap<String, i64>,
    /// The walkthrough stopped because the solution or the guide broke.
    pub failed: i64,
    /// The walkthrough stopped because the citizen or staff stopped it.
    pub exited: i64,
    /// Read from buckets of 5 s to 20 min.
    pub median_seconds: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FunnelVersion {
    pub version: i64,
    pub runs: i64,
    /// Runs that reached a completed end.
    pub completed_runs: i64,
    pub completion_percent: Option<f64>,
    /// When the version's content was last checked against its solution, as the consoles that walked it said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<NaiveDate>,
    /// Reviewed more than 12 months ago: its steps may no longer match the solution.
    #[serde(default)]
    pub stale: bool,
    /// In the order the steps are usually reached.
    pub steps: Vec<FunnelStep>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Funnel {
    pub guide: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub versions: Vec<FunnelVersion>,
}

/// One session behind a chart: no name, no CPR number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DrillRow {
    pub id: Uuid,
    pub started_at: DateTime<Utc>,
    pub site: String,
    pub channel: String,
    pub kle: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub outcome: String,
    pub failure: String,
    pub guide: String,
    pub minutes: f64,
    /// Staff's answer to "could the citizen have done this online?", when they gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub could_self_serve: Option<bool>,
    /// A given-up self-service attempt on the matter came before it.
    pub tried_online_first: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DrillPage {
    pub rows: Vec<DrillRow>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}
