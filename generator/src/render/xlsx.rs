//! The `.xlsx` download of a resource: the spreadsheet a citizen opens in Excel, where the
//! canonical CSV (UTF-8 without a byte-order mark) shows Thai as garbage. Cells are typed
//! (numbers, booleans, dates as Excel dates), the header row gives each column's Thai and
//! English titles, and the file's dates come from the metadata so builds stay byte-identical.
//! Text longer than Excel's cell limit (32,767 characters) is cut there, ending in "…".

use crate::lang::Lang;
use crate::load::schema::Field;
use crate::model::format::toml_date;
use crate::model::value::to_text;
use chrono::Datelike;
use crate::model::{Dataset, Resource};
use polars::prelude::{AnyValue, Column};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// Data rows a worksheet holds: Excel's 1,048,576 rows less the header. A larger resource
/// continues on further worksheets, each with the header.
pub const ROWS_PER_SHEET: usize = 1_048_575;

/// Excel's longest text in one cell.
const MAX_CELL_TEXT: usize = 32_767;

/// The header of a column: its Thai and English titles (`ปีงบประมาณ / Fiscal year`), each
/// falling back to the column's name, and one of them alone when both are the same.
pub fn header(f: &Field) -> String {
    let th = if f.title.get(Lang::Th).trim().is_empty() { f.name.as_str() } else { f.title.get(Lang::Th) };
    let en = if f.title.get(Lang::En).trim().is_empty() { f.name.as_str() } else { f.title.get(Lang::En) };
    if th == en { th.to_string() } else { format!("{th} / {en}") }
}

/// Writes the workbook of resource `r` of dataset `d` into `out`. The workbook is put
/// together in a temporary file (a zip needs to go back to write its directory), then copied:
/// a workbook of millions of rows is never held in memory.
pub fn workbook(d: &Dataset, r: &Resource, out: &mut dyn std::io::Write) -> Result<(), String> {
    let columns: Vec<Column> = r.frame.columns().iter().map(|c| c.rechunk()).collect();
    let mut book = Workbook::new();
    // The file's creation date is the data's last change, never the clock.
    let date = d.meta.modified.as_ref().or(d.meta.issued.as_ref()).and_then(toml_date);
    let created = match date {
        Some(x) => ExcelDateTime::from_ymd(x.year().clamp(1900, 9999) as u16, x.month() as u8, x.day() as u8).map_err(err)?,
        None => ExcelDateTime::from_ymd(1980, 1, 1).map_err(err)?,
    };
    book.set_properties(&DocProperties::new().set_title(r.title_in(Lang::En)).set_creation_datetime(&created));
    let header_format = Format::new().set_bold().set_align(FormatAlign::Top).set_text_wrap();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let datetime_format = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let sheets = r.rows().div_ceil(ROWS_PER_SHEET).max(1);
    for sheet in 0..sheets {
        // Rows go straight to a temporary file, in order, rather than staying in memory.
        let ws = book.add_worksheet_with_constant_memory();
        // Sheet names: at most 31 characters; resource names are `[a-z0-9_-]`.
        let base: String = r.name.chars().take(24).collect();
        ws.set_name(if sheet == 0 { base } else { format!("{base} ({})", sheet + 1) }).map_err(err)?;
        for (i, f) in r.schema.fields.iter().enumerate() {
            // Wide enough for the header's longer title, not for every long cell.
            let width = header(f).split(" / ").map(|t| t.chars().count()).max().unwrap_or(8).clamp(8, 40);
            ws.set_column_width(col(i)?, width as f64 + 2.0).map_err(err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
        for (i, f) in r.schema.fields.iter().enumerate() {
            ws.write_string_with_format(0, col(i)?, header(f), &header_format).map_err(err)?;
        }
        let start = sheet * ROWS_PER_SHEET;
        let end = (start + ROWS_PER_SHEET).min(r.rows());
        for row in start..end {
            // The first data row is the worksheet's second row; fits u32 as a sheet has < 2^20 rows.
            let at = (row - start + 1) as u32;
            for (i, c) in columns.iter().enumerate() {
                let value = c.get(row).map_err(|e| e.to_string())?;
                cell(ws, at, col(i)?, &value, &date_format, &datetime_format)?;
            }
        }
    }
    let mut file = tempfile::tempfile().map_err(|e| e.to_string())?;
    book.save_to_writer(&mut file).map_err(err)?;
    std::io::Seek::rewind(&mut file).map_err(|e| e.to_string())?;
    std::io::copy(&mut file, out).map_err(|e| e.to_string())?;
    Ok(())
}

fn err(e: XlsxError) -> String {
    e.to_string()
}

/// A column index as Excel's (at most 16,384 columns).
fn col(i: usize) -> Result<u16, String> {
    u16::try_from(i).ok().filter(|c| *c < 16_384).ok_or_else(|| format!("column {} is past Excel's last column (16,384)", i + 1))
}

/// Writes one cell as its type: numbers as numbers (whole numbers beyond Excel's 15 digits as
/// text, so no digit is lost), booleans, dates and date-times as Excel dates, the rest as text.
fn cell(ws: &mut Worksheet, row: u32, col: u16, value: &AnyValue, date: &Format, datetime: &Format) -> Result<(), String> {
    const EXACT: i64 = 999_999_999_999_999;
    match value {
        AnyValue::Null => {}
        AnyValue::Boolean(b) => {
            ws.write_boolean(row, col, *b).map_err(err)?;
        }
        AnyValue::Int64(i) if i.abs() <= EXACT => {
            ws.write_number(row, col, *i as f64).map_err(err)?;
        }
        AnyValue::Int32(i) => {
            ws.write_number(row, col, f64::from(*i)).map_err(err)?;
        }
        AnyValue::UInt32(i) => {
            ws.write_number(row, col, f64::from(*i)).map_err(err)?;
        }
        AnyValue::Float64(f) if f.is_finite() => {
            ws.write_number(row, col, *f).map_err(err)?;
        }
        AnyValue::Float32(f) if f.is_finite() => {
            ws.write_number(row, col, f64::from(*f)).map_err(err)?;
        }
        AnyValue::Date(_) | AnyValue::Datetime(..) | AnyValue::DatetimeOwned(..) => {
            let text = to_text(value).unwrap_or_default();
            let format = if matches!(value, AnyValue::Date(_)) { date } else { datetime };
            // Excel has no dates before 1900: those stay text.
            match ExcelDateTime::parse_from_str(&text) {
                Ok(dt) if !text.starts_with('-') && text.get(..4).and_then(|y| y.parse::<u16>().ok()).is_some_and(|y| y >= 1900) => {
                    ws.write_datetime_with_format(row, col, &dt, format).map_err(err)?;
                }
                _ => {
                    ws.write_string(row, col, text).map_err(err)?;
                }
            }
        }
        other => {
            if let Some(mut text) = to_text(other) {
                // Excel refuses longer text; the cell ends in "…" and the CSV has it whole.
                if text.chars().count() > MAX_CELL_TEXT {
                    text = text.chars().take(MAX_CELL_TEXT - 1).chain(['…']).collect();
                }
                ws.write_string(row, col, text).map_err(err)?;
            }
        }
    }
    Ok(())
}
