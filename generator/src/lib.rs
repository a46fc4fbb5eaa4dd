//! Sala (ศาลา) turns a folder of agency datasets — CSV files, Table Schemas and bilingual
//! metadata — into a static, bilingual open-government data portal.
//!
//! The pipeline has one module per stage: [`load`] → [`validate`] → [`model`] → [`render`] →
//! [`write`]. [`check`] runs the first two, [`build`] all of them.

pub mod clock;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod infer;
pub mod init;
pub mod lang;
pub mod load;
pub mod model;
pub mod parallel;
pub mod parquet;
pub mod personal;
pub mod render;
pub mod serve;
pub mod session;
pub mod urls;
pub mod validate;
pub mod write;

use diagnostic::Report;
use error::Result;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `sala check` found.
#[derive(Debug)]
pub struct Checked {
    /// The problems, sorted.
    pub report: Report,
    /// The site's default language (diagnostics are shown in it unless asked otherwise).
    pub default_language: lang::Lang,
    /// How many datasets were read.
    pub datasets: usize,
    /// How many data rows were checked.
    pub rows: usize,
}

/// Loads and validates the portal at `root` without writing anything.
pub fn check(root: &Path) -> Result<Checked> {
    check_with(root, session::Hooks::default())
}

/// [`check`] with a cache and progress bars.
pub fn check_with(root: &Path, hooks: session::Hooks) -> Result<Checked> {
    let (source, mut report, checked) = load::load_each(root, hooks, |d| check_read(d, hooks))?;
    let mut validated = validate::finish_with(&source, checked.into_iter().flatten().collect(), hooks.cache);
    report.merge(std::mem::take(&mut validated.report));
    let today = clock::today(source.config.as_of.as_ref())?;
    model::quality::check_freshness(&source.datasets, today, &mut report);
    if let Some(warning) = source.config.robots_warning() {
        report.push(warning);
    }
    report.sort();
    let checked = Checked {
        report,
        default_language: source.config.default_language,
        datasets: source.datasets.len(),
        rows: rows_read(&source),
    };
    if checked.report.has_errors() {
        // Freeing a million rows' columns takes a few milliseconds more than reporting on them:
        // it happens beside, and a command that ends meanwhile need not wait for it.
        std::thread::spawn(move || drop((source, validated)));
        return Ok(checked);
    }
    // `check` fails wherever `build` would: every page is rendered (and thrown away), so a
    // theme or page that does not render stops the pull-request check, not the next publish.
    let site = model::build(source, validated, today)?;
    render::pages(&site, &render::Discard)?;
    tables_read(&site)?;
    std::thread::spawn(move || drop(site));
    Ok(checked)
}

/// Checks a dataset's tables against their schemas as soon as they are read, on the thread
/// that read them, then drops their raw cells: later stages need only the typed tables, and
/// the raw cells of a portal's every table, or of a large one beside its typed table, need
/// not be in memory at once (issue 15).
fn check_read(dataset: &mut load::DatasetSource, hooks: session::Hooks) -> Vec<validate::TableChecked> {
    let checked = validate::check_dataset(dataset, hooks);
    for table in dataset.resources.iter_mut().filter_map(|r| r.table.as_mut()) {
        table.release_cells();
    }
    checked
}

