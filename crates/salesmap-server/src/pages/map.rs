//! The map page: the renderer's drawing of the published map with live figures on it (deals
//! that reached each stage, median days, deals there now; each transition's share, measured
//! from the live history), in phase bands or owner swimlanes; every stage box opens its stage
//! page. Beside it, the goal, and a table of the stages with the same figures, which is also
//! how the drawing reads without sight.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use salesmap_render::Lanes;
use serde::Deserialize;

use crate::extract::ApiPath;
use crate::pages::context::Visit;
use crate::pages::figures::{self, Live};
use crate::pages::locale::{Lang, Say};
use crate::pages::markup::{Segment, esc};
use crate::pages::shell::{self, Body, OrPage, PageError, Section};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct MapQuery {
    /// `phase` (default), `owner` or `none`.
    #[serde(default)]
    lanes: String,
}

/// Open deals per stage id, from the board.
pub async fn open_by_stage(
    state: &AppState,
    visit: &Visit,
    key: &str,
) -> Result<Vec<(String, u64)>, PageError> {
    let board = state
        .store
        .board(&visit.actor, key)
        .await
        .or_page(visit.lang)?;
    let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
    for card in board
        .columns
        .iter()
        .flat_map(|c| &c.deals)
        .chain(&board.unplaced)
    {
        *counts.entry(card.stage.clone()).or_default() += 1;
    }
    Ok(counts.into_iter().collect())
}

/// `GET /p/{key}/map`.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiPath(key): ApiPath<String>,
    Query(query): Query<MapQuery>,
) -> Result<Response, PageError> {
    let l = visit.lang;
    let pipeline = state.store.pipeline(&visit.actor, &key).await.or_page(l)?;
    let live = figures::measure(&state, &visit.actor, &key)
        .await
        .or_page(l)?;
    let open = open_by_stage(&state, &visit, &key).await?;
    let lanes = Lanes::from_name(&query.lanes).unwrap_or(Lanes::Phase);
    let overlay = figures::live_overlay(&live, l);
    let key_for_links = key.clone();
    let link = move |id: &str| format!("/p/{}/stages/{}", Segment(&key_for_links), Segment(id));
    let map = live.map.clone();
    let svg = tokio::task::spawn_blocking(move || {
        figures::drawing(&map, l, lanes, Some(&overlay), Some(&link))
    })
    .await
    .map_err(|e| visit.fail(crate::problem::ApiError::Internal(format!("drawing: {e}"))))?;
    let html = write_page(&visit, &key, &live, &open, lanes, &svg);
    Ok(shell::render(
        &visit.frame(Some(&key)),
        Body {
            title: format!("{} · {}", l.t("Map", "맵"), pipeline.name),
            section: Some(Section::Map),
            main_class: "wide",
            html,
            ..Body::default()
        },
    )
    .into_response())
}

fn write_page(
    visit: &Visit,
    key: &str,
    live: &Live,
    open: &[(String, u64)],
    lanes: Lanes,
    svg: &str,
) -> String {
    let l = visit.lang;
    let map = &live.map;
    let lang = l.tag();
    let mut h = String::new();
    let _ = write!(
        h,
        "<div class=\"board-head\"><h1>{}</h1><p class=\"meta\">{} v{} · <a href=\"/p/{}/editor\">{}</a></p></div>",
        esc(map.name.get(lang, &map.language)),
        l.t("Map version", "맵 버전"),
        live.version,
        Segment(key),
        l.t("Edit the map", "맵 편집"),
    );
    if let Some(d) = &map.description {
        let _ = write!(h, "<p>{}</p>", esc(d.get(lang, &map.language)));
    }
    if let Some(g) = &live.analysis.goal {
        let progress = g.progress.map_or(String::new(), |p| {
            format!(" · {} {}", l.pct(Some(p)), l.t("reached", "달성"))
        });
        let _ = write!(
            h,
            "<p><strong>{}:</strong> {}{}</p>",
            l.t("Goal", "목표"),
            esc(&g.description),
            esc(&progress)
        );
    }
    let _ = write!(h, "<p class=\"meta\">{}: ", l.t("Group by", "묶는 기준"));
    for (name, label) in [
        (Lanes::Phase, l.t("buyer-journey phase", "구매 여정 단계")),
        (
            Lanes::Owner,
            l.t("owner (swimlanes)", "담당 조직 (수영 레인)"),
        ),
        (Lanes::None, l.t("nothing", "없음")),
    ] {
        let tag = match name {
            Lanes::Phase => "phase",
            Lanes::Owner => "owner",
            Lanes::None => "none",
        };
        if name == lanes {
            let _ = write!(h, "<strong aria-current=\"true\">{label}</strong> ");
        } else {
            let _ = write!(
                h,
                "<a href=\"/p/{}/map?lanes={tag}\">{label}</a> ",
                Segment(key)
            );
        }
    }
    let _ = write!(
        h,
        "</p><figure class=\"drawing\" aria-labelledby=\"drawing-caption\">{svg}<figcaption id=\"drawing-caption\" class=\"meta\">{}</figcaption></figure>",
        l.t(
            "Figures from the live history: n = deals that reached the stage, the median days they stayed, and the deals there now; each arrow shows where the deals that reached its stage went first. Select a stage to open its page.",
            "실시간 이력의 수치: n = 단계에 도달한 거래, 머문 날의 중앙값, 현재 그 단계의 거래. 화살표는 그 단계에 도달한 거래가 처음 간 곳의 비율입니다. 단계를 고르면 단계 페이지가 열립니다.",
        )
    );
    write_stage_table(&mut h, l, key, live, open);
    h
}

/// The stages with their live figures, in map order.
fn write_stage_table(h: &mut String, l: Lang, key: &str, live: &Live, open: &[(String, u64)]) {
    let map = &live.map;
    let lang = l.tag();
    let _ = write!(
        h,
        "<h2>{}</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
        l.t("Stages", "단계"),
        l.t("Stage", "단계"),
        l.t("Phase", "구매 여정"),
        l.t("Owners", "담당 조직"),
        l.t("Open now", "현재 진행"),
        l.t("Reached", "도달"),
        l.t("To next", "다음 단계 전환"),
        l.t("Median days", "중앙값 일수"),
        l.t("Target days", "목표 일수"),
    );
    for ix in map.stage_ixs() {
        let s = map.stage(ix);
        let now: u64 = open
            .iter()
            .filter(|(id, _)| {
                map.find(id).is_some_and(|at| {
                    at == ix || (s.parent.is_none() && map.top_ancestor(at) == ix)
                })
            })
            .map(|(_, n)| n)
            .sum();
        let phase = s.phase.as_deref().map_or(String::new(), |p| {
            map.phases
                .iter()
                .find(|ph| ph.id == p)
                .map_or(p.to_string(), |ph| {
                    ph.name.get(lang, &map.language).to_string()
                })
        });
        let indent = if s.parent.is_some() { "↳ " } else { "" };
        let _ = write!(
            h,
            "<tr><td>{indent}<a href=\"/p/{}/stages/{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            Segment(key),
            Segment(&s.id),
            esc(s.name.get(lang, &map.language)),
            esc(&phase),
            esc(&s.owners.join(", ")),
            l.int(now),
            l.int(live.reached(&s.id)),
            l.pct(live.conversion(&s.id).map(|(c, _)| c)),
            esc(&l.days(live.median_days(&s.id))),
            esc(&l.days(s.target_days)),
        );
    }
    h.push_str("</tbody></table></div>");
}
