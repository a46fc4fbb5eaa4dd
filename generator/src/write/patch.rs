//! A rebuild's write: only the files the change touched. A full build writes a whole new site
//! beside the output and swaps it in ([`super::Staging`]); at 10,000 datasets that is 150,000
//! files linked and as many unlinked for a change to one dataset, which costs more than the
//! change. A rebuild with the cache instead
//!
//! 1. writes the files it rendered into a patch folder beside the output (the output is not
//!    touched: a build that fails here leaves it as it was, and the folder is removed);
//! 2. once everything rendered, writes the commit journal (the files it moves in, with their
//!    inode numbers, and the files the new site no longer has) into the patch folder, then
//! 3. swaps each new file with the old one (each file is replaced whole, never half
//!    written; the old one is left in the patch folder), deletes the files the journal names,
//!    and removes the patch folder with the old files on a thread of its own.
//!
//! A build killed in step 3 leaves a patch folder with its journal; the next build finishes
//! the commit before anything else (a file whose inode the output already has at its place
//! was swapped in before the kill, and is not swapped back), and then renders everything, not
//! trusting its manifest.
//! Files the new site keeps are not touched at all.

use super::output;
use crate::error::{Error, Result};
use crate::render::Sink;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The journal's name in the patch folder.
const JOURNAL: &str = ".sala-commit";

/// The patch of a rebuild being written (see the module).
pub struct Patch {
    output: PathBuf,
    folder: tempfile::TempDir,
    /// The folders made so far in `folder`.
    folders: super::Folders,
}

/// The name prefix of patch folders of the output `name`: `.public.new-<pid>-patch-`. The same
/// prefix as a staging folder's, so that a full build removes a patch a dead build left.
fn prefix(name: &str, pid: u32) -> String {
    format!(".{name}.new-{pid}-patch-")
}

fn name_of(output: &Path) -> String {
    output.file_name().map_or("public".into(), |n| n.to_string_lossy().into_owned())
}

fn parent_of(output: &Path) -> Result<PathBuf> {
    match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => Ok(p.to_path_buf()),
        _ => std::env::current_dir().map_err(|e| Error::io(".", e)),
    }
}

/// Finishes the commits of patches of `output` whose build was killed while committing, and
/// removes patches killed before; true when a commit had to be finished (the cache's manifest
/// of `output` is then not to be trusted).
pub fn recover(output: &Path) -> Result<bool> {
    let parent = parent_of(output)?;
    let name = name_of(output);
    let Ok(entries) = std::fs::read_dir(&parent) else { return Ok(false) };
    let mut finished = false;
    let start = format!(".{name}.new-");
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&start) else { continue };
        let Some((pid, tail)) = rest.split_once('-') else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if !tail.starts_with("patch-") || super::process_runs(pid) {
            continue;
        }
        let folder = entry.path();
        if folder.join(JOURNAL).is_file() {
            commit(&folder, output)?;
            std::fs::remove_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
            finished = true;
        } else if output::written_by_sala(&folder) {
            let _ = std::fs::remove_dir_all(&folder);
        }
    }
    super::remove_leftovers(&parent, &name);
    Ok(finished)
}

/// The files of `output` as they were before this build, listed on a thread of their own
/// from the start of the build: the output is not touched until the commit, and a walk of a
/// national portal's 150,000 files need not wait for the reading and rendering nor delay them.
/// Each file's size and time are taken as it is listed (relative to its folder, which the
/// kernel finds once per folder), so that the render stage tells whether a file of the last
/// build is still the one written from this list instead of looking up each path again.
pub struct Listing {
    walk: std::thread::JoinHandle<Listed>,
    /// The output as the last build left it, as a listing (see [`Listing::trusted`]), until
    /// asked for.
    trusted: Option<std::sync::mpsc::Receiver<Option<std::sync::Arc<Listed>>>>,
}

use crate::load::cache::{FileStamp, LastTree, Listed};

impl Listing {
    /// Starts listing `output`'s files; with the output as the last build left it (`last`
    /// gives it, on the walk's thread: the cache's state may still be being read), only the
    /// folders changed since are read (see [`LastTree`]), at a low priority: such a walk is
    /// waited for only before the commit (the build renders meanwhile as if the files were as
    /// `last` says), so it takes the time the build leaves a core idle instead of competing
    /// with the reading of the portal (a tenth of a second at 10,000 datasets).
    pub fn start(output: &Path, last: Option<impl FnOnce() -> Option<LastTree> + Send + 'static>) -> Listing {
        let output = output.to_path_buf();
        let (tell, trusted) = std::sync::mpsc::channel();
        // Asked here, not on the walk's thread: the first ask starts Rayon's pool, whose threads
        // would take the walk's low priority for the rest of the build.
        let threads = rayon::current_num_threads().clamp(1, 4);
        let walk = std::thread::spawn(move || {
            let last = last.and_then(|last| last());
            let _ = tell.send(last.as_ref().map(|t| std::sync::Arc::new(t.as_left())));
            if last.is_some() {
                lower_priority();
            }
            let since = std::time::Instant::now();
            let files = last.and_then(|last| files_since(&output, &last, threads)).unwrap_or_else(|| files_of(&output));
            crate::timing("listing", since);
            files
        });
        Listing { walk, trusted: Some(trusted) }
    }

    /// Starts listing every file of `output` (see [`Listing::start`]).
    pub fn everything(output: &Path) -> Listing {
        Listing::start(output, None::<fn() -> Option<LastTree>>)
    }

    /// The files of the output as the last build left them, as a listing (their maps shared
    /// with the last tree): what the walk finds when no one changed a file since, and what a
    /// rebuild renders from while the walk goes on. None when the last build of the output is
    /// not known, and when asked again.
    pub fn trusted(&mut self) -> Option<std::sync::Arc<Listed>> {
        self.trusted.take()?.recv().ok().flatten()
    }

