//! Loading and checking the guide library.
//!
//! Every problem is reported, not just the first, each with file, line and field; a guide with an error is left
//! out of the library and the rest still load. The same checks run for `medbetjening guides check` and in the
//! console. Reading files is the caller's business: this module sees file names and their text.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{Months, NaiveDate};
use toml::Spanned;

use super::format::{Bilingual, BranchOption, End, Guide, Login, Solution, Step, Target, Then, raw};
use crate::domain::{AuthorityCatalog, KleCatalog, LinkKind, Outcome, check_link};
use crate::encoding::{EncodingError, decode_utf8_text, strip_bom};

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    /// Worth fixing, but the guide still loads (an old `reviewed` date).
    Warning,
}

/// One problem in one guide file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub field: String,
    pub message: String,
    pub severity: Severity,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.severity == Severity::Error { "error" } else { "warning" };
        write!(f, "{}:{}: {kind}: {}: {}", self.file.display(), self.line, self.field, self.message)
    }
}

/// A guide file's name and contents.
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// Every `*.toml` in `dir` (any case, as Windows may name it), sorted by name, read. A file that is not UTF-8
/// (Notepad's "ANSI" or "Unicode") is not read but reported, so the rest still load; a UTF-8 BOM is dropped.
pub(crate) fn read_sources(dir: &Path) -> std::io::Result<(Vec<Source>, Vec<Problem>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")))
        .collect();
    paths.sort();
    let (mut sources, mut unreadable) = (Vec::new(), Vec::new());
    for path in paths {
        let bytes = std::fs::read(&path)?;
        match decode_utf8_text(&bytes) {
            Ok(text) => sources.push(Source { path, text }),
            Err(encoding) => {
                let line = match encoding {
                    // The line the first foreign byte is on: one more than the line breaks before it.
                    EncodingError::NotUtf8 { byte_offset } => bytes[..byte_offset].split(|b| *b == b'\n').count(),
                    EncodingError::Utf16 { .. } => 1,
                };
                unreadable.push(error(&path, line, "(file)", encoding.to_string()));
            }
        }
    }
    Ok((sources, unreadable))
}

/// The checked guides and every problem found.
#[derive(Clone, Debug, Default)]
pub struct Library {
    pub guides: Vec<Guide>,
    pub problems: Vec<Problem>,
}

/// What the checks need besides the files.
pub struct CheckContext<'a> {
    pub authorities: &'a AuthorityCatalog,
    pub today: NaiveDate,
    /// Where a step's image is, or why it cannot be shown: [`resolve_image`] against the guide directory's
    /// parent, or a stand-in in tests. Only called for a path [`image_path`] accepted.
    pub resolve_image: &'a dyn Fn(&str) -> Result<PathBuf, ImageError>,
}

/// The directory under the guides' root that step images must stay inside.
pub const IMAGE_DIR: &str = "assets";

/// Why a step's `image` cannot be shown.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// Not a plain relative path under `assets/`: absolute, with `..`, a drive letter or a backslash.
    #[error("give a path under assets/ with '/' between names, without '..', '\\' or a drive letter")]
    NotUnderAssets,
    #[error("no image there")]
    Missing,
    /// The path is written under `assets/`, but a link takes it elsewhere.
    #[error("the path leads outside assets/ (through a link)")]
    Escapes,
}

/// The checks a step's `image` must pass before it touches the file system: a relative path of plain names
/// under `assets/`, separated by `/`. A `..`, a root, a drive letter (`C:`), a backslash (which Windows reads as
/// a separator) or an empty name is refused, so joining the path to the guides' root cannot leave `assets/`.
pub fn image_path(image: &str) -> Result<&Path, ImageError> {
    if image.contains(['\\', ':', '\0']) {
        return Err(ImageError::NotUnderAssets);
    }
    let mut names = image.split('/');
    let plain = |name: &str| !name.is_empty() && name != "." && name != "..";
    if names.next() != Some(IMAGE_DIR) || !names.clone().all(plain) || names.next().is_none() {
        return Err(ImageError::NotUnderAssets);
    }
    let path = Path::new(image);
    // Belt and braces: the platform's own reading of the path must agree that it is only plain names.
    if !path.components().all(|c| matches!(c, std::path::Component::Normal(_))) {
        return Err(ImageError::NotUnderAssets);
    }
    Ok(path)
}

