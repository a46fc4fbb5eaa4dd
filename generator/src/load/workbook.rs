//! Workbooks (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`) read with calamine. A sheet becomes
//! the same CSV text the CSV path reads, written from the cells' own types (numbers as plain
//! numbers, dates as ISO dates, never display formats), so that every rule applies to it
//! unchanged; [`Places`] then moves each diagnostic back to the sheet's own row and column.
//!
//! Agency sheets often open with a title row (one cell, merged across the table) and may have
//! a two-row header (a merged group label over its sub-labels): the title rows are skipped and
//! the two header rows joined ("Amount 2566"), so the table is what a person sees.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::lang::Text;
use calamine::{Data, Dimensions, Reader, Sheets};
use std::path::{Path, PathBuf};

/// Excel's longest text in one cell, in characters: the workbook download cuts a longer one.
pub const MAX_CELL_TEXT: usize = 32_767;

/// The file extensions read as workbooks.
pub const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// Whether `path` names a workbook (by its extension, as spreadsheets save them).
pub fn is_workbook(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// One sheet's table, as CSV text, and where it lies in the sheet.
#[derive(Debug, Clone)]
pub struct SheetTable {
    /// The sheet's name.
    pub sheet: String,
    /// The table as CSV UTF-8 text: the header row, then one record per sheet row.
    pub csv: String,
    /// Where the table's rows and columns are in the sheet.
    pub place: Place,
    /// What reading the sheet found to say (formulas saved without their results).
    pub warnings: Vec<Diagnostic>,
}

/// Where one file's (or sheet's) rows are in a resource's table, to report positions as the
/// file shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file, relative to the portal folder.
    pub file: PathBuf,
    /// The sheet, for a workbook.
    pub sheet: Option<String>,
    /// The first data row of this file in the resource's table (0-based).
    pub first_index: usize,
    /// The 1-based row of the header in the file.
    pub header_row: usize,
    /// The 1-based row of the first data row in the file.
    pub first_row: usize,
    /// Columns before the table's first column in the file (a sheet may start at column C).
    pub column_offset: usize,
}

impl Place {
    /// A CSV file whose header is its first row, holding rows from `first_index` on.
    pub fn csv(file: impl Into<PathBuf>, first_index: usize) -> Place {
        Place { file: file.into(), sheet: None, first_index, header_row: 1, first_row: 2, column_offset: 0 }
    }

    /// This place with its table `rows` rows further down (lines above a CSV's header).
    pub fn below(self, rows: usize) -> Place {
        Place { header_row: self.header_row + rows, first_row: self.first_row + rows, ..self }
    }
}

/// Where a resource's rows come from: one place per file, in the order their rows were joined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places(pub Vec<Place>);

impl Places {
    /// Whether a diagnostic at `file` needs moving: the resource is a sheet or many files, or
    /// its table starts below the file's first line.
    pub fn moves(&self, file: &Path) -> bool {
        self.0.first().is_some_and(|p| p.file == file) && (self.0.len() > 1 || self.0.iter().any(|p| p.sheet.is_some() || p.header_row != 1))
    }

    /// Moves `location` (on the resource's joined table, header = row 1) to the file, sheet,
    /// row and column that hold it.
    pub fn relocate(&self, location: &mut Location) {
        if !self.moves(&location.file) {
            return;
        }
        let index = location.row.filter(|&r| r >= 2).map(|r| r - 2);
        let place = match index {
            Some(i) => self.0.iter().rev().find(|p| p.first_index <= i).unwrap_or(&self.0[0]),
            None => &self.0[0],
        };
        location.file = place.file.clone();
        location.sheet = place.sheet.clone();
        location.row = match (location.row, index) {
            (Some(_), Some(i)) => Some(place.first_row + (i - place.first_index)),
            (Some(_), None) => Some(place.header_row),
            (None, _) => None,
        };
        if let Some(c) = &mut location.column_number {
            *c += place.column_offset;
        }
    }
}

