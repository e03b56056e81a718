//! One figure, one value: on any generated history, every figure that the report's tables,
//! the measured map drawn in it, the analysis and the plan all show is the same in each, and
//! the shares out of one stage add up to at most 100 %.
//!
//! Index:
//! - `figures_agree_on_any_history`: a property test over generated histories (seed, size,
//!   analysis instant), reading the page as a reader would (its tables, the drawing's text).
//! - the checks, one function each: reached per stage (funnel table, map, analysis),
//!   first-move shares (map edges, as-is table, analysis) and their sums, the moves not in the
//!   map drawn on it (as-is table, analysis), the deals open and stale in each stage now (map,
//!   funnel table, analysis), the pipeline and weighted forecast per stage (table, tile,
//!   forecast) and the owners (table, breakdown), drop-outs (funnel, friction, findings), the funnel's accounting,
//!   the win rate (tile, analysis), the plan's whole cells (plan tables, plan).

use proptest::prelude::*;
use salesmap_core::analysis::overlay;
use salesmap_core::calendar::days_from_civil;
use salesmap_core::findings::{Finding, findings};
use salesmap_core::generate::{GenerateOptions, generate};
use salesmap_core::history::MICROS_PER_DAY;
use salesmap_core::map::Map;
use salesmap_render::wording::Wording;
use salesmap_render::{RenderOptions, render_svg};
use salesmap_report::{Lang, Measurements, ReportOptions, write_report};

fn template() -> Map {
    let checked = salesmap_mapfile::load(salesmap_mapfile::templates::b2b("en"), "t.toml");
    checked.map.expect("the template checks")
}

/// A table of the page: its header cells and its rows of cell texts.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// The row whose first cell is `first`.
    fn row(&self, first: &str) -> Option<&Vec<String>> {
        self.rows
            .iter()
            .find(|r| r.first().map(String::as_str) == Some(first))
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn text(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    unescape(out.trim())
}

/// Cells between `<tag…>` and `</tag>` in `s`.
fn cells(s: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = s[at..].find(&open) {
        let start = at + i;
        let body = start + s[start..].find('>').expect("a tag ends") + 1;
        let end = body + s[body..].find(&close).expect("a cell ends");
        out.push(text(&s[body..end]));
        at = end + close.len();
    }
    out
}

/// The tables of section `id`, in page order.
fn tables(html: &str, id: &str) -> Vec<Table> {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = start + html[start..].find("</section>").expect("the section ends");
    let section = &html[start..end];
    section
        .split("<table")
        .skip(1)
        .map(|t| {
            let t = &t[..t.find("</table>").expect("the table ends")];
            let head = &t[t.find("<thead>").unwrap()..t.find("</thead>").unwrap()];
            let body = &t[t.find("<tbody>").unwrap()..];
            Table {
                header: cells(head, "th"),
                rows: body.split("<tr>").skip(1).map(|r| cells(r, "td")).collect(),
            }
        })
        .collect()
}

fn int(s: &str) -> u64 {
    s.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("not a whole number: {s:?}"))
}

struct Case {
    map: Map,
    m: Measurements,
    html: String,
    svg: String,
}

fn case(seed: u64, deals: usize, days: u32, cut: f64) -> Case {
    let map = template();
    let start = days_from_civil(2026, 1, 1) * MICROS_PER_DAY;
    let history = generate(
        &map,
        &GenerateOptions {
            deals,
            seed,
            start,
            days,
        },
    );
    let last = history.time.iter().copied().max().unwrap_or(start);
    let as_of = start + ((last - start) as f64 * cut) as i64;
    let options = ReportOptions::new(Lang::En, as_of, "t.toml", "h.csv");
    let m = Measurements::measure(&map, &history, &options).expect("measured");
    let html = write_report(&map, &m, &options).html;
    let o = overlay(&map, &m.analysis, "h.csv");
    let svg = render_svg(&map, &RenderOptions::default(), Some(&o));
    Case { map, m, html, svg }
}

/// The drawing's English words.
const EN: Wording = Wording::ENGLISH;

fn name(map: &Map, id: &str) -> String {
    map.stage(map.find(id).unwrap())
        .name
        .get("en", "en")
        .to_string()
}

