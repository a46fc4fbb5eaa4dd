//! The write stage, the only code that writes the site: everything goes into a fresh folder
//! beside the output, which replaces the old output only once complete. A failed build leaves
//! the last good site exactly as it was, and only a folder that Sala wrote is ever replaced
//! (see [`output`]).

pub mod output;
pub mod patch;

use crate::error::{Error, Result};
use crate::render::{OutputFile, Sink};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Writes `files` as the complete new contents of `output`, which must have passed
/// [`output::checked_output`]. Leftovers of earlier builds of the same folder that were killed
/// before they finished are removed first.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<()> {
    let staging = Staging::new(output)?;
    for file in files {
        staging.put(&file.path, &file.bytes)?;
    }
    staging.finish()
}

/// The new site being written: a fresh folder beside `output` that receives each file as it
/// is rendered (a [`Sink`]) and replaces `output` whole in [`Staging::finish`]. Dropped
/// without `finish` (a failed build), it is removed and `output` stays as it was.
pub struct Staging {
    output: PathBuf,
    parent: PathBuf,
    name: String,
    folder: tempfile::TempDir,
    /// The folders made so far (see [`Folders`]).
    folders: Folders,
}

impl Staging {
    /// Starts a new site for `output`, which must have passed [`output::checked_output`].
    /// Leftovers of earlier builds of the same folder that were killed before they finished
    /// are removed first.
    pub fn new(output: &Path) -> Result<Staging> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::env::current_dir().map_err(|e| Error::io(".", e))?,
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let name = output.file_name().map_or("public".into(), |n| n.to_string_lossy().into_owned());
        remove_leftovers(&parent, &name);
        let folder = tempfile::Builder::new()
            .prefix(&leftover_prefix(&name, "new"))
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        // The marker first: a build killed from here on leaves a folder the next one knows as its own.
        let marker = folder.path().join(output::MARKER);
        std::fs::write(&marker, output::MARKER_TEXT).map_err(|e| Error::io(&marker, e))?;
        let folders = Folders::new(folder.path());
        Ok(Staging { output: output.to_path_buf(), parent, name, folder, folders })
    }

    /// The folder being written.
    pub fn path(&self) -> &Path {
        self.folder.path()
    }

    /// Where the site-relative `path` goes in the staging folder, its folder created; a path
    /// that would leave the site is refused.
    fn target(&self, path: &str) -> Result<PathBuf> {
        place(&self.output, self.folder.path(), &self.folders, path)
    }

    /// Replaces the output with the new site; on failure the old output is put back.
    pub fn finish(self) -> Result<()> {
        let staged = self.folder.keep();
        swap_in(&staged, &self.output, &self.parent, &self.name)
    }
}

/// Where the site-relative `path` goes in `folder` (a staging or patch folder of `output`), its
/// folders made; a path that would leave the site is refused.
fn place(output: &Path, folder: &Path, folders: &Folders, path: &str) -> Result<PathBuf> {
    let relative = Path::new(path);
    if relative.as_os_str().is_empty() || relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(Error::PathEscape { path: relative.to_path_buf(), root: output.to_path_buf() });
    }
    let target = folder.join(relative);
    if let Some(dir) = target.parent() {
        folders.make(dir)?;
    }
    Ok(target)
}

/// The folders under a root that exist: each is made once, with one `mkdir`, rather than asked
/// for again before each of its files (at 3,000 datasets, 38,000 of 51,000 `mkdir` calls found
/// the folder there, and each then cost a `stat` too).
pub(crate) struct Folders {
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// Which folder tree this is, among all made by the process (see [`create_in`]).
    id: u64,
}

impl Folders {
    /// Knows only `root`, which exists.
    pub(crate) fn new(root: &Path) -> Folders {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Folders { made: std::sync::Mutex::new(std::collections::HashSet::from([root.to_path_buf()])), id }
    }

