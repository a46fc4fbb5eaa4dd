//! Per-dataset pieces of the site-wide files (the catalogs and the search index), kept between
//! builds in `.sala-cache/fragments.bin` under a key of what each piece is made from. A rebuild
//! after one dataset changed makes only that dataset's pieces again and assembles the catalogs
//! and the search shards from the others as they were: serialising 10,000 datasets' entries
//! was most of those stages' time. A piece is kept only as long as a build uses it.
//!
//! The file is one blob: a header (format, Sala's key), then per piece its key, a hash of its
//! bytes and the bytes. A file that is missing, cut short, written by another Sala or with a
//! piece whose bytes do not match its hash only costs time: those pieces are made again.

use crate::load::binary::{put_bytes, put_u64, Reader};
use crate::load::cache::{FileBytes, KeyHasher};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;

/// The file of the catalogs' pieces in the cache folder.
pub const CATALOGS: &str = "fragments.bin";

/// The file of the search index's pieces: saved apart, as soon as the search stage is done,
/// so that a full build does not hold its 100 MB (at 10,000 datasets) through the catalogs.
pub const SEARCH: &str = "fragments-search.bin";

/// The first bytes of the file (its format's version).
const MAGIC: &[u8] = b"sala-fragments 1\n";

/// The pieces of the last build, and those of this one.
pub struct Store {
    /// Where they are saved; None keeps nothing (a build without cache).
    file: Option<PathBuf>,
    /// The last build's file, whole.
    bytes: FileBytes,
    /// Per key, where its piece lies in `bytes` and the hash of its bytes.
    old: HashMap<u64, (usize, usize, u64)>,
    /// Whether `bytes` are this Sala's pieces and nothing else, to the end: pieces may then be
    /// added at the end of the file instead of writing it again.
    whole: bool,
    /// The pieces this build used (taken from `old` or made), by key.
    used: Mutex<BTreeMap<u64, Option<Vec<u8>>>>,
}

impl Store {
    /// A store that keeps nothing: every piece is made.
    pub fn none() -> Store {
        Store { file: None, bytes: FileBytes::Read(Vec::new()), old: HashMap::new(), whole: false, used: Mutex::default() }
    }

    /// The pieces saved in the file `name` of the cache folder `dir` by this Sala (`sala`), if any.
    pub fn open(dir: &std::path::Path, name: &str, sala: &str) -> Store {
        let file = dir.join(name);
        let bytes = FileBytes::open(&file).unwrap_or(FileBytes::Read(Vec::new()));
        let (old, whole) = index(&bytes, sala).unwrap_or_default();
        Store { file: Some(file), bytes, old, whole, used: Mutex::default() }
    }

    /// Whether pieces are kept between builds.
    pub fn active(&self) -> bool {
        self.file.is_some()
    }

    /// The piece made from `key` (None: not kept), decoded with `decode`; else the one `make`
    /// gives, kept for the next build with `encode`.
    pub fn get_or_make<T>(
        &self,
        key: Option<u64>,
        decode: impl FnOnce(&[u8]) -> Option<T>,
        encode: impl FnOnce(&T) -> Vec<u8>,
        make: impl FnOnce() -> T,
    ) -> T {
        let Some(key) = key.filter(|_| self.active()) else { return make() };
        if let Some(&(start, end, hash)) = self.old.get(&key) {
            let bytes = &self.bytes[start..end];
            if hash_bytes(bytes) == hash {
                if let Some(found) = decode(bytes) {
                    if let Ok(mut used) = self.used.lock() {
                        used.insert(key, None);
                    }
                    return found;
                }
            }
        }
        let made = make();
        if let Ok(mut used) = self.used.lock() {
            used.insert(key, Some(encode(&made)));
        }
        made
    }

    /// The piece kept under `key` by the last build and the hash of its bytes as recorded,
    /// without reading the bytes through (see [`Store::get_or_make`] for that): enough to know
    /// whether what is made from it changed. It is kept for the next build.
    pub fn peek(&self, key: u64) -> Option<(&[u8], u64)> {
        let &(start, end, hash) = self.old.get(&key)?;
        if let Ok(mut used) = self.used.lock() {
            used.entry(key).or_insert(None);
        }
        Some((&self.bytes[start..end], hash))
    }