/// Where a guide image is on disk: `image` (see [`image_path`]) under `root`, the guide directory's parent, and
/// only if the file, with every link followed, is inside `root/assets`. The checks and the console both load
/// images through this, so neither can be pointed at another file.
pub fn resolve_image(root: &Path, image: &str) -> Result<PathBuf, ImageError> {
    let relative = image_path(image)?;
    let assets = root.join(IMAGE_DIR).canonicalize().map_err(|_| ImageError::Missing)?;
    let resolved = root.join(relative).canonicalize().map_err(|_| ImageError::Missing)?;
    if !resolved.starts_with(&assets) {
        return Err(ImageError::Escapes);
    }
    if !resolved.is_file() {
        return Err(ImageError::Missing);
    }
    Ok(resolved)
}

impl Library {
    /// Checks every source and builds the library from the guides without errors.
    #[must_use]
    pub fn check(sources: &[Source], context: &CheckContext<'_>) -> Self {
        let mut problems = Vec::new();
        let mut results: Vec<(Guide, Vec<GuideRef>, bool, PathBuf, usize)> = Vec::new();
        for source in sources {
            let mut checker = Checker::new(&source.path, &source.text);
            let guide = checker.guide(context);
            let clean = !checker.problems.iter().any(|p| p.severity == Severity::Error);
            problems.append(&mut checker.problems);
            if let Some((guide, id_line)) = guide {
                results.push((guide, checker.refs, clean, source.path.clone(), id_line));
            }
        }
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        for (guide, _, clean, path, line) in &mut results {
            if let Some(first) = seen.get(&guide.id) {
                problems.push(error(
                    path,
                    *line,
                    "id",
                    format!("duplicate guide id '{}' (also in {})", guide.id, first.display()),
                ));
                *clean = false;
            } else {
                seen.insert(guide.id.clone(), path.clone());
            }
        }
        for (_, refs, clean, path, _) in &mut results {
            for reference in refs.iter().filter(|r| !seen.contains_key(&r.target)) {
                problems.push(error(
                    path,
                    reference.line,
                    &reference.field,
                    format!("no guide has the id '{}'", reference.target),
                ));
                *clean = false;
            }
        }
        let guides = results.into_iter().filter(|(_, _, clean, _, _)| *clean).map(|(guide, ..)| guide).collect();
        Self { guides, problems }
    }

    /// Reads every `*.toml` in `dir` (sorted by name) and checks them; images are looked up next to `dir`. A file
    /// in another encoding than UTF-8 is reported first and left out.
    pub fn load(dir: &Path, authorities: &AuthorityCatalog, today: NaiveDate) -> std::io::Result<Self> {
        let (sources, unreadable) = read_sources(dir)?;
        let root = dir.parent().map(Path::to_path_buf).unwrap_or_default();
        let resolve = |image: &str| resolve_image(&root, image);
        let mut library = Self::check(&sources, &CheckContext { authorities, today, resolve_image: &resolve });
        library.problems.splice(0..0, unreadable);
        Ok(library)
    }

    /// The guide with this id.
    #[must_use]
    pub fn guide(&self, id: &str) -> Option<&Guide> {
        self.guides.iter().find(|g| g.id == id)
    }

    /// The problems that keep a guide out.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.severity == Severity::Error)
    }
}

fn error(file: &Path, line: usize, field: &str, message: impl Into<String>) -> Problem {
    Problem {
        file: file.to_path_buf(),
        line,
        field: field.to_owned(),
        message: message.into(),
        severity: Severity::Error,
    }
}

