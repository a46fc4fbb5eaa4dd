//! Finding data, rendered: the search index of each language (JSON), the search page, and the
//! static facet pages (`/browse/…`) that let a reader reach every dataset without JavaScript.

use super::{Emitter, OutputFile};
use super::fragments::{self, Store};
use super::html::{Jobs, PageJob, every_language, json_key, later, summary, t};
use super::pager;
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::model::Site;
use crate::model::format;
use crate::model::search::{self, Facet};
use crate::urls::Urls;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// How long a search result's summary may be, in characters.
const SUMMARY_CHARS: usize = 160;

/// How many documents one block of the sharded index holds (see [`shards`]): small, because
/// the 20 results shown first may sit in 20 different blocks.
pub const DOCS_PER_BLOCK: usize = 10;

/// The search index of every language: the whole index (`search/index.json`, for programs),
/// and the same index in shards for the search page (see [`shards`]). Each dataset's document
/// and terms are kept between builds in `store` (made again only for a dataset that changed);
/// when every document of a language is as in the last build, its files are taken from it.
/// `facets` are each language's facet groups, made once for the pages and this index.
pub fn render(site: &Site, out: &Emitter, store: &Store, facets: &BTreeMap<Lang, Vec<Facet>>) -> Result<()> {
    let memo = out.memo();
    let shared = memo.active().then(|| {
        let mut h = memo.hasher();
        h.add("search piece")
            .add(&format!("{:?}", site.config))
            .add(&site.languages)
            .add(&format!("{:?}", site.agencies))
            .add(&format!("{:?}", site.theme.strings));
        h.finish()
    });
    let brief = |text: &str| summary(text, SUMMARY_CHARS);
    let summaries = out.keys(site);
    // What a dataset's document is made from besides the site-wide values: what its summary key
    // covers (metadata, resources' titles, descriptions and schemas), and the fiscal years of its
    // data (a facet). Its other data does not count: a row added changes no document.
    let years: Vec<u64> = match (shared, summaries) {
        (Some(_), Some(_)) => crate::parallel::map(&site.datasets, |d| {
            let mut h = crate::load::cache::KeyHasher::new();
            h.add(&search::fiscal_years(d).into_iter().collect::<Vec<_>>());
            h.finish()
        }),
        _ => Vec::new(),
    };
    for &lang in &site.languages {
        let keys: Vec<Option<u64>> = (0..site.datasets.len())
            .map(|i| {
                let (k, summaries) = (shared?, summaries?);
                let mut h = crate::load::cache::KeyHasher::new();
                h.add(&k).add(&lang).add(&summaries.summary_at(i)).add(years.get(i)?);
                Some(h.finish())
            })
            .collect();
        let pages = search::page_docs(site, lang, brief);
        let offered = offered(facets.get(&lang).map_or(&[], Vec::as_slice));
        // The language's files are one group, made from the documents and the filters offered.
        // Whether it changed is known from the hashes of the documents: those kept are not read;
        // those not kept (a dataset that changed) are made now, and when their bytes are as
        // before (a row added to a table) the files are the last build's.
        let group = format!("search {}", lang.code());
        // `known`: the hash the store recorded for the dataset's piece ([`Store::peek`]), which
        // `get_or_make` checks the bytes against before decoding them: not hashed a second time.
        let make = |i: usize, known: Option<u64>| {
            let key = keys[i];
            store.get_or_make(key, |bytes| decode_doc(bytes, known), |(doc, _)| encode_doc(doc), || {
                let doc = search::dataset_doc(site, &site.datasets[i], lang, brief);
                let hash = fragments::hash_bytes(&encode_doc(&doc));
                (doc, hash)
            })
        };
        let indexes: Vec<usize> = (0..site.datasets.len()).collect();
        // Per dataset, the hash of its document, and the document when it had to be made.
        let first: Vec<(u64, std::sync::Mutex<Option<(search::DocTerms, u64)>>)> =
            crate::parallel::map(&indexes, |&i| match keys[i].and_then(|k| store.peek(k)) {
                Some((_, hash)) => (hash, std::sync::Mutex::new(None)),
                None => {
                    let made = make(i, None);
                    (made.1, std::sync::Mutex::new(Some(made)))
                }
            });
        let group_key = |hashes: &mut dyn Iterator<Item = u64>| {
            shared.map(|k| {
                let mut h = memo.hasher();
                h.add(&k).add(&lang).add(&offered);
                for hash in hashes {
                    h.add(&hash);
                }
                for doc in &pages {
                    h.add(&fragments::hash_bytes(&encode_doc(doc)));
                }
                h.finish()
            })
        };
        let mut taken = std::collections::HashSet::new();
        let key = group_key(&mut first.iter().map(|(hash, _)| *hash));
        if let Some(found) = key.and_then(|k| memo.reuse_group(&group, k)) {
            for r in &found {
                if out.reused(r).is_ok() {
                    taken.insert(r.path.clone());
                }
            }
            if taken.len() == found.len() {
                continue;
            }
        }
        let mut docs: Vec<(search::DocTerms, u64)> =
            crate::parallel::map(&indexes, |&i| first[i].1.lock().ok().and_then(|mut m| m.take()).unwrap_or_else(|| make(i, Some(first[i].0))));
        drop(first);
        // From the documents as read: a kept piece found corrupt was made again.
        let key = group_key(&mut docs.iter().map(|(_, hash)| *hash));
        docs.extend(pages.into_iter().map(|doc| (doc, 0)));
        let index = search::assemble(lang, docs.into_iter().map(|(doc, _)| doc).collect());
        let path = site.urls.search_index(lang);
        let mut files = vec![OutputFile::new(path.clone(), to_json(&path, &index)?)];
        files.extend(shards(site, lang, &index, &offered)?);
        for f in files {
            // A file taken from the last build before another could not be: the same key, the same bytes.
            if taken.contains(&f.path) {
                continue;
            }
            out.file(&f.path, &f.bytes)?;
            if let Some(k) = key {
                memo.rendered(&f.path, k, Some(&group));
            }
        }
    }
    Ok(())
}

