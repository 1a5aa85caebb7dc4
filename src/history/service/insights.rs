//! `GET /v1/insights/…`: what the rollups say, for supervisors and admins. No personal data leaves, so no purpose
//! is asked and nothing is audited; training never counts, and a demo store shows only its fictitious citizens.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{AppPath, AppQuery, Caller};
use crate::domain::Capability;
use crate::domain::insight::{self, local_day};
use crate::history::api::insights::{
    ChannelShift, ContactInsights, DrillPage, FailureDemand, Funnel, InsightParams, Readiness,
};
use crate::history::api::{ErrorBody, ErrorCode};
use crate::history::store::{ContactGroup, Drill, FailureGroup, InsightQuery, Period};

/// A caller who may read insights. Extracted before the query is read, so a counter clerk is refused (403)
/// whatever they send, as the OpenAPI document says, not told first that a parameter is malformed.
struct InsightsReader;

impl axum::extract::FromRequestParts<AppState> for InsightsReader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, ApiError> {
        Caller::from_request_parts(parts, state).await?.require(Capability::ReadInsights)?;
        Ok(Self)
    }
}

/// The longest period one answer covers.
const MAX_YEARS: i64 = 5;

/// Rows per drill-down page.
const DRILL_PAGE: u32 = 100;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(contacts))
        .routes(routes!(komhen))
        .routes(routes!(channel_shift))
        .routes(routes!(readiness))
        .routes(routes!(failure_demand))
        .routes(routes!(funnel))
        .routes(routes!(sessions))
        .routes(routes!(sessions_csv))
}

fn invalid(parameter: &str, message: &str) -> ApiError {
    ApiError::bad_request(ErrorCode::InvalidQuery, format!("{parameter}: {message}"))
}

fn day(parameter: &str, value: Option<&str>) -> ApiResult<Option<NaiveDate>> {
    value
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .ok()
                .filter(|d| (1900..=2999).contains(&d.year()))
                .ok_or_else(|| invalid(parameter, "use a date, e.g. 2026-11-30"))
        })
        .transpose()
}

/// The period and filters asked for: a year up to today when no period is given.
fn query(state: &AppState, params: &InsightParams) -> ApiResult<InsightQuery> {
    let to = day("to", params.to.as_deref())?.unwrap_or_else(|| local_day(state.now()));
    let from = day("from", params.from.as_deref())?.unwrap_or_else(|| to - chrono::Duration::days(364));
    if from > to {
        return Err(invalid("from", "the period starts after it ends"));
    }
    if (to - from).num_days() > MAX_YEARS * 366 {
        return Err(invalid("from", "a period may be at most 5 years"));
    }
    let text = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    Ok(InsightQuery {
        population: state.population,
        from,
        to,
        site: text(&params.site),
        channel: text(&params.channel),
        kle_group: text(&params.kle_group),
    })
}

fn period(params: &InsightParams) -> ApiResult<Period> {
    match params.period.as_deref().unwrap_or("month") {
        "week" => Ok(Period::Week),
        "month" => Ok(Period::Month),
        _ => Err(invalid("period", "use week or month")),
    }
}

fn contact_groups(params: &InsightParams) -> ApiResult<Vec<ContactGroup>> {
    let mut groups = Vec::new();
    for name in params.group_by.as_deref().unwrap_or_default().split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let group = ContactGroup::ALL.into_iter().find(|g| g.name() == name).ok_or_else(|| {
            invalid("group_by", "use any of site, channel, kle, kle_group, type, closing, failure, week, month")
        })?;
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    Ok(groups)
}