fn workbook_error(file: &Path, sheet: Option<&str>, message: Text, help: Text) -> Diagnostic {
    let location = Location { sheet: sheet.map(str::to_string), ..Location::file(file) };
    Diagnostic::error(Code::SourceError, location, message, help)
}

fn open(path: &Path, file: &Path) -> Result<Sheets<std::io::BufReader<std::fs::File>>, Diagnostic> {
    // A file of no bytes (an upload or a save that failed) is said as such, not as the zip
    // reader's "Could not find EOCD".
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        return Err(Diagnostic::error(
            Code::EmptyTable,
            Location::file(file),
            Text::new("ไฟล์ตารางคำนวณว่างเปล่า (0 ไบต์)", "the workbook is empty (0 bytes)"),
            Text::new(
                "บันทึกไฟล์จากโปรแกรมตารางคำนวณอีกครั้ง (หรือส่งออกเป็น CSV UTF-8) แล้วตรวจว่าไฟล์มีขนาดมากกว่า 0 ไบต์",
                "save the workbook again from the spreadsheet program (or export it as CSV UTF-8) and check that the file is not 0 bytes",
            ),
        ));
    }
    calamine::open_workbook_auto(path).map_err(|e| {
        workbook_error(
            file,
            None,
            Text::new(format!("เปิดไฟล์ตารางคำนวณไม่ได้: {e}"), format!("the workbook cannot be opened: {e}")),
            Text::new(
                "ตรวจว่าไฟล์ไม่เสียและไม่ได้ตั้งรหัสผ่าน หรือบันทึกใหม่เป็น .xlsx หรือ CSV UTF-8",
                "check the file is not damaged or password-protected, or save it again as .xlsx or CSV UTF-8",
            ),
        )
    })
}

/// The names of a workbook's sheets, in the workbook's order.
pub fn sheet_names(path: &Path, file: &Path) -> Result<Vec<String>, Diagnostic> {
    Ok(open(path, file)?.sheet_names())
}

/// The names of a workbook's sheets that are shown, and of those hidden (lookup lists, working
/// calculations, sometimes the personal data the shown sheets sum up), in the workbook's order.
fn sheets_by_visibility(book: &Sheets<std::io::BufReader<std::fs::File>>) -> (Vec<String>, Vec<String>) {
    let (shown, hidden): (Vec<&calamine::Sheet>, Vec<&calamine::Sheet>) = book.sheets_metadata().iter().partition(|s| s.visible == calamine::SheetVisible::Visible);
    (shown.into_iter().map(|s| s.name.clone()).collect(), hidden.into_iter().map(|s| s.name.clone()).collect())
}

