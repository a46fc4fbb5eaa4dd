//! The render stage: turns the `Site` into output files — HTML pages per language, data files,
//! the JSON API, catalogs and the theme's static files. Nothing is written to disk here.

pub mod api;
pub mod catalog;
pub mod chart;
pub mod data;
pub mod finance;
pub mod hosting;
pub mod html;
pub mod markdown;
pub mod pager;
pub mod privacy;
pub mod rdf;
pub mod search;
pub mod xlsx;

use crate::error::Result;
use crate::load::cache::{Memo, Reused};
use crate::model::Site;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// The path under the output folder, with `/` separators.
    pub path: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

impl OutputFile {
    /// A file at `path` (site-relative).
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> OutputFile {
        OutputFile { path: path.into(), bytes: bytes.into() }
    }
}

/// Renders every file of the site, sorted by path.
pub fn render(site: &Site) -> Result<Vec<OutputFile>> {
    Ok(render_with(site, &Memo::none())?.files)
}

/// What a build renders: the new files, and the files of the last output it takes unchanged
/// (see [`crate::load::cache`]).
#[derive(Debug, Default)]
pub struct Rendered {
    /// The files rendered, sorted by path.
    pub files: Vec<OutputFile>,
    /// The files taken from the last output, sorted by path.
    pub reused: Vec<Reused>,
}

/// Renders every file of the site whose inputs changed since the build `memo` remembers; the
/// others are listed as reused.
pub fn render_with(site: &Site, memo: &Memo) -> Result<Rendered> {
    let (mut files, mut reused) = html::render_with(site, memo)?;
    let (data, data_reused) = data::render_with(site, memo)?;
    files.extend(data);
    reused.extend(data_reused);
    files.extend(api::render(site));
    files.extend(privacy::data_files(site));
    files.extend(search::render(site)?);
    for (path, bytes) in &site.theme.static_files {
        files.push(OutputFile::new(site.urls.static_file(path), bytes.clone()));
    }
    // Last: the sitemap lists the pages and the catalogs give the downloads' sizes.
    let built: Vec<(&str, u64)> = files
        .iter()
        .map(|f| (f.path.as_str(), f.bytes.len() as u64))
        .chain(reused.iter().map(|r| (r.path.as_str(), r.size)))
        .collect();
    let catalogs = catalog::render(site, &built);
    files.extend(catalogs);
    files.push(hosting::render(site));
    reused.sort_by(|a, b| a.path.cmp(&b.path));
    let files = sorted_unique(files)?;
    // A path both rendered and reused is as wrong as one rendered twice.
    let mut all: Vec<&str> = files.iter().map(|f| f.path.as_str()).chain(reused.iter().map(|r| r.path.as_str())).collect();
    all.sort_unstable();
    if let Some(pair) = all.windows(2).find(|w| w[0] == w[1]) {
        return Err(crate::error::Error::DuplicateOutput { path: pair[0].to_string() });
    }
    Ok(Rendered { files, reused })
}

/// Renders every HTML page and nothing else: what `sala check` runs so that a theme or a page
/// that would stop `sala build` stops the pull-request check too, without the cost of the
/// downloads.
pub fn pages(site: &Site) -> Result<Vec<OutputFile>> {
    sorted_unique(html::render(site)?)
}

/// `files` sorted by path; an error when two would be written to the same path.
fn sorted_unique(mut files: Vec<OutputFile>) -> Result<Vec<OutputFile>> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(pair) = files.windows(2).find(|w| w[0].path == w[1].path) {
        return Err(crate::error::Error::DuplicateOutput { path: pair[0].path.clone() });
    }
    Ok(files)
}
