//! The shared contact history: its wire types, store, HTTP service and HTTP client.
//!
//! Depends on [`crate::domain`], and on [`crate::guides`] only for the practice scenarios' cast; never on the
//! console.

pub mod api;
pub mod cast;
pub mod client;
pub mod demo;
pub mod embedded;
pub mod import;
pub mod ingest;
pub mod outbox;
pub mod service;
pub mod store;
