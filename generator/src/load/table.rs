//! Turns a CSV file's bytes into a table of raw strings with Polars. Bytes are decoded with
//! encoding_rs first (never lossily: Polars' lossy mode would turn Thai into U+FFFD), so files
//! saved by Excel or legacy systems in Windows-874/TIS-620 are read correctly. A text without
//! quote characters is read in parts (see `parts`); any other, or one that surprises that
//! read, by Polars' reader after one scan of the whole text.

use crate::diagnostic::{Code, Diagnostic, Location, column_letter};
use crate::lang::Text;
use crate::load::dataset::DialectMeta;
use crate::load::parts::{PartsParse, in_utf8, read_in_parts};
use crate::load::scan::{ByteScan, Shapes, Traits, record_shapes, records, split_record};
use std::borrow::Cow;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// A file's bytes, shared with the table read from them (see [`RawTable::text`]).
pub type SharedBytes = Arc<dyn Bytes>;

/// Bytes a table is read from. A file mapped into memory counts in the process's memory for
/// every page read: those of a part already parsed can be given back (see [`Bytes::release`]),
/// so that a 1 GB file does not hold 1 GB beside the table read from it (issue 15).
pub trait Bytes: AsRef<[u8]> + Send + Sync {
    /// Lets the system drop the pages wholly inside `range` from this process's memory; they
    /// are read again from the file should they be used later. Bytes in the process's own
    /// memory cannot be given back: for them this does nothing.
    fn release(&self, _range: Range<usize>) {}
}

impl Bytes for Vec<u8> {}

/// Columns that Polars may type while it parses (header label → type): numbers whose text its
/// parser reads exactly as validation's typing would (see `Field::parser_type`).
pub type ParserTypes = BTreeMap<String, DataType>;

/// The text a table was read from, kept so that diagnostics show rows as the files have them:
/// one file's, or those of the files a resource is split into, one after another.
#[derive(Clone)]
pub struct SourceText {
    files: Vec<FileText>,
}

impl SourceText {
    /// The text of `above`'s rows followed by `below`'s, which start at row `offset`.
    pub fn followed_by(mut self, below: SourceText, offset: usize) -> SourceText {
        self.files.extend(below.files.into_iter().map(|f| FileText { first_row: f.first_row + offset, ..f }));
        self
    }

    /// The cells of data rows (0-based, ascending) as their files write them, quotes removed.
    fn row_cells(&self, rows: &[usize]) -> Vec<Vec<String>> {
        let mut cells = Vec::with_capacity(rows.len());
        for (i, file) in self.files.iter().enumerate() {
            let end = self.files.get(i + 1).map_or(usize::MAX, |next| next.first_row);
            let records: Vec<usize> = rows.iter().filter(|&&r| r >= file.first_row && r < end).map(|r| r - file.first_row + 1).collect();
            if records.is_empty() {
                continue;
            }
            cells.extend(file.records(&records).into_iter().map(|record| crate::load::scan::split_record(&record, file.delimiter, file.quote)));
        }
        cells
    }
}

/// The text of one file a table was read from.
#[derive(Clone)]
struct FileText {
    bytes: SharedBytes,
    range: Range<usize>,
    /// The 8-bit encoding the bytes are in, when they were decoded part by part as they were
    /// parsed (see `parts`) rather than kept decoded: the rows shown are decoded one by one.
    encoding: Option<&'static encoding_rs::Encoding>,
    /// The table's row (0-based) that is this file's first data row.
    first_row: usize,
    /// Its delimiter and quote character.
    delimiter: u8,
    quote: Option<u8>,
}

impl FileText {
    fn as_bytes(&self) -> &[u8] {
        &(*self.bytes).as_ref()[self.range.clone()]
    }

    /// Gives back the memory of `part`, a part of this text (see [`Bytes::release`]).
    fn release(&self, part: &[u8]) {
        let all = (*self.bytes).as_ref();
        let start = (part.as_ptr() as usize).wrapping_sub(all.as_ptr() as usize);
        if start <= all.len() && part.len() <= all.len() - start {
            self.bytes.release(start..start + part.len());
        }
    }

    /// The records of the text (see [`records`]), giving back the pages walked past as it goes:
    /// listing a row near the end of a 1 GB file reads the whole file again.
    fn records(&self, wanted: &[usize]) -> Vec<Vec<u8>> {
        let text = self.as_bytes();
        let mut released = 0;
        let found = crate::load::scan::records_walking(text, self.quote, wanted, &mut |pos| {
            if pos - released >= RELEASE_BYTES {
                self.release(&text[released..pos]);
                released = pos;
            }
        });
        let found: Vec<Vec<u8>> = found
            .into_iter()
            .map(|record| match self.encoding {
                // Bytes below 0x80 are ASCII in such an encoding: the record was found as it is.
                Some(e) => e.decode_without_bom_handling(record).0.into_owned().into_bytes(),
                None => record.to_vec(),
            })
            .collect();
        self.release(text);
        found
    }
}

/// How many bytes of a mapped file are walked past before their pages are given back.
const RELEASE_BYTES: usize = 64 << 20;

impl std::fmt::Debug for SourceText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bytes: Vec<usize> = self.files.iter().map(|t| t.range.len()).collect();
        write!(f, "SourceText({bytes:?} bytes)")
    }
}

/// A CSV file as cells, before the schema's rules: columns `c0..cN` in file order.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// The header labels, in file order (empty where a label is blank).
    pub header: Vec<String>,
    /// The data rows (header excluded) in columns named `c<i>`: text, except the columns
    /// Polars typed while parsing (see [`ParserTypes`]), whose nulls are missing values.
    pub frame: DataFrame,
    /// The decoded text, when the table was read from one.
    pub text: Option<SourceText>,
    /// The encoding the file was decoded from.
    pub encoding: &'static str,
    /// The delimiter the file uses.
    pub delimiter: u8,
    /// The quote character the file uses, if any.
    pub quote: Option<u8>,
    /// Whether empty cells were read as nulls (the empty string is a missing value).
    pub empty_is_null: bool,
    /// Rows (0-based data row index, cells) with fewer cells than the header; Polars filled
    /// their missing cells (with empty text or nulls).
    pub short_rows: Vec<(usize, usize)>,
    /// Rows (0-based data row index, cells) with more cells than the header; Polars dropped
    /// the extra cells.
    pub long_rows: Vec<(usize, usize)>,
    /// The rows of `long_rows` (ascending) whose extra cells were all empty.
    pub padded_rows: Vec<usize>,
    /// What a quick scan of the bytes found, so that checks that cannot fire are skipped.
    pub traits: Traits,
    /// The file's row (1-based) of the header, its last row when it takes several: 1 unless
    /// the table starts lower (see `dialect.headerRows`).
    pub header_row: usize,
    /// Where the rows are in the files and sheets they were read from (empty for one CSV
    /// file, whose rows are its own), so that diagnostics name the place a person will open.
    pub places: crate::load::workbook::Places,
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

    /// Drops the cells once the table is checked, where its rows can still be shown from the
    /// text it was read from (see [`RawTable::row_cells`]): the typed table is all later stages
    /// need, and a 10-million-row file's text cells take 1.6 GB beside it. Header, shapes and
    /// row count stay. A table made in memory, which has no text, keeps its cells.
    pub fn release_cells(&mut self) {
        if self.text.is_some() {
            self.frame = DataFrame::empty_with_height(self.frame.height());
        }
    }

    /// The cells of data rows (0-based, ascending) as the file writes them, quotes removed;
    /// a short row has fewer cells.
    pub fn row_cells(&self, rows: &[usize]) -> PolarsResult<Vec<Vec<String>>> {
        if let Some(text) = &self.text {
            return Ok(text.row_cells(rows));
        }
        // A table made in memory (as `sala init` does, column by column): its cells as text,
        // numbers Polars typed while parsing as canonical text (5, not 5.0).
        let index = IdxCa::from_vec("".into(), rows.iter().map(|&r| r as IdxSize).collect());
        let picked = self.frame.take(&index)?;
        Ok((0..rows.len())
            .map(|i| picked.columns().iter().map(|c| c.get(i).ok().and_then(|v| crate::model::value::to_text(&v)).unwrap_or_default()).collect())
            .collect())
    }
}

/// Decodes and reads a CSV file; `file` is the path shown in diagnostics.
/// Returns the table and any warnings, or the diagnostic that made reading impossible.
/// Cells equal to one of `missing_values` are read as nulls (by Polars, while parsing), and
/// the columns named in `types` may be typed by Polars (when the file allows it).
pub fn read_csv(
    shared: SharedBytes,
    declared_encoding: Option<&str>,
    dialect: Option<&DialectMeta>,
    missing_values: &[String],
    types: &ParserTypes,
    file: &Path,
) -> Result<(RawTable, Vec<Diagnostic>), Diagnostic> {
    read_csv_in_parts(shared, declared_encoding, dialect, missing_values, types, file, Some(PART_BYTES))
}

/// [`read_csv`] with the fast read's parts of `part_bytes` bytes, or without the fast read
/// (`None`): for tests and fuzzing, which check that both reads give the same table.
#[doc(hidden)]
pub fn read_csv_in_parts(
    shared: SharedBytes,
    declared_encoding: Option<&str>,
    dialect: Option<&DialectMeta>,
    missing_values: &[String],
    types: &ParserTypes,
    file: &Path,
    part_bytes: Option<usize>,
) -> Result<(RawTable, Vec<Diagnostic>), Diagnostic> {
    let bytes = (*shared).as_ref();
    // The text: a part of the shared bytes, or bytes of its own once decoded or repaired.
    let part_of_file = |text: &[u8]| {
        let start = text.as_ptr() as usize - bytes.as_ptr() as usize;
        FileText { bytes: shared.clone(), range: start..start + text.len(), encoding: None, first_row: 0, delimiter: b',', quote: None }
    };
    let read = |text: FileText, encoding, warnings, verify| {
        let release = |part: &[u8]| text.release(part);
        let parse = Parse { dialect, missing_values, types, file, part_bytes, release: &release, decode: text.encoding };
        let read = parse.run(text.as_bytes(), encoding, warnings, verify);
        // The table holds the cells now: the file's pages are read again only to show a row.
        text.release(text.as_bytes());
        Ok(read?.map(|(table, warnings, offset)| {
            // Its records counted from the (last) header row, as the table's rows are.
            let range = text.range.start + offset..text.range.end;
            let file = FileText { delimiter: table.delimiter, quote: table.quote, range, ..text.clone() };
            (RawTable { text: Some(SourceText { files: vec![file] }), ..table }, warnings)
        }))
    };
    // Nearly every file is UTF-8 with one kind of line end: it is parsed as it is, once its
    // bytes are checked. A file that fails (another encoding, NUL bytes, lone carriage
    // returns) is decoded or repaired first, which also words the diagnostic.
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if declared_encoding.is_none() && !utf16 {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if let Some(read) = read(part_of_file(text), "UTF-8", Vec::new(), true)? {
            return Ok(read);
        }
    }
    let mut warnings = Vec::new();
    let (text, encoding) = match decode(bytes, declared_encoding, file, &mut warnings, part_bytes.is_some())? {
        Decoded::Text(text, encoding) => (text, encoding),
        Decoded::Deferred(raw, encoding) => {
            // An 8-bit text (Windows-874) is decoded part by part as it is parsed, so that
            // neither the file nor its decoded text is ever all in memory (issue 15); a text
            // that read cannot take is decoded whole, as any other.
            let text = FileText { encoding: Some(encoding), ..part_of_file(raw) };
            // Telling the encoding read every byte: the pages go back until parsed.
            text.release(raw);
            if let Some(read) = read(text, encoding.name(), warnings.clone(), false)? {
                return Ok(read);
            }
            warnings.clear();
            match decode(bytes, declared_encoding, file, &mut warnings, false)? {
                Decoded::Text(text, encoding) => (text, encoding),
                Decoded::Deferred(..) => return Err(source_error(file, "the text could not be decoded")),
            }
        }
    };
    let (text, mixed, doubled) = normalise_line_endings(text);
    let text = match text {
        Cow::Borrowed(part) => part_of_file(part),
        Cow::Owned(own) => FileText { range: 0..own.len(), bytes: Arc::new(own), encoding: None, first_row: 0, delimiter: b',', quote: None },
    };
    if doubled {
        warnings.push(Diagnostic::warning(
            Code::SourceError,
            Location::file(file),
            Text::new(
                "บรรทัดในไฟล์ลงท้ายด้วย CR CR LF (โปรแกรมที่เขียนไฟล์ใส่ตัวขึ้นบรรทัดใหม่ซ้ำ) จึงอ่านเป็นการขึ้นบรรทัดใหม่ครั้งเดียว ไม่ใช่แถวว่าง",
                "the file's lines end with CR CR LF (the program that wrote it doubled its line ends): each is read as one line end, not a blank row",
            ),
            Text::new(
                "บันทึกไฟล์ใหม่เป็น CSV UTF-8 หรือถ้าเขียนด้วย Python ให้เปิดไฟล์ด้วย newline='' ก่อนใช้ csv.writer",
                "save the file again as CSV UTF-8; if a Python script writes it, open the file with newline='' for csv.writer",
            ),
        ));
    }
    if mixed {
        warnings.push(Diagnostic::warning(
            Code::SourceError,
            Location::file(file),
            Text::new(
                "ไฟล์มีการขึ้นบรรทัดใหม่แบบ CR เดี่ยว (แบบ Mac รุ่นเก่า) ปนอยู่ จึงแยกแถวที่ตำแหน่งนั้นด้วย",
                "the file has lone CR line breaks (old Mac style) among its lines; rows were split there too",
            ),
            Text::new(
                "บันทึกไฟล์ใหม่เป็น CSV UTF-8 เพื่อให้ทุกบรรทัดลงท้ายแบบเดียวกัน และตรวจว่าไม่มีแถวใดถูกแยกผิด",
                "save the file again as CSV UTF-8 so all lines end the same way, and check no row was split wrongly",
            ),
        ));
    }
    // Unverified, the parse gives a table or a diagnostic; `None` cannot come back.
    read(text, encoding, warnings, false)?.ok_or_else(|| source_error(file, "the text could not be read"))
}