/// With `SALA_TIMINGS` set, says on stderr how long a stage took and the process's peak
/// memory so far (what `bench/portal.sh` reports as where the time goes); otherwise nothing.
pub fn timing(stage: &str, since: Instant) {
    if std::env::var_os("SALA_TIMINGS").is_none() {
        return;
    }
    // Linux says the peak resident set in /proc; elsewhere it is left out.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.trim_start_matches("VmHWM:").trim().to_string()))
        .unwrap_or_default();
    // CPU seconds of all threads so far (user + system; Linux counts them in ticks of 1/100 s):
    // on a shared machine they say more than the wall time.
    let cpu = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let fields: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
            Some((fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or_default();
    eprintln!("timing {stage:<10} {:>8.2} s wall  {cpu:>8.1} s cpu so far  peak {peak}", since.elapsed().as_secs_f64());
}

fn rows_read(source: &load::Source) -> usize {
    source.datasets.iter().flat_map(|d| &d.resources).filter_map(load::ResourceSource::rows).sum()
}

/// What a build published.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// The output folder.
    pub output: PathBuf,
    /// How many datasets.
    pub datasets: usize,
    /// How many data rows.
    pub rows: usize,
    /// How many HTML pages.
    pub pages: usize,
    /// How many files in all.
    pub files: usize,
    /// How many bytes in all.
    pub bytes: u64,
    /// How many files were taken unchanged from the last build (see [`load::cache`]).
    pub reused: usize,
    /// How many bytes of the files written again were copied from the last build's (the
    /// catalogs' texts of the datasets that did not change).
    pub copied: u64,
    /// How long the build took, in seconds.
    pub seconds: f64,
}

/// The outcome of `sala build`: the problems found and, when there were no errors, what was
/// published.
#[derive(Debug)]
pub struct Built {
    /// The problems found (warnings only, when the site was published).
    pub report: Report,
    /// The site's default language.
    pub default_language: lang::Lang,
    /// What was written; None when the data had errors and nothing was touched.
    pub published: Option<Published>,
    /// What the build leaves to free.
    pub leftovers: Leftovers,
    /// The cache's record of the files written, left for the caller to make once the site is
    /// served ([`build_owned`]); None when the build made it itself or has nothing to record.
    pub unrecorded: Option<Unrecorded>,
}

/// The record a build's cache keeps of the files it wrote (their keys, sizes and times: see
/// [`load::cache::Cache::finish`]), not made yet. `serve` makes it once the new site is served
/// and announced: at 10,000 datasets it is 150,000 entries and a fifth of a second, which the
/// next rebuild need not wait for, nor the page that reloads.
pub struct Unrecorded {
    output: PathBuf,
    memo: load::cache::Memo,
    written: render::Written,
    gone: Vec<String>,
    /// The rest of what the build leaves to free, freed with these.
    rest: Box<dyn std::any::Any + Send>,
}

impl Unrecorded {
    /// Makes the record in `cache` (the cache the build was given); what was kept for it is
    /// then freed on a thread of its own.
    pub fn record(self, cache: &load::cache::Cache) {
        record(cache, &self.output, &self.memo, &self.written, &self.gone);
        let Unrecorded { memo, written, rest, .. } = self;
        drop(Leftovers(Some(Box::new((memo, written, rest)))));
    }
}

/// Makes the cache's record of a build of `output` (see [`load::cache::Cache::finish`]).
fn record(cache: &load::cache::Cache, output: &Path, memo: &load::cache::Memo, written: &render::Written, gone: &[String]) {
    let since = Instant::now();
    cache.finish(output, memo, written, gone);
    timing("cache", since);
}

impl std::fmt::Debug for Unrecorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Unrecorded({}, {} files)", self.output.display(), self.written.len())
    }
}

/// What a build leaves to free: the site, the memo and the lists of files (150,000 paths each
/// at 10,000 datasets). Dropped, they are freed on a thread of their own (a rebuild's result
/// need not wait the ~50 ms that takes); a process that ends next leaves them to its end.
#[derive(Default)]
pub struct Leftovers(Option<Box<dyn std::any::Any + Send>>);

impl Leftovers {
    /// Leaves them to the end of the process, which gives its memory back at once: `sala
    /// build` ends after its summary, and freeing them took a core for 75 ms meanwhile.
    pub fn keep_to_exit(mut self) {
        std::mem::forget(self.0.take());
    }
}

impl std::fmt::Debug for Leftovers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Leftovers(..)" } else { "Leftovers(none)" })
    }
}

impl Drop for Leftovers {
    fn drop(&mut self) {
        if let Some(heavy) = self.0.take() {
            // (Should no thread start, they are freed here when the closure is dropped.)
            let _ = std::thread::Builder::new().name("sala-free".into()).spawn(move || drop(heavy));
        }
    }
}

/// Builds the portal at `root` into `output` (default: the site's `output_dir`). The output
/// folder is replaced only when the whole build succeeded.
pub fn build(root: &Path, output: Option<&Path>) -> Result<Built> {
    build_with(root, output, session::Hooks::default())
}

/// [`build`] with a cache (only what changed since the last build is read again and rendered
/// again; see [`load::cache`]) and progress bars.
pub fn build_with(root: &Path, output: Option<&Path>, hooks: session::Hooks) -> Result<Built> {
    build_into(root, output, hooks, false, false)
}

/// [`build_with`] into a folder that only this process writes (`serve`'s temporary site) and
/// whose last build with `hooks.cache` succeeded (`known`): its files are taken from the
/// cache's manifest instead of being listed again (150,000 files at 10,000 datasets). The
/// cache's record of the files written is left to the caller ([`Built::unrecorded`]), to be
/// made before the cache serves another build.
pub fn build_owned(root: &Path, output: &Path, hooks: session::Hooks, known: bool) -> Result<Built> {
    build_into(root, Some(output), hooks, known, true)
}

