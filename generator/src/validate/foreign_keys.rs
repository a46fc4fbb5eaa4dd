//! Foreign keys: values that must exist as a key of another table — in the same resource, in
//! another resource of the dataset, or in another dataset (Sala's `reference.dataset`), such as
//! agency codes in the agency registry. Checked with Polars `is_in` over whole columns.

use crate::diagnostic::{Code, Diagnostic, LISTED_PER_FILE_AND_CODE, Location, Report, SourceLine};
use crate::lang::{Lang, Text};
use crate::load::schema::ForeignKey;
use crate::load::{DatasetSource, ResourceSource, Source};
use polars::prelude::*;

use super::Tables;

/// Checks every declared foreign key of every resource.
pub fn check(source: &Source, tables: &Tables, report: &mut Report) {
    for d in &source.datasets {
        for r in &d.resources {
            for fk in &r.schema.foreign_keys {
                if let Err(d) = check_one(source, tables, d, r, fk, report) {
                    report.push(d);
                }
            }
        }
    }
}

fn schema_error(meta_file: &std::path::Path, th: String, en: String) -> Diagnostic {
    Diagnostic::error(
        Code::SchemaError,
        Location::file(meta_file),
        Text::new(th, en),
        Text::new(
            "แก้ foreignKeys ให้ชี้ไปยังชุดข้อมูล ทรัพยากร และฟิลด์ที่มีอยู่จริง จำนวนฟิลด์ทั้งสองฝั่งต้องเท่ากัน",
            "point foreignKeys at a dataset, resource and fields that exist, with as many fields on each side",
        ),
    )
}

/// The key of each row: the columns' text joined (null when any part is missing).
fn key_expr(names: &[String]) -> Expr {
    let parts: Vec<Expr> = names.iter().map(|n| col(n.as_str()).cast(DataType::String)).collect();
    concat_str(parts, "\u{1f}", false)
}

