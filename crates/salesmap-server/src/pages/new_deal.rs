//! The new-deal page: name, company, amount and currency, source, segment, the owner (reps own
//! what they create; managers choose anyone) and the stage it starts in (the map's start
//! unless another non-outcome stage is chosen). The store checks every field; a refusal shows
//! the form again with what was typed and what to fix.

use std::collections::BTreeMap;
use std::fmt::Write;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salesmap_core::map::Map;
use salesmap_store::{NewDeal, Role, StoreError};
use serde::Deserialize;

use crate::extract::ApiPath;
use crate::pages::context::{PageForm, Visit};
use crate::pages::deal::parse_amount;
use crate::pages::locale::{Say, role_name};
use crate::pages::markup::{Segment, esc, selected};
use crate::pages::shell::{self, Body, OrPage, PageError, Section};
use crate::problem::ApiError;
use crate::state::AppState;

/// `GET /p/{key}/deals/new`.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, PageError> {
    show(&state, &visit, &key, &BTreeMap::new(), None, StatusCode::OK).await
}

async fn show(
    state: &AppState,
    visit: &Visit,
    key: &str,
    form: &BTreeMap<&'static str, String>,
    problem: Option<&str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let l = visit.lang;
    if visit.user.role < Role::Rep {
        return Err(visit.fail(ApiError::Forbidden(
            l.t(
                "viewers have read-only access; a rep or manager creates deals",
                "열람자는 읽기만 할 수 있습니다. 거래는 영업 담당이나 매니저가 만듭니다",
            )
            .into(),
        )));
    }
    let pipeline = state.store.pipeline(&visit.actor, key).await.or_page(l)?;
    let published = state.store.published_map(&pipeline).await.or_page(l)?;
    let users = state.store.list_users(&visit.actor).await.or_page(l)?;
    let map: &Map = &published.map;
    let v = |k: &str| form.get(k).cloned().unwrap_or_default();
    let mut h = String::new();
    let _ = write!(h, "<h1>{}</h1>", l.t("New deal", "새 거래"));
    if let Some(p) = problem {
        let _ = write!(h, "<p class=\"alert\" role=\"alert\">{}</p>", esc(p));
    }
    let default_currency = map
        .goal
        .as_ref()
        .and_then(|g| g.unit.clone())
        .filter(|u| u.len() == 3 && u.chars().all(|c| c.is_ascii_alphabetic()))
        .unwrap_or_default();
    let currency = form.get("currency").cloned().unwrap_or(default_currency);
    let _ = write!(
        h,
        "<form method=\"post\" action=\"/p/{key}/deals/new\" class=\"stack narrow-form\">\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
         <p><label for=\"d-name\">{name_l}</label><input id=\"d-name\" name=\"name\" required maxlength=\"200\" value=\"{name}\" autofocus></p>\
         <p><label for=\"d-company\">{company_l}</label><input id=\"d-company\" name=\"company\" maxlength=\"200\" value=\"{company}\"></p>\
         <p><label for=\"d-amount\">{amount_l}</label><input id=\"d-amount\" name=\"amount\" inputmode=\"decimal\" value=\"{amount}\"></p>\
         <p><label for=\"d-currency\">{currency_l}</label><input id=\"d-currency\" name=\"currency\" maxlength=\"3\" value=\"{currency}\" aria-describedby=\"d-currency-hint\"><span id=\"d-currency-hint\" class=\"hint\">{currency_hint}</span></p>\
         <p><label for=\"d-source\">{source_l}</label><input id=\"d-source\" name=\"source\" maxlength=\"100\" value=\"{source}\"></p>\
         <p><label for=\"d-segment\">{segment_l}</label><input id=\"d-segment\" name=\"segment\" maxlength=\"100\" value=\"{segment}\"></p>",
        key = Segment(key),
        csrf = esc(&visit.csrf),
        name_l = l.t("Name", "이름"),
        name = esc(&v("name")),
        company_l = l.t("Company", "회사"),
        company = esc(&v("company")),
        amount_l = l.t("Amount", "금액"),
        amount = esc(&v("amount")),
        currency_l = l.t("Currency", "통화"),
        currency = esc(&currency),
        currency_hint = l.t("Three letters: USD, EUR, KRW.", "세 글자: USD, EUR, KRW."),
        source_l = l.t("Source", "유입 경로"),
        source = esc(&v("source")),
        segment_l = l.t("Segment", "세그먼트"),
        segment = esc(&v("segment")),
    );
    if visit.user.role.manages() {
        let chosen = v("owner");
        let _ = write!(
            h,
            "<p><label for=\"d-owner\">{}</label><select id=\"d-owner\" name=\"owner\"><option value=\"\">{}</option>",
            l.t("Owner", "담당자"),
            l.t("No owner", "담당자 없음")
        );
        for u in users.iter().filter(|u| !u.disabled) {
            let id = u.id.to_string();
            let _ = write!(
                h,
                "<option value=\"{id}\"{}>{} ({})</option>",
                selected(chosen == id),
                esc(&u.display_name),
                role_name(l, u.role)
            );
        }
        h.push_str("</select></p>");
    } else {
        let _ = write!(
            h,
            "<p>{}: {}</p>",
            l.t("Owner", "담당자"),
            esc(&visit.user.display_name)
        );
    }
    let chosen = form
        .get("stage")
        .cloned()
        .unwrap_or_else(|| map.stage(map.start).id.clone());
    let _ = write!(
        h,
        "<p><label for=\"d-stage\">{}</label><select id=\"d-stage\" name=\"stage\">",
        l.t("Starts in", "시작 단계")
    );
    for ix in map
        .stage_ixs()
        .filter(|&ix| map.outcome(map.top_ancestor(ix)).is_none())
    {
        let s = map.stage(ix);
        let indent = if s.parent.is_some() { "— " } else { "" };
        let _ = write!(
            h,
            "<option value=\"{}\"{}>{indent}{}</option>",
            esc(&s.id),
            selected(chosen == s.id),
            esc(s.name.get(l.tag(), &map.language))
        );
    }
    let _ = write!(
        h,
        "</select></p><p><button type=\"submit\" class=\"primary\">{}</button> <a href=\"/p/{}/board\">{}</a></p></form>",
        l.t("Create the deal", "거래 만들기"),
        Segment(key),
        l.t("Cancel", "취소")
    );
    Ok((
        status,
        shell::render(
            &visit.frame(Some(key)),
            Body {
                title: l.t("New deal", "새 거래").to_string(),
                section: Some(Section::Board),
                html: h,
                ..Body::default()
            },
        ),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct NewDealForm {
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
    #[serde(default)]
    stage: String,
}

/// `POST /p/{key}/deals/new`.
pub async fn create(
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    form: PageForm<NewDealForm>,
) -> Result<Response, PageError> {
    let PageForm { visit, form } = form;
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let owner = match form.owner.trim() {
        "" if visit.user.role.manages() => Ok(None),
        "" => Ok(visit.actor.user_id),
        o => o
            .parse::<i64>()
            .map(Some)
            .map_err(|_| StoreError::invalid("owner_id", "choose an owner from the list")),
    };
    let result = match (parse_amount(&form.amount), owner) {
        (Ok(amount), Ok(owner_id)) => {
            state
                .store
                .create_deal(
                    &visit.actor,
                    &key,
                    NewDeal {
                        key: None,
                        name: form.name.clone(),
                        company: text(&form.company),
                        amount,
                        currency: text(&form.currency),
                        owner_id,
                        source: text(&form.source),
                        segment: text(&form.segment),
                        attributes: BTreeMap::new(),
                        stage: text(&form.stage),
                    },
                )
                .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(deal) => Ok(shell::see_other(&format!(
            "/deals/{}?done=created",
            deal.id
        ))),
        Err(e) => {
            let e = ApiError::from(e);
            if e.status().is_server_error() || e.status() == StatusCode::NOT_FOUND {
                return Err(visit.fail(e));
            }
            let message = shell::explain(visit.lang, &e).1;
            let kept = BTreeMap::from([
                ("name", form.name),
                ("company", form.company),
                ("amount", form.amount),
                ("currency", form.currency),
                ("source", form.source),
                ("segment", form.segment),
                ("owner", form.owner),
                ("stage", form.stage),
            ]);
            show(&state, &visit, &key, &kept, Some(&message), e.status()).await
        }
    }
}
