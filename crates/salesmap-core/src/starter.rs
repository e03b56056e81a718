//! [`starter`]: the outline of a map read from a history alone, for `salesmap init
//! --from-history`: the stages the deals actually took, in the order they took them, with
//! their outcomes recognised and their measured times.
//!
//! - Each stage name of the history (stage entries only; touches are not stages) is a stage,
//!   except names that say an outcome ([`crate::crm_names::outcome_named`], or named by the
//!   caller): all names of one outcome make one stage (`won`, `lost`, `disqualified`,
//!   `churned`), with every name as an alias.
//! - Order: each deal's path is its stage entries by time (ties in input order), repeated
//!   entries into the stage it is in dropped. Working stages and the won stage are ordered by
//!   the majority of deals: a stage comes before another when more of the deals that entered
//!   both entered it first (ties: the earlier mean position in the paths, then the name). The
//!   main path is that order, start to win.
//! - Working stages ordered after the win that most of their deals entered after winning are
//!   post-sale: the won stage is then a milestone, and the last post-sale stage, where the
//!   history ends, is the won outcome (or leads to the churned outcome when the history has
//!   one). A stage ordered after the win that its deals mostly entered without winning first
//!   is moved before the win.
//! - Branches: every move the history makes from a working stage into a lost, disqualified
//!   or churned outcome, with its count.
//! - Times: the median of completed stays in each stage (entry to the next entry), in days.
//!
//! Pure and deterministic: the same history gives the same starter.

use std::collections::BTreeMap;

use crate::crm_names::outcome_named;
use crate::history::{EventKind, History};
use crate::map::{Outcome, StageKind};
use crate::stats::Summary;

/// Names the caller says are outcomes, whatever the names say.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StarterOptions {
    /// Stage names that mean the deal is won.
    pub won: Vec<String>,
    /// Stage names that mean the deal is lost.
    pub lost: Vec<String>,
}

/// A map's outline read from a history.
#[derive(Clone, Debug, PartialEq)]
pub struct Starter {
    /// Stages in file order: the main path (start to the win and past it), then the other
    /// outcomes.
    pub stages: Vec<StarterStage>,
    /// Deals with at least one stage entry.
    pub deals: u64,
}

/// One stage of a [`Starter`].
#[derive(Clone, Debug, PartialEq)]
pub struct StarterStage {
    /// A stage id made from the name (`Appointment Scheduled` → `appointment-scheduled`), or
    /// the outcome's name for an outcome.
    pub id: String,
    /// The CRM name (for an outcome, the name most deals entered it by).
    pub name: String,
    /// Every CRM name of the stage, most entered first.
    pub aliases: Vec<String>,
    pub kind: StageKind,
    /// Index of the next stage on the main path.
    pub next: Option<usize>,
    /// Outcomes the history moves into from here: (stage index, deals).
    pub branches: Vec<(usize, u64)>,
    /// Deals that entered the stage.
    pub deals: u64,
    /// Median days of the completed stays in the stage, and how many there were.
    pub median_days: Option<(f64, u64)>,
}

/// Why no starter can be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StarterError {
    /// The history has no stage entries.
    NoStages,
    /// No stage name says the deal is won; the names found, most entered first.
    NoWin { names: Vec<String> },
}

impl std::fmt::Display for StarterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StarterError::NoStages => f.write_str("the history has no stage entries"),
            StarterError::NoWin { names } => write!(
                f,
                "no stage of the history says the deal is won (names with `won`, `approved`, `수주`…); its stages: {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::error::Error for StarterError {}

/// What one stage name of the history is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Step,
    Outcome(Outcome),
}

