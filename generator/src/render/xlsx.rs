//! The `.xlsx` download of a resource: the spreadsheet a citizen opens in Excel, where the
//! canonical CSV (UTF-8 without a byte-order mark) shows Thai as garbage. Cells are typed
//! (numbers, booleans, dates as Excel dates), the header row gives each column's Thai and
//! English titles, and the file's dates come from the metadata so builds stay byte-identical.
//! Text longer than Excel's cell limit (32,767 characters) is cut there, ending in "…".
//!
//! The package is written here, part by part, straight into the output: the same XML that
//! rust_xlsxwriter writes in its constant-memory mode (inline strings, one row at a time), but
//! without its two temporary files per workbook and with a fast deflate (see
//! [`super::zipped`]), which rust_xlsxwriter cannot be given. At 10,000 datasets the workbooks
//! were half the downloads' time, most of it deflating at level 6.

use crate::lang::Lang;
use crate::load::schema::Field;
use crate::model::format::toml_date;
use crate::model::value::to_text;
use chrono::Datelike;
use crate::model::{Dataset, Resource};
use polars::prelude::{AnyValue, Column};
use rust_xlsxwriter::ExcelDateTime;
use super::cells::{Cell, Typed, WINDOW_ROWS, window};
use std::io::Write;

/// Data rows a worksheet holds: Excel's 1,048,576 rows less the header. A larger resource
/// continues on further worksheets, each with the header.
pub const ROWS_PER_SHEET: usize = 1_048_575;

/// Bytes of worksheet XML made before they are handed to the package.
const SHEET_PIECE: usize = 1 << 20;

use crate::load::workbook::MAX_CELL_TEXT;

/// The header of a column: its Thai and English titles (`ปีงบประมาณ / Fiscal year`), each
/// falling back to the column's name, and one of them alone when both are the same.
pub fn header(f: &Field) -> String {
    let th = if f.title.get(Lang::Th).trim().is_empty() { f.name.as_str() } else { f.title.get(Lang::Th) };
    let en = if f.title.get(Lang::En).trim().is_empty() { f.name.as_str() } else { f.title.get(Lang::En) };
    if th == en { th.to_string() } else { format!("{th} / {en}") }
}

/// Writes the workbook of resource `r` of dataset `d` into `out`, in pieces as it is made: a
/// workbook of millions of rows is never held in memory.
pub fn workbook(d: &Dataset, r: &Resource, out: &mut dyn Write) -> Result<(), String> {
    // The file's creation date is the data's last change, never the clock.
    let date = d.meta.modified.as_ref().or(d.meta.issued.as_ref()).and_then(toml_date);
    let created = match date {
        Some(x) => format!("{:04}-{:02}-{:02}T00:00:00Z", x.year().clamp(1900, 9999), x.month(), x.day()),
        None => "1980-01-01T00:00:00Z".to_string(),
    };
    let frame = r.frame().map_err(|e| e.to_string())?;
    let sheets = r.rows().div_ceil(ROWS_PER_SHEET).max(1);
    // Sheet names: at most 31 characters; resource names are `[a-z0-9_-]`.
    let base: String = r.name.chars().take(24).collect();
    let names: Vec<String> = (0..sheets).map(|s| if s == 0 { base.clone() } else { format!("{base} ({})", s + 1) }).collect();
    for i in 0..r.schema.fields.len() {
        col(i)?;
    }
    let letters: Vec<String> = (0..r.schema.fields.len()).map(|i| crate::diagnostic::column_letter(i + 1)).collect();
    // A sheet of more than 4 GB of XML needs Zip64; a cell is rarely more than 64 bytes.
    let large = |sheet: usize| {
        let rows = (ROWS_PER_SHEET.min(r.rows() - (sheet * ROWS_PER_SHEET).min(r.rows())) as u64) + 1;
        rows * (r.schema.fields.len() as u64) * 64 >= u64::from(u32::MAX)
    };
    let parts = Parts { r, frame, sheets, names: &names, letters: &letters, created: &created };
    if sheets == 1 && !large(0) {
        let mut zip = super::zipped::Zip::new(out);
        parts.write(&mut zip, &large)?;
        return zip.finish().map_err(|e| e.to_string());
    }
    let mut zip = Crate { zip: zip::ZipWriter::new_stream(out) };
    parts.write(&mut zip, &large)?;
    zip.zip.finish().map_err(|e| e.to_string())?;
    Ok(())
}

