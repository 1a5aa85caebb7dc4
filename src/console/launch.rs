//! Starting the console, from the command line (`medbetjening`) or a desktop shortcut (`medbetjening-desktop`):
//! which service it talks to and as whom, and where its guides are.

use std::path::{Path, PathBuf};

use super::{ConsoleError, ConsoleOptions, Target, run, screenshot};
use crate::history::embedded::{self, EmbeddedOptions};

/// What to open the console on.
#[derive(Debug, Default)]
pub struct Launch {
    pub data_dir: PathBuf,
    /// A shared service; `None` runs the local demo.
    pub server: Option<String>,
    /// The staff member's token for `server`; otherwise read from the `token` file in the configuration folder.
    pub token: Option<String>,
    /// Extra certificate authorities to trust for `server`.
    pub ca_file: Option<PathBuf>,
    /// The local demo as its trainer.
    pub training: bool,
    /// The local demo as its supervisor.
    pub supervisor: bool,
    /// Write a PNG of the settled screen to this path after these actions, and exit.
    pub screenshot: Option<(PathBuf, Vec<screenshot::Action>)>,
}

/// Opens the console and runs until it is closed.
pub fn start(launch: Launch) -> Result<(), ConsoleError> {
    let Launch { data_dir, server, token, ca_file, training, supervisor, screenshot } = launch;
    let target = match server {
        Some(url) => {
            let token_file = embedded::default_config_dir().join("token");
            let token = token
                .or_else(|| std::fs::read_to_string(&token_file).ok())
                .map(|t| crate::encoding::strip_bom(&t).trim().to_owned())
                .unwrap_or_default();
            Target::Server { url, token, token_file: token_file.display().to_string(), data_dir, ca_file }
        }
        None => Target::Embedded(EmbeddedOptions {
            supervisor,
            demo_guides: demo_guides(&guides_dir()),
            ..EmbeddedOptions::demo(data_dir, training, crate::guides::scenario::cast::Cast::builtin().cast)
        }),
    };
    run(ConsoleOptions { target, guides_dir: guides_dir(), screenshot })
}

/// The guides the demo sessions walk, from the guide library; none when it cannot be read.
fn demo_guides(dir: &Path) -> Vec<crate::history::demo::sessions::DemoGuide> {
    let today = chrono::Utc::now().date_naive();
    crate::guides::library::Library::load(dir, &crate::domain::AuthorityCatalog::builtin(), today)
        .map(|library| library.demo_guides())
        .unwrap_or_default()
}

/// Where the guide files are: `MEDBETJENING_GUIDES`; else `guides` in the working folder; else `guides` beside
/// the installed program (a Windows installation, started from a shortcut in another folder); else the source
/// tree's, for a developer's build.
#[must_use]
pub fn guides_dir() -> PathBuf {
    let beside_program = std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join("guides")));
    pick_guides_dir(
        std::env::var_os("MEDBETJENING_GUIDES").map(PathBuf::from),
        beside_program,
        Path::new(env!("CARGO_MANIFEST_DIR")).join("guides"),
    )
}

fn pick_guides_dir(configured: Option<PathBuf>, beside_program: Option<PathBuf>, source_tree: PathBuf) -> PathBuf {
    if let Some(dir) = configured {
        return dir;
    }
    let working = PathBuf::from("guides");
    if working.is_dir() {
        return working;
    }
    beside_program.filter(|dir| dir.is_dir()).unwrap_or(source_tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guides_beside_the_program_are_found_before_the_source_tree() {
        let dir = tempfile::tempdir().expect("dir");
        let installed = dir.path().join("guides");
        std::fs::create_dir(&installed).expect("guides");
        let source = PathBuf::from("/build/machine/guides");
        // The test runs in the crate, whose working folder has `guides/`: that one wins, as it should.
        let working_has_guides = Path::new("guides").is_dir();
        let picked = pick_guides_dir(None, Some(installed.clone()), source.clone());
        assert_eq!(picked, if working_has_guides { PathBuf::from("guides") } else { installed.clone() });
        assert_eq!(pick_guides_dir(Some("/x".into()), Some(installed), source.clone()), PathBuf::from("/x"));
        let missing = dir.path().join("nowhere");
        let fallback = pick_guides_dir(None, Some(missing), source.clone());
        assert!(fallback == source || working_has_guides);
    }
}
