//! The build cache: what one build leaves for the next so that a rebuild after a small change
//! redoes only what depends on it. It lives in `.sala-cache/` in the portal folder (git ignores
//! it: `sala init` writes the rule) and survives between runs of `sala build` and `sala serve`
//! (`sala check` neither reads nor writes it):
//!
//! - `state.bin`: the key of this Sala (its version and its binary), and per output folder the
//!   manifest of the last build: each file's path, the key of the inputs it was rendered from,
//!   and its size and modification time, which tell whether the file is still the one written;
//! - `fragments.bin`, `fragments-search.bin`: each dataset's pieces of the catalogs and of the
//!   search index (see `render::fragments`);
//! - `summaries.bin`: each dataset's summary key, by a key of its inputs (see `render::keys`);
//! - `files.bin`: per data file, its size, modification time and a hash of its bytes, so that
//!   a rebuild does not read or hash again a file whose size and time did not change (as git,
//!   make and cargo decide);
//! - `checked/` and `checked.bin`: per checked table (by
//!   [`crate::load::ResourceSource::check_key`]), the typed table (in `checked/`, see
//!   [`crate::load::table_file`]) and, in the one index file, its diagnostics, rows and fiscal
//!   years, so that a rebuild neither reads nor checks again a table whose data and schema did
//!   not change: a rebuild reads the file only of the tables something needs the rows of
//!   (outputs made again, the agency registry, role datasets, foreign keys; see
//!   [`crate::model::Table`]), and one that does not read back then has its data file read
//!   and checked again.
//!
//! A rebuild computes each output file's key again (for an HTML page, a hash of its template
//! and everything the template is given; for a dataset's downloads, a hash of its metadata,
//! schemas, data bytes and the site settings they show) and takes the files whose key did not
//! change from the last output, rendering only the rest. The files rendered are written into a
//! patch folder beside the output and committed into it only once everything rendered (see
//! [`crate::write::patch`]); a first or full build still writes a whole new site beside the
//! output and swaps it in. A deleted, corrupt or foreign cache only costs time: whatever
//! cannot be read or does not match is rebuilt.

use crate::diagnostic::{Diagnostic, Report};
use crate::error::{Error, Result};
use crate::load::binary::{Reader, Writer};
use crate::load::table::RawTable;
use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Mutex;

/// The cache folder's name, in the portal folder.
pub const DIR: &str = ".sala-cache";

/// The file holding the cache's state.
const STATE: &str = "state.bin";

/// The changes rebuilds made to the manifests of `state.bin` since it was written (see
/// [`StateLog`]).
const STATE_LOG: &str = "state.log";

/// The file holding the data files' sizes, times and hashes.
const FILES: &str = "files.bin";

/// The files older Sala versions kept (in JSON, and the search terms, which cutting Thai with
/// the dictionary no longer needs kept): deleted when the cache is saved.
const OLD_FILES: &[&str] = &["state.json", "terms.json", "files.json", "terms.bin"];

/// The folder holding the checked tables.
const CHECKED: &str = "checked";

/// The file indexing the checked tables.
const CHECKED_INDEX: &str = "checked.bin";

/// The file holding the parsed metadata and schema files.
const PARSED: &str = "parsed.bin";

/// A dataset's metadata files as parsed: what the cache keeps so that a rebuild parses again
/// only the `dataset.toml` (or `datapackage.json`) files that changed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParsedMeta {
    /// The metadata; None when it cannot be used.
    pub meta: Option<crate::load::dataset::DatasetMeta>,
    /// The problems found in it.
    pub diagnostics: Vec<Diagnostic>,
    /// Per resource, the hash of its inline schema as JSON (0 for a schema in a file).
    pub schema_keys: Vec<u64>,
}

/// A `schema.json` as parsed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParsedSchema {
    /// The schema; None when it cannot be used.
    pub schema: Option<crate::load::schema::Schema>,
    /// Why it cannot be.
    pub diagnostic: Option<Diagnostic>,
    /// Its hash as JSON.
    pub key: u64,
}

/// The parses of one kind of file the last builds made, by the file's path: kept encoded
/// (MessagePack) as read from `parsed.bin`, decoded when first used (`serve` then keeps the
/// decoded parse in memory for its next rebuilds).
struct Parses<T> {
    entries: FxHashMap<String, Parse<T>>,
    /// The paths this build asked for (the others belong to files gone, and are dropped).
    used: FxHashSet<String>,
    /// The entries added or changed since the file was read or saved.
    changed: FxHashSet<String>,
}

impl<T> Default for Parses<T> {
    fn default() -> Self {
        Parses { entries: FxHashMap::default(), used: FxHashSet::default(), changed: FxHashSet::default() }
    }
}

struct Parse<T> {
    /// Per file parsed, its size and modification time (ns) when it was read.
    stamps: Vec<(u64, u64)>,
    /// A hash of the files' bytes.
    hash: u64,
    /// The parse, encoded.
    bytes: Encoded,
    /// The parse, once decoded.
    value: std::sync::Arc<std::sync::OnceLock<Option<T>>>,
}

impl<T> Clone for Parse<T> {
    fn clone(&self) -> Self {
        Parse { stamps: self.stamps.clone(), hash: self.hash, bytes: self.bytes.clone(), value: self.value.clone() }
    }
}

impl<T: Clone + Serialize + serde::de::DeserializeOwned> Parse<T> {
    /// The parse; kept decoded for the next build when `keep` (`serve`), else decoded anew
    /// (a build uses each once: keeping it would only add a copy).
    fn get(&self, keep: bool) -> Option<T> {
        match self.value.get() {
            Some(value) => value.clone(),
            None if keep => self.value.get_or_init(|| rmp_serde::from_slice(self.bytes.get()).ok()).clone(),
            None => rmp_serde::from_slice(self.bytes.get()).ok(),
        }
    }

    /// `value` encoded, when it decodes to the same value (as encoding it again shows: the
    /// encoding writes every field, so a value that came back changed encodes differently): a
    /// type the encoding would change is never cached, only parsed each time. (Comparing the
    /// two as JSON was a tenth of a full build's metadata parsing.)
    fn encode(value: &T) -> Option<Vec<u8>> {
        let bytes = rmp_serde::to_vec_named(value).ok()?;
        let back: T = rmp_serde::from_slice(&bytes).ok()?;
        (rmp_serde::to_vec_named(&back).ok()? == bytes).then_some(bytes)
    }
}

/// The parse of the files at `key` (their `stamps` now), from `store` when the files did not
/// change: by their sizes and times when those are older than the last build's start
/// (`since`), else by a hash of their bytes (`read`). Otherwise `parse`d and kept. With it,
/// the hash of the files' bytes (None when they could not be read).
fn parsed<T: Clone + Serialize + serde::de::DeserializeOwned>(
    store: &Mutex<Parses<T>>,
    (since, keep): (u128, bool),
    key: &Path,
    stamps: &[(u64, u64)],
    read: impl FnOnce() -> Option<Vec<Vec<u8>>>,
    parse: impl FnOnce(Option<&[Vec<u8>]>) -> T,
) -> (T, Option<u64>) {
    let id = key.to_string_lossy();
    let known = store.lock().ok().and_then(|mut s| {
        s.used.insert(id.to_string());
        s.entries.get(id.as_ref()).cloned()
    });
    // (A file that is not there has (0, 0).)
    let settled = stamps.iter().all(|&(size, modified)| (size, modified) == (0, 0) || settled(modified, since));
    if let Some(known) = known.as_ref().filter(|k| settled && k.stamps == stamps) {
        if let Some(value) = known.get(keep) {
            return (value, Some(known.hash));
        }
    }
    let Some(texts) = read() else { return (parse(None), None) };
    let mut h = KeyHasher::new();
    h.add(&texts);
    let hash = h.finish();
    if let Some(known) = known.filter(|k| k.hash == hash) {
        if let Some(value) = known.get(keep) {
            if known.stamps != stamps {
                if let Ok(mut s) = store.lock() {
                    s.entries.insert(id.to_string(), Parse { stamps: stamps.to_vec(), ..known });
                    s.changed.insert(id.to_string());
                }
            }
            return (value, Some(hash));
        }
    }
    let value = parse(Some(&texts));
    keep_parse(store, &id, stamps.to_vec(), hash, &value, keep);
    (value, Some(hash))
}

/// Keeps `value` in `store` under `id` (with the files' `stamps` and `hash`) for the next
/// builds, decoded too when `keep` (`serve`); a value the encoding would change is not kept.
fn keep_parse<T: Clone + Serialize + serde::de::DeserializeOwned>(store: &Mutex<Parses<T>>, id: &str, stamps: Vec<(u64, u64)>, hash: u64, value: &T, keep: bool) {
    let Some(bytes) = Parse::encode(value) else { return };
    let decoded = if keep { std::sync::OnceLock::from(Some(value.clone())) } else { std::sync::OnceLock::new() };
    let entry = Parse { stamps, hash, bytes: Encoded::whole(bytes), value: std::sync::Arc::new(decoded) };
    if let Ok(mut s) = store.lock() {
        s.entries.insert(id.to_string(), entry);
        s.changed.insert(id.to_string());
    }
}

const PARSED_MAGIC: &[u8] = b"sala parsed 3\n";

/// `parsed.log`: the parses a rebuild changed, appended to it instead of `parsed.bin` being
/// written again (29 MB at 10,000 datasets for one `dataset.toml` changed, a seventh of such a
/// rebuild's CPU). Each record names the `parsed.bin` it adds to (by the number in its
/// header); one cut short ends the log, and the log is folded into a new `parsed.bin` once it
/// passes an eighth of its size. Either only costs time.
const PARSED_LOG: &str = "parsed.log";

const PARSED_LOG_MAGIC: &[u8] = b"sala parsed log 1\n";

/// A parse as encoded: a part of the `parsed.bin` read (not copied out of it: 29 MB at
/// 10,000 datasets, copied into 10,000 allocations in every rebuild), or its own bytes.
#[derive(Clone)]
struct Encoded {
    file: std::sync::Arc<FileBytes>,
    range: std::ops::Range<usize>,
}

impl Encoded {
    fn whole(bytes: Vec<u8>) -> Encoded {
        Encoded { range: 0..bytes.len(), file: std::sync::Arc::new(FileBytes::Read(bytes)) }
    }

    fn get(&self) -> &[u8] {
        self.file.get(self.range.clone()).unwrap_or_default()
    }
}

/// Writes the parse `e` of the files at `path` (as [`read_parse`] reads it).
fn put_parse<T>(w: &mut Writer, path: &str, e: &Parse<T>) {
    w.str(path);
    w.len(e.stamps.len());
    for &(size, modified) in &e.stamps {
        w.u64(size);
        w.u64(modified);
    }
    w.u64(e.hash);
    w.raw(e.bytes.get());
}

/// Writes the `changed` parses of the `store`-th kind (see [`apply_parsed_log`]).
fn put_changed<T>(w: &mut Writer, store: u8, changed: &[(&str, &Parse<T>)]) {
    for (path, e) in changed {
        w.u8(store);
        put_parse(w, path, e);
    }
}

/// Reads a parse [`put_parse`] wrote, its bytes left in `file`, where `r` reads from `start`.
fn read_parse<T>(r: &mut Reader, file: &std::sync::Arc<FileBytes>, start: usize) -> Option<(String, Parse<T>)> {
    let path = r.string()?;
    let stamps = (0..r.len()?).map(|_| Some((r.u64()?, r.u64()?))).collect::<Option<Vec<_>>>()?;
    let hash = r.u64()?;
    let range = r.raw_range()?;
    let bytes = Encoded { file: file.clone(), range: start + range.start..start + range.end };
    Some((path, Parse { stamps, hash, bytes, value: std::sync::Arc::default() }))
}

impl<T> Parses<T> {
    fn write(&self, w: &mut Writer) {
        w.len(self.entries.len());
        for (path, e) in &self.entries {
            put_parse(w, path, e);
        }
    }

    /// The parses `r` reads from `file` (the whole file, which the entries share).
    fn read(r: &mut Reader, file: &std::sync::Arc<FileBytes>) -> Option<Parses<T>> {
        let n = r.len()?;
        let mut entries = FxHashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let (path, parse) = read_parse(r, file, 0)?;
            entries.insert(path, parse);
        }
        Some(Parses { entries, used: FxHashSet::default(), changed: FxHashSet::default() })
    }

    /// Drops the entries this build did not ask for.
    fn forget_unused(&mut self) {
        let used = std::mem::take(&mut self.used);
        self.entries.retain(|k, _| used.contains(k));
        self.changed.retain(|k| used.contains(k));
    }

    /// The entries changed since the last save (see [`PARSED_LOG`]).
    fn changed(&self) -> Vec<(&str, &Parse<T>)> {
        self.changed.iter().filter_map(|path| Some((path.as_str(), self.entries.get(path)?))).collect()
    }
}

/// The parses of `parsed.bin` and the records of `parsed.log` that add to it: metadata,
/// schema files, metadata scans.
type AllParses = (Parses<ParsedMeta>, Parses<ParsedSchema>, Parses<crate::validate::personal::Scanned>);

/// Where the parses on disk stand: the number of the `parsed.bin` read (0: none), its size,
/// and the bytes of `parsed.log` applied to it.
#[derive(Debug, Default, Clone, Copy)]
struct ParsedOnDisk {
    base: u64,
    size: u64,
    logged: u64,
}

