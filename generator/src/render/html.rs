//! HTML pages: builds each page's context in Rust (every number and date already formatted for
//! the page's language) and renders it with the theme's Tera templates, autoescaped and
//! minified (the templates once when loaded, see [`super::templates`]). Templates only lay
//! things out.

use super::keys::{self, Keys};
use super::markdown;
use super::{Emitter, OutputFile};
use super::pager;
use super::page::{Cards, Jobs, PageContext, PageJob, agency_link, date_text, every_language, json_key, later, strings, t, unit};
use crate::error::{Error, Result};
use crate::lang::{Lang, Text};
use crate::load::cache::Memo;
use crate::load::schema::{Field, FieldType, value_as_text};
use crate::model::format;
use crate::model::value;
use crate::model::{Agency, Dataset, Site};
use crate::urls::{Urls, is_safe_link};
use polars::prelude::AnyValue;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// How many rows a dataset page previews.
pub const PREVIEW_ROWS: usize = 50;

/// How many characters of one cell a preview shows: a cell of 200 MB made every page that
/// showed it 200 MB. The downloads keep the whole cell.
pub const PREVIEW_CELL_CHARS: usize = 500;

/// The key of dataset `d`'s page in `lang` from the inputs its context is made of, so that an
/// unchanged dataset's page is taken from the last build without making its context (its
/// preview, its JSON-LD): what every page shares (templates, strings, menu, site settings:
/// [`shared_keys`]), the site settings, agencies and personal-data policies the context
/// reads, and the dataset itself (metadata, published schemas, and what its tables were made
/// from, [`Dataset::source`]). None without a cache or when the tables' source is unknown.
fn dataset_key(d: &Dataset, lang: Lang, memo: &Memo, keys: Option<&Keys>, dataset_shared: &BTreeMap<Lang, u64>) -> Option<u64> {
    let base = dataset_shared.get(&lang).filter(|_| d.source != 0)?;
    let mut h = memo.hasher();
    h.add(base).add(&d.id).add(&d.source).add(&keys?.summary(d));
    Some(h.finish())
}

/// Per language, what every dataset page's key shares ([`dataset_key`]): the key of what every
/// page shares, the template, and the site settings, agencies and personal-data policies a
/// dataset page reads. Hashed once per build: hashed per page, the agencies alone cost as much
/// as all the rest of the pages at 10,000 datasets over 1,000 agencies.
fn dataset_shared_keys(site: &Site, memo: &Memo, keys: Option<&Keys>, shared: &BTreeMap<Lang, u64>) -> BTreeMap<Lang, u64> {
    let Some(keys) = keys else { return BTreeMap::new() };
    let mut h = memo.hasher();
    h.add(&keys.settings()).add(&format!("{:?}", site.policies));
    let settings = h.finish();
    shared
        .iter()
        .map(|(&lang, base)| {
            let mut h = memo.hasher();
            h.add(base).add("dataset.html").add(&lang).add(&settings);
            (lang, h.finish())
        })
        .collect()
}

/// How many pages may wait to be rendered.
const QUEUED_PAGES: usize = 64;

/// The sizes in bytes of the files already rendered (the downloads), by site-relative path.
pub type Sizes = super::Written;

/// Renders every HTML page of the site into `out`; `sizes` gives the downloads' sizes the
/// dataset pages show (empty where the downloads are not built, as in `sala check`). This
/// thread lists the pages while the others make their contexts, render them with Tera and
/// minify them (plain threads, as in [`crate::parallel`]: making a context may call into
/// Polars). `facets` are the facet groups of each language (shared with the search index).
///
/// A page whose key did not change since the last build is taken from it instead: the key
/// hashes everything its template is given (its own context and what every page shares) with
/// the theme's templates and Sala's own key. The same inputs render to the same bytes, so
/// which pages a change touches needs no list of dependencies to keep right.
pub fn render(site: &Site, out: &Emitter, sizes: &Sizes, facets: &BTreeMap<Lang, Vec<crate::model::search::Facet>>) -> Result<()> {
    let tera = Templates::load(site)?;
    let shared = shared_keys(site, out.memo());
    let keys = out.keys(site);
    let dataset_shared = dataset_shared_keys(site, out.memo(), keys, &shared);
    let stopped = AtomicBool::new(false);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    // Before the queue: the jobs it holds borrow the cards.
    let cards = Cards::new(site);
    let (queue, pending) = std::sync::mpsc::sync_channel::<PageJob>(QUEUED_PAGES);
    let pending = Mutex::new(pending);
    let threads = rayon::current_num_threads().max(1);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut renderer = Renderer::new(site, &tera);
                loop {
                    let next = pending.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok(job) = next else { break };
                    if stopped.load(Ordering::Relaxed) {
                        continue;
                    }
                    if let Err(e) = render_or_reuse(&mut renderer, job, out, &shared) {
                        stopped.store(true, Ordering::Relaxed);
                        failure.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                    }
                }
            });
        }
        let jobs = Jobs { queue, stopped: &stopped, out, keys, shared: &shared, dataset_shared: &dataset_shared, facets, cards: &cards };
        // Each language's pages are listed on a thread of their own: in a rebuild, listing a
        // page (its key, and its file taken from the last build) is most of its cost, and one
        // thread listing 31,770 pages at 10,000 datasets kept the render threads waiting.
        std::thread::scope(|languages| {
            for &lang in &site.languages {
                let jobs = &jobs;
                languages.spawn(move || page_jobs(site, lang, sizes, jobs));
            }
        });
        // Dropping the queue's sender tells the render threads that no more pages come.
        drop(jobs);
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut renderer = Renderer::new(site, &tera);
    for &lang in &site.languages {
        let f = not_found(site, &mut renderer, lang)?;
        out.file(&f.path, &f.bytes)?;
    }
    Ok(())
}

/// Per language, the hash of what every page shares: the shared context depends on the page
/// only through its paths, title and description, which each page's key adds. The paths used
/// here hold every language, so that every site-wide value shows in the hash. Empty when the
/// build keeps no cache.
fn shared_keys(site: &Site, memo: &Memo) -> BTreeMap<Lang, u64> {
    if !memo.active() {
        return BTreeMap::new();
    }
    let home = every_language(site, |l| site.urls.home(l));
    site.languages
        .iter()
        .map(|&lang| {
            let mut h = memo.hasher();
            h.add(&site.theme.templates).add_json(&common_context(site, lang, &home, "", ""));
            (lang, h.finish())
        })
        .collect()
}

