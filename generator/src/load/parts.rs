//! The common case read fast: the rows of a text are cut at record ends into parts of about a
//! megabyte, and each core takes parts, scans one (see `scan`) and at once hands it to Polars'
//! own chunk parser, while its bytes are still in the processor's cache. Polars' reader, given
//! a whole text, first counts its lines on one core to cut it (a quarter of its work); here
//! nothing is done twice, and only the parts being parsed are in memory, so that a gigabyte
//! file is never all there at once (issue 15). A text with quote characters is cut where the
//! quotes before a line end are even in number (outside any quoted cell, as Polars' own reader
//! and `scan::records` tell records apart); a text in an 8-bit encoding (Windows-874) is
//! decoded part by part. Anything unusual (stray control bytes, bytes that are not UTF-8 or
//! not of the encoding, a quote never closed, a row Polars refuses) gives `None`, and the
//! general read runs instead; so this read only ever gives what that one would. `read_chunk` is what Polars' reader runs on each chunk; it is in
//! Polars' `_csv_read_internal`, not a stable API (Cargo.toml holds Polars to one minor
//! version), so a test and the fuzz target check that both reads agree.

use crate::load::scan::{ByteScan, Shapes, Traits, line_parts, part_shapes, quotes_well_placed};
use polars::io::csv::read::_csv_read_internal::{NullValuesCompiled, read_chunk};
use polars::prelude::*;
use std::borrow::Cow;

/// How to parse the rows.
pub(crate) struct PartsParse<'a> {
    /// About how many bytes a part has.
    pub part_bytes: usize,
    /// The delimiter, quote character, missing values and line handling.
    pub options: &'a CsvParseOptions,
    /// The texts read as nulls, besides the empty one.
    pub null_values: Option<&'a NullValuesCompiled>,
    /// Every column as text.
    pub text: &'a Schema,
    /// Some columns typed: tried first, for a part whose traits allow it.
    pub typed: Option<&'a Schema>,
    /// Whether a part with these traits may be typed by the parser.
    pub typeable: &'a (dyn Fn(&Traits) -> bool + Sync),
    /// Gives back the memory of a part's bytes once they are parsed (a mapped file's pages).
    pub release: &'a (dyn Fn(&[u8]) + Sync),
    /// How many cells the header has.
    pub header_cells: usize,
    /// The 8-bit encoding the rows are in, each part decoded to UTF-8 before it is parsed;
    /// `None` for rows already UTF-8. Only an encoding in which every byte below 0x80 is ASCII
    /// (so line ends, delimiters and quotes are found in the bytes as they are).
    pub decode: Option<&'static encoding_rs::Encoding>,
}

/// Rows read in parts.
pub(crate) struct PartsRead {
    /// The rows: with the typed columns when every part could be typed, else all text.
    pub frame: DataFrame,
    /// What the scans of the parts found, together.
    pub scan: ByteScan,
    /// The records' cell counts (rows numbered from the first after the header).
    pub shapes: Shapes,
}

/// One part, parsed.
struct Part<'a> {
    bytes: &'a [u8],
    scan: ByteScan,
    shapes: Shapes,
    frame: DataFrame,
    typed: bool,
}

/// Reads `rows` (a text's records after its header) in parts, or `None` when the general read
/// must run (see the module's note).
pub(crate) fn read_in_parts(rows: &[u8], how: &PartsParse) -> Option<PartsRead> {
    if rows.is_empty() {
        return None;
    }
    let (delimiter, quote) = (how.options.separator, how.options.quote_char);
    let parts = record_parts(rows, rows.len().div_ceil(how.part_bytes.max(1)), quote, how.release)?;
    let parts: Option<Vec<Part>> = crate::parallel::pool_map(parts, |bytes| {
        let text = in_utf8(bytes, how.decode)?;
        let scan = ByteScan::of_part(&text, delimiter, quote);
        if scan.stray_controls || (how.decode.is_none() && simdutf8::basic::from_utf8(&text).is_err()) {
            return None;
        }
        // A quote Polars reads as text would make the count of quotes cut rows wrongly.
        if quote.is_some_and(|q| scan.quotes && !quotes_well_placed(&text, delimiter, q)) {
            return None;
        }
        let (shapes, records) = shapes_of(&text, &scan, how);
        // A quote never closed is worded by the general read.
        if shapes.unclosed_quote.is_some() {
            return None;
        }
        let typed = how.typed.filter(|_| (how.typeable)(&scan.traits)).and_then(|schema| parse(&text, schema, records, how).ok());
        let (frame, typed) = match typed {
            Some(frame) => (frame, true),
            None => (parse(&text, how.text, records, how).ok()?, false),
        };
        let frame = share_repeated_text(frame);
        // Parsed, its bytes need not stay in memory: a 1 GB file is never all there at once.
        (how.release)(bytes);
        // One row per record, as Polars' reader checks too.
        (frame.height() == records).then_some(Part { bytes, scan, shapes, frame, typed })
    })
    .into_iter()
    .collect();
    let mut parts = parts?;
    if how.typed.is_some() && !parts.iter().all(|p| p.typed) {
        // Every part must have the same columns: those read typed are read again as text.
        let typed: Vec<&mut Part> = parts.iter_mut().filter(|p| p.typed).collect();
        crate::parallel::pool_map(typed, |p| {
            let text = in_utf8(p.bytes, how.decode)?;
            p.frame = share_repeated_text(parse(&text, how.text, p.frame.height(), how).ok()?);
            (how.release)(p.bytes);
            Some(())
        })
        .into_iter()
        .collect::<Option<()>>()?;
    }
    let scan = parts.iter().fold(ByteScan::default(), |all, p| all.or(p.scan));
    // Each part's rows after the rows of the parts before it.
    let mut shapes = Shapes { header_cells: how.header_cells, ..Shapes::default() };
    let mut offset = 0;
    for p in &parts {
        shapes.short.extend(p.shapes.short.iter().map(|&(row, cells)| (row + offset, cells)));
        shapes.long.extend(p.shapes.long.iter().map(|&(row, cells)| (row + offset, cells)));
        shapes.padded.extend(p.shapes.padded.iter().map(|&row| row + offset));
        offset += p.frame.height();
    }
    // The parts' columns become chunks of one column each, not copied.
    let mut frames = parts.into_iter().map(|p| p.frame);
    let mut frame = frames.next()?;
    for part in frames {
        frame.vstack_mut_owned(part).ok()?;
    }
    Some(PartsRead { frame, scan, shapes })
}

