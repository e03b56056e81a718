//! A stage's page: the four fields every stage must have (name, entry definition, what
//! happens, exit checklist), its owners, phase, target days, probability, what the buyer gets,
//! the decision it makes, where deals go from it and come from, its sub-stages; then its
//! measured figures from the live history (deals that reached it, conversion to the next
//! stage, days spent, stays over target) and the open deals in it now, oldest first.

use std::fmt::Write;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use salesmap_core::map::{Answer, Map, StageIx, StageKind, TransitionKind};

use crate::extract::ApiPath;
use crate::pages::context::Visit;
use crate::pages::figures::{self, Live};
use crate::pages::locale::{Lang, Say};
use crate::pages::markup::{Segment, esc};
use crate::pages::shell::{self, Body, OrPage, PageError, Section};
use crate::problem::ApiError;
use crate::state::AppState;

/// `GET /p/{key}/stages/{stage}`.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiPath((key, stage)): ApiPath<(String, String)>,
) -> Result<Response, PageError> {
    let l = visit.lang;
    let live = figures::measure(&state, &visit.actor, &key)
        .await
        .or_page(l)?;
    let Some(ix) = live.map.find(&stage) else {
        return Err(visit.fail(ApiError::NotFound(format!(
            "the map of pipeline `{key}` has no stage `{stage}`"
        ))));
    };
    let board = state.store.board(&visit.actor, &key).await.or_page(l)?;
    let cards: Vec<&salesmap_store::Card> = board
        .columns
        .iter()
        .flat_map(|c| &c.deals)
        .filter(|c| {
            live.map
                .find(&c.stage)
                .is_some_and(|at| at == ix || live.map.top_ancestor(at) == ix)
        })
        .collect();
    let html = write_page(&visit, &key, &live, ix, &cards);
    let name = live
        .map
        .stage(ix)
        .name
        .get(l.tag(), &live.map.language)
        .to_string();
    Ok(shell::render(
        &visit.frame(Some(&key)),
        Body {
            title: name,
            section: Some(Section::Map),
            html,
            ..Body::default()
        },
    )
    .into_response())
}

fn link(h: &mut String, key: &str, map: &Map, l: Lang, ix: StageIx) {
    let s = map.stage(ix);
    let _ = write!(
        h,
        "<a href=\"/p/{}/stages/{}\">{}</a>",
        Segment(key),
        Segment(&s.id),
        esc(s.name.get(l.tag(), &map.language))
    );
}

