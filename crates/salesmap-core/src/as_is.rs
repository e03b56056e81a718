//! The as-is map: a [`Discovery`] turned into a [`Map`] with an [`Overlay`], so the process
//! found in history is drawn by the same renderer, in the same style, as the designed map.
//!
//! Every activity becomes a stage. The most frequent directly-follows edges are kept (the
//! rest would only tangle the drawing; the count kept is the caller's choice). The main path
//! starts at the most frequent start activity and follows, from each stage, its most frequent
//! kept edge to a stage not yet on the path; every other kept edge is a branch. The overlay
//! prints events per stage and, on each edge, its count and median time.

use crate::discovery::Discovery;
use crate::map::{Map, Stage, StageIx, StageKind, Transition, TransitionKind};
use crate::overlay::{Overlay, StageFigures, TransitionFigures};
use crate::text::Text;

/// The discovered process as a map plus its measured figures; `edges_kept` of `edges_total`
/// directly-follows edges are drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct AsIsMap {
    pub map: Map,
    pub overlay: Overlay,
    pub edges_kept: usize,
    pub edges_total: usize,
}

/// Builds the as-is map from a discovery, keeping the `max_edges` most frequent edges.
/// `None` when the discovery has no events.
pub fn as_is_map(d: &Discovery, title: &str, max_edges: usize) -> Option<AsIsMap> {
    let lang = "en";
    // Stages in order of first appearance along the most frequent variants, then by name, so
    // the file order (and any tie in the layout) follows the common flow.
    let mut names: Vec<&str> = Vec::new();
    for v in d.variants.iter() {
        for s in v.stages() {
            if !names.contains(&s) {
                names.push(s);
            }
        }
    }
    for a in d.activity_counts.keys() {
        if !names.contains(&a.as_str()) {
            names.push(a);
        }
    }
    if names.is_empty() {
        return None;
    }
    let ix = |name: &str| StageIx(names.iter().position(|n| *n == name).expect("activity") as u32);

    let mut edges: Vec<_> = d.dfg.iter().collect();
    edges.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    let edges_total = edges.len();
    edges.truncate(max_edges);

    let start_name = d
        .start_activities
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map_or(names[0], |(name, _)| name.as_str());
    let start = ix(start_name);

    // The main path: from each stage, its most frequent kept edge to a stage not on the path.
    let mut on_path = vec![false; names.len()];
    let mut main: Vec<(StageIx, StageIx)> = Vec::new();
    let mut at = start;
    on_path[at.index()] = true;
    while let Some(e) = edges
        .iter()
        .filter(|e| ix(&e.from) == at && !on_path[ix(&e.to).index()])
        .max_by(|a, b| a.count.cmp(&b.count).then_with(|| b.to.cmp(&a.to)))
    {
        let to = ix(&e.to);
        main.push((at, to));
        on_path[to.index()] = true;
        at = to;
    }

    let stages = names
        .iter()
        .map(|&name| Stage::new(name, Text::new(lang, name), StageKind::Step))
        .collect();
    let mut overlay = Overlay {
        caption: format!(
            "{title} · {} deals · {} of {} edges",
            d.cases,
            edges.len(),
            edges_total
        ),
        ..Overlay::default()
    };
    for (name, count) in &d.activity_counts {
        overlay.stages.insert(
            ix(name),
            StageFigures {
                reached: Some(*count),
                median_days: None,
                label: format!("n={count} events"),
            },
        );
    }
    let mut transitions: Vec<Transition> = main
        .iter()
        .map(|&(from, to)| Transition {
            from,
            to,
            kind: TransitionKind::Next,
            when: None,
            answer: None,
        })
        .collect();
    for e in &edges {
        let (from, to) = (ix(&e.from), ix(&e.to));
        if !main.contains(&(from, to)) {
            transitions.push(Transition {
                from,
                to,
                kind: TransitionKind::Branch,
                when: None,
                answer: None,
            });
        }
        overlay.transitions.insert(
            (from, to),
            TransitionFigures {
                count: e.count,
                share: None,
                label: format!("{} · median {}", e.count, duration_label(e.median)),
            },
        );
    }
    let map = Map {
        name: Text::new(lang, format!("As-is process: {title}")),
        language: lang.to_string(),
        version: None,
        description: None,
        start,
        goal: None,
        kpis: Vec::new(),
        phases: Vec::new(),
        stages,
        transitions,
    };
    Some(AsIsMap {
        map,
        overlay,
        edges_kept: edges.len(),
        edges_total,
    })
}

/// Seconds as a short label: `45 s`, `12 min`, `5.5 h`, `3.2 d`.
fn duration_label(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7_200.0 {
        format!("{:.0} min", seconds / 60.0)
    } else if seconds < 172_800.0 {
        format!("{:.1} h", seconds / 3_600.0)
    } else {
        format!("{:.1} d", seconds / 86_400.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{DiscoverOptions, discover};
    use crate::history::{EventKind, History, MICROS_PER_SECOND};

    #[test]
    fn main_path_follows_the_most_frequent_edges() {
        // a→b→c twice, a→c once, b→a once (a loop back).
        let mut h = History::default();
        let mut push = |deal: &str, acts: &[&str]| {
            for (i, a) in acts.iter().enumerate() {
                h.push(
                    deal,
                    a,
                    i as i64 * 3_600 * MICROS_PER_SECOND,
                    EventKind::StageEntry,
                );
            }
        };
        push("1", &["a", "b", "c"]);
        push("2", &["a", "b", "c"]);
        push("3", &["a", "c"]);
        push("4", &["a", "b", "a", "b", "c"]);
        let d = discover(&h, &DiscoverOptions::default()).unwrap();
        let m = as_is_map(&d, "t", 10).unwrap();
        let path: Vec<&str> = m
            .map
            .main_path()
            .iter()
            .map(|&s| m.map.stage(s).id.as_str())
            .collect();
        assert_eq!(path, ["a", "b", "c"]);
        let branches: Vec<String> = m
            .map
            .transitions
            .iter()
            .filter(|t| t.kind == TransitionKind::Branch)
            .map(|t| format!("{}→{}", m.map.stage(t.from).id, m.map.stage(t.to).id))
            .collect();
        assert_eq!(branches, ["a→c", "b→a"]);
        let ab = &m.overlay.transitions[&(StageIx(0), StageIx(1))];
        assert_eq!(ab.label, "4 · median 60 min");
        assert_eq!((m.edges_kept, m.edges_total), (4, 4));
        let fewer = as_is_map(&d, "t", 2).unwrap();
        assert_eq!((fewer.edges_kept, fewer.map.transitions.len()), (2, 2));
    }
}
