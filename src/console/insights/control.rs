//! Applying workspace commands: reading every chart with the filters, the sessions behind a bar, opening one (an
//! audited read for supervision), and the exports through the save dialog.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::super::app::ConsoleApp;
use super::super::command::LookupCommand;
use super::super::shell::Phase;
use super::{Drill, DrillTarget, ExportKind, Filters, InsightsCommand, InsightsReply, Loaded};
use crate::domain::{Capability, FailureReason, Purpose};
use crate::history::api::insights::InsightParams;

/// How many days the workspace opens on: a year up to today.
const DEFAULT_DAYS: i64 = 364;

impl ConsoleApp {
    /// Whether the signed-in staff member may open the workspace.
    #[must_use]
    pub fn may_read_insights(&self) -> bool {
        matches!(&self.phase, Phase::Ready(c) if c.me().role.may(Capability::ReadInsights))
    }

    /// Applies a workspace command.
    pub(in crate::console) fn apply_insights(&mut self, command: InsightsCommand) {
        if !self.may_read_insights() {
            return;
        }
        match command {
            InsightsCommand::Toggle => {
                self.insights.open = !self.insights.open;
                if self.insights.open && self.insights.shown.is_none() {
                    self.refresh_insights();
                }
            }
            InsightsCommand::Refresh => self.refresh_insights(),
            InsightsCommand::Drill(target) => self.drill(target),
            InsightsCommand::CloseDrill => self.insights.drill = None,
            InsightsCommand::OpenSession(id) => {
                let Phase::Ready(connection) = &self.phase else { return };
                let client = connection.client().clone();
                self.tasks.spawn(async move {
                    let session = client.session(id, Purpose::Supervision).await;
                    InsightsReply::Opened(session.map(|s| s.citizen_id))
                });
            }
            InsightsCommand::Export(kind) => self.pick_export(kind),
        }
    }

    /// The filters, made on first use: a year up to today, every site, channel and topic.
    pub(in crate::console) fn insight_filters(&mut self) -> &mut Filters {
        let first_guide = self.guides.library().and_then(|l| l.guides.first().map(|g| g.id.clone()));
        self.insights.filters.get_or_insert_with(|| {
            let today = crate::domain::insight::local_day(chrono::Utc::now());
            Filters {
                from: (today - chrono::Duration::days(DEFAULT_DAYS)).to_string(),
                to: today.to_string(),
                site: String::new(),
                channel: String::new(),
                kle_group: String::new(),
                guide: first_guide.unwrap_or_default(),
            }
        })
    }

    fn refresh_insights(&mut self) {
        let filters = self.insight_filters().clone();
        let params = match params(&filters) {
            Ok(params) => params,
            Err(problem) => {
                self.insights.problem = Some(problem);
                return;
            }
        };
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client().clone();
        let state = &mut self.insights;
        state.problem = None;
        state.request += 1;
        state.shown = Some(params.clone());
        for loadable in [&mut state.weekly, &mut state.sites, &mut state.site_failures] {
            loadable.start();
        }
        state.shift.start();
        state.readiness.start();
        state.failure.start();
        state.funnel.start();
        let request = state.request;
        let with = |group_by: &str| InsightParams { group_by: Some(group_by.to_owned()), ..params.clone() };
        let monthly = InsightParams { period: Some("month".into()), ..params.clone() };
        let (weekly, sites, site_failures) = (with("week,channel"), with("site"), with("site,failure"));
        let failure = with("reason");
        let funnel = format!("guides/{}/funnel", filters.guide);
        let tasks = &self.tasks;
        let c = client.clone();
        tasks.spawn(async move { loaded(request, Loaded::Weekly(c.insight("contacts", &weekly).await)) });
        let c = client.clone();
        tasks.spawn(async move { loaded(request, Loaded::Sites(c.insight("contacts", &sites).await)) });
        let c = client.clone();
        tasks.spawn(async move { loaded(request, Loaded::SiteFailures(c.insight("contacts", &site_failures).await)) });
        let (c, p) = (client.clone(), monthly.clone());
        tasks.spawn(async move { loaded(request, Loaded::Shift(c.insight("channel-shift", &p).await)) });
        let c = client.clone();
        tasks.spawn(async move { loaded(request, Loaded::Readiness(c.insight("readiness", &monthly).await)) });
        let c = client.clone();
        tasks.spawn(async move { loaded(request, Loaded::Failure(c.insight("failure-demand", &failure).await)) });
        tasks.spawn(async move { loaded(request, Loaded::Funnel(client.insight(&funnel, &params).await)) });
    }

    fn drill(&mut self, target: DrillTarget) {
        let Some(shown) = self.insights.shown.clone() else { return };
        let guide = self.insight_filters().guide.clone();
        let sites: Vec<String> = self
            .insights
            .sites
            .value()
            .map(|s| s.rows.iter().filter_map(|r| r.site.clone()).collect())
            .unwrap_or_default();
        let t = super::text::insights_text(self.prefs.language);
        let (title, params) = match target {
            DrillTarget::Week(monday) => {
                let sunday = monday + chrono::Duration::days(6);
                let title = format!("{} {}", t.week_of, monday);
                (title, InsightParams { from: Some(monday.to_string()), to: Some(sunday.to_string()), ..shown })
            }
            DrillTarget::Failure(index) => {
                let reason = FailureReason::ALL.get(index).copied().unwrap_or(FailureReason::Other);
                let title = reason.label(self.prefs.language).to_owned();
                (title, InsightParams { failure: Some(reason.code().to_owned()), ..shown })
            }
            DrillTarget::Site(index) => {
                let site = sites.get(index).cloned().unwrap_or_default();
                (site.clone(), InsightParams { site: Some(site), ..shown })
            }
            DrillTarget::Guide => (guide.clone(), InsightParams { guide: Some(guide), ..shown }),
        };
        let Phase::Ready(connection) = &self.phase else { return };
        let client = connection.client().clone();
        let mut page = super::super::tasks::Loadable::default();
        page.start();
        self.insights.drill = Some(Drill { title, page });
        self.tasks.spawn(async move { InsightsReply::Drilled(client.insight("sessions", &params).await) });
    }

