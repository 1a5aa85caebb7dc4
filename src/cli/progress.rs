//! Progress of long commands on stderr: a bar on a terminal, and a few plain lines when stderr is a pipe or a
//! file, where redrawing in place would run every update together on one line.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A quarter of the work: how often plain lines are written.
const STEP_PERCENT: u64 = 25;

/// Progress towards `total` (when known) of something called `label`. Nothing is shown until the first update.
pub struct Progress {
    label: &'static str,
    total: Option<u64>,
    done: u64,
    shown: Shown,
}

enum Shown {
    Nothing,
    Bar(ProgressBar),
    /// Plain lines: the figure last written, so each is written once.
    Lines(Option<u64>),
}

impl Progress {
    pub fn new(label: &'static str, total: Option<u64>) -> Self {
        Self { label, total: total.filter(|&t| t > 0), done: 0, shown: Shown::Nothing }
    }

    /// The work done so far.
    pub fn set(&mut self, done: u64) {
        if matches!(self.shown, Shown::Nothing) {
            self.shown = if std::io::stderr().is_terminal() { Shown::Bar(self.bar()) } else { Shown::Lines(None) };
        }
        self.done = done;
        let figure = self.figure(done);
        match &mut self.shown {
            Shown::Bar(bar) => bar.set_position(done),
            Shown::Lines(last) => {
                let percent = self.total.is_some();
                let shown = *last.get_or_insert_with(|| {
                    eprintln!("{}", line(self.label, 0, percent));
                    0
                });
                // Then a line each time a quarter is passed; a count without a total waits for `finish`.
                if percent && figure / STEP_PERCENT > shown / STEP_PERCENT {
                    *last = Some(figure);
                    eprintln!("{}", line(self.label, figure, percent));
                }
            }
            Shown::Nothing => {}
        }
    }

    /// Done: the bar is left full on its line, or the last figure written if it was not yet.
    pub fn finish(self) {
        let figure = self.figure(self.done);
        match &self.shown {
            Shown::Nothing => {}
            Shown::Bar(bar) => {
                bar.finish();
                // The bar leaves the cursor at its end; what follows starts on a line of its own.
                eprintln!();
            }
            Shown::Lines(last) => {
                if *last != Some(figure) {
                    eprintln!("{}", line(self.label, figure, self.total.is_some()));
                }
            }
        }
    }

    /// Percent of the total, or the count when there is none.
    fn figure(&self, done: u64) -> u64 {
        self.total.map_or(done, |total| done.min(total) * 100 / total)
    }

    fn bar(&self) -> ProgressBar {
        let target = ProgressDrawTarget::stderr();
        let Some(total) = self.total else {
            let style = ProgressStyle::with_template("{spinner} {msg}: {human_pos}").unwrap_or_else(|_| default());
            return ProgressBar::with_draw_target(None, target).with_style(style).with_message(self.label);
        };
        let style = ProgressStyle::with_template("{msg}: {wide_bar} {percent:>3}%").unwrap_or_else(|_| default());
        ProgressBar::with_draw_target(Some(total), target).with_style(style).with_message(self.label)
    }
}

fn default() -> ProgressStyle {
    ProgressStyle::default_bar()
}

/// `label: 25%`, or `label: 1234` without a total.
fn line(label: &str, figure: u64, percent: bool) -> String {
    if percent { format!("{label}: {figure}%") } else { format!("{label}: {figure}") }
}
