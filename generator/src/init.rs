//! `sala init DIR`: writes a new portal that builds and passes `sala check` as it stands —
//! `site.toml`, the default theme (copied so it can be edited), an About page in both
//! languages, an agency registry with one example agency, a README for the maintainers and
//! the CI workflow. It never overwrites a file.

use crate::config::SiteConfig;
use crate::error::{Error, Result};
use crate::lang::Text;
use std::path::{Path, PathBuf};

/// What the new portal is called and where it will be published.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The portal's name in Thai and English.
    pub title: Text,
    /// The absolute URL the site will be published at.
    pub base_url: String,
}

impl Default for InitOptions {
    fn default() -> InitOptions {
        InitOptions {
            title: Text::new("ศูนย์ข้อมูลเปิดภาครัฐ", "Open Government Data Portal"),
            base_url: "https://data.example.go.th/".to_string(),
        }
    }
}

/// The files of a new portal besides `site.toml` and the theme, as (path, contents).
const FILES: &[(&str, &str)] = &[
    ("README.md", include_str!("init/README.md")),
    (".gitignore", include_str!("init/gitignore")),
    (".github/workflows/sala.yml", include_str!("../../.github/workflows/sala.yml")),
    ("content/about.md", include_str!("init/about.md")),
    ("content/about.en.md", include_str!("init/about.en.md")),
    ("datasets/agencies/dataset.toml", include_str!("init/agencies.toml")),
    ("datasets/agencies/agencies.csv", include_str!("init/agencies.csv")),
];

use crate::diagnostic::toml_string;

/// The text of the new portal's `site.toml`.
pub fn site_toml(options: &InitOptions) -> String {
    format!(
        "# The portal's settings; every key is explained in Sala's docs/formats.md.\n\
         title = {{ th = {th}, en = {en} }}\n\
         description = {{ th = \"ข้อมูลเปิดของหน่วยงานภาครัฐ ให้ทุกคนใช้ได้อย่างเสรี\", en = \"Open data from government agencies, free for everyone to use.\" }}\n\
         base_url = {url}\n\
         default_language = \"th\"\n\
         languages = [\"th\", \"en\"]\n\
         theme = \"default\"\n\
         output_dir = \"public\"\n\
         \n\
         [contact]\n\
         name = {{ th = \"ทีมพอร์ทัลข้อมูลเปิด\", en = \"Open data portal team\" }}\n\
         email = \"opendata@example.go.th\"\n",
        th = toml_string(&options.title.th),
        en = toml_string(&options.title.en),
        url = toml_string(&options.base_url),
    )
}

/// Today's date (UTC) as YYYY-MM-DD.
fn today() -> String {
    let days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400);
    crate::model::value::date(i32::try_from(days).unwrap_or(0)).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// Writes a new portal into `dir` (created when missing) and returns the files written,
/// relative to `dir`. Refuses a folder that already holds a portal or any of the files.
pub fn init(dir: &Path, options: &InitOptions) -> Result<Vec<PathBuf>> {
    let site = site_toml(options);
    // Checked before anything is written, so a bad name or URL leaves no half-made portal.
    SiteConfig::parse(&site, Path::new("site.toml"))?;
    let mut files: Vec<(String, Vec<u8>)> = vec![("site.toml".to_string(), site.into_bytes())];
    // The registry is as new as the portal: its `modified` date is today.
    let today = today();
    files.extend(FILES.iter().map(|(p, t)| (p.to_string(), t.replace("{today}", &today).into_bytes())));
    files.extend(crate::load::theme::BUILTIN.iter().map(|(p, b)| (format!("themes/default/{p}"), b.to_vec())));
    for (path, _) in &files {
        let target = dir.join(path);
        if target.exists() {
            return Err(Error::AlreadyExists { path: target });
        }
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        let target = dir.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| Error::io(&target, e))?;
        written.push(PathBuf::from(path));
    }
    Ok(written)
}
