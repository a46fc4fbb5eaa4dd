//! Catalogs for harvesters and search engines: DCAT-AP 3 (`/catalog.ttl`, `/catalog.jsonld`),
//! DCAT-US / Project Open Data 1.1 (`/data.json`), `/sitemap.xml` with hreflang alternates, Atom
//! feeds of datasets, `/robots.txt`, and the schema.org `Dataset` JSON-LD of dataset pages.
//! Every date comes from the metadata, never from the clock, so builds stay byte-identical.

use super::{Emitter, OutputFile, Written};
use crate::error::Result;
use super::encode::xml;
use super::labels::{formats_of, license_url, theme_label};
use super::ranges::{Last, Layout, Ranges, last_layout, record, taken};
use super::rdf::{Graph, Object};
use super::fragments::Store;
use crate::lang::{Lang, Text};
use crate::load::dataset::Frequency;
use crate::model::format::toml_date;
use crate::model::{Dataset, Site};
use crate::model::coverage::period_covered;
use crate::urls::to_uri;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// How many datasets an Atom feed lists, newest-modified first.
pub const FEED_ENTRIES: usize = 50;

/// The namespace of the EU's controlled vocabularies that DCAT-AP asks for.
const EU_AUTHORITY: &str = "http://publications.europa.eu/resource/authority/";

/// The DCAT catalogs, the data.json files and the feeds, made from the metadata and the
/// downloads' sizes only (`built`: the files written by the downloads stage or later), so that
/// a rebuild writes them beside the pages, the API and the search index; robots.txt and the
/// sitemap follow the pages ([`render_sitemap`]).
///
/// The catalogs grow with the portal (at 10,000 datasets: catalog.jsonld 184 MB, catalog.ttl
/// 104 MB, each data.json about 50 MB) and are written a node at a time, never held whole.
/// Each dataset's part is a [`Piece`], kept between builds in `store` and made again only for a
/// dataset whose inputs changed. A piece keeps the dataset's shared nodes (agencies, themes…),
/// a hash of its text and where its text lies in the last build's file (the file's layout):
/// a rebuild copies an unchanged dataset's text from there, and a catalog whose pieces all are
/// as the last build's is taken from it unchanged.
pub fn render_catalogs(site: &Site, built: &Written, out: &Emitter, store: &Store) -> Result<()> {
    let urls = &site.urls;
    let memo = out.memo();
    let keys = out.keys(site);
    let shared = keys.map(|keys| shared_key(site, memo, keys));
    let mut pieces: Vec<Piece> = crate::parallel::map(&site.datasets, |d| {
        let key = shared.zip(keys).and_then(|(k, keys)| piece_key(site, d, keys, built, k));
        let mut piece = store.get_or_make(key, Piece::decode, Piece::encode, || Piece::make(site, d, built));
        piece.key = key;
        piece
    });
    let dcat_key = shared.map(|k| {
        let mut h = memo.hasher();
        h.add(&k).add("dcat");
        for (d, p) in site.datasets.iter().zip(&pieces) {
            h.add(&d.id).add(&p.dcat_hash);
        }
        h.finish()
    });
    // The catalog files not taken from the last build, each with the last build's file.
    let mut jobs: Vec<(Part, String, Option<u64>, Option<Last>)> = Vec::new();
    for part in [Part::JsonLd, Part::Turtle] {
        let path = if part == Part::Turtle { urls.catalog_ttl() } else { urls.catalog_jsonld() };
        if taken(out, store, &path, dcat_key) {
            continue;
        }
        let old = last_layout(store, memo, &path);
        remake(site, built, &mut pieces, part, old.as_ref());
        jobs.push((part, path, dcat_key, old));
    }
    let head = jobs.iter().any(|j| matches!(j.0, Part::Turtle | Part::JsonLd)).then(|| merged(site, built, store, &pieces));
    // Every shared node is in the head now: the pieces' copies of them (the same agency,
    // theme, licence and format nodes once per dataset) need not be held beside it.
    for p in &mut pieces {
        p.shared = None;
    }
    for (i, &lang) in site.languages.iter().enumerate() {
        out.file(&urls.feed(lang), feed(site, lang).as_bytes())?;
        let path = urls.data_json_in(lang);
        let key = shared.map(|k| {
            let mut h = memo.hasher();
            h.add(&k).add("data.json").add(&lang);
            for (d, p) in site.datasets.iter().zip(&pieces) {
                h.add(&d.id).add(&p.data_hashes.get(i));
            }
            h.finish()
        });
        if taken(out, store, &path, key) {
            continue;
        }
        let part = Part::DataJson(i);
        let old = last_layout(store, memo, &path);
        remake(site, built, &mut pieces, part, old.as_ref());
        jobs.push((part, path, key, old));
    }
    // The datasets' own nodes in the order both DCAT files write them, sorted once for both.
    let own = head.as_ref().map(|g| own_nodes(&pieces, g));
    // The files are written at once, two at a time, largest first (catalog.jsonld, then
    // catalog.ttl, then the data.json files): a rebuild's catalogs are mostly ranges of the
    // last build's files that the kernel copies (290 MB at 10,000 datasets), one core each.
    let write = |(part, path, _, old): &(Part, String, Option<u64>, Option<Last>)| match part {
        Part::Turtle | Part::JsonLd => match head.as_ref() {
            Some(g) => write_dcat(site, built, out, path, (&pieces, own.as_ref().and_then(Option::as_deref)), g, *part, old.as_ref()),
            None => Ok(None),
        },
        Part::DataJson(i) => write_data_json(site, built, out, path, &pieces, *i, old.as_ref()),
    };
    let done = crate::parallel::map_on(rayon::current_num_threads().min(2), &jobs, write);
    for ((_, path, key, _), placed) in jobs.iter().zip(done) {
        record(store, memo, path, *key, placed?);
    }
    drop(own);
    drop(head);
    drop(jobs);
    Ok(())
}

/// A dataset's own node of the DCAT graph: its IRI, the dataset's index and the node's place
/// among the dataset's nodes.
type OwnNode<'p> = (&'p str, usize, usize);

/// The datasets' own nodes of `pieces`, sorted by IRI, each with its dataset and place among
/// its nodes; None when two share an IRI or one has a shared node's (`shared`): the DCAT
/// files are then made whole.
fn own_nodes<'p>(pieces: &'p [Piece], shared: &Graph) -> Option<Vec<OwnNode<'p>>> {
    let mut own: Vec<OwnNode> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        own.extend(p.own.iter().enumerate().map(|(k, iri)| (iri.as_str(), i, k)));
    }
    own.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let clash = own.windows(2).any(|w| w[0].0 == w[1].0) || own.iter().any(|(iri, _, _)| shared.contains(iri));
    (!clash).then_some(own)
}

/// robots.txt and the sitemap, which lists every page of `pages` (the paths of the HTML pages
/// written, sorted). The sitemap is taken from the last build when the pages, the dates of
/// the datasets and the settings are the same: making its 30,000 entries at 10,000 datasets
/// to find the same bytes was a fifth of a rebuild's last, single-threaded stage.
pub fn render_sitemap(site: &Site, pages: &[String], out: &Emitter) -> Result<()> {
    let urls = &site.urls;
    out.file(&urls.robots(), format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", urls.absolute(&urls.sitemap())).as_bytes())?;
    let key = out.keys(site).map(|keys| {
        let mut h = out.memo().hasher();
        h.add("sitemap").add(&keys.settings()).add(pages);
        for d in &site.datasets {
            h.add(&d.id).add(&iso_date(&d.meta.modified)).add(&iso_date(&d.meta.issued));
        }
        h.finish()
    });
    out.keyed_group("sitemap", key, || sitemap_files(urls, &sitemap_entries(site, pages), SITEMAP_MAX_URLS, SITEMAP_MAX_BYTES))
}

/// Writes data.json in the site's `lang`-th language at `path`; returns its layout.
fn write_data_json(site: &Site, built: &Written, out: &Emitter, path: &str, pieces: &[Piece], lang: usize, old: Option<&Last>) -> Result<Option<Layout>> {
    let Some(&language) = site.languages.get(lang) else { return Ok(None) };
    let part = Part::DataJson(lang);
    let mut texts = Texts::new(site, built, pieces, part, old, 0..pieces.len());
    let mut placed = Vec::with_capacity(pieces.len());
    let items = (0..pieces.len()).map(|i| texts.take(i, 0));
    out.stream_ranged(path, path, |w| {
        let mut at = |offset: u64, len: u64| placed.push(vec![(offset, len)]);
        let mut w = Ranges::new(w, old);
        super::rdf::write_array_placed(&mut w, &data_json_head(site, language), items, &mut at).and_then(|()| w.finish()).map_err(|e| e.to_string())
    })?;
    Ok(layout_of(&site.datasets, pieces, part, placed))
}

/// One of the catalogs a piece has text in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Turtle,
    JsonLd,
    /// data.json in the site's `n`-th language.
    DataJson(usize),
}

