//! Machine-readable outputs: each resource as canonical UTF-8 CSV and as JSON records, and the
//! dataset index of the static JSON API.

use super::OutputFile;
use crate::error::{Error, Result};
use crate::model::value::{to_json, to_text};
use crate::model::{Resource, Site};
use polars::prelude::{AnyValue, Column};
use serde_json::json;

/// Every data file of the site.
pub fn render(site: &Site) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    for d in &site.datasets {
        for r in &d.resources {
            let data_error = |e: polars::error::PolarsError| Error::Data {
                path: format!("datasets/{}/{}", d.id, r.name).into(),
                message: e.to_string(),
            };
            let columns = columns(r);
            files.push(OutputFile::new(site.urls.resource(&d.id, &r.name, "csv"), csv(r, &columns).map_err(data_error)?));
            files.push(OutputFile::new(site.urls.resource(&d.id, &r.name, "json"), records_json(r, &columns).map_err(data_error)?));
        }
    }
    files.push(OutputFile::new(site.urls.api_datasets(), dataset_index(site)));
    files.extend(super::finance::api_files(site));
    Ok(files)
}

/// The resource's columns in schema order, each as one contiguous chunk for fast access.
fn columns(r: &Resource) -> Vec<Column> {
    r.frame.columns().iter().map(|c| c.rechunk()).collect()
}

/// Writes one CSV field, quoted when it must be.
pub(super) fn csv_field(out: &mut Vec<u8>, text: &str) {
    if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ') {
        out.push(b'"');
        out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// Canonical CSV: UTF-8 without BOM, `,`, LF line endings, header from the schema, values as
/// typed (ISO dates, `.` decimals, no thousands separators), empty cells for missing values.
fn csv(r: &Resource, columns: &[Column]) -> polars::error::PolarsResult<Vec<u8>> {
    let mut out = Vec::with_capacity(r.rows() * columns.len() * 8 + 64);
    for (i, f) in r.schema.fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_field(&mut out, &f.name);
    }
    out.push(b'\n');
    for row in 0..r.rows() {
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            if let Some(text) = to_text(&c.get(row)?) {
                csv_field(&mut out, &text);
            }
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// JSON: an array of records, one object per row with the schema's field names as keys and
/// values typed (numbers as numbers, booleans as booleans, dates as ISO strings, null if missing).
fn records_json(r: &Resource, columns: &[Column]) -> polars::error::PolarsResult<Vec<u8>> {
    let names: Vec<&str> = r.schema.fields.iter().map(|f| f.name.as_str()).collect();
    let mut out = Vec::with_capacity(r.rows() * columns.len() * 16 + 16);
    out.push(b'[');
    for row in 0..r.rows() {
        out.extend_from_slice(if row == 0 { b"\n" } else { b",\n" });
        let mut record = serde_json::Map::with_capacity(columns.len());
        for (name, c) in names.iter().zip(columns) {
            let v: AnyValue = c.get(row)?;
            record.insert((*name).to_string(), to_json(&v));
        }
        // Serialising a map of JSON values cannot fail.
        serde_json::to_writer(&mut out, &record).map_err(|e| polars::error::PolarsError::ComputeError(e.to_string().into()))?;
    }
    out.extend_from_slice(b"\n]\n");
    Ok(out)
}

/// `/api/v1/datasets.json`: every dataset with its titles, agency and resources.
fn dataset_index(site: &Site) -> Vec<u8> {
    let urls = &site.urls;
    let datasets: Vec<serde_json::Value> = site
        .datasets
        .iter()
        .map(|d| {
            let agency = site.agency(&d.meta.agency);
            let pages: serde_json::Map<String, serde_json::Value> = site
                .languages
                .iter()
                .map(|l| (l.code().to_string(), json!(urls.absolute(&urls.dataset(*l, &d.id)))))
                .collect();
            json!({
                "id": d.id,
                "title": d.meta.title,
                "description": d.meta.description,
                "agency": {
                    "code": d.meta.agency,
                    "name": agency.map(|a| &a.name),
                },
                "themes": d.meta.themes,
                "tags": d.meta.tags,
                "license": d.meta.license,
                "issued": d.meta.issued.map(|x| x.to_string()),
                "modified": d.meta.modified.map(|x| x.to_string()),
                "pages": pages,
                "resources": d.resources.iter().map(|r| json!({
                    "name": r.name,
                    "title": r.title,
                    "rows": r.rows(),
                    "fields": r.schema.fields.iter().map(|f| json!({"name": f.name, "type": f.field_type.name(), "title": f.title})).collect::<Vec<_>>(),
                    "csv": urls.absolute(&urls.resource(&d.id, &r.name, "csv")),
                    "json": urls.absolute(&urls.resource(&d.id, &r.name, "json")),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "api_version": 1,
        "count": datasets.len(),
        "datasets": datasets,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
