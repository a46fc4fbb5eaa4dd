//! Applies each dataset's `[personal_data]` declaration before anything is published: dropped
//! columns disappear, masked ones keep only their shape, redacted ones lose only the personal
//! data found in them, hashed ones become a salted hash. The
//! source files are never touched; every output (CSV, JSON, Parquet, previews, search) is made
//! from the frame this returns.

use crate::load::dataset::Treatment;
use crate::load::schema::{Constraints, FieldType, Schema};
use crate::personal::{hash_value, mask_value, redact_text};
use polars::prelude::*;
use std::collections::BTreeMap;

/// The salt for hashed columns: `SALA_HASH_SALT` when set (stable across builds), otherwise
/// random for this build, so a hash cannot be looked up from a previous release.
pub fn build_salt() -> Vec<u8> {
    if let Some(salt) = std::env::var_os("SALA_HASH_SALT") {
        return salt.to_string_lossy().into_owned().into_bytes();
    }
    use std::hash::{BuildHasher, Hasher};
    let mut salt = Vec::with_capacity(16);
    for i in 0..2u8 {
        let mut h = std::hash::RandomState::new().build_hasher();
        h.write_u8(i);
        salt.extend_from_slice(&h.finish().to_le_bytes());
    }
    salt
}

/// The frame and schema as they may be published under `treatments` (column → treatment).
pub fn publishable(frame: DataFrame, schema: Schema, treatments: &BTreeMap<String, Treatment>, salt: &[u8]) -> PolarsResult<(DataFrame, Schema)> {
    let frame = published_frame(frame, &schema, treatments, salt)?;
    Ok((frame, std::sync::Arc::unwrap_or_clone(published_schema(std::sync::Arc::new(schema), treatments))))
}

/// The schema as it may be published under `treatments`: dropped fields gone, treated ones
/// text without the source's rules. Known without the table (its columns are the schema's
/// fields, in order: see [`crate::validate::table::Checked`]).
pub fn published_schema(schema: std::sync::Arc<Schema>, treatments: &BTreeMap<String, Treatment>) -> std::sync::Arc<Schema> {
    // Shared with the cache's parse as it is when nothing is treated: copying 10,000
    // datasets' schemas was a fifth of a rebuild's model stage.
    if treatments.is_empty() {
        return schema;
    }
    let mut schema = std::sync::Arc::unwrap_or_clone(schema);
    let mut fields = Vec::with_capacity(schema.fields.len());
    for field in schema.fields.drain(..) {
        match treatments.get(&field.name).copied() {
            Some(Treatment::Drop) => continue,
            Some(Treatment::Mask | Treatment::Redact | Treatment::Hash) => {
                // The published values are text now, and no longer follow the source's rules.
                let mut published = field;
                published.field_type = FieldType::String;
                published.format = None;
                published.constraints = Constraints::default();
                fields.push(published);
            }
            Some(Treatment::Public) | None => fields.push(field),
        }
    }
    schema.fields = fields;
    schema.primary_key = schema.primary_key.filter(|pk| pk.names().iter().all(|n| schema.fields.iter().any(|f| &f.name == n)));
    schema.foreign_keys.retain(|fk| fk.fields.names().iter().all(|n| schema.fields.iter().any(|f| &f.name == n)));
    std::sync::Arc::new(schema)
}

/// The frame (typed per `schema`, the source's) as it may be published under `treatments`.
pub fn published_frame(frame: DataFrame, schema: &Schema, treatments: &BTreeMap<String, Treatment>, salt: &[u8]) -> PolarsResult<DataFrame> {
    if treatments.is_empty() {
        return Ok(frame);
    }
    let mut columns = Vec::with_capacity(frame.width());
    for (field, column) in schema.fields.iter().zip(frame.columns().iter()) {
        let treatment = treatments.get(&field.name).copied();
        let transform: Option<Box<dyn Fn(&str) -> String>> = match treatment {
            Some(Treatment::Drop) => continue,
            Some(Treatment::Mask) => Some(Box::new(mask_value)),
            Some(Treatment::Redact) => Some(Box::new(redact_text)),
            Some(Treatment::Hash) => Some(Box::new(|v: &str| hash_value(v, salt))),
            Some(Treatment::Public) | None => None,
        };
        match transform {
            None => columns.push(column.clone()),
            Some(f) => {
                let out: StringChunked = if treatment == Some(Treatment::Redact) {
                    // Values as published (a number as its plain digits), so that a national ID
                    // in a number column is found as the gate finds it.
                    column.as_materialized_series().iter().map(|v| crate::model::value::to_text(&v).map(|s| f(&s))).collect()
                } else {
                    let text = column.cast(&DataType::String)?;
                    text.str()?.iter().map(|v| v.map(|s| f(s))).collect()
                };
                columns.push(out.with_name(column.name().clone()).into_column());
            }
        }
    }
    // As many rows as the source, even with every column dropped: the row count is known
    // (and shown) without reading the table.
    DataFrame::new(frame.height(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::schema::Field;

    fn schema(names: &[&str]) -> Schema {
        let fields: Vec<String> = names.iter().map(|n| format!(r#"{{"name": "{n}", "type": "string"}}"#)).collect();
        serde_json::from_str(&format!(r#"{{"fields": [{}]}}"#, fields.join(","))).unwrap()
    }

    #[test]
    fn drop_mask_and_hash_change_only_their_columns() {
        let frame = df!(
            "id" => ["1-1017-00230-70-8"], "name" => ["สมชาย"], "email" => ["a@b.th"], "note" => ["ok"],
            "complaint" => ["เนื่องจากถนนชำรุด โทร 081-234-5678 ครับ"]
        )
        .unwrap();
        let treatments = BTreeMap::from([
            ("id".to_string(), Treatment::Mask),
            ("name".to_string(), Treatment::Drop),
            ("email".to_string(), Treatment::Hash),
            ("complaint".to_string(), Treatment::Redact),
        ]);
        let (out, s) = publishable(frame, schema(&["id", "name", "email", "note", "complaint"]), &treatments, b"salt").unwrap();
        let names: Vec<&str> = s.fields.iter().map(|f: &Field| f.name.as_str()).collect();
        assert_eq!(names, ["id", "email", "note", "complaint"]);
        assert_eq!(out.column("complaint").unwrap().str().unwrap().get(0), Some("เนื่องจากถนนชำรุด โทร xxx-xxx-xxxx ครับ"));
        assert_eq!(out.column("id").unwrap().str().unwrap().get(0), Some("1-1017-xxxxx-xx-8"));
        assert_eq!(out.column("email").unwrap().str().unwrap().get(0), Some(hash_value("a@b.th", b"salt").as_str()));
        assert_eq!(out.column("note").unwrap().str().unwrap().get(0), Some("ok"));
    }
}
