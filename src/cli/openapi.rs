//! `openapi`: the API's OpenAPI document.

use std::process::ExitCode;

use medbetjening::domain::AuthorityCatalog;
use medbetjening::history::service;

use super::CommandResult;

/// `openapi`.
pub fn openapi() -> CommandResult {
    println!("{}", serde_json::to_string_pretty(&service::openapi_document(&AuthorityCatalog::builtin()))?);
    Ok(ExitCode::SUCCESS)
}