/// Reached per main-path stage: the funnel table, the analysis's funnel and reached list, the
/// overlay and the drawing's text all say the same number.
fn reached_agrees(c: &Case) {
    let a = &c.m.analysis;
    let funnel = &tables(&c.html, "funnel")[0];
    let col = funnel.column("Reached");
    let o = overlay(&c.map, a, "");
    for s in &a.funnel_strict.stages {
        let row = funnel.row(&name(&c.map, &s.stage)).expect("a funnel row");
        assert_eq!(int(&row[col]), s.reached, "{}", s.stage);
        let listed = a.reached.iter().find(|(id, _)| id == &s.stage).unwrap().1;
        assert_eq!(listed, s.reached, "{}", s.stage);
        let ix = c.map.find(&s.stage).unwrap();
        let f = &o.stages[&ix];
        assert_eq!(f.reached, Some(s.reached), "{}", s.stage);
        let label = EN.reached_and_median(s.reached, f.median_days);
        assert!(label.starts_with(&format!("n={}", s.reached)), "{label}");
        assert!(
            c.svg.contains(&format!(">{label}<")),
            "drawing lacks {label}"
        );
    }
}

/// First-move shares: the map's edge labels, the as-is table and the analysis agree, and the
/// shares out of one stage add up to at most 100 %.
fn shares_agree_and_add_up(c: &Case) {
    let a = &c.m.analysis;
    let asis = &a.conformance.as_is;
    let designed = &tables(&c.html, "as-is")[0];
    let share_col = designed.column("Went there first");
    let o = overlay(&c.map, a, "");
    let mut out_of: std::collections::BTreeMap<&str, f64> = Default::default();
    for (t, u) in c.map.transitions.iter().zip(&asis.designed) {
        let f = &o.transitions[&(t.from, t.to)];
        let label = &EN.share_of(f.share, f.reached_from);
        let cell = designed
            .row(&format!(
                "{} → {}",
                name(&c.map, &u.from),
                name(&c.map, &u.to)
            ))
            .expect("a designed row")[share_col]
            .clone();
        match u.share {
            Some(_) => assert_eq!(&cell, label, "{} → {}", u.from, u.to),
            None => assert_eq!(label, &format!("n={}", u.reached_from)),
        }
        if u.first_exits > 0 {
            assert!(
                c.svg.contains(&format!(">{label}<")),
                "drawing lacks {label}"
            );
        }
        *out_of.entry(&u.from).or_default() += u.share.unwrap_or(0.0);
    }
    for u in &asis.not_in_map {
        *out_of.entry(&u.from).or_default() += u.share.unwrap_or(0.0);
    }
    for (stage, sum) in out_of {
        assert!(sum <= 1.0 + 1e-9, "shares out of {stage} add up to {sum}");
    }
}

/// Moves not in the map: every one drawn is in the as-is table with the same share, and the
/// drawing shows its label; none below the threshold is drawn.
fn off_map_moves_agree(c: &Case) {
    let a = &c.m.analysis;
    let o = overlay(&c.map, a, "");
    let table = &tables(&c.html, "as-is")[1..];
    for m in &o.off_map {
        let (from, to) = (&c.map.stage(m.from).id, &c.map.stage(m.to).id);
        let u = a
            .conformance
            .as_is
            .not_in_map
            .iter()
            .find(|u| &u.from == from && &u.to == to)
            .expect("a drawn move is measured");
        assert_eq!(
            (m.figures.count, m.figures.reached_from),
            (u.first_exits, u.reached_from)
        );
        assert!(u.share.unwrap() >= salesmap_core::analysis::OFF_MAP_MIN_SHARE);
        let label = EN.share_of(m.figures.share, m.figures.reached_from);
        assert!(
            c.svg.contains(&format!(">{label}<")),
            "drawing lacks {label}"
        );
        if let Some(t) = table.first() {
            let row = t.row(&format!("{} → {}", name(&c.map, from), name(&c.map, to)));
            if let Some(row) = row {
                assert_eq!(row[t.column("Went there first")], label);
            }
        }
    }
}

