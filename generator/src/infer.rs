//! `sala infer FILE`: reads a CSV file the way `sala check` does (any encoding it accepts), or
//! each sheet of a workbook that holds a table,
//! works out each column's Table Schema type, format, `required` and `unique`, suggests a
//! primary key, flags columns that look like personal data, and writes
//! `datasets/<id>/dataset.toml` with every metadata field a person must still fill in marked
//! `TODO` and left empty, so that `sala check` points at exactly those.
//!
//! Every inferred type is tried with the validator itself ([`check_table`]), so what `infer`
//! writes is what `check` accepts.

use crate::diagnostic::{Code, Severity};
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::load::schema::{Calendar, Constraints, Field, FieldType, Schema};
use crate::load::table::{RawTable, read_csv};
use crate::model::coverage::is_buddhist_year;
use crate::validate::table::check_table;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// What `infer` found in one column.
#[derive(Debug, Clone)]
pub struct InferredField {
    /// The field as it is written into the schema.
    pub field: Field,
    /// Why the column may hold personal data (None when nothing suggests it).
    pub personal: Option<&'static str>,
}

/// What `infer` found in a CSV file.
#[derive(Debug, Clone)]
pub struct Inferred {
    /// The columns, in file order.
    pub fields: Vec<InferredField>,
    /// The suggested primary key: a column whose values are all present and different, else two
    /// whose pairs are (`province`, `quarter`); empty when there is none.
    pub primary_key: Vec<String>,
    /// The file's encoding when it is not UTF-8 (e.g. `windows-874`).
    pub encoding: Option<&'static str>,
    /// The delimiter when it is not a comma.
    pub delimiter: Option<char>,
    /// How many data rows the file has.
    pub rows: usize,
    /// The cell values that mean "no value" (the empty string, and markers such as `-` found in
    /// the file).
    pub missing_values: Vec<String>,
    /// What the person should know about what was proposed (a blank header cell named).
    pub notes: Vec<crate::lang::Text>,
    /// The rows of a CSV's header when it is not the first line alone (Table Dialect's
    /// `headerRows`: `[3]` below a title, `[1, 2]` for a header of two rows).
    pub header_rows: Option<Vec<usize>>,
}

/// Markers spreadsheets and agency systems write for "no value"; when one is found, it is
/// declared in `missingValues` so that a numeric column with a few `-` stays numeric.
const MISSING_MARKERS: &[&str] = &["-", "–", "—", "N/A", "n/a", "NA", "null", "NULL", "ไม่มีข้อมูล"];

/// What `sala infer` wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The dataset's id.
    pub id: String,
    /// `datasets/<id>/dataset.toml`.
    pub meta_file: PathBuf,
    /// The file inside the dataset's folder.
    pub csv: PathBuf,
    /// The resources written, with what was inferred.
    pub resources: Vec<InferredResource>,
    /// How the file was added.
    pub added: Added,
}

/// A dataset or resource id made from a file name: lowercase ASCII letters, digits and `-`.
pub fn id_from_name(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_matches('-').to_string()
}

/// Infers the schema of the CSV file at `path`.
pub fn infer_file(path: &Path) -> Result<Inferred> {
    infer_file_encoded(path, None)
}

/// Infers the schema of the CSV file at `path`, read in `encoding` (a WHATWG label such as
/// `latin1`) when one is given.
pub fn infer_file_encoded(path: &Path, encoding: Option<&str>) -> Result<Inferred> {
    let bytes: crate::load::table::SharedBytes = std::sync::Arc::new(std::fs::read(path).map_err(|e| Error::io(path, e))?);
    infer_bytes(bytes, path, None, encoding)
}

/// Infers the schema of a CSV text (a file's bytes, or a sheet written as CSV); `path` is the
/// file named in errors.
/// `place` is where a sheet's table lies in it, so that notes name the sheet's own rows.
fn infer_bytes(bytes: crate::load::table::SharedBytes, path: &Path, place: Option<crate::load::workbook::Place>, encoding: Option<&str>) -> Result<Inferred> {
    let read = |missing: &[String], dialect: Option<&crate::load::dataset::DialectMeta>| {
        read_csv(bytes.clone(), encoding, dialect, missing, &Default::default(), path)
            .map(|(raw, _)| {
                // A sheet's place, or a CSV's whose table starts below its first line.
                let below = raw.header_row - 1;
                let place = place.clone().or_else(|| (below > 0).then(|| crate::load::workbook::Place::csv(path, 0))).map(|p| p.below(below));
                RawTable { places: crate::load::workbook::Places(place.into_iter().collect()), ..raw }
            })
            .map_err(|d| {
                // No dataset.toml yet to declare the encoding in: infer takes it as an option.
                let mut d = d;
                if d.code == Code::EncodingError {
                    d.help = crate::lang::Text::new(
                        format!("{}; หรือสั่ง sala infer --encoding <ชื่อรหัสอักขระ> {}", d.help.th, path.display()),
                        format!("{}; or run sala infer --encoding <label> {}", d.help.en, path.display()),
                    );
                }
                usage(path, &d)
            })
    };
    let mut missing = vec![String::new()];
    let mut raw = read(&missing, None)?;
    // A CSV's table below a title (the reader found it) or under a header of two rows is
    // declared in the dialect (`headerRows`), so that check and build read it as infer did.
    let mut header = Header { rows: None, notes: Vec::new() };
    let dialect = place.is_none().then(|| header.of_csv(&raw, (*bytes).as_ref())).flatten();
    if let Some(d) = &dialect {
        raw = read(&missing, Some(d))?;
    }
    let read = |missing: &[String]| read(missing, dialect.as_ref());
    for marker in MISSING_MARKERS {
        let found = raw.frame.columns().iter().any(|c| c.str().is_ok_and(|s| s.iter().any(|v| v.map(str::trim) == Some(*marker))));
        if found {
            missing.push(marker.to_string());
        }
    }
    let markers = missing.len() > 1;
    let mut inferred = if markers { infer_table(&read(&missing)?, path, missing)? } else { infer_table(&raw, path, missing)? };
    inferred.header_rows = header.rows;
    inferred.notes.splice(0..0, header.notes);
    if !markers {
        return Ok(inferred);
    }
    // Excel's "Comma Style" writes a zero as `-`: read as "no value", a numeric column's
    // zeros would silently become nulls, so the person is told.
    for (i, f) in inferred.fields.iter().enumerate() {
        if !matches!(f.field.field_type, FieldType::Integer | FieldType::Number) {
            continue;
        }
        let dashes = raw.frame.column(&RawTable::column_name(i)).ok().and_then(|c| c.str().ok().map(|s| s.iter().filter(|v| v.map(str::trim) == Some("-")).count())).unwrap_or(0);
        if dashes > 0 {
            let name = &f.field.name;
            inferred.notes.push(crate::lang::Text::new(
                format!("คอลัมน์ {name} มี \"-\" {dashes} ช่อง ซึ่งอ่านเป็น \"ไม่มีค่า\" (missingValues): ถ้าเป็นเลขศูนย์ที่ Excel แสดงแบบ Comma Style ให้แก้เป็น 0 ในไฟล์"),
                format!("column {name} has {dashes} cell(s) written \"-\", read as \"no value\" (missingValues): if they are zeros shown in Excel's Comma Style, write 0 in the file"),
            ));
        }
    }
    Ok(inferred)
}

/// Where a CSV's header is, as infer declares it (see [`Header::of_csv`]).
struct Header {
    /// The `headerRows` to declare, when the header is not the file's first line alone.
    rows: Option<Vec<usize>>,
    /// What the person is told of it.
    notes: Vec<crate::lang::Text>,
}

impl Header {
    /// The dialect to read the CSV `raw` (read from `bytes`) again with, when its header
    /// takes two rows; notes lines above the header (the reader skipped them) and such a
    /// header, with the `headerRows` that declares them.
    fn of_csv(&mut self, raw: &RawTable, bytes: &[u8]) -> Option<crate::load::dataset::DialectMeta> {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // A first line `sep=;` is read as what it says, and needs no declaring.
        let hinted = usize::from(crate::load::table::separator_hint(text).is_some());
        let first = raw.header_row;
        let two = two_row_header(raw);
        let rows = if two.is_some() { vec![first, first + 1] } else { vec![first] };
        let declared = format!("dialect = {{ headerRows = {} }}", crate::load::table::header_rows_list(&rows));
        if first > 1 + hinted || two.is_some() {
            self.rows = Some(rows.clone());
        }
        if first > 1 + hinted {
            let (above, above_th) = match first - 1 {
                1 => ("row 1 is".to_string(), "แถว 1".to_string()),
                n if hinted == 1 => (format!("rows 2–{n} are"), format!("แถว 2–{n}")),
                n => (format!("rows 1–{n} are"), format!("แถว 1–{n}")),
            };
            self.notes.push(crate::lang::Text::new(
                format!("{above_th} อยู่เหนือหัวตาราง (แถว {first}) เป็นชื่อรายงาน หน่วย หมายเหตุ หรือแถวว่าง ไม่ใช่ส่วนของตาราง: {declared} บอกว่าตารางเริ่มที่แถว {first}; ใส่สิ่งที่แถวเหล่านั้นบอก (ชื่อรายงาน หน่วย) ไว้ใน title หรือ description"),
                format!("{above} above the header (row {first}), a title, a unit, notes or blank lines, no part of the table: {declared} says the table starts at row {first}; put what they say (the title, a unit) in the title or description"),
            ));
        }
        let names = two?;
        let list = names.join(", ");
        let second = first + 1;
        self.notes.push(crate::lang::Text::new(
            format!("แถว {first} และ {second} เป็นหัวตารางสองชั้น (ชื่อกลุ่มที่ผสานเซลล์ไว้เหนือชื่อย่อย): อ่านรวมเป็นหัวตารางเดียว ด้วย {declared} คอลัมน์จึงชื่อ {list}"),
            format!("rows {first} and {second} are a header of two rows (group labels merged over sub-labels): read as one with {declared}, the columns are named {list}"),
        ));
        Some(crate::load::dataset::DialectMeta { header_rows: Some(rows), ..Default::default() })
    }
}

