//! API integration tests: a real service on 127.0.0.1:0 through the real client, each test on SQLite and on
//! PostgreSQL (when `MEDBETJENING_TEST_POSTGRES` names a server; otherwise that half says it is skipped).

#[path = "../common/mod.rs"]
mod common;

mod abuse;
mod audit_chain;
mod audit_privacy;
mod auth;
mod citizens;
mod deployment;
mod errors;
mod group_sessions;
mod identity;
mod input;
mod insights;
mod instances;
mod postgres_tls;
mod registry;
mod replays;
mod roles;
mod schema;
mod seeding;
mod sessions;
mod timeline;
mod training;
mod watch;
