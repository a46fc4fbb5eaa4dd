//! Data files: each resource as canonical UTF-8 CSV, JSON records, NDJSON, Parquet and XLSX,
//! the JSON Schema of its records, paged JSON rows for large resources, and each dataset's
//! Frictionless Data Package descriptor and its zip (the CSV files with the descriptor).

use super::cells::{Cell, Typed, WINDOW_ROWS, window};
use super::encode::{csv_field, pretty, push_float_text, push_int};
use super::labels::{ROWS_PER_PAGE, has_json, license_url, page_count};
use super::zipped::zip_options;
use super::{Emitter, OutputFile};
use std::io::Write;
use crate::error::{Error, Result};
use crate::lang::Text;
use crate::load::schema::{Field, FieldType, Schema, value_as_text};
use crate::model::value::{to_json, to_text};
use crate::model::{Dataset, Resource, Site};
use polars::prelude::{AnyValue, Column, DataFrame};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// Every data file of the site, sent to `out` dataset by dataset, a few datasets at once. A
/// dataset's files are one group with one key: its metadata, what its tables were made from
/// ([`Dataset::source`]) and the site settings the files show (addresses, languages, the
/// agency registry, `json_max_cells`); a group whose key did not change since the last build
/// is taken from it.
pub fn render(site: &Site, out: &Emitter) -> Result<()> {
    let memo = out.memo();
    let keys = out.keys(site);
    crate::parallel::map(&site.datasets, |d| {
        let key = keys.filter(|_| d.source != 0).map(|keys| {
            let mut h = memo.hasher();
            h.add("downloads").add(&keys.settings()).add(&d.id).add(&d.source).add(&keys.summary(d));
            h.finish()
        });
        if let Some(found) = key.and_then(|key| memo.reuse_group(&d.id, key)) {
            return out.reused_all(&found);
        }
        out.start_group();
        let rendered = dataset_files(site, d, out);
        let paths = out.end_group();
        rendered?;
        if let Some(key) = key {
            for path in &paths {
                memo.rendered(path, key, Some(&d.id));
            }
        }
        Ok(())
    })
    .into_iter()
    .collect::<Result<()>>()?;
    super::finance::render_api(site, out)
}

/// CSV files up to this size (of resources small enough for a JSON array) are kept in memory
/// between the CSV download and the dataset's zip; a larger one is written again from its
/// table into the zip.
const HELD_CSV_BYTES: u64 = 16 << 20;

/// The data files of one dataset: each resource's downloads, then the Data Package and its zip.
/// Every download is written in pieces as it is made, so that a resource of ten million rows
/// is never held as CSV or JSON text.
fn dataset_files(site: &Site, d: &Dataset, out: &Emitter) -> Result<()> {
    let urls = &site.urls;
    let mut csvs = Vec::with_capacity(d.resources.len());
    let mut held = Vec::with_capacity(d.resources.len());
    for r in &d.resources {
        let source = format!("datasets/{}/{}", d.id, r.name);
        let mut hashed = Hashed { sha: Sha256::new(), held: has_json(site, r).then(Vec::new) };
        let bytes = out.stream(&urls.resource(&d.id, &r.name, "csv"), &source, |w| {
            write_csv(r, &mut Tee { first: w, second: &mut hashed }).map_err(|e| e.to_string())
        })?;
        csvs.push(CsvFile { name: format!("{}.csv", r.name), bytes: bytes as usize, sha256: format!("{:x}", hashed.sha.finalize_reset()) });
        held.push(hashed.held.take());
        out.file(&urls.api_record_schema(&d.id, &r.name), &pretty(&record_schema(site, d, r)))?;
        records_files(site, d, r, out)?;
        out.stream(&urls.resource(&d.id, &r.name, "parquet"), &source, |w| parquet(r.frame().map_err(|e| e.to_string())?, w).map_err(|e| e.to_string()))?;
        out.stream(&urls.resource(&d.id, &r.name, "xlsx"), &source, |w| super::xlsx::workbook(d, r, w))?;
    }
    let package = pretty(&datapackage(site, d, &csvs));
    out.file(&urls.datapackage(&d.id), &package)?;
    out.stream(&urls.dataset_zip(&d.id), &format!("datasets/{}", d.id), |w| {
        zip_dataset(d, &package, &csvs, &held, w).map_err(|e| e.to_string())
    })?;
    Ok(())
}

