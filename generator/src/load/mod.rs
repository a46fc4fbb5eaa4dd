//! The load stage: finds and parses every source file of a portal — `site.toml`, dataset
//! metadata and schemas, CSV files (decoded, into Polars), markdown pages and the theme.
//! Nothing is read from outside the portal folder. Problems in one dataset or page become
//! diagnostics so that every problem is reported in one run.

pub mod binary;
pub mod cache;
pub mod content;
pub mod privacy;
pub mod dataset;
pub mod role;
mod parts;
pub mod package;
pub mod scan;
pub mod schema;
pub mod table;
pub mod table_file;
pub mod theme;
pub mod workbook;

use crate::config::SiteConfig;
use crate::diagnostic::{Code, Diagnostic, Location, Report};
use crate::error::{Error, Result};
use crate::lang::Text;
use crate::session::{self, Hooks};
use cache::Cache;
use content::PageSource;
use dataset::{DatasetMeta, ResourceMeta, SchemaSource};
use schema::Schema;
use std::path::{Component, Path, PathBuf};
use table::RawTable;
use workbook::{Place, Places};
use theme::Theme;

/// Everything a portal's folder holds, parsed.
#[derive(Debug)]
pub struct Source {
    /// The portal folder (canonical).
    pub root: PathBuf,
    /// `site.toml`.
    pub config: SiteConfig,
    /// The datasets whose metadata parsed, sorted by id.
    pub datasets: Vec<DatasetSource>,
    /// The markdown pages, sorted by slug and language.
    pub pages: Vec<PageSource>,
    /// The personal-data policies (`content/privacy/*.toml`), sorted by slug.
    pub policies: Vec<privacy::PolicySource>,
    /// The theme.
    pub theme: Theme,
}

/// A dataset's folder, parsed.
#[derive(Debug)]
pub struct DatasetSource {
    /// The folder's name, which is the dataset's id.
    pub id: String,
    /// `datasets/<id>/dataset.toml`, relative to the portal folder.
    pub meta_file: PathBuf,
    /// The metadata.
    pub meta: DatasetMeta,
    /// The resources whose schema could be read.
    pub resources: Vec<ResourceSource>,
    /// A hash of the metadata files' bytes and of which of them there are, when the build
    /// cache read them (what the cache keys this dataset's personal-data scan with, see
    /// [`cache::Cache::scanned`], and its summary keys are carried by, see `render::keys`).
    pub meta_key: Option<u64>,
}

/// One data file with its schema.
#[derive(Debug)]
pub struct ResourceSource {
    /// The metadata from `dataset.toml`.
    pub meta: ResourceMeta,
    /// The Table Schema (shared with the metadata's, when written in it).
    pub schema: std::sync::Arc<Schema>,
    /// The file the schema is written in (`schema.json`, or `dataset.toml` when inline), as
    /// schema diagnostics name it.
    pub schema_file: PathBuf,
    /// The data file (the first, for many), relative to the portal folder.
    pub file: PathBuf,
    /// Every data file, relative to the portal folder.
    pub files: Vec<PathBuf>,
    /// Every data file, where it is (canonical).
    pub paths: Vec<PathBuf>,
    /// The file's cells, when it was read: a file that could not be, or need not be (the
    /// cache holds its checked table, see [`ResourceSource::cached_rows`]), has none.
    pub table: Option<RawTable>,
    /// A hash of the file's bytes and reading options: equal means the same cells.
    pub fingerprint: u64,
    /// How many data rows the file has, when it was not read because the build cache holds
    /// its checked table (by [`ResourceSource::check_key`]).
    pub cached_rows: Option<usize>,
    /// A hash of what the table's check takes from the metadata: the schema (as JSON) and the
    /// columns the dataset declares personal data.
    pub schema_key: u64,
    /// The warnings reading the file gave (its encoding, delimiter, an empty table), already in
    /// the load's report; None when the file was not read. The cache keeps them with the
    /// checked table, so that a build that takes the table from there reports them too.
    pub read_warnings: Option<Vec<Diagnostic>>,
}

impl ResourceSource {
    /// A hash of what its checked table is made from: the data's fingerprint, the schema, the
    /// declared personal-data columns and the file the schema is written in (which
    /// diagnostics name).
    pub fn check_key(&self) -> u64 {
        check_key(self.fingerprint, &self.schema_file, self.schema_key)
    }

    /// How many data rows the file has, when it was read or its checked table is cached.
    pub fn rows(&self) -> Option<usize> {
        self.table.as_ref().map(RawTable::rows).or(self.cached_rows)
    }

    /// What reads its files again as load read them, for a table whose checked copy in the
    /// build cache turns out unreadable when it is needed.
    pub fn read_again(&self) -> ReadAgain {
        // Not the whole metadata: its inline schema is a copy of `schema` (a rebuild makes one of
        // these per table).
        let options = Reading::of(&self.meta);
        ReadAgain { paths: self.paths.clone(), files: self.files.clone(), options, schema: self.schema.clone(), fingerprint: self.fingerprint }
    }
}

/// A resource's files, to be read again: see [`ResourceSource::read_again`].
pub struct ReadAgain {
    paths: Vec<PathBuf>,
    files: Vec<PathBuf>,
    options: Reading,
    schema: std::sync::Arc<Schema>,
    fingerprint: u64,
}

/// How a resource's files are read, as its metadata says.
struct Reading {
    encoding: Option<String>,
    sheet: Option<String>,
    dialect: Option<dataset::DialectMeta>,
}

impl Reading {
    fn of(meta: &ResourceMeta) -> Reading {
        Reading { encoding: meta.encoding.clone(), sheet: meta.sheet.clone(), dialect: meta.dialect.clone() }
    }
}

impl ReadAgain {
    /// The schema the files are read with.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The files' cells, refused when their bytes are no longer those the build began with
    /// (the table's diagnostics and every output key were made from those).
    pub fn read(&self) -> std::result::Result<RawTable, String> {
        let mut bytes = Vec::with_capacity(self.paths.len());
        let mut each = Vec::with_capacity(self.paths.len());
        for path in &self.paths {
            let read = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            each.push(session::fingerprint(&read, &()));
            let shared: table::SharedBytes = std::sync::Arc::new(read);
            bytes.push(shared);
        }
        let options = (&self.files, &self.options.encoding, &self.options.sheet, format!("{:?}", self.options.dialect), &self.schema.missing_values);
        if combined_fingerprint(&each, &options) != self.fingerprint {
            return Err("the file changed while Sala was building: build again".to_string());
        }
        let types = self.schema.fields.iter().filter_map(|f| Some((f.name.clone(), f.parser_type()?))).collect();
        read_files(&self.paths, &self.files, bytes, &self.options, &self.schema.missing_values, &types)
            .map(|(table, _)| table)
            .map_err(|d| d.message.en)
    }
}

