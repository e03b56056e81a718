//! The deal page: the deal's fields (editable), where it is and how long it has been there,
//! the move form (the stages the map allows from here; a reason for a "no"; for managers an
//! override of unticked exit items, with a reason), the exit checklist of every stage the deal
//! has been in with who ticked what and when (tick and untick in the stage it is in), the
//! timeline of stage entries and touches, and the form to log a touch.
//!
//! Every form posts to this page's actions, which call the store's operations with the deal
//! version the page showed; a refusal shows the page again with the reason in words (the
//! unticked items, the moves the map allows, the reason a "no" needs, a change made meanwhile)
//! and the right status, and a success goes back to the page with a notice.

use std::collections::BTreeMap;
use std::fmt::Write;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salesmap_core::map::{Answer, Map, Outcome, TransitionKind};
use salesmap_store::{
    DealDetail, DealPatch, MoveRequest, NewTouch, Refusal, Role, StoreError, TickRequest, User,
};
use serde::Deserialize;

use crate::extract::ApiPath;
use crate::pages::context::{PageForm, Visit};
use crate::pages::locale::{Lang, Say, money, role_name, time_html, touch_kind};
use crate::pages::markup::{QueryValue, Segment, esc, selected};
use crate::pages::shell::{self, Body, OrPage, PageError, Section, notice};
use crate::problem::ApiError;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// What a refused form leaves on the page: the message and, for a blocked move, the items.
#[derive(Default)]
struct Refused {
    message: String,
    missing: Vec<(String, usize, String)>,
    /// The form's values, to show again.
    form: BTreeMap<&'static str, String>,
}

/// `GET /deals/{id}`.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiPath(id): ApiPath<i64>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    render(&state, &visit, id, &done.done, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    visit: &Visit,
    id: i64,
    done: &str,
    refused: Option<Refused>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let l = visit.lang;
    let detail = state.store.deal_detail(&visit.actor, id).await.or_page(l)?;
    let pipeline = state
        .store
        .pipeline(&visit.actor, &detail.deal.pipeline)
        .await
        .or_page(l)?;
    let published = state.store.published_map(&pipeline).await.or_page(l)?;
    let users = state.store.list_users(&visit.actor).await.or_page(l)?;
    let html = write_page(
        visit,
        &published.map,
        &detail,
        &users,
        done,
        refused.as_ref(),
    );
    Ok((
        status,
        shell::render(
            &visit.frame(Some(&pipeline.key)),
            Body {
                title: detail.deal.name.clone(),
                section: Some(Section::Deal),
                html,
                ..Body::default()
            },
        ),
    )
        .into_response())
}

fn stage_name(map: &Map, l: Lang, id: &str) -> String {
    map.find(id).map_or(id.to_string(), |ix| {
        map.stage(ix).name.get(l.tag(), &map.language).to_string()
    })
}

/// Whether the visitor may change this deal (the store decides; this only hides forms that
/// would be refused).
fn may_change(visit: &Visit, detail: &DealDetail) -> bool {
    match visit.user.role {
        Role::Admin | Role::Manager => true,
        Role::Rep => detail.deal.owner_id.is_some() && detail.deal.owner_id == visit.actor.user_id,
        Role::Viewer => false,
    }
}

