//! The pages' two languages. Which one a visitor gets: the `salesmap_lang` cookie the
//! language switch sets (kept a year), else the first of English and Korean in the browser's
//! `Accept-Language` by preference, else English ([`choose`]).
//!
//! Every label is written in both languages where it is used (`l.t("Board", "보드")`), so a
//! label cannot exist in one language only; numbers, amounts, durations and dates use the
//! report's formats ([`Lang`], from `salesmap_report::locale`): thousands grouped, `Jan 5,
//! 2027` / `2027년 1월 5일`, `12 d` / `12일`, `6.6M` / `661만`. Times are written in UTC with
//! a `<time>` element that the page's script rewrites in the reader's own time zone.

use axum::http::{HeaderMap, header};
use salesmap_core::history::{MICROS_PER_DAY, Micros};
use salesmap_store::Role;

pub use salesmap_report::Lang;

use crate::pages::markup::esc;

/// The cookie that remembers the language a visitor chose.
pub const LANG_COOKIE: &str = "salesmap_lang";

/// Picking a label in the page's language.
pub trait Say {
    /// `en` in English, `ko` in Korean.
    fn t(self, en: &'static str, ko: &'static str) -> &'static str;
}

impl Say for Lang {
    fn t(self, en: &'static str, ko: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Ko => ko,
        }
    }
}

/// The language of a request: the cookie, else `Accept-Language`, else English.
pub fn choose(headers: &HeaderMap) -> Lang {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANG_COOKIE)
        .and_then(|(_, value)| Lang::from_name(value.trim()));
    cookie
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(accept_language)
        })
        .unwrap_or(Lang::En)
}

/// The preferred of English and Korean in an `Accept-Language` value (`ko-KR,ko;q=0.9,en;q=0.8`),
/// by quality then order; `None` when it names neither.
pub fn accept_language(value: &str) -> Option<Lang> {
    let mut best: Option<(f32, usize, Lang)> = None;
    for (i, part) in value.split(',').enumerate() {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        let Some(lang) = Lang::from_name(primary) else {
            continue;
        };
        if q <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bq, bi, _)) => q > bq || (q == bq && i < bi),
        };
        if better {
            best = Some((q, i, lang));
        }
    }
    best.map(|(_, _, l)| l)
}

/// The day number of an instant (days since 1970-01-01, UTC).
pub fn day_of(t: Micros) -> i64 {
    t.div_euclid(MICROS_PER_DAY)
}

/// A date and time in UTC: `Mar 5, 2026 14:03 UTC` / `2026년 3월 5일 14:03 UTC`.
pub fn date_time(l: Lang, t: Micros) -> String {
    let in_day = t.rem_euclid(MICROS_PER_DAY) / 60_000_000;
    format!(
        "{} {:02}:{:02} UTC",
        l.date(day_of(t)),
        in_day / 60,
        in_day % 60
    )
}

/// A `<time>` element for an instant: UTC text, which the page's script rewrites in the
/// reader's time zone and language.
pub fn time_html(l: Lang, t: Micros) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        esc(&salesmap_import::format_timestamp(t)),
        esc(&date_time(l, t))
    )
}

/// A role's name.
pub fn role_name(l: Lang, role: Role) -> &'static str {
    match role {
        Role::Admin => l.t("admin", "관리자"),
        Role::Manager => l.t("manager", "매니저"),
        Role::Rep => l.t("rep", "영업 담당"),
        Role::Viewer => l.t("viewer", "열람자"),
    }
}

/// An amount with its currency: `12,000 USD` / `12,000원` (KRW in Korean).
pub fn money(l: Lang, amount: f64, currency: Option<&str>) -> String {
    l.money(amount, currency)
}

/// A touch kind's name (`call` → `Call` / `전화`); other kinds as written.
pub fn touch_kind(l: Lang, kind: &str) -> String {
    match kind {
        "call" => l.t("Call", "전화").into(),
        "email" => l.t("Email", "이메일").into(),
        "meeting" => l.t("Meeting", "미팅").into(),
        "note" => l.t("Note", "메모").into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_cookie_wins_then_the_browser_then_english() {
        let mut h = HeaderMap::new();
        assert_eq!(choose(&h), Lang::En);
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-DE,ko;q=0.8,en;q=0.5"),
        );
        assert_eq!(choose(&h), Lang::Ko);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; salesmap_lang=en"),
        );
        assert_eq!(choose(&h), Lang::En);
        assert_eq!(accept_language("en-US,en;q=0.9,ko;q=0.9"), Some(Lang::En));
        assert_eq!(accept_language("ko;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(accept_language("fr"), None);
        assert_eq!(accept_language("*;q=0.5,ko-KR"), Some(Lang::Ko));
    }

    #[test]
    fn times_read_in_each_language() {
        let t = 1_772_719_380_000_000; // 2026-03-05T14:03:00Z
        assert_eq!(date_time(Lang::En, t), "Mar 5, 2026 14:03 UTC");
        assert_eq!(date_time(Lang::Ko, t), "2026년 3월 5일 14:03 UTC");
        assert_eq!(
            time_html(Lang::En, t),
            "<time datetime=\"2026-03-05T14:03:00Z\">Mar 5, 2026 14:03 UTC</time>"
        );
        assert_eq!(money(Lang::Ko, 12_000.0, Some("KRW")), "12,000원");
    }
}