/// Renders `job` into `out`, or takes its page from the last build when its key is the same.
fn render_or_reuse(renderer: &mut Renderer, mut job: PageJob, out: &Emitter, shared: &BTreeMap<Lang, u64>) -> Result<()> {
    let path = Urls::output_file(&job.paths[&job.lang]);
    let take_context = |job: &mut PageJob| std::mem::replace(&mut job.context, PageContext::Ready(Value::Null)).make();
    // A page keyed by its inputs is taken or rendered without its context being made first.
    if let Some(key) = job.key.take().and_then(|key| key()) {
        return out.keyed(&path, Some(key), || {
            let context = take_context(&mut job);
            Ok(renderer.render(&job, context)?.bytes)
        });
    }
    let context = take_context(&mut job);
    let key = shared.get(&job.lang).map(|base| {
        let mut h = out.memo().hasher();
        h.add(base).add(job.template).add(&job.lang).add(&job.paths).add(&job.title).add(&job.description);
        h.add_json(&context);
        h.finish()
    });
    out.keyed(&path, key, || Ok(renderer.render(&job, context)?.bytes))
}

/// Renders pages on one thread. What every page of a language shares (strings, menu, site
/// links: [`common_base`]) is made into a Tera context once; each page adds its own values to
/// it for its render and takes them out after, rather than copying the shared part per page.
struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Templates,
    bases: BTreeMap<Lang, tera::Context>,
    /// The size of the last page rendered with each template: the next one's buffer starts
    /// that large rather than growing (and being copied) from Tera's 2,000 bytes.
    sizes: std::collections::HashMap<&'static str, usize>,
}

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, tera: &'a Templates) -> Renderer<'a> {
        Renderer { site, tera, bases: BTreeMap::new(), sizes: std::collections::HashMap::new() }
    }

    /// The page of `job` with its own `context`, rendered and minified.
    fn render(&mut self, job: &PageJob, context: Value) -> Result<OutputFile> {
        let (site, template) = (self.site, job.template);
        let err = |e: tera::Error| Error::Template { name: template.into(), message: error_chain(&e) };
        let base = match self.bases.entry(job.lang) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => e.insert(tera::Context::from_value(common_base(site, job.lang)).map_err(err)?),
        };
        let mut page = page_fields(site, job.lang, &job.paths, &job.title, &job.description);
        // The page's own values win over the shared ones of the same name.
        if let Value::Object(own) = context {
            page.extend(own);
        }
        let keys: Vec<String> = page.keys().cloned().collect();
        let shadowed: serde_json::Map<String, Value> = keys.iter().filter_map(|k| Some((k.clone(), base.remove(k)?))).collect();
        base.extend(tera::Context::from_value(Value::Object(page)).map_err(err)?);
        // Rendered as bytes, which the page is written as: Tera's `render` would check the
        // whole page is UTF-8 to make a String of it.
        let mut html = Vec::with_capacity(self.sizes.get(template).map_or(16 * 1024, |n| n + n / 8));
        let rendered = self.tera.tera.render_to(template, base, &mut html);
        for k in &keys {
            base.remove(k);
        }
        if !shadowed.is_empty() {
            base.extend(tera::Context::from_value(Value::Object(shadowed)).map_err(err)?);
        }
        rendered.map_err(err)?;
        self.sizes.insert(template, html.len());
        let bytes = if self.tera.minified { html } else { minify(&html) };
        Ok(OutputFile::new(Urls::output_file(&job.paths[&job.lang]), bytes))
    }
}

/// The theme's templates, ready to render.
struct Templates {
    tera: tera::Tera,
    /// The templates were minified when loaded, so pages need no minifying of their own.
    minified: bool,
}

/// Pages minified one by one as before, whatever the theme: for tests that compare the two ways.
#[doc(hidden)]
pub static MINIFY_EACH_PAGE: AtomicBool = AtomicBool::new(false);

impl Templates {
    /// The theme's templates minified once ([`super::templates`]), or as written when one of
    /// them cannot be (each page is then minified after it is rendered).
    fn load(site: &Site) -> Result<Templates> {
        let base = || {
            let mut tera = tera::Tera::default();
            // Templates come from portal authors: they must not read the build machine's environment.
            tera.register_function("get_env", |_: &std::collections::HashMap<String, Value>| -> tera::Result<Value> {
                Err("get_env is disabled in Sala themes".into())
            });
            tera.autoescape_on(vec![".html", ".htm", ".xml"]);
            tera
        };
        let minified = (!MINIFY_EACH_PAGE.load(Ordering::Relaxed)).then(|| super::templates::minify_templates(&site.theme.templates)).flatten();
        if let Some(minified) = minified {
            let mut tera = base();
            for filter in minified.filters {
                tera.register_filter(&filter.name.clone(), filter);
            }
            tera.register_filter("sala_html", super::templates::HtmlFilter);
            tera.set_escape_fn(super::templates::escape_minified);
            tera.set_escape_into_fn(super::templates::escape_minified_into);
            // A template that Tera reads as written but not minified is rendered as written.
            if tera.add_raw_templates(minified.templates.iter().map(|(n, t)| (n.as_str(), t.as_str()))).is_ok() {
                return Ok(Templates { tera, minified: true });
            }
        }
        let mut tera = base();
        let sources: Vec<(&str, &str)> = site.theme.templates.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        tera.add_raw_templates(sources).map_err(|e| Error::Template { name: "theme".into(), message: error_chain(&e) })?;
        Ok(Templates { tera, minified: false })
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

fn minify(html: &[u8]) -> Vec<u8> {
    escape_title(minify_html::minify(html, &super::templates::cfg()))
}

/// minify-html turns `&lt;` back into `<` inside `<title>` (valid there: browsers read it as
/// text), but every scanner and reviewer reads `<script>` as markup; put the escape back.
fn escape_title(mut html: Vec<u8>) -> Vec<u8> {
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..).and_then(|h| h.windows(needle.len()).position(|w| w == needle)).map(|i| i + from)
    };
    let Some(start) = find(&html, b"<title>", 0).map(|i| i + b"<title>".len()) else { return html };
    let Some(end) = find(&html, b"</title>", start) else { return html };
    let escaped: Vec<u8> = html[start..end]
        .iter()
        .flat_map(|&b| if b == b'<' { b"&lt;".to_vec() } else { vec![b] })
        .collect();
    html.splice(start..end, escaped);
    html
}

