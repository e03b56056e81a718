//! [`write_starter`]: a [`Starter`] (the outline of a map read from a history) written as a
//! map file in canonical layout, for `salesmap init --from-history`.
//!
//! The file says what was measured and what is left to write: each stage carries its CRM
//! names as aliases (so it can be renamed freely), its median days as `target_days` with the
//! figures in a comment, and its observed moves into outcomes as `no` branches. The R5 fields
//! (entry, what happens, exit checklist), owners, customer value, the goal and the KPIs are
//! left out on purpose: `salesmap check` lists each as a warning to fill in, and the map has
//! no errors.

use std::fmt::Write as _;

use salesmap_core::map::StageKind;
use salesmap_core::starter::Starter;

/// The words of the file, in the map's language.
struct Words {
    header: &'static str,
    name: &'static str,
    measured: &'static str,
    no_stays: &'static str,
    branch: &'static str,
    unseen_churn: &'static str,
    /// A count of deals, and of completed stays.
    deals: fn(u64) -> String,
    stays: fn(u64) -> String,
}

const EN: Words = Words {
    header: "# Starter map read from the history in {files} ({deals}): the stages in the order the\n\
             # deals took them, outcomes recognised from their names, each stage's median days as its\n\
             # target. The aliases are the CRM's own names, so stages can be renamed freely.\n\
             # Fill in what `salesmap check` lists: each stage's entry, what happens, exit checklist,\n\
             # owners and customer value, then the goal and the KPIs.\n",
    name: "Sales process from {files}",
    measured: "# measured: {deals} entered; median {days} days in the stage over {stays}",
    no_stays: "# measured: {deals} entered; no deal has left this stage yet",
    branch: "{deals} of the history went from here to {to}",
    unseen_churn: "The client leaves (not seen in the history)",
    deals: |n| format!("{n} deal{}", if n == 1 { "" } else { "s" }),
    stays: |n| format!("{n} completed stay{}", if n == 1 { "" } else { "s" }),
};

const KO: Words = Words {
    header: "# {files}의 이력({deals})에서 읽은 시작용 맵: 거래가 실제로 거친 순서의 단계, 이름으로\n\
             # 알아본 결과 단계, 단계별 체류 일수의 중앙값을 목표로 적었습니다. aliases는 CRM의 원래\n\
             # 이름이므로 단계 이름은 자유롭게 바꿔도 됩니다.\n\
             # `salesmap check`가 알려 주는 것을 채우세요: 각 단계의 진입 정의, 하는 일, 완료\n\
             # 체크리스트, 담당자, 고객 가치, 그리고 목표와 KPI.\n",
    name: "{files}에서 읽은 영업 프로세스",
    measured: "# 측정값: {deals} 진입, 완료된 체류 {stays}의 중앙값 {days}일",
    no_stays: "# 측정값: {deals} 진입, 아직 이 단계를 떠난 거래가 없음",
    branch: "이력에서 {deals}이 여기서 {to}(으)로 감",
    unseen_churn: "고객이 떠남(이력에는 없음)",
    deals: |n| format!("{n}건"),
    stays: |n| format!("{n}건"),
};

/// The map file of `starter`, read from `files` (their names, for the header), in `lang`
/// (`en` or `ko`; English otherwise), in canonical layout.
pub fn write_starter(starter: &Starter, files: &str, lang: &str) -> String {
    let (w, lang) = match lang {
        "ko" => (&KO, "ko"),
        _ => (&EN, "en"),
    };
    let fill = |template: &str, pairs: &[(&str, String)]| {
        pairs
            .iter()
            .fold(template.to_string(), |text, (key, value)| {
                text.replace(&format!("{{{key}}}"), value)
            })
    };
    let deals = (w.deals)(starter.deals);
    let mut out = fill(w.header, &[("files", files.into()), ("deals", deals)]);
    let start = starter
        .stages
        .iter()
        .find(|s| s.kind == StageKind::Step)
        .or(starter.stages.first())
        .map_or("", |s| s.id.as_str());
    let _ = write!(
        out,
        "\n[map]\nname = {}\nlanguage = \"{lang}\"\nstart = {}\n",
        quote(&fill(w.name, &[("files", files.into())])),
        quote(start)
    );
    for stage in &starter.stages {
        let _ = write!(
            out,
            "\n[[stage]]\nid = {}\nname = {}\n",
            quote(&stage.id),
            quote(&stage.name)
        );
        match stage.kind {
            StageKind::Outcome(o) => {
                let _ = writeln!(out, "outcome = \"{}\"", o.name());
            }
            StageKind::WonMilestone => out.push_str("milestone = \"won\"\n"),
            StageKind::Step => {}
        }
        if !matches!(stage.kind, StageKind::Outcome(_)) {
            match stage.median_days {
                Some((days, stays)) => {
                    let days = round_days(days);
                    let line = fill(
                        w.measured,
                        &[
                            ("deals", (w.deals)(stage.deals)),
                            ("days", days.clone()),
                            ("stays", (w.stays)(stays)),
                        ],
                    );
                    let _ = write!(out, "{line}\ntarget_days = {days}\n");
                }
                None => {
                    let line = fill(w.no_stays, &[("deals", (w.deals)(stage.deals))]);
                    let _ = writeln!(out, "{line}");
                }
            }
        }
        let aliases: Vec<String> = stage.aliases.iter().map(|a| quote(a)).collect();
        let _ = writeln!(out, "aliases = [{}]", aliases.join(", "));
        if let Some(next) = stage.next {
            let _ = writeln!(out, "next = {}", quote(&starter.stages[next].id));
        }
        for &(to, deals) in &stage.branches {
            let target = &starter.stages[to];
            let when = if deals == 0 {
                w.unseen_churn.to_string()
            } else {
                fill(
                    w.branch,
                    &[("deals", (w.deals)(deals)), ("to", target.name.clone())],
                )
            };
            let _ = write!(
                out,
                "\n[[stage.branch]]\nto = {}\nwhen = {}\nanswer = \"no\"\n",
                quote(&target.id),
                quote(&when)
            );
        }
    }
    // The text above is valid TOML by construction; formatting only lays it out.
    crate::format::format(&out).unwrap_or(out)
}

