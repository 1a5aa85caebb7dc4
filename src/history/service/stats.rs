//! `GET /v1/stats`: how assisted sessions went, counted, for supervisors. No personal data leaves, so no purpose is
//! asked and nothing is audited; training never counts.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::ApiResult;
use super::extract::{AppQuery, Caller, query_bound};
use crate::domain::komhen::KomhenType;
use crate::domain::{AssistedSession, Capability, Outcome, StepState};
use crate::history::api::{ErrorBody, GuideStats, Stats, StatsParams};

/// The most sessions one answer counts; a longer period should be asked for in parts.
const STATS_LIMIT: u32 = 200_000;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stats))
}

/// Sessions in a period by outcome, channel, kind of contact and guide, with where guides stop, and how many took
/// part in group sessions. Training is left out.
#[utoipa::path(get, path = "/v1/stats", tag = "sessions", params(StatsParams), security(("bearer" = [])),
    responses((status = 200, body = Stats), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn stats(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(params): AppQuery<StatsParams>,
) -> ApiResult<Json<Stats>> {
    caller.require(Capability::ReadStats)?;
    let from = query_bound("from", params.from.as_deref(), false)?;
    let to = query_bound("to", params.to.as_deref(), true)?;
    let sessions = state.store.sessions_for_stats(from, to, STATS_LIMIT).await?;
    Ok(Json(count(&sessions)))
}

/// Counts real sessions; training ones are only counted as left out.
#[must_use]
pub fn count(sessions: &[(AssistedSession, bool)]) -> Stats {
    let mut stats = Stats {
        sessions: 0,
        training_left_out: 0,
        by_outcome: BTreeMap::new(),
        by_channel: BTreeMap::new(),
        by_contact_kind: BTreeMap::new(),
        by_komhen_type: BTreeMap::new(),
        by_failure_demand: BTreeMap::new(),
        guides: Vec::new(),
        median_minutes: None,
        group_sessions: 0,
        group_participants: 0,
    };
    let mut guides: BTreeMap<String, GuideStats> = BTreeMap::new();
    let mut minutes = Vec::new();
    for (session, training) in sessions {
        if *training {
            stats.training_left_out += 1;
            continue;
        }
        stats.sessions += 1;
        if let Some(group) = &session.group {
            stats.group_sessions += 1;
            stats.group_participants += u64::from(group.participants);
        }
        *stats.by_outcome.entry(code(&session.outcome)).or_default() += 1;
        *stats.by_channel.entry(session.channel.code().to_owned()).or_default() += 1;
        *stats.by_contact_kind.entry(code(&session.contact_kind)).or_default() += 1;
        *stats.by_komhen_type.entry(KomhenType::of_session(session).code().to_owned()).or_default() += 1;
        if let Some(reason) = session.failure_demand {
            *stats.by_failure_demand.entry(reason.code().to_owned()).or_default() += 1;
        }
        minutes.push((session.ended_at - session.started_at).num_minutes().max(0).unsigned_abs());
        for run in &session.guides {
            let entry = guides.entry(run.guide.clone()).or_insert_with(|| GuideStats {
                guide: run.guide.clone(),
                runs: 0,
                completed: 0,
                stopped: 0,
            });
            entry.runs += 1;
            entry.completed += u64::from(run.outcome == Some(Outcome::Completed));
            entry.stopped += u64::from(run.steps.iter().any(|s| s.state == StepState::Stopped));
        }
    }
    minutes.sort_unstable();
    stats.median_minutes = minutes.get(minutes.len() / 2).copied();
    stats.guides = guides.into_values().collect();
    stats
}

/// The wire code of an enum counted here, as serde writes it (`completed`, `error_driven`).
fn code<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Channel, ContactKind, FailureReason};

    fn session(kind: ContactKind, failure: Option<FailureReason>) -> AssistedSession {
        AssistedSession {
            failure_demand: failure,
            ..AssistedSession::example(Channel::Phone, kind, Outcome::Completed)
        }
    }

    #[test]
    fn sessions_are_counted_by_komhen_type_and_failure_reason_and_training_is_left_out() {
        let sessions = [
            (session(ContactKind::Information, Some(FailureReason::ChasingProgress)), false),
            (session(ContactKind::Information, Some(FailureReason::ChasingProgress)), false),
            (session(ContactKind::Transaction, None), false),
            (session(ContactKind::Transaction, Some(FailureReason::SelfServiceFailed)), true),
        ];
        let stats = count(&sessions);
        assert_eq!((stats.sessions, stats.training_left_out), (3, 1));
        let pairs = |map: &BTreeMap<String, u64>| map.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>();
        assert_eq!(pairs(&stats.by_komhen_type), [("OPRET".to_owned(), 1), ("VEJL".to_owned(), 2)]);
        assert_eq!(pairs(&stats.by_failure_demand), [("chasing_progress".to_owned(), 2)]);
    }
}