    /// Makes `dir` and the folders above it that were not made yet, up to a known one (`dir`
    /// is under the root).
    pub(crate) fn make(&self, dir: &Path) -> Result<()> {
        let known = |d: &Path| self.made.lock().unwrap_or_else(|p| p.into_inner()).contains(d);
        if known(dir) {
            return Ok(());
        }
        // The folders to make, nearest the root last.
        let missing: Vec<&Path> = dir.ancestors().take_while(|d| !known(d)).collect();
        for d in missing.into_iter().rev() {
            match std::fs::create_dir(d) {
                Ok(()) => {}
                // Made meanwhile by another thread; a file there fails the file's own open.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::io(d, e)),
            }
            self.made.lock().unwrap_or_else(|p| p.into_inner()).insert(d.to_path_buf());
        }
        Ok(())
    }
}

/// Folders a thread keeps open to create files in (see [`create_in`]).
const OPEN_FOLDERS: usize = 4;

thread_local! {
    /// The folders this thread created files in last: the id of their tree ([`Folders`]),
    /// their path and an `O_PATH` descriptor.
    static OPEN: std::cell::RefCell<Vec<(u64, PathBuf, rustix::fd::OwnedFd)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Creates (or empties) the file at `target`, in a folder of `folders` that exists, relative to
/// a descriptor of its folder that the thread keeps: a dataset's downloads are a dozen files in
/// two folders, and the kernel looked up each file's six or seven path components again (at
/// 3,000 datasets its dentry lookups were 3 % of the downloads' CPU time). The folder's tree id
/// is part of the key, so that a later build's folder of the same path is opened afresh.
fn create_in(folders: &Folders, target: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else { return std::fs::File::create(target) };
    OPEN.with(|open| {
        let Ok(mut open) = open.try_borrow_mut() else { return std::fs::File::create(target) };
        let at = match open.iter().position(|(id, path, _)| *id == folders.id && path == dir) {
            Some(at) => at,
            None => {
                let fd = rustix::fs::open(dir, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
                open.truncate(OPEN_FOLDERS - 1);
                open.insert(0, (folders.id, dir.to_path_buf(), fd));
                0
            }
        };
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&open[at].2, name, flags, Mode::from_raw_mode(0o666))?;
        Ok(std::fs::File::from(fd))
    })
}

/// [`put_at`] for a file of `folders`, created by [`create_in`].
fn put_in(folders: &Folders, target: &Path, bytes: &[u8]) -> Result<()> {
    create_in(folders, target).and_then(|mut f| f.write_all(bytes)).map_err(|e| Error::io(target, e))
}

/// [`open_at`] for a file of `folders`, created by [`create_in`].
fn open_in(folders: &Folders, target: &Path) -> Result<Gathered> {
    let file = create_in(folders, target).map_err(|e| Error::io(target, e))?;
    Ok(Gathered { file, buf: Vec::new() })
}

/// Writes one whole file at `target` (in a staging or patch folder).
fn put_at(target: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(target, bytes).map_err(|e| Error::io(target, e))
}

/// Creates the file at `target` to be written in pieces, buffered.
fn open_at(target: &Path) -> Result<Box<dyn Write + Send + 'static>> {
    let file = std::fs::File::create(target).map_err(|e| Error::io(target, e))?;
    Ok(Box::new(Gathered { file, buf: Vec::new() }))
}

/// Pieces written to a [`Gathered`] file are gathered up to this many bytes before they go
/// out in one `write`.
const GATHER: usize = 256 << 10;

/// A piece of at least this many bytes, with nothing gathered before it, is written at once.
const DIRECT: usize = 16 << 10;

/// A file written in pieces: small pieces are gathered into one `write` of up to [`GATHER`]
/// bytes, a large one goes straight to the file. Unlike a `BufWriter` of a fixed size, the
/// buffer grows only as far as the file needs: most downloads are a few kilobytes, written once,
/// and a megabyte's buffer for each of 30,000 of them was allocated (and its pages faulted in)
/// for nothing.
struct Gathered {
    file: std::fs::File,
    buf: Vec<u8>,
}

