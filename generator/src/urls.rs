//! The one place that builds every URL and output path, so that links and files always agree.
//!
//! Page URLs end in `/` and are written as `<path>/index.html`. Links inside the site are
//! root-relative with the path of `base_url` in front, so a portal can live under a sub-path.

use crate::lang::Lang;

/// Builds the URLs of a portal.
#[derive(Debug, Clone)]
pub struct Urls {
    base_url: String,
    prefix: String,
    default_language: Lang,
}

impl Urls {
    /// URLs for a site published at `base_url` (ending in `/`) with `default_language` at `/`.
    pub fn new(base_url: &str, default_language: Lang) -> Urls {
        let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
        let prefix = match after_scheme.find('/') {
            Some(i) => after_scheme[i..].to_string(),
            None => "/".to_string(),
        };
        Urls { base_url: base_url.to_string(), prefix, default_language }
    }

    /// The site-relative path of a page in `lang` (e.g. `en/datasets/x/`), no leading slash.
    fn page_path(&self, lang: Lang, path: &str) -> String {
        if lang == self.default_language {
            path.to_string()
        } else {
            format!("{}/{}", lang.code(), path)
        }
    }

    /// A root-relative link to a site-relative path.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.prefix, path)
    }

    /// The absolute URL of a site-relative path.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The site-relative path of the home page.
    pub fn home(&self, lang: Lang) -> String {
        self.page_path(lang, "")
    }
    /// The site-relative path of the dataset list.
    pub fn datasets(&self, lang: Lang) -> String {
        self.page_path(lang, "datasets/")
    }
    /// The site-relative path of a dataset's page.
    pub fn dataset(&self, lang: Lang, id: &str) -> String {
        self.page_path(lang, &format!("datasets/{id}/"))
    }
    /// The site-relative path of the agency list.
    pub fn agencies(&self, lang: Lang) -> String {
        self.page_path(lang, "agencies/")
    }
    /// The site-relative path of an agency's page.
    pub fn agency(&self, lang: Lang, code: &str) -> String {
        self.page_path(lang, &format!("agencies/{}/", code.to_ascii_lowercase()))
    }
    /// The site-relative path of a markdown page (`slug` like `about` or `help/faq`).
    pub fn page(&self, lang: Lang, slug: &str) -> String {
        self.page_path(lang, &format!("{slug}/"))
    }
    /// The site-relative path of a resource download (`ext`: `csv`, `json`, `ndjson`, `parquet`).
    pub fn resource(&self, dataset: &str, resource: &str, ext: &str) -> String {
        format!("datasets/{dataset}/{resource}.{ext}")
    }
    /// The site-relative path of one page (1-based) of a large resource's rows as JSON.
    /// (`page` is a number, or `{page}` in the OpenAPI path template.)
    pub fn rows_page(&self, dataset: &str, resource: &str, page: impl std::fmt::Display) -> String {
        format!("datasets/{dataset}/{resource}/rows/{page}.json")
    }
    /// The site-relative path of a dataset's Frictionless Data Package descriptor.
    pub fn datapackage(&self, dataset: &str) -> String {
        format!("datasets/{dataset}/datapackage.json")
    }
    /// The site-relative path of the JSON Schema of a resource's records (its JSON items and
    /// NDJSON lines), made from its Table Schema.
    pub fn api_record_schema(&self, dataset: &str, resource: &str) -> String {
        format!("api/v1/schemas/{dataset}/{resource}.json")
    }
    /// The site-relative path of a dataset's zip: its CSV files and `datapackage.json`.
    pub fn dataset_zip(&self, dataset: &str) -> String {
        format!("datasets/{dataset}/{dataset}.zip")
    }
    /// The site-relative path of the dataset index of the JSON API.
    pub fn api_datasets(&self) -> String {
        "api/v1/datasets.json".to_string()
    }
    /// The site-relative path of one dataset's full metadata in the JSON API.
    pub fn api_dataset(&self, id: &str) -> String {
        format!("api/v1/datasets/{id}.json")
    }
    /// The site-relative path of the agency index of the JSON API.
    pub fn api_agencies(&self) -> String {
        "api/v1/agencies.json".to_string()
    }
    /// The site-relative path of the theme index of the JSON API.
    pub fn api_themes(&self) -> String {
        "api/v1/themes.json".to_string()
    }
    /// The site-relative path of the tag index of the JSON API.
    pub fn api_tags(&self) -> String {
        "api/v1/tags.json".to_string()
    }
    /// The site-relative path of the OpenAPI description of the static API.
    pub fn openapi(&self) -> String {
        "api/openapi.json".to_string()
    }
    /// The absolute IRI of a theme as a SKOS concept (an anchor in the theme index).
    pub fn theme_concept(&self, code: &str) -> String {
        format!("{}#{code}", self.absolute(&self.api_themes()))
    }
    /// The site-relative path of the DCAT-AP catalog as JSON-LD.
    pub fn catalog_jsonld(&self) -> String {
        "catalog.jsonld".to_string()
    }
    /// The site-relative path of the DCAT-AP catalog as Turtle.
    pub fn catalog_ttl(&self) -> String {
        "catalog.ttl".to_string()
    }
    /// The site-relative path of the DCAT-US (Project Open Data 1.1) catalog.
    pub fn data_json(&self) -> String {
        "data.json".to_string()
    }
    /// The site-relative path of the DCAT-US catalog in `lang` (`data.json` for the default
    /// language, `en/data.json` beside it: data.json has one language per file).
    pub fn data_json_in(&self, lang: Lang) -> String {
        self.page_path(lang, "data.json")
    }
    /// The site-relative path of the XML sitemap.
    pub fn sitemap(&self) -> String {
        "sitemap.xml".to_string()
    }
    /// The site-relative path of part `n` (from 1) of a sitemap too large for one file.
    pub fn sitemap_part(&self, n: usize) -> String {
        format!("sitemaps/sitemap-{n}.xml")
    }
    /// The site-relative path of the Atom feed of datasets in `lang`.
    pub fn feed(&self, lang: Lang) -> String {
        self.page_path(lang, "feed.xml")
    }
    /// The site-relative path of robots.txt.
    pub fn robots(&self) -> String {
        "robots.txt".to_string()
    }

    /// The language of a site-relative page path and the path under that language's root
    /// (`en/datasets/x/` → (en, `datasets/x/`)), so pages can be paired with their twins.
    pub fn split_language<'a>(&self, path: &'a str) -> (Lang, &'a str) {
        for lang in Lang::ALL.into_iter().filter(|l| *l != self.default_language) {
            if let Some(rest) = path.strip_prefix(lang.code()).and_then(|r| r.strip_prefix('/')) {
                return (lang, rest);
            }
        }
        (self.default_language, path)
    }
    /// The site-relative path of the page at `path` under `lang`'s root (inverse of
    /// [`Urls::split_language`]).
    pub fn in_language(&self, lang: Lang, path: &str) -> String {
        self.page_path(lang, path)
    }
    /// The site-relative path of the personal-data policies' index.
    pub fn privacy_index(&self, lang: Lang) -> String {
        self.page_path(lang, "privacy/")
    }
    /// The site-relative path of one personal-data policy (`slug`: agency code or `portal`).
    pub fn privacy(&self, lang: Lang, slug: &str) -> String {
        self.page_path(lang, &format!("privacy/{slug}/"))
    }
    /// The site-relative path of the personal-data sharing register.
    pub fn privacy_register(&self, lang: Lang) -> String {
        self.page_path(lang, "privacy/register/")
    }
    /// The site-relative path of the sharing register as data (`ext`: `json` or `csv`).
    pub fn api_privacy_register(&self, ext: &str) -> String {
        format!("api/v1/privacy/register.{ext}")
    }
    /// The site-relative path of the e-government dashboard.
    pub fn dashboard(&self, lang: Lang) -> String {
        self.page_path(lang, "dashboard/")
    }
    /// The site-relative path of a dashboard detail page (`maturity`, `projects`, `budget`).
    pub fn dashboard_detail(&self, lang: Lang, name: &str) -> String {
        self.page_path(lang, &format!("dashboard/{name}/"))
    }
    /// The site-relative path of a dashboard table of the API (`group`: `maturity`, `targets`,
    /// `projects`, `quality`) as `ext`.
    pub fn api_table(&self, group: &str, table: &str, ext: &str) -> String {
        format!("api/v1/{group}/{table}.{ext}")
    }
    /// The site-relative path of a portal-wide finance table (`years`, `objects`, `programs`) as `ext`.
    pub fn api_finance(&self, table: &str, ext: &str) -> String {
        format!("api/v1/finance/{table}.{ext}")
    }
    /// The site-relative path of an agency's or ministry's finance summary (JSON).
    pub fn api_finance_summary(&self, code: &str) -> String {
        format!("api/v1/finance/agencies/{}.json", code.to_ascii_lowercase())
    }
    /// The site-relative path of one table of an agency's or ministry's finances as `ext`.
    pub fn api_finance_unit(&self, code: &str, table: &str, ext: &str) -> String {
        format!("api/v1/finance/agencies/{}/{table}.{ext}", code.to_ascii_lowercase())
    }
    /// The site-relative path of a maturity table (`services`, `scores`, `next-stage`) as `ext`.
    pub fn api_maturity(&self, table: &str, ext: &str) -> String {
        format!("api/v1/maturity/{table}.{ext}")
    }
    /// The site-relative path of a theme's static file.
    pub fn static_file(&self, path: &str) -> String {
        format!("static/{path}")
    }

    /// The site-relative path of the search page.
    pub fn search(&self, lang: Lang) -> String {
        self.page_path(lang, "search/")
    }
    /// The site-relative path of a language's search index (beside its search page).
    pub fn search_index(&self, lang: Lang) -> String {
        self.page_path(lang, "search/index.json")
    }
    /// The site-relative folder of a language's search index in shards (see `render::search`).
    pub fn search_shards(&self, lang: Lang) -> String {
        self.page_path(lang, "search/")
    }
    /// The site-relative path of the manifest of a language's sharded search index.
    pub fn search_manifest(&self, lang: Lang) -> String {
        self.page_path(lang, "search/manifest.json")
    }
    /// The site-relative path of the page listing every facet (agency, theme, year …).
    pub fn browse(&self, lang: Lang) -> String {
        self.page_path(lang, "browse/")
    }
    /// The site-relative path of one facet value's dataset list (`key` like `theme`).
    pub fn facet(&self, lang: Lang, key: &str, slug: &str) -> String {
        self.page_path(lang, &format!("browse/{key}/{slug}/"))
    }

    /// The site-relative path of the page listing every value of one facet group.
    pub fn facet_group(&self, lang: Lang, key: &str) -> String {
        self.page_path(lang, &format!("browse/{key}/"))
    }
    /// Page `n` (from 1) of a paginated list whose first page is at `first` (`x/` → `x/page/2/`).
    /// `page` is not a word a dataset's files or a facet's pages can end in at that depth, so
    /// no id or slug can collide with it.
    pub fn paged(first: &str, n: usize) -> String {
        if n <= 1 { first.to_string() } else { format!("{first}page/{n}/") }
    }

    /// The file a site-relative page path is written to (`x/` → `x/index.html`).
    pub fn output_file(path: &str) -> String {
        if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        }
    }
}

