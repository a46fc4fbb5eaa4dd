//! Quick passes over a CSV text's bytes, run beside Polars' parse of the same text: the cell
//! count of every record, and the traits that decide which costly checks can be skipped.
//! They use memchr (SIMD) where a byte or string is sought, and split the text at line ends so
//! that every core takes a part.

use rayon::prelude::*;

/// Things a file may contain that need extra work to check or read; found by scanning the
/// bytes, far faster than testing every cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traits {
    /// A cell starts or ends with a space or tab.
    pub edge_whitespace: bool,
    /// A non-breaking space (U+00A0) appears.
    pub nbsp: bool,
    /// A Thai digit (๐–๙) appears.
    pub thai_digits: bool,
    /// A Thai tone mark stands before a vowel, or SARA AM is split (ํา).
    pub thai_misordered: bool,
    /// Something that may be personal data: an `@`, nine or more digits in a row (single `-`
    /// or spaces between them allowed), or two capital letters before seven digits.
    pub personal_candidates: bool,
}

impl Traits {
    /// Scans a decoded CSV text.
    pub fn scan(text: &[u8], delimiter: u8, quote: Option<u8>) -> Traits {
        // Every trait is a pattern within one line, so the parts can be scanned apart.
        line_parts(text).into_par_iter().map(|part| Traits::scan_part(part, delimiter, quote)).reduce(Traits::default, Traits::or)
    }

    fn scan_part(text: &[u8], delimiter: u8, quote: Option<u8>) -> Traits {
        let boundary = |b: Option<&u8>| match b {
            None => true,
            Some(&b) => b == delimiter || b == b'\n' || b == b'\r' || Some(b) == quote,
        };
        let edge_whitespace = memchr::memchr2_iter(b' ', b'\t', text)
            .any(|i| boundary(i.checked_sub(1).and_then(|p| text.get(p))) || boundary(text.get(i + 1)));
        let nbsp = memchr::memmem::find(text, "\u{a0}".as_bytes()).is_some();
        let patterns = thai_patterns();
        Traits {
            edge_whitespace,
            nbsp,
            thai_digits: patterns.digit.is_match(text),
            thai_misordered: patterns.misordered.is_match(text),
            personal_candidates: has_personal_candidates(text),
        }
    }

    fn or(self, other: Traits) -> Traits {
        Traits {
            edge_whitespace: self.edge_whitespace || other.edge_whitespace,
            nbsp: self.nbsp || other.nbsp,
            thai_digits: self.thai_digits || other.thai_digits,
            thai_misordered: self.thai_misordered || other.thai_misordered,
            personal_candidates: self.personal_candidates || other.personal_candidates,
        }
    }
}

struct ThaiPatterns {
    digit: regex::bytes::Regex,
    misordered: regex::bytes::Regex,
}

/// The Thai byte patterns, compiled once: the regex crate searches their few literal byte
/// sequences with SIMD, where a loop over every Thai letter would be several times slower.
fn thai_patterns() -> &'static ThaiPatterns {
    static PATTERNS: std::sync::OnceLock<ThaiPatterns> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| ThaiPatterns {
        digit: regex::bytes::Regex::new("[๐-๙]").expect("a fixed pattern"),
        // A tone mark (่ ้ ๊ ๋) typed before an upper vowel (ั ิ ี ึ ื ็), or NIKHAHIT + SARA AA
        // standing for SARA AM.
        misordered: regex::bytes::Regex::new("[\u{0E48}-\u{0E4B}][\u{0E31}\u{0E34}-\u{0E37}\u{0E47}]|\u{0E4D}\u{0E32}")
            .expect("a fixed pattern"),
    })
}

