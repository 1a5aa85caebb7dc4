//! One module per part of the screen. Each draws from state and pushes [`super::command::Command`]s.

pub mod citizen;
pub mod group;
pub mod guides;
pub mod lookup;
pub mod outbox;
pub mod presentation;
pub mod privacy;
pub mod runner;
pub mod scenario;
pub mod session;
pub mod startup;
pub mod tabs;
pub mod timeline;
pub mod top_bar;
pub mod training;
pub mod unmatched;
pub mod widgets;
pub mod wrapup;
