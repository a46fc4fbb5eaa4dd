//! The common case read fast: the rows of a text without quote characters are cut at line
//! ends into parts of about a megabyte, and each core takes parts, scans one (see `scan`) and
//! at once hands it to Polars' own chunk parser, while its bytes are still in the processor's
//! cache. Polars' reader, given a whole text, first counts its lines on one core to cut it
//! (a quarter of its work); here nothing is done twice, and the file comes from memory once.
//! Anything unusual (a quote character, stray control bytes, bytes that are not UTF-8, a row
//! Polars refuses) gives `None`, and the general read runs instead; so this read only ever
//! gives what that one would. `read_chunk` is what Polars' reader runs on each chunk; it is in
//! Polars' `_csv_read_internal`, not a stable API (Cargo.toml holds Polars to one minor
//! version), so a test and the fuzz target check that both reads agree.

use crate::load::scan::{ByteScan, Traits, line_parts};
use polars::io::csv::read::_csv_read_internal::{NullValuesCompiled, read_chunk};
use polars::prelude::*;
use rayon::prelude::*;

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
}

/// Rows read in parts.
pub(crate) struct PartsRead {
    /// The rows: with the typed columns when every part could be typed, else all text.
    pub frame: DataFrame,
    /// What the scans of the parts found, together.
    pub scan: ByteScan,
}

/// One part, parsed.
struct Part<'a> {
    bytes: &'a [u8],
    scan: ByteScan,
    frame: DataFrame,
    typed: bool,
}

/// Reads `rows` (a text's lines after its header) in parts, or `None` when the general read
/// must run (see the module's note).
pub(crate) fn read_in_parts(rows: &[u8], how: &PartsParse) -> Option<PartsRead> {
    if rows.is_empty() {
        return None;
    }
    let (delimiter, quote) = (how.options.separator, how.options.quote_char);
    let parts: Option<Vec<Part>> = line_parts(rows, rows.len().div_ceil(how.part_bytes.max(1)))
        .into_par_iter()
        .map(|bytes| {
            let scan = ByteScan::of_part(bytes, delimiter, quote);
            // A quote character may hide a line end inside a cell: the cut could be wrong.
            if scan.quotes || scan.stray_controls || simdutf8::basic::from_utf8(bytes).is_err() {
                return None;
            }
            let lines = scan.lines(bytes);
            let typed = how.typed.filter(|_| (how.typeable)(&scan.traits)).and_then(|schema| parse(bytes, schema, lines, how).ok());
            let (frame, typed) = match typed {
                Some(frame) => (frame, true),
                None => (parse(bytes, how.text, lines, how).ok()?, false),
            };
            // Parsed, its bytes need not stay in memory: a 1 GB file is never all there at once.
            (how.release)(bytes);
            // One row per line, as Polars' reader checks too.
            (frame.height() == lines).then_some(Part { bytes, scan, frame, typed })
        })
        .collect();
    let mut parts = parts?;
    if how.typed.is_some() && !parts.iter().all(|p| p.typed) {
        // Every part must have the same columns: those read typed are read again as text.
        parts.par_iter_mut().filter(|p| p.typed).try_for_each(|p| {
            p.frame = parse(p.bytes, how.text, p.frame.height(), how).ok()?;
            (how.release)(p.bytes);
            Some(())
        })?;
    }
    let scan = parts.iter().fold(ByteScan::default(), |all, p| all.or(p.scan));
    // The parts' columns become chunks of one column each, not copied.
    let mut frames = parts.into_iter().map(|p| p.frame);
    let mut frame = frames.next()?;
    for part in frames {
        frame.vstack_mut_owned(part).ok()?;
    }
    Some(PartsRead { frame, scan })
}

/// One part parsed by Polars' chunk parser (what its reader runs on each chunk).
fn parse(part: &[u8], schema: &Schema, lines: usize, how: &PartsParse) -> PolarsResult<DataFrame> {
    let projection: Vec<usize> = (0..schema.len()).collect();
    read_chunk(part, how.options, schema, false, &projection, 0, lines, how.null_values, usize::MAX, part.len(), Some(0))
}