/// Deals in each stage now: the drawing's open and stale counts are the funnel's on the main
/// path, and the analysis's `now` everywhere.
fn open_and_stale_agree(c: &Case) {
    let a = &c.m.analysis;
    let o = overlay(&c.map, a, "");
    for s in &a.funnel_strict.stages {
        let ix = c.map.find(&s.stage).unwrap();
        let f = &o.stages[&ix];
        assert_eq!(
            (f.open, f.stale, f.customers, f.customers_over_target),
            (
                s.open_now,
                s.stale,
                s.customers_now,
                s.customers_over_target
            ),
            "{}",
            s.stage
        );
    }
    for now in &a.now {
        let f = &o.stages[&c.map.find(&now.stage).unwrap()];
        assert_eq!((f.open, f.stale), (now.open, now.stale), "{}", now.stage);
        if now.open > 0 {
            let label = EN.open_now(now.open, now.stale);
            assert!(
                c.svg.contains(&format!(">{label}<")),
                "drawing lacks {label}"
            );
        }
    }
    let total: u64 = a.now.iter().map(|n| n.open).sum();
    assert_eq!(total, a.win_rate.open, "every open deal sits in one stage");
}

/// Pipeline and forecast: the table's open deals and weighted amounts per stage are the
/// forecast's, its total and the summary tile are the weighted pipeline, and the owners'
/// table is the analysis's breakdown.
fn pipeline_agrees(c: &Case) {
    let a = &c.m.analysis;
    let f = &a.forecast;
    let unit = c.map.goal.as_ref().and_then(|g| g.unit.clone());
    let money = |v: f64| Lang::En.money(v, unit.as_deref());
    let t = &tables(&c.html, "pipeline");
    let stages = &t[0];
    let (open, weighted) = (stages.column("Open deals"), stages.column("Weighted"));
    for s in f.stages.iter().filter(|s| s.open > 0) {
        let row = stages.row(&name(&c.map, &s.stage)).expect("a pipeline row");
        let shown = row[open].split(' ').next().unwrap();
        assert_eq!(int(shown), s.open, "{}", s.stage);
        assert_eq!(row[weighted], money(s.weighted_amount), "{}", s.stage);
    }
    let total = stages.row("Total").expect("a total row");
    assert_eq!(total[weighted], money(f.weighted_pipeline));
    assert_eq!(int(&total[open]), f.open_deals);
    let tile = c
        .html
        .split("<div class=\"tile\">")
        .find(|t| t.contains(">Weighted forecast<"))
        .expect("a forecast tile");
    assert!(tile.contains(&format!(
        ">{}<",
        Lang::En.money_short(f.weighted_pipeline, unit.as_deref())
    )));
    if let Some(b) = &a.breakdown {
        let owners = &t[1];
        assert_eq!(owners.rows.len(), b.groups.len());
        for g in &b.groups {
            let row = owners.row(&g.group).expect("an owner row");
            assert_eq!(int(&row[owners.column("Deals")]), g.deals, "{}", g.group);
            assert_eq!(int(&row[owners.column("Won")]), g.won, "{}", g.group);
        }
        let all: u64 = b.groups.iter().map(|g| g.deals).sum();
        assert_eq!(all, a.deals, "every deal has one owner row");
    }
}

/// Drop-outs: the funnel's `dropped`, the friction ranking and the first finding agree, and
/// the funnel accounts for every deal that reached a stage.
fn drop_outs_agree(c: &Case) {
    let a = &c.m.analysis;
    for f in [&a.funnel_strict, &a.funnel_implied] {
        for s in &f.stages {
            assert_eq!(
                s.reached,
                s.converted + s.dropped + s.open + s.skipped,
                "{:?} {}",
                f.mode,
                s.stage
            );
        }
    }
    for fr in &a.friction {
        let s = a
            .funnel_strict
            .stages
            .iter()
            .find(|s| s.stage == fr.stage)
            .expect("friction is on the main path");
        assert_eq!(
            (fr.dropped, fr.entered),
            (s.dropped, s.reached),
            "{}",
            s.stage
        );
        let reasons: u64 = fr.reasons.iter().map(|r| r.1).sum();
        assert_eq!(reasons, fr.dropped);
    }
    // Each deal that ended drops out at one stage only: implied and strict agree.
    for (s, i) in a.funnel_strict.stages.iter().zip(&a.funnel_implied.stages) {
        assert_eq!(s.dropped, i.dropped, "{}", s.stage);
    }
    if let Some(Finding::Friction(f)) = findings(a).first() {
        assert_eq!(Some(f), a.friction.first());
    }
    // The triggers section's second table is the friction ranking, when anyone dropped out.
    let section = tables(&c.html, "triggers");
    assert_eq!(section.len(), if a.friction.is_empty() { 1 } else { 2 });
    if let Some(friction) = section.get(1) {
        for fr in &a.friction {
            let row = friction
                .row(&name(&c.map, &fr.stage))
                .expect("a friction row");
            assert_eq!(int(&row[friction.column("Dropped")]), fr.dropped);
        }
    }
}

