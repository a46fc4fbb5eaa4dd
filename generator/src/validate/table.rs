//! Checks one table against its Table Schema with vectorised Polars expressions: every rule is
//! a boolean column computed over the whole table, and only the rows that break a rule are
//! ever looked at one by one (to word their diagnostics).

use crate::diagnostic::{Code, Diagnostic, LISTED_PER_FILE_AND_CODE, Location, Report, SourceLine, column_letter};
use crate::lang::Text;
use crate::load::schema::{Calendar, Field, FieldType, Schema, value_as_text};
use crate::load::scan::Traits;
use crate::load::table::RawTable;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

const ROW: &str = "__row";
const CELLS: &str = "__cells";
const BLANK: &str = "__blank";
const HEADER_AGAIN: &str = "__header_again";
const PK: &str = "__pk";
const PK_EMPTY: &str = "__pk_empty";

/// Tables of fewer rows than this run their plans without Polars' optimizer (see [`collect`])
/// and on the calling thread (see [`with_columns`] and `strictly_increasing`).
const OPTIMISED_ROWS: usize = 50_000;

/// Runs a plan over a table of `rows` rows. Planning costs the same at any size, and Polars'
/// optimizer, which saves work on a large table (an expression shared by every flag computed
/// once, a filter pushed before a projection), cost more than evaluating the plan on a table of
/// a few hundred rows: profiled at 3,000 generated datasets, its passes were 12% of the load
/// stage's CPU. Small tables get only the type coercion (which the result depends on) and the
/// type check; the optimizations never change a plan's result, only its cost.
pub(crate) fn collect(plan: LazyFrame, rows: usize) -> PolarsResult<DataFrame> {
    if rows >= OPTIMISED_ROWS {
        return plan.collect();
    }
    plan.with_optimizations(OptFlags::TYPE_COERCION | OptFlags::TYPE_CHECK).collect()
}

/// `plan.with_columns(exprs)` over a table of `rows` rows. Below [`OPTIMISED_ROWS`] the
/// expressions are evaluated one after another on this thread: Polars otherwise hands them to
/// its pool and this thread waits, two context switches per plan that cost more than
/// evaluating a few hundred rows (with the reads that did the same, `sala check` of 10,000
/// small datasets waited on another thread 150,000 times; 45,000 since).
fn with_columns(plan: LazyFrame, exprs: Vec<Expr>, rows: usize) -> LazyFrame {
    if rows >= OPTIMISED_ROWS {
        plan.with_columns(exprs)
    } else {
        plan.with_columns_seq(exprs)
    }
}

/// The column that holds, for a flagged repeat, the row (0-based) of its first copy.
fn first_of(flag: &str) -> String {
    format!("{flag}_first")
}

/// Which rule a flag column checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rule {
    SpreadsheetError,
    Type,
    Required,
    Enum,
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
    MinLength,
    MaxLength,
    Pattern,
    Unique,
    Whitespace,
    ThaiOrder,
    MissingOffset,
}

/// One boolean column to compute, and how to word the rows where it is true.
struct Check {
    /// The flag column's name.
    flag: String,
    /// The field it concerns.
    field: usize,
    rule: Rule,
    rule_text: String,
}

/// The result of checking one table: the typed table (when every schema field has a column)
/// and the problems found.
pub struct Checked {
    /// Columns named and typed as the schema says, in schema order.
    pub frame: Option<DataFrame>,
    /// What is wrong.
    pub report: Report,
}

impl Checked {
    /// The result for a table whose check failed inside Sala or Polars (a bug to report).
    pub fn internal_error(file: &Path) -> Checked {
        let mut report = Report::default();
        report.push(Diagnostic::error(
            Code::SourceError,
            Location::file(file),
            Text::new("Sala ตรวจไฟล์นี้ไม่สำเร็จเพราะข้อผิดพลาดภายในโปรแกรม", "Sala failed inside while checking this file"),
            Text::new(
                "โปรดแจ้งปัญหานี้ให้ผู้พัฒนา Sala พร้อมแนบไฟล์ (ถ้าเปิดเผยได้) ระหว่างนี้ลองบันทึกไฟล์ใหม่เป็น CSV UTF-8",
                "please report this to Sala's developers with the file (if it can be shared); meanwhile try saving it again as CSV UTF-8",
            ),
        ));
        Checked { frame: None, report }
    }
}

/// Whether a row of `raw` is the header row again (two exports pasted one under the other), as
/// an expression over its raw columns; None where no row can be: in a table of fewer than two
/// columns, or with a column Polars typed while parsing whose name is not a number (the
/// header's text would have kept that column as text).
fn header_again(raw: &RawTable) -> PolarsResult<Option<Expr>> {
    let width = raw.frame.width();
    let label = |i: usize| raw.header.get(i).map_or("", |h| h.trim());
    let typed = |i: usize| raw.frame.columns().get(i).is_some_and(|c| c.dtype() != &DataType::String);
    let possible = width >= 2 && raw.frame.height() > 0 && (0..width).all(|i| !typed(i) || label(i).parse::<f64>().is_ok()) && (0..width).any(|i| !label(i).is_empty());
    if !possible {
        return Ok(None);
    }
    let same = |i: usize| col(raw_col(i)).cast(DataType::String).fill_null(lit("")).str().strip_chars(lit(NULL)).eq(lit(label(i)));
    Ok(Some(all_horizontal((0..width).map(same).collect::<Vec<_>>())?))
}

/// The rows (1-based, the header being row 1) of `raw` that repeat its header row.
pub fn repeated_header_rows(raw: &RawTable) -> PolarsResult<Vec<usize>> {
    let Some(again) = header_again(raw)? else { return Ok(Vec::new()) };
    let plan = raw.frame.clone().lazy().with_row_index(ROW, None).filter(again.fill_null(lit(false))).select([col(ROW)]);
    let rows = collect(plan, raw.frame.height())?;
    Ok(rows.column(ROW)?.cast(&DataType::UInt64)?.u64()?.into_no_null_iter().map(|r| r as usize + 2).collect())
}

/// Checks `raw` against `schema`; `file` is the CSV and `meta_file` the schema's file, both
/// as shown in diagnostics.
/// `personal` names the columns declared as personal data: their values are masked wherever a
/// diagnostic shows them, and the personal-data scan skips them.
pub fn check_table(schema: &Schema, raw: &RawTable, file: &Path, meta_file: &Path, personal: &BTreeSet<String>) -> Checked {
    let mut report = Report::default();
    let checkable = check_schema(schema, meta_file, &mut report);
    let positions = check_header(schema, raw, file, &mut report);
    if !checkable {
        return Checked { frame: None, report };
    }
    let personal_columns: BTreeSet<usize> =
        raw.header.iter().enumerate().filter(|(_, h)| personal.contains(*h)).map(|(i, _)| i).collect();
    let numeric: BTreeSet<usize> = positions
        .iter()
        .filter(|(fi, _)| schema.fields.get(**fi).is_some_and(|f| matches!(f.field_type, FieldType::Integer | FieldType::Number)))
        .map(|(_, ci)| *ci)
        .collect();
    match crate::validate::personal::scan(raw, file, &personal_columns, &numeric) {
        Ok(found) => report.merge(found),
        Err(e) => report.push(internal(file, &e.to_string())),
    }
    match check_rows(schema, raw, &positions, file, &personal_columns) {
        Ok((frame, rows_report)) => {
            report.merge(rows_report);
            match crate::validate::personal::scan_published(&frame, schema, &positions, raw, file, &personal_columns) {
                Ok(found) => report.merge(found),
                Err(e) => report.push(internal(file, &e.to_string())),
            }
            let complete = positions.len() == schema.fields.len();
            Checked { frame: complete.then_some(frame), report }
        }
        Err(e) => {
            report.push(internal(file, &e.to_string()));
            Checked { frame: None, report }
        }
    }
}

fn internal(file: &Path, message: &str) -> Diagnostic {
    Diagnostic::error(
        Code::SourceError,
        Location::file(file),
        Text::new(format!("ตรวจข้อมูลไม่สำเร็จ: {message}"), format!("the data could not be checked: {message}")),
        Text::new("ตรวจว่าไฟล์เป็น CSV ที่ถูกต้อง", "check that the file is well-formed CSV"),
    )
}

/// A cell's text as a diagnostic may show it: declared personal columns masked whole, and any
/// recognisable personal data in other cells masked too — no report ever carries it in full.
pub fn shown(personal_columns: &BTreeSet<usize>, column: usize, text: &str) -> String {
    if personal_columns.contains(&column) { crate::personal::mask_value(text) } else { crate::personal::mask_text(text) }
}

/// Checks the schema itself: regular expressions compile, limits fit the field's type, keys
/// name real fields. The rows are still checked with every rule that is usable (a broken rule
/// is skipped), so one mistake in the schema does not hide the data's problems. Returns false
/// only when no row can be checked: two fields with one name would make two columns of it.
fn check_schema(schema: &Schema, meta_file: &Path, report: &mut Report) -> bool {
    unread_keys_like_known_ones(schema, meta_file, report);
    let mut error = |th: String, en: String, help: Text| {
        report.push(Diagnostic::error(Code::SchemaError, Location::file(meta_file), Text::new(th, en), help));
    };
    let mut seen = std::collections::HashSet::new();
    let mut repeated = false;
    for f in &schema.fields {
        if !seen.insert(f.name.as_str()) {
            repeated = true;
            error(
                format!("schema มีฟิลด์ชื่อ \"{}\" ซ้ำกัน", f.name),
                format!("the schema has two fields named \"{}\"", f.name),
                Text::new("ลบฟิลด์ที่ซ้ำ หรือเปลี่ยนชื่อให้ตรงกับหัวคอลัมน์", "remove the repeated field or rename it to match its column"),
            );
        }
        if let Some(p) = &f.constraints.pattern {
            // Checked as it will run: anchored around the author's pattern.
            if let Err(e) = regex::Regex::new(&format!("^(?:{p})$")) {
                error(
                    format!("pattern ของฟิลด์ \"{}\" ไม่ใช่ regular expression ที่ถูกต้อง: {e}", f.name),
                    format!("the pattern of field \"{}\" is not a valid regular expression: {e}", f.name),
                    Text::new("แก้ pattern ให้ถูกต้อง", "correct the pattern"),
                );
            }
        }
        let supported = supports_limits(f.field_type);
        for (name, limit) in limits(f) {
            if !supported {
                error(
                    format!("ฟิลด์ \"{}\" เป็นชนิด {} ซึ่งใช้ {name} ไม่ได้", f.name, f.field_type.name()),
                    format!("field \"{}\" has {name}, which its type {} does not support", f.name, f.field_type.name()),
                    Text::new(
                        format!("ลบ {name} ออก หรือใช้ minLength/maxLength/enum/pattern สำหรับข้อความ"),
                        format!("remove {name}, or use minLength, maxLength, enum or pattern for text"),
                    ),
                );
            } else if limit_literal(f, limit).is_none() {
                error(
                    format!("{name} ของฟิลด์ \"{}\" ({}) ใช้กับชนิด {} ไม่ได้", f.name, value_as_text(limit), f.field_type.name()),
                    format!("the {name} of field \"{}\" ({}) does not fit its type {}", f.name, value_as_text(limit), f.field_type.name()),
                    Text::new(
                        "ใช้ตัวเลขสำหรับ integer/number/year วันที่แบบ 2024-10-01 สำหรับ date วันเวลาแบบ 2024-10-01T08:30:00 สำหรับ datetime เวลาแบบ 08:30:00 สำหรับ time และ 2024-10 สำหรับ yearmonth",
                        "use a number for integer/number/year, a date like 2024-10-01 for date, 2024-10-01T08:30:00 for datetime, 08:30:00 for time and 2024-10 for yearmonth",
                    ),
                );
            }
        }
    }
    for name in schema.primary_key() {
        if schema.field(&name).is_none() {
            error(
                format!("primaryKey อ้างถึงฟิลด์ \"{name}\" ที่ไม่มีใน schema"),
                format!("primaryKey names \"{name}\", which is not a field of the schema"),
                Text::new("แก้ชื่อใน primaryKey ให้ตรงกับชื่อฟิลด์", "correct the name in primaryKey to a field's name"),
            );
        }
    }
    !repeated
}

