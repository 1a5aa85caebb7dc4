//! The shared contact history: its wire types, store, HTTP service and HTTP client.
//!
//! Depends only on [`crate::domain`]; never on the console.

pub mod api;
pub mod client;
pub mod demo;
pub mod embedded;
pub mod import;
pub mod ingest;
pub mod outbox;
pub mod service;
pub mod store;