/// [`ResourceSource::check_key`] of its parts.
fn check_key(fingerprint: u64, schema_file: &Path, schema_key: u64) -> u64 {
    let mut h = cache::KeyHasher::new();
    h.add(&fingerprint).add(&schema_file).add(&schema_key);
    h.finish()
}

/// A hash of a schema as JSON: computed when it is parsed, kept with its parse in the build
/// cache (a rebuild of 10,000 datasets spent a tenth of a second writing schemas as JSON to
/// hash them).
fn schema_json_key(schema: &Schema) -> u64 {
    let mut h = cache::KeyHasher::new();
    h.add_json(schema);
    h.finish()
}

/// [`ResourceSource::schema_key`]: a schema's [`schema_json_key`] and the declared columns.
fn schema_key(json_key: u64, declared: &[&String]) -> u64 {
    let mut h = cache::KeyHasher::new();
    h.add(&json_key).add(declared);
    h.finish()
}

/// Reads a portal. Errors are fatal problems (no `site.toml`, a broken theme); everything
/// wrong inside datasets and pages comes back in the report.
pub fn load(root: &Path) -> Result<(Source, Report)> {
    load_with(root, Hooks::default())
}

/// [`load`], reusing tables from `hooks.cache` and advancing `hooks.progress`.
pub fn load_with(root: &Path, hooks: Hooks) -> Result<(Source, Report)> {
    load_each(root, hooks, |_| ()).map(|(source, report, _)| (source, report))
}