/// Warns about keys Sala does not read that look like one it does (`constraint`, `primary_key`,
/// `minlength`): the standard allows any key, so a misspelt rule would otherwise be kept and
/// published without ever being checked.
fn unread_keys_like_known_ones(schema: &Schema, meta_file: &Path, report: &mut Report) {
    const SCHEMA: &[&str] = &["fields", "primaryKey", "missingValues", "foreignKeys"];
    const FIELD: &[&str] = &[
        "name", "type", "format", "title", "description", "example", "constraints", "trueValues", "falseValues", "decimalChar", "groupChar",
        "bareNumber", "calendar", "rdfType",
    ];
    const CONSTRAINTS: &[&str] =
        &["required", "unique", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern"];
    // The bilingual keys Sala itself publishes, which a schema copied from a portal may hold.
    const PUBLISHED: &[&str] = &["titles", "descriptions"];
    let mut warn = |(th, en): (String, String), key: &str, known: &[&str]| {
        if PUBLISHED.contains(&key) {
            return;
        }
        let Some(meant) = known.iter().find(|k| looks_like(key, k)) else { return };
        report.push(Diagnostic::warning(
            Code::SchemaError,
            Location::file(meta_file),
            Text::new(
                format!("{th} มีคีย์ \"{key}\" ซึ่ง Sala ไม่ได้อ่าน: หมายถึง \"{meant}\" หรือไม่"),
                format!("{en} has the key \"{key}\", which Sala does not read: did you mean \"{meant}\"?"),
            ),
            Text::new(
                format!("เปลี่ยนชื่อคีย์เป็น \"{meant}\" (คีย์ที่ Sala ไม่ได้อ่านจะถูกเก็บและเผยแพร่ตามเดิมโดยไม่ได้ตรวจ)"),
                format!("rename the key to \"{meant}\" (keys Sala does not read are kept and published as they are, never checked)"),
            ),
        ));
    };
    for key in schema.extra.keys() {
        warn(("schema".into(), "the schema".into()), key, SCHEMA);
    }
    for f in &schema.fields {
        for key in f.extra.keys() {
            warn((format!("ฟิลด์ \"{}\"", f.name), format!("field \"{}\"", f.name)), key, FIELD);
        }
        for key in f.constraints.extra.keys() {
            warn((format!("constraints ของฟิลด์ \"{}\"", f.name), format!("the constraints of field \"{}\"", f.name)), key, CONSTRAINTS);
        }
    }
}

/// Whether `key` is `known` written another way: other capitals, `_` or `-`, or one letter off.
fn looks_like(key: &str, known: &str) -> bool {
    let plain = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<Vec<char>>();
    let (a, b) = (plain(key), plain(known));
    if a == b {
        return true;
    }
    // One insertion, deletion or substitution, on keys long enough not to match by chance.
    if a.len().min(b.len()) < 5 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    let mut i = 0;
    while i < short.len() && short[i] == long[i] {
        i += 1;
    }
    if short.len() == long.len() { short[i + 1..] == long[i + 1..] } else { short[i..] == long[i + 1..] }
}

/// Whether a type's values are ordered, so that `minimum` and `maximum` mean something.
fn supports_limits(t: FieldType) -> bool {
    matches!(t, FieldType::Integer | FieldType::Number | FieldType::Year | FieldType::Date | FieldType::Time | FieldType::Datetime | FieldType::Yearmonth)
}

/// A field's limits, with their names as written in a schema.
fn limits(f: &Field) -> impl Iterator<Item = (&'static str, &toml::Value)> {
    let c = &f.constraints;
    [("minimum", &c.minimum), ("maximum", &c.maximum), ("exclusiveMinimum", &c.exclusive_minimum), ("exclusiveMaximum", &c.exclusive_maximum)]
        .into_iter()
        .filter_map(|(name, v)| Some((name, v.as_ref()?)))
}

/// A usable `pattern`: anchored around the author's pattern, as it runs.
fn anchored_pattern(p: &str) -> Option<String> {
    let anchored = format!("^(?:{p})$");
    regex::Regex::new(&anchored).is_ok().then_some(anchored)
}

/// Matches header labels to schema fields; returns each field's column index, by field index.
fn check_header(schema: &Schema, raw: &RawTable, file: &Path, report: &mut Report) -> BTreeMap<usize, usize> {
    if header_is_data(schema, raw) {
        report.push(missing_header(schema, raw, file));
        // The other rows are checked in the schema's order, the one the header would give.
        return (0..schema.fields.len()).map(|i| (i, i)).collect();
    }
    if let Some(d) = header_elsewhere(schema, raw, file) {
        report.push(d);
        return (0..schema.fields.len()).map(|i| (i, i)).collect();
    }
    let header_location = |col: usize, name: &str| Location {
        file: file.to_path_buf(),
        row: Some(1),
        column_number: Some(col + 1),
        // A blank header cell's column has no name to show ("column D", not "column D ()").
        column: (!name.is_empty()).then(|| name.to_string()),
        sheet: None,
    };
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    // A blank header cell where the schema has a field the header lacks (a pandas index, a
    // column whose name `infer` proposed): that field's column, named in one diagnostic.
    let mut named_blanks: BTreeSet<usize> = BTreeSet::new();
    for (i, label) in raw.header.iter().enumerate() {
        let unnamed = schema.fields.get(i).filter(|f| !f.name.trim().is_empty() && !raw.header.iter().any(|h| h == &f.name));
        if let (true, Some(field)) = (label.trim().is_empty(), unnamed) {
            let letter = column_letter(i + 1);
            let (th, en) = match row_numbers(raw, i) {
                // The schema `infer` wrote names pandas' index `column_a` too: not its data.
                Some(from) => (
                    format!("คอลัมน์นี้มีแต่เลขแถว {from}, {}, {}, … (ดัชนีของ pandas) ไม่ใช่ข้อมูล: ส่งออกไฟล์ใหม่โดยไม่มีคอลัมน์นี้ (to_csv(index=False)) แล้วเอาฟิลด์ {} ออกจาก schema หรือถ้าต้องการเผยแพร่ ให้เขียน {} ลงในช่อง {letter}1", from + 1, from + 2, field.name, field.name),
                    format!("it holds only the row numbers {from}, {}, {}, … (pandas' index), not data: export the file again without it (to_csv(index=False)) and remove the field {} from the schema; or, to publish them, write {} in the header row's cell {letter}1", from + 1, from + 2, field.name, field.name),
                ),
                None => (format!("เขียน {} ลงในช่อง {letter}1 ของแถวหัวตาราง", field.name), format!("write {} in the header row's cell {letter}1", field.name)),
            };
            report.push(Diagnostic::error(
                Code::BlankLabel,
                header_location(i, &field.name),
                Text::new(
                    format!("คอลัมน์ {letter} ไม่มีชื่อในแถวหัวตาราง ส่วน schema เรียกคอลัมน์นี้ว่า \"{}\"", field.name),
                    format!("column {letter} has no name in the header row, where the schema calls it \"{}\"", field.name),
                ),
                Text::new(th, en),
            ));
            named_blanks.insert(i);
            continue;
        }
        if label.trim().is_empty() && is_empty_column(raw, i) {
            // No name and no value (the empty columns a spreadsheet exports past the table's
            // last, `,,,` on every row): nothing of it is published, so it does not stop the build.
            let letter = column_letter(i + 1);
            report.push(Diagnostic::warning(
                Code::BlankLabel,
                header_location(i, ""),
                Text::new(format!("คอลัมน์ {letter} ไม่มีทั้งชื่อและข้อมูล จึงไม่เผยแพร่"), format!("column {letter} has neither a name nor any value, so it is not published")),
                Text::new("ลบคอลัมน์ว่างนั้นออกจากไฟล์", "delete the empty column from the file"),
            ));
            continue;
        }
        if label.trim().is_empty() {
            let help = match row_numbers(raw, i) {
                Some(from) => Text::new(
                    format!("คอลัมน์นี้มีแต่เลขแถว {from}, {}, {}, … (ดัชนีของ pandas) ไม่ใช่ข้อมูล: ส่งออกไฟล์ใหม่โดยไม่มีคอลัมน์นี้ (to_csv(index=False)) หรือลบคอลัมน์นี้ออก", from + 1, from + 2),
                    format!("it holds only the row numbers {from}, {}, {}, … (pandas' index), not data: export the file again without it (to_csv(index=False)), or delete the column", from + 1, from + 2),
                ),
                None => Text::new("ใส่ชื่อคอลัมน์ หรือลบคอลัมน์ว่างนั้นออก", "give the column a name, or delete the empty column"),
            };
            report.push(Diagnostic::error(
                Code::BlankLabel,
                header_location(i, ""),
                Text::new(format!("คอลัมน์ {} ไม่มีชื่อในแถวหัวตาราง", column_letter(i + 1)), format!("column {} has no name in the header row", column_letter(i + 1))),
                help,
            ));
            continue;
        }
        // The name `infer` gives a repeated column: the first's and a number (`quarter_2`).
        let renamed = |f: &&Field| f.name.strip_prefix(label.as_str()).and_then(|r| r.strip_prefix('_')).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if let (Some(first), Some(field)) = (first_seen.get(label.as_str()), unnamed.filter(renamed)) {
            // A repeated name where the schema has at its place the name `infer` gave it: that
            // field's column, named in one diagnostic.
            let letter = column_letter(i + 1);
            report.push(
                Diagnostic::error(
                    Code::DuplicateLabel,
                    header_location(i, &field.name),
                    Text::new(
                        format!("ชื่อคอลัมน์ {letter} \"{label}\" ซ้ำกับคอลัมน์ {} ส่วน schema เรียกคอลัมน์นี้ว่า \"{}\"", column_letter(first + 1), field.name),
                        format!("column {letter} is named \"{label}\" as column {} is, where the schema calls it \"{}\"", column_letter(first + 1), field.name),
                    ),
                    Text::new(format!("เขียน {} ลงในช่อง {letter}1 ของแถวหัวตาราง", field.name), format!("write {} in the header row's cell {letter}1", field.name)),
                )
                .with_value(label.clone()),
            );
            named_blanks.insert(i);
            continue;
        }
        if let Some(first) = first_seen.get(label.as_str()) {
            report.push(
                Diagnostic::error(
                    Code::DuplicateLabel,
                    header_location(i, label),
                    Text::new(
                        format!("ชื่อคอลัมน์ \"{label}\" ซ้ำกับคอลัมน์ {}", column_letter(first + 1)),
                        format!("the column name \"{label}\" repeats column {}", column_letter(first + 1)),
                    ),
                    Text::new("ตั้งชื่อคอลัมน์ให้ไม่ซ้ำกัน", "give every column a different name"),
                )
                .with_value(label.clone()),
            );
            continue;
        }
        // A name with spaces around it (` amount `), as exports of hand-typed headers have, or
        // typed on two lines in its cell (`งบประมาณ\n(บาท)`, Alt+Enter) is its field's column:
        // `infer` proposes the name so (see `model::format::label_name`).
        let normal = crate::model::format::label_name(label);
        let trimmed = normal.as_str();
        let field = schema.fields.iter().find(|f| f.name == trimmed).map(|f| f.name.as_str());
        if let Some(trimmed) = field.filter(|_| schema.field(label).is_none() && trimmed != label && !raw.header.iter().any(|h| h == trimmed) && !first_seen.contains_key(trimmed)) {
            first_seen.insert(trimmed, i);
            let ((said_th, said_en), (fix_th, fix_en)) = if label.trim() == trimmed {
                (("มีช่องว่างอยู่หน้าหรือหลัง", "has spaces around it"), ("ลบช่องว่างรอบชื่อคอลัมน์ในแถวหัวตาราง ให้เป็น", "remove the spaces around the name in the header row:"))
            } else {
                (("ขึ้นบรรทัดใหม่หรือเว้นวรรคซ้ำในช่อง", "has a line break or repeated spaces in its cell"), ("เขียนชื่อคอลัมน์ในแถวหัวตารางเป็นบรรทัดเดียว ให้เป็น", "write the name on one line in the header row:"))
            };
            report.push(
                Diagnostic::warning(
                    Code::ExtraWhitespace,
                    header_location(i, trimmed),
                    Text::new(
                        format!("ชื่อคอลัมน์ \"{label}\" {said_th} จึงถือเป็นคอลัมน์ \"{trimmed}\" ของ schema"),
                        format!("the column name \"{label}\" {said_en}: it is read as the schema's column \"{trimmed}\""),
                    ),
                    Text::new(format!("{fix_th} {trimmed}"), format!("{fix_en} {trimmed}")),
                )
                .with_value(label.clone()),
            );
            continue;
        }
        first_seen.insert(label.as_str(), i);
        if schema.field(label).is_none() {
            report.push(
                Diagnostic::error(
                    Code::ExtraLabel,
                    header_location(i, label),
                    Text::new(format!("คอลัมน์ \"{label}\" ไม่มีใน schema"), format!("the column \"{label}\" is not in the schema")),
                    Text::new(
                        "เพิ่มฟิลด์นี้ใน schema (พร้อม type และ title) หรือแก้ชื่อคอลัมน์ให้ตรงกับ schema",
                        "add a field for it to the schema (with type and title), or rename the column to match the schema",
                    ),
                )
                .with_value(label.clone()),
            );
        }
    }
    let mut positions = BTreeMap::new();
    for (fi, field) in schema.fields.iter().enumerate() {
        if named_blanks.contains(&fi) {
            // Its values are checked as that field's (in the column of the same place): the
            // fix is only to write its name.
            positions.insert(fi, fi);
            continue;
        }
        match first_seen.get(field.name.as_str()) {
            Some(&ci) => {
                positions.insert(fi, ci);
                if ci != fi && raw.header.len() == schema.fields.len() {
                    report.push(Diagnostic::warning(
                        Code::IncorrectLabel,
                        header_location(ci, &field.name),
                        Text::new(
                            format!("คอลัมน์ \"{}\" อยู่ที่ตำแหน่ง {} แต่ schema กำหนดไว้ที่ {}", field.name, column_letter(ci + 1), column_letter(fi + 1)),
                            format!("column \"{}\" is at {} but the schema puts it at {}", field.name, column_letter(ci + 1), column_letter(fi + 1)),
                        ),
                        Text::new("เรียงคอลัมน์หรือฟิลด์ใน schema ให้ตรงกัน", "put the columns and the schema's fields in the same order"),
                    ));
                }
            }
            None => report.push(
                Diagnostic::error(
                    Code::MissingLabel,
                    // Where the schema puts the column, as frictionless numbers it.
                    Location { file: file.to_path_buf(), row: Some(1), column_number: Some(fi + 1), column: Some(field.name.clone()), sheet: None },
                    Text::new(
                        format!("schema มีฟิลด์ \"{}\" (ฟิลด์ที่ {}) แต่ CSV ไม่มีคอลัมน์ชื่อนี้", field.name, fi + 1),
                        format!("the schema has a field \"{}\" (field {}) but the CSV has no column of that name", field.name, fi + 1),
                    ),
                    Text::new(
                        "เพิ่มคอลัมน์นี้ใน CSV หรือแก้ชื่อฟิลด์ใน schema ให้ตรงกับหัวคอลัมน์ (ตัวพิมพ์ต้องตรงกัน)",
                        "add the column to the CSV, or rename the schema field to match the header exactly (capitals matter)",
                    ),
                )
                .with_rule(format!("field {}", field.name)),
            ),
        }
    }
    positions
}

/// Whether the header row holds data, not names: a file exported without its header, whose
/// first row became the column names. Told only where it shows: as many cells as fields, none
/// a field's name, and each cell under a field of a type other than text a value of that type
/// (`เชียงใหม่,2567,1500` under `province`, `fiscal_year`, `amount`). A schema of text fields
/// alone cannot tell such a row from renamed columns.
fn header_is_data(schema: &Schema, raw: &RawTable) -> bool {
    let named = |label: &String| schema.fields.iter().any(|f| f.name.trim() == label.trim());
    if raw.header.len() != schema.fields.len() || raw.header.iter().any(named) {
        return false;
    }
    let typed: Vec<(usize, &Field)> = schema.fields.iter().enumerate().filter(|(_, f)| f.field_type != FieldType::String).collect();
    if typed.is_empty() {
        return false;
    }
    let traits = Traits { edge_whitespace: true, nbsp: true, thai_digits: true, ..Traits::default() };
    let columns: Vec<Column> = typed.iter().map(|(i, _)| Column::new(raw_col(*i).into(), [raw.header[*i].as_str()])).collect();
    let valid = typed.iter().map(|(i, f)| typed_expr(f, col(raw_col(*i)), traits, None).is_not_null().alias(raw_col(*i))).collect::<Vec<_>>();
    let Ok(frame) = DataFrame::new(1, columns).and_then(|df| df.lazy().select(valid).collect()) else { return false };
    frame.columns().iter().all(|c| c.bool().is_ok_and(|b| b.all()))
}

/// When the first column holds nothing but the rows' numbers counted from 0 or 1 (`0, 1, 2, …`,
/// as pandas' `to_csv` writes its index under a blank header), where they start: such a column
/// is no data of the agency's, and published, every download would carry it.
pub(crate) fn row_numbers(raw: &RawTable, i: usize) -> Option<i64> {
    if i != 0 {
        return None;
    }
    let column = raw.frame.column(&raw_col(i)).ok()?.cast(&DataType::String).ok()?;
    let column = column.str().ok()?;
    let mut values = column.iter().map(|v| v.map(str::trim).and_then(|v| v.parse::<i64>().ok()));
    let from = values.next().flatten().filter(|f| *f == 0 || *f == 1)?;
    // Three rows at least: two numbers in a row say little.
    let mut next = from;
    for value in values {
        next += 1;
        if value != Some(next) {
            return None;
        }
    }
    (next - from >= 2).then_some(from)
}

/// The error for a header the file has elsewhere than the row read as its header, when the
/// schema's names show where: one error with the `headerRows` to declare, instead of a
/// missing and an extra label for every column. Either
/// - a header of two rows not declared: the schema's names are the header's labels joined
///   with the next row's, as `infer` names them (`พ.ศ. 2565 ชาย` from `พ.ศ. 2565,,` over
///   `ชาย,หญิง`); or
/// - a header lower than lines not found as a title (they hold several cells:
///   `created;2024-05-01`, a second title cell): one of the next rows holds the names exactly.
fn header_elsewhere(schema: &Schema, raw: &RawTable, file: &Path) -> Option<Diagnostic> {
    let names: Vec<&str> = schema.fields.iter().map(|f| f.name.trim()).collect();
    if raw.header.iter().map(|h| h.trim()).eq(names.iter().copied()) {
        return None;
    }
    let looked: Vec<usize> = (0..raw.rows().min(HEADER_LOOKED_FOR)).collect();
    let rows = raw.row_cells(&looked).ok()?;
    let declare = |rows: &[usize], (th, en): (String, String)| {
        let list = crate::load::table::header_rows_list(rows);
        Diagnostic::error(
            Code::IncorrectLabel,
            Location { file: file.to_path_buf(), row: Some(1), column_number: None, column: None, sheet: None },
            Text::new(th, en),
            Text::new(
                format!("ประกาศในทรัพยากรของ dataset.toml: dialect = {{ headerRows = {list} }}{}", if rows.len() == 1 { " (หรือลบแถวเหนือหัวตารางออกจากไฟล์)" } else { "" }),
                format!("declare it on the resource in dataset.toml: dialect = {{ headerRows = {list} }}{}", if rows.len() == 1 { " (or delete the rows above the header from the file)" } else { "" }),
            ),
        )
    };
    let first = raw.header_row;
    if let Some(below) = rows.first() {
        let joined = crate::load::table::joined_labels(&[raw.header.clone(), below.clone()], " ");
        if joined.iter().map(String::as_str).eq(names.iter().copied()) {
            let (second, list) = (first + 1, names.join(", "));
            return Some(declare(
                &[first, second],
                (
                    format!("หัวตารางมีสองชั้น (แถว {first} และ {second}): ชื่อฟิลด์ใน schema คือชื่อในสองแถวนี้รวมกัน ({list}) แต่ไม่ได้ประกาศไว้ แถว {second} จึงถูกอ่านเป็นข้อมูล"),
                    format!("the header takes two rows ({first} and {second}): the schema's names are their labels joined ({list}), but this is not declared, so row {second} is read as data"),
                ),
            ));
        }
    }
    let at = rows.iter().position(|cells| cells.iter().map(|c| c.trim()).eq(names.iter().copied()))?;
    let row = first + 1 + at;
    Some(declare(
        &[row],
        (
            format!("ชื่อคอลัมน์ของ schema อยู่ที่แถว {row} ไม่ใช่แถว {first}: แถวที่อยู่เหนือแถว {row} ไม่ใช่ส่วนของตาราง"),
            format!("the schema's column names are row {row}, not row {first}: the rows above row {row} are no part of the table"),
        ),
    ))
}

/// How many rows below the header [`header_elsewhere`] looks at.
const HEADER_LOOKED_FOR: usize = 10;

/// The diagnostic for a header row that holds data (see [`header_is_data`]), giving the
/// header line to insert.
fn missing_header(schema: &Schema, raw: &RawTable, file: &Path) -> Diagnostic {
    let line = crate::load::scan::join_record(schema.fields.iter().map(|f| f.name.as_str()), raw.delimiter);
    let row = crate::load::scan::join_record(raw.header.iter().map(String::as_str), raw.delimiter);
    Diagnostic::error(
        Code::MissingHeader,
        Location { file: file.to_path_buf(), row: Some(1), column_number: None, column: None, sheet: None },
        Text::new(
            "แถวแรกเป็นข้อมูล ไม่ใช่ชื่อคอลัมน์: ไฟล์นี้ส่งออกมาโดยไม่มีแถวหัวตาราง แถวนี้จะหายไปจากไฟล์ดาวน์โหลดทุกไฟล์",
            "the first row holds data, not the column names: the file was exported without its header row, and this row would be lost from every download",
        ),
        Text::new(format!("แทรกแถวหัวตารางนี้เป็นบรรทัดแรกของไฟล์: {line}"), format!("insert this header line as the file's first line: {line}")),
    )
    .with_value(row)
}

fn raw_col(i: usize) -> String {
    RawTable::column_name(i)
}
fn value_col(fi: usize) -> String {
    format!("__v{fi}")
}
fn typed_col(fi: usize) -> String {
    format!("__t{fi}")
}

/// The column that says which of a field's cells hold a spreadsheet's error value.
fn error_col(fi: usize) -> String {
    format!("__e{fi}")
}

/// A cell that is a spreadsheet's error value, written instead of a formula's result when it
/// failed: Excel's and LibreOffice's `#N/A`, `#DIV/0!` …, Google Sheets' `#ERROR!`, calamine's
/// `#DATA!` for a workbook's "getting data" error, LibreOffice's `Err:502`. Only the whole
/// cell (spaces around it allowed): `see #REF!` is text.
/// A datetime's text ending with an offset (`Z`, `+07:00`, `+0700`, `+07`), as
/// [`split_offset`] reads one.
const ENDS_WITH_OFFSET: &str = r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)\s*$";

const SPREADSHEET_ERROR: &str = r"(?i)^\s*(?:#(?:N/A|REF!|DIV/0!|VALUE!|NAME\?|NUM!|NULL!|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|PYTHON!|EXTERNAL!|GETTING_DATA|DATA!|ERROR!)|Err:[0-9]{3})\s*$";

