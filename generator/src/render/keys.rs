//! The keys a rebuild compares to know which files of the last build it can take unchanged,
//! made from the inputs a file shows rather than from the file's context: making and hashing the
//! context of every list, agency and facet page was most of a rebuild's time at 10,000 datasets.
//!
//! Each dataset has a *summary* key, hashed once per build: its id, metadata and its resources'
//! names, titles, descriptions, schemas and row counts — everything a list, a card, a facet or an
//! API summary shows of it, not its data. A file that shows datasets is keyed by their summary
//! keys in the order it shows them, with the site-wide values it shows (the site's settings,
//! languages and agency registry: [`Keys::settings`]; the theme, strings and menu: the shared key
//! of the pages (`html`); counts and pages as the page adds them). The same inputs give the same
//! bytes, so a file whose key did not change is the file the last build wrote.

use crate::load::cache::{KeyHasher, Memo};
use crate::model::quality::{Freshness, Quality};
use crate::model::{Agency, Dataset, Site};
use std::collections::HashMap;
use std::fmt::Debug;

/// The keys of one build (only made when the build keeps a cache).
pub struct Keys {
    /// Per dataset, in the order of `site.datasets`, its summary key.
    summaries: Vec<u64>,
    /// Where each dataset's id is in `summaries`.
    index: HashMap<String, usize>,
    /// The site's settings, languages and agency registry (names shown beside every dataset).
    settings: u64,
    /// [`Keys::settings`] and the theme's strings in every language.
    worded: u64,
    /// The keys of the figures agency pages and dashboards show.
    figures: Figures,
}

impl Keys {
    /// The keys of `site`'s datasets, hashed on every thread; `shown` are the datasets whose
    /// titles the dashboards' tables show (`dashboard::shown_datasets`).
    pub fn new(site: &Site, memo: &Memo, shown: &[&Dataset]) -> Keys {
        let summaries = summaries(site, memo);
        let index = site.datasets.iter().enumerate().map(|(i, d)| (d.id.clone(), i)).collect();
        let mut h = memo.hasher();
        h.add(&format!("{:?}", site.config)).add(&site.languages).add(&site.agencies.len());
        for a in &site.agencies {
            add_agency(&mut h, a);
        }
        let settings = h.finish();
        let figures = figures(site, &summaries, shown);
        let mut h = memo.hasher();
        h.add(&settings).add(&site.theme.strings);
        Keys { summaries, index, settings, worded: h.finish(), figures }
    }

    /// The key of what agency `code`'s page shows beyond the registry and the datasets it
    /// lists first ([`Figures::agencies`]); 0 for a code the registry does not have.
    pub fn agency(&self, code: &str) -> u64 {
        self.figures.agencies.get(code).copied().unwrap_or_default()
    }

    /// The key of what the portal's dashboards show beyond the registry ([`Figures::portal`]).
    pub fn dashboards(&self) -> u64 {
        self.figures.portal
    }

    /// The summary key of the dataset at `i` in `site.datasets`.
    pub fn summary_at(&self, i: usize) -> u64 {
        self.summaries.get(i).copied().unwrap_or_default()
    }

    /// The summary key of dataset `d`.
    pub fn summary(&self, d: &Dataset) -> u64 {
        self.index.get(&d.id).map_or(0, |&i| self.summary_at(i))
    }

    /// Every dataset's summary key, in the order of `site.datasets`.
    pub fn summaries(&self) -> &[u64] {
        &self.summaries
    }

    /// The hash of the site's settings, languages and agency registry.
    pub fn settings(&self) -> u64 {
        self.settings
    }

    /// The hash of [`Keys::settings`] and the theme's strings: what the catalogs' and the
    /// search index's pieces share. (The debug form of the registry and strings, every Thai
    /// character escaped, was a thirtieth of a rebuild at 10,000 datasets.)
    pub fn worded(&self) -> u64 {
        self.worded
    }
}