/// [`load_with`], running `each` on every dataset as soon as it is read, on the thread that
/// read it; returns what it gave, in the datasets' order. `check` and `build` check a
/// dataset's tables there and then keep only the typed table (see
/// [`RawTable::release_cells`]): the raw cells of 10,000 datasets are never all in memory.
pub fn load_each<T: Send>(root: &Path, hooks: Hooks, each: impl Fn(&mut DatasetSource) -> T + Sync) -> Result<(Source, Report, Vec<T>)> {
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let config = SiteConfig::load(&root)?;
    let theme = Theme::load(&root, &config.theme)?;
    config.check_theme_files(&theme.static_files)?;
    let mut report = Report::default();

    let DatasetDirs { dirs: dataset_dirs, real, linked, hidden } = list_dataset_dirs(&root)?;
    // A hidden folder (`.draft`) is not published: said where it holds a dataset, since a
    // civil servant may not see the dot (file managers hide such folders).
    for dir in hidden {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let shown = name.trim_start_matches('.');
        report.push(Diagnostic::warning(
            Code::MetadataError,
            Location::file(relative(&root, &dir)),
            Text::new(
                format!("โฟลเดอร์ชุดข้อมูล \"{name}\" ขึ้นต้นด้วยจุด (โฟลเดอร์ซ่อน) จึงไม่เผยแพร่"),
                format!("the dataset folder \"{name}\" begins with a dot (a hidden folder), so it is not published"),
            ),
            Text::new(
                format!("ถ้าต้องการเผยแพร่ เปลี่ยนชื่อโฟลเดอร์เป็น {shown} (ไม่มีจุดนำหน้า) ถ้าเป็นฉบับร่าง ให้ย้ายออกไปนอก datasets/"),
                format!("to publish it, rename the folder {shown} (without the dot); if it is a draft, move it out of datasets/"),
            ),
        ));
    }
    // A folder that is a link is not followed (it could lead anywhere): said, not skipped
    // silently.
    for link in linked {
        report.push(Diagnostic::warning(
            Code::MetadataError,
            Location::file(relative(&root, &link)),
            Text::new(
                "โฟลเดอร์ชุดข้อมูลนี้เป็นลิงก์ (symlink) ซึ่ง Sala ไม่ตามไป จึงไม่เผยแพร่",
                "this dataset folder is a link (symlink), which Sala does not follow: it is not published",
            ),
            Text::new("คัดลอกโฟลเดอร์ชุดข้อมูลมาไว้ใน datasets/ แทนลิงก์", "copy the dataset folder into datasets/ in place of the link"),
        ));
    }
    if let Some(p) = hooks.progress {
        p.datasets.set_length(dataset_dirs.len() as u64);
    }
    // The content pages and the privacy policies are read on a thread of their own meanwhile.
    let (loaded, pages_and_policies) = std::thread::scope(|scope| {
        let others = scope.spawn(|| {
            let mut report = Report::default();
            let pages = load_pages(&root, &config, &mut report);
            let policies = load_policies(&root, &mut report);
            (pages, policies, report)
        });
        // Plain threads, not `par_iter`: reading calls into Polars' pool (see `crate::parallel`).
        let loaded: Vec<(Option<(DatasetSource, T)>, Report)> = crate::parallel::map(&dataset_dirs, |(id, dir)| {
            let (dataset, report) = load_dataset(&root, (id, dir, real), hooks.cache);
            if let Some(p) = hooks.progress {
                p.datasets.inc(1);
            }
            let done = dataset.map(|mut d| {
                let t = each(&mut d);
                (d, t)
            });
            (done, report)
        });
        (loaded, others.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let mut datasets = Vec::new();
    let mut done = Vec::new();
    for (dataset, r) in loaded {
        report.merge(r);
        if let Some((d, t)) = dataset {
            datasets.push(d);
            done.push(t);
        }
    }

    // Their problems after the datasets', as when they were read after them.
    let (pages, policies, others) = pages_and_policies;
    report.merge(others);
    let (pages, policies) = (pages?, policies?);
    // A portal without a dataset folder, not even the agency registry's (a checkout gone
    // wrong, datasets/ moved), would replace a published site with an empty one: said, so that
    // a build log shows it. (A new portal has its registry, and passes as it stands.)
    if dataset_dirs.is_empty() && !report.has_errors() {
        report.push(Diagnostic::warning(
            Code::EmptyTable,
            Location::file("datasets"),
            Text::new("พอร์ทัลนี้ยังไม่มีชุดข้อมูล: เว็บไซต์ที่สร้างจะไม่มีข้อมูลให้ดาวน์โหลด", "the portal has no datasets: the site built will have no data to download"),
            Text::new(
                "เพิ่มชุดข้อมูลใน datasets/<รหัส>/ (เช่น ด้วย sala infer) หรือตรวจว่าเรียกจากโฟลเดอร์ของพอร์ทัลที่ถูกต้อง",
                "add a dataset in datasets/<id>/ (sala infer makes one), or check that this is the right portal folder",
            ),
        ));
    }
    Ok((Source { root, config, datasets, pages, policies, theme }, report, done))
}

/// A folder of the portal, refused when it is a link leading outside it.
fn inside(root: &Path, dir: PathBuf) -> Result<PathBuf> {
    match dir.canonicalize() {
        Ok(real) if real.starts_with(root) => Ok(dir),
        Ok(_) => Err(Error::PathEscape { path: dir, root: root.to_path_buf() }),
        Err(e) => Err(Error::io(&dir, e)),
    }
}

/// The dataset folders (links are not followed), by name; with whether the `datasets` folder
/// is its own real path (no link on the way), so that their paths are real paths too.
fn list_dataset_dirs(root: &Path) -> Result<DatasetDirs> {
    let dir = root.join("datasets");
    if !dir.is_dir() {
        return Ok(DatasetDirs { dirs: Vec::new(), real: false, linked: Vec::new(), hidden: Vec::new() });
    }
    let dir = inside(root, dir)?;
    let real = dir.canonicalize().is_ok_and(|c| c == dir);
    let (mut dirs, mut linked, mut hidden) = (Vec::new(), Vec::new(), Vec::new());
    for (name, path, kind) in entries_by_name(&dir)? {
        if kind.is_symlink() && path.is_dir() && !name.to_string_lossy().starts_with('.') {
            linked.push(path);
            continue;
        }
        if kind.is_dir() {
            let id = name.to_string_lossy().into_owned();
            if id.starts_with('.') {
                if path.join("dataset.toml").is_file() || path.join(package::FILE_NAME).is_file() {
                    hidden.push(path);
                }
                continue;
            }
            dirs.push((id, path));
        }
    }
    Ok(DatasetDirs { dirs, real, linked, hidden })
}

/// The dataset folders of a portal (see [`list_dataset_dirs`]).
struct DatasetDirs {
    /// Each folder's name and path.
    dirs: Vec<(String, PathBuf)>,
    /// Whether the `datasets` folder is its own real path.
    real: bool,
    /// Folders that are links, which are not followed.
    linked: Vec<PathBuf>,
    /// Hidden folders (`.name`) that hold a dataset's metadata, which are not published.
    hidden: Vec<PathBuf>,
}

/// The entries of the folder `dir` sorted by name, each with its type as the listing gives it
/// (a link is a link, never followed). One read of the folder: `WalkDir` with `max_depth(1)`
/// also opened and read every subfolder, 10,000 of them at 10,000 datasets (60 ms of each
/// rebuild's time).
fn entries_by_name(dir: &Path) -> Result<Vec<(std::ffi::OsString, PathBuf, std::fs::FileType)>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let kind = entry.file_type().map_err(|e| Error::io(&entry.path(), e))?;
        entries.push((entry.file_name(), entry.path(), kind));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// True for ids and resource names Sala puts in URLs: lowercase ASCII, digits, `-`, `_`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Loads the dataset `id` in folder `dir` (a real path when `real`: see [`list_dataset_dirs`]).
fn load_dataset(root: &Path, (id, dir, real): (&str, &Path, bool), cache: Option<&Cache>) -> (Option<DatasetSource>, Report) {
    let mut report = Report::default();
    let meta_path = dir.join("dataset.toml");
    let meta_file = relative(root, &meta_path);
    if !is_valid_id(id) {
        report.push(Diagnostic::error(
            Code::MetadataError,
            Location::file(relative(root, dir)),
            Text::new(
                format!("ชื่อโฟลเดอร์ \"{id}\" ใช้เป็นรหัสชุดข้อมูลไม่ได้"),
                format!("the folder name \"{id}\" cannot be a dataset id"),
            ),
            Text::new(
                "ตั้งชื่อโฟลเดอร์ด้วยอักษรอังกฤษตัวเล็ก ตัวเลข และ - เช่น budget-2567 เพราะจะเป็นที่อยู่เว็บของชุดข้อมูล",
                "name the folder with lowercase a-z, digits and '-', e.g. budget-2567: it becomes the dataset's web address",
            ),
        ));
        return (None, report);
    }
    let package_path = dir.join(package::FILE_NAME);
    // One look at each file gives whether it is there, whether it is a link, and its size and
    // time, which tell the build cache whether its parse from the last build still holds.
    let looks = [&meta_path, &package_path].map(|p| std::fs::symlink_metadata(p).ok());
    let stats: Vec<Option<std::fs::Metadata>> = [&meta_path, &package_path]
        .iter()
        .zip(&looks)
        .map(|(p, look)| match look {
            Some(m) if m.file_type().is_symlink() => std::fs::metadata(p).ok().filter(std::fs::Metadata::is_file),
            Some(m) => Some(m.clone()).filter(std::fs::Metadata::is_file),
            None => None,
        })
        .collect();
    let (has_toml, has_package) = (stats[0].is_some(), stats[1].is_some());
    if !has_toml && !has_package {
        report.push(Diagnostic::error(
            Code::MissingFile,
            Location::file(&meta_file),
            Text::new("โฟลเดอร์ชุดข้อมูลไม่มีไฟล์ dataset.toml", "the dataset folder has no dataset.toml"),
            Text::new(
                "เพิ่ม dataset.toml ที่อธิบายชุดข้อมูล (ดู docs/formats.md) หรือ datapackage.json หรือสร้างด้วย `sala infer ไฟล์.csv`",
                "add a dataset.toml describing the dataset (see docs/formats.md) or a datapackage.json, or create one with `sala infer file.csv`",
            ),
        ));
        return (None, report);
    }
    let package_file = relative(root, &package_path);
    // Without dataset.toml, diagnostics about the metadata point at the package.
    let meta_file = if has_toml { meta_file } else { package_file.clone() };
    // A metadata file that is a link to a file outside the portal is refused like any path
    // (the dataset's folder itself is no link: see `list_dataset_dirs`).
    for (((path, shown), stat), look) in [(&meta_path, "dataset.toml"), (&package_path, package::FILE_NAME)].into_iter().zip(&stats).zip(&looks) {
        let link = stat.is_some() && look.as_ref().is_none_or(|m| m.file_type().is_symlink());
        if link && path.canonicalize().map_or(true, |p| !p.starts_with(root)) {
            report.push(Diagnostic::error(
                Code::PathEscape,
                Location::file(relative(root, path)),
                Text::new(format!("{shown} ชี้ออกไปนอกโฟลเดอร์ของพอร์ทัล"), format!("{shown} points outside the portal folder")),
                Text::new(format!("ใช้ไฟล์ {shown} จริงในโฟลเดอร์ของชุดข้อมูล ไม่ใช่ลิงก์"), format!("keep a real {shown} in the dataset's folder, not a link")),
            ));
            return (None, report);
        }
    }
    let stamps: Vec<(u64, u64)> = stats.iter().map(|m| m.as_ref().map_or((0, 0), |m| (m.len(), cache::modified_u64(m)))).collect();
    let read = || -> Option<Vec<Vec<u8>>> {
        [(&meta_path, has_toml), (&package_path, has_package)].into_iter().map(|(p, has)| if has { std::fs::read(p).ok() } else { Some(Vec::new()) }).collect()
    };
    let parse = |texts: Option<&[Vec<u8>]>| {
        let read = |path: &Path, file: &Path| -> Result<String, Diagnostic> {
            match texts {
                Some([toml, package]) => utf8(if path == meta_path { toml.clone() } else { package.clone() }, file),
                _ => read_utf8(path, file),
            }
        };
        let (meta, report) = parse_meta((&meta_path, &meta_file, has_toml), (&package_path, &package_file, has_package), &read);
        let schema_keys = meta
            .iter()
            .flat_map(|m| &m.resources)
            .map(|r| match &r.schema {
                SchemaSource::Inline(s) => schema_json_key(s),
                SchemaSource::File(_) => 0,
            })
            .collect();
        cache::ParsedMeta { meta, diagnostics: report.diagnostics, schema_keys }
    };
    let (parsed, meta_key) = match cache {
        Some(c) => c.parsed_meta(&meta_path, &stamps, read, parse),
        None => (parse(None), None),
    };
    // Which of the two files there are, too: an empty dataset.toml beside a datapackage.json
    // is not the same metadata as none.
    let meta_key = meta_key.map(|k| {
        let mut h = cache::KeyHasher::new();
        h.add(&k).add(&(has_toml, has_package));
        h.finish()
    });
    report.diagnostics.extend(parsed.diagnostics);
    let Some(meta) = parsed.meta else { return (None, report) };
    let schema_keys = parsed.schema_keys;
    // What the check of each table depends on besides its schema: the columns declared personal
    // data (the personal-data scan leaves them out).
    let declared = meta.personal_data.as_ref().map(|p| p.columns.keys().collect::<Vec<_>>()).unwrap_or_default();
    let resources: Vec<ResourceSource> = meta
        .resources
        .iter()
        .zip(schema_keys)
        .filter_map(|(r, schema_key)| load_resource(root, (dir, real), &meta_file, r, &mut report, (id, cache), (schema_key, &declared)))
        .collect();
    (Some(DatasetSource { id: id.to_string(), meta_file, meta, resources, meta_key }), report)
}

/// Parses a dataset's metadata from its files, read with `read`: `dataset.toml`, or
/// `datapackage.json` with an optional `dataset.toml` beside it. The metadata (None when it
/// cannot be used) and the problems found in it.
fn parse_meta(
    (meta_path, meta_file, has_toml): (&Path, &Path, bool),
    (package_path, package_file, has_package): (&Path, &Path, bool),
    read: &dyn Fn(&Path, &Path) -> Result<String, Diagnostic>,
) -> (Option<DatasetMeta>, Report) {
    let mut report = Report::default();
    let text = if has_toml {
        match read(meta_path, meta_file) {
            Ok(t) => Some(t),
            Err(d) => {
                report.push(d);
                return (None, report);
            }
        }
    } else {
        None
    };
    let toml_error = |e: toml::de::Error, text: &str| {
        let (line, col) = e.span().map_or((1, 1), |s| crate::error::line_col(text, s.start));
        Diagnostic::error(
            Code::MetadataError,
            Location::line(meta_file, line, col),
            Text::new(format!("dataset.toml ผิดรูปแบบ: {}", e.message().trim()), format!("dataset.toml is not valid: {}", e.message().trim())),
            Text::new(
                "แก้บรรทัดที่ระบุตามรูปแบบใน docs/formats.md (ชื่อคีย์สะกดถูก ข้อความอยู่ในเครื่องหมายคำพูด)",
                "fix the line shown following docs/formats.md (keys spelt right, text in double quotes)",
            ),
        )
    };
    let meta: DatasetMeta = if has_package {
        let read = read(package_path, package_file).and_then(|t| package::Package::parse(&t, package_file));
        let small = match &text {
            Some(t) => match toml::from_str::<toml::Table>(t) {
                Ok(table) => Some(table),
                Err(e) => {
                    report.push(toml_error(e, t));
                    return (None, report);
                }
            },
            None => None,
        };
        match read.and_then(|p| p.meta(small, meta_file, package_file)) {
            Ok((meta, missing)) => {
                if !missing.is_empty() {
                    report.push(package::missing_warning(package_file, &missing));
                }
                meta
            }
            Err(d) => {
                report.push(d);
                return (None, report);
            }
        }
    } else {
        let text = text.unwrap_or_default();
        // Parsed once (10,000 of them in every rebuild): the metadata and the blank titles are
        // both read from the table. Only an error is parsed again, from the text, for its line.
        let parsed = toml::from_str::<toml::Table>(&text).map(|table| (blank_titles(&table, meta_file), table.try_into::<DatasetMeta>()));
        match parsed {
            Ok((blank, Ok(m))) => {
                if let Some(w) = blank {
                    report.push(w);
                }
                m
            }
            Ok((blank, Err(_))) => match toml::from_str::<DatasetMeta>(&text) {
                Ok(m) => {
                    if let Some(w) = blank {
                        report.push(w);
                    }
                    m
                }
                Err(e) => {
                    report.push(toml_error(e, &text));
                    return (None, report);
                }
            },
            Err(e) => {
                report.push(toml_error(e, &text));
                return (None, report);
            }
        }
    };
    (Some(meta), report)
}

/// A warning naming the columns whose `title` is written in `dataset.toml` but left blank in a
/// language (as `infer` leaves them, marked TODO), so that `check` asks for them in both
/// languages. A schema without titles is allowed (the standard makes them optional; pages then
/// show the column's name), but a title begun and not finished is a TODO not done.
fn blank_titles(table: &toml::Table, meta_file: &Path) -> Option<Diagnostic> {
    let (mut th, mut en) = (Vec::new(), Vec::new());
    for resource in table.get("resources")?.as_array()? {
        let name = resource.get("name").and_then(toml::Value::as_str).unwrap_or_default();
        let fields = resource.get("schema").and_then(|s| s.get("fields")).and_then(toml::Value::as_array);
        for field in fields.into_iter().flatten() {
            let Some(title) = field.get("title") else { continue };
            let blank = |lang: &str| match title {
                toml::Value::String(t) => t.trim().is_empty(),
                toml::Value::Table(t) => t.get(lang).and_then(toml::Value::as_str).is_none_or(|t| t.trim().is_empty()),
                _ => false,
            };
            let column = format!("{name}.{}", field.get("name").and_then(toml::Value::as_str).unwrap_or_default());
            if blank("th") {
                th.push(column.clone());
            }
            if blank("en") {
                en.push(column);
            }
        }
    }
    if th.is_empty() && en.is_empty() {
        return None;
    }
    let list = |names: &[String]| if names.is_empty() { "-".to_string() } else { names.join(", ") };
    Some(Diagnostic::warning(
        Code::MetadataError,
        Location::file(meta_file),
        Text::new(
            format!("คอลัมน์ที่ยังไม่มีชื่อภาษาไทย (title.th): {}; ที่ยังไม่มีชื่อภาษาอังกฤษ (title.en): {}", list(&th), list(&en)),
            format!("columns with no Thai title (title.th): {}; with no English title (title.en): {}", list(&th), list(&en)),
        ),
        Text::new(
            "ใส่ชื่อคอลัมน์ทั้งสองภาษา เช่น title = { th = \"รหัสจังหวัด\", en = \"Province code\" } หน้าเว็บและพจนานุกรมข้อมูลแสดงชื่อนี้",
            "give each column its title in both languages, e.g. title = { th = \"รหัสจังหวัด\", en = \"Province code\" }; pages and the data dictionary show it",
        ),
    ))
}

/// A metadata file's text, or the diagnostic saying it is not UTF-8 or cannot be read.
fn read_utf8(path: &Path, file: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_diagnostic(file, &e))?;
    utf8(bytes, file)
}

/// A metadata file's bytes as text, or the diagnostic saying it is not UTF-8.
fn utf8(bytes: Vec<u8>, file: &Path) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|_| {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Diagnostic::error(
            Code::EncodingError,
            Location::file(file),
            Text::new(format!("{name} ไม่ได้เข้ารหัสเป็น UTF-8"), format!("{name} is not UTF-8 text")),
            Text::new("บันทึกไฟล์ใหม่เป็น UTF-8", "save the file again as UTF-8"),
        )
    })
}

