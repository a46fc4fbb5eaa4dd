//! Themes: Tera templates, static files and the i18n string tables. The default theme is
//! compiled into the binary; a portal's `themes/<name>/` overrides it file by file.

use crate::error::{Error, Result, toml_error};
use crate::lang::Lang;
use std::collections::BTreeMap;
use std::path::Path;

macro_rules! builtin {
    ($($path:literal),* $(,)?) => {
        /// Every file of the built-in default theme, as (path in the theme, contents).
        pub const BUILTIN: &[(&str, &[u8])] = &[
            $(($path, include_bytes!(concat!("../../../themes/default/", $path)))),*
        ];
    };
}

builtin!(
    "templates/base.html",
    "templates/index.html",
    "templates/datasets.html",
    "templates/dataset.html",
    "templates/agencies.html",
    "templates/agency.html",
    "templates/page.html",
    "templates/404.html",
    "templates/dataset-card.html",
    "templates/privacy-index.html",
    "templates/privacy.html",
    "templates/privacy-register.html",
    "templates/dashboard.html",
    "templates/dashboard-summary.html",
    "templates/dashboard-maturity.html",
    "templates/dashboard-projects.html",
    "templates/dashboard-budget.html",
    "templates/unit-dashboard.html",
    "templates/dataset-quality.html",
    "templates/figure.html",
    "templates/table.html",
    "templates/sources.html",
    "templates/search.html",
    "templates/browse.html",
    "templates/facet.html",
    "templates/facet-nav.html",
    "templates/pager.html",
    "static/style.css",
    "static/search.js",
    "static/favicon.svg",
    "static/fonts/sarabun-thai-400-normal.woff2",
    "static/fonts/sarabun-thai-700-normal.woff2",
    "static/fonts/sarabun-latin-400-normal.woff2",
    "static/fonts/sarabun-latin-700-normal.woff2",
    "static/fonts/OFL.txt",
    "i18n/th.toml",
    "i18n/en.toml",
);

/// A theme, with the portal's overrides applied.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Templates by name (`index.html`).
    pub templates: BTreeMap<String, String>,
    /// Static files by path under `static/`.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// UI strings per language.
    pub strings: BTreeMap<Lang, BTreeMap<String, String>>,
}

impl Theme {
    /// Loads the built-in theme, then the portal's `themes/<name>/` over it.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut files: BTreeMap<String, Vec<u8>> =
            BUILTIN.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
        let dir = root.join("themes").join(name);
        if dir.is_dir() && dir.canonicalize().map_or(true, |real| !real.starts_with(root)) {
            return Err(Error::PathEscape { path: dir, root: root.to_path_buf() });
        }
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
                let entry = entry.map_err(|e| Error::io(&dir, e.into()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let rel = rel.to_string_lossy().replace('\\', "/");
                let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                files.insert(rel, bytes);
            }
        } else if name != "default" {
            return Err(crate::error::config_error(
                format!("theme = \"{name}\" แต่ไม่มีโฟลเดอร์ themes/{name}/: สร้างโฟลเดอร์นี้ หรือใช้ theme = \"default\""),
                format!("theme = \"{name}\" but themes/{name}/ does not exist: create it or use theme = \"default\""),
            ));
        }
        let mut theme = Theme::default();
        // The built-in strings first, so that a portal's i18n file only overrides keys.
        for (path, bytes) in BUILTIN.iter().filter(|(p, _)| p.starts_with("i18n/")) {
            let Some(lang) = path.strip_prefix("i18n/").and_then(|p| p.strip_suffix(".toml")).and_then(Lang::from_code) else { continue };
            let text = String::from_utf8_lossy(bytes);
            let table: BTreeMap<String, String> = toml::from_str(&text).map_err(|e| toml_error(*path, &text, &e))?;
            theme.strings.insert(lang, table);
        }
        for (path, bytes) in files {
            let display = dir.join(&path);
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8(bytes).map_err(|_| Error::Template {
                    name: name.to_string(),
                    message: "is not UTF-8 text".into(),
                })?;
                theme.templates.insert(name.to_string(), text);
            } else if let Some(name) = path.strip_prefix("static/") {
                theme.static_files.insert(name.to_string(), bytes);
            } else if let Some(code) = path.strip_prefix("i18n/").and_then(|p| p.strip_suffix(".toml")) {
                let Some(lang) = Lang::from_code(code) else { continue };
                let text = String::from_utf8(bytes).map_err(|_| Error::Template {
                    name: path.clone(),
                    message: "is not UTF-8 text".into(),
                })?;
                let table: BTreeMap<String, String> =
                    toml::from_str(&text).map_err(|e| toml_error(&display, &text, &e))?;
                // A portal's strings override the built-in ones key by key; missing keys keep
                // the built-in text rather than showing raw keys on pages.
                theme.strings.entry(lang).or_default().extend(table);
            }
        }
        Ok(theme)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_default_theme_is_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
        let on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        for path in on_disk {
            assert!(BUILTIN.iter().any(|(p, _)| *p == path), "themes/default/{path} is not in BUILTIN");
        }
    }

    #[test]
    fn every_required_policy_item_has_a_heading_in_both_languages() {
        use crate::load::privacy::{NOTICE, PRACTICE, TOPICS};
        let theme = Theme::load(Path::new("/nonexistent"), "default").unwrap();
        for (section, items) in [("topics", TOPICS), ("practice", PRACTICE), ("notice", NOTICE)] {
            for r in items {
                for lang in Lang::ALL {
                    assert!(theme.strings[&lang].contains_key(&format!("policy_{section}_{}", r.key)), "{lang}: policy_{section}_{}", r.key);
                }
            }
        }
    }

    #[test]
    fn thai_and_english_have_the_same_strings() {
        let theme = Theme::load(Path::new("/nonexistent"), "default").unwrap();
        let th: Vec<_> = theme.strings[&Lang::Th].keys().collect();
        let en: Vec<_> = theme.strings[&Lang::En].keys().collect();
        assert_eq!(th, en);
        for lang in Lang::ALL {
            for (key, value) in &theme.strings[&lang] {
                assert!(!value.trim().is_empty(), "{lang}: {key} is empty");
            }
        }
    }
}
