//! What every module that makes pages shares: the page jobs handed to the render threads
//! ([`PageJob`], [`Jobs`]), the datasets' cards, the theme's strings ([`t`]) and the small
//! texts every page writes the same way (dates, agency links, summaries). `html` renders the
//! jobs; the modules that add pages (search, privacy, dashboards, finance) use only this.

use super::Emitter;
use super::keys::Keys;
use crate::lang::Lang;
use crate::load::cache::KeyHasher;
use crate::model::format;
use crate::model::{Dataset, Site};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// One page to render: its template, its path per language, and its own context.
pub(super) struct PageJob<'a> {
    pub(super) template: &'static str,
    pub(super) lang: Lang,
    /// The page's path in every language it exists in (for hreflang and the switcher).
    pub(super) paths: BTreeMap<Lang, String>,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) context: PageContext<'a>,
    /// The page's key from the inputs its context is made of (see `html::dataset_key`), for pages
    /// that can be taken from the last build without making their context; None for pages
    /// keyed by their context.
    pub(super) key: Option<InputKey<'a>>,
}

/// Computes a page's key from its inputs, on the render thread (None without a cache).
pub(super) type InputKey<'a> = Box<dyn FnOnce() -> Option<u64> + Send + 'a>;

/// A page's own context: made at once (a few small pages), or made by the render thread that
/// takes the page, so that the contexts of a portal's pages are made on every thread rather
/// than on the one that lists the pages (it made half the pages' work on one of two cores).
pub(super) enum PageContext<'a> {
    Ready(Value),
    Later(Box<dyn FnOnce() -> Value + Send + 'a>),
}

impl PageContext<'_> {
    /// The context, made now if it was left for later.
    pub(super) fn make(self) -> Value {
        match self {
            PageContext::Ready(v) => v,
            PageContext::Later(f) => f(),
        }
    }
}

impl From<Value> for PageContext<'_> {
    fn from(v: Value) -> Self {
        PageContext::Ready(v)
    }
}

/// A context made by the render thread that takes the page.
pub(super) fn later<'a>(make: impl FnOnce() -> Value + Send + 'a) -> PageContext<'a> {
    PageContext::Later(Box::new(make))
}

/// Pages to render, handed over as they are listed: a short queue that the render threads
/// empty while it fills, so that only a few pages are held at once, whatever the portal's
/// size.
pub(super) struct Jobs<'a> {
    pub(super) queue: std::sync::mpsc::SyncSender<PageJob<'a>>,
    pub(super) stopped: &'a AtomicBool,
    pub(super) out: &'a Emitter<'a>,
    /// The keys of the build's inputs (None without a cache).
    pub(super) keys: Option<&'a Keys>,
    /// Per language, what every page's key starts from (`html::shared_keys`).
    pub(super) shared: &'a BTreeMap<Lang, u64>,
    /// Per language, what every dataset page's key starts from (`html::dataset_shared_keys`).
    pub(super) dataset_shared: &'a BTreeMap<Lang, u64>,
    /// Per language, the facet groups and their values, made once for the lists, the
    /// navigation beside them and the facet pages.
    pub(super) facets: &'a BTreeMap<Lang, Vec<crate::model::search::Facet>>,
    /// The datasets' cards, made once for all the lists that show them.
    pub(super) cards: &'a Cards,
}

/// Each dataset's card in each language (what the dataset list, the agency pages, the facet
/// pages show of it), made once and copied into every list that shows it: a dataset is on
/// some ten lists in each language, and a copy costs a fraction of making the card again.
/// Freed with the pages' render: at 10,000 datasets, some 40 MB.
pub(super) struct Cards {
    made: BTreeMap<Lang, Vec<std::sync::OnceLock<Value>>>,
}

impl Cards {
    /// No card made yet, one place per dataset and language.
    pub(super) fn new(site: &Site) -> Cards {
        let made = site.languages.iter().map(|&lang| (lang, site.datasets.iter().map(|_| std::sync::OnceLock::new()).collect())).collect();
        Cards { made }
    }

    /// The card ([`dataset_card`]) of dataset `i` of the site, in `lang`; None for no such dataset.
    pub(super) fn card(&self, site: &Site, i: usize, lang: Lang) -> Option<Value> {
        let d = site.datasets.get(i)?;
        Some(match self.made.get(&lang).and_then(|cards| cards.get(i)) {
            Some(card) => card.get_or_init(|| dataset_card(site, d, lang)).clone(),
            None => dataset_card(site, d, lang),
        })
    }
}

impl<'a> Jobs<'a> {
    /// Queues `job` for rendering; false once rendering has failed, when making more pages is
    /// wasted work.
    pub(super) fn push(&self, job: PageJob<'a>) -> bool {
        !self.stopped.load(Ordering::Relaxed) && self.queue.send(job).is_ok()
    }