/// Reads `parsed.bin` and `parsed.log` of the cache folder `dir`, written by `sala`.
fn read_parsed(dir: &Path, sala: &str) -> Option<(AllParses, ParsedOnDisk)> {
    let bytes = std::sync::Arc::new(read_file(&dir.join(PARSED))?);
    let mut r = Reader::new(&bytes, PARSED_MAGIC)?;
    (r.str()? == sala).then_some(())?;
    let base = r.u64()?;
    let mut parses = (Parses::read(&mut r, &bytes)?, Parses::read(&mut r, &bytes)?, Parses::read(&mut r, &bytes)?);
    r.at_end().then_some(())?;
    let mut on_disk = ParsedOnDisk { base, size: bytes.len() as u64, logged: 0 };
    if let Some(log) = read_file(&dir.join(PARSED_LOG)) {
        on_disk.logged = apply_parsed_log(std::sync::Arc::new(log), base, &mut parses);
    }
    Some((parses, on_disk))
}

/// Applies the whole records of `log` that add to the `parsed.bin` numbered `base`; how many
/// bytes of the log (its magic and whole records) were read.
fn apply_parsed_log(log: std::sync::Arc<FileBytes>, base: u64, parses: &mut AllParses) -> u64 {
    read_records(&log, PARSED_LOG_MAGIC, |start, payload| {
        let mut p = Reader::plain(payload);
        if p.u64()? != base {
            return Some(());
        }
        // Read whole before any is applied: a record that does not read to its end adds nothing.
        let (mut metas, mut schemas, mut scans) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..p.len()? {
            match p.u8()? {
                0 => metas.push(read_parse(&mut p, &log, start)?),
                1 => schemas.push(read_parse(&mut p, &log, start)?),
                _ => scans.push(read_parse(&mut p, &log, start)?),
            }
        }
        p.at_end().then_some(())?;
        parses.0.entries.extend(metas);
        parses.1.entries.extend(schemas);
        parses.2.entries.extend(scans);
        Some(())
    })
}

/// What `files.bin` holds: the key of the Sala that wrote it; when the build that wrote it
/// began to look at files (ns since 1970: a file modified since may have changed again within
/// the same tick of the clock without its time moving, so its hash is not trusted, "racily
/// clean" as git calls it); and per data file (absolute path), what was seen.
struct Stamps {
    since: u128,
    files: FxHashMap<String, Stamp>,
}

const STAMPS_MAGIC: &[u8] = b"sala files 1\n";

impl Stamps {
    fn encode(sala: &str, since: u128, files: &FxHashMap<String, Stamp>) -> Vec<u8> {
        let mut w = Writer::new(STAMPS_MAGIC);
        w.str(sala);
        w.u64(u64::try_from(since).unwrap_or(u64::MAX));
        w.len(files.len());
        for (path, s) in files {
            w.str(path);
            w.u64(s.size);
            w.u64(s.modified);
            w.u64(s.hash);
        }
        w.bytes
    }

    fn decode(bytes: &[u8], sala: &str) -> Option<Stamps> {
        let mut r = Reader::new(bytes, STAMPS_MAGIC)?;
        if r.str()? != sala {
            return None;
        }
        let since = u128::from(r.u64()?);
        let n = r.len()?;
        let mut files = FxHashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let path = r.string()?;
            files.insert(path, Stamp { size: r.u64()?, modified: r.u64()?, hash: r.u64()? });
        }
        r.at_end().then_some(Stamps { since, files })
    }
}

/// One data file as a build saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    size: u64,
    /// Modification time, ns since 1970.
    modified: u64,
    /// A hash of its bytes.
    hash: u64,
}

/// What the index of checked tables (`checked.bin`) holds of one table besides its file
/// in `checked/`: read once per build, not one file per table (15,000 files at 10,000 datasets).
#[derive(Debug)]
struct CheckedEntry {
    /// How many data rows the file had.
    rows: usize,
    /// The table's columns and their types, as Polars names them (checked against the table
    /// read back, so that a round trip that changed a type is never used); None when
    /// the check kept no table.
    columns: Option<Columns>,
    /// The check's diagnostics, placed in their files and sheets.
    report: Report,
    /// The distinct fiscal years the table holds ([`crate::model::table::fiscal_year_values`]),
    /// which lists and catalogs show without reading it.
    years: BTreeSet<i64>,
}

impl CheckedEntry {
    /// The entry as the index keeps it (the report as JSON, which its types are made for).
    fn encode(&self) -> Option<Vec<u8>> {
        let mut w = Writer::default();
        w.u64(self.rows as u64);
        match &self.columns {
            None => w.u8(0),
            Some(columns) => {
                w.u8(1);
                w.bytes.extend_from_slice(&columns.0);
            }
        }
        w.len(self.years.len());
        for &y in &self.years {
            w.u64(y as u64);
        }
        w.raw(&serde_json::to_vec(&self.report).ok()?);
        Some(w.bytes)
    }

    fn decode(bytes: &[u8]) -> Option<CheckedEntry> {
        let mut r = Reader::plain(bytes);
        let rows = usize::try_from(r.u64()?).ok()?;
        let columns = match r.u8()? {
            0 => None,
            1 => {
                let start = r.position();
                for _ in 0..r.len()? {
                    r.raw()?;
                    r.raw()?;
                }
                Some(Columns(bytes.get(start..r.position())?.into()))
            }
            _ => return None,
        };
        let years = (0..r.len()?).map(|_| r.u64().map(|y| y as i64)).collect::<Option<BTreeSet<_>>>()?;
        let report = serde_json::from_slice(r.raw()?).ok()?;
        r.at_end().then_some(CheckedEntry { rows, columns, report, years })
    }
}

/// A checked table's columns and their types as the index keeps them (their count, then each
/// name and type), decoded only when the table is read: a rebuild of 10,000 datasets otherwise
/// made some 200,000 texts of them that nothing looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Columns(Box<[u8]>);

impl Columns {
    fn of(columns: &[(String, String)]) -> Columns {
        let mut w = Writer::default();
        w.len(columns.len());
        for (name, kind) in columns {
            w.str(name);
            w.str(kind);
        }
        Columns(w.bytes.into())
    }

    /// Whether they are `columns`.
    fn are(&self, columns: &[(String, String)]) -> bool {
        let mut r = Reader::plain(&self.0);
        r.len() == Some(columns.len()) && columns.iter().all(|(name, kind)| r.str() == Some(name.as_str()) && r.str() == Some(kind.as_str())) && r.at_end()
    }
}

/// The index of the checked tables in `checked/`: per key ([`super::ResourceSource::check_key`]),
/// its [`CheckedEntry`] encoded.
#[derive(Default)]
struct CheckedIndex {
    entries: FxHashMap<u64, Box<[u8]>>,
    /// Whether it was read from the cache folder (else `checked/` may hold tables no index
    /// names, which the end of the build deletes).
    loaded: bool,
    /// Whether `checked/` was changed by anything but the builds that saved this index (a
    /// build killed after writing tables): its strays are then looked for and deleted.
    foreign: bool,
    /// Whether an entry was added since it was read or saved.
    dirty: bool,
}

const CHECKED_MAGIC: &[u8] = b"sala checked 1\n";

impl CheckedIndex {
    /// The index saved in `dir` by this Sala (`sala`), and whether `checked/` is still as
    /// that build left it (by its modification time).
    fn open(dir: &Path, sala: &str) -> CheckedIndex {
        let read = || -> Option<(u64, FxHashMap<u64, Box<[u8]>>)> {
            let bytes = read_file(&dir.join(CHECKED_INDEX))?;
            let mut r = Reader::new(&bytes, CHECKED_MAGIC)?;
            (r.str()? == sala).then_some(())?;
            let modified = r.u64()?;
            let n = r.len()?;
            let mut entries = FxHashMap::with_capacity_and_hasher(n, Default::default());
            for _ in 0..n {
                entries.insert(r.u64()?, r.raw()?.into());
            }
            r.at_end().then_some((modified, entries))
        };
        match read() {
            Some((modified, entries)) => {
                let now = std::fs::metadata(dir.join(CHECKED)).map_or(0, |m| modified_u64(&m));
                CheckedIndex { entries, loaded: true, foreign: now != modified, dirty: false }
            }
            None => CheckedIndex::default(),
        }
    }

    fn encode(&self, sala: &str, modified: u64) -> Vec<u8> {
        let mut w = Writer::new(CHECKED_MAGIC);
        w.str(sala);
        w.u64(modified);
        w.len(self.entries.len());
        // In the keys' order: the same entries make the same file.
        let mut keys: Vec<&u64> = self.entries.keys().collect();
        keys.sort_unstable();
        for key in keys {
            w.u64(*key);
            w.raw(&self.entries[key]);
        }
        w.bytes
    }
}

/// A checked table as the cache holds it: in memory (`serve`), or as its entry in `checked/`,
/// read only when something needs its rows ([`crate::model::Table`]).
#[derive(Debug, Clone)]
pub enum Stored {
    /// In memory, with its distinct fiscal years (known once checked: a rebuild of `serve`
    /// need not look through 15,000 kept tables again for them).
    Frame(DataFrame, std::sync::Arc<BTreeSet<i64>>),
    /// On disk.
    Entry(Entry),
}

impl Stored {
    /// How many rows the table has.
    pub fn rows(&self) -> usize {
        match self {
            Stored::Frame(f, _) => f.height(),
            Stored::Entry(e) => e.rows,
        }
    }
}

/// A checked table in `checked/`, known by what its JSON says of it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its key ([`super::ResourceSource::check_key`]).
    key: u64,
    /// The `checked/` folder.
    dir: PathBuf,
    /// How many rows it has.
    pub rows: usize,
    /// Its columns and their types, as Polars names them.
    columns: Columns,
    /// Its distinct fiscal years.
    pub years: std::sync::Arc<BTreeSet<i64>>,
    /// The keys of the tables found unreadable in this build (dropped from the index).
    gone: std::sync::Arc<Mutex<BTreeSet<u64>>>,
}

impl Entry {
    /// Reads the table. One that does not read back as written (gone, cut short, other
    /// columns or rows) is deleted, so that the next build reads its data file again.
    pub fn read(&self) -> std::result::Result<DataFrame, String> {
        use polars::prelude::{ParallelStrategy, ParquetReader, SerReader};
        let path = self.dir.join(table_file_name(self.key));
        let read = std::fs::File::open(&path)
            .map_err(|e| e.to_string())
            .and_then(|file| {
                // Mapped, not read into memory: a large table is Parquet (a 10-million-row one,
                // gigabytes), which Polars reads from the file itself.
                let bytes = FileBytes::of(&file).map_err(|e| e.to_string())?;
                if crate::load::table_file::is_table_file(&bytes) {
                    return crate::load::table_file::decode(&bytes).ok_or_else(|| "it is cut short or changed".to_string());
                }
                drop(bytes);
                ParquetReader::new(file).read_parallel(ParallelStrategy::None).finish().map_err(|e| e.to_string())
            })
            .and_then(|frame| {
                if !self.columns.are(&frame_columns(&frame)) || frame.height() != self.rows {
                    return Err("its columns or rows are not those checked".to_string());
                }
                Ok(frame)
            });
        read.map_err(|e| {
            if let Ok(mut gone) = self.gone.lock() {
                gone.insert(self.key);
            }
            let _ = std::fs::remove_file(&path);
            format!("the build cache's copy of its checked table ({}) cannot be read: {e}", path.display())
        })
    }
}

/// What a person who finds the folder is told (and what backup tools read: CACHEDIR.TAG).
const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This folder is Sala's build cache (sala build, sala serve). It is safe to delete: the next build is a full one.\n";

/// A 64-bit hash with XXH3: the same in every run of the same binary, which is all the cache
/// needs (its keys include the binary's own key). (SipHash, Rust's default, was some 2% of a
/// full build's CPU time at 3,000 datasets.)
#[derive(Clone)]
pub struct KeyHasher(xxhash_rust::xxh3::Xxh3Default);

impl KeyHasher {
    /// An empty hash.
    pub fn new() -> KeyHasher {
        KeyHasher(xxhash_rust::xxh3::Xxh3Default::new())
    }

    /// Adds `value`.
    pub fn add(&mut self, value: &(impl Hash + ?Sized)) -> &mut Self {
        value.hash(&mut self.0);
        self
    }

    /// Adds `value` as JSON (for the structures that are `Serialize` but not `Hash`).
    pub fn add_json(&mut self, value: &impl Serialize) -> &mut Self {
        // Written straight into the hash: a page's context is never held as text.
        let mut buffered = std::io::BufWriter::with_capacity(8192, HashWriter(&mut self.0));
        let _ = serde_json::to_writer(&mut buffered, value);
        let _ = std::io::Write::flush(&mut buffered);
        drop(buffered);
        0xffu8.hash(&mut self.0);
        self
    }

    /// The hash.
    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher::new()
    }
}

struct HashWriter<'a>(&'a mut xxhash_rust::xxh3::Xxh3Default);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The key of this Sala: its version and its binary (size and modification time), so that a
/// new build of Sala, even of the same version, never reuses what an older one rendered.
pub fn sala_key() -> String {
    let binary = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{}-{}", m.len(), modified_ns(&m)))
        .unwrap_or_else(|_| "unknown".into());
    format!("{} {binary}", env!("CARGO_PKG_VERSION"))
}

