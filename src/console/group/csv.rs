//! Reading a group session's participant list from a CSV file, as a library or a volunteer organisation keeps
//! it: a header row naming the columns `navn`/`name`, `cpr` (optional) and `samtykke`/`consent` (ja/nej,
//! yes/no), separated by `;` (as Danish spreadsheets write it), `,`, or a TAB (Excel's "Unicode text", which is
//! UTF-16).
//!
//! Only a participant who said yes keeps their CPR number and name, and only until the console has looked them
//! up. Everyone else is counted and nothing else: their row is dropped as it is read. A row that cannot be read
//! is reported by its line and left out. Problems name the line and the rule, never a value from the file.
//!
//! A list with CPR numbers must name its participants too: the name is what catches a mistyped number before it
//! puts the session in a stranger's history. A file is read only up to [`MAX_FILE_BYTES`] and [`MAX_ROWS`], and
//! in one pass, so a huge or hostile file costs no more than a refusal.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::domain::{Cpr, CprError, GroupPart};

/// The largest participant file read. A list of [`MAX_ROWS`] people fits many times over.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// The most participant rows a file may have: one per participant, and a group has at most that many.
pub const MAX_ROWS: usize = GroupPart::MAX_PARTICIPANTS as usize;

/// A participant who agreed to be identified, as the file names them.
#[derive(Clone, PartialEq, Eq)]
pub struct ConsentingParticipant {
    /// The line of the file the row starts on (the header is line 1).
    pub(super) line: usize,
    /// As the file spells it (never empty); compared with the registry's name to catch a mistyped number.
    pub(super) name: String,
    pub(super) cpr: Cpr,
}

impl std::fmt::Debug for ConsentingParticipant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Test failures and logs must not print who took part.
        f.debug_struct("ConsentingParticipant").field("line", &self.line).finish_non_exhaustive()
    }
}

/// Why one row was left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowProblem {
    /// The row has another number of fields than the header.
    ColumnCount {
        found: usize,
        expected: usize,
    },
    InvalidCpr(CprError),
    /// The CPR number is 9 digits: a spreadsheet read it as a number and dropped its leading 0 (0101901234).
    LeadingZeroDropped,
    /// The participant said yes, but the row has no CPR number to find them by.
    ConsentWithoutCpr,
    /// The participant said yes and has a CPR number, but no name to check the number against.
    ConsentWithoutName,
    /// The consent field is empty or not one of ja/nej/yes/no.
    UnknownConsent,
    /// The same CPR number was on an earlier line.
    DuplicateOf(usize),
    /// The line could not be read as CSV (an unbalanced quote, say).
    Unreadable,
}

/// A row left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineProblem {
    pub(super) line: usize,
    pub(super) problem: RowProblem,
}

/// Why a file could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file could not be read: {0}")]
    Io(String),
    #[error("the file is empty")]
    Empty,
    /// The header has no consent column, so nobody can be identified or counted safely.
    #[error("the header row has no column named samtykke or consent")]
    NoConsentColumn,
    /// CPR numbers without names: a mistyped number could not be told from the right one.
    #[error("the header row has a CPR column but no column named navn or name")]
    NoNameColumn,
    #[error("the file is larger than {} MiB", limit / (1024 * 1024))]
    TooLarge { limit: u64 },
    #[error("the file has more than {limit} rows")]
    TooManyRows { limit: usize },
}

/// What a participant file held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParticipantList {
    pub(super) consenting: Vec<ConsentingParticipant>,
    /// Participants who did not agree to be identified: only counted.
    pub(super) anonymous: u32,
    pub(super) problems: Vec<LineProblem>,
}

impl ParticipantList {
    /// Everyone the file counts: identified or not, leaving out rows that could not be read.
    #[must_use]
    pub fn counted(&self) -> u32 {
        self.anonymous.saturating_add(u32::try_from(self.consenting.len()).unwrap_or(u32::MAX))
    }
}