/// What every page shares: language, strings, site name, menu, language switcher, hreflang
/// (what a page's key hashes, see [`shared_keys`]).
fn common_context(site: &Site, lang: Lang, paths: &BTreeMap<Lang, String>, title: &str, description: &str) -> Value {
    let mut context = common_base(site, lang);
    if let Value::Object(base) = &mut context {
        base.extend(page_fields(site, lang, paths, title, description));
    }
    context
}

/// What every page of `lang` shares whatever the page: language, strings, site name and links,
/// menu.
fn common_base(site: &Site, lang: Lang) -> Value {
    let urls = &site.urls;
    let menu: Vec<Value> = {
        let mut pages: Vec<_> = site.pages.iter().filter(|p| p.lang == lang && p.front.weight.is_some()).collect();
        pages.sort_by_key(|p| (p.front.weight, p.slug.clone()));
        pages.iter().map(|p| json!({"title": p.front.title, "url": urls.link(&urls.page(lang, &p.slug))})).collect()
    };
    let feedback = &site.config.contact.feedback_url;
    json!({
        "lang": lang.code(),
        "t": strings(site, lang),
        "site": {
            "title": site.config.title.get(lang),
            "description": site.config.description.get(lang),
            "home": urls.link(&urls.home(lang)),
            "datasets": urls.link(&urls.datasets(lang)),
            "agencies": urls.link(&urls.agencies(lang)),
            "dashboard": urls.link(&urls.dashboard(lang)),
            "search": urls.link(&urls.search(lang)),
            "browse": urls.link(&urls.browse(lang)),
            "css": urls.link(&urls.static_file("style.css")),
            "static": urls.link(&urls.static_file("")),
            "favicon": urls.link(&urls.static_file(&site.config.favicon)),
            "logo": if site.config.logo.is_empty() { String::new() } else { urls.link(&urls.static_file(&site.config.logo)) },
            "logo_absolute": if site.config.logo.is_empty() { String::new() } else { urls.absolute(&urls.static_file(&site.config.logo)) },
            "locale": match lang { Lang::Th => "th_TH", Lang::En => "en_US" },
            "api": urls.link(&urls.api_datasets()),
            "privacy": if site.policies.is_empty() { String::new() } else { urls.link(&urls.privacy_index(lang)) },
            "feed": urls.link(&urls.feed(lang)),
            "feed_absolute": urls.absolute(&urls.feed(lang)),
            "catalog": urls.link(&urls.catalog_ttl()),
            "contact_email": site.config.contact.email,
            "feedback_url": if is_safe_link(feedback) { feedback.as_str() } else { "" },
        },
        "menu": menu,
    })
}

/// What a page's shared parts say of the page itself: the language switcher, hreflang links,
/// canonical address, title and description.
fn page_fields(site: &Site, lang: Lang, paths: &BTreeMap<Lang, String>, title: &str, description: &str) -> serde_json::Map<String, Value> {
    let urls = &site.urls;
    let switch: Vec<Value> = site
        .languages
        .iter()
        .filter(|l| **l != lang)
        .map(|l| {
            let target = paths.get(l).cloned().unwrap_or_else(|| urls.home(*l));
            json!({"code": l.code(), "label": t(site, *l, "language_name"), "url": urls.link(&target)})
        })
        .collect();
    let mut alternates: Vec<Value> =
        paths.iter().map(|(l, p)| json!({"hreflang": l.code(), "href": urls.absolute(p)})).collect();
    if let Some(default_path) = paths.get(&site.config.default_language) {
        alternates.push(json!({"hreflang": "x-default", "href": urls.absolute(default_path)}));
    }
    let mut fields = serde_json::Map::new();
    fields.insert("switch".into(), Value::Array(switch));
    fields.insert("alternates".into(), Value::Array(alternates));
    fields.insert("canonical".into(), Value::String(urls.absolute(&paths[&lang])));
    fields.insert("page_title".into(), Value::String(title.to_string()));
    fields.insert("page_description".into(), Value::String(meta_description(description)));
    fields
}

/// A page's description as search engines show it: the first sentence (or the first
/// paragraph), cut at a word boundary before 160 characters with "…". Thai writes no spaces
/// between words, so a Thai text may be cut between two characters, but never before a
/// combining vowel or tone mark.
fn meta_description(text: &str) -> String {
    const LIMIT: usize = 160;
    let text = text.split("\n\n").next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    let first = match sentence_end(&text) {
        Some(i) => &text[..=i],
        None => text.as_str(),
    };
    let chars: Vec<char> = first.chars().collect();
    if chars.len() <= LIMIT {
        return first.to_string();
    }
    let mut end = LIMIT - 1;
    match chars[..end].iter().rposition(|c| *c == ' ').filter(|&i| i > LIMIT / 2) {
        Some(space) => end = space,
        None => {
            // A mark belongs to the letter before it, and a leading vowel (เ แ โ ใ ไ) to the
            // letter after it: neither is left alone at the cut.
            while end > 0 && is_thai_mark(chars[end]) {
                end -= 1;
            }
            while end > 0 && ('\u{0E40}'..='\u{0E44}').contains(&chars[end - 1]) {
                end -= 1;
            }
        }
    }
    let cut: String = chars[..end].iter().collect();
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':']))
}

/// Where the first sentence of `text` ends: the first `. ` after a word that is no
/// abbreviation. A word with a dot inside (`พ.ศ.`, `B.E.`, `e.g.`) or of one or two letters
/// (`No.`, `Dr.`, `ม.`) does not end a sentence: descriptions that began "งบประมาณ พ.ศ. 2567"
/// were cut to "งบประมาณ พ.ศ.".
fn sentence_end(text: &str) -> Option<usize> {
    text.match_indices(". ").map(|(i, _)| i).find(|&i| {
        let word = text[..i].rsplit(' ').next().unwrap_or("");
        let numeral = word.chars().any(crate::lang::is_digit);
        !word.contains('.') && (numeral || word.chars().filter(|c| c.is_alphabetic()).count() > 2)
    })
}

/// Thai vowel signs and tone marks written above or below their consonant.
fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E33}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