/// Whether two reads of a file gave the same table and diagnostics (see [`read_csv_in_parts`]).
#[doc(hidden)]
pub fn same_read(a: &Result<(RawTable, Vec<Diagnostic>), Diagnostic>, b: &Result<(RawTable, Vec<Diagnostic>), Diagnostic>) -> bool {
    match (a, b) {
        (Ok((a, wa)), Ok((b, wb))) => {
            // Values compare as text too, so that a NaN read from the same text matches.
            let as_text = |f: &DataFrame| f.columns().iter().map(|c| c.cast(&DataType::String).ok()).collect::<Vec<_>>();
            wa == wb
                && a.header == b.header
                && a.frame.schema() == b.frame.schema()
                && as_text(&a.frame) == as_text(&b.frame)
                && (a.encoding, a.delimiter, a.quote, a.empty_is_null) == (b.encoding, b.delimiter, b.quote, b.empty_is_null)
                && (&a.short_rows, &a.long_rows, &a.padded_rows, a.traits) == (&b.short_rows, &b.long_rows, &b.padded_rows, b.traits)
        }
        (Err(a), Err(b)) => a == b,
        _ => false,
    }
}

/// The size of the fast read's parts: a part, and the columns parsed from it, stay in a
/// core's cache (see `parts`).
const PART_BYTES: usize = 1 << 20;

/// How to parse one decoded CSV text.
struct Parse<'a> {
    dialect: Option<&'a DialectMeta>,
    missing_values: &'a [String],
    types: &'a ParserTypes,
    file: &'a Path,
    /// The size of the fast read's parts; `None` for the general read only.
    part_bytes: Option<usize>,
    /// Gives back the memory of a part of the text once parsed (see [`Bytes::release`]).
    release: &'a (dyn Fn(&[u8]) + Sync),
    /// The 8-bit encoding of a text given undecoded: only the fast read, which decodes it part
    /// by part, may read it (see [`Decoded::Deferred`]).
    decode: Option<&'static encoding_rs::Encoding>,
}

impl Parse<'_> {
    /// Scans `text`'s bytes, then parses it with Polars. With `verify` (for text not yet
    /// decoded), `None` is returned when the text has NUL bytes or lone carriage returns, or is
    /// not UTF-8.
    fn run(
        &self,
        text: &[u8],
        encoding: &'static str,
        mut warnings: Vec<Diagnostic>,
        verify: bool,
    ) -> Result<Option<(RawTable, Vec<Diagnostic>, usize)>, Diagnostic> {
        let file = self.file;
        if text.trim_ascii().is_empty() {
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
        // The table may start below its file's first line: under Excel's `sep=;` line, under
        // a title and blank lines, or with a header of several rows (see `Above`).
        let above = self.above(text, &mut warnings)?;
        let read = self.run_below(&text[above.offset..], &above, encoding, warnings, verify).map_err(|mut d| {
            // A record of the text read is `above.records` rows further down the file.
            if let Some(row) = &mut d.location.row {
                *row += above.records;
            }
            d
        })?;
        Ok(read.map(|(table, warnings)| (RawTable { header_row: above.records + 1, ..table }, warnings, above.offset)))
    }

    /// Where the table starts in `text` (see [`Above`]), with the dialect to read it in.
    fn above(&self, text: &[u8], warnings: &mut Vec<Diagnostic>) -> Result<Above, Diagnostic> {
        let file = self.file;
        // A first line `sep=;` names the separator (for Excel, which hides the line): it is
        // read so, unless the resource declares one.
        let hint = separator_hint(text);
        let mut dialect = self.dialect.cloned().unwrap_or_default();
        let declared = dialect.delimiter.is_some();
        if let (Some(separator), false) = (hint, declared) {
            dialect.delimiter = Some(separator.to_string());
        }
        let hinted = usize::from(hint.is_some());
        let start = record_start(text, None, hinted);
        let body = &text[start..];
        let header_rows = declared_header_rows(dialect.header_rows.as_deref(), hinted, file)?;
        // The dialect as the first lines show it; found again below them when the table
        // starts lower (a title line hides the delimiter from detection).
        let mut probe = Vec::new();
        let (delimiter, quote) = dialect_of(body, Some(&dialect), file, &mut probe)?;
        let (first, rows) = match header_rows {
            Some((first, rows)) => (first, rows),
            None => match header_below_lines(body, delimiter, quote, dialect.delimiter.is_some()) {
                Some((header, cells, below)) => {
                    // A group label's merged cells leave blanks after it, filled in the row below.
                    warnings.push(lines_above_header(file, hinted + header, &cells, group_spans_on(&cells, &below)));
                    (header, 1)
                }
                None => {
                    warnings.append(&mut probe);
                    return Ok(Above { offset: start, records: hinted, labels: None, delimiter, quote });
                }
            },
        };
        // The table's own text, from its (first) header row: its delimiter is found there.
        let table = &body[record_start(body, quote, first)..];
        if table.trim_ascii().is_empty() {
            return Err(Diagnostic::error(
                Code::MetadataError,
                Location::file(file),
                Text::new(
                    format!("headerRows บอกว่าหัวตารางอยู่ที่แถว {} แต่ไฟล์ไม่มีแถวนั้น (หรือจากแถวนั้นลงไปว่างทั้งหมด)", hinted + first + 1),
                    format!("headerRows says the header is at row {}, but the file has no such row (or nothing from there on)", hinted + first + 1),
                ),
                Text::new(
                    "เขียนเลขแถวของหัวตารางตามที่เห็นในไฟล์ นับจาก 1 เช่น dialect = { headerRows = [3] }",
                    "write the header's row as the file shows it, counted from 1, e.g. dialect = { headerRows = [3] }",
                ),
            ));
        }
        let (delimiter, quote) = dialect_of(table, Some(&dialect), file, warnings)?;
        let labels = (rows > 1).then(|| {
            let join = dialect.header_join.clone().unwrap_or_else(|| " ".into());
            let cells: Vec<Vec<String>> = records(table, quote, &(0..rows).collect::<Vec<_>>())
                .into_iter()
                .map(|r| split_record(&in_utf8(r, self.decode).unwrap_or_default(), delimiter, quote))
                .collect();
            joined_labels(&cells, &join)
        });
        // Parsed from the last header row: its labels are replaced by the joined ones.
        let last = record_start(table, quote, rows - 1);
        let offset = (table.as_ptr() as usize - text.as_ptr() as usize) + last;
        Ok(Above { offset, records: hinted + first + rows - 1, labels, delimiter, quote })
    }

    /// [`Parse::run`] on the table's text (see [`Parse::above`]).
    fn run_below(
        &self,
        text: &[u8],
        above: &Above,
        encoding: &'static str,
        warnings: Vec<Diagnostic>,
        verify: bool,
    ) -> Result<Option<(RawTable, Vec<Diagnostic>)>, Diagnostic> {
        let (missing_values, file) = (self.missing_values, self.file);
        let (delimiter, quote) = (above.delimiter, above.quote);
        let empty_is_missing = missing_values.iter().any(String::is_empty);
        let others: Vec<PlSmallStr> = missing_values.iter().filter(|m| !m.is_empty()).map(|m| m.as_str().into()).collect();
        let null_values = (!others.is_empty()).then_some(NullValues::AllColumns(others));
        let options = CsvParseOptions::default()
            .with_separator(delimiter)
            .with_quote_char(quote)
            .with_missing_is_null(empty_is_missing)
            .with_null_values(null_values.clone());
        // Polars' reader takes a text that starts like a zlib stream ("x^", "x" and 0x01) for
        // compressed data it cannot open; a byte-order mark in front, which it skips, tells it
        // otherwise (a copy, in this rare case only).
        let unmistakable: Cow<[u8]> = match text {
            [b'x', b'^' | 0x01, ..] => Cow::Owned([&b"\xEF\xBB\xBF"[..], text].concat()),
            _ => Cow::Borrowed(text),
        };
        // With a schema (typed columns), Polars skips the header row; without, it is row 0.
        let read = |truncate: bool, schema: Option<SchemaRef>| {
            CsvReadOptions::default()
                .with_has_header(schema.is_some())
                .with_infer_schema_length(Some(0))
                .with_schema(schema)
                .with_raise_if_empty(false)
                .map_parse_options(|_| options.clone().with_truncate_ragged_lines(truncate))
                .into_reader_with_file_handle(Cursor::new(&*unmistakable))
                .finish()
        };
        // Columns whose numbers Polars' parser reads exactly as validation would type them are
        // typed while parsing, which saves converting their text afterwards. Not where a cell
        // may hold what that parser reads differently (spaces it skips, personal data it would
        // strip of leading zeros) or where an empty cell is a value. Should any cell not parse,
        // the text is read again as text, so that every value is checked as written.
        // Polars skips the header row of a typed read, so its text is checked here (a header in
        // another encoding means the text must be decoded).
        let header_record = records(text, quote, &[0]).first().copied().unwrap_or_default();
        let Some(header_text) = in_utf8(header_record, self.decode) else { return Ok(None) };
        let header = above.labels.clone().unwrap_or_else(|| split_record(&header_text, delimiter, quote));
        let typed_schema = self.typed_schema(&header);
        let header_typeable = empty_is_missing && simdutf8::basic::from_utf8(&header_text).is_ok();
        let typeable = |traits: &Traits| !traits.edge_whitespace && !traits.nbsp && !traits.thai_digits && !traits.personal_candidates;

        // The fast read, in parts (see `parts`): the rows start after the header's line end.
        let header_end = record_end(text, header_record);
        let head = header_end.and_then(|end| in_utf8(&text[..end], self.decode));
        if let (Some(part_bytes), Some(end), Some(head)) = (self.part_bytes, header_end, head) {
            let header_scan = ByteScan::of_part(&head, delimiter, quote);
            if !header_scan.stray_controls && simdutf8::basic::from_utf8(&head).is_ok() {
                let null_values = null_values.map(|n| n.compile(&Schema::default())).transpose().map_err(|e| source_error(file, &e.to_string()))?;
                let text_schema: Schema = (0..header.len()).map(|i| Field::new(RawTable::column_name(i).into(), DataType::String)).collect();
                let how = PartsParse {
                    part_bytes,
                    options: &options,
                    null_values: null_values.as_ref(),
                    text: &text_schema,
                    typed: typed_schema.as_ref().filter(|_| header_typeable && typeable(&header_scan.traits)),
                    typeable: &typeable,
                    release: self.release,
                    header_cells: header.len(),
                    decode: self.decode,
                };
                if let Some(read) = read_in_parts(&text[end..], &how) {
                    let scan = header_scan.or(read.scan);
                    return table(header, read.frame, read.shapes, scan.traits, (encoding, delimiter, quote, empty_is_missing), warnings, file).map(Some);
                }
            }
        }

        // The general read: the whole text scanned, then parsed by Polars' reader. A text not
        // yet decoded must be decoded whole first.
        if self.decode.is_some() {
            return Ok(None);
        }
        let scan = ByteScan::of(text, delimiter, quote);
        // Text that is not UTF-8 is decoded first: not handed whole to Polars to find out.
        if verify && (scan.stray_controls || simdutf8::basic::from_utf8(text).is_err()) {
            return Ok(None);
        }
        let (uniform, traits) = (scan.uniform_cells(text, delimiter), scan.traits);
        let typed_read = typed_schema.filter(|_| header_typeable && typeable(&traits)).map(|schema| read(false, Some(Arc::new(schema))));
        let (parsed, typed_header) = match typed_read {
            Some(Ok(frame)) => (Ok(frame), true),
            _ => (read(false, None), false),
        };
        // Polars refuses text that is not UTF-8 (it checks every part it parses as text, and
        // here every column is text): then, as with stray controls, decode or repair first.
        // A refusal of valid UTF-8 (rows longer than the header) is handled below instead.
        if verify && parsed.is_err() && simdutf8::basic::from_utf8(text).is_err() {
            return Ok(None);
        }
        // Every record has the header's cell count when the quick count says so and Polars found
        // no longer record; otherwise each record is counted.
        let shapes = shapes(uniform.filter(|_| parsed.is_ok()), text, delimiter, quote);
        let frame = match parsed {
            Ok(frame) => frame,
            // Rows with more cells than the header (listed from the scan): read again keeping the
            // first cells of each row. Only then, so that no cell is ever dropped unreported.
            Err(_) if !shapes.long.is_empty() => read(true, None).map_err(|e| source_error(file, &e.to_string()))?,
            Err(e) => {
                let inside = quote.and_then(|q| crate::load::scan::quote_inside_a_cell(text, delimiter, q));
                return Err(match (inside, shapes.unclosed_quote) {
                    (Some((record, cell)), _) => quote_inside_a_cell(file, record, cell),
                    (None, Some((record, cell))) => unclosed_quote(file, record, cell),
                    (None, None) => source_error(file, &e.to_string()),
                });
            }
        };
        let (header, frame) = match frame.height() {
            _ if typed_header => (header, frame),
            0 => (Vec::new(), frame),
            _ if above.labels.is_some() => (header, frame.slice(1, frame.height() - 1)),
            _ => {
                // A label that is a missing value ("NA") is still the label, as written.
                let label = |(i, c): (usize, &Column)| c.str().ok().and_then(|s| s.get(0)).map(str::to_string).or_else(|| header.get(i).cloned());
                let header = frame.columns().iter().enumerate().map(|c| label(c).unwrap_or_default()).collect();
                (header, frame.slice(1, frame.height() - 1))
            }
        };
        table(header, frame, shapes, traits, (encoding, delimiter, quote, empty_is_missing), warnings, file).map(Some)
    }

    /// The schema of a read that types the columns Polars may type, if there are any: a label
    /// that appears twice is left as text.
    fn typed_schema(&self, header: &[String]) -> Option<Schema> {
        let typed: Vec<Option<&DataType>> = header
            .iter()
            .map(|label| self.types.get(label).filter(|_| header.iter().filter(|l| *l == label).count() == 1))
            .collect();
        typed.iter().any(Option::is_some).then(|| {
            typed
                .iter()
                .enumerate()
                .map(|(i, t)| Field::new(RawTable::column_name(i).into(), (*t).cloned().unwrap_or(DataType::String)))
                .collect()
        })
    }
}