/// Reads the outline of a map from `history` (see the module docs).
pub fn starter(history: &History, options: &StarterOptions) -> Result<Starter, StarterError> {
    let paths = paths(history);
    let names = history.activities.names();
    // Deals per activity, for ordering names and picking an outcome stage's name.
    let mut deals_of = vec![0u64; names.len()];
    for path in &paths {
        let mut seen: Vec<u32> = path.iter().map(|e| e.0).collect();
        seen.sort_unstable();
        seen.dedup();
        for a in seen {
            deals_of[a as usize] += 1;
        }
    }
    let used: Vec<u32> = (0..names.len() as u32)
        .filter(|&a| deals_of[a as usize] > 0)
        .collect();
    if used.is_empty() {
        return Err(StarterError::NoStages);
    }
    let named = |list: &[String], name: &str| {
        list.iter()
            .any(|n| n.trim().eq_ignore_ascii_case(name.trim()))
    };
    let role = |a: u32| -> Role {
        let name = &names[a as usize];
        if named(&options.won, name) {
            Role::Outcome(Outcome::Won)
        } else if named(&options.lost, name) {
            Role::Outcome(Outcome::Lost)
        } else {
            outcome_named(name).map_or(Role::Step, Role::Outcome)
        }
    };
    if !used.iter().any(|&a| role(a) == Role::Outcome(Outcome::Won)) {
        let mut listed = used.clone();
        listed.sort_by_key(|&a| {
            (
                std::cmp::Reverse(deals_of[a as usize]),
                names[a as usize].clone(),
            )
        });
        return Err(StarterError::NoWin {
            names: listed.iter().map(|&a| names[a as usize].clone()).collect(),
        });
    }

    // Groups: one per working name, one per outcome. `group_of[activity]`.
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of = vec![usize::MAX; names.len()];
    for &a in &used {
        let r = role(a);
        let existing = match r {
            Role::Outcome(_) => groups.iter().position(|g| g.role == r),
            Role::Step => None,
        };
        let g = existing.unwrap_or_else(|| {
            groups.push(Group {
                role: r,
                names: Vec::new(),
            });
            groups.len() - 1
        });
        groups[g].names.push(a);
        group_of[a as usize] = g;
    }
    for g in &mut groups {
        g.names.sort_by_key(|&a| {
            (
                std::cmp::Reverse(deals_of[a as usize]),
                names[a as usize].clone(),
            )
        });
    }
    let won = groups
        .iter()
        .position(|g| g.role == Role::Outcome(Outcome::Won))
        .expect("a won name was found above");

    // Paths as groups, repeated entries into the same group dropped.
    let group_paths: Vec<Vec<(usize, i64)>> = paths
        .iter()
        .map(|path| {
            let mut out: Vec<(usize, i64)> = Vec::with_capacity(path.len());
            for &(a, t) in path {
                let g = group_of[a as usize];
                if out.last().is_none_or(|&(last, _)| last != g) {
                    out.push((g, t));
                }
            }
            out
        })
        .collect();

    let order = main_order(&groups, &group_paths, won, names);
    let chain = split_post_sale(&order, &group_paths, won);
    Ok(build(history, &groups, &group_paths, &chain, won))
}

/// The groups of names that make one stage.
struct Group {
    role: Role,
    /// Activity codes, most entered first.
    names: Vec<u32>,
}

/// Each deal's stage entries in order: (activity, time).
fn paths(history: &History) -> Vec<Vec<(u32, i64)>> {
    let mut paths: Vec<Vec<(u32, i64)>> = Vec::new();
    let mut current: Option<u32> = None;
    for row in history.deal_order() {
        let row = row as usize;
        if history.kind[row] != EventKind::StageEntry {
            continue;
        }
        let deal = history.deal[row];
        if current != Some(deal) {
            current = Some(deal);
            paths.push(Vec::new());
        }
        if let Some(path) = paths.last_mut() {
            path.push((history.activity[row], history.time[row]));
        }
    }
    paths
}

/// Working stages and the won stage, ordered by the majority of deals (see the module docs).
fn main_order(
    groups: &[Group],
    paths: &[Vec<(usize, i64)>],
    won: usize,
    names: &[String],
) -> Vec<usize> {
    let ordered: Vec<usize> = (0..groups.len())
        .filter(|&g| g == won || groups[g].role == Role::Step)
        .collect();
    let n = groups.len();
    // before[a][b]: deals that entered a first and b later.
    let mut before = vec![vec![0u64; n]; n];
    // Sum and count of each group's relative first position in the paths.
    let mut position = vec![(0.0f64, 0u64); n];
    for path in paths {
        let mut first: Vec<(usize, usize)> = Vec::new();
        for (i, &(g, _)) in path.iter().enumerate() {
            if !first.iter().any(|&(h, _)| h == g) {
                first.push((g, i));
            }
        }
        let len = path.len().max(1) as f64;
        for &(g, i) in &first {
            position[g].0 += i as f64 / len;
            position[g].1 += 1;
        }
        for (k, &(a, _)) in first.iter().enumerate() {
            for &(b, _) in &first[k + 1..] {
                before[a][b] += 1;
            }
        }
    }
    let wins = |a: usize| {
        ordered
            .iter()
            .filter(|&&b| b != a && before[a][b] > before[b][a])
            .count()
    };
    let mean = |g: usize| position[g].0 / position[g].1.max(1) as f64;
    let mut order = ordered.clone();
    order.sort_by(|&a, &b| {
        wins(b)
            .cmp(&wins(a))
            .then(mean(a).total_cmp(&mean(b)))
            .then_with(|| {
                names[groups[a].names[0] as usize].cmp(&names[groups[b].names[0] as usize])
            })
    });
    order
}

