//! Writing HTML safely: [`escape`] for every piece of user or data text, [`Table`], the one
//! table shape the report uses (a header row, body rows, numeric columns aligned right), and
//! [`base64`] for pictures inlined in the page.
//!
//! Text reaches the page only through [`escape`] (or [`Table`], which escapes each cell), so a
//! stage named `<img src=x onerror=alert(1)>` stays text. Markup the report writes itself
//! (pills, bars, inline charts) goes in as [`Cell::Html`], built from escaped parts.

use std::fmt::Write as _;

/// Escapes text for HTML element content and quoted attribute values.
pub use salesmap_core::text::escape_markup as escape;

/// Standard base64 (RFC 4648, with padding), for pictures inlined as `data:` URLs.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One table cell.
#[derive(Clone, Debug)]
pub enum Cell {
    /// Text, escaped when written, left aligned.
    Text(String),
    /// A number or figure, escaped, right aligned in tabular digits.
    Num(String),
    /// Markup already built from escaped parts.
    Html(String),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn num(s: impl Into<String>) -> Cell {
        Cell::Num(s.into())
    }
}

/// A table: header cells (numeric columns marked) and rows.
#[derive(Debug, Default)]
pub struct Table {
    class: String,
    header: Vec<(String, bool)>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table whose `numeric` header flags say which columns hold numbers.
    pub fn new(header: &[(&str, bool)]) -> Table {
        Table {
            class: String::new(),
            header: header.iter().map(|&(h, n)| (h.to_string(), n)).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a CSS class to the table (`wide`, `compact`).
    pub fn class(mut self, class: &str) -> Table {
        self.class = class.to_string();
        self
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn write(&self, out: &mut String) {
        let _ = write!(out, "<div class=\"scroll\"><table");
        if !self.class.is_empty() {
            let _ = write!(out, " class=\"{}\"", escape(&self.class));
        }
        out.push_str("><thead><tr>");
        for (h, numeric) in &self.header {
            let class = if *numeric { " class=\"n\"" } else { "" };
            let _ = write!(out, "<th{class}>{}</th>", escape(h));
        }
        out.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            out.push_str("<tr>");
            for cell in row {
                match cell {
                    Cell::Text(t) => {
                        let _ = write!(out, "<td>{}</td>", escape(t));
                    }
                    Cell::Num(t) => {
                        let _ = write!(out, "<td class=\"n\">{}</td>", escape(t));
                    }
                    Cell::Html(h) => {
                        let _ = write!(out, "<td>{h}</td>");
                    }
                }
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_rfc_4648_says() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<img src=x onerror=alert(1)> & "q" 'a'"#),
            "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39;"
        );
        assert_eq!(escape("데모 단계"), "데모 단계");
    }

    #[test]
    fn table_escapes_text_cells() {
        let mut t = Table::new(&[("Stage", false), ("n", true)]);
        t.row(vec![Cell::text("<b>"), Cell::num("1,234")]);
        let mut out = String::new();
        t.write(&mut out);
        assert_eq!(
            out,
            "<div class=\"scroll\"><table><thead><tr><th>Stage</th><th class=\"n\">n</th></tr></thead>\
             <tbody><tr><td>&lt;b&gt;</td><td class=\"n\">1,234</td></tr></tbody></table></div>\n"
        );
    }
}
