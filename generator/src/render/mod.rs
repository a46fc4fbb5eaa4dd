//! The render stage: turns the `Site` into output files — HTML pages per language, data files,
//! the JSON API, catalogs and the theme's static files. Files go to a [`Sink`] as they are
//! rendered (the write stage's staging folder, or nowhere for `sala check`), so that a portal
//! of 10,000 datasets is never held in memory whole; only each file's path and size is kept.
//!
//! The modules call downward only. At the bottom, shared by every output: `encode` (XML text,
//! pretty JSON, CSV fields, numbers), `labels` (download formats, licence links, theme names),
//! `cells` (typed cells read from Arrow arrays), `zipped`, `rdf`, `fragments` and `ranges` (the
//! per-dataset pieces and the last build's byte ranges a rebuild reuses), `keys` (what each file
//! is made from), `page` (page jobs, the theme's strings, cards). Above them, one module per
//! kind of output: `data` (downloads, with `xlsx`), `api`, `catalog`, `search`, `hosting`, and
//! the page sections `chart`, `finance`, `dashboard`, `privacy`, `pager`; `html` renders the
//! pages of all of them with `templates`.

pub mod api;
mod cells;
pub mod catalog;
pub mod chart;
pub mod dashboard;
pub mod data;
pub mod encode;
pub mod finance;
pub mod fragments;
pub mod hosting;
pub mod html;
pub mod keys;
pub mod labels;
pub mod markdown;
mod page;
pub mod pager;
pub mod privacy;
mod ranges;
pub mod rdf;
pub mod search;
mod templates;
pub mod xlsx;
mod zipped;

use crate::error::{Error, Result};
use crate::load::cache::{Memo, Reused};
use crate::model::Site;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// The path under the output folder, with `/` separators.
    pub path: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

impl OutputFile {
    /// A file at `path` (site-relative).
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> OutputFile {
        OutputFile { path: path.into(), bytes: bytes.into() }
    }
}

/// Where rendered files go, one at a time and from several threads at once. Paths are
/// site-relative with `/` separators; each path comes at most once ([`Emitter`] sees to it).
pub trait Sink: Sync {
    /// Takes one whole file.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Opens a file that is written in pieces (a download of millions of rows); what is
    /// written is complete once the writer is flushed and dropped.
    fn open(&self, path: &str) -> Result<Box<dyn Write + Send + '_>>;
    /// Takes the file at `from` (in the last output) unchanged as `path`: what a rebuild does
    /// with the files its change did not touch (see [`crate::load::cache`]). By default the
    /// file is read and put.
    fn reuse(&self, path: &str, from: &std::path::Path) -> Result<()> {
        let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
        self.put(path, &bytes)
    }
    /// [`Sink::reuse`] for each of `found`, from the last output `last`; on an error, how many
    /// were taken before it.
    fn reuse_all(&self, found: &[Reused], last: &std::path::Path) -> std::result::Result<(), (usize, Error)> {
        reuse_each(self, found, last)
    }
    /// [`Sink::open`], for a file that may also take ranges of another file's bytes (a
    /// rebuild's catalog, most of it as the last build wrote it). By default the ranges are
    /// read and written.
    fn open_ranged(&self, path: &str) -> Result<Box<dyn RangeWrite + '_>> {
        Ok(Box::new(ReadRanges(self.open(path)?)))
    }
}

/// [`Sink::reuse`] for each of `found` in turn (see [`Sink::reuse_all`]).
pub fn reuse_each<S: Sink + ?Sized>(sink: &S, found: &[Reused], last: &std::path::Path) -> std::result::Result<(), (usize, Error)> {
    for (i, r) in found.iter().enumerate() {
        sink.reuse(r.path, &last.join(r.path)).map_err(|e| (i, e))?;
    }
    Ok(())
}