/// A dataset's texts of `part` in the last build's file, when its piece is as it was then.
fn from_last<'a>(d: &Dataset, p: &Piece, part: Part, last: Option<&'a Last>) -> Option<Vec<&'a [u8]>> {
    last?.texts(&d.id, p.hash(part), p.count(part))
}

/// The layout of a catalog file just written: per dataset, the offset and length of each of
/// its texts (for the DCAT files, its own nodes); None when a text was not placed.
fn layout_of(datasets: &[Dataset], pieces: &[Piece], part: Part, placed: Vec<Vec<(u64, u64)>>) -> Option<Layout> {
    if placed.len() != datasets.len() {
        return None;
    }
    let mut texts = Vec::with_capacity(placed.len());
    for ((d, p), ranges) in datasets.iter().zip(pieces).zip(placed) {
        if ranges.len() != p.count(part) || ranges.iter().any(|r| r.0 == u64::MAX) {
            return None;
        }
        texts.push((d.id.clone(), p.hash(part), ranges));
    }
    Some(Layout::of_ranges(texts.into_iter()))
}

/// Makes again the pieces whose texts of `part` are neither made in this build nor in the last
/// build's file (a file changed or deleted since, a cache lost in part).
fn remake(site: &Site, built: &Written, pieces: &mut [Piece], part: Part, last: Option<&Last>) {
    let missing: Vec<usize> = (0..pieces.len())
        .filter(|&i| !pieces[i].made && from_last(&site.datasets[i], &pieces[i], part, last).is_none())
        .collect();
    let made = crate::parallel::map(&missing, |&i| Piece::make(site, &site.datasets[i], built));
    for (i, p) in missing.into_iter().zip(made) {
        pieces[i] = p;
    }
}

/// How many datasets' texts are made at once (on every core) while a catalog is written.
const CHUNK: usize = 256;

/// Each dataset's texts of one catalog (`part`) as the file being written asks for them: a
/// piece from the cache has them in the last build's file (checked by [`remake`]); the others
/// are made on every core a chunk of datasets at a time, in the order the file needs them,
/// and each is dropped once written. Made for the whole file at once, they were 184 MB
/// (catalog.jsonld at 10,000 datasets) at the full build's peak of memory.
struct Texts<'a> {
    site: &'a Site,
    built: &'a Written,
    part: Part,
    /// Per dataset, its texts in the last build's file, if taken from there.
    old: Vec<Option<Vec<&'a [u8]>>>,
    /// Per dataset, its texts made in this build (each taken once written).
    made: Vec<Option<Vec<Option<String>>>>,
    /// The datasets whose texts are made, in the order the file first needs them.
    order: Vec<usize>,
    /// How many of `order` were made.
    next: usize,
}

impl<'a> Texts<'a> {
    /// The texts of `part` for a file that asks for them dataset by dataset in `needs` order
    /// (a dataset's index may come more than once).
    fn new(site: &'a Site, built: &'a Written, pieces: &[Piece], part: Part, last: Option<&'a Last>, needs: impl Iterator<Item = usize>) -> Texts<'a> {
        let old: Vec<Option<Vec<&'a [u8]>>> =
            site.datasets.iter().zip(pieces).map(|(d, p)| if p.made { None } else { from_last(d, p, part, last) }).collect();
        let mut seen = vec![false; old.len()];
        let mut order = Vec::new();
        for i in needs {
            if old.get(i).is_some_and(Option::is_none) && !std::mem::replace(&mut seen[i], true) {
                order.push(i);
            }
        }
        let made = (0..old.len()).map(|_| None).collect();
        Texts { site, built, part, old, made, order, next: 0 }
    }

    /// The `k`-th text of dataset `i` (empty if it has none).
    fn take(&mut self, i: usize, k: usize) -> std::borrow::Cow<'a, [u8]> {
        use std::borrow::Cow;
        if let Some(Some(old)) = self.old.get(i) {
            return Cow::Borrowed(old.get(k).copied().unwrap_or_default());
        }
        while self.made.get(i).is_some_and(Option::is_none) && self.next < self.order.len() {
            let chunk = &self.order[self.next..(self.next + CHUNK).min(self.order.len())];
            let (site, built, part) = (self.site, self.built, self.part);
            let texts = crate::parallel::map(chunk, |&j| Piece::texts(site, &site.datasets[j], built, part));
            for (&j, t) in chunk.iter().zip(texts) {
                self.made[j] = Some(t.into_iter().map(Some).collect());
            }
            self.next += chunk.len();
        }
        let text = self.made.get_mut(i).and_then(Option::as_mut).and_then(|t| t.get_mut(k)).and_then(Option::take);
        text.map_or(Cow::Borrowed(&[][..]), |t| Cow::Owned(t.into_bytes()))
    }
}

/// The catalog's head nodes and every dataset's shared nodes, merged in the datasets' order.
///
/// The shared nodes of all pieces, merged, are kept in `store` under a key of every piece's
/// shared-node hash in order: a rebuild whose change left every dataset's shared nodes as they
/// were (a CSV, a title) reads that one graph instead of decoding and merging each piece's
/// (at 10,000 datasets, ~100,000 nodes of the same few hundred agencies, themes and licences).
/// Merging is a union that keeps each type and property where it first came, so the head
/// merged with the pieces' union is the head merged with each piece in turn.
fn merged(site: &Site, built: &Written, store: &Store, pieces: &[Piece]) -> Graph {
    let mut h = crate::load::cache::KeyHasher::new();
    h.add("catalog shared nodes");
    for p in pieces {
        h.add(&p.shared_hash);
    }
    let key = h.finish();
    let kept = store.take_raw(key).and_then(|bytes| {
        let mut r = crate::load::binary::Reader::plain(bytes);
        decode_graph(&mut r).filter(|_| r.at_end())
    });
    let union = kept.unwrap_or_else(|| {
        let mut union = Graph::default();
        for (p, d) in pieces.iter().zip(&site.datasets) {
            let decoded;
            let graph = match &p.shared {
                Some(g) => g,
                None => {
                    decoded = p.key.and_then(|k| store.raw(k)).and_then(Piece::decode_shared).unwrap_or_else(|| Piece::make(site, d, built).shared.unwrap_or_default());
                    &decoded
                }
            };
            for (iri, node) in graph.nodes() {
                union.merge_node(iri, node);
            }
        }
        let mut bytes = Vec::new();
        encode_graph(&mut bytes, &union);
        store.put_raw(key, bytes);
        union
    });
    let mut g = dcat_head(site);
    for (iri, node) in union.nodes() {
        g.merge_node(iri, node);
    }
    g
}

