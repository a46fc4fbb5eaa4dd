//! `content/**.md`: pages written in markdown with TOML front matter between `+++` lines.
//! `about.md` is in the site's default language, `about.en.md` in English.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::lang::{Lang, Text};
use serde::Deserialize;
use std::path::Path;

/// Markdown larger than this is refused (pulldown-cmark has quadratic inputs).
pub const MAX_PAGE_BYTES: usize = 512 * 1024;

/// One markdown page in one language.
#[derive(Debug, Clone)]
pub struct PageSource {
    /// The URL path under the language root, e.g. `about` or `help/faq`.
    pub slug: String,
    /// The page's language.
    pub lang: Lang,
    /// The file, relative to the portal folder.
    pub file: std::path::PathBuf,
    /// The front matter.
    pub front: FrontMatter,
    /// The markdown body.
    pub body: String,
}

/// A page's front matter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The page's title.
    pub title: String,
    /// A sentence for search engines and link previews.
    #[serde(default)]
    pub description: String,
    /// The page's place in the menu (lower first); pages without one are not in the menu.
    #[serde(default)]
    pub weight: Option<i64>,
    /// A draft is not published.
    #[serde(default)]
    pub draft: bool,
    /// The page is contact information: phone numbers and e-mail addresses on it are expected
    /// (national ID and passport numbers are still refused).
    #[serde(default)]
    pub contact: bool,
}

/// Parses a page file. `relative` is its path under `content/`, `file` the path for messages.
pub fn parse_page(text: &str, relative: &Path, file: &Path, default_language: Lang) -> Result<PageSource, Diagnostic> {
    let error = |line: usize, th: String, en: String, help: Text| {
        Diagnostic::error(Code::PageError, Location::line(file, line, 1), Text::new(th, en), help)
    };
    if text.len() > MAX_PAGE_BYTES {
        return Err(error(
            1,
            format!("หน้านี้ใหญ่เกิน {} KB", MAX_PAGE_BYTES / 1024),
            format!("the page is larger than {} KB", MAX_PAGE_BYTES / 1024),
            Text::new("แบ่งเนื้อหาเป็นหลายหน้า", "split the content into several pages"),
        ));
    }
    let (slug, lang) = slug_and_lang(relative, default_language).ok_or_else(|| {
        error(
            1,
            format!("ชื่อไฟล์หน้าต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข หรือ - เท่านั้น (เช่น about.md หรือ about.en.md) และไม่ใช่ชื่อที่ระบบใช้ ({})", RESERVED.join(", ")),
            format!("a page's file name must use lowercase a-z, digits and '-' only (e.g. about.md or about.en.md), and not a name Sala uses ({})", RESERVED.join(", ")),
            Text::new("เปลี่ยนชื่อไฟล์ เพราะชื่อไฟล์จะเป็นที่อยู่ของหน้าเว็บ", "rename the file: its name becomes the page's web address"),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let missing_front = || {
        error(
            1,
            "ไม่มีส่วนหัว (front matter) ระหว่างบรรทัด +++".into(),
            "no front matter between +++ lines".into(),
            Text::new(
                "เริ่มไฟล์ด้วย +++ บรรทัดถัดไปเขียน title = \"ชื่อหน้า\" แล้วปิดด้วย +++",
                "start the file with +++, then title = \"Page title\", then a closing +++",
            ),
        )
    };
    let rest = text.strip_prefix("+++").ok_or_else(missing_front)?;
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n')).ok_or_else(missing_front)?;
    let end = find_closing(rest).ok_or_else(missing_front)?;
    let front_text = &rest[..end];
    let body = rest[end..].trim_start_matches("+++").trim_start_matches(['\r', '\n']).to_string();
    let front: FrontMatter = toml::from_str(front_text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| crate::error::line_col(front_text, s.start));
        Diagnostic::error(
            Code::PageError,
            Location::line(file, line + 1, col),
            Text::new(format!("ส่วนหัวของหน้าผิดรูปแบบ: {}", e.message().trim()), format!("the front matter is not valid: {}", e.message().trim())),
            Text::new("ส่วนหัวต้องมี title และอาจมี description, weight, draft", "front matter takes title, and optionally description, weight and draft"),
        )
    })?;
    Ok(PageSource { slug, lang, file: file.to_path_buf(), front, body })
}

fn find_closing(rest: &str) -> Option<usize> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// `about.md` → (`about`, default), `help/faq.en.md` → (`help/faq`, en).
fn slug_and_lang(relative: &Path, default_language: Lang) -> Option<(String, Lang)> {
    let text = relative.to_str()?.replace('\\', "/");
    let stem = text.strip_suffix(".md")?;
    let (stem, lang) = match stem.rsplit_once('.') {
        Some((s, code)) => (s, Lang::from_code(code)?),
        None => (stem, default_language),
    };
    let ok = !stem.is_empty()
        && stem.split('/').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
    let first = stem.split('/').next().unwrap_or("");
    // The first part of a page's address must not be a built-in section or a language.
    let reserved = RESERVED.contains(&first) || Lang::from_code(first).is_some();
    (ok && !reserved).then(|| (stem.to_string(), lang))
}

/// Addresses Sala's own pages use; a markdown page may not take them.
pub const RESERVED: &[&str] = &["datasets", "agencies", "privacy", "dashboard", "api", "static", "search", "browse", "404"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_comes_from_the_file_name() {
        let p = parse_page("+++\ntitle = \"About\"\n+++\nHello", Path::new("about.en.md"), Path::new("content/about.en.md"), Lang::Th).unwrap();
        assert_eq!((p.slug.as_str(), p.lang, p.body.as_str()), ("about", Lang::En, "Hello"));
        let p = parse_page("+++\ntitle = \"เกี่ยวกับ\"\n+++\n", Path::new("about.md"), Path::new("content/about.md"), Lang::Th).unwrap();
        assert_eq!(p.lang, Lang::Th);
    }

    #[test]
    fn a_bad_front_matter_names_its_line() {
        let err = parse_page("+++\ntitle = \"A\"\nwieght = 1\n+++\n", Path::new("a.md"), Path::new("content/a.md"), Lang::Th).unwrap_err();
        assert_eq!(err.location.row, Some(3));
        assert!(err.message.en.contains("wieght"), "{}", err.message.en);
    }
}