/// Reads sheet `sheet` (default: the first) of the workbook at `path`; `file` is the path
/// shown in diagnostics.
pub fn read_sheet(path: &Path, sheet: Option<&str>, file: &Path) -> Result<SheetTable, Diagnostic> {
    let mut book = open(path, file)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
            workbook_error(
                file,
                None,
                Text::new(format!("ไม่มีแผ่นงานชื่อ \"{s}\" ในไฟล์"), format!("the workbook has no sheet named \"{s}\"")),
                Text::new(
                    format!("ใช้ชื่อแผ่นงานที่มีอยู่ใน sheet = \"…\": {}", names.join(", ")),
                    format!("give one of its sheets in sheet = \"…\": {}", names.join(", ")),
                ),
            )
        })?,
        // The first sheet shown: a hidden one is not what the person sees as the table.
        None => sheets_by_visibility(&book).0.first().or(names.first()).cloned().ok_or_else(|| {
            workbook_error(file, None, Text::new("ไฟล์ไม่มีแผ่นงาน", "the workbook has no sheet"), Text::new("บันทึกตารางลงในแผ่นงานแรก", "put the table on the first sheet"))
        })?,
    };
    let unreadable = |e: calamine::Error| {
        workbook_error(
            file,
            Some(&name),
            Text::new(format!("อ่านแผ่นงาน \"{name}\" ไม่ได้: {e}"), format!("the sheet \"{name}\" cannot be read: {e}")),
            Text::new("บันทึกไฟล์ใหม่เป็น .xlsx หรือส่งออกแผ่นงานนี้เป็น CSV UTF-8", "save the file again as .xlsx, or export this sheet as CSV UTF-8"),
        )
    };
    let (range, merged, unsaved) = match sheet_cells(&mut book, &name) {
        // An error value calamine does not know (Excel 365's #SPILL!, #CALC!…) fails the whole
        // sheet: read again with every error value as its text, which check then names.
        Err(calamine::Error::Xlsx(calamine::XlsxError::CellError(_))) => match errors_as_text(path) {
            Some(bytes) => {
                let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map(Sheets::Xlsx).map_err(|e| unreadable(e.into()))?;
                sheet_cells(&mut book, &name)
            }
            None => sheet_cells(&mut book, &name),
        },
        read => read,
    }
    .map_err(unreadable)?;
    let empty = || {
        workbook_error(
            file,
            Some(&name),
            Text::new(format!("แผ่นงาน \"{name}\" ว่างเปล่า ไม่มีตาราง"), format!("the sheet \"{name}\" is empty: it holds no table")),
            Text::new("ใส่ตารางที่มีชื่อคอลัมน์ในแถวบนสุด หรือเลือกแผ่นงานอื่นด้วย sheet = \"…\"", "put a table with its column names in its top row there, or choose another sheet with sheet = \"…\""),
        )
    };
    let Some((row0, col0)) = range.start() else { return Err(empty()) };
    let unsaved = unsaved_formulas(&range, &unsaved);
    let grid: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    let table = Grid { cells: grid, row0: row0 as usize, col0: col0 as usize, merged }.table().ok_or_else(empty)?;
    let place = Place {
        file: file.to_path_buf(),
        sheet: Some(name.clone()),
        first_index: 0,
        header_row: table.header_row,
        first_row: table.header_row + 1,
        column_offset: table.column_offset,
    };
    let warnings = unsaved.map(|cells| unsaved_warning(file, &name, &cells)).into_iter().collect();
    Ok(SheetTable { sheet: name, csv: table.csv, place, warnings })
}

/// A sheet's cells, its merged regions, and (where the sheet has empty cells) its formulas.
type SheetCells = (calamine::Range<Data>, Vec<Dimensions>, calamine::Range<String>);

/// Reads the cells, merged regions and formulas of the sheet `name`. Formulas are read only
/// where some cell is empty: a formula saved without its result (by a program that writes
/// workbooks without calculating them) is read as an empty cell.
fn sheet_cells<RS: std::io::Read + std::io::Seek>(book: &mut Sheets<RS>, name: &str) -> Result<SheetCells, calamine::Error> {
    let range = book.worksheet_range(name)?;
    let merged = match book {
        Sheets::Xlsx(x) => x.worksheet_merge_cells(name).and_then(Result::ok).unwrap_or_default(),
        Sheets::Xls(x) => x.worksheet_merge_cells(name).unwrap_or_default(),
        _ => Vec::new(),
    };
    let has_empty = range.used_cells().count() < range.get_size().0 * range.get_size().1;
    let formulas = if has_empty { book.worksheet_formula(name).unwrap_or_default() } else { calamine::Range::empty() };
    Ok((range, merged, formulas))
}

/// The cells (sheet row and column, 0-based) that hold a formula but no value: the formula
/// was saved without its result. `None` when there is none.
fn unsaved_formulas(range: &calamine::Range<Data>, formulas: &calamine::Range<String>) -> Option<Vec<(u32, u32)>> {
    let (top, left) = formulas.start()?;
    let cells: Vec<(u32, u32)> = formulas
        .used_cells()
        .filter(|(_, _, f)| !f.is_empty())
        .map(|(r, c, _)| (top + r as u32, left + c as u32))
        .filter(|&at| range.get_value(at).is_none_or(|v| matches!(v, Data::Empty)))
        .collect();
    (!cells.is_empty()).then_some(cells)
}