fn modified_ns(m: &std::fs::Metadata) -> u128 {
    m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos())
}

/// Whether a file's modification time (ns) shows that it did not change since it was last
/// looked at, when its size and time are those seen then: it must have been written at least
/// two seconds before the build that saw it began (`since`). File systems that keep times in
/// whole (or even two) seconds would show a file written again within that time unchanged
/// ("racily clean", as git calls it); a time of 0 is no time at all.
pub(crate) fn settled(modified: u64, since: u128) -> bool {
    const TICK: u128 = 2_000_000_000;
    modified != 0 && u128::from(modified) + TICK < since
}

/// [`modified_ns`] as the cache's files keep it (64 bits of nanoseconds reach the year 2554).
pub fn modified_u64(m: &std::fs::Metadata) -> u64 {
    u64::try_from(modified_ns(m)).unwrap_or(u64::MAX)
}

/// One file of the last output.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OutputEntry {
    /// The key of the inputs it was rendered from; None for the files rendered every time
    /// (the catalogs, the search index).
    key: Option<u64>,
    /// Its size in bytes.
    size: u64,
    /// Its modification time (ns since 1970), as written.
    modified: u64,
    /// The dataset whose downloads it is one of, for files rendered as a group.
    group: Option<String>,
    /// A hash of its bytes, for the files rendered every time: one whose bytes did not change
    /// is not written again.
    content: Option<u64>,
}

/// What the current build knows of one file of its output.
#[derive(Debug, Clone, Default)]
struct Kept {
    key: Option<u64>,
    group: Option<String>,
    content: Option<u64>,
    /// Taken from the last build, untouched: its size and modification time then (which the
    /// manifest keeps without looking the file up again among 150,000).
    reused: Option<(u64, u64)>,
}

/// What a scoped thread gave; its panic goes on in the thread that joins it.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// What a build knows of each file it sent, in shards by path: the render stage's threads
/// record about every file of the site, and one lock for them all kept them waiting on each
/// other (a fifth of a rebuild's reuse of downloads was that wait).
struct KeptShards(Vec<Mutex<FxHashMap<String, Kept>>>);

impl KeptShards {
    const SHARDS: usize = 16;

    /// Shards with room for `files` in all.
    fn with_capacity(files: usize) -> KeptShards {
        let each = files.div_ceil(Self::SHARDS) * 5 / 4;
        KeptShards((0..Self::SHARDS).map(|_| Mutex::new(FxHashMap::with_capacity_and_hasher(each, Default::default()))).collect())
    }

    /// The shard `path` is kept in (by bits of its hash that the shard's own table does not
    /// place entries by).
    fn shard_of(path: &str) -> usize {
        use std::hash::BuildHasher;
        (rustc_hash::FxBuildHasher.hash_one(path) >> 40) as usize % Self::SHARDS
    }

    /// The shard of `path`, locked.
    fn of(&self, path: &str) -> std::sync::MutexGuard<'_, FxHashMap<String, Kept>> {
        self.0[Self::shard_of(path)].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every shard's entries, taken out (indexed by [`KeptShards::shard_of`]).
    fn take(&self) -> Vec<FxHashMap<String, Kept>> {
        self.0.iter().map(|m| std::mem::take(&mut *m.lock().unwrap_or_else(|p| p.into_inner()))).collect()
    }
}

/// The last build of one output folder.
#[derive(Debug, Clone, Default)]
struct Manifest {
    /// The time of the output's marker file ([`crate::write::output::MARKER`]), written anew by
    /// each full build: another build of the same folder (without this cache) changes it.
    marker: String,
    /// Every file of the output (shared with the memo of the build that reads it: copied, it
    /// was 150,000 entries made again at 10,000 datasets).
    files: std::sync::Arc<FxHashMap<String, OutputEntry>>,
    /// Every folder of the output ("" for the output itself) and its modification time (ns)
    /// once the build was done: a folder whose time did not change since had no file added,
    /// removed or renamed in it, so a rebuild need not read it again (see [`LastTree`]).
    folders: std::sync::Arc<FxHashMap<String, u64>>,
}

/// What `state.bin` holds.
#[derive(Debug, Default)]
struct State {
    /// [`sala_key`] of the Sala that wrote it; another Sala's state is ignored.
    sala: String,
    /// Which writing of `state.bin` this is: the records of `state.log` name the one they
    /// change (a log left beside a newer state is not applied to it).
    base: u64,
    /// The bytes of `state.log` applied (the log is folded into a new `state.bin` once it
    /// passes a share of the state's size).
    logged: u64,
    /// The bytes of `state.bin`.
    size: u64,
    /// The state was changed on disk by a record of `state.log` and not in memory: it is read
    /// again before it is used.
    stale: bool,
    /// Per output folder (absolute path), its last build.
    outputs: BTreeMap<String, Manifest>,
}

const STATE_MAGIC: &[u8] = b"sala state 3\n";

const STATE_LOG_MAGIC: &[u8] = b"sala state log 1\n";

/// Writes one file's entry of a manifest.
fn put_entry(w: &mut Writer, path: &str, e: &OutputEntry) {
    w.str(path);
    w.u8(u8::from(e.key.is_some()) | u8::from(e.content.is_some()) << 1 | u8::from(e.group.is_some()) << 2);
    w.u64(e.size);
    w.u64(e.modified);
    if let Some(k) = e.key {
        w.u64(k);
    }
    if let Some(c) = e.content {
        w.u64(c);
    }
    if let Some(g) = &e.group {
        w.str(g);
    }
}

/// Reads one file's entry of a manifest ([`put_entry`]).
fn read_entry(r: &mut Reader<'_>) -> Option<(String, OutputEntry)> {
    let path = r.string()?;
    let flags = r.u8()?;
    let (size, modified) = (r.u64()?, r.u64()?);
    let key = if flags & 1 != 0 { Some(r.u64()?) } else { None };
    let content = if flags & 2 != 0 { Some(r.u64()?) } else { None };
    let group = if flags & 4 != 0 { Some(r.string()?) } else { None };
    Some((path, OutputEntry { key, size, modified, group, content }))
}

impl State {
    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(STATE_MAGIC);
        // About what each file takes: its path, flags, size, time, key and content hash.
        let paths: usize = self.outputs.values().flat_map(|m| m.files.keys()).map(|p| p.len() + 41).sum();
        w.bytes.reserve(paths);
        w.str(&self.sala);
        w.u64(self.base);
        w.len(self.outputs.len());
        for (output, m) in &self.outputs {
            w.str(output);
            w.str(&m.marker);
            w.len(m.files.len());
            for (path, e) in m.files.iter() {
                put_entry(&mut w, path, e);
            }
            w.len(m.folders.len());
            for (folder, modified) in m.folders.iter() {
                w.str(folder);
                w.u64(*modified);
            }
        }
        w.bytes
    }

    fn decode(bytes: &[u8], sala: &str) -> Option<State> {
        let mut r = Reader::new(bytes, STATE_MAGIC)?;
        if r.str()? != sala {
            return None;
        }
        let base = r.u64()?;
        let mut outputs = BTreeMap::new();
        for _ in 0..r.len()? {
            let output = r.string()?;
            let marker = r.string()?;
            let n = r.len()?;
            let mut files = Vec::with_capacity(n);
            for _ in 0..n {
                files.push(read_entry(&mut r)?);
            }
            let n = r.len()?;
            let mut folders = FxHashMap::with_capacity_and_hasher(n, Default::default());
            for _ in 0..n {
                let folder = r.string()?;
                folders.insert(folder, r.u64()?);
            }
            let (files, folders) = (std::sync::Arc::new(files.into_iter().collect()), std::sync::Arc::new(folders));
            outputs.insert(output, Manifest { marker, files, folders });
        }
        r.at_end().then_some(State { sala: sala.to_string(), base, logged: 0, size: bytes.len() as u64, stale: false, outputs })
    }

    /// The state saved in the cache folder `dir` (`state.bin` with the records of `state.log`
    /// that follow it); empty when there is none, or it is another Sala's or not whole.
    fn read(dir: &Path, sala: &str) -> State {
        let Some(mut state) = read_file(&dir.join(STATE)).and_then(|bytes| State::decode(&bytes, sala)) else { return State::default() };
        if let Some(log) = read_file(&dir.join(STATE_LOG)) {
            state.logged = StateLog::apply(&log, &mut state);
        }
        state
    }
}

/// The change one rebuild made to the manifest of its output, appended to `state.log` instead
/// of `state.bin` being written again: at 10,000 datasets the manifest is 150,000 files and 14
/// MB, made and written at the end of every rebuild (a tenth of a second, after everything
/// else) for the few dozen files a change to one dataset writes. A record that is cut short
/// (a build killed while appending it) ends the log; a log whose records name another
/// `state.bin` is not applied. Either only costs time: a file whose entry is missing or old is
/// not as the manifest says (its size or time differs), and is rendered again.
struct StateLog {
    /// The output folder (as [`output_id`]).
    output: String,
    /// Its marker's time.
    marker: String,
    /// The files written or changed, with their new entries.
    files: Vec<(String, OutputEntry)>,
    /// The files the output no longer has.
    gone: Vec<String>,
    /// The folders whose time changed or that are new, with their times.
    folders: Vec<(String, u64)>,
    /// The folders the output no longer has.
    gone_folders: Vec<String>,
}

impl StateLog {
    /// The record's payload as appended to the log (see [`append_record`]): the state it
    /// changes, the output, and the changes.
    fn encode(&self, base: u64) -> Vec<u8> {
        let mut w = Writer::new(b"");
        w.u64(base);
        w.str(&self.output);
        w.str(&self.marker);
        w.len(self.files.len());
        for (path, e) in &self.files {
            put_entry(&mut w, path, e);
        }
        w.len(self.gone.len());
        for path in &self.gone {
            w.str(path);
        }
        w.len(self.folders.len());
        for (folder, t) in &self.folders {
            w.str(folder);
            w.u64(*t);
        }
        w.len(self.gone_folders.len());
        for folder in &self.gone_folders {
            w.str(folder);
        }
        w.bytes
    }

    /// Applies the whole records of `log` that change `state` to it, in order; how many bytes
    /// of the log (its magic and whole records) were read.
    fn apply(log: &[u8], state: &mut State) -> u64 {
        read_records(log, STATE_LOG_MAGIC, |_, payload| {
            let (base, record) = StateLog::decode(payload)?;
            if base == state.base {
                let m = state.outputs.entry(record.output.clone()).or_default();
                record.apply_to(m);
            }
            Some(())
        })
    }

    /// A record's payload: the state it changes and the record.
    fn decode(payload: &[u8]) -> Option<(u64, StateLog)> {
        let mut r = Reader::plain(payload);
        let base = r.u64()?;
        let (output, marker) = (r.string()?, r.string()?);
        let files = (0..r.len()?).map(|_| read_entry(&mut r)).collect::<Option<Vec<_>>>()?;
        let gone = (0..r.len()?).map(|_| r.string()).collect::<Option<Vec<_>>>()?;
        let folders = (0..r.len()?).map(|_| Some((r.string()?, r.u64()?))).collect::<Option<Vec<_>>>()?;
        let gone_folders = (0..r.len()?).map(|_| r.string()).collect::<Option<Vec<_>>>()?;
        r.at_end().then_some((base, StateLog { output, marker, files, gone, folders, gone_folders }))
    }

    /// Makes `m` the manifest this record says it became.
    fn apply_to(self, m: &mut Manifest) {
        m.marker = self.marker;
        let files = std::sync::Arc::make_mut(&mut m.files);
        files.extend(self.files);
        for path in &self.gone {
            files.remove(path);
        }
        let folders = std::sync::Arc::make_mut(&mut m.folders);
        folders.extend(self.folders);
        for folder in &self.gone_folders {
            folders.remove(folder);
        }
    }

    /// Appends the record to the log in `dir` (see [`append_record`]).
    fn append(&self, dir: &Path, base: u64, logged: u64) -> Option<u64> {
        append_record(&dir.join(STATE_LOG), STATE_LOG_MAGIC, &self.encode(base), logged)
    }
}

/// Gives `apply` each whole record of `log` (begun with `magic`; see [`append_record`]): where
/// its payload starts in `log`, and the payload. A record cut short or damaged, or one `apply`
/// cannot take (None), ends the log. How many bytes of the log (its magic and the records
/// applied) were read.
fn read_records(log: &[u8], magic: &[u8], mut apply: impl FnMut(usize, &[u8]) -> Option<()>) -> u64 {
    let Some(mut r) = Reader::new(log, magic) else { return 0 };
    let mut whole = r.position();
    while !r.at_end() {
        let applied = (|| {
            let (len, hash) = (r.u64()?, r.u64()?);
            let start = r.position();
            let payload = r.take(usize::try_from(len).ok()?)?;
            (xxhash_rust::xxh3::xxh3_64(payload) == hash).then_some(())?;
            apply(start, payload)
        })();
        if applied.is_none() {
            break;
        }
        whole = r.position();
    }
    whole as u64
}

/// How long a log (`state.log`, `parsed.log`) may grow beside the file of `size` bytes it adds
/// to before that file is written whole again, with the log's records in it.
fn log_room(size: u64) -> u64 {
    (size / 8).max(1 << 20)
}