/// A data file's bytes, mapped into memory or read.
enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl FileBytes {
    /// Files of more than a few pages are mapped when `map` allows: copying 100 MB into fresh
    /// memory costs a quarter of checking it, and a mapped file's pages are given back once
    /// parsed, while read bytes stay for as long as the table (10,000 datasets' files held
    /// 480 MB so). `serve`, whose files change while it runs, reads them instead.
    fn open(path: &Path, map: bool) -> std::io::Result<FileBytes> {
        const LARGE: u64 = 16 << 10;
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        if map && len >= LARGE {
            // SAFETY: the map is only read, and dropped before the command ends. Should another
            // program truncate the file meanwhile, reading it would fault; the same holds for
            // Polars, which maps the files it is given by path.
            if let Ok(mapped) = unsafe { memmap2::Mmap::map(&file) } {
                return Ok(FileBytes::Mapped(mapped));
            }
        }
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        std::io::Read::read_to_end(&mut &file, &mut bytes)?;
        Ok(FileBytes::Read(bytes))
    }
}

impl table::Bytes for FileBytes {
    fn release(&self, range: std::ops::Range<usize>) {
        let FileBytes::Mapped(map) = self else { return };
        // Only whole pages inside the range: a page it shares with a neighbour part is still
        // being read (giving it back would be safe, only slower).
        const PAGE: usize = 4096;
        let start = range.start.next_multiple_of(PAGE);
        let end = range.end.min(map.len()) / PAGE * PAGE;
        #[cfg(unix)]
        if start < end {
            // SAFETY: the map is of a file, opened read-only and never written through: a page
            // given back is read again from the file when next used, with the same bytes
            // (MADV_DONTNEED only discards changes, and there are none). Failure changes nothing.
            let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start) };
        }
    }
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Read(v) => v,
        }
    }
}

