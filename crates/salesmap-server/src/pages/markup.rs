//! Writing HTML safely: [`esc`] escapes any text for element content and quoted attribute
//! values alike (`& < > " '` and control characters), so a deal named
//! `<img src=x onerror=alert(1)>` stays text everywhere. Pages build their HTML with `write!`
//! and pass every string that is not a literal through [`esc`]; numbers and fixed words are
//! the only unescaped interpolations. [`Href`] writes a URL path with its segments
//! percent-encoded.

use std::fmt::{self, Display, Write};

/// Text escaped for HTML (see [`esc`]).
#[derive(Clone, Copy, Debug)]
pub struct Esc<'a>(&'a str);

/// Escapes `text` for HTML element content and double- or single-quoted attribute values.
pub fn esc(text: &str) -> Esc<'_> {
    Esc(text)
}

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) =
            rest.find(|c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || (c as u32) < 0x20)
        {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or(' ');
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                '\n' => f.write_str("&#10;")?,
                '\r' => f.write_str("&#13;")?,
                '\t' => f.write_str("&#9;")?,
                _ => f.write_char('\u{FFFD}')?,
            }
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// A path segment percent-encoded (everything but unreserved characters), for URLs built
/// from ids that users chose.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a>(pub &'a str);

impl Display for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                f.write_char(b as char)?;
            } else {
                write!(f, "%{b:02X}")?;
            }
        }
        Ok(())
    }
}

/// A query string value percent-encoded (form encoding: spaces as `+`).
#[derive(Clone, Copy, Debug)]
pub struct QueryValue<'a>(pub &'a str);

impl Display for QueryValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                f.write_char(b as char)?;
            } else if b == b' ' {
                f.write_char('+')?;
            } else {
                write!(f, "%{b:02X}")?;
            }
        }
        Ok(())
    }
}

/// `selected` when `yes`, for `<option>` elements.
pub fn selected(yes: bool) -> &'static str {
    if yes { " selected" } else { "" }
}

/// `checked` when `yes`, for checkboxes.
pub fn checked(yes: bool) -> &'static str {
    if yes { " checked" } else { "" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_stays_text_in_content_and_attributes() {
        assert_eq!(
            esc("<img src=x onerror=alert(1)> & \"q\" 'a'\n").to_string(),
            "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39;&#10;"
        );
        assert_eq!(esc("한국어 \u{1}").to_string(), "한국어 \u{FFFD}");
        assert_eq!(Segment("a b/c?é").to_string(), "a%20b%2Fc%3F%C3%A9");
        assert_eq!(QueryValue("a b&c").to_string(), "a+b%26c");
    }
}
