//! Guided walkthroughs of real self-service solutions: the TOML format, the library and its checks, the
//! walkthrough state machine, and suggestions from a citizen's history. Depends only on [`crate::domain`];
//! no UI, and no I/O beyond [`library::Library::load`] reading the guide files it is asked to.

pub mod format;
pub mod library;
pub mod runner;
pub mod search;
pub mod suggest;
