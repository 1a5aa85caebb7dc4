//! The shared contact history: its wire types, store, HTTP service and HTTP client.
//!
//! Depends only on [`crate::domain`] (the practice scenarios' cast arrives as a domain value from whoever starts
//! the embedded service); never on the guides or the console. The console reaches it only through `client` and
//! the wire types in `api`.

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