/// Writes the DCAT catalog at `path` as `part` (Turtle or JSON-LD): every node in IRI order,
/// the datasets' own nodes from their texts, the shared ones from `shared`. Should two
/// datasets' own nodes share an IRI (or one be a shared node's, such as a licence written as
/// the URL of a dataset page), the graph is made whole as it always was. Returns the file's
/// layout.
#[allow(clippy::too_many_arguments)]
fn write_dcat(
    site: &Site,
    built: &Written,
    out: &Emitter,
    path: &str,
    (pieces, own): (&[Piece], Option<&[OwnNode]>),
    shared: &Graph,
    part: Part,
    last: Option<&Last>,
) -> Result<Option<Layout>> {
    let io = |e: std::io::Error| e.to_string();
    let write = |w: &mut dyn std::io::Write, items: &mut dyn Iterator<Item = std::borrow::Cow<'_, [u8]>>, at: &mut dyn FnMut(u64, u64)| match part {
        Part::Turtle => super::rdf::write_turtle_placed(w, items, at),
        _ => super::rdf::write_jsonld_placed(w, items, at),
    };
    let node_text = |iri: &str, n: &super::rdf::Node| if part == Part::Turtle { super::rdf::turtle_node(iri, n) } else { super::rdf::jsonld_node_text(iri, n) };
    let Some(own) = own else {
        let whole = dcat(site, built);
        out.stream(path, path, |w| write(w, &mut whole.nodes().map(|(iri, n)| node_text(iri, n).into_bytes().into()), &mut |_, _| {}).map_err(io))?;
        return Ok(None);
    };
    // Two sorted lists merged: the shared nodes' texts are made as they are written, as are
    // the own nodes of pieces made in this build. Each own node's place is noted for the layout.
    let mut items: Vec<Item> = Vec::with_capacity(own.len() + 4096);
    let mut mine = own.iter().peekable();
    for (iri, node) in shared.nodes() {
        while let Some((_, i, k)) = mine.next_if(|(o, _, _)| *o < iri.as_str()) {
            items.push(Item::Own(*i, *k));
        }
        items.push(Item::Shared(iri, node));
    }
    items.extend(mine.map(|(_, i, k)| Item::Own(*i, *k)));
    let needs = items.iter().filter_map(|item| match item {
        Item::Own(i, _) => Some(*i),
        Item::Shared(..) => None,
    });
    let mut texts = Texts::new(site, built, pieces, part, last, needs);
    let mut placed: Vec<Vec<(u64, u64)>> = pieces.iter().map(|p| vec![(u64::MAX, 0); p.count(part)]).collect();
    let mut n = 0;
    out.stream_ranged(path, path, |w| {
        let mut w = Ranges::new(w, last);
        let mut at = |offset: u64, len: u64| {
            if let Some(Item::Own(i, k)) = items.get(n) {
                if let Some(place) = placed.get_mut(*i).and_then(|p| p.get_mut(*k)) {
                    *place = (offset, len);
                }
            }
            n += 1;
        };
        let mut bytes = items.iter().map(|item| match item {
            Item::Own(i, k) => texts.take(*i, *k),
            Item::Shared(iri, node) => std::borrow::Cow::Owned(node_text(iri, node).into_bytes()),
        });
        write(&mut w, &mut bytes, &mut at).and_then(|()| w.finish()).map_err(io)
    })?;
    Ok(layout_of(&site.datasets, pieces, part, placed))
}

/// A node of the DCAT file being written.
enum Item<'a> {
    /// A dataset's own node: the dataset's index and the node's place among its nodes.
    Own(usize, usize),
    /// A shared node, its text made as it is written.
    Shared(&'a str, &'a super::rdf::Node),
}

/// What every dataset's piece of the catalogs depends on besides the dataset: this Sala, the
/// site's settings, languages, agency registry, theme strings ([`super::keys::Keys::worded`])
/// and the build's date.
fn shared_key(site: &Site, memo: &crate::load::cache::Memo, keys: &super::keys::Keys) -> u64 {
    let mut h = memo.hasher();
    h.add("catalog piece").add(&keys.worded()).add(&site.today.to_string());
    h.finish()
}

/// The key of a dataset's [`Piece`]: what it is made from (its summary key — metadata and
/// resources' names, titles, descriptions and schemas, hashed once per build for every stage —,
/// what its tables were made from, its quality, the sizes of its downloads, and `shared`);
/// None when the build did not hash its tables.
fn piece_key(site: &Site, d: &Dataset, keys: &super::keys::Keys, sizes: &Written, shared: u64) -> Option<u64> {
    if d.source == 0 {
        return None;
    }
    let mut h = crate::load::cache::KeyHasher::new();
    h.add(&shared).add(&d.id).add(&d.source).add(&keys.summary(d));
    for r in &d.resources {
        h.add(&r.name);
        for f in super::labels::FORMATS {
            h.add(&sizes.get(&site.urls.resource(&d.id, &r.name, f.ext)));
        }
    }
    super::keys::add_quality(&mut h, site.quality.get(&d.id));
    Some(h.finish())
}


/// One dataset's part of the catalogs, made once per change of what it is made from.
pub struct Piece {
    /// The IRIs of its own nodes of the DCAT graph (no other dataset has them), sorted.
    own: Vec<String>,
    /// The nodes it shares with other datasets (agencies, themes, licences…), to merge; None
    /// when not decoded from the cache (see [`merged`]) or once merged.
    shared: Option<Graph>,
    /// A hash of its shared nodes.
    shared_hash: u64,
    /// The key it is kept under in the build cache, if any.
    key: Option<u64>,
    /// A hash of its DCAT nodes, texts included.
    dcat_hash: u64,
    /// A hash of its entry of each language's data.json (the site languages' order).
    data_hashes: Vec<u64>,
    /// Whether the piece was made in this build: its texts are made again as each catalog is
    /// written ([`Texts`]); a piece from the cache has its texts in the last build's files.
    made: bool,
}

impl Piece {
    /// Makes the piece of dataset `d`.
    fn make(site: &Site, d: &Dataset, sizes: &Written) -> Piece {
        let mut t = Target { own: Graph::default(), shared: Graph::default(), split: true };
        dcat_dataset(site, d, sizes, &mut t);
        let own: Vec<String> = t.own.nodes().map(|(iri, _)| iri.clone()).collect();
        let data_json: Vec<String> = site.languages.iter().map(|&lang| super::rdf::nested_json(&data_json_entry(site, d, lang))).collect();
        let data_hashes = data_json.iter().map(|text| super::fragments::hash_bytes(text.as_bytes())).collect();
        let mut shared = Vec::new();
        encode_graph(&mut shared, &t.shared);
        let shared_hash = super::fragments::hash_bytes(&shared);
        let mut piece = Piece { own, shared: Some(t.shared), shared_hash, key: None, dcat_hash: 0, data_hashes, made: true };
        // The own nodes hashed as data: their texts follow from them (and this Sala).
        let mut bytes = Vec::new();
        piece.encode_dcat(&mut bytes);
        encode_graph(&mut bytes, &t.own);
        piece.dcat_hash = super::fragments::hash_bytes(&bytes);
        piece
    }

    /// The texts of dataset `d` in `part`: its own nodes as Turtle or JSON-LD (in IRI order, as
    /// [`Piece::own`] lists them), or its data.json entry.
    fn texts(site: &Site, d: &Dataset, sizes: &Written, part: Part) -> Vec<String> {
        match part {
            Part::DataJson(i) => site.languages.get(i).map(|&lang| super::rdf::nested_json(&data_json_entry(site, d, lang))).into_iter().collect(),
            Part::Turtle | Part::JsonLd => {
                let mut t = Target { own: Graph::default(), shared: Graph::default(), split: true };
                dcat_dataset(site, d, sizes, &mut t);
                let text = if part == Part::Turtle { super::rdf::turtle_node } else { super::rdf::jsonld_node_text };
                t.own.nodes().map(|(iri, n)| text(iri, n)).collect()
            }
        }
    }

    /// The hash of its text in `part`.
    fn hash(&self, part: Part) -> u64 {
        match part {
            Part::Turtle | Part::JsonLd => self.dcat_hash,
            Part::DataJson(i) => self.data_hashes.get(i).copied().unwrap_or_default(),
        }
    }

    /// How many texts it has in `part`.
    fn count(&self, part: Part) -> usize {
        match part {
            Part::Turtle | Part::JsonLd => self.own.len(),
            Part::DataJson(_) => 1,
        }
    }

    /// Its own nodes' IRIs, then its shared nodes' hash and (length first, so that a decoder
    /// can pass over them) the shared nodes.
    fn encode_dcat(&self, out: &mut Vec<u8>) {
        use crate::load::binary::{put_bytes, put_str, put_u64};
        put_u64(out, self.own.len() as u64);
        for iri in &self.own {
            put_str(out, iri);
        }
        put_u64(out, self.shared_hash);
        let mut shared = Vec::new();
        if let Some(g) = &self.shared {
            encode_graph(&mut shared, g);
        }
        put_bytes(out, &shared);
    }

    /// The piece as bytes for the build cache (without its texts).
    fn encode(&self) -> Vec<u8> {
        use crate::load::binary::put_u64;
        let mut out = Vec::new();
        self.encode_dcat(&mut out);
        put_u64(&mut out, self.dcat_hash);
        put_u64(&mut out, self.data_hashes.len() as u64);
        for hash in &self.data_hashes {
            put_u64(&mut out, *hash);
        }
        out
    }

    /// The piece read back from [`Piece::encode`]'s bytes; None if they are not a piece. Its
    /// shared nodes are passed over (see [`merged`]; [`Piece::decode_shared`] reads them).
    fn decode(bytes: &[u8]) -> Option<Piece> {
        let mut r = crate::load::binary::Reader::plain(bytes);
        let mut own = Vec::new();
        for _ in 0..r.len()? {
            own.push(r.string()?);
        }
        let shared_hash = r.u64()?;
        r.raw()?;
        let dcat_hash = r.u64()?;
        let mut data_hashes = Vec::new();
        for _ in 0..r.len()? {
            data_hashes.push(r.u64()?);
        }
        r.at_end().then_some(Piece { own, shared: None, shared_hash, key: None, dcat_hash, data_hashes, made: false })
    }

