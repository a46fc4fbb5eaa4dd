//! `site.toml`: the portal's settings. This module never reads datasets or templates.

use crate::diagnostic::toml_string;
use crate::error::{Error, Result, config_error, toml_error};
use crate::lang::{Lang, Text};
use serde::Deserialize;
use std::path::Path;

/// The portal's settings, from `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The portal's name.
    pub title: Text,
    /// One or two sentences on what the portal holds.
    #[serde(default)]
    pub description: Text,
    /// The absolute URL the site is published at, e.g. `https://data.example.go.th/`.
    pub base_url: String,
    /// The language served at `/` (`th`).
    #[serde(default = "default_language")]
    pub default_language: Lang,
    /// Every language the portal is published in; the others are served at `/<code>/`.
    #[serde(default = "all_languages")]
    pub languages: Vec<Lang>,
    /// The theme folder under `themes/` (`default` is built in).
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Where `sala build` writes the site, relative to the portal folder.
    #[serde(default = "default_output")]
    pub output_dir: String,
    /// Who runs the portal and how citizens reach them.
    #[serde(default)]
    pub contact: Contact,
    /// Whether raw HTML in markdown pages is kept (otherwise it is sanitised).
    #[serde(default)]
    pub allow_raw_html: bool,
    /// The portal's emblem or logo, shown beside its name: a file in the theme's `static/`.
    #[serde(default)]
    pub logo: String,
    /// The icon browsers show in tabs: a file in the theme's `static/` (a pavilion by default).
    #[serde(default = "default_favicon")]
    pub favicon: String,
    /// The date freshness and project states are judged against, for a portal whose data is
    /// frozen at one date (an archive, a demo); left out, the build's date is used ([`crate::clock`]).
    #[serde(default)]
    pub as_of: Option<toml::value::Datetime>,
    /// A resource of more cells (rows × columns) than this gets no single `.json` array (the
    /// API says `"json": null`): NDJSON, the paged JSON and Parquet serve programs instead.
    #[serde(default = "default_json_max_cells")]
    pub json_max_cells: u64,
}

/// How citizens reach the portal's team.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The team's name.
    #[serde(default)]
    pub name: Text,
    /// E-mail address for questions and data requests.
    #[serde(default)]
    pub email: String,
    /// A web page or form for feedback (http, https or mailto).
    #[serde(default)]
    pub feedback_url: String,
}

fn default_language() -> Lang {
    Lang::Th
}
fn all_languages() -> Vec<Lang> {
    Lang::ALL.to_vec()
}
fn default_theme() -> String {
    "default".to_string()
}
fn default_favicon() -> String {
    "favicon.svg".to_string()
}
/// Five million cells (500,000 rows of 10 columns) make a JSON array of about 150 MB, already
/// more than a browser or a script reads comfortably in one piece.
pub const DEFAULT_JSON_MAX_CELLS: u64 = 5_000_000;
fn default_json_max_cells() -> u64 {
    DEFAULT_JSON_MAX_CELLS
}
fn default_output() -> String {
    "public".to_string()
}

