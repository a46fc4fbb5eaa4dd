//! Which folders a build may replace. The write stage replaces its output folder whole, so the
//! folder must be one that Sala wrote: never the filesystem root, the home folder, the portal
//! or a folder above it, a source folder of the portal, a file, or a folder of someone else's
//! files. One rule serves `output_dir` in `site.toml`, `sala build --output` and `sala serve`.

use crate::error::{Error, Result};
use std::path::{Component, Path, PathBuf};

/// The file Sala writes into every output folder, so that the next build knows the folder is
/// its own to replace.
pub const MARKER: &str = ".sala-output";

/// What the marker says to a person who finds it.
pub const MARKER_TEXT: &str = "This folder is written by `sala build` and replaced whole by the next build: keep no files of your own here.\n\
โฟลเดอร์นี้สร้างโดย `sala build` และจะถูกแทนที่ทั้งโฟลเดอร์เมื่อสร้างครั้งถัดไป: อย่าเก็บไฟล์อื่นไว้ที่นี่\n";

/// The top-level names of a portal that are its sources (and its build cache), never an output.
const SOURCES: [&str; 6] = ["site.toml", "datasets", "content", "themes", ".git", crate::load::cache::DIR];

/// Why a folder cannot be an output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The filesystem root.
    FilesystemRoot,
    /// The user's home folder, or a folder holding it.
    Home,
    /// The portal folder itself.
    PortalRoot,
    /// A folder that holds the portal folder.
    AbovePortal,
    /// A source of the portal (`site.toml`, `datasets/`, `content/`, `themes/`, `.git/`) or a
    /// folder inside one; the name is the source.
    Source(String),
    /// An existing file, not a folder.
    NotAFolder,
    /// An existing folder with files that Sala did not write.
    NotSalaOutput,
    /// A mount point (a volume, a partition of its own): the build swaps the whole folder
    /// for the new site, which a mount point cannot be.
    MountPoint,
}

impl Refusal {
    /// Why, in Thai.
    pub fn th(&self) -> String {
        match self {
            Refusal::FilesystemRoot => "เป็นโฟลเดอร์รากของระบบไฟล์".into(),
            Refusal::Home => "เป็นโฟลเดอร์บ้าน (home) ของผู้ใช้ หรือโฟลเดอร์ที่มีโฟลเดอร์บ้านอยู่ข้างใน".into(),
            Refusal::PortalRoot => "เป็นโฟลเดอร์ของพอร์ทัลเอง".into(),
            Refusal::AbovePortal => "มีโฟลเดอร์ของพอร์ทัลอยู่ข้างใน".into(),
            Refusal::Source(name) => format!("เป็นไฟล์ต้นฉบับของพอร์ทัล ({name}) หรืออยู่ข้างในนั้น"),
            Refusal::NotAFolder => "เป็นไฟล์ ไม่ใช่โฟลเดอร์".into(),
            Refusal::NotSalaOutput => format!("มีไฟล์อื่นอยู่แล้วซึ่ง Sala ไม่ได้สร้าง (ไม่มีไฟล์ {MARKER})"),
            Refusal::MountPoint => "เป็นจุดเมานต์ (volume หรือพาร์ทิชันของตัวเอง) ซึ่งสลับทั้งโฟลเดอร์ไม่ได้: ให้ใช้โฟลเดอร์ย่อยข้างในแทน เช่น <จุดเมานต์>/public".into(),
        }
    }

    /// Why, in English.
    pub fn en(&self) -> String {
        match self {
            Refusal::FilesystemRoot => "it is the filesystem root".into(),
            Refusal::Home => "it is your home folder, or holds it".into(),
            Refusal::PortalRoot => "it is the portal folder itself".into(),
            Refusal::AbovePortal => "it holds the portal folder".into(),
            Refusal::Source(name) => format!("it is one of the portal's sources ({name}) or inside one"),
            Refusal::NotAFolder => "it is a file, not a folder".into(),
            Refusal::NotSalaOutput => format!("it already holds files that Sala did not write (it has no {MARKER} file)"),
            Refusal::MountPoint => "it is a mount point (a volume or a partition of its own), which cannot be swapped whole for the new site: use a folder inside it, such as <mount point>/public".into(),
        }
    }
}

