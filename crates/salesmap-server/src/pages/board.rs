//! The pipeline board: the map as columns. Each stage of the map's main path is a column under
//! its buyer-journey phase, with its owners, exit checklist size, target days, the live
//! conversion to the next stage and median days (measured from the live history), and totals
//! (count, value, weighted value). Branch stages that hold open deals (nurture) follow in
//! their own group, outcomes (won, lost, disqualified, churned) are drop zones, and deals in a
//! stage the map does not know are shown apart.
//!
//! A card shows the deal's name, company, amount, owner, days in the stage against the
//! stage's target (coloured as it ages, and said in words), and its exit checklist progress.
//! Filters (owner, segment, source, stale) and search work as a plain form; the board's script
//! filters live, and adds drag and drop and keyboard moves that go through the API (the same
//! store rules): a move blocked by unticked exit items opens the checklist, a "no" move asks
//! the reason, managers may override with a reason, and every refusal says why. Without the
//! script, a card opens the deal page, which moves it with a form.

use std::collections::BTreeSet;
use std::fmt::Write;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use salesmap_core::map::{Map, StageIx};
use salesmap_store::{Board, BoardColumn, Card, Role, User};
use serde::Deserialize;

use crate::extract::ApiPath;
use crate::pages::context::Visit;
use crate::pages::figures::{self, Live};
use crate::pages::locale::{Lang, Say};
use crate::pages::markup::{Segment, checked, esc, selected};
use crate::pages::shell::{self, Body, OrPage, PageError, Section, notice};
use crate::state::AppState;

/// The board's filters, as the form sends them.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Filters {
    /// A user id, or `none` for deals without an owner.
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub segment: String,
    #[serde(default)]
    pub source: String,
    /// `1`: only deals past their stage's target days.
    #[serde(default)]
    pub stale: String,
    /// Words that must all appear in the name, company, owner or key.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub done: String,
}

impl Filters {
    fn active(&self) -> bool {
        !(self.owner.is_empty()
            && self.segment.is_empty()
            && self.source.is_empty()
            && self.stale.is_empty()
            && self.q.trim().is_empty())
    }

    /// Whether a card passes the filters.
    pub fn keeps(&self, card: &Card) -> bool {
        let owner_ok = match self.owner.as_str() {
            "" => true,
            "none" => card.owner_id.is_none(),
            id => card.owner_id.map(|o| o.to_string()).as_deref() == Some(id),
        };
        let segment_ok = self.segment.is_empty() || card.segment.as_deref() == Some(&self.segment);
        let source_ok = self.source.is_empty() || card.source.as_deref() == Some(&self.source);
        let stale_ok = self.stale.is_empty() || card.stale;
        let text = search_text(card);
        let words_ok = self
            .q
            .split_whitespace()
            .all(|w| text.contains(&w.to_lowercase()));
        owner_ok && segment_ok && source_ok && stale_ok && words_ok
    }
}

/// What search looks through: name, company, owner and key, lowercased.
fn search_text(card: &Card) -> String {
    format!(
        "{} {} {} {}",
        card.name,
        card.company.as_deref().unwrap_or(""),
        card.owner_name.as_deref().unwrap_or(""),
        card.key
    )
    .to_lowercase()
}

/// How a card's time in its stage compares with the stage's target.
fn age_class(days: f64, target: Option<f64>, rotten: Option<f64>) -> &'static str {
    if rotten.is_some_and(|r| days >= r) {
        return "age-rotten";
    }
    match target {
        Some(t) if t > 0.0 && days > 2.0 * t => "age-rotten",
        Some(t) if days > t => "age-stale",
        Some(t) if days > 0.75 * t => "age-due",
        _ => "age-fresh",
    }
}

/// The currency every amount of `cards` shares, if they share one.
fn common_currency<'a>(cards: impl Iterator<Item = &'a Card>) -> Option<String> {
    let mut found: Option<&str> = None;
    for c in cards {
        if c.amount.is_none() {
            continue;
        }
        match (found, c.currency.as_deref()) {
            (_, None) => return None,
            (None, Some(cur)) => found = Some(cur),
            (Some(f), Some(cur)) if f != cur => return None,
            _ => {}
        }
    }
    found.map(str::to_string)
}