fn write_page(
    visit: &Visit,
    map: &Map,
    detail: &DealDetail,
    users: &[User],
    done: &str,
    refused: Option<&Refused>,
) -> String {
    let l = visit.lang;
    let d = &detail.deal;
    let name = |id: &str| stage_name(map, l, id);
    let mut h = String::new();
    let board = format!("/p/{}/board", Segment(&d.pipeline));
    let _ = write!(
        h,
        "<p class=\"meta\"><a href=\"{board}\">← {}</a></p><div class=\"deal-head\"><h1>{}</h1>",
        l.t("Board", "보드"),
        esc(&d.name)
    );
    if d.open {
        let _ = write!(
            h,
            "<span class=\"badge open\">{}</span>",
            l.t("open", "진행 중")
        );
    } else {
        let _ = write!(
            h,
            "<span class=\"badge closed\">{}</span>",
            l.t("closed", "종결")
        );
    }
    h.push_str("</div>");
    if let Some(n) = notice(l, done) {
        let _ = write!(h, "<p class=\"notice\" role=\"status\">{n}</p>");
    }
    if let Some(r) = refused {
        let _ = write!(
            h,
            "<div class=\"alert\" role=\"alert\"><p>{}</p>",
            esc(&r.message)
        );
        if !r.missing.is_empty() {
            h.push_str("<ul>");
            for (stage, _, item) in &r.missing {
                let _ = write!(h, "<li>{} — {}</li>", esc(&name(stage)), esc(item));
            }
            h.push_str("</ul>");
        }
        h.push_str("</div>");
    }
    let days = (salesmap_store::now() - d.stage_entered_at).max(0) as f64
        / salesmap_core::history::MICROS_PER_DAY as f64;
    let target = map
        .find(&d.stage)
        .and_then(|ix| map.stage(map.top_ancestor(ix)).target_days);
    let _ = write!(
        h,
        "<div class=\"two\"><div><section class=\"panel\" aria-labelledby=\"where\"><h2 id=\"where\">{}</h2>\
         <p><strong>{}</strong> · {} {} {}</p>",
        l.t("Where it is", "현재 위치"),
        esc(&name(&d.stage)),
        esc(&l.days(Some(days))),
        l.t("in this stage, since", "째 이 단계, 진입"),
        time_html(l, d.stage_entered_at),
    );
    if let Some(t) = target {
        let over = days > t;
        let _ = write!(
            h,
            "<p class=\"{}\">{} {}{}</p>",
            if over { "status missed" } else { "meta" },
            l.t("Target:", "목표:"),
            esc(&l.days(Some(t))),
            if over {
                l.t(" — stale", " — 정체")
            } else {
                ""
            }
        );
    }
    let change = may_change(visit, detail);
    if d.open && change {
        write_move_form(&mut h, visit, map, detail, refused);
    } else if !d.open {
        let _ = write!(
            h,
            "<p>{}</p>",
            l.t(
                "The deal is closed: nothing moves out of an outcome.",
                "종결된 거래입니다. 결과 단계에서는 옮길 수 없습니다.",
            )
        );
    } else {
        let _ = write!(
            h,
            "<p class=\"meta\">{}</p>",
            l.t(
                "Only the deal's owner and managers move it.",
                "거래 담당자와 매니저만 옮길 수 있습니다.",
            )
        );
    }
    h.push_str("</section>");
    write_checklists(&mut h, visit, map, detail, change);
    write_timeline(&mut h, l, map, detail);
    h.push_str("</div><div>");
    write_fields(&mut h, visit, detail, users, change, refused);
    if change {
        write_touch_form(&mut h, visit, d.id);
    }
    if visit.user.role >= Role::Manager {
        let _ = write!(
            h,
            "<p><a href=\"/audit?deal={}\">{}</a></p>",
            d.id,
            l.t("This deal's audit log", "이 거래의 감사 기록")
        );
    }
    h.push_str("</div></div>");
    h
}