/// A file being written in pieces that can also take a range of another file's bytes: where
/// the sink writes real files, the kernel copies them (`copy_file_range`), never through Sala.
pub trait RangeWrite: Write + Send {
    /// Appends the `len` bytes of `from` that start at `offset`.
    fn copy_range(&mut self, from: &std::fs::File, offset: u64, len: u64) -> std::io::Result<()>;
}

/// Writes the `len` bytes of `from` that start at `offset` to `to`, with `std::io::copy`: from
/// file to file on Linux that is `copy_file_range`, done by the kernel; otherwise read and
/// written. A file shorter than the range is an error.
// Generic, not `dyn Write`: std::io::copy finds `copy_file_range` only when it sees a File.
pub(crate) fn copy_range_to<W: Write + ?Sized>(from: &std::fs::File, offset: u64, len: u64, to: &mut W) -> std::io::Result<()> {
    use std::io::{Read, Seek};
    let mut from = from;
    from.seek(std::io::SeekFrom::Start(offset))?;
    let copied = std::io::copy(&mut from.take(len), to)?;
    if copied != len {
        return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
    }
    Ok(())
}

/// A writer of [`Sink::open`] taking ranges by reading them.
struct ReadRanges<W>(W);

impl<W: Write + Send> Write for ReadRanges<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl<W: Write + Send> RangeWrite for ReadRanges<W> {
    fn copy_range(&mut self, from: &std::fs::File, offset: u64, len: u64) -> std::io::Result<()> {
        copy_range_to(from, offset, len, &mut self.0)
    }
}

/// A sink that throws every file away: `sala check` renders the pages only to know they render.
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _path: &str, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }
    fn open(&self, _path: &str) -> Result<Box<dyn Write + Send + '_>> {
        Ok(Box::new(std::io::sink()))
    }
    fn reuse(&self, _path: &str, _from: &std::path::Path) -> Result<()> {
        Ok(())
    }
}

/// A sink that keeps every file in memory, for tests and small tools.
#[derive(Debug, Default)]
pub struct Collect {
    files: Mutex<Vec<OutputFile>>,
}

impl Collect {
    /// The files received, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.files.into_inner().unwrap_or_else(|p| p.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Collect {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.files.lock().unwrap_or_else(|p| p.into_inner()).push(OutputFile::new(path, bytes));
        Ok(())
    }
    fn open(&self, path: &str) -> Result<Box<dyn Write + Send + '_>> {
        Ok(Box::new(CollectWriter { sink: self, file: Some(OutputFile::new(path, Vec::new())) }))
    }
}

/// A file of a [`Collect`] written in pieces; it joins the others when dropped.
struct CollectWriter<'a> {
    sink: &'a Collect,
    file: Option<OutputFile>,
}

impl Write for CollectWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(f) = &mut self.file {
            f.bytes.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for CollectWriter<'_> {
    fn drop(&mut self) {
        if let Some(f) = self.file.take() {
            self.sink.files.lock().unwrap_or_else(|p| p.into_inner()).push(f);
        }
    }
}

/// What a render sent to its sink: every file's path and size in bytes. The catalogs read the
/// downloads' sizes here and the sitemap the list of pages. A hash map, not a tree: each of a
/// national portal's 150,000 paths is claimed, recorded and looked up, and comparing long paths
/// that share their start down a tree was a tenth of a rebuild's CPU.
pub type Written = rustc_hash::FxHashMap<String, u64>;

/// Passes rendered files on to a [`Sink`] and records their paths and sizes; a second file
/// for the same path is an error, not a silent overwrite.
pub struct Emitter<'a> {
    sink: &'a dyn Sink,
    written: Mutex<Written>,
    /// The files sent before the downloads' sizes were handed out ([`Emitter::sizes`]),
    /// moved out of `written` then instead of copied (100,000 paths in a rebuild at 10,000
    /// datasets): a path sent again later is still refused.
    before: std::sync::OnceLock<Written>,
    /// Per thread recording a group, the paths it claimed since.
    groups: Mutex<std::collections::HashMap<std::thread::ThreadId, Vec<String>>>,
    /// How many threads record a group: while none does (the pages), a file sent does not
    /// lock `groups` to find out.
    grouping: std::sync::atomic::AtomicUsize,
    /// What the last build left, for the files that need not be rendered again.
    memo: &'a Memo,
    reused: std::sync::atomic::AtomicUsize,
    /// The bytes copied from the last output's files into files written in pieces.
    copied: std::sync::atomic::AtomicU64,
    /// The inputs' keys of this build, made once when first asked for (see [`keys`]).
    keys: std::sync::OnceLock<Option<keys::Keys>>,
}