fn check_one(
    source: &Source,
    tables: &Tables,
    dataset: &DatasetSource,
    resource: &ResourceSource,
    fk: &ForeignKey,
    report: &mut Report,
) -> Result<(), Diagnostic> {
    let meta_file = &resource.schema_file;
    let target_dataset = if fk.reference.dataset.is_empty() { dataset.id.as_str() } else { fk.reference.dataset.as_str() };
    let target_resource = if fk.reference.resource.is_empty() { resource.meta.name.as_str() } else { fk.reference.resource.as_str() };
    let fields = fk.fields.names();
    let target_fields = fk.reference.fields.names();
    let target_set = source.datasets.iter().find(|d| d.id == target_dataset);
    let target = target_set.and_then(|d| d.resources.iter().find(|r| r.meta.name == target_resource));
    let (Some(target_set), Some(target)) = (target_set, target) else {
        // A table that is there but could not be read (its file missing, its dataset.toml
        // broken) has its own error, which says what to fix: telling this dataset to point its
        // key elsewhere would send its author the wrong way.
        let declared = target_set.is_some_and(|d| d.meta.resources.iter().any(|r| r.name == target_resource));
        let unreadable = target_set.is_none() && !target_dataset.contains(['/', '\\', '.']) && source.root.join("datasets").join(target_dataset).is_dir();
        if declared || unreadable {
            return Ok(());
        }
        return Err(schema_error(
            meta_file,
            format!("foreignKeys อ้างถึง {target_dataset}/{target_resource} ซึ่งไม่มีอยู่"),
            format!("foreignKeys refers to {target_dataset}/{target_resource}, which does not exist"),
        ));
    };
    if fields.len() != target_fields.len() || fields.is_empty() {
        return Err(schema_error(
            meta_file,
            format!("foreignKeys มี {} ฟิลด์ แต่อ้างถึง {} ฟิลด์", fields.len(), target_fields.len()),
            format!("foreignKeys has {} field(s) but refers to {}", fields.len(), target_fields.len()),
        ));
    }
    for (name, schema) in fields.iter().map(|f| (f, &resource.schema)).chain(target_fields.iter().map(|f| (f, &target.schema))) {
        if schema.field(name).is_none() {
            return Err(schema_error(
                meta_file,
                format!("foreignKeys อ้างถึงฟิลด์ \"{name}\" ที่ไม่มีใน schema"),
                format!("foreignKeys names the field \"{name}\", which is not in the schema"),
            ));
        }
    }
    // Tables with missing columns were already reported; their keys cannot be checked.
    let (Some(local), Some(remote)) = (
        tables.get(&(dataset.id.clone(), resource.meta.name.clone())),
        tables.get(&(target_dataset.to_string(), target_resource.to_string())),
    ) else {
        return Ok(());
    };
    // Tables from the build cache are read here: a key's check needs both sides' rows.
    let (Some(local), Some(remote)) = (super::rows_of(local, report), super::rows_of(remote, report)) else { return Ok(()) };
    let run = || -> PolarsResult<(usize, DataFrame)> {
        let keys = remote.clone().lazy().select([key_expr(&target_fields).alias("k")]).drop_nulls(None).collect()?;
        let keys = keys.column("k")?.as_materialized_series().clone();
        let flagged = local
            .clone()
            .lazy()
            .with_row_index("__row", None)
            .with_column(key_expr(&fields).alias("__key"))
            .filter(col("__key").is_not_null().and(col("__key").is_in(lit(keys).implode(false), false).not()))
            .select([col("__row"), concat_str(fields.iter().map(|f| col(f.as_str()).cast(DataType::String)).collect::<Vec<_>>(), ", ", false).alias("v")])
            .collect()?;
        Ok((flagged.height(), flagged.head(Some(LISTED_PER_FILE_AND_CODE))))
    };
    let (total, hits) = run().map_err(|e| schema_error(meta_file, format!("ตรวจ foreignKeys ไม่สำเร็จ: {e}"), format!("foreignKeys could not be checked: {e}")))?;
    let column_number = resource.table.as_ref().and_then(|t| t.header.iter().position(|h| h == &fields[0])).map(|i| i + 1);
    let rows = hits.column("__row").and_then(|c| c.cast(&DataType::UInt64)).ok();
    let values = hits.column("v").ok().and_then(|c| c.str().ok().cloned());
    let (Some(rows), Some(values)) = (rows, values) else { return Ok(()) };
    let Ok(rows) = rows.u64() else { return Ok(()) };
    let target_path = format!("{target_dataset}/{target_resource} ({})", target_fields.join(", "));
    // People know the table by its title: the resource's, else its dataset's.
    let title = if target.meta.title.is_empty() { &target_set.meta.title } else { &target.meta.title };
    let target_name = |lang: Lang| {
        let t = title.get(lang);
        if t.is_empty() { target_path.clone() } else { format!("\"{t}\" ({})", target_fields.join(", ")) }
    };
    let (th_target, en_target) = (target_name(Lang::Th), target_name(Lang::En));
    let declared = crate::validate::personal::declared_columns(dataset);
    let personal_key = fields.iter().any(|f| declared.contains(f));
    // The rows shown under the diagnostics, masked as every diagnostic's rows are.
    let raw = resource.table.as_ref();
    let personal_columns: std::collections::BTreeSet<usize> =
        raw.map(|t| t.header.iter().enumerate().filter(|(_, h)| declared.contains(*h)).map(|(i, _)| i).collect()).unwrap_or_default();
    let listed_rows: Vec<usize> = rows.iter().flatten().map(|r| r as usize).collect();
    let cells = raw.and_then(|t| t.row_cells(&listed_rows).ok()).unwrap_or_default();
    let source_line = |i: usize| {
        let (raw, cells) = (raw?, cells.get(i)?);
        let shown: Vec<String> = cells.iter().enumerate().map(|(c, text)| crate::validate::table::shown(&personal_columns, c, text)).collect();
        Some(SourceLine::new(&shown, raw.delimiter as char, column_number.unwrap_or(1) - 1))
    };
    let listed: Vec<Diagnostic> = rows
        .iter()
        .zip(values.iter())
        .enumerate()
        .map(|(i, (row, value))| {
            let value = value.unwrap_or("");
            // Keys may be personal data (a citizen ID referring to a register): never in full.
            let value = if personal_key { crate::personal::mask_value(value) } else { crate::personal::mask_text(value) };
            let d = Diagnostic::error(
                Code::ForeignKey,
                Location {
                    file: resource.file.clone(),
                    row: row.map(|r| r as usize + 2),
                    column_number,
                    column: Some(fields[0].clone()),
                    sheet: None,
                },
                Text::new(format!("ไม่พบ \"{value}\" ใน {th_target}"), format!("\"{value}\" is not in {en_target}")),
                Text::new(
                    format!("ใช้ค่าที่มีอยู่ใน {th_target} (ตรวจการสะกด) หรือเพิ่มค่านั้นลงในตารางที่อ้างถึงก่อน"),
                    format!("use a value that exists in {en_target} (check the spelling), or add it to that table first"),
                ),
            )
            .with_value(value)
            .with_rule(format!("foreignKeys {} → {target_path}", fields.join(", ")));
            let mut d = match source_line(i) {
                Some(line) => d.with_source(line),
                None => d,
            };
            // A row of a table read from many files (or a sheet) is named where a person finds it.
            if let Some(raw) = raw {
                raw.places.relocate(&mut d.location);
            }
            d
        })
        .collect();
    report.extend_counted(listed, total);
    Ok(())
}