    /// The shared nodes of the piece [`Piece::encode`] gave `bytes` for.
    fn decode_shared(bytes: &[u8]) -> Option<Graph> {
        let mut r = crate::load::binary::Reader::plain(bytes);
        for _ in 0..r.len()? {
            r.str()?;
        }
        r.u64()?;
        let mut inner = crate::load::binary::Reader::plain(r.raw()?);
        decode_graph(&mut inner).filter(|_| inner.at_end())
    }
}

/// A graph read back from [`encode_graph`]'s bytes.
fn decode_graph(r: &mut crate::load::binary::Reader<'_>) -> Option<Graph> {
    let mut g = Graph::default();
    for _ in 0..r.len()? {
        let iri = r.string()?;
        let mut types = Vec::new();
        for _ in 0..r.len()? {
            types.push(name(r.str()?)?);
        }
        let mut properties = Vec::new();
        for _ in 0..r.len()? {
            let p = name(r.str()?)?;
            let (kind, value, tag) = (r.u64()?, r.string()?, r.str()?);
            let o = match kind {
                0 => Object::Iri(value),
                1 => Object::Text(value, name(tag)?),
                2 => Object::Typed(value, name(tag)?),
                _ => return None,
            };
            properties.push((p, o));
        }
        g.merge_node(&iri, &super::rdf::Node::from_parts(types, properties));
    }
    Some(g)
}

/// Appends a graph's nodes (IRI, types, properties) to `out`.
fn encode_graph(out: &mut Vec<u8>, g: &Graph) {
    use crate::load::binary::{put_str, put_u64};
    let nodes: Vec<(&String, &super::rdf::Node)> = g.nodes().collect();
    put_u64(out, nodes.len() as u64);
    for (iri, n) in nodes {
        put_str(out, iri);
        put_u64(out, n.types().len() as u64);
        for t in n.types() {
            put_str(out, t);
        }
        put_u64(out, n.properties().len() as u64);
        for (p, o) in n.properties() {
            put_str(out, p);
            let (kind, value, tag) = match o {
                Object::Iri(v) => (0, v, ""),
                Object::Text(v, l) => (1, v, *l),
                Object::Typed(v, t) => (2, v, *t),
            };
            put_u64(out, kind);
            put_str(out, value);
            put_str(out, tag);
        }
    }
}

/// The names a catalog's shared nodes use (types, predicates, datatypes, language codes), as
/// the `'static` names the graph holds; None for a name the catalogs never write.
fn name(text: &str) -> Option<&'static str> {
    NAMES.iter().copied().find(|n| *n == text)
}

/// Every type, predicate, datatype and language tag of [`dcat_dataset`]'s shared nodes.
const NAMES: &[&str] = &[
    "foaf:Agent", "foaf:Organization", "foaf:name", "skos:Concept", "skos:prefLabel", "skos:inScheme", "skos:notation",
    "skos:definition", "dqv:Metric", "dqv:expectedDataType", "dct:Frequency", "dct:LinguisticSystem", "dct:Location",
    "dct:LicenseDocument", "dct:identifier", "dct:type", "dct:MediaType", "dct:IMT", "dct:MediaTypeOrExtent", "rdfs:label", "rdf:value",
    "xsd:string", "xsd:date", "xsd:decimal", "xsd:boolean", "xsd:nonNegativeInteger", "th", "en",
];

/// ADMS's publisher types, the vocabulary DCAT-AP gives a publisher's `dct:type` from.
const ADMS_PUBLISHER_TYPE: &str = "http://purl.org/adms/publishertype/";

/// The ADMS publisher type of an agency of the registry's `form`, with its labels: a local
/// government is a local authority, a state enterprise a company, every other form a body of
/// the national government.
fn publisher_type(form: &str) -> (&'static str, &'static str, &'static str) {
    match form {
        "local-government" => ("LocalAuthority", "หน่วยงานท้องถิ่น", "Local authority"),
        "state-enterprise" => ("Company", "บริษัท", "Company"),
        _ => ("NationalAuthority", "หน่วยงานระดับชาติ", "National authority"),
    }
}

/// A metadata date (TOML) as `YYYY-MM-DD`.
fn iso_date(d: &Option<toml::value::Datetime>) -> Option<String> {
    d.as_ref().and_then(toml_date).map(|d| d.to_string())
}

/// A place a dataset covers, as the catalogs name it.
struct Place {
    /// Its name.
    name: Text,
    /// Its IRI: a national authority's, or the dataset page's `#place-<code>` for a province.
    iri: String,
    /// Other IRIs of the same place (GeoNames).
    same_as: Vec<&'static str>,
    /// Its ISO 3166-2 code, for a province.
    code: Option<&'static str>,
}

/// The places a dataset covers: the provinces its `places` names, else Thailand when it has a
/// geographic coverage at all. GD-Catalog's `geo_coverage` is a level (country, region,
/// province…), not a place: it stays as text in the API and on the page.
fn places_covered(d: &Dataset, page: &str) -> Vec<Place> {
    if !d.meta.places.is_empty() {
        return d
            .meta
            .places
            .iter()
            .filter_map(|code| crate::model::place::PROVINCES.iter().find(|(c, _, _)| c == code))
            .map(|(code, th, en)| Place { name: Text::new(*th, *en), iri: format!("{page}#place-{code}"), same_as: Vec::new(), code: Some(code) })
            .collect();
    }
    if d.meta.geo_coverage.is_empty() {
        return Vec::new();
    }
    vec![Place { name: THAILAND.clone(), iri: THAILAND_EU.into(), same_as: vec![THAILAND_GEONAMES], code: None }]
}

/// Thailand's name.
static THAILAND: std::sync::LazyLock<Text> = std::sync::LazyLock::new(|| Text::new("ประเทศไทย", "Thailand"));

/// Thailand in the EU country authority (DCAT-AP's vocabulary for `dct:spatial`).
const THAILAND_EU: &str = "http://publications.europa.eu/resource/authority/country/THA";
/// Thailand in GeoNames, the gazetteer most open-data tools resolve places with.
const THAILAND_GEONAMES: &str = "https://sws.geonames.org/1605651/";

/// The EU frequency vocabulary's code for a GD-Catalog frequency.
fn eu_frequency(f: Frequency) -> &'static str {
    match f {
        Frequency::Daily => "DAILY",
        Frequency::Weekly => "WEEKLY",
        Frequency::Monthly => "MONTHLY",
        Frequency::Quarterly => "QUARTERLY",
        Frequency::Semiannual => "ANNUAL_2",
        Frequency::Annual => "ANNUAL",
        Frequency::Irregular => "IRREG",
        Frequency::Static => "NEVER",
    }
}

/// The EU data theme (code, Thai and English label) closest to a Sala theme.
fn eu_theme(code: &str) -> (&'static str, Text) {
    match code {
        "budget" | "finance" => ("ECON", Text::new("เศรษฐกิจและการเงิน", "Economy and finance")),
        "geography" => ("REGI", Text::new("ภูมิภาคและเมือง", "Regions and cities")),
        "population" => ("SOCI", Text::new("ประชากรและสังคม", "Population and society")),
        _ => ("GOVE", Text::new("รัฐบาลและภาคสาธารณะ", "Government and public sector")),
    }
}

/// The EU language vocabulary's code for a language.
fn eu_language(lang: Lang) -> &'static str {
    match lang {
        Lang::Th => "THA",
        Lang::En => "ENG",
    }
}

/// True for an e-mail address that can go into a `mailto:` IRI as it is.
fn plain_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && email.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-@".contains(c))
}

/// The IRI of a dataset in the catalogs: its page in the default language, `#dataset`.
pub fn dataset_iri(site: &Site, d: &Dataset) -> String {
    format!("{}#dataset", site.urls.absolute(&site.urls.dataset(site.config.default_language, &d.id)))
}

/// The IRI of an agency as a publisher: its page in the default language, `#agency`.
fn agency_iri(site: &Site, code: &str) -> String {
    format!("{}#agency", site.urls.absolute(&site.urls.agency(site.config.default_language, code)))
}

/// The DCAT-AP 3 catalog. Objects that DCAT-AP's shapes expect to have a class are typed
/// inline (licences, media types, formats, agents, languages), so the catalog validates offline.
fn dcat(site: &Site, sizes: &Written) -> Graph {
    let g = dcat_head(site);
    let mut t = Target { own: Graph::default(), shared: g, split: false };
    for d in &site.datasets {
        dcat_dataset(site, d, sizes, &mut t);
    }
    t.shared
}