impl<'a> Emitter<'a> {
    /// An emitter into `sink` that has written nothing yet, and reuses nothing.
    pub fn new(sink: &'a dyn Sink) -> Emitter<'a> {
        static NONE: std::sync::LazyLock<Memo> = std::sync::LazyLock::new(Memo::none);
        Emitter::with_memo(sink, &NONE)
    }

    /// An emitter into `sink` that takes from the last output what `memo` finds unchanged.
    pub fn with_memo(sink: &'a dyn Sink, memo: &'a Memo) -> Emitter<'a> {
        // Room for about every file of the last build at once, not grown (and every path hashed
        // again) eighteen times on the way.
        let written = Mutex::new(Written::with_capacity_and_hasher(memo.files_before(), Default::default()));
        Emitter { sink, written, before: std::sync::OnceLock::new(), copied: Default::default(), groups: Mutex::default(), grouping: Default::default(), memo, reused: Default::default(), keys: Default::default() }
    }

    /// The memo of the last build.
    pub fn memo(&self) -> &Memo {
        self.memo
    }

    /// The keys of `site`'s inputs, to take files from the last build by; None when the build
    /// keeps no cache. Made by the first stage that asks, once per build.
    pub fn keys(&self, site: &Site) -> Option<&keys::Keys> {
        self.keys.get_or_init(|| self.memo.active().then(|| keys::Keys::new(site, self.memo, &dashboard::shown_datasets(site)))).as_ref()
    }

    /// Claims `path`, so that no other file takes it.
    fn claim(&self, path: &str) -> Result<()> {
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        if written.contains_key(path) || self.sent_before(path) {
            return Err(Error::DuplicateOutput { path: path.to_string() });
        }
        written.insert(path.to_string(), 0);
        drop(written);
        if let Some(group) = self.group_of_thread().as_mut().and_then(|g| g.get_mut(&std::thread::current().id())) {
            group.push(path.to_string());
        }
        Ok(())
    }

    /// Takes a file of the last output unchanged.
    pub fn reused(&self, r: &Reused) -> Result<()> {
        self.reused_all(std::slice::from_ref(r))
    }