/// What a workbook is made of (see [`workbook`]).
struct Parts<'a> {
    r: &'a Resource,
    frame: &'a polars::prelude::DataFrame,
    sheets: usize,
    names: &'a [String],
    letters: &'a [String],
    created: &'a str,
}

/// A zip package being written: the zip crate's (any size) or [`super::zipped::Zip`] (one
/// that needs no Zip64).
trait Package {
    /// Adds a whole part.
    fn part(&mut self, name: &str, xml: &[u8]) -> Result<(), String>;
    /// Adds a part of [`FIXED_PARTS`].
    fn fixed(&mut self, name: &str) -> Result<(), String>;
    /// Starts a part written in pieces (`large`: it may pass 4 GB).
    fn start(&mut self, name: &str, large: bool) -> Result<(), String>;
    /// A piece of the part started last.
    fn piece(&mut self, bytes: &[u8]) -> Result<(), String>;
    /// A piece of the part started last, in a buffer that is left empty.
    fn piece_from(&mut self, buf: &mut Vec<u8>) -> Result<(), String> {
        self.piece(buf)?;
        buf.clear();
        Ok(())
    }
    /// Adds the workbook's own part `name`, one of those every workbook of a resource of the
    /// same name has alike (its sheet names).
    fn named(&mut self, name: &str, xml: &[u8], _key: &str) -> Result<(), String> {
        self.part(name, xml)
    }
}

/// The zip crate's streaming writer.
struct Crate<W: Write> {
    zip: zip::ZipWriter<zip::write::StreamWriter<W>>,
}

impl<W: Write> Package for Crate<W> {
    fn part(&mut self, name: &str, xml: &[u8]) -> Result<(), String> {
        self.zip.start_file(name, super::zipped::zip_options()).map_err(|e| e.to_string())?;
        self.zip.write_all(xml).map_err(|e| e.to_string())
    }
    fn fixed(&mut self, name: &str) -> Result<(), String> {
        let fixed = FIXED_PARTS.as_ref().map_err(|e| e.to_string())?;
        let mut fixed = zip::ZipArchive::new(std::io::Cursor::new(fixed.as_slice())).map_err(|e| e.to_string())?;
        self.zip.raw_copy_file(fixed.by_name(name).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
    }
    fn start(&mut self, name: &str, large: bool) -> Result<(), String> {
        self.zip.start_file(name, super::zipped::zip_options().large_file(large)).map_err(|e| e.to_string())
    }
    fn piece(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.zip.write_all(bytes).map_err(|e| e.to_string())
    }
}

/// The parts every workbook has the same, deflated once: by name, and the parts that depend
/// only on the number of sheets, of a one-sheet workbook.
static DEFLATED: std::sync::LazyLock<Vec<(&'static str, super::zipped::Deflated)>> = std::sync::LazyLock::new(|| {
    vec![
        ("_rels/.rels", super::zipped::Deflated::new(ROOT_RELS.as_bytes())),
        ("xl/theme/theme1.xml", super::zipped::Deflated::new(THEME.as_bytes())),
        ("xl/styles.xml", super::zipped::Deflated::new(STYLES.as_bytes())),
        ("[Content_Types].xml", super::zipped::Deflated::new(content_types(1).as_bytes())),
        ("xl/_rels/workbook.xml.rels", super::zipped::Deflated::new(workbook_rels(1).as_bytes())),
    ]
});