/// A link to another guide, checked once every guide is known.
struct GuideRef {
    target: String,
    line: usize,
    field: String,
}

/// Checks one file: every problem with its line and field. Practice scenarios (`super::scenario`) are checked with
/// the same helpers, so both report alike.
pub(super) struct Checker<'a> {
    file: &'a Path,
    text: &'a str,
    problems: Vec<Problem>,
    refs: Vec<GuideRef>,
    /// A step's links are broken, so a reachability analysis would only repeat that as noise.
    broken_links: bool,
}

/// The parts of a guide that are read while checking its steps.
struct StepContext<'a> {
    ids: &'a HashSet<String>,
    context: &'a CheckContext<'a>,
}

pub(super) fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl<'a> Checker<'a> {
    pub(super) fn new(file: &'a Path, text: &'a str) -> Self {
        // A BOM is no TOML; without it every span, and so every line, is still counted from the first character.
        let text = strip_bom(text);
        Self { file, text, problems: Vec::new(), refs: Vec::new(), broken_links: false }
    }

    /// The problems found so far.
    pub(super) fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// The file's name without `.toml`: what its id must be.
    pub(super) fn file_stem(&self) -> String {
        self.file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned()
    }

    /// Where a table's `[name]` header is: a key missing from the table is reported there, since the table's own
    /// span starts at its first key.
    pub(super) fn header(&self, name: &str, table: &Range<usize>) -> Range<usize> {
        let header = format!("[{name}]");
        self.text[..table.start.min(self.text.len())].rfind(&header).map_or_else(|| table.clone(), |at| at..at)
    }

    /// How many errors were found so far.
    pub(super) fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }

    /// The file as written, or `None` with the parser's complaint (bad TOML, an unknown field) reported.
    pub(super) fn parse<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        match toml::from_str(self.text) {
            Ok(raw) => Some(raw),
            Err(error) => {
                let span = error.span().unwrap_or(0..0);
                let message = error.message().replace('\n', " ");
                self.fail(&span, "(file)", message.trim().to_owned());
                None
            }
        }
    }

    pub(super) fn line(&self, span: &Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())].bytes().filter(|b| *b == b'\n').count() + 1
    }

    pub(super) fn report(&mut self, span: &Range<usize>, field: &str, message: impl Into<String>, severity: Severity) {
        let line = self.line(span);
        self.problems.push(Problem {
            file: self.file.to_path_buf(),
            line,
            field: field.to_owned(),
            message: message.into(),
            severity,
        });
    }

    pub(super) fn fail(&mut self, span: &Range<usize>, field: &str, message: impl Into<String>) {
        self.report(span, field, message, Severity::Error);
    }

    pub(super) fn required<'v, T>(
        &mut self,
        value: Option<&'v Spanned<T>>,
        parent: &Range<usize>,
        field: &str,
    ) -> Option<&'v Spanned<T>> {
        if value.is_none() {
            self.fail(parent, field, "missing");
        }
        value
    }

    pub(super) fn text(&mut self, value: Option<&Spanned<raw::Text>>, parent: &Range<usize>, field: &str) -> Bilingual {
        let Some(value) = self.required(value, parent, field) else { return Bilingual::default() };
        self.bilingual(value, field)
    }

    pub(super) fn bilingual(&mut self, value: &Spanned<raw::Text>, field: &str) -> Bilingual {
        let mut pick = |text: Option<&Spanned<String>>, lang: &str| match text {
            Some(t) if !t.get_ref().trim().is_empty() => t.get_ref().trim().to_owned(),
            Some(t) => {
                self.fail(&t.span(), &format!("{field}.{lang}"), "empty text");
                String::new()
            }
            None => {
                let language = if lang == "da" { "Danish" } else { "English" };
                self.fail(&value.span(), &format!("{field}.{lang}"), format!("missing {language} text"));
                String::new()
            }
        };
        let raw = value.get_ref();
        Bilingual { da: pick(raw.da.as_ref(), "da"), en: pick(raw.en.as_ref(), "en") }
    }

    pub(super) fn texts(&mut self, values: &[Spanned<raw::Text>], field: &str) -> Vec<Bilingual> {
        values.iter().enumerate().map(|(i, v)| self.bilingual(v, &format!("{field}[{i}]"))).collect()
    }

    /// A guide's addresses become links in the console and on receipts, so they follow the one link rule
    /// (`domain::link`), and must moreover be web pages on a named host: no `tel:` or `mailto:` here.
    fn url(&mut self, value: &Spanned<String>, field: &str) -> String {
        let link = value.get_ref();
        let web = check_link(link) == Ok(LinkKind::Web)
            && url::Url::parse(link).is_ok_and(|u| u.host_str().is_some_and(|h| h.contains('.')));
        if !web {
            let message = format!("'{link}' is not a web address: only https://… links are allowed");
            self.fail(&value.span(), field, message);
        }
        link.clone()
    }

    /// Checks a whole file; returns the guide (even with errors, for library-level checks) and its id's line.
    fn guide(&mut self, context: &CheckContext<'_>) -> Option<(Guide, usize)> {
        let raw: raw::Guide = self.parse()?;
        let whole = 0..0;
        let id_value = self.required(raw.id.as_ref(), &whole, "id");
        let id = id_value.map(|v| v.get_ref().clone()).unwrap_or_default();
        let id_line = id_value.map_or(1, |v| self.line(&v.span()));
        if let Some(value) = id_value {
            let stem = self.file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            if !valid_id(&id) {
                self.fail(&value.span(), "id", "use lower-case letters, digits and '-'");
            } else if stem != id {
                self.fail(&value.span(), "id", format!("must match the file name ({stem}.toml has id '{id}')"));
            }
        }
        let version = match self.required(raw.version.as_ref(), &whole, "version") {
            Some(v) if *v.get_ref() >= 1 => u32::try_from(*v.get_ref()).unwrap_or(1),
            Some(v) => {
                self.fail(&v.span(), "version", "must be 1 or more");
                1
            }
            None => 1,
        };
        let reviewed = self.reviewed(raw.reviewed.as_ref(), context.today);
        if raw.sources.is_empty() {
            self.fail(&whole, "sources", "give at least one source URL the facts were checked against");
        }
        let sources = raw.sources.iter().enumerate().map(|(i, s)| self.url(s, &format!("sources[{i}]"))).collect();
        let title = self.text(raw.title.as_ref(), &whole, "title");
        let summary = self.text(raw.summary.as_ref(), &whole, "summary");
        let suits = self.text(raw.suits.as_ref(), &whole, "suits");
        let solution = self.solution(raw.solution.as_ref(), context);
        let kle = raw
            .kle
            .iter()
            .enumerate()
            .filter_map(|(i, k)| match KleCatalog::builtin().topic(k.get_ref()) {
                Ok(topic) => Some(topic),
                Err(e) => {
                    self.fail(&k.span(), &format!("kle[{i}]"), e.to_string());
                    None
                }
            })
            .collect();
        if raw.kle.is_empty() {
            self.fail(&whole, "kle", "give at least one KLE topic (e.g. \"23.05.10\")");
        }
        let prerequisites = self.texts(&raw.prerequisites, "prerequisites");
        let (keywords_da, keywords_en) = raw.keywords.map(|k| (k.da, k.en)).unwrap_or_default();
        let steps = self.steps(&raw.steps, context);
        let start = self.required(raw.start.as_ref(), &whole, "start").map(|s| (s.get_ref().clone(), s.span()));
        let guide = Guide {
            id,
            version,
            reviewed,
            sources,
            title,
            summary,
            keywords_da,
            keywords_en,
            solution,
            kle,
            suits,
            prerequisites,
            start: start.as_ref().map(|(s, _)| s.clone()).unwrap_or_default(),
            steps,
        };
        if let Some((start, span)) = start
            && !self.broken_links
        {
            self.flow(&guide, &raw.steps, &start, &span);
        }
        Some((guide, id_line))
    }

    fn reviewed(&mut self, value: Option<&Spanned<toml::value::Datetime>>, today: NaiveDate) -> NaiveDate {
        let Some(value) = self.required(value, &(0..0), "reviewed") else { return today };
        let date = value
            .get_ref()
            .date
            .and_then(|d| NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)));
        let Some(date) = date else {
            self.fail(&value.span(), "reviewed", "write a date: reviewed = 2026-11-26");
            return today;
        };
        if today.checked_sub_months(Months::new(12)).is_some_and(|limit| date < limit) {
            let message =
                format!("reviewed on {date}, more than 12 months ago: check the facts against the sources again");
            self.report(&value.span(), "reviewed", message, Severity::Warning);
        }
        date
    }

    fn solution(&mut self, value: Option<&Spanned<raw::Solution>>, context: &CheckContext<'_>) -> Solution {
        let empty = Solution {
            name: Bilingual::default(),
            url: String::new(),
            authority: crate::domain::AuthorityId(String::new()),
            login: Login::None,
        };
        let Some(value) = self.required(value, &(0..0), "solution") else { return empty };
        let (raw, span) = (value.get_ref(), value.span());
        let name = self.text(raw.name.as_ref(), &span, "solution.name");
        let url = self
            .required(raw.url.as_ref(), &span, "solution.url")
            .map(|u| self.url(u, "solution.url"))
            .unwrap_or_default();
        let mut authority = empty.authority.clone();
        if let Some(a) = self.required(raw.authority.as_ref(), &span, "solution.authority") {
            if let Some(known) = context.authorities.get(a.get_ref()) {
                authority = known.id.clone();
            } else {
                let message = format!("unknown authority '{}'; see assets/authorities.tsv", a.get_ref());
                self.fail(&a.span(), "solution.authority", message);
            }
        }
        let login = match self
            .required(raw.login.as_ref(), &span, "solution.login")
            .map(|l| (l.get_ref().as_str(), l.span()))
        {
            Some(("mitid", _)) => Login::Mitid,
            Some(("booking", _)) => Login::Booking,
            Some(("in_person", _)) => Login::InPerson,
            Some((other, span)) if other != "none" => {
                self.fail(&span, "solution.login", format!("'{other}' is not one of mitid, booking, in_person, none"));
                Login::None
            }
            _ => Login::None,
        };
        Solution { name, url, authority, login }
    }

    fn steps(&mut self, steps: &[Spanned<raw::Step>], context: &CheckContext<'_>) -> Vec<Step> {
        if steps.is_empty() {
            self.fail(&(0..0), "steps", "a guide needs at least one step");
        }
        let mut ids = HashSet::new();
        for (i, step) in steps.iter().enumerate() {
            if let Some(id) = &step.get_ref().id
                && !ids.insert(id.get_ref().clone())
            {
                self.fail(&id.span(), &format!("steps[{i}].id"), format!("duplicate step id '{}'", id.get_ref()));
            }
        }
        let shared = StepContext { ids: &ids, context };
        steps.iter().enumerate().map(|(i, step)| self.step(i, step, &shared)).collect()
    }

    fn step(&mut self, index: usize, value: &Spanned<raw::Step>, shared: &StepContext<'_>) -> Step {
        let (raw, span) = (value.get_ref(), value.span());
        let id = self
            .required(raw.id.as_ref(), &span, &format!("steps[{index}].id"))
            .map(|v| v.get_ref().clone())
            .unwrap_or_default();
        let field =
            |name: &str| if id.is_empty() { format!("steps[{index}].{name}") } else { format!("steps[{id}].{name}") };
        if !id.is_empty() && !valid_id(&id) {
            self.fail(&span, &field("id"), "use lower-case letters, digits and '-'");
        }
        let image = raw.image.as_ref().map(|image| {
            let path = image.get_ref();
            if let Err(problem) = image_path(path).and_then(|_| (shared.context.resolve_image)(path)) {
                self.fail(&image.span(), &field("image"), format!("'{path}': {problem}"));
            }
            path.clone()
        });
        let then = self.then(raw, &span, &field, shared.ids);
        Step {
            title: self.text(raw.title.as_ref(), &span, &field("title")),
            say: self.text(raw.say.as_ref(), &span, &field("say")),
            screen: self.text(raw.screen.as_ref(), &span, &field("screen")),
            tips: self.texts(&raw.tips, &field("tips")),
            pitfalls: self.texts(&raw.pitfalls, &field("pitfalls")),
            checks: self.texts(&raw.checks, &field("checks")),
            image,
            mitid: raw.mitid,
            then,
            id,
        }
    }

    fn step_target(&mut self, value: &Spanned<String>, field: &str, ids: &HashSet<String>) -> String {
        if !ids.contains(value.get_ref()) {
            self.broken_links = true;
            self.fail(&value.span(), field, format!("no step has the id '{}'", value.get_ref()));
        }
        value.get_ref().clone()
    }

    fn then(
        &mut self,
        raw: &raw::Step,
        span: &Range<usize>,
        field: &dyn Fn(&str) -> String,
        ids: &HashSet<String>,
    ) -> Then {
        match (&raw.next, &raw.branch, &raw.end) {
            (Some(next), None, None) => Then::Next(self.step_target(next, &field("next"), ids)),
            (None, Some(branch), None) => {
                let (raw_branch, branch_span) = (branch.get_ref(), branch.span());
                let question = self.text(raw_branch.question.as_ref(), &branch_span, &field("branch.question"));
                if raw_branch.options.len() < 2 {
                    self.fail(&branch_span, &field("branch.options"), "a branch needs at least two options");
                }
                let options = raw_branch
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, option)| self.option(option, &field(&format!("branch.options[{i}]")), ids))
                    .collect();
                Then::Branch { question, options }
            }
            (None, None, Some(end)) => Then::End(self.end(end, &field("end"))),
            (None, None, None) => {
                self.broken_links = true;
                self.fail(span, &field("next"), "a step needs one of next, branch or end");
                Then::Next(String::new())
            }
            _ => {
                self.broken_links = true;
                self.fail(span, &field("next"), "give only one of next, branch or end");
                Then::Next(String::new())
            }
        }
    }

    fn option(&mut self, value: &Spanned<raw::BranchOption>, field: &str, ids: &HashSet<String>) -> BranchOption {
        let (raw, span) = (value.get_ref(), value.span());
        let label = self.text(raw.label.as_ref(), &span, &format!("{field}.label"));
        let target = match (&raw.goto, &raw.guide, &raw.end) {
            (Some(goto), None, None) => Target::Step(self.step_target(goto, &format!("{field}.goto"), ids)),
            (None, Some(guide), None) => {
                self.refs.push(GuideRef {
                    target: guide.get_ref().clone(),
                    line: self.line(&guide.span()),
                    field: format!("{field}.guide"),
                });
                let return_to = if let Some(r) = &raw.return_to {
                    self.step_target(r, &format!("{field}.return_to"), ids)
                } else {
                    self.broken_links = true;
                    let message = "a link to another guide needs return_to (the step to come back to)";
                    self.fail(&span, &format!("{field}.return_to"), message);
                    String::new()
                };
                Target::Guide { guide: guide.get_ref().clone(), return_to }
            }
            (None, None, Some(end)) => Target::End(self.end(end, &format!("{field}.end"))),
            _ => {
                self.broken_links = true;
                self.fail(&span, &format!("{field}.goto"), "give exactly one of goto, guide or end");
                Target::Step(String::new())
            }
        };
        BranchOption { label, target }
    }

    fn end(&mut self, value: &Spanned<raw::End>, field: &str) -> End {
        let (raw, span) = (value.get_ref(), value.span());
        let outcome = match self.required(raw.outcome.as_ref(), &span, &format!("{field}.outcome")) {
            Some(o) => serde_json::from_value::<Outcome>(serde_json::Value::String(o.get_ref().clone()))
                .unwrap_or_else(|_| {
                    let known = "completed, handed_over, referred, follow_up_booked, not_possible_today, abandoned";
                    self.fail(
                        &o.span(),
                        &format!("{field}.outcome"),
                        format!("'{}' is not one of {known}", o.get_ref()),
                    );
                    Outcome::Completed
                }),
            None => Outcome::Completed,
        };
        End {
            outcome,
            note: self.text(raw.note.as_ref(), &span, &format!("{field}.note")),
            next_steps: self.texts(&raw.next_steps, &format!("{field}.next_steps")),
        }
    }

    /// Every step must be reachable from the start and able to reach an end.
    fn flow(&mut self, guide: &Guide, raw_steps: &[Spanned<raw::Step>], start: &str, start_span: &Range<usize>) {
        if guide.step(start).is_none() {
            self.fail(start_span, "start", format!("no step has the id '{start}'"));
            return;
        }
        let edges: HashMap<&str, Vec<&str>> = guide.steps.iter().map(|s| (s.id.as_str(), successors(s))).collect();
        let mut reached = HashSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(id) = queue.pop_front() {
            for next in edges.get(id).into_iter().flatten() {
                if reached.insert(next) {
                    queue.push_back(next);
                }
            }
        }
        let mut ends: HashSet<&str> = guide.steps.iter().filter(|s| has_end(s)).map(|s| s.id.as_str()).collect();
        loop {
            let before = ends.len();
            for step in &guide.steps {
                if edges[step.id.as_str()].iter().any(|n| ends.contains(n)) {
                    ends.insert(step.id.as_str());
                }
            }
            if ends.len() == before {
                break;
            }
        }
        for (step, raw) in guide.steps.iter().zip(raw_steps) {
            let field = format!("steps[{}]", step.id);
            if !reached.contains(step.id.as_str()) {
                self.fail(&raw.span(), &field, "cannot be reached from the start step");
            } else if !ends.contains(step.id.as_str()) {
                self.fail(&raw.span(), &field, "every path from here loops without reaching an end");
            }
        }
    }
}