/// Bytes as UTF-8: as they are, or decoded from `encoding` (`None` when they are not valid in
/// it: the general read words the error).
pub(crate) fn in_utf8<'a>(bytes: &'a [u8], encoding: Option<&'static encoding_rs::Encoding>) -> Option<Cow<'a, [u8]>> {
    match encoding {
        None => Some(Cow::Borrowed(bytes)),
        Some(e) => Some(Cow::Owned(e.decode_without_bom_handling_and_without_replacement(bytes)?.into_owned().into_bytes())),
    }
}

/// The cell counts of a part's records, and how many it has: counted from the scan when it
/// proves every record has the header's cells (no quote, as many delimiters as that makes);
/// else each record is walked.
fn shapes_of(text: &[u8], scan: &ByteScan, how: &PartsParse) -> (Shapes, usize) {
    let lines = scan.lines(text);
    // Polars keeps quiet about an empty extra cell at the very end of a text: only a walk
    // finds it.
    let uniform = !scan.quotes && !text.ends_with(&[how.options.separator]) && scan.delimiters == how.header_cells.saturating_sub(1) * lines;
    if uniform {
        return (Shapes { header_cells: how.header_cells, ..Shapes::default() }, lines);
    }
    part_shapes(text, how.options.separator, how.options.quote_char, how.header_cells)
}

/// `rows` cut after line ends into about `count` parts, each of whole records: where a quoted
/// cell holds a line end, the parts around it are one. `None` when a quote is never closed.
/// Counting the quotes reads the text once more, one part per core, giving back each part's
/// pages after it (`release`).
fn record_parts<'a>(rows: &'a [u8], count: usize, quote: Option<u8>, release: &(dyn Fn(&[u8]) + Sync)) -> Option<Vec<&'a [u8]>> {
    let lines = line_parts(rows, count);
    let Some(q) = quote else { return Some(lines) };
    let odd: Vec<bool> = crate::parallel::pool_map(lines.clone(), |part| {
        let quotes = part.iter().filter(|&&b| b == q).count();
        release(part);
        quotes % 2 == 1
    });
    let mut parts = Vec::with_capacity(lines.len());
    let (mut start, mut end, mut open) = (0, 0, false);
    for (part, odd) in lines.iter().zip(odd) {
        end += part.len();
        open ^= odd;
        // A cut inside a quoted cell would split a record: the part goes on.
        if !open {
            parts.push(&rows[start..end]);
            start = end;
        }
    }
    (!open).then_some(parts)
}

/// `frame` with the text of each column stored once per distinct value, where values longer
/// than Polars keeps inside a cell's 16 bytes repeat: a program's or an agency's name in Thai
/// (50 bytes or more) on each of 10 million rows takes 550 MB, and as long as the table lives
/// (issue 15). The values stay the same; only their bytes are shared (Polars' gather copies a
/// cell's 16 bytes and shares the text they point to).
pub(crate) fn share_repeated_text(frame: DataFrame) -> DataFrame {
    let height = frame.height();
    let columns: Vec<Column> = frame
        .columns()
        .iter()
        .map(|c| match c.str().ok().and_then(shared_repeats) {
            Some(shared) => shared.into_column(),
            None => c.clone(),
        })
        .collect();
    DataFrame::new(height, columns).unwrap_or(frame)
}

/// A text column's values with each distinct one stored once, or `None` when that saves little:
/// few bytes outside the cells, or values that mostly differ.
fn shared_repeats(ca: &StringChunked) -> Option<StringChunked> {
    let stored: usize = ca.downcast_iter().map(|a| a.total_buffer_len()).sum();
    // Under 8 bytes a row stored outside the cells: not worth a hash of every value.
    if stored < ca.len() * 8 {
        return None;
    }
    let mut index: PlHashMap<&str, IdxSize> = PlHashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    let mut rows: Vec<Option<IdxSize>> = Vec::with_capacity(ca.len());
    for value in ca.iter() {
        rows.push(value.map(|v| {
            *index.entry(v).or_insert_with(|| {
                distinct.push(v);
                (distinct.len() - 1) as IdxSize
            })
        }));
        if rows.len() >= 256 && distinct.len() * 2 > rows.len() {
            return None;
        }
    }
    let values = StringChunked::from_iter_values(ca.name().clone(), distinct.into_iter());
    values.take(&IdxCa::from_iter_options("".into(), rows.into_iter())).ok()
}

/// One part parsed by Polars' chunk parser (what its reader runs on each chunk).
fn parse(part: &[u8], schema: &Schema, lines: usize, how: &PartsParse) -> PolarsResult<DataFrame> {
    let projection: Vec<usize> = (0..schema.len()).collect();
    read_chunk(part, how.options, schema, false, &projection, 0, lines, how.null_values, usize::MAX, part.len(), Some(0))
}
