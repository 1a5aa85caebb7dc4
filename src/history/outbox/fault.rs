//! Faults injected into the outbox by crash tests: the process stops at the two moments a crash is hardest to
//! survive, announces it on stderr, and waits to be killed.

use std::time::Duration;

/// Where a crash test stops the process.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// After a session's line is fsync'd, before anyone hears of it.
    StallAfterJournal,
    /// Half-way through writing a session's line (the half is fsync'd).
    StallMidWrite,
}

impl Fault {
    /// The environment variable `session log` reads: `after-journal` or `mid-write`, optionally `@N` to stall on
    /// the N-th session of the run instead of the first.
    pub const ENV: &'static str = "MEDBETJENING_OUTBOX_FAULT";
    /// Starts the line printed to stderr when the process stalls; the session id ends it.
    pub const MARKER: &'static str = "outbox fault injected:";

    /// Parses the value of [`Fault::ENV`] into the fault and the 1-based append it hits.
    #[must_use]
    pub fn parse(text: &str) -> Option<(Self, u32)> {
        let (name, nth) = text.split_once('@').unwrap_or((text, "1"));
        let fault = match name {
            "after-journal" => Self::StallAfterJournal,
            "mid-write" => Self::StallMidWrite,
            _ => return None,
        };
        Some((fault, nth.parse().ok().filter(|&n| n > 0)?))
    }
}

/// Announces an injected fault on stderr and waits to be killed.
pub(super) fn stall(marker: &str) -> ! {
    use std::io::Write;
    let mut stderr = std::io::stderr();
    // The marker is the test's only signal; if stderr is gone there is nobody to tell.
    writeln!(stderr, "{marker}").and_then(|()| stderr.flush()).ok();
    loop {
        std::thread::sleep(Duration::from_hours(1));
    }
}