/// What made a spreadsheet write the error value `value`, in a few words.
fn spreadsheet_error_cause(value: &str) -> Text {
    let (th, en) = match value.trim().to_ascii_uppercase().as_str() {
        "#N/A" => ("สูตรค้นหา เช่น VLOOKUP หาค่าไม่พบ", "a lookup such as VLOOKUP found nothing"),
        "#DIV/0!" => ("การหารด้วยศูนย์", "a division by zero"),
        "#REF!" => ("สูตรอ้างถึงเซลล์ที่ถูกลบไปแล้ว", "a formula that refers to cells since deleted"),
        "#VALUE!" => ("สูตรได้รับค่าผิดชนิด", "a formula given a value of the wrong kind"),
        "#NAME?" => ("สูตรมีชื่อที่โปรแกรมไม่รู้จัก", "a formula with a name the program does not know"),
        "#NUM!" => ("ผลการคำนวณไม่ใช่ตัวเลขที่ใช้ได้", "a calculation whose result is not a number"),
        "#NULL!" => ("ช่วงเซลล์ในสูตรไม่ซ้อนทับกัน", "a formula whose ranges do not meet"),
        "#SPILL!" => ("ผลลัพธ์ของสูตรถูกเซลล์ที่มีค่าขวางไว้", "a formula's results blocked by cells in their way"),
        "#CALC!" => ("การคำนวณที่โปรแกรมทำไม่ได้", "a calculation the program could not make"),
        v if v.starts_with("ERR:") => ("รหัสของ LibreOffice สำหรับสูตรที่คำนวณไม่สำเร็จ", "LibreOffice's code for a formula that failed"),
        _ => ("สูตรที่คำนวณไม่สำเร็จ", "a formula that failed"),
    };
    Text::new(th, en)
}

/// Whether a text column's value is one of `values`: a few comparisons for a short list
/// (booleans, most enumerations), which beat hashing every value; a hash lookup for longer.
fn is_one_of(expr: Expr, values: Vec<String>) -> Expr {
    const COMPARED: usize = 8;
    let compared = (values.len() <= COMPARED).then(|| values.iter().map(|v| expr.clone().eq(lit(v.clone()))).reduce(Expr::or));
    match compared.flatten() {
        Some(any) => any,
        None => expr.is_in(lit(Series::new("values".into(), values)).implode(false), false),
    }
}

const THAI_DIGITS: [&str; 10] = ["๐", "๑", "๒", "๓", "๔", "๕", "๖", "๗", "๘", "๙"];
const ASCII_DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Thai digits (๐–๙) as ASCII digits: Rust's and Polars' number parsing reject them.
fn ascii_digits(e: Expr) -> Expr {
    e.str().replace_many(
        lit(Series::new("thai".into(), THAI_DIGITS)).implode(false),
        lit(Series::new("ascii".into(), ASCII_DIGITS)).implode(false),
        false,
        true,
    )
}

/// Thai month names and abbreviations (`ตุลาคม`, `ต.ค.`, `ต.ค`) as the English abbreviations
/// a format's `%b` and `%B` read, and `พ.ศ.` before a year left out: `1 ต.ค. พ.ศ. 2567` is read
/// by `%d %b %Y` as Thai documents write dates.
fn thai_months_as_english(e: Expr) -> Expr {
    use crate::model::format::{ENGLISH_MONTHS, THAI_MONTHS, THAI_MONTH_NAMES};
    // One pass, as `ascii_digits`; where two patterns start at one place the first listed
    // wins: `ต.ค.` before `ต.ค`.
    let undotted = THAI_MONTHS.iter().filter_map(|m| m.strip_suffix('.'));
    let thai: Vec<&str> = std::iter::once("พ.ศ.").chain(THAI_MONTH_NAMES).chain(THAI_MONTHS).chain(undotted).collect();
    let english: Vec<&str> = std::iter::once("").chain(ENGLISH_MONTHS.iter().copied().cycle().take(thai.len() - 1)).collect();
    e.str().replace_many(lit(Series::new("thai".into(), thai)).implode(false), lit(Series::new("english".into(), english)).implode(false), false, true)
}

/// A date or datetime text with its Buddhist-era year (the first four-digit run) turned into
/// the Christian-era year, so that 29/02/2567 (a leap day in 2024) parses.
fn buddhist_to_christian(e: Expr) -> Expr {
    let year = e.clone().str().extract(lit("([0-9]{4})"), 1).cast(DataType::Int64) - lit(543i64);
    let before = e.clone().str().extract(lit("^(.*?)[0-9]{4}"), 1);
    let after = e.str().extract(lit("^.*?[0-9]{4}(.*)$"), 1);
    concat_str([before, year.cast(DataType::String), after], "", false)
}

/// A text whose two-digit Buddhist-era year is its `run`th run of digits (see
/// [`crate::model::format::short_year_run`]), that year written as the four-digit
/// Christian-era year: `01/10/67` is `01/10/2024` (see
/// [`crate::model::format::buddhist_short_year`]); None when that run is not two digits.
fn short_buddhist_year_text(s: &str, run: usize) -> Option<String> {
    let year = crate::model::format::digit_runs(s).nth(run).filter(|r| r.len() == 2)?;
    let yy: u32 = s[year.clone()].parse().ok()?;
    let ce = crate::model::format::buddhist_short_year(yy) - 543;
    Some(format!("{}{ce}{}", &s[..year.start], &s[year.end..]))
}

fn strptime(format: &str) -> StrptimeOptions {
    StrptimeOptions { format: Some(format.into()), strict: false, exact: true, cache: true }
}

fn null_of(dtype: DataType) -> Expr {
    lit(NULL).cast(dtype)
}

/// Whether each text of a column passes `test`, computed over the whole column (for checks a
/// regular expression cannot make: JSON, coordinates in range).
fn text_test(value: Expr, test: fn(&str) -> bool) -> Expr {
    value.map(
        move |c: Column| {
            let ca = c.str()?;
            let out: BooleanChunked = ca.iter().map(|v| v.map(test)).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(polars::prelude::Field::new(f.name().clone(), DataType::Boolean)),
    )
}

/// Each text of a column read as an ISO 8601 datetime (null where it is none); in UTC, and
/// marked with the time zone `zone` to show it in, when the column has offsets.
fn text_to_datetime(value: Expr, zone: Option<TimeZone>) -> Expr {
    let output = zone.clone();
    value.map(
        move |c: Column| {
            let micros: Int64Chunked = c.str()?.iter().map(|v| v.and_then(iso_datetime_micros)).collect();
            let out = micros.with_name(c.name().clone()).into_datetime(TimeUnit::Microseconds, zone.clone());
            Ok(out.into_series().into_column())
        },
        move |_, f| Ok(polars::prelude::Field::new(f.name().clone(), datetime_type(output.clone()))),
    )
}

/// Each text of a column rewritten by `convert` (null where it returns `None`).
fn text_to_text(value: Expr, convert: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Expr {
    value.map(
        move |c: Column| {
            let out: StringChunked = c.str()?.iter().map(|v| v.and_then(&convert)).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(polars::prelude::Field::new(f.name().clone(), DataType::String)),
    )
}

fn json_object(s: &str) -> bool {
    matches!(serde_json::from_str::<serde_json::Value>(s), Ok(serde_json::Value::Object(_)))
}

fn json_array(s: &str) -> bool {
    matches!(serde_json::from_str::<serde_json::Value>(s), Ok(serde_json::Value::Array(_)))
}

/// A GeoJSON object as its specification (RFC 7946) requires: a known `type` with the members
/// that type must have. `{}` and other JSON objects are not GeoJSON.
fn geojson(s: &str) -> bool {
    let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(s) else { return false };
    let is = |key: &str, test: fn(&serde_json::Value) -> bool| o.get(key).is_some_and(test);
    let object_or_null = |v: &serde_json::Value| v.is_object() || v.is_null();
    match o.get("type").and_then(serde_json::Value::as_str) {
        // A position has at least a longitude and a latitude.
        Some("Point") => o.get("coordinates").and_then(serde_json::Value::as_array).is_some_and(|p| p.len() >= 2 && p.iter().all(serde_json::Value::is_number)),
        Some("MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon") => is("coordinates", serde_json::Value::is_array),
        Some("GeometryCollection") => is("geometries", serde_json::Value::is_array),
        Some("Feature") => is("geometry", object_or_null) && is("properties", object_or_null),
        Some("FeatureCollection") => is("features", serde_json::Value::is_array),
        _ => false,
    }
}

/// Longitude and latitude within the earth's ranges.
fn on_earth(lon: f64, lat: f64) -> bool {
    (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)
}

/// A geopoint in Table Schema's default format, `lon, lat`.
fn geopoint_default(s: &str) -> bool {
    let Some((lon, lat)) = s.split_once(',') else { return false };
    matches!((finite(lon), finite(lat)), (Some(lon), Some(lat)) if on_earth(lon, lat))
}

/// A finite number written as text.
fn finite(t: &str) -> Option<f64> {
    t.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A coordinate in JSON: a number, or a number written as a string (as frictionless reads it).
fn coordinate(v: &serde_json::Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str().and_then(finite))
}

/// A geopoint in format `array`: `[lon, lat]`.
fn geopoint_array(s: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(serde_json::Value::Array(a)) => match a.as_slice() {
            [lon, lat] => matches!((coordinate(lon), coordinate(lat)), (Some(lon), Some(lat)) if on_earth(lon, lat)),
            _ => false,
        },
        _ => false,
    }
}

/// A geopoint in format `object`: `{"lon": …, "lat": …}` and nothing else.
fn geopoint_object(s: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(serde_json::Value::Object(o)) if o.len() == 2 => {
            matches!((o.get("lon").and_then(coordinate), o.get("lat").and_then(coordinate)), (Some(lon), Some(lat)) if on_earth(lon, lat))
        }
        _ => false,
    }
}

/// An ISO 8601 offset at the end of a time (`Z`, `+07:00`, `+0700`), as seconds east of UTC,
/// and the text before it.
fn split_offset(s: &str) -> (&str, Option<i32>) {
    if let Some(rest) = s.strip_suffix('Z') {
        return (rest, Some(0));
    }
    let b = s.as_bytes();
    let digits = |t: &[u8]| t.iter().all(u8::is_ascii_digit);
    for (len, colon) in [(6, true), (5, false), (3, false)] {
        if b.len() >= len + 8 && s.is_char_boundary(b.len() - len) {
            let (head, tail) = s.split_at(b.len() - len);
            let t = tail.as_bytes();
            let sign = match t[0] {
                b'+' => 1,
                b'-' => -1,
                _ => continue,
            };
            let (h, m): (&[u8], &[u8]) = match len {
                6 => (&t[1..3], &t[4..6]),
                5 => (&t[1..3], &t[3..5]),
                _ => (&t[1..3], b"00"),
            };
            if digits(h) && digits(m) && (!colon || t[3] == b':') {
                let hours = i32::from(h[0] - b'0') * 10 + i32::from(h[1] - b'0');
                let minutes = i32::from(m[0] - b'0') * 10 + i32::from(m[1] - b'0');
                return (head, Some(sign * (hours * 3600 + minutes * 60)));
            }
        }
    }
    (s, None)
}

/// A time of day written `HH:MM:SS`, with optional fractional seconds (after `.` or `,`), as
/// ISO 8601 has it; `24:00:00` is the midnight that ends a day (returned as `true`).
fn iso_time(s: &str) -> Option<(chrono::NaiveTime, bool)> {
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' || (b.len() > 8 && !matches!(b[8], b'.' | b',')) || b[6] >= b'6' {
        return None;
    }
    if s[..8] == *"24:00:00" && s[8..].chars().skip(1).all(|c| c == '0') {
        return Some((chrono::NaiveTime::MIN, true));
    }
    chrono::NaiveTime::parse_from_str(&s.replace(',', "."), "%H:%M:%S%.f").ok().map(|t| (t, false))
}

/// An ISO 8601 date and time (`T` or a space between them, seconds required, fractional
/// seconds and an offset allowed) as microseconds since 1970 — in UTC where an offset is given,
/// as written where none is.
fn iso_datetime_micros(s: &str) -> Option<i64> {
    let (local, offset) = split_offset(s);
    let b = local.as_bytes();
    // Any one character between date and time, as frictionless (dateutil) reads them.
    if b.len() < 19 || !b[10].is_ascii() || b[10].is_ascii_digit() {
        return None;
    }
    let date = chrono::NaiveDate::parse_from_str(&local[..10], "%Y-%m-%d").ok()?;
    let (time, next_day) = iso_time(&local[11..])?;
    let at = date.and_time(time) + chrono::Duration::days(i64::from(next_day)) - chrono::Duration::seconds(i64::from(offset.unwrap_or(0)));
    Some(at.and_utc().timestamp_micros())
}

/// A time in ISO 8601 as canonical text: `HH:MM:SS` (and its fraction), with the offset it was
/// written with (`+07:00`, `Z` for UTC).
fn iso_time_text(s: &str) -> Option<String> {
    let (local, offset) = split_offset(s);
    let (time, _) = iso_time(local)?;
    Some(match offset {
        None => time.format("%H:%M:%S%.f").to_string(),
        // In the offset it was written in, as datetimes are (see `column_zone`): the same time
        // of day in UTC would be another hour for every reader of a Thai table.
        Some(0) => time.format("%H:%M:%S%.fZ").to_string(),
        Some(seconds) => format!("{}{}", time.format("%H:%M:%S%.f"), crate::model::value::offset_zone_name(seconds)),
    })
}

/// `parsed` where the text has a four-digit year if the pattern `format` asks for one with `%Y`
/// (Polars would read `01/10/24` as the year 24; Python's `%Y`, and so frictionless, refuses it).
fn four_digit_year(format: &str, text: Expr, parsed: Expr, dtype: DataType) -> Expr {
    if !format.contains("%Y") {
        return parsed;
    }
    when(text.str().contains(lit(r"(?:^|[^0-9])[0-9]{4}(?:[^0-9]|$)"), true)).then(parsed).otherwise(null_of(dtype))
}

/// A year and month as canonical `YYYY-MM` text (the month may be written with one digit).
fn yearmonth_text(s: &str) -> Option<String> {
    let (year, month) = s.split_once('-')?;
    let month: u32 = (month.len() <= 2 && month.bytes().all(|b| b.is_ascii_digit())).then(|| month.parse().ok()).flatten()?;
    (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) && (1..=12).contains(&month)).then(|| format!("{year}-{month:02}"))
}

/// An ISO 8601 duration (`P1Y2M`, `PT1.5S`, `-P1W`): `P`, then at least one number with its
/// unit, in order, time units after `T`.
fn iso_duration(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-').unwrap_or(s).strip_prefix('P') else { return false };
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    // Each part: numbers (with an optional fraction) followed by units from `units`, in order.
    let units_in_order = |part: &str, units: &str| {
        let mut allowed = units.chars();
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || (matches!(c, '.' | ',') && !number.is_empty()) {
                number.push(c);
            } else if number.is_empty() || !allowed.any(|u| u == c) {
                return false;
            } else {
                number.clear();
            }
        }
        number.is_empty()
    };
    (!rest.is_empty()) && units_in_order(date, "YMWD") && time.is_none_or(|t| units_in_order(t, "HMS"))
}

/// A number as a cell writes it, cut around its digits.
struct Written<'a> {
    /// The text before the number.
    before: &'a str,
    /// From the first digit to the last, with the sign and decimal point written just before
    /// the first (`-.5`; not the dot of an abbreviation such as `Rs.500`).
    number: &'a str,
    /// The text after the number.
    after: &'a str,
}

/// `text` cut around its number; None where it has no digit (ASCII or Thai).
fn written(text: &str) -> Option<Written<'_>> {
    let digit = crate::lang::is_digit;
    let first = text.find(digit)?;
    let last = text.rfind(digit)?;
    let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
    let mut start = first;
    if text[..start].ends_with('.') && !text[..start - 1].ends_with(char::is_alphabetic) {
        start -= 1;
    }
    if text[..start].ends_with(['-', '+']) {
        start -= 1;
    }
    Some(Written { before: &text[..start], number: &text[start..end], after: &text[end..] })
}

/// Signs and words that make a number a limit or an estimate rather than a value: `<0.5` (below
/// what the instrument detects), `ไม่เกิน 100` (not more than 100), `ประมาณ 20` (about 20),
/// `500+`. Without them the number would be published as exact.
const QUALIFIERS: &[&str] = &[
    "<", ">", "≤", "≥", "~", "≈", "ไม่เกิน", "ไม่ถึง", "ไม่ต่ำกว่า", "ไม่น้อยกว่า", "มากกว่า", "น้อยกว่า", "ต่ำกว่า", "สูงกว่า", "ประมาณ", "เกิน", "ราว",
    "อย่างน้อย", "ขึ้นไป",
];

/// The qualifier (see [`QUALIFIERS`]) written around a number, if any; a `+` after it counts.
fn qualifier(w: &Written) -> Option<&'static str> {
    let around = |q: &str| w.before.contains(q) || w.after.contains(q);
    QUALIFIERS.iter().copied().find(|q| around(q)).or_else(|| w.after.contains('+').then_some("+"))
}

/// Whether the number is written in parentheses, as accounts write a negative: `(12,000.00)`,
/// `(฿1,000)`, `(1,000) บาท`; not `1,000 (บาท)`, a unit in parentheses, nor a note such as
/// `(ยกเว้น 5 รายการ)`: nothing but signs and a currency's capitals (`THB`) is beside the
/// number inside them.
fn in_parentheses(w: &Written) -> bool {
    let (Some(open), Some(close)) = (w.before.rfind('('), w.after.find(')')) else { return false };
    let bare = |s: &str| !s.chars().any(|c| c.is_alphabetic() && !c.is_ascii_uppercase());
    bare(&w.before[open..]) && bare(&w.after[..close])
}