fn page_jobs<'a>(site: &'a Site, lang: Lang, sizes: &'a Sizes, jobs: &Jobs<'a>) {
    let (urls, cards) = (&site.urls, jobs.cards);
    let home = PageJob {
        template: "index.html",
        lang,
        paths: every_language(site, |l| urls.home(l)),
        title: site.config.title.get(lang).to_string(),
        description: site.config.description.get(lang).to_string(),
        context: later(move || home_context(site, lang, cards)),
        key: None,
    };
    if !jobs.push(home) {
        return;
    }
    let mut dashboard = PageJob {
        template: "dashboard.html",
        lang,
        paths: every_language(site, |l| urls.dashboard(l)),
        title: t(site, lang, "dashboard_title"),
        description: t(site, lang, "dashboard_intro"),
        context: later(move || super::dashboard::dashboard_context(site, lang)),
        key: None,
    };
    // The dashboards are keyed by the figures, the datasets' metadata, quality and freshness
    // and the build's date ([`Keys::dashboards`]) rather than by their contexts, which read
    // every dataset and were made on every rebuild only to be hashed.
    jobs.key_by_inputs(&mut dashboard, |h, keys| {
        h.add(&keys.dashboards());
    });
    if !jobs.push(dashboard) {
        return;
    }
    let details: [(&str, &'static str, fn(&Site, Lang) -> Value); 3] = [
        ("maturity", "dashboard-maturity.html", super::dashboard::maturity_context),
        ("projects", "dashboard-projects.html", super::dashboard::projects_context),
        ("budget", "dashboard-budget.html", super::dashboard::budget_context),
    ];
    for (name, template, context) in details {
        let mut job = PageJob {
            template,
            lang,
            paths: every_language(site, |l| urls.dashboard_detail(l, name)),
            title: t(site, lang, &format!("dashboard_{name}")),
            description: t(site, lang, &format!("dashboard_{name}_intro")),
            context: later(move || context(site, lang)),
            key: None,
        };
        jobs.key_by_inputs(&mut job, |h, keys| {
            h.add(&keys.dashboards());
        });
        if !jobs.push(job) {
            return;
        }
    }
    // Every agency, grouped by ministry, in pages of a bounded number of agencies.
    let groups = ministries(site, lang);
    let pages = agency_pages(&groups, pager::AGENCIES_PER_PAGE);
    let count = pages.len();
    for (i, page) in pages.into_iter().enumerate() {
        let n = i + 1;
        let context = json!({"ministries": page, "pager": pager::pager(site, lang, &urls.agencies(lang), n, count)});
        let job = list_page(site, lang, "agencies.html", |l| urls.agencies(l), ("agencies", "agencies_intro"), (n, count), context.into());
        if !jobs.push(job) {
            return;
        }
    }
    // The dataset list, in pages: the facet navigation beside it is the same on each.
    let nav = std::sync::Arc::new(super::search::facet_nav(site, lang, jobs.facets.get(&lang).map_or(&[], Vec::as_slice)));
    let nav_key = jobs.keyed().then(|| json_key(&nav));
    let pages = pager::page_count(site.datasets.len(), pager::DATASETS_PER_PAGE);
    for n in 1..=pages {
        let nav = nav.clone();
        let context = later(move || {
            let start = (n - 1) * pager::DATASETS_PER_PAGE;
            let shown: Vec<Value> =
                (start..site.datasets.len().min(start + pager::DATASETS_PER_PAGE)).filter_map(|i| cards.card(site, i, lang)).collect();
            // Values made here are moved in: `json!` would copy them once more.
            let mut context = json!({
                "datasets": null,
                "count": format::integer(site.datasets.len() as i64),
                "facets": null,
                "pager": pager::pager(site, lang, &site.urls.datasets(lang), n, pages),
            });
            context["datasets"] = Value::Array(shown);
            context["facets"] = (*nav).clone();
            context
        });
        let mut job = list_page(site, lang, "datasets.html", |l| urls.datasets(l), ("datasets", "datasets_intro"), (n, pages), context);
        jobs.key_by_inputs(&mut job, move |h, keys| {
            h.add(&site.datasets.len()).add(&nav_key).add(&n).add(&pages);
            let start = (n - 1) * pager::DATASETS_PER_PAGE;
            let shown: Vec<usize> = (start..site.datasets.len().min(start + pager::DATASETS_PER_PAGE)).collect();
            keys::add_datasets(h, keys, &shown);
        });
        if !jobs.push(job) {
            return;
        }
    }
    let (memo, keys, dataset_shared) = (jobs.out.memo(), jobs.keys, jobs.dataset_shared);
    for d in &site.datasets {
        let key = dataset_key(d, lang, memo, keys, dataset_shared);
        // An unchanged dataset's page (two thirds of a national portal's pages) is taken here,
        // without a job: making the job (its paths, title and description) and passing it to a
        // render thread cost more than taking the page.
        if key.is_some_and(|key| jobs.out.take_unchanged(&Urls::output_file(&urls.dataset(lang, &d.id)), key)) {
            continue;
        }
        let job = PageJob {
            template: "dataset.html",
            lang,
            paths: every_language(site, |l| urls.dataset(l, &d.id)),
            title: d.meta.title.get(lang).to_string(),
            description: d.meta.description.get(lang).to_string(),
            context: later(move || dataset_context(site, d, lang, sizes)),
            key: Some(Box::new(move || key)),
        };
        if !jobs.push(job) {
            return;
        }
    }
    for a in &site.agencies {
        let mut job = PageJob {
            template: "agency.html",
            lang,
            paths: every_language(site, |l| urls.agency(l, &a.code)),
            title: a.name.get(lang).to_string(),
            description: a.mandate.get(lang).to_string(),
            context: later(move || agency_context(site, a, lang, cards)),
            key: None,
        };
        // Keyed by the agency (its registry entry is in the site's settings) and the rows its
        // page shows, its agencies' with its own for a ministry: its datasets' summary keys
        // (the list and the quality table), finance, maturity, e-services, targets and
        // projects ([`Keys::agency`], hashed once per build, not made into sections per page).
        jobs.key_by_inputs(&mut job, move |h, keys| {
            h.add(&a.code).add(&keys.agency(&a.code));
        });
        if !jobs.push(job) {
            return;
        }
    }
    for p in site.pages.iter().filter(|p| p.lang == lang) {
        let paths = site
            .languages
            .iter()
            .filter(|l| site.page(&p.slug, **l).is_some())
            .map(|l| (*l, urls.page(*l, &p.slug)))
            .collect();
        let job = PageJob {
            template: "page.html",
            lang,
            paths,
            title: p.front.title.clone(),
            description: p.front.description.clone(),
            context: later(move || json!({"content": markdown::to_html(&p.body, site.config.allow_raw_html, &site.urls.link(""))})),
            key: None,
        };
        if !jobs.push(job) {
            return;
        }
    }
    for job in super::privacy::page_jobs(site, lang) {
        if !jobs.push(job) {
            return;
        }
    }
    super::search::page_jobs(site, lang, jobs);
}

/// Page `n` of `count` of a list whose first page is at `first(lang)` in every language, named
/// and described by the UI strings `(name, intro)`.
fn list_page<'a>(
    site: &Site,
    lang: Lang,
    template: &'static str,
    first: impl Fn(Lang) -> String,
    (name, intro): (&str, &str),
    (n, count): (usize, usize),
    context: PageContext<'a>,
) -> PageJob<'a> {
    PageJob {
        template,
        lang,
        paths: every_language(site, |l| Urls::paged(&first(l), n)),
        title: pager::title(site, lang, &t(site, lang, name), n, count),
        description: t(site, lang, intro),
        context,
        key: None,
    }
}