fn write_page(
    visit: &Visit,
    key: &str,
    live: &Live,
    ix: StageIx,
    cards: &[&salesmap_store::Card],
) -> String {
    let l = visit.lang;
    let lang = l.tag();
    let map = &live.map;
    let s = map.stage(ix);
    let text = |t: &salesmap_core::text::Text| t.get(lang, &map.language).to_string();
    let mut h = String::new();
    let _ = write!(
        h,
        "<p class=\"meta\"><a href=\"/p/{}/map\">← {}</a></p><h1>{}</h1>",
        Segment(key),
        l.t("Map", "맵"),
        esc(&text(&s.name))
    );
    let kind = match (s.kind, map.outcome(ix)) {
        (_, Some(o)) => match o.name() {
            "won" => l.t("Outcome: won", "결과: 수주"),
            "lost" => l.t("Outcome: lost", "결과: 실주"),
            "disqualified" => l.t("Outcome: disqualified", "결과: 부적격"),
            _ => l.t("Outcome: churned", "결과: 이탈"),
        },
        (StageKind::WonMilestone, _) => l.t(
            "Milestone: the sale is won here",
            "마일스톤: 여기서 판매가 성사됩니다",
        ),
        _ if s.decision.is_some() => l.t("Decision point", "의사 결정 지점"),
        _ => l.t("Stage", "단계"),
    };
    let _ = write!(h, "<p class=\"meta\">{kind}");
    if let Some(p) = &s.phase {
        let phase = map
            .phases
            .iter()
            .find(|ph| &ph.id == p)
            .map_or(p.clone(), |ph| text(&ph.name));
        let _ = write!(h, " · {} {}", l.t("phase", "구매 여정:"), esc(&phase));
    }
    if let Some(parent) = s.parent {
        let _ = write!(h, " · {} ", l.t("inside", "상위 단계:"));
        link(&mut h, key, map, l, parent);
    }
    h.push_str(
        "</p><div class=\"two\"><div><section class=\"panel\" aria-labelledby=\"definition\">",
    );
    let _ = write!(
        h,
        "<h2 id=\"definition\">{}</h2><dl class=\"stage-fields\">",
        l.t("Definition", "정의")
    );
    let missing = l.t("not written yet", "아직 쓰지 않음");
    let _ = write!(
        h,
        "<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>",
        l.t("Name", "이름"),
        esc(&text(&s.name)),
        l.t(
            "Entry definition: what admits a deal",
            "진입 정의: 거래가 들어오는 조건"
        ),
        esc(&s.entry.as_ref().map_or(missing.to_string(), text)),
        l.t("What happens", "하는 일"),
    );
    if s.what_happens.is_empty() {
        h.push_str(missing);
    } else {
        h.push_str("<ul>");
        for w in &s.what_happens {
            let _ = write!(h, "<li>{}</li>", esc(&text(w)));
        }
        h.push_str("</ul>");
    }
    let _ = write!(
        h,
        "</dd><dt>{}</dt><dd>",
        l.t(
            "Exit checklist: what must be true to move on",
            "완료 조건: 다음으로 가기 전에 갖출 것"
        )
    );
    if s.exit_checklist.is_empty() {
        h.push_str(l.t("none", "없음"));
    } else {
        h.push_str("<ol>");
        for w in &s.exit_checklist {
            let _ = write!(h, "<li>{}</li>", esc(&text(w)));
        }
        h.push_str("</ol>");
    }
    let _ = write!(
        h,
        "</dd><dt>{}</dt><dd>{}</dd>",
        l.t("Owners", "담당 조직"),
        esc(&if s.owners.is_empty() {
            missing.to_string()
        } else {
            s.owners.join(", ")
        })
    );
    if let Some(v) = &s.customer_value {
        let _ = write!(
            h,
            "<dt>{}</dt><dd>{}</dd>",
            l.t("What the buyer gets", "구매자가 얻는 것"),
            esc(&text(v))
        );
    }
    if let Some(d) = &s.decision {
        let _ = write!(
            h,
            "<dt>{}</dt><dd>{}</dd>",
            l.t("Decision", "결정"),
            esc(&text(d))
        );
    }
    let _ = write!(
        h,
        "<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>",
        l.t("Target days", "목표 일수"),
        esc(&l.days(s.target_days)),
        l.t("No longer live after", "방치로 보는 기준"),
        esc(&l.days(s.rotten_days)),
        l.t("Probability of winning", "수주 확률"),
        esc(&l.pct(s.probability)),
    );
    if !s.aliases.is_empty() {
        let _ = write!(
            h,
            "<dt>{}</dt><dd>{}</dd>",
            l.t("Names in the CRM", "CRM의 다른 이름"),
            esc(&s.aliases.join(", "))
        );
    }
    h.push_str("</dl></section>");
    // Where deals go from here, and where they come from.
    let top = map.top_ancestor(ix);
    let _ = write!(
        h,
        "<section class=\"panel\" aria-labelledby=\"moves\"><h2 id=\"moves\">{}</h2><ul>",
        l.t("Moves", "이동")
    );
    let out: Vec<_> = map.outgoing(top).collect();
    if out.is_empty() {
        let _ = write!(
            h,
            "<li>{}</li>",
            l.t("None: deals end here.", "없음: 거래가 여기서 끝납니다.")
        );
    }
    for t in out {
        h.push_str("<li>");
        let how = match t.kind {
            TransitionKind::Next => l.t("next:", "다음:"),
            TransitionKind::Branch if t.answer == Some(Answer::No) => {
                l.t("when the buyer says no:", "구매자가 거절하면:")
            }
            TransitionKind::Branch => l.t("branch:", "분기:"),
        };
        let _ = write!(h, "{how} ");
        link(&mut h, key, map, l, t.to);
        if let Some(w) = &t.when {
            let _ = write!(h, " — {}", esc(&text(w)));
        }
        if let Some(u) = live
            .analysis
            .conformance
            .as_is
            .designed
            .iter()
            .zip(&map.transitions)
            .find(|(_, mt)| mt.from == t.from && mt.to == t.to)
            .map(|(u, _)| u)
            && let Some(share) = u.share
        {
            let _ = write!(
                h,
                " <span class=\"meta\">({} {})</span>",
                l.pct(Some(share)),
                l.t("went this way first", "가 먼저 이 길로")
            );
        }
        h.push_str("</li>");
    }
    h.push_str("</ul>");
    let incoming: Vec<StageIx> = map
        .transitions
        .iter()
        .filter(|t| t.to == top)
        .map(|t| t.from)
        .collect();
    if !incoming.is_empty() {
        let _ = write!(h, "<p>{} ", l.t("Deals come from:", "들어오는 곳:"));
        for (i, from) in incoming.into_iter().enumerate() {
            if i > 0 {
                h.push_str(", ");
            }
            link(&mut h, key, map, l, from);
        }
        h.push_str("</p>");
    }
    let children: Vec<StageIx> = map.children(ix).collect();
    if !children.is_empty() {
        let _ = write!(h, "<p>{} ", l.t("Sub-stages:", "하위 단계:"));
        for (i, c) in children.into_iter().enumerate() {
            if i > 0 {
                h.push_str(", ");
            }
            link(&mut h, key, map, l, c);
        }
        h.push_str("</p>");
    }
    h.push_str("</section></div><div>");
    write_figures(&mut h, l, live, ix, cards.len() as u64);
    write_deals(&mut h, l, key, cards, s.target_days);
    h.push_str("</div></div>");
    h
}

