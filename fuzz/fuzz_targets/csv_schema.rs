//! Fuzzes reading and checking a CSV file against a Table Schema: the input is a schema in
//! JSON, a 0xFF byte, then the CSV bytes (without 0xFF, a fixed schema with every type is used).
//! Any panic is a bug: Sala must answer every input with diagnostics. The fast read (in parts,
//! here of a few bytes so that cuts fall everywhere) must give what the general read gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sala::load::schema::Schema;
use sala::load::table::{read_csv_in_parts, same_read};
use sala::validate::table::check_table;
use std::path::Path;

const DEFAULT_SCHEMA: &str = r#"{"fields": [
  {"name": "id", "type": "integer", "constraints": {"required": true, "unique": true, "minimum": 0}},
  {"name": "name", "type": "string", "constraints": {"pattern": "[a-z]+", "maxLength": 5}},
  {"name": "amount", "type": "number", "groupChar": ",", "bareNumber": false},
  {"name": "when", "type": "date", "format": "%d/%m/%Y", "calendar": "buddhist"},
  {"name": "ok", "type": "boolean"},
  {"name": "at", "type": "time"},
  {"name": "where", "type": "geopoint"},
  {"name": "obj", "type": "object"},
  {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}}
], "primaryKey": ["id", "name"]}"#;

fuzz_target!(|data: &[u8]| {
    let (schema_text, csv) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (String::from_utf8_lossy(&data[..i]).into_owned(), &data[i + 1..]),
        None => (DEFAULT_SCHEMA.to_string(), data),
    };
    let Ok(schema) = serde_json::from_str::<Schema>(&schema_text) else { return };
    let file = Path::new("fuzz.csv");
    let types = schema.fields.iter().filter_map(|f| Some((f.name.clone(), f.parser_type()?))).collect();
    let read = |parts| read_csv_in_parts(std::sync::Arc::new(csv.to_vec()), None, None, &schema.missing_values, &types, file, parts);
    let fast = read(Some(7));
    assert!(same_read(&read(None), &fast), "the fast and the general read differ");
    if let Ok((raw, _)) = fast {
        let _ = check_table(&schema, &raw, file, Path::new("dataset.toml"), &Default::default());
    }
});
