//! What went wrong on this machine — the outbox journal, a saved receipt, a background task — kept as a kind
//! rather than a sentence, so the console words it in the staff member's language when it draws it. The system's
//! own detail (an operating-system error, say) rides along and is shown after the sentence.

use crate::history::outbox::OutboxError;
use crate::receipt::ReceiptError;

/// A local failure of the outbox or the receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalFailure {
    /// The journal could not be read or written; the detail is the system's.
    OutboxIo(String),
    /// Another console holds the outbox.
    OutboxInUse,
    /// An entry staff acted on is no longer waiting (it was confirmed meanwhile).
    OutboxUnknownEntry,
    /// The session's id is already waiting in the outbox.
    OutboxIdTaken,
    /// The entry is not in a state that allows the action (logging anew, sending again, setting aside).
    OutboxWrongState,
    /// The receipt could not be made into a PDF.
    ReceiptPdf(String),
    /// The receipt (or its contact file) could not be read or written; the detail is the system's.
    ReceiptFile(String),
    /// The background work stopped unexpectedly.
    Task(String),
}

impl From<&OutboxError> for LocalFailure {
    fn from(error: &OutboxError) -> Self {
        match error {
            OutboxError::Io(source) => Self::OutboxIo(source.to_string()),
            OutboxError::InUse => Self::OutboxInUse,
            OutboxError::UnknownEntry(_) => Self::OutboxUnknownEntry,
            OutboxError::IdTaken(_) => Self::OutboxIdTaken,
            OutboxError::NotConflicted(_) | OutboxError::NotRejected(_) | OutboxError::NeedsNoAttention(_) => {
                Self::OutboxWrongState
            }
        }
    }
}

impl From<OutboxError> for LocalFailure {
    fn from(error: OutboxError) -> Self {
        Self::from(&error)
    }
}

impl From<ReceiptError> for LocalFailure {
    fn from(error: ReceiptError) -> Self {
        match error {
            ReceiptError::Pdf(detail) => Self::ReceiptPdf(detail),
            ReceiptError::Read { source, .. } | ReceiptError::Write { source, .. } => {
                Self::ReceiptFile(source.to_string())
            }
            ReceiptError::Contact { message, .. } => Self::ReceiptFile(message),
        }
    }
}

impl From<tokio::task::JoinError> for LocalFailure {
    fn from(error: tokio::task::JoinError) -> Self {
        Self::Task(error.to_string())
    }
}

/// Runs blocking local work off the UI thread; its error and a stopped task both become a [`LocalFailure`].
pub async fn blocking<T, E>(work: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, LocalFailure>
where
    T: Send + 'static,
    E: Into<LocalFailure> + Send + 'static,
{
    tokio::task::spawn_blocking(work).await.map_err(LocalFailure::from).and_then(|r| r.map_err(Into::into))
}