/// The file in the cache folder that carries each dataset's keys to the next build.
const CARRIED: &str = "summaries.bin";

const CARRIED_MAGIC: &[u8] = b"sala summaries 2\n";

/// Each dataset's summary key (see [`summary`]), taken from the last build for a dataset
/// whose inputs did not change (by [`inputs`]): writing 10,000 datasets' metadata and schemas
/// as JSON to hash them was a twenty-fifth of a rebuild's time. Saved for the next build when
/// any changed.
fn summaries(site: &Site, memo: &Memo) -> Vec<u64> {
    let last = memo.dir().map(|dir| read_carried(&dir.join(CARRIED))).unwrap_or_default();
    let made: Vec<(Option<u64>, u64)> = crate::parallel::map(&site.datasets, |d| {
        let inputs = inputs(d, memo);
        match (inputs, last.get(d.id.as_str())) {
            (Some(inputs), Some(&(known, summary))) if known == inputs => (Some(inputs), summary),
            _ => (inputs, summary(d, memo)),
        }
    });
    let same = made.len() == last.len()
        && site.datasets.iter().zip(&made).all(|(d, (inputs, summary))| inputs.is_some_and(|i| last.get(d.id.as_str()) == Some(&(i, *summary))));
    if let (Some(dir), false) = (memo.dir(), same) {
        let mut w = crate::load::binary::Writer::new(CARRIED_MAGIC);
        let carried: Vec<_> = site.datasets.iter().zip(&made).filter_map(|(d, (inputs, summary))| Some((d, (*inputs)?, summary))).collect();
        w.len(carried.len());
        for (d, inputs, &summary) in carried {
            w.str(&d.id);
            w.u64(inputs);
            w.u64(summary);
        }
        // One that cannot be saved only costs the next build time.
        let _ = crate::load::cache::save(dir, CARRIED, &w.bytes);
    }
    made.into_iter().map(|(_, summary)| summary).collect()
}

/// The keys [`summaries`] saved: per dataset id, the key of its inputs and its summary key;
/// empty when the file is missing or not whole.
fn read_carried(path: &std::path::Path) -> HashMap<String, (u64, u64)> {
    let read = || -> Option<HashMap<String, (u64, u64)>> {
        let bytes = std::fs::read(path).ok()?;
        let mut r = crate::load::binary::Reader::new(&bytes, CARRIED_MAGIC)?;
        let n = r.len()?;
        let mut carried = HashMap::with_capacity(n);
        for _ in 0..n {
            carried.insert(r.string()?, (r.u64()?, r.u64()?));
        }
        r.at_end().then_some(carried)
    };
    read().unwrap_or_default()
}

/// A key of everything [`summary`] reads of `d`, cheaper to make than the summary itself: this
/// Sala, the id, the bytes of its metadata files (which its metadata, its resources' titles and
/// descriptions, inline schemas and personal-data treatments are parsed from), what its tables
/// were made from (their data, reading options and schemas: [`Dataset::source`]), and its
/// resources' names and rows. None when the build did not hash its files (nothing is carried).
fn inputs(d: &Dataset, memo: &Memo) -> Option<u64> {
    let meta_key = d.meta_key?;
    if d.source == 0 {
        return None;
    }
    let mut h = memo.hasher();
    h.add("summary inputs").add(&d.id).add(&meta_key).add(&d.source).add(&d.resources.len());
    for r in &d.resources {
        h.add(&r.name).add(&r.rows());
    }
    Some(h.finish())
}

/// `d`'s summary key: of what every list, card and API summary can show of `d`: its id,
/// metadata, and its resources without their data (names, titles, descriptions, schemas, row
/// counts).
fn summary(d: &Dataset, memo: &Memo) -> u64 {
    let mut h = memo.hasher();
    h.add(&d.id).add_json(&d.meta).add(&d.resources.len());
    for r in &d.resources {
        h.add(&r.name).add_json(&r.title).add_json(&r.description).add_json(&r.schema).add(&r.rows());
    }
    h.finish()
}