    /// The files listed, once the walk is done.
    pub fn files(self) -> Listed {
        let waited = std::time::Instant::now();
        let files = self.walk.join().unwrap_or_default();
        // How long the build waited here for the walk (which says on its thread how long it took).
        crate::timing("listwait", waited);
        files
    }
}

/// Lowers the calling thread's scheduling priority (nice 10); failure changes nothing.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on this thread's own id, with no memory passed.
    unsafe {
        let thread = libc::syscall(libc::SYS_gettid);
        libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, 10);
    }
}

/// The files of the output (`listed`) that a site of the files `written` does not have: the
/// last build's that are gone, and any file someone put there (the output is replaced whole,
/// as by a full build). Read from the folder itself, not from a manifest. `sent`, when given,
/// are the files written that were not taken from `listed` by their keys (see
/// [`crate::load::cache::Memo::sent`]): every other file written is one of `listed`.
pub fn gone(listed: &Listed, written: &crate::render::Written, sent: Option<&[String]>) -> Vec<String> {
    // Most rebuilds delete nothing: when every file listed is among those written, none is
    // gone. Counted from the few files sent (the others were taken from the listing), or
    // else by a hash lookup of each written path in the listing; looking each listed path up
    // in the written tree instead (16 comparisons of long, alike paths apiece) was two thirds
    // of the commit's CPU at 3,000 datasets.
    let kept = match sent {
        Some(sent) => written.len() - sent.len() + sent.iter().filter(|p| listed.contains(p)).count(),
        None => written.keys().filter(|p| listed.contains(p)).count(),
    };
    if kept == listed.len() {
        return Vec::new();
    }
    listed.paths().filter(|f| !written.contains_key(*f)).map(str::to_string).collect()
}

/// Every file under `output` (see [`Listed`]).
fn files_of(output: &Path) -> Listed {
    let (mut files, mut folders) = (rustc_hash::FxHashMap::default(), rustc_hash::FxHashMap::default());
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{openat, Mode, OFlags, CWD};
        let since = crate::load::cache::now_ns();
        if let Ok(root) = openat(CWD, output, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
            list_at(&root, &mut String::new(), &mut Vec::with_capacity(LIST_BUFFER), (&mut files, &mut folders), &|_| false);
        }
        folders.values_mut().for_each(|t| *t = crate::load::cache::folder_time(*t, since));
    }
    #[cfg(not(target_os = "linux"))]
    list(output, "", &mut files);
    Listed::of_files(files, folders)
}

/// [`files_of`] for an output whose folders and files as the last build left them are `last`:
/// the walk goes down the folders `last` names, each opened relative to its parent without
/// being read (`O_PATH`); a folder whose time did not change has each of its files looked at
/// by name, and only a folder whose time changed (someone put a file there or took one away)
/// is read. None when the output's own folder cannot be opened.
///
/// The folders are walked on threads of the walk's own (see [`walk_pool`]), at its low
/// priority: the 150,000 looks of a national portal's rebuild take half a second of CPU, and
/// on one thread they took the build's idle time of one core only, so that the build ended
/// waiting for them.
#[cfg(target_os = "linux")]
fn files_since(output: &Path, last: &LastTree, threads: usize) -> Option<Listed> {
    use rustc_hash::FxHashMap;
    use rustix::fs::{openat, Mode, OFlags, CWD};
    let since = crate::load::cache::now_ns();
    let root = openat(CWD, output, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    // Per folder, the files the last build left in it (by site path) and its subfolders.
    let mut files: FolderFiles = FxHashMap::with_capacity_and_hasher(last.folders().len(), Default::default());
    for (path, stamp) in last.stamps() {
        // Split once here: found again for each file where it is looked at, the name was a
        // fortieth of a rebuild's CPU.
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        files.entry(folder).or_default().push((path, name, stamp));
    }
    let mut subfolders: FxHashMap<&str, Vec<&str>> = FxHashMap::with_capacity_and_hasher(last.folders().len(), Default::default());
    for folder in last.folders().keys().filter(|f| !f.is_empty()) {
        subfolders.entry(folder.rsplit_once('/').map_or("", |(parent, _)| parent)).or_default().push(folder);
    }
    let walk = Since { last, files, subfolders, since };
    let mut found = Found::default();
    match walk_pool(threads) {
        Some(pool) => pool.install(|| walk.visit(&root, "", &mut found, true)),
        None => walk.visit(&root, "", &mut found, false),
    }
    let Found { mut differ, folders } = found;
    let folders: FxHashMap<String, u64> = folders.into_iter().collect();
    // The files of folders not looked at (gone, or no longer folders) are not there.
    for (folder, known) in &walk.files {
        if !folders.contains_key(*folder) {
            differ.extend(known.iter().map(|(path, _, _)| (path.to_string(), None)));
        }
    }
    Some(Listed::since(last, differ.into_iter().collect(), folders))
}

/// The `threads` threads of a walk of the output, each at a low priority (see
/// [`Listing::start`]); None when they cannot be started.
#[cfg(target_os = "linux")]
fn walk_pool(threads: usize) -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("sala-walk-{i}"))
        .start_handler(|_| lower_priority())
        .build()
        .ok()
}

/// Per folder (site path), the files the last build left in it (site path and name), with
/// their sizes and times.
#[cfg(target_os = "linux")]
type FolderFiles<'a> = rustc_hash::FxHashMap<&'a str, Vec<(&'a str, &'a str, (u64, u64))>>;

/// The walk of [`files_since`]: what the last build left, looked at from any thread.
#[cfg(target_os = "linux")]
struct Since<'a> {
    last: &'a LastTree,
    /// Per folder, the files the last build left in it with their sizes and times.
    files: FolderFiles<'a>,
    subfolders: rustc_hash::FxHashMap<&'a str, Vec<&'a str>>,
    /// When the walk began (see [`crate::load::cache::folder_time`]).
    since: u128,
}

