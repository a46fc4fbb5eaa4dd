//! A checked table as the build cache keeps it in `checked/` (see [`crate::load::cache`]): its
//! columns' values one after another, as they are in memory. Writing a small table as
//! Parquet cost more than checking it (its schema, pages, statistics and footer: a quarter of
//! the load stage's CPU time at 3,000 generated datasets, 4,500 tables of a few hundred rows);
//! these are written and read at the speed of copying. Only the types a checked table has are
//! written so, and only tables small enough to be built in memory at once: others are kept as
//! Parquet (written a row group at a time), which [`is_table_file`] tells apart. A file cut
//! short, changed or of another version fails its checksum and reads as None: the table is then
//! read from its data file again, which only costs time.

use crate::load::binary::{put_bytes, put_u64, Reader};
use polars::prelude::*;

/// What such a file begins with (its format and version).
const MAGIC: &[u8] = b"sala table 1\n";

/// Tables of more rows than this are kept as Parquet.
const MOST_ROWS: usize = 100_000;

/// Tables whose columns take more memory than this are kept as Parquet: the file's bytes are
/// made in memory before they are written.
const MOST_BYTES: usize = 32 << 20;

/// The kinds of column written, by their type.
#[derive(Clone, Copy)]
enum Kind {
    Int64 = 0,
    Float64 = 1,
    Int32 = 2,
    Boolean = 3,
    String = 4,
    Date = 5,
    /// In microseconds, milliseconds or nanoseconds, with no time zone, in UTC or shown in a
    /// fixed offset (`+07:00`).
    Datetime = 6,
}