/// `GET /p/{key}/board`.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiPath(key): ApiPath<String>,
    Query(filters): Query<Filters>,
) -> Result<Response, PageError> {
    let l = visit.lang;
    let board = state.store.board(&visit.actor, &key).await.or_page(l)?;
    let pipeline = state.store.pipeline(&visit.actor, &key).await.or_page(l)?;
    let published = state.store.published_map(&pipeline).await.or_page(l)?;
    let live = figures::measure(&state, &visit.actor, &key)
        .await
        .or_page(l)?;
    let users = state.store.list_users(&visit.actor).await.or_page(l)?;
    let html = write_board(
        &visit,
        &key,
        &published.map,
        &board,
        &live,
        &users,
        &filters,
    );
    Ok(shell::render(
        &visit.frame(Some(&key)),
        Body {
            title: format!("{} · {}", l.t("Board", "보드"), pipeline.name),
            section: Some(Section::Board),
            scripts: &["board.js"],
            main_class: "wide fill",
            html,
        },
    )
    .into_response())
}

/// Columns of the board in the order they are shown: the main path's, then branch stages,
/// then outcomes.
struct Layout<'a> {
    main: Vec<(&'a BoardColumn, StageIx)>,
    branches: Vec<(&'a BoardColumn, StageIx)>,
    outcomes: Vec<(&'a BoardColumn, StageIx)>,
}

fn layout<'a>(map: &Map, board: &'a Board) -> Layout<'a> {
    let path = map.main_path();
    let mut main: Vec<(&BoardColumn, StageIx, usize)> = Vec::new();
    let mut branches = Vec::new();
    let mut outcomes = Vec::new();
    for column in &board.columns {
        let Some(ix) = map.find(&column.stage) else {
            continue;
        };
        if map.outcome(ix).is_some() {
            outcomes.push((column, ix));
        } else if let Some(at) = path.iter().position(|&p| p == ix) {
            main.push((column, ix, at));
        } else {
            branches.push((column, ix));
        }
    }
    main.sort_by_key(|&(_, _, at)| at);
    Layout {
        main: main.into_iter().map(|(c, ix, _)| (c, ix)).collect(),
        branches,
        outcomes,
    }
}

/// Words the board's script shows, as a JSON block (not executed; `<` escaped).
fn script_words(l: Lang) -> String {
    let words = serde_json::json!({
        "moved": l.t("Moved {deal} to {stage}.", "{deal}을(를) {stage}(으)로 옮겼습니다."),
        "closed": l.t("{deal} is closed as {stage}.", "{deal}을(를) {stage}(으)로 종결했습니다."),
        "picked": l.t(
            "Picked up {deal}. Left and right arrows choose a stage, Enter moves, Escape cancels.",
            "{deal}을(를) 집었습니다. 왼쪽·오른쪽 화살표로 단계를 고르고 Enter로 옮기며 Escape로 취소합니다."
        ),
        "target": l.t("Move to {stage}?", "{stage}(으)로 옮길까요?"),
        "cancelled": l.t("Move cancelled.", "이동을 취소했습니다."),
        "no_moves": l.t("The map allows no move from this stage.", "맵에 이 단계에서 갈 수 있는 곳이 없습니다."),
        "not_allowed": l.t("The map does not allow this move. Allowed: {allowed}.", "맵에서 허용하지 않는 이동입니다. 가능한 단계: {allowed}."),
        "stale": l.t("{deal} was changed by someone else meanwhile; the card is updated. Try again.", "그사이 다른 사람이 {deal}을(를) 바꿨습니다. 카드를 새로 고쳤으니 다시 시도하세요."),
        "failed": l.t("The move did not go through: {why}", "이동하지 못했습니다: {why}"),
        "ticked": l.t("Ticked {n} item(s).", "{n}개 항목을 체크했습니다."),
        "need_reason": l.t("Write the reason first.", "먼저 이유를 쓰세요."),
        "filtered": l.t("{n} deals shown.", "거래 {n}건 표시."),
        "network": l.t("The server could not be reached; nothing changed.", "서버에 연결하지 못해 아무것도 바뀌지 않았습니다."),
    });
    words.to_string().replace('<', "\\u003c")
}

