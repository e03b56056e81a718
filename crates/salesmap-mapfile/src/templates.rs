//! The bundled maps: the article's extended 14-stage B2B process, in English and in Korean.
//!
//! `salesmap init` writes one of these; the demo, the docs and the tests use them. Both must
//! pass `salesmap check` with no diagnostics at all, which a test enforces.

/// One bundled map.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub name: &'static str,
    pub lang: &'static str,
    pub source: &'static str,
}

pub const TEMPLATES: [Template; 2] = [
    Template {
        name: "b2b",
        lang: "en",
        source: include_str!("../templates/b2b.en.map.toml"),
    },
    Template {
        name: "b2b",
        lang: "ko",
        source: include_str!("../templates/b2b.ko.map.toml"),
    },
];

/// The source of template `name` in `lang`, if bundled.
pub fn find(name: &str, lang: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|t| t.name == name && t.lang == lang)
        .map(|t| t.source)
}

/// The B2B template in `lang` (`en` or `ko`); English for any other language.
pub fn b2b(lang: &str) -> &'static str {
    find("b2b", lang).unwrap_or(TEMPLATES[0].source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::render_human;

    #[test]
    fn every_template_is_clean() {
        for t in TEMPLATES {
            let checked = crate::load(t.source, "template");
            assert_eq!(
                render_human(
                    t.source,
                    &format!("{}.{}", t.name, t.lang),
                    &checked.diagnostics
                ),
                "",
                "template {} ({}) has diagnostics",
                t.name,
                t.lang
            );
            let map = checked.map.expect("a clean template lowers to a map");
            assert_eq!(map.language, t.lang);
            assert_eq!(
                map.main_path().len(),
                14,
                "brand awareness … existing client on the main path"
            );
        }
    }

    #[test]
    fn templates_share_ids_and_structure() {
        let en = crate::load(b2b("en"), "en").map.unwrap();
        let ko = crate::load(b2b("ko"), "ko").map.unwrap();
        let ids =
            |m: &salesmap_core::map::Map| m.stages.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&en), ids(&ko));
        assert_eq!(en.transitions.len(), ko.transitions.len());
    }
}