    fn pick_export(&mut self, kind: ExportKind) {
        let t = super::text::insights_text(self.prefs.language);
        let name = match kind {
            ExportKind::Screen => "indsigt.csv",
            ExportKind::Komhen => "komhen.csv",
        };
        let dialog = self.file_dialog.clone().set_title(t.export_title).set_file_name(name).add_filter("CSV", &["csv"]);
        self.tasks.spawn(async move {
            let picked = dialog.save_file().await.map(|file| file.path().to_path_buf());
            InsightsReply::ExportPicked(kind, picked)
        });
    }

    /// Saves what `kind` names to `path`: the tables on screen, or the KOMHEN file the service makes.
    pub fn export_insights_to(&mut self, kind: ExportKind, path: PathBuf) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match kind {
            ExportKind::Screen => {
                let text = super::export::screen_csv(&self.insights, self.prefs.language);
                self.tasks.spawn(async move {
                    let written = tokio::fs::write(&path, text.into_bytes()).await;
                    InsightsReply::Exported(written.map(|()| name).map_err(|e| e.to_string()))
                });
            }
            ExportKind::Komhen => {
                let (Phase::Ready(connection), Some(shown)) = (&self.phase, self.insights.shown.clone()) else {
                    return;
                };
                let client = connection.client().clone();
                self.tasks.spawn(async move {
                    let params = InsightParams { municipality: Some(MUNICIPALITY.to_owned()), ..shown };
                    let written = save_streamed(&client, &params, &path).await;
                    InsightsReply::Exported(written.map(|()| name))
                });
            }
        }
    }

    /// Applies a workspace reply.
    pub(in crate::console) fn receive_insights(&mut self, reply: InsightsReply) {
        let state = &mut self.insights;
        match reply {
            InsightsReply::Loaded { request, data } if request == state.request => match *data {
                Loaded::Weekly(result) => state.weekly.finish(result),
                Loaded::Sites(result) => state.sites.finish(result),
                Loaded::SiteFailures(result) => state.site_failures.finish(result),
                Loaded::Shift(result) => state.shift.finish(result),
                Loaded::Readiness(result) => state.readiness.finish(result),
                Loaded::Failure(result) => state.failure.finish(result),
                Loaded::Funnel(result) => state.funnel.finish(result),
            },
            // An answer to filters since changed, an open that found nobody, a dialog cancelled: nothing to do.
            InsightsReply::Loaded { .. } | InsightsReply::Opened(Ok(None)) | InsightsReply::ExportPicked(_, None) => {}
            InsightsReply::Drilled(result) => {
                if let Some(drill) = &mut state.drill {
                    drill.page.finish(result);
                }
            }
            InsightsReply::Opened(Ok(Some(citizen))) => {
                self.insights.open = false;
                self.apply(LookupCommand::OpenCitizen(citizen));
            }
            InsightsReply::Opened(Err(error)) => state.exported = Some(Err(error.to_string())),
            InsightsReply::ExportPicked(kind, Some(path)) => self.export_insights_to(kind, path),
            InsightsReply::Exported(result) => state.exported = Some(result),
        }
    }
}

/// The KOMHEN file written as it arrives (a year of a large municipality is millions of rows), under a temporary
/// name that becomes `path` only when the whole file is in: a broken download never poses as a finished one.
async fn save_streamed(
    client: &crate::history::client::HistoryClient,
    params: &InsightParams,
    path: &std::path::Path,
) -> Result<(), String> {
    use tokio::io::AsyncWriteExt as _;
    let partial = path.with_extension("csv.part");
    let result = async {
        let mut stream = client.insight_stream("komhen.csv", params).await.map_err(|e| e.to_string())?;
        let mut out = tokio::fs::File::create(&partial).await.map_err(|e| e.to_string())?;
        while let Some(chunk) = stream.chunk().await.map_err(|e| e.to_string())? {
            out.write_all(&chunk).await.map_err(|e| e.to_string())?;
        }
        out.flush().await.map_err(|e| e.to_string())?;
        drop(out); // Windows refuses to rename a file that is still open.
        tokio::fs::rename(&partial, path).await.map_err(|e| e.to_string())
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&partial).await;
    }
    result
}

/// The municipality number the KOMHEN file carries: Copenhagen's.
const MUNICIPALITY: &str = "101";

fn loaded(request: u64, data: Loaded) -> InsightsReply {
    InsightsReply::Loaded { request, data: Box::new(data) }
}

/// The filters as the service takes them, or what is wrong with them.
fn params(filters: &Filters) -> Result<InsightParams, String> {
    let day = |text: &str, what: &str| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| format!("{what}: {}", text.trim()))
    };
    let (from, to) = (day(&filters.from, "fra/from")?, day(&filters.to, "til/to")?);
    if from > to {
        return Err(format!("{from} > {to}"));
    }
    let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
    Ok(InsightParams {
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        site: text(&filters.site),
        channel: text(&filters.channel),
        kle_group: text(&filters.kle_group),
        ..InsightParams::default()
    })
}