/// The number of a file a log adds to, written anew: another than the last one's (0 is
/// none), so that the old file's log is not applied to the new one.
fn new_log_base() -> u64 {
    u64::try_from(now_ns() % u128::from(u64::MAX)).unwrap_or(1).max(1)
}

/// Appends `payload` as a record (its length and hash, then itself) to the log at `path`
/// (begun with `magic` when missing), when the log is `logged` bytes long as the build read
/// it: a log cut short after its last whole record, or written meanwhile by another build,
/// would hide the record. The log's length after.
fn append_record(path: &Path, magic: &[u8], payload: &[u8], logged: u64) -> Option<u64> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut bytes = Vec::with_capacity(magic.len() + payload.len() + 16);
    if len == 0 {
        bytes.extend_from_slice(magic);
    } else if len != logged {
        return None;
    }
    crate::load::binary::put_u64(&mut bytes, payload.len() as u64);
    crate::load::binary::put_u64(&mut bytes, xxhash_rust::xxh3::xxh3_64(payload));
    bytes.extend_from_slice(payload);
    file.write_all(&bytes).ok()?;
    Some(len + bytes.len() as u64)
}

/// The state of the cache ([`State`]), read on a thread of its own when the cache is opened:
/// 27 MB at 10,000 datasets, a tenth of a second that the reading of the portal need not wait
/// for (only the output's walk and the render stage use it). Shared with the walk's thread.
struct StateCell {
    state: Mutex<State>,
    /// The reading still under way, if any: waited for when the state is first used.
    reading: Mutex<Option<std::thread::JoinHandle<State>>>,
    /// Where it is saved (None: in memory only), and this Sala's key.
    dir: Option<PathBuf>,
    sala: String,
}

impl StateCell {
    /// The state as read or last changed, the reading waited for; not read again when stale
    /// (see [`StateCell::current`]).
    fn as_held(&self) -> Option<std::sync::MutexGuard<'_, State>> {
        // Both held until the state read is in: another thread asking meanwhile waits for it
        // rather than finding the empty state it replaces.
        let mut reading = self.reading.lock().ok()?;
        let mut state = self.state.lock().ok()?;
        if let Some(read) = reading.take() {
            *state = read.join().unwrap_or_default();
        }
        Some(state)
    }

    /// The state, read again first when it is [`State::stale`] (after a record was logged,
    /// the state in memory is the one before it).
    fn current(&self) -> Option<std::sync::MutexGuard<'_, State>> {
        let mut state = self.as_held()?;
        if state.stale {
            if let Some(dir) = &self.dir {
                *state = State::read(dir, &self.sala);
            }
        }
        Some(state)
    }

    /// The manifest of the last build of `output` (absolute), when that build still is the
    /// folder's last (its marker's time is the one recorded: another build of the folder
    /// writes the marker anew). Its maps are shared, not copied.
    fn manifest_of(&self, output: &Path) -> Option<Manifest> {
        let m = self.current()?.outputs.get(&output_id(output)).cloned()?;
        (marker_time(output).as_deref() == Some(m.marker.as_str())).then_some(m)
    }
}

/// The build cache of one portal. `sala build` opens it, builds and saves it; `sala serve`
/// keeps one open across its rebuilds, with the tables it read kept in memory too.
pub struct Cache {
    /// Where it is saved; None keeps it in memory only.
    dir: Option<PathBuf>,
    /// [`sala_key`], or what a test gave.
    sala: String,
    state: std::sync::Arc<StateCell>,
    /// Whether read and checked tables are kept in memory for the next build (`serve`).
    keep_tables: bool,
    read: Mutex<FxHashMap<u64, (RawTable, Vec<Diagnostic>)>>,
    checked: Mutex<FxHashMap<u64, (Option<Stored>, Report)>>,
    /// The checked tables found in `checked/` for the current build, until validate takes them.
    loaded: Mutex<FxHashMap<u64, (Option<Stored>, Report)>>,
    used: Mutex<(BTreeSet<u64>, BTreeSet<u64>)>,
    /// The data files as the last build saw them, and since when it looked.
    stamps: Mutex<(FxHashMap<String, Stamp>, u128)>,
    /// The data files as this build saw them (saved by [`Cache::finish`]).
    seen: Mutex<FxHashMap<String, Stamp>>,
    /// When this build began to look at files (ns since 1970): when the cache was opened, or
    /// when the last build it saw ended (`serve`).
    opened: Mutex<u128>,
    /// The checked tables on disk the current build used or wrote (the others are deleted).
    on_disk: Mutex<BTreeSet<u64>>,
    /// The index of the checked tables on disk.
    index: Mutex<CheckedIndex>,
    /// The checked tables found unreadable in the current build.
    gone: std::sync::Arc<Mutex<BTreeSet<u64>>>,
    /// The datasets whose files were read again in the current build.
    reread: Mutex<BTreeSet<String>>,
    /// The metadata files parsed ([`ParsedMeta`], by `dataset.toml`'s path).
    metas: Mutex<Parses<ParsedMeta>>,
    /// The schema files parsed, by path.
    schemas: Mutex<Parses<ParsedSchema>>,
    /// Each dataset's metadata texts scanned for personal data, by dataset id (the entry's
    /// hash is [`Cache::scanned`]'s key).
    scans: Mutex<Parses<crate::validate::personal::Scanned>>,
    /// Whether the current build saved the parses already ([`Cache::save_parses`]).
    parses_saved: std::sync::atomic::AtomicBool,
    /// Where `parsed.bin` and `parsed.log` stand (see [`PARSED_LOG`]).
    parsed_on_disk: Mutex<ParsedOnDisk>,
    /// Whether the current build saved the index of checked tables already ([`Cache::save_checked`]).
    checked_saved: std::sync::atomic::AtomicBool,
}

impl Cache {
    /// The cache of the portal at `root`, read from its `.sala-cache/` folder; empty when the
    /// folder is missing, unreadable, corrupt or written by another Sala.
    pub fn open(root: &Path) -> Cache {
        Cache::open_as(root, &sala_key())
    }

    /// [`Cache::open`] as if this Sala's key were `sala` (tests of a version change).
    pub fn open_as(root: &Path, sala: &str) -> Cache {
        let dir = root.join(DIR);
        // The state is read on a thread of its own that only its first use waits for (see
        // [`StateCell`]); the three other files at once, which the build waits for: one after
        // the other they were a twentieth of a rebuild at 10,000 datasets.
        let reading = {
            let (dir, sala) = (dir.clone(), sala.to_string());
            std::thread::spawn(move || State::read(&dir, &sala))
        };
        let (stamps, index, parsed) = std::thread::scope(|scope| {
            let stamps = scope.spawn(|| read_file(&dir.join(FILES)).and_then(|bytes| Stamps::decode(&bytes, sala)));
            let index = scope.spawn(|| CheckedIndex::open(&dir, sala));
            let parsed = read_parsed(&dir, sala);
            (joined(stamps), joined(index), parsed)
        });
        let mut cache = Cache::new(Some(dir.clone()), sala.to_string(), State::default(), Some(reading));
        cache.index = Mutex::new(index);
        cache.stamps = Mutex::new(stamps.map(|s| (s.files, s.since)).unwrap_or_default());
        if let Some((metas, on_disk)) = parsed {
            cache.metas = Mutex::new(metas.0);
            cache.schemas = Mutex::new(metas.1);
            cache.scans = Mutex::new(metas.2);
            cache.parsed_on_disk = Mutex::new(on_disk);
        }
        cache
    }

    /// A cache that is never saved.
    pub fn in_memory() -> Cache {
        Cache::new(None, sala_key(), State::default(), None)
    }

    /// A cache of `state`, or of the state `reading` gives once read.
    fn new(dir: Option<PathBuf>, sala: String, state: State, reading: Option<std::thread::JoinHandle<State>>) -> Cache {
        let state = std::sync::Arc::new(StateCell { state: Mutex::new(state), reading: Mutex::new(reading), dir: dir.clone(), sala: sala.clone() });
        Cache {
            dir,
            sala,
            state,
            keep_tables: false,
            read: Mutex::default(),
            checked: Mutex::default(),
            loaded: Mutex::default(),
            used: Mutex::default(),
            stamps: Mutex::default(),
            seen: Mutex::default(),
            opened: Mutex::new(now_ns()),
            on_disk: Mutex::default(),
            index: Mutex::default(),
            gone: std::sync::Arc::default(),
            reread: Mutex::default(),
            metas: Mutex::default(),
            schemas: Mutex::default(),
            scans: Mutex::default(),
            parses_saved: std::sync::atomic::AtomicBool::new(false),
            parsed_on_disk: Mutex::default(),
            checked_saved: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The hash of the bytes of the data file at `path` (absolute) as the last build saw it,
    /// when its size and modification time (`meta`) are still those it saw then and it was
    /// not modified while that build ran: the file need not be read to know it.
    pub fn known_hash(&self, path: &Path, meta: &std::fs::Metadata) -> Option<u64> {
        let id = path.to_string_lossy();
        let stamp = {
            let stamps = self.stamps.lock().ok()?;
            let (stamp, since) = (stamps.0.get(id.as_ref())?, stamps.1);
            let modified = modified_u64(meta);
            if stamp.size != meta.len() || stamp.modified != modified || !settled(modified, since) {
                return None;
            }
            stamp.clone()
        };
        let hash = stamp.hash;
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(id.into_owned(), stamp.clone());
        }
        Some(hash)
    }

    /// A dataset's metadata files (`dataset.toml` at `path`, and `datapackage.json` beside it,
    /// whose sizes and times are `stamps`) as parsed: see [`parsed`].
    /// With it, a hash of the files' bytes (None when they could not be read).
    pub fn parsed_meta(&self, path: &Path, stamps: &[(u64, u64)], read: impl FnOnce() -> Option<Vec<Vec<u8>>>, parse: impl FnOnce(Option<&[Vec<u8>]>) -> ParsedMeta) -> (ParsedMeta, Option<u64>) {
        parsed(&self.metas, (self.since(), self.keep_tables), path, stamps, read, parse)
    }

    /// A schema file (at `path`, of size and time `stamps`) as parsed: see [`parsed`].
    pub fn parsed_schema(&self, path: &Path, stamps: &[(u64, u64)], read: impl FnOnce() -> Option<Vec<Vec<u8>>>, parse: impl FnOnce(Option<&[Vec<u8>]>) -> ParsedSchema) -> ParsedSchema {
        parsed(&self.schemas, (self.since(), self.keep_tables), path, stamps, read, parse).0
    }

    /// The personal-data scan of dataset `id`'s metadata texts: the last build's when it was
    /// made with the same `key` (a hash of everything the scan reads: see
    /// [`crate::validate::personal::scan_metadata_with`]), else `scan`ned now and kept. A
    /// rebuild of 10,000 datasets otherwise scans some 400,000 texts again.
    pub fn scanned(&self, id: &str, key: u64, scan: impl FnOnce() -> crate::validate::personal::Scanned) -> crate::validate::personal::Scanned {
        let known = self.scans.lock().ok().and_then(|mut s| {
            s.used.insert(id.to_string());
            s.entries.get(id).cloned()
        });
        if let Some(value) = known.filter(|k| k.hash == key).and_then(|k| k.get(self.keep_tables)) {
            return value;
        }
        let value = scan();
        keep_parse(&self.scans, id, Vec::new(), key, &value, self.keep_tables);
        value
    }

    /// When the last build began to look at files (ns since 1970); 0 when unknown.
    fn since(&self) -> u128 {
        self.stamps.lock().map_or(0, |s| s.1)
    }

    /// Notes the hash of the bytes of the data file at `path` (absolute), read with size and
    /// time `meta`, for the next build's [`Cache::known_hash`].
    pub fn note_hash(&self, path: &Path, meta: &std::fs::Metadata, hash: u64) {
        let stamp = Stamp { size: meta.len(), modified: modified_u64(meta), hash };
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(path.to_string_lossy().into_owned(), stamp);
        }
    }

    /// Whether a table checked with `key` ([`super::ResourceSource::check_key`]) is at hand, in
    /// memory or in the index of `checked/`, for validate to take; its data rows. The table
    /// itself is not read here: only what needs its rows reads it ([`Entry::read`]), and one
    /// that does not read back then is read from its data file and checked again.
    pub fn has_checked(&self, key: u64) -> Option<usize> {
        let in_memory = self.checked.lock().ok()?.get(&key).cloned();
        if let Some((Some(stored), report)) = in_memory {
            // Kept in memory (`serve`); its copy on disk, if any, is kept too.
            let rows = stored.rows();
            self.loaded.lock().ok()?.insert(key, (Some(stored), report));
            if let Ok(mut on_disk) = self.on_disk.lock() {
                on_disk.insert(key);
            }
            return Some(rows);
        }
        let dir = self.dir.as_ref()?.join(CHECKED);
        let entry = {
            let index = self.index.lock().ok()?;
            CheckedEntry::decode(index.entries.get(&key)?)?
        };
        let stored = entry.columns.map(|columns| {
            Stored::Entry(Entry { key, dir, rows: entry.rows, columns, years: std::sync::Arc::new(entry.years), gone: self.gone.clone() })
        });
        if let Ok(mut on_disk) = self.on_disk.lock() {
            on_disk.insert(key);
        }
        self.loaded.lock().ok()?.insert(key, (stored, entry.report));
        Some(entry.rows)
    }