fn write_move_form(
    h: &mut String,
    visit: &Visit,
    map: &Map,
    detail: &DealDetail,
    refused: Option<&Refused>,
) {
    let l = visit.lang;
    let d = &detail.deal;
    let form = |k: &str| {
        refused
            .and_then(|r| r.form.get(k))
            .cloned()
            .unwrap_or_default()
    };
    let chosen = form("to");
    let _ = write!(
        h,
        "<form method=\"post\" action=\"/deals/{id}/move\" class=\"stack\">\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"version\" value=\"{version}\">\
         <p><label for=\"move-to\">{label}</label><select id=\"move-to\" name=\"to\" required>",
        id = d.id,
        csrf = esc(&visit.csrf),
        version = d.version,
        label = l.t("Move to", "옮길 단계"),
    );
    // The map's moves from here, in its own words: next, branches (with their condition),
    // outcomes, and sub-stages.
    let from = map.find(&d.stage).map(|ix| map.top_ancestor(ix));
    for target in &detail.allowed_moves {
        let Some(ix) = map.find(target) else { continue };
        let mut label = stage_name(map, l, target);
        if let Some(f) = from
            && let Some(t) = map.outgoing(f).find(|t| t.to == map.top_ancestor(ix))
        {
            let how = match (t.kind, map.outcome(t.to)) {
                (_, Some(Outcome::Won)) => l.t("won", "수주"),
                (_, Some(_)) => l.t("closes the deal", "거래 종결"),
                (TransitionKind::Next, None) => l.t("next", "다음"),
                (TransitionKind::Branch, None) if t.answer == Some(Answer::No) => {
                    l.t("the buyer says no", "구매자 거절")
                }
                (TransitionKind::Branch, None) => l.t("branch", "분기"),
            };
            let when = t
                .when
                .as_ref()
                .map(|w| format!(": {}", w.get(l.tag(), &map.language)))
                .unwrap_or_default();
            label = format!("{label} ({how}{when})");
        } else if map.stage(ix).parent.is_some() {
            label = format!("{label} ({})", l.t("sub-stage", "하위 단계"));
        }
        let _ = write!(
            h,
            "<option value=\"{}\"{}>{}</option>",
            esc(target),
            selected(&chosen == target),
            esc(&label)
        );
    }
    let _ = write!(
        h,
        "</select></p><p><label for=\"move-reason\">{}</label><textarea id=\"move-reason\" name=\"reason\" rows=\"2\" maxlength=\"2000\" aria-describedby=\"move-reason-hint\">{}</textarea>\
         <span id=\"move-reason-hint\" class=\"hint\">{}</span></p>",
        l.t("Reason", "이유"),
        esc(&form("reason")),
        l.t(
            "Needed when the buyer says no (lost, disqualified, churned, nurture…).",
            "구매자가 거절할 때 필요합니다(실주, 부적격, 이탈, 육성 등).",
        ),
    );
    if visit.user.role.manages() {
        let _ = write!(
            h,
            "<p><label for=\"move-override\">{}</label><textarea id=\"move-override\" name=\"override_reason\" rows=\"2\" maxlength=\"2000\" aria-describedby=\"move-override-hint\">{}</textarea>\
             <span id=\"move-override-hint\" class=\"hint\">{}</span></p>",
            l.t("Override reason (managers)", "예외 승인 이유 (매니저)"),
            esc(&form("override_reason")),
            l.t(
                "Only to move past unticked exit items; the reason and the items go to the audit log.",
                "체크되지 않은 완료 조건을 건너뛸 때만 씁니다. 이유와 항목이 감사 기록에 남습니다.",
            ),
        );
    }
    let _ = write!(
        h,
        "<p><button type=\"submit\" class=\"primary\">{}</button></p></form>",
        l.t("Move the deal", "거래 옮기기")
    );
}