/// The main chain with the post-sale stages after the win: stages ordered after the win
/// that most of their deals did not enter after winning move before it.
fn split_post_sale(order: &[usize], paths: &[Vec<(usize, i64)>], won: usize) -> Vec<usize> {
    let at = order.iter().position(|&g| g == won).unwrap_or(order.len());
    let mut before: Vec<usize> = order[..at].to_vec();
    let mut after: Vec<usize> = Vec::new();
    for &g in &order[at + 1..] {
        let (mut entered, mut after_win) = (0u64, 0u64);
        for path in paths {
            let Some(i) = path.iter().position(|&(h, _)| h == g) else {
                continue;
            };
            entered += 1;
            after_win += u64::from(path[..i].iter().any(|&(h, _)| h == won));
        }
        if after_win * 2 > entered {
            after.push(g);
        } else {
            before.push(g);
        }
    }
    before.push(won);
    before.extend(after);
    before
}

fn build(
    history: &History,
    groups: &[Group],
    paths: &[Vec<(usize, i64)>],
    chain: &[usize],
    won: usize,
) -> Starter {
    let names = history.activities.names();
    // File order: the chain, then the other outcomes in the order lost, disqualified, churned.
    let mut file: Vec<usize> = chain.to_vec();
    for outcome in [Outcome::Lost, Outcome::Disqualified, Outcome::Churned] {
        if let Some(g) = groups.iter().position(|g| g.role == Role::Outcome(outcome)) {
            file.push(g);
        }
    }
    let index_of = |g: usize| file.iter().position(|&f| f == g);
    let won_at = chain.iter().position(|&g| g == won).unwrap_or(0);
    let post_sale = won_at + 1 < chain.len();
    let churned = groups
        .iter()
        .position(|g| g.role == Role::Outcome(Outcome::Churned));

    // Deals, stays and moves into outcomes, per group.
    let mut entered = vec![0u64; groups.len()];
    let mut stays: Vec<Vec<i64>> = vec![Vec::new(); groups.len()];
    let mut moves: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for path in paths {
        let mut seen: Vec<usize> = path.iter().map(|&(g, _)| g).collect();
        seen.sort_unstable();
        seen.dedup();
        for g in seen {
            entered[g] += 1;
        }
        for pair in path.windows(2) {
            let ((a, ta), (b, tb)) = (pair[0], pair[1]);
            stays[a].push(tb - ta);
            let into_outcome = matches!(groups[b].role, Role::Outcome(o) if o != Outcome::Won);
            if into_outcome && groups[a].role != groups[b].role {
                *moves.entry((a, b)).or_insert(0) += 1;
            }
        }
    }

    let mut ids: Vec<String> = Vec::new();
    let stages = file
        .iter()
        .enumerate()
        .map(|(i, &g)| {
            let group = &groups[g];
            let name = names[group.names[0] as usize].clone();
            let on_chain = i < chain.len();
            let last = i + 1 == chain.len();
            let kind = match group.role {
                Role::Outcome(Outcome::Won) if post_sale => StageKind::WonMilestone,
                Role::Outcome(o) => StageKind::Outcome(o),
                // Where the history ends after the win: the deal's end, won.
                Role::Step if last && post_sale && churned.is_none() => {
                    StageKind::Outcome(Outcome::Won)
                }
                Role::Step => StageKind::Step,
            };
            let id = unique_id(
                match group.role {
                    Role::Outcome(o) => o.name().to_string(),
                    Role::Step => slug(&name),
                },
                &ids,
            );
            ids.push(id.clone());
            let next = (on_chain && !last).then(|| i + 1);
            let mut branches: Vec<(usize, u64)> = moves
                .iter()
                .filter(|((a, _), _)| *a == g)
                .filter_map(|(&(_, b), &count)| Some((index_of(b)?, count)))
                .collect();
            if last
                && post_sale
                && let Some(c) = churned.and_then(index_of)
                && !branches.iter().any(|&(b, _)| b == c)
            {
                branches.push((c, 0));
            }
            let median_days = match kind {
                StageKind::Outcome(_) => None,
                _ => {
                    let mut values = stays[g].clone();
                    Summary::of_micros_in_days(&mut values).map(|s| (s.median, s.n))
                }
            };
            StarterStage {
                id,
                name,
                aliases: group
                    .names
                    .iter()
                    .map(|&a| names[a as usize].clone())
                    .collect(),
                kind,
                next,
                branches,
                deals: entered[g],
                median_days,
            }
        })
        .collect();
    Starter {
        stages,
        deals: paths.len() as u64,
    }
}

/// A stage id from a CRM name: lowercase letters and digits (any script), words joined by
/// `-` (`Proposal/Price Quote` → `proposal-price-quote`, `미팅 예약` → `미팅-예약`).
fn slug(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() {
        "stage".to_string()
    } else {
        id
    }
}

