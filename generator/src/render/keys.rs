//! The keys a rebuild compares to know which files of the last build it can take unchanged,
//! made from the inputs a file shows rather than from the file's context: making and hashing the
//! context of every list, agency and facet page was most of a rebuild's time at 10,000 datasets.
//!
//! Each dataset has a *summary* key, hashed once per build: its id, metadata and its resources'
//! names, titles, descriptions, schemas and row counts — everything a list, a card, a facet or an
//! API summary shows of it, not its data. A file that shows datasets is keyed by their summary
//! keys in the order it shows them, with the site-wide values it shows (the site's settings,
//! languages and agency registry: [`Keys::settings`]; the theme, strings and menu: the shared key
//! of [`super::html`]; counts and pages as the page adds them). The same inputs give the same
//! bytes, so a file whose key did not change is the file the last build wrote.

use crate::load::cache::{KeyHasher, Memo};
use crate::model::{Dataset, Site};
use std::collections::HashMap;

/// The keys of one build (only made when the build keeps a cache).
pub struct Keys {
    /// Per dataset, in the order of `site.datasets`, its summary key.
    summaries: Vec<u64>,
    /// Where each dataset's id is in `summaries`.
    index: HashMap<String, usize>,
    /// The site's settings, languages and agency registry (names shown beside every dataset).
    settings: u64,
}

impl Keys {
    /// The keys of `site`'s datasets, hashed on every thread.
    pub fn new(site: &Site, memo: &Memo) -> Keys {
        let summaries = crate::parallel::map(&site.datasets, |d| summary(d, memo));
        let index = site.datasets.iter().enumerate().map(|(i, d)| (d.id.clone(), i)).collect();
        let mut h = memo.hasher();
        h.add(&format!("{:?}", site.config)).add(&site.languages).add(&format!("{:?}", site.agencies));
        Keys { summaries, index, settings: h.finish() }
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
}

/// What every list, card and API summary can show of `d`: its id, metadata, and its resources
/// without their data (names, titles, descriptions, schemas, row counts).
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
