//! The console as staff use it, one module per feature: the real app (`build_eframe`) against a real in-process
//! contact-history service, driven and checked through the accessibility tree (role + label), never through pixels.
//! One test binary, so the suite links once.
#![cfg(feature = "console")]

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/console.rs"]
mod console;

mod group;
mod guides;
mod insights;
mod lookup;
mod presentation;
mod scenarios;
mod sessions;
mod shell;
mod training;
