//! A resource's typed table, in memory or known only by its entry in the build cache and read
//! on first use. A rebuild after one dataset changed takes almost every output of the others
//! from the last build by its key (see [`crate::load::cache`]) and never looks at their tables:
//! reading 15,000 of them back from `.sala-cache/checked/` only to drop them cost most of a
//! rebuild's load stage and more memory than the full build (issue 15). What lists, facets and
//! catalogs need of an unread table (its rows, its fiscal years) comes with the entry.

use crate::error::{Error, Result};
use polars::prelude::{Column, DataFrame, DataType};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Reads a table that is not in memory yet (the message says what failed and what to do).
pub type Loader = Box<dyn FnOnce() -> std::result::Result<DataFrame, String> + Send>;

/// A typed table: in memory, or read on first use by its [`Loader`].
pub struct Table {
    /// The data file it comes from (the first, for many), relative to the portal folder, for
    /// messages.
    file: PathBuf,
    /// How many rows it has.
    rows: usize,
    /// The distinct values of its fiscal-year column ([`fiscal_year_values`]), when known
    /// without reading it.
    years: OnceLock<Arc<BTreeSet<i64>>>,
    /// The table once read (or the reason it could not be).
    frame: OnceLock<std::result::Result<DataFrame, String>>,
    /// What reads it, until it is read.
    load: std::sync::Mutex<Option<Loader>>,
}

impl Table {
    /// A table already in memory.
    pub fn ready(file: PathBuf, frame: DataFrame) -> Table {
        let rows = frame.height();
        Table { file, rows, years: OnceLock::new(), frame: OnceLock::from(Ok(frame)), load: std::sync::Mutex::new(None) }
    }

    /// A table already in memory whose fiscal years are known (`serve` keeps both).
    pub fn kept(file: PathBuf, frame: DataFrame, years: Arc<BTreeSet<i64>>) -> Table {
        let rows = frame.height();
        Table { file, rows, years: OnceLock::from(years), frame: OnceLock::from(Ok(frame)), load: std::sync::Mutex::new(None) }
    }

    /// A table of `rows` rows, whose fiscal years are `years`, read by `load` on first use.
    pub fn lazy(file: PathBuf, rows: usize, years: Arc<BTreeSet<i64>>, load: Loader) -> Table {
        Table { file, rows, years: OnceLock::from(years), frame: OnceLock::new(), load: std::sync::Mutex::new(Some(load)) }
    }

    /// How many rows it has (known without reading it).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The data file it comes from, relative to the portal folder.
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }

    /// Whether it is in memory (read, or never away).
    pub fn is_read(&self) -> bool {
        matches!(self.frame.get(), Some(Ok(_)))
    }

    /// The table, read now if it was not yet; an error says which file could not be read.
    pub fn frame(&self) -> Result<&DataFrame> {
        let read = self.frame.get_or_init(|| {
            let load = self.load.lock().ok().and_then(|mut l| l.take());
            match load {
                Some(load) => load(),
                None => Err("the table was not kept".to_string()),
            }
        });
        read.as_ref().map_err(|message| Error::Data { path: self.file.clone(), message: message.clone() })
    }

    /// The reason it could not be read, if reading it was tried and failed.
    pub fn failure(&self) -> Option<Error> {
        match self.frame.get() {
            Some(Err(message)) => Some(Error::Data { path: self.file.clone(), message: message.clone() }),
            _ => None,
        }
    }

    /// The distinct values of its `fiscal_year` column ([`fiscal_year_values`]), known without
    /// reading the table when it came from the cache; empty when it cannot be read.
    pub fn fiscal_years(&self) -> Arc<BTreeSet<i64>> {
        self.years.get_or_init(|| Arc::new(self.frame().map(fiscal_year_values).unwrap_or_default())).clone()
    }

    /// This table with what it holds turned by `publish` (applied when it is read, for a table
    /// not read yet). Its fiscal years stay those of the table given: `publish` must keep the
    /// fiscal-year column as it is or make it text (see [`crate::model::personal`]).
    pub fn map(self, publish: impl FnOnce(DataFrame) -> std::result::Result<DataFrame, String> + Send + 'static) -> std::result::Result<Table, String> {
        let Table { file, rows, years, frame, load } = self;
        match frame.into_inner() {
            Some(Ok(f)) => {
                let out = publish(f)?;
                Ok(Table { file, rows: out.height(), years: OnceLock::new(), frame: OnceLock::from(Ok(out)), load: std::sync::Mutex::new(None) })
            }
            Some(Err(e)) => Err(e),
            None => {
                let load = load.into_inner().ok().flatten();
                let years = years.into_inner().unwrap_or_default();
                let load: Loader = match load {
                    Some(load) => Box::new(move || publish(load()?)),
                    None => Box::new(|| Err("the table was not kept".to_string())),
                };
                Ok(Table::lazy(file, rows, years, load))
            }
        }
    }
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("file", &self.file).field("rows", &self.rows).field("read", &self.is_read()).finish()
    }
}

/// The column whose values are fiscal years (Buddhist era), when the schema types it as an
/// integer or a year.
pub const FISCAL_YEAR_COLUMN: &str = "fiscal_year";

/// The distinct values of `frame`'s `fiscal_year` column that are plausible fiscal years, as
/// Buddhist-era years ([`super::coverage::as_buddhist`]: a `year` column with `calendar =
/// "buddhist"` holds them in the Christian era once read): what the year facet and the
/// catalogs' temporal coverage show. Kept with each
/// checked table in the build cache, so that an unchanged table need not be read for them.
pub fn fiscal_year_values(frame: &DataFrame) -> BTreeSet<i64> {
    let column = frame.column(FISCAL_YEAR_COLUMN).ok();
    // Distinct values first: a million rows hold a handful of years. A small table's values are
    // walked as they are: Polars' `unique` costs more than that on a few hundred rows (1-2% of a
    // full build's load stage at 3,000 datasets, once per table).
    let small = |c: &Column| c.len() <= 4096;
    let Some(values) = column.and_then(|c| c.cast(&DataType::Int64).ok()).and_then(|c| if small(&c) { Some(c) } else { c.unique().ok() }) else { return BTreeSet::new() };
    let Ok(ints) = values.i64() else { return BTreeSet::new() };
    ints.iter().flatten().filter_map(super::coverage::as_buddhist).collect()
}
