//! The build cache's own binary files: numbers little-endian, texts and byte strings led by
//! their length. Reading tens of megabytes of JSON (the output manifest, the search terms, the
//! data files' stamps) took a rebuild of 10,000 datasets longer than the rest of its work on
//! them; these read and write at the speed of copying. A file that is cut short, foreign or
//! of another format version reads as None: the cache then only costs time.

/// Appends a 64-bit number.
pub fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

/// Appends `bytes` with their length before them.
pub fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_u64(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Appends a text with its length before it.
pub fn put_str(out: &mut Vec<u8>, text: &str) {
    put_bytes(out, text.as_bytes());
}

/// Builds a file's bytes.
#[derive(Default)]
pub struct Writer {
    /// What was written so far.
    pub bytes: Vec<u8>,
}

impl Writer {
    /// A writer whose file begins with `magic` (its format and version).
    pub fn new(magic: &[u8]) -> Writer {
        let mut w = Writer { bytes: Vec::with_capacity(1 << 16) };
        w.bytes.extend_from_slice(magic);
        w
    }

    /// Writes one byte.
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    /// Writes a 64-bit number.
    pub fn u64(&mut self, v: u64) {
        put_u64(&mut self.bytes, v);
    }

    /// Writes a length or count.
    pub fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    /// Writes a byte string.
    pub fn raw(&mut self, v: &[u8]) {
        put_bytes(&mut self.bytes, v);
    }

    /// Writes a text.
    pub fn str(&mut self, v: &str) {
        self.raw(v.as_bytes());
    }
}

/// Reads what [`Writer`] and the `put_*` functions wrote; every read is None once the bytes
/// do not hold what is asked.
pub struct Reader<'a> {
    bytes: &'a [u8],
    /// How far into the bytes given it is (the magic included).
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader of `bytes`, when they begin with `magic`.
    pub fn new(bytes: &'a [u8], magic: &[u8]) -> Option<Reader<'a>> {
        bytes.strip_prefix(magic).map(|bytes| Reader { bytes, at: magic.len() })
    }

    /// A reader of `bytes` that begin with no magic (a record inside a file).
    pub fn plain(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    /// Reads the next `n` bytes as they are (a run of values whose length the caller knows).
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        self.at += n;
        Some(head)
    }

    /// Reads one byte.
    pub fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// Reads a 64-bit number.
    pub fn u64(&mut self) -> Option<u64> {
        self.take(8)?.try_into().ok().map(u64::from_le_bytes)
    }

    /// Reads a length or count, refused when more than the bytes left could hold (a corrupt
    /// file must not make Sala reserve gigabytes).
    pub fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n <= self.bytes.len()).then_some(n)
    }

    /// Reads a byte string.
    pub fn raw(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }

    /// Reads a byte string, as where it is in the bytes the reader was given (to be shared
    /// rather than copied).
    pub fn raw_range(&mut self) -> Option<std::ops::Range<usize>> {
        let n = self.len()?;
        let start = self.at;
        self.take(n)?;
        Some(start..start + n)
    }

    /// Reads a text.
    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.raw()?).ok()
    }

    /// Reads a text, owned.
    pub fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    /// How far into the bytes given it the reader is (the magic included).
    pub fn position(&self) -> usize {
        self.at
    }

    /// How many bytes are left to read.
    pub fn left(&self) -> usize {
        self.bytes.len()
    }

    /// Whether every byte was read.
    pub fn at_end(&self) -> bool {
        self.bytes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_was_written_and_nothing_from_a_cut_or_foreign_file() {
        let mut w = Writer::new(b"test 1\n");
        w.str("ศาลา");
        w.u64(u64::MAX);
        w.u8(7);
        w.raw(&[1, 2, 3]);
        let bytes = w.bytes;
        let mut r = Reader::new(&bytes, b"test 1\n").unwrap();
        assert_eq!(r.str(), Some("ศาลา"));
        assert_eq!(r.u64(), Some(u64::MAX));
        assert_eq!(r.u8(), Some(7));
        assert_eq!(r.raw(), Some(&[1u8, 2, 3][..]));
        assert!(r.at_end());
        let mut again = Reader::new(&bytes, b"test 1\n").unwrap();
        again.str();
        again.u64();
        again.u8();
        assert_eq!(again.raw_range().map(|range| &bytes[range]), Some(&[1u8, 2, 3][..]));
        assert!(Reader::new(&bytes, b"test 2\n").is_none());
        let mut cut = Reader::new(&bytes[..bytes.len() - 2], b"test 1\n").unwrap();
        assert_eq!(cut.str(), Some("ศาลา"));
        assert_eq!(cut.u64(), Some(u64::MAX));
        assert_eq!(cut.u8(), Some(7));
        assert_eq!(cut.raw(), None);
    }
}