/// The folder a build of the portal at `root` may replace when asked to write to `output`
/// (relative paths are taken from the current folder), resolved through links; or the reason
/// it may not. Nothing is touched either way.
pub fn checked_output(root: &Path, output: &Path) -> Result<PathBuf> {
    let refuse = |reason: Refusal| Err(Error::UnsafeOutput { path: output.to_path_buf(), reason });
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let absolute = if output.is_absolute() {
        output.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| Error::io(".", e))?.join(output)
    };
    let resolved = resolve(&absolute)?;
    if resolved.parent().is_none() {
        return refuse(Refusal::FilesystemRoot);
    }
    if resolved == root {
        return refuse(Refusal::PortalRoot);
    }
    if root.starts_with(&resolved) {
        return refuse(Refusal::AbovePortal);
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()).and_then(|h| Path::new(&h).canonicalize().ok()) {
        if home.starts_with(&resolved) {
            return refuse(Refusal::Home);
        }
    }
    if let Ok(inside) = resolved.strip_prefix(&root) {
        if let Some(Component::Normal(first)) = inside.components().next() {
            let first = first.to_string_lossy();
            if SOURCES.contains(&first.as_ref()) {
                return refuse(Refusal::Source(first.into_owned()));
            }
        }
    }
    match std::fs::symlink_metadata(&resolved) {
        Ok(meta) if !meta.is_dir() => refuse(Refusal::NotAFolder),
        Ok(meta) if is_mount_point(&resolved, &meta) => refuse(Refusal::MountPoint),
        Ok(_) if !written_by_sala(&resolved) => refuse(Refusal::NotSalaOutput),
        _ => Ok(resolved),
    }
}

/// Whether the folder at `path` (with `meta`) is a mount point: on another device than its
/// parent, or the same folder as its parent (a bind mount of the root).
fn is_mount_point(path: &Path, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Some(parent) = path.parent().and_then(|p| std::fs::metadata(p).ok()) else { return false };
    parent.dev() != meta.dev() || parent.ino() == meta.ino()
}

/// `path` made absolute and free of links, `.` and `..`: the existing part resolved by the
/// filesystem, the rest (which holds no links, since it does not exist) lexically.
fn resolve(path: &Path) -> Result<PathBuf> {
    let mut resolved = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if std::fs::symlink_metadata(&resolved).is_ok() {
                    resolved = resolved.canonicalize().map_err(|e| Error::io(&resolved, e))?;
                }
            }
        }
    }
    Ok(resolved)
}

/// Whether `dir` is Sala's to replace: empty, marked with [`MARKER`], or a site built before
/// the marker existed (Sala's own API description, home page and sitemap, which only a Sala
/// build writes together).
pub fn written_by_sala(dir: &Path) -> bool {
    let Ok(mut entries) = std::fs::read_dir(dir) else { return false };
    if entries.next().is_none() {
        return true;
    }
    let is_file = |name: &str| std::fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.is_file());
    is_file(MARKER) || ["index.html", "sitemap.xml", "api/openapi.json"].iter().all(|f| is_file(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mount_point_is_told_from_a_folder() {
        let proc_meta = std::fs::metadata("/proc").unwrap();
        assert!(is_mount_point(Path::new("/proc"), &proc_meta));
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_mount_point(dir.path(), &std::fs::metadata(dir.path()).unwrap()));
    }

    #[test]
    fn dot_dot_after_a_missing_folder_is_resolved_lexically() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        assert_eq!(resolve(&base.join("a/b/../c/./d")).unwrap(), base.join("a/c/d"));
        assert_eq!(resolve(&base.join("missing/../..")).unwrap(), base.parent().unwrap());
    }

    #[test]
    fn an_empty_or_marked_folder_is_sala_s_and_a_folder_of_other_files_is_not() {
        let dir = tempfile::tempdir().unwrap();
        assert!(written_by_sala(dir.path()));
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        assert!(!written_by_sala(dir.path()));
        std::fs::write(dir.path().join(MARKER), MARKER_TEXT).unwrap();
        assert!(written_by_sala(dir.path()));
    }
}
