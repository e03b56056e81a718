//! [`Text`]: a user-written string, optionally given in several languages.
//!
//! A map file may write `name = "Demo"` (text in the map's own language) or
//! `name = { en = "Demo", ko = "데모" }`. Everything that shows a label asks for one language
//! with [`Text::get`] and falls back to the map's own language, then to any language present,
//! so a label is never empty just because one translation is missing.

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