/// Where the rows start after `record`, a record of `text` (as [`records`] gives it): after its
/// line end; `None` when no line end follows (a text of one record).
fn record_end(text: &[u8], record: &[u8]) -> Option<usize> {
    let end = (record.as_ptr() as usize).checked_sub(text.as_ptr() as usize)? + record.len();
    let rest = text.get(end..)?;
    if rest.starts_with(b"\r\n") {
        Some(end + 2)
    } else if rest.starts_with(b"\n") {
        Some(end + 1)
    } else {
        None
    }
}

/// The cell counts of a text's records: only the header's, where the quick count proved every
/// record has as many (`uniform`); else each record is counted.
fn shapes(uniform: Option<usize>, text: &[u8], delimiter: u8, quote: Option<u8>) -> Shapes {
    match uniform {
        Some(cells) => Shapes { header_cells: cells, ..Shapes::default() },
        None => record_shapes(text, delimiter, quote),
    }
}

/// The table made of a parse's header and rows (the header excluded).
fn table(
    header: Vec<String>,
    mut frame: DataFrame,
    shapes: Shapes,
    traits: Traits,
    (encoding, delimiter, quote, empty_is_null): (&'static str, u8, Option<u8>, bool),
    mut warnings: Vec<Diagnostic>,
    file: &Path,
) -> Result<(RawTable, Vec<Diagnostic>), Diagnostic> {
    let names: Vec<String> = (0..frame.width()).map(RawTable::column_name).collect();
    frame.set_column_names(names.as_slice()).map_err(|e| source_error(file, &e.to_string()))?;
    if frame.height() == 0 {
        warnings.push(Diagnostic::warning(
            Code::EmptyTable,
            Location::file(file),
            Text::new("ไฟล์มีแต่แถวหัวตาราง ไม่มีข้อมูล", "the file has a header row but no data"),
            Text::new("เพิ่มข้อมูล หรือนำทรัพยากรนี้ออกจาก dataset.toml", "add the data, or remove this resource from dataset.toml"),
        ));
    }
    let table = RawTable {
        header,
        frame,
        text: None,
        encoding,
        delimiter,
        quote,
        empty_is_null,
        short_rows: shapes.short,
        long_rows: shapes.long,
        padded_rows: shapes.padded,
        traits,
        header_row: 1,
        places: Default::default(),
    };
    Ok((table, warnings))
}

/// Lone carriage returns (old Mac files, mixed exports) become line feeds: Polars only ends
/// records at `\n`, and `\r\n` is read as is. Returns whether any were found.
fn normalise_line_endings(text: Cow<'_, [u8]>) -> (Cow<'_, [u8]>, bool, bool) {
    let (mut text, doubled) = single_line_ends(text);
    let lone: Vec<usize> = memchr::memchr_iter(b'\r', &text).filter(|&i| text.get(i + 1) != Some(&b'\n')).collect();
    if !lone.is_empty() {
        let owned = text.to_mut();
        for &i in &lone {
            // One ASCII byte for another: the text stays valid UTF-8.
            owned[i] = b'\n';
        }
    }
    (text, !lone.is_empty(), doubled)
}

/// Line ends written twice over (`\r\r\n`: a program that turned each `\n` of a `\r\n` into
/// `\r\n` again, as Python's csv module does on Windows without `newline=''`) become one
/// `\r\n`: each was read as a line end and a blank row. Returns whether there were any.
fn single_line_ends(text: Cow<'_, [u8]>) -> (Cow<'_, [u8]>, bool) {
    let doubled = |t: &[u8], i: usize| t.get(i + 1) == Some(&b'\r') && {
        let run = t[i + 1..].iter().take_while(|&&b| b == b'\r').count();
        t.get(i + 1 + run) == Some(&b'\n')
    };
    if !memchr::memmem::find_iter(&text, b"\r\r").any(|i| doubled(&text, i)) {
        return (text, false);
    }
    let mut out = Vec::with_capacity(text.len());
    for (i, &b) in text.iter().enumerate() {
        // A CR followed by more CRs and a LF: only the last CR of the run is kept.
        if !(b == b'\r' && doubled(&text, i)) {
            out.push(b);
        }
    }
    (Cow::Owned(out), true)
}

/// The delimiter and quote character: as declared, else detected from the first lines.
fn dialect_of(
    text: &[u8],
    declared: Option<&DialectMeta>,
    file: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(u8, Option<u8>), Diagnostic> {
    let bad = |th: String, en: String| {
        Diagnostic::error(
            Code::MetadataError,
            Location::file(file),
            Text::new(th, en),
            Text::new(
                "แก้ dialect ของทรัพยากรใน dataset.toml เช่น dialect = { delimiter = \";\" }",
                "correct the resource's dialect in dataset.toml, e.g. dialect = { delimiter = \";\" }",
            ),
        )
    };
    let single_byte = |name: &str, v: &str| -> Result<u8, Diagnostic> {
        match v.as_bytes() {
            [b] if b.is_ascii() && *b != b'\n' && *b != b'\r' => Ok(*b),
            _ => Err(bad(
                format!("{name} ต้องเป็นอักขระ ASCII ตัวเดียว แต่เป็น {}", crate::diagnostic::toml_string(v)),
                format!("{name} must be one ASCII character, not {}", crate::diagnostic::toml_string(v)),
            )),
        }
    };
    let d = declared.cloned().unwrap_or_default();
    if d.header == Some(false) {
        return Err(bad(
            "Sala ต้องการแถวหัวตาราง (header = false ใช้ไม่ได้)".into(),
            "Sala needs a header row (header = false is not supported)".into(),
        ));
    }
    if d.double_quote == Some(false) {
        return Err(bad(
            "Sala อ่านได้เฉพาะเครื่องหมายคำพูดที่เขียนซ้ำสองครั้งในช่อง (doubleQuote = true)".into(),
            "Sala reads only doubled quotes inside quoted cells (doubleQuote = true)".into(),
        ));
    }
    let quote = match d.quote_char.as_deref() {
        Some("") => None,
        Some(q) => Some(single_byte("quoteChar", q)?),
        // A file whose quotes open no cell quotes nothing: its quotes are text (an inch, `4"`).
        None if !crate::load::scan::quote_opens_a_cell(text, b'"') => None,
        None => Some(b'"'),
    };
    let delimiter = match d.delimiter.as_deref() {
        Some(v) => single_byte("delimiter", v)?,
        None => {
            let detected = sniff_delimiter(text, quote);
            if detected != b',' {
                warnings.push(Diagnostic::warning(
                    Code::SourceError,
                    Location::file(file),
                    Text::new(
                        format!("ไฟล์ใช้ {:?} คั่นช่อง ไม่ใช่จุลภาค จึงอ่านตามนั้น", detected as char),
                        format!("the file separates cells with {:?}, not commas; it was read that way", detected as char),
                    ),
                    Text::new(
                        format!("ประกาศไว้ใน dataset.toml: dialect = {{ delimiter = {:?} }} หรือบันทึกเป็น CSV แบบจุลภาค", (detected as char).to_string()),
                        format!("declare it in dataset.toml: dialect = {{ delimiter = {:?} }}, or save the file with commas", (detected as char).to_string()),
                    ),
                ));
            }
            detected
        }
    };
    Ok((delimiter, quote))
}

/// How many of a table's first rows [`header_among`] looks at: enough for its rows to outnumber
/// a report's lines above them.
pub(crate) const SAMPLE: usize = 31;

/// Where the table's header is when lines above it are no part of the table: blank lines, a
/// title or a unit in one cell (`รายงานงบประมาณ ปี 2567,,`, `,,,หน่วย: บาท`), or notes that
/// fill fewer cells than the table's rows do (`หน่วยงาน:,กรมบัญชีกลาง,,,`), as a report-like
/// sheet saved as CSV has them. The header's record (0-based), its cells and the next row's
/// (split by the delimiter that found it), found among the first records by [`header_among`].
/// Tried with `delimiter`, then, when the first line is one
/// value (a title hides the delimiter from detection) and the delimiter was detected, not
/// declared, with the others a CSV may use.
fn header_below_lines(text: &[u8], delimiter: u8, quote: Option<u8>, declared: bool) -> Option<(usize, Vec<String>, Vec<String>)> {
    let records = crate::load::scan::records(text, quote, &(0..SAMPLE).collect::<Vec<_>>());
    let filled = |cells: &[String]| cells.iter().filter(|v| !v.trim().is_empty()).count();
    let candidates: &[u8] = if declared { &[] } else { b",;\t|" };
    let mut tried = std::iter::once(delimiter).chain(candidates.iter().copied().filter(|&d| d != delimiter));
    tried.find_map(|d| {
        let cells: Vec<Vec<String>> = records.iter().map(|r| split_record(r, d, quote)).collect();
        match header_among(&cells) {
            // A first line the delimiter splits into the header's cells: the table starts there.
            Some(0) => Some(None),
            Some(header) => Some(Some((header, cells[header].clone(), cells.get(header + 1).cloned().unwrap_or_default()))),
            // A first line the detected delimiter splits: no other one is tried.
            None if d == delimiter && cells.first().is_some_and(|c| filled(c) >= 2) => Some(None),
            None => None,
        }
    })?
}

/// The row (0-based) of a table's header among its first rows (`rows`, each a row's cells),
/// as a sheet, a report exporter or a CSV saved from a sheet lays them out: the first row of
/// two values or more, none of them a number other than a year, that fills about as many
/// cells as the table's rows do (one fewer at least, as CKAN's messytables guesses), or the
/// row of group labels over it (a header of two rows). Every row above must be no part of a
/// table: blank, one value (a title, a unit at the right), or fewer values than the table's
/// rows by two at least, in its first cells (`หน่วยงาน:,กรมบัญชีกลาง`) or a title and its unit.
/// Failing that, the first row of two values or more below blank lines and titles in the first
/// cell. None when the table starts at its first row or the rows show no header (a table of
/// one column).
pub(crate) fn header_among(rows: &[Vec<String>]) -> Option<usize> {
    let value = |r: &Vec<String>, c: usize| r.get(c).is_some_and(|v| !v.trim().is_empty());
    let filled = |r: &Vec<String>| r.iter().filter(|v| !v.trim().is_empty()).count();
    // Blank rows at the end (or past the end of a short file) are no line above the table.
    let rows = &rows[..rows.iter().rposition(|r| filled(r) > 0).map_or(0, |last| last + 1)];
    // A value a table's row holds, not its header: a number (`1,500`, `-3.5`, `(12)`,
    // `45%`), but for a year (`2567`, `2024`), which names columns as `0-14` and `60+` do.
    let datum = |v: &String| {
        let v = v.trim();
        let bare = v.strip_prefix('(').and_then(|v| v.strip_suffix(')')).unwrap_or(v);
        let bare = bare.trim_start_matches(['-', '+']).trim_end_matches('%');
        let digit = crate::lang::is_digit;
        let number = bare.chars().any(digit) && bare.chars().all(|c| digit(c) || c == ',' || c == '.') && bare.matches('.').count() <= 1;
        let year = v.chars().count() == 4
            && v.chars().all(digit)
            && crate::lang::ascii_digits(v).parse::<u32>().is_ok_and(|n| (1900..=2100).contains(&n) || (2400..=2700).contains(&n));
        number && !year
    };
    // The number of values rows most often have (the larger on a tie): the table's width.
    let modal = |rows: &[Vec<String>]| {
        let mut counts = std::collections::BTreeMap::new();
        for n in rows.iter().map(filled).filter(|&n| n >= 2) {
            *counts.entry(n).or_insert(0usize) += 1;
        }
        counts.into_iter().max_by_key(|&(n, times)| (times, n)).map(|(n, _)| n)
    };
    // Group labels over sub-labels, not a note or a title with its unit: a label spans on
    // over sub-labels to its right, and another does too or one stands over a blank (a
    // column the upper row alone names).
    let grouped = |upper: &Vec<String>, lower: &Vec<String>| {
        let values: Vec<usize> = (0..upper.len()).filter(|&c| value(upper, c)).collect();
        let spans = values.iter().filter(|&&c| !value(upper, c + 1) && value(lower, c + 1)).count();
        values.len() >= 2 && group_spans_on(upper, lower) && (spans >= 2 || values.iter().any(|&c| !value(lower, c)))
    };
    let header_of = |width: usize| {
        let mut header = (0..rows.len()).find(|&r| {
            let row = &rows[r];
            filled(row) >= 2 && filled(row) + 1 >= width && (!row.iter().any(datum) || (r > 0 && grouped(&rows[r - 1], row)))
        })?;
        if header > 0 && grouped(&rows[header - 1], &rows[header]) {
            header -= 1;
        }
        // Notes fill their first cells (`หน่วยงาน:,กรมบัญชีกลาง`), or a title its first and a
        // unit its last; values elsewhere, or with blanks between, may be a header's whose
        // labels leave cells blank (`ลำดับ,จังหวัด,ปี 2565,,ปี 2566,`, pandas' `,,name`). One
        // value elsewhere than the first cell over a table of two columns may be a header too
        // (pandas' index: `,amount`).
        let note = |r: &Vec<String>| match filled(r) {
            0 => true,
            1 => value(r, 0) || width > 2,
            n => n + 1 < width && ((0..n).all(|c| value(r, c)) || (n == 2 && value(r, 0) && r.len() >= width && value(r, r.len() - 1))),
        };
        let table = rows[..header].iter().all(note) && rows.get(header + 1).is_some_and(|r| filled(r) >= 2);
        table.then_some(header)
    };
    let found = header_of(modal(rows)?);
    // Failing that, below blank lines and titles in the first cell.
    found.or_else(|| {
        let header = rows.iter().position(|r| filled(r) >= 2)?;
        let above = |r: &Vec<String>| filled(r) == 0 || (filled(r) == 1 && value(r, 0));
        (rows[..header].iter().all(above) && rows.get(header + 1).is_some_and(|r| filled(r) >= 2)).then_some(header)
    })
}

/// The warning for lines above a CSV's header (see [`header_below_lines`]), which the table
/// is read without: `header` is the header's record (0-based) in the file; `grouped` when the
/// next row fills blanks the header leaves after a group label (a header of two rows).
fn lines_above_header(file: &Path, header: usize, cells: &[String], grouped: bool) -> Diagnostic {
    let (row, names) = (header + 1, cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(", "));
    // With group labels over sub-labels, the header takes this row and the next.
    let both = [row, row + 1];
    let rows = header_rows_list(&both[..if grouped { 2 } else { 1 }]);
    let (above, are) = if header == 1 { ("row 1".to_string(), "is") } else { (format!("rows 1–{header}"), "are") };
    let above_th = if header == 1 { "แถว 1".to_string() } else { format!("แถว 1–{header}") };
    Diagnostic::warning(
        Code::SourceError,
        Location { row: Some(1), ..Location::file(file) },
        Text::new(
            format!("หัวตารางอยู่ที่แถว {row} ({names}): {above_th} ที่อยู่เหนือขึ้นไป (ชื่อรายงาน หน่วย หมายเหตุ แถวว่าง) ไม่ใช่ส่วนของตาราง จึงอ่านตารางตั้งแต่แถว {row} และไม่เผยแพร่{above_th}"),
            format!("the table's header is row {row} ({names}): {above} above it (a title, a unit, notes, blank lines) {are} no part of the table, so the table was read from row {row} and {above} {are} not published"),
        ),
        Text::new(
            format!("ใส่สิ่งที่อยู่ใน{above_th} (ชื่อรายงาน หน่วย เช่น หน่วย: บาท) ไว้ใน title หรือ description ของชุดข้อมูลหรือของคอลัมน์ แล้วประกาศว่าตารางเริ่มที่แถว {row} ด้วย dialect = {{ headerRows = {rows} }} ในทรัพยากรของ dataset.toml (หรือลบ{above_th} ออกจากไฟล์)"),
            format!("put what {above} {}say (the title, a unit such as หน่วย: บาท) in the dataset's or the columns' title or description, then declare that the table starts at row {row} with dialect = {{ headerRows = {rows} }} in the resource in dataset.toml (or delete {above} from the file)", if header == 1 { "s " } else { "" }),
        ),
    )
}

/// Where a CSV's table starts: below a `sep=` line, lines above its header (found, or
/// declared by `headerRows`), and the header's other rows when it takes several.
struct Above {
    /// The byte where the text parsed starts: the (last) header row's.
    offset: usize,
    /// The file's records above it.
    records: usize,
    /// The column names, when the header takes several rows (joined; see [`joined_labels`]).
    labels: Option<Vec<String>>,
    delimiter: u8,
    quote: Option<u8>,
}

/// The byte at which record `n` (0-based) of `text` starts; the text's end past its last.
fn record_start(text: &[u8], quote: Option<u8>, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    // A record of the text (a blank line too) is a part of it; one past its end is not.
    let start = text.as_ptr() as usize;
    match records(text, quote, &[n]).first() {
        Some(r) if (start..=start + text.len()).contains(&(r.as_ptr() as usize)) => r.as_ptr() as usize - start,
        _ => text.len(),
    }
}

/// The header rows a resource declares (`headerRows`, the file's 1-based rows, `hinted` of
/// them a `sep=` line), as the first one's record below that line and how many there are.
fn declared_header_rows(rows: Option<&[usize]>, hinted: usize, file: &Path) -> Result<Option<(usize, usize)>, Diagnostic> {
    let Some(rows) = rows else { return Ok(None) };
    let consecutive = rows.windows(2).all(|w| w[1] == w[0] + 1);
    match rows.first() {
        Some(&first) if first > hinted && consecutive && rows.len() <= MAX_HEADER_ROWS => Ok(Some((first - 1 - hinted, rows.len()))),
        _ => {
            let written = header_rows_list(rows);
            Err(Diagnostic::error(
                Code::MetadataError,
                Location::file(file),
                Text::new(
                    format!("headerRows = {written} ต้องเป็นเลขแถวของหัวตารางที่เรียงติดกัน นับจาก 1 (ไม่เกิน {MAX_HEADER_ROWS} แถว){}", if hinted > 0 { " และไม่ใช่แถว sep=" } else { "" }),
                    format!("headerRows = {written} must be the header's consecutive row numbers, counted from 1 (at most {MAX_HEADER_ROWS} rows){}", if hinted > 0 { ", not the sep= line" } else { "" }),
                ),
                Text::new(
                    "เขียนแถวหัวตารางในไฟล์ เช่น dialect = { headerRows = [3] } เมื่อหัวตารางอยู่แถว 3 หรือ [1, 2] เมื่อหัวตารางมีสองแถว",
                    "write the header's rows in the file, e.g. dialect = { headerRows = [3] } when the header is row 3, or [1, 2] for a header of two rows",
                ),
            ))
        }
    }
}

/// The most rows a header may take.
const MAX_HEADER_ROWS: usize = 5;

/// Header rows as `headerRows` is written in a dialect: `[4, 5]`.
pub(crate) fn header_rows_list(rows: &[usize]) -> String {
    format!("[{}]", rows.iter().map(usize::to_string).collect::<Vec<_>>().join(", "))
}

/// Whether a header's labels (`header`) leave blanks after a group label that the row below
/// fills (sub-labels under a merged group cell): a header of two rows.
pub(crate) fn group_spans_on(header: &[String], below: &[String]) -> bool {
    let filled = |v: Option<&String>| v.is_some_and(|v| !v.trim().is_empty());
    (1..header.len()).any(|c| !filled(header.get(c)) && header[..c].iter().any(|v| filled(Some(v))) && filled(below.get(c)))
}

/// One name per column from a header of several rows (`cells`, top row first): a column's
/// labels joined by `join`, a blank label in an upper row taking the label to its left in
/// that row (a group's merged cell spans on) unless nothing stands below it, as the workbook
/// reader joins merged groups (`งบประมาณ 2567 แผน`).
pub(crate) fn joined_labels(cells: &[Vec<String>], join: &str) -> Vec<String> {
    let width = cells.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |r: usize, c: usize| cells.get(r).and_then(|row| row.get(c)).map_or("", |v| v.trim());
    let mut groups = vec![String::new(); cells.len().saturating_sub(1)];
    (0..width)
        .map(|c| {
            let mut parts = Vec::new();
            for (r, group) in groups.iter_mut().enumerate() {
                if !cell(r, c).is_empty() {
                    *group = cell(r, c).to_string();
                } else if (r + 1..cells.len()).all(|below| cell(below, c).is_empty()) {
                    group.clear();
                }
                if !group.is_empty() {
                    parts.push(group.clone());
                }
            }
            let last = cell(cells.len().saturating_sub(1), c);
            if !last.is_empty() {
                parts.push(last.to_string());
            }
            parts.join(join)
        })
        .collect()
}

/// The separator a first line `sep=;` names: a hint some programs write for Excel, not a row
/// of the table (Polars, pandas and frictionless read it as the header). Some programs quote
/// it (`"sep=;"`), as a cell.
pub(crate) fn separator_hint(text: &[u8]) -> Option<char> {
    let line = text.split(|&b| b == b'\n').next()?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_prefix(b"\"").and_then(|l| l.strip_suffix(b"\"")).unwrap_or(line);
    match line.strip_prefix(b"sep=").or_else(|| line.strip_prefix(b"SEP="))? {
        [b] if b.is_ascii() && !b.is_ascii_alphanumeric() => Some(char::from(*b)),
        _ => None,
    }
}

/// Picks the delimiter that splits the first lines into the same number of cells (more than
/// one), preferring the comma.
fn sniff_delimiter(text: &[u8], quote: Option<u8>) -> u8 {
    let sample: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.trim_ascii().is_empty())
        .take(20)
        .collect();
    let mut best = (b',', 0usize);
    for candidate in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = sample.iter().map(|l| record_shapes(l, candidate, quote).header_cells).collect();
        let Some(&first) = counts.first() else { continue };
        let consistent = counts.iter().filter(|&&c| c == first).count();
        if first > 1 && consistent * 10 >= counts.len() * 8 && consistent > best.1 {
            best = (candidate, consistent);
        }
    }
    best.0
}

