//! Writing a typed table as Parquet, in row groups made one at a time: what the downloads
//! (`render::data`) and the build cache (`load::cache`) both write, with their own settings.

use polars::prelude::{CompatLevel, DataFrame, SchemaExt};
use polars_parquet::write::{CompressionOptions, Encoding, FileWriter, RowGroupIterator, StatisticsOptions, Version, WriteOptions, get_dtype_encoding};
use std::io::Write;

/// Rows per row group (Polars' own default), so readers can skip groups by statistics.
pub const ROW_GROUP: usize = 512 * 512;

/// How a file is written.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The Arrow types the file is written with.
    pub compat: CompatLevel,
    /// Statistics, compression and data page version.
    pub options: WriteOptions,
    /// Dictionary-encode where Parquet's writer would (else every column plainly).
    pub dictionary: bool,
}

impl Settings {
    /// For every reader rather than the newest: Arrow's oldest types (strings as plain large
    /// strings, not `string_view`, which pyarrow 14 cannot open and later pyarrow cannot filter
    /// on), Snappy (the codec every Parquet reader has built in, unlike ZSTD in hyparquet),
    /// version 1 data pages, statistics and dictionaries.
    pub fn published() -> Settings {
        let options = WriteOptions { statistics: StatisticsOptions::default(), version: Version::V1, compression: CompressionOptions::Snappy, data_page_size: None };
        Settings { compat: CompatLevel::oldest(), options, dictionary: true }
    }

    /// For Sala alone to read back: every column plainly encoded, uncompressed, without
    /// statistics. A dictionary needs each column's distinct values estimated first
    /// (HyperLogLog), which made the build cache cost as much as checking the tables.
    pub fn private() -> Settings {
        let options = WriteOptions { statistics: StatisticsOptions::empty(), version: Version::V2, compression: CompressionOptions::Uncompressed, data_page_size: None };
        Settings { compat: CompatLevel::newest(), options, dictionary: false }
    }
}

/// Writes `frame` into `w` as Parquet with `settings`. Each row group is made a single chunk
/// only when the writer comes to it: a group of a multi-chunk table is a copy, and ten million
/// rows' copies are never held at once.
pub fn write(frame: &DataFrame, w: &mut dyn Write, settings: Settings) -> polars::error::PolarsResult<()> {
    let Settings { compat, options, dictionary } = settings;
    let schema = frame.schema().to_arrow(compat);
    let encodings = schema
        .iter_values()
        .map(|f| {
            let chosen = get_dtype_encoding(&f.dtype);
            if dictionary { chosen } else { chosen.into_iter().map(|_| Encoding::Plain).collect() }
        })
        .collect();
    let starts: Vec<usize> = (0..frame.height()).step_by(ROW_GROUP).collect();
    let height = |start: &usize| ROW_GROUP.min(frame.height() - start);
    let batches = starts.iter().flat_map(|start| {
        let mut group = frame.slice(*start as i64, height(start));
        group.rechunk_mut();
        group.iter_chunks(compat, false).collect::<Vec<_>>()
    });
    let row_groups = RowGroupIterator::try_new(batches.map(Ok), &schema, options, encodings)?;
    let mut writer = FileWriter::try_new(w, schema, options)?;
    for (group, rows) in row_groups.zip(starts.iter().map(height)) {
        writer.write(rows as u64, group?)?;
    }
    writer.end(None)?;
    Ok(())
}
