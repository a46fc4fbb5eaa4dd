//! The write stage, the only code that writes the site: everything goes into a fresh folder
//! beside the output, which replaces the old output only once complete. A failed build leaves
//! the last good site exactly as it was, and only a folder that Sala wrote is ever replaced
//! (see [`output`]).

pub mod output;
pub mod patch;

use crate::error::{Error, Result};
use crate::render::{OutputFile, Sink};
use rustix::fd::OwnedFd;
use rustix::fs::{Mode, OFlags};
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
    staging.finish_and_wait()
}

/// The new site being written: a fresh folder beside `output` that receives each file as it
/// is rendered (a [`Sink`]) and replaces `output` whole in [`Staging::finish`]. Dropped
/// without `finish` (a failed build), it is removed and `output` stays as it was.
pub struct Staging {
    output: PathBuf,
    parent: PathBuf,
    folder: tempfile::TempDir,
    /// The folders made so far (see [`Folders`]), and the folder's descriptor that every file
    /// is created relative to.
    folders: Folders,
}

impl Staging {
    /// Starts a new site for `output`, which must have passed [`output::checked_output`].
    /// Leftovers of earlier builds of the same folder that were killed before they finished
    /// are removed first.
    pub fn new(output: &Path) -> Result<Staging> {
        refuse_when_stopping(output)?;
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
        let folders = Folders::new(folder.path());
        let staging = Staging { output: output.to_path_buf(), parent, folder, folders };
        // The marker first: a build killed from here on leaves a folder the next one knows as its own.
        staging.put(output::MARKER, output::MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// The folder being written.
    pub fn path(&self) -> &Path {
        self.folder.path()
    }

    /// Creates the new file at the site-relative `path`, its folders made, relative to the
    /// staging folder's descriptor: one `openat` that looks up the site path only, not the
    /// staging folder's own path again for each of 150,000 files. A path that would leave the
    /// site is refused, and so is a file that exists (each path comes once).
    fn create(&self, path: &str) -> Result<std::fs::File> {
        self.folders.make_for(&self.output, path)?;
        let fd = rustix::fs::openat(self.folders.fd()?, path, OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC, Mode::from_raw_mode(0o666))
            .map_err(|e| Error::io(self.path().join(path), e.into()))?;
        Ok(std::fs::File::from(fd))
    }

    /// Replaces the output with the new site in one step; on failure the old output stays.
    /// The old site is removed by a process of its own, which the build does not wait for
    /// (see [`remove_detached`]).
    pub fn finish(self) -> Result<()> {
        if let Some(old) = self.swap()? {
            remove_detached(&old);
        }
        Ok(())
    }

    /// [`Staging::finish`], the old site removed before it returns.
    pub fn finish_and_wait(self) -> Result<()> {
        if let Some(old) = self.swap()? {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }

    /// Puts the new site in the output's place; returns where the old site now is, if there
    /// was one.
    fn swap(self) -> Result<Option<PathBuf>> {
        let Staging { output, parent, folder, folders } = self;
        drop(folders);
        let staged = folder.keep();
        swap_in(&staged, &output, &parent)
    }
}

/// Refuses a site-relative `path` that is empty or would leave the site (`..`, an absolute
/// path, `.`), naming `output`.
fn site_path<'a>(output: &Path, path: &'a str) -> Result<&'a Path> {
    let relative = Path::new(path);
    if relative.as_os_str().is_empty() || relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(Error::PathEscape { path: relative.to_path_buf(), root: output.to_path_buf() });
    }
    Ok(relative)
}

/// Where the site-relative `path` goes in `folder` (a staging or patch folder of `output`), its
/// folders made; a path that would leave the site is refused.
fn place(output: &Path, folder: &Path, folders: &Folders, path: &str) -> Result<PathBuf> {
    folders.make_for(output, path)?;
    Ok(folder.join(path))
}