/// The win rate: the glance tile shows the analysis's, or "no data" when it is absent.
fn win_rate_agrees(c: &Case) {
    let w = &c.m.analysis.win_rate;
    let tile = c
        .html
        .split("<div class=\"tile\">")
        .find(|t| t.contains(">Win rate<"))
        .expect("a win rate tile");
    let open = "<div class=\"value\">";
    let at = tile.find(open).expect("a value") + open.len();
    let shown = text(&tile[at..at + tile[at..].find("</div>").expect("the value ends")]);
    let expected = match w.by_count {
        Some(r) => Lang::En.pct(Some(r)),
        None => "no data".to_string(),
    };
    assert_eq!(shown, expected);
}

/// The plan: whole cells add up to the whole need in the plan and in both plan tables.
fn plan_cells_add_up(c: &Case) {
    let Ok(planned) = &c.m.plan else { return };
    let t = tables(&c.html, "plan");
    let (needs, periods) = (&t[0], &t[1]);
    for s in &planned.plan.stages {
        let cells = s.before_start_whole + s.per_period_whole.iter().sum::<u64>();
        assert_eq!(cells, s.needed_whole, "{}", s.stage);
        let n = name(&c.map, &s.stage);
        let row = needs.row(&n).expect("a needs row");
        let late = int(&row[needs.column("Already late")]);
        let needed = int(&row[needs.column("Needed")]);
        let per: u64 = periods.row(&n).expect("a period row")[1..]
            .iter()
            .map(|v| int(v))
            .sum();
        assert_eq!(
            (needed, late + per),
            (s.needed_whole, s.needed_whole),
            "{n}"
        );
    }
}

proptest! {
    // A fixed seed: CI runs the same cases every time (the first case found failing was
    // seed=914, deals=20, days=99, cut=0.4: a report with no drop-outs).
    #![proptest_config(ProptestConfig {
        cases: 24,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5a1e_f1c5),
        ..ProptestConfig::default()
    })]

    #[test]
    fn figures_agree_on_any_history(
        seed in 0u64..10_000,
        deals in 20usize..260,
        days in 90u32..600,
        cut in 0.4f64..1.0,
    ) {
        let c = case(seed, deals, days, cut);
        reached_agrees(&c);
        shares_agree_and_add_up(&c);
        off_map_moves_agree(&c);
        open_and_stale_agree(&c);
        pipeline_agrees(&c);
        drop_outs_agree(&c);
        win_rate_agrees(&c);
        plan_cells_add_up(&c);
    }
}

#[test]
fn a_history_with_no_drop_outs_agrees() {
    let c = case(914, 20, 99, 0.4);
    reached_agrees(&c);
    shares_agree_and_add_up(&c);
    drop_outs_agree(&c);
    win_rate_agrees(&c);
    plan_cells_add_up(&c);
}

#[test]
fn the_demo_history_agrees_too() {
    let c = case(7, 600, 546, 1.0);
    reached_agrees(&c);
    shares_agree_and_add_up(&c);
    off_map_moves_agree(&c);
    open_and_stale_agree(&c);
    pipeline_agrees(&c);
    assert!(
        c.m.analysis.breakdown.is_some(),
        "the generated history names owners"
    );
    assert!(!c.m.analysis.conformance.as_is.not_in_map.is_empty());
    drop_outs_agree(&c);
    win_rate_agrees(&c);
    plan_cells_add_up(&c);
}
