//! One pass over a CSV text's bytes, before Polars parses it: the counts that prove every
//! record has the header's cell count, the bytes Polars must not be given as they are, and the
//! traits that decide how the text is read and which costly checks can be skipped. With AVX2,
//! each 32 bytes are compared at once at the few offsets the patterns span (see `avx2`);
//! elsewhere the plain byte-by-byte definitions run. The text is split at line ends so that
//! every core takes a part. Also here: walking records to find the rows diagnostics show.

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
    /// A Thai tone mark stands before a vowel, or a NIKHAHIT (ํ) appears: SARA AM may be split
    /// (ํา) or its parts swapped (าํ, from PDF extraction); [`MISORDERED_THAI`] tells which.
    pub thai_misordered: bool,
    /// Something that may be personal data: an `@`, nine or more digits in a row (single `-`
    /// or spaces between them allowed), or two letters before seven digits. (Other ways of
    /// writing them are noticed by `personal_variants`.)
    pub personal_candidates: bool,
    /// Something that may be personal data written in a less common way (see
    /// `variant_at`): a character of U+2000–U+FFFF (non-ASCII dashes, spaces, zero-width
    /// characters, full-width forms) or a soft hyphen; nine or more digits whose run has `/`, `_`, brackets, two or three separators in
    /// a row, or dots between its groups (081.234.5678; a single decimal point does not count,
    /// so that numeric files stay unscanned); two letters and a space before seven digits.
    pub personal_variants: bool,
    /// A `#` or `Err:` appears: a cell may be a spreadsheet's error value (`#N/A`, `Err:502`).
    pub spreadsheet_errors: bool,
}

impl Traits {
    /// Scans a decoded CSV text.
    pub fn scan(text: &[u8], delimiter: u8, quote: Option<u8>) -> Traits {
        ByteScan::of(text, delimiter, quote).traits
    }

    /// The traits of two texts read as one table.
    pub fn or(self, other: Traits) -> Traits {
        Traits {
            edge_whitespace: self.edge_whitespace || other.edge_whitespace,
            nbsp: self.nbsp || other.nbsp,
            thai_digits: self.thai_digits || other.thai_digits,
            thai_misordered: self.thai_misordered || other.thai_misordered,
            personal_candidates: self.personal_candidates || other.personal_candidates,
            personal_variants: self.personal_variants || other.personal_variants,
            spreadsheet_errors: self.spreadsheet_errors || other.spreadsheet_errors,
        }
    }
}

/// What one pass over a text's bytes finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ByteScan {
    /// A NUL byte, or a carriage return not followed by a line feed: Polars would take them
    /// as they are.
    pub stray_controls: bool,
    /// The quote character appears.
    pub quotes: bool,
    /// How many delimiters.
    pub delimiters: usize,
    /// How many line feeds.
    pub line_feeds: usize,
    /// The traits.
    pub traits: Traits,
}

impl ByteScan {
    /// Scans `text` in parts, one per core or two.
    pub fn of(text: &[u8], delimiter: u8, quote: Option<u8>) -> ByteScan {
        // Every pattern lies within one line, so the parts can be scanned apart.
        let parts = line_parts(text, scan_parts(text.len()));
        crate::parallel::pool_map(parts, |part| ByteScan::of_part(part, delimiter, quote)).into_iter().fold(ByteScan::default(), ByteScan::or)
    }

    /// Scans `text` on this core; `text` starts at a line's start and ends at a line's end.
    pub fn of_part(text: &[u8], delimiter: u8, quote: Option<u8>) -> ByteScan {
        scan_part(text, delimiter, quote)
    }

    /// What two scans of adjacent parts found, together.
    pub fn or(self, other: ByteScan) -> ByteScan {
        ByteScan {
            stray_controls: self.stray_controls || other.stray_controls,
            quotes: self.quotes || other.quotes,
            delimiters: self.delimiters + other.delimiters,
            line_feeds: self.line_feeds + other.line_feeds,
            traits: self.traits.or(other.traits),
        }
    }

    /// How many lines `text`, the text scanned, has: one per line feed, and a last one without.
    pub fn lines(&self, text: &[u8]) -> usize {
        self.line_feeds + usize::from(!text.is_empty() && !text.ends_with(b"\n"))
    }

    /// The header's cell count when the counts prove no record is shorter than the header:
    /// the text has no quote character (so every line is one record) and holds exactly
    /// `(cells - 1) × lines` delimiters. Records longer than the header must be ruled out
    /// separately (Polars refuses them), since one long and one short record would balance out.
    pub fn uniform_cells(&self, text: &[u8], delimiter: u8) -> Option<usize> {
        // Polars does not refuse an empty extra cell at the very end of a text (`1,2,3,` with
        // no line end after it), so there the count proves nothing either.
        if self.quotes || text.ends_with(&[delimiter]) {
            return None;
        }
        let header_end = memchr::memchr(b'\n', text).unwrap_or(text.len());
        let cells = memchr::memchr_iter(delimiter, &text[..header_end]).count() + 1;
        let lines = self.lines(text);
        (self.delimiters == (cells - 1) * lines).then_some(cells)
    }
}

/// How many parts a text of `len` bytes is scanned in: about two per core, one under 2 MB.
fn scan_parts(len: usize) -> usize {
    (rayon::current_num_threads() * 2).min(len >> 20).max(1)
}

/// `text` cut after line ends into `parts` parts of about the same size (fewer when lines
/// are long).
pub(crate) fn line_parts(text: &[u8], parts: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(parts);
    let mut start = 0;
    for k in 1..parts {
        let target = (text.len() * k / parts).max(start);
        let Some(nl) = memchr::memchr(b'\n', &text[target..]) else { break };
        out.push(&text[start..target + nl + 1]);
        start = target + nl + 1;
    }
    if start < text.len() || out.is_empty() {
        out.push(&text[start..]);
    }
    out
}