/// The warning that cells of sheet `sheet` hold formulas saved without their results.
fn unsaved_warning(file: &Path, sheet: &str, cells: &[(u32, u32)]) -> Diagnostic {
    let named = |&(r, c): &(u32, u32)| format!("{}{}", crate::diagnostic::column_letter(c as usize + 1), r + 1);
    let mut shown: Vec<String> = cells.iter().take(5).map(named).collect();
    if cells.len() > 5 {
        shown.push(format!("… ({})", cells.len()));
    }
    let shown = shown.join(", ");
    let first = cells[0];
    let location = Location { sheet: Some(sheet.to_string()), row: Some(first.0 as usize + 1), column_number: Some(first.1 as usize + 1), ..Location::file(file) };
    Diagnostic::warning(
        Code::SpreadsheetError,
        location,
        Text::new(
            format!("เซลล์ {shown} มีสูตรแต่ไฟล์ไม่ได้บันทึกผลลัพธ์ของสูตรไว้ (ไฟล์ที่โปรแกรมหรือสคริปต์เขียนโดยไม่คำนวณ) จึงอ่านได้เป็นค่าว่าง"),
            format!("cells {shown} hold formulas but the file has no saved results for them (a file written by a program or script that does not calculate), so they read as empty"),
        ),
        Text::new(
            "เปิดไฟล์ใน Excel หรือ LibreOffice แล้วบันทึกอีกครั้ง (โปรแกรมจะคำนวณสูตรและบันทึกผลไว้) หรือส่งออกเป็น CSV UTF-8",
            "open the file in Excel or LibreOffice and save it again (it calculates the formulas and saves their results), or export it as CSV UTF-8",
        ),
    )
}

/// The `.xlsx` at `path` with each error value (`t="e"`) made a text (`t="str"`): calamine
/// refuses a sheet holding an error value it does not know. `None` when the file cannot be
/// rewritten (not a zip): the sheet's read error stands.
fn errors_as_text(path: &Path) -> Option<Vec<u8>> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).ok()?).ok()?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let name = archive.by_index_raw(i).ok()?.name().to_string();
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            let mut xml = String::new();
            archive.by_index(i).ok()?.read_to_string(&mut xml).ok()?;
            let xml = xml.replace(" t=\"e\"", " t=\"str\"").replace(" t='e'", " t='str'");
            out.start_file(name, zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)).ok()?;
            out.write_all(xml.as_bytes()).ok()?;
        } else {
            out.raw_copy_file(archive.by_index_raw(i).ok()?).ok()?;
        }
    }
    Some(out.finish().ok()?.into_inner())
}

/// The sheets of a workbook that are shown and hold a table (a header and at least one data
/// row), read; and the names of the hidden sheets that hold one, which are left out.
pub fn table_sheets(path: &Path, file: &Path) -> Result<(Vec<SheetTable>, Vec<String>), Diagnostic> {
    let (shown, hidden) = sheets_by_visibility(&open(path, file)?);
    let table = |name: &String| read_sheet(path, Some(name), file).ok().filter(|t| t.csv.lines().nth(1).is_some());
    let hidden = hidden.iter().filter(|name| table(name).is_some()).cloned().collect();
    Ok((shown.iter().filter_map(table).collect(), hidden))
}

/// A cell as text: its value, never its display format.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Whole numbers are written without ".0"; others in the shortest form that reads back.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => match d.as_datetime() {
            // Milliseconds (calamine's precision) where the time has them, as a CSV source
            // keeps them: `08:30:15.566`, not 08:30:15.
            Some(dt) if chrono::Timelike::nanosecond(&dt) != 0 && d.as_f64() < 1.0 => dt.format("%H:%M:%S%.3f").to_string(),
            Some(dt) if chrono::Timelike::nanosecond(&dt) != 0 => dt.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
            // A time of day alone is a fraction of a day, before Excel's first date.
            Some(dt) if d.as_f64() < 1.0 => dt.format("%H:%M:%S").to_string(),
            Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.format("%Y-%m-%d").to_string(),
            Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A sheet's used cells as text, with its merged regions.