    /// The bytes kept under `key` by the last build (whole records such as a file's layout,
    /// not pieces made from inputs), if intact.
    pub fn raw(&self, key: u64) -> Option<&[u8]> {
        let &(start, end, hash) = self.old.get(&key)?;
        let bytes = &self.bytes[start..end];
        (hash_bytes(bytes) == hash).then_some(bytes)
    }

    /// The bytes kept under `key` by the last build, if intact, kept for the next build too.
    pub fn take_raw(&self, key: u64) -> Option<&[u8]> {
        let bytes = self.raw(key)?;
        if let Ok(mut used) = self.used.lock() {
            used.entry(key).or_insert(None);
        }
        Some(bytes)
    }

    /// Keeps the last build's bytes under `key` for the next build too; whether there were any.
    pub fn keep_raw(&self, key: u64) -> bool {
        if self.raw(key).is_none() {
            return false;
        }
        if let Ok(mut used) = self.used.lock() {
            used.entry(key).or_insert(None);
        }
        true
    }

    /// Keeps `bytes` under `key` for the next build.
    pub fn put_raw(&self, key: u64, bytes: Vec<u8>) {
        if !self.active() {
            return;
        }
        if let Ok(mut used) = self.used.lock() {
            used.insert(key, Some(bytes));
        }
    }

    /// Saves the pieces this build used (and only those) when they differ from the last
    /// build's. One that cannot be saved only costs time.
    pub fn save(self, sala: &str) {
        let Some(file) = &self.file else { return };
        let used = self.used.into_inner().unwrap_or_else(|p| p.into_inner());
        if used.values().all(Option::is_none) && used.len() == self.old.len() {
            return;
        }
        // The new pieces only, added at the end, while the file's pieces no build uses any more
        // are not more than half of it: a rebuild after one change wrote the whole file again
        // (50 MB at 10,000 datasets) for one piece. The others are dropped when it is written whole.
        let record = |len: usize| 24 + len;
        let kept: usize = used.iter().filter(|(_, made)| made.is_none()).filter_map(|(key, _)| self.old.get(key)).map(|&(start, end, _)| record(end - start)).sum();
        let added: usize = used.values().flatten().map(|b| record(b.len())).sum();
        let header = MAGIC.len() + 8 + sala.len();
        let unused = self.bytes.len().saturating_sub(header + kept);
        if self.whole && !self.bytes.is_empty() && unused <= kept + added && append(file, self.bytes.len(), &used).is_ok() {
            return;
        }
        let Some(dir) = file.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // Written beside and renamed over: a build killed meanwhile leaves the old file or the
        // new. Written as it goes, each piece dropped once written: a copy of the whole (over
        // 100 MB at 10,000 datasets) beside the pieces set the full build's peak memory.
        let Ok(tmp) = tempfile::NamedTempFile::new_in(dir) else { return };
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp);
        let mut head = MAGIC.to_vec();
        put_bytes(&mut head, sala.as_bytes());
        let mut written = std::io::Write::write_all(&mut w, &head);
        for (key, made) in used {
            if written.is_err() {
                break;
            }
            // A piece kept from the last build keeps its recorded hash: hashing every piece
            // again (50 MB at 10,000 datasets) was most of the time of saving after a rebuild.
            let (bytes, hash) = match &made {
                Some(b) => (b.as_slice(), hash_bytes(b)),
                None => match self.old.get(&key) {
                    Some(&(start, end, hash)) => (&self.bytes[start..end], hash),
                    None => continue,
                },
            };
            // What `put_bytes` would append after the key and hash, without copying the bytes.
            let mut record = Vec::with_capacity(24);
            put_u64(&mut record, key);
            put_u64(&mut record, hash);
            put_u64(&mut record, bytes.len() as u64);
            written = std::io::Write::write_all(&mut w, &record).and_then(|()| std::io::Write::write_all(&mut w, bytes));
        }
        if written.is_ok() {
            if let Ok(tmp) = w.into_inner() {
                let _ = tmp.persist(file);
            }
        }
    }
}