    /// Takes files of the last output unchanged (a group's: a dataset's downloads), with the
    /// list of files sent locked once for them all: an unchanged portal's downloads are most of
    /// its files, and each took three locks. A file the sink fails to take is unclaimed, so
    /// that it can still be rendered.
    pub fn reused_all(&self, found: &[Reused]) -> Result<()> {
        let Some(last) = self.memo.output() else {
            return match found.first() {
                Some(r) => Err(Error::DuplicateOutput { path: r.path.to_string() }),
                None => Ok(()),
            };
        };
        {
            // Claimed with one look at each path; a path claimed already is given back its
            // size, and the group's paths claimed before it are unclaimed.
            let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
            for (i, r) in found.iter().enumerate() {
                if self.sent_before(r.path) {
                    for r in &found[..i] {
                        written.remove(r.path);
                    }
                    return Err(Error::DuplicateOutput { path: r.path.to_string() });
                }
                if let Some(before) = written.insert(r.path.to_string(), r.size) {
                    written.insert(r.path.to_string(), before);
                    for r in &found[..i] {
                        written.remove(r.path);
                    }
                    return Err(Error::DuplicateOutput { path: r.path.to_string() });
                }
            }
        }
        if let Some(group) = self.group_of_thread().as_mut().and_then(|g| g.get_mut(&std::thread::current().id())) {
            group.extend(found.iter().map(|r| r.path.to_string()));
        }
        if let Err((taken, e)) = self.sink.reuse_all(found, last) {
            // The files not taken are unclaimed, so that they can still be rendered.
            let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
            for r in &found[taken..] {
                written.remove(r.path);
            }
            self.reused.fetch_add(taken, std::sync::atomic::Ordering::Relaxed);
            return Err(e);
        }
        self.reused.fetch_add(found.len(), std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// How many files were taken from the last output.
    pub fn reused_count(&self) -> usize {
        self.reused.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Starts recording the paths this thread claims from now on (a group of files made on
    /// one thread, such as a dataset's downloads).
    pub fn start_group(&self) {
        let mut groups = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        if groups.insert(std::thread::current().id(), Vec::new()).is_none() {
            self.grouping.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// The paths this thread claimed since [`Emitter::start_group`].
    pub fn end_group(&self) -> Vec<String> {
        let mut groups = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        let paths = groups.remove(&std::thread::current().id());
        if paths.is_some() {
            self.grouping.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }
        paths.unwrap_or_default()
    }

    /// The groups being recorded, locked; None when no thread records one. A thread that
    /// records one has counted it before it sends a file, so it never reads none here.
    fn group_of_thread(&self) -> Option<std::sync::MutexGuard<'_, std::collections::HashMap<std::thread::ThreadId, Vec<String>>>> {
        (self.grouping.load(std::sync::atomic::Ordering::SeqCst) > 0).then(|| self.groups.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Whether this thread records a group.
    fn in_group(&self) -> bool {
        self.group_of_thread().is_some_and(|g| g.contains_key(&std::thread::current().id()))
    }

    fn record(&self, path: &str, size: u64) {
        self.written.lock().unwrap_or_else(|p| p.into_inner()).insert(path.to_string(), size);
        self.memo.sent(path);
    }

    /// Sends one whole file (or, when the last build wrote the same bytes there, keeps that).
    pub fn file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        // A group's files (a dataset's downloads) have their key: their bytes need no hash.
        if !self.in_group() {
            if let Some(same) = self.memo.same_bytes(path, bytes) {
                self.reused(&same)?;
                self.memo.sent(path);
                return Ok(());
            }
        }
        self.claim(path)?;
        self.sink.put(path, bytes)?;
        self.record(path, bytes.len() as u64);
        Ok(())
    }

    /// Sends the file at `path` made from the inputs `key` hashes: the last build's file when it
    /// was made from the same key and is still as written, else the bytes `make` gives, recorded
    /// under `key` for the next build (without a key, always `make`'s). When the old file cannot
    /// be taken, it is made again: an error, if real, shows there.
    pub fn keyed(&self, path: &str, key: Option<u64>, make: impl FnOnce() -> Result<Vec<u8>>) -> Result<()> {
        if key.is_some_and(|key| self.take_unchanged(path, key)) {
            return Ok(());
        }
        self.file(path, &make()?)?;
        if let Some(key) = key {
            self.memo.rendered(path, key, None);
        }
        Ok(())
    }

    /// Takes the last build's file at `path` when it was made from `key` and is still as
    /// written; false when it is to be made (see [`Emitter::keyed`]).
    pub fn take_unchanged(&self, path: &str, key: u64) -> bool {
        self.memo.reuse(path, key).is_some_and(|reused| self.reused(&reused).is_ok())
    }

    /// Sends the files `make` gives as one group named `name`, made from the inputs `key`
    /// hashes: the last build's files of the group when they were all made from the same key
    /// and are still as written, else `make`'s, recorded under `key` for the next build (without
    /// a key, always `make`'s). For files made together from site-wide values (the API's
    /// dashboard and finance tables, the sitemap), which a rebuild made again only to find them
    /// the same. The group is kept as `site:<name>`: a dataset's downloads are a group named by
    /// its id, which has no colon.
    pub fn keyed_group(&self, name: &str, key: Option<u64>, make: impl FnOnce() -> Vec<OutputFile>) -> Result<()> {
        let group = format!("site:{name}");
        let group = group.as_str();
        if let Some(found) = key.and_then(|key| self.memo.reuse_group(group, key)) {
            return self.reused_all(&found);
        }
        self.start_group();
        let sent = self.files(make());
        let paths = self.end_group();
        sent?;
        if let Some(key) = key {
            for path in &paths {
                self.memo.rendered(path, key, Some(group));
            }
        }
        Ok(())
    }

    /// Sends each of `files`.
    pub fn files(&self, files: impl IntoIterator<Item = OutputFile>) -> Result<()> {
        files.into_iter().try_for_each(|f| self.file(&f.path, &f.bytes))
    }

    /// Writes the file at `path` in pieces with `write`, and returns its size. An error of
    /// `write` is reported as a data error of `source` (the resource it came from).
    pub fn stream(&self, path: &str, source: &str, write: impl FnOnce(&mut dyn Write) -> std::result::Result<(), String>) -> Result<u64> {
        let mut file = self.create(path)?;
        if let Err(message) = write(&mut file) {
            return Err(file.inner.error(path, source, message));
        }
        file.finish()
    }

    /// [`Emitter::stream`] with a writer that may also take ranges of another file's bytes
    /// (see [`RangeWrite`]).
    pub fn stream_ranged(&self, path: &str, source: &str, write: impl FnOnce(&mut dyn RangeWrite) -> std::result::Result<(), String>) -> Result<u64> {
        self.claim(path)?;
        let mut file = Counted::new(self.sink.open_ranged(path)?);
        if let Err(message) = write(&mut file) {
            return Err(file.error(path, source, message));
        }
        file.flush().map_err(|e| Error::io(path, e))?;
        drop(file.inner);
        self.copied.fetch_add(file.copied, std::sync::atomic::Ordering::Relaxed);
        self.record(path, file.bytes);
        Ok(file.bytes)
    }

    /// Opens the file at `path` to be written in pieces; it counts once [`Stream::finish`]ed.
    pub fn create(&self, path: &str) -> Result<Stream<'_>> {
        self.claim(path)?;
        Ok(Stream { out: self, path: path.to_string(), inner: Counted::new(self.sink.open(path)?) })
    }

    /// The paths of the HTML pages sent so far, sorted.
    pub fn pages(&self) -> Vec<String> {
        let written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        let before = self.before.get().into_iter().flat_map(|b| b.keys());
        let mut pages: Vec<String> = written.keys().chain(before).filter(|p| p.ends_with(".html")).cloned().collect();
        drop(written);
        pages.sort_unstable();
        pages
    }

    /// A copy of what was sent so far.
    pub fn written(&self) -> Written {
        let mut all = self.before.get().cloned().unwrap_or_default();
        all.extend(self.written.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(p, s)| (p.clone(), *s)));
        all
    }

    /// The files sent so far with their sizes (the downloads, which the pages and catalogs
    /// give the sizes of), kept as they are from now on; called once.
    pub fn sizes(&self) -> &Written {
        self.before.get_or_init(|| {
            let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
            // Room for the rest of the last build's files, as the map had for them all.
            let rest = self.memo.files_before().saturating_sub(written.len());
            std::mem::replace(&mut *written, Written::with_capacity_and_hasher(rest, Default::default()))
        })
    }

    /// Whether `path` was sent before [`Emitter::sizes`].
    fn sent_before(&self, path: &str) -> bool {
        self.before.get().is_some_and(|b| b.contains_key(path))
    }

    /// What was sent.
    pub fn into_written(self) -> Written {
        let since = self.written.into_inner().unwrap_or_else(|p| p.into_inner());
        match self.before.into_inner() {
            Some(mut before) => {
                before.extend(since);
                before
            }
            None => since,
        }
    }
}

/// A file being written in pieces (see [`Emitter::create`]).
pub struct Stream<'e> {
    out: &'e Emitter<'e>,
    path: String,
    inner: Counted<Box<dyn Write + Send + 'e>>,
}

impl Stream<'_> {
    /// The file's site-relative path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Completes the file and returns its size.
    pub fn finish(mut self) -> Result<u64> {
        self.inner.flush().map_err(|e| Error::io(&self.path, e))?;
        let size = self.inner.bytes;
        let (out, path) = (self.out, std::mem::take(&mut self.path));
        drop(self);
        out.record(&path, size);
        Ok(size)
    }
}

impl Write for Stream<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.inner.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A writer that counts the bytes that pass through it.
struct Counted<W> {
    inner: W,
    bytes: u64,
    /// Of `bytes`, those copied from another file.
    copied: u64,
    /// The first error writing gave: a stream's writer reports errors as text, and a full disk
    /// must be reported as the output's (io-error), not as the data's.
    failed: Option<std::io::Error>,
}

impl<W> Counted<W> {
    fn new(inner: W) -> Counted<W> {
        Counted { inner, bytes: 0, copied: 0, failed: None }
    }

    /// `result`, its error kept as the first if it is one.
    fn noted<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let (Err(e), None) = (&result, &self.failed) {
            self.failed = Some(e.raw_os_error().map_or_else(|| std::io::Error::new(e.kind(), e.to_string()), std::io::Error::from_raw_os_error));
        }
        result
    }

    /// The error of a stream's writer that returned `message`: the output's when writing
    /// failed (the disk full), else the data's, of `source`.
    fn error(&mut self, path: &str, source: &str, message: String) -> Error {
        match self.failed.take() {
            Some(e) => Error::io(path, e),
            None => Error::Data { path: source.into(), message },
        }
    }
}

/// Copied ranges count as written bytes.
impl RangeWrite for Counted<Box<dyn RangeWrite + '_>> {
    fn copy_range(&mut self, from: &std::fs::File, offset: u64, len: u64) -> std::io::Result<()> {
        let copied = self.inner.copy_range(from, offset, len);
        self.noted(copied)?;
        self.bytes += len;
        self.copied += len;
        Ok(())
    }
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf);
        let n = self.noted(written)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let written = self.inner.write_all(buf);
        self.noted(written)?;
        self.bytes += buf.len() as u64;
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = self.inner.flush();
        self.noted(flushed)
    }
}