/// Contacts (sessions and reported contacts) counted by the keys asked for, with how many were closed at once and
/// their time.
#[utoipa::path(get, path = "/v1/insights/contacts", tag = "insights", params(InsightParams),
    security(("bearer" = [])),
    responses((status = 200, body = ContactInsights), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn contacts(
    State(state): State<AppState>,
    _: InsightsReader,
    AppQuery(params): AppQuery<InsightParams>,
) -> ApiResult<Json<ContactInsights>> {
    let query = query(&state, &params)?;
    let groups = contact_groups(&params)?;
    let rows = state.store.insight_contacts(&query, &groups).await?;
    let group_by = groups.iter().map(|g| g.name().to_owned()).collect();
    Ok(Json(ContactInsights { from: query.from, to: query.to, group_by, rows }))
}

/// The period's contacts as a KOMHEN file: `;`-separated, Latin-1, one line per contact, streamed.
#[utoipa::path(get, path = "/v1/insights/komhen.csv", tag = "insights", params(InsightParams),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn komhen(
    State(state): State<AppState>,
    _: InsightsReader,
    AppQuery(params): AppQuery<InsightParams>,
) -> ApiResult<Response> {
    let query = query(&state, &params)?;
    let municipality = params.municipality.clone().unwrap_or_default();
    if !municipality.chars().all(|c| c.is_ascii_digit()) || municipality.len() > 4 {
        return Err(invalid("municipality", "use the municipality's number, e.g. 101"));
    }
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let store = state.store.clone();
    tokio::spawn(async move { store.komhen_file(&query, &municipality, sender).await });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let item = receiver.recv().await?;
        Some((item.map_err(std::io::Error::other), receiver))
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=ISO-8859-1"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"komhen.csv\""),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Per week or month: transactions completed digitally (by the citizen, or with staff's help in the solution)
/// of all completed transactions.
#[utoipa::path(get, path = "/v1/insights/channel-shift", tag = "insights", params(InsightParams),
    security(("bearer" = [])),
    responses((status = 200, body = ChannelShift), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn channel_shift(
    State(state): State<AppState>,
    _: InsightsReader,
    AppQuery(params): AppQuery<InsightParams>,
) -> ApiResult<Json<ChannelShift>> {
    let (query, period) = (query(&state, &params)?, period(&params)?);
    let rows = state.store.channel_shift(&query, period).await?;
    Ok(Json(ChannelShift { from: query.from, to: query.to, period: period.name().to_owned(), rows }))
}

/// Who did the guide steps per week or month, and whether citizens seen twice or more came to do more alone.
#[utoipa::path(get, path = "/v1/insights/readiness", tag = "insights", params(InsightParams),
    security(("bearer" = [])),
    responses((status = 200, body = Readiness), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn readiness(
    State(state): State<AppState>,
    _: InsightsReader,
    AppQuery(params): AppQuery<InsightParams>,
) -> ApiResult<Json<Readiness>> {
    let (query, period) = (query(&state, &params)?, period(&params)?);
    let (rows, repeat_visitors) = state.store.readiness(&query, period).await?;
    Ok(Json(Readiness { from: query.from, to: query.to, period: period.name().to_owned(), rows, repeat_visitors }))
}

/// Failure demand by KLE topic, guide, reason or site, as a share of all contacts; and tilbageløb per
/// self-service solution.
#[utoipa::path(get, path = "/v1/insights/failure-demand", tag = "insights", params(InsightParams),
    security(("bearer" = [])),
    responses((status = 200, body = FailureDemand), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn failure_demand(
    State(state): State<AppState>,
    _: InsightsReader,
    AppQuery(params): AppQuery<InsightParams>,
) -> ApiResult<Json<FailureDemand>> {
    let query = query(&state, &params)?;
    let name = params.group_by.as_deref().unwrap_or("reason");
    let by = match name {
        "kle" => FailureGroup::Kle,
        "solution" => FailureGroup::Solution,
        "reason" => FailureGroup::Reason,
        "site" => FailureGroup::Site,
        _ => return Err(invalid("group_by", "use kle, solution, reason or site")),
    };
    let (contacts, rows, returns) = state.store.failure_demand(&query, by).await?;
    let failure_demand = rows.iter().map(|r| r.count).sum();
    Ok(Json(FailureDemand {
        from: query.from,
        to: query.to,
        group_by: name.to_owned(),
        contacts,
        failure_demand,
        rows,
        returns,
    }))
}

/// A guide's funnel per version: how many reached each step and how it ended there.
#[utoipa::path(get, path = "/v1/insights/guides/{id}/funnel", tag = "insights",
    params(("id" = String, Path, description = "the guide's id"), InsightParams), security(("bearer" = [])),
    responses((status = 200, body = Funnel), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn funnel(
    State(state): State<AppState>,
    _: InsightsReader,
    AppPath(guide): AppPath<String>,
    AppQuery(params): AppQuery<InsightParams>,
) -> ApiResult<Json<Funnel>> {
    let query = query(&state, &params)?;
    let mut versions = state.store.funnel(&query, &guide).await?;
    let today = insight::local_day((state.clock)());
    for version in &mut versions {
        version.stale = version.reviewed.is_some_and(|reviewed| insight::is_stale(reviewed, today));
    }
    Ok(Json(Funnel { guide, from: query.from, to: query.to, versions }))
}

/// The sessions behind a chart, newest first, 100 a page: no name or CPR number. Opening one is a read of a
/// citizen's data, through the audited `GET /v1/sessions/{id}`.
#[utoipa::path(get, path = "/v1/insights/sessions", tag = "insights", params(InsightParams),
    security(("bearer" = [])),
    responses((status = 200, body = DrillPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn sessions(
    State(state): State<AppState>,
    _: InsightsReader,
    AppQuery(params): AppQuery<InsightParams>,
) -> ApiResult<Json<DrillPage>> {
    let query = query(&state, &params)?;
    let after = params
        .cursor
        .as_deref()
        .map(|cursor| {
            let (at, id) = cursor.split_once('_').ok_or_else(|| invalid("cursor", "pass the next of a page"))?;
            let at = at.parse::<i64>().map_err(|_| invalid("cursor", "pass the next of a page"))?;
            let id = uuid::Uuid::parse_str(id).map_err(|_| invalid("cursor", "pass the next of a page"))?;
            Ok::<_, ApiError>((at, id.to_string()))
        })
        .transpose()?;
    Ok(Json(state.store.drill_sessions(&query, &drill(&params, after), DRILL_PAGE).await?))
}

fn drill(params: &InsightParams, after: Option<(i64, String)>) -> Drill {
    Drill { kind: params.kind.clone(), failure: params.failure.clone(), guide: params.guide.clone(), after }
}

/// The same rows as `/v1/insights/sessions`, every page, as a `;`-separated UTF-8 file for a spreadsheet.
#[utoipa::path(get, path = "/v1/insights/sessions.csv", tag = "insights", params(InsightParams),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn sessions_csv(
    State(state): State<AppState>,
    _: InsightsReader,
    AppQuery(params): AppQuery<InsightParams>,
) -> ApiResult<Response> {
    let query = query(&state, &params)?;
    let mut drill = drill(&params, None);
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let store = state.store.clone();
    tokio::spawn(async move {
        let mut chunk = "\u{feff}id;started_at;site;channel;kle;type;outcome;failure;guide;minutes;could_self_serve;\
                         tried_online_first\r\n"
            .to_owned();
        loop {
            let page = match store.drill_sessions(&query, &drill, 1000).await {
                Ok(page) => page,
                Err(error) => {
                    let _ = sender.send(Err(std::io::Error::other(error.to_string()))).await;
                    return;
                }
            };
            for row in &page.rows {
                chunk += &drill_line(row);
            }
            if sender.send(Ok(std::mem::take(&mut chunk).into_bytes())).await.is_err() {
                return;
            }
            let Some(last) = page.rows.last().filter(|_| page.next.is_some()) else { return };
            drill.after = Some((last.started_at.timestamp_micros(), last.id.to_string()));
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let item = receiver.recv().await?;
        Some((item, receiver))
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"sessions.csv\""),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// One drill-down row as a line; the file has no quoting, so a `;` or line break in a value becomes a space.
fn drill_line(row: &crate::history::api::insights::DrillRow) -> String {
    let started = row.started_at.with_timezone(&chrono_tz::Europe::Copenhagen).format("%Y-%m-%d %H:%M").to_string();
    let fields = [
        row.id.to_string(),
        started,
        row.site.clone(),
        row.channel.clone(),
        row.kle.clone(),
        row.kind.clone(),
        row.outcome.clone(),
        row.failure.clone(),
        row.guide.clone(),
        format!("{:.1}", row.minutes),
        row.could_self_serve.map_or("", |could| if could { "yes" } else { "no" }).to_owned(),
        (if row.tried_online_first { "yes" } else { "no" }).to_owned(),
    ];
    let clean: Vec<String> = fields.iter().map(|f| f.replace([';', '\n', '\r'], " ")).collect();
    format!("{}\r\n", clean.join(";"))
}