/// The folders under a root that exist: each is made once, with one `mkdirat` relative to the
/// root's descriptor, rather than asked for again before each of its files (at 3,000 datasets,
/// 38,000 of 51,000 `mkdir` calls found the folder there, and each then cost a `stat` too) or
/// looked up from the current folder down (the root's own path, again for each).
pub(crate) struct Folders {
    root: PathBuf,
    /// The root, opened once; an error is reported by the first folder or file made in it.
    fd: std::io::Result<OwnedFd>,
    /// The folders made, relative to the root (`a/b`).
    made: std::sync::Mutex<rustc_hash::FxHashSet<String>>,
}

impl Folders {
    /// Knows only `root`, which exists.
    pub(crate) fn new(root: &Path) -> Folders {
        let fd = rustix::fs::openat(rustix::fs::CWD, root, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()).map_err(std::io::Error::from);
        Folders { root: root.to_path_buf(), fd, made: Default::default() }
    }

    /// The root's descriptor.
    fn fd(&self) -> Result<&OwnedFd> {
        self.fd.as_ref().map_err(|e| Error::io(&self.root, std::io::Error::from(e.kind())))
    }

    /// Refuses the site-relative `path` of a file of `output` that would leave the site, and
    /// makes the folders it goes in.
    fn make_for(&self, output: &Path, path: &str) -> Result<()> {
        refuse_when_stopping(output)?;
        site_path(output, path)?;
        match path.rsplit_once('/') {
            Some((dir, _)) => self.make_relative(dir),
            None => Ok(()),
        }
    }

    /// Makes the folder `dir` (relative to the root, `/`-separated) and those above it that
    /// were not made yet. The lock is held while they are made, so that two threads never
    /// make the same folder (the second would fail and look again).
    pub(crate) fn make_relative(&self, dir: &str) -> Result<()> {
        let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        if made.contains(dir) {
            return Ok(());
        }
        // The folders to make, nearest the root last.
        let mut missing = vec![dir];
        let mut above = dir;
        while let Some((up, _)) = above.rsplit_once('/') {
            if made.contains(up) {
                break;
            }
            missing.push(up);
            above = up;
        }
        let fd = self.fd()?;
        for d in missing.into_iter().rev() {
            match rustix::fs::mkdirat(fd, d, Mode::from_raw_mode(0o777)) {
                // Already there: a path written as `a//b`, or a folder someone made.
                Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                Err(e) => return Err(Error::io(self.root.join(d), e.into())),
            }
            made.insert(d.to_string());
        }
        Ok(())
    }
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
    /// One `openat`, one `write` of the whole file (none when empty), one `close`.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let mut file = self.create(path)?;
        file.write_all(bytes).map_err(|e| Error::io(self.path().join(path), e))
    }

    fn open(&self, path: &str) -> Result<Box<dyn Write + Send + '_>> {
        Ok(Box::new(Gathered { file: self.create(path)?, buf: Vec::new() }))
    }

    fn open_ranged(&self, path: &str) -> Result<Box<dyn crate::render::RangeWrite + '_>> {
        Ok(Box::new(Gathered { file: self.create(path)?, buf: Vec::new() }))
    }

    /// A hard link to the last output's file: no bytes are copied, and the last output stays
    /// whole until the swap (its files are never written to, only replaced). Copied where
    /// the filesystem has no hard links.
    fn reuse(&self, path: &str, from: &Path) -> Result<()> {
        self.folders.make_for(&self.output, path)?;
        if rustix::fs::linkat(rustix::fs::CWD, from, self.folders.fd()?, path, rustix::fs::AtFlags::empty()).is_err() {
            std::fs::copy(from, self.path().join(path)).map_err(|e| Error::io(from, e))?;
        }
        Ok(())
    }
}