/// The number in `text` without the currency signs, units and percent signs written around it
/// (`bareNumber = false`: `฿1,000`, `1,000 บาท`, `95%`, `US$ 5`, `45.5 มคก./ลบ.ม.`). None
/// (a type error) where what is around it changes the number, which stripping would publish
/// wrong: a negative in parentheses, a qualifier (`<0.5`, `ไม่เกิน 100`), a sign before a
/// currency (`-฿5`), an unmatched parenthesis. Text without digits is left as it is (`NaN`).
fn bare_number_text(text: &str) -> Option<String> {
    let Some(w) = written(text) else { return Some(text.to_string()) };
    // After the number, a parenthesis may only enclose a unit: `1,000 (บาท)`.
    let closes_unopened = match (w.after.find('('), w.after.find(')')) {
        (_, None) => false,
        (Some(open), Some(close)) => close < open,
        (None, Some(_)) => true,
    };
    // Before it, a parenthesis or a sign that is not the number's own would be stripped away.
    let changes_the_number = w.before.contains(['(', ')', '-', '+']) || closes_unopened || qualifier(&w).is_some();
    (!changes_the_number).then(|| w.number.to_string())
}

/// The expression that turns a field's text (nulls for missing values) into its type;
/// a null where the text was not null means the text is not of that type.
fn typed_expr(field: &Field, value: Expr, traits: Traits, zone: Option<TimeZone>) -> Expr {
    // Work that cannot change anything in this file is skipped (see `Traits`).
    let trimmed = if traits.edge_whitespace || traits.nbsp { value.clone().str().strip_chars(lit(NULL)) } else { value.clone() };
    let ascii_digits = |e: Expr| if traits.thai_digits { ascii_digits(e) } else { e };
    let buddhist = field.calendar == Some(Calendar::Buddhist);
    let numeric_text = |e: Expr| {
        let mut e = ascii_digits(e);
        if traits.personal_variants {
            // Characters of U+2000-U+FFFF are in the file (see `Traits`): a number copied out of
            // a PDF or a web page may have the minus sign (U+2212) for `-`, or an invisible
            // zero-width space or joiner, which change nothing of the number a person sees.
            e = e.str().replace_many(
                lit(Series::new("written".into(), ["\u{2212}", "\u{200b}", "\u{200c}", "\u{200d}", "\u{2060}", "\u{feff}"])).implode(false),
                lit(Series::new("read".into(), ["-", "", "", "", "", ""])).implode(false),
                false,
                true,
            );
        }
        if field.bare_number == Some(false) {
            // Currency signs, units and percent signs around the number (฿1,000 / 95% / 20 บาท),
            // but never what changes the number: see `bare_number_text`.
            e = text_to_text(e, bare_number_text);
        }
        if let Some(g) = field.group_char.as_deref().filter(|g| !g.is_empty()) {
            // Separators only between groups of three digits: "18,250,00", "25," and "22,7" are
            // typing mistakes, not 1825000, 25 and 227.
            let decimal = regex::escape(field.decimal_char.as_deref().unwrap_or("."));
            let grouped = format!(r"^[+-]?[0-9]{{1,3}}({}[0-9]{{3}})+({decimal}[0-9]*)?$", regex::escape(g));
            let misplaced = e.clone().str().contains(lit(regex::escape(g)), false).and(e.clone().str().contains(lit(grouped), false).not());
            e = when(misplaced).then(null_of(DataType::String)).otherwise(e.str().replace_all(lit(g.to_string()), lit(""), true));
        }
        e
    };
    let when_valid = |valid: Expr, v: Expr| when(valid).then(v).otherwise(null_of(DataType::String));
    match field.field_type {
        FieldType::Integer => numeric_text(trimmed).cast(DataType::Int64),
        FieldType::Year => {
            // Four digits, as Table Schema writes a year (not 24, nor 02024).
            let text = numeric_text(trimmed);
            let year = when(text.clone().str().contains(lit("^[0-9]{4}$"), true)).then(text.cast(DataType::Int64)).otherwise(null_of(DataType::Int64));
            if buddhist { year - lit(543i64) } else { year }
        }
        FieldType::Number => {
            let mut e = numeric_text(trimmed);
            if let Some(d) = field.decimal_char.as_deref().filter(|d| *d != ".") {
                // With another decimal mark, a '.' (not the group separator) makes the text no
                // number: `1.234` must not be read as one and a quarter.
                if field.group_char.as_deref() != Some(".") {
                    e = e.str().replace_all(lit("."), lit("\u{1}"), true);
                }
                e = e.str().replace_all(lit(d.to_string()), lit("."), true);
            }
            e.cast(DataType::Float64)
        }
        FieldType::Boolean => {
            let defaults = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            let trues = field.true_values.clone().unwrap_or_else(|| defaults(&["true", "True", "TRUE", "1"]));
            let falses = field.false_values.clone().unwrap_or_else(|| defaults(&["false", "False", "FALSE", "0"]));
            when(is_one_of(trimmed.clone(), trues))
                .then(lit(true))
                .when(is_one_of(trimmed, falses))
                .then(lit(false))
                .otherwise(null_of(DataType::Boolean))
        }
        FieldType::Date | FieldType::Datetime => {
            let text = if month_names(field) { thai_months_as_english(trimmed) } else { trimmed };
            // A two-digit Buddhist-era year (`01/10/67`) is written out in the Christian era and
            // read by the format's `%Y`: chrono's `%y` would read 67 as 2067.
            let short_year = field.format.as_deref().filter(|_| buddhist).and_then(crate::model::format::short_year_run);
            let (text, format) = match short_year {
                Some(run) => (
                    text_to_text(ascii_digits(text), move |s| short_buddhist_year_text(s, run)),
                    field.format.as_deref().map(|f| std::borrow::Cow::Owned(f.replacen("%y", "%Y", 1))),
                ),
                None if buddhist => (buddhist_to_christian(ascii_digits(text)), field.format.as_deref().map(std::borrow::Cow::Borrowed)),
                None => (text, field.format.as_deref().map(std::borrow::Cow::Borrowed)),
            };
            match (field.field_type, format.as_deref()) {
                (FieldType::Date, None | Some("default")) => text.str().to_date(strptime("%Y-%m-%d")),
                (FieldType::Date, Some("any")) => text.str().to_date(StrptimeOptions { strict: false, ..Default::default() }),
                (FieldType::Date, Some(f)) => four_digit_year(f, text.clone(), text.str().to_date(strptime(f)), DataType::Date),
                (_, None | Some("default") | Some("any")) => text_to_datetime(text, zone),
                (_, Some(f)) => four_digit_year(f, text.clone(), text.str().to_datetime(Some(TimeUnit::Microseconds), None, strptime(f), lit("raise")), datetime_type(None)),
            }
        }
        FieldType::Time => match field.format.as_deref() {
            None | Some("default") | Some("any") => text_to_text(trimmed, iso_time_text),
            // A time parses as a datetime on a fixed day; the canonical text is HH:MM:SS.
            Some(f) => concat_str([lit("1970-01-01 "), trimmed], "", false)
                .str()
                .to_datetime(Some(TimeUnit::Microseconds), None, strptime(&format!("%Y-%m-%d {f}")), lit("raise"))
                .dt()
                .to_string("%H:%M:%S"),
        },
        FieldType::Geopoint => {
            let valid = match field.format.as_deref() {
                Some("array") => geopoint_array,
                Some("object") => geopoint_object,
                _ => geopoint_default,
            };
            when_valid(text_test(value.clone(), valid), value)
        }
        FieldType::Geojson => when_valid(text_test(value.clone(), geojson), value),
        // Year-months are kept as `YYYY-MM` text (2024-1 becomes 2024-01), which sorts as they do.
        FieldType::Yearmonth => text_to_text(value, yearmonth_text),
        FieldType::Duration => when_valid(text_test(value.clone(), iso_duration), value),
        FieldType::Object => when_valid(text_test(value.clone(), json_object), value),
        FieldType::Array => when_valid(text_test(value.clone(), json_array), value),
        _ => match text_type_pattern(field) {
            Some(re) => when_valid(value.clone().str().contains(lit(re), true), value),
            None => value,
        },
    }
}

/// Whether the field's format reads month names (`%b`, `%B`), which may be written in Thai.
fn month_names(field: &Field) -> bool {
    field.format.as_deref().is_some_and(|f| f.contains("%b") || f.contains("%B"))
}

