//! `/_headers`, the response headers file that Netlify and Cloudflare Pages read: the content
//! type of every published format whose extension a host may not know (`.ndjson`, `.parquet`,
//! `.xlsx`, Turtle, JSON-LD, Atom) and `Access-Control-Allow-Origin: *` on the data, the API and
//! the catalogs, so that web pages on other sites can fetch them. The README says what to set
//! on other hosts.

use super::OutputFile;
use super::data::FORMATS;
use crate::model::Site;

/// Content types by file extension beyond the download formats. (No `*.xml` rule: the hosts
/// merge every matching rule, and the feeds are `.xml` with their own type.)
const OTHER_TYPES: [(&str, &str); 3] = [("ttl", "text/turtle; charset=utf-8"), ("jsonld", "application/ld+json"), ("zip", "application/zip")];

/// The `_headers` file of the site.
pub fn render(site: &Site) -> OutputFile {
    let urls = &site.urls;
    let mut out = String::from("# Response headers for Netlify and Cloudflare Pages (written by Sala; see the README for other hosts).\n");
    for format in FORMATS {
        // Text formats are UTF-8; saying so stops browsers from guessing.
        let text = matches!(format.ext, "csv" | "json" | "ndjson");
        let charset = if text { "; charset=utf-8" } else { "" };
        out.push_str(&format!("{}\n  Content-Type: {}{charset}\n", urls.link(&format!("*.{}", format.ext)), format.media_type));
    }
    for (ext, media_type) in OTHER_TYPES {
        out.push_str(&format!("{}\n  Content-Type: {media_type}\n", urls.link(&format!("*.{ext}"))));
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