fn write_checklists(h: &mut String, visit: &Visit, map: &Map, detail: &DealDetail, change: bool) {
    let l = visit.lang;
    let d = &detail.deal;
    // Every stage the deal has been in (and its parents), newest first, the current first.
    let mut stages: Vec<String> = Vec::new();
    let mut push = |id: &str| {
        if let Some(ix) = map.find(id) {
            for s in [ix, map.top_ancestor(ix)] {
                let sid = map.stage(s).id.clone();
                if !stages.contains(&sid) && !map.stage(s).exit_checklist.is_empty() {
                    stages.push(sid);
                }
            }
        }
    };
    push(&d.stage);
    for e in detail.entries.iter().rev() {
        push(&e.stage);
    }
    let current: Vec<&str> = detail.checklist.iter().map(|c| c.stage.as_str()).collect();
    let _ = write!(
        h,
        "<section class=\"panel\" aria-labelledby=\"checklists\"><h2 id=\"checklists\">{}</h2>",
        l.t("Exit checklists", "완료 조건")
    );
    if stages.is_empty() {
        let _ = write!(
            h,
            "<p class=\"meta\">{}</p>",
            l.t(
                "The stages of this deal have no exit checklist.",
                "이 거래가 거친 단계에는 완료 조건이 없습니다.",
            )
        );
    }
    for sid in &stages {
        let Some(ix) = map.find(sid) else { continue };
        let stage = map.stage(ix);
        let is_current = current.contains(&sid.as_str());
        let _ = write!(
            h,
            "<h3>{}{}</h3><ul class=\"checklist\">",
            esc(&stage_name(map, l, sid)),
            if is_current {
                l.t(" (now)", " (현재)")
            } else {
                ""
            }
        );
        for (index, item) in stage.exit_checklist.iter().enumerate() {
            let text = item.get(&map.language, &map.language);
            let shown = item.get(l.tag(), &map.language);
            let tick = detail
                .ticks
                .iter()
                .find(|t| &t.stage == sid && t.item == text);
            let _ = write!(
                h,
                "<li><span class=\"{}\" aria-hidden=\"true\">{}</span><span class=\"item\">{}<span class=\"visually-hidden\"> — {}</span></span>",
                if tick.is_some() {
                    "done-mark"
                } else {
                    "todo-mark"
                },
                if tick.is_some() { "☑" } else { "☐" },
                esc(shown),
                if tick.is_some() {
                    l.t("done", "완료")
                } else {
                    l.t("not done", "미완료")
                }
            );
            if let Some(t) = tick {
                let _ = write!(
                    h,
                    "<span class=\"who\">{} {} · {}</span>",
                    l.t("ticked by", "체크:"),
                    esc(t.ticked_by_name.as_deref().unwrap_or("console")),
                    time_html(l, t.ticked_at)
                );
                if let Some(note) = &t.note {
                    let _ = write!(h, "<span class=\"who\">“{}”</span>", esc(note));
                }
                if let Some(url) = &t.evidence_url {
                    let _ = write!(
                        h,
                        "<a class=\"who\" href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                        esc(url),
                        l.t("evidence", "증빙")
                    );
                }
            }
            if change && is_current && d.open {
                let (action, label) = if tick.is_some() {
                    ("untick", l.t("Untick", "체크 해제"))
                } else {
                    ("tick", l.t("Tick", "체크"))
                };
                let _ = write!(
                    h,
                    "<form method=\"post\" action=\"/deals/{id}/{action}\" class=\"inline-form\">\
                     <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
                     <input type=\"hidden\" name=\"stage\" value=\"{stage}\">\
                     <input type=\"hidden\" name=\"item\" value=\"{index}\">\
                     <button type=\"submit\" class=\"small\" aria-label=\"{label}: {item}\">{label}</button></form>",
                    id = d.id,
                    csrf = esc(&visit.csrf),
                    stage = esc(sid),
                    item = esc(shown),
                );
            }
            h.push_str("</li>");
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>");
}

fn write_timeline(h: &mut String, l: Lang, map: &Map, detail: &DealDetail) {
    let _ = write!(
        h,
        "<section class=\"panel\" aria-labelledby=\"timeline\"><h2 id=\"timeline\">{}</h2><ol class=\"timeline\">",
        l.t("Timeline", "타임라인")
    );
    // Stage entries and touches, newest first.
    let mut events: Vec<(i64, bool, usize)> = detail
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.entered_at, true, i))
        .chain(
            detail
                .touches
                .iter()
                .enumerate()
                .map(|(i, t)| (t.at, false, i)),
        )
        .collect();
    events.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
    for (_, entry, i) in events {
        if entry {
            let e = &detail.entries[i];
            let _ = write!(
                h,
                "<li class=\"entry\"><strong>{}</strong>",
                esc(&match &e.from_stage {
                    Some(from) => match l {
                        Lang::En => format!(
                            "Moved from {} to {}",
                            stage_name(map, l, from),
                            stage_name(map, l, &e.stage)
                        ),
                        Lang::Ko => format!(
                            "{}에서 {}(으)로 이동",
                            stage_name(map, l, from),
                            stage_name(map, l, &e.stage)
                        ),
                    },
                    None => match l {
                        Lang::En => format!("Entered {}", stage_name(map, l, &e.stage)),
                        Lang::Ko => format!("{} 진입", stage_name(map, l, &e.stage)),
                    },
                })
            );
            if let Some(who) = &e.actor_name {
                let _ = write!(h, " · {}", esc(who));
            }
            if let Some(v) = e.map_version {
                let _ = write!(
                    h,
                    " · <span class=\"meta\">{} v{v}</span>",
                    l.t("map", "맵")
                );
            }
            let _ = write!(
                h,
                "<br><span class=\"when\">{}</span>",
                time_html(l, e.entered_at)
            );
            if let Some(r) = &e.reason {
                let _ = write!(h, "<br>{}: {}", l.t("Reason", "이유"), esc(r));
            }
            if let Some(r) = &e.override_reason {
                let _ = write!(
                    h,
                    "<br><span class=\"badge override\">{}</span> {}",
                    l.t("override", "예외 승인"),
                    esc(r)
                );
            }
            h.push_str("</li>");
        } else {
            let t = &detail.touches[i];
            let _ = write!(
                h,
                "<li class=\"touch\"><strong>{}</strong>",
                esc(&touch_kind(l, &t.kind))
            );
            if let Some(who) = &t.author_name {
                let _ = write!(h, " · {}", esc(who));
            }
            let _ = write!(h, "<br><span class=\"when\">{}</span>", time_html(l, t.at));
            if let Some(n) = &t.note {
                let _ = write!(h, "<br>{}", esc(n));
            }
            h.push_str("</li>");
        }
    }
    h.push_str("</ol></section>");
}