/// The pattern a text-like type must match (types Sala keeps as text but still checks).
fn text_type_pattern(field: &Field) -> Option<&'static str> {
    match (field.field_type, field.format.as_deref()) {
        (FieldType::String, Some("email")) => Some(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
        (FieldType::String, Some("uri")) => Some(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$"),
        // With or without the hyphens, as frictionless reads UUIDs.
        (FieldType::String, Some("uuid")) => Some(r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$"),
        (FieldType::String, Some("binary")) => Some(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"),
        _ => None,
    }
}

/// A limit (minimum, maximum) as a literal comparable with the typed column (a datetime's with
/// its microseconds).
fn limit_literal(field: &Field, value: &toml::Value) -> Option<Expr> {
    let text = value_as_text(value);
    let text = text.trim();
    // A Buddhist-era year's limits are written in the era its values are (2560), and the values
    // are held in the Christian era.
    let era = if field.field_type == FieldType::Year && field.calendar == Some(Calendar::Buddhist) { 543 } else { 0 };
    match field.field_type {
        FieldType::Integer | FieldType::Year => match value {
            toml::Value::Integer(i) => Some(lit(*i - era)),
            toml::Value::Float(f) if f.fract() == 0.0 => Some(lit(*f as i64 - era)),
            _ => text.parse::<i64>().ok().map(|i| lit(i - era)),
        },
        FieldType::Number => match value {
            toml::Value::Integer(i) => Some(lit(*i as f64)),
            toml::Value::Float(f) => Some(lit(*f)),
            _ => text.parse::<f64>().ok().map(lit),
        },
        FieldType::Date => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(|d| lit((d - chrono::NaiveDate::default()).num_days() as i32).cast(DataType::Date)),
        // Compared with the column's microseconds (see `check_rows`): a UTC column cannot be cast to.
        FieldType::Datetime => iso_datetime_micros(text).map(lit),
        // Times and year-months are kept as canonical text, which sorts as they do.
        FieldType::Time => iso_time_text(text).map(lit),
        FieldType::Yearmonth => yearmonth_text(text).map(lit),
        _ => None,
    }
}

/// The type of a datetime column: UTC instants marked with the zone to show them in when some
/// value had an offset (`Z`, `+07:00`, see [`column_zone`]), otherwise as written.
fn datetime_type(zone: Option<TimeZone>) -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, zone)
}

fn check_rows(
    schema: &Schema,
    raw: &RawTable,
    positions: &BTreeMap<usize, usize>,
    file: &Path,
    personal_columns: &BTreeSet<usize>,
) -> PolarsResult<(DataFrame, Report)> {
    let mask = |column: usize, text: &str| shown(personal_columns, column, text);
    let mut values = Vec::new();
    let mut typed = Vec::new();
    let mut checks: Vec<Check> = Vec::new();
    let mut flags = Vec::new();
    let mut repeats: Vec<(String, Expr)> = Vec::new();
    let mut frame = raw.frame.clone();

    // Cells a short row does not have: Polars filled them with empty text.
    let has_short = !raw.short_rows.is_empty();
    if has_short {
        let mut cells = vec![raw.header.len() as u32; frame.height()];
        for &(row, n) in &raw.short_rows {
            if let Some(c) = cells.get_mut(row) {
                *c = n as u32;
            }
        }
        frame.with_column(Column::new(CELLS.into(), cells))?;
    }
    let present = |ci: usize| if has_short { col(CELLS).gt(lit(ci as u32)) } else { lit(true) };
    // Columns Polars typed while parsing (see `RawTable::frame`): every value parsed, and no
    // text kept beside it.
    let parsed = |ci: usize| raw.frame.columns().get(ci).is_some_and(|c| c.dtype() != &DataType::String);

    // A row whose cells are all empty is reported once as a blank row, not once per rule.
    // There is none when some column has no empty cell (a null count Polars keeps anyway).
    // A cell of spaces only is blank here too, where the file has cells with spaces at an edge.
    let spaces = raw.traits.edge_whitespace;
    let blank_cells = |c: &Column| if spaces { has_empty_text(c, true) } else { !raw.empty_is_null && has_empty_text(c, false) };
    let no_blank_rows = raw.frame.columns().iter().any(|c| c.null_count() == 0 && !blank_cells(c));
    let blank_row = if raw.frame.width() == 0 || no_blank_rows {
        lit(false)
    } else {
        let empty = |i: usize| {
            let null = col(raw_col(i)).is_null();
            if parsed(i) {
                null
            } else if spaces {
                null.or(col(raw_col(i)).str().strip_chars(lit(NULL)).eq(lit("")))
            } else if raw.empty_is_null {
                null
            } else {
                null.or(col(raw_col(i)).eq(lit("")))
            }
        };
        all_horizontal((0..raw.frame.width()).map(empty).collect::<Vec<_>>())?
    };
    let header_again = header_again(raw)?;
    let may_repeat_header = header_again.is_some();
    let header_again = header_again.unwrap_or(lit(false));
    // Rows reported once for what they are, not once per rule.
    let no_skipped_rows = no_blank_rows && !may_repeat_header;
    let skipped_row = blank_row.clone().or(header_again.clone());

    for (&fi, &ci) in positions {
        let field = &schema.fields[fi];
        let raw_e = col(raw_col(ci));
        // Polars already read missing values as nulls; only the cells a short row lacks remain.
        // A parsed column keeps no text: its rules all read its values (see `Field::parser_type`).
        let by_parser = parsed(ci);
        if !by_parser {
            let value = if has_short { when(present(ci)).then(raw_e.clone()).otherwise(null_of(DataType::String)) } else { raw_e.clone() };
            values.push(value.alias(value_col(fi)));
        }
        // A spreadsheet's error value can only be in a text column, and only where the file has
        // a `#` or `Err:` (a missing value, such as a declared "#N/A", is none).
        let errors = !by_parser && raw.traits.spreadsheet_errors;
        if errors {
            values.push(raw_e.clone().str().contains(lit(SPREADSHEET_ERROR), true).fill_null(lit(false)).alias(error_col(fi)));
        }
        let zone = if field.field_type == FieldType::Datetime { column_zone(raw, ci) } else { None };
        let zoned = zone.is_some();
        let typing = if by_parser { raw_e.clone() } else { typed_expr(field, col(value_col(fi)), raw.traits, zone) };
        // A type that keeps the text as it is cannot be broken, nor can a value Polars parsed:
        // neither needs a type flag.
        let kept_as_text = by_parser || typing == col(value_col(fi));
        // An error value is no data: no value, in no type (nor a key or a repeat).
        let typing = if errors { when(col(error_col(fi))).then(lit(NULL)).otherwise(typing) } else { typing };
        typed.push(typing.alias(typed_col(fi)));

        let v = col(value_col(fi));
        let t = col(typed_col(fi));
        // Whether the cell has a value: a parsed column keeps no text, only the value.
        let (has_value, no_value) = if by_parser { (t.clone().is_not_null(), t.clone().is_null()) } else { (v.clone().is_not_null(), v.clone().is_null()) };
        // A flag computed later (uniqueness) has no expression here.
        let mut add = |rule: Rule, rule_text: String, flag: Option<Expr>| -> String {
            let name = format!("__f{}", checks.len());
            if let Some(flag) = flag {
                let flag = if no_skipped_rows { flag } else { flag.and(skipped_row.clone().not()) };
                // A cell holding an error value is reported for that alone.
                let flag = if errors && rule != Rule::SpreadsheetError { flag.and(col(error_col(fi)).not()) } else { flag };
                flags.push(flag.fill_null(lit(false)).alias(name.clone()));
            }
            checks.push(Check { flag: name.clone(), field: fi, rule, rule_text });
            name
        };
        if errors {
            add(Rule::SpreadsheetError, String::new(), Some(col(error_col(fi))));
        }
        let type_rule = match &field.format {
            Some(f) => format!("type = {}, format = {f}", field.field_type.name()),
            None => format!("type = {}", field.field_type.name()),
        };
        if !kept_as_text {
            add(Rule::Type, type_rule, Some(v.clone().is_not_null().and(t.clone().is_null())));
        }
        let c = &field.constraints;
        if c.required {
            add(Rule::Required, "required".into(), Some(if has_short { no_value.and(present(ci)) } else { no_value }));
        }
        if let Some(items) = &c.enum_values {
            let shown: Vec<String> = items.iter().map(value_as_text).collect();
            // Typed columns compare typed values (1 matches 1.0); text columns compare text.
            let flag = match field.field_type {
                FieldType::Integer | FieldType::Year => {
                    let allowed: Vec<i64> = items.iter().filter_map(|i| value_as_text(i).trim().parse::<f64>().ok()).filter(|f| f.fract() == 0.0).map(|f| f as i64).collect();
                    t.clone().is_in(lit(Series::new("values".into(), allowed)).implode(false), false)
                }
                FieldType::Number => {
                    let allowed: Vec<f64> = items.iter().filter_map(|i| value_as_text(i).trim().parse::<f64>().ok()).collect();
                    t.clone().is_in(lit(Series::new("values".into(), allowed)).implode(false), false)
                }
                _ => is_one_of(v.clone(), shown.clone()),
            };
            add(Rule::Enum, format!("enum = [{}]", shown.join(", ")), Some(has_value.and(flag.not())));
        }
        // NaN is neither above nor below a limit: it breaks every one, as in frictionless.
        let nan = if field.field_type == FieldType::Number { t.clone().is_nan() } else { lit(false) };
        for (name, limit) in limits(field) {
            let Some(e) = supports_limits(field.field_type).then(|| limit_literal(field, limit)).flatten() else { continue };
            let t = if field.field_type == FieldType::Datetime { t.clone().to_physical() } else { t.clone() };
            let (rule, broken) = match name {
                "minimum" => (Rule::Minimum, t.clone().lt(e)),
                "maximum" => (Rule::Maximum, t.clone().gt(e)),
                "exclusiveMinimum" => (Rule::ExclusiveMinimum, t.clone().lt_eq(e)),
                _ => (Rule::ExclusiveMaximum, t.clone().gt_eq(e)),
            };
            add(rule, format!("{name} = {}", value_as_text(limit)), Some(broken.or(nan.clone())));
        }
        if let Some(n) = c.min_length {
            add(Rule::MinLength, format!("minLength = {n}"), Some(v.clone().str().len_chars().lt(lit(n as u32))));
        }
        if let Some(n) = c.max_length {
            add(Rule::MaxLength, format!("maxLength = {n}"), Some(v.clone().str().len_chars().gt(lit(n as u32))));
        }
        if let Some((p, anchored)) = c.pattern.as_ref().and_then(|p| Some((p, anchored_pattern(p)?))) {
            add(Rule::Pattern, format!("pattern = {p}"), Some(v.clone().is_not_null().and(v.clone().str().contains(lit(anchored), true).not())));
        }
        if c.unique {
            // Computed after the main pass, where it can often be skipped (see below).
            let flag = add(Rule::Unique, "unique".into(), None);
            repeats.push((flag, t.clone()));
        }
        // Spaces around a value, or non-breaking spaces anywhere, come from copying and pasting
        // and break lookups and joins later.
        if raw.traits.edge_whitespace || raw.traits.nbsp {
            add(Rule::Whitespace, "no leading, trailing or non-breaking spaces".into(), Some(v.clone().str().contains(lit(r"^\s|\s$|\x{A0}"), true)));
        }
        // A column with offsets reads a value without one as UTC: a Thai local time written
        // so is published seven hours off.
        if zoned && !by_parser {
            add(
                Rule::MissingOffset,
                "an offset on every datetime of the column".into(),
                Some(v.clone().is_not_null().and(t.clone().is_not_null()).and(v.clone().str().contains(lit(ENDS_WITH_OFFSET), true).not())),
            );
        }
        if raw.traits.thai_misordered && matches!(field.field_type, FieldType::String | FieldType::Any) {
            add(
                Rule::ThaiOrder,
                "Thai marks in reading order".into(),
                Some(v.clone().str().contains(lit(crate::load::scan::MISORDERED_THAI), true)),
            );
        }
    }

    // The primary key: a row whose key repeats an earlier row's.
    let pk: Vec<usize> = schema.primary_key().iter().filter_map(|n| schema.fields.iter().position(|f| &f.name == n)).collect();
    let pk_complete = !pk.is_empty() && pk.iter().all(|fi| positions.contains_key(fi));
    if pk_complete {
        let key = match pk.as_slice() {
            [single] => col(typed_col(*single)),
            // Keys compare typed values, as the single-column key does (and frictionless): 1.5
            // and 1.50 are the same number, however the column was read.
            _ => concat_str(pk.iter().map(|&fi| col(typed_col(fi)).cast(DataType::String)).collect::<Vec<_>>(), "\u{1f}", false),
        };
        repeats.push((PK.to_string(), key));
        // A key must identify its row: a key with no value at all is an error even when its
        // fields are not `required` (as frictionless has it; a composite key may lack a part).
        // Type errors are not missing values: only the text counts.
        let missing: Vec<Expr> =
            pk.iter().map(|&fi| if parsed(positions[&fi]) { col(typed_col(fi)).is_null() } else { col(value_col(fi)).is_null() }).collect();
        let empty = all_horizontal(missing)?;
        let empty = if no_skipped_rows { empty } else { empty.and(skipped_row.clone().not()) };
        flags.push(empty.fill_null(lit(false)).alias(PK_EMPTY));
    }
    // Flags that cannot be true (no blank row; repeats until proven) are not computed: a
    // column of a million `false` costs its memory and time like any other.
    let has_blank = !no_blank_rows && raw.frame.width() > 0;
    if has_blank {
        flags.push(blank_row.alias(BLANK));
    }
    if may_repeat_header {
        flags.push(header_again.fill_null(lit(false)).alias(HEADER_AGAIN));
    }

    let rows = frame.height();
    let plan = frame.lazy().with_row_index(ROW, None);
    let plan = with_columns(with_columns(with_columns(plan, values, rows), typed, rows), flags, rows);
    let mut frame = collect(plan, rows)?;
    flag_repeats(&mut frame, &repeats, has_blank)?;
    let mut report = Report::default();
    // A row's cells as a diagnostic shows them.
    let line = |cells: &[String]| -> Vec<String> { cells.iter().enumerate().map(|(c, text)| mask(c, text)).collect() };
    let cell = |cells: &[String], ci: usize| cells.get(ci).cloned().unwrap_or_default();
    let delimiter = raw.delimiter as char;
    let located = |fi: usize, row: u64| {
        let ci = positions[&fi];
        Location { file: file.to_path_buf(), row: Some(row as usize + 2), column_number: Some(ci + 1), column: Some(schema.fields[fi].name.clone()), sheet: None }
    };

    for_each_flagged(&frame, raw, BLANK, &[], |row, _, _| {
        Diagnostic::error(
            Code::BlankRow,
            Location { file: file.to_path_buf(), row: Some(row as usize + 2), ..Location::default() },
            Text::new("แถวว่าง ไม่มีค่าในช่องใดเลย", "the row is blank: none of its cells has a value"),
            Text::new("ลบแถวว่างออก", "delete the blank row"),
        )
    }, &mut report)?;
    if may_repeat_header {
        for_each_flagged(&frame, raw, HEADER_AGAIN, &[], |row, _, cells| {
            Diagnostic::error(
                Code::RepeatedHeader,
                Location { file: file.to_path_buf(), row: Some(row as usize + 2), ..Location::default() },
                Text::new(
                    "แถวนี้ซ้ำกับแถวหัวตาราง (มักเกิดจากการนำข้อมูลสองชุดมาวางต่อกัน)",
                    "the row repeats the header row (as when two exports are pasted one under the other)",
                ),
                Text::new("ลบแถวนี้ออก แล้วตรวจว่าข้อมูลชุดที่สองมีคอลัมน์เรียงตรงกับชุดแรก", "delete the row, and check that the second part's columns are in the first part's order"),
            )
            .with_source(SourceLine::new(&line(cells), delimiter, 0))
        }, &mut report)?;
    }
    row_shape_diagnostics(raw, file, &line, &mut report)?;
    stray_row_diagnostics(raw, file, &line, &mut report)?;
    long_cell_diagnostics(raw, file, &mut report);

    for check in &checks {
        let fi = check.field;
        let field = &schema.fields[fi];
        let ci = positions[&fi];
        // A flagged repeat has its first copy's row beside it (see `flag_repeats`).
        let extra = if check.rule == Rule::Unique { vec![first_of(&check.flag)] } else { vec![] };
        for_each_flagged(&frame, raw, &check.flag, &extra, |row, extras, cells| {
            let value = mask(ci, &cell(cells, ci));
            let first_row = extras.first().cloned().flatten().and_then(|r| r.parse::<u64>().ok());
            let d = describe(check, field, value.clone(), first_row, located(fi, row))
                .with_value(value)
                .with_source(SourceLine::new(&line(cells), delimiter, ci));
            // Hygiene warnings and error values break no rule written in the schema.
            if matches!(check.rule, Rule::Whitespace | Rule::ThaiOrder | Rule::SpreadsheetError | Rule::MissingOffset) { d } else { d.with_rule(check.rule_text.clone()) }
        }, &mut report)?;
    }

    if pk_complete {
        let names = schema.primary_key().join(", ");
        let first_fi = pk[0];
        // Repeated keys (beside the row of the first copy) and empty ones.
        for (flag, extra) in [(PK, vec![first_of(PK)]), (PK_EMPTY, vec![])] {
            for_each_flagged(&frame, raw, flag, &extra, |row, extras, cells| {
                let key_values: Vec<String> = pk.iter().map(|fi| mask(positions[fi], &cell(cells, positions[fi]))).collect();
                let (message, help) = if flag == PK_EMPTY {
                    (
                        Text::new(format!("คีย์หลัก ({names}) ว่าง"), format!("the primary key ({names}) is empty")),
                        Text::new(
                            "ทุกแถวต้องมีค่าคีย์หลัก (ค่าว่างหรือค่าที่หมายถึงไม่มีข้อมูลใช้เป็นคีย์ไม่ได้): ใส่ค่า หรือลบแถวนั้น",
                            "every row needs a primary key (an empty cell or a missing value cannot be one): fill it in, or delete the row",
                        ),
                    )
                } else {
                    let first = extras.first().cloned().flatten().and_then(|s| s.parse::<usize>().ok()).map_or(0, |r| r + 2);
                    (
                        Text::new(format!("คีย์หลัก ({names}) ซ้ำกับแถว {first}"), format!("the primary key ({names}) repeats row {first}")),
                        Text::new(
                            "แต่ละแถวต้องมีค่าชุดคีย์หลักไม่ซ้ำกัน: ลบแถวที่ซ้ำ หรือแก้ค่าที่พิมพ์ผิด",
                            "every row must have a different primary key: delete the repeated row or correct the mistyped value",
                        ),
                    )
                };
                Diagnostic::error(Code::PrimaryKey, located(first_fi, row), message, help)
                    .with_value(key_values.join(", "))
                    .with_rule(format!("primaryKey = [{names}]"))
                    .with_source(SourceLine::new(&line(cells), delimiter, positions[&first_fi]))
            }, &mut report)?;
        }
    }

    let output: Vec<Column> = positions
        .keys()
        .map(|&fi| frame.column(&typed_col(fi)).map(|c| c.clone().with_name(schema.fields[fi].name.as_str().into())))
        .collect::<PolarsResult<_>>()?;
    Ok((DataFrame::new_infer_height(output)?, report))
}

/// Whether column `i` of the file has no value in any row (every cell empty or blank).
pub fn is_empty_column(raw: &RawTable, i: usize) -> bool {
    let Some(Ok(values)) = raw.frame.columns().get(i).map(|c| c.str()) else { return false };
    values.iter().all(|v| v.is_none_or(|v| v.trim().is_empty()))
}

/// Thai time, which a column whose values were written with different offsets is shown in.
const THAI_OFFSET_SECONDS: i32 = 7 * 3600;

/// The time zone a datetime column of the file is shown in (its values are held in UTC): the
/// offset its values were written with when they share one (`Z` as UTC), Thai time (+07:00)
/// when they differ, None when no value has an offset. A reader of a Thai page expects
/// 2024-03-01T23:30:00+07:00 as written, not the next day's UTC date.
fn column_zone(raw: &RawTable, ci: usize) -> Option<TimeZone> {
    let Some(Ok(values)) = raw.frame.columns().get(ci).map(|c| c.str()) else { return None };
    let mut offsets = values.iter().flatten().filter_map(|s| split_offset(s.trim()).1);
    let first = offsets.next()?;
    let seconds = if offsets.all(|o| o == first) { first } else { THAI_OFFSET_SECONDS };
    let name = crate::model::value::offset_zone_name(seconds);
    // Without Polars' `timezones` feature a zone's name is taken as it is: this never fails.
    TimeZone::opt_try_new(Some(name)).ok().flatten().or(Some(TimeZone::UTC))
}

/// Whether a text column holds an empty string (a blank cell when empty text is not a
/// missing value), or with `spaces` a text of spaces only.
fn has_empty_text(column: &Column, spaces: bool) -> bool {
    column.str().is_ok_and(|s| s.iter().any(|v| v.is_some_and(|v| if spaces { v.trim().is_empty() } else { v.is_empty() })))
}

/// Flags values (unique columns, the primary key) that repeat an earlier row's, and for the
/// primary key notes the first row. Hashing a million values is the costliest check, so a
/// column whose values strictly increase (IDs usually do) is proven unique by one comparison
/// with its neighbour instead; only the others are hashed.
fn flag_repeats(frame: &mut DataFrame, repeats: &[(String, Expr)], has_blank: bool) -> PolarsResult<()> {
    if repeats.is_empty() {
        return Ok(());
    }
    let mut candidates = Vec::new();
    // A column both unique and the primary key is walked once.
    let mut walked: Vec<(&Expr, bool)> = Vec::new();
    for (flag, value) in repeats {
        let increasing = match walked.iter().find(|(e, _)| *e == value) {
            Some(&(_, known)) => known,
            None => strictly_increasing(frame, value)?,
        };
        walked.push((value, increasing));
        if !increasing {
            let repeated = value.clone().is_not_null().and(value.clone().is_duplicated());
            let repeated = if has_blank { repeated.and(col(BLANK).not()) } else { repeated };
            candidates.push((flag, value, repeated.fill_null(lit(false)).alias(flag.as_str())));
        }
    }
    if candidates.is_empty() {
        return Ok(());
    }
    let rows = frame.height();
    *frame = collect(with_columns(frame.clone().lazy(), candidates.iter().map(|c| c.2.clone()).collect(), rows), rows)?;
    // Every copy was flagged; keep all but the first (as frictionless does) where there are any.
    let mut refine = Vec::new();
    for (flag, value, _) in &candidates {
        if frame.column(flag)?.bool()?.any() {
            let first = col(ROW).min().over([(*value).clone()])?;
            refine.push(first.clone().alias(first_of(flag)));
            refine.push(col(flag.as_str()).and(first.neq(col(ROW))).alias(flag.as_str()));
        }
    }
    if !refine.is_empty() {
        *frame = collect(with_columns(frame.clone().lazy(), refine, rows), rows)?;
    }
    Ok(())
}

/// Whether the non-null values of `value` strictly increase down the table (so none repeats).
fn strictly_increasing(frame: &DataFrame, value: &Expr) -> PolarsResult<bool> {
    let values = collect(frame.clone().lazy().select([value.clone().alias("v")]), frame.height())?;
    let s = values.column("v")?.as_materialized_series().to_physical_repr();
    // One walk down each half of the column at once, stopping at the first value not above the
    // one before: a fifth of the time of comparing two shifted copies. A small table's halves
    // are walked on this thread: handing one to the pool and waiting for it cost more.
    let at_once = s.len() >= OPTIMISED_ROWS;
    let half = s.len() / 2;
    let (first, second) = (s.slice(0, half), s.slice(half as i64, s.len() - half));
    macro_rules! by_halves {
        ($get:ident) => {{
            let (a, b) = (first.$get()?, second.$get()?);
            let (a, b) = if at_once {
                rayon::join(|| ends_if_increasing(a.iter()), || ends_if_increasing(b.iter()))
            } else {
                (ends_if_increasing(a.iter()), ends_if_increasing(b.iter()))
            };
            match (a, b) {
                (Some((_, Some(last))), Some((Some(next), _))) => matches!(PartialOrd::partial_cmp(&last, &next), Some(std::cmp::Ordering::Less)),
                (Some(_), Some(_)) => true,
                _ => false,
            }
        }};
    }
    Ok(match s.dtype() {
        DataType::String => by_halves!(str),
        DataType::Int64 => by_halves!(i64),
        DataType::Int32 => by_halves!(i32),
        DataType::Float64 => by_halves!(f64),
        _ => {
            let s = s.drop_nulls();
            s.len() < 2 || s.slice(0, s.len() - 1).lt(&s.slice(1, s.len() - 1))?.all()
        }
    })
}

/// The first and last non-null values when those in between strictly increase, else `None`.
fn ends_if_increasing<T: PartialOrd + Copy>(values: impl Iterator<Item = Option<T>>) -> Option<(Option<T>, Option<T>)> {
    let (mut first, mut before): (Option<T>, Option<T>) = (None, None);
    for v in values.flatten() {
        // Only `Less` continues: a NaN compares with nothing, so it ends the walk too.
        if before.is_some_and(|b| b.partial_cmp(&v) != Some(std::cmp::Ordering::Less)) {
            return None;
        }
        first = first.or(Some(v));
        before = Some(v);
    }
    Some((first, before))
}

/// What a totals row writes in its label cell (compared trimmed, in any case, without a
/// trailing colon or a bracketed translation such as `รวม (Total)`).
const TOTAL_LABELS: [&str; 18] = [
    "รวม", "รวมทั้งสิ้น", "รวมทั้งหมด", "ยอดรวม", "ยอดรวมทั้งสิ้น", "ผลรวม", "รวมยอด", "รวมย่อย", "รวมทั้งประเทศ", "รวมทั่วประเทศ",
    "total", "totals", "grand total", "total amount", "sum", "subtotal", "sub-total", "sub total",
];

/// How the note and source lines a report prints under its table begin.
const NOTE_STARTS: [&str; 16] = [
    "ที่มา", "แหล่งที่มา", "แหล่งข้อมูล", "หมายเหตุ", "หน่วย", "ข้อมูล ณ", "จัดทำโดย", "ปรับปรุง", "source", "note", "remark", "unit", "as of",
    "prepared by", "*", "※",
];

/// Whether a cell's text is a totals row's label (see [`TOTAL_LABELS`]).
fn is_total_label(text: &str) -> bool {
    let t = text.trim();
    // Every label starts with ร, ย, ผ (E0 B8 xx) or an ASCII s/t: most cells are passed over
    // at their first byte.
    if t.len() > 60 || !(t.starts_with(['ร', 'ย', 'ผ']) || t.starts_with(['s', 'S', 't', 'T'])) {
        return false;
    }
    let t = t.split(['(', '（']).next().unwrap_or(t).trim().trim_end_matches([':', '：']).trim_end();
    TOTAL_LABELS.iter().any(|l| t.eq_ignore_ascii_case(l))
}

/// Whether a cell's text begins as a note or a source line does (see [`NOTE_STARTS`]).
fn is_note_text(text: &str) -> bool {
    let t = text.trim_start();
    NOTE_STARTS.iter().any(|s| t.get(..s.len()).is_some_and(|start| start.eq_ignore_ascii_case(s)))
}

/// The rows a table copied from a report brings that are no data: a totals row (`รวม`, which
/// anyone summing the column would count twice) and, below the data, a note or a source line
/// in one cell. Warnings, each with the row as the file has it (`line` masks personal data).
fn stray_row_diagnostics(raw: &RawTable, file: &Path, line: &dyn Fn(&[String]) -> Vec<String>, report: &mut Report) -> PolarsResult<()> {
    let (width, height) = (raw.frame.width(), raw.frame.height());
    if width < 2 || height == 0 {
        return Ok(());
    }
    let texts: Vec<Option<&StringChunked>> = raw.frame.columns().iter().map(|c| c.str().ok()).collect();
    let filled = |row: usize| {
        raw.frame
            .columns()
            .iter()
            .zip(&texts)
            .filter(|(c, t)| match t {
                Some(t) => t.get(row).is_some_and(|v| !v.trim().is_empty()),
                None => c.get(row).is_ok_and(|v| !v.is_null()),
            })
            .count()
    };
    // Whether the row has an amount in a cell other than `label`'s: a value Polars typed, or a
    // text that reads as a number (`1,234.50`).
    let has_amount = |row: usize, label: usize| {
        raw.frame.columns().iter().zip(&texts).enumerate().any(|(ci, (c, t))| {
            ci != label
                && match t {
                    Some(t) => t.get(row).is_some_and(|v| {
                        let v: String = v.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
                        !v.is_empty() && v.parse::<f64>().is_ok()
                    }),
                    None => c.get(row).is_ok_and(|v| !v.is_null()),
                }
        })
    };
    // Totals rows: a label cell with an amount beside it (a category named "Total" is no
    // total).
    let mut totals: BTreeMap<usize, usize> = BTreeMap::new();
    for (ci, values) in texts.iter().enumerate() {
        let Some(values) = values else { continue };
        for (row, v) in values.iter().enumerate() {
            if v.is_some_and(is_total_label) && !totals.contains_key(&row) && has_amount(row, ci) {
                totals.insert(row, ci);
            }
        }
    }
    // Notes: below the last row with two cells filled, rows of one text cell; in a table of two
    // columns only those that begin as a note does (a last row without its amount is data).
    let tail = height.saturating_sub(1000);
    let counts: Vec<usize> = (tail..height).map(filled).collect();
    let notes: Vec<(usize, usize)> = match counts.iter().rposition(|&n| n >= 2) {
        Some(last) => (tail + last + 1..height)
            .filter(|&row| counts[row - tail] == 1)
            .filter_map(|row| {
                let (ci, text) = texts.iter().enumerate().find_map(|(ci, t)| t.and_then(|t| t.get(row)).filter(|v| !v.trim().is_empty()).map(|v| (ci, v)))?;
                (width >= 3 || is_note_text(text)).then_some((row, ci))
            })
            .collect(),
        None => Vec::new(),
    };
    if totals.is_empty() && notes.is_empty() {
        return Ok(());
    }
    let shown = ShownRows::read(raw, line, totals.keys().take(LISTED_PER_FILE_AND_CODE).chain(notes.iter().take(LISTED_PER_FILE_AND_CODE).map(|(r, _)| r)).copied())?;
    let at = |row: usize, ci: usize| cell_location(raw, file, row, ci);
    let with_source = |d: Diagnostic, row: usize, ci: usize| shown.attach(d, row, ci);
    let label = |row: usize, ci: usize| texts[ci].and_then(|t| t.get(row)).map(|v| crate::personal::mask_text(v.trim())).unwrap_or_default();
    let listed = totals
        .iter()
        .take(LISTED_PER_FILE_AND_CODE)
        .map(|(&row, &ci)| {
            let label = label(row, ci);
            let d = Diagnostic::warning(
                Code::TotalsRow,
                at(row, ci),
                Text::new(
                    format!("แถวนี้ดูเป็นแถวผลรวม (\"{label}\"): ผู้ที่รวมยอดคอลัมน์หรือทำกราฟจะนับตัวเลขของแถวนี้ซ้ำสองครั้ง"),
                    format!("the row looks like a totals row (\"{label}\"): anyone who sums the column or charts it would count its amounts twice"),
                ),
                Text::new(
                    "ลบแถวผลรวมออกจากไฟล์ข้อมูล (พอร์ทัลและผู้ใช้คำนวณยอดรวมเองได้) หรือถ้าต้องการเผยแพร่ยอดรวม ให้แยกเป็นตารางสรุปอีกไฟล์หนึ่ง",
                    "delete the totals row from the data file (the portal and its users compute totals themselves), or publish the totals as a summary table of their own",
                ),
            )
            .with_value(label);
            with_source(d, row, ci)
        })
        .collect();
    report.extend_counted(listed, totals.len());
    let listed = notes
        .iter()
        .take(LISTED_PER_FILE_AND_CODE)
        .map(|&(row, ci)| {
            let d = Diagnostic::warning(
                Code::NoteRow,
                at(row, ci),
                Text::new(
                    "แถวนี้อยู่ใต้ข้อมูลและมีข้อความเพียงช่องเดียว (หมายเหตุหรือแหล่งที่มา?) จะถูกเผยแพร่เป็นแถวข้อมูลแถวหนึ่ง",
                    "below the data, the row has text in one cell only (a note or a source line?): it would be published as a row of data",
                ),
                Text::new(
                    "ย้ายข้อความไปไว้ในคำอธิบายชุดข้อมูล (description ใน dataset.toml) แล้วลบแถวนี้ออก",
                    "move the text into the dataset's description (description in dataset.toml) and delete the row",
                ),
            )
            .with_value(label(row, ci));
            with_source(d, row, ci)
        })
        .collect();
    report.extend_counted(listed, notes.len());
    Ok(())
}

/// Cells longer than a workbook cell holds ([`MAX_CELL_TEXT`](crate::load::workbook::MAX_CELL_TEXT)
/// characters: a long announcement, a map shape as text): the Excel download cuts them there,
/// the other downloads keep them whole. One warning per column, at its first such cell.
fn long_cell_diagnostics(raw: &RawTable, file: &Path, report: &mut Report) {
    use crate::load::workbook::MAX_CELL_TEXT;
    for (ci, column) in raw.frame.columns().iter().enumerate() {
        let Ok(values) = column.str() else { continue };
        // A column whose longest text has fewer bytes than the limit (every column of nearly
        // every file) is passed over in one vectorised pass; bytes bound characters.
        if values.str_len_bytes().max().is_none_or(|n| (n as usize) <= MAX_CELL_TEXT) {
            continue;
        }
        let long: Vec<(usize, usize)> =
            values.iter().enumerate().filter_map(|(row, v)| v.filter(|v| v.len() > MAX_CELL_TEXT).map(|v| (row, v.chars().count()))).filter(|(_, n)| *n > MAX_CELL_TEXT).collect();
        let Some(&(row, chars)) = long.first() else { continue };
        let more = long.len() - 1;
        let (th_more, en_more) = if more > 0 { (format!(" (และอีก {more} ช่องในคอลัมน์นี้)"), format!(" (and {more} more in this column)")) } else { Default::default() };
        report.push(Diagnostic::warning(
            Code::LongCell,
            cell_location(raw, file, row, ci),
            Text::new(
                format!("ค่านี้ยาว {chars} ตัวอักษร แต่ช่องหนึ่งของ Excel เก็บได้ไม่เกิน {MAX_CELL_TEXT} ตัว ไฟล์ .xlsx ที่ให้ดาวน์โหลดจึงตัดค่านี้ (CSV, JSON และ Parquet เก็บครบ){th_more}"),
                format!("the value has {chars} characters, but an Excel cell holds {MAX_CELL_TEXT} at most, so the .xlsx download cuts it there (CSV, JSON and Parquet keep it whole){en_more}"),
            ),
            Text::new(
                "ถ้าผู้ใช้ต้องการค่าเต็มใน Excel ให้แยกข้อความยาวไปไว้ในไฟล์ของตัวเอง (เช่น เอกสารประกอบ) แล้วใส่ลิงก์ในช่องนี้แทน",
                "if readers need the whole value in Excel, move the long text to a file of its own (a document) and put its link in the cell",
            ),
        ));
    }
}

/// The cell of data row `row` (0-based) and column `ci` of the file; a column without a name
/// is "column B", not "column B ()".
fn cell_location(raw: &RawTable, file: &Path, row: usize, ci: usize) -> Location {
    Location {
        file: file.to_path_buf(),
        row: Some(row + 2),
        column_number: Some(ci + 1),
        column: raw.header.get(ci).filter(|h| !h.trim().is_empty()).cloned(),
        sheet: None,
    }
}

/// A few data rows' cells as the file writes them, read once, to show under their diagnostics.
struct ShownRows<'a> {
    cells: HashMap<usize, Vec<String>>,
    /// The row as a diagnostic may show it (personal data masked).
    line: &'a dyn Fn(&[String]) -> Vec<String>,
    delimiter: char,
}