/// The catalog's own nodes: the catalog (with its list of datasets), its publisher, home page,
/// languages and theme scheme.
fn dcat_head(site: &Site) -> Graph {
    let urls = &site.urls;
    let langs: Vec<Lang> = site.languages.clone();
    let mut g = Graph::default();
    let catalog = format!("{}#catalog", urls.absolute(&urls.home(site.config.default_language)));
    let home = urls.absolute(&urls.home(site.config.default_language));
    let publisher = format!("{home}#publisher");
    let scheme = urls.absolute(&urls.api_themes());
    let mut licenses = site.datasets.iter().map(|d| d.meta.license.trim()).filter(|l| !l.is_empty());
    let shared_license = licenses.next().filter(|first| licenses.all(|l| l == *first)).map(license_url);
    {
        let c = g.node(&catalog, &["dcat:Catalog"]);
        for &l in &langs {
            c.text("dct:title", site.config.title.get(l), l.code());
            c.text("dct:description", if site.config.description.is_empty() { site.config.title.get(l) } else { site.config.description.get(l) }, l.code());
        }
        c.iri("dct:publisher", &publisher).iri("foaf:homepage", &home).iri("dcat:themeTaxonomy", &scheme);
        for &l in &langs {
            c.iri("dct:language", format!("{EU_AUTHORITY}language/{}", eu_language(l)));
        }
        let newest = site.datasets.iter().filter_map(|d| iso_date(&d.meta.modified).or_else(|| iso_date(&d.meta.issued))).max();
        if let Some(newest) = newest {
            c.typed("dct:modified", newest, "xsd:date");
        }
        // The catalog was first issued with its first dataset (site.toml has no date of its own).
        if let Some(first) = site.datasets.iter().filter_map(|d| iso_date(&d.meta.issued)).min() {
            c.typed("dct:issued", first, "xsd:date");
        }
        // DCAT-AP recommends a licence on the catalog: the one every dataset is published under,
        // when they share one (site.toml names none, and Sala claims none for the portal).
        if let Some(license) = &shared_license {
            c.iri("dct:license", license);
        }
        // A Thai portal covers Thailand (DCAT-AP recommends the catalog's spatial coverage).
        c.iri("dct:spatial", THAILAND_EU);
        // Each dataset once (ids are unique): not looked for among thousands.
        for d in &site.datasets {
            c.push("dcat:dataset", Object::Iri(dataset_iri(site, d)));
        }
    }
    let team = if site.config.contact.name.is_empty() { &site.config.title } else { &site.config.contact.name };
    let p = g.node(&publisher, &["foaf:Agent", "foaf:Organization"]);
    for &l in &langs {
        p.text("foaf:name", team.get(l), l.code());
    }
    g.node(&home, &["foaf:Document"]);
    if let Some(license) = &shared_license {
        g.node(license, &["dct:LicenseDocument"]);
    }
    let thailand = g.node(THAILAND_EU, &["dct:Location"]);
    for &l in &langs {
        thailand.text("skos:prefLabel", THAILAND.get(l), l.code());
    }
    for &l in &langs {
        g.node(format!("{EU_AUTHORITY}language/{}", eu_language(l)), &["dct:LinguisticSystem"]);
    }
    let s = g.node(&scheme, &["skos:ConceptScheme"]);
    s.text("dct:title", "หมวดหมู่ชุดข้อมูล", "th").text("dct:title", "Dataset themes", "en");
    g
}

/// Where a dataset's nodes of the DCAT graph go: split into the nodes only it has and those
/// it shares with other datasets (a dataset's piece of the catalog, see [`Piece`]), or all
/// into one graph.
struct Target {
    own: Graph,
    shared: Graph,
    split: bool,
}

impl Target {
    /// The graph of the dataset's own nodes.
    fn own(&mut self) -> &mut Graph {
        if self.split { &mut self.own } else { &mut self.shared }
    }

    /// The graph of the nodes shared with other datasets.
    fn shared(&mut self) -> &mut Graph {
        &mut self.shared
    }
}

/// The dataset's metadata quality score and freshness as W3C DQV quality measurements (the
/// place DCAT-AP gives quality information), with the two metrics they measure.
fn quality_measurements(site: &Site, d: &Dataset, iri: &str, page: &str, t: &mut Target) {
    let Some((q, f)) = site.quality.get(&d.id) else { return };
    let metrics = site.urls.absolute(&site.urls.api_table("quality", "datasets", "json"));
    let score = format!("{metrics}#score");
    let overdue = format!("{metrics}#overdue");
    t.shared().node(&score, &["dqv:Metric"])
        .text("skos:definition", "สัดส่วนของเกณฑ์คุณภาพคำอธิบายข้อมูล 14 ข้อที่ผ่าน (ร้อยละ)", "th")
        .text("skos:definition", "Share of the 14 metadata quality criteria met (percent)", "en")
        .iri("dqv:expectedDataType", "http://www.w3.org/2001/XMLSchema#decimal");
    t.shared().node(&overdue, &["dqv:Metric"])
        .text("skos:definition", "ชุดข้อมูลไม่ได้ปรับปรุงตามความถี่ที่ระบุ ณ วันที่สร้างเว็บไซต์", "th")
        .text("skos:definition", "The dataset has not been updated as often as its frequency says, on the build's date", "en")
        .iri("dqv:expectedDataType", "http://www.w3.org/2001/XMLSchema#boolean");
    t.own().node(format!("{page}#quality-score"), &["dqv:QualityMeasurement"])
        .iri("dqv:computedOn", iri)
        .iri("dqv:isMeasurementOf", &score)
        .typed("dqv:value", format!("{}", crate::model::format::round(q.score(), 2)), "xsd:decimal");
    t.own().node(format!("{page}#quality-overdue"), &["dqv:QualityMeasurement"])
        .iri("dqv:computedOn", iri)
        .iri("dqv:isMeasurementOf", &overdue)
        .typed("dqv:value", (f.state == crate::model::quality::State::Overdue).to_string(), "xsd:boolean")
        .typed("dct:date", site.today.to_string(), "xsd:date");
}