/// What a part of the walk found: the files not as `last` has them (see `Listed::since`),
/// and the folders looked at, with their times.
#[cfg(target_os = "linux")]
#[derive(Default)]
struct Found {
    differ: Vec<(String, Option<FileStamp>)>,
    folders: Vec<(String, u64)>,
}

#[cfg(target_os = "linux")]
impl Found {
    /// Adds what `other` found.
    fn append(&mut self, other: Found) {
        self.differ.extend(other.differ);
        self.folders.extend(other.folders);
    }

    fn merge(mut self, other: Found) -> Found {
        self.append(other);
        self
    }
}

#[cfg(target_os = "linux")]
impl Since<'_> {
    /// Looks at the folder `folder` (site path), open as `dir`, then at its subfolders (on the
    /// pool's threads when `parallel`: the walk runs in its pool).
    fn visit(&self, dir: &rustix::fd::OwnedFd, folder: &str, found: &mut Found, parallel: bool) {
        use crate::load::cache::folder_time;
        use rustix::fs::{openat, statx, AtFlags, Mode, OFlags, StatxFlags};
        let Ok(s) = statx(dir, "", AtFlags::EMPTY_PATH, StatxFlags::MTIME) else { return };
        let now = stamp_of(&s).1;
        found.folders.push((folder.to_string(), folder_time(now, self.since)));
        let known = self.files.get(folder).map_or(&[][..], Vec::as_slice);
        if self.last.folders().get(folder) == Some(&now) {
            self.look_at(dir, None, known, found);
        } else if let Ok(read) = openat(dir, ".", OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
            // Read whole, but for the subfolders the last build left, visited below.
            let (mut files, mut listed) = (rustc_hash::FxHashMap::default(), rustc_hash::FxHashMap::default());
            let last = self.last;
            list_at(&read, &mut folder.to_string(), &mut Vec::with_capacity(LIST_BUFFER), (&mut files, &mut listed), &|sub| last.folders().contains_key(sub));
            listed.remove(folder);
            found.folders.extend(listed.into_iter().map(|(f, t)| (f, folder_time(t, self.since))));
            for (path, _, _) in known.iter().filter(|(p, _, _)| !files.contains_key(*p)) {
                found.differ.push((path.to_string(), None));
            }
            for (path, stamp) in files {
                if stamp.is_none() || stamp != last.stamp(&path) {
                    found.differ.push((path, Some(stamp)));
                }
            }
        } else {
            // Not readable: its files are not listed, as a full listing would not list them.
            found.differ.extend(known.iter().map(|(path, _, _)| (path.to_string(), None)));
        }
        let subs = self.subfolders.get(folder).map_or(&[][..], Vec::as_slice);
        if parallel && subs.len() > 1 {
            use rayon::prelude::*;
            let parts = subs
                .par_iter()
                .fold(Found::default, |mut part, sub| {
                    self.subfolder(dir, sub, &mut part, parallel);
                    part
                })
                .reduce(Found::default, Found::merge);
            found.append(parts);
        } else {
            for sub in subs {
                self.subfolder(dir, sub, found, parallel);
            }
        }
    }

    /// Looks at the subfolder `sub` (site path) of the folder open as `dir`.
    fn subfolder(&self, dir: &rustix::fd::OwnedFd, sub: &str, found: &mut Found, parallel: bool) {
        use crate::load::cache::folder_time;
        use rustix::fs::{openat, statx, AtFlags, FileType, Mode, OFlags, StatxFlags};
        let name = sub.rsplit_once('/').map_or(sub, |(_, name)| name);
        // A folder without subfolders (most of them: a dataset's downloads, a page's
        // folder) whose time did not change is not opened: its files are looked at through
        // its parent, which saved two calls of three for most of 42,000 folders.
        if !self.subfolders.contains_key(sub) {
            let Ok(s) = statx(dir, name, AtFlags::SYMLINK_NOFOLLOW, StatxFlags::TYPE | StatxFlags::MTIME) else { return };
            let now = stamp_of(&s).1;
            if FileType::from_raw_mode(s.stx_mode.into()) == FileType::Directory && self.last.folders().get(sub) == Some(&now) {
                found.folders.push((sub.to_string(), folder_time(now, self.since)));
                let known = self.files.get(sub).map_or(&[][..], Vec::as_slice);
                self.look_at(dir, Some(name), known, found);
                return;
            }
        }
        // A subfolder gone, or made a file or a link, is seen by the read of its parent,
        // whose time changed.
        if let Ok(sub_dir) = openat(dir, name, OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty()) {
            self.visit(&sub_dir, sub, found, parallel);
        }
    }

    /// Looks at each of the files `known` (site paths) of a folder whose time did not change:
    /// the folder `dir`, or its subfolder `sub`. A file changed in place has another size or
    /// time; one found otherwise than `last` has it goes into `found`.
    fn look_at(&self, dir: &rustix::fd::OwnedFd, sub: Option<&str>, known: &[(&str, &str, (u64, u64))], found: &mut Found) {
        use rustix::fs::{statx, AtFlags, FileType, StatxFlags};
        // Each name relative to `dir`, ended by a nul in one buffer: the kernel takes it as
        // it is, where a `&str` is copied into a C string for each call.
        let mut name = Vec::with_capacity(128);
        if let Some(sub) = sub {
            name.extend_from_slice(sub.as_bytes());
            name.push(b'/');
        }
        let base = name.len();
        for &(path, file, last) in known {
            name.truncate(base);
            name.extend_from_slice(file.as_bytes());
            name.push(0);
            let looked = std::ffi::CStr::from_bytes_with_nul(&name)
                .ok()
                .and_then(|c| statx(dir, c, AtFlags::SYMLINK_NOFOLLOW, StatxFlags::TYPE | StatxFlags::SIZE | StatxFlags::MTIME).ok());
            // Not there (None), or there as something else than the file the last build left.
            let stamp = looked.map(|s| (FileType::from_raw_mode(s.stx_mode.into()) == FileType::RegularFile).then(|| stamp_of(&s)));
            if stamp != Some(Some(last)) {
                found.differ.push((path.to_string(), stamp));
            }
        }
    }
}