/// Whether `text` has no NUL byte and no lone carriage return, which Polars would take as
/// they are. (Whether it is UTF-8, Polars checks itself when it builds text columns.)
pub(crate) fn has_no_stray_controls(text: &[u8]) -> bool {
    line_parts(text).into_par_iter().all(|part| {
        memchr::memchr2_iter(0, b'\r', part).all(|i| part[i] == b'\r' && part.get(i + 1) == Some(&b'\n'))
    })
}

/// `text` cut after line ends into about two parts per core (none for a short text).
fn line_parts(text: &[u8]) -> Vec<&[u8]> {
    const SMALLEST: usize = 1 << 20;
    let parts = (rayon::current_num_threads() * 2).min(text.len() / SMALLEST).max(1);
    let mut out = Vec::with_capacity(parts);
    let mut start = 0;
    for k in 1..parts {
        let target = (text.len() * k / parts).max(start);
        let Some(nl) = memchr::memchr(b'\n', &text[target..]) else { break };
        out.push(&text[start..target + nl + 1]);
        start = target + nl + 1;
    }
    out.push(&text[start..]);
    out
}

/// Whether `text` may hold personal data: an `@`, or a long digit run (see below). When it
/// cannot, the personal-data scan of its cells is skipped.
pub fn has_personal_candidates(text: &[u8]) -> bool {
    memchr::memchr(b'@', text).is_some() || has_long_digit_run(text)
}

/// Whether `text` has 9+ digits in a row (IDs and phone numbers: single `-` or space between
/// digits allowed) or two capitals followed by 7 digits (passport numbers).
fn has_long_digit_run(text: &[u8]) -> bool {
    // Digits are a third of a finance file's bytes, so a byte-by-byte loop cannot skip much;
    // instead each 64-byte block is turned into bit masks at once and the runs are found
    // with shifts. Blocks overlap by 16 bytes so that every pattern (at most 17 bytes, from
    // its first byte) lies whole in the block where it starts.
    const STEP: usize = 48;
    (0..text.len()).step_by(STEP).any(|base| {
        let end = (base + 64).min(text.len());
        let block: [u8; 64] = match text[base..end].try_into() {
            Ok(whole) => whole,
            Err(_) => {
                // The last block, padded with bytes that belong to no run (the text's end).
                let mut padded = [0u8; 64];
                padded[..end - base].copy_from_slice(&text[base..end]);
                padded
            }
        };
        block_has_long_run(classify(&block))
    })
}

/// Bit masks of a 64-byte block (bit i for byte i): digits, `-` or space, capital letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Classes {
    digit: u64,
    separator: u64,
    capital: u64,
}

fn classify(block: &[u8; 64]) -> Classes {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    // SAFETY: SSE2 is part of every x86-64 target this branch is compiled for (the cfg).
    return unsafe { classify_sse2(block) };
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    classify_bytes(block)
}

/// [`classify`] one byte at a time: other processors, and the reference in tests.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn classify_bytes(block: &[u8; 64]) -> Classes {
    let mut c = Classes { digit: 0, separator: 0, capital: 0 };
    for (i, &b) in block.iter().enumerate() {
        c.digit |= u64::from(b.is_ascii_digit()) << i;
        c.separator |= u64::from(b == b'-' || b == b' ') << i;
        c.capital |= u64::from(b.is_ascii_uppercase()) << i;
    }
    c
}

/// [`classify`] sixteen bytes at a time with SSE2 compares.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn classify_sse2(block: &[u8; 64]) -> Classes {
    use std::arch::x86_64::*;
    // Signed compares: bytes of 0x80 and above (UTF-8 Thai) are negative, in no class.
    let within = |v: __m128i, low: u8, high: u8| {
        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(low as i8 - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8(high as i8 + 1)))
    };
    let bits = |m: __m128i| u64::from(_mm_movemask_epi8(m) as u16);
    let mut c = Classes { digit: 0, separator: 0, capital: 0 };
    for (k, lane) in block.chunks_exact(16).enumerate() {
        // SAFETY: `lane` is 16 bytes long, the width of one unaligned load.
        let v = unsafe { _mm_loadu_si128(lane.as_ptr().cast()) };
        let separator = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'-' as i8)), _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)));
        c.digit |= bits(within(v, b'0', b'9')) << (16 * k);
        c.separator |= bits(separator) << (16 * k);
        c.capital |= bits(within(v, b'A', b'Z')) << (16 * k);
    }
    c
}