/// The "page not found" page of `lang`: `404.html` at the top for the default language (static
/// hosts serve it for any missing address) and `<lang>/404.html` for the others.
fn not_found(site: &Site, renderer: &mut Renderer, lang: Lang) -> Result<OutputFile> {
    let job = PageJob {
        template: "404.html",
        lang,
        paths: BTreeMap::from([(lang, format!("{}404.html", site.urls.home(lang)))]),
        title: t(site, lang, "not_found"),
        // Search engines and link previews show it, as for every other page.
        description: t(site, lang, "not_found_text"),
        context: json!({}).into(),
        key: None,
    };
    // A missing page has no address of its own for search engines (it is also noindex).
    renderer.render(&job, json!({"canonical": ""}))
}

fn home_context(site: &Site, lang: Lang, cards: &Cards) -> Value {
    // Newest first (by the date modified, else issued), each date read once, not per comparison.
    let mut newest: Vec<usize> = (0..site.datasets.len()).collect();
    newest.sort_by_cached_key(|&i| {
        let d = &site.datasets[i];
        (std::cmp::Reverse(d.meta.modified.as_ref().or(d.meta.issued.as_ref()).and_then(format::toml_date)), &d.id)
    });
    let rows: usize = site.datasets.iter().flat_map(|d| &d.resources).map(|r| r.rows()).sum();
    let resources: usize = site.datasets.iter().map(|d| d.resources.len()).sum();
    json!({
        "stats": {
            "datasets": format::integer(site.datasets.len() as i64),
            "agencies": format::integer(site.agencies.iter().filter(|a| !a.is_ministry()).count() as i64),
            "ministries": format::integer(site.agencies.iter().filter(|a| a.is_ministry()).count() as i64),
            "resources": format::integer(resources as i64),
            "rows": format::integer(rows as i64),
        },
        "newest": newest.iter().take(6).filter_map(|&i| cards.card(site, i, lang)).collect::<Vec<_>>(),
        "ministries": top_ministries(site, lang, pager::HOME_MINISTRIES),
    })
}

/// The `limit` top-level publishers (ministries, bodies outside them) that publish most (their
/// agencies' datasets included), for the home page, which links to the list of every agency:
/// the list of every agency grew with the portal.
fn top_ministries(site: &Site, lang: Lang, limit: usize) -> Vec<Value> {
    let mut counted: Vec<(&Agency, usize, usize)> = site
        .agencies
        .iter()
        .filter(|a| a.is_top_level())
        .map(|m| {
            let members: Vec<&Agency> = site.agencies.iter().filter(|a| a.parent.as_deref() == Some(m.code.as_str())).collect();
            let datasets = site.datasets_of(&m.code).count() + members.iter().map(|a| site.datasets_of(&a.code).count()).sum::<usize>();
            (m, members.len(), datasets)
        })
        .collect();
    counted.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.code.cmp(&b.0.code)));
    counted
        .iter()
        .take(limit)
        .map(|(m, agencies, datasets)| {
            json!({
                "code": m.code,
                "name": m.name.get(lang),
                "url": site.urls.link(&site.urls.agency(lang, &m.code)),
                "agencies": format::integer(*agencies as i64),
                "agencies_unit": unit(site, lang, *agencies, "agencies_unit"),
                "datasets": format::integer(*datasets as i64),
                "datasets_unit": unit(site, lang, *datasets, "datasets_unit"),
            })
        })
        .collect()
}

/// The ministries (with their agencies) cut into pages of at most `per_page` agencies; a
/// ministry with more agencies than fit continues on the next page under its name again.
fn agency_pages(groups: &[Value], per_page: usize) -> Vec<Vec<Value>> {
    let per_page = per_page.max(1);
    let mut pages: Vec<Vec<Value>> = vec![Vec::new()];
    let mut room = per_page;
    for group in groups {
        let agencies = group["agencies"].as_array().cloned().unwrap_or_default();
        let mut rest: &[Value] = &agencies;
        loop {
            if room == 0 {
                pages.push(Vec::new());
                room = per_page;
            }
            let take = rest.len().min(room);
            let mut part = group.clone();
            part["agencies"] = Value::Array(rest[..take].to_vec());
            if let Some(page) = pages.last_mut() {
                page.push(part);
            }
            // A ministry takes a line of its own even without agencies.
            room -= take.max(1);
            rest = &rest[take..];
            if rest.is_empty() {
                break;
            }
        }
    }
    pages
}

/// Ministries with their agencies and how many datasets each publishes.
fn ministries(site: &Site, lang: Lang) -> Vec<Value> {
    let card = |a: &Agency| {
        let datasets = site.datasets_of(&a.code).count();
        json!({
            "code": a.code,
            "name": a.name.get(lang),
            "url": site.urls.link(&site.urls.agency(lang, &a.code)),
            "form": t(site, lang, &format!("form_{}", a.form.replace('-', "_"))),
            "datasets": datasets,
            "datasets_unit": unit(site, lang, datasets, "datasets_unit"),
        })
    };
    let mut out: Vec<Value> = site
        .agencies
        .iter()
        .filter(|a| a.is_top_level())
        .map(|m| {
            let mut value = card(m);
            value["agencies"] = site.agencies.iter().filter(|a| a.parent.as_deref() == Some(m.code.as_str())).map(card).collect();
            value
        })
        .collect();
    // Agencies whose parent is not in the registry still get listed.
    let orphans: Vec<Value> = site
        .agencies
        .iter()
        .filter(|a| a.parent.as_ref().is_some_and(|p| site.agency(p).is_none()))
        .map(card)
        .collect();
    if !orphans.is_empty() {
        out.push(json!({"code": "", "name": t(site, lang, "other_agencies"), "url": "", "form": "", "datasets": 0, "agencies": orphans}));
    }
    out
}