fn write_figures(h: &mut String, l: Lang, live: &Live, ix: StageIx, open_now: u64) {
    let s = live.map.stage(ix);
    let _ = write!(
        h,
        "<section class=\"panel\" aria-labelledby=\"measured\"><h2 id=\"measured\">{}</h2><dl class=\"fields\">",
        l.t("Measured (live history)", "측정값 (실시간 이력)")
    );
    let times = live.analysis.stage_times.iter().find(|t| t.stage == s.id);
    let row = |h: &mut String, label: &str, value: String| {
        let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(&value));
    };
    row(
        h,
        l.t("Open deals here now", "현재 진행 중인 거래"),
        l.int(open_now),
    );
    row(
        h,
        l.t("Deals that reached it", "도달한 거래"),
        l.int(live.reached(&s.id)),
    );
    row(
        h,
        l.t("Conversion to the next stage", "다음 단계 전환율"),
        match live.conversion(&s.id) {
            Some((c, n)) => match l {
                Lang::En => format!("{} of {}", l.pct(Some(c)), l.int(n)),
                Lang::Ko => format!("{}건 중 {}", l.int(n), l.pct(Some(c))),
            },
            None => l
                .t(
                    "not measured (not on the main path, or no deal reached it)",
                    "측정 안 됨 (주 경로가 아니거나 도달한 거래 없음)",
                )
                .to_string(),
        },
    );
    match times.and_then(|t| t.days.as_ref()) {
        Some(d) => {
            row(
                h,
                l.t(
                    "Days in the stage (median · p75 · p90)",
                    "머문 날 (중앙값 · p75 · p90)",
                ),
                format!(
                    "{} · {} · {}",
                    l.days(Some(d.median)),
                    l.days(Some(d.p75)),
                    l.days(Some(d.p90))
                ),
            );
            row(h, l.t("Completed stays", "끝난 체류"), l.int(d.n));
        }
        None => row(
            h,
            l.t("Days in the stage", "머문 날"),
            l.t("no completed stay yet", "끝난 체류가 아직 없음")
                .to_string(),
        ),
    }
    if let Some(t) = times {
        row(
            h,
            l.t("Completed stays over target", "목표를 넘긴 체류"),
            l.int(t.over_target),
        );
        if t.open > 0 {
            row(
                h,
                l.t("Median age of open stays", "진행 중 체류의 중앙값"),
                l.days(t.open_median_days),
            );
        }
    }
    h.push_str("</dl></section>");
}

fn write_deals(
    h: &mut String,
    l: Lang,
    key: &str,
    cards: &[&salesmap_store::Card],
    target: Option<f64>,
) {
    let _ = write!(
        h,
        "<section class=\"panel\" aria-labelledby=\"deals-here\"><h2 id=\"deals-here\">{}</h2>",
        l.t(
            "Open deals here, oldest first",
            "여기 있는 진행 중 거래 (오래된 순)"
        )
    );
    if cards.is_empty() {
        let _ = write!(h, "<p class=\"meta\">{}</p>", l.t("None.", "없음."));
    } else {
        let mut sorted: Vec<&&salesmap_store::Card> = cards.iter().collect();
        sorted.sort_by(|a, b| b.days_in_stage.total_cmp(&a.days_in_stage));
        h.push_str("<ul>");
        for c in sorted.iter().take(50) {
            let stale = target.is_some_and(|t| c.days_in_stage > t);
            let _ = write!(
                h,
                "<li><a href=\"/deals/{}\">{}</a> · {} · {}{}</li>",
                c.id,
                esc(&c.name),
                esc(c
                    .owner_name
                    .as_deref()
                    .unwrap_or(l.t("no owner", "담당자 없음"))),
                esc(&l.days(Some(c.days_in_stage))),
                if stale {
                    format!(
                        " <span class=\"badge age-stale\">{}</span>",
                        l.t("stale", "정체")
                    )
                } else {
                    String::new()
                }
            );
        }
        h.push_str("</ul>");
        if cards.len() > 50 {
            let _ = write!(
                h,
                "<p><a href=\"/p/{}/board\">{}</a></p>",
                Segment(key),
                esc(&match l {
                    Lang::En => format!("All {} on the board", l.int(cards.len() as u64)),
                    Lang::Ko => format!("보드에서 {}건 모두 보기", l.int(cards.len() as u64)),
                })
            );
        }
    }
    h.push_str("</section>");
}