/// Whether a block holds, starting inside it, a run of 9+ digits (single separators between
/// digits allowed) or two capitals before a run of exactly 7 digits.
fn block_has_long_run(c: Classes) -> bool {
    let d = c.digit;
    // Bytes of a run: digits, and separators with a digit on both sides.
    let x = d | (c.separator & (d << 1) & (d >> 1));
    // Where 9 run bytes in a row start: each run's first byte, for runs that long.
    let x2 = x & (x >> 1);
    let x4 = x2 & (x2 >> 2);
    let mut x9 = x4 & (x4 >> 4) & (x >> 8);
    while x9 != 0 {
        let start = x9.trailing_zeros();
        let end = (start + (!x >> start).trailing_zeros()).min(64);
        let run = (u64::MAX << start) & if end == 64 { u64::MAX } else { (1u64 << end) - 1 };
        if (d & run).count_ones() >= 9 {
            return true;
        }
        x9 &= !run;
    }
    // Two capitals, then 7 digits, then a byte that ends the run. Whether it does depends on
    // the byte after it too, so only passports whose first capital is among the block's first
    // 48 bytes count here (the others are whole in the next block).
    let d2 = d & (d >> 1);
    let d4 = d2 & (d2 >> 2);
    let d7 = d4 & (d4 >> 3);
    const OWN_STARTS: u64 = (1 << 50) - 1;
    (c.capital << 1) & (c.capital << 2) & d7 & (!x >> 7) & OWN_STARTS != 0
}

/// The cell counts of a CSV text's records.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Shapes {
    /// Cells in the header.
    pub header_cells: usize,
    /// Data rows (0-based) with fewer cells than the header, and their count.
    pub short: Vec<(usize, usize)>,
    /// Data rows (0-based) with more cells than the header, and their count.
    pub long: Vec<(usize, usize)>,
    /// Where a quote opens that is never closed: the record (0-based, the header being 0) and
    /// the cell (1-based).
    pub unclosed_quote: Option<(usize, usize)>,
}

/// The header's cell count when a quick count proves no record is shorter than the header:
/// the text has no quote character (so every line is one record) and holds exactly
/// `(cells - 1) × lines` delimiters. Two SIMD counts, where walking every delimiter takes
/// several times as long. Records longer than the header must be ruled out separately (Polars
/// refuses them), since one long and one short record would balance out.
pub(crate) fn uniform_cells(text: &[u8], delimiter: u8, quote: Option<u8>) -> Option<usize> {
    if quote.is_some_and(|q| memchr::memchr(q, text).is_some()) {
        return None;
    }
    let header_end = memchr::memchr(b'\n', text).unwrap_or(text.len());
    let cells = memchr::memchr_iter(delimiter, &text[..header_end]).count() + 1;
    let lines = memchr::memchr_iter(b'\n', text).count() + usize::from(!text.ends_with(b"\n"));
    let delimiters = memchr::memchr_iter(delimiter, text).count();
    (delimiters == (cells - 1) * lines).then_some(cells)
}