/// The datasets agency `a`'s page lists (indexes in `site.datasets`): its own, and for a
/// ministry then its agencies', in the order of the dataset list.
fn agency_datasets(site: &Site, a: &Agency) -> Vec<usize> {
    let mut datasets: Vec<usize> = site.by_agency.get(&a.code).cloned().unwrap_or_default();
    datasets.retain(|&i| i < site.datasets.len());
    if a.is_top_level() {
        let mut theirs: Vec<usize> = site
            .agencies
            .iter()
            .filter(|x| x.parent.as_deref() == Some(a.code.as_str()))
            .flat_map(|x| site.by_agency.get(&x.code).into_iter().flatten().copied())
            .filter(|&i| i < site.datasets.len())
            .collect();
        theirs.sort_unstable();
        datasets.extend(theirs);
    }
    datasets
}

fn agency_context(site: &Site, a: &Agency, lang: Lang, cards: &Cards) -> Value {
    let urls = &site.urls;
    let parent = a.parent.as_deref().map(|p| agency_link(site, p, lang));
    let siblings: Vec<Value> = match &a.parent {
        Some(p) => site
            .agencies
            .iter()
            .filter(|x| x.parent.as_deref() == Some(p.as_str()) && x.code != a.code)
            .map(|x| agency_link(site, &x.code, lang))
            .collect(),
        None => site.agencies.iter().filter(|x| x.parent.as_deref() == Some(a.code.as_str())).map(|x| agency_link(site, &x.code, lang)).collect(),
    };
    let datasets = agency_datasets(site, a);
    let mut context = json!({
        "agency": {
            "code": a.code,
            "name": a.name.get(lang),
            "legal_title": a.legal_title.get(lang),
            "form": t(site, lang, &format!("form_{}", a.form.replace('-', "_"))),
            "website": if is_safe_link(&a.website) { a.website.as_str() } else { "" },
            "minister": a.minister.get(lang),
            "mandate": a.mandate.get(lang),
            "enabling_act": a.enabling_act.get(lang),
            "is_ministry": a.is_ministry(),
        },
        "parent": parent,
        "related": siblings,
        // An agency with hundreds of datasets lists the first few and links to all of
        // them on its facet page, which is cut into pages.
        "datasets": Value::Null,
        "datasets_count": format::integer(datasets.len() as i64),
        "all_datasets_url": if datasets.len() > pager::AGENCY_DATASETS {
            let key = if a.is_top_level() { "ministry" } else { "agency" };
            urls.link(&urls.facet(lang, key, &crate::model::search::slug(&a.code)))
        } else {
            String::new()
        },
        "agencies_url": urls.link(&urls.agencies(lang)),
    });
    // Moved in: `json!` would copy the cards once more.
    context["datasets"] = datasets.iter().take(pager::AGENCY_DATASETS).filter_map(|&i| cards.card(site, i, lang)).collect::<Vec<_>>().into();
    if let (Value::Object(base), Value::Object(sections)) = (&mut context, super::finance::agency_sections(site, a, lang)) {
        base.extend(sections);
    }
    if let (Value::Object(base), Value::Object(sections)) = (&mut context, super::dashboard::unit_sections(site, a, lang)) {
        base.extend(sections);
    }
    context
}

fn dataset_context(site: &Site, d: &Dataset, lang: Lang, sizes: &Sizes) -> Value {
    let urls = &site.urls;
    let m = &d.meta;
    let text = |x: &Text| x.get(lang).to_string();
    let mut facts: Vec<Value> = Vec::new();
    let mut fact = |key: &str, value: String| {
        if !value.trim().is_empty() {
            facts.push(json!({"label": t(site, lang, key), "value": value}));
        }
    };
    let licence = license(site, &m.license, lang);
    fact("license", licence["name"].as_str().unwrap_or_default().to_string());
    fact("frequency", m.frequency.map(|f| t(site, lang, f.key())).unwrap_or_default());
    fact("issued", date_text(&m.issued, lang));
    fact("modified", date_text(&m.modified, lang));
    fact("data_type", m.data_type.map(|x| t(site, lang, x.key())).unwrap_or_default());
    fact("objective", text(&m.objective));
    fact("geo_coverage", text(&m.geo_coverage));
    fact("data_source", text(&m.data_source));
    fact("data_language", m.language.iter().map(|c| Lang::from_code(c).map_or(c.clone(), |l| t(site, lang, &format!("language_{}", l.code())))).collect::<Vec<_>>().join(", "));
    if let Some(s) = &m.statistics {
        fact("years_covered", format::years_covered(&s.years, lang));
        fact("disaggregation", text(&s.disaggregation));
        fact("unit", text(&s.unit));
        fact("multiplier", s.multiplier.map(format::integer).unwrap_or_default());
    }
    fact("contact", text(&m.contact.name));
    fact("role", m.role.as_ref().map(|r| t(site, lang, &format!("role_{}", r.kind.name().replace('-', "_")))).unwrap_or_default());
    let numbered = t(site, lang, "resource_numbered");
    let resources: Vec<Value> = d
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            // Values made here are moved in: `json!` would copy each once more (a preview of
            // 50 rows twice over per page).
            let mut resource = json!({
                "name": r.name,
                "title": d.resource_title(i, lang, &numbered),
                "description": text(&r.description),
                "rows": format::integer(r.rows() as i64),
                "downloads": null,
                "fields": null,
                "preview": null,
                "preview_note": t(site, lang, "preview_note")
                    .replace("{shown}", &format::integer(r.rows().min(PREVIEW_ROWS) as i64))
                    .replace("{total}", &format::integer(r.rows() as i64)),
            });
            resource["downloads"] = super::labels::formats_of(site, r)
                    .map(|f| {
                        let path = urls.resource(&d.id, &r.name, f.ext);
                        json!({
                            "format": f.name,
                            "url": urls.link(&path),
                            "size": sizes.get(path.as_str()).map(|b| format::file_size(*b as usize, &t(site, lang, "bytes_unit"))).unwrap_or_default(),
                            "help": t(site, lang, &format!("format_help_{}", f.ext)),
                        })
                    })
                .collect::<Vec<_>>()
                .into();
            resource["fields"] = r.schema.fields.iter().map(|f| field_row(site, f, lang)).collect::<Vec<_>>().into();
            resource["preview"] = preview(site, r, lang);
            resource
        })
        .collect();
    let themes: Vec<String> = m.themes.iter().map(|th| t(site, lang, &format!("theme_{th}"))).collect();
    let zip = urls.dataset_zip(&d.id);
    let mut context = json!({
        "dataset": {
            "id": d.id,
            "modified": date_text(&m.modified, lang),
            "frequency": m.frequency.map(|f| t(site, lang, f.key())).unwrap_or_default(),
            "license": licence,
            "title": text(&m.title),
            "description": markdown::metadata_to_html(m.description.get(lang), &urls.link("")),
            "agency": agency_link(site, &m.agency, lang),
            "themes": themes,
            // A tag that only repeats a theme's name says nothing more: shown once, as the theme.
            "tags": m.tags.get(lang).iter().filter(|tag| !themes.iter().any(|th| th.to_lowercase() == tag.to_lowercase())).collect::<Vec<_>>(),
            "contact_email": if m.contact.email.contains('@') && is_safe_link(&format!("mailto:{}", m.contact.email)) { m.contact.email.as_str() } else { "" },
        },
        "facts": facts,
        "personal": null,
        "resources": null,
        "datapackage": urls.link(&urls.datapackage(&d.id)),
        "zip": urls.link(&zip),
        "zip_size": sizes.get(zip.as_str()).map(|b| format::file_size(*b as usize, &t(site, lang, "bytes_unit"))).unwrap_or_default(),
        "metadata_api": urls.link(&urls.api_dataset(&d.id)),
        "jsonld": super::catalog::schema_org(site, d, lang),
        "quality": null,
    });
    context["personal"] = super::privacy::dataset_notice(site, d, lang);
    context["resources"] = Value::Array(resources);
    context["quality"] = super::dashboard::dataset_quality(site, d, lang);
    context
}