/// Reads and parses a participant file, reading no more than [`MAX_FILE_BYTES`] of it. Blocking: run it off the
/// UI thread.
pub fn read_participants(path: &Path) -> Result<ParticipantList, ImportError> {
    let file = std::fs::File::open(path).map_err(|e| ImportError::Io(e.to_string()))?;
    let mut bytes = Vec::new();
    // One byte past the limit tells a file at the limit from a larger one without reading the rest of it.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| ImportError::Io(e.to_string()))?;
    parse_participants(&bytes)
}

/// Parses a participant file's bytes: UTF-16 (Excel's "Unicode text"), UTF-8 (with or without a byte-order mark),
/// or else Windows-1252, which older spreadsheet programs still write.
pub fn parse_participants(bytes: &[u8]) -> Result<ParticipantList, ImportError> {
    if u64::try_from(bytes.len()).map_or(true, |length| length > MAX_FILE_BYTES) {
        return Err(ImportError::TooLarge { limit: MAX_FILE_BYTES });
    }
    parse_rows(bytes, MAX_ROWS)
}

/// [`parse_participants`] with the row limit given, so tests can read more rows than a group has.
fn parse_rows(bytes: &[u8], max_rows: usize) -> Result<ParticipantList, ImportError> {
    let text = decode(bytes);
    let first_line = text.lines().find(|l| !l.trim().is_empty()).ok_or(ImportError::Empty)?;
    let delimiter = if first_line.contains(';') {
        b';'
    } else if first_line.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = loop {
        match records.next() {
            Some(Ok(record)) if record.iter().all(str::is_empty) => {}
            Some(Ok(record)) => break record,
            Some(Err(_)) => return Err(ImportError::NoConsentColumn),
            None => return Err(ImportError::Empty),
        }
    };
    let columns = Columns::find(&header)?;
    let mut list = ParticipantList::default();
    let mut seen: HashMap<Cpr, usize> = HashMap::new();
    let mut lines = LineCounter::new(&text);
    let mut rows = 0_usize;
    for record in records {
        let record = match record {
            Ok(record) if record.iter().all(str::is_empty) => continue,
            Ok(record) => record,
            Err(error) => {
                rows += 1;
                if rows > max_rows {
                    return Err(ImportError::TooManyRows { limit: max_rows });
                }
                let line = lines.at(error.position());
                list.problems.push(LineProblem { line, problem: RowProblem::Unreadable });
                continue;
            }
        };
        rows += 1;
        if rows > max_rows {
            return Err(ImportError::TooManyRows { limit: max_rows });
        }
        let line = lines.at(record.position());
        match columns.row(&record, line, &seen) {
            Ok(Row::Anonymous) => list.anonymous = list.anonymous.saturating_add(1),
            Ok(Row::Consenting(participant)) => {
                seen.insert(participant.cpr, line);
                list.consenting.push(participant);
            }
            Err(problem) => list.problems.push(LineProblem { line, problem }),
        }
    }
    Ok(list)
}

/// The line of the text a record starts on, as an editor numbers it. The reader's own count leaves out line breaks
/// inside quoted fields, and its position of a record after blank lines is where those lines begin.
///
/// Records come in the order of the text, so each count goes on from where the last one stopped: the whole file
/// is walked once, however many rows it has (counting from the start for every row made a long file quadratic).
struct LineCounter<'t> {
    bytes: &'t [u8],
    /// Where the last record started, and its line.
    offset: usize,
    pub(super) line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        Self { bytes: text.as_bytes(), offset: 0, line: 1 }
    }

    #[allow(clippy::naive_bytecount)] // A file of at most a few megabytes does not need another crate for this.
    fn at(&mut self, position: Option<&csv::Position>) -> usize {
        let bytes = self.bytes;
        let mut start = position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX)).min(bytes.len());
        while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        let newlines = |range: &[u8]| range.iter().filter(|b| **b == b'\n').count();
        if start >= self.offset {
            self.line += newlines(&bytes[self.offset..start]);
        } else {
            // The reader never goes back, but a count that did would still be right.
            self.line -= newlines(&bytes[start..self.offset]);
        }
        self.offset = start;
        self.line
    }
}

fn decode(bytes: &[u8]) -> String {
    if let Some(text) = crate::encoding::decode_utf16(bytes) {
        return text;
    }
    let bytes = bytes.strip_prefix(crate::encoding::UTF8_BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|b| windows_1252(*b)).collect(),
    }
}