/// A quote opened in `record` (0-based, the header being 0) at `cell` (1-based) and never
/// closed: the rest of the file would be one value.
fn unclosed_quote(file: &Path, record: usize, cell: usize) -> Diagnostic {
    Diagnostic::error(
        Code::SourceError,
        Location { row: Some(record + 1), column_number: Some(cell), ..Location::file(file) },
        Text::new(
            format!("เครื่องหมายคำพูด (\") ที่เปิดในช่อง {} ของแถวนี้ไม่มีตัวปิด ข้อมูลที่เหลือทั้งไฟล์จึงกลายเป็นค่าเดียว", column_letter(cell)),
            format!("a double quote (\") opened in cell {} of this row is never closed, so the rest of the file would be one value", column_letter(cell)),
        ),
        Text::new(
            "ใส่เครื่องหมายคำพูดปิดท้ายค่านั้น หรือถ้าเป็นเครื่องหมายคำพูดในข้อความ ให้เขียนซ้ำสองตัว (\"\")",
            "close the quote at the end of the value, or write a quote that is part of the text twice (\"\")",
        ),
    )
}

/// A quote inside a cell that does not start with one, in a file that quotes cells (see
/// [`crate::load::scan::quote_inside_a_cell`]).
fn quote_inside_a_cell(file: &Path, record: usize, cell: usize) -> Diagnostic {
    Diagnostic::error(
        Code::SourceError,
        Location { row: Some(record + 1), column_number: Some(cell), ..Location::file(file) },
        Text::new(
            format!("ช่อง {} ของแถวนี้มีเครื่องหมายคำพูด (\") อยู่กลางค่าที่ไม่ได้ครอบด้วยเครื่องหมายคำพูด ส่วนช่องอื่นในไฟล์ครอบไว้ จึงแยกแถวไม่ได้", column_letter(cell)),
            format!("cell {} of this row has a double quote (\") inside a value that does not start with one, while the file quotes other cells, so its rows cannot be told apart", column_letter(cell)),
        ),
        Text::new(
            "ครอบค่านั้นด้วยเครื่องหมายคำพูดและเขียนเครื่องหมายคำพูดข้างในซ้ำสองตัว เช่น \"ท่อ 4\"\" ยาว 6 ม.\" (โปรแกรมตารางคำนวณทำให้เองเมื่อบันทึกเป็น CSV) หรือเขียนนิ้วเป็นคำว่า นิ้ว",
            "put the value in quotes and write its quote twice, e.g. \"pipe 4\"\" long\" (a spreadsheet does so when it saves CSV), or write the inch as a word",
        ),
    )
}