fn write_board(
    visit: &Visit,
    key: &str,
    map: &Map,
    board: &Board,
    live: &Live,
    users: &[User],
    filters: &Filters,
) -> String {
    let l = visit.lang;
    let lang = l.tag();
    let mut h = String::with_capacity(
        2_000 + board.columns.iter().map(|c| c.deals.len()).sum::<usize>() * 700,
    );
    let can_move = visit.user.role >= Role::Rep;
    let manages = visit.user.role.manages();
    let name_of = |id: &str| {
        map.find(id).map_or(id.to_string(), |ix| {
            map.stage(ix).name.get(lang, &map.language).to_string()
        })
    };
    let _ = write!(
        h,
        "<div class=\"board-head\"><h1>{title}</h1>",
        title = l.t("Pipeline board", "파이프라인 보드"),
    );
    if can_move {
        let _ = write!(
            h,
            "<a class=\"button primary\" href=\"/p/{}/deals/new\">{}</a>",
            Segment(key),
            l.t("New deal", "새 거래")
        );
    }
    let _ = write!(
        h,
        "<p class=\"meta\">{} v{} · {}</p></div>",
        l.t("Map version", "맵 버전"),
        board.map_version,
        match l {
            Lang::En => format!(
                "{} open deals",
                l.int(
                    board.columns.iter().map(|c| c.count).sum::<u64>()
                        + board.unplaced.len() as u64
                )
            ),
            Lang::Ko => format!(
                "진행 중인 거래 {}건",
                l.int(
                    board.columns.iter().map(|c| c.count).sum::<u64>()
                        + board.unplaced.len() as u64
                )
            ),
        }
    );
    if let Some(n) = notice(l, &filters.done) {
        let _ = write!(h, "<p class=\"notice\" role=\"status\">{n}</p>");
    }
    write_filters(&mut h, l, key, board, users, filters);
    let _ = write!(
        h,
        "<details class=\"help\"><summary>{}</summary><p id=\"board-help\">{}</p></details>",
        l.t("How to move deals", "거래 옮기는 방법"),
        l.t(
            "Drag a card to another column or outcome. With the keyboard: focus a card, press Space to pick it up, Left and Right arrows to choose a stage, Enter to move and Escape to cancel; M opens a menu of the allowed moves. Enter on a card opens the deal.",
            "카드를 다른 열이나 결과로 끌어 놓으세요. 키보드로는 카드에 초점을 두고 Space로 집은 뒤 왼쪽·오른쪽 화살표로 단계를 고르고 Enter로 옮기며 Escape로 취소합니다. M을 누르면 가능한 이동 목록이 열립니다. 카드에서 Enter를 누르면 거래가 열립니다.",
        )
    );
    h.push_str("<p id=\"board-message\" class=\"alert\" role=\"alert\" hidden></p>");
    let parts = layout(map, board);
    let _ = write!(
        h,
        "<div id=\"board\" class=\"board\" data-pipeline=\"{}\" data-can-move=\"{}\" data-manager=\"{}\" tabindex=\"-1\">",
        esc(key),
        u8::from(can_move),
        u8::from(manages)
    );
    // Main-path columns, grouped by consecutive phase.
    let mut i = 0;
    while i < parts.main.len() {
        let phase = map.stage(parts.main[i].1).phase.clone();
        let mut j = i;
        while j < parts.main.len() && map.stage(parts.main[j].1).phase == phase {
            j += 1;
        }
        let phase_name = phase
            .as_deref()
            .map(|p| {
                map.phases
                    .iter()
                    .find(|ph| ph.id == p)
                    .map_or(p.to_string(), |ph| {
                        ph.name.get(lang, &map.language).to_string()
                    })
            })
            .unwrap_or_else(|| l.t("Stages", "단계").to_string());
        let _ = write!(
            h,
            "<section class=\"phase\" aria-label=\"{}\"><h2>{}</h2><div class=\"columns\">",
            esc(&phase_name),
            esc(&phase_name)
        );
        for &(column, ix) in &parts.main[i..j] {
            write_column(&mut h, l, map, column, ix, live, filters, &name_of);
        }
        h.push_str("</div></section>");
        i = j;
    }
    if !parts.branches.is_empty() {
        let _ = write!(
            h,
            "<section class=\"phase branches\" aria-label=\"{t}\"><h2>{t}</h2><div class=\"columns\">",
            t = l.t("Branches", "분기")
        );
        for &(column, ix) in &parts.branches {
            write_column(&mut h, l, map, column, ix, live, filters, &name_of);
        }
        h.push_str("</div></section>");
    }
    if !board.unplaced.is_empty() {
        let _ = write!(
            h,
            "<section class=\"phase unplaced\" aria-label=\"{t}\"><h2>{t}</h2><div class=\"columns\">\
             <section class=\"column\" data-stage=\"\" data-moves=\"{moves}\"><header><h3>{t}</h3><p class=\"hint\">{hint}</p></header><ol class=\"cards\">",
            t = l.t("Not on the map", "맵에 없는 단계"),
            moves = esc(&map
                .stage_ixs()
                .filter(|&ix| map.outcome(ix).is_none())
                .map(|ix| map.stage(ix).id.clone())
                .collect::<Vec<_>>()
                .join(" ")),
            hint = l.t(
                "Imported under a stage name the map does not know: move each to a stage.",
                "맵이 모르는 단계 이름으로 가져온 거래입니다. 각각 단계로 옮기세요.",
            ),
        );
        for card in &board.unplaced {
            write_card(&mut h, l, card, !filters.keeps(card), None, None, &name_of);
        }
        h.push_str("</ol></section></div></section>");
    }
    h.push_str("</div>");
    if !parts.outcomes.is_empty() {
        let _ = write!(
            h,
            "<section class=\"outcomes\" aria-label=\"{t}\"><h2>{t}</h2><ul>",
            t = l.t("Outcomes", "결과")
        );
        for &(column, ix) in &parts.outcomes {
            let kind = map.outcome(ix).map_or("lost", |o| o.name());
            let _ = write!(
                h,
                "<li class=\"dropzone outcome-{kind}\" data-stage=\"{id}\"><span class=\"name\">{name}</span></li>",
                id = esc(&column.stage),
                name = esc(&name_of(&column.stage)),
            );
        }
        h.push_str("</ul></section>");
    }
    write_dialogs(&mut h, l, manages);
    let _ = write!(
        h,
        "<script type=\"application/json\" id=\"board-words\">{}</script>",
        script_words(l)
    );
    h
}