/// The dataset's nodes of the DCAT graph: into `t`'s own graph those only it has (its IRI, its pages,
/// distributions, contact, period, provinces, quality measurements), into its shared graph those it shares
/// with other datasets (agencies, themes, licences, formats…).
fn dcat_dataset(site: &Site, d: &Dataset, sizes: &Written, t: &mut Target) {
    let urls = &site.urls;
    let m = &d.meta;
    let langs = site.languages.clone();
    let iri = dataset_iri(site, d);
    let page = urls.absolute(&urls.dataset(site.config.default_language, &d.id));
    let agency = agency_iri(site, &m.agency);
    let license = license_url(&m.license);
    {
        let n = t.own().node(&iri, &["dcat:Dataset"]);
        for &l in &langs {
            n.text("dct:title", m.title.get(l), l.code());
            n.text("dct:description", if m.description.is_empty() { m.title.get(l) } else { m.description.get(l) }, l.code());
        }
        n.typed("dct:identifier", &d.id, "xsd:string");
        for &l in &langs {
            for tag in m.tags.get(l) {
                n.text("dcat:keyword", tag, l.code());
            }
        }
        n.iri("dct:publisher", &agency);
        if !m.contact.name.is_empty() || plain_email(&m.contact.email) {
            n.iri("dcat:contactPoint", format!("{page}#contact"));
        }
        for theme in &m.themes {
            n.iri("dcat:theme", urls.theme_concept(theme));
            n.iri("dcat:theme", format!("{EU_AUTHORITY}data-theme/{}", eu_theme(theme).0));
        }
        if let Some(issued) = iso_date(&m.issued) {
            n.typed("dct:issued", issued, "xsd:date");
        }
        if let Some(modified) = iso_date(&m.modified) {
            n.typed("dct:modified", modified, "xsd:date");
        }
        if let Some(f) = m.frequency {
            n.iri("dct:accrualPeriodicity", format!("{EU_AUTHORITY}frequency/{}", eu_frequency(f)));
        }
        for l in m.language.iter().filter_map(|c| Lang::from_code(c)) {
            n.iri("dct:language", format!("{EU_AUTHORITY}language/{}", eu_language(l)));
        }
        if period_covered(d).is_some() {
            n.iri("dct:temporal", format!("{page}#temporal"));
        }
        for place in places_covered(d, &page) {
            n.iri("dct:spatial", place.iri.clone());
            for iri in place.same_as {
                n.iri("dct:spatial", iri);
            }
        }
        for &l in &langs {
            n.iri("dcat:landingPage", urls.absolute(&urls.dataset(l, &d.id)));
        }
        for r in &d.resources {
            for format in formats_of(site, r) {
                n.iri("dcat:distribution", format!("{page}#{}-{}", r.name, format.ext));
            }
        }
        if site.quality.contains_key(&d.id) {
            n.iri("dqv:hasQualityMeasurement", format!("{page}#quality-score"));
            n.iri("dqv:hasQualityMeasurement", format!("{page}#quality-overdue"));
        }
    }
    quality_measurements(site, d, &iri, &page, t);
    let a = t.shared().node(&agency, &["foaf:Agent", "foaf:Organization"]);
    match site.agency(&m.agency) {
        Some(x) => {
            for &l in &langs {
                a.text("foaf:name", x.name.get(l), l.code());
            }
            // DCAT-AP recommends each publisher's kind, from ADMS's publisher types.
            let (kind, th, en) = publisher_type(&x.form);
            let kind = format!("{ADMS_PUBLISHER_TYPE}{kind}");
            a.iri("dct:type", &kind);
            t.shared()
                .node(&kind, &["skos:Concept"])
                .text("skos:prefLabel", th, "th")
                .text("skos:prefLabel", en, "en")
                .iri("skos:inScheme", format!("{ADMS_PUBLISHER_TYPE}1.0"));
        }
        None => {
            a.text("foaf:name", &m.agency, "en");
        }
    }
    if !m.contact.name.is_empty() || plain_email(&m.contact.email) {
        let c = t.own().node(format!("{page}#contact"), &["vcard:Kind", "vcard:Organization"]);
        let name = if m.contact.name.is_empty() { site.agency(&m.agency).map_or(Text::new(&m.agency, &m.agency), |a| a.name.clone()) } else { m.contact.name.clone() };
        for &l in &langs {
            c.text("vcard:fn", name.get(l), l.code());
        }
        if plain_email(&m.contact.email) {
            c.iri("vcard:hasEmail", format!("mailto:{}", m.contact.email));
        }
    }
    for theme in &m.themes {
        let label = theme_label(site, theme);
        let concept = t.shared().node(urls.theme_concept(theme), &["skos:Concept"]);
        concept.text("skos:prefLabel", &label.th, "th").text("skos:prefLabel", &label.en, "en");
        concept.iri("skos:inScheme", urls.absolute(&urls.api_themes()));
        let (code, label) = eu_theme(theme);
        let eu = t.shared().node(format!("{EU_AUTHORITY}data-theme/{code}"), &["skos:Concept"]);
        eu.text("skos:prefLabel", &label.th, "th").text("skos:prefLabel", &label.en, "en");
    }
    if let Some(f) = m.frequency {
        t.shared().node(format!("{EU_AUTHORITY}frequency/{}", eu_frequency(f)), &["dct:Frequency"]);
    }
    for l in m.language.iter().filter_map(|c| Lang::from_code(c)) {
        t.shared().node(format!("{EU_AUTHORITY}language/{}", eu_language(l)), &["dct:LinguisticSystem"]);
    }
    if let Some((start, end)) = period_covered(d) {
        t.own().node(format!("{page}#temporal"), &["dct:PeriodOfTime"]).typed("dcat:startDate", start, "xsd:date").typed("dcat:endDate", end, "xsd:date");
    }
    for place in places_covered(d, &page) {
        for iri in std::iter::once(place.iri.as_str()).chain(place.same_as.iter().copied()) {
            // A province is the dataset page's `#place-…`; Thailand is every dataset's.
            let graph = if place.code.is_some() && iri == place.iri { t.own() } else { t.shared() };
            let node = graph.node(iri, &["dct:Location"]);
            for &l in &langs {
                node.text("skos:prefLabel", place.name.get(l), l.code());
            }
            if let Some(code) = place.code {
                node.typed("skos:notation", code, "xsd:string");
            }
        }
    }
    for &l in &langs {
        t.own().node(urls.absolute(&urls.dataset(l, &d.id)), &["foaf:Document"]);
    }
    t.shared().node(format!("{EU_AUTHORITY}planned-availability/STABLE"), &["skos:Concept"])
        .text("skos:prefLabel", "คงที่", "th")
        .text("skos:prefLabel", "stable", "en");
    t.shared().node(&license, &["dct:LicenseDocument"]).typed("dct:identifier", &m.license, "xsd:string");
    for (i, r) in d.resources.iter().enumerate() {
        // Headed as its pages head it: an untitled table by the dataset's title, not its name.
        let title = |l: Lang| d.resource_title(i, l, &super::page::t(site, l, "resource_numbered"));
        for format in formats_of(site, r) {
            let path = urls.resource(&d.id, &r.name, format.ext);
            let n = t.own().node(format!("{page}#{}-{}", r.name, format.ext), &["dcat:Distribution"]);
            for &l in &langs {
                n.text("dct:title", &format!("{} ({})", title(l), format.name), l.code());
            }
            let description = Text::new(
                format!("ข้อมูล {} ทุกแถว ในรูปแบบ {}", title(Lang::Th), format.name),
                format!("Every row of {} as {}", title(Lang::En), format.name),
            );
            for &l in &langs {
                n.text("dct:description", description.get(l), l.code());
            }
            n.iri("dcat:accessURL", &page).iri("dcat:downloadURL", urls.absolute(&path)).iri("dct:license", &license);
            // Sala keeps every published URL working (see the README's URL layout).
            n.iri("dcatap:availability", format!("{EU_AUTHORITY}planned-availability/STABLE"));
            if let Some(size) = sizes.get(path.as_str()) {
                n.typed("dcat:byteSize", size.to_string(), "xsd:nonNegativeInteger");
            }
            n.iri("dcat:mediaType", format.media_type_iri());
            // A format the EU file-type authority lacks (NDJSON) has no dct:format: DCAT-AP's
            // vocabulary shapes refuse any other (a violation), its absence is a warning, and
            // ckanext-dcat then reads the media type alone.
            if let Some(format_iri) = format.format_iri {
                n.iri("dct:format", format_iri);
            }
            t.shared().node(format.media_type_iri(), &["dct:MediaType"]);
            let Some(format_iri) = format.format_iri else { continue };
            // CKAN's DCAT profiles show a format IRI as it is unless it is a `dct:IMT` (typed
            // first), whose rdfs:label is then the plain format ("CSV") and rdf:value its media
            // type. A literal dct:format would break DCAT-AP's range (dct:MediaTypeOrExtent).
            t.shared().node(format_iri, &["dct:IMT", "dct:MediaTypeOrExtent"])
                .typed("rdfs:label", format.name, "xsd:string")
                .typed("rdf:value", format.media_type, "xsd:string");
        }
    }
}

/// The head of `/data.json` in `lang`, with its (empty) array of datasets last.
fn data_json_head(site: &Site, lang: Lang) -> Value {
    json!({
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@id": site.urls.absolute(&site.urls.data_json_in(lang)),
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": [],
    })
}