    /// This cache, also keeping the tables each build reads in memory for the next
    /// (`sala serve`, which rebuilds in the same process).
    pub fn keeping_tables(mut self) -> Cache {
        self.keep_tables = true;
        self
    }

    /// Whether tables are kept in memory between builds (files are then read, not mapped:
    /// they may change while kept).
    pub fn keeps_tables(&self) -> bool {
        self.keep_tables
    }

    /// A table read earlier from the same bytes with the same options.
    pub fn table(&self, key: u64) -> Option<(RawTable, Vec<Diagnostic>)> {
        let found = self.read.lock().ok()?.get(&key).cloned();
        if found.is_some() {
            if let Ok(mut used) = self.used.lock() {
                used.0.insert(key);
            }
        }
        found
    }

    /// Keeps a table just read for dataset `id`, and notes that `id` was read again.
    pub fn keep_table(&self, id: &str, key: u64, table: &(RawTable, Vec<Diagnostic>)) {
        self.note_reread(id);
        if !self.keep_tables {
            return;
        }
        if let Ok(mut read) = self.read.lock() {
            read.insert(key, table.clone());
        }
        if let Ok(mut used) = self.used.lock() {
            used.0.insert(key);
        }
    }

    /// A table checked earlier with the same data and schema ([`super::ResourceSource::check_key`]),
    /// its diagnostics placed in their files and sheets.
    pub fn checked(&self, key: u64) -> Option<(Option<Stored>, Report)> {
        let loaded = self.loaded.lock().ok().and_then(|mut l| l.remove(&key));
        let in_memory = || self.checked.lock().ok().and_then(|map| map.get(&key).cloned());
        // Not looked for by load (a table read for its foreign keys): on disk, maybe.
        let on_disk = || self.has_checked(key).and_then(|_| self.loaded.lock().ok()?.remove(&key));
        let found = match loaded {
            Some(found) => Some(found),
            None => in_memory().or_else(|| on_disk()),
        };
        if let (Some(found), true) = (&found, self.keep_tables) {
            if let Ok(mut map) = self.checked.lock() {
                map.entry(key).or_insert_with(|| found.clone());
            }
        }
        if found.is_some() {
            if let Ok(mut used) = self.used.lock() {
                used.1.insert(key);
            }
        }
        found
    }

    /// Keeps a check's result (diagnostics placed in their files and sheets) of a table of
    /// `rows` data rows: in memory for `serve`, and in `checked/` for the next build. One that
    /// cannot be saved only costs time.
    pub fn keep_checked(&self, key: u64, checked: &(Option<DataFrame>, Report), rows: usize) {
        let years = std::sync::Arc::new(checked.0.as_ref().map(crate::model::table::fiscal_year_values).unwrap_or_default());
        if let Some(dir) = &self.dir {
            if let Ok(entry) = save_checked(&dir.join(CHECKED), key, checked, rows, &years) {
                if let Ok(mut index) = self.index.lock() {
                    index.entries.insert(key, entry.into());
                    index.dirty = true;
                }
                if let Ok(mut on_disk) = self.on_disk.lock() {
                    on_disk.insert(key);
                }
            }
        }
        if !self.keep_tables {
            return;
        }
        if let Ok(mut used) = self.used.lock() {
            used.1.insert(key);
        }
        if let Ok(mut map) = self.checked.lock() {
            map.insert(key, (checked.0.clone().map(|frame| Stored::Frame(frame, years)), checked.1.clone()));
        }
    }

    /// The key of this Sala, which every output key includes.
    pub fn sala(&self) -> &str {
        &self.sala
    }

    /// The memo of the last build of `output` (absolute), for the render stage; an empty one
    /// when `trusted` is false (a commit of the last build had to be finished after a kill)
    /// or the output is no longer the folder that build wrote. Given the output's files as
    /// listed at the start of this build ([`Memo::with_listing`], see
    /// `write::patch::Listing`), it asks that listing; without, it looks at each file asked about.
    pub fn memo(&self, output: &Path, trusted: bool) -> Memo {
        let previous = self.current(output).filter(|_| trusted).map(|m| m.files).unwrap_or_default();
        let mut groups: FxHashMap<String, Vec<(String, OutputEntry)>> = FxHashMap::default();
        for (path, e) in previous.iter() {
            if let Some(g) = &e.group {
                // Without the group's name, which the map holds once (it was copied twice for
                // each of 100,000 files: with the entry, and to look the group up).
                let slim = OutputEntry { key: e.key, size: e.size, modified: e.modified, group: None, content: e.content };
                match groups.get_mut(g.as_str()) {
                    Some(files) => files.push((path.clone(), slim)),
                    None => {
                        groups.insert(g.clone(), vec![(path.clone(), slim)]);
                    }
                }
            }
        }
        // In path order, as the group's files were made.
        for files in groups.values_mut() {
            files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        }
        // A rebuild records a key for about every file of the last build: room for them all
        // at once, not grown (and every key hashed again) eighteen times on the way.
        let keys = KeptShards::with_capacity(previous.len());
        let id = output_id(output);
        let others = self.state().map(|st| st.outputs.keys().filter(|o| **o != id).cloned().collect()).unwrap_or_default();
        Memo { output: Some(output.to_path_buf()), others, sala: self.sala.clone(), previous, groups, keys, reused_groups: Mutex::default(), sent: Mutex::default(), dir: self.dir.clone(), listed: None }
    }

    /// The files of the last build of `output` (absolute) as the cache knows them: per path,
    /// the key it was rendered from (None: rendered every time) and its modification time (ns).
    pub fn manifest(&self, output: &Path) -> Option<BTreeMap<String, (Option<u64>, u64)>> {
        let state = self.state()?;
        let m = state.outputs.get(&output_id(output))?;
        Some(m.files.iter().map(|(p, e)| (p.clone(), (e.key, e.modified))).collect())
    }

    /// The files of `output` (absolute) as the last build of it with this cache left them,
    /// as a listing of the folder would give them: for a folder no one else writes (`serve`'s
    /// temporary site), a rebuild need not walk it. None when no build of it is known.
    pub fn listed(&self, output: &Path) -> Option<Listed> {
        let m = self.current(output)?;
        Some(LastTree { files: m.files, folders: m.folders }.as_left())
    }

    /// The files and folders of `output` (absolute) as the last build of it with this cache
    /// left them, when that build wrote the folder last and recorded its folders: what a
    /// listing need look at again (see [`LastTree`]).
    pub fn last_tree(&self, output: &Path) -> Option<LastTree> {
        self.last_tree_later(output)()
    }

    /// [`Cache::last_tree`], to be asked on another thread: the state may still be being read
    /// (see [`StateCell`]), and a build's walk of its output waits for it, not the build.
    pub fn last_tree_later(&self, output: &Path) -> impl FnOnce() -> Option<LastTree> + Send + 'static {
        let (cell, output) = (self.state.clone(), output.to_path_buf());
        move || {
            let m = cell.manifest_of(&output).filter(|m| m.folders.contains_key(""))?;
            Some(LastTree { files: m.files, folders: m.folders })
        }
    }

    /// The manifest of the last build of `output` (absolute) with this cache, when that build
    /// still is the folder's last (see [`StateCell::manifest_of`]).
    fn current(&self, output: &Path) -> Option<Manifest> {
        self.state.manifest_of(output)
    }

    /// Notes that dataset `id` had to be read again (for `serve`'s message).
    pub fn note_reread(&self, id: &str) {
        if let Ok(mut r) = self.reread.lock() {
            r.insert(id.to_string());
        }
    }

    /// Records the files of a build of `output` that succeeded (`written`: every file, with
    /// its key where it has one, and its size and time as now in `output`), forgets the
    /// manifests of output folders that no longer exist (so the state does not grow with
    /// every temporary site `serve` used), and saves the state. A cache that cannot be saved
    /// only costs time.
    pub fn finish(&self, output: &Path, memo: &Memo, written: &crate::render::Written, gone: &[String]) {
        // The data files' stamps, the checked tables and the parses are saved beside the
        // output's manifest, which takes longest.
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let (files, since) = self.next_stamps();
                if let Some(dir) = &self.dir {
                    let _ = save(dir, FILES, &Stamps::encode(&self.sala, since, &files));
                    // What an older Sala kept in JSON is of no use to this one.
                    for old in OLD_FILES {
                        let _ = std::fs::remove_file(dir.join(old));
                    }
                    // Again only when a table was checked or found broken since the early save.
                    let early = self.checked_saved.swap(false, std::sync::atomic::Ordering::Relaxed);
                    let since_early = self.index.lock().is_ok_and(|i| i.dirty) || self.gone.lock().is_ok_and(|g| !g.is_empty());
                    if !early || since_early {
                        self.forget_checked(dir);
                    }
                    if !self.parses_saved.swap(false, std::sync::atomic::Ordering::Relaxed) {
                        self.save_parsed(dir);
                    }
                    crate::model::search::forget_unused_cuts();
                }
                // The next build's tables are its own.
                if let Ok(mut on_disk) = self.on_disk.lock() {
                    on_disk.clear();
                }
                if let Ok(mut gone) = self.gone.lock() {
                    gone.clear();
                }
            });
            self.save_manifest(output, memo, written, gone);
        });
    }

    /// Records and saves the manifest of `output` (see [`Cache::finish`]): as a record of what
    /// changed appended to `state.log` ([`StateLog`]) when this build's memo was the saved
    /// manifest and `sala build` ends next; else (`serve`, which keeps the state in memory for
    /// its next rebuild, a first build, a log grown past a share of the state) whole, in a new
    /// `state.bin`.
    fn save_manifest(&self, output: &Path, memo: &Memo, written: &crate::render::Written, gone: &[String]) {
        let id = output_id(output);
        // The manifest the memo was made from, when the change to it can be logged.
        let logged = (!self.keep_tables && self.dir.is_some())
            .then(|| self.state())
            .flatten()
            .and_then(|st| {
                // A manifest of a folder gone since (a `serve` that ended: its temporary site) is
                // dropped by saving the whole state once, not read again by every later build.
                if st.outputs.keys().any(|o| *o != id && !Path::new(o).is_dir()) {
                    return None;
                }
                let m = st.outputs.get(&id)?;
                let room = log_room(st.size);
                (st.base != 0 && st.logged < room && std::sync::Arc::ptr_eq(&m.files, &memo.previous)).then(|| m.folders.clone())
            })
            .zip(memo.listed.as_ref().map(|l| l.folders.clone()));
        // The files a rebuild sent other than by their keys (the others are as the last
        // manifest has them): only these are looked at when the change is logged.
        let sent = memo.sent_paths();
        let logged = logged.filter(|_| sent.is_some());
        let all = logged.is_none();
        let mut keys = memo.keys.take();
        let groups = std::mem::take(&mut *memo.reused_groups.lock().unwrap_or_else(|p| p.into_inner()));
        // The folders the commit wrote into or removed from: those of the files not taken
        // from the last build, and of the files gone.
        let mut touched: FxHashSet<&str> = FxHashSet::default();
        for path in gone {
            add_folders(path, &mut touched);
        }
        let previous = &memo.previous;
        // Every file's entry (`all`), or those that differ from the last manifest's.
        let mut files = Vec::with_capacity(if all { written.len() } else { 256 });
        // How many of the files looked at are new to the manifest.
        let mut new = 0usize;
        // The files written that cannot be looked at now (they are left out).
        let mut unseen: Vec<&str> = Vec::new();
        let looked_at: Box<dyn Iterator<Item = &String>> = match &sent {
            Some(sent) if !all => Box::new(sent.iter()),
            _ => Box::new(written.keys()),
        };
        for written_path in looked_at {
            // The path as the render stage gave it, not copied again.
            let (path, kept) = match keys[KeptShards::shard_of(written_path)].remove_entry(written_path.as_str()) {
                Some(found) => found,
                None => {
                    // A file of a group taken whole is the last build's file, as its entry says.
                    if let Some(e) = previous.get(written_path.as_str()).filter(|e| e.group.as_ref().is_some_and(|g| groups.contains(g.as_str()))) {
                        if all {
                            files.push((written_path.clone(), e.clone()));
                        }
                        continue;
                    }
                    (written_path.clone(), Kept::default())
                }
            };
            let (key, content) = (kept.key, kept.content);
            // A file taken from the last build is the same file, with the same size and time.
            let (size, modified) = match kept.reused {
                Some(previous) => previous,
                None => {
                    add_folders(written_path, &mut touched);
                    match std::fs::symlink_metadata(output.join(&path)) {
                        Ok(meta) => (meta.len(), modified_u64(&meta)),
                        Err(_) => {
                            unseen.push(written_path);
                            continue;
                        }
                    }
                }
            };
            let entry = OutputEntry { key, size, modified, group: kept.group, content };
            if !all {
                match previous.get(path.as_str()) {
                    Some(e) if *e == entry => continue,
                    Some(_) => {}
                    None => new += 1,
                }
            }
            files.push((path, entry));
        }
        // The files of the new manifest: every file written but those that could not be looked at.
        let present = written.len() - unseen.len();
        drop(keys);
        let Some(marker) = marker_time(output) else { return };
        if let Some((before, listed)) = logged {
            // The last manifest's files the new one lacks (a deleted dataset's).
            let mut gone: Vec<String> = Vec::new();
            if previous.len() + new > present {
                gone.extend(previous.keys().filter(|p| !written.contains_key(p.as_str())).cloned());
                gone.extend(unseen.iter().filter(|p| previous.contains_key(**p)).map(|p| p.to_string()));
            }
            let (folders, gone_folders) = folder_changes(output, &touched, &listed, &before);
            let record = StateLog { output: id, marker, files, gone, folders, gone_folders };
            if let (Some(dir), Some(mut state)) = (&self.dir, self.state.as_held()) {
                if let Some(len) = record.append(dir, state.base, state.logged) {
                    state.logged = len;
                    // The manifest in memory is the last one: read again should it be asked for.
                    state.stale = true;
                    return;
                }
            }
            // The log could not take it (cut short, or written by another build meanwhile):
            // the whole manifest is saved.
            let mut m = Manifest { marker: String::new(), files: previous.clone(), folders: before };
            let id = record.output.clone();
            record.apply_to(&mut m);
            return self.replace_manifest(id, m);
        }
        let folders = folder_times(output, written, &touched, memo.listed.as_ref().map(|l| &*l.folders));
        self.replace_manifest(id, Manifest { marker, files: std::sync::Arc::new(files.into_iter().collect()), folders: std::sync::Arc::new(folders) });
    }

    /// Makes `m` the manifest of the output `id` and saves the whole state as a new
    /// `state.bin` (the log's records, of the state before, are deleted with it).
    fn replace_manifest(&self, id: String, m: Manifest) {
        let Some(mut state) = self.state.as_held() else { return };
        state.sala = self.sala.clone();
        state.outputs.retain(|path, _| Path::new(path).is_dir());
        state.outputs.insert(id, m);
        state.stale = false;
        let Some(dir) = &self.dir else { return };
        let base = new_log_base();
        let last = std::mem::replace(&mut state.base, base);
        let bytes = state.encode();
        if save(dir, STATE, &bytes).is_ok() {
            let _ = std::fs::remove_file(dir.join(STATE_LOG));
            (state.logged, state.size) = (0, bytes.len() as u64);
        } else {
            state.base = last;
        }
    }

    /// The state, read again first when it is [`State::stale`].
    fn state(&self) -> Option<std::sync::MutexGuard<'_, State>> {
        self.state.current()
    }

    /// The ids of the datasets whose files were read again in this build, sorted: what
    /// [`Cache::finish_build`] will return, known before.
    pub fn reread(&self) -> Vec<String> {
        self.reread.lock().map(|r| r.iter().cloned().collect()).unwrap_or_default()
    }

    /// Ends a build: forgets the tables it did not use (deleted or changed files) and returns
    /// the ids of the datasets whose files were read again, sorted.
    pub fn finish_build(&self) -> Vec<String> {
        // A build that failed after saving some of the cache early saves it all next time.
        self.parses_saved.store(false, std::sync::atomic::Ordering::Relaxed);
        self.checked_saved.store(false, std::sync::atomic::Ordering::Relaxed);
        let (tables, checks) = self.used.lock().map(|mut u| std::mem::take(&mut *u)).unwrap_or_default();
        if let Ok(mut read) = self.read.lock() {
            read.retain(|k, _| tables.contains(k));
        }
        if let Ok(mut checked) = self.checked.lock() {
            checked.retain(|k, _| checks.contains(k));
        }
        self.reread.lock().map(|mut r| std::mem::take(&mut *r).into_iter().collect()).unwrap_or_default()
    }
}

