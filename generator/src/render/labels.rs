//! What every output names and links the same way: a resource's download formats and
//! their pages of rows, a licence's link, a theme's names. Shared by the pages, the API, the
//! catalogs and the hosting files; it calls no other part of `render`.

use crate::lang::Text;
use crate::model::{Resource, Site};

/// Resources with more rows than this also get paged JSON, this many rows a page.
pub const ROWS_PER_PAGE: usize = 1000;

/// A download format of a resource: how it is named, served and described in catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    /// The name people read (`CSV`), also the plain format label CKAN shows.
    pub name: &'static str,
    /// The file extension (`csv`).
    pub ext: &'static str,
    /// The media type the file is served as.
    pub media_type: &'static str,
    /// The IRI of the file type (DCAT-AP `dct:format`) in the EU file-type authority; None
    /// where the authority has none (NDJSON): DCAT-AP's vocabulary shapes refuse a
    /// `dct:format` outside it, and calling NDJSON `JSON` would send JSON parsers to a file
    /// they cannot read. Such a distribution is told apart by its `dcat:mediaType`.
    pub format_iri: Option<&'static str>,
}

impl Format {
    /// The media type as an IRI in IANA's registry (DCAT's `dcat:mediaType`). The unregistered
    /// `application/x-ndjson` gets an IRI of the same pattern, so that every distribution has
    /// a media type (the catalog's format node also carries it as text).
    pub fn media_type_iri(&self) -> String {
        format!("https://www.iana.org/assignments/media-types/{}", self.media_type)
    }
}

/// Every download format, in the order pages and catalogs list them.
pub const FORMATS: [Format; 5] = [
    Format { name: "CSV", ext: "csv", media_type: "text/csv", format_iri: Some("http://publications.europa.eu/resource/authority/file-type/CSV") },
    Format { name: "JSON", ext: "json", media_type: "application/json", format_iri: Some("http://publications.europa.eu/resource/authority/file-type/JSON") },
    Format { name: "NDJSON", ext: "ndjson", media_type: "application/x-ndjson", format_iri: None },
    Format {
        name: "Parquet",
        ext: "parquet",
        media_type: "application/vnd.apache.parquet",
        format_iri: Some("http://publications.europa.eu/resource/authority/file-type/PARQUET"),
    },
    Format {
        name: "XLSX",
        ext: "xlsx",
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format_iri: Some("http://publications.europa.eu/resource/authority/file-type/XLSX"),
    },
];

/// How many pages of JSON rows a resource gets (0 when it is small enough to fetch whole).
pub fn page_count(r: &Resource) -> usize {
    if r.rows() > ROWS_PER_PAGE { r.rows().div_ceil(ROWS_PER_PAGE) } else { 0 }
}

/// The formats resource `r` is published in: every one of [`FORMATS`], except the single JSON
/// array for a resource of more cells than `json_max_cells` in `site.toml` (a JSON array of
/// gigabytes serves no client; NDJSON, the paged JSON and Parquet serve that need).
pub fn formats_of<'a>(site: &Site, r: &Resource) -> impl Iterator<Item = &'static Format> + use<'a> {
    let whole_json = has_json(site, r);
    FORMATS.iter().filter(move |f| f.ext != "json" || whole_json)
}

/// Whether resource `r` gets the single JSON array (see [`formats_of`]).
pub fn has_json(site: &Site, r: &Resource) -> bool {
    (r.rows() as u64).saturating_mul(r.schema.fields.len().max(1) as u64) <= site.config.json_max_cells
}

/// The licence's URL: SPDX's page for its id (Sala's licences are SPDX or Open Definition ids,
/// and SPDX lists the open ones under the same ids).
pub fn license_url(id: &str) -> String {
    if let Some(known) = crate::model::license::find(id) {
        return known.url.to_string();
    }
    // Ids are plain ASCII; anything else is percent-encoded so the URL stays one URL.
    let mut encoded = String::new();
    for b in id.trim().bytes() {
        if b.is_ascii_alphanumeric() || b"-._+".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("https://spdx.org/licenses/{encoded}.html")
}

/// A theme's name in every language, from the theme's i18n strings.
pub fn theme_label(site: &Site, code: &str) -> Text {
    let get = |lang| site.theme.strings.get(&lang).and_then(|s| s.get(&format!("theme_{code}"))).cloned().unwrap_or_else(|| code.to_string());
    Text::new(get(crate::lang::Lang::Th), get(crate::lang::Lang::En))
}