fn build_into(root: &Path, output: Option<&Path>, hooks: session::Hooks, known: bool, defer_record: bool) -> Result<Built> {
    let started = Instant::now();
    // Before any work: a folder that must not be replaced is refused at once, untouched (not
    // after minutes of reading a national portal's data).
    let portal = root.canonicalize().map_err(|e| error::Error::io(root, e))?;
    let config = config::SiteConfig::load(&portal)?;
    let output = output.map_or_else(|| portal.join(&config.output_dir), Path::to_path_buf);
    let output = write::output::checked_output(&portal, &output)?;
    // One build of an output at a time (`serve` writes a folder of its own): held until the
    // new site is in place.
    let _lock = (!defer_record).then(|| write::lock_output(&output));
    // With a cache: a commit a killed build left is finished first, then the output's files
    // are listed with their sizes and times while the portal is read (a rebuild reuses the
    // files that are still as the last build wrote them, and removes those it no longer makes).
    let recovered = match hooks.cache {
        Some(_) => write::patch::recover(&output)?,
        None => false,
    };
    let known = hooks.cache.filter(|_| known && !recovered).and_then(|c| c.listed(&output));
    // A rebuild of a folder whose files the last build recorded renders as if every file were
    // as that build left it (`Listing::trusted`), while the walk that looks at them goes on
    // beside (on the cores the build leaves idle: see `Listing::start`); it is checked before
    // the commit (see below).
    let last_tree = hooks.cache.filter(|_| known.is_none() && !recovered).map(|c| c.last_tree_later(&output));
    let mut listing = hooks.cache.filter(|_| known.is_none()).map(|_| write::patch::Listing::start(&output, last_tree));
    // Each dataset's tables are checked as it is read (see `check_read`): "load" includes that.
    let (source, mut report, checked) = load::load_each(root, hooks, |d| check_read(d, hooks))?;
    timing("load", started);
    let since = Instant::now();
    // The memo (the last build's files, by group) is made on a thread of its own meanwhile.
    let (validated, memo) = std::thread::scope(|scope| {
        let memo = scope.spawn(|| hooks.cache.map_or_else(load::cache::Memo::none, |c| c.memo(&output, !recovered)));
        let validated = validate::finish_with(&source, checked.into_iter().flatten().collect(), hooks.cache);
        (validated, memo.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    timing("validate", since);
    report.merge(validated.report.clone());
    let today = clock::today(source.config.as_of.as_ref())?;
    model::quality::check_freshness(&source.datasets, today, &mut report);
    if let Some(warning) = source.config.robots_warning() {
        report.push(warning);
    }
    report.sort();
    let default_language = source.config.default_language;
    if report.has_errors() {
        return Ok(Built { report, default_language, published: None, leftovers: Leftovers::default(), unrecorded: None });
    }
    let rows = rows_read(&source);
    let since = Instant::now();
    // Every file was parsed and scanned by now: the cache keeps the parses beside the model.
    let site = std::thread::scope(|scope| {
        if let Some(cache) = hooks.cache {
            scope.spawn(|| cache.save_parses());
        }
        model::build(source, validated, today)
    })?;
    timing("model", since);
    // Files are written as they are rendered, into a folder beside the output that replaces
    // it only once the whole site is there. With a cache, what did not change since the last
    // build of this output is taken from it, and only the files rendered again are written
    // (into a patch folder, committed once all rendered: see `load::cache`, `write::patch`).
    // The walk still to check, with the files it is to find (see below).
    let trusted = listing.as_mut().and_then(write::patch::Listing::trusted);
    let (pending, mut listed) = match (listing, trusted) {
        (Some(listing), Some(trusted)) => (Some((listing, trusted.clone())), Some(trusted)),
        (listing, _) => (None, listing.map(|l| l.files()).or(known).map(std::sync::Arc::new)),
    };
    let mut memo = memo.with_listing(listed.clone());
    let (render::Rendered { written, reused, copied }, cleanup, gone) = if memo.can_patch() {
        let mut patch = write::patch::Patch::new(&output)?;
        // Every table was read or checked by now: the cache keeps its index beside the render.
        let mut rendered = std::thread::scope(|scope| {
            if let Some(cache) = hooks.cache {
                scope.spawn(|| cache.save_checked());
            }
            render_to(&site, &patch, &memo, hooks.progress)
        })?;
        tables_read(&site)?;
        if let (Some((listing, trusted)), Some(cache)) = (pending, hooks.cache) {
            let found = std::sync::Arc::new(listing.files());
            if !found.keeps(&trusted) {
                // A file of the last build was changed or removed since (by hand: a build
                // replaces its files whole): what was rendered may have taken it as it was.
                // Dropped unpublished, and the site rendered again from the files as found,
                // as a build that waited for the walk does.
                drop(patch);
                memo = cache.memo(&output, true).with_listing(Some(found.clone()));
                patch = write::patch::Patch::new(&output)?;
                rendered = render_to(&site, &patch, &memo, hooks.progress)?;
                tables_read(&site)?;
            } else {
                memo = memo.with_listing(Some(found.clone()));
            }
            listed = Some(found);
        }
        let since = Instant::now();
        let sent = memo.sent_paths();
        let gone = match &listed {
            Some(listed) => write::patch::gone(listed, &rendered.written, sent.as_deref().map(Vec::as_slice)),
            None => write::patch::gone(&write::patch::Listing::everything(&output).files(), &rendered.written, None),
        };
        drop(sent);
        // The replaced files' space is freed meanwhile, until the build is done.
        let cleanup = patch.finish(&gone)?;
        timing("commit", since);
        (rendered, Some(cleanup), gone)
    } else {
        let staging = write::Staging::new(&output)?;
        let rendered = render_to(&site, &staging, &memo, hooks.progress)?;
        tables_read(&site)?;
        staging.finish()?;
        (rendered, None, Vec::new())
    };
    let mut published = Published {
        output: output.clone(),
        datasets: site.datasets.len(),
        rows,
        pages: written.keys().filter(|p| p.ends_with(".html")).count(),
        files: written.len(),
        bytes: written.values().sum(),
        reused,
        copied,
        // Set last, once the rest is handed over to be freed.
        seconds: 0.0,
    };
    let (leftovers, unrecorded) = match hooks.cache {
        Some(_) if defer_record => {
            // The replaced files' removal goes on meanwhile.
            let rest = Box::new((site, listed, cleanup));
            (Leftovers::default(), Some(Unrecorded { output, memo, written, gone, rest }))
        }
        cache => {
            if let Some(c) = cache {
                record(c, &output, &memo, &written, &gone);
            }
            let since = Instant::now();
            drop(cleanup);
            // How long the build waited for the replaced files to be freed.
            timing("freed", since);
            (Leftovers(Some(Box::new((site, memo, written, listed)))), None)
        }
    };
    published.seconds = started.elapsed().as_secs_f64();
    Ok(Built { report, default_language, published: Some(published), leftovers, unrecorded })
}

/// Fails when a table that rendering needed could not be read (its copy in the build cache and
/// its data file both failed; see [`model::Table`]): what was rendered without it is not
/// published, and the output stays as it was.
fn tables_read(site: &model::Site) -> Result<()> {
    match site.table_failure() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Renders the site into `sink`, moving the files bar of `progress`.
fn render_to(site: &model::Site, sink: &dyn render::Sink, memo: &load::cache::Memo, progress: Option<&session::Progress>) -> Result<render::Rendered> {
    match progress {
        Some(p) => render::render_with(site, &Ticking { sink, bar: &p.files }, memo),
        None => render::render_with(site, sink, memo),
    }
}

/// A sink that moves a progress bar by one for each file it passes on.
struct Ticking<'a> {
    sink: &'a dyn render::Sink,
    bar: &'a indicatif::ProgressBar,
}

impl render::Sink for Ticking<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.sink.put(path, bytes)?;
        // How many files a site has is known only once it is written: the bar's end moves too.
        self.bar.inc_length(1);
        self.bar.inc(1);
        Ok(())
    }

    fn open(&self, path: &str) -> Result<Box<dyn std::io::Write + Send + '_>> {
        self.bar.inc_length(1);
        self.bar.inc(1);
        self.sink.open(path)
    }

    // Passed on, or the catalogs' unchanged ranges would be read and written by Sala instead
    // of copied by the kernel.
    fn open_ranged(&self, path: &str) -> Result<Box<dyn render::RangeWrite + '_>> {
        self.bar.inc_length(1);
        self.bar.inc(1);
        self.sink.open_ranged(path)
    }

    fn reuse(&self, path: &str, from: &Path) -> Result<()> {
        self.sink.reuse(path, from)?;
        self.bar.inc_length(1);
        self.bar.inc(1);
        Ok(())
    }

    // Passed on whole, and the bar moved once: each move takes the bar's lock, which both
    // render threads wanted for each of 100,000 files.
    fn reuse_all(&self, found: &[load::cache::Reused], last: &Path) -> std::result::Result<(), (usize, error::Error)> {
        let done = self.sink.reuse_all(found, last);
        let taken = done.as_ref().map_or_else(|(taken, _)| *taken, |()| found.len()) as u64;
        self.bar.inc_length(taken);
        self.bar.inc(taken);
        done
    }
}