/// A file Polars could not read, with its message.
pub(crate) fn source_error(file: &Path, polars_message: &str) -> Diagnostic {
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

/// A text as [`decode`] finds it.
enum Decoded<'a> {
    /// UTF-8 text (valid), with the name of the encoding it was in.
    Text(Cow<'a, [u8]>, &'static str),
    /// Bytes (BOM removed) known to be valid in an 8-bit encoding, left to be decoded part by
    /// part as they are parsed.
    Deferred(&'a [u8], &'static encoding_rs::Encoding),
}

/// Decodes the bytes to UTF-8 text (returned as its bytes, known to be valid UTF-8): a declared
/// encoding, else UTF-8 (BOM or not), else Windows-874 (a superset of TIS-620) with a warning
/// that says so. With `defer`, a text in an 8-bit encoding is only checked, not decoded.
fn decode<'a>(
    bytes: &'a [u8],
    declared: Option<&str>,
    file: &Path,
    warnings: &mut Vec<Diagnostic>,
    defer: bool,
) -> Result<Decoded<'a>, Diagnostic> {
    // Excel's "Unicode Text" is UTF-16 with a byte-order mark (and its NUL bytes): read, with a
    // warning, unless another encoding is declared.
    if let Some(read) = decode_utf16(bytes, declared, file, warnings) {
        return read.map(|(text, name)| Decoded::Text(text, name));
    }
    if let Some(pos) = memchr::memchr(0, &bytes) {
        return Err(encoding_error(
            file,
            row_of_offset(&bytes, pos),
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
        // Declared UTF-8 is the text as it is, once checked: no copy.
        if encoding == encoding_rs::UTF_8 && simdutf8::basic::from_utf8(without_bom).is_ok() {
            return Ok(Decoded::Text(Cow::Borrowed(without_bom), encoding.name()));
        }
        if defer && encoding.is_single_byte() && single_byte_valid(without_bom, encoding) {
            return Ok(Decoded::Deferred(without_bom, encoding));
        }
        return match encoding.decode_without_bom_handling_and_without_replacement(without_bom) {
            Some(text) => Ok(Decoded::Text(Cow::Owned(text.into_owned().into_bytes()), encoding.name())),
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
    // The common case, UTF-8: the bytes are the text, without a copy. simdutf8 (already built
    // for Polars) validates several times faster than the standard library on Thai text.
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if simdutf8::basic::from_utf8(without_bom).is_ok() {
        return Ok(Decoded::Text(Cow::Borrowed(without_bom), "UTF-8"));
    }
    let bad = std::str::from_utf8(without_bom).err().map_or(0, |e| e.valid_up_to());
    let (good, broken) = utf8_evidence(without_bom);
    if good >= 2 && good >= 4 * broken {
        // Mostly UTF-8 with a broken byte (a cell cut mid-character): decoding it all as
        // Windows-874 would turn every Thai letter into mojibake. A Windows-874 file can hold a
        // few byte runs that happen to be UTF-8 (เน followed by a consonant is E0 B9 A1), but
        // far more that are not: the count of each, not their mere presence, decides.
        return Err(encoding_error(
            file,
            row_of_offset(without_bom, bad),
            Text::new(
                "ไฟล์เป็น UTF-8 แต่มีไบต์ที่ไม่ถูกต้อง (มักเกิดจากข้อความภาษาไทยถูกตัดกลางตัวอักษร)",
                "the file is UTF-8 but has invalid bytes (often Thai text cut in the middle of a character)",
            ),
            Text::new(
                "แก้ข้อความในแถวที่ระบุ หรือเปิดไฟล์ในโปรแกรมตารางคำนวณแล้วบันทึกเป็น \"CSV UTF-8\" อีกครั้ง",
                "correct the text in the row shown, or open the file in a spreadsheet and save it as \"CSV UTF-8\" again",
            ),
        ));
    }
    // An 8-bit text: which encoding the bytes' letter statistics point to (chardetng, the
    // detector Firefox uses, by encoding_rs's author), and whether it reads as Thai spelling.
    let guess = guess_encoding(without_bom);
    let thai = encoding_rs::WINDOWS_874;
    let misspelt = not_thai(without_bom);
    if guess == thai && misspelt.is_none() {
        let text = if defer {
            single_byte_valid(without_bom, thai).then_some(None)
        } else {
            thai.decode_without_bom_handling_and_without_replacement(without_bom).map(Some)
        };
        if let Some(text) = text {
            warnings.push(Diagnostic::warning(
                Code::EncodingError,
                Location::file(file),
                Text::new(
                    "ไฟล์ไม่ได้เข้ารหัสเป็น UTF-8 แต่อ่านได้เป็นภาษาไทยแบบ Windows-874 (TIS-620) จึงแปลงให้แล้ว",
                    "the file is not UTF-8; it reads as Thai in Windows-874 (TIS-620) and was converted",
                ),
                Text::new(
                    "บันทึกไฟล์เป็น CSV UTF-8 หรือเพิ่ม encoding = \"windows-874\" ใน dataset.toml",
                    "save the file as CSV UTF-8, or add encoding = \"windows-874\" to the resource in dataset.toml",
                ),
            ));
            return Ok(match text {
                Some(text) => Decoded::Text(Cow::Owned(text.into_owned().into_bytes()), thai.name()),
                None => Decoded::Deferred(without_bom, thai),
            });
        }
    }
    // Neither UTF-8 nor convincingly Thai: never converted on a guess (Latin-1 or Greek bytes
    // decode as Windows-874 too, into Thai gibberish). The row shown is where the bytes stop
    // reading as Thai, or else the first that is not ASCII.
    let at = misspelt.or_else(|| without_bom.iter().position(|b| !b.is_ascii())).unwrap_or(bad);
    let likely = if guess == thai { encoding_rs::WINDOWS_1252 } else { guess };
    let label = likely.name().to_ascii_lowercase();
    Err(encoding_error(
        file,
        row_of_offset(without_bom, at),
        Text::new(
            format!(
                "ไม่รู้ว่าไฟล์เข้ารหัสอักขระแบบใด: ลองอ่านแล้วไม่ใช่ UTF-8 ไม่ใช่ UTF-16 และอ่านเป็นภาษาไทย (Windows-874/TIS-620) ไม่ได้ความ ลักษณะของไบต์ใกล้เคียง {} ที่สุด",
                likely.name()
            ),
            format!(
                "the file's encoding is unknown: it was tried as UTF-8, UTF-16 and Thai (Windows-874/TIS-620), and is none of them; its bytes look most like {}",
                likely.name()
            ),
        ),
        Text::new(
            format!(
                "บันทึกไฟล์เป็น \"CSV UTF-8\" หรือระบุรหัสอักขระของไฟล์ในทรัพยากรนั้นใน dataset.toml เช่น encoding = \"{label}\" (ชื่อตามมาตรฐาน WHATWG เช่น \"latin1\", \"iso-8859-7\", \"tis-620\")"
            ),
            format!(
                "save the file as \"CSV UTF-8\", or declare its encoding on the resource in dataset.toml, e.g. encoding = \"{label}\" (any WHATWG label such as \"latin1\", \"iso-8859-7\", \"tis-620\")"
            ),
        ),
    ))
}

/// Whether every byte of `bytes` is a character of `encoding`, an 8-bit encoding (where each
/// byte is one character or none): checked against a table of its 256 bytes, without decoding.
fn single_byte_valid(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> bool {
    let mut valid = [false; 256];
    for (b, v) in valid.iter_mut().enumerate() {
        *v = encoding.decode_without_bom_handling_and_without_replacement(&[b as u8]).is_some();
    }
    use rayon::prelude::*;
    bytes.par_chunks(1 << 20).all(|chunk| chunk.iter().all(|&b| valid[b as usize]))
}

/// How many well-formed multi-byte UTF-8 characters the bytes hold, and how many invalid
/// sequences.
fn utf8_evidence(bytes: &[u8]) -> (usize, usize) {
    let (mut good, mut broken, mut rest) = (0usize, 0usize, bytes);
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => return (good + text.bytes().filter(|b| b & 0xC0 == 0xC0).count(), broken),
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                good += valid.iter().filter(|b| *b & 0xC0 == 0xC0).count();
                broken += 1;
                rest = &after[e.error_len().unwrap_or(after.len()).max(1).min(after.len())..];
            }
        }
    }
}

/// The legacy encoding the bytes most look like (never UTF-8): chardetng weighs letter pairs
/// for each script, so Thai, Latin and Greek bytes, which all decode as Windows-874, are told
/// apart.
fn guess_encoding(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    // Letter statistics settle long before a gigabyte: a large file is sampled, in whole lines
    // spread over all of it, as the detector would take 80 % of reading a 10M-row file
    // (issue 15). `not_thai` still reads every byte.
    if bytes.len() <= GUESS_SAMPLE * GUESS_SAMPLES {
        detector.feed(bytes, true);
    } else {
        for k in 0..GUESS_SAMPLES {
            let at = bytes.len() / GUESS_SAMPLES * k;
            let start = if k == 0 { 0 } else { memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |nl| at + nl + 1) };
            let end = (start + GUESS_SAMPLE).min(bytes.len());
            let end = memchr::memrchr(b'\n', &bytes[start..end]).map_or(end, |nl| start + nl + 1);
            detector.feed(&bytes[start..end], k + 1 == GUESS_SAMPLES);
        }
    }
    detector.guess(None, false)
}