/// A diagnostic that stops `infer`, as its error (both languages).
fn usage(path: &Path, d: &crate::diagnostic::Diagnostic) -> Error {
    use crate::diagnostic::render::{position, where_in_table};
    // Named as `check` names it (`file[sheet]:row:col`), then the row in words in each language.
    let place = position(&crate::diagnostic::Diagnostic { location: crate::diagnostic::Location { file: path.to_path_buf(), ..d.location.clone() }, ..d.clone() });
    let within = |lang| Some(where_in_table(d, lang)).filter(|w| !w.is_empty()).map(|w| format!("{w}: ")).unwrap_or_default();
    Error::Usage {
        message: format!("{place}: {}{}; {} / {}{}; {}", within(Lang::En), d.message.en, d.help.en, within(Lang::Th), d.message.th, d.help.th),
    }
}

/// Infers the schema of a table already read.
pub fn infer_table(raw: &RawTable, path: &Path, missing_values: Vec<String>) -> Result<Inferred> {
    let mut fields = Vec::new();
    // The column of the file each field is.
    let mut columns = Vec::new();
    let mut notes = Vec::new();
    // Columns with neither a name nor a value (Excel's `,,,` past the table): left out.
    let mut empty = Vec::new();
    for (i, name) in raw.header.iter().enumerate() {
        if name.trim().is_empty() && crate::validate::table::is_empty_column(raw, i) {
            empty.push(crate::diagnostic::column_letter(i + 1));
            continue;
        }
        let column = raw.frame.select([RawTable::column_name(i)]).map_err(|e| data_error(path, &e))?;
        // A blank header cell: a name is proposed (`name = ""` would be refused by check).
        let mut name = crate::model::format::label_name(name);
        // A name an earlier column has (two exports pasted side by side, a workbook's
        // repeated heading): a schema's names must differ, so this one gets a number.
        let taken = |n: &str| fields.iter().any(|f: &InferredField| f.field.name == n);
        if !name.is_empty() && taken(&name) {
            let letter = crate::diagnostic::column_letter(i + 1);
            let first = raw.header.iter().position(|h| crate::model::format::label_name(h) == name).map(|p| crate::diagnostic::column_letter(p + 1)).unwrap_or_default();
            let unique = (2..).map(|k| format!("{name}_{k}")).find(|n| !taken(n) && !raw.header.iter().any(|h| crate::model::format::label_name(h) == *n)).unwrap_or_default();
            notes.push(crate::lang::Text::new(
                format!("คอลัมน์ {letter} ชื่อ \"{name}\" ซ้ำกับคอลัมน์ {first} จึงตั้งชื่อให้ว่า {unique}: แก้ชื่อในแถวหัวตารางของไฟล์ให้ตรงกันด้วย (ชื่อคอลัมน์ต้องไม่ซ้ำกัน)"),
                format!("column {letter} is named \"{name}\" as column {first} is, so it was named {unique}: write that name in the file's header row too (column names must differ)"),
            ));
            name = unique;
        }
        if name.is_empty() {
            let letter = crate::diagnostic::column_letter(i + 1);
            name = format!("column_{}", letter.to_ascii_lowercase());
            notes.push(match crate::validate::table::row_numbers(raw, i) {
                Some(from) => crate::lang::Text::new(
                    format!("คอลัมน์ {letter} ไม่มีชื่อในแถวหัวตาราง และมีแต่เลขแถว {from}, {}, {}, … ที่โปรแกรมเขียนไว้ (เช่น ดัชนีของ pandas) ไม่ใช่ข้อมูล: ส่งออกไฟล์ใหม่โดยไม่มีคอลัมน์นี้ (pandas: to_csv(index=False)) หรือลบคอลัมน์นี้ออก แล้วรัน infer ใหม่; ระหว่างนี้ตั้งชื่อให้ว่า {name}", from + 1, from + 2),
                    format!("column {letter} has no name in the header row and holds only the row numbers {from}, {}, {}, … a program wrote (such as pandas' index), not data: export the file again without it (pandas: to_csv(index=False)) or delete the column, and run infer again; meanwhile it was named {name}", from + 1, from + 2),
                ),
                None => crate::lang::Text::new(
                    format!("คอลัมน์ {letter} ไม่มีชื่อในแถวหัวตาราง จึงตั้งชื่อให้ว่า {name}: เขียนชื่อนี้ (หรือชื่อที่ดีกว่า) ลงในไฟล์ด้วย"),
                    format!("column {letter} has no name in the header row, so it was named {name}: write that name (or a better one) in the file too"),
                ),
            });
        }
        let (inferred, read_as_codes) = infer_column(raw, column, &name, path)?;
        notes.extend(mixed_eras(raw, i, &inferred.field, path));
        notes.extend(scientific_notation(raw, i, &name));
        let serial_dates = spreadsheet_day_numbers(raw, i, &name);
        let read_as_codes = read_as_codes && serial_dates.is_none();
        notes.extend(serial_dates);
        if inferred.field.field_type == FieldType::String && inferred.field.format.is_none() && !is_code_name(&name) {
            notes.extend(number_blockers(raw, i, &name, path));
            notes.extend(swapped_coordinates(raw, i, &name));
            if read_as_codes {
                notes.push(crate::lang::Text::new(
                    format!("คอลัมน์ {name} เป็นตัวเลขกว้างเท่ากันเรียงจากน้อยไปมาก จึงถือเป็นรหัส (ข้อความ): ถ้าเป็นจำนวนหรือจำนวนเงิน ให้แก้เป็น type = \"integer\""),
                    format!("column {name} holds numbers of one width in ascending order, so it was read as codes (text): if they are amounts or counts, set type = \"integer\""),
                ));
            }
        }
        fields.push(inferred);
        columns.push(i);
    }
    if !empty.is_empty() {
        let letters = empty.join(", ");
        notes.push(crate::lang::Text::new(
            format!("คอลัมน์ {letters} ไม่มีทั้งชื่อและข้อมูล จึงไม่ได้ใส่ไว้ใน schema: ลบออกจากไฟล์ได้"),
            format!("column(s) {letters} have neither a name nor any value, so the schema leaves them out: they can be deleted from the file"),
        ));
    }
    notes.extend(header_like_data(raw, &fields));
    names_beside_persons(&mut fields);
    notes.extend(stray_rows(raw, path).map_err(|e| data_error(path, &e))?);
    let repeated = crate::validate::table::repeated_header_rows(raw).map_err(|e| data_error(path, &e))?;
    if !repeated.is_empty() {
        let (th, en, several) = rows_listed(raw, path, &repeated);
        let (repeat, it) = if several { ("repeat", "them") } else { ("repeats", "it") };
        notes.push(crate::lang::Text::new(
            format!("{th} ซ้ำกับแถวหัวตาราง (ข้อมูลสองชุดวางต่อกัน?): ลบแถวนั้นออกแล้วเรียก sala infer อีกครั้ง เพราะประเภทที่เสนอนี้นับแถวนั้นด้วย คอลัมน์ตัวเลขจึงอาจถูกเสนอเป็นข้อความ"),
            format!("{en} {repeat} the header row (two exports pasted together?): delete {it} and run sala infer again, since the types proposed here count that row and a number column may be proposed as text"),
        ));
    }
    let key_like = |n: &str| {
        let n = n.to_ascii_lowercase();
        n == "id" || n.ends_with("_id") || n.ends_with("code") || n.ends_with("_no") || n == "key"
    };
    // A measured value (a speed, a rate, an amount, a count) may differ in every row by
    // chance: never a key.
    let keyable = |f: &InferredField| {
        let name = &f.field.name;
        // `ปีงบประมาณ` and `budget_year` name years, which keys often hold, not amounts.
        let measure = crate::model::format::names_a_measure(name) && !crate::model::format::names_a_year(name);
        f.field.constraints.required && f.field.field_type != FieldType::Number && !measure
    };
    let candidates: Vec<&InferredField> = fields.iter().filter(|f| f.field.constraints.unique && keyable(f)).collect();
    let single = candidates.iter().find(|f| key_like(&f.field.name)).or(candidates.first()).map(|f| f.field.name.clone());
    let primary_key = match single {
        Some(name) => vec![name],
        None => pair_key(raw, fields.iter().zip(&columns).filter(|(f, _)| keyable(f))),
    };
    // Values that happen to differ in this year's file (population counts, amounts) would fail
    // next year's: only the proposed key is declared unique (a key of two, by the key alone).
    for f in &mut fields {
        if primary_key.len() != 1 || primary_key[0] != f.field.name {
            f.field.constraints.unique = false;
        }
    }
    Ok(Inferred {
        fields,
        primary_key,
        encoding: (raw.encoding != "UTF-8").then_some(raw.encoding),
        delimiter: (raw.delimiter != b',').then_some(raw.delimiter as char),
        rows: raw.rows(),
        missing_values,
        notes,
        header_rows: None,
    })
}

/// The cells of column `i` of `raw` as text (a column Polars typed while parsing, as Polars
/// writes its values).
fn column_texts(raw: &RawTable, i: usize) -> Option<StringChunked> {
    raw.frame.column(&RawTable::column_name(i)).ok()?.cast(&DataType::String).ok()?.str().ok().cloned()
}

/// When a column has numbers written in scientific notation (`1.10170020345E+12`), says what it
/// costs: a spreadsheet saving CSV writes a number as its column shows it, so a 13-digit id or
/// an exact amount in a narrow column loses the digits not shown, in every download.
fn scientific_notation(raw: &RawTable, i: usize, name: &str) -> Option<crate::lang::Text> {
    let column = column_texts(raw, i)?;
    let scientific = |v: &str| {
        let v = v.trim().trim_start_matches(['+', '-']);
        let Some((mantissa, exponent)) = v.split_once(['e', 'E']) else { return false };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let exponent = exponent.trim_start_matches(['+', '-']);
        whole.len() == 1 && whole.bytes().all(|b| b.is_ascii_digit()) && fraction.bytes().all(|b| b.is_ascii_digit()) && !exponent.is_empty() && exponent.bytes().all(|b| b.is_ascii_digit())
    };
    let found: Vec<&str> = column.iter().flatten().filter(|v| scientific(v)).collect();
    let first = found.first()?;
    let n = found.len();
    Some(crate::lang::Text::new(
        format!("คอลัมน์ {name} มีตัวเลขแบบวิทยาศาสตร์ {n} ช่อง เช่น {first}: โปรแกรมตารางคำนวณบันทึก CSV ตามที่คอลัมน์แสดง ตัวเลขยาว (เลขประจำตัว จำนวนเงินที่ต้องตรงทุกหลัก) ในคอลัมน์แคบจึงเสียหลักที่ไม่ได้แสดงไป: ถ้าเป็นเช่นนั้น ให้ขยายคอลัมน์หรือจัดรูปแบบเป็นข้อความแล้วส่งออกใหม่ หรือใช้ไฟล์ .xlsx โดยตรง"),
        format!("column {name} has {n} number(s) in scientific notation, such as {first}: a spreadsheet saves CSV as its columns show numbers, so a long number (an id, an exact amount) in a narrow column loses the digits not shown; if so, widen the column or format it as text and export again, or give Sala the .xlsx itself"),
    ))
}