fn io_diagnostic(file: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::MissingFile,
        Location::file(file),
        Text::new(format!("อ่านไฟล์ไม่ได้: {e}"), format!("the file cannot be read: {e}")),
        Text::new("ตรวจว่าไฟล์มีอยู่และเปิดอ่านได้", "check that the file exists and can be read"),
    )
}

/// Resolves `name` (as written in dataset.toml) inside the dataset folder, refusing anything
/// that leaves the portal folder (`..`, absolute paths, links pointing out). With its real
/// path, the file's size and time when they came with it: a plain file named directly in a
/// folder that is its own real path (`real`) is known with one look, where the real path of
/// another is resolved component by component.
fn resolve_inside(root: &Path, (dir, real): (&Path, bool), meta_file: &Path, name: &str) -> Result<(PathBuf, Option<std::fs::Metadata>), Diagnostic> {
    let escape = || {
        Diagnostic::error(
            Code::PathEscape,
            Location::file(meta_file),
            Text::new(
                format!("\"{name}\" ชี้ออกไปนอกโฟลเดอร์ของพอร์ทัล"),
                format!("\"{name}\" points outside the portal folder"),
            ),
            Text::new(
                "วางไฟล์ไว้ในโฟลเดอร์ของชุดข้อมูล แล้วเขียนเฉพาะชื่อไฟล์ เช่น path = \"data.csv\"",
                "put the file in the dataset's folder and give just its name, e.g. path = \"data.csv\"",
            ),
        )
    };
    let p = Path::new(name);
    if name.trim().is_empty() || p.is_absolute() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        // `../other/x.csv` or `.` stays in the portal: what is wrong is leaving the dataset's
        // folder, not the portal, and the message says that.
        let mut lexical = dir.to_path_buf();
        let stays = !p.is_absolute()
            && p.components().all(|c| match c {
                Component::ParentDir => lexical.pop(),
                Component::Normal(n) => {
                    lexical.push(n);
                    true
                }
                _ => true,
            })
            && lexical.starts_with(root);
        if stays || name.trim().is_empty() {
            return Err(Diagnostic::error(
                Code::PathEscape,
                Location::file(meta_file),
                Text::new(
                    format!("\"{name}\" ไม่ใช่ไฟล์ในโฟลเดอร์ของชุดข้อมูลนี้: Sala อ่านไฟล์ของชุดข้อมูลจากโฟลเดอร์ของมันเองเท่านั้น"),
                    format!("\"{name}\" is not a file in this dataset's folder: Sala reads a dataset's files from its own folder only"),
                ),
                Text::new(
                    "วางไฟล์ไว้ในโฟลเดอร์ของชุดข้อมูล แล้วเขียนเฉพาะชื่อไฟล์ เช่น path = \"data.csv\"",
                    "put the file in the dataset's folder and give just its name, e.g. path = \"data.csv\"",
                ),
            ));
        }
        return Err(escape());
    }
    let joined = dir.join(p);
    if real && p.components().count() == 1 {
        if let Ok(meta) = std::fs::symlink_metadata(&joined) {
            if meta.file_type().is_file() {
                return Ok((joined, Some(meta)));
            }
        }
    }
    if !joined.exists() {
        return Err(Diagnostic::error(
            Code::MissingFile,
            Location::file(meta_file),
            Text::new(
                format!("ไม่พบไฟล์ \"{name}\" ในโฟลเดอร์ของชุดข้อมูล"),
                format!("the file \"{name}\" is not in the dataset's folder"),
            ),
            Text::new(
                "ตรวจการสะกดชื่อไฟล์ (ตัวพิมพ์เล็ก-ใหญ่ต่างกัน) หรือเพิ่มไฟล์ลงในโฟลเดอร์",
                "check the file name's spelling (capitals matter) or add the file to the folder",
            ),
        ));
    }
    let canonical = joined.canonicalize().map_err(|e| io_diagnostic(&relative(root, &joined), &e))?;
    if !canonical.starts_with(root) {
        return Err(escape());
    }
    // Reading a named pipe waits forever, and a folder or device is no data file.
    if !canonical.is_file() {
        return Err(Diagnostic::error(
            Code::MissingFile,
            Location::file(meta_file),
            Text::new(
                format!("\"{name}\" ไม่ใช่ไฟล์ธรรมดา (เป็นโฟลเดอร์ ไปป์ หรืออุปกรณ์)"),
                format!("\"{name}\" is not a regular file (it is a folder, a pipe or a device)"),
            ),
            Text::new(
                "ให้ path ชี้ไปที่ไฟล์ข้อมูลที่บันทึกไว้ในโฟลเดอร์ของชุดข้อมูล เช่น path = \"data.csv\"",
                "point path at a data file saved in the dataset's folder, e.g. path = \"data.csv\"",
            ),
        ));
    }
    Ok((canonical, None))
}