fn deflated(name: &str) -> Result<&'static super::zipped::Deflated, String> {
    DEFLATED.iter().find(|(n, _)| *n == name).map(|(_, d)| d).ok_or_else(|| format!("no shared workbook part {name}"))
}

thread_local! {
    /// The parts that depend on the resource's name only, deflated once per name (a portal's
    /// resources often share names: `data`, `budget`), per thread.
    static NAMED: std::cell::RefCell<std::collections::HashMap<(String, String), super::zipped::Deflated>> = Default::default();
}

/// Names kept per thread in [`NAMED`] before it starts afresh.
const NAMED_KEPT: usize = 1024;

impl Package for super::zipped::Zip<'_> {
    fn part(&mut self, name: &str, xml: &[u8]) -> Result<(), String> {
        // One-sheet workbooks (all but those of a million rows) share these two.
        let shared = match name {
            "[Content_Types].xml" if xml == content_types(1).as_bytes() => Some(deflated(name)?),
            "xl/_rels/workbook.xml.rels" if xml == workbook_rels(1).as_bytes() => Some(deflated(name)?),
            _ => None,
        };
        match shared {
            Some(d) => self.entry_deflated(name, d),
            None => self.entry(name, xml),
        }
        .map_err(|e| e.to_string())
    }
    fn fixed(&mut self, name: &str) -> Result<(), String> {
        self.copy(name, deflated(name)?).map_err(|e| e.to_string())
    }
    fn start(&mut self, name: &str, _large: bool) -> Result<(), String> {
        super::zipped::Zip::start(self, name).map_err(|e| e.to_string())
    }
    fn piece(&mut self, bytes: &[u8]) -> Result<(), String> {
        super::zipped::Zip::piece(self, bytes).map_err(|e| e.to_string())
    }
    fn piece_from(&mut self, buf: &mut Vec<u8>) -> Result<(), String> {
        super::zipped::Zip::piece_from(self, buf).map_err(|e| e.to_string())
    }
    fn named(&mut self, name: &str, xml: &[u8], key: &str) -> Result<(), String> {
        NAMED.with(|named| {
            let mut named = named.borrow_mut();
            if named.len() >= NAMED_KEPT {
                named.clear();
            }
            let d = named.entry((name.to_string(), key.to_string())).or_insert_with(|| super::zipped::Deflated::new(xml));
            // The key says what the part was made of; the bytes are checked all the same.
            if d.is_of(xml) { self.entry_deflated(name, d) } else { self.entry(name, xml) }
        })
        .map_err(|e| e.to_string())
    }
}