/// Days as a `target_days` value: one decimal from a day up, two below (a stay of minutes
/// is not 0 days), at least 0.01.
fn round_days(days: f64) -> String {
    if days >= 1.0 {
        format!("{:.1}", (days * 10.0).round() / 10.0)
    } else {
        format!("{:.2}", ((days * 100.0).round() / 100.0).max(0.01))
    }
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use salesmap_core::history::{EventKind, History, MICROS_PER_DAY};
    use salesmap_core::starter::{StarterOptions, starter};

    #[test]
    fn a_starter_map_has_warnings_only() {
        let mut h = History::default();
        for (deal, stage, day) in [
            ("a", "Lead \"hot\"", 0),
            ("a", "Proposal/Price Quote", 3),
            ("a", "Closed Won", 10),
            ("b", "Lead \"hot\"", 1),
            ("b", "Closed Lost", 2),
            ("c", "Lead \"hot\"", 1),
        ] {
            h.push(deal, stage, day * MICROS_PER_DAY, EventKind::StageEntry);
        }
        let s = starter(&h, &StarterOptions::default()).unwrap();
        let text = write_starter(&s, "deals.csv", "en");
        expect_test::expect![[r##"
            # Starter map read from the history in deals.csv (3 deals): the stages in the order the
            # deals took them, outcomes recognised from their names, each stage's median days as its
            # target. The aliases are the CRM's own names, so stages can be renamed freely.
            # Fill in what `salesmap check` lists: each stage's entry, what happens, exit checklist,
            # owners and customer value, then the goal and the KPIs.

            [map]
            name = "Sales process from deals.csv"
            language = "en"
            start = "lead-hot"

            [[stage]]
            id = "lead-hot"
            name = "Lead \"hot\""
            # measured: 3 deals entered; median 2.0 days in the stage over 2 completed stays
            target_days = 2.0
            aliases = ["Lead \"hot\""]
            next = "proposal-price-quote"

            [[stage.branch]]
            to = "lost"
            when = "1 deal of the history went from here to Closed Lost"
            answer = "no"

            [[stage]]
            id = "proposal-price-quote"
            name = "Proposal/Price Quote"
            # measured: 1 deal entered; median 7.0 days in the stage over 1 completed stay
            target_days = 7.0
            aliases = ["Proposal/Price Quote"]
            next = "won"

            [[stage]]
            id = "won"
            name = "Closed Won"
            outcome = "won"
            aliases = ["Closed Won"]

            [[stage]]
            id = "lost"
            name = "Closed Lost"
            outcome = "lost"
            aliases = ["Closed Lost"]
        "##]]
        .assert_eq(&text);
        let checked = crate::load(&text, "starter.map.toml");
        assert!(checked.map.is_some(), "{:?}", checked.diagnostics);
        assert!(
            checked
                .diagnostics
                .iter()
                .all(|d| d.severity == crate::Severity::Warning),
            "{:?}",
            checked.diagnostics
        );
        assert_eq!(crate::format::format(&text).unwrap(), text);
        assert_eq!(round_days(0.0001), "0.01");
        assert_eq!(round_days(14.44), "14.4");
    }
}
