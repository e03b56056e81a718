//! `salesmap fmt`: rewrites a map into canonical layout without losing comments.
//!
//! Canonical layout: sections in the order `[map]`, `[goal]`, `[[kpi]]`, `[[stage]]`, `[lints]`;
//! each stage's keys in the documented order, followed by its branches, triggers and
//! sub-stages; `key = value` with single spaces; one blank line before each table; short
//! string lists on one line, long ones one item per line with a trailing comma. Comments stay
//! attached to the key or table they precede. Formatting works on the lossless `toml_edit`
//! tree, so values are never re-encoded, only re-spaced and re-ordered, and formatting is
//! idempotent.

use toml_edit::{Array, DocumentMut, Item, RawString, Table, Value};
use unicode_width::UnicodeWidthStr;

use crate::syntax;

/// Lines wider than this (in display columns: Hangul counts two) are split into one array item
/// per line.
const MAX_LINE: usize = 100;

/// Formats `source`. A file that is not valid TOML is returned as an error message; run
/// `check` to see every problem with its location.
pub fn format(source: &str) -> Result<String, String> {
    let mut doc: DocumentMut = source
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let mut position = 0isize;
    let root = doc.as_table_mut();
    root.sort_values_by(|a, _, b, _| {
        rank(syntax::FILE_KEYS, a.get()).cmp(&rank(syntax::FILE_KEYS, b.get()))
    });
    let keys: Vec<String> = root.iter().map(|(k, _)| k.to_string()).collect();
    for key in keys {
        let schema = match key.as_str() {
            "map" => Schema::Keys(syntax::MAP_KEYS),
            "goal" => Schema::Keys(syntax::GOAL_KEYS),
            "kpi" => Schema::Keys(syntax::KPI_KEYS),
            "stage" => Schema::Keys(syntax::STAGE_KEYS),
            _ => Schema::Free,
        };
        if let Some(item) = root.get_mut(&key) {
            format_item(item, &key, schema, &mut position);
        }
    }
    normalize_value_decors(root);
    let mut out = doc.to_string();
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

#[derive(Clone, Copy)]
enum Schema {
    Keys(&'static [&'static str]),
    Free,
}

fn rank(order: &[&str], key: &str) -> usize {
    order.iter().position(|k| *k == key).unwrap_or(order.len())
}

fn format_item(item: &mut Item, key: &str, schema: Schema, position: &mut isize) {
    match item {
        Item::Table(t) => format_table(t, key, schema, position),
        Item::ArrayOfTables(tables) => {
            for t in tables.iter_mut() {
                format_table(t, key, schema, position);
            }
        }
        _ => {}
    }
}

fn format_table(table: &mut Table, key: &str, schema: Schema, position: &mut isize) {
    if !table.is_implicit() {
        table.set_position(Some(*position));
        let first = *position == 0;
        *position += 1;
        let prefix = comment_block(
            table
                .decor()
                .prefix()
                .and_then(RawString::as_str)
                .unwrap_or(""),
        );
        let prefix = if first { prefix } else { format!("\n{prefix}") };
        table.decor_mut().set_prefix(prefix);
    }
    let order: &[&str] = match schema {
        Schema::Keys(keys) => keys,
        Schema::Free => &[],
    };
    if !order.is_empty() {
        table.sort_values_by(|a, _, b, _| rank(order, a.get()).cmp(&rank(order, b.get())));
    }
    let children: Vec<String> = table
        .iter()
        .filter(|(_, v)| v.is_table() || v.is_array_of_tables())
        .map(|(k, _)| k.to_string())
        .collect();
    for child in children {
        let child_schema = match (key, child.as_str()) {
            ("stage", "branch") => Schema::Keys(syntax::BRANCH_KEYS),
            ("stage", "trigger") => Schema::Keys(syntax::TRIGGER_KEYS),
            ("stage", "substage") => Schema::Keys(syntax::SUBSTAGE_KEYS),
            _ => Schema::Free,
        };
        if let Some(item) = table.get_mut(&child) {
            format_item(item, &child, child_schema, position);
        }
    }
}