/// How many bytes of a large file, in how many samples, the encoding is guessed from.
const GUESS_SAMPLE: usize = 256 << 10;
const GUESS_SAMPLES: usize = 16;

/// Where bytes that are not UTF-8 stop looking like Thai in TIS-620/Windows-874, if they do:
/// the offset of the first byte that breaks Thai spelling, when such bytes are more than a
/// quarter of the non-ASCII letters. Thai marks (vowels above and below, tone marks) follow a
/// letter and leading vowels precede a consonant; Latin-1 letters such as é (a tone mark in
/// TIS-620) or ã (a leading vowel) stand alone between English letters instead.
fn not_thai(bytes: &[u8]) -> Option<usize> {
    let thai = |b: u8| (0xA1..=0xFB).contains(&b);
    let consonant = |b: u8| (0xA1..=0xCE).contains(&b);
    let mark = |b: u8| matches!(b, 0xD0..=0xDA | 0xE7..=0xEE);
    let leading = |b: u8| (0xE0..=0xE4).contains(&b);
    let (mut letters, mut wrong, mut first) = (0usize, 0usize, None);
    for (i, &b) in bytes.iter().enumerate() {
        if !thai(b) {
            continue;
        }
        letters += 1;
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + 1).copied();
        let broken = if mark(b) {
            !before.is_some_and(thai)
        } else if leading(b) {
            !after.is_some_and(consonant)
        } else {
            // A lone letter touching English letters: Thai words are longer than one letter.
            !before.is_some_and(thai) && !after.is_some_and(thai) && (before.is_some_and(|c| c.is_ascii_alphabetic()) || after.is_some_and(|c| c.is_ascii_alphabetic()))
        };
        if broken {
            wrong += 1;
            first = first.or(Some(i));
        }
    }
    (wrong * 4 > letters).then_some(first).flatten()
}

