//! Writing a typed table as Parquet, in row groups made one at a time: what the downloads
//! (`render::data`) and the build cache (`load::cache`) both write, with their own settings.

use polars::prelude::{CompatLevel, DataFrame, SchemaExt};
use polars_arrow::array::Array;
use polars_arrow::record_batch::RecordBatchT;
use polars_parquet::write::{CompressionOptions, Encoding, FileWriter, StatisticsOptions, Version, WriteOptions, get_dtype_encoding};
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
        .collect::<Vec<Vec<Encoding>>>();
    let starts: Vec<usize> = (0..frame.height()).step_by(ROW_GROUP).collect();
    let height = |start: &usize| ROW_GROUP.min(frame.height() - start);
    let fields = polars_parquet::write::to_parquet_schema(&schema)?.fields().to_vec();
    let batch_schema = std::sync::Arc::new(schema.clone());
    let mut writer = FileWriter::try_new(w, schema, options)?;
    for start in &starts {
        let mut group = frame.slice(*start as i64, height(start));
        group.rechunk_mut();
        for batch in group.iter_chunks(compat, false) {
            let rows = batch.len() as u64;
            let (arrays, encodings): (Vec<Box<dyn Array>>, Vec<Vec<Encoding>>) = batch
                .into_arrays()
                .into_iter()
                .zip(&encodings)
                .map(|(array, chosen)| match chosen.as_slice() {
                    [Encoding::RleDictionary] => match dictionary_choice(array.as_ref()) {
                        Choice::Polars => (array, chosen.clone()),
                        Choice::Plain => (array, vec![Encoding::Plain]),
                        Choice::Dictionary(keyed) => (keyed, chosen.clone()),
                    },
                    _ => (array, chosen.clone()),
                })
                .unzip();
            let batch = RecordBatchT::new(rows as usize, batch_schema.clone(), arrays);
            let columns = polars_parquet::write::row_group_iter(batch, encodings.into(), fields.clone(), options);
            writer.write(rows, columns)?;
        }
    }
    writer.end(None)?;
    Ok(())
}

/// How a column of a row group is to be written, where Parquet's writer would try a dictionary.
enum Choice {
    /// As Polars' writer decides.
    Polars,
    /// Plainly: too many distinct values for a dictionary to pay.
    Plain,
    /// With this dictionary (the array cast as Polars' writer casts it).
    Dictionary(Box<dyn Array>),
}

