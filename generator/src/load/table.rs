//! Turns a CSV file's bytes into a table of raw strings with Polars. Bytes are decoded with
//! encoding_rs first (never lossily: Polars' lossy mode would turn Thai into U+FFFD), so files
//! saved by Excel or legacy systems in Windows-874/TIS-620 are read correctly.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::lang::Text;
use polars::prelude::*;
use std::io::Cursor;
use std::path::Path;

/// A CSV file as text cells, before any typing: columns `c0..cN` in file order.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// The header labels, in file order (empty where a label is blank).
    pub header: Vec<String>,
    /// The data rows (header excluded), every column a Polars String column named `c<i>`.
    pub frame: DataFrame,
    /// The encoding the file was decoded from.
    pub encoding: &'static str,
}

impl RawTable {
    /// The internal name of the column at `index`.
    pub fn column_name(index: usize) -> String {
        format!("c{index}")
    }

    /// How many data rows there are.
    pub fn rows(&self) -> usize {
        self.frame.height()
    }
}

/// Decodes and reads a CSV file; `file` is the path shown in diagnostics.
/// Returns the table and any warnings, or the diagnostic that made reading impossible.
pub fn read_csv(
    bytes: &[u8],
    declared_encoding: Option<&str>,
    file: &Path,
) -> Result<(RawTable, Vec<Diagnostic>), Diagnostic> {
    let mut warnings = Vec::new();
    let (text, encoding) = decode(bytes, declared_encoding, file, &mut warnings)?;
    if text.trim().is_empty() {
        return Err(Diagnostic::error(
            Code::EmptyTable,
            Location::file(file),
            Text::new("ไฟล์ว่างเปล่า ไม่มีแม้แต่แถวหัวตาราง", "the file is empty: it has not even a header row"),
            Text::new(
                "ส่งออกตารางจากโปรแกรมตารางคำนวณอีกครั้งเป็น CSV โดยมีชื่อคอลัมน์ในแถวแรก",
                "export the table again as CSV, with the column names in the first row",
            ),
        ));
    }
    let options = CsvReadOptions::default()
        .with_has_header(false)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|p| p.with_missing_is_null(true).with_truncate_ragged_lines(false));
    let frame = options
        .into_reader_with_file_handle(Cursor::new(text.into_bytes()))
        .finish()
        .map_err(|e| source_error(file, &e.to_string()))?;
    let header: Vec<String> = match frame.height() {
        0 => Vec::new(),
        _ => frame
            .columns()
            .iter()
            .map(|c| c.str().ok().and_then(|s| s.get(0)).unwrap_or("").to_string())
            .collect(),
    };
    let mut frame = frame.slice(1, frame.height().saturating_sub(1));
    let names: Vec<String> = (0..frame.width()).map(RawTable::column_name).collect();
    frame.set_column_names(names.as_slice()).map_err(|e| source_error(file, &e.to_string()))?;
    Ok((RawTable { header, frame, encoding }, warnings))
}

fn source_error(file: &Path, polars_message: &str) -> Diagnostic {
    let first_line = polars_message.lines().next().unwrap_or(polars_message);
    let extra = first_line.contains("more fields");
    Diagnostic::error(
        if extra { Code::ExtraCell } else { Code::SourceError },
        Location::file(file),
        Text::new(
            format!("อ่านไฟล์เป็น CSV ไม่ได้: {first_line}"),
            format!("the file cannot be read as CSV: {first_line}"),
        ),
        if extra {
            Text::new(
                "มีแถวที่มีจำนวนช่องมากกว่าหัวตาราง: ตรวจเครื่องหมายจุลภาคที่เกินมา หรือครอบค่าที่มีจุลภาคด้วยเครื่องหมายคำพูด",
                "a row has more cells than the header: look for a stray comma, or put values containing commas in double quotes",
            )
        } else {
            Text::new(
                "เปิดไฟล์ในโปรแกรมตารางคำนวณแล้วบันทึกเป็น CSV (UTF-8) อีกครั้ง และตรวจเครื่องหมายคำพูดที่ไม่ได้ปิด",
                "open the file in a spreadsheet and save it again as CSV (UTF-8); look for an unclosed double quote",
            )
        },
    )
}