impl<'a> ShownRows<'a> {
    /// Reads the data rows `rows` (0-based, any order, repeats allowed) of `raw`.
    fn read(raw: &RawTable, line: &'a dyn Fn(&[String]) -> Vec<String>, rows: impl IntoIterator<Item = usize>) -> PolarsResult<Self> {
        let rows: Vec<usize> = rows.into_iter().collect::<BTreeSet<_>>().into_iter().collect();
        let cells = rows.iter().copied().zip(raw.row_cells(&rows)?).collect();
        Ok(ShownRows { cells, line, delimiter: raw.delimiter as char })
    }

    /// `d` with row `row` shown, its cell `c` marked (the last cell, for a shorter row).
    fn attach(&self, d: Diagnostic, row: usize, c: usize) -> Diagnostic {
        match self.cells.get(&row).filter(|cells| !cells.is_empty()) {
            Some(cells) => d.with_source(SourceLine::new(&(self.line)(cells), self.delimiter, c.min(cells.len() - 1))),
            None => d,
        }
    }
}

/// Missing and extra cells, from the shapes the loader counted, each with its row as the file
/// has it (`line` masks personal data).
fn row_shape_diagnostics(raw: &RawTable, file: &Path, line: &dyn Fn(&[String]) -> Vec<String>, report: &mut Report) -> PolarsResult<()> {
    let width = raw.header.len();
    let at = |row: usize, col: usize, name: Option<&String>| Location {
        file: file.to_path_buf(),
        row: Some(row + 2),
        column_number: Some(col + 1),
        column: name.cloned(),
        sheet: None,
    };
    // A row whose extra cells are all empty (a spreadsheet's trailing `,,,`) loses nothing
    // when they are cut: a warning of its own, apart from the extra values that are errors.
    let is_padded = |(row, _): &&(usize, usize)| raw.padded_rows.binary_search(row).is_ok();
    let padded: Vec<(usize, usize)> = raw.long_rows.iter().filter(is_padded).copied().collect();
    let long_rows: Vec<(usize, usize)> = raw.long_rows.iter().filter(|r| !is_padded(r)).copied().collect();
    // The rows shown: those of the first few cells listed, read once.
    let shown = ShownRows::read(
        raw,
        line,
        [&raw.short_rows, &long_rows, &padded].into_iter().flat_map(|rows| rows.iter().take(LISTED_PER_FILE_AND_CODE).map(|&(row, _)| row)),
    )?;
    let with_source = |d: Diagnostic, row: usize, c: usize| shown.attach(d, row, c);
    // Every missing or extra cell counts; only the first few are worded.
    let list = |rows: &[(usize, usize)], cells_of: fn(usize, usize) -> std::ops::Range<usize>, make: &dyn Fn(usize, usize, usize) -> Diagnostic| {
        let cells = rows.iter().flat_map(|&(row, n)| cells_of(n, width).map(move |c| (row, n, c)));
        let total = cells.clone().count();
        (cells.take(LISTED_PER_FILE_AND_CODE).map(|(row, n, c)| with_source(make(row, n, c), row, c)).collect::<Vec<_>>(), total)
    };
    let (listed, total) = list(&raw.short_rows, |n, width| n..width, &|row, cells, c| {
        Diagnostic::error(
            Code::MissingCell,
            at(row, c, raw.header.get(c)),
            Text::new(
                format!("แถวนี้มี {cells} ช่อง แต่หัวตารางมี {width} ช่อง: ไม่มีช่อง {}", column_letter(c + 1)),
                format!("the row has {cells} cells but the header has {width}: cell {} is missing", column_letter(c + 1)),
            ),
            Text::new(
                "เติมจุลภาคให้ครบทุกคอลัมน์ (ช่องว่างก็ต้องมีจุลภาคคั่น) หรือครอบค่าที่มีการขึ้นบรรทัดใหม่ด้วยเครื่องหมายคำพูด",
                "add the missing commas so every column has a cell (an empty cell still needs its comma), or quote values that contain line breaks",
            ),
        )
    });
    report.extend_counted(listed, total);
    let (listed, total) = list(&long_rows, |n, width| width..n, &|row, cells, c| {
        Diagnostic::error(
            Code::ExtraCell,
            at(row, c, None),
            Text::new(
                format!("แถวนี้มี {cells} ช่อง แต่หัวตารางมี {width} ช่อง: ช่อง {} เกินมา", column_letter(c + 1)),
                format!("the row has {cells} cells but the header has {width}: cell {} is extra", column_letter(c + 1)),
            ),
            Text::new(
                "ลบจุลภาคที่เกินมา หรือครอบค่าที่มีจุลภาคด้วยเครื่องหมายคำพูด เช่น \"21,905,000\"",
                "remove the stray comma, or put values that contain commas in double quotes, e.g. \"21,905,000\"",
            ),
        )
    });
    report.extend_counted(listed, total);
    let listed = padded
        .iter()
        .take(LISTED_PER_FILE_AND_CODE)
        .map(|&(row, cells)| {
            let (th_cells, en_cells) = if cells == width + 1 {
                (column_letter(cells), format!("cell {} is empty and is", column_letter(cells)))
            } else {
                let range = format!("{}–{}", column_letter(width + 1), column_letter(cells));
                (range.clone(), format!("cells {range} are empty and are"))
            };
            let d = Diagnostic::warning(
                Code::ExtraCell,
                at(row, width, None),
                Text::new(
                    format!("แถวนี้มี {cells} ช่อง แต่หัวตารางมี {width} ช่อง: ช่อง {th_cells} ที่เกินมาว่างเปล่า จึงไม่นำมาเผยแพร่ (ไม่มีข้อมูลหาย)"),
                    format!("the row has {cells} cells but the header has {width}: the extra {en_cells} left out (nothing is lost)"),
                ),
                Text::new(
                    "ลบจุลภาคท้ายแถวที่เกินมา หรือในโปรแกรมตารางคำนวณ ลบคอลัมน์ว่างทางขวาของตารางแล้วบันทึกเป็น CSV อีกครั้ง",
                    "delete the trailing commas, or in the spreadsheet delete the empty columns right of the table and save as CSV again",
                ),
            );
            with_source(d, row, width)
        })
        .collect();
    report.extend_counted(listed, padded.len());
    Ok(())
}

/// Calls `make` for the first listed rows where `flag` is true, with the text of the frame's
/// `extra` columns and the row's cells as the file has them, and counts all of them.
fn for_each_flagged(
    frame: &DataFrame,
    raw: &RawTable,
    flag: &str,
    extra: &[String],
    mut make: impl FnMut(u64, Vec<Option<String>>, &[String]) -> Diagnostic,
    report: &mut Report,
) -> PolarsResult<()> {
    // A flag that could not be true was not computed (see `check_rows`).
    let Ok(column) = frame.column(flag) else { return Ok(()) };
    let total = column.bool()?.sum().unwrap_or(0) as usize;
    if total == 0 {
        return Ok(());
    }
    let mut selected = vec![col(ROW)];
    selected.extend(extra.iter().enumerate().map(|(i, e)| col(e.as_str()).cast(DataType::String).alias(format!("__out{i}"))));
    let hits = collect(frame.clone().lazy().filter(col(flag)).limit(LISTED_PER_FILE_AND_CODE as IdxSize).select(selected), frame.height())?;
    let rows: Vec<u64> = hits.column(ROW)?.cast(&DataType::UInt64)?.u64()?.into_no_null_iter().collect();
    let extras: Vec<StringChunked> = hits.columns()[1..].iter().map(|c| c.str().cloned()).collect::<PolarsResult<_>>()?;
    let cells = raw.row_cells(&rows.iter().map(|&r| r as usize).collect::<Vec<_>>())?;
    let mut listed = Vec::new();
    for (i, (&row, cells)) in rows.iter().zip(&cells).enumerate() {
        let extra_texts = extras.iter().map(|c| c.get(i).map(str::to_string)).collect();
        listed.push(make(row, extra_texts, cells));
    }
    report.extend_counted(listed, total);
    Ok(())
}

fn type_name_th(t: FieldType) -> &'static str {
    match t {
        FieldType::String => "ข้อความ",
        FieldType::Number => "ตัวเลข",
        FieldType::Integer => "จำนวนเต็ม",
        FieldType::Boolean => "ค่าจริง/เท็จ",
        FieldType::Date => "วันที่",
        FieldType::Time => "เวลา",
        FieldType::Datetime => "วันและเวลา",
        FieldType::Year => "ปี",
        FieldType::Yearmonth => "ปีและเดือน",
        FieldType::Duration => "ช่วงเวลา",
        FieldType::Geopoint => "พิกัด",
        FieldType::Geojson => "GeoJSON",
        FieldType::Object => "ออบเจกต์ JSON",
        FieldType::Array => "อาร์เรย์ JSON",
        FieldType::Any => "ค่าใดก็ได้",
    }
}

/// Whether `value` is a number but for an O or l typed for a 0 or 1 (`2O67`, `1,l00`): digits
/// with at least one such letter and nothing else but signs, spaces and the field's separators.
/// A value with other letters (a name, markup) is not a mistyped number.
fn letters_for_digits(field: &Field, value: &str) -> bool {
    let separator = |c: char| {
        matches!(c, '+' | '-' | '.' | ',' | ' ')
            || [&field.group_char, &field.decimal_char].iter().any(|s| s.as_deref().is_some_and(|s| s.contains(c)))
    };
    value.chars().any(|c| matches!(c, 'O' | 'o' | 'l' | 'I'))
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().all(|c| c.is_ascii_digit() || matches!(c, 'O' | 'o' | 'l' | 'I') || separator(c))
}