/// The steps a step can lead to in its own guide (a linked guide leads back to `return_to`).
fn successors(step: &Step) -> Vec<&str> {
    match &step.then {
        Then::Next(next) => vec![next.as_str()],
        Then::Branch { options, .. } => options
            .iter()
            .filter_map(|o| match &o.target {
                Target::Step(id) => Some(id.as_str()),
                Target::Guide { return_to, .. } => Some(return_to.as_str()),
                Target::End(_) => None,
            })
            .collect(),
        Then::End(_) => Vec::new(),
    }
}

fn has_end(step: &Step) -> bool {
    match &step.then {
        Then::End(_) => true,
        Then::Branch { options, .. } => options.iter().any(|o| matches!(o.target, Target::End(_))),
        Then::Next(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_path_must_be_plain_names_under_assets() {
        for image in [
            "assets/../../../etc/hostname",
            "assets/guides/../../Cargo.toml",
            "assets/..",
            "../assets/x.png",
            "/etc/hostname",
            "/assets/x.png",
            "assets\\..\\x.png",
            "assets/..\\..\\x.png",
            "C:\\x.png",
            "C:/x.png",
            "assets/C:x.png",
            "assets/./x.png",
            "assets//x.png",
            "assets",
            "assets/",
            "guides/x.png",
            "Assets/x.png",
            "",
        ] {
            assert_eq!(image_path(image), Err(ImageError::NotUnderAssets), "{image:?}");
        }
        assert_eq!(image_path("assets/guides/mitid-app.png"), Ok(Path::new("assets/guides/mitid-app.png")));
    }

    /// A guide whose first step shows `image`, from the broken corpus's missing-image guide.
    fn guide_with_image(image: &str) -> Source {
        let text = include_str!("../../tests/guides_broken/missing-image.toml")
            .replace("assets/guides/findes-ikke.png", &image.replace('\\', "\\\\"))
            .replace("  # defect: steps[a].image", "");
        Source { path: "missing-image.toml".into(), text }
    }

    #[test]
    fn the_checks_refuse_a_path_out_of_assets_even_where_that_file_exists() {
        let authorities = AuthorityCatalog::builtin();
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
        // As the old check saw the world: every file exists.
        let anything = |image: &str| Ok(PathBuf::from(image));
        let context = CheckContext { authorities: &authorities, today, resolve_image: &anything };
        let fine = Library::check(&[guide_with_image("assets/guides/findes.png")], &context);
        assert!(fine.problems.is_empty(), "{:#?}", fine.problems);
        for image in ["assets/../../../etc/hostname", "assets\\..\\..\\etc\\hostname", "C:\\Windows\\win.ini"] {
            let library = Library::check(&[guide_with_image(image)], &context);
            let problems: Vec<String> = library.problems.iter().map(ToString::to_string).collect();
            assert_eq!(problems.len(), 1, "{image}: {problems:#?}");
            assert!(problems[0].starts_with("missing-image.toml:23: error: steps[a].image: "), "{}", problems[0]);
            assert!(problems[0].contains("without '..'"), "{}", problems[0]);
            assert!(library.guides.is_empty(), "{image}: not loaded");
        }
    }

    #[test]
    fn a_bom_changes_neither_the_parse_nor_the_lines() {
        let authorities = AuthorityCatalog::builtin();
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
        let anything = |image: &str| Ok(PathBuf::from(image));
        let context = CheckContext { authorities: &authorities, today, resolve_image: &anything };
        let mut source = guide_with_image("C:\\x.png");
        source.text.insert(0, '\u{feff}');
        let problems: Vec<String> =
            Library::check(&[source], &context).problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].starts_with("missing-image.toml:23: error: steps[a].image: "), "{}", problems[0]);
    }

    #[test]
    fn an_image_is_resolved_inside_assets_or_not_at_all() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("assets/guides")).expect("assets");
        std::fs::write(root.join("assets/guides/trin.png"), b"png").expect("image");
        std::fs::write(dir.path().join("secret.txt"), b"not for guides").expect("secret");

        let shown = resolve_image(&root, "assets/guides/trin.png").expect("an image under assets/");
        assert!(shown.starts_with(root.join("assets").canonicalize().expect("canonical")), "{}", shown.display());
        assert_eq!(resolve_image(&root, "assets/guides/findes-ikke.png"), Err(ImageError::Missing));
        assert_eq!(resolve_image(&root, "assets/guides"), Err(ImageError::Missing), "a directory is no image");
        assert_eq!(resolve_image(&root, "assets/../../secret.txt"), Err(ImageError::NotUnderAssets));
        assert_eq!(resolve_image(&dir.path().join("no-such-root"), "assets/guides/trin.png"), Err(ImageError::Missing));

        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink(dir.path().join("secret.txt"), root.join("assets/guides/link.png")).expect("file link");
            symlink(dir.path(), root.join("assets/outside")).expect("directory link");
            symlink(root.join("assets/guides/trin.png"), root.join("assets/same.png")).expect("inner link");
            assert_eq!(resolve_image(&root, "assets/guides/link.png"), Err(ImageError::Escapes));
            assert_eq!(resolve_image(&root, "assets/outside/secret.txt"), Err(ImageError::Escapes));
            assert!(resolve_image(&root, "assets/same.png").is_ok(), "a link that stays inside assets/ is fine");
        }
    }
}