/// Writes to two writers at once.
struct Tee<'a> {
    first: &'a mut dyn Write,
    second: &'a mut dyn Write,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.first.write_all(buf)?;
        self.second.write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.first.flush()
    }
}

/// The SHA-256 of what is written, and the bytes themselves while they stay under
/// [`HELD_CSV_BYTES`].
struct Hashed {
    sha: Sha256,
    held: Option<Vec<u8>>,
}

impl Write for Hashed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.sha.update(buf);
        if let Some(held) = &mut self.held {
            if (held.len() + buf.len()) as u64 > HELD_CSV_BYTES {
                self.held = None;
            } else {
                held.extend_from_slice(buf);
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The JSON array (unless the resource is too large for one), the NDJSON and the paged JSON of
/// resource `r`, written [`ROWS_PER_PAGE`] rows at a time: each run of rows is serialised once
/// and shared by the three.
fn records_files(site: &Site, d: &Dataset, r: &Resource, out: &Emitter) -> Result<()> {
    let urls = &site.urls;
    let data_error = |message: String| Error::Data { path: format!("datasets/{}/{}", d.id, r.name).into(), message };
    let mut json = if has_json(site, r) { Some(out.create(&urls.resource(&d.id, &r.name, "json"))?) } else { None };
    let mut ndjson = out.create(&urls.resource(&d.id, &r.name, "ndjson"))?;
    let io = |path: String| move |e: std::io::Error| Error::io(path, e);
    let count = page_count(r);
    let mut start = 0;
    let mut page = 1;
    loop {
        let end = (start + ROWS_PER_PAGE).min(r.rows());
        let records = Records::new(r, &window(r.frame()?, start..end), end - start).map_err(|e| data_error(e.to_string()))?;
        if let Some(w) = &mut json {
            // The array's brackets go in the same piece as its first and last rows: a resource
            // of one run of rows is one write, straight into the file (see write::Gathered).
            let mut buf = Vec::with_capacity(records.bytes.len() + records.len() * 2 + 4);
            if start == 0 {
                buf.push(b'[');
            }
            array_items(&mut buf, records.rows(0..records.len()), "", start > 0);
            if end == r.rows() {
                buf.extend_from_slice(b"\n]\n");
            }
            w.write_all(&buf).map_err(io(w.path().to_string()))?;
        }
        // The records are NDJSON lines already.
        ndjson.write_all(&records.bytes).map_err(io(ndjson.path().to_string()))?;
        if count > 0 {
            let f = rows_page(site, d, r, &records, page, count);
            out.file(&f.path, &f.bytes)?;
        }
        if end == r.rows() {
            break;
        }
        start = end;
        page += 1;
    }
    if let Some(w) = json {
        w.finish()?;
    }
    ndjson.finish()?;
    Ok(())
}

/// The dataset's zip: its Data Package descriptor and each resource's CSV, written again from
/// the table where it was too large to keep (`held` is None).
fn zip_dataset(d: &Dataset, package: &[u8], csvs: &[CsvFile], held: &[Option<Vec<u8>>], w: &mut dyn Write) -> std::io::Result<()> {
    // Deflate never grows data by more than a few bytes in 16 KB: far below 4 GB in all, the
    // package needs no Zip64 and is written by `zipped`.
    let bound = (package.len() + csvs.iter().map(|c| c.bytes).sum::<usize>()) as u64;
    if bound < super::zipped::ZIP32_LIMIT / 2 {
        let mut zip = super::zipped::Zip::new(w);
        zip.entry("datapackage.json", package)?;
        for ((file, bytes), r) in csvs.iter().zip(held).zip(&d.resources) {
            match bytes {
                Some(b) => zip.entry(&file.name, b)?,
                None => {
                    zip.start(&file.name)?;
                    write_csv(r, &mut zip).map_err(std::io::Error::other)?;
                    zip.end()?;
                }
            }
        }
        return zip.finish();
    }
    let options = zip_options();
    let mut writer = zip::ZipWriter::new_stream(w);
    writer.start_file("datapackage.json", options).map_err(std::io::Error::other)?;
    writer.write_all(package)?;
    for ((file, bytes), r) in csvs.iter().zip(held).zip(&d.resources) {
        writer.start_file(file.name.as_str(), options).map_err(std::io::Error::other)?;
        match bytes {
            Some(b) => writer.write_all(b)?,
            None => write_csv(r, &mut writer).map_err(std::io::Error::other)?,
        }
    }
    writer.finish().map_err(std::io::Error::other)?;
    Ok(())
}

/// Writes `cell` as a CSV field: the text of [`to_text`], quoted when it must be.
fn csv_cell(out: &mut Vec<u8>, cell: &Cell) {
    match cell {
        Cell::Null => {}
        Cell::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Cell::Int(i) => push_int(out, *i),
        Cell::Float(f) => push_float_text(out, *f),
        Cell::Str(s) => csv_field(out, s),
        Cell::Date(days) => {
            if !push_date(out, *days) {
                if let Some(text) = to_text(&AnyValue::Date(*days)) {
                    csv_field(out, &text);
                }
            }
        }
        Cell::Any(v) => {
            if let Some(text) = to_text(v) {
                csv_field(out, &text);
            }
        }
    }
}

/// Writes `cell` as a JSON value, as [`to_json`] makes it.
fn json_cell(out: &mut Vec<u8>, cell: &Cell) {
    // Serialising into memory cannot fail.
    match cell {
        Cell::Null => out.extend_from_slice(b"null"),
        Cell::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Cell::Int(i) => push_int(out, *i),
        Cell::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                push_int(out, *f as i64);
            } else {
                // serde_json writes a finite float as `Number::from_f64` would, else null.
                let _ = serde_json::to_writer(&mut *out, f);
            }
        }
        Cell::Str(s) => {
            let _ = serde_json::to_writer(&mut *out, s);
        }
        Cell::Date(days) => {
            out.push(b'"');
            if push_date(out, *days) {
                out.push(b'"');
            } else {
                out.pop();
                let _ = serde_json::to_writer(&mut *out, &to_json(&AnyValue::Date(*days)));
            }
        }
        Cell::Any(v) => {
            let _ = serde_json::to_writer(&mut *out, &to_json(v));
        }
    }
}

