//! Finding data, rendered: the search index of each language (JSON), the search page, and the
//! static facet pages (`/browse/…`) that let a reader reach every dataset without JavaScript.

use super::Emitter;
use super::fragments::{self, Store};
use super::page::{Jobs, PageJob, every_language, json_key, later, summary, t, unit};
use super::pager;
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::model::Site;
use crate::model::format;
use crate::model::search::{self, Facet};
use crate::urls::Urls;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// How long a search result's summary may be, in characters.
const SUMMARY_CHARS: usize = 160;

/// How many documents one block of the sharded index holds (see [`shards`]): small, because
/// the 20 results shown first may sit in 20 different blocks.
pub const DOCS_PER_BLOCK: usize = 10;
/// The most documents of a language that may have changed since the last build for its files to
/// be patched ([`patch`]) rather than made again from every document.
const PATCH_DOCS: usize = 64;

/// The search index of every language: the whole index (`search/index.json`, for programs),
/// and the same index in shards for the search page (see [`shard_path`]). Each dataset's document
/// and terms are kept between builds in `store` (made again only for a dataset that changed),
/// with each language's terms by shard and where each part lies in `index.json` ([`State`]): a
/// rebuild after a few documents changed patches the shards that hold their terms, the blocks
/// that hold them and `index.json` (its unchanged parts copied from the last build's file), and
/// takes the other files unchanged ([`patch`]); decoding every document to assemble the whole
/// index again was most of a metadata change's search time. `facets` are each language's facet
/// groups, made once for the pages and this index.
pub fn render(site: &Site, out: &Emitter, store: &Store, facets: &BTreeMap<Lang, Vec<Facet>>) -> Result<()> {
    let memo = out.memo();
    let summaries = out.keys(site);
    let shared = summaries.map(|keys| {
        let mut h = memo.hasher();
        h.add("search piece").add(&keys.worded());
        h.finish()
    });
    // What a dataset's document is made from besides the site-wide values: what its summary key
    // covers (metadata, resources' titles, descriptions and schemas), and the fiscal years of its
    // data (a facet). Its other data does not count: a row added changes no document.
    let years: Vec<u64> = match (shared, summaries) {
        (Some(_), Some(_)) => crate::parallel::map(&site.datasets, |d| {
            let mut h = crate::load::cache::KeyHasher::new();
            h.add(&d.fiscal_years.iter().copied().collect::<Vec<_>>());
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
        let offered = offered(facets.get(&lang).map_or(&[], Vec::as_slice));
        let base = shared.map(|k| {
            let mut h = memo.hasher();
            h.add(&k).add("search files").add(&lang).add(&offered);
            h.finish()
        });
        Language { site, out, store, lang, keys, offered, base }.render()?;
    }
    Ok(())
}

/// One language's search files being made.
struct Language<'a> {
    site: &'a Site,
    out: &'a Emitter<'a>,
    store: &'a Store,
    lang: Lang,
    /// Per dataset, the key of its document in the store (None without a cache).
    keys: Vec<Option<u64>>,
    /// Per facet group, the values the search page offers as filters.
    offered: BTreeMap<&'static str, Vec<String>>,
    /// What every file of the language is made from besides the documents: the site-wide values
    /// and the filters offered (None without a cache).
    base: Option<u64>,
}

impl Language<'_> {
    fn render(&self) -> Result<()> {
        let (site, store, lang) = (self.site, self.store, self.lang);
        let brief = |text: &str| summary(text, SUMMARY_CHARS);
        let pages = search::page_docs(site, lang, brief);
        // `known`: the hash the store recorded for the dataset's piece ([`Store::peek`]), which
        // `get_or_make` checks the bytes against before decoding them: not hashed a second time.
        let make = |i: usize, known: Option<u64>| {
            store.get_or_make(self.keys[i], |bytes| decode_doc(bytes, known), |(doc, _)| encode_doc(doc), || {
                let doc = search::dataset_doc(site, &site.datasets[i], lang, brief);
                let hash = fragments::hash_bytes(&encode_doc(&doc));
                (doc, hash)
            })
        };
        let indexes: Vec<usize> = (0..site.datasets.len()).collect();
        // Per dataset, the hash of its document, and the document when it had to be made.
        let first: Vec<(u64, std::sync::Mutex<Option<(search::DocTerms, u64)>>)> =
            crate::parallel::map(&indexes, |&i| match self.keys[i].and_then(|k| store.peek(k)) {
                Some((_, hash)) => (hash, std::sync::Mutex::new(None)),
                None => {
                    let made = make(i, None);
                    (made.1, std::sync::Mutex::new(Some(made)))
                }
            });
        let doc_at = |i: usize| first[i].1.lock().ok().and_then(|mut m| m.take()).unwrap_or_else(|| make(i, Some(first[i].0)));
        // Per document (the datasets', then the pages'), the hash of its bytes.
        let mut hashes: Vec<u64> = first.iter().map(|(hash, _)| *hash).collect();
        hashes.extend(pages.iter().map(|doc| fragments::hash_bytes(&encode_doc(doc))));
        let last = self.base.and_then(|base| {
            let state = State::decode(store.raw(state_key(self.lang))?)?;
            (state.base == base && state.docs.len() == hashes.len()).then_some(state)
        });
        let mut taken = HashSet::new();
        if let Some(last) = &last {
            let changed: Vec<usize> = (0..hashes.len()).filter(|&i| last.docs[i].1 != hashes[i]).collect();
            if changed.len() <= PATCH_DOCS && patch(self, last, &changed, &doc_at, &pages, &mut hashes, &mut taken)? {
                return Ok(());
            }
        }
        let mut docs: Vec<(search::DocTerms, u64)> = crate::parallel::map(&indexes, |&i| doc_at(i));
        // From the documents as read: a kept piece found corrupt was made again.
        for (hash, (_, made)) in hashes.iter_mut().zip(&docs) {
            *hash = *made;
        }
        docs.extend(pages.into_iter().map(|doc| (doc, 0)));
        let docs: Vec<search::DocTerms> = docs.into_iter().map(|(doc, _)| doc).collect();
        self.whole(docs, &hashes, &taken)
    }

    /// Makes every file of the language from all its documents (datasets, then pages) and
    /// `hashes`, theirs; `taken` are files already taken from the last build.
    fn whole(&self, docs: Vec<search::DocTerms>, hashes: &[u64], taken: &HashSet<String>) -> Result<()> {
        let (site, out, lang) = (self.site, self.out, self.lang);
        let dir = site.urls.search_shards(lang);
        let shards = shards_of(&docs);
        let index_docs: Vec<&search::Doc> = docs.iter().map(|d| &d.doc).collect();
        // The facet files, from every document's values.
        let mut facet_files = Vec::new();
        let (datasets, groups) = facet_files_of(&dir, &index_docs, &self.offered, &mut facet_files)?;
        let mut state = State { base: self.base.unwrap_or_default(), datasets, groups, ..State::default() };
        let emit = |path: &str, key: Option<u64>, bytes: &[u8]| -> Result<()> {
            if taken.contains(path) {
                return Ok(());
            }
            out.keyed(path, key, || Ok(bytes.to_vec()))
        };
        for (path, bytes) in &facet_files {
            let key = self.base.map(|_| self.file_key("facets", fragments::hash_bytes(bytes)));
            emit(path, key, bytes)?;
            state.facets.push((path.clone(), key.unwrap_or_default()));
        }
        for (n, block) in index_docs.chunks(DOCS_PER_BLOCK).enumerate() {
            let path = format!("{dir}docs/{n}.json");
            emit(&path, self.block_key(hashes, n), &block_json(&path, block)?)?;
        }
        let mut texts = Vec::with_capacity(shards.len());
        for (&first, data) in &shards {
            let (terms, forms) = data.json();
            let file = shard_file(&terms, &forms);
            let hash = fragments::hash_bytes(&file);
            if terms.len() > 2 || forms.len() > 2 {
                emit(&shard_path(&dir, first), self.base.map(|_| self.file_key("shard", hash)), &file)?;
            }
            let record = self.base.map(|_| data.encode());
            state.shards.push(ShardState { first, file: hash, record: record.as_deref().map_or(0, fragments::hash_bytes), ..ShardState::default() });
            if let Some(record) = record {
                self.store.put_raw(shard_record_key(lang, first), record);
            }
            texts.push((terms, forms));
        }
        let mut bytes = Vec::new();
        let doc_texts: Vec<Vec<u8>> = index_docs.iter().map(|d| to_json("search", d)).collect::<Result<_>>()?;
        let shard_texts: Vec<(&[u8], &[u8])> = texts.iter().map(|(t, f)| (inner(t), inner(f))).collect();
        write_index(&mut bytes, &index_head(lang), doc_texts.iter().map(Vec::as_slice), &shard_texts, &mut state)
            .map_err(|e| Error::io(site.urls.search_index(lang), e))?;
        drop(doc_texts);
        let path = site.urls.search_index(lang);
        state.index = self.index_key(hashes, &state.shards);
        emit(&path, self.base.map(|_| state.index), &bytes)?;
        self.finish(state, hashes)
    }

    /// Writes the manifest and keeps `state` (with each document's store key and `hashes`) for
    /// the next build.
    fn finish(&self, mut state: State, hashes: &[u64]) -> Result<()> {
        let (site, lang) = (self.site, self.lang);
        let mut shard_keys: Vec<String> = state.shards.iter().filter(|s| s.terms.1 > 0 || s.forms.1 > 0).map(|s| shard_key_of(s.first)).collect();
        shard_keys.sort();
        let manifest = json!({
            "version": 3,
            "lang": lang,
            "fields": search::FIELDS,
            "stop": search::STOP_WORDS,
            "docs": hashes.len(),
            "datasets": state.datasets,
            "block": DOCS_PER_BLOCK,
            "shards": shard_keys,
            "facets": state.groups,
        });
        let path = site.urls.search_manifest(lang);
        self.out.file(&path, &to_json(&path, &manifest)?)?;
        let Some(base) = self.base else { return Ok(()) };
        state.base = base;
        state.docs = hashes.iter().enumerate().map(|(i, &hash)| (self.keys.get(i).copied().flatten().unwrap_or_default(), hash)).collect();
        self.store.put_raw(state_key(lang), state.encode());
        Ok(())
    }

    /// The key of a file of the language made from bytes whose hash is `hash`.
    fn file_key(&self, kind: &str, hash: u64) -> u64 {
        let mut h = self.out.memo().hasher();
        h.add(&self.base).add(kind).add(&hash);
        h.finish()
    }

    /// The key of block `n` of the documents: the hashes of the documents it holds.
    fn block_key(&self, hashes: &[u64], n: usize) -> Option<u64> {
        let base = self.base?;
        let mut h = self.out.memo().hasher();
        h.add(&base).add("block").add(&n);
        for hash in hashes.iter().skip(n * DOCS_PER_BLOCK).take(DOCS_PER_BLOCK) {
            h.add(hash);
        }
        Some(h.finish())
    }

    /// The key of `index.json`: every document's hash and every shard's.
    fn index_key(&self, hashes: &[u64], shards: &[ShardState]) -> u64 {
        let mut h = self.out.memo().hasher();
        h.add(&self.base).add("index").add(hashes);
        for s in shards {
            h.add(&s.first).add(&s.file);
        }
        h.finish()
    }
}