/// One byte of Windows-1252: Latin-1, except for the printable characters it puts at 0x80–0x9F.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// Where the columns are, by their header names in either language.
struct Columns {
    count: usize,
    pub(super) name: Option<usize>,
    pub(super) cpr: Option<usize>,
    consent: usize,
}

enum Row {
    Anonymous,
    Consenting(ConsentingParticipant),
}

impl Columns {
    fn find(header: &csv::StringRecord) -> Result<Self, ImportError> {
        let position = |names: &[&str]| header.iter().position(|h| names.contains(&h.to_lowercase().as_str()));
        let columns = Self {
            count: header.len(),
            name: position(&["navn", "name"]),
            cpr: position(&["cpr", "cpr-nummer", "cpr-nr", "cpr number"]),
            consent: position(&["samtykke", "consent"]).ok_or(ImportError::NoConsentColumn)?,
        };
        if columns.cpr.is_some() && columns.name.is_none() {
            return Err(ImportError::NoNameColumn);
        }
        Ok(columns)
    }

    fn row(&self, record: &csv::StringRecord, line: usize, seen: &HashMap<Cpr, usize>) -> Result<Row, RowProblem> {
        if record.len() != self.count {
            return Err(RowProblem::ColumnCount { found: record.len(), expected: self.count });
        }
        let field = |index: Option<usize>| index.and_then(|i| record.get(i)).unwrap_or_default();
        let consent = match field(Some(self.consent)).to_lowercase().as_str() {
            "ja" | "yes" => true,
            "nej" | "no" => false,
            _ => return Err(RowProblem::UnknownConsent),
        };
        if !consent {
            // Counted only: the name and number are not kept, not even checked.
            return Ok(Row::Anonymous);
        }
        let cpr_text = field(self.cpr);
        if cpr_text.is_empty() {
            return Err(RowProblem::ConsentWithoutCpr);
        }
        // The name is all that can catch a mistyped number, so a participant without one is not looked up.
        let name = field(self.name);
        if name.is_empty() {
            return Err(RowProblem::ConsentWithoutName);
        }
        if cpr_text.len() == 9 && cpr_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RowProblem::LeadingZeroDropped);
        }
        let cpr = Cpr::parse(cpr_text).map_err(RowProblem::InvalidCpr)?;
        if let Some(earlier) = seen.get(&cpr) {
            return Err(RowProblem::DuplicateOf(*earlier));
        }
        Ok(Row::Consenting(ConsentingParticipant { line, name: name.to_owned(), cpr }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ParticipantList {
        parse_participants(text.as_bytes()).expect("a readable file")
    }

    #[test]
    fn consenting_rows_are_kept_and_the_rest_only_counted() {
        let list = parse(
            "navn;cpr;samtykke\n\
             Søren Østergaard;070761-4285;ja\n\
             Karen Abildgaard;1512701234;Ja\n\
             Anonym Person;0101901234;nej\n\
             Uden CPR;;NEJ\n",
        );
        let lines: Vec<usize> = list.consenting.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 3]);
        assert_eq!(list.consenting[0].name, "Søren Østergaard");
        assert_eq!(list.consenting[0].cpr, Cpr::parse("0707614285").expect("cpr"));
        assert_eq!((list.anonymous, list.counted()), (2, 4));
        assert!(list.problems.is_empty(), "{:?}", list.problems);
    }

    #[test]
    fn bad_rows_are_reported_by_line_and_left_out() {
        let list = parse(
            "name,cpr,consent\n\
             A,3102991234,yes\n\
             B,0707614285,maybe\n\
             C,0707614285\n\
             D,,yes\n\
             E,070761-4285,yes\n\
             F,0707614285,yes\n\
             G,12345,yes\n",
        );
        assert_eq!(
            list.problems,
            [
                LineProblem { line: 2, problem: RowProblem::InvalidCpr(CprError::InvalidDay) },
                LineProblem { line: 3, problem: RowProblem::UnknownConsent },
                LineProblem { line: 4, problem: RowProblem::ColumnCount { found: 2, expected: 3 } },
                LineProblem { line: 5, problem: RowProblem::ConsentWithoutCpr },
                LineProblem { line: 7, problem: RowProblem::DuplicateOf(6) },
                LineProblem { line: 8, problem: RowProblem::InvalidCpr(CprError::WrongLength { found: 5 }) },
            ]
        );
        assert_eq!(list.consenting.len(), 1);
        assert_eq!(list.anonymous, 0);
    }

    #[test]
    fn quoted_fields_may_hold_the_separator_and_span_lines() {
        let list = parse(
            "\u{feff}\"Navn\";\"CPR\";\"Samtykke\"\n\
             \"Østergaard; Søren\";\"070761-4285\";\"ja\"\n\
             \"Hansen,\nAnna\";\"\";\"nej\"\n\
             \n\
             Karen;1512701234;ja\n",
        );
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(list.consenting.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 6]);
        assert_eq!(list.consenting[0].name, "Østergaard; Søren");
        assert_eq!(list.anonymous, 1);
    }

    #[test]
    fn lines_are_counted_as_an_editor_shows_them() {
        let list = parse("navn;cpr;samtykke\r\nA;;nej\r\n\r\n\r\nB;3102991234;ja\r\n");
        assert_eq!(list.problems, [LineProblem { line: 5, problem: RowProblem::InvalidCpr(CprError::InvalidDay) }]);
        assert_eq!(list.anonymous, 1);
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_and_the_cpr_column_is_optional() {
        let list = parse("Consent,Name\nno,A\nno,B\nyes,C\n");
        assert_eq!(list.anonymous, 2);
        assert_eq!(list.problems, [LineProblem { line: 4, problem: RowProblem::ConsentWithoutCpr }]);
        assert_eq!(parse_participants(b"navn;cpr\nA;0707614285\n"), Err(ImportError::NoConsentColumn));
        assert_eq!(parse_participants(b"\n  \n"), Err(ImportError::Empty));
    }

    #[test]
    fn cpr_numbers_without_names_are_never_looked_up() {
        for file in ["cpr;samtykke\n0707614285;ja\n", "Consent,CPR\nyes,0707614285\n"] {
            assert_eq!(parse_participants(file.as_bytes()), Err(ImportError::NoNameColumn), "{file}");
        }
        let list = parse("navn;cpr;samtykke\n;0707614285;ja\n  ;1512701234;ja\nKaren;1512701234;ja\n");
        let problem = |line| LineProblem { line, problem: RowProblem::ConsentWithoutName };
        assert_eq!(list.problems, [problem(2), problem(3)]);
        assert_eq!(list.consenting.iter().map(|p| p.line).collect::<Vec<_>>(), [4]);
    }

    #[test]
    fn a_long_file_is_numbered_in_one_pass() {
        use std::fmt::Write;
        // Counting lines from the start of the text for every row took minutes for a file this long.
        let rows = 50_000;
        let mut text = String::from("navn;cpr;samtykke\n");
        for row in 1..=rows {
            let consent = if row % 10_000 == 0 { "måske" } else { "nej" };
            writeln!(text, "Deltager {row};;{consent}").expect("a String takes any text");
            if row % 7 == 0 {
                text.push_str("\r\n");
            }
        }
        let list = parse_rows(text.as_bytes(), usize::MAX).expect("read");
        let line = |row: usize| 1 + row + row / 7;
        let expected: Vec<LineProblem> =
            (1..=5).map(|i| LineProblem { line: line(i * 10_000), problem: RowProblem::UnknownConsent }).collect();
        assert_eq!(list.problems, expected);
        assert_eq!(list.anonymous, 49_995);
    }

    #[test]
    fn a_file_with_more_rows_than_a_group_has_is_refused_by_its_limit() {
        let file = |rows: usize| format!("navn;cpr;samtykke\n{}", "Deltager;;nej\n\n".repeat(rows));
        assert_eq!(parse(&file(MAX_ROWS)).anonymous, 500, "blank lines are not rows");
        assert_eq!(parse_participants(file(MAX_ROWS + 1).as_bytes()), Err(ImportError::TooManyRows { limit: 500 }));
        let one_bad_row_more = format!("{}Deltager\n", file(MAX_ROWS));
        assert_eq!(parse_participants(one_bad_row_more.as_bytes()), Err(ImportError::TooManyRows { limit: 500 }));
    }

    #[test]
    fn a_file_larger_than_the_limit_is_refused_without_being_read_whole() {
        let mut at_limit = b"navn;cpr;samtykke\nA;;nej\n".to_vec();
        at_limit.resize(usize::try_from(MAX_FILE_BYTES).expect("fits"), b'\n');
        assert_eq!(parse_participants(&at_limit).map(|l| l.anonymous), Ok(1));
        at_limit.push(b'\n');
        assert_eq!(parse_participants(&at_limit), Err(ImportError::TooLarge { limit: MAX_FILE_BYTES }));

        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("deltagere.csv");
        let file = std::fs::File::create(&path).expect("file");
        // Sparse: 4 GiB on paper and nothing on disk; reading it all would take the memory with it.
        file.set_len(1 << 32).expect("sparse length");
        assert_eq!(read_participants(&path), Err(ImportError::TooLarge { limit: MAX_FILE_BYTES }));
        assert_eq!(ImportError::TooLarge { limit: MAX_FILE_BYTES }.to_string(), "the file is larger than 5 MiB");
    }

    #[test]
    fn an_old_spreadsheet_encoding_is_read_too() {
        let list = parse_participants(b"navn;cpr;samtykke\nS\xF8ren \xD8stergaard;0707614285;ja\n").expect("read");
        assert_eq!(list.consenting[0].name, "Søren Østergaard");
    }

    /// `text` as Excel's "Unicode text" saves it: UTF-16 little-endian with a byte-order mark.
    fn unicode_text(text: &str) -> Vec<u8> {
        [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()
    }

    #[test]
    fn excels_unicode_text_is_read_with_its_tabs() {
        let file = unicode_text("Navn\tCPR\tSamtykke\r\nSøren Østergaard\t070761-4285\tja\r\nAnna\t\tnej\r\n");
        let list = parse_participants(&file).expect("read");
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(
            list.consenting.iter().map(|p| (p.line, p.name.as_str())).collect::<Vec<_>>(),
            [(2, "Søren Østergaard")]
        );
        assert_eq!(list.consenting[0].cpr, Cpr::parse("0707614285").expect("cpr"));
        assert_eq!(list.anonymous, 1);
        let tabs_in_utf8 = parse("navn\tcpr\tsamtykke\nKaren\t1512701234\tja\n");
        assert_eq!((tabs_in_utf8.consenting.len(), tabs_in_utf8.problems.len()), (1, 0));
    }

    #[test]
    fn a_cpr_number_that_lost_its_leading_zero_is_named_as_such() {
        let list = parse_participants(&unicode_text("navn\tcpr\tsamtykke\nAnna\t101901234\tja\nB\t10190123\tja\n"))
            .expect("read");
        assert_eq!(
            list.problems,
            [
                LineProblem { line: 2, problem: RowProblem::LeadingZeroDropped },
                LineProblem { line: 3, problem: RowProblem::InvalidCpr(CprError::WrongLength { found: 8 }) },
            ]
        );
        assert!(!format!("{list:?}").contains("101901234"), "the digits are not kept");
        let typed = parse("navn;cpr;samtykke\nAnna;010190-123;ja\n");
        assert_eq!(typed.problems[0].problem, RowProblem::InvalidCpr(CprError::WrongLength { found: 9 }), "a typo");
        for lang in [crate::domain::Language::Da, crate::domain::Language::En] {
            let text = super::super::text::group_text(lang);
            let message =
                text.problem(&super::super::GroupProblem::Row(RowProblem::LeadingZeroDropped), |_| String::new());
            assert!(message.contains('9') && message.contains('0'), "{message}");
            assert!(!message.contains("101901234"), "{message}");
        }
    }

    #[test]
    fn debug_output_names_no_participant() {
        let list = parse("navn;cpr;samtykke\nSøren Østergaard;070761-4285;ja\n");
        let shown = format!("{list:?}");
        assert!(!shown.contains("Søren") && !shown.contains("4285"), "{shown}");
    }
}