/// Appends a Polars date as `YYYY-MM-DD` (chrono's `%Y-%m-%d`) where its year has four digits;
/// false (and nothing appended) for any other, which chrono writes with a sign.
fn push_date(out: &mut Vec<u8>, days: i32) -> bool {
    use chrono::Datelike;
    let Some(d) = crate::model::value::date(days) else { return false };
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return false;
    }
    let y = y as u32;
    out.extend_from_slice(&[
        b'0' + (y / 1000) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (day / 10) as u8,
        b'0' + (day % 10) as u8,
    ]);
    true
}

/// Canonical CSV: UTF-8 without BOM, `,`, LF line endings, header from the schema, values as
/// typed (ISO dates, `.` decimals, no thousands separators), empty cells for missing values.
fn write_csv(r: &Resource, w: &mut dyn Write) -> polars::error::PolarsResult<()> {
    let frame = r.frame().map_err(|e| polars::prelude::polars_err!(ComputeError: "{e}"))?;
    let mut out = Vec::with_capacity(64 * 1024);
    for (i, f) in r.schema.fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_field(&mut out, &f.name);
    }
    out.push(b'\n');
    // A year is four digits in Table Schema (frictionless refuses `1` for the year 0001).
    let years: Vec<bool> = r.schema.fields.iter().map(|f| f.field_type == FieldType::Year).collect();
    for start in (0..r.rows()).step_by(WINDOW_ROWS) {
        let end = (start + WINDOW_ROWS).min(r.rows());
        let columns = window(frame, start..end);
        let typed: Vec<Typed> = columns.iter().map(Typed::of).collect();
        for row in 0..end - start {
            for (i, c) in typed.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                match c.get(row)? {
                    Cell::Int(year) if years.get(i) == Some(&true) && (0..1000).contains(&year) => {
                        let _ = write!(out, "{year:04}");
                    }
                    cell => csv_cell(&mut out, &cell),
                }
            }
            out.push(b'\n');
            // Written out in pieces of about 64 KB: a CSV of a gigabyte is never held.
            if out.len() >= 64 * 1024 {
                w.write_all(&out)?;
                out.clear();
            }
        }
    }
    w.write_all(&out)?;
    Ok(())
}