/// Renders every file of the site into `sink`, and says what was sent.
pub fn render_into(site: &Site, sink: &dyn Sink) -> Result<Written> {
    render_with(site, sink, &Memo::none()).map(|r| r.written)
}

/// [`render_into`], taking from the last output the pages and downloads whose key did not
/// change since the build `memo` remembers (see [`crate::load::cache`]); says what was sent
/// and how many files were taken unchanged.
pub fn render_with(site: &Site, sink: &dyn Sink, memo: &Memo) -> Result<Rendered> {
    let out = Emitter::with_memo(sink, memo);
    // The downloads first: the dataset pages and the catalogs give their sizes.
    let since = Instant::now();
    data::render(site, &out)?;
    crate::timing("downloads", since);
    let sizes = out.sizes();
    // The API's, the search index's and the catalogs' per-dataset pieces of the last build
    // (see `fragments`), each kept in its own file.
    let sala = format!("{:016x}", memo.hasher().finish());
    let store = |name: &str| match memo.dir() {
        Some(dir) => fragments::Store::open(dir, name, &sala),
        None => fragments::Store::none(),
    };
    let catalogs = store(fragments::CATALOGS);
    // A rebuild writes the catalogs (but the sitemap) on a thread of their own while the
    // pages, the API and the search index are rendered: they need only the downloads' sizes,
    // and are mostly ranges of the last build's files that the kernel copies (290 MB at
    // 10,000 datasets), which left a core idle for the stages that follow on one. A full
    // build makes them after the others as before, not to hold both stages' memory at once.
    let beside = memo.can_patch();
    std::thread::scope(|scope| -> Result<()> {
        let dcat = beside.then(|| {
            scope.spawn(|| {
                let since = Instant::now();
                let done = catalog::render_catalogs(site, sizes, &out, &catalogs);
                crate::timing("dcat", since);
                done
            })
        });
        // Errors are returned once the catalogs' thread is done: its files are claimed by then.
        let rest = render_pages_api_search(site, &out, sizes, &store, &sala, beside);
        let dcat = match dcat.map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(done)) => done,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Ok(()),
        };
        rest.and(dcat)
    })?;
    // Last: the sitemap lists the pages and the catalogs give the downloads' sizes.
    let since = Instant::now();
    if !beside {
        catalog::render_catalogs(site, &out.written(), &out, &catalogs)?;
    }
    catalog::render_sitemap(site, &out.pages(), &out)?;
    out.files([hosting::render(site)])?;
    catalogs.save(&sala);
    crate::timing("catalogs", since);
    let (reused, copied) = (out.reused_count(), out.copied.load(std::sync::atomic::Ordering::Relaxed));
    Ok(Rendered { written: out.into_written(), reused, copied })
}

