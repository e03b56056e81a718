//! The renderer's own words (legend entries, detail lines, badges) in English and Korean.
//! Map text comes from the map; only these few words are the drawing's own.

use salesmap_core::map::Outcome;

/// Words for one language; any language other than Korean gets English.
#[derive(Clone, Copy, Debug)]
pub struct Wording {
    korean: bool,
}

impl Wording {
    pub fn for_lang(lang: &str) -> Wording {
        Wording {
            korean: lang == "ko" || lang.starts_with("ko-"),
        }
    }

    fn pick(self, en: &'static str, ko: &'static str) -> &'static str {
        if self.korean { ko } else { en }
    }

    pub fn start(self) -> &'static str {
        self.pick("▶ start", "▶ 시작")
    }

    pub fn won_milestone(self) -> &'static str {
        self.pick("★ won milestone", "★ 수주 시점")
    }

    pub fn checklist(self, count: usize) -> String {
        if self.korean {
            format!("체크리스트 {count}")
        } else {
            format!("checklist {count}")
        }
    }

    pub fn target_days(self, days: f64) -> String {
        let days = format_number(days);
        if self.korean {
            format!("목표 {days}일")
        } else {
            format!("target {days} d")
        }
    }

    pub fn sub_stages(self, count: usize) -> String {
        if self.korean {
            format!("+ 하위 단계 {count}개")
        } else if count == 1 {
            "+ 1 sub-stage".to_string()
        } else {
            format!("+ {count} sub-stages")
        }
    }

    pub fn outcome(self, outcome: Outcome) -> &'static str {
        match outcome {
            Outcome::Won => self.pick("won", "수주"),
            Outcome::Lost => self.pick("lost", "실주"),
            Outcome::Disqualified => self.pick("disqualified", "부적격"),
            Outcome::Churned => self.pick("churned", "이탈"),
        }
    }

    pub fn yes(self) -> &'static str {
        self.pick("yes", "예")
    }

    pub fn no(self) -> &'static str {
        self.pick("no", "아니오")
    }

    pub fn legend(self) -> &'static str {
        self.pick("Legend", "범례")
    }

    pub fn legend_stage(self) -> &'static str {
        self.pick("stage", "단계")
    }

    pub fn legend_decision(self) -> &'static str {
        self.pick("◆ decision point", "◆ 결정 지점")
    }

    pub fn legend_main_path(self) -> &'static str {
        self.pick("main path", "주 경로")
    }

    pub fn legend_branch(self) -> &'static str {
        self.pick("branch", "분기")
    }

    pub fn legend_loop(self) -> &'static str {
        self.pick("loop back (nurture, recycle)", "되돌아감 (육성, 재활용)")
    }

    pub fn legend_figures(self) -> &'static str {
        self.pick("measured", "측정값")
    }

    pub fn unassigned(self) -> &'static str {
        self.pick("(no owner)", "(담당 없음)")
    }

    pub fn no_phase(self) -> &'static str {
        self.pick("(no phase)", "(단계 없음)")
    }

    pub fn goal(self) -> &'static str {
        self.pick("Goal", "목표")
    }
}

/// A number as people write it: no trailing `.0`, at most one decimal.
pub fn format_number(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}
