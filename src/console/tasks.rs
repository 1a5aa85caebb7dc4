//! Background work for the console: every HTTP call runs on a tokio runtime on other threads, and its result
//! comes back over a bounded channel that the UI drains once per frame. The UI thread never waits.

use std::future::Future;

use tokio::runtime::Handle;
use tokio::sync::mpsc;

use crate::history::client::ClientError;

/// Something fetched: not requested yet, on its way (keeping the previous value so the screen does not flicker),
/// here, or failed (keeping the previous value, shown as stale beside the error).
#[derive(Clone, Debug, Default)]
pub enum Loadable<T> {
    #[default]
    NotRequested,
    Pending {
        previous: Option<T>,
    },
    Ready(T),
    Failed {
        error: ClientError,
        previous: Option<T>,
    },
}

impl<T> Loadable<T> {
    /// Marks a new request, keeping whatever value there was.
    pub fn start(&mut self) {
        let previous = std::mem::take(self).into_value();
        *self = Self::Pending { previous };
    }

    /// The current or last known value.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Ready(value) => Some(value),
            Self::Pending { previous } | Self::Failed { previous, .. } => previous.as_ref(),
            Self::NotRequested => None,
        }
    }

    fn into_value(self) -> Option<T> {
        match self {
            Self::Ready(value) => Some(value),
            Self::Pending { previous } | Self::Failed { previous, .. } => previous,
            Self::NotRequested => None,
        }
    }

    /// Stores the answer to the request. The error stays typed, so views can say it in the current language.
    pub fn finish(&mut self, result: Result<T, ClientError>) {
        *self = match result {
            Ok(value) => Self::Ready(value),
            Err(error) => Self::Failed { error, previous: std::mem::take(self).into_value() },
        };
    }

    /// Whether a request is on its way.
    pub fn is_pending(&self) -> bool {
        matches!(self, Self::Pending { .. })
    }

    /// The error of the last request, if it failed.
    pub fn error(&self) -> Option<&ClientError> {
        match self {
            Self::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Runs futures on the background runtime and delivers their results to the UI.
pub struct Tasks<R> {
    runtime: Handle,
    sender: mpsc::Sender<R>,
    receiver: mpsc::Receiver<R>,
    repaint: egui::Context,
}

/// How many results may wait for the UI; senders wait (in the background) beyond that.
const RESULT_QUEUE: usize = 256;

impl<R: Send + 'static> Tasks<R> {
    /// A task runner on `runtime` that wakes `repaint` when a result arrives.
    pub fn new(runtime: Handle, repaint: egui::Context) -> Self {
        let (sender, receiver) = mpsc::channel(RESULT_QUEUE);
        Self { runtime, sender, receiver, repaint }
    }

    /// Runs `work` in the background; its output is delivered by [`Tasks::drain`].
    /// The output may be any type that converts into the reply (a feature's own reply type).
    pub fn spawn<T: Into<R> + Send + 'static>(&self, work: impl Future<Output = T> + Send + 'static) {
        let sender = self.sender.clone();
        let repaint = self.repaint.clone();
        self.runtime.spawn(async move {
            let result = work.await.into();
            // The UI side only goes away when the console closes; then the result has nowhere to go.
            if sender.send(result).await.is_ok() {
                repaint.request_repaint();
            }
        });
    }

    /// A sender for long-running work that reports more than once (progress).
    pub fn sender(&self) -> (mpsc::Sender<R>, egui::Context) {
        (self.sender.clone(), self.repaint.clone())
    }

    /// The background runtime, for work that spawns its own tasks.
    pub fn runtime(&self) -> &Handle {
        &self.runtime
    }

    /// Every result that has arrived, without waiting.
    pub fn drain(&mut self) -> Vec<R> {
        let mut results = Vec::new();
        while let Ok(result) = self.receiver.try_recv() {
            results.push(result);
        }
        results
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loadable_keeps_the_previous_value_while_reloading_and_after_failure() {
        let mut value: Loadable<u32> = Loadable::NotRequested;
        value.start();
        assert!(value.is_pending() && value.value().is_none());
        value.finish(Ok(1));
        assert_eq!(value.value(), Some(&1));
        value.start();
        assert_eq!(value.value(), Some(&1), "stale while reloading");
        value.finish(Err(ClientError::Timeout));
        assert_eq!(value.value(), Some(&1));
        assert!(matches!(value.error(), Some(ClientError::Timeout)));
    }
}
