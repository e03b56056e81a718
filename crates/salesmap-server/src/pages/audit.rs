//! The audit log page (managers and admins): every change, sign-in and refusal the store
//! recorded, newest first, a hundred at a time, for the whole server or one deal. Checklist
//! overrides stand out with their reason and the items they skipped.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use crate::pages::context::Visit;
use crate::pages::locale::{Lang, Say, time_html};
use crate::pages::markup::esc;
use crate::pages::shell::{self, Body, OrPage, PageError, Section};
use crate::state::AppState;

const PAGE: u32 = 100;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    deal: Option<i64>,
    before: Option<i64>,
}

/// An action's name in the page's language.
fn action(l: Lang, action: &str) -> String {
    let known = match action {
        "deal.created" => l.t("deal created", "거래 생성"),
        "deal.changed" => l.t("deal edited", "거래 수정"),
        "deal.moved" => l.t("deal moved", "거래 이동"),
        "deal.gate_overridden" => l.t("exit checklist overridden", "완료 조건 예외 승인"),
        "deal.relocated" => l.t("deal moved by a map version", "맵 버전에 따른 거래 이동"),
        "deal.ticked" => l.t("item ticked", "항목 체크"),
        "deal.unticked" => l.t("tick removed", "체크 해제"),
        "deal.touched" => l.t("touch logged", "활동 기록"),
        "map.published" => l.t("map version published", "맵 버전 게시"),
        "pipeline.created" => l.t("pipeline created", "파이프라인 생성"),
        "pipeline.imported" => l.t("history imported", "이력 가져오기"),
        "auth.signed_in" => l.t("signed in", "로그인"),
        "auth.signed_out" => l.t("signed out", "로그아웃"),
        "auth.sign_in_failed" => l.t("failed sign-in", "로그인 실패"),
        "auth.rate_limited" => l.t(
            "sign-in refused: too many failures",
            "로그인 거부: 실패가 너무 많음",
        ),
        "auth.password_changed" => l.t("password changed", "비밀번호 변경"),
        "auth.token_created" => l.t("API token made", "API 토큰 생성"),
        "auth.token_revoked" => l.t("API token revoked", "API 토큰 폐기"),
        "user.added" => l.t("user added", "사용자 추가"),
        "user.changed" => l.t("user changed", "사용자 변경"),
        "user.password_reset" => l.t("one-time password given", "일회용 비밀번호 발급"),
        _ => "",
    };
    if known.is_empty() {
        action.to_string()
    } else {
        format!("{known} ({action})")
    }
}

/// A detail value as text: strings as they are, the rest as compact JSON.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "–".into(),
        other => other.to_string(),
    }
}

/// `GET /audit`.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let l = visit.lang;
    let entries = state
        .store
        .audit_log(&visit.actor, query.deal, query.before, PAGE)
        .await
        .or_page(l)?;
    let mut h = String::new();
    let _ = write!(h, "<h1>{}</h1>", l.t("Audit log", "감사 기록"));
    if let Some(d) = query.deal {
        let _ = write!(
            h,
            "<p>{} <a href=\"/deals/{d}\">#{d}</a> · <a href=\"/audit\">{}</a></p>",
            l.t("Only deal", "거래만 보기:"),
            l.t("Everything", "전체 보기")
        );
    }
    if entries.is_empty() {
        let _ = write!(
            h,
            "<p class=\"meta\">{}</p>",
            l.t("Nothing recorded.", "기록이 없습니다.")
        );
    } else {
        let _ = write!(
            h,
            "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            l.t("When", "언제"),
            l.t("Who", "누가"),
            l.t("What", "무엇을"),
            l.t("Deal", "거래"),
            l.t("Details", "세부"),
        );
        for e in &entries {
            let overridden = e.action == "deal.gate_overridden";
            let _ = write!(
                h,
                "<tr{}><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>",
                if overridden { " class=\"missed\"" } else { "" },
                time_html(l, e.at),
                esc(&e.actor),
                if overridden {
                    format!(
                        "<span class=\"badge override\">{}</span> ",
                        l.t("override", "예외 승인")
                    )
                } else {
                    String::new()
                },
                esc(&action(l, &e.action)),
                e.deal_id.map_or(String::new(), |d| format!(
                    "<a href=\"/deals/{d}\">#{d}</a>"
                )),
            );
            if let Value::Object(fields) = &e.detail {
                let mut first = true;
                for (k, v) in fields {
                    if !first {
                        h.push_str("<br>");
                    }
                    first = false;
                    if k == "missing"
                        && let Value::Array(items) = v
                    {
                        let list: Vec<String> = items
                            .iter()
                            .map(|i| i.get("item").map_or_else(|| value_text(i), value_text))
                            .collect();
                        let _ = write!(h, "{}: {}", esc(k), esc(&list.join("; ")));
                    } else {
                        let _ = write!(h, "{}: {}", esc(k), esc(&value_text(v)));
                    }
                }
            } else {
                h.push_str(&esc(&value_text(&e.detail)).to_string());
            }
            h.push_str("</td></tr>");
        }
        h.push_str("</tbody></table></div>");
        if entries.len() == PAGE as usize
            && let Some(last) = entries.last()
        {
            let deal = query.deal.map_or(String::new(), |d| format!("&deal={d}"));
            let _ = write!(
                h,
                "<p><a href=\"/audit?before={}{deal}\">{}</a></p>",
                last.id,
                l.t("Older entries", "이전 기록")
            );
        }
    }
    Ok(shell::render(
        &visit.frame(visit.pipelines.first().map(|p| p.key.as_str())),
        Body {
            title: l.t("Audit log", "감사 기록").to_string(),
            section: Some(Section::Audit),
            html: h,
            ..Body::default()
        },
    )
    .into_response())
}
