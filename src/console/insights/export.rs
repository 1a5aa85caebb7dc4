//! The tables on screen as one file: `;`-separated UTF-8 with a byte-order mark, so a spreadsheet with Danish
//! settings opens it with its letters intact. Each table is a block under its title.

use super::InsightsState;
use super::charts::tables;
use crate::domain::Language;

/// The file's text.
#[must_use]
pub fn screen_csv(state: &InsightsState, lang: Language) -> String {
    let t = super::text::insights_text(lang);
    let clean = |cell: &str| cell.replace([';', '\n', '\r'], " ");
    let line = |cells: &[String]| cells.iter().map(|c| clean(c)).collect::<Vec<_>>().join(";");
    let mut text = String::from("\u{feff}");
    for table in tables(state, t, lang) {
        text += &clean(&table.title);
        text += "\r\n";
        text += &line(&table.header);
        text += "\r\n";
        for row in &table.rows {
            text += &line(row);
            text += "\r\n";
        }
        if let Some(note) = &table.note {
            text += &clean(note);
            text += "\r\n";
        }
        text += "\r\n";
    }
    text
}