/// Whether `text` may hold personal data: an `@`, or a long digit run (see [`Traits`]). When
/// it cannot, the personal-data scan of its cells is skipped.
pub fn has_personal_candidates(text: &[u8]) -> bool {
    Traits::scan(text, b',', Some(b'"')).personal_candidates
}

/// The bytes a scan looks for besides fixed ones.
#[derive(Debug, Clone, Copy)]
struct Special {
    delimiter: u8,
    quote: Option<u8>,
}

/// Scans one part of a text with the fastest code this processor runs.
fn scan_part(text: &[u8], delimiter: u8, quote: Option<u8>) -> ByteScan {
    let special = Special { delimiter, quote };
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("popcnt") {
        // SAFETY: the processor has AVX2 and POPCNT, checked just above.
        return unsafe { avx2::scan_part(text, special) };
    }
    scan_part_plain(text, special)
}

/// [`scan_part`] by the plain definitions (a byte, a string or a pattern searched for): other
/// processors, and the reference the fast scan is tested against.
fn scan_part_plain(text: &[u8], special: Special) -> ByteScan {
    let Special { delimiter, quote } = special;
    let boundary = |b: Option<&u8>| match b {
        None => true,
        Some(&b) => b == delimiter || b == b'\n' || b == b'\r' || Some(b) == quote,
    };
    let at = |i: usize| text.get(i);
    let patterns = thai_patterns();
    ByteScan {
        stray_controls: text.iter().enumerate().any(|(i, &b)| b == 0 || (b == b'\r' && at(i + 1) != Some(&b'\n'))),
        quotes: quote.is_some_and(|q| text.contains(&q)),
        delimiters: text.iter().filter(|&&b| b == delimiter).count(),
        line_feeds: text.iter().filter(|&&b| b == b'\n').count(),
        traits: Traits {
            edge_whitespace: text
                .iter()
                .enumerate()
                .any(|(i, &b)| (b == b' ' || b == b'\t') && (boundary(i.checked_sub(1).and_then(at)) || boundary(at(i + 1)))),
            nbsp: memchr::memmem::find(text, "\u{a0}".as_bytes()).is_some(),
            thai_digits: patterns.digit.is_match(text),
            thai_misordered: patterns.misordered.is_match(text),
            personal_candidates: text.contains(&b'@') || long_digit_run_plain(text),
            personal_variants: (0..text.len()).any(|i| wide_pair(text, i) || variant_at(text, i)),
            spreadsheet_errors: text.contains(&b'#') || memchr::memmem::find(text, b"Err:").is_some(),
        },
    }
}

/// Whether the byte at `i` starts a character of U+2000–U+FFFF (the lead bytes E2–EF: dashes,
/// spaces, zero-width characters, the minus sign, full-width forms; Thai, E0, is not among them)
/// or a soft hyphen (C2 AD). One compare of the lead byte costs less than telling those
/// characters from punctuation such as curly quotes, which only opens the cell scan.
fn wide_pair(t: &[u8], i: usize) -> bool {
    (0xE2..=0xEF).contains(&t[i]) || (t[i] == 0xC2 && t.get(i + 1) == Some(&0xAD))
}

/// Whether a less common form of personal data starts or has a separator at `i` (see
/// `Traits::personal_variants`): two letters, or two letters and a space or `-`, before exactly seven
/// digits at `i`; or, at `i`, a separator of a run of nine or more digits that is `/`, `_`, a
/// bracket, a dot among dots, or one of several separators in a row. A run is digits and up to
/// three separators (`-`, space, `/`, `_`, brackets, dots among dots) between two digits.
// Rarely called from the block scan: kept out of its loop.
#[cold]
#[inline(never)]
fn variant_at(t: &[u8], i: usize) -> bool {
    let digit = |j: usize| t.get(j).is_some_and(u8::is_ascii_digit);
    let letter = |j: usize| t.get(j).is_some_and(u8::is_ascii_alphabetic);
    let Some(&b) = t.get(i) else { return false };
    if b.is_ascii_digit() {
        return (1..7).all(|k| digit(i + k))
            && !digit(i + 7)
            && ((letter(i.wrapping_sub(1)) && letter(i.wrapping_sub(2)))
                || (matches!(t.get(i.wrapping_sub(1)), Some(b' ' | b'-')) && letter(i.wrapping_sub(2)) && letter(i.wrapping_sub(3))));
    }
    // A dot with a digit on each side, and a dot among dots: another such within eight bytes.
    let point = |j: usize| t.get(j) == Some(&b'.') && digit(j.wrapping_sub(1)) && digit(j + 1);
    let dotted = |j: usize| point(j) && (2..=8).any(|k| point(j + k) || point(j.wrapping_sub(k)));
    let odd = |j: usize| matches!(t.get(j), Some(b'/' | b'_' | b'(' | b')'));
    let separator = |j: usize| matches!(t.get(j), Some(b'-' | b' ')) || odd(j) || dotted(j);
    if !separator(i) || !(odd(i) || dotted(i) || separator(i.wrapping_sub(1)) || separator(i + 1)) {
        return false;
    }
    let in_run = |j: usize| {
        digit(j)
            || (separator(j)
                && (digit(j.wrapping_sub(1))
                    || (separator(j.wrapping_sub(1)) && (digit(j.wrapping_sub(2)) || (separator(j.wrapping_sub(2)) && digit(j.wrapping_sub(3))))))
                && (digit(j + 1) || (separator(j + 1) && (digit(j + 2) || (separator(j + 2) && digit(j + 3))))))
    };
    if !in_run(i) {
        return false;
    }
    let (mut start, mut end) = (i, i);
    while start > 0 && in_run(start - 1) {
        start -= 1;
    }
    while in_run(end + 1) {
        end += 1;
    }
    t[start..=end].iter().filter(|b| b.is_ascii_digit()).count() >= 9
}