/// When a column named as dates holds whole numbers a spreadsheet keeps dates as (45383 is
/// 2024-04-01, days since 1899-12-30), says so: the file was exported without the column's date
/// format, and published so, the numbers mean nothing to a reader.
fn spreadsheet_day_numbers(raw: &RawTable, i: usize, name: &str) -> Option<crate::lang::Text> {
    if !crate::model::format::names_a_date(name) {
        return None;
    }
    let values: Vec<i64> = column_texts(raw, i)?.iter().flatten().map(str::trim).filter(|v| !v.is_empty()).map(|v| v.parse::<i64>().ok()).collect::<Option<_>>()?;
    // 20,000 to 80,000: 1954 to 2119.
    let first = *values.first()?;
    if !values.iter().all(|v| (20_000..=80_000).contains(v)) {
        return None;
    }
    let day = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)? + chrono::Duration::days(first);
    let (th_date, en_date) = (crate::model::format::date(day, Lang::Th), day.format("%Y-%m-%d").to_string());
    Some(crate::lang::Text::new(
        format!("คอลัมน์ {name} มีตัวเลขอย่าง {first} ซึ่งเป็นเลขวันที่ที่โปรแกรมตารางคำนวณเก็บไว้ ({first} คือ {th_date}): ไฟล์ถูกส่งออกโดยไม่มีรูปแบบวันที่ของคอลัมน์ ให้จัดรูปแบบคอลัมน์เป็นวันที่แล้วส่งออกใหม่ หรือใช้ไฟล์ .xlsx โดยตรง (Sala อ่านวันที่ในไฟล์นั้นได้)"),
        format!("column {name} holds numbers such as {first}, the day numbers a spreadsheet keeps dates as ({first} is {en_date}): the file was exported without the column's date format; format the column as dates and export again, or give Sala the .xlsx itself, whose dates it reads"),
    ))
}

/// The names of a CSV's columns when its header takes two rows, as a sheet with merged group
/// cells exports it: group labels in the first row (blank where a group spans on), sub-labels
/// in the second, numbers under every sub-label from the third on. Each name joins the group
/// and the sub-label (see `load::table::joined_labels`), as the workbook reader joins merged
/// groups (`budget 2567 plan`). A workbook's own reader has already joined them.
fn two_row_header(raw: &RawTable) -> Option<Vec<String>> {
    let width = raw.header.len();
    if width < 3 || raw.rows() < 2 || raw.places.0.iter().any(|p| p.sheet.is_some()) {
        return None;
    }
    // The first rows only: enough to tell, at any size.
    let rows = raw.rows().min(200);
    let columns: Vec<Vec<String>> = (0..width)
        .map(|c| Some(column_texts(raw, c)?.iter().take(rows).map(|v| v.unwrap_or_default().trim().to_string()).collect()))
        .collect::<Option<_>>()?;
    let sub: Vec<String> = columns.iter().map(|c| c[0].clone()).collect();
    let number = |v: &str| !v.is_empty() && v.replace([',', ' '], "").parse::<f64>().is_ok();
    if sub.iter().any(|v| number(v)) || sub.iter().filter(|v| !v.is_empty()).count() < 2 {
        return None;
    }
    // A blank group cell over a sub-label, after a group label: a merged group's continuation.
    let continued = crate::load::table::group_spans_on(&raw.header, &sub);
    let numbers_below = |c: &usize| {
        let below: Vec<&String> = columns[*c][1..].iter().filter(|v| !v.is_empty()).collect();
        !below.is_empty() && below.iter().filter(|v| number(v)).count() * 5 >= below.len() * 4
    };
    if !continued || !(0..width).filter(|&c| !sub[c].is_empty()).all(|c| numbers_below(&c)) {
        return None;
    }
    // Named as the reader names them once `headerRows` declares the two rows.
    Some(crate::load::table::joined_labels(&[raw.header.clone(), sub], " "))
}

/// Two columns whose pairs of values are all present and different, where no column alone
/// is: a table by province and quarter, by agency and fiscal year. Taken from the first six
/// of `keyable` (the fields that could be keys, with their columns in the file), in order.
fn pair_key<'a>(raw: &RawTable, keyable: impl Iterator<Item = (&'a InferredField, &'a usize)>) -> Vec<String> {
    let keyable: Vec<(usize, &InferredField)> = keyable.map(|(f, &c)| (c, f)).take(6).collect();
    if raw.rows() < 2 {
        return Vec::new();
    }
    let texts = |c: usize| -> Option<Vec<Option<String>>> { Some(column_texts(raw, c)?.iter().map(|v| v.map(|v| v.trim().to_string())).collect()) };
    let values: Vec<Option<Vec<Option<String>>>> = keyable.iter().map(|(c, _)| texts(*c)).collect();
    for a in 0..keyable.len() {
        for b in a + 1..keyable.len() {
            let (Some(left), Some(right)) = (&values[a], &values[b]) else { continue };
            let mut seen = std::collections::HashSet::with_capacity(left.len());
            if left.iter().zip(right).all(|pair| seen.insert(pair)) {
                return vec![keyable[a].1.field.name.clone(), keyable[b].1.field.name.clone()];
            }
        }
    }
    Vec::new()
}

/// Rows that are no data, which a table copied from a report or a spreadsheet often has: blank
/// rows, and below the data a note or a source line (`ที่มา: …`) in one cell. Named, with what
/// to do: the types proposed count them (a blank row makes no column required).
fn stray_rows(raw: &RawTable, path: &Path) -> PolarsResult<Vec<crate::lang::Text>> {
    let width = raw.frame.width();
    if width < 2 || raw.frame.height() == 0 {
        return Ok(Vec::new());
    }
    let filled = |i: usize| {
        let c = col(RawTable::column_name(i));
        let present = if raw.frame.columns()[i].dtype() == &DataType::String { c.clone().is_not_null().and(c.neq(lit(""))) } else { c.is_not_null() };
        present.cast(DataType::UInt32)
    };
    let sum = (0..width).map(filled).reduce(|a, b| a + b).unwrap_or(lit(0u32));
    let counts = raw.frame.clone().lazy().select([sum.alias("filled")]).collect()?;
    let counts: Vec<u32> = counts.column("filled")?.cast(&DataType::UInt32)?.u32()?.iter().map(|n| n.unwrap_or(0)).collect();
    // Rows as a diagnostic numbers them (the header is row 1).
    let blank: Vec<usize> = counts.iter().enumerate().filter(|(_, n)| **n == 0).map(|(i, _)| i + 2).collect();
    // Below the last row with two cells or more filled: rows of one cell are notes.
    let last_data = counts.iter().rposition(|n| *n >= 2).unwrap_or(0);
    let notes: Vec<usize> = counts.iter().enumerate().skip(last_data + 1).filter(|(_, n)| **n == 1).map(|(i, _)| i + 2).collect();
    let mut out = Vec::new();
    if !blank.is_empty() {
        let (th, en, several) = rows_listed(raw, path, &blank);
        let (is, it) = if several { ("are", "them") } else { ("is", "it") };
        out.push(crate::lang::Text::new(
            format!("{th} ว่างทั้งแถว: ลบออกแล้วเรียก sala infer อีกครั้ง (sala check ถือว่าแถวว่างเป็นข้อผิดพลาด และแถวว่างทำให้ไม่มีคอลัมน์ใดถูกเสนอเป็น required)"),
            format!("{en} {is} blank: delete {it} and run sala infer again (sala check reports a blank row as an error, and a blank row makes no column required here)"),
        ));
    }
    if !notes.is_empty() {
        let (th, en, several) = rows_listed(raw, path, &notes);
        let (has, it) = if several { ("have", "them") } else { ("has", "it") };
        out.push(crate::lang::Text::new(
            format!("{th} ใต้ข้อมูลมีข้อความเพียงช่องเดียว (หมายเหตุหรือแหล่งที่มา?): ย้ายไปไว้ในคำอธิบายชุดข้อมูล (description) แล้วลบแถวนั้นออก"),
            format!("{en} below the data {has} text in one cell only (a note or a source line?): move it into the dataset's description and delete {it}"),
        ));
    }
    Ok(out)
}

/// Table rows (the header being row 1) as a note lists them, in the file's own numbering as
/// `check` names them (a sheet's rows below its title, with the sheet): `แถว 4, 6` in Thai,
/// `rows 4, 6` or `row 4` in English, and whether there are several (for the English verb).
fn rows_listed(raw: &RawTable, path: &Path, rows: &[usize]) -> (String, String, bool) {
    let (sheet, rows) = file_rows(raw, path, rows);
    let joined = rows.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
    let several = rows.len() > 1;
    let (th_sheet, en_sheet) = sheet.map(|s| (format!(" ในแผ่นงาน \"{s}\""), format!(" of sheet \"{s}\""))).unwrap_or_default();
    let th = format!("แถว {joined}{th_sheet}");
    let en = format!("{} {joined}{en_sheet}", if several { "rows" } else { "row" });
    (th, en, several)
}

/// Table rows (the header being row 1) as the file numbers them, with the sheet they are in
/// for a workbook: a sheet's table may start below a title and a header of two rows.
fn file_rows(raw: &RawTable, path: &Path, rows: &[usize]) -> (Option<String>, Vec<usize>) {
    let file = raw.places.0.first().map_or_else(|| path.to_path_buf(), |p| p.file.clone());
    let mut sheet = None;
    let rows = rows
        .iter()
        .map(|&row| {
            let mut at = crate::diagnostic::Location { row: Some(row), ..crate::diagnostic::Location::file(&file) };
            raw.places.relocate(&mut at);
            sheet = at.sheet;
            at.row.unwrap_or(row)
        })
        .collect();
    (sheet, rows)
}

fn data_error(path: &Path, e: &PolarsError) -> Error {
    Error::Data { path: path.to_path_buf(), message: e.to_string() }
}

