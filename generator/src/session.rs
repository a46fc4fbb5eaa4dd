//! What a build may be given besides the portal: the build cache ([`crate::load::cache`],
//! which lives across builds) and the progress bars. Neither changes what a build produces.

pub use crate::load::cache::Cache;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::hash::{Hash, Hasher};

/// Hooks a build may be given; the default (no cache, no progress) is `sala build`'s.
#[derive(Default, Clone, Copy)]
pub struct Hooks<'a> {
    /// The build cache: what earlier builds left (see [`crate::load::cache`]).
    pub cache: Option<&'a Cache>,
    /// Progress bars to advance.
    pub progress: Option<&'a Progress>,
}

/// A hash of everything that decides how a file is read: its bytes and the reading options.
pub fn fingerprint(bytes: &[u8], options: &impl Hash) -> u64 {
    // XXH3, the bytes in one call: SipHash (Rust's default) read a data file at a fifth of the
    // speed, and XXH3 fed through `Hasher` at half.
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    h.write_u64(xxhash_rust::xxh3::xxh3_64(bytes));
    h.write_usize(bytes.len());
    options.hash(&mut h);
    h.finish()
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