/// [`files_since`] where there are no folder descriptors to look relative to: every folder is read.
#[cfg(not(target_os = "linux"))]
fn files_since(_output: &Path, _last: &LastTree, _threads: usize) -> Option<Listed> {
    None
}

/// A file's size and modification time (ns) as the kernel gave them.
#[cfg(target_os = "linux")]
fn stamp_of(s: &rustix::fs::Statx) -> (u64, u64) {
    let t = s.stx_mtime;
    // As `load::cache::modified_u64` reads a time: none before 1970.
    let ns = u64::try_from(t.tv_sec).map_or(0, |sec| u128::from(sec) * 1_000_000_000 + u128::from(t.tv_nsec));
    (s.stx_size, u64::try_from(ns).unwrap_or(u64::MAX))
}

/// The bytes of folder entries read by one `getdents` (a folder of 10,000 datasets' folders
/// takes about 30 of them).
#[cfg(target_os = "linux")]
const LIST_BUFFER: usize = 32 << 10;

/// Lists the folder `dir` (at the site path `prefix`, which is given back as it came) into
/// `files`: each folder is opened relative to its parent's descriptor and each file looked at
/// relative to its folder's, so that the kernel looks up one name for each, not the whole path
/// again (the cache of names is shared by everything on the machine and its lookups were most
/// of the listing's time); `buf` is the one buffer of folder entries the walk reuses.
/// Each folder's time goes into `folders` as the kernel gives it (the callers keep it through
/// `load::cache::folder_time`); the subfolders `skip` names (by site path) are not read.
#[cfg(target_os = "linux")]
fn list_at(
    dir: &rustix::fd::OwnedFd,
    prefix: &mut String,
    buf: &mut Vec<u8>,
    (files, folders): (&mut rustc_hash::FxHashMap<String, FileStamp>, &mut rustc_hash::FxHashMap<String, u64>),
    skip: &dyn Fn(&str) -> bool,
) {
    use rustix::fs::{statx, AtFlags, FileType, RawDir, StatxFlags};
    if let Ok(s) = statx(dir, "", AtFlags::EMPTY_PATH, StatxFlags::MTIME) {
        folders.insert(prefix.clone(), stamp_of(&s).1);
    }
    // Each subfolder by its name on disk and in the site.
    let mut subfolders: Vec<(std::ffi::CString, String)> = Vec::new();
    // The folder is read whole before its subfolders, which reuse `buf`.
    {
        let mut entries = RawDir::new(dir, buf.spare_capacity_mut());
        while let Some(Ok(entry)) = entries.next() {
            let raw = entry.file_name().to_bytes();
            if raw == b"." || raw == b".." || (prefix.is_empty() && raw == output::MARKER.as_bytes()) {
                continue;
            }
            let name = String::from_utf8_lossy(raw);
            // The entry's type comes with the listing (a link is a file here, never followed);
            // where the file system does not say, the file is asked.
            let mut kind = entry.file_type();
            let mut stat = None;
            if kind != FileType::Directory {
                stat = statx(dir, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW, StatxFlags::TYPE | StatxFlags::SIZE | StatxFlags::MTIME).ok();
                if kind == FileType::Unknown {
                    kind = stat.as_ref().map_or(FileType::Unknown, |s| FileType::from_raw_mode(s.stx_mode.into()));
                }
            }
            if kind == FileType::Directory {
                subfolders.push((entry.file_name().to_owned(), name.into_owned()));
                continue;
            }
            let mut relative = String::with_capacity(prefix.len() + 1 + name.len());
            if !prefix.is_empty() {
                relative.push_str(prefix);
                relative.push('/');
            }
            relative.push_str(&name);
            let stamp = stat.filter(|s| kind == FileType::RegularFile && FileType::from_raw_mode(s.stx_mode.into()) == FileType::RegularFile).map(|s| stamp_of(&s));
            files.insert(relative, stamp);
        }
    }
    for (raw, name) in subfolders {
        use rustix::fs::{openat, Mode, OFlags};
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(&name);
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
        if !skip(prefix) {
            if let Ok(sub) = openat(dir, raw.as_c_str(), flags, Mode::empty()) {
                list_at(&sub, prefix, buf, (&mut *files, &mut *folders), skip);
            }
        }
        prefix.truncate(len);
    }
}

/// [`list_at`] where there are no folder descriptors to list relative to.
#[cfg(not(target_os = "linux"))]
fn list(dir: &Path, prefix: &str, files: &mut rustc_hash::FxHashMap<String, FileStamp>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        // The entry's type comes with the listing; a link is a file here, never followed.
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            list(&entry.path(), &relative, files);
        } else if relative != output::MARKER {
            let stamp = entry.metadata().ok().filter(|m| kind.is_file() && m.is_file()).map(|m| (m.len(), crate::load::cache::modified_u64(&m)));
            files.insert(relative, stamp);
        }
    }
}

impl Patch {
    /// Starts the patch of `output`, an existing site written by Sala.
    pub fn new(output: &Path) -> Result<Patch> {
        super::refuse_when_stopping(output)?;
        let parent = parent_of(output)?;
        let folder = tempfile::Builder::new()
            .prefix(&prefix(&name_of(output), std::process::id()))
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        let marker = folder.path().join(output::MARKER);
        std::fs::write(&marker, output::MARKER_TEXT).map_err(|e| Error::io(&marker, e))?;
        let folders = super::Folders::new(folder.path());
        Ok(Patch { output: output.to_path_buf(), folder, folders })
    }

    fn target(&self, path: &str) -> Result<PathBuf> {
        // The folder's own two files are never site files.
        if path == output::MARKER || path == JOURNAL {
            return Err(Error::DuplicateOutput { path: path.to_string() });
        }
        super::place(&self.output, self.folder.path(), &self.folders, path)
    }

