//! The checks of one guide file: every problem with its line and field, the links between steps and guides, and
//! whether every path ends. Practice scenarios are checked with the same helpers, so both report alike.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;
use std::path::Path;

use chrono::{Months, NaiveDate};
use toml::Spanned;

use super::super::format::{Bilingual, BranchOption, End, Guide, Login, Solution, Step, Target, Then, raw};
use super::{CheckContext, Problem, Severity, image_path};
use crate::domain::{KleCatalog, LinkKind, Outcome, check_link};
use crate::encoding::strip_bom;

/// A link to another guide, checked once every guide is known.
pub(super) struct GuideRef {
    pub(super) target: String,
    pub(super) line: usize,
    pub(super) field: String,
}

/// Checks one file: every problem with its line and field. Practice scenarios (`super::scenario`) are checked with
/// the same helpers, so both report alike.
pub(in crate::guides) struct Checker<'a> {
    file: &'a Path,
    text: &'a str,
    pub(super) problems: Vec<Problem>,
    pub(super) refs: Vec<GuideRef>,
    /// A step's links are broken, so a reachability analysis would only repeat that as noise.
    broken_links: bool,
}

/// The parts of a guide that are read while checking its steps.
struct StepContext<'a> {
    ids: &'a HashSet<String>,
    context: &'a CheckContext<'a>,
}

pub(in crate::guides) fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl<'a> Checker<'a> {
    pub(in crate::guides) fn new(file: &'a Path, text: &'a str) -> Self {
        // A BOM is no TOML; without it every span, and so every line, is still counted from the first character.
        let text = strip_bom(text);
        Self { file, text, problems: Vec::new(), refs: Vec::new(), broken_links: false }
    }

    /// The problems found so far.
    pub(in crate::guides) fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// The file's name without `.toml`: what its id must be.
    pub(in crate::guides) fn file_stem(&self) -> String {
        self.file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned()
    }

    /// Where a table's `[name]` header is: a key missing from the table is reported there, since the table's own
    /// span starts at its first key.
    pub(in crate::guides) fn header(&self, name: &str, table: &Range<usize>) -> Range<usize> {
        let header = format!("[{name}]");
        self.text[..table.start.min(self.text.len())].rfind(&header).map_or_else(|| table.clone(), |at| at..at)
    }

    /// How many errors were found so far.
    pub(in crate::guides) fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }

    /// The file as written, or `None` with the parser's complaint (bad TOML, an unknown field) reported.
    pub(in crate::guides) fn parse<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
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

    pub(in crate::guides) fn line(&self, span: &Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())].bytes().filter(|b| *b == b'\n').count() + 1
    }

    pub(in crate::guides) fn report(
        &mut self,
        span: &Range<usize>,
        field: &str,
        message: impl Into<String>,
        severity: Severity,
    ) {
        let line = self.line(span);
        self.problems.push(Problem {
            file: self.file.to_path_buf(),
            line,
            field: field.to_owned(),
            message: message.into(),
            severity,
        });
    }

    pub(in crate::guides) fn fail(&mut self, span: &Range<usize>, field: &str, message: impl Into<String>) {
        self.report(span, field, message, Severity::Error);
    }

    pub(in crate::guides) fn required<'v, T>(
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

    pub(in crate::guides) fn text(
        &mut self,
        value: Option<&Spanned<raw::Text>>,
        parent: &Range<usize>,
        field: &str,
    ) -> Bilingual {
        let Some(value) = self.required(value, parent, field) else { return Bilingual::default() };
        self.bilingual(value, field)
    }

    pub(in crate::guides) fn bilingual(&mut self, value: &Spanned<raw::Text>, field: &str) -> Bilingual {
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

    pub(in crate::guides) fn texts(&mut self, values: &[Spanned<raw::Text>], field: &str) -> Vec<Bilingual> {
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
    pub(super) fn guide(&mut self, context: &CheckContext<'_>) -> Option<(Guide, usize)> {
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