fn write_fields(
    h: &mut String,
    visit: &Visit,
    detail: &DealDetail,
    users: &[User],
    change: bool,
    refused: Option<&Refused>,
) {
    let l = visit.lang;
    let d = &detail.deal;
    let _ = write!(
        h,
        "<section class=\"panel\" aria-labelledby=\"fields\"><h2 id=\"fields\">{}</h2>",
        l.t("The deal", "거래 정보")
    );
    if !change {
        let _ = write!(
            h,
            "<dl class=\"fields\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
            l.t("Company", "회사"),
            esc(d.company.as_deref().unwrap_or("–")),
            l.t("Amount", "금액"),
            esc(&d
                .amount
                .map_or("–".into(), |a| money(l, a, d.currency.as_deref()))),
            l.t("Owner", "담당자"),
            esc(d
                .owner_name
                .as_deref()
                .unwrap_or(l.t("no owner", "담당자 없음"))),
            l.t("Source", "유입 경로"),
            esc(d.source.as_deref().unwrap_or("–")),
            l.t("Segment", "세그먼트"),
            esc(d.segment.as_deref().unwrap_or("–")),
            l.t("Key", "키"),
            esc(&d.key),
        );
    } else {
        let value = |k: &str, current: String| {
            refused
                .and_then(|r| r.form.get(k))
                .cloned()
                .unwrap_or(current)
        };
        let _ = write!(
            h,
            "<form method=\"post\" action=\"/deals/{id}/edit\" class=\"stack\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
             <input type=\"hidden\" name=\"version\" value=\"{version}\">\
             <p><label for=\"f-name\">{name_l}</label><input id=\"f-name\" name=\"name\" required maxlength=\"200\" value=\"{name}\"></p>\
             <p><label for=\"f-company\">{company_l}</label><input id=\"f-company\" name=\"company\" maxlength=\"200\" value=\"{company}\"></p>\
             <p><label for=\"f-amount\">{amount_l}</label><input id=\"f-amount\" name=\"amount\" inputmode=\"decimal\" value=\"{amount}\"></p>\
             <p><label for=\"f-currency\">{currency_l}</label><input id=\"f-currency\" name=\"currency\" maxlength=\"3\" value=\"{currency}\" aria-describedby=\"f-currency-hint\"><span id=\"f-currency-hint\" class=\"hint\">{currency_hint}</span></p>\
             <p><label for=\"f-source\">{source_l}</label><input id=\"f-source\" name=\"source\" maxlength=\"100\" value=\"{source}\"></p>\
             <p><label for=\"f-segment\">{segment_l}</label><input id=\"f-segment\" name=\"segment\" maxlength=\"100\" value=\"{segment}\"></p>",
            id = d.id,
            csrf = esc(&visit.csrf),
            version = d.version,
            name_l = l.t("Name", "이름"),
            name = esc(&value("name", d.name.clone())),
            company_l = l.t("Company", "회사"),
            company = esc(&value("company", d.company.clone().unwrap_or_default())),
            amount_l = l.t("Amount", "금액"),
            amount = esc(&value(
                "amount",
                d.amount.map(|a| a.to_string()).unwrap_or_default()
            )),
            currency_l = l.t("Currency", "통화"),
            currency = esc(&value("currency", d.currency.clone().unwrap_or_default())),
            currency_hint = l.t("Three letters: USD, EUR, KRW.", "세 글자: USD, EUR, KRW."),
            source_l = l.t("Source", "유입 경로"),
            source = esc(&value("source", d.source.clone().unwrap_or_default())),
            segment_l = l.t("Segment", "세그먼트"),
            segment = esc(&value("segment", d.segment.clone().unwrap_or_default())),
        );
        let owner = value(
            "owner",
            d.owner_id.map(|o| o.to_string()).unwrap_or_default(),
        );
        if visit.user.role.manages() {
            let _ = write!(
                h,
                "<p><label for=\"f-owner\">{}</label><select id=\"f-owner\" name=\"owner\"><option value=\"\">{}</option>",
                l.t("Owner", "담당자"),
                l.t("No owner", "담당자 없음")
            );
            for u in users
                .iter()
                .filter(|u| !u.disabled || Some(u.id) == d.owner_id)
            {
                let id = u.id.to_string();
                let _ = write!(
                    h,
                    "<option value=\"{id}\"{}>{} ({})</option>",
                    selected(owner == id),
                    esc(&u.display_name),
                    role_name(l, u.role)
                );
            }
            h.push_str("</select></p>");
        } else {
            let _ = write!(
                h,
                "<input type=\"hidden\" name=\"owner\" value=\"{}\"><p>{}: {}</p>",
                esc(&owner),
                l.t("Owner", "담당자"),
                esc(d
                    .owner_name
                    .as_deref()
                    .unwrap_or(l.t("no owner", "담당자 없음")))
            );
        }
        let _ = write!(
            h,
            "<p><button type=\"submit\">{}</button></p></form><p class=\"meta\">{}: {}</p>",
            l.t("Save the deal", "거래 저장"),
            l.t("Key", "키"),
            esc(&d.key)
        );
    }
    if !d.attributes.is_empty() {
        let _ = write!(
            h,
            "<h3>{}</h3><dl class=\"fields\">",
            l.t("Other fields", "기타 항목")
        );
        for (k, v) in &d.attributes {
            let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
        }
        h.push_str("</dl>");
    }
    h.push_str("</section>");
}

