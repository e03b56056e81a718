//! [`Dictionary`]: interns field bytes to dense codes while reading, without allocating for a
//! value already seen.
//!
//! Readers hand raw CSV/XML field bytes to the collector; a value seen before costs one hash
//! lookup in the core [`Interner`]'s index (no SipHash, no second copy of the value), and
//! UTF-8 is only validated the first time a value is seen. The interner moves into the
//! history as it is when the import keeps its codes. [`Recent`] adds a one-entry cache in
//! front, because exports repeat a value on consecutive rows (a deal's id, its amount, a case
//! attribute) far more often than not.

use std::hash::{BuildHasherDefault, Hasher};

use salesmap_core::history::Interner;

/// Interned strings with codes in order of first sight.
#[derive(Clone, Debug, Default)]
pub(crate) struct Dictionary {
    names: Interner,
}

impl Dictionary {
    /// The code of `bytes`, adding it when new. Fails when new bytes are not UTF-8.
    pub(crate) fn code(&mut self, bytes: &[u8]) -> Result<u32, std::str::Utf8Error> {
        self.names.intern_utf8(bytes)
    }

    pub(crate) fn code_of_str(&mut self, name: &str) -> u32 {
        self.names.intern(name)
    }

    /// Takes in every value of `other` (see [`Interner::absorb`]); returns their codes here.
    pub(crate) fn absorb(&mut self, other: Interner) -> Vec<u32> {
        self.names.absorb(other)
    }

    /// Makes room for `additional` more values.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.names.reserve(additional);
    }

    pub(crate) fn name(&self, code: u32) -> &str {
        self.names.name(code)
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// The names as an interner, codes unchanged.
    pub(crate) fn into_interner(self) -> Interner {
        self.names
    }
}

/// A dictionary lookup with a one-entry cache of the last value.
#[derive(Clone, Debug, Default)]
pub(crate) struct Recent {
    bytes: Vec<u8>,
    code: Option<u32>,
}

impl Recent {
    pub(crate) fn code(
        &mut self,
        dict: &mut Dictionary,
        bytes: &[u8],
    ) -> Result<u32, std::str::Utf8Error> {
        if let Some(code) = self.code
            && self.bytes == bytes
        {
            return Ok(code);
        }
        let code = dict.code(bytes)?;
        self.bytes.clear();
        self.bytes.extend_from_slice(bytes);
        self.code = Some(code);
        Ok(code)
    }
}

/// FxHash-style hashing of integer keys (and byte strings, eight bytes at a time).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WordHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply only carries entropy upwards; hash tables index by the low bits, so
        // fold the high bits down (splitmix64's finalizer).
        let mut z = self.hash;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// A `HashMap`/`HashSet` hasher for integer keys built while importing.
pub(crate) type FastHash = BuildHasherDefault<WordHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_first_sight_and_reject_bad_utf8() {
        let mut dict = Dictionary::default();
        let mut recent = Recent::default();
        assert_eq!(recent.code(&mut dict, b"deal-7"), Ok(0));
        assert_eq!(recent.code(&mut dict, b"deal-7"), Ok(0));
        assert_eq!(recent.code(&mut dict, "계약".as_bytes()), Ok(1));
        assert_eq!(dict.code(b"deal-7"), Ok(0));
        assert!(dict.code(b"\xff\xfe").is_err());
        assert_eq!(dict.len(), 2);
        assert_eq!(dict.name(1), "계약");
    }
}