/// Re-spaces `key = value` pairs and arrays in every table, recursively.
fn normalize_value_decors(table: &mut Table) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    for key in &keys {
        let is_value = table.get(key).is_some_and(Item::is_value);
        if is_value && let Some(mut k) = table.key_mut(key) {
            let prefix = comment_block(
                k.leaf_decor()
                    .prefix()
                    .and_then(RawString::as_str)
                    .unwrap_or(""),
            );
            k.leaf_decor_mut().set_prefix(prefix);
            k.leaf_decor_mut().set_suffix(" ");
        }
        let key_len = key.width();
        match table.get_mut(key) {
            Some(Item::Value(v)) => {
                v.decor_mut().set_prefix(" ");
                let suffix =
                    trailing_comment(v.decor().suffix().and_then(RawString::as_str).unwrap_or(""));
                v.decor_mut().set_suffix(suffix);
                match v {
                    Value::Array(a) => layout_array(a, key_len),
                    Value::InlineTable(t) => t.fmt(),
                    _ => {}
                }
            }
            Some(Item::Table(t)) => normalize_value_decors(t),
            Some(Item::ArrayOfTables(ts)) => {
                for t in ts.iter_mut() {
                    normalize_value_decors(t);
                }
            }
            _ => {}
        }
    }
}

/// One line when it fits, else one item per line; arrays holding comments are left alone.
fn layout_array(a: &mut Array, key_len: usize) {
    let has_comment = a.iter().any(|v| {
        [v.decor().prefix(), v.decor().suffix()].iter().any(|d| {
            d.and_then(RawString::as_str)
                .is_some_and(|s| s.contains('#'))
        })
    }) || a.trailing().as_str().is_some_and(|s| s.contains('#'));
    if has_comment {
        return;
    }
    for v in a.iter_mut() {
        v.decor_mut().set_prefix("");
        v.decor_mut().set_suffix("");
        if let Value::InlineTable(t) = v {
            t.fmt();
        }
    }
    let inline_len: usize =
        a.iter().map(|v| v.to_string().width() + 2).sum::<usize>() + key_len + 4;
    if inline_len <= MAX_LINE || a.len() <= 1 {
        for (i, v) in a.iter_mut().enumerate() {
            v.decor_mut().set_prefix(if i == 0 { "" } else { " " });
        }
        a.set_trailing("");
        a.set_trailing_comma(false);
    } else {
        for v in a.iter_mut() {
            v.decor_mut().set_prefix("\n  ");
        }
        a.set_trailing("\n");
        a.set_trailing_comma(true);
    }
}

/// Keeps the comment lines of a decor prefix, one per line without indentation; blank lines
/// between or after comments collapse to one, blank lines before them are dropped.
fn comment_block(raw: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in raw.lines().map(str::trim) {
        if line.starts_with('#') {
            if blank && !out.is_empty() {
                out.push('\n');
            }
            blank = false;
            out.push_str(line);
            out.push('\n');
        } else if line.is_empty() {
            blank = true;
        }
    }
    if blank && !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Keeps a trailing `# comment` after a value or header, with one space before it.
fn trailing_comment(raw: &str) -> String {
    match raw.find('#') {
        Some(i) => format!(" {}", raw[i..].trim_end()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::format;
    use crate::templates::TEMPLATES;
    use expect_test::expect;

    #[test]
    fn reorders_respaces_and_keeps_comments() {
        let src = r#"# Our process
[[stage]]
next="demo"   # main path
# the stable id
id   =  "sql"
exit_checklist = [ "Budget confirmed by the economic buyer" ,"Discovery meeting booked with the budget owner present", "Timeline agreed" ]
[[stage.branch]]
when = "No budget"
to = "nurture"

[map]
start = "sql"
name = "Demo map"
"#;
        let out = format(src).unwrap();
        expect![[r#"
            [map]
            name = "Demo map"
            start = "sql"

            # Our process
            [[stage]]
            # the stable id
            id = "sql"
            exit_checklist = [
              "Budget confirmed by the economic buyer",
              "Discovery meeting booked with the budget owner present",
              "Timeline agreed",
            ]
            next = "demo" # main path

            [[stage.branch]]
            to = "nurture"
            when = "No budget"
        "#]]
        .assert_eq(&out);
        assert_eq!(format(&out).unwrap(), out, "formatting is idempotent");
    }

    #[test]
    fn templates_are_already_formatted() {
        for t in TEMPLATES {
            assert_eq!(
                format(t.source).unwrap(),
                t.source,
                "template {} {}",
                t.name,
                t.lang
            );
        }
    }

    #[test]
    fn invalid_toml_is_refused() {
        assert!(format("[[stage]\nid = 1").is_err());
    }
}