/// A field of `field_type` named `name`, titled with the column name in both languages.
fn field(name: &str, field_type: FieldType) -> Field {
    Field {
        name: name.to_string(),
        field_type,
        format: None,
        title: crate::lang::Text::new(name, name),
        description: Default::default(),
        example: None,
        constraints: Constraints::default(),
        true_values: None,
        false_values: None,
        decimal_char: None,
        group_char: None,
        bare_number: None,
        calendar: None,
        rdf_type: None,
        extra: Default::default(),
    }
}


/// The first run of four digits read as a year, if any.
fn first_year(s: &str) -> Option<i64> {
    // Runs of ASCII digits; the first one exactly four long is the year.
    s.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 4).and_then(|run| run.parse().ok())
}

/// Years that stand for "no date" rather than a date, and so say nothing of a column's era:
/// 9999 (an open end, "until further notice"), 1899 and 1900 (a spreadsheet's day zero) and
/// years before 1000 (0001, a system's empty date).
fn is_sentinel_year(year: i64) -> bool {
    year == 9999 || year == 1899 || year == 1900 || year < 1000
}

/// The era of a column's years: Buddhist when most of its years that are no sentinels are
/// plausible Buddhist-era years. Not "any year past 2300": one open-ended 9999-12-31 made a
/// column of CE dates Buddhist-era, and every date was published 543 years early.
fn era_of(years: impl IntoIterator<Item = i64>) -> Option<Calendar> {
    let (buddhist, other) = era_counts(years);
    (buddhist > other).then_some(Calendar::Buddhist)
}

/// How many of `years` (sentinels left out) are plausible Buddhist-era years, and how many not.
fn era_counts(years: impl IntoIterator<Item = i64>) -> (usize, usize) {
    let years: Vec<i64> = years.into_iter().filter(|y| !is_sentinel_year(*y)).collect();
    let buddhist = years.iter().filter(|y| is_buddhist_year(**y)).count();
    (buddhist, years.len() - buddhist)
}

/// The era of a column's two-digit years, written in `format`: Buddhist when its months are
/// named in Thai (`1 ต.ค. 67`), or when most of its years, read in the Christian era as
/// chrono's `%y` reads them (00–68 are 2000–2068), would be after this year: `01/10/67` is a
/// date of B.E. 2567 (2024), not of 2067. `01/10/24` stays 2024.
fn short_year_era(values: &[String], format: &str) -> Option<Calendar> {
    let run = crate::model::format::short_year_run(format)?;
    if values.iter().any(|v| v.chars().any(|c| ('\u{0E01}'..='\u{0E2E}').contains(&c))) {
        return Some(Calendar::Buddhist);
    }
    let this_year = i64::from(crate::clock::today(None).map_or(2026, |d| chrono::Datelike::year(&d)));
    let years: Vec<i64> = values
        .iter()
        .filter_map(|v| crate::model::format::digit_runs(v).nth(run).filter(|r| r.len() == 2).and_then(|r| v[r].parse::<i64>().ok()))
        .collect();
    let later = years.iter().filter(|&&yy| if yy <= 68 { 2000 + yy } else { 1900 + yy } > this_year).count();
    (later * 2 > years.len()).then_some(Calendar::Buddhist)
}

/// When the years of date or year column `i` are of both eras, names the cells (row as the
/// file shows it, value) whose era is not the one proposed: whichever era is declared, those
/// are published wrong by 543 years until the file is corrected.
fn mixed_eras(raw: &RawTable, i: usize, field: &Field, path: &Path) -> Option<crate::lang::Text> {
    if !matches!(field.field_type, FieldType::Date | FieldType::Datetime | FieldType::Year) {
        return None;
    }
    let column = raw.frame.column(&RawTable::column_name(i)).ok()?.str().ok()?.clone();
    let years: Vec<(usize, &str, i64)> = column
        .iter()
        .enumerate()
        .filter_map(|(row, v)| v.and_then(|v| first_year(&crate::lang::ascii_digits(v)).map(|y| (row, v.trim(), y))))
        .filter(|(_, _, y)| !is_sentinel_year(*y))
        .collect();
    let (buddhist, other) = era_counts(years.iter().map(|(_, _, y)| *y));
    if buddhist == 0 || other == 0 {
        return None;
    }
    let proposed_buddhist = field.calendar == Some(Calendar::Buddhist);
    let odd: Vec<&(usize, &str, i64)> = years.iter().filter(|(_, _, y)| is_buddhist_year(*y) != proposed_buddhist).collect();
    let shown: Vec<usize> = odd.iter().take(5).map(|(row, _, _)| row + 2).collect();
    let (_, rows) = file_rows(raw, path, &shown);
    let cells: Vec<String> = rows.iter().zip(&odd).map(|(row, (_, v, _))| format!("{row} \"{v}\"")).collect();
    let more = if odd.len() > 5 { format!(" (+{})", odd.len() - 5) } else { String::new() };
    let (name, n, cells) = (&field.name, odd.len(), cells.join(", "));
    let ((era_th, era_en), (odd_th, odd_en)) = if proposed_buddhist {
        (("พุทธศักราช (calendar = \"buddhist\")", "Buddhist era (calendar = \"buddhist\")"), ("คริสต์ศักราช", "Christian-era"))
    } else {
        (("คริสต์ศักราช", "Christian era"), ("พุทธศักราช", "Buddhist-era"))
    };
    // Even counts leave the Christian era, Table Schema's own.
    let (why_th, why_en) = if buddhist == other { ("ตามปีครึ่งหนึ่งของคอลัมน์", "as half of its years are") } else { ("ตามปีส่วนใหญ่", "as most of its years are") };
    Some(crate::lang::Text::new(
        format!("คอลัมน์ {name} มีปีทั้งสองศักราช: เสนอเป็น{era_th} {why_th} แต่ {n} ช่องนี้ (แถว ค่า) ดูเป็น{odd_th}: {cells}{more}; แก้ให้ทุกปีในคอลัมน์เป็นศักราชเดียวกันแล้วรัน infer ใหม่"),
        format!("column {name} has years of both eras: it was proposed in the {era_en}, {why_en}, but {n} cell(s) (row, value) look {odd_en}: {cells}{more}; write every year of the column in one era and run infer again"),
    ))
}

/// Whether the validator accepts every value of the one-column table `raw` as `field`
/// (no type error, no broken constraint, a usable schema).
fn accepts(raw: &RawTable, field: &Field, path: &Path) -> bool {
    let schema = Schema {
        fields: vec![field.clone()],
        primary_key: None,
        missing_values: vec![String::new()],
        foreign_keys: Vec::new(),
        profile: None,
        extra: Default::default(),
    };
    let checked = check_table(&schema, raw, path, path, &Default::default());
    // A spreadsheet's error value fits no type: a column holding one stays text.
    let refused = [Code::TypeError, Code::SpreadsheetError, Code::SchemaError, Code::UniqueError, Code::ConstraintError];
    checked.frame.is_some()
        && !checked.report.diagnostics.iter().any(|d| d.severity == Severity::Error && refused.contains(&d.code))
}

/// Infers one column of `table` (`column`, named `name`), with whether its numbers were read as
/// codes for their width and order alone (see [`fixed_width_key`]), which infer then says.
fn infer_column(table: &RawTable, mut column: DataFrame, name: &str, path: &Path) -> Result<(InferredField, bool)> {
    column.set_column_names(&[RawTable::column_name(0)]).map_err(|e| data_error(path, &e))?;
    let raw = RawTable {
        header: vec![name.to_string()],
        frame: column,
        // One column of the file: its rows are shown from the column, not the file's text.
        text: None,
        short_rows: Vec::new(),
        long_rows: Vec::new(),
        padded_rows: Vec::new(),
        ..table.clone()
    };
    let col = raw.frame.column(&RawTable::column_name(0)).map_err(|e| data_error(path, &e))?;
    let values: Vec<String> = col
        .str()
        .map_err(|e| data_error(path, &e))?
        .iter()
        .flatten()
        .map(crate::lang::ascii_digits)
        .filter(|v| !v.is_empty())
        .collect();
    let height = raw.frame.height();
    let nulls = height - values.len();
    let mut distinct: Vec<&str> = values.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();

    let mut chosen = if values.is_empty() { field(name, FieldType::String) } else { choose_type(&raw, name, &values, path) };
    chosen.constraints.required = height > 0 && nulls == 0;
    // Distinct texts can still be equal values once typed (TRUE and true, 1,200 and 1200).
    let unique = Field { constraints: Constraints { unique: true, ..chosen.constraints.clone() }, ..chosen.clone() };
    chosen.constraints.unique = height > 1 && nulls == 0 && distinct.len() == values.len() && accepts(&raw, &unique, path);
    let personal = personal_data(name, &values);
    let read_as_codes = chosen.field_type == FieldType::String && fixed_width_key(name, &values);
    Ok((InferredField { field: chosen, personal }, read_as_codes))
}

/// Whether a column's name says it holds codes (postal, sub-district, case numbers).
fn is_code_name(name: &str) -> bool {
    crate::model::format::names_a_code(name)
}

/// When a few cells keep column `i` from being numbers (a `…` placeholder, `000`), names them
/// (row as the file shows it, value) and the type the column would have without them, so that
/// the person fixes the data rather than publishing numbers as text.
fn number_blockers(raw: &RawTable, i: usize, name: &str, path: &Path) -> Option<crate::lang::Text> {
    let column = raw.frame.column(&RawTable::column_name(i)).ok()?.str().ok()?.clone();
    let plain = regex::Regex::new(r"^-?(0|[1-9][0-9]{0,2}(,[0-9]{3})+|[1-9][0-9]*)(\.[0-9]+)?$").ok()?;
    let (mut good, mut integer, mut blockers) = (0usize, true, Vec::new());
    for (row, value) in column.iter().enumerate() {
        let Some(v) = value.map(crate::lang::ascii_digits).filter(|v| !v.is_empty()) else { continue };
        if plain.is_match(&v) {
            good += 1;
            integer &= !v.contains('.');
        } else {
            blockers.push((row, value.unwrap_or_default().to_string()));
        }
    }
    let total = good + blockers.len();
    if blockers.is_empty() || blockers.len() >= good || blockers.len() > (total / 20).max(3) {
        return None;
    }
    let shown: Vec<usize> = blockers.iter().take(5).map(|(row, _)| row + 2).collect();
    let (_, rows) = file_rows(raw, path, &shown);
    let cells: Vec<String> = rows.iter().zip(&blockers).map(|(row, (_, v))| format!("{row} \"{v}\"")).collect();
    let more = if blockers.len() > 5 { format!(" (+{})", blockers.len() - 5) } else { String::new() };
    let would = if integer { "integer" } else { "number" };
    Some(crate::lang::Text::new(
        format!("คอลัมน์ {name} เป็นข้อความเพราะ {} ช่องนี้ (แถว ค่า): {}{more}; ถ้าไม่มีช่องเหล่านี้จะเป็น {would}: แก้ข้อมูลแล้วรัน infer ใหม่", blockers.len(), cells.join(", ")),
        format!("column {name} is text because of {} cell(s) (row, value): {}{more}; without them it would be {would}: correct the data and run infer again", blockers.len(), cells.join(", ")),
    ))
}