/// Whether `raw` is an absolute http(s) URL with a host and a plain path, as every page's links
/// are built from it: `https://data.example.go.th//evil.example/` would make each page load its
/// stylesheet from another host (`//evil.example/static/…`). The reason when it is not (Thai, English).
fn check_base_url(raw: &str) -> std::result::Result<(), (&'static str, &'static str)> {
    let parsed = url::Url::parse(raw).map_err(|_| ("ไม่ใช่ที่อยู่เว็บแบบเต็มที่ขึ้นต้นด้วย http:// หรือ https://", "is not an absolute http(s) URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || !(raw.starts_with("https://") || raw.starts_with("http://")) {
        return Err(("ไม่ใช่ที่อยู่เว็บแบบเต็มที่ขึ้นต้นด้วย http:// หรือ https://", "is not an absolute http(s) URL"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(("ไม่มีชื่อโฮสต์", "has no host name"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(("มีชื่อผู้ใช้หรือรหัสผ่านอยู่ในที่อยู่", "carries a user name or password"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(("มีส่วนค้นหา (?) หรือส่วนย่อย (#)", "has a query (?) or a fragment (#)"));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control() || "\\\"'<>`^{|}%".contains(c)) {
        return Err(("มีช่องว่าง เครื่องหมายคำพูด แบ็กสแลช รหัส % หรืออักขระอื่นที่ที่อยู่เว็บทั่วไปไม่มี", "has spaces, quotes, backslashes, % escapes or other characters a plain address has not"));
    }
    let after_scheme = raw.split_once("://").map_or("", |(_, rest)| rest);
    let (authority, path) = after_scheme.find('/').map_or((after_scheme, ""), |i| after_scheme.split_at(i));
    if authority.is_empty() {
        return Err(("ไม่มีชื่อโฮสต์", "has no host name"));
    }
    let segments: Vec<&str> = path.trim_start_matches('/').trim_end_matches('/').split('/').collect();
    if path.contains("//") || (!path.trim_matches('/').is_empty() && segments.iter().any(|s| s.is_empty() || *s == "." || *s == "..")) {
        return Err(("มีเส้นทางที่ไม่เรียบ (`//`, `.` หรือ `..`)", "has a path that is not plain (`//`, `.` or `..`)"));
    }
    Ok(())
}

/// `url` (checked) with its host as the DNS writes it: a Thai domain (`ข้อมูล.ไทย`) as
/// punycode (`xn--22c6dm4a2dze.xn--o3cw4h`), so that every page, catalog, feed and the
/// sitemap (which percent-encoded it) give one form of the address; the path as written.
fn ascii_host(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    if authority.is_ascii() {
        return url.to_string();
    }
    match url::Url::parse(url) {
        Ok(parsed) => {
            let host = parsed.host_str().unwrap_or(authority);
            let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!("{scheme}://{host}{port}{path}")
        }
        Err(_) => url.to_string(),
    }
}

impl SiteConfig {
    /// Parses and checks the text of a `site.toml`; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<SiteConfig> {
        let mut config: SiteConfig =
            toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        config.check()?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        config.base_url = ascii_host(&config.base_url);
        Ok(config)
    }

    /// Reads and parses `<root>/site.toml`.
    pub fn load(root: &Path) -> Result<SiteConfig> {
        let path = root.join("site.toml");
        if !path.is_file() {
            return Err(Error::MissingSiteConfig { root: root.to_path_buf() });
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        SiteConfig::parse(&text, &path)
    }

    fn check(&self) -> Result<()> {
        let bad = |th: String, en: String| Err(config_error(th, en));
        if self.title.is_empty() {
            return bad(
                "title ว่างอยู่: ใส่ชื่อพอร์ทัล เช่น title = { th = \"…\", en = \"…\" }".into(),
                "title is empty: give the portal's name, e.g. title = { th = \"…\", en = \"…\" }".into(),
            );
        }
        if let Err((th, en)) = check_base_url(&self.base_url) {
            return bad(
                format!(
                    "base_url = {} {th}: ใส่ที่อยู่ที่เว็บไซต์เผยแพร่ เช่น \"https://data.example.go.th/\" หรือ \"https://example.go.th/opendata/\"",
                    toml_string(&self.base_url)
                ),
                format!(
                    "base_url = {} {en}: write the address the site is published at, e.g. \"https://data.example.go.th/\" or \"https://example.go.th/opendata/\"",
                    toml_string(&self.base_url)
                ),
            );
        }
        if !self.languages.contains(&self.default_language) {
            return bad(
                format!("default_language = \"{}\" ไม่อยู่ใน languages: เพิ่มภาษานี้ลงใน languages", self.default_language),
                format!("default_language = \"{}\" is not in languages: add it to languages", self.default_language),
            );
        }
        let out = Path::new(&self.output_dir);
        if self.output_dir.trim().is_empty()
            || out.is_absolute()
            || out.components().any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return bad(
                format!("output_dir = {} ต้องเป็นชื่อโฟลเดอร์ภายในพอร์ทัล เช่น \"public\"", toml_string(&self.output_dir)),
                format!("output_dir = {} must be a folder name inside the portal, e.g. \"public\"", toml_string(&self.output_dir)),
            );
        }
        let first = out.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
        if ["datasets", "content", "themes", "site.toml", ".git"].contains(&first.as_str()) {
            return bad(
                format!("output_dir = {} เป็นโฟลเดอร์ต้นฉบับ การสร้างเว็บไซต์จะเขียนทับ ใช้ชื่ออื่น เช่น \"public\"", toml_string(&self.output_dir)),
                format!("output_dir = {} is a source folder: the build would replace it; use another name, e.g. \"public\"", toml_string(&self.output_dir)),
            );
        }
        if !self.theme.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            || self.theme.is_empty()
        {
            return bad(
                format!("theme = {} ต้องเป็นชื่อโฟลเดอร์ใน themes/", toml_string(&self.theme)),
                format!("theme = {} must be a folder name under themes/", toml_string(&self.theme)),
            );
        }
        let email = self.contact.email.trim();
        if !email.is_empty() && !(email.contains('@') && crate::urls::is_safe_link(&format!("mailto:{email}")) && !email.contains(char::is_whitespace)) {
            return bad(
                format!("contact.email = {} ไม่ใช่ที่อยู่อีเมล เช่น \"opendata@example.go.th\"", toml_string(email)),
                format!("contact.email = {} is not an e-mail address, e.g. \"opendata@example.go.th\"", toml_string(email)),
            );
        }
        if !self.contact.feedback_url.is_empty() && !crate::urls::is_safe_link(&self.contact.feedback_url) {
            return bad(
                format!("contact.feedback_url = {}: ลิงก์ต้องขึ้นต้นด้วย https://, http:// หรือ mailto:", toml_string(&self.contact.feedback_url)),
                format!("contact.feedback_url = {}: links must start with https://, http:// or mailto:", toml_string(&self.contact.feedback_url)),
            );
        }
        Ok(())
    }

    /// The warning that crawlers will not find the sitemap when `base_url` has a path: they read
    /// robots.txt only at the host's root (RFC 9309), never the one Sala writes under the path.
    pub fn robots_warning(&self) -> Option<crate::diagnostic::Diagnostic> {
        use crate::diagnostic::{Code, Diagnostic, Location};
        let urls = crate::urls::Urls::new(&self.base_url, self.default_language);
        let path = urls.link("");
        if path == "/" {
            return None;
        }
        let after_scheme = self.base_url.split_once("://").map_or(self.base_url.as_str(), |(_, rest)| rest);
        let root = &self.base_url[..self.base_url.len() - after_scheme.len() + after_scheme.find('/').unwrap_or(after_scheme.len())];
        let robots = format!("{root}/robots.txt");
        let sitemap = urls.absolute(&urls.sitemap());
        Some(
            Diagnostic::warning(
                Code::RobotsNotAtRoot,
                Location::file("site.toml"),
                Text::new(
                    format!("base_url = {} อยู่ใต้เส้นทาง {path} แต่โปรแกรมค้นหาอ่าน robots.txt ที่ {robots} เท่านั้น: robots.txt ที่ Sala เขียนไว้ที่ {}robots.txt และแผนผังเว็บไซต์ที่ระบุในนั้นจะไม่ถูกอ่าน", toml_string(&self.base_url), self.base_url),
                    format!("base_url = {} is under the path {path}, but crawlers read robots.txt only at {robots}: the robots.txt Sala writes at {}robots.txt, and the sitemap it names, will not be read", toml_string(&self.base_url), self.base_url),
                ),
                Text::new(
                    format!("เพิ่มบรรทัด \"Sitemap: {sitemap}\" ใน {robots} ของโฮสต์ หรือส่งแผนผังเว็บไซต์ {sitemap} ใน Google Search Console และ Bing Webmaster Tools"),
                    format!("add the line \"Sitemap: {sitemap}\" to the host's {robots}, or submit the sitemap {sitemap} in Google Search Console and Bing Webmaster Tools"),
                ),
            )
            .with_value(self.base_url.clone()),
        )
    }

    /// Checks that the logo and favicon named here are files of the theme's `static/` folder.
    pub fn check_theme_files(&self, static_files: &std::collections::BTreeMap<String, Vec<u8>>) -> Result<()> {
        for (key, name) in [("logo", &self.logo), ("favicon", &self.favicon)] {
            if !name.is_empty() && !static_files.contains_key(name.as_str()) {
                let example = if key == "logo" { "emblem.svg" } else { "favicon.svg" };
                return Err(config_error(
                    format!("{key} = {} ไม่ใช่ไฟล์ใน themes/{}/static/: วางรูป (SVG หรือ PNG) ไว้ที่นั่นแล้วใส่ชื่อไฟล์ เช่น {key} = \"{example}\"", toml_string(name), self.theme),
                    format!("{key} = {} is not a file in themes/{}/static/: put the image there (SVG or PNG) and give its name, e.g. {key} = \"{example}\"", toml_string(name), self.theme),
                ));
            }
        }
        Ok(())
    }

    /// The languages in publishing order: the default first, then the others as listed.
    pub fn languages_in_order(&self) -> Vec<Lang> {
        let mut langs = vec![self.default_language];
        for l in &self.languages {
            if !langs.contains(l) {
                langs.push(*l);
            }
        }
        langs
    }
}
