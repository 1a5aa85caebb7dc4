//! The console's side of guided walkthroughs: the library (loaded in the background), the search, the walkthrough
//! in progress and the citizen view. Applies guide commands; the runner itself is pure (`crate::guides::runner`).

mod control;
pub mod library_view;
pub mod runner_view;
pub mod text;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;

use super::citizen::TabId;
use crate::domain::{AttorneyKind, AuthorityCatalog, GuideRun, KleTopic, Language, Performer};
use crate::guides::library::Library;
use crate::guides::runner::{Ending, RunError, Walkthrough};
use crate::guides::suggest::Suggestion;

/// What the guides do for a view or shortcut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GuideCommand {
    /// Show or hide the guide panel.
    TogglePanel,
    /// Show or hide the citizen view (a second window for a screen turned toward the citizen).
    ToggleCitizenView,
    /// Start the guide at this index of the library, for the active citizen tab.
    Start(usize),
    Stop,
    Next,
    Back,
    /// Answer the current step's question (0-based option).
    Choose(usize),
    /// Skip the current step with the reason typed in the panel.
    Skip,
}

/// The library, read off the UI thread.
pub enum GuideReply {
    Loaded(Result<(Library, ImageUris), String>),
}

/// The guide library as the console has it.
#[derive(Clone, Debug, Default)]
pub enum GuideLibrary {
    #[default]
    Loading,
    Ready(Arc<Library>),
    /// The directory could not be read at all (broken guides are in `Library::problems` instead).
    Failed(String),
}

/// A walkthrough in progress.
pub struct ActiveWalk {
    run: Walkthrough,
    /// The citizen tab it belongs to, if any (a walkthrough can also run for an anonymous citizen).
    tab: Option<TabId>,
    /// The citizen's preferred language, for the citizen view.
    citizen_language: Language,
    skip_reason: String,
    skipping: bool,
    /// Ticked check items as (guide, step, index).
    checked: HashSet<(String, String, usize)>,
    /// Why the last move was refused, worded when drawn.
    error: Option<RunError>,
}

impl ActiveWalk {
    /// Where the walkthrough is, as (guide index in the library, step index in that guide), so presenting picks up
    /// at the step staff are on — in a linked guide, that guide.
    fn position(&self, library: &Library) -> Option<(usize, usize)> {
        let (guide, step) = self.run.current(library).ok()?;
        let guide_index = library.guides.iter().position(|g| g.id == guide.id)?;
        let step_index = guide.steps.iter().position(|s| s.id == step.id)?;
        Some((guide_index, step_index))
    }
}

/// Everything about guides in the console.
#[derive(Default)]
pub struct GuidesState {
    library: GuideLibrary,
    open: bool,
    query: String,
    /// Put the keyboard in the search field on the next frame.
    focus_search: bool,
    topic: Option<KleTopic>,
    walk: Option<ActiveWalk>,
    citizen_view: bool,
    /// Each guide image (as a guide names it) as a `file://` URI, resolved when the library loads: drawing never
    /// touches the file system, and an image that would leave `assets/` has no entry.
    images: Arc<ImageUris>,
    /// What the citizen view's window shows, shared with that window.
    citizen: Arc<super::guides::runner_view::CitizenView>,
    /// Suggestions for a tab, recomputed when its history changes: (tab, events loaded, open cases, suggestions).
    suggestions: Option<(TabId, usize, usize, Vec<Suggestion>)>,
}

impl GuidesState {
    /// The library once loaded.
    #[must_use]
    pub fn library(&self) -> Option<&Arc<Library>> {
        match &self.library {
            GuideLibrary::Ready(library) => Some(library),
            _ => None,
        }
    }