fn load_resource(
    root: &Path,
    (dir, real): (&Path, bool),
    meta_file: &Path,
    meta: &ResourceMeta,
    report: &mut Report,
    (id, cache): (&str, Option<&Cache>),
    (json_key, declared): (u64, &[&String]),
) -> Option<ResourceSource> {
    if !is_valid_id(&meta.name) {
        report.push(Diagnostic::error(
            Code::MetadataError,
            Location::file(meta_file),
            Text::new(
                format!("ชื่อทรัพยากร \"{}\" ใช้ไม่ได้", meta.name),
                format!("the resource name \"{}\" cannot be used", meta.name),
            ),
            Text::new(
                "ใช้อักษรอังกฤษตัวเล็ก ตัวเลข - หรือ _ เพราะชื่อนี้จะเป็นชื่อไฟล์ดาวน์โหลด",
                "use lowercase a-z, digits, '-' or '_': the name becomes the download's file name",
            ),
        ));
        return None;
    }
    let mut schema_file = meta_file.to_path_buf();
    let (schema, json_key) = match &meta.schema {
        SchemaSource::Inline(s) => (s.clone(), json_key),
        SchemaSource::File(name) => {
            let (path, stat) = match resolve_inside(root, (dir, real), meta_file, name) {
                Ok(found) => found,
                Err(d) => {
                    report.push(d);
                    return None;
                }
            };
            schema_file = relative(root, &path);
            let parse = |text: Option<&[Vec<u8>]>| {
                let text = match text {
                    Some([bytes]) => String::from_utf8(bytes.clone()).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
                    _ => std::fs::read_to_string(&path),
                };
                let parsed = match text {
                    Ok(t) => parse_schema(&t, &schema_file),
                    Err(e) => Err(io_diagnostic(&schema_file, &e)),
                };
                match parsed {
                    Ok(schema) => cache::ParsedSchema { key: schema_json_key(&schema), schema: Some(schema), diagnostic: None },
                    Err(d) => cache::ParsedSchema { key: 0, schema: None, diagnostic: Some(d) },
                }
            };
            let parsed = match (cache, stat.map_or_else(|| std::fs::metadata(&path), Ok)) {
                (Some(c), Ok(stat)) => {
                    let stamps = [(stat.len(), cache::modified_u64(&stat))];
                    c.parsed_schema(&path, &stamps, || std::fs::read(&path).ok().map(|b| vec![b]), parse)
                }
                _ => parse(None),
            };
            match parsed {
                cache::ParsedSchema { schema: Some(schema), key, .. } => (std::sync::Arc::new(schema), key),
                cache::ParsedSchema { diagnostic, .. } => {
                    if let Some(d) = diagnostic {
                        report.push(d);
                    }
                    return None;
                }
            }
        }
    };
    let schema_key = schema_key(json_key, declared);
    let mut paths = Vec::new();
    let mut looked = Vec::new();
    for name in meta.path.files() {
        match resolve_inside(root, (dir, real), meta_file, name) {
            Ok((p, stat)) => {
                paths.push(p);
                looked.push(stat);
            }
            Err(d) => report.push(d),
        }
    }
    if paths.is_empty() || paths.len() < meta.path.files().len() {
        if meta.path.files().is_empty() {
            report.push(Diagnostic::error(
                Code::MetadataError,
                Location::file(meta_file),
                Text::new(format!("ทรัพยากร \"{}\" ไม่มีไฟล์ใน path", meta.name), format!("the resource \"{}\" has no file in its path", meta.name)),
                Text::new("เขียนชื่อไฟล์อย่างน้อยหนึ่งไฟล์ เช่น path = [\"2566.csv\", \"2567.csv\"]", "give at least one file, e.g. path = [\"2566.csv\", \"2567.csv\"]"),
            ));
        }
        return None;
    }
    let files: Vec<PathBuf> = paths.iter().map(|p| relative(root, p)).collect();
    let file = files[0].clone();
    let mut fingerprint = 0;
    let options = (&files, &meta.encoding, &meta.sheet, format!("{:?}", meta.dialect), &schema.missing_values);
    // With a cache, a file whose size and time did not change since the last build is known
    // without reading it; and when the cache also holds its table checked against this schema,
    // the table is not read at all. A resource with foreign keys is still read: the rows its
    // diagnostics quote come from its cells.
    let stats: Vec<Option<std::fs::Metadata>> = match cache {
        Some(_) => paths.iter().zip(looked).map(|(p, stat)| stat.or_else(|| std::fs::metadata(p).ok())).collect(),
        None => Vec::new(),
    };
    if let Some(c) = cache {
        let known: Option<Vec<u64>> = paths.iter().zip(&stats).map(|(p, m)| c.known_hash(p, m.as_ref()?)).collect();
        if let Some(known) = known {
            fingerprint = combined_fingerprint(&known, &options);
            if schema.foreign_keys.is_empty() {
                if let Some(rows) = c.has_checked(check_key(fingerprint, &schema_file, schema_key)) {
                    return Some(ResourceSource { meta: meta.clone(), schema, schema_file, file, files, paths, table: None, fingerprint, cached_rows: Some(rows), schema_key, read_warnings: None });
                }
            }
        }
    }
    let mut read_warnings = None;
    let opened: std::io::Result<Vec<table::SharedBytes>> = paths
        .iter()
        .map(|p| FileBytes::open(p, !cache.is_some_and(Cache::keeps_tables)).map(|b| -> table::SharedBytes { std::sync::Arc::new(b) }))
        .collect();
    let table = match opened {
        Err(e) => {
            report.push(io_diagnostic(&file, &e));
            None
        }
        Ok(all) => {
            // Hashing a large file costs a tenth of checking it: only a build with a cache
            // needs the fingerprint.
            if let Some(c) = cache {
                let each: Vec<u64> = all
                    .iter()
                    .zip(paths.iter().zip(&stats))
                    .map(|(b, (path, meta))| {
                        let hash = session::fingerprint((**b).as_ref(), &());
                        // The time and size from before reading: a file changed meanwhile is
                        // read again next time.
                        if let Some(meta) = meta {
                            c.note_hash(path, meta, hash);
                        }
                        hash
                    })
                    .collect();
                fingerprint = combined_fingerprint(&each, &options);
            }
            let read = match cache.and_then(|c| c.table(fingerprint)) {
                Some((table, warnings)) => Ok((table, warnings)),
                None => {
                    let types = schema.fields.iter().filter_map(|f| Some((f.name.clone(), f.parser_type()?))).collect();
                    let read = read_files(&paths, &files, all, &Reading::of(meta), &schema.missing_values, &types);
                    if let (Some(c), Ok(t)) = (cache, &read) {
                        c.keep_table(id, fingerprint, t);
                    }
                    read
                }
            };
            match read {
                Ok((table, warnings)) => {
                    for w in &warnings {
                        report.push(w.clone());
                    }
                    read_warnings = Some(warnings);
                    Some(table)
                }
                Err(d) => {
                    report.push(d);
                    None
                }
            }
        }
    };
    Some(ResourceSource { meta: meta.clone(), schema, schema_file, file, files, paths, table, fingerprint, cached_rows: None, schema_key, read_warnings })
}

