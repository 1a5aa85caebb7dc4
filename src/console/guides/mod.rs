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
use crate::domain::{AuthorityCatalog, KleTopic, Language};
use crate::guides::library::Library;
use crate::guides::runner::{RunError, Walkthrough};
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
    pub run: Walkthrough,
    /// The citizen tab it belongs to, if any (a walkthrough can also run for an anonymous citizen).
    pub tab: Option<TabId>,
    /// The citizen's preferred language, for the citizen view.
    pub citizen_language: Language,
    pub skip_reason: String,
    pub skipping: bool,
    /// Ticked check items as (guide, step, index).
    pub checked: HashSet<(String, String, usize)>,
    /// Why the last move was refused, worded when drawn.
    pub error: Option<RunError>,
}

/// Everything about guides in the console.
#[derive(Default)]
pub struct GuidesState {
    pub library: GuideLibrary,
    pub open: bool,
    pub query: String,
    /// Put the keyboard in the search field on the next frame.
    pub focus_search: bool,
    pub topic: Option<KleTopic>,
    pub walk: Option<ActiveWalk>,
    pub citizen_view: bool,
    /// Each guide image (as a guide names it) as a `file://` URI, resolved when the library loads: drawing never
    /// touches the file system, and an image that would leave `assets/` has no entry.
    pub images: Arc<ImageUris>,
    /// What the citizen view's window shows, shared with that window.
    pub citizen: Arc<super::guides::runner_view::CitizenView>,
    /// Suggestions for a tab, recomputed when its history changes: (tab, events loaded, open cases, suggestions).
    pub suggestions: Option<(TabId, usize, usize, Vec<Suggestion>)>,
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