/// Thai marks out of reading order: a tone mark (่ ้ ๊ ๋) typed before an upper vowel
/// (ั ิ ี ึ ื ็), or SARA AM (ำ) written as NIKHAHIT + SARA AA (ํา) or, as text copied from a
/// PDF often has it, SARA AA + NIKHAHIT (าํ: `สาํนักงาน`).
pub const MISORDERED_THAI: &str = "[\u{0E48}-\u{0E4B}][\u{0E31}\u{0E34}-\u{0E37}\u{0E47}]|\u{0E4D}\u{0E32}|\u{0E32}\u{0E4D}";

struct ThaiPatterns {
    digit: regex::bytes::Regex,
    misordered: regex::bytes::Regex,
}

fn thai_patterns() -> &'static ThaiPatterns {
    static PATTERNS: std::sync::OnceLock<ThaiPatterns> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| ThaiPatterns {
        digit: regex::bytes::Regex::new("[๐-๙]").expect("a fixed pattern"),
        // A tone mark (่ ้ ๊ ๋) typed before an upper vowel (ั ิ ี ึ ื ็), or a NIKHAHIT (the
        // cells are then looked at with [`MISORDERED_THAI`]).
        misordered: regex::bytes::Regex::new("[\u{0E48}-\u{0E4B}][\u{0E31}\u{0E34}-\u{0E37}\u{0E47}]|\u{0E4D}").expect("a fixed pattern"),
    })
}

