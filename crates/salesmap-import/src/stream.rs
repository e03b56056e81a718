//! A file's bytes as they are read from disk, under every reader: [`Counting`] reports progress
//! as bytes arrive, and [`read_up_to`] appends the next block (long CSV) or chunk (XES) to a
//! buffer without zeroing or regrowing it.

use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;

use crate::options::Progress;

/// Appends up to `limit` bytes from `source` to `buffer`, read straight into its spare room
/// (reserved first, so the buffer is neither zeroed nor grown mid-read); returns how many were
/// read, fewer than `limit` only when the input ended. On an error the bytes read before it
/// stay in `buffer`.
pub(crate) fn read_up_to(
    source: &mut dyn Read,
    buffer: &mut Vec<u8>,
    limit: usize,
) -> io::Result<usize> {
    buffer.reserve(limit);
    source.take(limit as u64).read_to_end(buffer)
}

/// Counts bytes read from disk for the progress bar.
pub(crate) struct Counting {
    inner: File,
    read: u64,
    reported: u64,
    progress: Option<Arc<dyn Progress>>,
}

impl Counting {
    pub(crate) fn new(inner: File, progress: Option<Arc<dyn Progress>>) -> Counting {
        Counting {
            inner,
            read: 0,
            reported: 0,
            progress,
        }
    }
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if let Some(progress) = &self.progress
            && self.read - self.reported >= 1 << 20
        {
            self.reported = self.read;
            progress.advance(self.read);
        }
        Ok(n)
    }
}