/// A document and its terms as bytes for the build cache.
fn encode_doc(d: &search::DocTerms) -> Vec<u8> {
    use crate::load::binary::{put_str, put_u64};
    let mut out = Vec::new();
    for text in [&d.doc.url, &d.doc.title, &d.doc.summary, &d.doc.agency] {
        put_str(&mut out, text);
    }
    put_u64(&mut out, d.doc.facets.len() as u64);
    for (key, values) in &d.doc.facets {
        put_str(&mut out, key);
        put_u64(&mut out, values.len() as u64);
        for v in values {
            put_str(&mut out, v);
        }
    }
    put_u64(&mut out, d.terms.len() as u64);
    for (term, w) in &d.terms {
        put_str(&mut out, term);
        put_u64(&mut out, u64::from(*w));
    }
    put_u64(&mut out, d.forms.len() as u64);
    for (word, term) in &d.forms {
        put_str(&mut out, word);
        put_str(&mut out, term);
    }
    out
}

/// [`encode_doc`]'s bytes read back, with their hash: `known` when the caller has it already
/// (the store checked the bytes against it), so that a language's pieces, all decoded again when
/// one document changed, are not hashed twice; None if they are not a document.
fn decode_doc(bytes: &[u8], known: Option<u64>) -> Option<(search::DocTerms, u64)> {
    let mut r = crate::load::binary::Reader::plain(bytes);
    let (url, title, summary, agency) = (r.string()?, r.string()?, r.string()?, r.string()?);
    let mut facets = BTreeMap::new();
    for _ in 0..r.len()? {
        let name = r.str()?;
        let key = search::FACET_KEYS.iter().copied().find(|k| *k == name)?;
        let mut values = Vec::new();
        for _ in 0..r.len()? {
            values.push(r.string()?);
        }
        facets.insert(key, values);
    }
    let mut terms = Vec::new();
    for _ in 0..r.len()? {
        terms.push((r.string()?, u8::try_from(r.u64()?).ok()?));
    }
    let mut forms = Vec::new();
    for _ in 0..r.len()? {
        forms.push((r.string()?, r.string()?));
    }
    let doc = search::DocTerms { doc: search::Doc { url, title, summary, agency, facets }, terms, forms };
    r.at_end().then(|| (doc, known.unwrap_or_else(|| fragments::hash_bytes(bytes))))
}