impl Cache {
    /// Makes the data files this build saw the ones the next build compares with (`serve`
    /// rebuilds with the same cache), and returns them with the time this build began.
    fn next_stamps(&self) -> (FxHashMap<String, Stamp>, u128) {
        let files = self.seen.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default();
        let since = self.opened.lock().map(|mut o| std::mem::replace(&mut *o, now_ns())).unwrap_or(0);
        if let Ok(mut stamps) = self.stamps.lock() {
            *stamps = (files.clone(), since);
        }
        (files, since)
    }

    /// Saves the parses of metadata and schema files and the personal-data scans now, once
    /// the build asked for every one of them (after validation), instead of with the rest of
    /// the cache at the end: the build calls this beside its model, which leaves a core idle,
    /// and 29 MB written again after one `dataset.toml` changed at 10,000 datasets were a tenth
    /// of a second at the rebuild's end. [`Cache::finish`] then leaves them.
    pub fn save_parses(&self) {
        if let Some(dir) = &self.dir {
            self.save_parsed(dir);
            self.parses_saved.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Drops the checked tables this build did not use and saves the index of `checked/` now,
    /// once every table was read or checked (after the model), instead of at the build's end:
    /// the build calls this beside its render stage, and after one CSV changed at 10,000
    /// datasets the index (5 MB) written again was half of the last stage. [`Cache::finish`]
    /// does it again only when a table was checked or found broken while rendering.
    pub fn save_checked(&self) {
        if let Some(dir) = &self.dir {
            self.forget_checked(dir);
            self.checked_saved.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Saves the parses of metadata and schema files, when they changed.
    /// Entries of files gone are dropped from memory only (and from the disk with the next
    /// whole write): kept, they only cost room. A few changed entries are appended to
    /// `parsed.log` (see [`PARSED_LOG`]); else, or when the log has grown past an eighth of
    /// `parsed.bin`, the whole file is written again.
    fn save_parsed(&self, dir: &Path) {
        let (Ok(mut metas), Ok(mut schemas), Ok(mut scans), Ok(mut on_disk)) = (self.metas.lock(), self.schemas.lock(), self.scans.lock(), self.parsed_on_disk.lock()) else { return };
        metas.forget_unused();
        schemas.forget_unused();
        scans.forget_unused();
        let changed = metas.changed.len() + schemas.changed.len() + scans.changed.len();
        // (A parsed.bin deleted since it was read, with the cache folder, is written again.)
        let on_file = on_disk.base != 0 && dir.join(PARSED).is_file();
        if changed == 0 && on_file {
            return;
        }
        let mut saved = None;
        if on_file {
            let mut w = Writer::new(b"");
            w.u64(on_disk.base);
            let (m, s, c) = (metas.changed(), schemas.changed(), scans.changed());
            w.len(m.len() + s.len() + c.len());
            put_changed(&mut w, 0, &m);
            put_changed(&mut w, 1, &s);
            put_changed(&mut w, 2, &c);
            let room = log_room(on_disk.size);
            if on_disk.logged + w.bytes.len() as u64 <= room {
                saved = append_record(&dir.join(PARSED_LOG), PARSED_LOG_MAGIC, &w.bytes, on_disk.logged);
            }
        }
        match saved {
            Some(len) => on_disk.logged = len,
            None => {
                let base = new_log_base();
                let mut w = Writer::new(PARSED_MAGIC);
                w.str(&self.sala);
                w.u64(base);
                metas.write(&mut w);
                schemas.write(&mut w);
                scans.write(&mut w);
                if save(dir, PARSED, &w.bytes).is_err() {
                    // Written again next time.
                    return;
                }
                let _ = std::fs::remove_file(dir.join(PARSED_LOG));
                *on_disk = ParsedOnDisk { base, size: w.bytes.len() as u64, logged: 0 };
            }
        }
        metas.changed.clear();
        schemas.changed.clear();
        scans.changed.clear();
    }

    /// Drops from the index the checked tables the current build did not use or found
    /// unreadable, deletes their files, and saves the index when it changed. `checked/` is
    /// listed only when something else may have left files there (no index was read, or the
    /// folder changed since the last index was saved): every file no entry names is deleted.
    /// `serve` finds most tables in memory, not on disk: those it used are kept too (its first
    /// rebuild deleted them all, 30,000 files at 10,000 datasets, and the next `sala build` read
    /// every table again).
    fn forget_checked(&self, dir: &Path) {
        let mut keep = self.on_disk.lock().map(|k| k.clone()).unwrap_or_default();
        if let Ok(used) = self.used.lock() {
            keep.extend(&used.1);
        }
        let gone = self.gone.lock().map(|g| g.clone()).unwrap_or_default();
        let Ok(mut index) = self.index.lock() else { return };
        let folder = dir.join(CHECKED);
        let before = index.entries.len();
        index.entries.retain(|key, _| {
            let kept = keep.contains(key) && !gone.contains(key);
            if !kept {
                let _ = std::fs::remove_file(folder.join(table_file_name(*key)));
            }
            kept
        });
        let changed = index.dirty || index.entries.len() != before;
        if !index.loaded || index.foreign {
            if let Ok(files) = std::fs::read_dir(&folder) {
                for file in files.flatten() {
                    let name = file.file_name();
                    let key = name.to_str().and_then(|n| n.strip_suffix(TABLE_SUFFIX)).and_then(|k| u64::from_str_radix(k, 16).ok());
                    if key.is_none_or(|k| !index.entries.contains_key(&k)) {
                        let _ = std::fs::remove_file(file.path());
                    }
                }
            }
        }
        if changed || !index.loaded || index.foreign {
            let modified = std::fs::metadata(&folder).map_or(0, |m| modified_u64(&m));
            if save(dir, CHECKED_INDEX, &index.encode(&self.sala, modified)).is_ok() {
                index.dirty = false;
                index.loaded = true;
                index.foreign = false;
            }
        }
    }
}

/// A table's columns and their types, as Polars names them.
fn frame_columns(frame: &DataFrame) -> Vec<(String, String)> {
    frame.columns().iter().map(|c| (c.name().to_string(), format!("{:?}", c.dtype()))).collect()
}

/// How the files of the checked tables in `checked/` end.
const TABLE_SUFFIX: &str = ".table";

/// The name of the file of the checked table `key` in `checked/`: the table as
/// [`crate::load::table_file`] writes it, or as Parquet when it is large.
fn table_file_name(key: u64) -> String {
    format!("{key:016x}{TABLE_SUFFIX}")
}

/// Writes a checked table into `dir`, and returns its entry for the index.
fn save_checked(dir: &Path, key: u64, (frame, report): &(Option<DataFrame>, Report), rows: usize, years: &BTreeSet<i64>) -> Result<Vec<u8>> {
    // Called after no usable entry was found: one there is broken, and is replaced. Written in
    // place, not beside and renamed (15,000 more files made at 10,000 datasets): the key is a
    // hash of the content, so a file is either this one or one cut short by a kill, which the
    // index does not name (it is saved at the end of the build) or which does not read back
    // (its table's types and rows are checked on reading), and only costs time.
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    if let Some(frame) = frame {
        let target = dir.join(table_file_name(key));
        match crate::load::table_file::encode(frame) {
            Some(bytes) => std::fs::write(&target, bytes).map_err(|e| Error::io(&target, e))?,
            None => {
                let file = std::fs::File::create(&target).map_err(|e| Error::io(&target, e))?;
                let mut w = std::io::BufWriter::new(file);
                crate::parquet::write(frame, &mut w, crate::parquet::Settings::private()).map_err(|e| Error::io(&target, std::io::Error::other(e)))?;
                w.into_inner().map_err(|e| Error::io(&target, e.into_error()))?;
            }
        }
    }
    let entry = CheckedEntry { rows, columns: frame.as_ref().map(|f| Columns::of(&frame_columns(f))), report: report.clone(), years: years.clone() };
    entry.encode().ok_or_else(|| Error::io(dir, std::io::Error::other("the check's diagnostics cannot be written")))
}

pub(crate) fn now_ns() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// The time of `output`'s marker file, which each full build writes anew.
fn marker_time(output: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(output.join(crate::write::output::MARKER)).ok()?;
    Some(modified_ns(&meta).to_string())
}

/// The time of a folder to keep for the next listing, seen at `modified` by a look that began
/// at `since`: an entry added in the same tick of the file system's clock as the last change
/// the look saw would leave the folder's time as it was, so a time not [`settled`] is kept as
/// [`UNSETTLED`] and the folder is read again next time (the few folders a rebuild wrote
/// into, or a deploy script's `touch public/.nojekyll` right after the build).
pub fn folder_time(modified: u64, since: u128) -> u64 {
    if settled(modified, since) {
        modified
    } else {
        UNSETTLED
    }
}

/// The time kept for a folder that must be read again: no folder has it.
pub const UNSETTLED: u64 = u64::MAX;

/// Adds the folders above the site path `path` to `folders`, up to "" (the output itself).
fn add_folders<'a>(path: &'a str, folders: &mut FxHashSet<&'a str>) {
    let mut path = path;
    while let Some((parent, _)) = path.rsplit_once('/') {
        if !folders.insert(parent) {
            return;
        }
        path = parent;
    }
    folders.insert("");
}

/// Every folder of the site `written` and its modification time now (see [`folder_time`]): the
/// folders `before` gives (the listing at the build's start) but those the commit `touched`,
/// which are looked at again (added, changed or gone). Without `before` (a full build), every
/// folder of the site is looked at.
fn folder_times(output: &Path, written: &crate::render::Written, touched: &FxHashSet<&str>, before: Option<&FxHashMap<String, u64>>) -> FxHashMap<String, u64> {
    let since = now_ns();
    let time_of = |folder: &str| folder_time_now(output, folder, since);
    let mut all = FxHashSet::default();
    let (mut folders, look) = match before {
        Some(before) => (before.clone(), touched),
        None => {
            for path in written.keys() {
                add_folders(path, &mut all);
            }
            (FxHashMap::with_capacity_and_hasher(all.len(), Default::default()), &all)
        }
    };
    for &folder in look {
        match time_of(folder) {
            Some(t) => folders.insert(folder.to_string(), t),
            None => folders.remove(folder),
        };
    }
    folders
}

/// The time to keep of `output`'s folder `folder` (see [`folder_time`]), looked at by a look
/// that began at `since`; None when it is not a folder.
fn folder_time_now(output: &Path, folder: &str, since: u128) -> Option<u64> {
    std::fs::symlink_metadata(output.join(folder)).ok().filter(std::fs::Metadata::is_dir).map(|m| folder_time(modified_u64(&m), since))
}

/// What [`folder_times`] with `listed` as `before` would make of the folders, as changes to the
/// last manifest's folders `last`: the folders whose time is new or another (with it), and
/// those gone.
fn folder_changes(output: &Path, touched: &FxHashSet<&str>, listed: &FxHashMap<String, u64>, last: &FxHashMap<String, u64>) -> (Vec<(String, u64)>, Vec<String>) {
    let since = now_ns();
    let (mut changed, mut gone) = (Vec::new(), Vec::new());
    for (folder, &t) in listed {
        if !touched.contains(folder.as_str()) && last.get(folder) != Some(&t) {
            changed.push((folder.clone(), t));
        }
    }
    for &folder in touched {
        match folder_time_now(output, folder, since) {
            Some(t) if last.get(folder) != Some(&t) => changed.push((folder.to_string(), t)),
            Some(_) => {}
            None if last.contains_key(folder) => gone.push(folder.to_string()),
            None => {}
        }
    }
    gone.extend(last.keys().filter(|f| !listed.contains_key(*f) && !touched.contains(f.as_str())).cloned());
    (changed, gone)
}

/// The name the cache knows the output folder `output` (absolute) by.
pub(crate) fn output_id(output: &Path) -> String {
    output.to_string_lossy().into_owned()
}

/// The bytes of a file of the cache or of the last build (a fragments file, a catalog), mapped
/// into memory: a rebuild copies most of a catalog into the files it writes, and reading the
/// cache's 40 MB and the catalogs' 350 MB at 10,000 datasets into fresh memory made the kernel
/// zero as many pages first, only to copy the files over them.
pub enum FileBytes {
    /// Mapped.
    Mapped(memmap2::Mmap),
    /// Read (an empty file, or one that could not be mapped).
    Read(Vec<u8>),
}

impl FileBytes {
    /// The file at `path`'s bytes.
    pub fn open(path: &std::path::Path) -> std::io::Result<FileBytes> {
        FileBytes::of(&std::fs::File::open(path)?)
    }

    /// The open `file`'s bytes.
    pub fn of(file: &std::fs::File) -> std::io::Result<FileBytes> {
        let len = file.metadata()?.len();
        if len > 0 {
            // SAFETY: the map is only read. Sala replaces these files by renaming new ones over
            // them, which leaves a mapped file as it was; only another program truncating one
            // while a build runs would make reading it fault, as with the data files Polars maps.
            if let Ok(mapped) = unsafe { memmap2::Mmap::map(file) } {
                return Ok(FileBytes::Mapped(mapped));
            }
        }
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        std::io::Read::read_to_end(&mut &*file, &mut bytes)?;
        Ok(FileBytes::Read(bytes))
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Read(b) => b,
        }
    }
}

/// The bytes of the cache's file at `path`; None when it cannot be read. The cache's files are
/// never written in place ([`save`] writes a new file and renames it over the old), so a mapped
/// file's bytes do not change while they are used.
fn read_file(path: &Path) -> Option<FileBytes> {
    FileBytes::open(path).ok()
}

/// Writes a file of the cache beside, then renames it over the old: a build killed meanwhile
/// leaves the old file or the new, never half of one.
pub(crate) fn save(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        std::fs::write(&tag, TAG).map_err(|e| Error::io(&tag, e))?;
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(|e| Error::io(dir, e))?;
    let target = dir.join(name);
    // A folder where the file belongs (made by hand, or by a tool) would keep this file from
    // ever being saved, and the cache off for good: it is the cache's place, and goes.
    if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
        std::fs::remove_dir_all(&target).map_err(|e| Error::io(&target, e))?;
    }
    tmp.persist(&target).map_err(|e| Error::io(&target, e.error))?;
    Ok(())
}

/// A file of the last output that the new one takes unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reused<'m> {
    /// Its path in the output (the memo's copy: a rebuild takes 100,000 files unchanged, and
    /// each was copied three times on the way).
    pub path: &'m str,
    /// Its size.
    pub size: u64,
}

