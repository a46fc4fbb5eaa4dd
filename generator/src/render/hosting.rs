//! `/_headers`, the response headers file that Netlify and Cloudflare Pages read: the content
//! type of every published format whose extension a host may not know (`.ndjson`, `.parquet`,
//! `.xlsx`, Turtle, JSON-LD, Atom) and `Access-Control-Allow-Origin: *` on the data, the API and
//! the catalogs, so that web pages on other sites can fetch them. The README says what to set
//! on other hosts.

use super::OutputFile;
use super::labels::FORMATS;
use crate::model::Site;

/// Content types by file extension beyond the download formats. (No `*.xml` rule: the hosts
/// merge every matching rule, and the feeds are `.xml` with their own type.)
const OTHER_TYPES: [(&str, &str); 3] = [("ttl", "text/turtle; charset=utf-8"), ("jsonld", "application/ld+json"), ("zip", "application/zip")];

/// The content type a host should send for a published file with extension `ext` (the download
/// formats, Turtle, JSON-LD, zip), as `_headers` says it; None for the kinds every host knows.
pub fn content_type(ext: &str) -> Option<String> {
    if let Some(format) = FORMATS.iter().find(|f| f.ext == ext) {
        let charset = if matches!(format.ext, "csv" | "json" | "ndjson") { "; charset=utf-8" } else { "" };
        return Some(format!("{}{charset}", format.media_type));
    }
    OTHER_TYPES.iter().find(|(e, _)| *e == ext).map(|(_, t)| t.to_string())
}

/// The `_headers` file of the site.
pub fn render(site: &Site) -> OutputFile {
    let urls = &site.urls;
    let mut out = String::from("# Response headers for Netlify and Cloudflare Pages (written by Sala; see the README for other hosts).\n");
    // Text formats are UTF-8; saying so stops browsers from guessing.
    for ext in FORMATS.iter().map(|f| f.ext).chain(OTHER_TYPES.iter().map(|(e, _)| *e)) {
        if let Some(media_type) = content_type(ext) {
            out.push_str(&format!("{}\n  Content-Type: {media_type}\n", urls.link(&format!("*.{ext}"))));
        }
    }
    for lang in &site.languages {
        out.push_str(&format!("{}\n  Content-Type: application/atom+xml; charset=utf-8\n", urls.link(&urls.feed(*lang))));
    }
    // Everything Sala publishes is open data: any site may fetch it from a browser.
    for path in ["api/*", "datasets/*", "catalog.ttl", "catalog.jsonld", "data.json", "*/data.json"] {
        out.push_str(&format!("{}\n  Access-Control-Allow-Origin: *\n", urls.link(path)));
    }
    OutputFile::new("_headers", out)
}