/// Puts `staged` in the place of `output`: swapped with the old output in one
/// `renameat2(RENAME_EXCHANGE)`, so that the output is never missing, not even for an
/// instant; the old site is then at `staged`'s name (a folder of this process's staging,
/// which a later build removes should this one be killed before it does). Returns where the
/// old site is, None when there was no output. Where the file system cannot swap, the old
/// output is renamed aside first and put back if the new one cannot take its place.
fn swap_in(staged: &Path, output: &Path, parent: &Path) -> Result<Option<PathBuf>> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, staged, CWD, output, RenameFlags::EXCHANGE) {
        Ok(()) => return Ok(Some(staged.to_path_buf())),
        // No output yet: the new site takes the name.
        Err(rustix::io::Errno::NOENT) => {
            return match std::fs::rename(staged, output) {
                Ok(()) => Ok(None),
                Err(e) => {
                    let _ = std::fs::remove_dir_all(staged);
                    Err(Error::io(output, e))
                }
            };
        }
        // A file system (or system) that cannot swap: two renames.
        Err(_) => {}
    }
    let name = output.file_name().map_or("public".into(), |n| n.to_string_lossy().into_owned());
    let old = tempfile::Builder::new()
        .prefix(&leftover_prefix(&name, "old"))
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
    Ok(Some(old))
}

/// Removes the replaced site `old` without making the build wait: by an `rm -rf` process of
/// its own, which outlives this one. Deleting a national portal's 150,000 files costs the
/// kernel seconds (on a disk mounted with `discard`, minutes), and the new site is complete
/// already. Should it be killed, the next build removes what is left (see
/// [`remove_leftovers`]: the folder is named as this process's staging or replaced folder).
/// Where no process can be started, the folder is removed here.
fn remove_detached(old: &Path) {
    // The folder stays locked while the process removes it: the lock goes with the open folder
    // into that process. A build that starts meanwhile leaves a locked folder to it (see
    // [`remove_dead_folders`]); it removed the same 4 GB itself, and took 13 s for one change.
    let lock = lock_for_child(old);
    let started = std::process::Command::new("rm")
        .arg("-rf")
        .arg("--")
        .arg(old)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match started {
        // Waited for on a thread of its own, so that a long-running process (`sala serve`)
        // leaves no finished child behind; a process that ends first does not wait.
        Ok(mut child) => {
            let _ = std::thread::Builder::new().name("sala-remove".into()).spawn(move || child.wait());
        }
        Err(_) => {
            let _ = std::fs::remove_dir_all(old);
        }
    }
    // This process's copy: the lock is held as long as the removal runs.
    drop(lock);
}

/// Set when the process is stopping (Ctrl+C in `serve`): no file or folder is made after it,
/// so that the folder being written can be removed whole before the process ends.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// An error (interrupted) once the process is stopping (see [`STOPPING`]): nothing is made for
/// `output` from then on, not even the folder it goes in.
pub(crate) fn refuse_when_stopping(output: &Path) -> Result<()> {
    if STOPPING.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Error::io(output, std::io::Error::from(std::io::ErrorKind::Interrupted)));
    }
    Ok(())
}

