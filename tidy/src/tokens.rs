//! Rust source as a flat list of identifiers and punctuation, with comments, string and
//! character literals, lifetimes and numbers left out, and every item under `#[cfg(test)]`
//! removed. This is all the module graph needs: paths are runs of identifiers joined by `::`,
//! and nothing inside a comment or a string can look like one.

/// One token and the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword (`crate`, `use`, `mod`, `$crate` included).
    Ident(String),
    /// `::`
    PathSep,
    /// Any other punctuation character.
    Punct(char),
}

impl Token {
    pub fn ident(&self) -> Option<&str> {
        match &self.kind {
            Kind::Ident(name) => Some(name),
            _ => None,
        }
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }
}

/// The tokens of one file, outside `#[cfg(test)]` items.
pub fn tokenize(source: &str) -> Vec<Token> {
    without_test_items(lex(source))
}

fn lex(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        let start_line = line;
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            // Block comments nest.
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if let Some(end) = raw_string_end(&chars, i) {
            line += chars[i..end].iter().filter(|&&c| c == '\n').count();
            i = end;
        } else if c == '"' || (c == 'b' && at(i + 1) == '"') || (c == 'c' && at(i + 1) == '"') {
            i += if c == '"' { 1 } else { 2 };
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                i += 1;
            }
            i += 1;
        } else if c == '\'' || (c == 'b' && at(i + 1) == '\'') {
            let open = if c == '\'' { i } else { i + 1 };
            if at(open + 1) == '\\' {
                // An escaped character literal: `'\n'`, `'\u{1F600}'`, `b'\''`.
                i = open + 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(open + 2) == '\'' {
                i = open + 3;
            } else {
                // A lifetime or label: `'a`, `'static`.
                i = open + 1;
                while i < chars.len() && is_ident_char(chars[i]) {
                    i += 1;
                }
            }
        } else if c.is_ascii_digit() {
            while i < chars.len()
                && (is_ident_char(chars[i]) || chars[i] == '.' && at(i + 1).is_ascii_digit())
            {
                i += 1;
            }
        } else if is_ident_start(c) || (c == '$' && is_ident_start(at(i + 1))) {
            // A raw identifier (`r#type`) is the identifier itself.
            if c == 'r' && at(i + 1) == '#' && is_ident_start(at(i + 2)) {
                i += 2;
            }
            let begin = i;
            i += 1;
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            let name: String = chars[begin..i].iter().collect();
            tokens.push(Token {
                kind: Kind::Ident(name),
                line: start_line,
            });
        } else if c == ':' && at(i + 1) == ':' {
            tokens.push(Token {
                kind: Kind::PathSep,
                line: start_line,
            });
            i += 2;
        } else {
            tokens.push(Token {
                kind: Kind::Punct(c),
                line: start_line,
            });
            i += 1;
        }
    }
    tokens
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Where a raw string literal starting at `i` ends (`r"…"`, `r#"…"#`, `br##"…"##`, `cr"…"`).
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if matches!(chars.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

/// Drops every item marked `#[cfg(test)]` (a test module, a test-only `use`, function or file
/// module), together with the attributes around it.
fn without_test_items(tokens: Vec<Token>) -> Vec<Token> {
    let mut kept = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if is_cfg_test(&tokens, i) {
            i = item_end(&tokens, skip_attributes(&tokens, i));
        } else {
            kept.push(tokens[i].clone());
            i += 1;
        }
    }
    kept
}

fn is_cfg_test(tokens: &[Token], i: usize) -> bool {
    let expected = ["#", "[", "cfg", "(", "test", ")", "]"];
    expected.iter().enumerate().all(|(k, want)| {
        tokens.get(i + k).is_some_and(|t| match &t.kind {
            Kind::Ident(name) => name == want,
            Kind::Punct(c) => want.chars().eq(std::iter::once(*c)),
            Kind::PathSep => false,
        })
    })
}

/// The index after the attributes (`#[…]`, `#![…]`) that start at `i`.
fn skip_attributes(tokens: &[Token], mut i: usize) -> usize {
    while tokens.get(i).is_some_and(|t| t.is_punct('#')) {
        i += 1;
        if tokens.get(i).is_some_and(|t| t.is_punct('!')) {
            i += 1;
        }
        i = after_group(tokens, i);
    }
    i
}

/// The index after the bracketed group that opens at `i` (or `i` if none opens there).
fn after_group(tokens: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(t) = tokens.get(i) {
        match t.kind {
            Kind::Punct('(' | '[' | '{') => depth += 1,
            Kind::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ if depth == 0 => return i,
            _ => {}
        }
        i += 1;
        if depth == 0 {
            return i;
        }
    }
    i
}

/// The index after the item that starts at `i`: after its `;`, or after its body's closing
/// brace (`fn`, `mod`, `impl`, braced `struct`).
fn item_end(tokens: &[Token], mut i: usize) -> usize {
    let is_use = tokens[i..]
        .iter()
        .find(|t| {
            !matches!(t.ident(), Some("pub" | "crate" | "super" | "in"))
                && !t.is_punct('(')
                && !t.is_punct(')')
        })
        .is_some_and(|t| t.ident() == Some("use"));
    let mut depth = 0usize;
    while let Some(t) = tokens.get(i) {
        i += 1;
        match t.kind {
            Kind::Punct(';') if depth == 0 => return i,
            Kind::Punct('(' | '[' | '{') => depth += 1,
            Kind::Punct('}') if depth == 1 && !is_use => return i,
            Kind::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(source: &str) -> Vec<String> {
        tokenize(source)
            .iter()
            .map(|t| match &t.kind {
                Kind::Ident(name) => name.clone(),
                Kind::PathSep => "::".to_string(),
                Kind::Punct(c) => c.to_string(),
            })
            .collect()
    }

    #[test]
    fn comments_strings_and_lifetimes_are_not_tokens() {
        let source = r####"
            // use crate::a;
            /* use crate::b; /* nested */ use crate::c; */
            fn f<'a>(x: &'a str) -> char { let _ = "crate::d \" {"; let _ = r#"crate::e"#; '{' }
            const C: u8 = b'\'';
        "####;
        assert_eq!(
            idents(source).join(" "),
            "fn f < > ( x : & str ) - > char { let _ = ; let _ = ; } const C : u8 = ;"
        );
    }

    #[test]
    fn test_items_are_dropped_with_their_attributes() {
        let source = "
            use crate::kept;
            #[cfg(test)]
            #[allow(dead_code)]
            mod tests { use crate::gone; fn f() -> [u8; 2] { [0; 2] } }
            #[cfg(test)]
            use crate::{gone_too, also::{gone}};
            #[cfg(test)]
            mod test_support;
            fn after() {}
        ";
        assert_eq!(
            idents(source).join(" "),
            "use crate :: kept ; fn after ( ) { }"
        );
    }

    #[test]
    fn lines_count_through_comments_and_strings() {
        let tokens = tokenize("/*\n\n*/ a \"\n\" b\n// c\nd");
        let lines: Vec<_> = tokens
            .iter()
            .map(|t| (t.ident().unwrap(), t.line))
            .collect();
        assert_eq!(lines, [("a", 3), ("b", 4), ("d", 6)]);
    }
}
