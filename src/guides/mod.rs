//! Guided walkthroughs of real self-service solutions: the TOML format, the library and its checks, the
//! walkthrough state machine, suggestions from a citizen's history, and practice scenarios for trainees. Depends
//! only on [`crate::domain`]; no UI, and no I/O beyond [`library::Library::load`] and
//! [`scenario::Corpus::load`] reading the files they are asked to.

pub mod format;
pub mod library;
pub mod runner;
pub mod scenario;
pub mod search;
pub mod suggest;