/// Every row as one compact JSON object (field names as keys, values typed: numbers as numbers,
/// booleans as booleans, dates as ISO strings, null if missing), serialised once and shared by
/// the JSON, NDJSON and paged files so that a large resource is never held as JSON values.
struct Records {
    /// The objects, each followed by a line feed: the NDJSON lines (JSON text escapes every
    /// line feed inside a string).
    bytes: Vec<u8>,
    /// Where each object ends in `bytes` (before its line feed).
    ends: Vec<usize>,
}

impl Records {
    /// The records of the first `rows` rows of `columns` (a [`window`] of resource `r`).
    fn new(r: &Resource, columns: &[Column], rows: usize) -> polars::error::PolarsResult<Records> {
        // Each key once as JSON text (`"name":`), rather than a map of owned keys per row.
        let keys: Vec<Vec<u8>> = r
            .schema
            .fields
            .iter()
            .map(|f| {
                // Serialising a string into memory cannot fail.
                let mut key = serde_json::to_vec(&f.name).unwrap_or_default();
                key.push(b':');
                key
            })
            .collect();
        let mut out = Records { bytes: Vec::with_capacity(rows * (columns.len() * 16 + 1)), ends: Vec::with_capacity(rows) };
        let typed: Vec<Typed> = columns.iter().map(Typed::of).collect();
        for row in 0..rows {
            out.bytes.push(b'{');
            for (i, (key, c)) in keys.iter().zip(&typed).enumerate() {
                if i > 0 {
                    out.bytes.push(b',');
                }
                out.bytes.extend_from_slice(key);
                json_cell(&mut out.bytes, &c.get(row)?);
            }
            out.bytes.push(b'}');
            out.ends.push(out.bytes.len());
            out.bytes.push(b'\n');
        }
        Ok(out)
    }

