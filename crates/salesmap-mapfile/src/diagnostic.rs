//! [`Diagnostic`]: one problem found in a map file, and its compiler-style rendering.
//!
//! A diagnostic carries a stable code (`SM005`), the rule's kebab-case name, a severity, a
//! message, the byte span it points at, a short label for the underline and a `help:` line. The
//! same diagnostics render for a terminal ([`render_human`]) and as data ([`to_json_value`]).
//! Columns count characters (1-based), and the underline is as wide as the text's display width,
//! so Korean (full-width) text is underlined correctly.

use std::ops::Range;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// A byte range in the map file's text: where a value was read from, and what a diagnostic
/// points at (empty ranges point between characters).
pub type Span = Range<usize>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem in a map file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Byte range in the source; empty ranges point between characters.
    pub span: Range<usize>,
    /// Short text printed under the underline.
    pub label: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// A 1-based line and column (in characters) of a byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Maps byte offsets to lines and columns.
pub struct LineIndex<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(source: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { source, starts }
    }

    /// Line and column of `offset`, clamped to the source and to a character boundary.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.floor(offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.source[self.starts[line]..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The text of 1-based `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let start = self.starts[line - 1];
        let end = self
            .starts
            .get(line)
            .map(|&e| e - 1)
            .unwrap_or(self.source.len());
        self.source[start..end].trim_end_matches('\r')
    }

    fn floor(&self, offset: usize) -> usize {
        let mut o = offset.min(self.source.len());
        while !self.source.is_char_boundary(o) {
            o -= 1;
        }
        o
    }
}

/// Renders diagnostics the way a compiler does: header, location, source line, underline, help.
pub fn render_human(source: &str, path: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(source);
    let mut out = String::new();
    for d in diagnostics {
        render_one(&index, path, d, &mut out);
        out.push('\n');
    }
    out
}

fn render_one(index: &LineIndex, path: &str, d: &Diagnostic, out: &mut String) {
    use std::fmt::Write;
    let start = index.position(d.span.start);
    let end = index.position(d.span.end.max(d.span.start));
    let _ = writeln!(out, "{}[{}]: {}", d.severity.name(), d.code, d.message);
    let gutter = start.line.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(out, "{pad}--> {path}:{}:{}", start.line, start.column);
    let _ = writeln!(out, "{pad} |");
    let text = index.line_text(start.line);
    let _ = writeln!(out, "{} | {}", start.line, text);
    // Underline from the start column to the end of the span (or the end of the line when the
    // span continues on later lines), measured in display columns.
    let chars: Vec<char> = text.chars().collect();
    let before: String = chars[..(start.column - 1).min(chars.len())]
        .iter()
        .collect();
    let end_col = if end.line == start.line {
        end.column
    } else {
        chars.len() + 1
    };
    let marked: String = chars[(start.column - 1).min(chars.len())..(end_col - 1).min(chars.len())]
        .iter()
        .collect();
    let width = marked.width().max(1);
    let _ = write!(
        out,
        "{pad} | {}{}",
        " ".repeat(before.width()),
        "^".repeat(width)
    );
    if d.label.is_empty() {
        out.push('\n');
    } else {
        let _ = writeln!(out, " {}", d.label);
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{pad} = help: {help}");
    }
}

/// One diagnostic as data, for `--format json`.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub file: &'a str,
    pub start: Position,
    pub end: Position,
    pub label: &'a str,
    pub help: Option<&'a str>,
}

/// Diagnostics as data, with positions resolved against `source`.
pub fn to_json<'a>(
    source: &str,
    path: &'a str,
    diagnostics: &'a [Diagnostic],
) -> Vec<JsonDiagnostic<'a>> {
    let index = LineIndex::new(source);
    diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code,
            name: d.name,
            severity: d.severity,
            message: &d.message,
            file: path,
            start: index.position(d.span.start),
            end: index.position(d.span.end),
            label: &d.label,
            help: d.help.as_deref(),
        })
        .collect()
}

/// The closing summary line: `2 errors, 1 warning` or `no problems`.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let parts: Vec<String> = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Info, "note"),
    ]
    .into_iter()
    .filter(|(s, _)| count(*s) > 0)
    .map(|(s, w)| plural(count(s), w))
    .collect();
    if parts.is_empty() {
        "no problems".to_string()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn underline_is_as_wide_as_korean_text() {
        let src = "[[stage]]\nname = \"브랜드 인지도\"\n";
        let start = src.find('"').unwrap();
        let d = Diagnostic {
            code: "SM101",
            name: "vague-stage",
            severity: Severity::Warning,
            message: "example".into(),
            span: start..start + "\"브랜드 인지도\"".len(),
            label: "here".into(),
            help: Some("be specific".into()),
        };
        expect![[r#"
            warning[SM101]: example
             --> m.toml:2:8
              |
            2 | name = "브랜드 인지도"
              |        ^^^^^^^^^^^^^^^ here
              |
              = help: be specific

        "#]]
        .assert_eq(&render_human(src, "m.toml", &[d]));
    }

    #[test]
    fn positions_clamp_inside_source() {
        let idx = LineIndex::new("ab\n가나");
        assert_eq!(idx.position(0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(3), Position { line: 2, column: 1 });
        assert_eq!(idx.position(4), Position { line: 2, column: 1 });
        assert_eq!(idx.position(6), Position { line: 2, column: 2 });
        assert_eq!(idx.position(99), Position { line: 2, column: 3 });
    }
}