fn write_touch_form(h: &mut String, visit: &Visit, id: i64) {
    let l = visit.lang;
    let _ = write!(
        h,
        "<section class=\"panel\" aria-labelledby=\"log-touch\"><h2 id=\"log-touch\">{title}</h2>\
         <form method=\"post\" action=\"/deals/{id}/touch\" class=\"stack\">\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
         <p><label for=\"t-kind\">{kind}</label><select id=\"t-kind\" name=\"kind\">",
        title = l.t("Log a touch", "활동 기록"),
        csrf = esc(&visit.csrf),
        kind = l.t("Kind", "종류"),
    );
    for k in ["call", "email", "meeting", "note"] {
        let _ = write!(
            h,
            "<option value=\"{k}\">{}</option>",
            esc(&touch_kind(l, k))
        );
    }
    let _ = write!(
        h,
        "</select></p><p><label for=\"t-note\">{note}</label><textarea id=\"t-note\" name=\"note\" rows=\"3\" maxlength=\"10000\"></textarea></p>\
         <p><label for=\"t-at\">{when}</label><input id=\"t-at\" name=\"at\" type=\"datetime-local\" aria-describedby=\"t-at-hint\"><span id=\"t-at-hint\" class=\"hint\">{when_hint}</span></p>\
         <p><button type=\"submit\">{log}</button></p></form></section>",
        note = l.t("Note", "메모"),
        when = l.t("When (UTC)", "언제 (UTC)"),
        when_hint = l.t("Empty: now.", "비우면 지금."),
        log = l.t("Log the touch", "활동 기록하기"),
    );
}