fn write_filters(h: &mut String, l: Lang, key: &str, board: &Board, users: &[User], f: &Filters) {
    let cards = || {
        board
            .columns
            .iter()
            .flat_map(|c| c.deals.iter())
            .chain(board.unplaced.iter())
    };
    let segments: BTreeSet<&str> = cards().filter_map(|c| c.segment.as_deref()).collect();
    let sources: BTreeSet<&str> = cards().filter_map(|c| c.source.as_deref()).collect();
    let _ = write!(
        h,
        "<form class=\"filters\" method=\"get\" action=\"/p/{key}/board\" role=\"search\" aria-label=\"{label}\">\
         <p><label for=\"f-q\">{search}</label><input id=\"f-q\" name=\"q\" type=\"search\" value=\"{q}\" autocomplete=\"off\"></p>\
         <p><label for=\"f-owner\">{owner}</label><select id=\"f-owner\" name=\"owner\"><option value=\"\">{all}</option><option value=\"none\"{none_sel}>{nobody}</option>",
        key = Segment(key),
        label = l.t("Filter deals", "거래 거르기"),
        search = l.t("Search", "검색"),
        q = esc(&f.q),
        owner = l.t("Owner", "담당자"),
        all = l.t("Everyone", "전체"),
        none_sel = selected(f.owner == "none"),
        nobody = l.t("No owner", "담당자 없음"),
    );
    for u in users.iter().filter(|u| !u.disabled) {
        let id = u.id.to_string();
        let _ = write!(
            h,
            "<option value=\"{id}\"{}>{}</option>",
            selected(f.owner == id),
            esc(&u.display_name)
        );
    }
    let _ = write!(
        h,
        "</select></p><p><label for=\"f-segment\">{}</label><select id=\"f-segment\" name=\"segment\"><option value=\"\">{}</option>",
        l.t("Segment", "세그먼트"),
        l.t("All", "전체")
    );
    for s in &segments {
        let _ = write!(
            h,
            "<option{}>{}</option>",
            selected(f.segment == *s),
            esc(s)
        );
    }
    let _ = write!(
        h,
        "</select></p><p><label for=\"f-source\">{}</label><select id=\"f-source\" name=\"source\"><option value=\"\">{}</option>",
        l.t("Source", "유입 경로"),
        l.t("All", "전체")
    );
    for s in &sources {
        let _ = write!(h, "<option{}>{}</option>", selected(f.source == *s), esc(s));
    }
    let _ = write!(
        h,
        "</select></p><p class=\"check\"><input id=\"f-stale\" name=\"stale\" type=\"checkbox\" value=\"1\"{}><label for=\"f-stale\">{}</label></p>\
         <p><button type=\"submit\">{}</button>",
        checked(!f.stale.is_empty()),
        l.t("Only stale deals", "정체된 거래만"),
        l.t("Filter", "거르기"),
    );
    if f.active() {
        let _ = write!(
            h,
            " <a href=\"/p/{}/board\">{}</a>",
            Segment(key),
            l.t("Clear", "지우기")
        );
    }
    h.push_str("</p></form>");
}