/// A licence as a reader needs it: its name in the page's language (from the theme's
/// `license_name_<id>` strings; the id itself for one the theme does not name) and a link to
/// its text — Creative Commons' own deed in the reader's language for CC licences, SPDX's
/// page for the rest.
fn license(site: &Site, id: &str, lang: Lang) -> Value {
    let id = id.trim();
    let key = format!("license_name_{}", id.to_ascii_lowercase().replace(['-', '.'], "_"));
    let name = strings(site, lang).get(&key).cloned().unwrap_or_else(|| id.to_string());
    let lower = id.to_ascii_lowercase();
    let cc = lower.strip_prefix("cc-").and_then(|rest| rest.rsplit_once('-')).filter(|(kind, version)| {
        ["by", "by-sa", "by-nd", "by-nc", "by-nc-sa", "by-nc-nd"].contains(kind) && ["2.0", "2.5", "3.0", "4.0"].contains(version)
    });
    let url = match (cc, lower.as_str()) {
        (Some((kind, version)), _) => format!("https://creativecommons.org/licenses/{kind}/{version}/deed.{}", lang.code()),
        (None, "cc0-1.0") => format!("https://creativecommons.org/publicdomain/zero/1.0/deed.{}", lang.code()),
        _ => super::labels::license_url(id),
    };
    json!({"id": id, "name": name, "url": url})
}

fn field_row(site: &Site, f: &Field, lang: Lang) -> Value {
    let c = &f.constraints;
    let mut rules = Vec::new();
    if c.required {
        rules.push(t(site, lang, "rule_required"));
    }
    if c.unique {
        rules.push(t(site, lang, "rule_unique"));
    }
    if let Some(items) = &c.enum_values {
        rules.push(format!("{}: {}", t(site, lang, "rule_enum"), items.iter().map(value_as_text).collect::<Vec<_>>().join(", ")));
    }
    for (key, v) in [("rule_minimum", &c.minimum), ("rule_maximum", &c.maximum)] {
        if let Some(v) = v {
            rules.push(format!("{} {}", t(site, lang, key), value_as_text(v)));
        }
    }
    for (key, v) in [("rule_min_length", c.min_length), ("rule_max_length", c.max_length)] {
        if let Some(v) = v {
            rules.push(format!("{} {v}", t(site, lang, key)));
        }
    }
    if let Some(p) = &c.pattern {
        rules.push(format!("{} {p}", t(site, lang, "rule_pattern")));
    }
    if let Some(note) = format::calendar_note(f) {
        rules.push(note.get(lang).to_string());
    }
    json!({
        "name": f.name,
        "title": if f.title.is_empty() { f.name.clone() } else { f.title.get(lang).to_string() },
        "type": t(site, lang, &format!("type_{}", f.field_type.name())),
        "description": f.description.get(lang),
        "rules": rules,
    })
}

/// The first rows of a resource as display text, formatted for `lang`.
fn preview(site: &Site, r: &crate::model::Resource, lang: Lang) -> Value {
    let n = r.rows().min(PREVIEW_ROWS);
    // A table that cannot be read fails the build (`Site::table_failure`).
    let Ok(frame) = r.frame() else { return Value::Null };
    let head = frame.head(Some(n));
    let words = Words { yes: t(site, lang, "yes"), no: t(site, lang, "no") };
    // What a cell's text depends on besides its value is decided once per column, not per
    // cell (a preview has a few hundred cells on each of the portal's pages).
    let columns: Vec<(Shown, &polars::prelude::Column)> =
        r.schema.fields.iter().zip(head.columns()).map(|(f, c)| (Shown::of(f), c)).collect();
    let cell = Shape::new(&["text", "numeric", "thai"]);
    let rows: Vec<Value> = (0..n)
        .map(|i| {
            let cells = columns.iter().map(|(column, c)| {
                let v = c.get(i).unwrap_or(AnyValue::Null);
                let text = cut_cell(display(column, &words, &v, lang));
                // Thai data on an English page is marked, for screen readers' voices and fonts.
                let thai = lang != Lang::Th && crate::lang::has_thai(&text);
                cell.with([Value::String(text), Value::Bool(column.numeric), Value::Bool(thai)])
            });
            Value::Array(cells.collect())
        })
        .collect();
    let mut preview = json!({
        "columns": r.schema.fields.iter().map(|f| json!({
            "name": f.name,
            "title": format!("{}{}", if f.title.is_empty() { f.name.as_str() } else { f.title.get(lang) }, format::era_suffix(f, lang)),
            "numeric": matches!(f.field_type, FieldType::Integer | FieldType::Number),
        })).collect::<Vec<_>>(),
        "rows": null,
    });
    preview["rows"] = Value::Array(rows);
    preview
}