/// Patches the language's files of the last build (`last`) where the documents at `changed`
/// (in ascending order) changed (`doc_at` gives each dataset's document as it is now): the
/// terms of their old documents are taken out of the shards that hold them and those of their
/// new ones put in, the blocks that hold them are made again, and `index.json` is written with
/// its unchanged documents and shards copied from the last build's file. Every other file is
/// taken unchanged. False, having sent nothing but the files in `taken`, when that cannot be done
/// (a page changed, a facet value of a document changed, a piece of the last build cannot be
/// read): the files are then made from every document. `hashes` gets the hashes of the
/// documents made now.
fn patch(
    lang: &Language,
    last: &State,
    changed: &[usize],
    doc_at: &(dyn Fn(usize) -> (search::DocTerms, u64) + Sync),
    pages: &[search::DocTerms],
    hashes: &mut [u64],
    taken: &mut HashSet<String>,
) -> Result<bool> {
    let (site, out, store, memo) = (lang.site, lang.out, lang.store, lang.out.memo());
    let n = site.datasets.len();
    // A page's document is not kept: a page that changed makes the files again.
    if changed.iter().any(|&i| i >= n || last.docs[i].0 == 0) {
        return Ok(false);
    }
    let mut old = Vec::with_capacity(changed.len());
    for &i in changed {
        let Some((doc, _)) = store.raw(last.docs[i].0).and_then(|bytes| decode_doc(bytes, None)) else { return Ok(false) };
        old.push(doc);
    }
    let new: Vec<(search::DocTerms, u64)> = changed.iter().map(|&i| doc_at(i)).collect();
    // The facet files and counts come from every document's values: kept only when none changed.
    if old.iter().zip(&new).any(|(o, (d, _))| o.doc.facets != d.doc.facets) {
        return Ok(false);
    }
    for (&i, (_, hash)) in changed.iter().zip(&new) {
        hashes[i] = *hash;
    }
    // What each changed document lost and gained: its terms with their field weights, and its
    // surface forms. A term kept with the same weights keeps its posting.
    let diff = |a: &search::DocTerms, b: &search::DocTerms| {
        let terms: BTreeSet<&(String, u8)> = b.terms.iter().collect();
        let forms: BTreeSet<&(String, String)> = b.forms.iter().collect();
        let lost_terms: Vec<(String, u8)> = a.terms.iter().filter(|t| !terms.contains(t)).cloned().collect();
        let lost_forms: Vec<(String, String)> = a.forms.iter().filter(|f| !forms.contains(f)).cloned().collect();
        (lost_terms, lost_forms)
    };
    let lost: Vec<_> = old.iter().zip(&new).map(|(o, (d, _))| diff(o, d)).collect();
    let gained: Vec<_> = old.iter().zip(&new).map(|(o, (d, _))| diff(d, o)).collect();
    // The shards that hold such a term or form.
    let mut touched: BTreeMap<Option<char>, ShardData> = BTreeMap::new();
    for (terms, forms) in lost.iter().chain(&gained) {
        for word in terms.iter().map(|(t, _)| t).chain(forms.iter().map(|(w, _)| w)) {
            touched.entry(word.chars().next()).or_default();
        }
    }
    for (first, data) in touched.iter_mut() {
        if let Some(s) = last.shards.iter().find(|s| s.first == *first) {
            let Some(found) = store.raw(shard_record_key(lang.lang, *first)).filter(|b| fragments::hash_bytes(b) == s.record).and_then(ShardData::decode) else {
                return Ok(false);
            };
            *data = found;
        }
    }
    for (&i, (terms, forms)) in changed.iter().zip(&lost) {
        if !remove_doc(&mut touched, i as u32, terms, forms) {
            return Ok(false);
        }
    }
    for (&i, (terms, forms)) in changed.iter().zip(&gained) {
        add_doc(&mut touched, i as u32, terms, forms);
    }
    // The shards: the last build's, with those touched made again (or gone, once empty).
    let dir = site.urls.search_shards(lang.lang);
    let mut state = State { datasets: last.datasets, groups: last.groups.clone(), facets: last.facets.clone(), ..State::default() };
    // Per shard of `state`, its file made again (path, bytes) and its terms' and forms' JSON.
    let mut made: Vec<Option<(Vec<u8>, Vec<u8>)>> = Vec::new();
    let mut firsts: BTreeSet<Option<char>> = last.shards.iter().map(|s| s.first).collect();
    firsts.extend(touched.keys().copied());
    for first in firsts {
        match touched.get(&first) {
            Some(data) if data.terms.is_empty() && data.forms.is_empty() => {}
            Some(data) => {
                let (terms, forms) = data.json();
                let record = data.encode();
                state.shards.push(ShardState { first, file: fragments::hash_bytes(&shard_file(&terms, &forms)), record: fragments::hash_bytes(&record), ..ShardState::default() });
                store.put_raw(shard_record_key(lang.lang, first), record);
                made.push(Some((terms, forms)));
            }
            None => {
                let Some(s) = last.shards.iter().find(|s| s.first == first) else { continue };
                state.shards.push(ShardState { first, file: s.file, record: s.record, ..ShardState::default() });
                made.push(None);
            }
        }
    }
    // index.json: the unchanged documents and shards as ranges of the last build's file.
    let index_path = site.urls.search_index(lang.lang);
    let Some(old_index) = memo.last_file(&index_path, last.index).and_then(|p| super::ranges::Last::of_file(&p)) else { return Ok(false) };
    let old_bytes: &[u8] = old_index.bytes();
    let range = |(at, len): (u64, u64)| old_bytes.get(at as usize..(at + len) as usize);
    let mut doc_texts: Vec<std::borrow::Cow<[u8]>> = Vec::with_capacity(hashes.len());
    for i in 0..hashes.len() {
        match changed.binary_search(&i).ok() {
            Some(at) => doc_texts.push(to_json(&index_path, &new[at].0.doc)?.into()),
            None => match last.placed.get(i).copied().and_then(range) {
                Some(text) => doc_texts.push(text.into()),
                None => return Ok(false),
            },
        }
    }
    let mut shard_texts: Vec<(&[u8], &[u8])> = Vec::with_capacity(made.len());
    for (s, made) in state.shards.iter().zip(&made) {
        match made {
            Some((terms, forms)) => shard_texts.push((inner(terms), inner(forms))),
            None => {
                let old = last.shards.iter().find(|o| o.first == s.first);
                let (Some(terms), Some(forms)) = (old.and_then(|o| range(o.terms)), old.and_then(|o| range(o.forms))) else { return Ok(false) };
                shard_texts.push((terms, forms));
            }
        }
    }
    // Every other file must be the last build's, still as written. (`memo.reuse` records the
    // key it is asked for; should the patch stop below, the files are made from every document
    // under the same paths and keys, so that what it recorded still holds.)
    let mut reused = Vec::new();
    let blocks = hashes.len().div_ceil(DOCS_PER_BLOCK);
    let made_blocks: BTreeSet<usize> = changed.iter().map(|i| i / DOCS_PER_BLOCK).collect();
    for b in (0..blocks).filter(|b| !made_blocks.contains(b)) {
        let path = format!("{dir}docs/{b}.json");
        match lang.block_key(hashes, b).and_then(|k| memo.reuse(&path, k)) {
            Some(r) => reused.push(r),
            None => return Ok(false),
        }
    }
    for ((s, made), (terms, forms)) in state.shards.iter().zip(&made).zip(&shard_texts) {
        if made.is_none() && (!terms.is_empty() || !forms.is_empty()) {
            let path = shard_path(&dir, s.first);
            match memo.reuse(&path, lang.file_key("shard", s.file)) {
                Some(r) => reused.push(r),
                None => return Ok(false),
            }
        }
    }
    for (path, key) in &last.facets {
        match memo.reuse(path, *key) {
            Some(r) => reused.push(r),
            None => return Ok(false),
        }
    }
    for r in &reused {
        if out.reused(r).is_err() {
            return Ok(false);
        }
        taken.insert(r.path.to_string());
    }
    // Sent from here on: the files made again.
    for (s, made) in state.shards.iter().zip(&made) {
        match made {
            Some((terms, forms)) if terms.len() > 2 || forms.len() > 2 => {
                let path = shard_path(&dir, s.first);
                out.keyed(&path, Some(lang.file_key("shard", s.file)), || Ok(shard_file(terms, forms)))?;
            }
            Some(_) => {}
            None => {
                // Kept for the next build as it is: `peek`, not `keep_raw`, which would hash the
                // record (a whole shard's postings) when the next build checks it against the
                // hash `state` carries anyway.
                store.peek(shard_record_key(lang.lang, s.first));
            }
        }
    }
    for b in made_blocks {
        let mut docs = Vec::with_capacity(DOCS_PER_BLOCK);
        for i in (b * DOCS_PER_BLOCK..hashes.len()).take(DOCS_PER_BLOCK) {
            let doc = match changed.binary_search(&i).ok() {
                Some(at) => new[at].0.doc.clone(),
                None if i < n => doc_at(i).0.doc,
                None => pages[i - n].doc.clone(),
            };
            docs.push(doc);
        }
        let path = format!("{dir}docs/{b}.json");
        let refs: Vec<&search::Doc> = docs.iter().collect();
        out.keyed(&path, lang.block_key(hashes, b), || block_json(&path, &refs))?;
    }
    // Taken whole when no document or shard changed (a change to the other language's).
    let index_key = lang.index_key(hashes, &state.shards);
    // (The same key means the same shards as the last build's, in the same order.)
    match memo.reuse(&index_path, index_key) {
        Some(r) if out.reused(&r).is_ok() => {
            state.placed.clone_from(&last.placed);
            for (s, o) in state.shards.iter_mut().zip(&last.shards) {
                (s.terms, s.forms) = (o.terms, o.forms);
            }
        }
        _ => {
            let head = index_head(lang.lang);
            out.stream_ranged(&index_path, &index_path, |w| {
                let mut w = super::ranges::Ranges::new(w, Some(&old_index));
                write_index(&mut w, &head, doc_texts.iter().map(|t| &**t), &shard_texts, &mut state).and_then(|()| w.finish()).map_err(|e| e.to_string())
            })?;
        }
    }
    drop(doc_texts);
    drop(shard_texts);
    state.index = index_key;
    memo.rendered(&index_path, state.index, None);
    lang.finish(state, hashes)?;
    Ok(true)
}