/// Stops every build of this process from making files (see [`STOPPING`]).
pub fn stop_writing() {
    STOPPING.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Held while a build of one output runs (see [`lock_output`]).
pub struct OutputLock {
    _folder: Option<OwnedFd>,
}

/// Locks the output `output` for one build, waiting (and saying so) while another build of a
/// folder beside it holds the lock: the lock is on the output's parent folder, which no build
/// renames. Two builds of one output at once could each swap in its site, the slower one last,
/// made from the sources as they were before the other build read them. No lock (and no
/// wait) where the parent cannot be opened.
pub fn lock_output(output: &Path) -> OutputLock {
    let Some(folder) = output.parent().and_then(open_folder) else { return OutputLock { _folder: None } };
    if lock(&folder).is_err() {
        let shown = output.display();
        eprintln!("waiting for another sala build of {shown} to finish… / รอให้ sala build อีกตัวที่เขียน {shown} เสร็จก่อน…");
        let _ = rustix::fs::flock(&folder, rustix::fs::FlockOperation::LockExclusive);
    }
    OutputLock { _folder: Some(folder) }
}

/// Opens the folder at `path` and locks it (`flock`), with the descriptor left open across
/// `exec`, so that a process started next holds the lock until it ends; None when the folder
/// cannot be opened or locked (its removal then goes on unlocked).
fn lock_for_child(path: &Path) -> Option<OwnedFd> {
    let fd = open_folder(path)?;
    lock(&fd).ok()?;
    rustix::io::fcntl_setfd(&fd, rustix::io::FdFlags::empty()).ok()?;
    Some(fd)
}

/// Whether another process holds the lock of the folder at `path` (a removal under way, see
/// [`remove_detached`]).
fn locked_by_another(path: &Path) -> bool {
    // Taken and given back at once (closing the folder lets it go).
    open_folder(path).is_some_and(|fd| lock(&fd).is_err())
}

/// The folder at `path`, opened to be locked.
fn open_folder(path: &Path) -> Option<OwnedFd> {
    rustix::fs::open(path, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()).ok()
}

/// Locks the open folder `fd` for this open of it, without waiting.
fn lock(fd: &OwnedFd) -> rustix::io::Result<()> {
    rustix::fs::flock(fd, rustix::fs::FlockOperation::NonBlockingLockExclusive)
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
        if dead && entry.file_type().is_ok_and(|t| t.is_dir()) && removable(&path) && !locked_by_another(&path) {
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

    /// A second build of an output waits for the first to let go of its lock.
    #[test]
    fn a_second_build_of_an_output_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let first = lock_output(&output);
        let (tx, rx) = std::sync::mpsc::channel();
        let waiting = std::thread::spawn(move || {
            let _second = lock_output(&output);
            tx.send(()).unwrap();
        });
        assert!(rx.recv_timeout(std::time::Duration::from_millis(300)).is_err(), "the second lock waits");
        drop(first);
        assert!(rx.recv_timeout(std::time::Duration::from_secs(10)).is_ok(), "and is taken once the first is let go");
        waiting.join().unwrap();
    }

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
    fn a_replaced_site_being_removed_is_left_to_its_removal() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // A replaced site whose build has ended but whose removal still runs (it holds the
        // folder's lock: here another open of it), and one whose removal died.
        let removing = dir.path().join(".public.old-4294967295-abc");
        let abandoned = dir.path().join(".public.old-4294967295-def");
        for d in [&removing, &abandoned] {
            std::fs::create_dir_all(d).unwrap();
            std::fs::write(d.join(output::MARKER), "").unwrap();
        }
        let lock = lock_for_child(&removing).unwrap();
        write_site(&out, &[OutputFile::new("index.html", "one")]).unwrap();
        assert!(removing.exists(), "a folder being removed is left to its removal");
        assert!(!abandoned.exists());
        drop(lock);
        write_site(&out, &[OutputFile::new("index.html", "two")]).unwrap();
        assert!(!removing.exists(), "once no one removes it, the next build does");
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
    fn finish_swaps_the_new_site_in_and_the_old_one_is_removed_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("a/b/old.html", "old")]).unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.put("a/b/new.html", b"new").unwrap();
        staging.finish().unwrap();
        // The new site is in place at once, whole; the old one is gone from it.
        assert_eq!(std::fs::read_to_string(out.join("a/b/new.html")).unwrap(), "new");
        assert!(!out.join("a/b/old.html").exists());
        assert!(out.join(output::MARKER).is_file());
        // The old site, beside it meanwhile, is removed by a process of its own.
        let others = || std::fs::read_dir(dir.path()).unwrap().flatten().filter(|e| e.file_name() != "public").count();
        for _ in 0..500 {
            if others() == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(others(), 0, "the replaced site was not removed");
    }

    #[test]
    fn folders_are_made_once_by_threads_writing_into_the_same_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::new(&out).unwrap();
        std::thread::scope(|scope| {
            for t in 0..4 {
                let staging = &staging;
                scope.spawn(move || {
                    for i in 0..50 {
                        staging.put(&format!("datasets/d{}/t{t}/{i}.html", i % 7), format!("{t} {i}").as_bytes()).unwrap();
                    }
                });
            }
        });
        // A second file at the same path is refused, never written over.
        assert!(staging.put("datasets/d0/t0/0.html", b"again").is_err());
        assert_eq!(staging.put("../x", b"").unwrap_err().code(), "path-escape");
        staging.finish_and_wait().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("datasets/d6/t3/48.html")).unwrap(), "3 48");
        let files = walkdir::WalkDir::new(&out).into_iter().flatten().filter(|e| e.file_type().is_file()).count();
        assert_eq!(files, 4 * 50 + 1, "every file and the marker");
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