/// Objects of one shape (the same keys in the same order), each made as a copy of one made
/// once: the copy keeps its key table, where inserting the keys hashed each of them again
/// (serde_json's ordered map hashes with SipHash: two keys for each cell of a preview, some
/// 750 cells on a dataset's page).
pub(super) struct Shape(serde_json::Map<String, Value>);

impl Shape {
    /// The shape of objects with `keys`, in this order.
    pub(super) fn new(keys: &[&str]) -> Shape {
        Shape(keys.iter().map(|k| (k.to_string(), Value::Null)).collect())
    }

    /// An object of this shape holding `values`, one for each key in the keys' order.
    pub(super) fn with<const N: usize>(&self, values: [Value; N]) -> Value {
        debug_assert_eq!(N, self.0.len(), "one value for each key");
        let mut object = self.0.clone();
        for (slot, value) in object.values_mut().zip(values) {
            *slot = value;
        }
        Value::Object(object)
    }
}

/// What the cells of one previewed column are shown with, besides their values.
struct Shown {
    /// The column holds numbers (set right in the table).
    numeric: bool,
    /// A year written in the Buddhist era (shown as written on Thai pages).
    buddhist_year: bool,
    /// Its integers are codes or identifiers, never grouped ([`display`]). (Not a column whose
    /// name says year: four digits are never grouped anyway, and a larger value under such a
    /// name, "งบประมาณปี 2567 (บาท)", is an amount.)
    plain_integers: bool,
}

impl Shown {
    fn of(f: &Field) -> Shown {
        Shown {
            numeric: matches!(f.field_type, FieldType::Integer | FieldType::Number),
            buddhist_year: f.field_type == FieldType::Year && f.calendar == Some(crate::load::schema::Calendar::Buddhist),
            plain_integers: f.field_type == FieldType::Year
                || [f.name.as_str(), &f.title.th, &f.title.en].iter().any(|n| format::names_a_code(n)),
        }
    }
}

/// The theme's words for true and false in the page's language.
struct Words {
    yes: String,
    no: String,
}

/// A cell's text cut to [`PREVIEW_CELL_CHARS`] characters, marked with … where it was cut.
fn cut_cell(text: String) -> String {
    // No more bytes than the limit in characters: nothing to count.
    if text.len() <= PREVIEW_CELL_CHARS {
        return text;
    }
    match text.char_indices().nth(PREVIEW_CELL_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// A typed cell as readers of `lang` expect it (grouped digits, local dates, yes/no).
fn display(column: &Shown, words: &Words, v: &AnyValue, lang: Lang) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::Boolean(b) => if *b { &words.yes } else { &words.no }.clone(),
        // Years written in the Buddhist era are held as CE: Thai pages show them as written.
        AnyValue::Int64(i) if column.buddhist_year && lang == Lang::Th => (i + 543).to_string(),
        // Codes, identifiers and years are never grouped (a postal code is not 10,100); nor are
        // four-digit values, years or codes far more often than quantities.
        AnyValue::Int64(i) if column.plain_integers => i.to_string(),
        AnyValue::Int64(i) if i.unsigned_abs() >= 10_000 => format::integer(*i),
        AnyValue::Float64(f) if f.abs() >= 10_000.0 => format::number(*f, 6),
        AnyValue::Date(days) => value::date(*days).map(|d| format::date(d, lang)).unwrap_or_default(),
        other => value::to_text(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agency_list_is_cut_into_pages_of_a_bounded_number_of_agencies() {
        let group = |code: &str, n: usize| json!({"code": code, "agencies": (0..n).map(|i| json!(format!("{code}-{i}"))).collect::<Vec<_>>()});
        let groups = [group("M1", 150), group("M2", 130), group("M3", 0), group("M4", 10)];
        let pages = agency_pages(&groups, 200);
        let shape: Vec<Vec<(String, usize)>> = pages
            .iter()
            .map(|p| p.iter().map(|g| (g["code"].as_str().unwrap().to_string(), g["agencies"].as_array().unwrap().len())).collect())
            .collect();
        let expected = vec![
            vec![("M1".to_string(), 150), ("M2".to_string(), 50)],
            vec![("M2".to_string(), 80), ("M3".to_string(), 0), ("M4".to_string(), 10)],
        ];
        assert_eq!(shape, expected);
        // Every agency once, in order.
        let all: Vec<String> = pages.iter().flatten().flat_map(|g| g["agencies"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string())).collect();
        assert_eq!(all.len(), 290);
        assert_eq!((all[149].as_str(), all[150].as_str(), all[199].as_str(), all[200].as_str()), ("M1-149", "M2-0", "M2-49", "M2-50"));
        assert_eq!(agency_pages(&[], 200), vec![Vec::<Value>::new()]);
    }

    #[test]
    fn meta_descriptions_keep_the_first_sentence_under_160_characters() {
        assert_eq!(meta_description("Budget lines. Second sentence."), "Budget lines.");
        // Abbreviations end no sentence.
        assert_eq!(meta_description("งบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ. 2565-2568 จำแนกตามกระทรวง"), "งบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ. 2565-2568 จำแนกตามกระทรวง");
        assert_eq!(meta_description("Budget appropriations for fiscal years B.E. 2565-2568. By ministry."), "Budget appropriations for fiscal years B.E. 2565-2568.");
        assert_eq!(meta_description("Complaints, e.g. noise. Per district."), "Complaints, e.g. noise.");
        assert_eq!(meta_description("Contracts No. 5 and 6 of the year. More."), "Contracts No. 5 and 6 of the year.");
        assert_eq!(meta_description("First paragraph\n\nSecond"), "First paragraph");
        let long = "word ".repeat(60);
        let d = meta_description(&long);
        assert!(d.chars().count() <= 160 && d.ends_with("word…"), "{d}");
        // Thai without spaces: cut before 160 characters, never between a letter and its marks.
        let thai = "งบประมาณรายจ่ายประจำปีของกรมที่ให้บริการแก่ประชาชนทั่วประเทศ".repeat(5);
        for skip in 0..12 {
            let text: String = thai.chars().skip(skip).collect();
            let d = meta_description(&text);
            assert!(d.chars().count() <= 160, "{d}");
            let body = d.trim_end_matches('…');
            let next = text[body.len()..].chars().next().unwrap();
            assert!(!is_thai_mark(next), "the cut leaves {next:?} without its letter: {d}");
            assert!(!('\u{0E40}'..='\u{0E44}').contains(&body.chars().last().unwrap()), "{d}");
        }
    }
}
