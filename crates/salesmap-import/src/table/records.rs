//! [`Records`]: the CSV record reader under [`Table`](super::Table), streaming and without an
//! allocation per record or per field.
//!
//! The file is read into one reusable buffer. A line without a double quote or a lone
//! carriage return (nearly every line of an export) is split where it lies: the record's
//! fields are byte ranges into the buffer, found with `memchr`. Any other record goes through
//! a small state machine that follows RFC 4180 as the `csv` crate reads it: a field that
//! starts with `"` runs to the next lone `"` (`""` is a quote, delimiters and line breaks
//! inside are text), text after the closing quote is kept, a quote inside an unquoted field
//! is text, records end at `\n`, `\r\n` or `\r`, and empty lines are not records. Its fields
//! are unescaped into a scratch buffer. Rows may have any number of fields.

use std::io::{self, Read};

/// Initial buffer size: larger than the `BufReader` in front, so reads bypass its copy.
const START: usize = 1 << 20;

pub(crate) struct Records {
    source: Box<dyn Read>,
    delimiter: u8,
    buf: Vec<u8>,
    /// Unread bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
    eof: bool,
    /// Line number at `pos` (1-based).
    next_line: u64,
    /// Line where the current record starts.
    line: u64,
    /// Field ranges of the current record, into `buf` or, for a quoted record, `scratch`.
    fields: Vec<(usize, usize)>,
    quoted: bool,
    scratch: Vec<u8>,
    /// Every record goes through the state machine (the file ends lines with a lone `\r`).
    slow: bool,
}

impl Records {
    pub(crate) fn new(source: Box<dyn Read>, delimiter: u8) -> Records {
        Records {
            source,
            delimiter,
            buf: vec![0; START],
            pos: 0,
            end: 0,
            eof: false,
            next_line: 1,
            line: 0,
            fields: Vec::new(),
            quoted: false,
            scratch: Vec::new(),
            slow: false,
        }
    }

    /// Moves to the next record: `Ok(false)` at the end of the input.
    pub(crate) fn next_record(&mut self) -> io::Result<bool> {
        loop {
            if self.slow {
                if self.pos == self.end {
                    if self.eof {
                        return Ok(false);
                    }
                    self.refill()?;
                } else if self.quoted_record()? {
                    return Ok(true);
                }
                continue;
            }
            let window = &self.buf[self.pos..self.end];
            let len = match memchr::memchr(b'\n', window) {
                Some(len) => len,
                None if self.eof => {
                    if window.is_empty() {
                        return Ok(false);
                    }
                    window.len()
                }
                None => {
                    // A line break but no `\n` in sight: the file ends lines with `\r`.
                    let before_last = &window[..window.len().saturating_sub(1)];
                    if memchr::memchr(b'\r', before_last).is_some() {
                        self.slow = true;
                    } else {
                        self.refill()?;
                    }
                    continue;
                }
            };
            let start = self.pos;
            let mut line_end = start + len;
            if line_end > start && self.buf[line_end - 1] == b'\r' {
                line_end -= 1;
            }
            if let Some(at) = memchr::memchr2(b'"', b'\r', &self.buf[start..line_end]) {
                // Lone `\r`s end records from here on; quotes only this record.
                self.slow = self.buf[start + at] == b'\r';
                if self.quoted_record()? {
                    return Ok(true);
                }
                continue;
            }
            self.line = self.next_line;
            self.next_line += 1;
            self.pos = (start + len + 1).min(self.end);
            if line_end == start {
                continue; // an empty line is not a record
            }
            self.quoted = false;
            self.fields.clear();
            let mut field_start = start;
            for at in memchr::memchr_iter(self.delimiter, &self.buf[start..line_end]) {
                self.fields.push((field_start, start + at));
                field_start = start + at + 1;
            }
            self.fields.push((field_start, line_end));
            return Ok(true);
        }
    }

    /// Fields in the current record.
    pub(crate) fn len(&self) -> usize {
        self.fields.len()
    }

