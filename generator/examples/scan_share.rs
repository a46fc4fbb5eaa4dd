//! The benchmark's measure of the personal-data gate: how much of checking one file is the
//! scan. `cargo run --example scan_share -- FILE SCHEMA_JSON` prints the times side by side.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    use sala::load::schema::Schema;
    use std::collections::BTreeSet;
    use std::path::Path;
    use std::time::Instant;
    let mut args = std::env::args().skip(1);
    let (file, schema) = (args.next().ok_or("usage: scan_share FILE SCHEMA_JSON")?, args.next().ok_or("usage: scan_share FILE SCHEMA_JSON")?);
    let schema: Schema = serde_json::from_str(&std::fs::read_to_string(schema)?)?;
    let path = Path::new(&file);
    let types = schema.fields.iter().filter_map(|f| Some((f.name.clone(), f.parser_type()?))).collect();
    let best = |f: &mut dyn FnMut() -> f64| (0..3).map(|_| f()).fold(f64::MAX, f64::min);
    let read = || sala::load::table::read_csv(std::sync::Arc::new(std::fs::read(path).unwrap()), None, None, &schema.missing_values, &types, path).map(|(t, _)| t);
    let raw = read().map_err(|d| d.message.en)?;
    let all = best(&mut || {
        let t = Instant::now();
        let raw = read().unwrap();
        sala::validate::table::check_table(&schema, &raw, path, Path::new("dataset.toml"), &BTreeSet::new());
        t.elapsed().as_secs_f64()
    });
    let bytes = std::fs::read(path)?;
    // The typed table, as the check makes it, for the scan of number columns as published
    // (the benchmark's columns are in the schema's order).
    let checked = sala::validate::table::check_table(&schema, &raw, path, Path::new("dataset.toml"), &BTreeSet::new());
    let frame = checked.frame.ok_or("the file did not check")?;
    let positions = (0..schema.fields.len()).map(|i| (i, i)).collect();
    let scan = best(&mut || {
        let t = Instant::now();
        let mut raw = raw.clone();
        // The byte scan (shared with the read in a real check, timed whole here), the scan of
        // the cells it opens, and the scan of number columns as published.
        raw.traits = sala::load::scan::Traits::scan(&bytes, b',', Some(b'"'));
        let _ = sala::validate::personal::scan(&raw, path, &BTreeSet::new(), &BTreeSet::new());
        let _ = sala::validate::personal::scan_published(&frame, &schema, &positions, &raw, path, &BTreeSet::new());
        t.elapsed().as_secs_f64()
    });
    println!("{all:.3} {scan:.3} {}", raw.traits.personal_candidates);
    Ok(())
}