/// The most specific type every value of the column has, tried in order with the validator.
fn choose_type(raw: &RawTable, name: &str, values: &[String], path: &Path) -> Field {
    let all = |p: &dyn Fn(&str) -> bool| values.iter().all(|v| p(v));
    // Codes such as 001 or 0812345678 are text: as numbers they would lose their leading zeros.
    let leading_zero = values.iter().any(|v| v.len() > 1 && v.starts_with('0') && v.as_bytes()[1].is_ascii_digit());
    // Postal codes, sub-district codes, case numbers: digits with no arithmetic meaning, named
    // as codes, stay text (as numbers they would be summed and shown as 10,100).
    let code_name = is_code_name(name);
    let unsigned = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = leading_zero || (code_name && values.iter().all(|v| unsigned(v))) || fixed_width_key(name, values);
    let digits = |v: &str| { let v = v.strip_prefix('-').unwrap_or(v); !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) };
    let year_hint = crate::model::format::names_a_year(name);
    let mut candidates: Vec<Field> = Vec::new();
    if all(&|v| ["true", "false", "True", "False", "TRUE", "FALSE"].contains(&v)) {
        candidates.push(field(name, FieldType::Boolean));
    }
    if !leading_zero {
        if year_hint && all(&|v| v.len() == 4 && digits(v)) {
            let calendar = era_of(values.iter().filter_map(|v| v.parse::<i64>().ok()));
            candidates.push(Field { calendar, ..field(name, FieldType::Year) });
        }
        candidates.push(field(name, FieldType::Integer));
        candidates.push(Field { group_char: Some(",".into()), ..field(name, FieldType::Integer) });
        candidates.push(field(name, FieldType::Number));
        candidates.push(Field { group_char: Some(",".into()), ..field(name, FieldType::Number) });
        // Thousands set apart by spaces (`1 500 000`), as tables copied out of PDF budgets are.
        if values.iter().any(|v| v.trim().contains(' ')) {
            candidates.push(Field { group_char: Some(" ".into()), ..field(name, FieldType::Integer) });
            candidates.push(Field { group_char: Some(" ".into()), ..field(name, FieldType::Number) });
        }
        // Decimal commas (`1,5`, `1.234,5`), as files from places that write them have, mostly
        // with `;` between cells; after the grouped numbers, so that `1,500` stays 1500.
        if values.iter().any(|v| v.contains(',')) {
            candidates.push(Field { decimal_char: Some(",".into()), ..field(name, FieldType::Number) });
            candidates.push(Field { decimal_char: Some(",".into()), group_char: Some(".".into()), ..field(name, FieldType::Number) });
        }
        // Percentages as a spreadsheet exports them (`12.5%`): numbers once the sign is taken
        // off (`bareNumber = false`), published as 12.5; a column of some other unit stays text.
        if all(&|v| v.trim_end().ends_with('%')) {
            candidates.push(Field { bare_number: Some(false), ..field(name, FieldType::Number) });
            candidates.push(Field { bare_number: Some(false), group_char: Some(",".into()), ..field(name, FieldType::Number) });
        }
        // Amounts written with the currency (`฿1,500`, `1,500 บาท`, `THB 1,500`), as budget
        // tables copied from documents are: numbers once it is taken off, the unit said in the
        // title. Another unit (`5 kg`) stays text: nothing says what the number would lose.
        if all(&|v| v.contains('฿') || v.trim_end().ends_with("บาท") || v.contains("THB")) {
            for field_type in [FieldType::Integer, FieldType::Number] {
                candidates.push(Field { bare_number: Some(false), ..field(name, field_type) });
                candidates.push(Field { bare_number: Some(false), group_char: Some(",".into()), ..field(name, field_type) });
            }
        }
    }
    // Dates: the era is read from the years written.
    let calendar = era_of(values.iter().filter_map(|v| first_year(v)));
    // Thai documents' `1 ต.ค. 2567` and `1 ตุลาคม 2567` are read by `%d %b %Y` (see
    // `validate::table`), as is `1 Oct 2024`.
    for format in [None, Some("%d/%m/%Y"), Some("%d-%m-%Y"), Some("%d.%m.%Y"), Some("%Y/%m/%d"), Some("%d %b %Y")] {
        candidates.push(Field { format: format.map(str::to_string), calendar, ..field(name, FieldType::Date) });
    }
    candidates.push(Field { calendar, ..field(name, FieldType::Datetime) });
    // Exports of sheets and databases write a time without seconds (`2024-10-01 08:30`,
    // `01/10/2567 08:30`), which the default datetime does not read.
    for format in ["%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"] {
        candidates.push(Field { format: Some(format.to_string()), calendar, ..field(name, FieldType::Datetime) });
    }
    // Two-digit years (`01/10/67`, `1 ต.ค. 67`), as Thai forms and spreadsheets write them.
    if !values.iter().any(|v| first_year(v).is_some()) {
        for format in ["%d/%m/%y", "%d-%m-%y", "%d.%m.%y", "%d %b %y"] {
            candidates.push(Field { format: Some(format.into()), calendar: short_year_era(values, format), ..field(name, FieldType::Date) });
        }
        for format in ["%d/%m/%y %H:%M", "%d/%m/%y %H:%M:%S"] {
            candidates.push(Field { format: Some(format.into()), calendar: short_year_era(values, format), ..field(name, FieldType::Datetime) });
        }
    }
    // `lon,lat` pairs, Table Schema's default geopoint (`100.5018,13.7563`): after the
    // numbers, so that a grouped number such as 1,050 stays a number.
    if all(&|v| coordinates(v).is_some_and(|(lon, lat)| lon.abs() <= 180.0 && lat.abs() <= 90.0)) && values.iter().any(|v| v.contains('.')) {
        candidates.push(field(name, FieldType::Geopoint));
    }
    if all(&|v| v.len() >= 5 && v.as_bytes()[2] == b':') {
        candidates.push(field(name, FieldType::Time));
    }
    if all(&|v| v.contains('@')) {
        candidates.push(Field { format: Some("email".into()), ..field(name, FieldType::String) });
    }
    if all(&|v| v.starts_with("https://") || v.starts_with("http://")) {
        candidates.push(Field { format: Some("uri".into()), ..field(name, FieldType::String) });
    }
    // Only types whose shape the values have are tried, so a text column costs no parsing.
    let numeric = |v: &str| v.bytes().any(|b| b.is_ascii_digit()) && !v.bytes().any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E');
    let plausible = |f: &Field| match f.field_type {
        // Signs and units are taken off (`THB 1,500`): a digit is all a value needs then.
        FieldType::Integer | FieldType::Number if f.bare_number == Some(false) => values.iter().all(|v| v.bytes().any(|b| b.is_ascii_digit())),
        FieldType::Integer | FieldType::Number | FieldType::Year => values.iter().all(|v| numeric(v)),
        FieldType::Date | FieldType::Datetime if f.format.as_deref().is_some_and(|f| f.contains("%y")) => values.iter().all(|v| v.bytes().any(|b| b.is_ascii_digit())),
        FieldType::Date | FieldType::Datetime => values.iter().all(|v| first_year(v).is_some()),
        _ => true,
    };
    candidates
        .into_iter()
        .filter(plausible)
        .find(|f| accepts(raw, f, path))
        .unwrap_or_else(|| field(name, FieldType::String))
}

/// When the header row reads as a row of data (a file exported without its header: the first
/// province's row became the column names), says so: a name that is a number, and no year,
/// above a column of numbers is no column's name.
fn header_like_data(raw: &RawTable, fields: &[InferredField]) -> Option<crate::lang::Text> {
    let number = |s: &str| {
        let s = s.trim().replace(',', "");
        !s.is_empty() && s.parse::<f64>().is_ok()
    };
    let year = |s: &str| s.trim().len() == 4 && s.trim().parse::<i64>().is_ok_and(|y| (1900..=2100).contains(&y) || crate::model::coverage::is_buddhist_year(y));
    let numeric = |f: &InferredField| matches!(f.field.field_type, FieldType::Integer | FieldType::Number | FieldType::Year);
    let suspicious = raw.header.iter().zip(fields).any(|(label, f)| number(label) && !year(label) && numeric(f));
    suspicious.then(|| {
        let row = raw.header.iter().map(|l| l.trim()).collect::<Vec<_>>().join(", ");
        crate::lang::Text::new(
            format!("แถวแรก ({row}) ดูเป็นแถวข้อมูล ไม่ใช่ชื่อคอลัมน์ (ตัวเลขใช้เป็นชื่อคอลัมน์ไม่ได้): ถ้าไฟล์ไม่มีแถวหัวตาราง ให้เพิ่มแถวชื่อคอลัมน์ไว้บนสุดแล้วเรียก sala infer อีกครั้ง มิฉะนั้นแถวนั้นจะหายไปจากข้อมูลที่เผยแพร่"),
            format!("the first row ({row}) reads as a row of data, not column names (a number names no column): if the file has no header row, add one with the column names at the top and run sala infer again, or that row is missing from the data published"),
        )
    })
}

/// Whether a column is a list keyed by code (sub-district 100101, 100102…): different numbers,
/// all as wide (five digits or more) and in ascending order, under a name that does not say
/// they are amounts (a budget table sorted by amount has them too).
fn fixed_width_key(name: &str, values: &[String]) -> bool {
    let width = values.first().map_or(0, String::len);
    values.len() >= 3
        && width >= 5
        && !crate::model::format::names_a_measure(name)
        && values.iter().all(|v| v.len() == width && v.bytes().all(|b| b.is_ascii_digit()))
        && values.windows(2).all(|w| w[0] < w[1])
}