#[allow(clippy::too_many_arguments)]
fn write_column(
    h: &mut String,
    l: Lang,
    map: &Map,
    column: &BoardColumn,
    ix: StageIx,
    live: &Live,
    filters: &Filters,
    name_of: &dyn Fn(&str) -> String,
) {
    let stage = map.stage(ix);
    let id = &column.stage;
    let moves: Vec<&str> = map
        .outgoing(ix)
        .map(|t| map.stage(t.to).id.as_str())
        .collect();
    let shown: Vec<&Card> = column.deals.iter().filter(|c| filters.keeps(c)).collect();
    let all: Vec<&Card> = column.deals.iter().collect();
    let count = shown.len() as u64;
    let value: f64 = shown.iter().filter_map(|c| c.amount).sum();
    let currency = common_currency(all.iter().copied());
    let _ = write!(
        h,
        "<section class=\"column\" data-stage=\"{id}\" data-moves=\"{moves}\" data-probability=\"{p}\" data-currency=\"{cur}\" aria-labelledby=\"col-{id}\">\
         <header><h3 id=\"col-{id}\">{name}</h3>",
        id = esc(id),
        moves = esc(&moves.join(" ")),
        p = column.probability.map_or(String::new(), |p| p.to_string()),
        cur = esc(currency.as_deref().unwrap_or("")),
        name = esc(&name_of(id)),
    );
    if !stage.owners.is_empty() {
        let _ = write!(
            h,
            "<p class=\"owners\"><span class=\"visually-hidden\">{}: </span>{}</p>",
            l.t("Owners", "담당 조직"),
            esc(&stage.owners.join(", "))
        );
    }
    let _ = write!(
        h,
        "<p class=\"totals\"><span data-count>{count}</span> {deals} · <span data-value>{value}</span>",
        count = l.int(count),
        deals = l.t("deals", "건"),
        value = esc(&l.money_short(value, currency.as_deref())),
    );
    if let Some(p) = column.probability {
        let _ = write!(
            h,
            " · {} <span data-weighted>{}</span>",
            l.t("weighted", "가중"),
            esc(&l.money_short(value * p, currency.as_deref()))
        );
    }
    h.push_str("</p><p class=\"live\">");
    let path = map.main_path();
    let next = path
        .iter()
        .position(|&p| p == ix)
        .and_then(|at| path.get(at + 1).copied());
    match (live.conversion(id), next) {
        (Some((c, n)), Some(next)) => {
            let _ = write!(
                h,
                "<span title=\"{title}\">→ {pct} {to} {next}</span>",
                title = esc(&match l {
                    Lang::En => format!(
                        "Of {} deals that reached this stage, the share that reached the next",
                        l.int(n)
                    ),
                    Lang::Ko => format!(
                        "이 단계에 도달한 거래 {}건 중 다음 단계에 도달한 비율",
                        l.int(n)
                    ),
                }),
                pct = l.pct(Some(c)),
                to = l.t("to", "→"),
                next = esc(&name_of(&map.stage(next).id)),
            );
        }
        _ => {
            let _ = write!(
                h,
                "<span>{}</span>",
                l.t("no conversion measured yet", "측정된 전환율 없음")
            );
        }
    }
    let median = live.median_days(id);
    let _ = write!(
        h,
        "</p><p class=\"time\">{}: {}",
        l.t("median", "중앙값"),
        esc(&l.days(median))
    );
    if let Some(t) = column.target_days {
        let _ = write!(h, " · {} {}", l.t("target", "목표"), esc(&l.days(Some(t))));
    }
    h.push_str("</p>");
    if column.checklist_items > 0 {
        let _ = write!(
            h,
            "<p class=\"gate\">{}</p>",
            esc(&match l {
                Lang::En => format!("Exit checklist: {} item(s)", column.checklist_items),
                Lang::Ko => format!("완료 조건: {}개 항목", column.checklist_items),
            })
        );
    }
    let _ = write!(
        h,
        "</header><ol class=\"cards\" aria-label=\"{}\">",
        esc(&name_of(id))
    );
    for card in all {
        write_card(
            h,
            l,
            card,
            !filters.keeps(card),
            Some(column),
            Some(stage),
            name_of,
        );
    }
    h.push_str("</ol></section>");
}

