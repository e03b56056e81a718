//! [`Text`]: a user-written string, optionally given in several languages.
//!
//! A map file may write `name = "Demo"` (text in the map's own language) or
//! `name = { en = "Demo", ko = "데모" }`. Everything that shows a label asks for one language
//! with [`Text::get`] and falls back to the map's own language, then to any language present,
//! so a label is never empty just because one translation is missing. [`escape_markup`] is the
//! one way user text enters XML, SVG or HTML output.

use std::collections::BTreeMap;

use serde::Serialize;

/// Localized text: language tag → string. Never empty once built by the map language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Text(pub BTreeMap<String, String>);

impl Text {
    /// Text in a single language.
    pub fn new(lang: &str, text: impl Into<String>) -> Text {
        let mut map = BTreeMap::new();
        map.insert(lang.to_string(), text.into());
        Text(map)
    }

    /// The text in `lang`, else in `fallback`, else the first language present.
    pub fn get<'a>(&'a self, lang: &str, fallback: &str) -> &'a str {
        self.0
            .get(lang)
            .or_else(|| self.0.get(fallback))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Every language's version.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.0.values().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(|s| s.trim().is_empty())
    }
}

/// Escapes text for XML, SVG and HTML, in element content and in quoted attribute values alike:
/// `& < > " '` become references, line breaks and tabs become numeric references (so attribute
/// values keep them), and other control characters, which XML 1.0 forbids, become U+FFFD.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_markup;

    #[test]
    fn markup_stays_text() {
        assert_eq!(
            escape_markup("<img src=x onerror=\"alert('1')\"> & 고객\n\u{1}"),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; 고객&#10;\u{FFFD}"
        );
    }
}
