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

    /// The default pipelines of the CRMs salesmap imports, in their order: each stage's name
    /// must land on the template's main path no earlier than the one before (or on an
    /// outcome), so a deal that follows its CRM's pipeline never "moves backward".
    const PIPELINES: [(&str, &[&str]); 4] = [
        (
            "HubSpot",
            &[
                "Appointment Scheduled",
                "Qualified To Buy",
                "Presentation Scheduled",
                "Decision Maker Bought-In",
                "Contract Sent",
                "Closed Won",
            ],
        ),
        (
            "Salesforce",
            &[
                "Prospecting",
                "Qualification",
                "Needs Analysis",
                "Value Proposition",
                "Id. Decision Makers",
                "Perception Analysis",
                "Proposal/Price Quote",
                "Negotiation/Review",
                "Closed Won",
            ],
        ),
        (
            "Pipedrive",
            &[
                "Lead In",
                "Qualified",
                "Contact Made",
                "Needs Defined",
                "Demo Scheduled",
                "Proposal Made",
                "Negotiations Started",
                "Won",
            ],
        ),
        (
            "HubSpot (Korean)",
            &["미팅 예약", "제안서 발송", "계약 완료"],
        ),
    ];

    #[test]
    fn crm_default_pipelines_map_in_order() {
        let mut out = String::new();
        for lang in ["en", "ko"] {
            let map = crate::load(b2b(lang), lang).map.unwrap();
            let main = map.main_path();
            for (crm, stages) in PIPELINES {
                // The English template carries the English CRM names only.
                if lang == "en" && crm.ends_with("(Korean)") {
                    continue;
                }
                let ids: Vec<String> = stages
                    .iter()
                    .map(|name| match map.resolve_name(name) {
                        Some(ix) => map.stage(ix).id.clone(),
                        None => format!("({name}: not mapped)"),
                    })
                    .collect();
                let positions: Vec<Option<usize>> = stages
                    .iter()
                    .map(|n| {
                        map.resolve_name(n)
                            .and_then(|ix| main.iter().position(|&m| m == ix))
                    })
                    .collect();
                let in_order = positions.iter().all(Option::is_some)
                    && positions.windows(2).all(|w| w[0] <= w[1]);
                out.push_str(&format!(
                    "{lang} {crm}: {} {}\n",
                    ids.join(" → "),
                    if in_order {
                        "(in order)"
                    } else {
                        "(OUT OF ORDER)"
                    }
                ));
            }
            let lost = ["Closed Lost", "Lost"]
                .map(|n| map.resolve_name(n).map(|ix| map.stage(ix).id.clone()));
            out.push_str(&format!("{lang} lost: {lost:?}\n"));
        }
        expect_test::expect![[r#"
            en HubSpot: sales-interaction → sql → demo → verbal-agreement → verbal-agreement → contract-signed (in order)
            en Salesforce: sales-interaction → sql → discovery → demo → demo → demo → proposal → verbal-agreement → contract-signed (in order)
            en Pipedrive: mql → mql → sales-interaction → discovery → demo → proposal → verbal-agreement → contract-signed (in order)
            en lost: [Some("lost"), Some("lost")]
            ko HubSpot: sales-interaction → sql → demo → verbal-agreement → verbal-agreement → contract-signed (in order)
            ko Salesforce: sales-interaction → sql → discovery → demo → demo → demo → proposal → verbal-agreement → contract-signed (in order)
            ko Pipedrive: mql → mql → sales-interaction → discovery → demo → proposal → verbal-agreement → contract-signed (in order)
            ko HubSpot (Korean): sales-interaction → proposal → contract-signed (in order)
            ko lost: [Some("lost"), Some("lost")]
        "#]].assert_eq(&out);
    }

    #[test]
    fn the_hand_off_kpi_measures_marketing_to_sales() {
        for lang in ["en", "ko"] {
            let map = crate::load(b2b(lang), lang).map.unwrap();
            let kpi = map
                .kpis
                .iter()
                .find(|k| k.metric == salesmap_core::map::Metric::HandoffHours)
                .expect("a hand-off KPI");
            let id =
                |ix: Option<salesmap_core::map::StageIx>| ix.map(|ix| map.stage(ix).id.clone());
            assert_eq!(id(kpi.from).as_deref(), Some("mql"), "{lang}");
            assert_eq!(id(kpi.to).as_deref(), Some("sales-interaction"), "{lang}");
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