/// Each term's postings, and how many documents have each surface form, by shard, from every
/// document of a language (datasets, then pages).
fn shards_of(docs: &[search::DocTerms]) -> BTreeMap<Option<char>, ShardData> {
    let mut postings: HashMap<&str, Vec<u32>> = HashMap::new();
    let mut forms: HashMap<&str, (&str, u64)> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        for (term, w) in &d.terms {
            postings.entry(term.as_str()).or_default().extend([i as u32, u32::from(*w)]);
        }
        for (word, term) in &d.forms {
            forms.entry(word.as_str()).or_insert((term.as_str(), 0)).1 += 1;
        }
    }
    let mut shards: BTreeMap<Option<char>, ShardData> = BTreeMap::new();
    for (term, list) in postings {
        shards.entry(term.chars().next()).or_default().terms.insert(term.to_string(), list);
    }
    for (word, (term, n)) in forms {
        shards.entry(word.chars().next()).or_default().forms.insert(word.to_string(), (term.to_string(), n));
    }
    shards
}

/// Takes postings of document `i` for `terms` and its surface `forms` out of `shards`; false
/// when one is not there (the shards are not what the document was added to).
fn remove_doc(shards: &mut BTreeMap<Option<char>, ShardData>, i: u32, terms: &[(String, u8)], forms: &[(String, String)]) -> bool {
    for (term, _) in terms {
        let Some(data) = shards.get_mut(&term.chars().next()) else { return false };
        let Some(list) = data.terms.get_mut(term) else { return false };
        let Some(at) = list.chunks_exact(2).position(|p| p[0] == i) else { return false };
        list.drain(at * 2..at * 2 + 2);
        if list.is_empty() {
            data.terms.remove(term);
        }
    }
    for (word, _) in forms {
        let Some(data) = shards.get_mut(&word.chars().next()) else { return false };
        let Some(form) = data.forms.get_mut(word) else { return false };
        form.1 -= 1;
        if form.1 == 0 {
            data.forms.remove(word);
        }
    }
    true
}