/// Whether `text` has 9+ digits in a row (single `-` or space between digits allowed) or two
/// letters followed by exactly 7 digits, byte by byte.
fn long_digit_run_plain(text: &[u8]) -> bool {
    let passport = |start: usize, end: usize| {
        end - start == 7 && start >= 2 && text[start - 1].is_ascii_alphabetic() && text[start - 2].is_ascii_alphabetic()
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

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! The scan 32 bytes at a time: each pattern is a few byte compares of the text loaded at
    //! successive offsets, ORed into a vector kept to the end; only cell counts and the digit
    //! runs (whose length varies) become bit masks.

    use super::{ByteScan, DigitMasks, Special, Traits, has_long_run, variant_candidates, variant_at};
    use std::arch::x86_64::*;

    /// Bytes readable past a step's 32: the longest pattern (a Thai letter and a mark) is 6.
    const AHEAD: usize = 8;

    /// The scan of one part (see the module's note).
    #[target_feature(enable = "avx2,popcnt")]
    pub(super) fn scan_part(text: &[u8], special: Special) -> ByteScan {
        let b = |x: u8| _mm256_set1_epi8(x as i8);
        let (or, and, andnot) = (_mm256_or_si256, _mm256_and_si256, _mm256_andnot_si256);
        let eq = |v: __m256i, x: __m256i| _mm256_cmpeq_epi8(v, x);
        // lo <= v <= hi (unsigned): v - lo, wrapping, is at most hi - lo.
        let within = |v: __m256i, lo: u8, hi: u8| {
            let d = _mm256_sub_epi8(v, b(lo));
            _mm256_cmpeq_epi8(_mm256_min_epu8(d, b(hi - lo)), d)
        };
        let bits = |m: __m256i| _mm256_movemask_epi8(m) as u32;
        let (delimiter, line_feed, cr, space, tab) = (b(special.delimiter), b(b'\n'), b(b'\r'), b(b' '), b(b'\t'));
        let zero = _mm256_setzero_si256();
        // With no quote character, a byte no text has (0xFF is never in UTF-8) stands for it.
        let quote = b(special.quote.unwrap_or(0xFF));
        let (mut quotes, mut at, mut stray, mut nbsp, mut edge, mut thai_digit, mut misordered) = (zero, zero, zero, zero, zero, zero, zero);
        let mut wide = zero;
        // `#`, and `Err:` (marked at its `E`).
        let (mut hash, mut err) = (zero, zero);
        let (mut delimiters, mut line_feeds) = (0usize, 0usize);
        // Looks at the 32 bytes at `p` (reading AHEAD more); returns their digit, separator and
        // capital bit masks.
        let mut step = |p: *const u8| {
            // SAFETY: the caller guarantees 32 + AHEAD readable bytes at `p`.
            let load = |k: usize| unsafe { _mm256_loadu_si256(p.add(k).cast()) };
            let (v0, v1) = (load(0), load(1));
            let (delimiter0, line_feed0, quote0, cr0) = (eq(v0, delimiter), eq(v0, line_feed), eq(v0, quote), eq(v0, cr));
            delimiters += bits(delimiter0).count_ones() as usize;
            line_feeds += bits(line_feed0).count_ones() as usize;
            quotes = or(quotes, quote0);
            at = or(at, eq(v0, b(b'@')));
            hash = or(hash, eq(v0, b(b'#')));
            // Most steps have no "Er" and stop here.
            let er = and(eq(v0, b(b'E')), eq(v1, b(b'r')));
            if _mm256_testz_si256(er, er) == 0 {
                err = or(err, and(er, and(eq(load(2), b(b'r')), eq(load(3), b(b':')))));
            }
            stray = or(stray, or(eq(v0, zero), andnot(eq(v1, line_feed), cr0)));
            nbsp = or(nbsp, and(eq(v0, b(0xC2)), eq(v1, b(0xA0))));
            // See `wide_pair`.
            wide = or(wide, or(within(v0, 0xE2, 0xEF), and(eq(v0, b(0xC2)), eq(v1, b(0xAD)))));
            let (space0, blank0) = (eq(v0, space), or(eq(v0, space), eq(v0, tab)));
            let blank1 = or(eq(v1, space), eq(v1, tab));
            let boundary0 = or(or(delimiter0, line_feed0), or(cr0, quote0));
            let boundary1 = or(or(eq(v1, delimiter), eq(v1, line_feed)), or(eq(v1, cr), eq(v1, quote)));
            edge = or(edge, or(and(blank0, boundary1), and(boundary0, blank1)));
            // Thai letters: E0, B8 or B9, then the byte that tells which.
            // Every Thai pattern starts with a letter of the E0 B9 row (vowels, marks, digits);
            // most steps with Thai have none and stop here.
            let row_b9 = and(eq(v0, b(0xE0)), eq(v1, b(0xB9)));
            if _mm256_testz_si256(row_b9, row_b9) == 0 {
                let v2 = load(2);
                thai_digit = or(thai_digit, and(row_b9, within(v2, 0x90, 0x99)));
                let tone = and(row_b9, within(v2, 0x88, 0x8B));
                let nikhahit = and(row_b9, eq(v2, b(0x8D)));
                let marks = or(tone, nikhahit);
                if _mm256_testz_si256(marks, marks) == 0 {
                    let (v3, v4, v5) = (load(3), load(4), load(5));
                    let next_e0 = eq(v3, b(0xE0));
                    let next_b8 = and(next_e0, eq(v4, b(0xB8)));
                    let next_b9 = and(next_e0, eq(v4, b(0xB9)));
                    let upper = or(and(next_b8, or(eq(v5, b(0xB1)), within(v5, 0xB4, 0xB7))), and(next_b9, eq(v5, b(0x87))));
                    // Any NIKHAHIT: SARA AM split either way round (ํา, and าํ, whose NIKHAHIT
                    // comes second) is then told by `MISORDERED_THAI`, cell by cell.
                    misordered = or(misordered, or(and(tone, upper), nikhahit));
                }
            }
            let odd = or(or(eq(v0, b(b'/')), eq(v0, b(b'_'))), or(eq(v0, b(b'(')), eq(v0, b(b')'))));
            [
                bits(within(v0, b'0', b'9')),
                bits(or(eq(v0, b(b'-')), space0)),
                bits(within(or(v0, b(0x20)), b'a', b'z')),
                bits(odd),
                bits(eq(v0, b(b'.'))),
            ]
        };
        let mut block_at = |p: *const u8| {
            let lo = step(p);
            // SAFETY: the caller guarantees 64 + AHEAD readable bytes at `p`.
            let hi = step(unsafe { p.add(32) });
            let join = |k: usize| u64::from(lo[k]) | (u64::from(hi[k]) << 32);
            [join(0), join(1), join(2), join(3), join(4)]
        };
        // Digit runs are looked for block by block, each seen with its neighbours (see
        // `has_long_run`): a block is looked at once the next one is classified.
        let mut digit_run = false;
        let mut variant = false;
        let (mut before, mut current) = (DigitMasks::default(), DigitMasks::default());
        // Where the current block starts in `text` (blocks are consecutive from 0).
        let mut current_start = 0usize.wrapping_sub(64);
        let mut window = |after: [u64; 5]| {
            let after = DigitMasks { digit: after[0], separator: after[1], capital: after[2], odd: after[3], dot: after[4] };
            if current.digit != 0 {
                if !digit_run {
                    digit_run = has_long_run(&before, &current, &after);
                }
                if !variant {
                    // The few places a less common form may be are looked at one by one.
                    let mut candidates = variant_candidates(&before, &current, &after);
                    while candidates != 0 && !variant {
                        variant = variant_at(text, current_start.wrapping_add(candidates.trailing_zeros() as usize));
                        candidates &= candidates - 1;
                    }
                }
            }
            (before, current) = (current, after);
            current_start = current_start.wrapping_add(64);
        };
        let mut p = 0;
        while p + 64 + AHEAD <= text.len() {
            // SAFETY: 64 + AHEAD bytes from `p` are within `text` (the loop's condition).
            window(block_at(unsafe { text.as_ptr().add(p) }));
            p += 64;
        }
        // The rest, padded with bytes that belong to no pattern (0xFF is never in UTF-8).
        let mut padded = [0xFFu8; 2 * 64 + AHEAD];
        padded[..text.len() - p].copy_from_slice(&text[p..]);
        for k in 0..(text.len() - p).div_ceil(64) {
            // SAFETY: k < 2, so 64 + AHEAD bytes from k * 64 are within `padded`.
            window(block_at(unsafe { padded.as_ptr().add(k * 64) }));
        }
        window([0; 5]);
        let any = |m: __m256i| _mm256_testz_si256(m, m) == 0;
        // A part starts after a line end and ends at one (or the text's end): a space there is
        // at a cell's edge too.
        let blank = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t'));
        ByteScan {
            stray_controls: any(stray),
            quotes: special.quote.is_some() && any(quotes),
            delimiters,
            line_feeds,
            traits: Traits {
                edge_whitespace: any(edge) || blank(text.first()) || blank(text.last()),
                nbsp: any(nbsp),
                thai_digits: any(thai_digit),
                thai_misordered: any(misordered),
                personal_candidates: any(at) || digit_run,
                personal_variants: any(wide) || variant,
                spreadsheet_errors: any(hash) || any(err),
            },
        }
    }
}

/// The digit, separator (`-`, space) and letter bit masks of a 64-byte block (`capital`
/// holds letters of either case: passports are written in lower case too).
#[derive(Debug, Clone, Copy, Default)]
struct DigitMasks {
    digit: u64,
    separator: u64,
    capital: u64,
    /// `/`, `_`, `(` and `)`.
    odd: u64,
    /// `.`.
    dot: u64,
}

/// The places of `block` where [`variant_at`] may hold, from the bit masks of the block and
/// its neighbours: separators of the kinds it looks at within three bytes of a digit, and
/// digits after two letters or two letters and a separator. Every run it holds for has one of
/// them, so that looking at these alone gives the byte-by-byte answer.
#[inline]
fn variant_candidates(before: &DigitMasks, block: &DigitMasks, after: &DigitMasks) -> u64 {
    // Bit i of `behind(v, vb, k)` is v at i - k; of `ahead(v, vn, k)`, v at i + k.
    let behind = |v: u64, vb: u64, k: u32| (v << k) | (vb >> (64 - k));
    let ahead = |v: u64, vn: u64, k: u32| (v >> k) | (vn << (64 - k));
    // Bit i: a bit of `v` (with `vb` before it and `vn` after) at i ± 2..=8.
    let near = |vb: u64, v: u64, vn: u64| {
        let mut up = ((u128::from(v) << 64) | u128::from(vb)) << 2;
        up |= up << 1;
        up |= up << 2;
        up |= up << 3;
        let mut down = ((u128::from(vn) << 64) | u128::from(v)) >> 2;
        down |= down >> 1;
        down |= down >> 2;
        down |= down >> 3;
        (up >> 64) as u64 | down as u64
    };
    let (d, db, dn) = (block.digit, before.digit, after.digit);
    // Dots with a digit on each side: exact in this block, and near it in the neighbours
    // (their far ends are never looked at).
    let point = block.dot & behind(d, db, 1) & ahead(d, dn, 1);
    let point_b = before.dot & (db << 1) & ahead(db, d, 1);
    let point_n = after.dot & behind(dn, d, 1) & (dn >> 1);
    // Most dots are decimal points, alone: a quick look for two within eight bytes first.
    let pairs = {
        let mut m = point >> 2;
        m |= m >> 1;
        m |= m >> 2;
        m |= m >> 3;
        (m & point) != 0 || (point_b >> 55 != 0 && point & 0x1FF != 0) || (point >> 55 != 0 && point_n & 0x1FF != 0)
    };
    let dotted = if pairs { point & near(point_b, point, point_n) } else { 0 };
    // A separator beside another. (One beside a dot among dots in the next or previous block
    // needs no mark here: that dot is marked in its own block, and has the same run.)
    let s = block.separator | block.odd | dotted;
    let (sb, sn) = (before.separator | before.odd, after.separator | after.odd);
    let suspicious = block.odd | dotted | (s & (behind(s, sb, 1) | ahead(s, sn, 1)));
    // Digits after two letters (`aa1234567`), or two letters and a separator (`AA 1234567`).
    let (l, lb) = (block.capital, before.capital);
    let after_letters = d & behind(l, lb, 2) & (behind(l, lb, 1) | (behind(block.separator, before.separator, 1) & behind(l, lb, 3)));
    // Nearly every block of a table has nothing of the kind.
    if suspicious | after_letters == 0 {
        return 0;
    }
    let near_digit = behind(d, db, 1) | behind(d, db, 2) | behind(d, db, 3) | ahead(d, dn, 1) | ahead(d, dn, 2) | ahead(d, dn, 3);
    let mut seven = after_letters & !ahead(d, dn, 7);
    for k in 1..7 {
        seven &= ahead(d, dn, k);
    }
    (suspicious & near_digit) | seven
}

/// Whether a run of 9+ digits (single separators between digits allowed), or two capitals
/// and then exactly 7 digits, starts in `block`; `before` and `after` are its neighbours, for
/// the capitals ahead of a passport number and for runs that go on.
#[inline]
fn has_long_run(before: &DigitMasks, block: &DigitMasks, after: &DigitMasks) -> bool {
    let (d, dn) = (block.digit, after.digit);
    // `value >> k` over the two blocks: bits of this block, continued from the next.
    let ahead = |lo: u64, hi: u64, k: u32| (lo >> k) | (hi << (64 - k));
    // Bytes of a run: digits, and separators with a digit on both sides (the next block's
    // own bits only matter for its first bytes).
    let x = d | (block.separator & (d << 1) & ahead(d, dn, 1));
    let xn = dn | (after.separator & ((dn << 1) | (d >> 63)) & (dn >> 1));
    // Where 9 run bytes in a row start.
    let (x2, x2n) = (x & ahead(x, xn, 1), xn & (xn >> 1));
    let (x4, x4n) = (x2 & ahead(x2, x2n, 2), x2n & (x2n >> 2));
    let mut x9 = x4 & ahead(x4, x4n, 4) & ahead(x, xn, 8);
    if x9 != 0 {
        // Dates (2024-10-01) come this far: count each run's digits.
        let (wx, wd) = (u128::from(x) | (u128::from(xn) << 64), u128::from(d) | (u128::from(dn) << 64));
        while x9 != 0 {
            let start = x9.trailing_zeros();
            let end = (start + (!wx >> start).trailing_zeros()).min(128);
            let run = (u128::MAX << start) & if end == 128 { u128::MAX } else { (1u128 << end) - 1 };
            if (wd & run).count_ones() >= 9 {
                return true;
            }
            x9 &= !(run as u64);
        }
    }
    // Two capitals (possibly at the end of the block before), then 7 digits, then a byte
    // that is not part of a run.
    let (c, cb) = (block.capital, before.capital);
    let capitals = ((c << 1) | (cb >> 63)) & ((c << 2) | (cb >> 62));
    if capitals == 0 {
        return false;
    }
    let (d2, d2n) = (d & ahead(d, dn, 1), dn & (dn >> 1));
    let d4 = d2 & ahead(d2, d2n, 2);
    let d7 = d4 & ahead(d4, d2n & (d2n >> 2), 3);
    capitals & d7 & !ahead(x, xn, 7) != 0
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
    /// The rows of `long` whose extra cells are all empty (a spreadsheet's trailing `,,,`):
    /// nothing of them is lost when they are cut.
    pub padded: Vec<usize>,
    /// Where a quote opens that is never closed: the record (0-based, the header being 0) and
    /// the cell (1-based).
    pub unclosed_quote: Option<(usize, usize)>,
}

/// Counts every record's cells, respecting quotes: a pass with memchr (the csv crate would
/// parse every cell, which Polars then does again). Blank lines are not counted as short:
/// they are blank rows.
pub(crate) fn record_shapes(text: &[u8], delimiter: u8, quote: Option<u8>) -> Shapes {
    walk_shapes(text, delimiter, quote, None).0
}

/// The shapes of the records of `part`, a part of a text's rows that starts where a record
/// starts (the header not in it), against a header of `header_cells` cells; rows are 0-based
/// within the part. Also returns how many records the part has, blank ones included (one per
/// row Polars reads from it). Parts of a text read apart (see `parts`) are walked on every core.
pub(crate) fn part_shapes(part: &[u8], delimiter: u8, quote: Option<u8>, header_cells: usize) -> (Shapes, usize) {
    walk_shapes(part, delimiter, quote, Some(header_cells))
}

/// [`record_shapes`] of a whole text (`header_cells` is `None`: its first record is the header)
/// or of a part after it ([`part_shapes`]), with the number of records walked (the header's too).
fn walk_shapes(text: &[u8], delimiter: u8, quote: Option<u8>, header_cells: Option<usize>) -> (Shapes, usize) {
    let mut shapes = Shapes { header_cells: header_cells.unwrap_or_default(), ..Shapes::default() };
    // In a part, the first record is data row 0, as record 1 is in a whole text.
    let first = usize::from(header_cells.is_some());
    let mut record = first;
    let mut cells = 1usize;
    let mut start = 0usize;
    let mut quoted = false;
    let mut opened = (0usize, 0usize);
    // Where the record's first cell past the header's begins (its delimiter), once there is one.
    let mut extra_at: Option<usize> = None;
    let finish = |record: usize, cells: usize, line: &[u8], extra: Option<&[u8]>, shapes: &mut Shapes| {
        // Nothing, or only spaces and tabs (a line a hand edit left): a blank row, not a short one.
        let blank = line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
        if record == 0 {
            shapes.header_cells = cells;
        } else if !blank && cells < shapes.header_cells {
            shapes.short.push((record - 1, cells));
        } else if cells > shapes.header_cells {
            shapes.long.push((record - 1, cells));
            // Delimiters, spaces and empty quotes only: the extra cells hold nothing.
            if extra.is_some_and(|e| e.iter().all(|&b| b == delimiter || b == b' ' || b == b'\t' || b == b'\r' || Some(b) == quote)) {
                shapes.padded.push(record - 1);
            }
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
            if record > 0 && cells == shapes.header_cells {
                extra_at = Some(pos);
            }
            cells += 1;
        } else {
            finish(record, cells, &text[start..pos], extra_at.map(|at| &text[at..pos]), &mut shapes);
            record += 1;
            cells = 1;
            start = pos + 1;
            extra_at = None;
        }
    }
    if start < text.len() {
        finish(record, cells, &text[start..], extra_at.map(|at| &text[at..]), &mut shapes);
        record += 1;
    }
    shapes.unclosed_quote = quoted.then_some(opened);
    (shapes, record - first)
}

/// Whether every quote in `part` (which starts outside any quoted cell) stands where Polars
/// reads it as one: opening a cell (at a line's start, after a delimiter, or doubled) or closing
/// it (before a delimiter, a line end or its double). Then counting quotes tells records apart
/// as Polars does; a quote inside an unquoted cell (`5"` or `a"b`) is text to Polars, and a
/// part that has one is left to the general read (see `parts`).
pub(crate) fn quotes_well_placed(part: &[u8], delimiter: u8, quote: u8) -> bool {
    let (mut open, mut last_close) = (false, None);
    for pos in memchr::memchr_iter(quote, part) {
        if open {
            let next = part.get(pos + 1).copied();
            if !next.is_none_or(|b| b == delimiter || b == b'\n' || b == b'\r' || b == quote) {
                return false;
            }
            last_close = Some(pos);
        } else {
            let prev = pos.checked_sub(1).map(|i| part[i]);
            if !prev.is_none_or(|b| b == delimiter || b == b'\n' || last_close == Some(pos - 1)) {
                return false;
            }
        }
        open = !open;
    }
    true
}

/// Whether a quote in `text` opens a cell (at the text's or a line's start, or after one of
/// the delimiters a CSV may use): when none does, the file quotes nothing, and its quotes are
/// text (`ท่อ 4"`, an inch), as Excel and Python's csv read them.
pub(crate) fn quote_opens_a_cell(text: &[u8], quote: u8) -> bool {
    memchr::memchr_iter(quote, text).any(|pos| pos == 0 || matches!(text[pos - 1], b'\n' | b'\r' | b',' | b';' | b'\t' | b'|'))
}

/// The first quote of `text` (whose first record starts outside any quoted cell) that stands
/// inside a cell not quoted (`4"` in `ท่อ 4",3`), which Polars cannot read in a file that
/// also quotes cells: its record (0-based, the header being 0) and cell (1-based).
pub(crate) fn quote_inside_a_cell(text: &[u8], delimiter: u8, quote: u8) -> Option<(usize, usize)> {
    let (mut open, mut record, mut cell, mut cell_start) = (false, 0usize, 1usize, 0usize);
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if open {
            if b == quote {
                if text.get(i + 1) == Some(&quote) {
                    i += 1;
                } else {
                    open = false;
                }
            }
        } else if b == quote {
            if i != cell_start {
                return Some((record, cell));
            }
            open = true;
        } else if b == delimiter {
            cell += 1;
            cell_start = i + 1;
        } else if b == b'\n' {
            record += 1;
            cell = 1;
            cell_start = i + 1;
        }
        i += 1;
    }
    None
}