/// Where Polars' Parquet writer would estimate a column's distinct values with HyperLogLog
/// (text, floats, whole numbers of a wide range) to choose between a dictionary and plain values
/// (plain when a column of more than 128 values has more than 3/4 of them distinct), the choice
/// made from an exact count: the estimate's 16,384 registers cost more than counting the few
/// hundred values of a small table, once per column of each of 15,000 files. The same choice
/// whatever the count where it is clear; near the 3/4 line Polars decides by its estimate as
/// before, so the files are the same bytes.
fn dictionary_choice(array: &dyn Array) -> Choice {
    use polars_arrow::array::{PrimitiveArray, Utf8Array};
    use polars_arrow::datatypes::{ArrowDataType as A, IntegerType};
    let len = array.len();
    if len == 0 || array.null_count() == len {
        return Choice::Polars;
    }
    // Whole numbers of a narrow range get Polars' own dictionary, sorted, without an estimate.
    // (Polars' writer takes them when their range is at most 65,535.) Else the distinct
    // values, nulls counted as the default value, as its estimate counts them.
    fn wide<T: polars_arrow::types::NativeType + Into<i128> + Default + std::hash::Hash + Eq>(array: &dyn Array, len: usize) -> Option<usize> {
        let a = array.as_any().downcast_ref::<PrimitiveArray<T>>()?;
        let (min, max) = a.non_null_values_iter().fold((i128::MAX, i128::MIN), |(lo, hi), v| (lo.min(v.into()), hi.max(v.into())));
        if max - min <= i128::from(u16::MAX) {
            return None;
        }
        Some(if len <= 128 { 0 } else { a.iter().map(|v| v.copied().unwrap_or_default()).collect::<polars::prelude::PlHashSet<T>>().len() })
    }
    let count = match array.dtype() {
        A::Int32 | A::Date32 => match wide::<i32>(array, len) {
            Some(count) => count,
            None => return Choice::Polars,
        },
        A::Int64 | A::Timestamp(..) => match wide::<i64>(array, len) {
            Some(count) => count,
            None => return Choice::Polars,
        },
        A::Float64 => match array.as_any().downcast_ref::<PrimitiveArray<f64>>() {
            Some(a) if len > 128 => a.iter().map(|v| v.map_or(0, |v| v.to_bits())).collect::<polars::prelude::PlHashSet<_>>().len(),
            Some(_) => 0,
            None => return Choice::Polars,
        },
        A::LargeUtf8 => match array.as_any().downcast_ref::<Utf8Array<i64>>() {
            Some(a) if len > 128 => a.iter().map(|v| v.unwrap_or_default()).collect::<polars::prelude::PlHashSet<_>>().len(),
            Some(_) => 0,
            None => return Choice::Polars,
        },
        _ => return Choice::Polars,
    };
    let share = count as f64 / len as f64;
    if len > 128 && share > 0.8 {
        return Choice::Plain;
    }
    if len > 128 && share >= 0.7 {
        return Choice::Polars;
    }
    let keyed = A::Dictionary(IntegerType::UInt32, Box::new(array.dtype().clone()), false);
    match polars::polars_compute::cast::cast(array, &keyed, Default::default()) {
        Ok(keyed) => Choice::Dictionary(keyed),
        Err(_) => Choice::Polars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{Column, DataType, NamedFrom, Series};
    use polars_parquet::write::RowGroupIterator;

    /// Polars' writer deciding every column's dictionary by its own estimate, as before.
    fn as_polars_writes(frame: &DataFrame) -> Vec<u8> {
        let Settings { compat, options, .. } = Settings::published();
        let schema = frame.schema().to_arrow(compat);
        let encodings = schema.iter_values().map(|f| get_dtype_encoding(&f.dtype)).collect();
        let mut group = frame.clone();
        group.rechunk_mut();
        // As before: a row group per start, none for an empty table.
        let batches: Vec<_> = group.iter_chunks(compat, false).filter(|_| frame.height() > 0).map(Ok).collect();
        let row_groups = RowGroupIterator::try_new(batches.into_iter(), &schema, options, encodings).unwrap();
        let mut out = Vec::new();
        let mut writer = FileWriter::try_new(&mut out, schema, options).unwrap();
        for group in row_groups {
            writer.write(frame.height() as u64, group.unwrap()).unwrap();
        }
        writer.end(None).unwrap();
        out
    }

    /// The choice made from exact counts gives the bytes Polars' estimate gave, for columns of
    /// few, some and mostly distinct values, short and long, with nulls, and wide and narrow
    /// whole numbers.
    #[test]
    fn published_files_are_the_bytes_polars_writes() {
        for rows in [0usize, 1, 100, 128, 129, 300, 500, 2000] {
            for distinct in [1usize, 7, 50, 60, 75, 85, 100] {
                let pick = |i: usize| (i * 7919) % (rows * distinct / 100).max(1);
                let text: Vec<Option<String>> = (0..rows).map(|i| (i % 13 != 5).then(|| format!("ค่า {}", pick(i)))).collect();
                let float: Vec<Option<f64>> = (0..rows).map(|i| (i % 11 != 3).then(|| pick(i) as f64 * 1.25)).collect();
                let wide: Vec<i64> = (0..rows).map(|i| pick(i) as i64 * 1_000_003).collect();
                let narrow: Vec<i64> = (0..rows).map(|i| pick(i) as i64).collect();
                let days: Vec<i32> = (0..rows).map(|i| pick(i) as i32 * 400).collect();
                let frame = DataFrame::new_infer_height(vec![
                    Column::new("t".into(), Series::new("t".into(), text)),
                    Column::new("f".into(), Series::new("f".into(), float)),
                    Column::new("w".into(), Series::new("w".into(), wide)),
                    Column::new("n".into(), Series::new("n".into(), narrow)),
                    Column::new("d".into(), Series::new("d".into(), days).cast(&DataType::Date).unwrap()),
                ])
                .unwrap();
                let mut ours = Vec::new();
                write(&frame, &mut ours, Settings::published()).unwrap();
                assert!(ours == as_polars_writes(&frame), "{rows} rows, {distinct}% distinct");
            }
        }
    }
}
