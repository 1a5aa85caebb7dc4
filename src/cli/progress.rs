//! Progress of long commands on stderr.

use std::io::Write;

/// A one-line progress indicator on stderr, redrawn in place when the shown figure changes.
pub fn progress_line(label: &'static str, total: Option<u64>) -> impl FnMut(u64) {
    let mut shown = None;
    move |done| {
        let (figure, text) = match total {
            Some(total) if total > 0 => {
                let percent = done.min(total) * 100 / total;
                (percent, format!("\r{label}: {percent}%"))
            }
            _ => (done, format!("\r{label}: {done}")),
        };
        if shown != Some(figure) {
            shown = Some(figure);
            let mut stderr = std::io::stderr();
            // Progress is a courtesy; a closed stderr must not stop the work.
            stderr.write_all(text.as_bytes()).and_then(|()| stderr.flush()).ok();
        }
    }
}