/// `/data.json` (default language) and `/<lang>/data.json`: DCAT-US / Project Open Data 1.1,
/// one language a file as that schema has. US harvesters make a dataset's name from its title
/// in ASCII, so they need the English file. Thai agencies have no US OMB bureau or program
/// codes, which the schema requires: `000:00` and `000:000` fill them, the values the schema's
/// patterns accept for "none". This is one dataset's entry.
fn data_json_entry(site: &Site, d: &Dataset, lang: Lang) -> Value {
    let urls = &site.urls;
    let m = &d.meta;
    let agency = site.agency(&m.agency);
    let mut publisher = json!({"@type": "org:Organization", "name": agency.map_or(m.agency.as_str(), |a| a.name.get(lang))});
    if let Some(parent) = agency.and_then(|a| a.parent.as_deref()).and_then(|p| site.agency(p)) {
        publisher["subOrganizationOf"] = json!({"@type": "org:Organization", "name": parent.name.get(lang)});
    }
    let email = if plain_email(&m.contact.email) { m.contact.email.as_str() } else { site.config.contact.email.as_str() };
    let contact_name = if m.contact.name.is_empty() { publisher["name"].as_str().unwrap_or_default().to_string() } else { m.contact.name.get(lang).to_string() };
    let mut keywords: Vec<String> = m.tags.get(lang).to_vec();
    if keywords.is_empty() {
        // The schema needs at least one keyword: the themes say what the data is about.
        keywords = m.themes.iter().map(|t| theme_label(site, t).get(lang).to_string()).collect();
    }
    if keywords.is_empty() {
        keywords.push(d.id.clone());
    }
    let mut out = Map::new();
    out.insert("@type".into(), json!("dcat:Dataset"));
    out.insert("identifier".into(), json!(dataset_iri(site, d)));
    out.insert("title".into(), json!(m.title.get(lang)));
    out.insert("description".into(), json!(if m.description.is_empty() { m.title.get(lang) } else { m.description.get(lang) }));
    out.insert("keyword".into(), json!(keywords));
    if let Some(modified) = iso_date(&m.modified).or_else(|| iso_date(&m.issued)) {
        out.insert("modified".into(), json!(modified));
    }
    if let Some(issued) = iso_date(&m.issued) {
        out.insert("issued".into(), json!(issued));
    }
    out.insert("publisher".into(), publisher.clone());
    out.insert("contactPoint".into(), json!({"@type": "vcard:Contact", "fn": contact_name, "hasEmail": format!("mailto:{email}")}));
    out.insert("accessLevel".into(), json!("public"));
    out.insert("bureauCode".into(), json!(["000:00"]));
    out.insert("programCode".into(), json!(["000:000"]));
    out.insert("license".into(), json!(license_url(&m.license)));
    let places = places_covered(d, "");
    if !places.is_empty() {
        let mut names: Vec<&str> = places.iter().map(|p| p.name.get(lang)).collect();
        // A province is named with its country, as a gazetteer would find it.
        if places.iter().any(|p| p.code.is_some()) {
            names.push(THAILAND.get(lang));
        }
        out.insert("spatial".into(), json!(names.join(", ")));
    }
    if let Some((start, end)) = period_covered(d) {
        out.insert("temporal".into(), json!(format!("{start}/{end}")));
    }
    if let Some(f) = m.frequency {
        let iso = match f {
            Frequency::Daily => Some("R/P1D"),
            Frequency::Weekly => Some("R/P1W"),
            Frequency::Monthly => Some("R/P1M"),
            Frequency::Quarterly => Some("R/P3M"),
            Frequency::Semiannual => Some("R/P6M"),
            Frequency::Annual => Some("R/P1Y"),
            Frequency::Irregular => Some("irregular"),
            // Never updated: POD has no value for that, so the key is left out.
            Frequency::Static => None,
        };
        if let Some(iso) = iso {
            out.insert("accrualPeriodicity".into(), json!(iso));
        }
    }
    let languages: Vec<&str> = m.language.iter().filter_map(|c| Lang::from_code(c)).map(Lang::code).collect();
    if !languages.is_empty() {
        out.insert("language".into(), json!(languages));
    }
    if !m.themes.is_empty() {
        out.insert("theme".into(), json!(m.themes.iter().map(|t| theme_label(site, t).get(lang).to_string()).collect::<Vec<_>>()));
    }
    out.insert("landingPage".into(), json!(urls.absolute(&urls.dataset(lang, &d.id))));
    out.insert("describedBy".into(), json!(urls.absolute(&urls.datapackage(&d.id))));
    out.insert("describedByType".into(), json!("application/json"));
    let numbered = super::page::t(site, lang, "resource_numbered");
    let distributions: Vec<Value> = d
        .resources
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            let title = d.resource_title(i, lang, &numbered);
            formats_of(site, r).map(move |format| {
                json!({
                    "@type": "dcat:Distribution",
                    "title": format!("{title} ({})", format.name),
                    "downloadURL": urls.absolute(&urls.resource(&d.id, &r.name, format.ext)),
                    "mediaType": format.media_type,
                    "format": format.name,
                    "describedBy": urls.absolute(&urls.datapackage(&d.id)),
                    "describedByType": "application/json",
                })
            })
        })
        .collect();
    out.insert("distribution".into(), Value::Array(distributions));
    Value::Object(out)
}

/// The most URLs one sitemap file may list (the sitemaps.org protocol's limit).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// The most bytes one sitemap file may hold (the protocol's 50 MB, uncompressed).
pub const SITEMAP_MAX_BYTES: usize = 50 * 1024 * 1024;

const SITEMAP_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const SITEMAP_TAIL: &str = "</urlset>\n";

/// `/sitemap.xml` listing every entry; or, when that would pass `max_urls` URLs or
/// `max_bytes` bytes, `/sitemaps/sitemap-<n>.xml` parts within both limits and `/sitemap.xml`
/// as the sitemap index that lists them (robots.txt names `/sitemap.xml` either way).
fn sitemap_files(urls: &crate::urls::Urls, entries: &[String], max_urls: usize, max_bytes: usize) -> Vec<OutputFile> {
    let frame = SITEMAP_HEAD.len() + SITEMAP_TAIL.len();
    let mut parts: Vec<String> = Vec::new();
    let mut count = 0;
    for entry in entries {
        let fits = parts.last().is_some_and(|p| count < max_urls && p.len() + entry.len() + SITEMAP_TAIL.len() <= max_bytes);
        if !fits {
            parts.push(String::with_capacity(frame));
            if let Some(p) = parts.last_mut() {
                p.push_str(SITEMAP_HEAD);
            }
            count = 0;
        }
        if let Some(p) = parts.last_mut() {
            p.push_str(entry);
        }
        count += 1;
    }
    for p in &mut parts {
        p.push_str(SITEMAP_TAIL);
    }
    if parts.len() <= 1 {
        let one = parts.pop().unwrap_or_else(|| format!("{SITEMAP_HEAD}{SITEMAP_TAIL}"));
        return vec![OutputFile::new(urls.sitemap(), one)];
    }
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut files = Vec::with_capacity(parts.len() + 1);
    for (i, part) in parts.into_iter().enumerate() {
        let path = urls.sitemap_part(i + 1);
        index.push_str(&format!("<sitemap><loc>{}</loc></sitemap>\n", xml(&urls.absolute(&path))));
        files.push(OutputFile::new(path, part));
    }
    index.push_str("</sitemapindex>\n");
    files.push(OutputFile::new(urls.sitemap(), index));
    files
}

/// The sitemap's `<url>` entries: every HTML page that was built, each with its other-language
/// twins as `xhtml:link` hreflang alternates (and `x-default`), dataset pages with their
/// modified date.
fn sitemap_entries(site: &Site, pages: &[String]) -> Vec<String> {
    let urls = &site.urls;
    let mut groups: BTreeMap<String, BTreeMap<Lang, String>> = BTreeMap::new();
    for f in pages.iter().filter(|f| f.ends_with("index.html")) {
        let path = f.trim_end_matches("index.html");
        let (lang, rest) = urls.split_language(path);
        groups.entry(rest.to_string()).or_default().insert(lang, path.to_string());
    }
    let modified: BTreeMap<String, String> = site
        .datasets
        .iter()
        .filter_map(|d| Some((urls.dataset(site.config.default_language, &d.id), iso_date(&d.meta.modified).or_else(|| iso_date(&d.meta.issued))?)))
        .collect();
    let mut entries = Vec::new();
    for (key, paths) in &groups {
        for path in paths.values() {
            let mut out = format!("<url>\n  <loc>{}</loc>\n", xml(&to_uri(&urls.absolute(path))));
            if let Some(date) = modified.get(key) {
                out.push_str(&format!("  <lastmod>{date}</lastmod>\n"));
            }
            if paths.len() > 1 {
                for (lang, twin) in paths {
                    out.push_str(&format!("  <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n", lang.code(), xml(&to_uri(&urls.absolute(twin)))));
                }
                if let Some(default) = paths.get(&site.config.default_language) {
                    out.push_str(&format!("  <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n", xml(&to_uri(&urls.absolute(default)))));
                }
            }
            out.push_str("</url>\n");
            entries.push(out);
        }
    }
    entries
}