/// Puts postings of document `i` for `terms` (with their field weights) and its surface `forms`
/// into `shards`, in document order.
fn add_doc(shards: &mut BTreeMap<Option<char>, ShardData>, i: u32, terms: &[(String, u8)], forms: &[(String, String)]) {
    for (term, w) in terms {
        let list = shards.entry(term.chars().next()).or_default().terms.entry(term.clone()).or_default();
        let at = list.chunks_exact(2).position(|p| p[0] > i).unwrap_or(list.len() / 2);
        list.splice(at * 2..at * 2, [i, u32::from(*w)]);
    }
    for (word, term) in forms {
        shards.entry(word.chars().next()).or_default().forms.entry(word.clone()).or_insert_with(|| (term.clone(), 0)).1 += 1;
    }
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
    shard_key_of(term.chars().next())
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
///
/// `index.json` is the whole index: `{"version", "lang", "fields", "stop", "docs", "terms",
/// "forms"}`, its terms and forms the shards' in the order of their first characters.
///
/// This function: the file of the shard of terms whose first character is `first` under `dir`.
fn shard_path(dir: &str, first: Option<char>) -> String {
    format!("{dir}terms/{}.json", shard_key_of(first))
}

/// [`shard_key`] of a term whose first character is `first` (empty for the empty term).
fn shard_key_of(first: Option<char>) -> String {
    first.map_or_else(String::new, |c| format!("{:x}", u32::from(c)))
}

/// A shard's file from the JSON of its terms and of its forms: the same bytes as
/// `json!({"terms": …, "forms": …})`.
fn shard_file(terms: &[u8], forms: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(terms.len() + forms.len() + 22);
    out.extend_from_slice(b"{\"terms\":");
    out.extend_from_slice(terms);
    out.extend_from_slice(b",\"forms\":");
    out.extend_from_slice(forms);
    out.push(b'}');
    out
}

/// The entries of a JSON object without its braces.
fn inner(object: &[u8]) -> &[u8] {
    object.get(1..object.len().saturating_sub(1)).unwrap_or_default()
}

/// What `index.json` starts with, up to its first document: its version, language, fields and
/// stop words as [`search::SearchIndex`] serialises them.
fn index_head(lang: Lang) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Head {
        version: u32,
        lang: Lang,
        fields: [(&'static str, u8); 5],
        stop: [&'static str; 24],
    }
    let mut head = serde_json::to_vec(&Head { version: 1, lang, fields: search::FIELDS, stop: search::STOP_WORDS }).unwrap_or_default();
    head.pop();
    head.extend_from_slice(b",\"docs\":[");
    head
}

/// Writes `index.json` from its `head` ([`index_head`]), each document's JSON and each shard's
/// terms' and forms' entries (in the order of `state.shards`), and notes in `state` where each
/// document and each shard's entries lie.
fn write_index<'t>(w: &mut dyn std::io::Write, head: &[u8], docs: impl Iterator<Item = &'t [u8]>, shards: &[(&[u8], &[u8])], state: &mut State) -> std::io::Result<()> {
    let mut at = 0u64;
    let mut put = |w: &mut dyn std::io::Write, bytes: &[u8]| -> std::io::Result<(u64, u64)> {
        w.write_all(bytes)?;
        let placed = (at, bytes.len() as u64);
        at += bytes.len() as u64;
        Ok(placed)
    };
    put(w, head)?;
    state.placed.clear();
    for (i, doc) in docs.enumerate() {
        if i > 0 {
            put(w, b",")?;
        }
        state.placed.push(put(w, doc)?);
    }
    for (part, open) in [(0, &b"],\"terms\":{"[..]), (1, &b"},\"forms\":{"[..])] {
        put(w, open)?;
        let mut any = false;
        for (s, texts) in state.shards.iter_mut().zip(shards) {
            let text = if part == 0 { texts.0 } else { texts.1 };
            if text.is_empty() {
                continue;
            }
            if any {
                put(w, b",")?;
            }
            any = true;
            let placed = put(w, text)?;
            if part == 0 {
                s.terms = placed;
            } else {
                s.forms = placed;
            }
        }
    }
    put(w, b"}}")?;
    Ok(())
}

/// The JSON of a block of documents (`docs/<n>.json`).
fn block_json(path: &str, docs: &[&search::Doc]) -> Result<Vec<u8>> {
    to_json(path, &docs.iter().map(|d| Card { u: &d.url, t: &d.title, s: &d.summary, a: &d.agency }).collect::<Vec<_>>())
}

/// The facet files (path and bytes) of the documents `docs` under `dir` into `files`; how many
/// documents have facet values (the datasets), and the facet groups.
///
/// Each group's postings: which documents have each value. The search page's filters offer
/// each group's commonest values (the page's boxes): `facets/<group>.json` holds theirs, what
/// a first query loads; `facets/<group>-all.json` every value's, loaded only for a filter
/// chosen in the address that is not among them. One file of every document's values was
/// 2.6 MB at 10,000 datasets.
fn facet_files_of(dir: &str, docs: &[&search::Doc], offered: &BTreeMap<&str, Vec<String>>, files: &mut Vec<(String, Vec<u8>)>) -> Result<(u64, Vec<String>)> {
    let mut postings: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
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
        files.push((path.clone(), to_json(&path, &top)?));
        let path = format!("{dir}facets/{key}-all.json");
        files.push((path.clone(), to_json(&path, &all)?));
        groups.push(key.to_string());
    }
    let datasets = docs.iter().filter(|d| !d.facets.is_empty()).count() as u64;
    Ok((datasets, groups))
}

/// The key in the store of the state of a language's search files.
fn state_key(lang: Lang) -> u64 {
    let mut h = crate::load::cache::KeyHasher::new();
    h.add("search state").add(&lang);
    h.finish()
}

/// The key in the store of the terms of a language's shard whose first character is `first`.
fn shard_record_key(lang: Lang, first: Option<char>) -> u64 {
    let mut h = crate::load::cache::KeyHasher::new();
    h.add("search shard").add(&lang).add(&first);
    h.finish()
}

/// What a language's search files were made from, kept in the store for the next build to
/// patch them ([`patch`]).
#[derive(Debug, Default, PartialEq)]
struct State {
    /// The language's site-wide key ([`Language::base`]).
    base: u64,
    /// Per document (datasets, then pages), its key in the store (0 for a page) and its hash.
    docs: Vec<(u64, u64)>,
    /// Per document, where its JSON lies in `index.json` (offset, length).
    placed: Vec<(u64, u64)>,
    /// The shards, in the order of their first characters.
    shards: Vec<ShardState>,
    /// The facet files and their keys.
    facets: Vec<(String, u64)>,
    /// How many documents have facet values (the manifest's `datasets`).
    datasets: u64,
    /// The facet groups (the manifest's `facets`).
    groups: Vec<String>,
    /// The key of `index.json`.
    index: u64,
}

/// One shard of a language's terms, as [`State`] keeps it.
#[derive(Debug, Default, PartialEq)]
struct ShardState {
    /// The first character of its terms (None: the empty term).
    first: Option<char>,
    /// The hash of its file's bytes.
    file: u64,
    /// The hash of its [`ShardData`] as kept in the store.
    record: u64,
    /// Where its terms' entries lie in `index.json` (length 0: none).
    terms: (u64, u64),
    /// Where its forms' entries lie in `index.json` (length 0: none).
    forms: (u64, u64),
}

const STATE_MAGIC: &[u8] = b"sala search state 1\n";

/// A character as a number for the cache (0 for none).
fn char_code(c: Option<char>) -> u64 {
    c.map_or(0, |c| u64::from(u32::from(c)) + 1)
}

impl State {
    fn encode(&self) -> Vec<u8> {
        let mut w = crate::load::binary::Writer::new(STATE_MAGIC);
        w.u64(self.base);
        w.u64(self.index);
        w.u64(self.datasets);
        w.len(self.docs.len());
        for ((key, hash), (at, len)) in self.docs.iter().zip(&self.placed) {
            for n in [*key, *hash, *at, *len] {
                w.u64(n);
            }
        }
        w.len(self.shards.len());
        for s in &self.shards {
            for n in [char_code(s.first), s.file, s.record, s.terms.0, s.terms.1, s.forms.0, s.forms.1] {
                w.u64(n);
            }
        }
        w.len(self.facets.len());
        for (path, key) in &self.facets {
            w.str(path);
            w.u64(*key);
        }
        w.len(self.groups.len());
        for g in &self.groups {
            w.str(g);
        }
        w.bytes
    }

    fn decode(bytes: &[u8]) -> Option<State> {
        let mut r = crate::load::binary::Reader::new(bytes, STATE_MAGIC)?;
        let mut state = State { base: r.u64()?, index: r.u64()?, datasets: r.u64()?, ..State::default() };
        let n = r.len()?;
        if n > r.left() / 32 {
            return None;
        }
        for _ in 0..n {
            state.docs.push((r.u64()?, r.u64()?));
            state.placed.push((r.u64()?, r.u64()?));
        }
        for _ in 0..r.len()? {
            let first = match r.u64()? {
                0 => None,
                c => Some(char::from_u32(u32::try_from(c - 1).ok()?)?),
            };
            let (file, record) = (r.u64()?, r.u64()?);
            let (terms, forms) = ((r.u64()?, r.u64()?), (r.u64()?, r.u64()?));
            state.shards.push(ShardState { first, file, record, terms, forms });
        }
        for _ in 0..r.len()? {
            state.facets.push((r.string()?, r.u64()?));
        }
        for _ in 0..r.len()? {
            state.groups.push(r.string()?);
        }
        r.at_end().then_some(state)
    }
}

/// One shard's terms with their postings (`[doc, field weights, …]`, in document order), and
/// its surface forms with their terms and how many documents have each: a form is shown only
/// while a document has it and it is not a term itself (see [`search::assemble`]).
#[derive(Debug, Default, PartialEq)]
struct ShardData {
    terms: BTreeMap<String, Vec<u32>>,
    forms: BTreeMap<String, (String, u64)>,
}

impl ShardData {
    /// The JSON objects of its terms and of its forms shown.
    fn json(&self) -> (Vec<u8>, Vec<u8>) {
        let forms: BTreeMap<&str, &str> =
            self.forms.iter().filter(|(word, _)| !self.terms.contains_key(*word)).map(|(word, (term, _))| (word.as_str(), term.as_str())).collect();
        (serde_json::to_vec(&self.terms).unwrap_or_default(), serde_json::to_vec(&forms).unwrap_or_default())
    }

    fn encode(&self) -> Vec<u8> {
        use crate::load::binary::{put_str, put_u64};
        let mut out = Vec::new();
        put_u64(&mut out, self.terms.len() as u64);
        for (term, postings) in &self.terms {
            put_str(&mut out, term);
            // A byte string of the numbers, four bytes each.
            put_u64(&mut out, postings.len() as u64 * 4);
            for p in postings {
                out.extend_from_slice(&p.to_le_bytes());
            }
        }
        put_u64(&mut out, self.forms.len() as u64);
        for (word, (term, n)) in &self.forms {
            put_str(&mut out, word);
            put_str(&mut out, term);
            put_u64(&mut out, *n);
        }
        out
    }

    fn decode(bytes: &[u8]) -> Option<ShardData> {
        let mut r = crate::load::binary::Reader::plain(bytes);
        let mut data = ShardData::default();
        for _ in 0..r.len()? {
            let term = r.string()?;
            let raw = r.raw()?;
            if raw.len() % 4 != 0 {
                return None;
            }
            data.terms.insert(term, raw.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect());
        }
        for _ in 0..r.len()? {
            data.forms.insert(r.string()?, (r.string()?, r.u64()?));
        }
        r.at_end().then_some(data)
    }
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
            let values: Vec<Value> = shown.chain(extra).map(|(i, v)| value_json(site, lang, f.key, v, mine == Some(i))).collect();
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
        values.push(value_json(site, lang, f.key, v, true));
    }
    nav
}

