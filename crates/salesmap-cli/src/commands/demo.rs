//! `salesmap demo`: the main job on the embedded default. In one folder it writes the bundled
//! template map, checks it, generates eighteen months of synthetic history for it (with planted
//! effects) that end in the middle of the goal's year, so the goal shows as in progress,
//! measures the history against the map, draws the map with measured figures, plans the rest of
//! the goal's year backwards from the goal and writes the HTML report. Each step is the very command line a
//! user would type (printed as it runs), so the demo doubles as a tour of the tool.

use std::path::PathBuf;

/// The generated history runs from here for [`HISTORY_DAYS`] days: 2026-01-01 to 2027-06-30,
/// the middle of the template goal's year (2027).
const HISTORY_START: &str = "2026-01-01";
const HISTORY_DAYS: u32 = 546;

#[derive(clap::Args)]
pub struct Args {
    /// Folder to write the demo files into (created if missing).
    #[arg(long, default_value = "salesmap-demo")]
    out: PathBuf,
    /// Language of the template and the report: `en` or `ko`.
    #[arg(long, default_value = "en", value_parser = ["en", "ko"])]
    lang: String,
    /// Deals in the generated history (about 400 a year: the template's 1.2 M goal is then
    /// about half won by the middle of its year).
    #[arg(long, default_value_t = 600)]
    deals: u32,
    /// Seed of the generated history: the same seed gives the same files.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

/// Runs the demo; `run_command_line` runs one step's command line (without the program name)
/// and returns its exit code, as the binary does for the words a user types.
pub fn run(args: Args, run_command_line: fn(&[&str]) -> u8) -> u8 {
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {e}", args.out.display());
        return 2;
    }
    let file = |name: &str| args.out.join(name).display().to_string();
    let (map, history) = (file("sales.map.toml"), file("history.csv"));
    let (deals, seed) = (args.deals.to_string(), args.seed.to_string());
    let steps: Vec<(&str, Vec<String>)> = vec![
        (
            "the template map",
            vec![
                "init".into(),
                "--lang".into(),
                args.lang.clone(),
                "--force".into(),
                "-o".into(),
                map.clone(),
            ],
        ),
        (
            "check it",
            vec![
                "check".into(),
                "--deny".into(),
                "warnings".into(),
                map.clone(),
            ],
        ),
        (
            "eighteen months of history, up to the middle of the goal's year",
            vec![
                "generate".into(),
                "--map".into(),
                map.clone(),
                "--deals".into(),
                deals,
                "--seed".into(),
                seed,
                "--start".into(),
                HISTORY_START.into(),
                "--days".into(),
                HISTORY_DAYS.to_string(),
                "-o".into(),
                history.clone(),
            ],
        ),
        (
            "measure it",
            vec![
                "analyze".into(),
                "--map".into(),
                map.clone(),
                history.clone(),
                "-o".into(),
                file("analysis.txt"),
            ],
        ),
        (
            "draw the map with measured figures",
            vec![
                "render".into(),
                map.clone(),
                "--history".into(),
                history.clone(),
                "--lang".into(),
                args.lang.clone(),
                "-o".into(),
                file("map.svg"),
            ],
        ),
        (
            "the same as PNG",
            vec![
                "render".into(),
                map.clone(),
                "--history".into(),
                history.clone(),
                "--lang".into(),
                args.lang.clone(),
                "-o".into(),
                file("map.png"),
            ],
        ),
        (
            "plan the rest of the goal's year",
            vec![
                "plan".into(),
                "--map".into(),
                map.clone(),
                "--history".into(),
                history.clone(),
                "--period".into(),
                "quarter".into(),
                "--what-if".into(),
                "win-rate=+5pp".into(),
                "-o".into(),
                file("plan.txt"),
            ],
        ),
        (
            "the report to forward",
            vec![
                "report".into(),
                "--map".into(),
                map.clone(),
                history.clone(),
                "--lang".into(),
                args.lang.clone(),
                "--assets".into(),
                file("assets"),
                "-o".into(),
                file("report.html"),
            ],
        ),
    ];
    for (what, words) in &steps {
        eprintln!("==> {what}: salesmap {}", words.join(" "));
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let code = run_command_line(&words);
        if code != 0 {
            eprintln!(
                "error: the demo stopped at `{what}` (exit code {code}); the files so far are in {}",
                args.out.display()
            );
            return code;
        }
    }
    // The analysis opens with what to fix first: show that part.
    if let Ok(text) = std::fs::read_to_string(file("analysis.txt")) {
        let head: Vec<&str> = text
            .lines()
            .take_while(|l| !l.starts_with("Goal and KPIs"))
            .collect();
        println!("{}", head.join("\n").trim_end());
    }
    println!("\nWritten to {}:", args.out.display());
    for (name, what) in [
        ("sales.map.toml", "the map (edit it, then `salesmap check`)"),
        ("history.csv", "the generated history (normalized CSV)"),
        (
            "analysis.txt",
            "funnel, times, KPIs, conformance, fast vs slow, triggers, forecast",
        ),
        (
            "map.svg, map.png",
            "the flowchart with measured conversion and stage times",
        ),
        (
            "plan.txt",
            "the reverse funnel from the goal, per quarter, with a what-if",
        ),
        (
            "report.html",
            "everything in one page to e-mail (charts in assets/)",
        ),
    ] {
        println!("  {name:<18} {what}");
    }
    0
}