/// A URL with every byte that is not allowed as is in a URI percent-encoded (Thai letters,
/// spaces…), for files such as sitemaps whose readers take URIs, not IRIs. Characters with a
/// meaning in URLs (`/`, `?`, `#`, `%`…) are kept.
pub fn to_uri(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// True for links Sala will put in an `href`: http, https and mailto only.
pub fn is_safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        && !url.chars().any(|c| c.is_control() || c == '"' || c == '<' || c == '>')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_language_lives_at_the_root_and_others_under_their_code() {
        let urls = Urls::new("https://data.example.go.th/", Lang::Th);
        assert_eq!(urls.link(&urls.dataset(Lang::Th, "budget")), "/datasets/budget/");
        assert_eq!(urls.link(&urls.dataset(Lang::En, "budget")), "/en/datasets/budget/");
        assert_eq!(urls.absolute(&urls.home(Lang::En)), "https://data.example.go.th/en/");
        assert_eq!(Urls::output_file(&urls.home(Lang::Th)), "index.html");
    }

    #[test]
    fn a_base_url_with_a_path_prefixes_every_link() {
        let urls = Urls::new("https://example.github.io/sala/", Lang::Th);
        assert_eq!(urls.link(&urls.agency(Lang::En, "BB")), "/sala/en/agencies/bb/");
    }

    #[test]
    fn a_page_path_splits_into_its_language_and_the_path_under_it() {
        let urls = Urls::new("https://data.example.go.th/", Lang::Th);
        assert_eq!(urls.split_language("en/datasets/x/"), (Lang::En, "datasets/x/"));
        assert_eq!(urls.split_language("datasets/x/"), (Lang::Th, "datasets/x/"));
        assert_eq!(urls.split_language("english/"), (Lang::Th, "english/"));
        assert_eq!(urls.in_language(Lang::En, "datasets/x/"), "en/datasets/x/");
        assert_eq!(urls.feed(Lang::En), "en/feed.xml");
    }

    #[test]
    fn search_and_facet_pages_live_under_each_language() {
        let urls = Urls::new("https://data.example.go.th/", Lang::Th);
        assert_eq!(urls.link(&urls.search_index(Lang::En)), "/en/search/index.json");
        assert_eq!(urls.link(&urls.facet(Lang::Th, "year", "2568")), "/browse/year/2568/");
    }

    #[test]
    fn thai_letters_and_spaces_are_percent_encoded_in_uris() {
        assert_eq!(to_uri("https://x.example/pages/ข้อมูล a/?q=1#top"), "https://x.example/pages/%E0%B8%82%E0%B9%89%E0%B8%AD%E0%B8%A1%E0%B8%B9%E0%B8%A5%20a/?q=1#top");
    }

    #[test]
    fn only_http_https_and_mailto_links_are_safe() {
        assert!(is_safe_link("https://www.bb.go.th"));
        assert!(is_safe_link("mailto:data@example.go.th"));
        assert!(!is_safe_link("javascript:alert(1)"));
        assert!(!is_safe_link("https://x\"onmouseover=alert(1)"));
    }
}
