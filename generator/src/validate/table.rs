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
const PK: &str = "__pk";

/// The column that holds, for a flagged repeat, the row (0-based) of its first copy.
fn first_of(flag: &str) -> String {
    format!("{flag}_first")
}

/// Which rule a flag column checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rule {
    Type,
    Required,
    Enum,
    Minimum,
    Maximum,
    MinLength,
    MaxLength,
    Pattern,
    Unique,
    Whitespace,
    ThaiOrder,
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

/// Checks `raw` against `schema`; `file` is the CSV and `meta_file` the schema's file, both
/// as shown in diagnostics.
/// `personal` names the columns declared as personal data: their values are masked wherever a
/// diagnostic shows them, and the personal-data scan skips them.
pub fn check_table(schema: &Schema, raw: &RawTable, file: &Path, meta_file: &Path, personal: &BTreeSet<String>) -> Checked {
    let mut report = Report::default();
    let schema_ok = check_schema(schema, meta_file, &mut report);
    let positions = check_header(schema, raw, file, &mut report);
    if !schema_ok {
        return Checked { frame: None, report };
    }
    let personal_columns: BTreeSet<usize> =
        raw.header.iter().enumerate().filter(|(_, h)| personal.contains(*h)).map(|(i, _)| i).collect();
    match crate::validate::personal::scan(raw, file, &personal_columns) {
        Ok(found) => report.merge(found),
        Err(e) => report.push(internal(file, &e.to_string())),
    }
    match check_rows(schema, raw, &positions, file, &personal_columns) {
        Ok((frame, rows_report)) => {
            report.merge(rows_report);
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
/// name real fields. Returns false when the data cannot be checked with it.
fn check_schema(schema: &Schema, meta_file: &Path, report: &mut Report) -> bool {
    let before = report.error_count();
    let mut error = |th: String, en: String, help: Text| {
        report.push(Diagnostic::error(Code::SchemaError, Location::file(meta_file), Text::new(th, en), help));
    };
    let mut seen = std::collections::HashSet::new();
    for f in &schema.fields {
        if !seen.insert(f.name.as_str()) {
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
        for (name, limit) in [("minimum", &f.constraints.minimum), ("maximum", &f.constraints.maximum)] {
            if let Some(v) = limit {
                if limit_literal(f, v).is_none() {
                    error(
                        format!("{name} ของฟิลด์ \"{}\" ({}) ใช้กับชนิด {} ไม่ได้", f.name, value_as_text(v), f.field_type.name()),
                        format!("the {name} of field \"{}\" ({}) does not fit its type {}", f.name, value_as_text(v), f.field_type.name()),
                        Text::new(
                            "ใช้ตัวเลขสำหรับ integer/number/year และวันที่แบบ YYYY-MM-DD สำหรับ date",
                            "use a number for integer/number/year fields and a YYYY-MM-DD date for date fields",
                        ),
                    );
                }
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
    report.error_count() == before
}

/// Matches header labels to schema fields; returns each field's column index, by field index.
fn check_header(schema: &Schema, raw: &RawTable, file: &Path, report: &mut Report) -> BTreeMap<usize, usize> {
    let header_location = |col: usize, name: &str| Location {
        file: file.to_path_buf(),
        row: Some(1),
        column_number: Some(col + 1),
        column: Some(name.to_string()),
        sheet: None,
    };
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    for (i, label) in raw.header.iter().enumerate() {
        if label.trim().is_empty() {
            report.push(Diagnostic::error(
                Code::BlankLabel,
                header_location(i, ""),
                Text::new(format!("คอลัมน์ {} ไม่มีชื่อในแถวหัวตาราง", column_letter(i + 1)), format!("column {} has no name in the header row", column_letter(i + 1))),
                Text::new("ใส่ชื่อคอลัมน์ หรือลบคอลัมน์ว่างนั้นออก", "give the column a name, or delete the empty column"),
            ));
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
                    Location { file: file.to_path_buf(), row: Some(1), column_number: None, column: Some(field.name.clone()), sheet: None },
                    Text::new(
                        format!("schema มีฟิลด์ \"{}\" แต่ CSV ไม่มีคอลัมน์ชื่อนี้", field.name),
                        format!("the schema has a field \"{}\" but the CSV has no column of that name", field.name),
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

fn raw_col(i: usize) -> String {
    RawTable::column_name(i)
}
fn value_col(fi: usize) -> String {
    format!("__v{fi}")
}
fn typed_col(fi: usize) -> String {
    format!("__t{fi}")
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

/// A date or datetime text with its Buddhist-era year (the first four-digit run) turned into
/// the Christian-era year, so that 29/02/2567 (a leap day in 2024) parses.
fn buddhist_to_christian(e: Expr) -> Expr {
    let year = e.clone().str().extract(lit("([0-9]{4})"), 1).cast(DataType::Int64) - lit(543i64);
    let before = e.clone().str().extract(lit("^(.*?)[0-9]{4}"), 1);
    let after = e.str().extract(lit("^.*?[0-9]{4}(.*)$"), 1);
    concat_str([before, year.cast(DataType::String), after], "", false)
}

fn strptime(format: &str) -> StrptimeOptions {
    StrptimeOptions { format: Some(format.into()), strict: false, exact: true, cache: true }
}

fn null_of(dtype: DataType) -> Expr {
    lit(NULL).cast(dtype)
}

/// Validity of JSON objects or arrays, computed over a whole column (Polars has no JSON parser
/// in the features Sala builds with).
fn json_kind(value: Expr, want_object: bool) -> Expr {
    value.map(
        move |c: Column| {
            let ca = c.str()?;
            let out: BooleanChunked = ca
                .iter()
                .map(|v| {
                    v.map(|s| match serde_json::from_str::<serde_json::Value>(s) {
                        Ok(serde_json::Value::Object(_)) => want_object,
                        Ok(serde_json::Value::Array(_)) => !want_object,
                        _ => false,
                    })
                })
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(polars::prelude::Field::new(f.name().clone(), DataType::Boolean)),
    )
}

/// The expression that turns a field's text (nulls for missing values) into its type;
/// a null where the text was not null means the text is not of that type.
fn typed_expr(field: &Field, value: Expr, traits: Traits) -> Expr {
    // Work that cannot change anything in this file is skipped (see `Traits`).
    let trimmed = if traits.edge_whitespace || traits.nbsp { value.clone().str().strip_chars(lit(NULL)) } else { value.clone() };
    let ascii_digits = |e: Expr| if traits.thai_digits { ascii_digits(e) } else { e };
    let buddhist = field.calendar == Some(Calendar::Buddhist);
    let numeric_text = |e: Expr| {
        let mut e = ascii_digits(e);
        if field.bare_number == Some(false) {
            // Currency signs, units and percent signs around the number (฿1,000 / 95% / 20 บาท).
            e = e.str().replace_all(lit(r"^[^0-9+\-.]+|[^0-9.]+$"), lit(""), false);
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
            let year = numeric_text(trimmed).cast(DataType::Int64);
            if buddhist { year - lit(543i64) } else { year }
        }
        FieldType::Number => {
            let mut e = numeric_text(trimmed);
            if let Some(d) = field.decimal_char.as_deref().filter(|d| *d != ".") {
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
        FieldType::Date => {
            let text = if buddhist { buddhist_to_christian(ascii_digits(trimmed)) } else { trimmed };
            match field.format.as_deref() {
                None | Some("default") => text.str().to_date(strptime("%Y-%m-%d")),
                Some("any") => text.str().to_date(StrptimeOptions { strict: false, ..Default::default() }),
                Some(f) => text.str().to_date(strptime(f)),
            }
        }
        FieldType::Datetime => {
            let text = if buddhist { buddhist_to_christian(ascii_digits(trimmed)) } else { trimmed };
            let parse = |format: &str| {
                text.clone().str().to_datetime(Some(TimeUnit::Microseconds), None, strptime(format), lit("raise"))
            };
            match field.format.as_deref() {
                None | Some("default") | Some("any") => {
                    coalesce(&[parse("%Y-%m-%dT%H:%M:%SZ"), parse("%Y-%m-%dT%H:%M:%S"), parse("%Y-%m-%d %H:%M:%S")])
                }
                Some(f) => parse(f),
            }
        }
        FieldType::Time => {
            // A time parses as a datetime on a fixed day; the canonical text is HH:MM:SS.
            let format = match field.format.as_deref() {
                None | Some("default") | Some("any") => "%H:%M:%S",
                Some(f) => f,
            };
            concat_str([lit("1970-01-01 "), trimmed], "", false)
                .str()
                .to_datetime(Some(TimeUnit::Microseconds), None, strptime(&format!("%Y-%m-%d {format}")), lit("raise"))
                .dt()
                .to_string("%H:%M:%S")
        }
        FieldType::Geopoint => {
            let pattern = r"^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*,\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$";
            let lon = value.clone().str().extract(lit(pattern), 1).cast(DataType::Float64);
            let lat = value.clone().str().extract(lit(pattern), 2).cast(DataType::Float64);
            let within = |e: Expr, limit: f64| e.clone().gt_eq(lit(-limit)).and(e.lt_eq(lit(limit)));
            let valid = within(lon, 180.0).and(within(lat, 90.0));
            when_valid(valid.fill_null(lit(false)), value)
        }
        FieldType::Object | FieldType::Geojson => when_valid(json_kind(value.clone(), true), value),
        FieldType::Array => when_valid(json_kind(value.clone(), false), value),
        _ => match text_type_pattern(field) {
            Some(re) => when_valid(value.clone().str().contains(lit(re), true), value),
            None => value,
        },
    }
}

/// The pattern a text-like type must match (types Sala keeps as text but still checks).
fn text_type_pattern(field: &Field) -> Option<&'static str> {
    match (field.field_type, field.format.as_deref()) {
        (FieldType::String, Some("email")) => Some(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
        (FieldType::String, Some("uri")) => Some(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$"),
        (FieldType::String, Some("uuid")) => Some(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
        (FieldType::String, Some("binary")) => Some(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"),
        (FieldType::Yearmonth, _) => Some(r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
        (FieldType::Duration, _) => Some(r"^P(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?(?:T(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?$"),
        _ => None,
    }
}

/// A constraint value (enum item, minimum, maximum) as a literal comparable with the typed column.
fn limit_literal(field: &Field, value: &toml::Value) -> Option<Expr> {
    let text = value_as_text(value);
    match field.field_type {
        FieldType::Integer | FieldType::Year => match value {
            toml::Value::Integer(i) => Some(lit(*i)),
            toml::Value::Float(f) if f.fract() == 0.0 => Some(lit(*f as i64)),
            _ => text.trim().parse::<i64>().ok().map(lit),
        },
        FieldType::Number => match value {
            toml::Value::Integer(i) => Some(lit(*i as f64)),
            toml::Value::Float(f) => Some(lit(*f)),
            _ => text.trim().parse::<f64>().ok().map(lit),
        },
        FieldType::Date => chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .ok()
            .map(|d| lit((d - chrono::NaiveDate::default()).num_days() as i32).cast(DataType::Date)),
        FieldType::String => Some(lit(text)),
        _ => None,
    }
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
    let no_blank_rows = raw.frame.columns().iter().any(|c| c.null_count() == 0 && (raw.empty_is_null || !has_empty_text(c)));
    let blank_row = if raw.frame.width() == 0 || no_blank_rows {
        lit(false)
    } else {
        let empty = |i: usize| {
            let null = col(raw_col(i)).is_null();
            if raw.empty_is_null || parsed(i) { null } else { null.or(col(raw_col(i)).eq(lit(""))) }
        };
        all_horizontal((0..raw.frame.width()).map(empty).collect::<Vec<_>>())?
    };

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
        let typing = if by_parser { raw_e.clone() } else { typed_expr(field, col(value_col(fi)), raw.traits) };
        // A type that keeps the text as it is cannot be broken, nor can a value Polars parsed:
        // neither needs a type flag.
        let kept_as_text = by_parser || typing == col(value_col(fi));
        typed.push(typing.alias(typed_col(fi)));

        let v = col(value_col(fi));
        let t = col(typed_col(fi));
        // Whether the cell has a value: a parsed column keeps no text, only the value.
        let (has_value, no_value) = if by_parser { (t.clone().is_not_null(), t.clone().is_null()) } else { (v.clone().is_not_null(), v.clone().is_null()) };
        // A flag computed later (uniqueness) has no expression here.
        let mut add = |rule: Rule, rule_text: String, flag: Option<Expr>| -> String {
            let name = format!("__f{}", checks.len());
            if let Some(flag) = flag {
                let flag = if no_blank_rows { flag } else { flag.and(blank_row.clone().not()) };
                flags.push(flag.fill_null(lit(false)).alias(name.clone()));
            }
            checks.push(Check { flag: name.clone(), field: fi, rule, rule_text });
            name
        };
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
        if let Some((m, e)) = c.minimum.as_ref().and_then(|m| limit_literal(field, m).map(|e| (m, e))) {
            add(Rule::Minimum, format!("minimum = {}", value_as_text(m)), Some(t.clone().lt(e)));
        }
        if let Some((m, e)) = c.maximum.as_ref().and_then(|m| limit_literal(field, m).map(|e| (m, e))) {
            add(Rule::Maximum, format!("maximum = {}", value_as_text(m)), Some(t.clone().gt(e)));
        }
        if let Some(n) = c.min_length {
            add(Rule::MinLength, format!("minLength = {n}"), Some(v.clone().str().len_chars().lt(lit(n as u32))));
        }
        if let Some(n) = c.max_length {
            add(Rule::MaxLength, format!("maxLength = {n}"), Some(v.clone().str().len_chars().gt(lit(n as u32))));
        }
        if let Some(p) = &c.pattern {
            add(
                Rule::Pattern,
                format!("pattern = {p}"),
                Some(v.clone().is_not_null().and(v.clone().str().contains(lit(format!("^(?:{p})$")), true).not())),
            );
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
        if raw.traits.thai_misordered && matches!(field.field_type, FieldType::String | FieldType::Any) {
            add(
                Rule::ThaiOrder,
                "Thai marks in reading order".into(),
                Some(v.clone().str().contains(lit("[\u{0E48}-\u{0E4B}][\u{0E31}\u{0E34}-\u{0E37}\u{0E47}]|\u{0E4D}\u{0E32}"), true)),
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
    }
    // Flags that cannot be true (no blank row; repeats until proven) are not computed: a
    // column of a million `false` costs its memory and time like any other.
    let has_blank = !no_blank_rows && raw.frame.width() > 0;
    if has_blank {
        flags.push(blank_row.alias(BLANK));
    }

    let mut frame = frame
        .lazy()
        .with_row_index(ROW, None)
        .with_columns(values)
        .with_columns(typed)
        .with_columns(flags)
        .collect()?;
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
    row_shape_diagnostics(raw, file, &mut report);

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
            // Hygiene warnings break no rule written in the schema.
            if matches!(check.rule, Rule::Whitespace | Rule::ThaiOrder) { d } else { d.with_rule(check.rule_text.clone()) }
        }, &mut report)?;
    }

    if pk_complete {
        let names = schema.primary_key();
        let first_fi = pk[0];
        for_each_flagged(&frame, raw, PK, &[first_of(PK)], |row, extras, cells| {
            let key_values: Vec<String> = pk.iter().map(|fi| mask(positions[fi], &cell(cells, positions[fi]))).collect();
            let first = extras.first().cloned().flatten().and_then(|s| s.parse::<usize>().ok()).map_or(0, |r| r + 2);
            Diagnostic::error(
                Code::PrimaryKey,
                located(first_fi, row),
                Text::new(
                    format!("คีย์หลัก ({}) ซ้ำกับแถว {first}", names.join(", ")),
                    format!("the primary key ({}) repeats row {first}", names.join(", ")),
                ),
                Text::new(
                    "แต่ละแถวต้องมีค่าชุดคีย์หลักไม่ซ้ำกัน: ลบแถวที่ซ้ำ หรือแก้ค่าที่พิมพ์ผิด",
                    "every row must have a different primary key: delete the repeated row or correct the mistyped value",
                ),
            )
            .with_value(key_values.join(", "))
            .with_rule(format!("primaryKey = [{}]", names.join(", ")))
            .with_source(SourceLine::new(&line(cells), delimiter, positions[&first_fi]))
        }, &mut report)?;
    }

    let output: Vec<Column> = positions
        .keys()
        .map(|&fi| frame.column(&typed_col(fi)).map(|c| c.clone().with_name(schema.fields[fi].name.as_str().into())))
        .collect::<PolarsResult<_>>()?;
    Ok((DataFrame::new_infer_height(output)?, report))
}

/// Whether a text column holds an empty string (a blank cell when empty text is not a
/// missing value).
fn has_empty_text(column: &Column) -> bool {
    column.str().is_ok_and(|s| s.iter().any(|v| v == Some("")))
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
    *frame = frame.clone().lazy().with_columns(candidates.iter().map(|c| c.2.clone()).collect::<Vec<_>>()).collect()?;
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
        *frame = frame.clone().lazy().with_columns(refine).collect()?;
    }
    Ok(())
}

/// Whether the non-null values of `value` strictly increase down the table (so none repeats).
fn strictly_increasing(frame: &DataFrame, value: &Expr) -> PolarsResult<bool> {
    let values = frame.clone().lazy().select([value.clone().alias("v")]).collect()?;
    let s = values.column("v")?.as_materialized_series().to_physical_repr();
    // One walk down each half of the column at once, stopping at the first value not above the
    // one before: a fifth of the time of comparing two shifted copies.
    let half = s.len() / 2;
    let (first, second) = (s.slice(0, half), s.slice(half as i64, s.len() - half));
    macro_rules! by_halves {
        ($get:ident) => {{
            let (a, b) = (first.$get()?, second.$get()?);
            let (a, b) = rayon::join(|| ends_if_increasing(a.iter()), || ends_if_increasing(b.iter()));
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

/// Missing and extra cells, from the shapes the loader counted.
fn row_shape_diagnostics(raw: &RawTable, file: &Path, report: &mut Report) {
    let width = raw.header.len();
    let at = |row: usize, col: usize, name: Option<&String>| Location {
        file: file.to_path_buf(),
        row: Some(row + 2),
        column_number: Some(col + 1),
        column: name.cloned(),
        sheet: None,
    };
    // Every missing or extra cell counts; only the first few are worded.
    let list = |rows: &[(usize, usize)], cells_of: fn(usize, usize) -> std::ops::Range<usize>, make: &dyn Fn(usize, usize, usize) -> Diagnostic| {
        let cells = rows.iter().flat_map(|&(row, n)| cells_of(n, width).map(move |c| (row, n, c)));
        let total = cells.clone().count();
        (cells.take(LISTED_PER_FILE_AND_CODE).map(|(row, n, c)| make(row, n, c)).collect::<Vec<_>>(), total)
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
    let (listed, total) = list(&raw.long_rows, |n, width| width..n, &|row, cells, c| {
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
    let hits = frame.clone().lazy().filter(col(flag)).limit(LISTED_PER_FILE_AND_CODE as IdxSize).select(selected).collect()?;
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

fn type_help(field: &Field, value: &str) -> Text {
    let numeric = matches!(field.field_type, FieldType::Integer | FieldType::Year | FieldType::Number);
    if numeric && value.chars().any(|c| matches!(c, 'O' | 'o' | 'l' | 'I')) && value.chars().any(|c| c.is_ascii_digit()) {
        return Text::new(
            "ค่ามีตัวอักษร O หรือ l ที่น่าจะพิมพ์แทนเลข 0 หรือ 1: แก้เป็นตัวเลข",
            "the value has the letter O or l where the digit 0 or 1 was probably meant: type the digits",
        );
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
        FieldType::Integer | FieldType::Year => Text::new(
            "เขียนเป็นจำนวนเต็มด้วยตัวเลขเท่านั้น เช่น 2567",
            "write a whole number with digits only, e.g. 2567",
        ),
        FieldType::Number if grouping => Text::new(
            "ค่ามีจุลภาคคั่นหลักพัน: เพิ่ม groupChar = \",\" ในฟิลด์ หรือเขียนตัวเลขโดยไม่มีจุลภาค เช่น 21905000.50",
            "the value has thousands separators: add groupChar = \",\" to the field, or write the number without commas, e.g. 21905000.50",
        ),
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
        FieldType::Datetime => Text::new(
            "เขียนวันเวลาแบบ 2024-10-01T08:30:00",
            "write the date and time like 2024-10-01T08:30:00",
        ),
        _ => Text::new(
            format!("แก้ค่าให้เป็น{}ที่ถูกต้อง", type_name_th(field.field_type)),
            format!("correct the value to a valid {}", field.field_type.name()),
        ),
    }
}

/// Words the diagnostic for one broken rule.
fn describe(check: &Check, field: &Field, value: String, first_row: Option<u64>, location: Location) -> Diagnostic {
    let c = &field.constraints;
    let (code, message, help) = match check.rule {
        Rule::Type => (
            Code::TypeError,
            Text::new(
                format!("\"{value}\" ไม่ใช่{}", type_name_th(field.field_type)),
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
        Rule::Minimum | Rule::Maximum => {
            let (limit, th_word, en_word) = if check.rule == Rule::Minimum {
                (c.minimum.as_ref(), "น้อยกว่าค่าต่ำสุด", "is less than the minimum")
            } else {
                (c.maximum.as_ref(), "มากกว่าค่าสูงสุด", "is more than the maximum")
            };
            let limit = limit.map(value_as_text).unwrap_or_default();
            (
                Code::ConstraintError,
                Text::new(format!("{value} {th_word} {limit}"), format!("{value} {en_word} {limit}")),
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
        Rule::ThaiOrder => {
            return Diagnostic::warning(
                Code::ThaiTextOrder,
                location,
                Text::new(
                    format!("\"{value}\" มีวรรณยุกต์อยู่ก่อนสระ หรือสระอำแยกเป็นสองตัว (มักเกิดจากการคัดลอกจาก PDF)"),
                    format!("\"{value}\" has a Thai tone mark before its vowel or a split SARA AM (typical of text copied from PDF)"),
                ),
                Text::new(
                    "พิมพ์ข้อความนั้นใหม่ หรือแทนที่ \"ํา\" ด้วย \"ำ\" และสลับวรรณยุกต์ไปไว้หลังสระ",
                    "retype the text, or replace \"ํา\" with \"ำ\" and put each tone mark after its vowel",
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