/// A `x,y` pair of decimal numbers, as written in a geopoint cell.
fn coordinates(v: &str) -> Option<(f64, f64)> {
    let (x, y) = v.split_once(',')?;
    let number = |t: &str| t.trim().parse::<f64>().ok().filter(|f| f.is_finite());
    Some((number(x)?, number(y)?))
}

/// When a text column holds `lat,lon` pairs (Thai agencies often write 13.7563,100.5018), says
/// that Table Schema's geopoint is `lon,lat`, so the person swaps them or declares the format.
fn swapped_coordinates(raw: &RawTable, i: usize, name: &str) -> Option<crate::lang::Text> {
    let column = raw.frame.column(&RawTable::column_name(i)).ok()?.str().ok()?.clone();
    let values: Vec<&str> = column.iter().flatten().map(str::trim).filter(|v| !v.is_empty()).collect();
    let swapped = !values.is_empty()
        && values.iter().all(|v| coordinates(v).is_some_and(|(lat, lon)| lat.abs() <= 90.0 && lon.abs() <= 180.0) && v.contains('.'))
        && values.iter().any(|v| coordinates(v).is_some_and(|(_, lon)| lon.abs() > 90.0));
    swapped.then(|| crate::lang::Text::new(
        format!("คอลัมน์ {name} เป็นคู่พิกัด ละติจูด,ลองจิจูด แต่ geopoint ของ Table Schema เขียน ลองจิจูด,ละติจูด จึงเก็บเป็นข้อความ: สลับค่าในไฟล์ แล้วรัน infer ใหม่เพื่อให้เป็น geopoint"),
        format!("column {name} holds lat,lon pairs, but Table Schema's geopoint is lon,lat, so it was kept as text: swap them in the file and run infer again to type it geopoint"),
    ))
}

/// Why a column may hold personal data: its name (in English or Thai), or values shaped like
/// Thai national ids, phone numbers, persons' titles or names written after a title.
fn personal_data(name: &str, values: &[String]) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    const NAMES: &[(&str, &str)] = &[
        ("citizen", "a citizen id / เลขประจำตัวประชาชน"),
        ("national_id", "a national id / เลขประจำตัวประชาชน"),
        ("id_card", "an id card number / เลขบัตรประชาชน"),
        ("passport", "a passport number / เลขหนังสือเดินทาง"),
        ("first_name", PERSON_NAME),
        ("firstname", PERSON_NAME),
        ("last_name", PERSON_NAME),
        ("lastname", PERSON_NAME),
        ("surname", PERSON_NAME),
        ("full_name", PERSON_NAME),
        ("fullname", PERSON_NAME),
        ("phone", "a phone number / หมายเลขโทรศัพท์"),
        ("mobile", "a phone number / หมายเลขโทรศัพท์"),
        ("birth", "a date of birth / วันเกิด"),
        ("dob", "a date of birth / วันเกิด"),
        ("address", "an address / ที่อยู่"),
        ("email", "an e-mail address / อีเมล"),
    ];
    if let Some((_, why)) = NAMES.iter().find(|(n, _)| lower.contains(n)) {
        return Some(why);
    }
    if let Some(why) = thai_personal_name(name) {
        return Some(why);
    }
    let many = |p: &dyn Fn(&str) -> bool| !values.is_empty() && values.iter().filter(|v| p(v)).count() * 2 > values.len();
    if many(&|v| is_thai_national_id(v)) {
        return Some("Thai national id numbers / เลขประจำตัวประชาชน");
    }
    if many(&|v| {
        let d: String = v.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        d.len() == 10 && d.starts_with('0') && matches!(d.as_bytes()[1], b'6' | b'8' | b'9') && d.bytes().all(|b| b.is_ascii_digit())
    }) {
        return Some("mobile phone numbers / หมายเลขโทรศัพท์มือถือ");
    }
    if many(&|v| PERSON_TITLES.contains(&v.trim())) {
        return Some(TITLE_VALUES);
    }
    if many(&|v| is_titled_name(v)) {
        return Some(TITLED_NAMES);
    }
    None
}

/// Why a column is flagged as a person's name (the English and Thai names lists).
const PERSON_NAME: &str = "a person's name / ชื่อบุคคล";
/// Why a column named as a person's title (คำนำหน้า) is flagged.
const PERSON_TITLE: &str = "a person's title / คำนำหน้าชื่อ";
/// Why a column whose values are persons' titles is flagged.
const TITLE_VALUES: &str = "persons' titles (นาย, นางสาว…) / คำนำหน้าชื่อบุคคล";
/// Why a column whose values are names written after a title is flagged.
const TITLED_NAMES: &str = "persons' names after a title (นาย, นางสาว…) / ชื่อบุคคลที่มีคำนำหน้าชื่อ";
/// Why a bare "ชื่อ" or "name" is flagged: a surname or a title column stands beside it.
const NAME_BESIDE_PERSON: &str = "a person's name, beside a surname or a title / ชื่อบุคคล (คู่กับนามสกุลหรือคำนำหน้าชื่อ)";

/// The titles written before a Thai person's name (and their English forms).
const PERSON_TITLES: &[&str] =
    &["นาย", "นาง", "นางสาว", "น.ส.", "ด.ช.", "ด.ญ.", "เด็กชาย", "เด็กหญิง", "Mr.", "Mrs.", "Ms.", "Miss", "Mr", "Mrs", "Ms"];

/// Thai words in a column's name that say it holds personal data, with why. They are looked
/// for as the English ones are (anywhere in the name), in the name without spaces, `-`, `_`,
/// `.` and `/` (so `ชื่อ - สกุล` is `ชื่อสกุล`), and not when an agency, a place or a thing
/// follows ([`NOT_A_PERSON`]: `ที่อยู่หน่วยงาน` is an agency's address).
const THAI_NAMES: &[(&str, &str)] = &[
    ("นามสกุล", PERSON_NAME),
    ("ชื่อสกุล", PERSON_NAME),
    ("คำนำหน้า", PERSON_TITLE),
    ("เลขประจำตัวประชาชน", "a citizen id / เลขประจำตัวประชาชน"),
    ("บัตรประชาชน", "an id card number / เลขบัตรประชาชน"),
    ("หนังสือเดินทาง", "a passport number / เลขหนังสือเดินทาง"),
    // วันเดือนปีเกิด and ปีเกิด; not เกิด alone (อัตราการเกิด is a birth rate).
    ("วันเกิด", "a date of birth / วันเกิด"),
    ("ปีเกิด", "a date of birth / วันเกิด"),
    ("ที่อยู่", "an address / ที่อยู่"),
    // เบอร์โทรศัพท์ too; not โทรศัพท์ alone (ค่าโทรศัพท์ is a phone bill).
    ("เบอร์โทร", "a phone number / หมายเลขโทรศัพท์"),
    ("เบอร์มือถือ", "a phone number / หมายเลขโทรศัพท์"),
    ("หมายเลขโทรศัพท์", "a phone number / หมายเลขโทรศัพท์"),
    ("อีเมล", "an e-mail address / อีเมล"),
];

/// Thai names that are personal data only as the whole name: `ชื่อตัว` is a given name, but
/// `ชื่อตัวชี้วัด` an indicator's name.
const THAI_WHOLE_NAMES: &[(&str, &str)] = &[
    ("ชื่อจริง", PERSON_NAME),
    ("ชื่อตัว", PERSON_NAME),
    ("ชื่อเล่น", PERSON_NAME),
    ("ชื่อบุคคล", PERSON_NAME),
    ("โทร", "a phone number / หมายเลขโทรศัพท์"),
    ("โทรศัพท์", "a phone number / หมายเลขโทรศัพท์"),
    ("มือถือ", "a phone number / หมายเลขโทรศัพท์"),
    ("โทรศัพท์มือถือ", "a phone number / หมายเลขโทรศัพท์"),
];

/// What, written after a personal word, makes the column about an agency, a place or a thing:
/// `ที่อยู่หน่วยงาน`, `อีเมลสำนักงาน`, `ที่อยู่อาศัย` (dwellings), `ชื่อสกุลเงิน` (a currency).
const NOT_A_PERSON: &[&str] = &[
    "หน่วยงาน", "สำนักงาน", "ส่วนราชการ", "องค์กร", "องค์การ", "บริษัท", "ร้าน", "โรงเรียน", "โรงพยาบาล", "สถาน", "โครงการ",
    "จังหวัด", "อำเภอ", "ตำบล", "หมู่บ้าน", "ชุมชน", "กรม", "กระทรวง", "ศูนย์", "เว็บ", "อาศัย", "เงิน",
];

/// Why a Thai column name says the column holds personal data, if it does.
fn thai_personal_name(name: &str) -> Option<&'static str> {
    let plain: String = name.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '–' | '_' | '.' | '/')).collect();
    if let Some((_, why)) = THAI_WHOLE_NAMES.iter().find(|(n, _)| plain == *n) {
        return Some(why);
    }
    THAI_NAMES
        .iter()
        .find(|(word, _)| plain.match_indices(word).any(|(at, _)| !NOT_A_PERSON.iter().any(|n| plain[at + word.len()..].starts_with(n))))
        .map(|(_, why)| *why)
}

/// Whether a value is a person's name written after a Thai title, glued to it or not
/// (`นายสมชาย ใจดี`, `ด.ญ. ก้อย มีสุข`): the title, then a name and a surname. Not a post that
/// starts like one (`นายกเทศมนตรี…`, `นายอำเภอ…`).
fn is_titled_name(value: &str) -> bool {
    // Longest first: นางสาว before นาง.
    const TITLES: &[&str] = &["เด็กหญิง", "เด็กชาย", "นางสาว", "น.ส.", "ด.ช.", "ด.ญ.", "นาง", "นาย"];
    let value = value.trim();
    if value.starts_with("นายก") || value.starts_with("นายอำเภอ") {
        return false;
    }
    TITLES.iter().find_map(|t| value.strip_prefix(t)).is_some_and(|rest| rest.split_whitespace().count() >= 2)
}

