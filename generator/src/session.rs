//! What lives across the stages of one build and across the builds of one `sala serve` run:
//! the cache of read and validated tables (so a rebuild re-reads only the datasets whose files
//! changed) and the progress bars. Neither changes what a build produces.

use crate::diagnostic::{Diagnostic, Report};
use crate::load::table::RawTable;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use polars::prelude::DataFrame;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// Hooks a build may be given; the default (no cache, no progress) is `sala build`'s.
#[derive(Default, Clone, Copy)]
pub struct Hooks<'a> {
    /// Tables kept from earlier builds.
    pub cache: Option<&'a Cache>,
    /// Progress bars to advance.
    pub progress: Option<&'a Progress>,
}

/// A hash of everything that decides how a file is read: its bytes and the reading options.
pub fn fingerprint(bytes: &[u8], options: &impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    options.hash(&mut h);
    h.finish()
}

/// Read tables by fingerprint, validated tables by (fingerprint, schema), and the datasets
/// whose files had to be read again in the current build.
#[derive(Default)]
pub struct Cache {
    read: Mutex<HashMap<u64, (RawTable, Vec<Diagnostic>)>>,
    checked: Mutex<HashMap<(u64, String), (Option<DataFrame>, Report)>>,
    reread: Mutex<BTreeSet<String>>,
    used: Mutex<(BTreeSet<u64>, BTreeSet<(u64, String)>)>,
}

impl Cache {
    /// A table read earlier from the same bytes with the same options.
    pub fn table(&self, key: u64) -> Option<(RawTable, Vec<Diagnostic>)> {
        let found = self.read.lock().ok()?.get(&key).cloned();
        if found.is_some() {
            if let Ok(mut used) = self.used.lock() {
                used.0.insert(key);
            }
        }
        found
    }

    /// Keeps a table just read for dataset `id`, and notes that `id` was read again.
    pub fn keep_table(&self, id: &str, key: u64, table: (RawTable, Vec<Diagnostic>)) {
        if let Ok(mut read) = self.read.lock() {
            read.insert(key, table);
        }
        if let Ok(mut used) = self.used.lock() {
            used.0.insert(key);
        }
        if let Ok(mut reread) = self.reread.lock() {
            reread.insert(id.to_string());
        }
    }

    /// A table validated earlier with the same data and schema.
    pub fn checked(&self, key: &(u64, String)) -> Option<(Option<DataFrame>, Report)> {
        let found = self.checked.lock().ok()?.get(key).cloned();
        if found.is_some() {
            if let Ok(mut used) = self.used.lock() {
                used.1.insert(key.clone());
            }
        }
        found
    }

    /// Keeps a validation result.
    pub fn keep_checked(&self, key: (u64, String), checked: (Option<DataFrame>, Report)) {
        if let Ok(mut used) = self.used.lock() {
            used.1.insert(key.clone());
        }
        if let Ok(mut map) = self.checked.lock() {
            map.insert(key, checked);
        }
    }

    /// Ends a build: forgets what it did not use (deleted or changed files) and returns the
    /// ids of the datasets whose files were read again, sorted.
    pub fn finish_build(&self) -> Vec<String> {
        let (tables, checks) = self.used.lock().map(|mut u| std::mem::take(&mut *u)).unwrap_or_default();
        if let Ok(mut read) = self.read.lock() {
            read.retain(|k, _| tables.contains(k));
        }
        if let Ok(mut checked) = self.checked.lock() {
            checked.retain(|k, _| checks.contains(k));
        }
        self.reread.lock().map(|mut r| std::mem::take(&mut *r).into_iter().collect()).unwrap_or_default()
    }
}

/// Progress bars with counts (datasets read, rows validated, files written), drawn on stderr
/// only when it is a terminal: CI logs stay quiet.
pub struct Progress {
    _bars: MultiProgress,
    /// Datasets read.
    pub datasets: ProgressBar,
    /// Rows validated.
    pub rows: ProgressBar,
    /// Files written.
    pub files: ProgressBar,
}

impl Progress {
    /// Bars drawn on stderr when `visible`, hidden otherwise.
    pub fn new(visible: bool, labels: [&'static str; 3]) -> Progress {
        let target = if visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bars = MultiProgress::with_draw_target(target);
        let style = ProgressStyle::with_template("{prefix:>20} {bar:30} {human_pos}/{human_len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = |label: &'static str| bars.add(ProgressBar::new(0).with_style(style.clone()).with_prefix(label));
        let [a, b, c] = labels;
        Progress { datasets: bar(a), rows: bar(b), files: bar(c), _bars: bars }
    }

    /// Removes the bars from the terminal.
    pub fn clear(&self) {
        for bar in [&self.datasets, &self.rows, &self.files] {
            bar.finish_and_clear();
        }
    }
}