/// Per facet group, the values the search page offers as filters (its commonest).
fn offered(facets: &[Facet]) -> BTreeMap<&'static str, Vec<String>> {
    facets.iter().map(|f| (f.key, f.values.iter().take(pager::FILTER_VALUES).map(|v| v.id.clone()).collect())).collect()
}

fn to_json(path: &str, value: &impl serde::Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| Error::Data { path: path.into(), message: e.to_string() })
}

/// The shard of a term or surface form: the hexadecimal code point of its first character
/// (what the browser computes with `codePointAt(0).toString(16)`).
pub fn shard_key(term: &str) -> String {
    term.chars().next().map_or_else(String::new, |c| format!("{:x}", u32::from(c)))
}

/// The index cut so that the search page downloads only what a query needs: the whole index
/// grows with the portal (2.1 MB in Thai at 1,000 datasets), while a reader types a few words.
/// - `manifest.json`: the fields, stop words, counts and shard keys; what a first visit loads,
///   with the blocks of the first 20 datasets.
/// - `terms/<key>.json`: the terms (with postings) and English surface forms whose first
///   character is `key` ([`shard_key`]); a query loads the shards of its words' first
///   characters (and, for a run of Thai, of each of its characters, to re-cut it).
/// - `docs/<n>.json`: documents `n·10 … n·10+9` (link, title, summary, agency), loaded for the
///   results shown (20 at a time).
/// - `facets/<group>.json`: for the values the page offers as filters, the documents that have
///   them ([`runs`]), loaded when a query or a filter needs counts; `facets/<group>-all.json`
///   the same for every value, loaded for a filter chosen in the address that is not offered.
fn shards<'a>(site: &Site, lang: Lang, index: &'a search::SearchIndex, offered: &BTreeMap<&str, Vec<String>>) -> Result<Vec<OutputFile>> {
    let urls = &site.urls;
    let dir = urls.search_shards(lang);
    let mut by_key: BTreeMap<String, (BTreeMap<&str, &Vec<u32>>, BTreeMap<&str, &str>)> = BTreeMap::new();
    for (term, postings) in &index.terms {
        by_key.entry(shard_key(term)).or_default().0.insert(term, postings);
    }
    for (word, stem) in &index.forms {
        by_key.entry(shard_key(word)).or_default().1.insert(word, stem);
    }
    let mut files = Vec::new();
    for (key, (terms, forms)) in &by_key {
        let path = format!("{dir}terms/{key}.json");
        files.push(OutputFile::new(path.clone(), to_json(&path, &Shard { terms, forms })?));
    }
    let card = |d: &'a search::Doc| Card { u: &d.url, t: &d.title, s: &d.summary, a: &d.agency };
    for (n, block) in index.docs.chunks(DOCS_PER_BLOCK).enumerate() {
        let path = format!("{dir}docs/{n}.json");
        files.push(OutputFile::new(path.clone(), to_json(&path, &block.iter().map(card).collect::<Vec<_>>())?));
    }
    // Each group's postings: which documents have each value. The search page's filters offer
    // each group's commonest values (the page's boxes): `facets/<group>.json` holds theirs, what
    // a first query loads; `facets/<group>-all.json` every value's, loaded only for a filter
    // chosen in the address that is not among them. One file of every document's values was
    // 2.6 MB at 10,000 datasets.
    let mut postings: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (i, d) in index.docs.iter().enumerate() {
        for (key, values) in &d.facets {
            for v in values {
                let docs = postings.entry(key).or_default().entry(v.as_str()).or_default();
                if docs.last() != Some(&i) {
                    docs.push(i);
                }
            }
        }
    }
    let mut groups = Vec::new();
    for (key, values) in &postings {
        let encoded = |v: &&str| values.get(v).map(|ids| runs(ids));
        let top: BTreeMap<&str, Vec<usize>> = offered.get(key).into_iter().flatten().filter_map(|v| Some((v.as_str(), encoded(&v.as_str())?))).collect();
        let all: BTreeMap<&str, Vec<usize>> = values.keys().filter_map(|v| Some((*v, encoded(v)?))).collect();
        let path = format!("{dir}facets/{key}.json");
        files.push(OutputFile::new(path.clone(), to_json(&path, &top)?));
        let path = format!("{dir}facets/{key}-all.json");
        files.push(OutputFile::new(path.clone(), to_json(&path, &all)?));
        groups.push(*key);
    }
    let manifest = json!({
        "version": 3,
        "lang": lang,
        "fields": index.fields,
        "stop": index.stop,
        "docs": index.docs.len(),
        "datasets": index.docs.iter().filter(|d| !d.facets.is_empty()).count(),
        "block": DOCS_PER_BLOCK,
        "shards": by_key.keys().collect::<Vec<_>>(),
        "facets": groups,
    });
    let path = urls.search_manifest(lang);
    files.push(OutputFile::new(path.clone(), to_json(&path, &manifest)?));
    Ok(files)
}

