//! Loading and checking the guide library.
//!
//! Every problem is reported, not just the first, each with file, line and field; a guide with an error is left
//! out of the library and the rest still load. The same checks run for `medbetjening guides check` and in the
//! console. Reading files is the caller's business: this module sees file names and their text.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::format::Guide;
use crate::domain::AuthorityCatalog;
use crate::encoding::{EncodingError, decode_utf8_text};

mod checker;
use checker::GuideRef;
pub(super) use checker::{Checker, valid_id};

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
    /// Each guide as the demo sessions walk it: id, version, first KLE topic, step ids in file order.
    #[must_use]
    pub fn demo_guides(&self) -> Vec<crate::history::demo::sessions::DemoGuide> {
        self.guides
            .iter()
            .map(|guide| crate::history::demo::sessions::DemoGuide {
                id: guide.id.clone(),
                version: guide.version,
                kle: guide.kle.first().map(|k| k.as_str().to_owned()),
                steps: guide.steps.iter().map(|step| step.id.clone()).collect(),
                reviewed: Some(guide.reviewed),
            })
            .collect()
    }

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
        let text = include_str!("../../../tests/guides_broken/missing-image.toml")
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