struct Grid {
    cells: Vec<Vec<String>>,
    /// The sheet row and column (0-based) of `cells[0][0]`.
    row0: usize,
    col0: usize,
    merged: Vec<Dimensions>,
}

/// A sheet's table found in its grid.
struct Found {
    csv: String,
    header_row: usize,
    column_offset: usize,
}

impl Grid {
    /// The merged region that spans more than one column at grid row `r`, column `c`.
    fn wide_merge(&self, r: usize, c: usize) -> Option<&Dimensions> {
        let (r, c) = ((r + self.row0) as u32, (c + self.col0) as u32);
        self.merged.iter().find(|d| d.start.0 <= r && r <= d.end.0 && d.start.1 <= c && c <= d.end.1 && d.end.1 > d.start.1)
    }

    /// The cell at grid row `r`, column `c`, with a merged region's value in all its cells.
    fn value(&self, r: usize, c: usize) -> &str {
        let (ar, ac) = ((r + self.row0) as u32, (c + self.col0) as u32);
        let origin = self.merged.iter().find(|d| d.start.0 <= ar && ar <= d.end.0 && d.start.1 <= ac && ac <= d.end.1);
        let (r, c) = match origin {
            Some(d) => ((d.start.0 as usize).saturating_sub(self.row0), (d.start.1 as usize).saturating_sub(self.col0)),
            None => (r, c),
        };
        self.cells.get(r).and_then(|row| row.get(c)).map_or("", String::as_str)
    }

    fn table(&self) -> Option<Found> {
        let width = self.cells.iter().map(Vec::len).max()?;
        // Rows above the table: a title or a unit (one value: a cell, or one merged region),
        // notes filling fewer cells than the table's rows (as a CSV's are found).
        let distinct = |r: usize| self.cells.get(r).map_or(0, |row| row.iter().filter(|v| !v.trim().is_empty()).count());
        let mut header = (0..self.cells.len()).find(|&r| distinct(r) > 0)?;
        let first = &self.cells[header..self.cells.len().min(header + crate::load::table::SAMPLE)];
        match crate::load::table::header_among(first) {
            Some(below) => header += below,
            // Else past any row of one value (a title, a unit), as sheets were always read.
            None => {
                while distinct(header) <= 1 && width > 1 && (header + 1..self.cells.len()).any(|r| distinct(r) > 1) {
                    header += 1;
                }
            }
        }
        // A two-row header: group labels merged across columns, their sub-labels below.
        let grouped = (0..width).any(|c| self.wide_merge(header, c).is_some_and(|d| d.start.0 as usize == header + self.row0))
            && header + 1 < self.cells.len();
        let labels: Vec<String> = (0..width)
            .map(|c| {
                let top = self.value(header, c).trim().to_string();
                if !grouped {
                    return top;
                }
                let sub = self.value(header + 1, c).trim();
                if sub.is_empty() || sub == top { top } else if top.is_empty() { sub.to_string() } else { format!("{top} {sub}") }
            })
            .collect();
        let last_header = if grouped { header + 1 } else { header };
        // Columns empty from the header down (a sheet's used range may run wider).
        let used: Vec<usize> = (0..width)
            .filter(|&c| !labels[c].is_empty() || self.cells[last_header + 1..].iter().any(|row| row.get(c).is_some_and(|v| !v.is_empty())))
            .collect();
        let (first, last) = (*used.first()?, *used.last()?);
        let mut csv = String::new();
        push_row(&mut csv, labels[first..=last].iter().map(String::as_str));
        for row in &self.cells[last_header + 1..] {
            push_row(&mut csv, (first..=last).map(|c| row.get(c).map_or("", String::as_str)));
        }
        Some(Found { csv, header_row: self.row0 + last_header + 1, column_offset: self.col0 + first })
    }
}

