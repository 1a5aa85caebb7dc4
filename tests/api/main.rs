//! API integration tests: a real service on 127.0.0.1:0 over a temporary SQLite file, through the real client.

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod citizens;
mod errors;
mod sessions;
mod timeline;