impl Parts<'_> {
    /// Writes every part of the workbook into `zip`.
    fn write(&self, zip: &mut impl Package, large: &dyn Fn(usize) -> bool) -> Result<(), String> {
        let Parts { r, frame, sheets, names, letters, created } = *self;
        let key = names.join("/");
        zip.part("[Content_Types].xml", content_types(sheets).as_bytes())?;
        // The parts every workbook has the same are deflated once, and copied.
        zip.fixed("_rels/.rels")?;
        zip.part("xl/_rels/workbook.xml.rels", workbook_rels(sheets).as_bytes())?;
        zip.fixed("xl/theme/theme1.xml")?;
        zip.fixed("xl/styles.xml")?;
        zip.named("xl/workbook.xml", workbook_xml(names).as_bytes(), &key)?;
        for sheet in 0..sheets {
            let start = sheet * ROWS_PER_SHEET;
            let end = (start + ROWS_PER_SHEET).min(r.rows());
            zip.start(&format!("xl/worksheets/sheet{}.xml", sheet + 1), large(sheet))?;
            let mut buf = Vec::with_capacity(64 * 1024);
            sheet_head(&mut buf, r, sheet == 0, end - start);
            for from in (start..end).step_by(WINDOW_ROWS) {
                let to = (from + WINDOW_ROWS).min(end);
                let columns: Vec<Column> = window(frame, from..to);
                let typed: Vec<Typed> = columns.iter().map(Typed::of).collect();
                for row in from..to {
                    // The first data row is the worksheet's second row.
                    let mut number = itoa::Buffer::new();
                    // The row's number, written once here and in each of its cells' references.
                    let at = number.format(row - start + 2).as_bytes();
                    let mark = buf.len();
                    buf.extend_from_slice(b"<row r=\"");
                    buf.extend_from_slice(at);
                    buf.extend_from_slice(b"\">");
                    let empty = buf.len();
                    for (c, letters) in typed.iter().zip(letters) {
                        match c.get(row - from).map_err(|e| e.to_string())? {
                            Cell::Null => {}
                            Cell::Str(text) => text_cell(&mut buf, letters, at, text),
                            Cell::Bool(b) => cell(&mut buf, letters, at, &AnyValue::Boolean(b)),
                            Cell::Int(i) => cell(&mut buf, letters, at, &AnyValue::Int64(i)),
                            Cell::Float(f) => cell(&mut buf, letters, at, &AnyValue::Float64(f)),
                            Cell::Date(days) => cell(&mut buf, letters, at, &AnyValue::Date(days)),
                            Cell::Any(value) => cell(&mut buf, letters, at, &value),
                        }
                    }
                    if buf.len() == empty {
                        // A row of missing values only is left out, as Excel does.
                        buf.truncate(mark);
                    } else {
                        buf.extend_from_slice(b"</row>");
                    }
                    // Written out in pieces of about 1 MB: a sheet of a million rows is never
                    // held, and most sheets are one piece, taken by the package without a copy.
                    if buf.len() >= SHEET_PIECE {
                        zip.piece_from(&mut buf)?;
                    }
                }
            }
            buf.extend_from_slice(SHEET_TAIL.as_bytes());
            zip.piece_from(&mut buf)?;
        }
        zip.part("docProps/core.xml", core_xml(&r.title_in(Lang::En), created).as_bytes())?;
        zip.named("docProps/app.xml", app_xml(names).as_bytes(), &key)?;
        Ok(())
    }
}

/// The parts that are the same in every workbook (root relationships, theme, styles), zipped
/// once per build rather than deflated again for each of 15,000 workbooks.
static FIXED_PARTS: std::sync::LazyLock<zip::result::ZipResult<Vec<u8>>> = std::sync::LazyLock::new(|| {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, xml) in [("_rels/.rels", ROOT_RELS), ("xl/theme/theme1.xml", THEME), ("xl/styles.xml", STYLES)] {
        zip.start_file(name, super::zipped::zip_options())?;
        zip.write_all(xml.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
});

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// The Office theme Excel's own files carry (the styles' fonts and colours refer to it).
const THEME: &str = include_str!("xlsx_theme.xml");

const ROOT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "</Relationships>"
);

/// Cell styles: 0 plain, 1 the header (bold, top-aligned, wrapped), 2 dates, 3 date-times.
const STYLES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
    "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/><numFmt numFmtId=\"165\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/></numFmts>",
    "<fonts count=\"2\"><font><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font>",
    "<font><b/><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font></fonts>",
    "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>",
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>",
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>",
    "<cellXfs count=\"4\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>",
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\" wrapText=\"1\"/></xf>",
    "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>",
    "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>",
    "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>",
    "<dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/></styleSheet>"
);

const SHEET_TAIL: &str = "</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>";