/// Marks a bare "ชื่อ" or "name" column as a person's name when a column beside it is a
/// surname, a person's title or a full name: in a table of provinces or agencies the same
/// name is theirs, and no personal data.
fn names_beside_persons(fields: &mut [InferredField]) {
    let persons = fields.iter().any(|f| matches!(f.personal, Some(w) if [PERSON_NAME, PERSON_TITLE, TITLE_VALUES, TITLED_NAMES].contains(&w)));
    if !persons {
        return;
    }
    for f in fields.iter_mut().filter(|f| f.personal.is_none()) {
        let plain = f.field.name.trim().to_lowercase();
        if plain == "ชื่อ" || plain == "name" {
            f.personal = Some(NAME_BESIDE_PERSON);
        }
    }
}

/// A 13-digit Thai national id with a valid check digit (weights 13..2, first digit 1–8).
pub fn is_thai_national_id(v: &str) -> bool {
    let d: Vec<u32> = v.chars().filter(|c| *c != '-' && *c != ' ').map(|c| c.to_digit(10).unwrap_or(99)).collect();
    if d.len() != 13 || d.iter().any(|&x| x > 9) || d[0] == 0 || d[0] == 9 {
        return false;
    }
    let sum: u32 = d[..12].iter().zip((2..=13).rev()).map(|(x, w)| x * w).sum();
    (11 - sum % 11) % 10 == d[12]
}

/// A TOML basic string holding `s`.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// One resource `infer` writes: its name, its sheet in a workbook, and what was inferred.
#[derive(Debug, Clone)]
pub struct InferredResource {
    /// The resource's name (its downloads' file name).
    pub name: String,
    /// The workbook's sheet, if the file is a workbook.
    pub sheet: Option<String>,
    /// What was inferred.
    pub inferred: Inferred,
}

/// The text of `dataset.toml` for a resource `name` read from `file_name`.
pub fn dataset_toml(inferred: &Inferred, source_name: &str, resource: &str, file_name: &str) -> String {
    let one = InferredResource { name: resource.to_string(), sheet: None, inferred: inferred.clone() };
    dataset_toml_of(std::slice::from_ref(&one), source_name, file_name)
}

/// The text of `dataset.toml` for the resources read from `file_name`.
pub fn dataset_toml_of(resources: &[InferredResource], source_name: &str, file_name: &str) -> String {
    let personal: Vec<&InferredField> = resources.iter().flat_map(|r| &r.inferred.fields).filter(|f| f.personal.is_some()).collect();
    let mut t = String::new();
    // A comment is one line: a file name with a line break (or any control character) would
    // end it and leave the rest of the name as TOML.
    let named: String = source_name.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    t.push_str(&format!("# Written by `sala infer` from {}.\n", q(&named)));
    t.push_str("# Fill in every line marked TODO, then run `sala check`: it lists what is still missing.\n");
    t.push_str("# กรอกทุกบรรทัดที่มีคำว่า TODO แล้วรัน `sala check` เพื่อดูว่ายังขาดอะไร\n");
    t.push_str("# Every key is explained in docs/formats.md of Sala's repository.\n\n");
    t.push_str("# TODO: the dataset's name in Thai and English / ชื่อชุดข้อมูลภาษาไทยและภาษาอังกฤษ\n");
    t.push_str("title = { th = \"\", en = \"\" }\n");
    t.push_str("# TODO: what the data is and how it was made / ข้อมูลนี้คืออะไร ได้มาอย่างไร\n");
    t.push_str("description = { th = \"\", en = \"\" }\n");
    t.push_str("# TODO: your agency's code from datasets/agencies/agencies.csv / รหัสหน่วยงานจากทะเบียนหน่วยงาน\n");
    t.push_str("agency = \"\"\n");
    t.push_str("# TODO: the licence's id, e.g. \"CC-BY-4.0\" / รหัสสัญญาอนุญาต เช่น \"CC-BY-4.0\"\n");
    t.push_str("license = \"\"\n");
    if personal.is_empty() {
        t.push_str("data_category = \"public\"        # public | personal | security | secret: only public is published\n");
    } else {
        t.push_str("# These columns look like personal data / คอลัมน์เหล่านี้อาจเป็นข้อมูลส่วนบุคคล:\n");
        for f in &personal {
            t.push_str(&format!("#   {}: {}\n", f.field.name, f.personal.unwrap_or_default()));
        }
        t.push_str("# Remove them from the CSV (and the schema), then set data_category = \"public\".\n");
        t.push_str("# นำคอลัมน์เหล่านี้ออกจากไฟล์ CSV (และ schema) แล้วจึงแก้เป็น data_category = \"public\"\n");
        t.push_str("data_category = \"personal\"\n");
    }
    t.push_str("# Optional / ไม่บังคับ:\n");
    t.push_str(&format!("# themes = [\"budget\"]          # {}\n", crate::validate::THEMES.join(", ")));
    t.push_str("# tags = { th = [\"…\"], en = [\"…\"] }\n");
    t.push_str("# frequency = \"annual\"         # daily, weekly, monthly, quarterly, semiannual, annual, irregular, static\n");
    t.push_str("# issued = 2025-01-31\n# modified = 2025-01-31\n");
    t.push_str("# data_type = \"record\"         # record, statistical, geospatial, multiple, other\n");
    t.push_str("# objective = { th = \"…\", en = \"…\" }\n# geo_coverage = { th = \"ประเทศ\", en = \"Country\" }\n");
    t.push_str("# data_source = { th = \"…\", en = \"…\" }\n# contact = { name = { th = \"…\", en = \"…\" }, email = \"…\" }\n");
    for r in resources {
        t.push('\n');
        t.push_str(&resource_toml(&r.inferred, &r.name, file_name, r.sheet.as_deref()));
    }
    t
}

/// The `[[resources]]` table for a resource `resource` read from `file_name` (its `sheet`).
pub fn resource_toml(inferred: &Inferred, resource: &str, file_name: &str, sheet: Option<&str>) -> String {
    let mut t = String::new();
    t.push_str("[[resources]]\n");
    t.push_str(&format!("name = {}\npath = {}\n", q(resource), q(file_name)));
    if let Some(sheet) = sheet {
        t.push_str(&format!("sheet = {}\n", q(sheet)));
    }
    t.push_str(&format!("title = {{ th = {r}, en = {r} }}\n", r = q(resource)));
    if let Some(enc) = inferred.encoding {
        t.push_str(&format!("encoding = {}\n", q(&enc.to_ascii_lowercase())));
    }
    let mut dialect = Vec::new();
    if let Some(d) = inferred.delimiter {
        dialect.push(format!("delimiter = {}", q(&d.to_string())));
    }
    if let Some(rows) = &inferred.header_rows {
        dialect.push(format!("headerRows = {}", crate::load::table::header_rows_list(rows)));
    }
    if !dialect.is_empty() {
        t.push_str(&format!("dialect = {{ {} }}\n", dialect.join(", ")));
    }
    t.push_str("\n[resources.schema]\n");
    if inferred.missing_values.len() > 1 {
        let list: Vec<String> = inferred.missing_values.iter().map(|m| q(m)).collect();
        t.push_str(&format!("missingValues = [{}]   # cells that mean \"no value\"\n", list.join(", ")));
    }
    match inferred.primary_key.as_slice() {
        [] => {}
        [one] => t.push_str(&format!("primaryKey = [{}]   # suggested: every value is present and different\n", q(one))),
        key => {
            let names: Vec<String> = key.iter().map(|n| q(n)).collect();
            t.push_str(&format!("primaryKey = [{}]   # suggested: every pair of values is present and different\n", names.join(", ")));
        }
    }
    for f in &inferred.fields {
        let field = &f.field;
        t.push_str("\n[[resources.schema.fields]]\n");
        t.push_str(&format!("name = {}\ntype = {}\n", q(&field.name), q(field.field_type.name())));
        if let Some(format) = &field.format {
            t.push_str(&format!("format = {}\n", q(format)));
        }
        if field.calendar == Some(Calendar::Buddhist) {
            t.push_str("calendar = \"buddhist\"          # years are written in the Buddhist era (พ.ศ.)\n");
        }
        if let Some(d) = &field.decimal_char {
            t.push_str(&format!("decimalChar = {}\n", q(d)));
        }
        if let Some(g) = &field.group_char {
            t.push_str(&format!("groupChar = {}\n", q(g)));
        }
        if field.bare_number == Some(false) {
            t.push_str("bareNumber = false              # the sign or unit around each number (%, ฿, บาท) is taken off: say it in the title\n");
        }
        // Left empty like the dataset's title, so that `check` asks for it in both languages.
        t.push_str("title = { th = \"\", en = \"\" }   # TODO: the column's name in Thai and English / ชื่อคอลัมน์ภาษาไทยและภาษาอังกฤษ\n");
        let c = &field.constraints;
        match (c.required, c.unique) {
            (true, true) => t.push_str("constraints = { required = true, unique = true }\n"),
            (true, false) => t.push_str("constraints = { required = true }\n"),
            (false, true) => t.push_str("constraints = { unique = true }\n"),
            (false, false) => {}
        }
    }
    t
}

/// How `infer` added the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// A new dataset, with a `dataset.toml` to fill in.
    Dataset,
    /// New resources in an existing dataset.
    Resources,
    /// One more file of an existing resource (the resource's name), whose columns it has.
    ToResource(String),
}

/// Infers the schema of `file` (a CSV file or a workbook, one resource per sheet that holds a
/// table) and writes `<root>/datasets/<id>/dataset.toml`, copying the file into the dataset's
/// folder when it is elsewhere. `id` defaults to the file's name. When the dataset exists, the
/// file is added to it: as one more file of the resource with the same columns, or as new
/// resources.
pub fn infer(root: &Path, file: &Path, id: Option<&str>) -> Result<Written> {
    infer_encoded(root, file, id, None)
}