/// Counts every record's cells, respecting quotes: a pass with memchr (the csv crate would
/// parse every cell, which Polars then does again). Blank lines are not counted as short:
/// they are blank rows.
pub(crate) fn record_shapes(text: &[u8], delimiter: u8, quote: Option<u8>) -> Shapes {
    let mut shapes = Shapes::default();
    let mut record = 0usize;
    let mut cells = 1usize;
    let mut start = 0usize;
    let mut quoted = false;
    let mut opened = (0usize, 0usize);
    let finish = |record: usize, cells: usize, line: &[u8], shapes: &mut Shapes| {
        let blank = line.is_empty() || line == b"\r";
        if record == 0 {
            shapes.header_cells = cells;
        } else if !blank && cells < shapes.header_cells {
            shapes.short.push((record - 1, cells));
        } else if cells > shapes.header_cells {
            shapes.long.push((record - 1, cells));
        }
    };
    let q = quote.unwrap_or(b'\n');
    for pos in memchr::memchr3_iter(delimiter, q, b'\n', text) {
        let b = text[pos];
        if quote.is_some() && b == q {
            quoted = !quoted;
            if quoted {
                opened = (record, cells);
            }
        } else if quoted {
            continue;
        } else if b == delimiter {
            cells += 1;
        } else {
            finish(record, cells, &text[start..pos], &mut shapes);
            record += 1;
            cells = 1;
            start = pos + 1;
        }
    }
    if start < text.len() {
        finish(record, cells, &text[start..], &mut shapes);
    }
    shapes.unclosed_quote = quoted.then_some(opened);
    shapes
}

/// The text of records (0-based, the header being 0; ascending) without their line ends,
/// found by a walk that respects quotes; a record past the end is empty.
pub(crate) fn records<'a>(text: &'a [u8], quote: Option<u8>, wanted: &[usize]) -> Vec<&'a [u8]> {
    let line = |start: usize, end: usize| {
        let l = &text[start..end];
        l.strip_suffix(b"\r").unwrap_or(l)
    };
    let mut out = Vec::with_capacity(wanted.len());
    let mut want = wanted.iter().copied().peekable();
    let (mut record, mut start, mut quoted) = (0usize, 0usize, false);
    let q = quote.unwrap_or(b'\n');
    for pos in memchr::memchr2_iter(q, b'\n', text) {
        if want.peek().is_none() {
            return out;
        }
        if quote.is_some() && text[pos] == q {
            quoted = !quoted;
            continue;
        }
        if quoted {
            continue;
        }
        while want.next_if_eq(&record).is_some() {
            out.push(line(start, pos));
        }
        record += 1;
        start = pos + 1;
    }
    for r in want {
        out.push(if r == record && start < text.len() { line(start, text.len()) } else { b"" });
    }
    out
}