/// Appends one CSV record of `cells` to `csv`.
fn push_row<'a>(csv: &mut String, cells: impl Iterator<Item = &'a str>) {
    let row: Vec<String> = cells.map(csv_cell).collect();
    csv.push_str(&row.join(","));
    csv.push('\n');
}

/// A cell as CSV writes it: quoted when it holds a comma, a quote or a line break.
fn csv_cell(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]], merged: Vec<Dimensions>) -> Grid {
        Grid { cells: rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect(), row0: 0, col0: 0, merged }
    }

    #[test]
    fn datetimes_keep_their_milliseconds_and_whole_seconds_stay_as_they_were() {
        let at = |days: f64| cell_text(&Data::DateTime(calamine::ExcelDateTime::new(days, calamine::ExcelDateTimeType::DateTime, false)));
        // 2024-10-01 is Excel's day 45566; 08:30:15.566 a fraction of it.
        let day = 45566.0;
        let time = (8.0 * 3600.0 + 30.0 * 60.0 + 15.566) / 86400.0;
        assert_eq!(at(day + time), "2024-10-01T08:30:15.566");
        assert_eq!(at(time), "08:30:15.566");
        assert_eq!(at(day + (8.0 * 3600.0 + 30.0 * 60.0 + 15.0) / 86400.0), "2024-10-01T08:30:15");
        assert_eq!(at(day), "2024-10-01");
    }

    #[test]
    fn a_title_row_is_skipped_and_a_grouped_header_joined() {
        let g = grid(
            &[
                &["Budget by province", "", ""],
                &["province", "amount", ""],
                &["", "2566", "2567"],
                &["Bangkok", "10", "12"],
            ],
            vec![Dimensions { start: (0, 0), end: (0, 2) }, Dimensions { start: (1, 1), end: (1, 2) }, Dimensions { start: (1, 0), end: (2, 0) }],
        );
        let t = g.table().unwrap();
        assert_eq!(t.csv, "province,amount 2566,amount 2567\nBangkok,10,12\n");
        assert_eq!((t.header_row, t.column_offset), (3, 0));
    }

    #[test]
    fn notes_and_a_unit_above_the_table_are_skipped() {
        let g = grid(
            &[
                &["รายงานผลการเบิกจ่าย ปี 2567", "", "", ""],
                &["หน่วยงาน:", "สำนักงานปลัดกระทรวง", "", ""],
                &["", "", "", "หน่วย: ล้านบาท"],
                &["ลำดับ", "แผนงาน", "งบประมาณ", "เบิกจ่าย"],
                &["1", "บุคลากร", "1520.5", "1400.2"],
                &["2", "พื้นฐาน", "830", "610.4"],
            ],
            Vec::new(),
        );
        let t = g.table().unwrap();
        assert_eq!(t.csv, "ลำดับ,แผนงาน,งบประมาณ,เบิกจ่าย\n1,บุคลากร,1520.5,1400.2\n2,พื้นฐาน,830,610.4\n");
        assert_eq!(t.header_row, 4);
    }

    #[test]
    fn places_move_rows_and_columns_to_the_file_that_holds_them() {
        let places = Places(vec![
            Place::csv("a.csv", 0),
            Place { file: "b.xlsx".into(), sheet: Some("S".into()), first_index: 3, header_row: 2, first_row: 3, column_offset: 1 },
        ]);
        let mut at = Location { row: Some(6), column_number: Some(2), ..Location::file("a.csv") };
        places.relocate(&mut at);
        assert_eq!((at.file.to_str(), at.sheet.as_deref(), at.row, at.column_number), (Some("b.xlsx"), Some("S"), Some(4), Some(3)));
        let mut at = Location { row: Some(3), ..Location::file("a.csv") };
        places.relocate(&mut at);
        assert_eq!((at.file.to_str(), at.row), (Some("a.csv"), Some(3)));
    }
}