fn content_types(sheets: usize) -> String {
    let mut s = String::from(XML_DECLARATION);
    s.push_str("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">");
    s.push_str("<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>");
    s.push_str("<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>");
    s.push_str("<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>");
    s.push_str("<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>");
    s.push_str("<Override PartName=\"/xl/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>");
    s.push_str("<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
    for i in 1..=sheets {
        s.push_str(&format!("<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"));
    }
    s.push_str("</Types>");
    s
}

fn workbook_rels(sheets: usize) -> String {
    let mut s = String::from(XML_DECLARATION);
    s.push_str("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
    for i in 1..=sheets {
        s.push_str(&format!("<Relationship Id=\"rId{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"));
    }
    s.push_str(&format!("<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/>", sheets + 1));
    s.push_str(&format!("<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>", sheets + 2));
    s.push_str("</Relationships>");
    s
}

fn workbook_xml(names: &[String]) -> String {
    let mut s = String::from(XML_DECLARATION);
    s.push_str("<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">");
    s.push_str("<fileVersion appName=\"xl\" lastEdited=\"4\" lowestEdited=\"4\" rupBuild=\"4505\"/><workbookPr defaultThemeVersion=\"124226\"/>");
    s.push_str("<bookViews><workbookView xWindow=\"240\" yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"/></bookViews><sheets>");
    for (i, name) in names.iter().enumerate() {
        s.push_str(&format!("<sheet name=\"{}\" sheetId=\"{}\" r:id=\"rId{}\"/>", escape_attribute(name), i + 1, i + 1));
    }
    s.push_str("</sheets><calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
    s
}

fn core_xml(title: &str, created: &str) -> String {
    let mut s = String::from(XML_DECLARATION);
    s.push_str("<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
    let mut t = Vec::new();
    escape_text(&mut t, title);
    s.push_str(&format!("<dc:title>{}</dc:title>", String::from_utf8_lossy(&t)));
    s.push_str("<dc:creator></dc:creator><cp:lastModifiedBy></cp:lastModifiedBy>");
    s.push_str(&format!("<dcterms:created xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:modified>"));
    s.push_str("</cp:coreProperties>");
    s
}

fn app_xml(names: &[String]) -> String {
    let mut s = String::from(XML_DECLARATION);
    s.push_str("<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">");
    s.push_str("<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>");
    s.push_str(&format!(
        "<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>{}</vt:i4></vt:variant></vt:vector></HeadingPairs>",
        names.len()
    ));
    s.push_str(&format!("<TitlesOfParts><vt:vector size=\"{}\" baseType=\"lpstr\">", names.len()));
    for name in names {
        let mut t = Vec::new();
        escape_text(&mut t, name);
        s.push_str(&format!("<vt:lpstr>{}</vt:lpstr>", String::from_utf8_lossy(&t)));
    }
    s.push_str("</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>");
    s.push_str("<HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>");
    s
}

/// The worksheet up to its first data row: its extent, the frozen header row, the column
/// widths and the header row itself.
fn sheet_head(buf: &mut Vec<u8>, r: &Resource, first: bool, rows: usize) {
    let fields = &r.schema.fields;
    buf.extend_from_slice(XML_DECLARATION.as_bytes());
    buf.extend_from_slice(b"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">");
    let last = format!("{}{}", crate::diagnostic::column_letter(fields.len().max(1)), rows + 1);
    let dimension = if last == "A1" { last } else { format!("A1:{last}") };
    buf.extend_from_slice(format!("<dimension ref=\"{dimension}\"/>").as_bytes());
    buf.extend_from_slice(if first { b"<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">".as_slice() } else { b"<sheetViews><sheetView workbookViewId=\"0\">".as_slice() });
    buf.extend_from_slice(b"<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView></sheetViews>");
    buf.extend_from_slice(b"<sheetFormatPr defaultRowHeight=\"15\"/>");
    if !fields.is_empty() {
        buf.extend_from_slice(b"<cols>");
        // Wide enough for the header's longer title, not for every long cell; neighbours of
        // the same width share one element.
        let widths: Vec<usize> = fields.iter().map(|f| header(f).split(" / ").map(|t| t.chars().count()).max().unwrap_or(8).clamp(8, 40) + 2).collect();
        let mut first_col = 0;
        for i in 0..widths.len() {
            if i + 1 == widths.len() || widths[i + 1] != widths[i] {
                // Excel's stored width of a column `w` characters wide (7-pixel digits, 5 pixels of padding).
                let pixels = widths[i] as u32 * 7 + 5;
                let width = f64::from(pixels * 256 / 7) / 256.0;
                buf.extend_from_slice(format!("<col min=\"{}\" max=\"{}\" width=\"{width}\" customWidth=\"1\"/>", first_col + 1, i + 1).as_bytes());
                first_col = i + 1;
            }
        }
        buf.extend_from_slice(b"</cols>");
    }
    buf.extend_from_slice(b"<sheetData>");
    if !fields.is_empty() {
        buf.extend_from_slice(b"<row r=\"1\">");
        for (i, f) in fields.iter().enumerate() {
            string_cell(buf, &crate::diagnostic::column_letter(i + 1), b"1", &header(f), " s=\"1\"");
        }
        buf.extend_from_slice(b"</row>");
    }
}

/// Appends `<c r="B7"`.
fn cell_start(buf: &mut Vec<u8>, letters: &str, row: &[u8]) {
    buf.extend_from_slice(b"<c r=\"");
    buf.extend_from_slice(letters.as_bytes());
    buf.extend_from_slice(row);
    buf.push(b'"');
}

fn number_cell(buf: &mut Vec<u8>, letters: &str, row: &[u8], number: f64, style: &str) {
    cell_start(buf, letters, row);
    buf.extend_from_slice(style.as_bytes());
    buf.extend_from_slice(b"><v>");
    // Rust's shortest round-trip form, never an exponent: what Excel reads back exactly. A
    // whole number (but -0, written "-0") is its digits, written without the float formatter.
    if number.fract() == 0.0 && number.abs() < 1.0e15 && !(number == 0.0 && number.is_sign_negative()) {
        super::encode::push_int(buf, number as i64);
    } else {
        super::encode::push_float_display(buf, number);
    }
    buf.extend_from_slice(b"</v></c>");
}

fn string_cell(buf: &mut Vec<u8>, letters: &str, row: &[u8], text: &str, style: &str) {
    cell_start(buf, letters, row);
    buf.extend_from_slice(style.as_bytes());
    buf.extend_from_slice(b" t=\"inlineStr\"><is><t");
    // Excel drops leading and trailing spaces unless told to keep them.
    if text.starts_with(['\t', '\n', ' ']) || text.ends_with(['\t', '\n', ' ']) {
        buf.extend_from_slice(b" xml:space=\"preserve\"");
    }
    buf.push(b'>');
    escape_text(buf, text);
    buf.extend_from_slice(b"</t></is></c>");
}

/// Appends `text` as XML character data the way Excel writes it: `&`, `<`, `>` as entities,
/// control characters (which XML cannot hold) and U+FFFE/U+FFFF as `_xHHHH_`, and a literal
/// `_xHHHH_` in the text with its underscore escaped (`_x005F_`) so it is not read as one.
fn escape_text(buf: &mut Vec<u8>, text: &str) {
    // Read byte by byte: every character escaped is ASCII but U+FFFE and U+FFFF (EF BF BE and
    // EF BF BF), and in UTF-8 an ASCII byte is always that character, so the Thai text of most
    // cells is copied in runs without being decoded.
    let bytes = text.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (escaped, len): (&[u8], usize) = match b {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'\t' | b'\n' => (b"", 0),
            0..=0x1f => (&CONTROL[usize::from(b)], 1),
            b'_' if is_escape_at(bytes, i) => (b"_x005F_", 1),
            0xEF if bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) => {
                (if bytes[i + 2] == 0xBE { b"_xFFFE_" } else { b"_xFFFF_" }, 3)
            }
            _ => (b"", 0),
        };
        if len == 0 {
            i += 1;
            continue;
        }
        buf.extend_from_slice(&bytes[from..i]);
        buf.extend_from_slice(escaped);
        i += len;
        from = i;
    }
    buf.extend_from_slice(&bytes[from..]);
}

/// `_x0000_` to `_x001F_`: the escapes of the control characters.
const CONTROL: [[u8; 7]; 32] = {
    let mut all = [*b"_x0000_"; 32];
    let hex = b"0123456789ABCDEF";
    let mut c = 0;
    while c < 32 {
        all[c][4] = hex[c >> 4];
        all[c][5] = hex[c & 15];
        c += 1;
    }
    all
};

/// Whether `_xHHHH_` (four hex digits) starts at byte `i`.
fn is_escape_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i..i + 7).is_some_and(|w| w[1] == b'x' && w[2..6].iter().all(u8::is_ascii_hexdigit) && w[6] == b'_')
}

/// `text` as an XML attribute value.
fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A column index as Excel's (at most 16,384 columns).
fn col(i: usize) -> Result<u16, String> {
    u16::try_from(i).ok().filter(|c| *c < 16_384).ok_or_else(|| format!("column {} is past Excel's last column (16,384)", i + 1))
}

/// 1900-03-01 in days since 1970-01-01.
const MARCH_1900: i32 = -25_508;

/// Writes one cell as its type: numbers as numbers (whole numbers beyond Excel's 15 digits as
/// text, so no digit is lost), booleans, dates and date-times as Excel dates, the rest as text;
/// a missing value as no cell.
fn cell(buf: &mut Vec<u8>, letters: &str, row: &[u8], value: &AnyValue) {
    const EXACT: i64 = 999_999_999_999_999;
    match value {
        AnyValue::Null => {}
        AnyValue::Boolean(b) => {
            cell_start(buf, letters, row);
            buf.extend_from_slice(if *b { b" t=\"b\"><v>1</v></c>" } else { b" t=\"b\"><v>0</v></c>" });
        }
        AnyValue::Int64(i) if i.unsigned_abs() <= EXACT.unsigned_abs() => number_cell(buf, letters, row, *i as f64, ""),
        AnyValue::Int32(i) => number_cell(buf, letters, row, f64::from(*i), ""),
        AnyValue::UInt32(i) => number_cell(buf, letters, row, f64::from(*i), ""),
        AnyValue::Float64(f) if f.is_finite() => number_cell(buf, letters, row, *f, ""),
        AnyValue::Float32(f) if f.is_finite() => number_cell(buf, letters, row, f64::from(*f), ""),
        // Days since 1970 as Excel's serial (days since 1899-12-30, from March 1900 on: Excel
        // counts a 29 February 1900 that never was); earlier dates stay text.
        AnyValue::Date(days) if *days >= MARCH_1900 => number_cell(buf, letters, row, f64::from(*days) + 25_569.0, " s=\"2\""),
        AnyValue::Date(_) | AnyValue::Datetime(..) | AnyValue::DatetimeOwned(..) => {
            let text = to_text(value).unwrap_or_default();
            let style = if matches!(value, AnyValue::Date(_)) { " s=\"2\"" } else { " s=\"3\"" };
            // Excel has no dates before 1900: those stay text. Nor has it time zones: a
            // datetime is the wall time its text shows, without its offset (which the parser
            // would take for part of the seconds).
            match ExcelDateTime::parse_from_str(wall_time(&text)) {
                Ok(dt) if !text.starts_with('-') && text.get(..4).and_then(|y| y.parse::<u16>().ok()).is_some_and(|y| y >= 1900) => {
                    number_cell(buf, letters, row, dt.to_excel(), style);
                }
                _ => string_cell(buf, letters, row, &text, ""),
            }
        }
        other => {
            if let Some(text) = to_text(other) {
                text_cell(buf, letters, row, &text);
            }
        }
    }
}

/// A datetime's text without its offset (`Z`, `+07:00`): the wall time it shows.
fn wall_time(text: &str) -> &str {
    if let Some(local) = text.strip_suffix('Z') {
        return local;
    }
    let b = text.as_bytes();
    match b.len().checked_sub(6) {
        Some(at) if at >= 19 && matches!(b[at], b'+' | b'-') && b[at + 3] == b':' => &text[..at],
        _ => text,
    }
}

/// Writes a text cell; text longer than Excel allows is cut, ending in "…" (the CSV has it
/// whole).
fn text_cell(buf: &mut Vec<u8>, letters: &str, row: &[u8], text: &str) {
    // Fewer bytes than the limit are fewer characters too: only long text is counted.
    if text.len() > MAX_CELL_TEXT && text.chars().count() > MAX_CELL_TEXT {
        let cut: String = text.chars().take(MAX_CELL_TEXT - 1).chain(['…']).collect();
        string_cell(buf, letters, row, &cut, "");
    } else {
        string_cell(buf, letters, row, text, "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_datetime_is_its_wall_time_in_excel() {
        // The parser read `45+07` as no seconds at all.
        let serial = |t: &str| ExcelDateTime::parse_from_str(wall_time(t)).unwrap().to_excel();
        assert_eq!(serial("2024-03-01T23:30:45+07:00"), serial("2024-03-01T23:30:45"));
        assert_eq!(serial("2024-03-01T23:30:45.5-03:30"), serial("2024-03-01T23:30:45.5"));
        assert_eq!(serial("2024-03-01T16:30:45Z"), serial("2024-03-01T16:30:45"));
        assert_eq!(wall_time("2024-03-01"), "2024-03-01");
    }

    /// The escaping as it was written first, character by character: the reference.
    fn escape_by_char(text: &str) -> Vec<u8> {
        let mut buf = Vec::new();
        let bytes = text.as_bytes();
        let mut from = 0;
        for (i, ch) in text.char_indices() {
            let escaped: Option<String> = match ch {
                '&' => Some("&amp;".into()),
                '<' => Some("&lt;".into()),
                '>' => Some("&gt;".into()),
                '\t' | '\n' => None,
                '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => Some(format!("_x{:04X}_", ch as u32)),
                '_' if is_escape_at(bytes, i) => Some("_x005F_".into()),
                _ => None,
            };
            if let Some(e) = escaped {
                buf.extend_from_slice(&bytes[from..i]);
                buf.extend_from_slice(e.as_bytes());
                from = i + ch.len_utf8();
            }
        }
        buf.extend_from_slice(&bytes[from..]);
        buf
    }

    /// Whole numbers beyond Excel's 15 digits are text cells, both sides of zero: the smallest
    /// 64-bit integer (whose absolute value has no i64) was written as a rounded float.
    #[test]
    fn whole_numbers_beyond_fifteen_digits_are_text_both_sides_of_zero() {
        let cell_of = |i: i64| {
            let mut buf = Vec::new();
            cell(&mut buf, "A", b"1", &AnyValue::Int64(i));
            String::from_utf8(buf).unwrap()
        };
        assert_eq!(cell_of(-999_999_999_999_999), "<c r=\"A1\"><v>-999999999999999</v></c>");
        for i in [i64::MIN, i64::MAX, -1_000_000_000_000_000, 1_000_000_000_000_000] {
            assert!(cell_of(i).contains(&format!("t=\"inlineStr\"><is><t>{i}</t>")), "{}", cell_of(i));
        }
    }

    /// Text escaped byte by byte is what escaping it character by character gave: entities,
    /// every control character, U+FFFE/U+FFFF beside their neighbours U+FFFD and U+EFBF, and
    /// literal `_xHHHH_` sequences, among Thai text.
    #[test]
    fn text_is_escaped_as_by_character() {
        let mut samples: Vec<String> = vec![
            String::new(),
            "ไทย & <b> \"q\" 'a'".into(),
            "_x0041_ _x00G1_ _x004 __x0041__ _".into(),
            "\u{fffd}\u{fffe}\u{ffff}\u{efbf}\u{10000}ก".into(),
            "tab\there\nline\r\u{7f}\u{85}".into(),
        ];
        samples.extend((0u32..0x20).map(|c| format!("a{}ข", char::from_u32(c).unwrap())));
        for text in &samples {
            let mut ours = Vec::new();
            escape_text(&mut ours, text);
            assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(escape_by_char(text)).unwrap(), "{text:?}");
        }
    }
}
