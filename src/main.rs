//! `medbetjening`: the console (default), the shared contact-history service and its tools.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let Some(cli) = cli::plain_http_checked(cli::Cli::parse()) else { return ExitCode::FAILURE };
    cli::run(cli)
}