    /// Commits the patch: `gone` (the files of the last site that the new one does not have)
    /// are deleted, and the files written replace the output's. The replaced files' space is
    /// freed on a thread of its own, which the returned [`Cleanup`] waits for when dropped.
    pub fn finish(self, gone: &[String]) -> Result<Cleanup> {
        let moved: Vec<(String, Option<u64>)> = patch_files(self.folder.path())?.into_iter().map(|(p, ino)| (p, Some(ino))).collect();
        let journal = self.folder.path().join(JOURNAL);
        let mut text = String::from(JOURNAL_HEAD);
        text.push('\n');
        for (path, ino) in &moved {
            text.push_str(&format!("+{} {path}\n", ino.unwrap_or_default()));
        }
        for path in gone {
            text.push('-');
            text.push_str(path);
            text.push('\n');
        }
        let mut file = std::fs::File::create(&journal).map_err(|e| Error::io(&journal, e))?;
        // Not synced to disk: the journal is for a build that is killed, whose writes the
        // system still completes; syncing cost seconds on a busy disk.
        file.write_all(text.as_bytes()).map_err(|e| Error::io(&journal, e))?;
        let folder = self.folder.keep();
        if let Err(e) = apply(&folder, &self.output, &moved, gone, false) {
            // The files moved were put back: the folder holds only this build's files.
            let _ = std::fs::remove_dir_all(&folder);
            return Err(e);
        }
        // The journal goes first: a folder left half removed must not be committed again.
        std::fs::remove_file(&journal).map_err(|e| Error::io(&journal, e))?;
        Ok(Cleanup::start(folder))
    }
}

/// The removal of a committed patch folder, which holds the replaced files: freeing a file of
/// 184 MB (catalog.jsonld at 10,000 datasets) takes the kernel a tenth of a second, and any
/// file some milliseconds, which the rename over it would spend on the build's own thread.
/// Waited for when dropped.
#[must_use = "dropping it waits for the removal"]
pub struct Cleanup(Option<std::thread::JoinHandle<()>>);

impl Cleanup {
    /// Starts removing `folder`.
    fn start(folder: PathBuf) -> Cleanup {
        let run = {
            let folder = folder.clone();
            move || remove_patch(&folder)
        };
        match std::thread::Builder::new().name("sala-cleanup".into()).spawn(run) {
            Ok(handle) => Cleanup(Some(handle)),
            Err(_) => {
                remove_patch(&folder);
                Cleanup(None)
            }
        }
    }
}

/// How many threads free a committed patch's replaced files.
const FREEING_THREADS: usize = 4;

/// Removes a committed patch folder: first its files (the replaced ones, which the commit
/// swapped in for the new), a few at once (each waits for the disk to take back its blocks,
/// see [`replace`]), then the rest.
fn remove_patch(folder: &Path) {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(folder).min_depth(1).into_iter().flatten().filter(|e| e.file_type().is_file()).map(walkdir::DirEntry::into_path).collect();
    if files.len() > 1 {
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..FREEING_THREADS.min(files.len()) {
                scope.spawn(|| {
                    while let Some(file) = files.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                        let _ = std::fs::remove_file(file);
                    }
                });
            }
        });
    }
    let _ = std::fs::remove_dir_all(folder);
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            let _ = handle.join();
        }
    }
}

/// Where an older Sala's commit kept the output's replaced files (a folder of the patch that
/// is not the site's).
const REPLACED: &str = ".sala-replaced";

/// The first line of this version's journal, whose lines are then `+<inode> <path>` for each
/// file the commit moves into the output and `-<path>` for each file it deletes. (An older
/// Sala's journal is the paths deleted, one a line.)
const JOURNAL_HEAD: &str = "sala-commit 2";