    /// The objects of rows `range`, as byte slices.
    fn rows(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &[u8]> {
        range.map(|i| &self.bytes[if i == 0 { 0 } else { self.ends[i - 1] + 1 }..self.ends[i]])
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// Writes `rows` as the items of a JSON array, one per line after `indent`; `continued` when
/// items were written before them.
fn array_items<'a>(out: &mut Vec<u8>, rows: impl Iterator<Item = &'a [u8]>, indent: &str, continued: bool) {
    for (i, row) in rows.enumerate() {
        out.extend_from_slice(if i == 0 && !continued { b"\n" } else { b",\n" });
        out.extend_from_slice(indent.as_bytes());
        out.extend_from_slice(row);
    }
}

/// Parquet from the typed frame, so column types survive (Int64, Float64, Date, Boolean…),
/// written for every reader (see [`crate::parquet::Settings::published`]).
pub(super) fn parquet(frame: &DataFrame, w: &mut dyn Write) -> polars::error::PolarsResult<()> {
    crate::parquet::write(frame, w, crate::parquet::Settings::published())
}

/// Page `page` of `count` of the paged JSON rows of a large resource (`rows/<page>.json`),
/// holding `records`: the total, the page count and absolute links to the first, previous,
/// next and last pages, then its rows.
fn rows_page(site: &Site, d: &Dataset, r: &Resource, records: &Records, page: usize, count: usize) -> OutputFile {
    let urls = &site.urls;
    let link = |page: usize| -> Value {
        if (1..=count).contains(&page) { json!(urls.absolute(&urls.rows_page(&d.id, &r.name, page))) } else { Value::Null }
    };
    let head = json!({
        "dataset": d.id,
        "resource": r.name,
        "page": page,
        "pages": count,
        "per_page": ROWS_PER_PAGE,
        "total": r.rows(),
        "first": link(1),
        "prev": link(page - 1),
        "next": link(page + 1),
        "last": link(count),
    });
    // The head pretty-printed ends in "\n}"; the rows go in before that brace.
    let mut out = serde_json::to_vec_pretty(&head).unwrap_or_default();
    out.truncate(out.len().saturating_sub(2));
    out.extend_from_slice(b",\n  \"rows\": [");
    array_items(&mut out, records.rows(0..records.len()), "    ", false);
    out.extend_from_slice(b"\n  ]\n}\n");
    OutputFile::new(urls.rows_page(&d.id, &r.name, page), out)
}

/// A bilingual text as `{ "th": …, "en": … }` in the site's languages, default first.
pub fn text_json(site: &Site, text: &Text) -> Value {
    Value::Object(site.languages.iter().map(|l| (l.code().to_string(), json!(text.get(*l)))).collect())
}

/// A TOML constraint value as JSON: numbers and booleans as such, dates as ISO text.
pub fn toml_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Array(items) => Value::Array(items.iter().map(toml_json).collect()),
        other => json!(value_as_text(other)),
    }
}

/// A field as Table Schema describes it for the published files: no source-only settings
/// (date patterns, group characters, true values), because the published CSV is canonical.
/// A field's description as the downloads publish it: with the calendar its years are in
/// (CE, where the source wrote B.E.).
fn described(f: &Field) -> Text {
    match crate::model::format::calendar_note(f) {
        Some(note) if f.description.is_empty() => note,
        Some(note) => Text::new(format!("{} {}", f.description.th, note.th), format!("{} {}", f.description.en, note.en)),
        None => f.description.clone(),
    }
}

fn field_descriptor(site: &Site, f: &Field) -> Value {
    let lang = site.config.default_language;
    let mut out = Map::new();
    out.insert("name".into(), json!(f.name));
    // Geopoints are validated as Table Schema's default "lon, lat", so they keep their type.
    out.insert("type".into(), json!(f.field_type.name()));
    // Strings keep their format (email, uri); geopoints keep theirs (array, object) because the
    // published CSV writes them as the source did.
    if let Some(format) = f.format.as_deref().filter(|_| matches!(f.field_type, FieldType::String | FieldType::Geopoint)) {
        out.insert("format".into(), json!(format));
    }
    if !f.title.is_empty() {
        out.insert("title".into(), json!(f.title.get(lang)));
        out.insert("titles".into(), text_json(site, &f.title));
    }
    let description = described(f);
    if !description.is_empty() {
        out.insert("description".into(), json!(description.get(lang)));
        out.insert("descriptions".into(), text_json(site, &description));
    }
    if let Some(example) = &f.example {
        out.insert("example".into(), toml_json(example));
    }
    let c = &f.constraints;
    let mut constraints = Map::new();
    if c.required {
        constraints.insert("required".into(), json!(true));
    }
    if c.unique {
        constraints.insert("unique".into(), json!(true));
    }
    if let Some(items) = &c.enum_values {
        constraints.insert("enum".into(), Value::Array(items.iter().map(toml_json).collect()));
    }
    // The published files hold CE years: a Buddhist-era year's limits are published in CE too.
    let buddhist_year = f.field_type == FieldType::Year && f.calendar == Some(crate::load::schema::Calendar::Buddhist);
    for (key, v) in [("minimum", &c.minimum), ("maximum", &c.maximum), ("exclusiveMinimum", &c.exclusive_minimum), ("exclusiveMaximum", &c.exclusive_maximum)] {
        if let Some(v) = v {
            let v = match v {
                toml::Value::Integer(i) if buddhist_year => json!(i - 543),
                other => toml_json(other),
            };
            constraints.insert(key.into(), v);
        }
    }
    for (key, v) in [("minLength", c.min_length), ("maxLength", c.max_length)] {
        if let Some(v) = v {
            constraints.insert(key.into(), json!(v));
        }
    }
    if let Some(p) = &c.pattern {
        constraints.insert("pattern".into(), json!(p));
    }
    keep_extra(&mut constraints, &c.extra);
    if !constraints.is_empty() {
        out.insert("constraints".into(), Value::Object(constraints));
    }
    keep_extra(&mut out, &f.extra);
    Value::Object(out)
}