/// A card; `hidden` when the filters leave it out (the page's script may show it again).
fn write_card(
    h: &mut String,
    l: Lang,
    card: &Card,
    hidden: bool,
    column: Option<&BoardColumn>,
    stage: Option<&salesmap_core::map::Stage>,
    name_of: &dyn Fn(&str) -> String,
) {
    let target = column.and_then(|c| c.target_days);
    let rotten = column.and_then(|c| c.rotten_days);
    let age = age_class(card.days_in_stage, target, rotten);
    let _ = write!(
        h,
        "<li class=\"card {age}{hidden}\" draggable=\"true\" data-id=\"{id}\" data-version=\"{version}\" data-stage=\"{stage}\" data-owner=\"{owner}\" data-segment=\"{segment}\" data-source=\"{source}\" data-amount=\"{amount}\" data-stale=\"{stale}\" data-search=\"{search}\">\
         <a class=\"card-link\" href=\"/deals/{id}\" aria-describedby=\"board-help\">{name}</a>",
        hidden = if hidden { " filtered" } else { "" },
        id = card.id,
        version = card.version,
        stage = esc(&card.stage),
        owner = card.owner_id.map_or(String::new(), |o| o.to_string()),
        segment = esc(card.segment.as_deref().unwrap_or("")),
        source = esc(card.source.as_deref().unwrap_or("")),
        amount = card.amount.map_or(String::new(), |a| a.to_string()),
        stale = u8::from(card.stale),
        search = esc(&search_text(card)),
        name = esc(&card.name),
    );
    if let Some(company) = &card.company {
        let _ = write!(h, "<span class=\"company\">{}</span>", esc(company));
    }
    if let Some(s) = stage
        && s.id != card.stage
    {
        let _ = write!(
            h,
            "<span class=\"sub\">{}</span>",
            esc(&name_of(&card.stage))
        );
    }
    h.push_str("<span class=\"facts\">");
    if let Some(a) = card.amount {
        let _ = write!(
            h,
            "<span class=\"amount\">{}</span>",
            esc(&l.money_short(a, card.currency.as_deref()))
        );
    }
    let _ = write!(
        h,
        "<span class=\"owner\">{}</span>",
        esc(card
            .owner_name
            .as_deref()
            .unwrap_or(l.t("no owner", "담당자 없음")))
    );
    h.push_str("</span><span class=\"facts\">");
    let days = l.days(Some(card.days_in_stage));
    match target {
        Some(t) => {
            let _ = write!(
                h,
                "<span class=\"days\" title=\"{}\">{} / {}</span>",
                l.t("days in this stage / target", "이 단계에 머문 날 / 목표"),
                esc(&days),
                esc(&l.days(Some(t)))
            );
        }
        None => {
            let _ = write!(h, "<span class=\"days\">{}</span>", esc(&days));
        }
    }
    if age == "age-stale" || age == "age-rotten" {
        let _ = write!(
            h,
            "<span class=\"badge {age}\">{}</span>",
            if age == "age-rotten" {
                l.t("rotting", "방치")
            } else {
                l.t("stale", "정체")
            }
        );
    }
    if let Some(c) = column
        && c.checklist_items > 0
    {
        let _ = write!(
            h,
            "<span class=\"checks{}\" title=\"{}\">☑ {}/{}</span>",
            if card.ticked == c.checklist_items {
                " done"
            } else {
                ""
            },
            l.t("exit checklist items ticked", "체크한 완료 조건"),
            card.ticked,
            c.checklist_items
        );
    }
    h.push_str("</span></li>");
}