/// Adds the summary keys of the datasets at `indexes` (in `site.datasets`) to `h`, in order.
pub fn add_datasets<'a>(h: &mut KeyHasher, keys: &Keys, indexes: impl IntoIterator<Item = &'a usize>) {
    let mut n = 0usize;
    for &i in indexes {
        h.add(&keys.summary_at(i));
        n += 1;
    }
    h.add(&n);
}

/// The keys of the figures pages show: per agency of the registry, everything its page shows
/// that is not in the registry or the site's settings, and the same for the portal's dashboards.
struct Figures {
    /// Per agency code, the rows about it and, for a ministry, about its agencies (finance
    /// summary, maturity scores now and in every assessment, e-services, targets, deliverables
    /// and their roll-up, its datasets with their summary keys, quality and freshness), with
    /// what every agency page shows alike (the build's date, the assessments' years, the
    /// datasets the figures are computed from).
    agencies: HashMap<String, u64>,
    /// Every row of the figures, the portal's own, and each dataset's id, agency, quality and
    /// freshness, the titles of the datasets the dashboards' tables list, with what every page
    /// shows alike: what the dashboards show. Not the datasets' resources or other metadata: a
    /// row added to a CSV, or a title changed, changes no dashboard that does not list it.
    portal: u64,
}

/// The [`Figures`] of `site`, made once per build in one pass over the rows, so that an agency's
/// page or a dashboard is keyed without making its sections (which made every agency page's
/// charts and tables on every rebuild only to hash them). `summaries` are each dataset's
/// summary key; `shown` the datasets the dashboards list by title.
///
/// A row in a list (a service, a target, a deliverable) is hashed with its place in the list:
/// a ministry's page shows its own rows and its agencies' interleaved in the list's order.
fn figures(site: &Site, summaries: &[u64], shown: &[&Dataset]) -> Figures {
    let mut rows = Rows::default();
    let mut row = |code, tag, place, value: &dyn Debug| rows.add(code, tag, place, value);
    for (code, s) in &site.finance.units {
        row(Some(code), "finance", 0, s);
    }
    row(None, "finance-portal", 0, &site.finance.portal);
    for (code, s) in &site.maturity.agencies {
        row(Some(code), "maturity-agency", 0, s);
    }
    for (code, s) in &site.maturity.ministries {
        row(Some(code), "maturity-ministry", 0, s);
    }
    row(None, "maturity-portal", 0, &site.maturity.portal);
    for (i, a) in site.maturity.history.iter().enumerate() {
        for (code, s) in &a.agencies {
            row(Some(code), "assessed-agency", i, s);
        }
        for (code, s) in &a.ministries {
            row(Some(code), "assessed-ministry", i, s);
        }
        row(None, "assessed-portal", i, &(a.year, a.portal));
    }
    for (i, s) in site.maturity.services.iter().enumerate() {
        row(Some(&s.agency), "service", i, s);
    }
    for (i, p) in site.targets.iter().enumerate() {
        row(p.target.scope.as_deref(), "target", i, p);
    }
    for (i, d) in site.projects.deliverables.iter().enumerate() {
        row(Some(&d.agency), "deliverable", i, d);
    }
    for (code, r) in &site.projects.units {
        row(Some(code), "rollup", 0, r);
    }
    row(None, "rollup-portal", 0, &site.projects.portal);
    let Rows { by_code: mut rows, mut all } = rows;
    for (code, indexes) in &site.by_agency {
        let h = rows.entry(code.as_str()).or_default();
        for &i in indexes {
            let Some(d) = site.datasets.get(i) else { continue };
            h.add("dataset").add(&i).add(&summaries.get(i));
            add_quality(h, site.quality.get(&d.id));
        }
    }
    // Of each dataset the dashboards show its quality and freshness, counted by its agency (and
    // that agency's ministry), and the titles of the few their tables list: not its other
    // metadata, so that a title or tag changed renders no dashboard unless it lists the dataset.
    for (i, d) in site.datasets.iter().enumerate() {
        all.add("dataset").add(&i).add(&d.id).add(&d.meta.agency);
        add_quality(&mut all, site.quality.get(&d.id));
    }
    for d in shown {
        all.add("shown").add(&d.id).add_json(&d.meta.title);
    }
    // What every agency page and dashboard shows alike.
    let mut common = KeyHasher::new();
    common.add(&site.today);
    common.add(&site.maturity.history.iter().map(|a| a.year).collect::<Vec<_>>());
    for d in &site.datasets {
        if let Some(role) = &d.meta.role {
            common.add(&d.id).add_json(&d.meta.title).add(&format!("{:?}", role.kind));
        }
    }
    let common = common.finish();
    let own: HashMap<&str, u64> = rows.iter().map(|(code, h)| (*code, h.finish())).collect();
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for a in &site.agencies {
        if let Some(parent) = &a.parent {
            children.entry(parent.as_str()).or_default().push(a.code.as_str());
        }
    }
    let agencies = site
        .agencies
        .iter()
        .map(|a| {
            let mut h = KeyHasher::new();
            h.add(&common).add(&a.code).add(&own.get(a.code.as_str()));
            for child in children.get(a.code.as_str()).into_iter().flatten() {
                h.add(child).add(&own.get(child));
            }
            (a.code.clone(), h.finish())
        })
        .collect();
    all.add(&common);
    Figures { agencies, portal: all.finish() }
}