/// Adds the keys an author wrote that Sala does not read (`unit`, custom keys), as the
/// standard allows them; a key Sala writes itself is never replaced.
fn keep_extra(out: &mut Map<String, Value>, extra: &crate::load::schema::Extra) {
    for (key, value) in extra {
        out.entry(key.clone()).or_insert_with(|| value.clone());
    }
}

/// A Table Schema for the published CSV of a resource of dataset `dataset_id`. Foreign keys to
/// other datasets are left out: a Data Package can only resolve references inside itself.
pub fn table_schema(site: &Site, dataset_id: &str, schema: &Schema) -> Value {
    let mut out = Map::new();
    out.insert("fields".into(), schema.fields.iter().map(|f| field_descriptor(site, f)).collect());
    let key = schema.primary_key();
    if !key.is_empty() {
        out.insert("primaryKey".into(), json!(key));
    }
    // The published CSV writes every missing value as an empty cell.
    out.insert("missingValues".into(), json!([""]));
    let local: Vec<Value> = schema
        .foreign_keys
        .iter()
        .filter(|k| k.reference.dataset.is_empty() || k.reference.dataset == dataset_id)
        .map(|k| json!({"fields": k.fields.names(), "reference": {"resource": k.reference.resource, "fields": k.reference.fields.names()}}))
        .collect();
    if !local.is_empty() {
        out.insert("foreignKeys".into(), Value::Array(local));
    }
    keep_extra(&mut out, &schema.extra);
    Value::Object(out)
}

/// A published CSV file as `datapackage.json` describes it.
struct CsvFile {
    /// The file name beside the package (`<resource>.csv`).
    name: String,
    /// Its size in bytes.
    bytes: usize,
    /// Its SHA-256, in lowercase hex.
    sha256: String,
}

/// The JSON Schema (2020-12) of one record of a resource, as its JSON download's items and its
/// NDJSON lines are written: every field is a key, typed as the Parquet column (numbers as
/// numbers, dates and everything else as text), `null` where a value may be missing. Readers
/// take the types from here instead of guessing them from the first rows.
pub fn record_schema(site: &Site, d: &Dataset, r: &Resource) -> Value {
    let urls = &site.urls;
    let mut properties = Map::new();
    // A table that cannot be read fails the build (`Site::table_failure`) and is met first by
    // the downloads made before this.
    let columns = r.frame().map(|f| f.columns()).unwrap_or_default();
    for (f, column) in r.schema.fields.iter().zip(columns) {
        let dtype = column.dtype();
        let json_type = if dtype.is_integer() {
            "integer"
        } else if dtype.is_float() {
            "number"
        } else if dtype.is_bool() {
            "boolean"
        } else {
            "string"
        };
        let mut p = Map::new();
        p.insert("type".into(), if f.constraints.required { json!(json_type) } else { json!([json_type, "null"]) });
        // Dates are full ISO dates; times and date-times have no offset, which JSON Schema's
        // `time` and `date-time` formats require, so they get none.
        if f.field_type == FieldType::Date {
            p.insert("format".into(), json!("date"));
        }
        if !f.title.is_empty() {
            p.insert("title".into(), json!(default_text(site, &f.title)));
        }
        let description = described(f);
        if !description.is_empty() {
            p.insert("description".into(), json!(default_text(site, &description)));
        }
        // Bounds of numbers only: text may be masked or hashed for personal data on the way
        // out, and JSON Schema cannot compare dates.
        if json_type == "integer" || json_type == "number" {
            let era = if f.field_type == FieldType::Year && f.calendar == Some(crate::load::schema::Calendar::Buddhist) { 543 } else { 0 };
            for (key, v) in [("minimum", &f.constraints.minimum), ("maximum", &f.constraints.maximum)] {
                let v = match v {
                    Some(toml::Value::Integer(i)) => Some(json!(i - era)),
                    other => other.as_ref().map(toml_json),
                };
                if let Some(v) = v.filter(Value::is_number) {
                    p.insert(key.into(), v);
                }
            }
        }
        p.insert("x-tableSchemaType".into(), json!(f.field_type.name()));
        properties.insert(f.name.clone(), Value::Object(p));
    }
    let names: Vec<&str> = r.schema.fields.iter().map(|f| f.name.as_str()).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": urls.absolute(&urls.api_record_schema(&d.id, &r.name)),
        "title": format!("{} / {}", d.id, r.name),
        "description": "One record of the resource: an item of its .json download, a line of its .ndjson download. The .json download is an array of these.",
        "type": "object",
        "properties": properties,
        "required": names,
        "additionalProperties": false,
    })
}