fn write_dialogs(h: &mut String, l: Lang, manages: bool) {
    // The exit checklist that blocks a move: tick what is done, or (managers) override.
    let _ = write!(
        h,
        "<dialog id=\"gate-dialog\" aria-labelledby=\"gate-title\"><form method=\"dialog\" class=\"stack\">\
         <h2 id=\"gate-title\">{title}</h2><p class=\"intro\"></p>\
         <fieldset><legend>{legend}</legend><ul class=\"gate-items\"></ul></fieldset>",
        title = l.t(
            "The exit checklist is not done",
            "완료 조건이 채워지지 않았습니다"
        ),
        legend = l.t("Tick the items that are done", "완료한 항목을 체크하세요"),
    );
    if manages {
        let _ = write!(
            h,
            "<p><label for=\"override-reason\">{}</label><textarea id=\"override-reason\" rows=\"2\" maxlength=\"2000\" aria-describedby=\"override-hint\"></textarea>\
             <span id=\"override-hint\" class=\"hint\">{}</span></p>",
            l.t("Or override: the reason", "또는 예외 승인: 이유"),
            l.t(
                "A manager may move the deal without the unticked items; the reason and the items are kept in the audit log.",
                "매니저는 체크되지 않은 항목이 있어도 거래를 옮길 수 있습니다. 이유와 항목은 감사 기록에 남습니다.",
            )
        );
    }
    let _ = write!(
        h,
        "<p class=\"error\" role=\"alert\"></p><div class=\"actions\"><button value=\"tick\" class=\"primary\">{tick}</button>",
        tick = l.t("Tick and move", "체크하고 옮기기"),
    );
    if manages {
        let _ = write!(
            h,
            "<button value=\"override\">{}</button>",
            l.t("Move anyway", "예외로 옮기기")
        );
    }
    let _ = write!(
        h,
        "<button value=\"cancel\">{cancel}</button></div></form></dialog>",
        cancel = l.t("Cancel", "취소"),
    );
    // A "no": the reason.
    let _ = write!(
        h,
        "<dialog id=\"reason-dialog\" aria-labelledby=\"reason-title\"><form method=\"dialog\" class=\"stack\">\
         <h2 id=\"reason-title\">{title}</h2><p class=\"intro\"></p>\
         <p><label for=\"no-reason\">{label}</label><textarea id=\"no-reason\" rows=\"3\" maxlength=\"2000\" required></textarea></p>\
         <p class=\"error\" role=\"alert\"></p>\
         <div class=\"actions\"><button value=\"move\" class=\"primary\">{move_}</button><button value=\"cancel\">{cancel}</button></div></form></dialog>",
        title = l.t("Why did the buyer say no?", "구매자가 왜 거절했나요?"),
        label = l.t("Reason", "이유"),
        move_ = l.t("Move", "옮기기"),
        cancel = l.t("Cancel", "취소"),
    );
    // The allowed moves of a card, from the keyboard.
    let _ = write!(
        h,
        "<dialog id=\"move-dialog\" aria-labelledby=\"move-title\"><form method=\"dialog\" class=\"stack\">\
         <h2 id=\"move-title\">{title}</h2><p class=\"intro\"></p>\
         <p><label for=\"move-to\">{label}</label><select id=\"move-to\"></select></p>\
         <div class=\"actions\"><button value=\"move\" class=\"primary\">{move_}</button><button value=\"cancel\">{cancel}</button></div></form></dialog>",
        title = l.t("Move the deal", "거래 옮기기"),
        label = l.t("To stage", "옮길 단계"),
        move_ = l.t("Move", "옮기기"),
        cancel = l.t("Cancel", "취소"),
    );
}