impl Gathered {
    fn write_out(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            self.file.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl Write for Gathered {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        // A large first piece (a whole CSV, NDJSON or JSON download of a small resource) is
        // written as it is: copying it into the buffer first would only add a copy.
        if self.buf.is_empty() && data.len() >= DIRECT {
            return self.file.write_all(data);
        }
        if self.buf.len() + data.len() > GATHER {
            self.write_out()?;
            if data.len() >= GATHER {
                return self.file.write_all(data);
            }
        }
        if self.buf.capacity() == 0 {
            self.buf.reserve(data.len().max(16 << 10));
        }
        self.buf.extend_from_slice(data);
        Ok(())
    }

    /// Writes out what was gathered (the file is not synced: a build that dies is rebuilt).
    fn flush(&mut self) -> std::io::Result<()> {
        self.write_out()
    }
}

/// Ranges of other files are copied by the kernel (`copy_file_range`, which `std::io::copy`
/// uses between files on Linux; elsewhere it reads and writes), after what was gathered.
impl crate::render::RangeWrite for Gathered {
    fn copy_range(&mut self, from: &std::fs::File, offset: u64, len: u64) -> std::io::Result<()> {
        self.write_out()?;
        crate::render::copy_range_to(from, offset, len, &mut self.file)
    }
}

impl Drop for Gathered {
    fn drop(&mut self) {
        // As a `BufWriter` does: what was not flushed is written now, an error lost (a file
        // that counts is flushed by `Stream::finish`, which reports one).
        let _ = self.write_out();
    }
}

/// [`open_at`] for a file that may take ranges of another file, which the kernel copies.
fn open_ranged_at(target: &Path) -> Result<Box<dyn crate::render::RangeWrite + 'static>> {
    let file = std::fs::File::create(target).map_err(|e| Error::io(target, e))?;
    Ok(Box::new(Gathered { file, buf: Vec::new() }))
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        put_in(&self.folders, &self.target(path)?, bytes)
    }

    fn open(&self, path: &str) -> Result<Box<dyn Write + Send + '_>> {
        Ok(Box::new(open_in(&self.folders, &self.target(path)?)?))
    }

    fn open_ranged(&self, path: &str) -> Result<Box<dyn crate::render::RangeWrite + '_>> {
        Ok(Box::new(open_in(&self.folders, &self.target(path)?)?))
    }

    /// A hard link to the last output's file: no bytes are copied, and the last output stays
    /// whole until the swap (its files are never written to, only replaced). Copied where
    /// the filesystem has no hard links.
    fn reuse(&self, path: &str, from: &Path) -> Result<()> {
        let target = self.target(path)?;
        if std::fs::hard_link(from, &target).is_err() {
            std::fs::copy(from, &target).map_err(|e| Error::io(from, e))?;
        }
        Ok(())
    }
}

/// Replaces `output` with `staged`; on failure the old output is put back.
fn swap_in(staged: &Path, output: &Path, parent: &Path, name: &str) -> Result<()> {
    if !output.exists() {
        return std::fs::rename(staged, output).map_err(|e| Error::io(output, e));
    }
    let old = tempfile::Builder::new()
        .prefix(&leftover_prefix(name, "old"))
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))?
        .keep();
    // `old` exists as an empty folder; rename needs the name free.
    std::fs::remove_dir(&old).map_err(|e| Error::io(&old, e))?;
    std::fs::rename(output, &old).map_err(|e| Error::io(output, e))?;
    if let Err(e) = std::fs::rename(staged, output) {
        let _ = std::fs::rename(&old, output);
        let _ = std::fs::remove_dir_all(staged);
        return Err(Error::io(output, e));
    }
    std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))
}

/// The name prefix of this process's staging (`new`) or replaced (`old`) folder for the output
/// `name`: `.public.new-<pid>-`. The process id tells a later build whether its owner still runs.
fn leftover_prefix(name: &str, kind: &str) -> String {
    format!(".{name}.{kind}-{}-", std::process::id())
}