/// One shard of the terms: the same bytes as `json!({"terms": …, "forms": …})` without copying
/// every posting into a `Value` first.
#[derive(serde::Serialize)]
struct Shard<'a> {
    terms: &'a BTreeMap<&'a str, &'a Vec<u32>>,
    forms: &'a BTreeMap<&'a str, &'a str>,
}

/// A document as the search page shows it (`docs/<n>.json`).
#[derive(serde::Serialize)]
struct Card<'a> {
    u: &'a str,
    t: &'a str,
    s: &'a str,
    a: &'a str,
}

/// Sorted document numbers as runs, each the gap from the end of the previous run (or from 0)
/// and the run's length: `[3, 4, 5, 9]` is `[3, 3, 3, 1]`. The values offered as filters cover
/// most documents, often in long runs (every dataset of a year, a format).
pub fn runs(ids: &[usize]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut end = 0;
    let mut i = 0;
    while i < ids.len() {
        let start = ids[i];
        let mut len = 1;
        while i + len < ids.len() && ids[i + len] == start + len {
            len += 1;
        }
        out.push(start.saturating_sub(end));
        out.push(len);
        end = start + len;
        i += len;
    }
    out
}

/// The label of a facet group (`facet_theme` in the theme's strings).
fn group_label(site: &Site, lang: Lang, key: &str) -> String {
    t(site, lang, &format!("facet_{key}"))
}

/// The facet groups as links with counts, for the dataset list: the [`pager::NAV_VALUES`]
/// values with most datasets of each group, and a link to all of them.
pub(super) fn facet_nav(site: &Site, lang: Lang, facets: &[Facet]) -> Value {
    facets_value(site, lang, facets, None, Some(pager::NAV_VALUES))
}

/// The facet groups as links with counts; `current` (group, index of the value in the group)
/// marks the page's own value. With a `limit`, each group shows that many values (and the
/// current one), then links to its page of every value: a navigation on every facet page that
/// listed every value made the facet pages grow with the square of the number of tags; only
/// the values shown are looked at, for the same reason.
fn facets_value(site: &Site, lang: Lang, facets: &[Facet], current: Option<(&str, usize)>, limit: Option<usize>) -> Value {
    let urls = &site.urls;
    facets
        .iter()
        .filter(|f| !f.values.is_empty())
        .map(|f| {
            let limit = limit.unwrap_or(usize::MAX);
            let mine = current.filter(|(key, _)| *key == f.key).map(|(_, i)| i);
            let shown = f.values.iter().enumerate().take(limit);
            let extra = mine.filter(|&i| i >= limit).and_then(|i| f.values.get(i).map(|v| (i, v)));
            let values: Vec<Value> = shown
                .chain(extra)
                .map(|(i, v)| {
                    json!({
                        "id": v.id,
                        "label": v.label,
                        "url": urls.link(&urls.facet(lang, f.key, &v.slug)),
                        "count": format::integer(v.datasets.len() as i64),
                        "current": mine == Some(i),
                    })
                })
                .collect();
            let more = if f.values.len() > limit { urls.link(&urls.facet_group(lang, f.key)) } else { String::new() };
            json!({
                "key": f.key,
                "label": group_label(site, lang, f.key),
                "values": values,
                "more": more,
                "total": format::integer(f.values.len() as i64),
            })
        })
        .collect()
}

