//! Reads the TOML text of a map into [`MapFile`], a typed tree that keeps the span of every
//! value, and reports every syntax and shape problem as a diagnostic.
//!
//! Reading never fails and never stops at the first problem: the TOML parser recovers from
//! syntax errors, unknown keys get a "did you mean" suggestion, values of the wrong type are
//! reported and skipped, and whatever was readable is kept so later checks can still run.
//! References between stages are not resolved here; [`crate::lower`] does that.

use salesmap_core::text::Text;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::diagnostic::Diagnostic;
pub use crate::diagnostic::Span;
use crate::structure;

/// A value with the byte span it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct S<T> {
    pub value: T,
    pub span: Span,
}

impl<T> S<T> {
    pub fn new(value: T, span: Span) -> S<T> {
        S { value, span }
    }
}

/// The whole map file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapFile {
    pub map: Option<MapSection>,
    pub goal: Option<GoalDecl>,
    pub kpis: Vec<KpiDecl>,
    /// Every stage, top-level and sub-stage, in file order (sub-stages right after their parent).
    pub stages: Vec<StageDecl>,
    pub lints: Vec<LintSetting>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapSection {
    pub header: Span,
    pub name: Option<S<Text>>,
    pub language: Option<S<String>>,
    pub version: Option<S<String>>,
    pub description: Option<S<Text>>,
    pub start: Option<S<String>>,
    pub phases: Vec<S<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GoalDecl {
    pub header: Span,
    pub description: Option<S<Text>>,
    pub metric: Option<S<String>>,
    pub target: Option<S<f64>>,
    pub unit: Option<S<String>>,
    pub deadline: Option<S<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KpiDecl {
    pub header: Span,
    pub metric: Option<S<String>>,
    pub name: Option<S<Text>>,
    pub target: Option<S<f64>>,
    pub from: Option<S<String>>,
    pub to: Option<S<String>>,
    pub better: Option<S<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageDecl {
    /// The `[[stage]]` or `[[stage.substage]]` header.
    pub header: Span,
    /// Index (in [`MapFile::stages`]) of the stage holding this sub-stage.
    pub parent: Option<usize>,
    pub id: Option<S<String>>,
    pub name: Option<S<Text>>,
    pub phase: Option<S<String>>,
    pub owners: Vec<S<String>>,
    pub entry: Option<S<Text>>,
    pub what_happens: Vec<S<Text>>,
    pub exit_checklist: Vec<S<Text>>,
    /// Span of the `exit_checklist` / `what_happens` arrays, to point at a list as a whole.
    pub exit_checklist_span: Option<Span>,
    pub what_happens_span: Option<Span>,
    pub customer_value: Option<S<Text>>,
    pub target_days: Option<S<f64>>,
    pub rotten_days: Option<S<f64>>,
    pub probability: Option<S<f64>>,
    pub milestone: Option<S<String>>,
    pub outcome: Option<S<String>>,
    pub decision: Option<S<Text>>,
    pub aliases: Vec<S<String>>,
    pub next: Vec<S<String>>,
    pub branches: Vec<BranchDecl>,
    pub triggers: Vec<TriggerDecl>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BranchDecl {
    pub header: Span,
    pub to: Option<S<String>>,
    pub when: Option<S<Text>>,
    pub answer: Option<S<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TriggerDecl {
    pub header: Span,
    pub on: Option<S<String>>,
    pub action: Option<S<String>>,
    pub target: Option<S<String>>,
    pub description: Option<S<Text>>,
}

/// `[lints] rule-name = "warning"` or `rule-name = { level = "allow", reason = "…" }`.
#[derive(Clone, Debug, PartialEq)]
pub struct LintSetting {
    pub rule: S<String>,
    pub level: Option<S<String>>,
    pub reason: Option<S<String>>,
}

/// Parses `source`, returning the typed tree and every problem found on the way.
pub fn read(source: &str) -> (MapFile, Vec<Diagnostic>) {
    let (root, errors) = DeTable::parse_recoverable(source);
    let mut diags = Vec::new();
    let mut lines_with_errors = Vec::new();
    let mut errors: Vec<_> = errors
        .into_iter()
        .map(|e| (e.span().unwrap_or(0..0), e.message().to_string()))
        .collect();
    errors.sort_by_key(|(span, _)| (span.start, span.end));
    for (span, message) in errors {
        // Error recovery can cascade; one syntax error per line is what a reader can act on.
        let line = source[..span.start.min(source.len())].matches('\n').count();
        if lines_with_errors.contains(&line) {
            continue;
        }
        lines_with_errors.push(line);
        let message = if message == "duplicate key" {
            // Name the key: the span covers it.
            let key = source.get(span.clone()).unwrap_or("").trim();
            format!("duplicate key `{key}`: a key may appear once per table")
        } else {
            message
        };
        diags.push(structure::syntax_error(span, &message));
    }
    if !diags.is_empty() {
        // A file that is not valid TOML is reported as such; checking the shape of a tree the
        // parser had to guess at would only add noise.
        return (MapFile::default(), diags);
    }
    let mut reader = Reader { diags: Vec::new() };
    let file = reader.file(root.get_ref());
    (file, reader.diags)
}

struct Reader {
    diags: Vec<Diagnostic>,
}

/// The keys a table may hold, for unknown-key reports.
pub(crate) const FILE_KEYS: &[&str] = &["map", "goal", "kpi", "stage", "lints"];
pub(crate) const MAP_KEYS: &[&str] = &[
    "name",
    "language",
    "version",
    "description",
    "start",
    "phases",
];
pub(crate) const GOAL_KEYS: &[&str] = &["description", "metric", "target", "unit", "deadline"];
pub(crate) const KPI_KEYS: &[&str] = &["metric", "name", "from", "to", "target", "better"];
pub(crate) const STAGE_KEYS: &[&str] = &[
    "id",
    "name",
    "phase",
    "owners",
    "outcome",
    "entry",
    "what_happens",
    "exit_checklist",
    "customer_value",
    "target_days",
    "rotten_days",
    "probability",
    "milestone",
    "aliases",
    "decision",
    "next",
    "branch",
    "trigger",
    "substage",
];
pub(crate) const SUBSTAGE_KEYS: &[&str] = &[
    "id",
    "name",
    "owners",
    "entry",
    "what_happens",
    "exit_checklist",
    "customer_value",
    "target_days",
    "aliases",
];
pub(crate) const BRANCH_KEYS: &[&str] = &["to", "when", "answer"];
pub(crate) const TRIGGER_KEYS: &[&str] = &["on", "action", "target", "description"];

type Entry<'a, 'i> = (
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
);

impl Reader {
    fn file(&mut self, root: &DeTable) -> MapFile {
        let mut file = MapFile::default();
        for (key, value) in self.entries(root, FILE_KEYS, "the top level") {
            match key.get_ref().as_ref() {
                "map" => {
                    if let Some(t) = self.table(value, "map") {
                        file.map = Some(self.map_section(t, value.span()));
                    }
                }
                "goal" => {
                    if let Some(t) = self.table(value, "goal") {
                        file.goal = Some(self.goal(t, value.span()));
                    }
                }
                "kpi" => {
                    for (t, span) in self.array_of_tables(value, "kpi") {
                        file.kpis.push(self.kpi(t, span));
                    }
                }
                "stage" => {
                    for (t, span) in self.array_of_tables(value, "stage") {
                        self.stage(t, span, None, &mut file.stages);
                    }
                }
                "lints" => {
                    if let Some(t) = self.table(value, "lints") {
                        file.lints = self.lints(t);
                    }
                }
                _ => {}
            }
        }
        file
    }

    fn map_section(&mut self, t: &DeTable, header: Span) -> MapSection {
        let mut m = MapSection {
            header,
            ..MapSection::default()
        };
        for (key, value) in self.entries(t, MAP_KEYS, "[map]") {
            match key.get_ref().as_ref() {
                "name" => m.name = self.text(value, "name"),
                "language" => m.language = self.string(value, "language"),
                "version" => m.version = self.string(value, "version"),
                "description" => m.description = self.text(value, "description"),
                "start" => m.start = self.string(value, "start"),
                "phases" => m.phases = self.strings(value, "phases"),
                _ => {}
            }
        }
        m
    }

    fn goal(&mut self, t: &DeTable, header: Span) -> GoalDecl {
        let mut g = GoalDecl {
            header,
            description: None,
            metric: None,
            target: None,
            unit: None,
            deadline: None,
        };
        for (key, value) in self.entries(t, GOAL_KEYS, "[goal]") {
            match key.get_ref().as_ref() {
                "description" => g.description = self.text(value, "description"),
                "metric" => g.metric = self.string(value, "metric"),
                "target" => g.target = self.number(value, "target"),
                "unit" => g.unit = self.string(value, "unit"),
                "deadline" => g.deadline = self.date(value, "deadline"),
                _ => {}
            }
        }
        g
    }

    fn kpi(&mut self, t: &DeTable, header: Span) -> KpiDecl {
        let mut k = KpiDecl {
            header,
            metric: None,
            name: None,
            target: None,
            from: None,
            to: None,
            better: None,
        };
        for (key, value) in self.entries(t, KPI_KEYS, "[[kpi]]") {
            match key.get_ref().as_ref() {
                "metric" => k.metric = self.string(value, "metric"),
                "name" => k.name = self.text(value, "name"),
                "target" => k.target = self.number(value, "target"),
                "from" => k.from = self.string(value, "from"),
                "to" => k.to = self.string(value, "to"),
                "better" => k.better = self.string(value, "better"),
                _ => {}
            }
        }
        k
    }

    fn stage(
        &mut self,
        t: &DeTable,
        header: Span,
        parent: Option<usize>,
        out: &mut Vec<StageDecl>,
    ) {
        let mut s = StageDecl {
            header,
            parent,
            id: None,
            name: None,
            phase: None,
            owners: Vec::new(),
            entry: None,
            what_happens: Vec::new(),
            exit_checklist: Vec::new(),
            exit_checklist_span: None,
            what_happens_span: None,
            customer_value: None,
            target_days: None,
            rotten_days: None,
            probability: None,
            milestone: None,
            outcome: None,
            decision: None,
            aliases: Vec::new(),
            next: Vec::new(),
            branches: Vec::new(),
            triggers: Vec::new(),
        };
        let (keys, context) = if parent.is_some() {
            (SUBSTAGE_KEYS, "[[stage.substage]]")
        } else {
            (STAGE_KEYS, "[[stage]]")
        };
        let mut substages = Vec::new();
        for (key, value) in self.entries(t, keys, context) {
            match key.get_ref().as_ref() {
                "id" => s.id = self.string(value, "id"),
                "name" => s.name = self.text(value, "name"),
                "phase" => s.phase = self.string(value, "phase"),
                "owners" => s.owners = self.strings(value, "owners"),
                "entry" => s.entry = self.text(value, "entry"),
                "what_happens" => {
                    s.what_happens = self.texts(value, "what_happens");
                    s.what_happens_span = Some(value.span());
                }
                "exit_checklist" => {
                    s.exit_checklist = self.texts(value, "exit_checklist");
                    s.exit_checklist_span = Some(value.span());
                }
                "customer_value" => s.customer_value = self.text(value, "customer_value"),
                "target_days" => s.target_days = self.number(value, "target_days"),
                "rotten_days" => s.rotten_days = self.number(value, "rotten_days"),
                "probability" => s.probability = self.number(value, "probability"),
                "milestone" => s.milestone = self.string(value, "milestone"),
                "outcome" => s.outcome = self.string(value, "outcome"),
                "decision" => s.decision = self.text(value, "decision"),
                "aliases" => s.aliases = self.strings(value, "aliases"),
                "next" => s.next = self.strings(value, "next"),
                "branch" => {
                    for (bt, span) in self.array_of_tables(value, "branch") {
                        s.branches.push(self.branch(bt, span));
                    }
                }
                "trigger" => {
                    for (tt, span) in self.array_of_tables(value, "trigger") {
                        s.triggers.push(self.trigger(tt, span));
                    }
                }
                "substage" => substages = self.array_of_tables(value, "substage"),
                _ => {}
            }
        }
        let me = out.len();
        out.push(s);
        for (st, span) in substages {
            self.stage(st, span, Some(me), out);
        }
    }

    fn branch(&mut self, t: &DeTable, header: Span) -> BranchDecl {
        let mut b = BranchDecl {
            header,
            to: None,
            when: None,
            answer: None,
        };
        for (key, value) in self.entries(t, BRANCH_KEYS, "[[stage.branch]]") {
            match key.get_ref().as_ref() {
                "to" => b.to = self.string(value, "to"),
                "when" => b.when = self.text(value, "when"),
                "answer" => b.answer = self.string(value, "answer"),
                _ => {}
            }
        }
        b
    }

    fn trigger(&mut self, t: &DeTable, header: Span) -> TriggerDecl {
        let mut tr = TriggerDecl {
            header,
            on: None,
            action: None,
            target: None,
            description: None,
        };
        for (key, value) in self.entries(t, TRIGGER_KEYS, "[[stage.trigger]]") {
            match key.get_ref().as_ref() {
                "on" => tr.on = self.string(value, "on"),
                "action" => tr.action = self.string(value, "action"),
                "target" => tr.target = self.string(value, "target"),
                "description" => tr.description = self.text(value, "description"),
                _ => {}
            }
        }
        tr
    }

    fn lints(&mut self, t: &DeTable) -> Vec<LintSetting> {
        let mut out = Vec::new();
        for (key, value) in t.iter() {
            let rule = S::new(key.get_ref().to_string(), key.span());
            match value.get_ref() {
                DeValue::String(s) => out.push(LintSetting {
                    rule,
                    level: Some(S::new(s.to_string(), value.span())),
                    reason: None,
                }),
                DeValue::Table(inner) => {
                    let mut setting = LintSetting {
                        rule,
                        level: None,
                        reason: None,
                    };
                    for (k, v) in self.entries(inner, &["level", "reason"], "a [lints] entry") {
                        match k.get_ref().as_ref() {
                            "level" => setting.level = self.string(v, "level"),
                            "reason" => setting.reason = self.string(v, "reason"),
                            _ => {}
                        }
                    }
                    out.push(setting);
                }
                other => self.wrong_type(
                    value.span(),
                    key.get_ref(),
                    "a level string or a table { level, reason }",
                    other,
                ),
            }
        }
        out
    }

    /// Iterates the entries of a table, reporting keys not in `allowed`.
    fn entries<'a, 'i>(
        &mut self,
        t: &'a DeTable<'i>,
        allowed: &[&str],
        context: &str,
    ) -> Vec<Entry<'a, 'i>> {
        let mut out = Vec::new();
        for (key, value) in t.iter() {
            if allowed.contains(&key.get_ref().as_ref()) {
                out.push((key, value));
            } else {
                self.diags.push(structure::unknown_field(
                    key.span(),
                    key.get_ref(),
                    allowed,
                    context,
                ));
            }
        }
        out
    }

    fn table<'a, 'i>(
        &mut self,
        v: &'a Spanned<DeValue<'i>>,
        field: &str,
    ) -> Option<&'a DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.wrong_type(v.span(), field, "a table", other);
                None
            }
        }
    }

    fn array_of_tables<'a, 'i>(
        &mut self,
        v: &'a Spanned<DeValue<'i>>,
        field: &str,
    ) -> Vec<(&'a DeTable<'i>, Span)> {
        let Some(items) = self.array(v, field, "an array of tables (`[[...]]`)") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((t, item.span())),
                other => self.wrong_type(item.span(), field, "a table", other),
            }
        }
        out
    }

    fn array<'a, 'i>(
        &mut self,
        v: &'a Spanned<DeValue<'i>>,
        field: &str,
        expected: &str,
    ) -> Option<&'a DeArray<'i>> {
        match v.get_ref() {
            DeValue::Array(a) => Some(a),
            other => {
                self.wrong_type(v.span(), field, expected, other);
                None
            }
        }
    }

    fn string(&mut self, v: &Spanned<DeValue>, field: &str) -> Option<S<String>> {
        match v.get_ref() {
            DeValue::String(s) => Some(S::new(s.to_string(), v.span())),
            other => {
                self.wrong_type(v.span(), field, "a string", other);
                None
            }
        }
    }

    /// A date: a TOML date (`2027-12-31`) or a string holding one.
    fn date(&mut self, v: &Spanned<DeValue>, field: &str) -> Option<S<String>> {
        match v.get_ref() {
            DeValue::Datetime(d) => Some(S::new(d.to_string(), v.span())),
            DeValue::String(s) => Some(S::new(s.to_string(), v.span())),
            other => {
                self.wrong_type(v.span(), field, "a date such as 2027-12-31", other);
                None
            }
        }
    }

    /// A string, or an array of strings (`owners = "Sales"` is read as `["Sales"]`).
    fn strings(&mut self, v: &Spanned<DeValue>, field: &str) -> Vec<S<String>> {
        match v.get_ref() {
            DeValue::String(s) => vec![S::new(s.to_string(), v.span())],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| self.string(item, field))
                .collect(),
            other => {
                self.wrong_type(v.span(), field, "a string or an array of strings", other);
                Vec::new()
            }
        }
    }

    /// Text: a string in the map's language, or a table of language → string.
    fn text(&mut self, v: &Spanned<DeValue>, field: &str) -> Option<S<Text>> {
        match v.get_ref() {
            DeValue::String(s) => Some(S::new(Text::new("", s.to_string()), v.span())),
            DeValue::Table(t) => {
                let mut text = Text::default();
                for (lang, value) in t.iter() {
                    match value.get_ref() {
                        DeValue::String(s) => {
                            text.0.insert(lang.get_ref().to_string(), s.to_string());
                        }
                        other => self.wrong_type(value.span(), field, "a string", other),
                    }
                }
                Some(S::new(text, v.span()))
            }
            other => {
                self.wrong_type(
                    v.span(),
                    field,
                    "a string, or a table of language = string such as { en = \"…\", ko = \"…\" }",
                    other,
                );
                None
            }
        }
    }

    fn texts(&mut self, v: &Spanned<DeValue>, field: &str) -> Vec<S<Text>> {
        match v.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| self.text(item, field))
                .collect(),
            DeValue::String(_) | DeValue::Table(_) => self.text(v, field).into_iter().collect(),
            other => {
                self.wrong_type(v.span(), field, "an array of strings", other);
                Vec::new()
            }
        }
    }

    fn number(&mut self, v: &Spanned<DeValue>, field: &str) -> Option<S<f64>> {
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => {
                let digits = i.as_str().replace('_', "");
                i64::from_str_radix(
                    digits
                        .trim_start_matches("0x")
                        .trim_start_matches("0o")
                        .trim_start_matches("0b"),
                    i.radix(),
                )
                .ok()
                .map(|n| n as f64)
            }
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            other => {
                self.wrong_type(v.span(), field, "a number", other);
                return None;
            }
        };
        match parsed {
            Some(n) if n.is_finite() => Some(S::new(n, v.span())),
            _ => {
                self.diags.push(structure::invalid_value(
                    v.span(),
                    &format!("`{field}` is not a usable number"),
                    "write a finite number such as 14 or 0.25",
                ));
                None
            }
        }
    }

    fn wrong_type(&mut self, span: Span, field: &str, expected: &str, found: &DeValue) {
        self.diags.push(structure::wrong_type(
            span,
            field,
            expected,
            found.type_str(),
        ));
    }
}
