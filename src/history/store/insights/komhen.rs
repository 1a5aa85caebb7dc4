//! The KOMHEN file: one line per counted contact of a period, sessions first, then the contacts channel systems
//! reported. Rows are read as a stream and sent on in chunks, so memory does not grow with the file.

use chrono_tz::Europe::Copenhagen;
use futures_util::TryStreamExt;
use sqlx::Row;
use tokio::sync::mpsc::Sender;

use super::super::events::{EVENT_COLUMNS, event_from_row};
use super::super::sql::{Param, Sql};
use super::super::{Store, StoreResult, parse_json, to_micros};
use super::read::InsightQuery;
use crate::domain::insight::{self, Population};
use crate::domain::komhen::{Counted, file_line};
use crate::domain::{AssistedSession, Direction};
use crate::encoding::to_latin1;
use crate::history::api::SESSION_SOURCE;

/// Lines per chunk sent on.
const CHUNK_LINES: usize = 512;

/// Collects Latin-1 lines and sends them on in chunks; `false` once the receiver has gone.
struct Chunks {
    sender: Sender<StoreResult<Vec<u8>>>,
    buffer: Vec<u8>,
    lines: usize,
}

impl Chunks {
    async fn push(&mut self, line: &str) -> bool {
        self.buffer.extend(to_latin1(line));
        self.buffer.extend_from_slice(b"\r\n");
        self.lines += 1;
        if self.lines < CHUNK_LINES {
            return true;
        }
        self.flush().await
    }

    async fn flush(&mut self) -> bool {
        self.lines = 0;
        let chunk = std::mem::take(&mut self.buffer);
        chunk.is_empty() || self.sender.send(Ok(chunk)).await.is_ok()
    }
}

fn local(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&Copenhagen).naive_local()
}

impl Store {
    /// Sends the KOMHEN file of the period through `sender`: the header, then one line per contact. A failure
    /// is sent as the last item; a receiver that goes away stops the reading.
    pub async fn komhen_file(&self, query: &InsightQuery, municipality: &str, sender: Sender<StoreResult<Vec<u8>>>) {
        let mut chunks = Chunks { sender, buffer: Vec::new(), lines: 0 };
        if let Err(error) = self.komhen_lines(query, municipality, &mut chunks).await {
            chunks.flush().await;
            let _ = chunks.sender.send(Err(error)).await;
        }
    }

    async fn komhen_lines(&self, query: &InsightQuery, municipality: &str, chunks: &mut Chunks) -> StoreResult<()> {
        if !chunks.push(crate::domain::komhen::FILE_HEADER).await {
            return Ok(());
        }
        let start = to_micros(insight::day_start(query.from));
        let end = to_micros(insight::day_start(query.to + chrono::Duration::days(1)));
        let mut sql = Sql::new(
            "SELECT s.body FROM insight_sessions i JOIN sessions s ON s.id = i.session_id WHERE i.population = ",
        );
        sql.bind(Param::Text(query.population.code().to_owned()))
            .push(" AND i.started_at >= ")
            .bind(Param::Int(start))
            .push(" AND i.started_at < ")
            .bind(Param::Int(end));
        let mut conn = self.pool().acquire().await?;
        {
            let mut rows = sql.query().fetch(&mut *conn);
            while let Some(row) = rows.try_next().await? {
                let session: AssistedSession = parse_json(&row.try_get::<String, _>("body")?, "session")?;
                let counted = Counted::session(&session, Direction::Inbound);
                let line = file_line(
                    municipality,
                    &session.id.to_string(),
                    &counted,
                    local(session.started_at),
                    local(session.ended_at),
                    SESSION_SOURCE,
                );
                if !chunks.push(&line).await {
                    return Ok(());
                }
            }
        }
        let fictitious = i64::from(query.population == Population::Fictitious);
        let mut sql = Sql::new(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE citizen_id IN (SELECT id FROM citizens WHERE fictitious = "
        ));
        sql.bind(Param::Int(fictitious))
            .push(") AND source <> ")
            .bind(Param::Text(SESSION_SOURCE.to_owned()))
            .push(" AND occurred_at >= ")
            .bind(Param::Int(start))
            .push(" AND occurred_at < ")
            .bind(Param::Int(end));
        let mut rows = sql.query().fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let event = event_from_row(&row)?;
            let at = local(event.occurred_at);
            let line = file_line(municipality, &event.id.to_string(), &Counted::event(&event), at, at, &event.source);
            if !chunks.push(&line).await {
                return Ok(());
            }
        }
        chunks.flush().await;
        Ok(())
    }
}