/// One value of facet group `key` as a link with its count, marked when `current`.
fn value_json(site: &Site, lang: Lang, key: &str, v: &crate::model::search::FacetValue, current: bool) -> Value {
    let urls = &site.urls;
    json!({
        "id": v.id,
        "label": v.label,
        "url": urls.link(&urls.facet(lang, key, &v.slug)),
        "count": format::integer(v.datasets.len() as i64),
        "current": current,
    })
}

/// The search page, the facet overview and one page per facet value, in `lang`.
pub(super) fn page_jobs<'a>(site: &'a Site, lang: Lang, jobs: &Jobs<'a>) {
    let urls = &site.urls;
    let by_lang = jobs.facets;
    let Some(facets) = by_lang.get(&lang) else { return };
    // The navigation every facet page shows beside its list (with its own value marked).
    let nav = std::sync::Arc::new(facet_nav(site, lang, facets));
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
                    description: format!("{group}: {} · {} {}", v.label, format::integer(v.datasets.len() as i64), unit(site, lang, v.datasets.len(), "datasets_unit")),
                    context: later(move || {
                        let (f, v) = (&facets[g], &facets[g].values[i]);
                        let cards: Vec<Value> =
                            pager::page_of(&v.datasets, n, pager::DATASETS_PER_PAGE).iter().filter_map(|&i| cards.card(site, i, lang)).collect();
                        // Values made here are moved in: `json!` would copy them once more.
                        let mut context = json!({
                            "group": group,
                            "value": v.label,
                            "count": format::integer(v.datasets.len() as i64),
                            "count_unit": unit(site, lang, v.datasets.len(), "datasets_unit"),
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

    fn doc(url: &str, terms: &[(&str, u8)], forms: &[(&str, &str)]) -> search::DocTerms {
        let facets = if url.starts_with("/d") { BTreeMap::from([("tag", vec!["x".to_string()])]) } else { BTreeMap::new() };
        search::DocTerms {
            doc: search::Doc { url: url.into(), title: format!("Title \"{url}\""), summary: "ข้อมูล".into(), agency: String::new(), facets },
            terms: terms.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
            forms: forms.iter().map(|(f, t)| (f.to_string(), t.to_string())).collect(),
        }
    }

    /// `index.json` as written from the shards, and each shard's file.
    fn written(docs: &[search::DocTerms], shards: &BTreeMap<Option<char>, ShardData>) -> (String, BTreeMap<Option<char>, String>) {
        let texts: Vec<(Vec<u8>, Vec<u8>)> = shards.values().map(ShardData::json).collect();
        let mut state = State { shards: shards.keys().map(|&first| ShardState { first, ..ShardState::default() }).collect(), ..State::default() };
        let doc_texts: Vec<Vec<u8>> = docs.iter().map(|d| to_json("x", &d.doc).unwrap()).collect();
        let pairs: Vec<(&[u8], &[u8])> = texts.iter().map(|(t, f)| (inner(t), inner(f))).collect();
        let mut bytes = Vec::new();
        write_index(&mut bytes, &index_head(Lang::En), doc_texts.iter().map(Vec::as_slice), &pairs, &mut state).unwrap();
        // Each document and shard lies where the state says.
        for (d, (at, len)) in doc_texts.iter().zip(&state.placed) {
            assert_eq!(&bytes[*at as usize..(*at + *len) as usize], d.as_slice());
        }
        let files = shards.keys().zip(&texts).filter(|(_, (t, f))| t.len() > 2 || f.len() > 2).map(|(k, (t, f))| (*k, String::from_utf8(shard_file(t, f)).unwrap())).collect();
        (String::from_utf8(bytes).unwrap(), files)
    }

    #[test]
    fn the_index_written_from_shards_is_the_assembled_index_and_a_patch_is_a_rebuild() {
        let docs = vec![
            doc("/d/a", &[("budget", 16), ("ข้อมูล", 1), ("2568", 2)], &[("budgets", "budget"), ("agencies", "agenc")]),
            doc("/d/b", &[("budgets", 8), ("agenc", 4), ("งบ", 16)], &[("agencies", "agenc")]),
            doc("/p/c", &[("budget", 1), ("zebra", 16)], &[("zebras", "zebra")]),
        ];
        let index = search::assemble(Lang::En, docs.clone());
        let shards = shards_of(&docs);
        let (json, files) = written(&docs, &shards);
        assert_eq!(json, String::from_utf8(to_json("x", &index).unwrap()).unwrap());
        // Each shard's file holds the index's terms and forms of its first character.
        for (first, file) in &files {
            let key = shard_key_of(*first);
            let terms: BTreeMap<&String, &Vec<u32>> = index.terms.iter().filter(|(t, _)| shard_key(t) == key).collect();
            let forms: BTreeMap<&String, &String> = index.forms.iter().filter(|(w, _)| shard_key(w) == key).collect();
            assert_eq!(file, &json!({"terms": terms, "forms": forms}).to_string());
        }
        assert_eq!(files.len(), 6, "{files:?}");
        // The second document changed: taken out and put back, the shards are those of the new documents.
        let mut changed = docs.clone();
        changed[1] = doc("/d/b", &[("budgets", 16), ("งบ", 16), ("xylophon", 2)], &[("xylophones", "xylophon")]);
        let mut patched = shards;
        let old = (docs[1].terms.clone(), docs[1].forms.clone());
        assert!(remove_doc(&mut patched, 1, &old.0, &old.1));
        add_doc(&mut patched, 1, &changed[1].terms, &changed[1].forms);
        patched.retain(|_, d| !d.terms.is_empty() || !d.forms.is_empty());
        assert_eq!(patched, shards_of(&changed));
        assert_eq!(written(&changed, &patched), written(&changed, &shards_of(&changed)));
        // What was never added cannot be taken out.
        assert!(!remove_doc(&mut patched, 0, &[("nothing".into(), 1)], &[]));
    }

    #[test]
    fn the_state_and_shards_read_back_as_written() {
        let docs = vec![doc("/d/a", &[("budget", 16), ("ข้อมูล", 1)], &[("budgets", "budget")])];
        for data in shards_of(&docs).values() {
            assert_eq!(ShardData::decode(&data.encode()).as_ref(), Some(data));
        }
        let state = State {
            base: 1,
            docs: vec![(2, 3), (0, 4)],
            placed: vec![(5, 6), (7, 8)],
            shards: vec![ShardState { first: None, file: 9, record: 10, terms: (11, 12), forms: (0, 0) }, ShardState { first: Some('ข'), ..ShardState::default() }],
            facets: vec![("search/facets/tag.json".into(), 13)],
            datasets: 1,
            groups: vec!["tag".into()],
            index: 14,
        };
        assert_eq!(State::decode(&state.encode()), Some(state));
        assert_eq!(State::decode(b"sala search state 1\n\x01"), None);
    }

    #[test]
    fn runs_are_gaps_and_lengths() {
        assert_eq!(runs(&[3, 4, 5, 9]), vec![3, 3, 3, 1]);
        assert_eq!(runs(&[0, 1, 2]), vec![0, 3]);
        assert_eq!(runs(&[]), Vec::<usize>::new());
        assert_eq!(runs(&[0, 2, 4]), vec![0, 1, 1, 1, 1, 1]);
    }
}