/// A `schema.json`'s schema, or the diagnostic saying where it is not valid.
fn parse_schema(text: &str, schema_file: &Path) -> Result<Schema, Diagnostic> {
    serde_json::from_str::<Schema>(text).map_err(|e| {
        Diagnostic::error(
            Code::SchemaError,
            Location::line(schema_file, e.line(), e.column()),
            Text::new(format!("schema ผิดรูปแบบ: {e}"), format!("the schema is not valid: {e}")),
            Text::new(
                "แก้ตามรูปแบบ Frictionless Table Schema (fields แต่ละช่องมี name และ type)",
                "follow the Frictionless Table Schema format (each of fields has a name and a type)",
            ),
        )
    })
}

/// The fingerprint of a resource whose files' bytes hash to `each`, read with `options`.
fn combined_fingerprint(each: &[u64], options: &impl std::hash::Hash) -> u64 {
    session::fingerprint(&[], &(each, options))
}

/// Reads a resource's files (`paths`, shown as `files`) as one table: each a CSV file or a
/// workbook's sheet, their rows one after another, with the places they came from.
fn read_files(
    paths: &[PathBuf],
    files: &[PathBuf],
    bytes: Vec<table::SharedBytes>,
    meta: &Reading,
    missing_values: &[String],
    types: &table::ParserTypes,
) -> Result<(RawTable, Vec<Diagnostic>), Diagnostic> {
    let mut tables = Vec::new();
    let mut warnings = Vec::new();
    let mut first_index = 0;
    for ((path, file), bytes) in paths.iter().zip(files).zip(bytes) {
        let (table, w, place) = if workbook::is_workbook(path) {
            let sheet = workbook::read_sheet(path, meta.sheet.as_deref(), file)?;
            warnings.extend(sheet.warnings);
            let csv: table::SharedBytes = std::sync::Arc::new(sheet.csv.into_bytes());
            let (table, w) = table::read_csv(csv, None, None, missing_values, types, file)?;
            let place = sheet.place.below(table.header_row - 1);
            (table, w, Place { first_index, ..place })
        } else {
            let (table, w) = table::read_csv(bytes, meta.encoding.as_deref(), meta.dialect.as_ref(), missing_values, types, file)?;
            let place = Place::csv(file.clone(), first_index).below(table.header_row - 1);
            (table, w, place)
        };
        first_index += table.rows();
        warnings.extend(w);
        tables.push((table, place));
    }
    let places = Places(tables.iter().map(|(_, p)| p.clone()).collect());
    let mut tables = tables.into_iter();
    let Some((mut joined, _)) = tables.next() else {
        return Err(Diagnostic::error(Code::MetadataError, Location::file(&files[0]), Text::new("ไม่มีไฟล์", "no file"), Text::new("ระบุไฟล์ใน path", "name a file in path")));
    };
    for (table, place) in tables {
        if table.header != joined.header {
            return Err(Diagnostic::error(
                Code::IncorrectLabel,
                Location { row: Some(place.header_row), sheet: place.sheet.clone(), ..Location::file(&place.file) },
                Text::new(
                    format!("ชื่อคอลัมน์ของไฟล์นี้ ({}) ไม่ตรงกับไฟล์แรก ({})", table.header.join(", "), joined.header.join(", ")),
                    format!("this file's columns ({}) differ from the first file's ({})", table.header.join(", "), joined.header.join(", ")),
                ),
                Text::new(
                    "ทุกไฟล์ใน path ต้องมีคอลัมน์เดียวกันเรียงลำดับเดียวกัน หรือแยกเป็นทรัพยากรคนละรายการ",
                    "every file in path must have the same columns in the same order, or make it a resource of its own",
                ),
            ));
        }
        joined = join_tables(joined, table, place.first_index, files)?;
    }
    joined.places = places;
    Ok((joined, warnings))
}