/// `id`, or `id-2`, `id-3`… when taken.
fn unique_id(id: String, taken: &[String]) -> String {
    if !taken.contains(&id) {
        return id;
    }
    (2..)
        .map(|k| format!("{id}-{k}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::MICROS_PER_DAY;

    fn history(rows: &[(&str, &str, i64)]) -> History {
        let mut h = History::default();
        for &(deal, stage, day) in rows {
            h.push(deal, stage, day * MICROS_PER_DAY, EventKind::StageEntry);
        }
        h
    }

    fn outline(s: &Starter) -> String {
        s.stages
            .iter()
            .map(|st| {
                let kind = match st.kind {
                    StageKind::Step => "step".to_string(),
                    StageKind::WonMilestone => "won milestone".to_string(),
                    StageKind::Outcome(o) => format!("outcome {}", o.name()),
                };
                let next = st
                    .next
                    .map_or(String::new(), |n| format!(" → {}", s.stages[n].id));
                let branches: Vec<String> = st
                    .branches
                    .iter()
                    .map(|&(b, n)| format!("{}×{n}", s.stages[b].id))
                    .collect();
                let days = st
                    .median_days
                    .map_or(String::new(), |(d, n)| format!(" median {d:.1} d (n={n})"));
                format!(
                    "{} [{kind}] {:?} deals={}{days}{next} {}\n",
                    st.id,
                    st.aliases,
                    st.deals,
                    branches.join(" ")
                )
            })
            .collect()
    }

    #[test]
    fn stages_in_the_order_deals_take_them_with_outcomes_merged() {
        let h = history(&[
            ("a", "Qualified To Buy", 3),
            ("a", "Appointment Scheduled", 1),
            ("a", "Contract Sent", 10),
            ("a", "Closed Won", 12),
            ("b", "Appointment Scheduled", 1),
            ("b", "Qualified To Buy", 2),
            ("b", "Closed Lost", 5),
            ("c", "Appointment Scheduled", 2),
            ("c", "Contract Sent", 9),
            ("c", "Won", 20),
            ("d", "Appointment Scheduled", 4),
            ("d", "Qualified To Buy", 6),
        ]);
        let s = starter(&h, &StarterOptions::default()).unwrap();
        expect_test::expect![[r#"
            appointment-scheduled [step] ["Appointment Scheduled"] deals=4 median 2.0 d (n=4) → qualified-to-buy 
            qualified-to-buy [step] ["Qualified To Buy"] deals=3 median 5.0 d (n=2) → contract-sent lost×1
            contract-sent [step] ["Contract Sent"] deals=2 median 6.5 d (n=2) → won 
            won [outcome won] ["Closed Won", "Won"] deals=2 
            lost [outcome lost] ["Closed Lost"] deals=1 
        "#]]
        .assert_eq(&outline(&s));
    }

    #[test]
    fn stages_after_the_win_are_post_sale_and_the_last_ends_won() {
        let h = history(&[
            ("a", "Applied", 0),
            ("a", "Approved", 3),
            ("a", "Registered", 4),
            ("a", "Activated", 5),
            ("b", "Applied", 0),
            ("b", "Declined", 1),
            ("c", "Applied", 0),
            ("c", "Approved", 2),
            ("c", "Registered", 3),
            ("c", "Activated", 9),
        ]);
        let s = starter(&h, &StarterOptions::default()).unwrap();
        expect_test::expect![[r#"
            applied [step] ["Applied"] deals=3 median 2.0 d (n=3) → won lost×1
            won [won milestone] ["Approved"] deals=2 median 1.0 d (n=2) → registered 
            registered [step] ["Registered"] deals=2 median 3.5 d (n=2) → activated 
            activated [outcome won] ["Activated"] deals=2 
            lost [outcome lost] ["Declined"] deals=1 
        "#]]
        .assert_eq(&outline(&s));
    }

    #[test]
    fn a_history_without_a_win_names_its_stages() {
        let h = history(&[("a", "Lead", 0), ("a", "Demo", 2), ("b", "Lead", 1)]);
        let err = starter(&h, &StarterOptions::default()).unwrap_err();
        expect_test::expect![[r#"no stage of the history says the deal is won (names with `won`, `approved`, `수주`…); its stages: `Lead`, `Demo`"#]]
            .assert_eq(&err.to_string());
        let told = StarterOptions {
            won: vec!["demo".into()],
            ..StarterOptions::default()
        };
        let s = starter(&h, &told).unwrap();
        assert_eq!(s.stages[1].kind, StageKind::Outcome(Outcome::Won));
        assert_eq!(slug("Proposal/Price Quote"), "proposal-price-quote");
        assert_eq!(slug("미팅 예약"), "미팅-예약");
    }
}
