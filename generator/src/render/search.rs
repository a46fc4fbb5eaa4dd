//! Finding data, rendered: the search index of each language (JSON), the search page, and the
//! static facet pages (`/browse/…`) that let a reader reach every dataset without JavaScript.

use super::OutputFile;
use super::html::{PageJob, dataset_card, every_language, summary, t};
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::model::Site;
use crate::model::format;
use crate::model::search::{self, Facet};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// How long a search result's summary may be, in characters.
const SUMMARY_CHARS: usize = 160;

/// The search index of every language.
pub fn render(site: &Site) -> Result<Vec<OutputFile>> {
    site.languages
        .iter()
        .map(|&lang| {
            let index = search::index(site, lang, |text| summary(text, SUMMARY_CHARS));
            let path = site.urls.search_index(lang);
            let bytes = serde_json::to_vec(&index).map_err(|e| Error::Data { path: path.clone().into(), message: e.to_string() })?;
            Ok(OutputFile::new(path, bytes))
        })
        .collect()
}

/// The label of a facet group (`facet_theme` in the theme's strings).
fn group_label(site: &Site, lang: Lang, key: &str) -> String {
    t(site, lang, &format!("facet_{key}"))
}

/// The facet groups as links with counts, for the dataset list.
pub(super) fn facet_nav(site: &Site, lang: Lang) -> Value {
    facets_value(site, lang, &search::facets(site, lang), None)
}

/// The facet groups as links with counts; `current` (group, slug) marks the page's own value.
fn facets_value(site: &Site, lang: Lang, facets: &[Facet], current: Option<(&str, &str)>) -> Value {
    let urls = &site.urls;
    facets
        .iter()
        .filter(|f| !f.values.is_empty())
        .map(|f| {
            let values: Vec<Value> = f
                .values
                .iter()
                .map(|v| {
                    json!({
                        "id": v.id,
                        "label": v.label,
                        "url": urls.link(&urls.facet(lang, f.key, &v.slug)),
                        "count": format::integer(v.datasets.len() as i64),
                        "current": current == Some((f.key, v.slug.as_str())),
                    })
                })
                .collect();
            json!({"key": f.key, "label": group_label(site, lang, f.key), "values": values})
        })
        .collect()
}

/// The search page, the facet overview and one page per facet value, in `lang`.
pub(super) fn page_jobs(site: &Site, lang: Lang) -> Vec<PageJob> {
    let urls = &site.urls;
    let by_lang: BTreeMap<Lang, Vec<Facet>> = site.languages.iter().map(|&l| (l, search::facets(site, l))).collect();
    let Some(facets) = by_lang.get(&lang) else { return Vec::new() };
    let mut jobs = vec![
        PageJob {
            template: "search.html",
            lang,
            paths: every_language(site, |l| urls.search(l)),
            title: t(site, lang, "search"),
            description: t(site, lang, "search_intro"),
            context: json!({
                "index": urls.link(&urls.search_index(lang)),
                "script": urls.link(&urls.static_file("search.js")),
                "facets": facets_value(site, lang, facets, None),
            }),
        },
        PageJob {
            template: "browse.html",
            lang,
            paths: every_language(site, |l| urls.browse(l)),
            title: t(site, lang, "browse"),
            description: t(site, lang, "browse_intro"),
            context: json!({"facets": facets_value(site, lang, facets, None)}),
        },
    ];
    for f in facets {
        for v in &f.values {
            // A tag exists in one language only; other values have a twin in every language.
            let paths = by_lang
                .iter()
                .filter(|(_, fs)| fs.iter().any(|g| g.key == f.key && g.values.iter().any(|x| x.slug == v.slug)))
                .map(|(l, _)| (*l, urls.facet(*l, f.key, &v.slug)))
                .collect();
            let group = group_label(site, lang, f.key);
            jobs.push(PageJob {
                template: "facet.html",
                lang,
                paths,
                title: format!("{group}: {}", v.label),
                description: format!("{group}: {} · {} {}", v.label, format::integer(v.datasets.len() as i64), t(site, lang, "datasets_unit")),
                context: json!({
                    "group": group,
                    "value": v.label,
                    "datasets": v.datasets.iter().filter_map(|&i| site.datasets.get(i)).map(|d| dataset_card(site, d, lang)).collect::<Vec<_>>(),
                    "facets": facets_value(site, lang, facets, Some((f.key, v.slug.as_str()))),
                }),
            });
        }
    }
    jobs
}