/// `below`'s rows after `above`'s (`offset` of them); a column typed in one and text in the
/// other is text in both.
fn join_tables(above: RawTable, below: RawTable, offset: usize, files: &[PathBuf]) -> Result<RawTable, Diagnostic> {
    use polars::prelude::DataType;
    let failed = |e: polars::prelude::PolarsError| table::source_error(&files[0], &e.to_string());
    let as_text = |frame: &polars::prelude::DataFrame, other: &polars::prelude::DataFrame| -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
        let columns = frame
            .columns()
            .iter()
            .zip(other.columns())
            .map(|(a, b)| if a.dtype() == b.dtype() { Ok(a.clone()) } else { a.cast(&DataType::String) })
            .collect::<polars::prelude::PolarsResult<Vec<_>>>()?;
        polars::prelude::DataFrame::new(frame.height(), columns)
    };
    let top = as_text(&above.frame, &below.frame).map_err(failed)?;
    let bottom = as_text(&below.frame, &above.frame).map_err(failed)?;
    let mut frame = top;
    frame.vstack_mut_owned(bottom).map_err(failed)?;
    let shift = |rows: Vec<(usize, usize)>| rows.into_iter().map(|(r, n)| (r + offset, n));
    // Each file's text still shows its rows: the cells need not stay once checked (issue 15).
    let text = match (above.text, below.text) {
        (Some(above), Some(below)) => Some(above.followed_by(below, offset)),
        _ => None,
    };
    Ok(RawTable {
        frame,
        text,
        empty_is_null: above.empty_is_null && below.empty_is_null,
        short_rows: above.short_rows.into_iter().chain(shift(below.short_rows)).collect(),
        long_rows: above.long_rows.into_iter().chain(shift(below.long_rows)).collect(),
        padded_rows: above.padded_rows.into_iter().chain(below.padded_rows.into_iter().map(|r| r + offset)).collect(),
        traits: above.traits.or(below.traits),
        ..above
    })
}

fn load_pages(root: &Path, config: &SiteConfig, report: &mut Report) -> Result<Vec<PageSource>> {
    let dir = root.join("content");
    let mut pages = Vec::new();
    if !dir.is_dir() {
        return Ok(pages);
    }
    let dir = inside(root, dir)?;
    for entry in walkdir::WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(&dir, e.into()))?;
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let file = relative(root, entry.path());
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let text = match std::fs::read(entry.path()).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                report.push(Diagnostic::error(
                    Code::EncodingError,
                    Location::file(&file),
                    Text::new("หน้านี้ไม่ได้เข้ารหัสเป็น UTF-8", "the page is not UTF-8 text"),
                    Text::new("บันทึกไฟล์ใหม่เป็น UTF-8", "save the file again as UTF-8"),
                ));
                continue;
            }
            Err(e) => {
                report.push(io_diagnostic(&file, &e));
                continue;
            }
        };
        match content::parse_page(&text, rel, &file, config.default_language) {
            Ok(page) if page.front.draft => {}
            Ok(page) => pages.push(page),
            Err(d) => report.push(d),
        }
    }
    pages.sort_by(|a, b| (&a.slug, a.lang).cmp(&(&b.slug, b.lang)));
    // Two files that are one page in one language (about.md and about.en.md when the default
    // language is English): named here, with the fix, instead of one output path written twice.
    let mut kept: Vec<PageSource> = Vec::with_capacity(pages.len());
    for page in pages {
        match kept.last().filter(|k| (&k.slug, k.lang) == (&page.slug, page.lang)) {
            Some(first) => {
                let code = page.lang.code();
                let mut named = [first.file.display().to_string(), page.file.display().to_string()];
                named.sort();
                let [a, b] = named;
                let other = if page.lang == crate::lang::Lang::En { "th" } else { "en" };
                report.push(Diagnostic::error(
                    Code::PageError,
                    Location::file(&page.file),
                    Text::new(
                        format!("{a} และ {b} เป็นหน้า {} ภาษาเดียวกัน ({code}): ไฟล์ที่ไม่ระบุภาษาในชื่อเป็นภาษาหลัก default_language = \"{}\"", page.slug, config.default_language.code()),
                        format!("{a} and {b} are both the {code} page {}: a file without a language in its name is in default_language = \"{}\"", page.slug, config.default_language.code()),
                    ),
                    Text::new(
                        format!("ระบุภาษาในชื่อไฟล์ของอีกภาษา เช่น {}.{other}.md", page.slug),
                        format!("name the other language's file with its language, e.g. {}.{other}.md", page.slug),
                    ),
                ));
            }
            None => kept.push(page),
        }
    }
    Ok(kept)
}

fn load_policies(root: &Path, report: &mut Report) -> Result<Vec<privacy::PolicySource>> {
    let dir = root.join("content").join("privacy");
    let mut policies = Vec::new();
    if !dir.is_dir() {
        return Ok(policies);
    }
    let dir = inside(root, dir)?;
    for (_, path, kind) in entries_by_name(&dir)? {
        let path = path.as_path();
        if !kind.is_file() || path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let file = relative(root, path);
        let slug = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let text = match std::fs::read(path).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                report.push(Diagnostic::error(
                    Code::EncodingError,
                    Location::file(&file),
                    Text::new("ไฟล์นโยบายไม่ได้เข้ารหัสเป็น UTF-8", "the policy file is not UTF-8 text"),
                    Text::new("บันทึกไฟล์ใหม่เป็น UTF-8", "save the file again as UTF-8"),
                ));
                continue;
            }
            Err(e) => {
                report.push(io_diagnostic(&file, &e));
                continue;
            }
        };
        if !is_valid_id(&slug) {
            report.push(Diagnostic::error(
                Code::PolicyError,
                Location::file(&file),
                Text::new(format!("ชื่อไฟล์นโยบาย \"{slug}\" ใช้ไม่ได้"), format!("the policy file name \"{slug}\" cannot be used")),
                Text::new(
                    "ตั้งชื่อไฟล์ตามรหัสหน่วยงานตัวพิมพ์เล็ก เช่น content/privacy/dopa.toml",
                    "name the file after the agency code in lowercase, e.g. content/privacy/dopa.toml",
                ),
            ));
            continue;
        }
        match toml::from_str::<privacy::Policy>(&text) {
            Ok(policy) => policies.push(privacy::PolicySource { slug, file, policy }),
            Err(e) => {
                let (line, col) = e.span().map_or((1, 1), |s| crate::error::line_col(&text, s.start));
                report.push(Diagnostic::error(
                    Code::PolicyError,
                    Location::line(&file, line, col),
                    Text::new(format!("ไฟล์นโยบายผิดรูปแบบ: {}", e.message().trim()), format!("the policy file is not valid: {}", e.message().trim())),
                    Text::new("แก้บรรทัดที่ระบุตามรูปแบบใน docs/privacy.md", "fix the line shown following docs/privacy.md"),
                ));
            }
        }
    }
    Ok(policies)
}