/// [`infer`] for a CSV file in `encoding` (a WHATWG label such as `latin1` or `iso-8859-7`),
/// which is then declared on the resource.
pub fn infer_encoded(root: &Path, file: &Path, id: Option<&str>, encoding: Option<&str>) -> Result<Written> {
    crate::config::SiteConfig::load(root)?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage { message: format!("{}: give the path of a CSV file or a workbook", file.display()) })?;
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let id = match id {
        Some(id) => id.to_string(),
        // A Thai file name with a year (`ข้อมูลประชากร 2567.csv`) leaves the year alone, which
        // the next file of that year (`งบประมาณ 2567.csv`) shares, and that file would join
        // this dataset: an id with no Latin letter is no id.
        None => Some(id_from_name(&stem)).filter(|id| !crate::lang::has_thai(&stem) || id.bytes().any(|b| b.is_ascii_alphabetic())).unwrap_or_default(),
    };
    if !crate::load::is_valid_id(&id) {
        // A Thai file name (`จังหวัด.csv`) leaves no Latin letters to make an id of.
        let what = if id.is_empty() { format!("the file name \"{stem}\" gives no dataset id (ids are Latin letters)") } else { format!("\"{id}\" cannot be a dataset id") };
        let th = if id.is_empty() { format!("ชื่อไฟล์ \"{stem}\" ใช้ตั้งรหัสชุดข้อมูลไม่ได้ (รหัสเป็นอักษรละติน)") } else { format!("\"{id}\" ใช้เป็นรหัสชุดข้อมูลไม่ได้") };
        return Err(Error::Usage {
            message: format!(
                "{what}: give one with --dataset in lowercase a-z, digits and '-', e.g. --dataset budget-2568 / {th}: ตั้งรหัสด้วย --dataset เป็นอักษรอังกฤษตัวเล็ก ตัวเลข และ - เช่น --dataset budget-2568"
            ),
        });
    }
    let mut resources = infer_resources(file, &stem, encoding)?;
    let dir = root.join("datasets").join(&id);
    let meta_file = dir.join("dataset.toml");
    let target = dir.join(&file_name);
    let same = match (target.canonicalize(), file.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let copy = |target: &Path| -> Result<()> {
        if !same {
            if target.exists() {
                return Err(Error::AlreadyExists { path: target.to_path_buf() });
            }
            std::fs::copy(file, target).map_err(|e| Error::io(target, e))?;
        }
        Ok(())
    };
    if !meta_file.exists() {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        copy(&target)?;
        let text = dataset_toml_of(&resources, &file_name, &file_name);
        std::fs::write(&meta_file, text).map_err(|e| Error::io(&meta_file, e))?;
        return Ok(Written { id, meta_file, csv: target, resources, added: Added::Dataset });
    }
    // An existing dataset: the file joins it.
    let text = std::fs::read_to_string(&meta_file).map_err(|e| Error::io(&meta_file, e))?;
    let meta: crate::load::dataset::DatasetMeta = toml::from_str(&text).map_err(|e| Error::Usage {
        message: format!(
            "{}: {}; fix it (`sala check` shows where) before adding a file / แก้ dataset.toml ให้ถูกก่อนเพิ่มไฟล์",
            meta_file.display(),
            e.message().trim()
        ),
    })?;
    if meta.resources.iter().any(|r| r.path.files().contains(&file_name)) {
        return Err(Error::AlreadyExists { path: target });
    }
    let names = |r: &InferredResource| r.inferred.fields.iter().map(|f| f.field.name.clone()).collect::<Vec<_>>();
    let same_columns = match resources.as_slice() {
        [one] if one.sheet.is_none() => meta.resources.iter().find(|r| {
            r.sheet.is_none()
                && matches!(&r.schema, crate::load::dataset::SchemaSource::Inline(s) if s.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>() == names(one))
        }),
        _ => None,
    };
    let new_text = match same_columns {
        Some(r) => {
            let files = r.path.files();
            let mut list: Vec<String> = files.iter().map(|f| q(f)).collect();
            let old_line = match &r.path {
                crate::load::dataset::ResourcePath::One(f) => format!("path = {}", q(f)),
                crate::load::dataset::ResourcePath::Many(_) => format!("path = [{}]", list.join(", ")),
            };
            list.push(q(&file_name));
            let new_line = format!("path = [{}]", list.join(", "));
            if text.matches(&old_line).count() != 1 {
                return Err(Error::Usage {
                    message: format!(
                        "{file_name} has the columns of resource \"{}\": add it to that resource's path by hand, e.g. {new_line} / เพิ่มชื่อไฟล์ใน path ของทรัพยากรนั้นเอง",
                        r.name
                    ),
                });
            }
            let name = r.name.clone();
            copy(&target)?;
            std::fs::write(&meta_file, text.replacen(&old_line, &new_line, 1)).map_err(|e| Error::io(&meta_file, e))?;
            return Ok(Written { id, meta_file, csv: target, resources, added: Added::ToResource(name) });
        }
        None => {
            let mut text = text.clone();
            let mut taken: Vec<String> = meta.resources.iter().map(|r| r.name.clone()).collect();
            for r in &mut resources {
                r.name = unused_name(&r.name, &taken);
                taken.push(r.name.clone());
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&format!("\n# Added by `sala infer` from {}.\n", q(&file_name)));
                text.push_str(&resource_toml(&r.inferred, &r.name, &file_name, r.sheet.as_deref()));
            }
            text
        }
    };
    copy(&target)?;
    std::fs::write(&meta_file, new_text).map_err(|e| Error::io(&meta_file, e))?;
    Ok(Written { id, meta_file, csv: target, resources, added: Added::Resources })
}

/// `name`, or `name-2`, `name-3`… when it is taken.
fn unused_name(name: &str, taken: &[String]) -> String {
    let mut candidate = name.to_string();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}-{n}");
        n += 1;
    }
    candidate
}

/// The resources of `file`: one for a CSV file (named after `stem`), one per sheet that holds
/// a table for a workbook (named after the sheet).
fn infer_resources(file: &Path, stem: &str, encoding: Option<&str>) -> Result<Vec<InferredResource>> {
    let mut resource = id_from_name(stem);
    if !crate::load::is_valid_id(&resource) {
        resource = "data".to_string();
    }
    if !crate::load::workbook::is_workbook(file) {
        return Ok(vec![InferredResource { name: resource, sheet: None, inferred: infer_file_encoded(file, encoding)? }]);
    }
    let (sheets, hidden) = crate::load::workbook::table_sheets(file, file).map_err(|d| usage(file, &d))?;
    if sheets.is_empty() {
        let hidden_th = if hidden.is_empty() { String::new() } else { format!(" (แผ่นงานที่ซ่อนไว้ไม่นับ: {})", hidden.join(", ")) };
        let hidden_en = if hidden.is_empty() { String::new() } else { format!(" (hidden sheets left out: {})", hidden.join(", ")) };
        return Err(Error::Usage {
            message: format!(
                "{}: no sheet holds a table (a row of column names with rows under it){hidden_en} / ไม่มีแผ่นงานใดมีตาราง{hidden_th}",
                file.display()
            ),
        });
    }
    let mut resources: Vec<InferredResource> = Vec::new();
    for (i, sheet) in sheets.into_iter().enumerate() {
        let mut name = id_from_name(&sheet.sheet);
        if !crate::load::is_valid_id(&name) {
            name = format!("sheet-{}", i + 1);
        }
        let taken: Vec<String> = resources.iter().map(|r| r.name.clone()).collect();
        let inferred = infer_bytes(std::sync::Arc::new(sheet.csv.into_bytes()), file, Some(sheet.place), None)?;
        resources.push(InferredResource { name: unused_name(&name, &taken), sheet: Some(sheet.sheet), inferred });
    }
    // Hidden sheets hold lookup lists, working calculations, at times the personal data the
    // shown ones sum up: never published without a person asking for them.
    if let Some(first) = resources.first_mut() {
        for sheet in &hidden {
            first.inferred.notes.push(crate::lang::Text::new(
                format!("แผ่นงาน \"{sheet}\" ซ่อนไว้ในไฟล์ จึงไม่ได้ใส่ไว้: ถ้าต้องการเผยแพร่ ให้เพิ่มทรัพยากรที่มี sheet = \"{sheet}\""),
                format!("sheet \"{sheet}\" is hidden in the workbook, so it was left out: to publish it, add a resource with sheet = \"{sheet}\""),
            ));
        }
    }
    Ok(resources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids_need_the_right_check_digit_and_first_digit() {
        assert!(is_thai_national_id("1101700203450"));
        assert!(is_thai_national_id("1-1017-00203-45-0"));
        assert!(!is_thai_national_id("1101700203451"));
        assert!(!is_thai_national_id("0101700203450"));
        assert!(!is_thai_national_id("110170020345"));
    }

    #[test]
    fn ids_from_file_names_are_url_safe() {
        assert_eq!(id_from_name("Budget 2568 (final)"), "budget-2568-final");
        assert_eq!(id_from_name("งบประมาณ"), "");
    }

    #[test]
    fn thai_names_of_persons_data_are_told_from_names_of_agencies_places_and_things() {
        for name in ["ชื่อ-นามสกุล", "ชื่อ – สกุล", "ชื่อและนามสกุล", "คำนำหน้าชื่อ", "เลขที่บัตรประชาชน", "อีเมล์", "ที่อยู่ตามทะเบียนบ้าน", "ปีเกิด", "โทรศัพท์"] {
            assert!(thai_personal_name(name).is_some(), "{name}");
        }
        for name in ["ชื่อ", "ชื่อหน่วยงาน", "ชื่อโครงการ", "ชื่อจังหวัด", "ชื่อตัวชี้วัด", "ที่อยู่อาศัย", "ที่อยู่เว็บไซต์", "ค่าโทรศัพท์", "อัตราการเกิด", "สกุลเงิน", "ชื่อสกุลเงิน"] {
            assert_eq!(thai_personal_name(name), None, "{name}");
        }
        assert!(is_titled_name("นายสมชาย ใจดี") && is_titled_name("ด.ญ. ก้อย มีสุข") && is_titled_name("นางสาวมาลี รักดี"));
        assert!(!is_titled_name("นายกเทศมนตรีตำบล บ้านนา") && !is_titled_name("นายอำเภอเมือง เชียงใหม่") && !is_titled_name("นาย"));
    }

    #[test]
    fn the_era_is_read_from_the_years_that_are_no_sentinels() {
        assert_eq!(era_of([2024, 9999, 2025]), None);
        assert_eq!(era_of([1900, 2024, 1]), None);
        assert_eq!(era_of([2567, 9999, 2568]), Some(Calendar::Buddhist));
        assert_eq!(era_of([9999, 9999]), None);
        assert_eq!(era_of([2567, 2568, 2024]), Some(Calendar::Buddhist));
        assert_eq!(era_of([2567, 2024]), None);
        // Past 2300 but before B.E. 2400 (CE 1857): no Buddhist-era year of today's data.
        assert_eq!(era_of([2350]), None);
    }

    #[test]
    fn the_first_four_digit_run_is_the_year() {
        assert_eq!(first_year("31/01/2568"), Some(2568));
        assert_eq!(first_year("2567-10-01T08:00:00"), Some(2567));
        assert_eq!(first_year("123456"), None);
    }
}