/// The line (1-based) where each record of `text` begins, the header's first: a quoted cell
/// may hold line breaks, which put a record below its number.
pub fn record_lines(text: &[u8], quote: Option<u8>) -> Vec<usize> {
    let mut starts = vec![1];
    let (mut line, mut quoted) = (1usize, false);
    let q = quote.unwrap_or(b'\n');
    for pos in memchr::memchr2_iter(q, b'\n', text) {
        if quote.is_some() && text[pos] == q {
            quoted = !quoted;
            continue;
        }
        line += 1;
        if !quoted && pos + 1 < text.len() {
            starts.push(line);
        }
    }
    starts
}

/// The text of records (0-based, the header being 0; ascending) without their line ends,
/// found by a walk that respects quotes; a record past the end is empty.
pub(crate) fn records<'a>(text: &'a [u8], quote: Option<u8>, wanted: &[usize]) -> Vec<&'a [u8]> {
    records_walking(text, quote, wanted, &mut |_| {})
}

/// [`records`], telling `walked` each byte offset the walk reaches (a line end or a quote).
pub(crate) fn records_walking<'a>(text: &'a [u8], quote: Option<u8>, wanted: &[usize], walked: &mut dyn FnMut(usize)) -> Vec<&'a [u8]> {
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
        walked(pos);
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

