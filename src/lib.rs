//! Medbetjening: a desktop console and a shared contact-history service for staff who help citizens through
//! digital self-service.
//!
//! Layers, with the dependency rule that keeps them honest: [`domain`] depends on nothing of ours;
//! [`guides`] (walkthrough format, checks, runner) and [`history`] (the contact-history service, its store and its
//! HTTP client) depend only on `domain`; the citizen's `receipt` (feature `console`) may use `domain`, `guides`
//! and `history::api`; the console (feature `console`) may use all of them, and nothing uses it. [`platform`]
//! (paths as URLs on Windows and elsewhere) and [`encoding`] (text files from Notepad and Excel) depend on nothing
//! and may be used by all.

#[cfg(feature = "console")]
pub mod console;
pub mod domain;
pub mod encoding;
pub mod guides;
pub mod history;
pub mod platform;
#[cfg(feature = "console")]
pub mod receipt;
