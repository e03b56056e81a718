//! `salesmap fmt`: rewrites maps into canonical layout in place (or checks that they are).

use std::path::PathBuf;

use salesmap_mapfile::format::format;

use crate::inputs::read_map_source;

#[derive(clap::Args)]
pub struct Args {
    /// Map files to format.
    #[arg(required = true)]
    maps: Vec<PathBuf>,
    /// Do not write; exit 1 if a file is not in canonical layout.
    #[arg(long)]
    check: bool,
}

pub fn run(args: Args) -> u8 {
    let mut code = 0;
    for path in &args.maps {
        let source = match read_map_source(path) {
            Ok(s) => s,
            Err(c) => return c,
        };
        let formatted = match format(&source) {
            Ok(f) => f,
            Err(message) => {
                eprintln!(
                    "error: {} is not valid TOML, so it was not formatted\n{message}\n  = help: run `salesmap check {}` to see every problem",
                    path.display(),
                    path.display()
                );
                code = 1;
                continue;
            }
        };
        if formatted == source {
            continue;
        }
        if args.check {
            eprintln!(
                "{} is not formatted; run `salesmap fmt {}`",
                path.display(),
                path.display()
            );
            code = 1;
        } else if let Err(e) = std::fs::write(path, &formatted) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return 2;
        } else {
            eprintln!("formatted {}", path.display());
        }
    }
    code
}