// ---- form actions ------------------------------------------------------------------------

/// Answers a form: back to the page with a notice, or the page again with the refusal.
async fn answer(
    state: &AppState,
    visit: &Visit,
    id: i64,
    result: Result<(), StoreError>,
    done: &str,
    form: BTreeMap<&'static str, String>,
) -> Result<Response, PageError> {
    let l = visit.lang;
    match result {
        Ok(()) => Ok(shell::see_other(&format!(
            "/deals/{id}?done={}",
            QueryValue(done)
        ))),
        Err(e) => {
            let e = ApiError::from(e);
            if matches!(
                e,
                ApiError::Internal(_) | ApiError::Unavailable(_) | ApiError::NotFound(_)
            ) {
                return Err(visit.fail(e));
            }
            let status = e.status();
            let (message, missing) = refusal(l, &e);
            // After a change made meanwhile, show the deal as it is, not the form sent.
            let form = if matches!(e, ApiError::StaleVersion(_)) {
                BTreeMap::new()
            } else {
                form
            };
            render(
                state,
                visit,
                id,
                "",
                Some(Refused {
                    message,
                    missing,
                    form,
                }),
                status,
            )
            .await
        }
    }
}

/// A refusal in words, with the unticked items of a blocked move.
fn refusal(l: Lang, e: &ApiError) -> (String, Vec<(String, usize, String)>) {
    match e {
        ApiError::Refused(Refusal::ExitChecklist { missing }) => (
            l.t(
                "The deal cannot leave its stage yet: these exit checklist items are not ticked. Tick them, or (managers) give an override reason.",
                "아직 이 단계를 떠날 수 없습니다. 다음 완료 조건이 체크되지 않았습니다. 체크하거나 (매니저는) 예외 승인 이유를 쓰세요.",
            )
            .to_string(),
            missing
                .iter()
                .map(|m| (m.stage.clone(), m.index, m.item.clone()))
                .collect(),
        ),
        ApiError::Refused(Refusal::ReasonRequired { .. }) => (
            l.t(
                "This move is the buyer saying no: write the reason.",
                "구매자가 거절한 이동입니다. 이유를 쓰세요.",
            )
            .to_string(),
            Vec::new(),
        ),
        ApiError::Refused(Refusal::Closed { .. }) => (
            l.t(
                "The deal is closed: nothing moves out of an outcome.",
                "종결된 거래입니다. 결과 단계에서는 옮길 수 없습니다.",
            )
            .to_string(),
            Vec::new(),
        ),
        ApiError::StaleVersion(_) => (
            l.t(
                "Someone changed this deal while you were looking at it. The page now shows it as it is; check it and send your change again.",
                "보는 동안 다른 사람이 이 거래를 바꿨습니다. 지금 상태를 보여 주니 확인하고 다시 보내세요.",
            )
            .to_string(),
            Vec::new(),
        ),
        other => (shell::explain(l, other).1, Vec::new()),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    override_reason: String,
}

/// `POST /deals/{id}/move`.
pub async fn move_deal(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    form: PageForm<MoveForm>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    let result = state
        .store
        .move_deal(
            &visit.actor,
            id,
            MoveRequest {
                to: form.to.clone(),
                version: form.version,
                reason: Some(form.reason.clone()).filter(|r| !r.trim().is_empty()),
                override_reason: Some(form.override_reason.clone())
                    .filter(|r| !r.trim().is_empty()),
            },
        )
        .await
        .map(|_| ());
    let kept = BTreeMap::from([
        ("to", form.to),
        ("reason", form.reason),
        ("override_reason", form.override_reason),
    ]);
    answer(&state, &visit, id, result, "moved", kept).await
}

#[derive(Deserialize)]
pub struct TickForm {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    item: usize,
}

/// `POST /deals/{id}/tick`.
pub async fn tick(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    form: PageForm<TickForm>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    let result = state
        .store
        .tick_item(
            &visit.actor,
            id,
            TickRequest {
                stage: Some(form.stage),
                item: form.item,
                ..TickRequest::default()
            },
        )
        .await
        .map(|_| ());
    answer(&state, &visit, id, result, "ticked", BTreeMap::new()).await
}

/// `POST /deals/{id}/untick`.
pub async fn untick(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    form: PageForm<TickForm>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    let result = state
        .store
        .untick_item(&visit.actor, id, &form.stage, form.item, None)
        .await
        .map(|_| ());
    answer(&state, &visit, id, result, "unticked", BTreeMap::new()).await
}

#[derive(Deserialize)]
pub struct TouchForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    note: String,
    /// `2026-03-05T14:03` from a `datetime-local` input, read as UTC.
    #[serde(default)]
    at: String,
}