/// Decodes the bytes to UTF-8 text: a declared encoding, else UTF-8 (BOM or not), else
/// Windows-874 (a superset of TIS-620) with a warning that says so.
fn decode(
    bytes: &[u8],
    declared: Option<&str>,
    file: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(String, &'static str), Diagnostic> {
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(encoding_error(
            file,
            row_of_offset(bytes, pos),
            Text::new(
                "ไฟล์มีไบต์ศูนย์ (NUL) จึงไม่ใช่ไฟล์ข้อความ CSV",
                "the file holds NUL bytes, so it is not a CSV text file",
            ),
            Text::new(
                "ตรวจว่าเลือกไฟล์ถูก (ไม่ใช่ .xlsx หรือ UTF-16) แล้วบันทึกเป็น CSV UTF-8",
                "check it is the right file (not .xlsx or UTF-16) and save it as CSV UTF-8",
            ),
        ));
    }
    if let Some(label) = declared {
        let Some(encoding) = encoding_rs::Encoding::for_label(label.trim().as_bytes()) else {
            return Err(encoding_error(
                file,
                None,
                Text::new(format!("ไม่รู้จักรหัสอักขระ \"{label}\""), format!("unknown encoding \"{label}\"")),
                Text::new(
                    "ใช้ชื่อรหัสอักขระมาตรฐาน เช่น \"utf-8\" หรือ \"windows-874\"",
                    "use a standard encoding name such as \"utf-8\" or \"windows-874\"",
                ),
            ));
        };
        let without_bom = strip_bom(bytes, encoding);
        return match encoding.decode_without_bom_handling_and_without_replacement(without_bom) {
            Some(text) => Ok((text.into_owned(), encoding.name())),
            None => Err(encoding_error(
                file,
                first_invalid_row(without_bom, encoding),
                Text::new(
                    format!("ไฟล์ไม่ได้เข้ารหัสเป็น {} ตามที่ระบุไว้", encoding.name()),
                    format!("the file is not valid {} as declared", encoding.name()),
                ),
                Text::new(
                    "แก้ค่า encoding ใน dataset.toml ให้ตรงกับไฟล์ หรือบันทึกไฟล์เป็น CSV UTF-8",
                    "correct `encoding` in dataset.toml to match the file, or save the file as CSV UTF-8",
                ),
            )),
        };
    }
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(without_bom) {
        return Ok((text.to_string(), "UTF-8"));
    }
    let thai = encoding_rs::WINDOWS_874;
    if let Some(text) = thai.decode_without_bom_handling_and_without_replacement(without_bom) {
        warnings.push(Diagnostic::warning(
            Code::EncodingError,
            Location::file(file),
            Text::new(
                "ไฟล์ไม่ได้เข้ารหัสเป็น UTF-8 แต่อ่านได้เป็น Windows-874 (TIS-620) จึงแปลงให้แล้ว",
                "the file is not UTF-8; it reads as Windows-874 (TIS-620) and was converted",
            ),
            Text::new(
                "บันทึกไฟล์เป็น CSV UTF-8 หรือเพิ่ม encoding = \"windows-874\" ใน dataset.toml",
                "save the file as CSV UTF-8, or add encoding = \"windows-874\" to the resource in dataset.toml",
            ),
        ));
        return Ok((text.into_owned(), thai.name()));
    }
    let bad = std::str::from_utf8(without_bom).err().map_or(0, |e| e.valid_up_to());
    Err(encoding_error(
        file,
        row_of_offset(without_bom, bad),
        Text::new(
            "ไฟล์ไม่ได้เข้ารหัสเป็น UTF-8 หรือ Windows-874",
            "the file is neither UTF-8 nor Windows-874 text",
        ),
        Text::new(
            "เปิดไฟล์ในโปรแกรมตารางคำนวณแล้วบันทึกเป็น \"CSV UTF-8\"",
            "open the file in a spreadsheet and save it as \"CSV UTF-8\"",
        ),
    ))
}

fn strip_bom<'a>(bytes: &'a [u8], encoding: &'static encoding_rs::Encoding) -> &'a [u8] {
    match encoding_rs::Encoding::for_bom(bytes) {
        Some((bom_encoding, len)) if bom_encoding == encoding => &bytes[len..],
        _ => bytes,
    }
}

fn first_invalid_row(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> Option<usize> {
    // Decode line by line to find the first line that does not decode.
    let mut offset = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if encoding.decode_without_bom_handling_and_without_replacement(line).is_none() {
            return row_of_offset(bytes, offset);
        }
        offset += line.len();
    }
    None
}

/// The 1-based line of a byte offset (a row, unless quoted cells span lines).
fn row_of_offset(bytes: &[u8], offset: usize) -> Option<usize> {
    Some(bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() + 1)
}

fn encoding_error(file: &Path, row: Option<usize>, message: Text, help: Text) -> Diagnostic {
    let location = Location { row, ..Location::file(file) };
    Diagnostic::error(Code::EncodingError, location, message, help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<(RawTable, Vec<Diagnostic>), Diagnostic> {
        read_csv(bytes, None, Path::new("t.csv"))
    }

    #[test]
    fn reads_header_and_rows_as_text_keeping_leading_zeros() {
        let (t, w) = read(b"code,name\n001,\xe0\xb8\x81\n002,b\n").unwrap();
        assert!(w.is_empty());
        assert_eq!(t.header, ["code", "name"]);
        assert_eq!(t.rows(), 2);
        assert_eq!(t.frame.column("c0").unwrap().str().unwrap().get(0), Some("001"));
        assert_eq!(t.frame.column("c1").unwrap().str().unwrap().get(0), Some("ก"));
    }

    #[test]
    fn a_utf8_bom_is_dropped() {
        let (t, _) = read(b"\xEF\xBB\xBFcode\n1\n").unwrap();
        assert_eq!(t.header, ["code"]);
    }

    #[test]
    fn windows_874_is_converted_with_a_warning() {
        // "ชื่อ" in Windows-874.
        let (t, w) = read(b"name\n\xaa\xd7\xe8\xcd\n").unwrap();
        assert_eq!(t.frame.column("c0").unwrap().str().unwrap().get(0), Some("ชื่อ"));
        assert_eq!(t.encoding, "windows-874");
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, Code::EncodingError);
    }

    #[test]
    fn binary_junk_is_an_encoding_error_not_a_panic() {
        let err = read(b"a,b\n1,\x00\x01\x02").unwrap_err();
        assert_eq!(err.code, Code::EncodingError);
        assert_eq!(err.location.row, Some(2));
    }

    #[test]
    fn an_empty_file_is_an_empty_table() {
        assert_eq!(read(b"").unwrap_err().code, Code::EmptyTable);
    }
}