/// The files of the patch `folder` (site paths), with their inode numbers (as `stat` gives
/// them, which a recovery compares with: on some file systems, overlayfs among them, the
/// number in a folder's listing can differ).
fn patch_files(folder: &Path) -> Result<Vec<(String, u64)>> {
    use std::os::unix::fs::MetadataExt;
    let aside = folder.join(REPLACED);
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(folder).min_depth(1).follow_links(false).into_iter();
    for entry in walk.filter_entry(|e| e.path() != aside) {
        let entry = entry.map_err(|e| Error::io(folder, e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(folder).unwrap_or(entry.path());
        if relative == Path::new(output::MARKER) || relative == Path::new(JOURNAL) {
            continue;
        }
        let path: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let ino = entry.metadata().map_err(|e| Error::io(entry.path(), e.into()))?.ino();
        files.push((path.join("/"), ino));
    }
    Ok(files)
}

/// Finishes the commit a journal describes, after a kill: the files it moves that are still in
/// the patch `folder` (not in the output already, by inode) are moved, and the files gone
/// deleted. Done again after another kill, it finishes what is left.
fn commit(folder: &Path, output: &Path) -> Result<()> {
    let journal = folder.join(JOURNAL);
    let text = std::fs::read_to_string(&journal).map_err(|e| Error::io(&journal, e))?;
    let mut lines = text.lines().filter(|l| !l.is_empty()).peekable();
    let (moved, gone): (Vec<(String, Option<u64>)>, Vec<String>) = if lines.peek() == Some(&JOURNAL_HEAD) {
        let mut moved = Vec::new();
        let mut gone = Vec::new();
        for line in lines.skip(1) {
            if let Some(rest) = line.strip_prefix('+') {
                if let Some((ino, path)) = rest.split_once(' ') {
                    moved.push((path.to_string(), ino.parse().ok()));
                }
            } else if let Some(path) = line.strip_prefix('-') {
                gone.push(path.to_string());
            }
        }
        (moved, gone)
    } else {
        // An older Sala moved every file with a rename, not a swap: what is in the folder is new.
        let moved = patch_files(folder)?.into_iter().map(|(p, _)| (p, None)).collect();
        (moved, lines.map(str::to_string).collect())
    };
    apply(folder, output, &moved, &gone, true)
}

/// Moves the files `moved` (site paths, with the inode of each as written) of the patch
/// `folder` into `output` and deletes the files `gone` there; the folder is left for the caller
/// to remove, holding the replaced files. `again`: a commit killed before may have moved some
/// already (which the output then has, by inode) and is finished.
fn apply(folder: &Path, output: &Path, moved: &[(String, Option<u64>)], gone: &[String], again: bool) -> Result<()> {
    // The files moved so far, and whether each was swapped with an old one: should a move
    // fail (a folder of the output made read-only, a full disk), those are put back, so that
    // the output stays the last site whole rather than half of each.
    let mut done: Vec<(PathBuf, PathBuf, bool)> = Vec::new();
    for (path, ino) in moved {
        let Some(relative) = site_file(path) else { continue };
        let (source, target) = (folder.join(relative), output.join(relative));
        if again {
            use std::os::unix::fs::MetadataExt;
            let done = ino.is_some_and(|ino| std::fs::symlink_metadata(&target).is_ok_and(|m| m.ino() == ino));
            if done || std::fs::symlink_metadata(&source).is_err() {
                continue;
            }
        }
        match replace(&source, &target) {
            Ok(swapped) => done.push((source, target, swapped)),
            Err(e) if !again => {
                for (source, target, swapped) in done.iter().rev() {
                    let _ = if *swapped { exchange(source, target) } else { std::fs::rename(target, source).map_err(|e| Error::io(target, e)) };
                }
                let _ = std::fs::remove_file(folder.join(JOURNAL));
                return Err(e);
            }
            Err(e) => return Err(e),
        }
    }
    for path in gone {
        let Some(relative) = site_file(path) else { continue };
        let target = output.join(relative);
        match std::fs::remove_file(&target) {
            Ok(()) => remove_empty_parents(output, &target),
            // Gone already, or its folder was a folder of the last site that the new one has
            // a file in place of (swapped out above).
            Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {}
            Err(e) => return Err(Error::io(&target, e)),
        }
    }
    Ok(())
}

/// A journal's site path as a path in the output; None for one that would leave the output
/// (a journal is a file anyone could edit) or names its marker, which a commit never touches.
fn site_file(path: &str) -> Option<&Path> {
    let relative = Path::new(path);
    let inside = relative.components().all(|c| matches!(c, Component::Normal(_)));
    (inside && path != output::MARKER).then_some(relative)
}

/// Puts the file `source` (in a patch folder) at `target` in the output, whole: swapped with
/// the file there in one `renameat2(RENAME_EXCHANGE)`, which leaves the replaced file in the
/// patch folder for the cleanup to free. A plain rename over a file would free the old one's
/// blocks on this thread (on this project's disk, ext4 mounted with `discard`, about 4 ms a
/// file, even a small page), and ext4 starts writing out the new file's whole content before a
/// rename over another (`auto_da_alloc`: 5 ms for each catalog at 3,000 datasets). A new file
/// (nothing to swap with), or a file system that cannot swap, gets a plain rename, its folders
/// made first where missing.
/// Whether the file was swapped with one there (true) or renamed into place (false).
fn replace(source: &Path, target: &Path) -> Result<bool> {
    // Failing, there is no file at `target` yet, or a file system that cannot swap.
    if exchange(source, target).is_ok() {
        return Ok(true);
    }
    match std::fs::rename(source, target) {
        Ok(()) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && source.exists() => {
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            std::fs::rename(source, target).map(|()| false).map_err(|e| Error::io(target, e))
        }
        Err(e) => Err(Error::io(target, e)),
    }
}

/// Swaps the files at `a` and `b` in one `renameat2(RENAME_EXCHANGE)`.
fn exchange(a: &Path, b: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(|e| Error::io(b, e.into()))
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err(Error::io(b, std::io::Error::from(std::io::ErrorKind::Unsupported)))
    }
}

/// Removes the folders above `file` up to `output` that are left empty (a deleted dataset's).
fn remove_empty_parents(output: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == output || !d.starts_with(output) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

impl Sink for Patch {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        super::put_at(&self.target(path)?, bytes)
    }

    fn open(&self, path: &str) -> Result<Box<dyn Write + Send + '_>> {
        super::open_at(&self.target(path)?)
    }

    fn open_ranged(&self, path: &str) -> Result<Box<dyn crate::render::RangeWrite + '_>> {
        super::open_ranged_at(&self.target(path)?)
    }

    /// Files of the output itself stay where they are: nothing to do, nor any path to join.
    fn reuse_all(&self, found: &[crate::load::cache::Reused], last: &Path) -> std::result::Result<(), (usize, Error)> {
        if last == self.output {
            return Ok(());
        }
        crate::render::reuse_each(self, found, last)
    }

    /// The file stays where it is: the output already has it. (The cache's memo saw it there,
    /// unchanged, just before: it is not looked at again, 150,000 times in a national rebuild.)
    fn reuse(&self, path: &str, from: &Path) -> Result<()> {
        // `from` is the output joined with `path` (compared as bytes: 150,000 times, a
        // comparison component by component showed in a rebuild's profile).
        use std::os::unix::ffi::OsStrExt;
        let (bytes, output) = (from.as_os_str().as_bytes(), self.output.as_os_str().as_bytes());
        let inside = bytes.strip_prefix(output).and_then(|rest| rest.strip_prefix(b"/")).is_some_and(|rest| rest == path.as_bytes());
        if !inside {
            return Err(Error::io(from, std::io::Error::from(std::io::ErrorKind::NotFound)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of the size of a national portal's catalog (a megabyte and more).
    const LARGE: u64 = 1 << 20;

    fn site(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
        let out = dir.join("public");
        let staging = super::super::Staging::new(&out).unwrap();
        for (p, b) in files {
            staging.put(p, b.as_bytes()).unwrap();
        }
        staging.finish().unwrap();
        out
    }

    #[test]
    fn a_patch_replaces_the_files_written_and_deletes_the_files_gone() {
        let dir = tempfile::tempdir().unwrap();
        let out = site(dir.path(), &[("index.html", "old"), ("keep.html", "keep"), ("datasets/x/index.html", "x")]);
        let patch = Patch::new(&out).unwrap();
        patch.put("index.html", b"new").unwrap();
        patch.put("datasets/y/index.html", b"y").unwrap();
        patch.reuse("keep.html", &out.join("keep.html")).unwrap();
        drop(patch.finish(&["datasets/x/index.html".to_string()]).unwrap());
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(out.join("keep.html")).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(out.join("datasets/y/index.html")).unwrap(), "y");
        assert!(!out.join("datasets/x").exists(), "the deleted dataset's folder goes too");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn replaced_files_large_and_small_are_freed_after_the_commit_and_never_published_elsewhere() {
        let dir = tempfile::tempdir().unwrap();
        let old = "a".repeat(LARGE as usize + 1);
        let out = site(dir.path(), &[("catalog.jsonld", old.as_str()), ("index.html", "old")]);
        // A reader that has the old file open keeps reading the old bytes.
        let mut reader = std::fs::File::open(out.join("catalog.jsonld")).unwrap();
        let mut small_reader = std::fs::File::open(out.join("index.html")).unwrap();
        let patch = Patch::new(&out).unwrap();
        let new = "b".repeat(LARGE as usize + 7);
        patch.put("catalog.jsonld", new.as_bytes()).unwrap();
        patch.put("index.html", b"new").unwrap();
        let cleanup = patch.finish(&[]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("catalog.jsonld")).unwrap(), new);
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "new");
        assert!(!out.join(REPLACED).exists());
        drop(cleanup);
        let mut was = String::new();
        std::io::Read::read_to_string(&mut reader, &mut was).unwrap();
        assert_eq!(was, old);
        let mut was = String::new();
        std::io::Read::read_to_string(&mut small_reader, &mut was).unwrap();
        assert_eq!(was, "old");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")], "the patch folder and the old file are gone");
        let mut files: Vec<String> = files_of(&out).paths().map(str::to_string).collect();
        files.sort();
        assert_eq!(files, ["catalog.jsonld", "index.html"]);
    }

    #[test]
    fn the_files_gone_are_the_listed_ones_not_written() {
        let listed: rustc_hash::FxHashMap<String, Option<(u64, u64)>> = [("a.html", Some((1, 1))), ("b.html", None), ("c/d.json", Some((2, 2)))].into_iter().map(|(p, s)| (p.to_string(), s)).collect();
        let listed = Listed::of_files(listed, Default::default());
        let written = |paths: &[&str]| paths.iter().map(|p| (p.to_string(), 0u64)).collect::<crate::render::Written>();
        assert!(gone(&listed, &written(&["a.html", "b.html", "c/d.json"]), None).is_empty());
        assert!(gone(&listed, &written(&["a.html", "b.html", "c/d.json", "new.html"]), None).is_empty());
        let mut g = gone(&listed, &written(&["a.html", "new.html", "other.html"]), None);
        g.sort();
        assert_eq!(g, ["b.html", "c/d.json"]);
        assert_eq!(gone(&listed, &written(&[]), None).len(), 3);
        // Counted from the files sent, the others taken from the listing.
        let sent = |paths: &[&str]| paths.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        assert!(gone(&listed, &written(&["a.html", "b.html", "c/d.json", "new.html"]), Some(&sent(&["b.html", "new.html"]))).is_empty());
        let mut g = gone(&listed, &written(&["a.html", "new.html", "other.html"]), Some(&sent(&["new.html", "other.html"])));
        g.sort();
        assert_eq!(g, ["b.html", "c/d.json"]);
    }

    #[test]
    fn a_patch_dropped_before_its_commit_leaves_the_site_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = site(dir.path(), &[("index.html", "old")]);
        {
            let patch = Patch::new(&out).unwrap();
            patch.put("index.html", b"half").unwrap();
        }
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_commit_killed_halfway_is_finished_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = site(dir.path(), &[("a.html", "old a"), ("b.html", "old b"), ("gone.html", "g")]);
        // What a build killed while committing leaves: a dead process's patch with its
        // journal, one file already moved.
        let folder = dir.path().join(format!("{}x", prefix("public", 4294967295)));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(output::MARKER), output::MARKER_TEXT).unwrap();
        std::fs::write(folder.join("b.html"), "new b").unwrap();
        std::fs::write(folder.join(JOURNAL), "gone.html\n").unwrap();
        std::fs::write(out.join("a.html"), "new a").unwrap();
        assert!(recover(&out).unwrap());
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "new b");
        assert!(!out.join("gone.html").exists() && !folder.exists());
        assert!(!recover(&out).unwrap(), "nothing left to finish");
    }

    #[test]
    fn a_commit_killed_after_some_swaps_is_finished_and_never_swaps_back() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = site(dir.path(), &[("a.html", "old a"), ("b.html", "old b"), ("gone.html", "g")]);
        // This version's journal: a.html was swapped in before the kill (the folder holds the
        // old one now), b.html and a new page were not; gone.html still to be deleted.
        let folder = dir.path().join(format!("{}y", prefix("public", 4294967295)));
        std::fs::create_dir_all(folder.join("new")).unwrap();
        std::fs::write(folder.join(output::MARKER), output::MARKER_TEXT).unwrap();
        std::fs::write(folder.join("a.html"), "new a").unwrap();
        std::fs::write(folder.join("b.html"), "new b").unwrap();
        std::fs::write(folder.join("new/index.html"), "new page").unwrap();
        let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
        let journal = format!(
            "{JOURNAL_HEAD}\n+{} a.html\n+{} b.html\n+{} new/index.html\n-gone.html\n",
            ino(&folder.join("a.html")),
            ino(&folder.join("b.html")),
            ino(&folder.join("new/index.html"))
        );
        std::fs::write(folder.join(JOURNAL), journal).unwrap();
        replace(&folder.join("a.html"), &out.join("a.html")).unwrap();
        assert_eq!(std::fs::read_to_string(folder.join("a.html")).unwrap(), "old a", "swapped, not renamed");
        assert!(recover(&out).unwrap());
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "new b");
        assert_eq!(std::fs::read_to_string(out.join("new/index.html")).unwrap(), "new page");
        assert!(!out.join("gone.html").exists() && !folder.exists());
    }

    #[test]
    fn a_patch_writes_into_new_folders_and_over_a_folder_the_new_site_has_a_file_for() {
        let dir = tempfile::tempdir().unwrap();
        let out = site(dir.path(), &[("index.html", "old"), ("x/y.html", "y")]);
        let patch = Patch::new(&out).unwrap();
        patch.put("deep/new/folder/page.html", b"deep").unwrap();
        patch.put("x", b"a file now").unwrap();
        drop(patch.finish(&["x/y.html".to_string()]).unwrap());
        assert_eq!(std::fs::read_to_string(out.join("deep/new/folder/page.html")).unwrap(), "deep");
        assert_eq!(std::fs::read_to_string(out.join("x")).unwrap(), "a file now");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        let mut files: Vec<String> = files_of(&out).paths().map(str::to_string).collect();
        files.sort();
        assert_eq!(files, ["deep/new/folder/page.html", "index.html", "x"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no patch folder left");
    }

    /// Sets the time of every folder under `out` (and its own) to an hour before `now`.
    fn age_folders(out: &Path, now: std::time::SystemTime) {
        for entry in walkdir::WalkDir::new(out).into_iter().flatten().filter(|e| e.file_type().is_dir()) {
            std::fs::File::open(entry.path()).unwrap().set_modified(now - std::time::Duration::from_secs(3600)).unwrap();
        }
    }

    #[test]
    fn a_listing_since_the_last_build_reads_only_the_folders_whose_time_changed() {
        let dir = tempfile::tempdir().unwrap();
        let out = site(dir.path(), &[("index.html", "home"), ("a/b/c.json", "{}"), ("a/d.txt", "dd"), ("e/f.html", "f"), ("g/h.html", "h"), ("i/j.html", "j")]);
        let now = std::time::SystemTime::now();
        age_folders(&out, now);
        let last = LastTree::of(&files_of(&out));
        assert!(!last.folders().values().any(|&t| t == crate::load::cache::UNSETTLED));
        // Changed in place (their folders' times stay: one with a subfolder, one without),
        // put there, taken away, a new folder.
        std::fs::write(out.join("a/d.txt"), "changed").unwrap();
        std::fs::write(out.join("i/j.html"), "changed j").unwrap();
        std::fs::write(out.join("a/b/stray.txt"), "mine").unwrap();
        std::fs::remove_file(out.join("e/f.html")).unwrap();
        std::fs::create_dir_all(out.join("a/b/new/deeper")).unwrap();
        std::fs::write(out.join("a/b/new/deeper/x.html"), "x").unwrap();
        std::fs::remove_dir_all(out.join("g")).unwrap();
        let since = files_since(&out, &last, 2).expect("the output is the one the tree describes");
        let all = files_of(&out);
        assert_eq!(since.to_map(), all.to_map());
        assert_eq!(since.len(), all.len());
        let mut folders: Vec<&String> = since.folders.keys().collect();
        folders.sort();
        assert_eq!(folders, ["", "a", "a/b", "a/b/new", "a/b/new/deeper", "e", "i"]);
        assert_eq!(since.stamp("i/j.html").flatten().map(|s| s.0), Some(9), "seen through its unopened folder");
        // A folder whose time did not change is not read: a file slipped in with the folder's
        // time set back is not seen (the files the tree names are each looked at).
        age_folders(&out, now);
        let last = LastTree::of(&files_of(&out));
        std::fs::write(out.join("a/sneaked.txt"), "s").unwrap();
        std::fs::write(out.join("i/sneaked.txt"), "s").unwrap();
        age_folders(&out, now);
        let since = files_since(&out, &last, 2).unwrap();
        assert!(!since.contains("a/sneaked.txt") && files_of(&out).contains("a/sneaked.txt"));
        assert!(!since.contains("i/sneaked.txt") && files_of(&out).contains("i/sneaked.txt"));
        assert_eq!(since.len(), 6);
    }

    #[test]
    fn the_listing_gives_each_file_its_size_and_time_and_links_none() {
        let dir = tempfile::tempdir().unwrap();
        let out = site(dir.path(), &[("index.html", "home"), ("a/b/c.json", "{}"), ("a/d.txt", "dd")]);
        std::os::unix::fs::symlink(out.join("index.html"), out.join("a/link.html")).unwrap();
        let listed = files_of(&out);
        let files = &listed.to_map();
        let meta = std::fs::metadata(out.join("a/b/c.json")).unwrap();
        assert_eq!(files["a/b/c.json"], Some((2, crate::load::cache::modified_u64(&meta))));
        assert_eq!(files["index.html"].map(|s| s.0), Some(4));
        assert_eq!(files["a/link.html"], None, "a link is listed, never followed");
        assert_eq!(files.len(), 4, "the marker is not a site file: {files:?}");
        let mut folders: Vec<&str> = listed.folders.keys().map(String::as_str).collect();
        folders.sort();
        assert_eq!(folders, ["", "a", "a/b"], "every folder with its time");
        assert_eq!(listed.folders["a/b"], crate::load::cache::UNSETTLED, "a folder changed within two seconds is read again next time");
        // A folder last changed an hour ago keeps its time.
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::open(out.join("a/b")).unwrap().set_modified(hour_ago).unwrap();
        let time = crate::load::cache::modified_u64(&std::fs::metadata(out.join("a/b")).unwrap());
        assert_eq!(files_of(&out).folders["a/b"], time);
    }
}