/// A file as a listing found it: its size and modification time (ns), or None when it is not
/// a regular file (a link).
pub type FileStamp = Option<(u64, u64)>;

/// The files of an output folder as listed (but the marker), site-relative with `/`
/// separators, and its folders. Made by `write::patch::Listing`. A listing since the last
/// build is kept as the last build's manifest (shared, not copied) and the files found
/// otherwise: a rebuild at 10,000 datasets found 150,000 files as their manifest says, and
/// made each a new entry of a new map, to be looked up again by every reuse.
#[derive(Debug, Default, Clone)]
pub struct Listed {
    /// The last build's files, each listed with the size and time the manifest has for it
    /// unless `differ` says otherwise.
    base: Option<std::sync::Arc<FxHashMap<String, OutputEntry>>>,
    /// The files whose listing is not the base's (found with another stamp, or not in the
    /// base), and the base's files not found (None).
    differ: FxHashMap<String, Option<FileStamp>>,
    /// How many files are listed.
    len: usize,
    /// Per folder ("" for the output itself), its modification time (ns).
    pub folders: std::sync::Arc<FxHashMap<String, u64>>,
}

impl Listed {
    /// A listing of every file, read from the folder.
    pub fn of_files(files: FxHashMap<String, FileStamp>, folders: FxHashMap<String, u64>) -> Listed {
        let len = files.len();
        Listed { base: None, differ: files.into_iter().map(|(p, s)| (p, Some(s))).collect(), len, folders: std::sync::Arc::new(folders) }
    }

    /// A listing that found the files of `last` as it left them but those of `differ` (see
    /// [`Listed::differ`]).
    pub fn since(last: &LastTree, differ: FxHashMap<String, Option<FileStamp>>, folders: FxHashMap<String, u64>) -> Listed {
        let base = &last.files;
        let mut len = base.len();
        for (path, found) in &differ {
            match (found.is_some(), base.contains_key(path)) {
                (true, false) => len += 1,
                (false, true) => len -= 1,
                _ => {}
            }
        }
        Listed { base: Some(base.clone()), differ, len, folders: std::sync::Arc::new(folders) }
    }

    /// The file at `path` as listed; None when it was not found.
    pub fn stamp(&self, path: &str) -> Option<FileStamp> {
        match self.differ.get(path) {
            Some(found) => *found,
            None => self.base.as_ref()?.get(path).map(|e| Some((e.size, e.modified))),
        }
    }

    /// Whether a file is listed at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.stamp(path).is_some()
    }

    /// How many files are listed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no file is listed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The paths of the files listed, in no order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        let base = self.base.iter().flat_map(|b| b.keys()).filter(|p| !matches!(self.differ.get(p.as_str()), Some(None)));
        let added = self.differ.iter().filter(|(p, found)| found.is_some() && !self.base.as_ref().is_some_and(|b| b.contains_key(p.as_str())));
        base.map(String::as_str).chain(added.map(|(p, _)| p.as_str()))
    }

    /// Every file listed with its stamp (tests).
    #[cfg(test)]
    pub(crate) fn to_map(&self) -> BTreeMap<String, FileStamp> {
        self.paths().map(|p| (p.to_string(), self.stamp(p).flatten())).collect()
    }

    /// Whether this listing found every file of `last` (the last build's files as the cache
    /// knows them: [`LastTree::as_left`]) as that build left it. Files found besides do not count:
    /// the commit removes them.
    pub fn keeps(&self, last: &Listed) -> bool {
        let Some(base) = &last.base else { return true };
        match &self.base {
            // Only the files found otherwise than the same manifest says are looked at.
            Some(own) if std::sync::Arc::ptr_eq(own, base) => self.differ.iter().all(|(path, found)| found.is_some() && !base.contains_key(path)),
            _ => base.iter().all(|(path, e)| self.stamp(path) == Some(Some((e.size, e.modified)))),
        }
    }

    /// Whether the file the manifest `base` has at `path` as `e` is listed as it was then,
    /// answered without looking it up when this listing is of `base` itself.
    fn has_as(&self, base: &std::sync::Arc<FxHashMap<String, OutputEntry>>, path: &str, e: &OutputEntry) -> bool {
        match self.differ.get(path) {
            Some(found) => *found == Some(Some((e.size, e.modified))),
            None if self.base.as_ref().is_some_and(|b| std::sync::Arc::ptr_eq(b, base)) => true,
            None => self.stamp(path) == Some(Some((e.size, e.modified))),
        }
    }
}

/// The files and folders of an output as its last build left them (see
/// [`Cache::last_tree`]). A folder has an entry added, removed or renamed in it only with its
/// modification time changed: a listing reads again only the folders whose time changed, and
/// looks at each file of the others by its path (a file changed in place changes its own size
/// or time). Reading 42,000 folders at 10,000 datasets took a third of the listing's time.
#[derive(Debug, Clone)]
pub struct LastTree {
    files: std::sync::Arc<FxHashMap<String, OutputEntry>>,
    folders: std::sync::Arc<FxHashMap<String, u64>>,
}

impl LastTree {
    /// Every folder and its modification time (ns) as the last build left it.
    pub fn folders(&self) -> &FxHashMap<String, u64> {
        &self.folders
    }

    /// The size and time (ns) the last build left the file at `path` with.
    pub fn stamp(&self, path: &str) -> Option<(u64, u64)> {
        self.files.get(path).map(|e| (e.size, e.modified))
    }

    /// The listing of the output as the last build left it (its maps shared, not copied): what
    /// a walk finds when no one changed a file since.
    pub fn as_left(&self) -> Listed {
        Listed { base: Some(self.files.clone()), differ: FxHashMap::default(), len: self.files.len(), folders: self.folders.clone() }
    }

    /// Every file the last build left, with its size and time (ns).
    pub fn stamps(&self) -> impl ExactSizeIterator<Item = (&str, (u64, u64))> {
        self.files.iter().map(|(p, e)| (p.as_str(), (e.size, e.modified)))
    }

    /// The tree a listing gave (tests of the listing).
    #[cfg(test)]
    pub(crate) fn of(listed: &Listed) -> LastTree {
        let entry = |&(size, modified): &(u64, u64)| OutputEntry { key: None, size, modified, group: None, content: None };
        let files = listed.to_map().into_iter().filter_map(|(p, s)| Some((p, entry(s.as_ref()?)))).collect();
        LastTree { files: std::sync::Arc::new(files), folders: listed.folders.clone() }
    }
}

/// What the render stage asks of the cache: whether a file of the last output can be reused
/// for a key, and the keys of what it renders for the next build.
pub struct Memo {
    /// The last output (None: nothing is reused, as in a build without cache).
    output: Option<PathBuf>,
    /// The other output folders this cache knows a build of (`serve`'s temporary site beside
    /// `public/`), whose pieces kept per output a build of this one keeps too.
    others: Vec<String>,
    sala: String,
    previous: std::sync::Arc<FxHashMap<String, OutputEntry>>,
    /// Per group, its files in the last build (copied from `previous` when the memo is made,
    /// beside the build's other work, so that taking a group looks none of them up), each
    /// entry without its group (the map's key).
    groups: FxHashMap<String, Vec<(String, OutputEntry)>>,
    /// What this build knows of each file it sent, but those of the groups it took whole.
    keys: KeptShards,
    /// The groups this build took whole from the last (their files' entries stay as they were:
    /// recording each of 100,000 files again was most of taking them).
    reused_groups: Mutex<FxHashSet<String>>,
    /// The files a rebuild sent that it did not take from the last build by their keys (see
    /// [`Memo::sent`]); empty but in a rebuild.
    sent: Mutex<Vec<String>>,
    /// The cache folder, where the render stage keeps its own pieces (see `render::fragments`).
    dir: Option<PathBuf>,
    /// The output's files as listed at the start of the build, if they were.
    listed: Option<std::sync::Arc<Listed>>,
}

impl Memo {
    /// A memo that reuses nothing and records nothing: a build without cache.
    pub fn none() -> Memo {
        Memo { output: None, others: Vec::new(), sala: String::new(), previous: Default::default(), groups: FxHashMap::default(), keys: KeptShards::with_capacity(0), reused_groups: Mutex::default(), sent: Mutex::default(), dir: None, listed: None }
    }

    /// The cache folder, when the build keeps one on disk.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// This memo, knowing the output's files as listed at the start of the build (see
    /// [`Cache::memo`]).
    pub fn with_listing(mut self, listed: Option<std::sync::Arc<Listed>>) -> Memo {
        self.listed = listed;
        self
    }