/// Removes the staging and replaced folders of earlier builds of the output `name` that were
/// killed before they finished (a 10-million-row build leaves gigabytes). Folders of a build
/// that still runs are left alone, and so is anything Sala did not write; names without a
/// process id come from builds of older versions.
fn remove_leftovers(parent: &Path, name: &str) {
    remove_dead_folders(parent, &[format!(".{name}.new-"), format!(".{name}.old-")], true, output::written_by_sala);
}

/// Removes the folders in `parent` named `<prefix><pid>-<random>` whose process no longer runs
/// and that `removable` accepts; those with no process id in their name only when
/// `without_pid` says so.
pub(crate) fn remove_dead_folders(parent: &Path, prefixes: &[String], without_pid: bool, removable: impl Fn(&Path) -> bool) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(rest) = prefixes.iter().find_map(|p| file_name.strip_prefix(p.as_str())) else { continue };
        let owner = rest.split_once('-').and_then(|(pid, _)| pid.parse::<u32>().ok());
        let dead = match owner {
            Some(pid) => !process_runs(pid),
            None => without_pid,
        };
        let path = entry.path();
        if dead && entry.file_type().is_ok_and(|t| t.is_dir()) && removable(&path) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Whether a process with this id runs. Where the system cannot tell (no `/proc`), only this
/// process counts as running.
fn process_runs(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    proc.is_dir() && proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_build_replaces_the_first_completely() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("a/index.html", "one"), OutputFile::new("old.txt", "x")]).unwrap();
        write_site(&out, &[OutputFile::new("a/index.html", "two")]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("old.txt").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
        assert_eq!(std::fs::read_to_string(out.join(output::MARKER)).unwrap(), output::MARKER_TEXT);
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // A dead process's staging folder, a replaced site from an older version (no process
        // id), one that belongs to this running process, and someone's folder of the same shape.
        let dead = dir.path().join(".public.new-4294967295-abc");
        let legacy = dir.path().join(".public.old-xyz");
        let running = dir.path().join(format!(".public.new-{}-def", std::process::id()));
        let theirs = dir.path().join(".public.old-4294967294-mine");
        for d in [&dead, &legacy, &running, &theirs] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(dead.join(output::MARKER), "").unwrap();
        std::fs::write(dead.join("big.json"), "[]").unwrap();
        for f in ["index.html", "sitemap.xml"] {
            std::fs::write(legacy.join(f), "").unwrap();
        }
        std::fs::create_dir_all(legacy.join("api")).unwrap();
        std::fs::write(legacy.join("api/openapi.json"), "{}").unwrap();
        std::fs::write(theirs.join("notes.txt"), "keep").unwrap();
        write_site(&out, &[OutputFile::new("index.html", "new")]).unwrap();
        assert!(!dead.exists() && !legacy.exists());
        assert!(running.exists(), "a build still running keeps its folder");
        assert!(theirs.join("notes.txt").exists(), "a folder Sala did not write is never removed");
    }

    #[test]
    fn a_path_leaving_the_output_is_refused_and_the_old_site_stays() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("index.html", "good")]).unwrap();
        let err = write_site(&out, &[OutputFile::new("../evil.html", "bad")]).unwrap_err();
        assert_eq!(err.code(), "path-escape");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert!(!dir.path().join("evil.html").exists());
    }

    #[test]
    fn a_staging_folder_dropped_unfinished_leaves_the_old_site_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("index.html", "good")]).unwrap();
        {
            let staging = Staging::new(&out).unwrap();
            staging.put("index.html", b"half").unwrap();
            let mut w = staging.open("big/data.csv").unwrap();
            w.write_all(b"a\n1\n").unwrap();
            // A failed render stops here: the staging folder is dropped.
        }
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "good");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn files_written_in_pieces_are_complete_after_finish() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::new(&out).unwrap();
        {
            let mut w = staging.open("datasets/d/x.csv").unwrap();
            for i in 0..1000 {
                w.write_all(format!("{i}\n").as_bytes()).unwrap();
            }
        }
        staging.finish().unwrap();
        let text = std::fs::read_to_string(out.join("datasets/d/x.csv")).unwrap();
        assert_eq!(text.lines().count(), 1000);
        assert!(text.ends_with("999\n"));
    }
}