/// The fix for a number written as agencies' tables write amounts but Table Schema does not:
/// a dash for none or zero, a negative in parentheses as accounts write it, a qualifier that
/// makes it a limit or an estimate (`<0.5`, `ไม่เกิน 100`), a unit or currency beside the number
/// (`78,459,000 บาท`, `฿1,200`, `12 %`). None for any other value.
fn amount_help(value: &str) -> Option<Text> {
    let t = value.trim();
    if matches!(t, "-" | "–" | "—" | "--" | "…" | "...") {
        return Some(Text::new(
            format!("\"{t}\" มักหมายถึงไม่มีค่าหรือศูนย์: ถ้าไม่มีค่า ให้เว้นช่องว่างไว้ (หรือเพิ่ม \"{t}\" ใน missingValues ของ schema) ถ้าเป็นศูนย์ ให้เขียน 0"),
            format!("\"{t}\" usually means no value or zero: leave the cell empty for no value (or add \"{t}\" to the schema's missingValues), or write 0"),
        ));
    }
    let w = written(t)?;
    if in_parentheses(&w) {
        let number = w.number.trim_start_matches(['-', '+']);
        return Some(Text::new(
            format!("ตัวเลขในวงเล็บแบบงบการเงินคือค่าติดลบ: เขียนด้วยเครื่องหมายลบ -{number}"),
            format!("a number in parentheses, as accounts write it, is a negative: write it with a minus sign, -{number}"),
        ));
    }
    if let Some(q) = qualifier(&w) {
        let number = w.number;
        return Some(Text::new(
            format!("ค่ามีคำหรือเครื่องหมายกำกับ ({q}) ที่ทำให้ตัวเลขเป็นเพียงขอบเขตหรือค่าประมาณ: เขียนเฉพาะตัวเลข เช่น {number} แล้วใส่คำกำกับไว้ในคอลัมน์อื่นหรือในหมายเหตุ"),
            format!("the value has a qualifier ({q}) that makes the number a limit or an estimate: write the number alone, e.g. {number}, and put the qualifier in another column or in the notes"),
        ));
    }
    // A minus sign before a currency (`-฿5`) is the number's.
    let minus = w.before.contains('-') && !w.number.starts_with(['-', '+']);
    let unit = format!("{} {}", w.before.replace('-', "").trim(), w.after.trim());
    let unit = unit.trim();
    let is_unit = unit.chars().any(|c| matches!(c, '\u{0E01}'..='\u{0E2E}' | '฿' | '$' | '€' | '%')) || unit.chars().filter(char::is_ascii_alphabetic).count() >= 2;
    if is_unit {
        let number = if minus { format!("-{}", w.number) } else { w.number.to_string() };
        return Some(Text::new(
            format!("ค่ามีหน่วยหรือสกุลเงิน ({unit}) ติดมากับตัวเลข: เขียนเฉพาะตัวเลข เช่น {number} แล้วบอกหน่วยในชื่อหรือคำอธิบายของฟิลด์"),
            format!("the value has a unit or currency ({unit}) with the number: write the number alone, e.g. {number}, and give the unit in the field's title or description"),
        ));
    }
    None
}

fn type_help(field: &Field, value: &str) -> Text {
    let numeric = matches!(field.field_type, FieldType::Integer | FieldType::Year | FieldType::Number);
    if numeric && letters_for_digits(field, value) {
        return Text::new(
            "ค่ามีตัวอักษร O หรือ l ที่น่าจะพิมพ์แทนเลข 0 หรือ 1: แก้เป็นตัวเลข",
            "the value has the letter O or l where the digit 0 or 1 was probably meant: type the digits",
        );
    }
    if numeric {
        if let Some(help) = amount_help(value) {
            return help;
        }
    }
    let grouping = field.group_char.is_none() && value.contains(',');
    if numeric && field.group_char.as_deref().is_some_and(|g| !g.is_empty() && value.contains(g)) {
        return Text::new(
            "ตัวคั่นหลักพันอยู่ผิดตำแหน่ง: คั่นทุกสามหลักนับจากจุดทศนิยม เช่น 18,250.00 หรือ 1,825,000 แล้วตรวจค่ากับเอกสารต้นฉบับ",
            "the thousands separators are misplaced: they go between groups of three digits, e.g. 18,250.00 or 1,825,000; check the value against the source document",
        );
    }
    match field.field_type {
        FieldType::Integer | FieldType::Year if grouping => Text::new(
            "ค่ามีจุลภาคคั่นหลักพัน: เพิ่ม groupChar = \",\" ในฟิลด์ หรือเขียนตัวเลขโดยไม่มีจุลภาค เช่น 21905000",
            "the value has thousands separators: add groupChar = \",\" to the field, or write the number without commas, e.g. 21905000",
        ),
        FieldType::Integer | FieldType::Year if beyond_64_bits(value) => Text::new(
            "Sala อ่านจำนวนเต็มได้ไม่เกิน ±9,223,372,036,854,775,807 (64 บิต): ตัวเลขยาวกว่านั้น เช่น รหัส ให้กำหนดฟิลด์เป็น string หรือ number",
            "Sala reads whole numbers up to ±9,223,372,036,854,775,807 (64 bits): declare a longer number, such as a code, as a string (or a number) field",
        ),
        FieldType::Integer | FieldType::Year => Text::new(
            "เขียนเป็นจำนวนเต็มด้วยตัวเลขเท่านั้น เช่น 2567",
            "write a whole number with digits only, e.g. 2567",
        ),
        FieldType::Number if grouping => Text::new(
            "ค่ามีจุลภาคคั่นหลักพัน: เพิ่ม groupChar = \",\" ในฟิลด์ หรือเขียนตัวเลขโดยไม่มีจุลภาค เช่น 21905000.50",
            "the value has thousands separators: add groupChar = \",\" to the field, or write the number without commas, e.g. 21905000.50",
        ),
        FieldType::Number if field.decimal_char.as_deref().is_some_and(|d| d != ".") => {
            let d = field.decimal_char.clone().unwrap_or_default();
            Text::new(
                format!("เขียนเป็นตัวเลข ใช้ {d} เป็นจุดทศนิยมตามที่ฟิลด์กำหนด (decimalChar) เช่น 1234{d}50"),
                format!("write a number with {d} as the decimal mark, as the field's decimalChar says, e.g. 1234{d}50"),
            )
        }
        FieldType::Number => Text::new(
            "เขียนเป็นตัวเลข ใช้ . เป็นจุดทศนิยม เช่น 1234.50",
            "write a number with '.' as the decimal mark, e.g. 1234.50",
        ),
        FieldType::Boolean => Text::new(
            "เขียน true หรือ false (หรือกำหนด trueValues/falseValues ในฟิลด์)",
            "write true or false (or declare trueValues/falseValues on the field)",
        ),
        FieldType::Date => match field.format.as_deref() {
            None | Some("default") => Text::new(
                "เขียนวันที่แบบ ปี ค.ศ.-เดือน-วัน เช่น 2024-10-01 หรือกำหนด format ของวันที่ในฟิลด์",
                "write the date as year (CE)-month-day, e.g. 2024-10-01, or declare the date's format on the field",
            ),
            Some(f) => Text::new(format!("เขียนวันที่ตามรูปแบบ {f}"), format!("write the date in the format {f}")),
        },
        FieldType::Datetime if matches!(field.format.as_deref(), None | Some("default") | Some("any")) => Text::new(
            "เขียนวันเวลาแบบ 2024-10-01T08:30:00 หรือพร้อมเขตเวลา เช่น 2024-10-01T08:30:00+07:00 (ต้องมีวินาที)",
            "write the date and time like 2024-10-01T08:30:00, or with its offset like 2024-10-01T08:30:00+07:00 (seconds included)",
        ),
        FieldType::Datetime | FieldType::Time if field.format.as_deref().is_some_and(|f| !matches!(f, "default" | "any")) => {
            let f = field.format.clone().unwrap_or_default();
            Text::new(format!("เขียนตามรูปแบบ {f}"), format!("write it in the format {f}"))
        }
        FieldType::Time => Text::new(
            "เขียนเวลาแบบ 08:30:00 หรือพร้อมเขตเวลา เช่น 08:30:00+07:00 (ชั่วโมงสองหลัก ต้องมีวินาที)",
            "write the time like 08:30:00, or with its offset like 08:30:00+07:00 (two-digit hours, seconds included)",
        ),
        FieldType::Geopoint => match field.format.as_deref() {
            Some("array") => Text::new(
                "เขียนเป็นอาร์เรย์ JSON [ลองจิจูด, ละติจูด] เช่น [100.5018, 13.7563] (ลองจิจูด -180 ถึง 180 ละติจูด -90 ถึง 90)",
                "write a JSON array [longitude, latitude], e.g. [100.5018, 13.7563] (longitude -180 to 180, latitude -90 to 90)",
            ),
            Some("object") => Text::new(
                "เขียนเป็นออบเจกต์ JSON ที่มีแค่ lon และ lat เช่น {\"lon\": 100.5018, \"lat\": 13.7563} (lon -180 ถึง 180 lat -90 ถึง 90)",
                "write a JSON object with only lon and lat, e.g. {\"lon\": 100.5018, \"lat\": 13.7563} (lon -180 to 180, lat -90 to 90)",
            ),
            _ => Text::new(
                "เขียนลองจิจูดก่อนแล้วตามด้วยละติจูด คั่นด้วยจุลภาค เช่น 100.5018, 13.7563 (ลองจิจูด -180 ถึง 180 ละติจูด -90 ถึง 90)",
                "write the longitude, a comma, then the latitude, e.g. 100.5018, 13.7563 (longitude -180 to 180, latitude -90 to 90)",
            ),
        },
        FieldType::Geojson => Text::new(
            "เขียนเป็นออบเจกต์ GeoJSON ที่มี type และ coordinates เช่น {\"type\": \"Point\", \"coordinates\": [100.5018, 13.7563]}",
            "write a GeoJSON object with its type and coordinates, e.g. {\"type\": \"Point\", \"coordinates\": [100.5018, 13.7563]}",
        ),
        _ => Text::new(
            format!("แก้ค่าให้เป็น{}ที่ถูกต้อง", thai_noun(type_name_th(field.field_type))),
            format!("correct the value to a valid {}", field.field_type.name()),
        ),
    }
}

/// A word as it follows Thai text: a Latin word (GeoJSON) is set apart by a space, as Thai
/// writing does; a Thai word joins directly.
fn thai_noun(word: &str) -> String {
    if word.starts_with(|c: char| c.is_ascii_alphabetic()) { format!(" {word} ") } else { word.to_string() }
}

/// Whether a whole number is too long for the 64 bits Sala reads integers into.
fn beyond_64_bits(value: &str) -> bool {
    let digits = value.trim().trim_start_matches(['-', '+']);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && value.trim().parse::<i64>().is_err()
}

