//! A rebuild's write: only the files the change touched. A full build writes a whole new site
//! beside the output and swaps it in ([`super::Staging`]); at 10,000 datasets that is 150,000
//! files linked and as many unlinked for a change to one dataset, which costs more than the
//! change. A rebuild with the cache instead
//!
//! 1. writes the files it rendered into a patch folder beside the output (the output is not
//!    touched: a build that fails here leaves it as it was, and the folder is removed);
//! 2. once everything rendered, writes the commit journal (the files the new site no longer
//!    has) into the patch folder, then
//! 3. renames each new file over the old one (each file is replaced whole, never half
//!    written), deletes the files the journal names, and removes the patch folder.
//!
//! A build killed in step 3 leaves a patch folder with its journal; the next build finishes
//! the commit before anything else (and then renders everything, not trusting its manifest).
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
pub struct Listing(std::thread::JoinHandle<Listed>);

use crate::load::cache::Listed;

impl Listing {
    /// Starts listing `output`'s files.
    pub fn start(output: &Path) -> Listing {
        let output = output.to_path_buf();
        Listing(std::thread::spawn(move || files_of(&output)))
    }

    /// The files listed, once the walk is done.
    pub fn files(self) -> Listed {
        self.0.join().unwrap_or_default()
    }
}

/// The files of the output (`listed`) that a site of the files `written` does not have: the
/// last build's that are gone, and any file someone put there (the output is replaced whole,
/// as by a full build). Read from the folder itself, not from a manifest.
pub fn gone(listed: &Listed, written: &std::collections::BTreeMap<String, u64>) -> Vec<String> {
    // Most rebuilds delete nothing: when every file listed is among those written (counted by
    // a hash lookup of each written path in the listing), none is gone. Looking each listed
    // path up in the written tree instead (16 comparisons of long, alike paths apiece) was
    // two thirds of the commit's CPU at 3,000 datasets.
    let kept = written.keys().filter(|p| listed.contains_key(p.as_str())).count();
    if kept == listed.len() {
        return Vec::new();
    }
    listed.keys().filter(|f| !written.contains_key(*f)).cloned().collect()
}

/// Every file under `output` (see [`Listed`]).
fn files_of(output: &Path) -> Listed {
    let mut files = Listed::new();
    list(output, "", &mut files);
    files
}

fn list(dir: &Path, prefix: &str, files: &mut Listed) {
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
        let journal = self.folder.path().join(JOURNAL);
        let mut text = String::new();
        for path in gone {
            text.push_str(path);
            text.push('\n');
        }
        let mut file = std::fs::File::create(&journal).map_err(|e| Error::io(&journal, e))?;
        // Not synced to disk: the journal is for a build that is killed, whose writes the
        // system still completes; syncing cost seconds on a busy disk.
        file.write_all(text.as_bytes()).map_err(|e| Error::io(&journal, e))?;
        let folder = self.folder.keep();
        commit(&folder, &self.output)?;
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

/// Removes a committed patch folder: first the replaced files kept aside, a few at once (each
/// waits for the disk to take back its blocks, see [`commit`]), then the rest.
fn remove_patch(folder: &Path) {
    let files: Vec<PathBuf> = match std::fs::read_dir(folder.join(REPLACED)) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    };
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

/// Where a commit keeps the output's replaced files until its folder is removed.
const REPLACED: &str = ".sala-replaced";

/// Moves every file of the patch `folder` into `output` and deletes the files its journal
/// names; the folder is left for the caller to remove (with the replaced files, kept aside in
/// it by a hard link so that the renames do not wait for their space to be freed).
/// Done again after a kill, it finishes what is left.
fn commit(folder: &Path, output: &Path) -> Result<()> {
    let aside = folder.join(REPLACED);
    let mut kept = 0usize;
    let mut aside_made = false;
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
        let target = output.join(relative);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        // Every file replaced keeps a link in the folder, so that the rename over it does not
        // free its blocks: on this project's disk (ext4, mounted with `discard`) that took the
        // kernel about 4 ms a file, even for a small page, and the 60 files a one-CSV rebuild of
        // 3,000 datasets replaces spent a quarter of a second in `rename`. The cleanup thread
        // frees them. Where there is no file (a new one) or no link can be made, the rename
        // does as before.
        if !aside_made {
            aside_made = std::fs::create_dir_all(&aside).is_ok();
        }
        if aside_made && std::fs::hard_link(&target, aside.join(kept.to_string())).is_ok() {
            kept += 1;
        }
        std::fs::rename(entry.path(), &target).map_err(|e| Error::io(&target, e))?;
    }
    let journal = folder.join(JOURNAL);
    let gone = std::fs::read_to_string(&journal).map_err(|e| Error::io(&journal, e))?;
    for path in gone.lines().filter(|l| !l.is_empty()) {
        let relative = Path::new(path);
        if relative.components().any(|c| !matches!(c, Component::Normal(_))) || path == output::MARKER {
            continue;
        }
        let target = output.join(relative);
        match std::fs::remove_file(&target) {
            Ok(()) => remove_empty_parents(output, &target),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&target, e)),
        }
    }
    Ok(())
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

    /// The file stays where it is: the output already has it. (The cache's memo saw it there,
    /// unchanged, just before: it is not looked at again, 150,000 times in a national rebuild.)
    fn reuse(&self, path: &str, from: &Path) -> Result<()> {
        if from.strip_prefix(&self.output).ok() != Some(Path::new(path)) {
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
        let mut files: Vec<String> = files_of(&out).into_keys().collect();
        files.sort();
        assert_eq!(files, ["catalog.jsonld", "index.html"]);
    }

    #[test]
    fn the_files_gone_are_the_listed_ones_not_written() {
        let listed: Listed = [("a.html", Some((1, 1))), ("b.html", None), ("c/d.json", Some((2, 2)))].into_iter().map(|(p, s)| (p.to_string(), s)).collect();
        let written = |paths: &[&str]| paths.iter().map(|p| (p.to_string(), 0u64)).collect::<std::collections::BTreeMap<_, _>>();
        assert!(gone(&listed, &written(&["a.html", "b.html", "c/d.json"])).is_empty());
        assert!(gone(&listed, &written(&["a.html", "b.html", "c/d.json", "new.html"])).is_empty());
        let mut g = gone(&listed, &written(&["a.html", "new.html", "other.html"]));
        g.sort();
        assert_eq!(g, ["b.html", "c/d.json"]);
        assert_eq!(gone(&listed, &written(&[])).len(), 3);
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
}
