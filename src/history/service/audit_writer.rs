//! Group commit for audit rows. Every read writes its audit row before any data leaves, and the rows form one
//! hash chain, so appends are serialised on the chain's head. Written one transaction per request, a busy service
//! would queue every reader behind that one lock. Instead one task per service takes every row waiting and
//! appends them in a single transaction; each request still waits until its own row is committed.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use crate::history::store::{NewAudit, Store};

/// The most rows one transaction takes: bounds how long a commit holds the chain's lock.
const MAX_BATCH: usize = 512;

/// Requests that may wait for the writer at once before a new one waits for room.
const QUEUE: usize = 4_096;

struct Pending {
    entry: NewAudit,
    at: DateTime<Utc>,
    done: oneshot::Sender<Result<(), String>>,
}

/// Hands audit rows to the writer task, started on first use (inside the service's runtime). The task stops when
/// the last handle is dropped.
#[derive(Clone, Default)]
pub struct AuditWriter {
    queue: Arc<OnceLock<mpsc::Sender<Pending>>>,
}

impl AuditWriter {
    /// Appends `entry` to the chain, returning once it is committed, or why it could not be.
    pub async fn record(&self, store: &Store, entry: NewAudit, at: DateTime<Utc>) -> Result<(), String> {
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(QUEUE);
            tokio::spawn(run(store.clone(), receiver));
            sender
        });
        let (done, committed) = oneshot::channel();
        queue.send(Pending { entry, at, done }).await.map_err(|_| "the audit writer has stopped".to_owned())?;
        committed.await.map_err(|_| "the audit writer stopped before committing".to_owned())?
    }
}

async fn run(store: Store, mut receiver: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Waits for one row, then takes whatever else arrived while the last commit ran.
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (rows, waiting): (Vec<_>, Vec<_>) = batch.drain(..).map(|p| ((p.entry, p.at), p.done)).unzip();
        let result = store.record_audits(&rows).await.map(|_| ()).map_err(|error| error.to_string());
        for done in waiting {
            // A request that gave up (client gone) has nobody to tell.
            let _ = done.send(result.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Purpose, Role};
    use crate::history::api::AuditAction;

    #[tokio::test]
    async fn concurrent_rows_are_all_committed_in_one_valid_chain() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = Store::open(&format!("sqlite:{}", dir.path().join("a.sqlite").display())).await.expect("store");
        let (staff, _) = store.add_staff("Test", Role::Counter, "Test", Utc::now()).await.expect("staff");
        let writer = AuditWriter::default();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..200 {
            let (writer, store) = (writer.clone(), store.clone());
            let entry = NewAudit {
                staff_id: staff.id,
                action: AuditAction::Search,
                purpose: Purpose::CounterVisit,
                criterion: None,
                citizen_ids: Vec::new(),
            };
            tasks.spawn(async move { writer.record(&store, entry, Utc::now()).await });
        }
        while let Some(result) = tasks.join_next().await {
            result.expect("task").expect("committed");
        }
        let report = store.verify_audit(None).await.expect("verify");
        assert_eq!((report.rows, report.head.0), (200, 200), "{report:?}");
        assert!(report.broken.is_none(), "{report:?}");
    }
}
