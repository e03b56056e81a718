//! `salesmap demo`: the main job on the embedded default. Writes the bundled template map into a
//! folder, checks it and prints what a new user should look at next. Every step uses the same
//! library calls as the individual commands.

use std::path::PathBuf;

use salesmap_mapfile::diagnostic::{render_human, summary};
use salesmap_mapfile::{load, templates};

#[derive(clap::Args)]
pub struct Args {
    /// Folder to write the demo files into (created if missing).
    #[arg(long, default_value = "salesmap-demo")]
    out: PathBuf,
    /// Language of the template and the output: `en` or `ko`.
    #[arg(long, default_value = "en")]
    lang: String,
}

pub fn run(args: Args) -> u8 {
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {e}", args.out.display());
        return 2;
    }
    let source = templates::b2b(&args.lang);
    let map_path = args.out.join("sales.map.toml");
    if let Err(e) = std::fs::write(&map_path, source) {
        eprintln!("error: cannot write {}: {e}", map_path.display());
        return 2;
    }
    let shown = map_path.display().to_string();
    let checked = load(source, &shown);
    print!("{}", render_human(source, &shown, &checked.diagnostics));
    let Some(map) = checked.map else {
        eprintln!("error: the bundled template has errors; this is a bug in salesmap");
        return 1;
    };
    let lang = map.language.clone();
    let top = map.top_level().count();
    println!(
        "Map: {} ({top} stages, {} sub-stages)",
        map.name.get(&lang, &lang),
        map.stages.len() - top
    );
    println!(
        "  written to {shown}; check: {}",
        summary(&checked.diagnostics)
    );
    let path: Vec<&str> = map
        .main_path()
        .into_iter()
        .map(|ix| map.stage(ix).name.get(&lang, &lang))
        .collect();
    println!("  main path: {}", path.join(" → "));
    0
}
