//! The write stage, the only code that writes the site: everything goes into a fresh folder
//! beside the output, which replaces the old output only once complete. A failed build leaves
//! the last good site exactly as it was, and only a folder that Sala wrote is ever replaced
//! (see [`output`]).

pub mod output;

use crate::error::{Error, Result};
use crate::load::cache::{Reused, WrittenFile};
use crate::render::OutputFile;
use std::path::{Component, Path};

/// Writes `files` as the complete new contents of `output`, which must have passed
/// [`output::checked_output`]. Leftovers of earlier builds of the same folder that were killed
/// before they finished are removed first.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<()> {
    write_site_with(output, files, &[]).map(|_| ())
}

/// [`write_site`], with files of the current output that the new one keeps unchanged
/// (`reused`): each is hard-linked from the current output into the new one (copied where the
/// filesystem has no hard links), so the current output stays whole until the swap. Returns
/// every file of the new output with its size and time, for the cache's manifest.
pub fn write_site_with(output: &Path, files: &[OutputFile], reused: &[Reused]) -> Result<Vec<WrittenFile>> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::current_dir().map_err(|e| Error::io(".", e))?,
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let name = output.file_name().map_or("public".into(), |n| n.to_string_lossy().into_owned());
    remove_leftovers(&parent, &name);
    let staging = tempfile::Builder::new()
        .prefix(&leftover_prefix(&name, "new"))
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    // The marker first: a build killed from here on leaves a folder the next one knows as its own.
    let marker = staging.path().join(output::MARKER);
    std::fs::write(&marker, output::MARKER_TEXT).map_err(|e| Error::io(&marker, e))?;
    let mut written = Vec::with_capacity(files.len() + reused.len());
    let mut made = std::collections::HashSet::new();
    let mut make_parent = |target: &Path| -> Result<()> {
        if let Some(dir) = target.parent() {
            if made.insert(dir.to_path_buf()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
        }
        Ok(())
    };
    for file in files {
        let target = staging.path().join(safe_relative(output, &file.path)?);
        make_parent(&target)?;
        std::fs::write(&target, &file.bytes).map_err(|e| Error::io(&target, e))?;
        let meta = std::fs::metadata(&target).map_err(|e| Error::io(&target, e))?;
        written.push(WrittenFile::new(&file.path, &meta));
    }
    for r in reused {
        let relative = safe_relative(output, &r.path)?;
        let (from, target) = (output.join(relative), staging.path().join(relative));
        make_parent(&target)?;
        if std::fs::hard_link(&from, &target).is_err() {
            std::fs::copy(&from, &target).map_err(|e| Error::io(&from, e))?;
        }
        let meta = std::fs::metadata(&target).map_err(|e| Error::io(&target, e))?;
        written.push(WrittenFile::new(&r.path, &meta));
    }
    let staged = staging.keep();
    swap_in(&staged, output, &parent, &name)?;
    Ok(written)
}

/// `path` as a path inside the output; an error when it would leave it.
fn safe_relative<'a>(output: &Path, path: &'a str) -> Result<&'a Path> {
    let relative = Path::new(path);
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(Error::PathEscape { path: relative.to_path_buf(), root: output.to_path_buf() });
    }
    Ok(relative)
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
}