/// An Atom feed in `lang` of the datasets, newest-modified first. Its `updated` is the newest
/// dataset's date, so an unchanged portal gives an unchanged feed.
fn feed(site: &Site, lang: Lang) -> String {
    let urls = &site.urls;
    let mut dated: Vec<(&Dataset, String)> = site
        .datasets
        .iter()
        .filter_map(|d| Some((d, iso_date(&d.meta.modified).or_else(|| iso_date(&d.meta.issued))?)))
        .collect();
    dated.sort_by(|(a, x), (b, y)| y.cmp(x).then_with(|| a.id.cmp(&b.id)));
    dated.truncate(FEED_ENTRIES);
    let updated = dated.first().map_or_else(|| "1970-01-01".to_string(), |(_, date)| date.clone());
    let self_url = urls.absolute(&urls.feed(lang));
    let team = if site.config.contact.name.is_empty() { &site.config.title } else { &site.config.contact.name };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n",
        lang.code(),
        xml(site.config.title.get(lang))
    );
    if !site.config.description.is_empty() {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", xml(site.config.description.get(lang))));
    }
    out.push_str(&format!("  <id>{}</id>\n", xml(&self_url)));
    out.push_str(&format!("  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", xml(&self_url)));
    out.push_str(&format!("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&urls.absolute(&urls.datasets(lang)))));
    out.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    out.push_str(&format!("  <author>\n    <name>{}</name>\n", xml(team.get(lang))));
    if plain_email(&site.config.contact.email) {
        out.push_str(&format!("    <email>{}</email>\n", xml(&site.config.contact.email)));
    }
    out.push_str("  </author>\n");
    for (d, date) in &dated {
        let m = &d.meta;
        let page = urls.absolute(&urls.dataset(lang, &d.id));
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", xml(m.title.get(lang))));
        out.push_str(&format!("    <id>{}</id>\n", xml(&page)));
        out.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&page)));
        out.push_str(&format!("    <updated>{date}T00:00:00Z</updated>\n"));
        if let Some(issued) = iso_date(&m.issued) {
            out.push_str(&format!("    <published>{issued}T00:00:00Z</published>\n"));
        }
        let agency = site.agency(&m.agency).map_or(m.agency.as_str(), |a| a.name.get(lang));
        out.push_str(&format!("    <author>\n      <name>{}</name>\n    </author>\n", xml(agency)));
        for theme in &m.themes {
            out.push_str(&format!("    <category term=\"{}\" label=\"{}\"/>\n", xml(theme), xml(theme_label(site, theme).get(lang))));
        }
        if !m.description.is_empty() {
            out.push_str(&format!("    <summary>{}</summary>\n", xml(m.description.get(lang))));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The schema.org `Dataset` of a dataset page in `lang`, as JSON-LD text safe to put inside a
/// `<script>` element: every `<` is written `\u003c`, so no `</script>` or `<!--` can appear.
/// The `@context` is inline (schema.org as the vocabulary, URL-valued terms as IRIs) so that
/// tools read it without fetching anything.
pub fn schema_org(site: &Site, d: &Dataset, lang: Lang) -> String {
    let urls = &site.urls;
    let m = &d.meta;
    let agency = site.agency(&m.agency);
    let organization = json!({
        "@type": "GovernmentOrganization",
        "@id": agency_iri(site, &m.agency),
        "name": agency.map_or(m.agency.as_str(), |a| a.name.get(lang)),
        "url": urls.absolute(&urls.agency(lang, &m.agency)),
    });
    let mut out = Map::new();
    out.insert(
        "@context".into(),
        json!({"@vocab": "https://schema.org/", "url": {"@type": "@id"}, "contentUrl": {"@type": "@id"}, "license": {"@type": "@id"}, "sameAs": {"@type": "@id"}}),
    );
    out.insert("@type".into(), json!("Dataset"));
    out.insert("@id".into(), json!(dataset_iri(site, d)));
    out.insert("name".into(), json!(m.title.get(lang)));
    out.insert("description".into(), json!(if m.description.is_empty() { m.title.get(lang) } else { m.description.get(lang) }));
    out.insert("url".into(), json!(urls.absolute(&urls.dataset(lang, &d.id))));
    out.insert("identifier".into(), json!(d.id));
    let languages: Vec<&str> = m.language.iter().filter_map(|c| Lang::from_code(c)).map(Lang::code).collect();
    out.insert("inLanguage".into(), if languages.is_empty() { json!(lang.code()) } else { json!(languages) });
    if !m.tags.get(lang).is_empty() {
        out.insert("keywords".into(), json!(m.tags.get(lang)));
    }
    out.insert("license".into(), json!(license_url(&m.license)));
    out.insert("isAccessibleForFree".into(), json!(true));
    out.insert("creator".into(), organization.clone());
    out.insert("publisher".into(), organization);
    if let Some(issued) = iso_date(&m.issued) {
        out.insert("datePublished".into(), json!(issued));
    }
    if let Some(modified) = iso_date(&m.modified) {
        out.insert("dateModified".into(), json!(modified));
    }
    if let Some((start, end)) = period_covered(d) {
        out.insert("temporalCoverage".into(), json!(format!("{start}/{end}")));
    }
    let thailand = json!({"@type": "Place", "name": THAILAND.get(lang), "sameAs": [THAILAND_EU, THAILAND_GEONAMES]});
    let places: Vec<Value> = places_covered(d, &urls.absolute(&urls.dataset(lang, &d.id)))
        .into_iter()
        .map(|p| match p.code {
            Some(code) => json!({"@type": "AdministrativeArea", "@id": p.iri, "name": p.name.get(lang), "identifier": code, "containedInPlace": thailand}),
            None => thailand.clone(),
        })
        .collect();
    match places.len() {
        0 => {}
        1 => {
            out.insert("spatialCoverage".into(), places[0].clone());
        }
        _ => {
            out.insert("spatialCoverage".into(), Value::Array(places));
        }
    }
    // The version a reader has: the data as of its last change (the metadata has no other).
    if let Some(version) = iso_date(&m.modified).or_else(|| iso_date(&m.issued)) {
        out.insert("version".into(), json!(version));
    }
    let numbered = super::page::t(site, lang, "resource_numbered");
    let distribution: Vec<Value> = d
        .resources
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            let title = d.resource_title(i, lang, &numbered);
            formats_of(site, r).map(move |format| {
                json!({
                    "@type": "DataDownload",
                    "name": format!("{title} ({})", format.name),
                    "encodingFormat": format.media_type,
                    "contentUrl": urls.absolute(&urls.resource(&d.id, &r.name, format.ext)),
                })
            })
        })
        .collect();
    out.insert("distribution".into(), Value::Array(distribution));
    let mut variables: Vec<Value> = Vec::new();
    for r in &d.resources {
        for f in &r.schema.fields {
            if variables.iter().any(|v| v["name"] == f.name) {
                continue;
            }
            let mut v = json!({"@type": "PropertyValue", "name": f.name});
            if !f.title.is_empty() {
                v["alternateName"] = json!(f.title.get(lang));
            }
            if !f.description.is_empty() {
                v["description"] = json!(f.description.get(lang));
            }
            variables.push(v);
        }
    }
    out.insert("variableMeasured".into(), Value::Array(variables));
    out.insert(
        "includedInDataCatalog".into(),
        json!({"@type": "DataCatalog", "name": site.config.title.get(lang), "url": urls.absolute(&urls.home(lang))}),
    );
    // Serialising a `Value` cannot fail.
    serde_json::to_string(&Value::Object(out)).unwrap_or_default().replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_over_either_limit_becomes_an_index_of_parts_within_both() {
        let urls = crate::urls::Urls::new("https://data.example.go.th/", Lang::Th);
        let entries: Vec<String> = (0..7).map(|i| format!("<url><loc>https://data.example.go.th/p{i}/</loc></url>\n")).collect();
        let one = sitemap_files(&urls, &entries, 7, SITEMAP_MAX_BYTES);
        assert_eq!(one.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["sitemap.xml"]);
        assert_eq!(String::from_utf8_lossy(&one[0].bytes).matches("<url>").count(), 7);

        let parts = sitemap_files(&urls, &entries, 3, SITEMAP_MAX_BYTES);
        let paths: Vec<&str> = parts.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["sitemaps/sitemap-1.xml", "sitemaps/sitemap-2.xml", "sitemaps/sitemap-3.xml", "sitemap.xml"]);
        let counts: Vec<usize> = parts[..3].iter().map(|f| String::from_utf8_lossy(&f.bytes).matches("<url>").count()).collect();
        assert_eq!(counts, [3, 3, 1]);
        let index = String::from_utf8_lossy(&parts[3].bytes).into_owned();
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(index.contains("<loc>https://data.example.go.th/sitemaps/sitemap-3.xml</loc>"), "{index}");

        // By size: each part holds what fits in the bytes allowed, head and tail included.
        let limit = SITEMAP_HEAD.len() + SITEMAP_TAIL.len() + 2 * entries[0].len();
        let parts = sitemap_files(&urls, &entries, SITEMAP_MAX_URLS, limit);
        assert_eq!(parts.len(), 5, "4 parts of 2, 2, 2 and 1 entries, and the index");
        assert!(parts[..4].iter().all(|f| f.bytes.len() <= limit));
    }

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn only_plain_addresses_become_mailto_links() {
        assert!(plain_email("bb-data@example.go.th"));
        assert!(!plain_email("a b@example.go.th"));
        assert!(!plain_email("nobody"));
    }
}