/// What [`facets_value`] makes with value `i` of group `key` current, from `nav`, which it made
/// with the same facets and `limit` and no value current: each facet page's navigation is a
/// copy of one made once, its own value marked (or added after the group's first `limit`
/// values, where the navigation leaves it out), rather than made again with every link.
fn with_current(site: &Site, lang: Lang, nav: &Value, facets: &[Facet], (key, i): (&str, usize), limit: usize) -> Value {
    let mut nav = nav.clone();
    let group = nav.as_array_mut().and_then(|groups| groups.iter_mut().find(|g| g["key"] == key));
    let (Some(group), Some(f)) = (group, facets.iter().find(|f| f.key == key)) else { return nav };
    let Some(values) = group.get_mut("values").and_then(Value::as_array_mut) else { return nav };
    if i < limit {
        if let Some(Value::Object(value)) = values.get_mut(i) {
            value.insert("current".into(), Value::Bool(true));
        }
    } else if let Some(v) = f.values.get(i) {
        let urls = &site.urls;
        values.push(json!({
            "id": v.id,
            "label": v.label,
            "url": urls.link(&urls.facet(lang, f.key, &v.slug)),
            "count": format::integer(v.datasets.len() as i64),
            "current": true,
        }));
    }
    nav
}

/// The search page, the facet overview and one page per facet value, in `lang`.
pub(super) fn page_jobs<'a>(site: &'a Site, lang: Lang, jobs: &Jobs<'a>) {
    let urls = &site.urls;
    let by_lang = jobs.facets;
    let Some(facets) = by_lang.get(&lang) else { return };
    // The navigation every facet page shows beside its list (with its own value marked).
    let nav = std::sync::Arc::new(facets_value(site, lang, facets, None, Some(pager::NAV_VALUES)));
    let nav_key = jobs.keyed().then(|| json_key(&nav));
    let firsts = [
        PageJob {
            template: "search.html",
            lang,
            paths: every_language(site, |l| urls.search(l)),
            title: t(site, lang, "search"),
            description: t(site, lang, "search_intro"),
            context: json!({
                "index": urls.link(&urls.search_manifest(lang)),
                "script": urls.link(&urls.static_file("search.js")),
                // The filters offer each group's values with most datasets; a value chosen in
                // the address (`?tag=…`) that is not among them gets its box from the script.
                "facets": facets_value(site, lang, facets, None, Some(pager::FILTER_VALUES)),
            })
            .into(),
            key: None,
        },
        PageJob {
            template: "browse.html",
            lang,
            paths: every_language(site, |l| urls.browse(l)),
            title: t(site, lang, "browse"),
            description: t(site, lang, "browse_intro"),
            context: json!({"facets": *nav}).into(),
            key: None,
        },
    ];
    for job in firsts.into_iter().chain(group_jobs(site, lang, facets, by_lang)) {
        if !jobs.push(job) {
            return;
        }
    }
    // How many datasets each value has in each language, to link a page only to twins that
    // have as many pages (a tag exists in one language only; other values in every language).
    let sizes: BTreeMap<(Lang, &str, &str), usize> = by_lang
        .iter()
        .flat_map(|(l, fs)| fs.iter().flat_map(move |g| g.values.iter().map(move |x| ((*l, g.key, x.slug.as_str()), x.datasets.len()))))
        .collect();
    for (g, f) in facets.iter().enumerate() {
        let group = group_label(site, lang, f.key);
        for (i, v) in f.values.iter().enumerate() {
            let pages = pager::page_count(v.datasets.len(), pager::DATASETS_PER_PAGE);
            for n in 1..=pages {
                let paths = site
                    .languages
                    .iter()
                    .filter(|l| sizes.get(&(**l, f.key, v.slug.as_str())).is_some_and(|&len| pager::page_count(len, pager::DATASETS_PER_PAGE) >= n))
                    .map(|l| (*l, Urls::paged(&urls.facet(*l, f.key, &v.slug), n)))
                    .collect();
                let group = group.clone();
                let (key, label) = (f.key, group.clone());
                let (nav, cards) = (nav.clone(), jobs.cards);
                let mut job = PageJob {
                    template: "facet.html",
                    lang,
                    paths,
                    title: pager::title(site, lang, &format!("{group}: {}", v.label), n, pages),
                    description: format!("{group}: {} · {} {}", v.label, format::integer(v.datasets.len() as i64), t(site, lang, "datasets_unit")),
                    context: later(move || {
                        let (f, v) = (&facets[g], &facets[g].values[i]);
                        let cards: Vec<Value> =
                            pager::page_of(&v.datasets, n, pager::DATASETS_PER_PAGE).iter().filter_map(|&i| cards.card(site, i, lang)).collect();
                        // Values made here are moved in: `json!` would copy them once more.
                        let mut context = json!({
                            "group": group,
                            "value": v.label,
                            "count": format::integer(v.datasets.len() as i64),
                            "datasets": null,
                            "facets": null,
                            "pager": pager::pager(site, lang, &site.urls.facet(lang, f.key, &v.slug), n, pages),
                        });
                        context["datasets"] = Value::Array(cards);
                        context["facets"] = with_current(site, lang, &nav, facets, (f.key, i), pager::NAV_VALUES);
                        context
                    }),
                    key: None,
                };
                // The page shows the navigation (the same on every facet page but for its own
                // value, marked, and shown when the navigation leaves it out), its value and
                // count, its place among the value's pages, and its datasets.
                jobs.key_by_inputs(&mut job, move |h, keys| {
                    let v = &facets[g].values[i];
                    h.add(&label).add(&nav_key).add(key).add(&i).add(&v.id).add(&v.label).add(&v.slug).add(&v.datasets.len());
                    h.add(&n).add(&pages);
                    super::keys::add_datasets(h, keys, pager::page_of(&v.datasets, n, pager::DATASETS_PER_PAGE));
                });
                if !jobs.push(job) {
                    return;
                }
            }
        }
    }
}

