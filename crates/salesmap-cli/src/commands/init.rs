//! `salesmap init`: writes a map to start from, either a bundled template or, with
//! `--from-history EXPORT…`, a starter map read from the team's own CRM history.
//!
//! From a history: the exports are read as `import` reads them (the same flags and mapping
//! file, the same notes and problems printed), `salesmap_core::starter` finds the stages in
//! the order the deals took them, the outcomes and the measured times, and
//! `salesmap_mapfile::starter::write_starter` writes the map. The map is checked before this
//! command says what it wrote: it has no errors, and every warning is a field left to fill in.

use std::path::PathBuf;

use salesmap_core::map::StageKind;
use salesmap_core::starter::{StarterOptions, starter};
use salesmap_import::{ImportError, import_files};
use salesmap_mapfile::Severity;
use salesmap_mapfile::starter::write_starter;
use salesmap_mapfile::templates::{TEMPLATES, find};

use crate::inputs::{ReadArgs, import_notes};
use crate::output::{file_name, write_output};

#[derive(clap::Args)]
pub struct Args {
    /// Template to start from.
    #[arg(long, default_value = "b2b", conflicts_with = "from_history")]
    template: String,
    /// Start from these CRM exports instead (any export `import` reads; several files are
    /// joined on the deal id): the stages the deals took, in their order, with measured times.
    #[arg(long, value_name = "EXPORT", num_args = 1..)]
    from_history: Vec<PathBuf>,
    /// With --from-history: a stage name that means the deal is won (repeatable), when its
    /// name does not say so.
    #[arg(long, value_name = "STAGE")]
    won: Vec<String>,
    /// With --from-history: a stage name that means the deal is lost (repeatable).
    #[arg(long, value_name = "STAGE")]
    lost: Vec<String>,
    /// How the exports are read (with --from-history).
    #[command(flatten)]
    read: ReadArgs,
    /// Language of the map's text: `en` or `ko`.
    #[arg(long, default_value = "en")]
    lang: String,
    /// Where to write the map (`-` for standard output).
    #[arg(short, long, default_value = "sales.map.toml")]
    output: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> u8 {
    if args.output.as_os_str() != "-" && args.output.exists() && !args.force {
        eprintln!(
            "error: {} already exists\n  = help: choose another path with -o, or pass --force to replace it",
            args.output.display()
        );
        return 2;
    }
    if !args.from_history.is_empty() {
        return from_history(&args);
    }
    if args.read.any_given() || !args.won.is_empty() || !args.lost.is_empty() {
        eprintln!(
            "error: the options for reading an export (--won, --lost, --mapping, --touches, columns, dates) need --from-history\n  = help: salesmap init --from-history export.csv [options]"
        );
        return 2;
    }
    let Some(source) = find(&args.template, &args.lang) else {
        let available: Vec<String> = TEMPLATES
            .iter()
            .map(|t| format!("{} --lang {}", t.name, t.lang))
            .collect();
        eprintln!(
            "error: no template `{}` in language `{}`\n  = help: available: {}",
            args.template,
            args.lang,
            available.join(", ")
        );
        return 2;
    };
    if let Err(code) = write_output(&args.output, source.as_bytes()) {
        return code;
    }
    if args.output.as_os_str() != "-" {
        eprintln!(
            "wrote {} (template {}, {}); check it with `salesmap check {}`",
            args.output.display(),
            args.template,
            args.lang,
            args.output.display()
        );
    }
    0
}

/// `init --from-history`: reads the exports, outlines the map, writes and checks it.
fn from_history(args: &Args) -> u8 {
    if !matches!(args.lang.as_str(), "en" | "ko") {
        eprintln!(
            "error: --lang {}: a starter map is written in `en` or `ko`",
            args.lang
        );
        return 2;
    }
    let options = match args.read.options() {
        Ok(options) => options,
        Err(code) => return code,
    };
    let imported = match import_files(&args.from_history, &options) {
        Ok(imported) => imported,
        Err(error) => {
            eprintln!("error: {error}");
            return match error {
                ImportError::Io { .. } | ImportError::Option { .. } => 2,
                _ => 1,
            };
        }
    };
    for note in import_notes(&imported) {
        eprintln!("{note}");
    }
    let import_errors = imported.problems.iter().any(|p| !p.kind.is_warning());
    let outcomes = StarterOptions {
        won: args.won.clone(),
        lost: args.lost.clone(),
    };
    let outline = match starter(&imported.history, &outcomes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: no starter map: {e}\n  = help: name the stage where a deal counts as won with --won STAGE"
            );
            return 1;
        }
    };
    let files: Vec<String> = args.from_history.iter().map(|f| file_name(f)).collect();
    let text = write_starter(&outline, &files.join(", "), &args.lang);
    if let Err(code) = write_output(&args.output, text.as_bytes()) {
        return code;
    }
    let shown = args.output.display().to_string();
    let checked = salesmap_mapfile::load(&text, &shown);
    let errors = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = checked.diagnostics.len() - errors;
    // The main path: the stages up to the first without a next one.
    let end = outline
        .stages
        .iter()
        .position(|s| s.next.is_none())
        .map_or(outline.stages.len(), |i| i + 1);
    let path: Vec<&str> = outline.stages[..end]
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let outcome_lines: Vec<String> = outline
        .stages
        .iter()
        .filter(|s| matches!(s.kind, StageKind::Outcome(_) | StageKind::WonMilestone))
        .map(|s| {
            format!(
                "  {}: {} ({} deal{})",
                s.id,
                s.aliases.join(", "),
                s.deals,
                if s.deals == 1 { "" } else { "s" }
            )
        })
        .collect();
    let written = if shown == "-" {
        "a starter map".to_string()
    } else {
        shown.clone()
    };
    eprintln!(
        "wrote {written}: {} stages from {} deals, in the order the deals took them: {}",
        outline.stages.len(),
        outline.deals,
        path.join(" → ")
    );
    eprintln!("outcomes recognised:\n{}", outcome_lines.join("\n"));
    if errors > 0 {
        // A starter map is written to have none; say so rather than hide it.
        eprintln!("error: the starter map has {errors} error(s); see `salesmap check {shown}`");
        return 1;
    }
    eprintln!(
        "{warnings} warning(s) to fill in: `salesmap check {shown}` lists them (entries, exit checklists, owners, goal, KPIs)"
    );
    u8::from(import_errors)
}
