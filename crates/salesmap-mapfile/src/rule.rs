//! [`Rule`]: the identity and documentation of one kind of diagnostic.
//!
//! Every diagnostic salesmap reports belongs to a rule with a stable code (`SM0xx` for the
//! shape of the file, `SM1xx` for lint rules), a kebab-case name, a default severity and docs in
//! three sections (what it does, why it is bad, an example). docs/lints.md is generated from
//! these docs, and a test keeps the two identical.

use crate::diagnostic::{Diagnostic, Severity, Span};

#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Markdown: "What it does", "Why is this bad?", "Example" sections' bodies.
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    /// Whether `[lints]` may change the rule's level (syntax and shape errors are fixed).
    pub configurable: bool,
}

impl Rule {
    /// A diagnostic of this rule at its default severity.
    pub fn diag(
        &self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code: self.code,
            name: self.name,
            severity: self.severity,
            message: message.into(),
            span,
            label: label.into(),
            help: None,
        }
    }

    /// The rule's section of docs/lints.md.
    pub fn markdown(&self) -> String {
        format!(
            "## {code} `{name}`\n\n{summary}\n\nDefault level: {level}.{config}\n\n### What it does\n\n{what}\n\n### Why is this bad?\n\n{why}\n\n### Example\n\n{example}\n",
            code = self.code,
            name = self.name,
            summary = self.summary,
            level = self.severity.name(),
            config = if self.configurable {
                " Configurable in `[lints]`."
            } else {
                " Always an error."
            },
            what = self.what.trim(),
            why = self.why.trim(),
            example = self.example.trim(),
        )
    }
}

/// Edit distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate to `word`, if close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let folded = word.to_lowercase().replace(['-', ' '], "_");
    candidates
        .into_iter()
        .map(|c| {
            (
                edit_distance(&folded, &c.to_lowercase().replace(['-', ' '], "_")),
                c,
            )
        })
        .filter(|&(d, c)| d <= 2.max(c.chars().count() / 3))
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}