/// The rows of the figures being hashed: per agency code, and all of them.
#[derive(Default)]
struct Rows<'s> {
    by_code: HashMap<&'s str, KeyHasher>,
    all: KeyHasher,
}

impl<'s> Rows<'s> {
    /// Adds a row about agency `code` (None: about the portal), hashed once, to its agency's
    /// key and to the whole's.
    fn add(&mut self, code: Option<&'s str>, tag: &str, place: usize, value: &dyn Debug) {
        let mut h = KeyHasher::new();
        h.add(tag).add(&place);
        add_debug(&mut h, value);
        let key = h.finish();
        self.all.add(&key);
        if let Some(code) = code {
            self.by_code.entry(code).or_default().add(&key);
        }
    }
}

/// Adds every field of registry entry `a` (destructured, so that a field added to [`Agency`]
/// cannot be left out): its debug form, with every Thai character escaped, was a third of the
/// keys' time.
fn add_agency(h: &mut KeyHasher, a: &Agency) {
    let Agency { code, name, legal_title, parent, form, website, minister, mandate, enabling_act } = a;
    h.add(code).add(parent).add(form).add(website);
    for text in [name, legal_title, minister, mandate, enabling_act] {
        h.add(&text.th).add(&text.en);
    }
}

/// Adds a dataset's quality and freshness (None when it has none).
pub(super) fn add_quality(h: &mut KeyHasher, quality: Option<&(Quality, Freshness)>) {
    match quality {
        None => {
            h.add(&0u8);
        }
        Some((Quality { met }, Freshness { state, next_update, overdue_from })) => {
            h.add(&1u8).add(met).add(state.name()).add(next_update).add(overdue_from);
        }
    }
}

/// Adds `value`'s debug form to `h`: the model's figures (floats among them) are neither `Hash`
/// nor `Serialize`, and their debug form shows every field (a float as the shortest text that
/// reads back as the same float).
fn add_debug(h: &mut KeyHasher, value: &dyn Debug) {
    use std::fmt::Write;
    struct Feed<'a>(&'a mut KeyHasher);
    impl std::fmt::Write for Feed<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.add(s.as_bytes());
            Ok(())
        }
    }
    let _ = write!(Feed(h), "{value:?}");
    h.add(&0xffu8);
}