/// Whether `bytes` are a file [`encode`] wrote (else they are Parquet).
pub fn is_table_file(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// `frame` as a file's bytes; None when it is too large, or has a column of a type not written
/// so (it is then kept as Parquet).
pub fn encode(frame: &DataFrame) -> Option<Vec<u8>> {
    if frame.height() > MOST_ROWS || frame.estimated_size() > MOST_BYTES {
        return None;
    }
    let mut out = Vec::with_capacity(frame.estimated_size() + 64 * frame.width() + 64);
    out.extend_from_slice(MAGIC);
    put_u64(&mut out, frame.height() as u64);
    put_u64(&mut out, frame.width() as u64);
    for column in frame.columns() {
        let series = column.as_materialized_series();
        put_bytes(&mut out, series.name().as_bytes());
        match series.dtype() {
            DataType::Int64 => put_numbers(&mut out, Kind::Int64, series.i64().ok()?, |v| v.to_le_bytes()),
            DataType::Float64 => put_numbers(&mut out, Kind::Float64, series.f64().ok()?, |v| v.to_bits().to_le_bytes()),
            DataType::Int32 => put_numbers(&mut out, Kind::Int32, series.i32().ok()?, |v| v.to_le_bytes()),
            DataType::Date => put_numbers(&mut out, Kind::Date, series.to_physical_repr().i32().ok()?, |v| v.to_le_bytes()),
            DataType::Datetime(unit, zone) => {
                // A fixed offset's name follows the unit and zone bytes; any other zone is
                // kept as Parquet.
                let (zone, offset) = match zone {
                    None => (0, None),
                    Some(z) if *z == TimeZone::UTC => (1, None),
                    Some(z) if crate::model::value::fixed_offset(z.as_str()).is_some() => (2, Some(z.as_str())),
                    Some(_) => return None,
                };
                let unit = match unit {
                    TimeUnit::Microseconds => 0,
                    TimeUnit::Milliseconds => 1,
                    TimeUnit::Nanoseconds => 2,
                };
                out.push(Kind::Datetime as u8);
                out.push(unit);
                out.push(zone);
                if let Some(offset) = offset {
                    put_bytes(&mut out, offset.as_bytes());
                }
                // The kind again, for the values after it.
                put_numbers(&mut out, Kind::Datetime, series.to_physical_repr().i64().ok()?, |v| v.to_le_bytes());
            }
            DataType::Boolean => {
                let values = series.bool().ok()?;
                out.push(Kind::Boolean as u8);
                put_validity(&mut out, values.null_count(), values.iter().map(|v| v.is_some()));
                out.extend(values.iter().map(|v| u8::from(v.unwrap_or(false))));
            }
            DataType::String => {
                let values = series.str().ok()?;
                out.push(Kind::String as u8);
                put_validity(&mut out, values.null_count(), values.iter().map(|v| v.is_some()));
                let total: usize = values.iter().map(|v| v.map_or(0, str::len)).sum();
                put_u64(&mut out, total as u64);
                for v in values.iter() {
                    out.extend_from_slice(&(v.map_or(0, str::len) as u64).to_le_bytes());
                }
                for v in values.iter().flatten() {
                    out.extend_from_slice(v.as_bytes());
                }
            }
            _ => return None,
        }
    }
    let sum = xxhash_rust::xxh3::xxh3_64(&out[MAGIC.len()..]);
    put_u64(&mut out, sum);
    Some(out)
}

/// The table [`encode`] wrote into `bytes`; None when they are not such a file, or not whole.
pub fn decode(bytes: &[u8]) -> Option<DataFrame> {
    let body = bytes.strip_prefix(MAGIC)?;
    let (body, sum) = body.split_at_checked(body.len().checked_sub(8)?)?;
    if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != sum {
        return None;
    }
    let mut r = Reader::plain(body);
    let rows = usize::try_from(r.u64()?).ok()?;
    let width = usize::try_from(r.u64()?).ok()?;
    let mut columns = Vec::with_capacity(width.min(4096));
    for _ in 0..width {
        let name: PlSmallStr = r.str()?.into();
        let kind = r.u8()?;
        let series = match kind {
            k if k == Kind::Int64 as u8 => numbers::<Int64Type, 8>(&mut r, rows, name, i64::from_le_bytes)?.into_series(),
            k if k == Kind::Float64 as u8 => numbers::<Float64Type, 8>(&mut r, rows, name, |b| f64::from_bits(u64::from_le_bytes(b)))?.into_series(),
            k if k == Kind::Int32 as u8 => numbers::<Int32Type, 4>(&mut r, rows, name, i32::from_le_bytes)?.into_series(),
            k if k == Kind::Date as u8 => numbers::<Int32Type, 4>(&mut r, rows, name, i32::from_le_bytes)?.into_date().into_series(),
            k if k == Kind::Datetime as u8 => {
                let how = r.take(2)?;
                let unit = match how[0] {
                    0 => TimeUnit::Microseconds,
                    1 => TimeUnit::Milliseconds,
                    2 => TimeUnit::Nanoseconds,
                    _ => return None,
                };
                let zone = match how[1] {
                    0 => None,
                    1 => Some(TimeZone::UTC),
                    2 => {
                        let name = r.str()?;
                        crate::model::value::fixed_offset(name)?;
                        TimeZone::opt_try_new(Some(name)).ok()?
                    }
                    _ => return None,
                };
                if r.u8()? != Kind::Datetime as u8 {
                    return None;
                }
                numbers::<Int64Type, 8>(&mut r, rows, name, i64::from_le_bytes)?.into_datetime(unit, zone).into_series()
            }
            k if k == Kind::Boolean as u8 => {
                let valid = validity(&mut r, rows)?;
                let values = r.take(rows)?;
                let each = values.iter().enumerate().map(|(i, &v)| valid.is_none_or(|valid| valid[i] != 0).then_some(v != 0));
                BooleanChunked::from_iter_options(name, each).into_series()
            }
            k if k == Kind::String as u8 => {
                let valid = validity(&mut r, rows)?;
                let total = usize::try_from(r.u64()?).ok()?;
                let lengths = r.take(rows.checked_mul(8)?)?;
                let text = std::str::from_utf8(r.take(total)?).ok()?;
                let mut at = 0usize;
                let mut values: Vec<Option<&str>> = Vec::with_capacity(rows);
                for (i, length) in lengths.chunks_exact(8).enumerate() {
                    let length = usize::try_from(u64::from_le_bytes(length.try_into().ok()?)).ok()?;
                    let end = at.checked_add(length)?;
                    let value = text.get(at..end)?;
                    at = end;
                    values.push(valid.is_none_or(|valid| valid[i] != 0).then_some(value));
                }
                if at != total {
                    return None;
                }
                StringChunked::from_iter_options(name, values.into_iter()).into_series()
            }
            _ => return None,
        };
        columns.push(series.into_column());
    }
    if !r.at_end() {
        return None;
    }
    DataFrame::new(rows, columns).ok()
}

/// Which values are there (a byte per row), written only when some are not.
fn put_validity(out: &mut Vec<u8>, nulls: usize, each: impl Iterator<Item = bool>) {
    out.push(u8::from(nulls > 0));
    if nulls > 0 {
        out.extend(each.map(u8::from));
    }
}

/// A column of numbers: its kind, which values are there, and every value's bytes (0 where
/// none is).
fn put_numbers<T: PolarsNumericType, const N: usize>(out: &mut Vec<u8>, kind: Kind, values: &ChunkedArray<T>, bytes: impl Fn(T::Native) -> [u8; N]) {
    out.push(kind as u8);
    put_validity(out, values.null_count(), values.iter().map(|v| v.is_some()));
    out.reserve(values.len() * N);
    for v in values.iter() {
        out.extend_from_slice(&bytes(v.unwrap_or_default()));
    }
}

/// The numbers [`put_numbers`] wrote (after their kind).
fn numbers<T: PolarsNumericType, const N: usize>(r: &mut Reader, rows: usize, name: PlSmallStr, value: impl Fn([u8; N]) -> T::Native) -> Option<ChunkedArray<T>> {
    let valid = validity(r, rows)?;
    let bytes = r.take(rows.checked_mul(N)?)?;
    let values = bytes.chunks_exact(N).map(|b| b.try_into().map(&value));
    Some(match valid {
        None => ChunkedArray::from_vec(name, values.collect::<Result<Vec<_>, _>>().ok()?),
        Some(valid) => {
            let each: Vec<Option<T::Native>> = values.zip(valid).map(|(v, &ok)| v.ok().filter(|_| ok != 0)).collect();
            ChunkedArray::from_iter_options(name, each.into_iter())
        }
    })
}

/// What [`put_validity`] wrote: a byte per row, 1 where the value is there; None inside when
/// all are.
fn validity<'a>(r: &mut Reader<'a>, rows: usize) -> Option<Option<&'a [u8]>> {
    match r.u8()? {
        0 => Some(None),
        1 => Some(Some(r.take(rows)?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> DataFrame {
        let rows = 300;
        let text: Vec<Option<String>> = (0..rows).map(|i| (i % 7 != 3).then(|| format!("ค่า {i}"))).collect();
        let float: Vec<Option<f64>> = (0..rows).map(|i| match i % 11 {
            0 => None,
            1 => Some(f64::NAN),
            2 => Some(-0.0),
            _ => Some(i as f64 * 1.25),
        }).collect();
        let whole: Vec<i64> = (0..rows).map(|i| i as i64 * 1_000_003 - 7).collect();
        let flags: Vec<Option<bool>> = (0..rows).map(|i| (i % 5 != 0).then_some(i % 2 == 0)).collect();
        let days: Vec<Option<i32>> = (0..rows).map(|i| (i % 13 != 0).then_some(i as i32 * 40 - 2000)).collect();
        let micros: Vec<Option<i64>> = (0..rows).map(|i| (i % 17 != 0).then_some(i as i64 * 86_400_000_000)).collect();
        DataFrame::new_infer_height(vec![
            Column::new("ข้อความ".into(), text),
            Column::new("f".into(), float),
            Column::new("i".into(), whole),
            Column::new("b".into(), flags),
            Int32Chunked::from_iter_options("d".into(), days.into_iter()).into_date().into_column(),
            Int64Chunked::from_iter_options("t".into(), micros.clone().into_iter()).into_datetime(TimeUnit::Microseconds, None).into_column(),
            Int64Chunked::from_iter_options("z".into(), micros.clone().into_iter()).into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)).into_column(),
            // A column written in Thai time keeps its offset (see: zoned datetimes shown in UTC).
            Int64Chunked::from_iter_options("th".into(), micros.into_iter()).into_datetime(TimeUnit::Microseconds, TimeZone::opt_try_new(Some("+07:00")).unwrap()).into_column(),
            Column::new("empty".into(), vec![None::<String>; rows]),
        ])
        .unwrap()
    }

    /// The same columns, types, nulls and values (floats to the bit: NaN and -0.0 too).
    fn same(a: &DataFrame, b: &DataFrame) -> bool {
        a.height() == b.height()
            && a.width() == b.width()
            && a.columns().iter().zip(b.columns()).all(|(x, y)| {
                let (x, y) = (x.as_materialized_series(), y.as_materialized_series());
                x.name() == y.name()
                    && x.dtype() == y.dtype()
                    && (0..x.len()).all(|i| format!("{:?}", x.get(i).unwrap()) == format!("{:?}", y.get(i).unwrap()))
                    && match (x.f64(), y.f64()) {
                        (Ok(x), Ok(y)) => x.iter().zip(y.iter()).all(|(a, b)| a.map(f64::to_bits) == b.map(f64::to_bits)),
                        _ => true,
                    }
            })
    }

    #[test]
    fn a_table_reads_back_as_written() {
        let frame = sample();
        let bytes = encode(&frame).unwrap();
        assert!(is_table_file(&bytes));
        assert!(same(&decode(&bytes).unwrap(), &frame));
        let empty = frame.head(Some(0));
        assert!(same(&decode(&encode(&empty).unwrap()).unwrap(), &empty));
    }

    #[test]
    fn a_cut_or_changed_file_reads_as_nothing() {
        let bytes = encode(&sample()).unwrap();
        for cut in [0, 1, MAGIC.len(), MAGIC.len() + 5, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        for at in [MAGIC.len(), MAGIC.len() + 20, bytes.len() / 2, bytes.len() - 4] {
            let mut changed = bytes.clone();
            changed[at] ^= 0x20;
            assert!(decode(&changed).is_none(), "changed at {at}");
        }
    }

    #[test]
    fn large_tables_and_other_types_are_left_to_parquet() {
        let many = DataFrame::new_infer_height(vec![Column::new("i".into(), (0..MOST_ROWS as i64 + 1).collect::<Vec<_>>())]).unwrap();
        assert!(encode(&many).is_none());
        let other = DataFrame::new_infer_height(vec![Column::new("u".into(), vec![1u32, 2, 3])]).unwrap();
        assert!(encode(&other).is_none());
    }
}