/// What a render sent (see [`render_with`]).
#[derive(Debug, Default)]
pub struct Rendered {
    /// Every file's path and size.
    pub written: Written,
    /// How many files were taken from the last output unchanged.
    pub reused: usize,
    /// How many bytes of the files written were copied from the last output's (the catalogs'
    /// unchanged ranges).
    pub copied: u64,
}

/// The pages, the API, the search index and the theme's static files, after the downloads
/// (`sizes`: the files written so far). In a rebuild (`beside`), the API and the search index
/// are made on a thread of their own while the pages render: most of their datasets' pieces
/// are the last build's, and made after the pages they kept one core of two idle for a tenth
/// of a second at 10,000 datasets. A full build makes them after, not to hold the pages' and
/// the search index's memory at once.
fn render_pages_api_search(site: &Site, out: &Emitter, sizes: &Written, store: &(dyn Fn(&str) -> fragments::Store + Sync), sala: &str, beside: bool) -> Result<()> {
    let since = Instant::now();
    let facets = facets(site);
    let pages = || {
        let done = html::render(site, out, sizes, &facets);
        crate::timing("pages", since);
        done
    };
    let rest = || -> Result<()> {
        let since = Instant::now();
        let pieces = store(api::FRAGMENTS);
        api::render(site, out, &pieces)?;
        pieces.save(sala);
        dashboard::render_api(site, out)?;
        out.files(privacy::data_files(site))?;
        crate::timing("api", since);
        let since = Instant::now();
        let pieces = store(fragments::SEARCH);
        search::render(site, out, &pieces, &facets)?;
        pieces.save(sala);
        crate::timing("search", since);
        for (path, bytes) in &site.theme.static_files {
            out.file(&site.urls.static_file(path), bytes)?;
        }
        Ok(())
    };
    if !beside {
        return pages().and_then(|()| rest());
    }
    std::thread::scope(|scope| {
        let rest = scope.spawn(rest);
        let pages = pages();
        match rest.join() {
            Ok(done) => pages.and(done),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Per language, the facet groups and their values: made once, one language per thread, for the
/// pages (lists, navigation, facet pages) and the search index's filters, which show the same.
fn facets(site: &Site) -> BTreeMap<crate::lang::Lang, Vec<crate::model::search::Facet>> {
    let made = crate::parallel::map(&site.languages, |&lang| crate::model::search::facets(site, lang));
    site.languages.iter().copied().zip(made).collect()
}

/// Renders every file of the site into memory, sorted by path (tests and small portals).
pub fn render(site: &Site) -> Result<Vec<OutputFile>> {
    let sink = Collect::default();
    render_into(site, &sink)?;
    Ok(sink.into_files())
}

/// Renders every HTML page and nothing else into `sink`: what `sala check` runs (into
/// [`Discard`]) so that a theme or a page that would stop `sala build` stops the pull-request
/// check too, without the cost of the downloads.
pub fn pages(site: &Site, sink: &dyn Sink) -> Result<Written> {
    let out = Emitter::new(sink);
    html::render(site, &out, &Written::default(), &facets(site))?;
    Ok(out.into_written())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_is_sent_once_with_its_size_recorded() {
        let sink = Collect::default();
        let out = Emitter::new(&sink);
        out.file("a/index.html", b"<p>one</p>").unwrap();
        let size = out.stream("d/x.csv", "datasets/d/x.csv", |w| w.write_all(b"a,b\n1,2\n").map_err(|e| e.to_string())).unwrap();
        assert_eq!(size, 8);
        let err = out.file("a/index.html", b"two").unwrap_err();
        assert_eq!(err.code(), "duplicate-output");
        assert!(err.to_string().contains("a/index.html"), "{err}");
        let written: BTreeMap<String, u64> = out.into_written().into_iter().collect();
        assert_eq!(written.into_iter().collect::<Vec<_>>(), vec![("a/index.html".to_string(), 10), ("d/x.csv".to_string(), 8)]);
        let files = sink.into_files();
        assert_eq!(files, vec![OutputFile::new("a/index.html", "<p>one</p>"), OutputFile::new("d/x.csv", "a,b\n1,2\n")]);
    }

    #[test]
    fn a_path_sent_before_the_sizes_were_handed_out_is_still_refused_after() {
        let sink = Collect::default();
        let out = Emitter::new(&sink);
        out.file("datasets/d/x.csv", b"a,b\n1,2\n").unwrap();
        assert_eq!(out.sizes().get("datasets/d/x.csv"), Some(&8));
        out.file("datasets/d/index.html", b"<p>d</p>").unwrap();
        let err = out.file("datasets/d/x.csv", b"again").unwrap_err();
        assert_eq!(err.code(), "duplicate-output");
        assert_eq!(out.pages(), vec!["datasets/d/index.html".to_string()]);
        assert_eq!(out.written().len(), 2);
        let written: BTreeMap<String, u64> = out.into_written().into_iter().collect();
        assert_eq!(written.into_iter().collect::<Vec<_>>(), vec![("datasets/d/index.html".to_string(), 8), ("datasets/d/x.csv".to_string(), 8)]);
    }

    /// A sink whose files cannot be written: the disk is full.
    struct Full;

    impl Sink for Full {
        fn put(&self, path: &str, _: &[u8]) -> Result<()> {
            Err(Error::io(path, std::io::Error::from_raw_os_error(libc::ENOSPC)))
        }
        fn open(&self, _: &str) -> Result<Box<dyn Write + Send + '_>> {
            struct NoRoom;
            impl Write for NoRoom {
                fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                    Err(std::io::Error::from_raw_os_error(libc::ENOSPC))
                }
                fn flush(&mut self) -> std::io::Result<()> {
                    Ok(())
                }
            }
            Ok(Box::new(NoRoom))
        }
    }

    #[test]
    fn a_full_disk_while_streaming_is_the_outputs_error_not_the_datas() {
        let out = Emitter::new(&Full);
        let err = out.stream("d/x.csv", "datasets/d/x.csv", |w| w.write_all(b"a,b\n").map_err(|e| e.to_string())).unwrap_err();
        assert_eq!(err.code(), "io-error", "{err}");
        assert!(err.to_string().contains("d/x.csv"), "{err}");
        assert!(matches!(&err, Error::Io { source, .. } if source.raw_os_error() == Some(libc::ENOSPC)), "{err:?}");
    }

    #[test]
    fn a_failed_stream_is_a_data_error_of_its_source() {
        let out = Emitter::new(&Discard);
        let err = out.stream("d/x.json", "datasets/d/x.csv", |_| Err("no more room".into())).unwrap_err();
        assert_eq!(err.code(), "data-error");
        assert!(err.to_string().contains("datasets/d/x.csv") && err.to_string().contains("no more room"), "{err}");
    }
}