    /// Keys `job` (a page that lists datasets or agencies) by its inputs rather than by its
    /// context: its template, paths, title and description, what every page shares
    /// (`html::shared_keys`), the site's settings and agency registry ([`Keys::settings`]), and what
    /// `add` adds on the render thread — every other value the page shows (its counts, its
    /// place among the pages, the summary keys of the datasets it lists, in order). Without a
    /// cache the job keeps no key.
    pub(super) fn key_by_inputs(&self, job: &mut PageJob<'a>, add: impl FnOnce(&mut KeyHasher, &'a Keys) + Send + 'a) {
        let (Some(keys), Some(base)) = (self.keys, self.shared.get(&job.lang)) else { return };
        let mut h = self.out.memo().hasher();
        h.add(base).add(&keys.settings()).add(job.template).add(&job.lang).add(&job.paths).add(&job.title).add(&job.description);
        job.key = Some(Box::new(move || {
            add(&mut h, keys);
            Some(h.finish())
        }));
    }

    /// Whether pages are keyed by their inputs (the build keeps a cache).
    pub(super) fn keyed(&self) -> bool {
        self.keys.is_some()
    }
}

/// The hash of a value a page shows as JSON (a navigation made once for many pages).
pub(super) fn json_key(value: &Value) -> u64 {
    let mut h = KeyHasher::new();
    h.add_json(value);
    h.finish()
}

/// The theme's UI strings in `lang`.
pub(super) fn strings(site: &Site, lang: Lang) -> &BTreeMap<String, String> {
    static EMPTY: BTreeMap<String, String> = BTreeMap::new();
    site.theme.strings.get(&lang).unwrap_or(&EMPTY)
}

/// The unit a count of `n` takes in `lang`: the theme's `<key>_one` for one (`dataset`), else
/// `<key>` (`datasets`); a theme without the singular gives the plural. Thai has one form.
pub(super) fn unit(site: &Site, lang: Lang, n: usize, key: &str) -> String {
    match strings(site, lang).get(&format!("{key}_one")) {
        Some(one) if n == 1 => one.clone(),
        _ => t(site, lang, key),
    }
}

/// A UI string from the theme's i18n table (the key itself if missing, which a test forbids).
pub(super) fn t(site: &Site, lang: Lang, key: &str) -> String {
    strings(site, lang).get(key).cloned().unwrap_or_else(|| key.to_string())
}

/// A page's path in every language of the site.
pub(super) fn every_language(site: &Site, path: impl Fn(Lang) -> String) -> BTreeMap<Lang, String> {
    site.languages.iter().map(|l| (*l, path(*l))).collect()
}

/// A date of the metadata as the page's language writes it (empty when there is none).
pub(super) fn date_text(d: &Option<toml::value::Datetime>, lang: Lang) -> String {
    d.as_ref().and_then(format::toml_date).map(|d| format::date(d, lang)).unwrap_or_default()
}

/// An agency's name and page link in `lang` (its code alone when the registry lacks it).
pub(super) fn agency_link(site: &Site, code: &str, lang: Lang) -> Value {
    match site.agency(code) {
        Some(a) => json!({"code": a.code, "name": a.name.get(lang), "url": site.urls.link(&site.urls.agency(lang, &a.code))}),
        None => json!({"code": code, "name": code, "url": ""}),
    }
}

/// What the lists show of a dataset in `lang`: title, summary, agency, date, themes, rows.
pub(super) fn dataset_card(site: &Site, d: &Dataset, lang: Lang) -> Value {
    let rows: usize = d.resources.iter().map(|r| r.rows()).sum();
    json!({
        "id": d.id,
        "title": d.meta.title.get(lang),
        "summary": summary(d.meta.description.get(lang), 220),
        "url": site.urls.link(&site.urls.dataset(lang, &d.id)),
        "agency": agency_link(site, &d.meta.agency, lang),
        "modified": date_text(&d.meta.modified, lang),
        "themes": d.meta.themes.iter().map(|th| t(site, lang, &format!("theme_{th}"))).collect::<Vec<_>>(),
        "rows": format::integer(rows as i64),
        "resources": d.resources.len(),
    })
}

/// The first sentence-ish part of a text, cut at a word boundary near `max` characters.
pub(super) fn summary(text: &str, max: usize) -> String {
    let first_paragraph = text.split("\n\n").next().unwrap_or("").trim();
    if first_paragraph.chars().count() <= max {
        return first_paragraph.to_string();
    }
    let cut: String = first_paragraph.chars().take(max).collect();
    let at = cut.rfind(' ').filter(|i| *i > max / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end())
}