/// Adds the pieces made by a build (`used` with bytes) at the end of `file`, which was `len`
/// bytes long when read. A build killed meanwhile leaves a piece cut short at the end: the next
/// build keeps the pieces before it and writes the file whole.
fn append(file: &std::path::Path, len: usize, used: &BTreeMap<u64, Option<Vec<u8>>>) -> std::io::Result<()> {
    let handle = std::fs::OpenOptions::new().append(true).open(file)?;
    // The file must still be the one read (another build may have written it since).
    if handle.metadata()?.len() != len as u64 {
        return Err(std::io::Error::other("the pieces file changed since it was read"));
    }
    let mut w = std::io::BufWriter::with_capacity(1 << 20, handle);
    for (key, made) in used {
        let Some(bytes) = made else { continue };
        let mut record = Vec::with_capacity(24);
        put_u64(&mut record, *key);
        put_u64(&mut record, hash_bytes(bytes));
        put_u64(&mut record, bytes.len() as u64);
        std::io::Write::write_all(&mut w, &record)?;
        std::io::Write::write_all(&mut w, bytes)?;
    }
    std::io::Write::flush(&mut w)
}


/// Where each piece of a fragments file lies; None when the file is not this Sala's.
/// Also says whether the file held nothing else (no cut, no garbage at the end). A piece found
/// twice (added again at the end, see [`Store::save`]) is the later one.
fn index(bytes: &[u8], sala: &str) -> Option<(HashMap<u64, (usize, usize, u64)>, bool)> {
    let mut r = Reader::new(bytes, MAGIC)?;
    if r.raw()? != sala.as_bytes() {
        return None;
    }
    let mut out = HashMap::new();
    // A file cut short keeps the pieces before the cut.
    while !r.at_end() {
        let (Some(key), Some(hash)) = (r.u64(), r.u64()) else { break };
        let Some(piece) = r.raw() else { break };
        let end = bytes.len() - r.left();
        out.insert(key, (end - piece.len(), end, hash));
    }
    Some((out, r.at_end()))
}

/// A hash of a piece's bytes, to find one that changed on disk.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = KeyHasher::new();
    h.add(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::binary::put_str;

    fn encode(s: &String) -> Vec<u8> {
        let mut out = Vec::new();
        put_str(&mut out, s);
        out
    }

    fn decode(b: &[u8]) -> Option<String> {
        Reader::plain(b).string()
    }

    #[test]
    fn pieces_are_kept_between_builds_and_a_corrupt_file_only_costs_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(1), decode, encode, || "one".to_string()), "one");
        assert_eq!(store.get_or_make(Some(2), decode, encode, || "two".to_string()), "two");
        store.save("sala 1");

        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(1), decode, encode, || panic!("kept")), "one");
        store.save("sala 1");
        // A piece no build used stays while such pieces are at most half of the file…
        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(2), decode, encode, || "made".to_string()), "two");
        assert_eq!(store.get_or_make(Some(1), decode, encode, || "made".to_string()), "one");
        store.save("sala 1");
        // …and is dropped when they are more: the file is then written whole.
        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(3), decode, encode, || "three".to_string()), "three");
        store.save("sala 1");
        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(3), decode, encode, || panic!("kept")), "three");
        assert_eq!(store.get_or_make(Some(1), decode, encode, || "made".to_string()), "made");
        store.save("sala 1");
        // A piece added at the end of the file is found.
        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(1), decode, encode, || panic!("added")), "made");
        store.save("sala 1");
        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(1), decode, encode, || panic!("kept")), "made");
        assert_eq!(store.get_or_make(Some(2), decode, encode, || "two".to_string()), "two");
        store.save("sala 1");

        // Another Sala's pieces are not used.
        let store = Store::open(dir.path(), CATALOGS, "sala 2");
        assert_eq!(store.get_or_make(Some(1), decode, encode, || "new".to_string()), "new");

        // A changed byte, or a file cut short: made again.
        let file = dir.path().join(CATALOGS);
        let mut bytes = std::fs::read(&file).unwrap();
        let at = bytes.len() - 2;
        bytes[at] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(1), decode, encode, || panic!("intact")), "made");
        assert_eq!(store.get_or_make(Some(2), decode, encode, || "again".to_string()), "again");
        std::fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(2), decode, encode, || "again".to_string()), "again");
        // A file cut short (a build killed while adding pieces) is written whole again.
        store.save("sala 1");
        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(2), decode, encode, || panic!("saved")), "again");
        std::fs::write(&file, b"\x00garbage").unwrap();
        let store = Store::open(dir.path(), CATALOGS, "sala 1");
        assert_eq!(store.get_or_make(Some(1), decode, encode, || "again".to_string()), "again");
    }
}
