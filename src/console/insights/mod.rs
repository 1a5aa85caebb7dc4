//! The insights workspace for supervisors and admins (📊, Ctrl+I): contacts per week by channel, digital take-up,
//! the readiness trend, failure demand and tilbageløb, sites side by side and a guide's funnel — each chart with
//! its table beside it, filters that combine, the sessions behind a bar or a row, and exports. Only counts come
//! from the service; opening a session behind a chart is an audited read like any other.

mod control;
mod export;
pub mod text;
pub mod view;

mod charts;

use chrono::NaiveDate;
use uuid::Uuid;

use super::tasks::Loadable;
use crate::history::api::insights::{
    ChannelShift, ContactInsights, DrillPage, FailureDemand, Funnel, InsightParams, Readiness,
};
use crate::history::client::ClientError;

/// What the workspace does for a view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InsightsCommand {
    /// Open or close the workspace (supervisors and admins).
    Toggle,
    /// Read every chart again with the filters as they are now.
    Refresh,
    /// Show the sessions behind a bar or a row.
    Drill(DrillTarget),
    CloseDrill,
    /// Open the session behind a drill-down row (audited), and its citizen.
    OpenSession(Uuid),
    /// Choose where to save a file, then save it.
    Export(ExportKind),
}

/// Which sessions a drill-down shows: those behind one bar or row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DrillTarget {
    /// A week of the contacts chart (its Monday).
    Week(NaiveDate),
    /// A failure reason (its index in `FailureReason::ALL`).
    Failure(usize),
    /// A site (its index in the sites table).
    Site(usize),
    /// The funnel's guide.
    Guide,
}

/// What can be saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The tables on screen, as one `;`-separated file.
    Screen,
    /// The period's KOMHEN file, from the service.
    Komhen,
}

/// One of the charts' data, as the service answered.
pub enum Loaded {
    Weekly(Result<ContactInsights, ClientError>),
    Sites(Result<ContactInsights, ClientError>),
    SiteFailures(Result<ContactInsights, ClientError>),
    Shift(Result<ChannelShift, ClientError>),
    Readiness(Result<Readiness, ClientError>),
    Failure(Result<FailureDemand, ClientError>),
    Funnel(Result<Funnel, ClientError>),
}

/// Answers for the workspace; `request` tells a stale answer from the newest.
pub enum InsightsReply {
    Loaded {
        request: u64,
        data: Box<Loaded>,
    },
    Drilled(Result<DrillPage, ClientError>),
    /// The session behind a row, read for supervision: its citizen to open.
    Opened(Result<Option<Uuid>, ClientError>),
    /// Where the staff member chose to save (or `None` when they cancelled).
    ExportPicked(ExportKind, Option<std::path::PathBuf>),
    /// The file name saved, or why not.
    Exported(Result<String, String>),
}

/// The filters, as typed.
#[derive(Clone, Debug)]
pub struct Filters {
    /// `YYYY-MM-DD`, both days included.
    pub from: String,
    pub to: String,
    /// Empty for every site.
    pub site: String,
    /// Our channel code, empty for every channel.
    pub channel: String,
    /// A KLE group (`23.05`), empty for every topic.
    pub kle_group: String,
    /// The guide whose funnel is shown.
    pub guide: String,
}

/// The workspace as the console has it.
#[derive(Default)]
pub struct InsightsState {
    open: bool,
    filters: Option<Filters>,
    /// The filters the charts on screen were read with.
    shown: Option<InsightParams>,
    /// A filter that could not be read, in the staff member's words.
    problem: Option<String>,
    request: u64,
    weekly: Loadable<ContactInsights>,
    sites: Loadable<ContactInsights>,
    site_failures: Loadable<ContactInsights>,
    shift: Loadable<ChannelShift>,
    readiness: Loadable<Readiness>,
    failure: Loadable<FailureDemand>,
    funnel: Loadable<Funnel>,
    drill: Option<Drill>,
    /// The last export's outcome.
    exported: Option<Result<String, String>>,
}

/// The sessions behind one bar or row.
pub struct Drill {
    pub title: String,
    pub page: Loadable<DrillPage>,
}

impl InsightsState {
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.open
    }

    #[must_use]
    pub fn is_busy(&self) -> bool {
        [
            self.weekly.is_pending(),
            self.sites.is_pending(),
            self.site_failures.is_pending(),
            self.shift.is_pending(),
            self.readiness.is_pending(),
            self.failure.is_pending(),
            self.funnel.is_pending(),
        ]
        .into_iter()
        .any(|pending| pending)
            || self.drill.as_ref().is_some_and(|d| d.page.is_pending())
    }
}
