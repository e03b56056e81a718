//! The `salesmap` binary: parses arguments, dispatches to one module per subcommand, and turns
//! results into exit codes. Exit codes: 0 success, 1 the input has problems (diagnostics,
//! rejected rows), 2 usage or IO failure. All work is done by the library crates; this crate
//! only knows argv, files, terminals and exit codes.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod inputs;
mod output;

#[derive(Parser)]
#[command(
    name = "salesmap",
    version,
    about = "Sales process maps: check, draw, measure, plan."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the main job on the bundled template: write, check, draw and measure a demo map.
    Demo(commands::demo::Args),
    /// Write a ready-made map from a template.
    Init(commands::init::Args),
    /// Check a map for mistakes, like a compiler.
    Check(commands::check::Args),
    /// Rewrite a map in canonical layout, keeping comments.
    Fmt(commands::fmt::Args),
    /// Draw a map as a flowchart: SVG, PNG, Mermaid or Graphviz DOT.
    Render(commands::render::Args),
    /// Import CRM exports, CSV or XES into a normalized history (CSV or XES).
    Import(commands::import::Args),
    /// Discover the as-is process from a history alone (PM4Py semantics).
    Discover(commands::discover::Args),
    /// Measure a history against the map: funnel, times, KPIs, conformance, fast vs slow.
    Analyze(commands::analyze::Args),
    /// Generate a synthetic history for a map, with planted effects to find.
    Generate(commands::generate::Args),
    /// Plan backwards from the quota: deals, leads and touches needed per stage and period.
    Plan(commands::plan::Args),
    /// Write the HTML report: map, charts, tables and plan in one file to e-mail.
    Report(commands::report::Args),
    /// Run the web server: the live pipeline, its API and its users.
    Serve(commands::serve::Args),
    /// Manage the server's users from the command line (add, list, set-role, reset-password).
    User(commands::user::Args),
    /// Export a pipeline's live history from the server's database (CSV or XES).
    Export(commands::export::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(dispatch(cli.command))
}

/// Runs one subcommand and returns its exit code. `demo` calls it too, so the demo's steps
/// are exactly the commands a user would type.
fn dispatch(command: Command) -> u8 {
    match command {
        Command::Demo(args) => commands::demo::run(args, run_command_line),
        Command::Init(args) => commands::init::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::Render(args) => commands::render::run(args),
        Command::Import(args) => commands::import::run(args),
        Command::Discover(args) => commands::discover::run(args),
        Command::Analyze(args) => commands::analyze::run(args),
        Command::Generate(args) => commands::generate::run(args),
        Command::Plan(args) => commands::plan::run(args),
        Command::Report(args) => commands::report::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::User(args) => commands::user::run(args),
        Command::Export(args) => commands::export::run(args),
    }
}

/// Parses a command line (without the program name) and runs it, as `demo` does for each step.
fn run_command_line(words: &[&str]) -> u8 {
    match Cli::try_parse_from(std::iter::once("salesmap").chain(words.iter().copied())) {
        Ok(cli) => dispatch(cli.command),
        Err(e) => {
            eprintln!(
                "error: demo step `salesmap {}` is not a valid command line: {e}",
                words.join(" ")
            );
            2
        }
    }
}