/// The text in the site's default language.
fn default_text(site: &Site, text: &Text) -> String {
    text.get(site.config.default_language).to_string()
}

/// `datapackage.json`: a Tabular Data Package (Frictionless v1) whose resources are the
/// published CSV files beside it. Plain `title`/`description` are in the default language;
/// `titles`/`descriptions` carry every language.
fn datapackage(site: &Site, d: &Dataset, csvs: &[CsvFile]) -> Value {
    let urls = &site.urls;
    let m = &d.meta;
    let mut keywords: Vec<&String> = Vec::new();
    for lang in &site.languages {
        for tag in m.tags.get(*lang) {
            if !keywords.contains(&tag) {
                keywords.push(tag);
            }
        }
    }
    let agency = site.agency(&m.agency);
    let mut contributors = vec![json!({
        "title": agency.map_or(m.agency.clone(), |a| default_text(site, &a.name)),
        "path": urls.absolute(&urls.agency(site.config.default_language, &m.agency)),
        "role": "publisher",
    })];
    if !m.contact.name.is_empty() || !m.contact.email.is_empty() {
        let mut maintainer = Map::new();
        maintainer.insert("title".into(), json!(if m.contact.name.is_empty() { m.contact.email.clone() } else { default_text(site, &m.contact.name) }));
        if !m.contact.email.is_empty() {
            maintainer.insert("email".into(), json!(m.contact.email));
        }
        maintainer.insert("role".into(), json!("maintainer"));
        contributors.push(Value::Object(maintainer));
    }
    let mut out = Map::new();
    out.insert("profile".into(), json!("tabular-data-package"));
    out.insert("name".into(), json!(d.id));
    out.insert("id".into(), json!(urls.absolute(&urls.datapackage(&d.id))));
    out.insert("title".into(), json!(default_text(site, &m.title)));
    out.insert("titles".into(), text_json(site, &m.title));
    if !m.description.is_empty() {
        out.insert("description".into(), json!(default_text(site, &m.description)));
        out.insert("descriptions".into(), text_json(site, &m.description));
    }
    out.insert("homepage".into(), json!(urls.absolute(&urls.dataset(site.config.default_language, &d.id))));
    if let Some(issued) = m.issued.as_ref().and_then(crate::model::format::toml_date) {
        out.insert("created".into(), json!(format!("{issued}T00:00:00Z")));
    }
    if !keywords.is_empty() {
        out.insert("keywords".into(), json!(keywords));
    }
    // The known licence's own spelling: a Data Package licence name has no spaces.
    let (name, title) = crate::model::license::find(&m.license).map_or((m.license.as_str(), m.license.as_str()), |l| (l.id, l.name));
    out.insert("licenses".into(), json!([{"name": name, "path": license_url(&m.license), "title": title}]));
    out.insert("contributors".into(), Value::Array(contributors));
    if !m.data_source.is_empty() {
        out.insert("sources".into(), json!([{"title": default_text(site, &m.data_source)}]));
    }
    let resources: Vec<Value> = d
        .resources
        .iter()
        .zip(csvs)
        .map(|(r, file)| {
            let mut res = Map::new();
            res.insert("profile".into(), json!("tabular-data-resource"));
            res.insert("name".into(), json!(r.name));
            // Relative, so the package works wherever it is downloaded to.
            res.insert("path".into(), json!(file.name));
            if !r.title.is_empty() {
                res.insert("title".into(), json!(default_text(site, &r.title)));
                res.insert("titles".into(), text_json(site, &r.title));
            }
            if !r.description.is_empty() {
                res.insert("description".into(), json!(default_text(site, &r.description)));
                res.insert("descriptions".into(), text_json(site, &r.description));
            }
            res.insert("format".into(), json!("csv"));
            res.insert("mediatype".into(), json!("text/csv"));
            res.insert("encoding".into(), json!("utf-8"));
            res.insert("bytes".into(), json!(file.bytes));
            res.insert("hash".into(), json!(format!("sha256:{}", file.sha256)));
            res.insert("schema".into(), table_schema(site, &d.id, &r.schema));
            Value::Object(res)
        })
        .collect();
    out.insert("resources".into(), Value::Array(resources));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{DataType, NamedFrom, Series};

    /// Every cell written from its type is the text and JSON the shared formatting gives.
    #[test]
    fn typed_cells_are_written_as_the_shared_formatting_writes_them() {
        let floats = [0.0, -0.0, 1.5, -2.25, 21_905_000.0, 9.5e15, 1.0e21, 1.5e-7, f64::NAN, f64::INFINITY, 0.1 + 0.2];
        let ints = [0i64, -1, 42, i64::MIN, i64::MAX, 999_999_999_999_999];
        // Days from before year 0 to after 9999, 1900's edges and today.
        let days = [-800_000, -719_528, -25_509, -25_508, 0, 19_997, 2_932_896, 3_000_000];
        let columns = vec![
            Column::new("f".into(), Series::new("f".into(), floats.iter().map(|f| Some(*f)).chain([None]).collect::<Vec<_>>())),
            Column::new("i".into(), Series::new("i".into(), ints.iter().map(|i| Some(*i)).chain([None]).collect::<Vec<_>>())),
            Column::new("d".into(), Series::new("d".into(), days.to_vec()).cast(&DataType::Date).unwrap()),
            Column::new("s".into(), Series::new("s".into(), vec![Some("a,b"), Some(" x"), Some("\"q\""), Some("ไทย\n"), None])),
            Column::new("b".into(), Series::new("b".into(), vec![Some(true), Some(false), None])),
            Column::new("n".into(), Series::new("n".into(), vec![Some(7i32), Some(-3), None])),
            Column::new("g".into(), Series::new("g".into(), vec![Some(1.5f32), Some(2.0), None])),
        ];
        for c in &columns {
            let typed = Typed::of(c);
            assert!(!matches!(typed, Typed::Other(_)), "{} read untyped", c.name());
            for row in 0..c.len() {
                let value = c.get(row).unwrap();
                let (mut csv, mut json) = (Vec::new(), Vec::new());
                let cell = typed.get(row).unwrap();
                csv_cell(&mut csv, &cell);
                json_cell(&mut json, &cell);
                let mut want = Vec::new();
                if let Some(text) = to_text(&value) {
                    csv_field(&mut want, &text);
                }
                assert_eq!(String::from_utf8(csv).unwrap(), String::from_utf8(want).unwrap(), "{value:?}");
                assert_eq!(String::from_utf8(json).unwrap(), serde_json::to_string(&to_json(&value)).unwrap(), "{value:?}");
            }
        }
    }
}