    /// Whether the guide panel is shown.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.open
    }

    #[must_use]
    pub fn has_walk(&self) -> bool {
        self.walk.is_some()
    }

    /// The guide the walkthrough started with (a linked guide it moved on to is part of its run).
    #[must_use]
    pub fn walk_guide(&self) -> Option<&str> {
        self.walk.as_ref().map(|w| w.run.main_guide())
    }

    /// Where the walkthrough is, as (guide index, step index) in the library.
    #[must_use]
    pub fn walk_position(&self) -> Option<(usize, usize)> {
        self.walk.as_ref()?.position(self.library()?)
    }

    /// How the walkthrough ended, once it has.
    #[must_use]
    pub fn walk_ending(&self) -> Option<&Ending> {
        self.walk.as_ref()?.run.finished()
    }

    /// The walkthrough's record so far, as a logged session will carry it.
    #[must_use]
    pub fn walk_runs(&self, now: f64) -> Vec<GuideRun> {
        self.walk.as_ref().map(|w| w.run.runs(now)).unwrap_or_default()
    }

    /// The guide suggested first for the citizen in front.
    #[must_use]
    pub fn first_suggestion(&self) -> Option<&str> {
        self.suggestions.as_ref()?.3.first().map(|s| s.guide.as_str())
    }

    /// The library's guide that a search in the open panel puts first (the one Enter would start).
    #[must_use]
    pub fn first_match(&self) -> Option<usize> {
        let library = self.library().filter(|_| self.open)?;
        let first =
            crate::guides::search::search(&library.guides, &self.query, self.topic.as_ref()).into_iter().next()?;
        library.guides.iter().position(|g| g.id == first.id)
    }

    /// The guide pictures' URIs, for the presentation.
    #[must_use]
    pub fn images(&self) -> Arc<ImageUris> {
        Arc::clone(&self.images)
    }

    /// Records who did the current step (a session's performer and power-of-attorney marks).
    pub fn mark_step(&mut self, performer: Performer, attorney: Option<AttorneyKind>) {
        if let Some(walk) = &mut self.walk {
            walk.run.mark(performer, attorney);
        }
    }

    /// Takes the walkthrough away with a session being parked; the citizen view closes with it.
    pub fn take_walk(&mut self) -> Option<ActiveWalk> {
        self.citizen_view = false;
        self.walk.take()
    }

    /// Puts a parked walkthrough back, for the citizen's tab as it is now; the panel opens to show it.
    pub fn resume_walk(&mut self, walk: Option<ActiveWalk>, tab: Option<TabId>) {
        self.walk = walk.map(|walk| ActiveWalk { tab, ..walk });
        self.open |= self.walk.is_some();
    }

    /// Ends the walkthrough: its session has been logged.
    pub fn end_walk(&mut self) {
        self.walk = None;
        self.citizen_view = false;
    }

    /// Marks the walkthrough as practice: it belongs to a training scenario.
    pub fn make_practice(&mut self) {
        if let Some(walk) = &mut self.walk
            && !walk.run.is_practice()
        {
            walk.run.set_practice(true);
        }
    }

    /// Whether the step on screen asks a question (the screenshot script answers with the first option).
    #[must_use]
    pub fn at_question(&self) -> bool {
        let (Some(walk), Some(library)) = (&self.walk, self.library()) else { return false };
        walk.run
            .current(library.as_ref())
            .is_ok_and(|(_, step)| matches!(step.then, crate::guides::format::Then::Branch { .. }))
    }

    /// Whether the library is still being read.
    #[must_use]
    pub fn is_loading(&self) -> bool {
        matches!(self.library, GuideLibrary::Loading)
    }

    /// Notices that the citizen closed their window with its own close button.
    pub fn notice_citizen_view_closed(&mut self) {
        if self.citizen.closed.swap(false, std::sync::atomic::Ordering::Relaxed) {
            self.citizen_view = false;
        }
    }

    /// Whether the current step has the citizen use MitID (staff must look away; personal data is hidden).
    #[must_use]
    pub fn mitid_step(&self) -> bool {
        let (Some(walk), Some(library)) = (&self.walk, self.library()) else { return false };
        walk.run.finished().is_none() && walk.run.current(library.as_ref()).is_ok_and(|(_, step)| step.mitid)
    }
}

/// Guide image paths (`assets/…`) and the `file://` URIs they load from.
pub type ImageUris = std::collections::HashMap<String, String>;

/// Loads the library from `dir` on a background thread (it reads files), with its images' URIs.
pub async fn load(dir: PathBuf) -> GuideReply {
    let today = Utc::now().date_naive();
    let loaded = tokio::task::spawn_blocking(move || {
        let library =
            Library::load(&dir, &AuthorityCatalog::builtin(), today).map_err(|e| format!("{}: {e}", dir.display()))?;
        let images = image_uris(&library, dir.parent().unwrap_or(std::path::Path::new("")));
        Ok((library, images))
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    GuideReply::Loaded(loaded)
}

/// The URI of each image the library's steps name, resolved as the checks resolve it (inside `root/assets`).
/// A URI is built only from the absolute path, never pasted from a relative one (which Windows would read as a
/// server's name).
fn image_uris(library: &Library, root: &std::path::Path) -> ImageUris {
    let images = library.guides.iter().flat_map(|g| g.steps.iter()).filter_map(|s| s.image.as_deref());
    images
        .filter_map(|image| {
            let path = crate::guides::library::resolve_image(root, image).ok()?;
            Some((image.to_owned(), crate::platform::file_uri(&path)?))
        })
        .collect()
}

#[cfg(test)]
mod image_tests {
    use super::*;

    /// The shipped moving guide, with a picture on its first step and one that tries to leave `assets/`.
    fn library_with_images(root: &std::path::Path) -> Library {
        let guides = root.join("guides");
        std::fs::create_dir_all(root.join("assets")).expect("assets");
        std::fs::create_dir_all(&guides).expect("guides");
        std::fs::write(root.join("assets").join("trin 1.png"), b"png").expect("picture");
        // Every shipped guide, since guides link to each other.
        let shipped = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/guides"));
        for entry in std::fs::read_dir(shipped).expect("guides").flatten() {
            if entry.path().extension().is_some_and(|e| e == "toml") {
                std::fs::copy(entry.path(), guides.join(entry.file_name())).expect("copy");
            }
        }
        let moving = std::fs::read_to_string(guides.join("flytning.toml"));
        let text = moving.expect("the moving guide").replacen(
            "id = \"tjek-forudsaetninger\"",
            "id = \"tjek-forudsaetninger\"\nimage = \"assets/trin 1.png\"",
            1,
        );
        std::fs::write(guides.join("flytning.toml"), text).expect("guide");
        Library::load(&guides, &AuthorityCatalog::builtin(), Utc::now().date_naive()).expect("loads")
    }

    #[test]
    fn images_get_absolute_file_uris_when_the_library_loads() {
        let dir = tempfile::tempdir().expect("dir");
        let library = library_with_images(dir.path());
        assert!(library.problems.is_empty(), "{:?}", library.problems);
        let uris = image_uris(&library, dir.path());
        let uri = uris.get("assets/trin 1.png").expect("resolved");
        assert!(uri.starts_with("file:///"), "from an absolute path, never a relative one: {uri}");
        assert!(uri.ends_with("/assets/trin%201.png"), "{uri}");
        assert_eq!(uris.len(), 1);
    }
}