/// Words the diagnostic for one broken rule.
fn describe(check: &Check, field: &Field, value: String, first_row: Option<u64>, location: Location) -> Diagnostic {
    let c = &field.constraints;
    let (code, message, help) = match check.rule {
        Rule::SpreadsheetError => {
            let cause = spreadsheet_error_cause(&value);
            (
                Code::SpreadsheetError,
                Text::new(
                    format!("\"{value}\" เป็นค่าความผิดพลาดของโปรแกรมตารางคำนวณ ไม่ใช่ข้อมูล ({})", cause.th),
                    format!("\"{value}\" is a spreadsheet's error value, not data ({})", cause.en),
                ),
                Text::new(
                    "แก้สูตรในไฟล์ตารางคำนวณ (หรือพิมพ์ค่าลงไปแทน) แล้วบันทึกหรือส่งออกไฟล์ใหม่ ถ้าแถวนั้นไม่ใช่ข้อมูล (แถวผลรวมหรือแถวที่หลงเหลือ) ให้ลบแถวนั้น",
                    "correct the formula in the workbook (or type the value in), then save or export the file again; if the row is not data (a total, a leftover row), delete it",
                ),
            )
        }
        Rule::Type => (
            Code::TypeError,
            Text::new(
                format!("\"{value}\" ไม่ใช่{}", thai_noun(type_name_th(field.field_type)).trim_end()),
                format!("\"{value}\" is not a valid {}", field.field_type.name()),
            ),
            type_help(field, &value),
        ),
        Rule::Required => (
            Code::ConstraintError,
            Text::new("ช่องนี้ว่าง แต่คอลัมน์นี้ต้องมีค่าทุกแถว", "the cell is empty but the column is required"),
            Text::new("ใส่ค่าในช่องนี้ หรือเอา required ออกจากฟิลด์ถ้าอนุญาตให้ว่างได้", "fill in the cell, or remove `required` from the field if blanks are allowed"),
        ),
        Rule::Enum => {
            let allowed: Vec<String> = c.enum_values.iter().flatten().map(value_as_text).collect();
            (
                Code::ConstraintError,
                Text::new(format!("\"{value}\" ไม่ใช่ค่าที่อนุญาต"), format!("\"{value}\" is not one of the allowed values")),
                Text::new(
                    format!("ใช้ค่าใดค่าหนึ่งต่อไปนี้ (สะกดให้ตรงทุกตัวอักษร): {}", allowed.join(", ")),
                    format!("use one of (spelt exactly): {}", allowed.join(", ")),
                ),
            )
        }
        Rule::Minimum | Rule::Maximum | Rule::ExclusiveMinimum | Rule::ExclusiveMaximum => {
            let (limit, th_word, en_word) = match check.rule {
                Rule::Minimum => (c.minimum.as_ref(), "น้อยกว่าค่าต่ำสุด", "is less than the minimum"),
                Rule::Maximum => (c.maximum.as_ref(), "มากกว่าค่าสูงสุด", "is more than the maximum"),
                Rule::ExclusiveMinimum => (c.exclusive_minimum.as_ref(), "ไม่มากกว่า", "is not more than"),
                _ => (c.exclusive_maximum.as_ref(), "ไม่น้อยกว่า", "is not less than"),
            };
            let limit = limit.map(value_as_text).unwrap_or_default();
            let rule = check.rule_text.split(" = ").next().unwrap_or_default();
            let message = if value.trim().eq_ignore_ascii_case("nan") {
                // NaN compares with nothing, so it breaks every limit: say so rather than "less".
                Text::new(
                    format!("{value} (ไม่ใช่ตัวเลข) เทียบกับ {rule} {limit} ไม่ได้"),
                    format!("{value} (not a number) cannot meet the {rule} {limit}"),
                )
            } else {
                Text::new(format!("{value} {th_word} {limit}"), format!("{value} {en_word} {limit}"))
            };
            (
                Code::ConstraintError,
                message,
                Text::new(
                    "ตรวจว่าค่าพิมพ์ถูกหรือไม่ ถ้าค่าถูกต้อง ให้ปรับขอบเขตใน schema",
                    "check the value for a typing mistake; if it is right, change the limit in the schema",
                ),
            )
        }
        Rule::MinLength | Rule::MaxLength => {
            let (n, th_word, en_word) = if check.rule == Rule::MinLength {
                (c.min_length.unwrap_or(0), "สั้นกว่า", "is shorter than")
            } else {
                (c.max_length.unwrap_or(0), "ยาวกว่า", "is longer than")
            };
            (
                Code::ConstraintError,
                Text::new(format!("\"{value}\" {th_word} {n} ตัวอักษร"), format!("\"{value}\" {en_word} {n} characters")),
                Text::new("แก้ความยาวของค่า หรือปรับขอบเขตใน schema", "correct the value's length, or change the limit in the schema"),
            )
        }
        Rule::Pattern => (
            Code::ConstraintError,
            Text::new(format!("\"{value}\" ไม่ตรงกับรูปแบบที่กำหนด"), format!("\"{value}\" does not match the required pattern")),
            Text::new(
                format!("แก้ค่าให้ตรงกับรูปแบบ {}", c.pattern.clone().unwrap_or_default()),
                format!("write the value in the form the pattern {} describes", c.pattern.clone().unwrap_or_default()),
            ),
        ),
        Rule::Whitespace => {
            return Diagnostic::warning(
                Code::ExtraWhitespace,
                location,
                Text::new(
                    format!("\"{value}\" มีช่องว่างนำหน้าหรือต่อท้าย หรือมีช่องว่างไม่ตัดบรรทัด (NBSP)"),
                    format!("\"{value}\" has spaces before or after it, or a non-breaking space"),
                ),
                Text::new(
                    "ลบช่องว่างหัวท้าย (ใน Excel ใช้ฟังก์ชัน TRIM) ช่องว่างไม่ตัดบรรทัดมักติดมาจากการคัดลอกจากหน้าเว็บ",
                    "remove the surrounding spaces (Excel's TRIM does it); non-breaking spaces usually come from copying web pages",
                ),
            );
        }
        Rule::MissingOffset => {
            let value = value.trim();
            return Diagnostic::warning(
                Code::MissingOffset,
                location,
                Text::new(
                    format!("\"{value}\" ไม่มีเขตเวลา ขณะที่ค่าอื่นในคอลัมน์มี จึงอ่านเป็นเวลา UTC ({value}Z)"),
                    format!("\"{value}\" has no offset where other values of the column have one, so it is read as UTC ({value}Z)"),
                ),
                Text::new(
                    format!("เขียนเขตเวลาต่อท้าย เช่น {value}+07:00 สำหรับเวลาประเทศไทย"),
                    format!("write its offset, e.g. {value}+07:00 for Thai time"),
                ),
            );
        }
        Rule::ThaiOrder => {
            return Diagnostic::warning(
                Code::ThaiTextOrder,
                location,
                Text::new(
                    format!("\"{value}\" มีวรรณยุกต์อยู่ก่อนสระ หรือสระอำแยกเป็นสองตัว (มักเกิดจากการคัดลอกจาก PDF)"),
                    format!("\"{value}\" has a Thai tone mark before its vowel or a split SARA AM (typical of text copied from PDF)"),
                ),
                Text::new(
                    "พิมพ์ข้อความนั้นใหม่ หรือแทนที่ \"ํา\" และ \"าํ\" ด้วย \"ำ\" และสลับวรรณยุกต์ไปไว้หลังสระ",
                    "retype the text, or replace \"ํา\" and \"าํ\" with \"ำ\" and put each tone mark after its vowel",
                ),
            );
        }
        Rule::Unique => {
            let first = first_row.map_or(0, |r| r as usize + 2);
            (
                Code::UniqueError,
                Text::new(format!("\"{value}\" ซ้ำกับแถว {first}"), format!("\"{value}\" repeats row {first}")),
                Text::new(
                    "ค่าในคอลัมน์นี้ต้องไม่ซ้ำกัน: ลบแถวที่ซ้ำ หรือแก้ค่าที่พิมพ์ผิด",
                    "values in this column must be unique: delete the repeated row or correct the mistyped value",
                ),
            )
        }
    };
    Diagnostic::error(code, location, message, help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_and_times_read_as_iso_8601_has_them() {
        let utc = |s: &str| iso_datetime_micros(s).and_then(chrono::DateTime::from_timestamp_micros).map(|d| d.naive_utc().to_string());
        assert_eq!(utc("2024-01-01T09:00:00+07:00").as_deref(), Some("2024-01-01 02:00:00"));
        assert_eq!(utc("2024-01-01T09:00:00+0700").as_deref(), Some("2024-01-01 02:00:00"));
        assert_eq!(utc("2024-01-01T02:00:00.5Z").as_deref(), Some("2024-01-01 02:00:00.500"));
        assert_eq!(utc("2024-01-01 09:00:00").as_deref(), Some("2024-01-01 09:00:00"));
        assert_eq!(utc("2024-01-01T09:00:00-05:30").as_deref(), Some("2024-01-01 14:30:00"));
        for wrong in ["2024-01-01T09:00", "2024-01-01T9:00:00", "2024-01-01", "2024-13-01T09:00:00", "2024-01-01T09:00:00+7"] {
            assert_eq!(utc(wrong), None, "{wrong}");
        }
        assert_eq!(iso_time_text("09:00:00+07:00").as_deref(), Some("09:00:00+07:00"));
        assert_eq!(iso_time_text("09:00:00+0700").as_deref(), Some("09:00:00+07:00"));
        assert_eq!(iso_time_text("09:00:00-05:30").as_deref(), Some("09:00:00-05:30"));
        assert_eq!(iso_time_text("09:00:00Z").as_deref(), Some("09:00:00Z"));
        assert_eq!(iso_time_text("09:00:00.25").as_deref(), Some("09:00:00.250"));
        assert_eq!(iso_time_text("09:00:00").as_deref(), Some("09:00:00"));
        assert_eq!(iso_time_text("24:00:00").as_deref(), Some("00:00:00"));
        assert_eq!(iso_time_text("09:00:00,5+07").as_deref(), Some("09:00:00.500+07:00"));
        assert_eq!(utc("2024-01-01T24:00:00").as_deref(), Some("2024-01-02 00:00:00"));
        for wrong in ["9:00:00", "09:00", "25:00:00", "09:00:00 ", "23:59:60", "09:00:0๐", "๐9:00:00+07:00"] {
            assert_eq!(iso_time_text(wrong), None, "{wrong}");
        }
    }

    /// `csv` read as a file is read and checked against the schema `schema` (TOML): the typed
    /// table, and the diagnostics as `code row column value: message | fix` in English.
    fn check_csv(schema: &str, csv: &str) -> (Option<DataFrame>, Report, Vec<String>) {
        let schema: Schema = toml::from_str(schema).unwrap();
        let bytes = std::sync::Arc::new(csv.as_bytes().to_vec());
        let (raw, _) = crate::load::table::read_csv(bytes, None, None, &schema.missing_values, &Default::default(), Path::new("t.csv")).unwrap();
        let checked = check_table(&schema, &raw, Path::new("t.csv"), Path::new("t.toml"), &BTreeSet::new());
        let lines = checked
            .report
            .diagnostics
            .iter()
            .map(|d| {
                let l = &d.location;
                let row = l.row.map_or("-".to_string(), |r| r.to_string());
                let value = d.value.clone().unwrap_or_default();
                format!("{} {row} {} {value}: {} | {}", d.code.as_str(), l.column.clone().unwrap_or_default(), d.message.en, d.help.en)
            })
            .collect();
        (checked.frame, checked.report, lines)
    }

    /// The values of a typed table's column `name` as text (`null` where there is none).
    fn column_text(frame: &DataFrame, name: &str) -> Vec<String> {
        let c = frame.column(name).unwrap().cast(&DataType::String).unwrap();
        c.str().unwrap().iter().map(|v| v.unwrap_or("null").to_string()).collect()
    }

    const BARE_AMOUNT: &str = "[[fields]]\nname = \"id\"\ntype = \"integer\"\n[[fields]]\nname = \"amount\"\ntype = \"number\"\nbareNumber = false\ngroupChar = \",\"\n";

    #[test]
    fn bare_number_false_strips_currencies_units_and_percent_signs_dots_and_all() {
        let csv = "id,amount\n1,\"฿1,000\"\n2,\"1,000 บาท\"\n3,95%\n4,US$ 5\n5,45.5 มคก./ลบ.ม.\n6,\"1,500.-\"\n7,-฿ 3\n8,\"฿-1,200.50\"\n9,Rs.500\n";
        let (frame, _, lines) = check_csv(BARE_AMOUNT, csv);
        // A sign before the currency would be lost with it: left for the author to write.
        assert_eq!(lines, ["type-error 8 amount -฿ 3: \"-฿ 3\" is not a valid number | the value has a unit or currency (฿) with the number: write the number alone, e.g. -3, and give the unit in the field's title or description"]);
        let amounts = column_text(&frame.unwrap(), "amount");
        assert_eq!(amounts, ["1000.0", "1000.0", "95.0", "5.0", "45.5", "1500.0", "null", "-1200.5", "500.0"]);
    }

    #[test]
    fn bare_number_false_refuses_a_negative_in_parentheses_and_a_qualified_number() {
        // see: with bareNumber = false, (12,000.00) was published as 12000 and <0.5 as 0.5.
        let csv = "id,amount\n1,\"(12,000.00)\"\n2,(1.50)\n3,<0.5\n4,>500\n5,\"ไม่เกิน 100\"\n6,ประมาณ 20\n7,≤ 3\n8,~7\n9,500+\n10,\"(฿1,000)\"\n11,\"(1,000) บาท\"\n12,\"1,000 (บาท)\"\n";
        let (frame, _, lines) = check_csv(BARE_AMOUNT, csv);
        let negative = |row: u32, value: &str, number: &str| {
            format!("type-error {row} amount {value}: \"{value}\" is not a valid number | a number in parentheses, as accounts write it, is a negative: write it with a minus sign, -{number}")
        };
        let qualified = |row: u32, value: &str, qualifier: &str, number: &str| {
            format!(
                "type-error {row} amount {value}: \"{value}\" is not a valid number | the value has a qualifier ({qualifier}) that makes the number a limit or an estimate: write the number alone, e.g. {number}, and put the qualifier in another column or in the notes"
            )
        };
        assert_eq!(
            lines,
            [
                negative(2, "(12,000.00)", "12,000.00"),
                negative(3, "(1.50)", "1.50"),
                qualified(4, "<0.5", "<", "0.5"),
                qualified(5, ">500", ">", "500"),
                qualified(6, "ไม่เกิน 100", "ไม่เกิน", "100"),
                qualified(7, "ประมาณ 20", "ประมาณ", "20"),
                qualified(8, "≤ 3", "≤", "3"),
                qualified(9, "~7", "~", "7"),
                qualified(10, "500+", "+", "500"),
                negative(11, "(฿1,000)", "1,000"),
                negative(12, "(1,000) บาท", "1,000"),
            ]
        );
        // A unit in parentheses after the number is still a unit.
        assert_eq!(column_text(&frame.unwrap(), "amount").last().map(String::as_str), Some("1000.0"));
    }

    #[test]
    fn a_qualified_number_gets_its_own_fix_without_bare_number_too() {
        let schema = "[[fields]]\nname = \"pm25\"\ntype = \"number\"\n";
        let (_, _, lines) = check_csv(schema, "pm25\n<0.5\nไม่เกิน 100\n45.5 มคก./ลบ.ม.\n");
        assert_eq!(
            lines,
            [
                "type-error 2 pm25 <0.5: \"<0.5\" is not a valid number | the value has a qualifier (<) that makes the number a limit or an estimate: write the number alone, e.g. 0.5, and put the qualifier in another column or in the notes",
                "type-error 3 pm25 ไม่เกิน 100: \"ไม่เกิน 100\" is not a valid number | the value has a qualifier (ไม่เกิน) that makes the number a limit or an estimate: write the number alone, e.g. 100, and put the qualifier in another column or in the notes",
                "type-error 4 pm25 45.5 มคก./ลบ.ม.: \"45.5 มคก./ลบ.ม.\" is not a valid number | the value has a unit or currency (มคก./ลบ.ม.) with the number: write the number alone, e.g. 45.5, and give the unit in the field's title or description",
            ]
        );
    }

    #[test]
    fn a_spreadsheet_error_value_is_reported_in_any_column_and_never_also_as_a_type_error() {
        let schema = "[[fields]]\nname = \"province\"\ntype = \"string\"\nconstraints = { unique = true, maxLength = 4 }\n[[fields]]\nname = \"people\"\ntype = \"integer\"\n[[fields]]\nname = \"share\"\ntype = \"number\"\n[[fields]]\nname = \"day\"\ntype = \"date\"\n";
        let csv = "province,people,share,day\nน่าน,#N/A,0.5,2024-01-01\n#N/A,12,#DIV/0!,#VALUE!\n#N/A,13, #REF! ,2024-01-02\nErr:502,#NAME?,#NUM!,#NULL!\n#SPILL!,#CALC!,x,2024-01-03\n";
        // Repeated (unique), too long (maxLength), spaced: the cell's one problem is its error.
        let (frame, report, mut lines) = check_csv(schema, csv);
        let error = |row: u32, column: &str, value: &str, why: &str| {
            format!(
                "spreadsheet-error {row} {column} {value}: \"{value}\" is a spreadsheet's error value, not data ({why}) | correct the formula in the workbook (or type the value in), then save or export the file again; if the row is not data (a total, a leftover row), delete it"
            )
        };
        let lookup = "a lookup such as VLOOKUP found nothing";
        let mut expected = vec![
            error(3, "province", "#N/A", lookup),
            error(4, "province", "#N/A", lookup),
            error(5, "province", "Err:502", "LibreOffice's code for a formula that failed"),
            error(6, "province", "#SPILL!", "a formula's results blocked by cells in their way"),
            error(2, "people", "#N/A", lookup),
            error(5, "people", "#NAME?", "a formula with a name the program does not know"),
            error(6, "people", "#CALC!", "a calculation the program could not make"),
            error(3, "share", "#DIV/0!", "a division by zero"),
            error(4, "share", " #REF! ", "a formula that refers to cells since deleted"),
            error(5, "share", "#NUM!", "a calculation whose result is not a number"),
            error(3, "day", "#VALUE!", "a formula given a value of the wrong kind"),
            error(5, "day", "#NULL!", "a formula whose ranges do not meet"),
        ];
        expected.push("type-error 6 share x: \"x\" is not a valid number | write a number with '.' as the decimal mark, e.g. 1234.50".to_string());
        lines.sort();
        expected.sort();
        assert_eq!(lines, expected);
        assert!(report.diagnostics.iter().all(|d| d.severity == crate::diagnostic::Severity::Error));
        // The error values are not data: the typed table holds no value there.
        let frame = frame.unwrap();
        assert_eq!(column_text(&frame, "people"), ["null", "12", "13", "null", "null"]);
        assert_eq!(column_text(&frame, "province"), ["น่าน", "null", "null", "null", "null"]);
    }

    #[test]
    fn a_column_of_spreadsheet_errors_is_listed_once_per_cell_up_to_the_limit_and_counted() {
        // see: Suzanoo/thai-covid thai_population_2020.csv, 77 provinces then 851 rows
        // `,ประเทศไทย,,,#N/A,,,…`, passed check.
        let schema = "[[fields]]\nname = \"code\"\ntype = \"string\"\n[[fields]]\nname = \"province\"\ntype = \"string\"\n[[fields]]\nname = \"people\"\ntype = \"string\"\n";
        let mut csv = String::from("code,province,people\n");
        for i in 0..77 {
            csv.push_str(&format!("{},จังหวัด{i},{}\n", 10 + i, 100_000 + i));
        }
        csv.push_str(&",ประเทศไทย,#N/A\n".repeat(851));
        let (_, report, lines) = check_csv(schema, &csv);
        assert_eq!(lines.len(), LISTED_PER_FILE_AND_CODE);
        assert!(lines.iter().all(|l| l.starts_with("spreadsheet-error ") && l.contains(" people #N/A: ")), "{lines:?}");
        assert!(lines[0].starts_with("spreadsheet-error 79 people #N/A: "), "{}", lines[0]);
        let unlisted: Vec<(Code, usize)> = report.unlisted.iter().map(|u| (u.code, u.count)).collect();
        assert_eq!(unlisted, [(Code::SpreadsheetError, 851 - LISTED_PER_FILE_AND_CODE)]);
    }

    #[test]
    fn every_error_a_workbook_cell_can_hold_is_a_spreadsheet_error() {
        // A workbook's error cells become their text (see `load::workbook::cell_text`).
        use calamine::CellErrorType as E;
        let pattern = regex::Regex::new(SPREADSHEET_ERROR).unwrap();
        for e in [E::Div0, E::NA, E::Name, E::Null, E::Num, E::Ref, E::Value, E::GettingData] {
            assert!(pattern.is_match(&e.to_string()), "{e}");
        }
    }

    #[test]
    fn a_missing_value_or_a_longer_text_is_no_spreadsheet_error() {
        let schema = "missingValues = [\"\", \"#N/A\"]\n[[fields]]\nname = \"note\"\ntype = \"string\"\n[[fields]]\nname = \"n\"\ntype = \"integer\"\n";
        let (_, _, lines) = check_csv(schema, "note,n\n#N/A in the source,#N/A\nsee #REF!,1\nErr:50,2\n#hashtag,3\n");
        assert_eq!(lines, Vec::<String>::new());
    }

    #[test]
    fn only_a_number_with_o_or_l_for_a_digit_is_called_a_slip() {
        let field: Field = toml::from_str("name = \"amount\"\ntype = \"number\"\ngroupChar = \"'\"").unwrap();
        for slip in ["2O67", "12,5OO", "l00", "-1.O5", "1'OOO", "2 5OO"] {
            assert!(letters_for_digits(&field, slip), "{slip}");
        }
        for other in ["<img src=x onerror=alert(1)>", "Room 101", "2567 ok", "OOO", "1O0 บาท", "12500"] {
            assert!(!letters_for_digits(&field, other), "{other}");
        }
    }

    #[test]
    fn a_key_written_another_way_is_recognised() {
        assert!(looks_like("primary_key", "primaryKey") && looks_like("decimalchar", "decimalChar") && looks_like("min-length", "minLength"));
        assert!(looks_like("constraint", "constraints") && looks_like("requird", "required") && looks_like("maximun", "maximum"));
        assert!(!looks_like("unit", "unique") && !looks_like("x-note", "name") && !looks_like("example", "enum"));
    }

    #[test]
    fn geopoints_follow_their_format_and_stay_on_earth() {
        assert!(geopoint_default("100.5018, 13.7563") && geopoint_default("-180,90"));
        assert!(!geopoint_default("181, 0") && !geopoint_default("[100.5, 13.7]") && !geopoint_default("100.5"));
        assert!(geopoint_array("[100.5018, 13.7563]") && geopoint_array("[180, 90]"));
        assert!(!geopoint_array("180,90") && !geopoint_array("[181, 0]") && !geopoint_array("[1, 2, 3]") && !geopoint_array("[\"x\", 2]"));
        // Numbers written as strings count, as frictionless reads them.
        assert!(geopoint_array("[\"1\", 2]"));
        assert!(geopoint_object(r#"{"lon": 100.5, "lat": 13.7}"#) && geopoint_object(r#"{"lat": 13.7, "lon": 100.5}"#));
        assert!(!geopoint_object(r#"{"lon": 100.5}"#) && !geopoint_object(r#"{"lon": 1, "lat": 91}"#) && !geopoint_object(r#"{"lon": 1, "lat": 2, "alt": 3}"#));
        assert!(geojson(r#"{"type": "Point", "coordinates": [100.5, 13.7]}"#));
        assert!(geojson(r#"{"type": "FeatureCollection", "features": []}"#));
        assert!(yearmonth_text("2024-1").as_deref() == Some("2024-01") && yearmonth_text("2024-13").is_none() && yearmonth_text("24-01").is_none());
        for (duration, valid) in [("P1Y", true), ("PT1.5S", true), ("-P1W", true), ("P1DT2H", true), ("P", false), ("P1H", false), ("PT1Y", false), ("P1M1Y", false), ("1Y", false)] {
            assert_eq!(iso_duration(duration), valid, "{duration}");
        }
        assert!(!geojson(r#"{"type": "Point", "coordinates": [1]}"#) && !geojson("{}") && !geojson(r#"{"type": "Polygon"}"#) && !geojson(r#"{"type": "Feature"}"#) && !geojson("[]"));
    }

    #[test]
    fn a_column_increases_only_if_its_halves_do_and_meet_in_order() {
        let increasing = |values: &[Option<i64>]| {
            let frame = DataFrame::new_infer_height(vec![Column::new("v".into(), values.to_vec())]).unwrap();
            strictly_increasing(&frame, &col("v")).unwrap()
        };
        assert!(increasing(&[Some(1), Some(2), Some(3), Some(4)]));
        assert!(increasing(&[Some(1), None, None, Some(2)]));
        assert!(increasing(&[Some(1), Some(2), None, None]));
        assert!(increasing(&[]));
        // Each half increases, but the second starts below where the first ends.
        assert!(!increasing(&[Some(1), Some(2), Some(3), Some(1), Some(2), Some(3)]));
        assert!(!increasing(&[Some(1), Some(5), None, Some(3)]));
        assert!(!increasing(&[Some(1), Some(2), Some(2), Some(3)]));
        assert!(!increasing(&[Some(2), Some(1), Some(3), Some(4)]));
    }
}
