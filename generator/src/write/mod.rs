//! The write stage, the only code that writes the site: everything goes into a fresh folder
//! beside the output, which replaces the old output only once complete. A failed build leaves
//! the last good site exactly as it was.

use crate::error::{Error, Result};
use crate::render::OutputFile;
use std::path::{Component, Path};

/// Writes `files` as the complete new contents of `output`.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<()> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::current_dir().map_err(|e| Error::io(".", e))?,
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let name = output.file_name().map_or("public".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    for file in files {
        let relative = Path::new(&file.path);
        if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(Error::PathEscape { path: relative.to_path_buf(), root: output.to_path_buf() });
        }
        let target = staging.path().join(relative);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&target, &file.bytes).map_err(|e| Error::io(&target, e))?;
    }
    let staged = staging.keep();
    swap_in(&staged, output, &parent, &name)
}

/// Replaces `output` with `staged`; on failure the old output is put back.
fn swap_in(staged: &Path, output: &Path, parent: &Path, name: &str) -> Result<()> {
    if !output.exists() {
        return std::fs::rename(staged, output).map_err(|e| Error::io(output, e));
    }
    let old = tempfile::Builder::new()
        .prefix(&format!(".{name}.old-"))
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