    /// Field `i` of the current record.
    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        let &(start, end) = self.fields.get(i)?;
        Some(if self.quoted {
            &self.scratch[start..end]
        } else {
            &self.buf[start..end]
        })
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.fields.len()).filter_map(|i| self.get(i))
    }

    /// The line where the current record starts (1-based).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Hands over what is not read yet: the buffered bytes, the rest of the input, whether
    /// the input has ended, and the line number at the first buffered byte.
    pub(crate) fn into_unread(self) -> (Vec<u8>, Box<dyn Read>, bool, u64) {
        let mut buf = self.buf;
        buf.truncate(self.end);
        buf.drain(..self.pos);
        (buf, self.source, self.eof, self.next_line)
    }

    /// Reads `unread` and then `source`, `unread` starting at line `line`.
    pub(crate) fn resume(
        unread: Vec<u8>,
        source: Box<dyn Read>,
        eof: bool,
        line: u64,
        delimiter: u8,
    ) -> Records {
        let end = unread.len();
        let mut records = Records::new(source, delimiter);
        if end > records.buf.len() {
            records.buf = unread;
        } else {
            records.buf[..end].copy_from_slice(&unread);
        }
        records.end = end;
        records.eof = eof;
        records.next_line = line;
        records
    }

    /// The delimiter between fields.
    pub(crate) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The line of the first byte not yet read (where reading stopped on an error).
    pub(crate) fn unread_line(&self) -> u64 {
        self.next_line
    }

    /// Reads the record at `pos` with the full state machine. `Ok(false)` when it was only an
    /// empty line (skipped). Reads more input when the record runs past the buffer.
    fn quoted_record(&mut self) -> io::Result<bool> {
        loop {
            match self.parse_quoted() {
                Some((consumed, lines, is_record)) => {
                    self.line = self.next_line;
                    self.next_line += lines;
                    self.pos += consumed;
                    return Ok(is_record);
                }
                None => self.refill()?,
            }
        }
    }

    /// Parses one record from `buf[pos..end]` into `scratch`/`fields`. Returns (bytes
    /// consumed, line breaks consumed, whether it is a record), or `None` when the input
    /// ends inside the record and more can be read.
    fn parse_quoted(&mut self) -> Option<(usize, u64, bool)> {
        #[derive(PartialEq)]
        enum State {
            FieldStart,
            Unquoted,
            Quoted,
            QuoteInQuoted,
        }
        let bytes = &self.buf[self.pos..self.end];
        self.scratch.clear();
        self.fields.clear();
        self.quoted = true;
        let mut state = State::FieldStart;
        let mut field_start = 0;
        let mut lines = 0;
        let mut i = 0;
        let mut any = false;
        while i < bytes.len() {
            let b = bytes[i];
            match state {
                State::Quoted => {
                    if b == b'"' {
                        state = State::QuoteInQuoted;
                    } else {
                        if b == b'\n' {
                            lines += 1;
                        }
                        self.scratch.push(b);
                    }
                }
                State::QuoteInQuoted if b == b'"' => {
                    self.scratch.push(b'"');
                    state = State::Quoted;
                }
                _ if b == self.delimiter => {
                    self.fields.push((field_start, self.scratch.len()));
                    field_start = self.scratch.len();
                    state = State::FieldStart;
                    any = true;
                }
                _ if b == b'\n' || b == b'\r' => {
                    let mut consumed = i + 1;
                    if b == b'\n' {
                        lines += 1;
                    } else if bytes.get(i + 1) == Some(&b'\n') {
                        consumed += 1;
                        lines += 1;
                    } else if i + 1 == bytes.len() && !self.eof {
                        return None; // a `\r` at the end of the buffer: `\n` may follow
                    }
                    if !any && self.scratch.is_empty() && state == State::FieldStart {
                        return Some((consumed, lines, false));
                    }
                    self.fields.push((field_start, self.scratch.len()));
                    return Some((consumed, lines, true));
                }
                State::FieldStart if b == b'"' => {
                    state = State::Quoted;
                    any = true;
                }
                _ => {
                    self.scratch.push(b);
                    state = State::Unquoted;
                    any = true;
                }
            }
            i += 1;
        }
        if !self.eof {
            return None;
        }
        if !any && self.scratch.is_empty() {
            return Some((bytes.len(), lines, false));
        }
        self.fields.push((field_start, self.scratch.len()));
        Some((bytes.len(), lines, true))
    }

    /// Keeps the unread bytes, moved to the front, and reads more (growing the buffer when a
    /// single record fills it). Sets `eof` at the end of the input.
    fn refill(&mut self) -> io::Result<()> {
        if self.eof {
            return Ok(());
        }
        self.buf.copy_within(self.pos..self.end, 0);
        self.end -= self.pos;
        self.pos = 0;
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.source.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as `line: field|field`, read in buffers of every size from 1 byte; the
    /// fields are checked against the `csv` crate (its line numbers skip blank lines, ours
    /// are the file's).
    fn check(input: &'static str, expect: expect_test::Expect) {
        let read = |chunk: usize| {
            let mut records = Records::new(Box::new(Chunked(input.as_bytes(), chunk)), b',');
            records.buf = vec![0; chunk.max(1)];
            let mut out = String::new();
            while records.next_record().unwrap() {
                let fields: Vec<String> = records
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                out += &format!("{}: {}\n", records.line(), fields.join("|"));
            }
            out
        };
        let whole = read(1 << 16);
        for chunk in 1..input.len().max(2) {
            assert_eq!(read(chunk), whole, "buffer of {chunk} bytes");
        }
        let mut reference = String::new();
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input.as_bytes());
        for record in csv.byte_records() {
            let record = record.unwrap();
            let fields: Vec<String> = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            reference += &format!("{}\n", fields.join("|"));
        }
        let mut ours = String::new();
        let mut records = Records::new(Box::new(Chunked(input.as_bytes(), 1 << 16)), b',');
        while records.next_record().unwrap() {
            let fields: Vec<String> = records
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            ours += &format!("{}\n", fields.join("|"));
        }
        assert_eq!(ours, reference, "differs from the csv crate");
        expect.assert_eq(&whole);
    }

    /// A reader that hands out at most `.1` bytes at a time.
    struct Chunked(&'static [u8], usize);

    impl Read for Chunked {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(out.len()).min(self.1);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn plain_lines_split_on_the_delimiter() {
        check(
            "a,b,c\n1,,3\r\n\n4,5\nlast,no newline",
            expect_test::expect![[r#"
                1: a|b|c
                2: 1||3
                4: 4|5
                5: last|no newline
            "#]],
        );
    }

    #[test]
    fn quoted_fields_hold_delimiters_quotes_and_line_breaks() {
        check(
            "id,note\n1,\"a, \"\"b\"\"\"\n2,\"two\nlines\",x\n3,in\"side\n4,\"q\"tail\n",
            expect_test::expect![[r#"
                1: id|note
                2: 1|a, "b"
                3: 2|two
                lines|x
                5: 3|in"side
                6: 4|qtail
            "#]],
        );
    }

    #[test]
    fn carriage_returns_end_records() {
        check(
            "a,b\rc,d\r\n\r\ne,\"f\ng\"\r",
            expect_test::expect![[r#"
                1: a|b
                1: c|d
                3: e|f
                g
            "#]],
        );
    }

    #[test]
    fn empty_input_and_lone_fields() {
        check("", expect_test::expect![[""]]);
        check(
            ",\n\"\"\n",
            expect_test::expect![[r#"
                1: |
                2: 
            "#]],
        );
    }
}