/// A record's cells as Polars reads them: quotes around a cell removed, doubled quotes inside
/// it made single.
pub(crate) fn split_record(record: &[u8], delimiter: u8, quote: Option<u8>) -> Vec<String> {
    let mut cells = Vec::new();
    let mut i = 0;
    loop {
        let mut cell = Vec::new();
        if quote.is_some() && record.get(i).copied() == quote {
            i += 1;
            while let Some(&b) = record.get(i) {
                i += 1;
                if Some(b) != quote {
                    cell.push(b);
                } else if record.get(i).copied() == quote {
                    cell.push(b);
                    i += 1;
                } else {
                    break;
                }
            }
        }
        while let Some(&b) = record.get(i).filter(|&&b| b != delimiter) {
            cell.push(b);
            i += 1;
        }
        cells.push(String::from_utf8_lossy(&cell).into_owned());
        if record.get(i).is_none() {
            return cells;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_found_across_quoted_line_breaks_and_split_as_polars_reads_them() {
        let text = b"a,b\r\n1,\"x\ny\"\r\n2,\"say \"\"hi\"\"\",z\n\n3,";
        assert_eq!(records(text, Some(b'"'), &[0, 1, 2, 3, 4, 9]), [&b"a,b"[..], b"1,\"x\ny\"", b"2,\"say \"\"hi\"\"\",z", b"", b"3,", b""]);
        assert_eq!(split_record(b"2,\"say \"\"hi\"\"\",z", b',', Some(b'"')), ["2", "say \"hi\"", "z"]);
        assert_eq!(split_record(b"1,\"x\ny\"", b',', Some(b'"')), ["1", "x\ny"]);
        assert_eq!(split_record(b"3,", b',', Some(b'"')), ["3", ""]);
        assert_eq!(split_record(b"", b',', Some(b'"')), [""]);
        assert_eq!(split_record(b"\"a;b\";c", b';', None), ["\"a", "b\"", "c"]);
    }

    #[test]
    fn short_and_long_rows_are_found_across_quoted_newlines() {
        let shapes = record_shapes(b"a,b,c\n1,\"x,\ny\",3\n4\n\n5,6,7,8\n", b',', Some(b'"'));
        assert_eq!(shapes, Shapes { header_cells: 3, short: vec![(1, 1)], long: vec![(3, 4)], unclosed_quote: None });
        assert_eq!(record_shapes(b"a,b\n1,\"x\"\"y\"\n2,\"never\n3,4\n", b',', Some(b'"')).unclosed_quote, Some((2, 2)));
    }

    #[test]
    fn the_quick_count_proves_only_what_it_can() {
        assert_eq!(uniform_cells(b"a,b,c\n1,2,3\n4,5,6", b',', Some(b'"')), Some(3));
        assert_eq!(uniform_cells(b"a,b,c\r\n1,2,3\r\n", b',', Some(b'"')), Some(3));
        // A short row, a blank line, quotes: the exact count decides.
        assert_eq!(uniform_cells(b"a,b,c\n1,2\n", b',', Some(b'"')), None);
        assert_eq!(uniform_cells(b"a,b,c\n\n1,2,3\n", b',', Some(b'"')), None);
        assert_eq!(uniform_cells(b"a,b,c\n\"1,2\",3\n", b',', Some(b'"')), None);
        // One long and one short row balance out: Polars' refusal of the long row must rule it out.
        assert_eq!(uniform_cells(b"a,b,c\n1,2\n3,4,5,6\n", b',', Some(b'"')), Some(3));
    }

    #[test]
    fn the_byte_scan_finds_what_needs_extra_work() {
        let scan = |s: &str| Traits::scan(s.as_bytes(), b',', Some(b'"'));
        assert_eq!(scan("a,b\nแผน งาน,1\n"), Traits::default());
        assert!(scan("a,b\n x,1\n").edge_whitespace);
        assert!(scan("a,b\nx ,1\n").edge_whitespace);
        assert!(scan("a,b\n\"x \",1\n").edge_whitespace);
        assert!(scan("a\n1\u{a0}000\n").nbsp);
        assert!(scan("a\n๒๕๖๗\n").thai_digits);
        assert!(scan("a\nกํา\n").thai_misordered);
        assert!(scan("a\nก่ิ\n").thai_misordered);
        assert!(!scan("a\nกิ่\n").thai_misordered);
        assert!(scan("a\n1-1017-00230-70-8\n").personal_candidates);
        assert!(scan("a\nAB1234567\n").personal_candidates);
        assert!(scan("a\nx@y.th\n").personal_candidates);
        assert!(!scan("a,b\n2024-10-01,12345678.00\nL0000001,21905000\n").personal_candidates);
    }

    /// The byte-by-byte definition `has_long_digit_run` must agree with.
    fn long_digit_run_reference(text: &[u8]) -> bool {
        let passport = |start: usize, end: usize| {
            end - start == 7 && start >= 2 && text[start - 1].is_ascii_uppercase() && text[start - 2].is_ascii_uppercase()
        };
        let (mut digits, mut start) = (0usize, 0usize);
        for (i, &b) in text.iter().enumerate() {
            if b.is_ascii_digit() {
                if digits == 0 {
                    start = i;
                }
                digits += 1;
                if digits >= 9 {
                    return true;
                }
            } else if digits > 0 && (b == b'-' || b == b' ') && text.get(i + 1).is_some_and(u8::is_ascii_digit) {
                // A single separator inside a run.
            } else {
                if digits == 7 && passport(start, i) {
                    return true;
                }
                digits = 0;
            }
        }
        digits == 7 && passport(start, text.len())
    }

    /// Deterministic pseudo-random texts over the bytes that matter (and some Thai), so runs
    /// of every length meet block edges at every offset.
    fn texts(count: usize, longest: usize) -> Vec<Vec<u8>> {
        // Dense, mixed and sparse digits, so that texts with and without runs both abound.
        let alphabets: [&[u8]; 3] =
            [b"0123456789012345678901- - AB.,x\nZ\xE0\xB8\x81", b"0123456789- AB.,x\nZ", b"01- - - ABBA.,xxx\n\xE0\xB8\x81"];
        let mut state = 0x2567_u64;
        (0..count)
            .map(|case| {
                let alphabet = alphabets[case % 3];
                (0..(case % longest) + 1)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        alphabet[(state >> 33) as usize % alphabet.len()]
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_block_digit_run_scan_agrees_with_the_byte_by_byte_definition() {
        let texts = texts(30_000, 200);
        let found = texts.iter().filter(|t| long_digit_run_reference(t)).count();
        assert!((5_000..25_000).contains(&found), "{found} of 30,000 texts have a run: too few or too many to test both sides");
        let disagreements: Vec<String> = texts
            .into_iter()
            .filter(|t| has_long_digit_run(t) != long_digit_run_reference(t))
            .map(|t| String::from_utf8_lossy(&t).into_owned())
            .collect();
        assert_eq!(disagreements, Vec::<String>::new());
        for (text, expected) in [
            ("1-1017-00230-70-8", true),
            ("081 234 5678", true),
            ("2024-10-01,12345678.00", false),
            ("x,AB1234567", true),
            ("AB12345678", false),
            ("AB1234567 8", false),
            ("AB 1234567", false),
        ] {
            assert_eq!(has_long_digit_run(text.as_bytes()), expected, "{text}");
            // The same text at every offset of a block.
            for pad in 0..64 {
                let padded = format!("{}{text}", "x".repeat(pad));
                assert_eq!(has_long_digit_run(padded.as_bytes()), expected, "{padded}");
            }
        }
    }

    #[test]
    fn simd_and_byte_classes_agree() {
        for text in texts(2_000, 64).into_iter().filter(|t| t.len() == 64) {
            let block: [u8; 64] = text.as_slice().try_into().unwrap();
            assert_eq!(classify(&block), classify_bytes(&block));
        }
        let every_byte: Vec<u8> = (0..=255u8).collect();
        for block in every_byte.chunks_exact(64) {
            let block: [u8; 64] = block.try_into().unwrap();
            assert_eq!(classify(&block), classify_bytes(&block));
        }
    }

    #[test]
    fn a_large_text_is_scanned_in_parts_with_the_same_result() {
        // Each trait placed once, in the last line of a text long enough to be split.
        let filler = "L0000001,2566,แผนงานพื้นฐาน,12345678.00\n".repeat(60_000);
        for (tail, pick) in [
            (" x,1,2,3\n", (|t: Traits| t.edge_whitespace) as fn(Traits) -> bool),
            ("x,1\u{a0}000,2,3\n", |t| t.nbsp),
            ("๑,1,2,3\n", |t| t.thai_digits),
            ("กํา,1,2,3\n", |t| t.thai_misordered),
            ("0812345678,1,2,3\n", |t| t.personal_candidates),
        ] {
            let text = format!("a,b,c,d\n{filler}{tail}");
            assert!(line_parts(text.as_bytes()).len() > 1);
            assert!(pick(Traits::scan(text.as_bytes(), b',', Some(b'"'))), "{tail:?}");
            assert!(!pick(Traits::scan(format!("a,b,c,d\n{filler}").as_bytes(), b',', Some(b'"'))), "{tail:?}");
        }
    }
}
