//! Typed cells read straight from a table's Arrow arrays, a window of rows at a time: how the
//! row-by-row writers (CSV, JSON, the workbook) read a table.

use polars::prelude::{AnyValue, Column, DataFrame};

/// Rows the row-by-row writers (CSV, workbook) take at a time, see [`window`].
pub(super) const WINDOW_ROWS: usize = 64 * 1024;

/// The columns of rows `range` of `frame` in schema order, each one contiguous chunk for fast
/// access by row. Only those rows are copied, and only where the frame was read in parts: the
/// whole table made contiguous at once would be a second copy of ten million rows.
pub(super) fn window(frame: &DataFrame, range: std::ops::Range<usize>) -> Vec<Column> {
    frame.slice(range.start as i64, range.len()).columns().iter().map(|c| c.rechunk()).collect()
}

/// One cell of a [`Typed`] column: the common types as plain values, read without an
/// `AnyValue` or a `String` per cell; anything else as the `AnyValue` the shared formatting
/// (`model::value`) takes.
pub(super) enum Cell<'a> {
    Null,
    Bool(bool),
    /// Int64, Int32 and UInt32 (their text, JSON and workbook cells are the same as an Int64's).
    Int(i64),
    /// Float64 and Float32 (widened, as `model::value` does).
    Float(f64),
    Str(&'a str),
    /// Days since 1970-01-01.
    Date(i32),
    Any(AnyValue<'a>),
}

/// A column of a [`window`] downcast once to its type and to its one Arrow array, so the
/// row-by-row writers read each cell straight from the array's values and validity rather than
/// through `ChunkedArray::get` (which looks for the cell's chunk each time) or `Column::get`.
pub(super) enum Typed<'a> {
    Bool(&'a polars_arrow::array::BooleanArray),
    I64(Values<'a, i64>),
    I32(Values<'a, i32>),
    U32(Values<'a, u32>),
    F64(Values<'a, f64>),
    F32(Values<'a, f32>),
    Str(&'a polars_arrow::array::Utf8ViewArray),
    /// Days since 1970-01-01.
    Date(Values<'a, i32>),
    Other(&'a Column),
}

/// The values of a primitive Arrow array and which of them are present.
pub(super) struct Values<'a, T> {
    values: &'a [T],
    validity: Option<&'a polars_arrow::bitmap::Bitmap>,
}

impl<T: Copy> Values<'_, T> {
    /// The value at `row`, None where it is missing.
    #[inline]
    fn get(&self, row: usize) -> Option<T> {
        match self.validity {
            Some(v) if !v.get(row)? => None,
            _ => self.values.get(row).copied(),
        }
    }
}

/// The only chunk of `ca`, None when it has several (a [`window`]'s columns have one).
fn one_chunk<T: polars::prelude::PolarsDataType>(ca: &polars::prelude::ChunkedArray<T>) -> Option<&T::Array> {
    let mut chunks = ca.downcast_iter();
    let first = chunks.next()?;
    chunks.next().is_none().then_some(first)
}

/// The values of the one chunk of a numeric column.
fn values<T: polars::prelude::PolarsNumericType>(ca: &polars::prelude::ChunkedArray<T>) -> Option<Values<'_, T::Native>> {
    let a = one_chunk(ca)?;
    Some(Values { values: a.values().as_slice(), validity: a.validity() })
}

impl<'a> Typed<'a> {
    /// The typed view of `c`.
    pub(super) fn of(c: &'a Column) -> Typed<'a> {
        use polars::prelude::DataType as D;
        let s = c.as_materialized_series();
        let typed = match s.dtype() {
            D::Boolean => s.bool().ok().and_then(one_chunk).map(Typed::Bool),
            D::Int64 => s.i64().ok().and_then(values).map(Typed::I64),
            D::Int32 => s.i32().ok().and_then(values).map(Typed::I32),
            D::UInt32 => s.u32().ok().and_then(values).map(Typed::U32),
            D::Float64 => s.f64().ok().and_then(values).map(Typed::F64),
            D::Float32 => s.f32().ok().and_then(values).map(Typed::F32),
            D::String => s.str().ok().and_then(one_chunk).map(Typed::Str),
            D::Date => s.date().ok().and_then(|d| values(d.physical())).map(Typed::Date),
            _ => None,
        };
        typed.unwrap_or(Typed::Other(c))
    }

    /// The cell at `row`.
    #[inline]
    pub(super) fn get(&self, row: usize) -> polars::error::PolarsResult<Cell<'a>> {
        use polars_arrow::array::Array;
        let cell = |v: Option<Cell<'a>>| v.unwrap_or(Cell::Null);
        Ok(match self {
            Typed::Bool(a) => cell((row < a.len() && a.is_valid(row)).then(|| Cell::Bool(a.value(row)))),
            Typed::I64(a) => cell(a.get(row).map(Cell::Int)),
            Typed::I32(a) => cell(a.get(row).map(|v| Cell::Int(i64::from(v)))),
            Typed::U32(a) => cell(a.get(row).map(|v| Cell::Int(i64::from(v)))),
            Typed::F64(a) => cell(a.get(row).map(Cell::Float)),
            Typed::F32(a) => cell(a.get(row).map(|v| Cell::Float(f64::from(v)))),
            Typed::Str(a) => cell((row < a.len() && a.is_valid(row)).then(|| Cell::Str(a.value(row)))),
            Typed::Date(a) => cell(a.get(row).map(Cell::Date)),
            Typed::Other(c) => match c.get(row)? {
                AnyValue::Null => Cell::Null,
                v => Cell::Any(v),
            },
        })
    }
}