/// Cells as one record of a CSV with `delimiter`, each quoted where it must be (it holds the
/// delimiter, a quote or a line break): what [`split_record`] reads back as the same cells.
pub(crate) fn join_record<'a>(cells: impl IntoIterator<Item = &'a str>, delimiter: u8) -> String {
    let delimiter = char::from(delimiter);
    let quoted = |cell: &str| {
        if cell.contains([delimiter, '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.to_string() }
    };
    cells.into_iter().map(quoted).collect::<Vec<_>>().join(&delimiter.to_string())
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
    fn a_record_joined_is_split_back_into_its_cells() {
        let cells = ["province", "a;b", "say \"hi\"", "two\nlines", ""];
        for delimiter in [b',', b';'] {
            let line = join_record(cells, delimiter);
            assert_eq!(split_record(line.as_bytes(), delimiter, Some(b'"')), cells, "{line}");
        }
        assert_eq!(join_record(["a", "b,c"], b','), "a,\"b,c\"");
    }

    #[test]
    fn quotes_inside_unquoted_cells_are_told_from_quotes_that_open_cells() {
        assert!(!quote_opens_a_cell(b"a,b\nA,4\" pipe\nB,2\"\n", b'"'));
        assert!(quote_opens_a_cell(b"a,b\n\"A, big\",1\n", b'"'));
        assert!(quote_opens_a_cell(b"\"a\";b\n", b'"'));
        assert_eq!(quote_inside_a_cell(b"a,b\n\"A, big\",4\" pipe\n", b',', b'"'), Some((1, 2)));
        assert_eq!(quote_inside_a_cell(b"a,b\n\"say \"\"hi\"\"\",1\nB,2\n", b',', b'"'), None);
        assert_eq!(quote_inside_a_cell(b"a,b\n\"x\ny\",1\nB,2\"\n", b',', b'"'), Some((2, 2)));
    }

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
    fn quotes_are_well_placed_only_where_polars_reads_them_as_quotes() {
        let placed = |t: &[u8]| quotes_well_placed(t, b',', b'"');
        for good in [&b"1,\"a\",\"b\"\r\n"[..], b"\"a\"\"b\",\"\"\n", b"\"two\nlines\",x\n", b"plain,cells\n", b"\"a\""] {
            assert!(placed(good), "{:?}", String::from_utf8_lossy(good));
        }
        for bad in [&b"1,a\"b\n"[..], b"1,5\",x\n", b"1, \"a\"\n", b"\"a\"x,1\n"] {
            assert!(!placed(bad), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn short_and_long_rows_are_found_across_quoted_newlines() {
        let shapes = record_shapes(b"a,b,c\n1,\"x,\ny\",3\n4\n\n5,6,7,8\n", b',', Some(b'"'));
        assert_eq!(shapes, Shapes { header_cells: 3, short: vec![(1, 1)], long: vec![(3, 4)], padded: vec![], unclosed_quote: None });
        assert_eq!(record_shapes(b"a,b\n1,\"x\"\"y\"\n2,\"never\n3,4\n", b',', Some(b'"')).unclosed_quote, Some((2, 2)));
    }

    #[test]
    fn records_begin_below_the_line_breaks_of_quoted_cells() {
        let text = b"a,b\n1,\"two\nlines\"\n2,\"x\"\"y\"\n3,\"three\r\nmore\r\nlines\"\r\n4,z\n";
        assert_eq!(record_lines(text, Some(b'"')), [1, 2, 4, 5, 8]);
    }

    #[test]
    fn rows_whose_extra_cells_are_empty_are_told_apart() {
        // Row 0 ends with Excel's empty cells, row 1 has a stray value, row 2 empty quotes and a
        // space, row 3 (the last, no line end) two empty cells.
        let shapes = record_shapes(b"a,b\r\n1,2,,\r\n3,4,,x\r\n5,6,\"\", \r\n7,8,,", b',', Some(b'"'));
        assert_eq!((shapes.long, shapes.padded), (vec![(0, 4), (1, 4), (2, 4), (3, 4)], vec![0, 2, 3]));
        let (part, _) = part_shapes(b"1,2,\n3,4,5\n", b',', Some(b'"'), 2);
        assert_eq!(part.padded, vec![0]);
    }

    fn uniform_cells(text: &[u8]) -> Option<usize> {
        ByteScan::of(text, b',', Some(b'"')).uniform_cells(text, b',')
    }

    #[test]
    fn the_quick_count_proves_only_what_it_can() {
        assert_eq!(uniform_cells(b"a,b,c\n1,2,3\n4,5,6"), Some(3));
        assert_eq!(uniform_cells(b"a,b,c\r\n1,2,3\r\n"), Some(3));
        // A short row, a blank line, quotes: the exact count decides.
        assert_eq!(uniform_cells(b"a,b,c\n1,2\n"), None);
        assert_eq!(uniform_cells(b"a,b,c\n\n1,2,3\n"), None);
        assert_eq!(uniform_cells(b"a,b,c\n\"1,2\",3\n"), None);
        // One long and one short row balance out: Polars' refusal of the long row must rule it out.
        assert_eq!(uniform_cells(b"a,b,c\n1,2\n3,4,5,6\n"), Some(3));
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
        assert!(scan("a\nสาํนักงาน\n").thai_misordered);
        assert!(scan("a\nก่ิ\n").thai_misordered);
        assert!(!scan("a\nกิ่\n").thai_misordered);
        assert!(scan("a\n1-1017-00230-70-8\n").personal_candidates);
        assert!(scan("a\nAB1234567\n").personal_candidates);
        assert!(scan("a\nx@y.th\n").personal_candidates);
        assert!(!scan("a,b\n2024-10-01,12345678.00\nL0000001,21905000\n").personal_candidates);
        assert!(scan("a\n#N/A\n").spreadsheet_errors);
        assert!(scan("a\nErr:502\n").spreadsheet_errors);
        assert!(!scan("a\nError 502: Era\n").spreadsheet_errors);
    }

    fn has_long_digit_run(text: &[u8]) -> bool {
        Traits::scan(text, b',', Some(b'"')).personal_candidates
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
        let found = texts.iter().filter(|t| long_digit_run_plain(t)).count();
        assert!((5_000..25_000).contains(&found), "{found} of 30,000 texts have a run: too few or too many to test both sides");
        let disagreements: Vec<String> = texts
            .into_iter()
            .filter(|t| has_long_digit_run(t) != long_digit_run_plain(t))
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
    fn the_block_scan_agrees_with_the_plain_definitions() {
        // (On a processor without AVX2 both sides are the plain scan.)
        // Every kind of byte the scan looks for, Thai letters, marks and digits among them.
        // Thai: both ends of each range of marks, vowels and digits, and letters beside them.
        let thai = ["ก", "่", "๋", "ั", "ิ", "ื", "็", "ํ", "า", "๐", "๓", "๙", "เ", "ไ"];
        let ascii: [&[u8]; 21] =
            [b",", b";", b"\n", b"\r", b"\r\n", b"\"", b" ", b"\t", b"\0", b"@", b"-", b"7", b"123", b"A", b"x", "\u{a0}".as_bytes(), b"#", b"E", b"r", b":", b"Err:"];
        // The bytes of the less common forms of personal data, too.
        let variants: [&[u8]; 8] = [b".", b"/", b"(", b")", b"_", b"  ", "–".as_bytes(), "\u{ad}".as_bytes()];
        let pieces: Vec<&[u8]> = ascii.into_iter().chain(variants).chain(thai.iter().map(|t| t.as_bytes())).collect();
        let mut state = 0x2568_u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let mut disagreements = Vec::new();
        for case in 0..20_000 {
            let length = 1 + next() % 90;
            // Most texts draw on a few pieces only, so that each pattern is both present and absent.
            let alphabet: Vec<&[u8]> = (0..3 + case % 5).map(|_| pieces[next() % pieces.len()]).collect();
            let text: Vec<u8> = (0..length).flat_map(|_| alphabet[next() % alphabet.len()].to_vec()).collect();
            for (delimiter, quote) in [(b',', Some(b'"')), (b';', None)] {
                if ByteScan::of(&text, delimiter, quote) != scan_part_plain(&text, Special { delimiter, quote }) {
                    disagreements.push(String::from_utf8_lossy(&text).into_owned());
                }
            }
        }
        assert_eq!(disagreements, Vec::<String>::new());
    }

    #[test]
    fn the_block_variant_scan_agrees_with_the_byte_by_byte_definition() {
        let alphabets: [&[u8]; 3] = [b"0123456789012345678901.-/ _()Ab.", b"0123456789.. (x)\n12.3", b"0123456789 ab AB 0123456789.,/"];
        let mut state = 0x2569_u64;
        let (mut found, mut disagreements) = (0, Vec::new());
        for case in 0..30_000 {
            let alphabet = alphabets[case % 3];
            let text: Vec<u8> = (0..(case % 200) + 1)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    alphabet[(state >> 33) as usize % alphabet.len()]
                })
                .collect();
            let plain = scan_part_plain(&text, Special { delimiter: b',', quote: Some(b'"') }).traits.personal_variants;
            found += usize::from(plain);
            if Traits::scan(&text, b',', Some(b'"')).personal_variants != plain {
                disagreements.push(String::from_utf8_lossy(&text).into_owned());
            }
        }
        assert!((3_000..27_000).contains(&found), "{found} of 30,000 texts: too few or too many to test both sides");
        assert_eq!(disagreements, Vec::<String>::new());
    }

    #[test]
    fn less_common_ways_of_writing_personal_data_are_noticed_and_decimals_are_not() {
        for text in [
            "081.234.5678", "1.1017.00230.70.8", "1/1017/00230/70/8", "1_1017_00230_70_8", "(02) 123-4567", "+66 (0) 81 234 5678",
            "1  1017  00230  70  8", "1--1017--00230--70--8", "1–1017–00230–70–8", "１１０１７", "a＠b.th", "11017\u{200b}00230708",
            "passport AA 1234567", "passport aa1234567",
        ] {
            for pad in 0..64 {
                let text = format!("a,b\n{}{text}\n", ";".repeat(pad));
                assert!(Traits::scan(text.as_bytes(), b',', Some(b'"')).personal_variants, "{text}");
            }
        }
        for text in ["2024-10-01,12345678.00\nL0000001,21905000", "3365466.6666666665", "15/01/2567", "ปี 2567 - 2568", "No. 12 (3)", "x,12.5 0812345678,y"] {
            for pad in 0..64 {
                let text = format!("a,b\n{}{text}\n", ";".repeat(pad));
                assert!(!Traits::scan(text.as_bytes(), b',', Some(b'"')).personal_variants, "{text}");
            }
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
            ("#N/A,1,2,3\n", |t| t.spreadsheet_errors),
            ("Err:502,1,2,3\n", |t| t.spreadsheet_errors),
        ] {
            let text = format!("a,b,c,d\n{filler}{tail}");
            assert!(line_parts(text.as_bytes(), scan_parts(text.len())).len() > 1);
            assert!(pick(Traits::scan(text.as_bytes(), b',', Some(b'"'))), "{tail:?}");
            assert!(!pick(Traits::scan(format!("a,b,c,d\n{filler}").as_bytes(), b',', Some(b'"'))), "{tail:?}");
        }
    }
}