    /// The other output folders this cache knows a build of (absolute paths).
    pub fn other_outputs(&self) -> &[String] {
        &self.others
    }

    /// How many files the last build left.
    pub fn files_before(&self) -> usize {
        self.previous.len()
    }

    /// Notes that the file at `path` was written, or taken from the last build for its bytes
    /// ([`Memo::same_bytes`]), not for its key: the files whose entries in the manifest may
    /// change. Every other file of a rebuild was taken by its key, as the last build left it,
    /// so the record of a rebuild ([`Cache::finish`]) and the files it deletes
    /// ([`crate::write::patch::gone`]) need look at these only, not at 150,000 files.
    pub fn sent(&self, path: &str) {
        if self.can_patch() {
            self.sent.lock().unwrap_or_else(|p| p.into_inner()).push(path.to_string());
        }
    }

    /// The files noted by [`Memo::sent`]; None when the build was not a rebuild.
    pub fn sent_paths(&self) -> Option<std::sync::MutexGuard<'_, Vec<String>>> {
        self.can_patch().then(|| self.sent.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Whether this memo keeps keys at all.
    pub fn active(&self) -> bool {
        self.output.is_some()
    }

    /// A hasher already holding this Sala's key, to compute an output key with.
    pub fn hasher(&self) -> KeyHasher {
        let mut h = KeyHasher::new();
        h.add(&self.sala);
        h
    }

    /// The last output's file at `path` if it was rendered from `key` and is still the file
    /// written then; its size. Records `key` for `path` either way.
    pub fn reuse(&self, path: &str, key: u64) -> Option<Reused<'_>> {
        if !self.active() {
            return None;
        }
        let found = self.previous.get_key_value(path).filter(|(_, e)| e.key == Some(key) && self.unchanged(path, e));
        self.keys.of(path).insert(path.to_string(), Kept { key: Some(key), reused: found.map(|(_, e)| (e.size, e.modified)), ..Kept::default() });
        found.map(|(path, e)| Reused { path, size: e.size })
    }

    /// The files of `group` (a dataset's downloads) in the last output, when they were all
    /// rendered from `key` and are all still as written.
    pub fn reuse_group(&self, group: &str, key: u64) -> Option<Vec<Reused<'_>>> {
        if !self.active() {
            return None;
        }
        let files = self.groups.get(group)?;
        if files.iter().any(|(path, e)| e.key != Some(key) || !self.unchanged(path, e)) {
            return None;
        }
        self.reused_groups.lock().unwrap_or_else(|p| p.into_inner()).insert(group.to_string());
        Some(files.iter().map(|(path, e)| Reused { path, size: e.size }).collect())
    }

    /// Records that `path` was rendered from `key` (as one of `group`'s files, if given).
    pub fn rendered(&self, path: &str, key: u64, group: Option<&str>) {
        if !self.active() {
            return;
        }
        let mut keys = self.keys.of(path);
        let kept = keys.entry(path.to_string()).or_default();
        kept.key = Some(key);
        kept.group = group.map(str::to_string);
    }

    /// The last output's file at `path` when it has exactly `bytes` (by hash) and is still as
    /// written: a file rendered every time (a catalog, a search shard) need not be written
    /// again when it came out the same.
    pub fn same_bytes(&self, path: &str, bytes: &[u8]) -> Option<Reused<'_>> {
        if !self.active() {
            return None;
        }
        let mut h = KeyHasher::new();
        h.add(bytes);
        let content = h.finish();
        let found = self.previous.get_key_value(path).filter(|(_, e)| e.content == Some(content) && self.unchanged(path, e));
        let mut keys = self.keys.of(path);
        let kept = keys.entry(path.to_string()).or_default();
        kept.content = Some(content);
        kept.reused = found.map(|(_, e)| (e.size, e.modified));
        found.map(|(path, e)| Reused { path, size: e.size })
    }

    /// The last output's file at `path`, when it was rendered from `key` and is still as
    /// written: a file a rebuild may read pieces of back (the catalogs).
    pub fn last_file(&self, path: &str, key: u64) -> Option<PathBuf> {
        let output = self.output.as_ref()?;
        let e = self.previous.get(path)?;
        (e.key == Some(key) && self.unchanged(path, e)).then(|| output.join(path))
    }

    /// Whether the last build of the output is known file by file, so that a rebuild may
    /// write only what changed into it ([`crate::write::patch`]).
    pub fn can_patch(&self) -> bool {
        self.output.is_some() && !self.previous.is_empty()
    }

    /// The last output folder, which reused files are linked from.
    pub fn output(&self) -> Option<&Path> {
        self.output.as_deref()
    }

    fn unchanged(&self, path: &str, e: &OutputEntry) -> bool {
        let Some(output) = &self.output else { return false };
        if let Some(listed) = &self.listed {
            return listed.has_as(&self.previous, path, e);
        }
        std::fs::symlink_metadata(output.join(path))
            .is_ok_and(|m| m.is_file() && m.len() == e.size && modified_u64(&m) == e.modified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{Column, DataFrame};

    fn entry(size: u64) -> OutputEntry {
        OutputEntry { key: Some(size * 10), size, modified: size * 100, group: (size % 2 == 0).then(|| "ds".to_string()), content: None }
    }

    fn state_with(base: u64, files: &[(&str, u64)], folders: &[(&str, u64)]) -> State {
        let files = files.iter().map(|(p, n)| (p.to_string(), entry(*n))).collect();
        let folders = folders.iter().map(|(f, t)| (f.to_string(), *t)).collect();
        let m = Manifest { marker: "1".into(), files: std::sync::Arc::new(files), folders: std::sync::Arc::new(folders) };
        State { sala: "s".into(), base, outputs: [("/out".to_string(), m)].into(), ..State::default() }
    }

    fn files_of(state: &State) -> Vec<(String, u64)> {
        let mut files: Vec<(String, u64)> = state.outputs["/out"].files.iter().map(|(p, e)| (p.clone(), e.size)).collect();
        files.sort();
        files
    }

    /// A rebuild's change to the manifest is appended to `state.log` and read back with
    /// `state.bin`; a record of another `state.bin` is not applied, and a record cut short
    /// ends the log, which then takes no more records (the next build saves the whole state).
    #[test]
    fn a_rebuilds_manifest_is_logged_and_read_back_with_the_state() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), STATE, &state_with(7, &[("a", 1), ("b/c", 2), ("b/d", 3)], &[("", 5), ("b", 6)]).encode()).unwrap();
        let record = |files: &[(&str, u64)], gone: &[&str]| StateLog {
            output: "/out".into(),
            marker: "2".into(),
            files: files.iter().map(|(p, n)| (p.to_string(), entry(*n))).collect(),
            gone: gone.iter().map(|p| p.to_string()).collect(),
            folders: vec![("e".into(), 9)],
            gone_folders: vec!["b".into()],
        };
        let len = record(&[("a", 4), ("e/f", 5)], &["b/c", "b/d"]).append(dir.path(), 7, 0).unwrap();
        let state = State::read(dir.path(), "s");
        assert_eq!(files_of(&state), [("a".to_string(), 4), ("e/f".to_string(), 5)]);
        let m = &state.outputs["/out"];
        assert_eq!((m.marker.as_str(), m.files["a"].clone()), ("2", entry(4)));
        let mut folders: Vec<_> = m.folders.iter().map(|(f, t)| (f.as_str(), *t)).collect();
        folders.sort();
        assert_eq!(folders, [("", 5), ("e", 9)]);
        assert_eq!(state.logged, len);
        assert_eq!(State::read(dir.path(), "another Sala").outputs.len(), 0);
        // A record of another state.bin (a log left beside a newer state) changes nothing.
        let len = record(&[("z", 1)], &[]).append(dir.path(), 8, len).unwrap();
        let state = State::read(dir.path(), "s");
        assert!(!state.outputs["/out"].files.contains_key("z"));
        assert_eq!(state.logged, len);
        // Cut short: the records before it stand, and the log takes no record after it.
        let whole = std::fs::read(dir.path().join(STATE_LOG)).unwrap();
        let more = record(&[("y", 1)], &[]).encode(7);
        std::fs::write(dir.path().join(STATE_LOG), [whole.as_slice(), &more[..more.len() - 3]].concat()).unwrap();
        let state = State::read(dir.path(), "s");
        assert_eq!(files_of(&state), [("a".to_string(), 4), ("e/f".to_string(), 5)]);
        assert_eq!(state.logged, len);
        assert!(record(&[("x", 1)], &[]).append(dir.path(), 7, state.logged).is_none());
    }

    /// A rebuild's changed parses are appended to `parsed.log`, not written with the others
    /// again, and read back with `parsed.bin`; a log cut short only costs a parse, and the
    /// next save writes the whole file again (and no log).
    #[test]
    fn changed_parses_are_logged_and_read_back() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join(DIR);
        let parses = std::cell::Cell::new(0);
        // The parse of each path, counted; its key tells which bytes it was made from.
        let get = |cache: &Cache, path: &str, stamps: (u64, u64), bytes: &'static [u8]| {
            let parse = |texts: Option<&[Vec<u8>]>| {
                parses.set(parses.get() + 1);
                ParsedSchema { key: texts.map_or(0, |t| t[0].len() as u64), schema: None, diagnostic: None }
            };
            cache.parsed_schema(Path::new(path), &[stamps], || Some(vec![bytes.to_vec()]), parse).key
        };
        let cache = Cache::open_as(root.path(), "s");
        for path in ["a", "b", "c"] {
            assert_eq!(get(&cache, path, (1, 1000), b"x"), 1);
        }
        cache.save_parsed(&dir);
        assert_eq!(parses.get(), 3);
        let whole = std::fs::read(dir.join(PARSED)).unwrap();
        assert!(!dir.join(PARSED_LOG).exists());
        // One changed: logged, parsed.bin as it was.
        let cache = Cache::open_as(root.path(), "s");
        assert_eq!((get(&cache, "a", (1, 1000), b"x"), get(&cache, "b", (1, 1000), b"x")), (1, 1));
        assert_eq!(get(&cache, "c", (3, 2000), b"yyy"), 3);
        cache.save_parsed(&dir);
        assert_eq!(parses.get(), 4);
        assert_eq!(std::fs::read(dir.join(PARSED)).unwrap(), whole);
        let log = std::fs::read(dir.join(PARSED_LOG)).unwrap();
        assert!(log.len() < 200, "only the changed parse: {} bytes of {}", log.len(), whole.len());
        // Read back with the file: nothing parsed again.
        let cache = Cache::open_as(root.path(), "s");
        assert_eq!([get(&cache, "a", (1, 1000), b"x"), get(&cache, "b", (1, 1000), b"x"), get(&cache, "c", (3, 2000), b"yyy")], [1, 1, 3]);
        assert_eq!(parses.get(), 4);
        cache.save_parsed(&dir);
        assert_eq!(std::fs::read(dir.join(PARSED_LOG)).unwrap(), log, "nothing changed, nothing logged");
        // Another Sala's cache is not read.
        let other = Cache::open_as(root.path(), "another Sala");
        assert_eq!(get(&other, "a", (1, 1000), b"x"), 1);
        assert_eq!(parses.get(), 5);
        // Cut short: the record is lost (its file is parsed again) and the whole file is saved.
        std::fs::write(dir.join(PARSED_LOG), &log[..log.len() - 3]).unwrap();
        let cache = Cache::open_as(root.path(), "s");
        assert_eq!((get(&cache, "a", (1, 1000), b"x"), get(&cache, "c", (3, 2000), b"yyy")), (1, 3));
        assert_eq!(parses.get(), 6);
        cache.save_parsed(&dir);
        assert!(!dir.join(PARSED_LOG).exists());
        assert_ne!(std::fs::read(dir.join(PARSED)).unwrap(), whole);
        let cache = Cache::open_as(root.path(), "s");
        assert_eq!(get(&cache, "c", (3, 2000), b"yyy"), 3);
        assert_eq!(parses.get(), 6);
    }

    /// A small checked table is kept in Sala's own form and a large one as Parquet: both read
    /// back as they were checked, and a broken one is refused (and deleted) whatever its form.
    #[test]
    fn checked_tables_small_and_large_read_back() {
        let dir = tempfile::tempdir().unwrap();
        for rows in [300usize, 100_001] {
            let text: Vec<Option<String>> = (0..rows).map(|i| (i % 3 != 0).then(|| format!("ค่า {i}"))).collect();
            let frame = DataFrame::new_infer_height(vec![Column::new("i".into(), (0..rows as i64).collect::<Vec<_>>()), Column::new("t".into(), text)]).unwrap();
            let key = rows as u64;
            let entry = save_checked(dir.path(), key, &(Some(frame.clone()), Report::default()), rows, &BTreeSet::new()).unwrap();
            let columns = CheckedEntry::decode(&entry).unwrap().columns.unwrap();
            let path = dir.path().join(table_file_name(key));
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(crate::load::table_file::is_table_file(&bytes), rows == 300, "{rows} rows");
            let stored = Entry { key, dir: dir.path().to_path_buf(), rows, columns, years: Default::default(), gone: Default::default() };
            assert!(stored.read().unwrap().equals_missing(&frame), "{rows} rows");
            std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
            assert!(stored.read().is_err(), "{rows} rows");
            assert!(!path.exists() && stored.gone.lock().unwrap().contains(&key));
        }
    }
}