/// A UTF-16 text (marked by its byte-order mark, or declared as `utf-16le`/`utf-16be`) decoded
/// to UTF-8; `None` when the bytes are not UTF-16.
fn decode_utf16<'a>(
    bytes: &[u8],
    declared: Option<&str>,
    file: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Result<(Cow<'a, [u8]>, &'static str), Diagnostic>> {
    let declared = declared.map(|l| encoding_rs::Encoding::for_label(l.trim().as_bytes()));
    let (encoding, bom) = match (encoding_rs::Encoding::for_bom(bytes), declared) {
        (Some((e, len)), None) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => (e, len),
        (bom, Some(Some(e))) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => {
            (e, bom.filter(|(b, _)| *b == e).map_or(0, |(_, len)| len))
        }
        _ => return None,
    };
    let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(&bytes[bom..]) else {
        return Some(Err(encoding_error(
            file,
            None,
            Text::new(format!("ไฟล์ขึ้นต้นเป็น {} แต่มีไบต์ที่ไม่ถูกต้อง", encoding.name()), format!("the file starts as {} but has invalid bytes", encoding.name())),
            Text::new("เปิดไฟล์ในโปรแกรมตารางคำนวณแล้วบันทึกเป็น \"CSV UTF-8\"", "open the file in a spreadsheet and save it as \"CSV UTF-8\""),
        )));
    };
    if declared.is_none() {
        warnings.push(Diagnostic::warning(
            Code::EncodingError,
            Location::file(file),
            Text::new(
                format!("ไฟล์เป็น {} (\"Unicode Text\" ของ Excel) ไม่ใช่ UTF-8 จึงแปลงให้แล้ว", encoding.name()),
                format!("the file is {} (Excel's \"Unicode Text\"), not UTF-8; it was converted", encoding.name()),
            ),
            Text::new(
                format!("บันทึกไฟล์เป็น CSV UTF-8 หรือเพิ่ม encoding = \"{}\" ใน dataset.toml", encoding.name().to_ascii_lowercase()),
                format!("save the file as CSV UTF-8, or add encoding = \"{}\" to the resource in dataset.toml", encoding.name().to_ascii_lowercase()),
            ),
        ));
    }
    Some(Ok((Cow::Owned(text.into_owned().into_bytes()), encoding.name())))
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

    #[test]
    fn thai_bytes_are_told_from_other_8_bit_text() {
        let thai = encoding_rs::WINDOWS_874.encode("รหัส,ชื่อหน่วยงาน\n1,สำนักงานสถิติแห่งชาติ เก่ง ไม้ โต๊ะ ฯลฯ ๆ ๑๒๓\n").0;
        assert_eq!(not_thai(&thai), None);
        let latin = encoding_rs::WINDOWS_1252.encode("name,city\nJosé,São Paulo\nFrançois,Genève\n").0;
        // The first byte that breaks Thai spelling: é after "Jos".
        assert_eq!(not_thai(&latin), Some(13));
        let err = read(&latin).err().unwrap();
        assert_eq!((err.code, err.location.row), (Code::EncodingError, Some(2)));
        assert!(err.help.get(crate::lang::Lang::En).contains("encoding = \"windows-1252\""), "{err:?}");
    }

    fn read(bytes: &[u8]) -> Result<(RawTable, Vec<Diagnostic>), Diagnostic> {
        read_csv(Arc::new(bytes.to_vec()), None, None, &[String::new()], &ParserTypes::new(), Path::new("t.csv"))
    }

    fn read_with(bytes: &[u8], dialect: DialectMeta) -> Result<(RawTable, Vec<Diagnostic>), Diagnostic> {
        read_csv(Arc::new(bytes.to_vec()), None, Some(&dialect), &[String::new()], &ParserTypes::new(), Path::new("t.csv"))
    }

    #[test]
    fn a_table_below_its_first_line_is_read_from_its_header_and_shows_the_files_rows() {
        let rows = |t: &RawTable| t.row_cells(&(0..t.rows()).collect::<Vec<_>>()).unwrap();
        // Found: a title, a blank line; the header is row 3, and rows shown are the file's.
        let (t, w) = read(b"Budget 2567 (THB),,\n,,\nprovince,amount,persons\n\"A\nB\",1,3\nC,2,4\n").unwrap();
        assert_eq!((t.header.as_slice(), t.header_row, t.rows()), (&["province".to_string(), "amount".into(), "persons".into()][..], 3, 2));
        assert_eq!((w.len(), w[0].severity, w[0].location.row), (1, crate::diagnostic::Severity::Warning, Some(1)));
        assert_eq!(rows(&t), [["A\nB", "1", "3"], ["C", "2", "4"]]);
        // Declared, nothing is said; a header of three rows joins its labels (groups span on).
        let three = DialectMeta { header_rows: Some(vec![2, 3, 4]), header_join: Some("/".into()), ..Default::default() };
        let (t, w) = read_with(b"title\nid,budget,,\n,2567,,2568\n,plan,spent,plan\n1,10,9,12\n", three).unwrap();
        assert_eq!(t.header, ["id", "budget/2567/plan", "budget/2567/spent", "budget/2568/plan"]);
        assert_eq!((t.header_row, w.len(), rows(&t)), (4, 0, vec![vec!["1".to_string(), "10".into(), "9".into(), "12".into()]]));
        // A `sep=` line names the separator, and is row 1.
        for text in [&b"sep=|\r\na|b\r\n1|2\r\n"[..], b"\"sep=|\"\na|b\n1|2\n"] {
            let (t, w) = read(text).unwrap();
            assert_eq!((t.header.as_slice(), t.delimiter, t.header_row, w.len()), (&["a".to_string(), "b".into()][..], b'|', 2, 0));
        }
        // Rows that cannot be the header are refused with the fix, never a panic.
        for rows in [vec![], vec![0], vec![2, 4], vec![1, 2, 3, 4, 5, 6], vec![9], vec![usize::MAX]] {
            let err = read_with(b"a,b\n1,2\n", DialectMeta { header_rows: Some(rows.clone()), ..Default::default() }).err().unwrap();
            assert_eq!(err.code, Code::MetadataError, "{rows:?}");
            assert!(err.help.get(crate::lang::Lang::En).contains("headerRows = [3]"), "{rows:?}: {err:?}");
        }
        // A quote left open below the header is named at the file's row.
        let err = read(b"title\na,b\n1,2\n3,\"4\n").err().unwrap();
        assert_eq!(err.location.row, Some(4), "{err:?}");
    }

    #[test]
    fn a_unit_or_notes_above_a_header_are_read_past_and_a_table_is_never_cut() {
        let rows = |text: &str| text.lines().map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>()).collect::<Vec<_>>();
        // The header's row (0-based); 0 when the table starts at the first line.
        let cases = [
            // A unit at the right, as Thai reports put it; notes of two values over five cells.
            ("งบประมาณรายจ่าย,,,,\n,,,,หน่วย: ล้านบาท\nลำดับ,หน่วยงาน,2566,2567,2568\n1,ก,1,2,3\n2,ข,4,5,6", 2),
            ("หน่วยงาน:,กรมบัญชีกลาง,,,\nปีงบประมาณ:,2567,,,\nลำดับ,รายการ,งบ,เบิก,ร้อยละ\n1,ก,1,2,3\n2,ข,4,5,6", 2),
            // A report exporter's key-value lines, a blank line and the unit, unpadded.
            ("หน่วยงานเจ้าของโครงการ,กรมทางหลวง\nแบบเลขที่,ทล-01\n\nหน่วย : บาท\nลำดับ,รายการ,จำนวน,หน่วย,ราคา\n1,ก,2,ชิ้น,10\n2,ข,3,ชิ้น,20", 4),
            // (Blank rows after the table, as a short file's records past its end are.)
            ("a,b\nc,d\n\nx\nprovince,amount,unit,price,note\nA,1,ลบ.ม.,85,\nB,2,ตัน,24500,เฉลี่ย\nC,3,ตัน,100,\n\n\n", 4),
            // Age bands and terms name columns.
            ("จำนวนประชากร,,,\n,,,หน่วย: คน\nจังหวัด,0-14,15-59,60+\nกรุงเทพ,100,200,300\nนนทบุรี,10,20,30", 2),
            // A title and its unit on one row.
            ("รายละเอียดประกอบที่ 1,,,,หน่วย : บาท\nลำดับ,รายการ,ราคา,จำนวน,รวม\n1,ก,2,3,6", 1),
            // Headers of years alone, under a title.
            ("รายงาน\n,2565,2566\nกรุงเทพ,1,2\nนนทบุรี,3,4", 1),
            ("หน่วย: ล้านบาท\n2565,2566,2567\n100,200,300\n400,500,600", 1),
            ("หน่วย: ล้านบาท\n๒๕๖๕,๒๕๖๖,๒๕๖๗\n๑๐๐,๒๐๐,๓๐๐\n๔๐๐,๕๐๐,๖๐๐", 1),
            // Headers of two rows, under notes or not: the group labels' row is the header's first.
            ("หน่วย: คน,,,,\nที่มา:,สสช.,,,\nจังหวัด,2565,,2566,\n,ชาย,หญิง,ชาย,หญิง\nก,1,2,3,4", 2),
            ("จังหวัด,2565,,2566,\n,ชาย,หญิง,ชาย,หญิง\nก,1,2,3,4\nข,1,2,3,4", 0),
            ("รายงาน\nจังหวัด,งบประมาณ,,\n,2565,2566,2567\nก,1,2,3\nข,4,5,6", 1),
            ("จังหวัด,2565,,2566,,รวม\n,ชาย,หญิง,ชาย,หญิง,ทั้งสิ้น\nก,1,2,3,4,10\nข,5,6,7,8,26", 0),
            ("ลำดับ,จังหวัด,ปี 2565,,ปี 2566,\n,,ชาย,หญิง,ชาย,หญิง\n1,กรุงเทพ,1,2,3,4\n2,นนทบุรี,5,6,7,8", 0),
            // A header at the top stays there: blank labels, sparse rows, a pandas index or
            // MultiIndex, a ragged file.
            ("id,name,note\n1,A,\n2,B,\n3,C,x", 0),
            ("ลำดับ,จังหวัด,,,รวม\n1,ก,1,2,3\n2,ข,4,5,6", 0),
            (",amount,persons\n0,5,1\n1,6,2", 0),
            (",amount\n0,5\n1,6", 0),
            (",amount\nA,5\nB,6", 0),
            (",,amount,persons\nกรุงเทพ,ชาย,1,2\nกรุงเทพ,หญิง,3,4", 0),
            ("a,b\n1,2,3,4,5\n6,7,8,9,10", 0),
            ("name,score\nสมชาย,1,2,3\nสมหญิง,4,5,6", 0),
            ("ภาค,กลุ่มอายุ (ปี),,,รวม\n,0-14,15-59,60+,\nกรุงเทพมหานคร,-,-,-,-\nนนทบุรี,1,2,3,6", 0),
            (",,name,address\nBangkok,M,John,Silom\nBangkok,F,Jane,Sathorn", 0),
            // A table above a footer is no note: the footer is not taken for the header.
            ("ชื่อ,ตำแหน่ง\nสมชาย,ผู้อำนวยการ\nสมหญิง,รองผู้อำนวยการ\n\nที่มา:,กองการเจ้าหน้าที่,ปรับปรุง:,1 ม.ค. 2567\nหมายเหตุ:,ข้อมูลเบื้องต้น", 0),
            ("ปี,จำนวน\n2563,10\n2564,12\n2565,15\n\nที่มา:,สำนักงานสถิติแห่งชาติ,ปรับปรุง:,1 ม.ค. 2567\nหมายเหตุ:,ตัวเลขเบื้องต้น", 0),
            // Two values over two columns could be the header: not read past.
            ("created,2024-05-01\nprovince,amount\nA,1", 0),
            // One column: no header to find.
            ("title\nid\n1\n2", 0),
        ];
        for (text, header) in cases {
            assert_eq!(header_among(&rows(text)).unwrap_or(0), header, "{text}");
        }
        // Read: the unit line is not published, and the warning names the header's row.
        let (t, w) = read("รายงาน,,\n,,หน่วย: บาท\nprovince,amount,persons\nA,1,3\n".as_bytes()).unwrap();
        assert_eq!((t.header.as_slice(), t.header_row, t.rows(), w.len()), (&["province".to_string(), "amount".into(), "persons".into()][..], 3, 1, 1));
        let (t, _) = read("หน่วยงาน:,กรมบัญชีกลาง,,\nprovince,amount,persons,share\nA,1,3,0.5\n".as_bytes()).unwrap();
        assert_eq!((t.header[0].as_str(), t.header_row), ("province", 2));
        // A title over a header of two rows in `;`: the warning gives both rows (the row below
        // split by the delimiter that found the header, not the one detected on the title).
        let (_, w) = read("รายงานประชากร ปี 2567\nจังหวัด;2565;;2566;\n;ชาย;หญิง;ชาย;หญิง\nก;1;2;3;4\n".as_bytes()).unwrap();
        assert!(w.iter().any(|w| w.help.get(crate::lang::Lang::En).contains("headerRows = [2, 3]")), "{w:?}");
        // A first line the delimiter splits is the header, whatever another delimiter finds
        // below it (a section row, cells holding `;`).
        let (t, w) = read("จังหวัด,จำนวน,หมายเหตุ\nภาคเหนือ,,\nเชียงใหม่,1,สำรวจ; ประมาณการ\nลำพูน,2,สำรวจ; ประมาณการ\n".as_bytes()).unwrap();
        assert_eq!((t.header.as_slice(), t.header_row, w.len()), (&["จังหวัด".to_string(), "จำนวน".into(), "หมายเหตุ".into()][..], 1, 0));
    }

    #[test]
    fn the_fast_read_gives_what_the_general_read_gives() {
        let texts: [&[u8]; 41] = [
            b"title,,\n\nn,x,s\n1,2.5,a\n3,4,\"b\nc\"\n",
            b"sep=;\r\nn;x\r\n1;2\r\n",
            b"n,x,s\n1,2.5,a\n3,4,b\n",
            b"n,x,s\n1,2.5,a\n3,4,b",
            b"n,x,s\r\n1,2.5,a\r\n3,4,b\r\n",
            b"n,x,s\n1,2.5,a\n\n3,4,b\n\n",
            b"n,x,s\n1,2.5\n3,4,b\n5\n",
            b"n,x,s\n1,2.5,a,extra\n3,4,b\n",
            b"n,x,s\n",
            b"n,x,s",
            b"n,x,s\n1,\"2.5\",a\n3,4,\"b\nc\"\n",
            b"n,NA,,s\nNA,2,,a\n3,NA,x,b\n",
            b"n,x,s\n 1,2.5,a\n3,4,b \n",
            b"n,x,s\n1,2\xc2\xa05,a\n\xe0\xb9\x91,4,b\n",
            b"n,x,s\n1,2.5,a\n12a,4,b\n5,x,c\n",
            b"n,x,s\n007,0812345678,a\n3,4,b\n",
            b"n,x,s\n1,2.5,\xa1\xb2\n3,4,b\n",
            b"n,x,s\n1,2.5,a\x00\n3,4,b\n",
            b"n,x,s\n1,2.5,a\r3,4,b\n",
            b"\xef\xbb\xbfn,x,s\n1,2.5,a\n3,4,b\n",
            b"n;x;s\n1;2,5;a\n3;4;b\n",
            b"n,n,x\n1,2,3\n4,5,6\n",
            b"n,x,s\n,,\n1,,\n",
            b"\nn,x,s\n1,2,3\n",
            b"n,x,s\n1,NaN,a\n2,inf,b\n",
            b"n,\"x\",s\n1,2,3\n",
            b"n,x,s\n1,\"a\n2,3\",b\n4,5,c\n",
            b"n,x,s\n1,\"a\"\"\n2\",b\n4,5,c\n",
            b"x^2,y\n1,2\n",
            b"x\x01a,b\n1,2\n",
            // Every field quoted (as some exports write them), with CRLF line ends.
            b"\"n\",\"x\",\"s\"\r\n\"1\",\"2.5\",\"a\"\r\n\"3\",\"4\",\"b\"\r\n",
            b"\"n\",\"x\",\"s\"\n\"1\",\"2.5\",\"a, b\"\n\"3\",\"\",\"c\"\"d\"\n",
            b"\"n\",\"x\",\"s\"\r\n\"1\",\"2.5\",\"two\r\nlines\"\r\n\"3\",\"4\"\r\n\"5\",\"6\",\"c\",\"extra\"\r\n",
            b"n,x,s\n1,\"21,905,000\",a\n3,\" 4\",b\n",
            b"n,x,s\n1,2.5,a\"b\n3,4,\"c\"\n",
            b"n,x,s\n1,2.5,\"a\n\n\nb\"\n3,4,\"c\"\n",
            b"n,x,s\r\n1,2.5,a\r\n3,4\r\n\r\n5,6,c\r\n",
            b"n,x,s\n\"1\",2.5,a\n3,4,b,",
            // A quote inside an unquoted cell, then a quoted cell across lines: counting quotes
            // would cut the rows where Polars does not.
            b"n,x,s\n1,a\"b,\"c\nd\"x\"\n2,3,4\n",
            b"n,x,s\n1,5\",\"c\nd\"\n2,3,4\n",
            b"n,x,s\n1,\"a\"\"\n\"\"b\",c\n2, \"3\",4\n",
        ];
        let types = ParserTypes::from([("n".to_string(), DataType::Int64), ("x".to_string(), DataType::Float64)]);
        for text in texts {
            // Enough rows that the parts are many, each row on its own or a few together.
            let long = [text, &text[text.iter().position(|&b| b == b'\n').map_or(text.len(), |i| i + 1)..].repeat(50)].concat();
            for text in [text, &long[..]] {
                for missing in [vec![String::new()], vec!["NA".to_string()], vec![String::new(), "NA".to_string()]] {
                    let read = |parts| read_csv_in_parts(Arc::new(text.to_vec()), None, None, &missing, &types, Path::new("t.csv"), parts);
                    let general = read(None);
                    for part_bytes in [1, 9, 64, PART_BYTES] {
                        assert!(same_read(&general, &read(Some(part_bytes))), "{:?} {missing:?} {part_bytes}", String::from_utf8_lossy(text));
                    }
                }
            }
        }
    }

    #[test]
    fn the_fast_read_parses_a_clean_file_in_parts_typed() {
        let text = format!("n,x,s\n{}", (0..1000).map(|i| format!("{i},{i}.5,a{i}\n")).collect::<String>());
        let types = ParserTypes::from([("n".to_string(), DataType::Int64), ("x".to_string(), DataType::Float64)]);
        let (t, _) = read_csv_in_parts(Arc::new(text.into_bytes()), None, None, &[String::new()], &types, Path::new("t.csv"), Some(1000)).unwrap();
        assert_eq!(t.frame.height(), 1000);
        assert!(t.frame.column("c0").unwrap().n_chunks() > 10, "read in parts");
        assert_eq!(t.frame.column("c0").unwrap().dtype(), &DataType::Int64);
        assert_eq!(t.frame.column("c1").unwrap().f64().unwrap().get(999), Some(999.5));
        assert_eq!(t.frame.column("c2").unwrap().str().unwrap().get(500), Some("a500"));
    }

    #[test]
    fn a_quoted_crlf_file_is_read_in_parts_and_rows_are_shown_as_written() {
        // Every field quoted, CRLF line ends, a line break inside a quoted cell now and then:
        // still read part by part, with the same table as the general read.
        let mut text = String::from("\"n\",\"x\",\"s\"\r\n");
        for i in 0..1000 {
            let s = if i % 97 == 0 { format!("two\r\nlines {i}") } else { format!("a{i}") };
            text.push_str(&format!("\"{i}\",\"{i}.5\",\"{s}\"\r\n"));
        }
        // Row 500 is short.
        let text = text.replace("\"500\",\"500.5\",\"a500\"", "\"500\",\"500.5\"");
        let types = ParserTypes::from([("n".to_string(), DataType::Int64), ("x".to_string(), DataType::Float64)]);
        let read = |parts| read_csv_in_parts(Arc::new(text.clone().into_bytes()), None, None, &[String::new()], &types, Path::new("t.csv"), parts);
        let (t, w) = read(Some(1000)).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert!(t.frame.column("c0").unwrap().n_chunks() > 10, "read in parts");
        assert!(same_read(&read(None), &read(Some(1000))));
        assert_eq!((t.frame.height(), t.short_rows.clone(), t.long_rows.clone()), (1000, vec![(500, 2)], vec![]));
        assert_eq!(t.frame.column("c0").unwrap().dtype(), &DataType::Int64);
        assert_eq!(t.frame.column("c2").unwrap().str().unwrap().get(194), Some("two\r\nlines 194"));
        assert_eq!(t.row_cells(&[194, 500, 999]).unwrap(), [vec!["194", "194.5", "two\r\nlines 194"], vec!["500", "500.5"], vec!["999", "999.5", "a999"]]);
    }

    #[test]
    fn a_windows_874_file_is_decoded_part_by_part_with_the_same_table() {
        // A Thai Excel export: Windows-874, CRLF, every field quoted.
        let mut text = String::from("\"รหัส\",\"ชื่อ\",\"จำนวน\"\r\n");
        for i in 0..1000 {
            text.push_str(&format!("\"{i}\",\"สำนักงานสถิติแห่งชาติ {i}\",\"{i}.5\"\r\n"));
        }
        let bytes = encoding_rs::WINDOWS_874.encode(&text).0.into_owned();
        let types = ParserTypes::from([("จำนวน".to_string(), DataType::Float64)]);
        for declared in [None, Some("windows-874"), Some("tis-620")] {
            let read = |parts| read_csv_in_parts(Arc::new(bytes.clone()), declared, None, &[String::new()], &types, Path::new("t.csv"), parts);
            let (t, w) = read(Some(1000)).unwrap();
            assert!(t.frame.column("c0").unwrap().n_chunks() > 10, "read in parts");
            assert!(same_read(&read(None), &read(Some(1000))), "{declared:?}");
            assert_eq!((t.encoding, t.header[1].as_str(), t.frame.height(), w.len()), ("windows-874", "ชื่อ", 1000, usize::from(declared.is_none())));
            assert_eq!(t.frame.column("c1").unwrap().str().unwrap().get(700), Some("สำนักงานสถิติแห่งชาติ 700"));
            assert_eq!(t.frame.column("c2").unwrap().dtype(), &DataType::Float64);
            assert_eq!(t.row_cells(&[0, 999]).unwrap(), [["0", "สำนักงานสถิติแห่งชาติ 0", "0.5"], ["999", "สำนักงานสถิติแห่งชาติ 999", "999.5"]]);
        }
        // A byte Windows-874 has no character for (0xFF) in data row 700: the same error, at its
        // row, whichever way the file is read.
        let mut broken = bytes.clone();
        let at = broken.windows(4).position(|w| w == b"\"700").unwrap() + 2;
        broken[at] = 0xFF;
        let read = |parts| read_csv_in_parts(Arc::new(broken.clone()), Some("windows-874"), None, &[String::new()], &types, Path::new("t.csv"), parts);
        let err = read(Some(1000)).unwrap_err();
        assert_eq!((err.code, err.location.row), (Code::EncodingError, Some(702)));
        assert_eq!(read(None).unwrap_err(), err);
    }

    #[test]
    fn a_long_value_repeated_on_every_row_is_stored_once_per_part() {
        let programs = ["แผนงานบุคลากรภาครัฐ", "แผนงานยุทธศาสตร์พัฒนาระบบราชการ"];
        let text = format!("id,program,note\n{}", (0..1000).map(|i| format!("{i},{},note number {i:05}\n", programs[i % 2])).collect::<String>());
        let read = |parts| read_csv_in_parts(Arc::new(text.clone().into_bytes()), None, None, &[String::new()], &ParserTypes::new(), Path::new("t.csv"), parts);
        let (t, _) = read(Some(4000)).unwrap();
        assert!(same_read(&read(None), &read(Some(4000))));
        let stored = |name: &str| t.frame.column(name).unwrap().str().unwrap().downcast_iter().map(|a| a.total_buffer_len()).sum::<usize>();
        let program = t.frame.column("c1").unwrap().str().unwrap();
        assert_eq!((program.get(0), program.get(999)), (Some(programs[0]), Some(programs[1])));
        // Two values of 57 and 93 bytes, once in each of the 25 parts (3,750 bytes), not on
        // each of 1000 rows (75,000).
        assert_eq!(stored("c1"), 25 * (57 + 93));
        // Values that all differ are left as they are.
        assert_eq!(t.frame.column("c2").unwrap().str().unwrap().get(7), Some("note number 00007"));
        assert_eq!(stored("c2"), 1000 * "note number 00000".len());
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
    fn utf16_unicode_text_from_excel_is_converted_with_a_warning() {
        // Excel's "Unicode Text": UTF-16LE with its byte-order mark, cells separated by tabs.
        let text = "รหัส\tจังหวัด\r\n10\tกรุงเทพมหานคร\r\n50\tเชียงใหม่\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let (t, w) = read(&bytes).unwrap();
            assert_eq!((t.header.clone(), t.rows(), t.encoding, t.delimiter), (vec!["รหัส".to_string(), "จังหวัด".to_string()], 2, name, b'\t'));
            assert_eq!(t.frame.column("c1").unwrap().str().unwrap().get(1), Some("เชียงใหม่"));
            let codes: Vec<Code> = w.iter().map(|d| d.code).collect();
            assert_eq!(codes, [Code::EncodingError, Code::SourceError], "{w:?}");
            assert!(w[0].message.en.starts_with(&format!("the file is {name} (Excel's \"Unicode Text\")")), "{}", w[0].message.en);
        }
    }

    #[test]
    fn numbers_are_typed_while_parsing_unless_the_file_needs_its_text() {
        let types = ParserTypes::from([("amount".to_string(), DataType::Float64)]);
        let read = |bytes: &[u8]| read_csv(Arc::new(bytes.to_vec()), None, None, &[String::new()], &types, Path::new("t.csv")).unwrap();
        let (t, _) = read(b"name,amount\na,1.50\nb,\n");
        assert_eq!(t.frame.column("c1").unwrap().dtype(), &DataType::Float64);
        assert_eq!((t.header.clone(), t.frame.column("c1").unwrap().f64().unwrap().get(0)), (vec!["name".to_string(), "amount".to_string()], Some(1.5)));
        // Rows are still shown as written.
        assert_eq!(t.row_cells(&[0, 1]).unwrap(), [["a", "1.50"], ["b", ""]]);
        // A value the parser refuses, a space it would skip: read as text, every value kept.
        for refused in [&b"name,amount\na,1.5x\n"[..], b"name,amount\na, 1.5\n"] {
            let (t, _) = read(refused);
            assert_eq!(t.frame.column("c1").unwrap().dtype(), &DataType::String, "{refused:?}");
        }
        // A header in Windows-874 ("ชื่อ") over plain numbers: still decoded, with its warning.
        let (t, w) = read(b"\xaa\xd7\xe8\xcd,amount\n1,2\n");
        assert_eq!((t.header[0].as_str(), t.encoding, w.len()), ("ชื่อ", "windows-874", 1));
    }

    #[test]
    fn binary_junk_is_an_encoding_error_not_a_panic() {
        let err = read(b"a,b\n1,\x00\x01\x02").unwrap_err();
        assert_eq!(err.code, Code::EncodingError);
        assert_eq!(err.location.row, Some(2));
    }

    #[test]
    fn a_long_row_and_a_short_row_that_balance_out_are_both_found() {
        // The quick count alone would see 3 cells per row on average.
        let (t, _) = read(b"a,b,c\n1,2\n3,4,5,6\n").unwrap();
        assert_eq!((t.short_rows, t.long_rows), (vec![(0, 2)], vec![(1, 4)]));
        let (t, _) = read(b"a,b,c\n1,2,3\n4,5,6").unwrap();
        assert_eq!((t.rows(), t.short_rows, t.long_rows), (2, vec![], vec![]));
        // Polars keeps quiet about an empty extra cell at the very end of the text.
        let (t, _) = read(b"a,b,c\n1,2\n1,2,3,").unwrap();
        assert_eq!((t.short_rows, t.long_rows), (vec![(0, 2)], vec![(1, 4)]));
    }

    #[test]
    fn a_label_that_starts_like_compressed_data_is_read() {
        // "x^" and "x" + 0x01 begin zlib streams, which Polars' reader would refuse to open.
        for text in [&b"x^2,y\n1,2\n"[..], b"\"x^2\",y\n1,2\n", b"x^2,y\n\"1\",2\n"] {
            let (t, _) = read(text).unwrap();
            assert_eq!((t.header[0].as_str(), t.rows()), ("x^2", 1), "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn line_ends_written_twice_are_one_line_end_not_a_blank_row() {
        // Python's csv.writer on Windows without newline='' writes \r\r\n; a lone CR elsewhere
        // is still a line end of its own.
        let (t, w) = read(b"a,b\r\r\n1,2\r\r\n3,4\r\r\r\n5,6\r\r\n").unwrap();
        assert_eq!((t.rows(), t.short_rows.len(), t.header.clone()), (3, 0, vec!["a".to_string(), "b".to_string()]));
        assert_eq!(w.iter().map(|d| d.message.en.as_str()).collect::<Vec<_>>(), ["the file's lines end with CR CR LF (the program that wrote it doubled its line ends): each is read as one line end, not a blank row"]);
        let (t, w) = read(b"a,b\r\n1,2\r3,4\r\n").unwrap();
        assert_eq!((t.rows(), w.len()), (2, 1));
        assert!(w[0].message.en.starts_with("the file has lone CR line breaks"), "{}", w[0].message.en);
    }

    #[test]
    fn an_unclosed_quote_names_the_row_where_it_opens() {
        let err = read(b"id,note\n1,a\n2,\"never closed\n3,x\n").unwrap_err();
        assert_eq!((err.code, err.location.row, err.location.column_number), (Code::SourceError, Some(3), Some(2)));
        assert!(err.message.en.starts_with("a double quote (\") opened in cell B of this row is never closed"), "{}", err.message.en);
    }

    #[test]
    fn a_label_that_is_a_missing_value_stays_the_label() {
        // Quoted, so that Polars' reader reads the header as a row; unquoted, the fast read.
        for text in [&b"\"NA\",b\n1,NA\n"[..], b"NA,b\n1,NA\n"] {
            let (t, _) = read_csv(Arc::new(text.to_vec()), None, None, &["NA".to_string()], &ParserTypes::new(), Path::new("t.csv")).unwrap();
            assert_eq!(t.header, ["NA", "b"]);
            assert_eq!(t.frame.column("c1").unwrap().null_count(), 1);
        }
    }

    #[test]
    fn semicolons_are_detected_with_a_warning() {
        let (t, w) = read(b"a;b\n1,5;2\n").unwrap();
        assert_eq!(t.header, ["a", "b"]);
        assert_eq!(t.delimiter, b';');
        assert_eq!(w[0].code, Code::SourceError);
    }

    #[test]
    fn lone_carriage_returns_end_rows_with_a_warning() {
        let (t, w) = read(b"a,b\r\n1,2\r3,4\n").unwrap();
        assert_eq!(t.rows(), 2);
        assert_eq!(w[0].code, Code::SourceError);
    }

    #[test]
    fn utf8_thai_with_one_broken_byte_is_an_error_at_its_row_not_mojibake() {
        let mut bytes = "name\nกรุงเทพ\nเชียงใหม่\n".as_bytes().to_vec();
        let cut = bytes.len() - 2;
        bytes.remove(cut);
        let err = read(&bytes).unwrap_err();
        assert_eq!((err.code, err.location.row), (Code::EncodingError, Some(3)));
    }

    #[test]
    fn an_empty_file_is_an_empty_table() {
        assert_eq!(read(b"").unwrap_err().code, Code::EmptyTable);
    }
}
