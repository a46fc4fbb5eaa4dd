//! Errors that stop Sala before or after validation. Problems in a dataset's content are not
//! errors but [`Diagnostic`](crate::diagnostic::Diagnostic)s, so that all of them are reported.

use std::path::PathBuf;

/// What went wrong, with a stable code per kind (shown as `error[code]`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The portal folder has no `site.toml`.
    #[error("ไม่พบ site.toml ใน {root}: สั่ง sala ในโฟลเดอร์ของพอร์ทัล (โฟลเดอร์ที่มี site.toml) ระบุ --root DIR หรือสร้างพอร์ทัลใหม่ด้วย `sala init DIR` / no site.toml in {root}: run `sala build` in a portal folder (one with site.toml), pass --root DIR, or create a portal with `sala init DIR`")]
    MissingSiteConfig {
        /// The folder that was searched.
        root: PathBuf,
    },
    /// A TOML file does not parse or has a wrong key or value.
    #[error("{path}:{line}:{column}: {message} (ไฟล์ TOML นี้เขียนไม่ถูกต้องที่บรรทัด {line} คอลัมน์ {column})")]
    Toml {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the TOML parser said, with the fix where Sala knows it.
        message: String,
    },
    /// A setting in `site.toml` has a value Sala cannot use.
    #[error("site.toml: {message}")]
    Config {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A path points outside the portal folder (`..`, an absolute path or a link).
    #[error("{path}: ชี้ออกไปนอกโฟลเดอร์ของพอร์ทัล เก็บทุกไฟล์ไว้ใน {root} / points outside the portal folder; keep every file inside {root}")]
    PathEscape {
        /// The path as written.
        path: PathBuf,
        /// The portal folder.
        root: PathBuf,
    },
    /// A theme template does not compile or render.
    #[error("template {name}: {message}")]
    Template {
        /// The template's name.
        name: String,
        /// Tera's message, with its causes.
        message: String,
    },
    /// The data has errors, so nothing is published.
    #[error("ข้อมูลมีข้อผิดพลาด {errors} รายการ จึงยังไม่เผยแพร่สิ่งใด สั่ง `sala check` เพื่อดูรายการ / {errors} error(s) in the data: nothing was published; run `sala check` to see them")]
    InvalidData {
        /// How many error diagnostics there are.
        errors: usize,
    },
    /// Two outputs would be written to the same file (e.g. a page named like a built-in section).
    #[error("two parts of the site would both be written to {path}: rename the page or folder that makes it (built-in sections: datasets, agencies, privacy, dashboard, search, browse, api, static)")]
    DuplicateOutput {
        /// The site-relative path.
        path: String,
    },
    /// `sala init` or `sala infer` would overwrite a file.
    #[error("{path} already exists: Sala never overwrites it; choose another folder or dataset id, or move the file away first")]
    AlreadyExists {
        /// The file that exists.
        path: PathBuf,
    },
    /// A command-line argument cannot be used.
    #[error("{message}")]
    Usage {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The output folder is one a build must never replace (see [`crate::write::output`]).
    #[error("{path}: Sala จะไม่เขียนเว็บไซต์ลงที่นี่ เพราะ{th} เลือกโฟลเดอร์ใหม่หรือโฟลเดอร์ที่ Sala สร้างไว้ เช่น public / Sala will not write the site here: {en}; choose a new folder, or one Sala wrote before, e.g. public", th = reason.th(), en = reason.en())]
    UnsafeOutput {
        /// The output as given.
        path: PathBuf,
        /// Why it is refused.
        reason: crate::write::output::Refusal,
    },
    /// Polars failed on data it had already accepted (a bug or a resource limit).
    #[error("{path}: {message}")]
    Data {
        /// The data file.
        path: PathBuf,
        /// What Polars said.
        message: String,
    },
}

impl Error {
    /// The stable, kebab-case code of this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::MissingSiteConfig { .. } => "missing-site-config",
            Error::Toml { .. } => "toml-error",
            Error::Config { .. } => "config-error",
            Error::Io { .. } => "io-error",
            Error::PathEscape { .. } => "path-escape",
            Error::Template { .. } => "template-error",
            Error::InvalidData { .. } => "invalid-data",
            Error::DuplicateOutput { .. } => "duplicate-output",
            Error::Data { .. } => "data-error",
            Error::AlreadyExists { .. } => "already-exists",
            Error::Usage { .. } => "usage-error",
            Error::UnsafeOutput { .. } => "unsafe-output",
        }
    }

    /// An I/O error for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}

/// Sala's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A `site.toml` setting Sala cannot use, said in Thai and in English (the people who keep a
/// portal read either; Thai first, as the portal's default language).
pub fn config_error(th: impl std::fmt::Display, en: impl std::fmt::Display) -> Error {
    Error::Config { message: format!("{th} / {en}") }
}

/// Turns a `toml` error into [`Error::Toml`] with the line and column of the problem.
pub fn toml_error(path: impl Into<PathBuf>, text: &str, err: &toml::de::Error) -> Error {
    let (line, column) = err.span().map_or((1, 1), |s| line_col(text, s.start));
    Error::Toml { path: path.into(), line, column, message: err.message().trim().to_string() }
}
