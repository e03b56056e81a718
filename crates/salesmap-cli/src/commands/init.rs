//! `salesmap init`: writes a bundled template map to a file (or stdout) to start from.

use std::path::PathBuf;

use salesmap_mapfile::templates::{TEMPLATES, find};

use crate::output::write_output;

#[derive(clap::Args)]
pub struct Args {
    /// Template to start from.
    #[arg(long, default_value = "b2b")]
    template: String,
    /// Language of the template's text: `en` or `ko`.
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
    if args.output.as_os_str() != "-" && args.output.exists() && !args.force {
        eprintln!(
            "error: {} already exists\n  = help: choose another path with -o, or pass --force to replace it",
            args.output.display()
        );
        return 2;
    }
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