/// The pages of every value of a facet group, for the groups with more values than the
/// navigation shows.
fn group_jobs(site: &Site, lang: Lang, facets: &[Facet], by_lang: &BTreeMap<Lang, Vec<Facet>>) -> Vec<PageJob<'static>> {
    let urls = &site.urls;
    let mut jobs = Vec::new();
    for f in facets.iter().filter(|f| f.values.len() > pager::NAV_VALUES) {
        let group = group_label(site, lang, f.key);
        let pages = pager::page_count(f.values.len(), pager::VALUES_PER_PAGE);
        for n in 1..=pages {
            let shown = Facet { key: f.key, values: pager::page_of(&f.values, n, pager::VALUES_PER_PAGE).to_vec() };
            let paths = by_lang
                .iter()
                .filter(|(_, fs)| {
                    fs.iter().any(|g| g.key == f.key && g.values.len() > pager::NAV_VALUES && pager::page_count(g.values.len(), pager::VALUES_PER_PAGE) >= n)
                })
                .map(|(l, _)| (*l, Urls::paged(&urls.facet_group(*l, f.key), n)))
                .collect();
            jobs.push(PageJob {
                template: "browse.html",
                lang,
                paths,
                title: pager::title(site, lang, &format!("{}: {group}", t(site, lang, "browse")), n, pages),
                description: t(site, lang, "browse_intro"),
                context: json!({
                    "group": group,
                    "facets": facets_value(site, lang, std::slice::from_ref(&shown), None, None),
                    "pager": pager::pager(site, lang, &urls.facet_group(lang, f.key), n, pages),
                })
                .into(),
                key: None,
            });
        }
    }
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_gaps_and_lengths() {
        assert_eq!(runs(&[3, 4, 5, 9]), vec![3, 3, 3, 1]);
        assert_eq!(runs(&[0, 1, 2]), vec![0, 3]);
        assert_eq!(runs(&[]), Vec::<usize>::new());
        assert_eq!(runs(&[0, 2, 4]), vec![0, 1, 1, 1, 1, 1]);
    }
}