/// `POST /deals/{id}/touch`.
pub async fn touch(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    form: PageForm<TouchForm>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    let at = match form.at.trim() {
        "" => Ok(None),
        text => format!("{text}:00Z")
            .parse::<jiff::Timestamp>()
            .or_else(|_| format!("{text}Z").parse::<jiff::Timestamp>())
            .map(|t| Some(t.as_microsecond()))
            .map_err(|_| StoreError::invalid("at", "not a date and time such as 2026-03-05T14:03")),
    };
    let result = match at {
        Ok(at) => state
            .store
            .log_touch(
                &visit.actor,
                id,
                NewTouch {
                    kind: form.kind,
                    at,
                    note: Some(form.note).filter(|n| !n.trim().is_empty()),
                },
            )
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    answer(&state, &visit, id, result, "touched", BTreeMap::new()).await
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    segment: String,
    #[serde(default)]
    owner: String,
}

/// An amount as typed: empty is none; `12,000.50` and `12000.5` are numbers.
pub fn parse_amount(text: &str) -> Result<Option<f64>, StoreError> {
    let t = text.trim().replace([',', ' ', '_'], "");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>()
        .ok()
        .filter(|a| a.is_finite())
        .map(Some)
        .ok_or_else(|| {
            StoreError::invalid("amount", "write the amount as a number such as 12000.50")
        })
}

/// `POST /deals/{id}/edit`.
pub async fn edit(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    form: PageForm<EditForm>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    let opt = |s: &str| Some(Some(s.trim().to_string()).filter(|s| !s.is_empty()));
    let owner = match form.owner.trim() {
        "" => Ok(None),
        o => o
            .parse::<i64>()
            .map(Some)
            .map_err(|_| StoreError::invalid("owner_id", "choose an owner from the list")),
    };
    let result = match (parse_amount(&form.amount), owner) {
        (Ok(amount), Ok(owner)) => state
            .store
            .update_deal(
                &visit.actor,
                id,
                form.version,
                DealPatch {
                    name: Some(form.name.clone()),
                    company: opt(&form.company),
                    amount: Some(amount),
                    currency: opt(&form.currency),
                    owner_id: Some(owner),
                    source: opt(&form.source),
                    segment: opt(&form.segment),
                    attributes: None,
                },
            )
            .await
            .map(|_| ()),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let kept = BTreeMap::from([
        ("name", form.name),
        ("company", form.company),
        ("amount", form.amount),
        ("currency", form.currency),
        ("source", form.source),
        ("segment", form.segment),
        ("owner", form.owner),
    ]);
    answer(&state, &visit, id, result, "saved", kept).await
}
