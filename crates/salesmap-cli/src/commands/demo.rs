//! `salesmap demo`: the main job on the embedded default. In one folder it writes the bundled
//! template map, checks it, generates eighteen months of synthetic history for it (with planted
//! effects) that end in the middle of the goal's year, so the goal shows as in progress,
//! measures the history against the map, draws the map with measured figures, plans the rest of
//! the goal's year backwards from the goal and writes the HTML report. Each step is the very command line a
//! user would type (printed as it runs), so the demo doubles as a tour of the tool.

use std::path::PathBuf;

use salesmap_report::Lang;

use super::analysis_text::{heading_fix_first, heading_goal};

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
    let lang = Lang::from_name(&args.lang).unwrap_or(Lang::En);
    let ko = lang == Lang::Ko;
    let say = |en: &'static str, kr: &'static str| if ko { kr } else { en };
    let (map, history) = (file("sales.map.toml"), file("history.csv"));
    let (deals, seed) = (args.deals.to_string(), args.seed.to_string());
    let steps: Vec<(&str, Vec<String>)> = vec![
        (
            say("the template map", "템플릿 맵"),
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
            say("check it", "맵 검사"),
            vec![
                "check".into(),
                "--deny".into(),
                "warnings".into(),
                map.clone(),
            ],
        ),
        (
            say(
                "eighteen months of history, up to the middle of the goal's year",
                "목표 연도의 중간까지 18개월의 히스토리",
            ),
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
            say("measure it", "측정"),
            vec![
                "analyze".into(),
                "--map".into(),
                map.clone(),
                history.clone(),
                "--lang".into(),
                args.lang.clone(),
                "-o".into(),
                file("analysis.txt"),
            ],
        ),
        (
            say(
                "draw the map with measured figures",
                "측정값을 얹은 맵 그리기",
            ),
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
            say("the same as PNG", "같은 맵을 PNG로"),
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
            say(
                "plan the rest of the goal's year",
                "목표 연도의 남은 기간 계획",
            ),
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
                "--lang".into(),
                args.lang.clone(),
                "-o".into(),
                file("plan.txt"),
            ],
        ),
        (
            say("the report to forward", "전달할 보고서"),
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
            if ko {
                eprintln!(
                    "오류: 데모가 `{what}` 단계에서 멈췄습니다 (종료 코드 {code}); 지금까지의 파일은 {}에 있습니다",
                    args.out.display()
                );
            } else {
                eprintln!(
                    "error: the demo stopped at `{what}` (exit code {code}); the files so far are in {}",
                    args.out.display()
                );
            }
            return code;
        }
    }
    // The analysis opens with what to fix first: show that part.
    if let Ok(text) = std::fs::read_to_string(file("analysis.txt")) {
        let head: Vec<&str> = text
            .lines()
            .take_while(|l| !l.starts_with(heading_goal(lang)))
            .collect();
        debug_assert!(head.iter().any(|l| l.starts_with(heading_fix_first(lang))));
        println!("{}", head.join("\n").trim_end());
    }
    if ko {
        println!("\n{}에 쓴 파일:", args.out.display());
    } else {
        println!("\nWritten to {}:", args.out.display());
    }
    for (name, what) in [
        (
            "sales.map.toml",
            say(
                "the map (edit it, then `salesmap check`)",
                "맵 (고친 뒤 `salesmap check`)",
            ),
        ),
        (
            "history.csv",
            say(
                "the generated history (normalized CSV)",
                "생성한 히스토리 (정규화된 CSV)",
            ),
        ),
        (
            "analysis.txt",
            say(
                "funnel, times, KPIs, conformance, fast vs slow, triggers, forecast",
                "퍼널, 체류 시간, KPI, 적합도, 빠른/느린 수주, 촉진 요인, 예측",
            ),
        ),
        (
            "map.svg, map.png",
            say(
                "the flowchart with measured figures against the targets",
                "목표와 비교한 측정값을 얹은 흐름도",
            ),
        ),
        (
            "plan.txt",
            say(
                "the reverse funnel from the goal, per quarter, with a what-if",
                "목표에서 거꾸로 계산한 분기별 퍼널과 가정 변경",
            ),
        ),
        (
            "report.html",
            say(
                "everything in one page to e-mail (charts in assets/)",
                "메일로 보낼 한 페이지 보고서 (차트는 assets/)",
            ),
        ),
    ] {
        println!("  {name:<18} {what}");
    }
    0
}
