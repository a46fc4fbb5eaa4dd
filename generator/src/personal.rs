//! Recognising and hiding personal data — Thai national ID numbers (with their mod-11 check
//! digit), Thai mobile and landline numbers, e-mail addresses and passport numbers. Pure
//! functions, shared by validation (the gate, and masking every value a diagnostic shows) and
//! the model (masking, redacting or hashing declared columns before anything is published).
//!
//! A text is first normalised the way a reader sees it (Thai and full-width digits as ASCII
//! digits, every dash as `-`, every space as ` `, zero-width characters gone), so that a
//! number written in any of those forms is found. A number is then a candidate only as a token
//! of its own: not the digits after a decimal point, not part of a web address, a file name, a
//! coordinate list or a code glued to Latin letters. Thai letters, which are written without
//! spaces, always count as a boundary.

use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// An e-mail address in normalised text: an ASCII local part, then a domain whose labels may
/// be Thai (internationalised domains) and whose last label is Latin or `ไทย`.
const EMAIL: &str = r"[A-Za-z0-9._%+\-]+@[\p{L}\p{M}\p{N}\-]+(?:\.[\p{L}\p{M}\p{N}\-]+)*\.(?:[A-Za-z]{2,}|ไทย)";
/// A passport number in normalised text: two letters and seven digits, in either case, a space
/// or `-` allowed between (Thai passports print `AA1234567`).
const PASSPORT: &str = r"[A-Za-z]{2}[ \-]?[0-9]{7}";
/// Web addresses and paths, whose digits are names, not numbers.
const ADDRESS: &str = r"(?i)(?:(?:https?|ftp|file)://|www\.)[^\s<>\x22]+";
/// Coordinate lists: WKT geometries and GeoJSON `coordinates`.
const COORDINATES: &str = r#"(?i)(?:MULTI)?(?:POINT|LINESTRING|POLYGON|GEOMETRYCOLLECTION)\s*(?:Z|M|ZM)?\s*\([-0-9.,eE+\s()]*\)|"coordinates"\s*:\s*\[[-0-9.,eE+\s\[\]]*\]"#;

static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(EMAIL).expect("valid pattern"));
static PASSPORT_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(PASSPORT).expect("valid pattern"));
static EXCLUDED_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!("{ADDRESS}|{COORDINATES}")).expect("valid pattern"));

/// What may start a piece of personal data, as a regular expression over text as written: a
/// digit (ASCII, Thai or full-width) followed by eight more with a few separators (of any
/// kind, zero-width characters too) between each two, an at sign, or two letters before seven
/// digits (spaces, dashes and zero-width characters allowed). Every cell [`find`] finds
/// something in matches it; the cell scan looks only at the cells that do.
pub const CANDIDATE: &str = concat!(
    r"[0-9๐-๙０-９](?:[-./_() \x{A0}\x{2000}-\x{200D}\x{2010}-\x{2015}\x{2060}\x{2212}\x{202F}\x{205F}\x{3000}\x{FEFF}\x{AD}\x{FF08}\x{FF09}\x{FF0D}-\x{FF0F}\x{FF3F}\x{FE58}\x{FE63}\x{2024}\x{2044}\x{2215}\t]{0,6}[0-9๐-๙０-９]){8}",
    r"|[@＠﹫]",
    r"|[A-Za-zＡ-Ｚａ-ｚ][\x{200B}-\x{200D}\x{2060}\x{FEFF}\x{AD}]*[A-Za-zＡ-Ｚａ-ｚ][-  \x{A0}\x{2000}-\x{200D}\x{2010}-\x{2015}\x{2060}\x{2212}\x{202F}\x{205F}\x{3000}\x{FEFF}\x{AD}\x{FF0D}\x{FE58}\x{FE63}\t]{0,6}",
    r"[0-9๐-๙０-９](?:[\x{200B}-\x{200D}\x{2060}\x{FEFF}\x{AD}]*[0-9๐-๙０-９]){6}",
);

/// A kind of personal data Sala recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// A Thai national ID number (13 digits, valid check digit).
    NationalId,
    /// A Thai mobile number.
    Mobile,
    /// A Thai landline number.
    Landline,
    /// An e-mail address.
    Email,
    /// A passport number.
    Passport,
}

impl Kind {
    /// The kind's name in Thai and English.
    pub fn name(self) -> (&'static str, &'static str) {
        match self {
            Kind::NationalId => ("เลขประจำตัวประชาชน", "Thai national ID number"),
            Kind::Mobile => ("หมายเลขโทรศัพท์มือถือ", "mobile phone number"),
            Kind::Landline => ("หมายเลขโทรศัพท์", "telephone number"),
            Kind::Email => ("อีเมล", "e-mail address"),
            Kind::Passport => ("เลขหนังสือเดินทาง", "passport number"),
        }
    }

    /// Whether this kind is contact information (a phone number or an e-mail address), which
    /// contact fields and a policy's contact sections are expected to hold.
    pub fn is_contact(self) -> bool {
        matches!(self, Kind::Mobile | Kind::Landline | Kind::Email)
    }
}

/// Whether 13 digits are a valid Thai national ID: the first digit is 1–8, and the last is
/// (11 − Σ dᵢ·(13−i) mod 11) mod 10 over the first twelve.
pub fn thai_id_valid(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 13 || digits.chars().filter(char::is_ascii_digit).count() != 13 || !(1..=8).contains(&d[0]) {
        return false;
    }
    let sum: u32 = d[..12].iter().enumerate().map(|(i, v)| v * (13 - i as u32)).sum();
    (11 - sum % 11) % 10 == d[12]
}

/// Whether a whole number, as a number column publishes it, is a valid Thai national ID.
pub fn number_is_thai_id(n: i64) -> bool {
    (1_000_000_000_000..9_000_000_000_000).contains(&n) && thai_id_valid(&n.to_string())
}

/// What a run of digits (separators allowed) is, if it is personal data. Thai phone numbers
/// may be written with +66 (Thailand) in place of the leading 0, or as +66 (0) …
pub fn classify_digits(run: &str) -> Option<Kind> {
    let digits: String = normalise(run).text.chars().filter(char::is_ascii_digit).collect();
    classify_plain(&digits)
}

/// [`classify_digits`] of ASCII digits only.
fn classify_plain(digits: &str) -> Option<Kind> {
    let mut digits = digits.to_string();
    if digits.len() >= 11 && digits.starts_with("660") {
        digits.remove(2);
    }
    let b = digits.as_bytes();
    match b.len() {
        13 if thai_id_valid(&digits) => Some(Kind::NationalId),
        10 if b[0] == b'0' && matches!(b[1], b'6' | b'8' | b'9') => Some(Kind::Mobile),
        9 if b[0] == b'0' && (b'2'..=b'7').contains(&b[1]) => Some(Kind::Landline),
        11 if b.starts_with(b"66") && matches!(b[2], b'6' | b'8' | b'9') => Some(Kind::Mobile),
        10 if b.starts_with(b"66") && (b'2'..=b'7').contains(&b[2]) => Some(Kind::Landline),
        _ => None,
    }
}

/// A text normalised for matching, with where each of its characters came from.
struct Normalised {
    /// The normalised text.
    text: String,
    /// Per character of `text`: its byte offset in `text`, and the bytes of the original it
    /// stands for.
    origin: Vec<(usize, Range<usize>)>,
}

impl Normalised {
    /// The index of the character at byte `at` of `text`.
    fn char_at(&self, at: usize) -> usize {
        self.origin.partition_point(|(start, _)| *start < at)
    }

    /// The original bytes behind characters `chars` (a non-empty range).
    fn original(&self, chars: Range<usize>) -> Range<usize> {
        match (self.origin.get(chars.start), chars.end.checked_sub(1).and_then(|l| self.origin.get(l))) {
            (Some((_, a)), Some((_, b))) => a.start..b.end.max(a.start),
            _ => 0..0,
        }
    }
}

/// How a character reads when looking for personal data: `None` for characters that are not
/// seen (zero-width), else the plain character it stands for.
fn plain_char(c: char) -> Option<char> {
    Some(match c {
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => return None,
        '๐'..='๙' => char::from(b'0' + (c as u32 - 0x0E50) as u8),
        // Full-width forms of ASCII (digits, letters, ＠ and punctuation).
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{FE6B}' => '@',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => '-',
        '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\t' => ' ',
        '\u{2024}' => '.',
        '\u{2044}' | '\u{2215}' => '/',
        _ => c,
    })
}

fn normalise(text: &str) -> Normalised {
    let mut out = Normalised { text: String::with_capacity(text.len()), origin: Vec::with_capacity(text.len()) };
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        match plain_char(c) {
            Some(p) => {
                out.origin.push((out.text.len(), i..end));
                out.text.push(p);
            }
            // An unseen character belongs to the character before it.
            None => {
                if let Some((_, last)) = out.origin.last_mut() {
                    last.end = end;
                }
            }
        }
    }
    out
}

/// Separators a number may be written with between its digit groups.
fn is_separator(c: char) -> bool {
    matches!(c, '-' | '.' | '/' | '_' | '(' | ')' | ' ')
}

/// Characters that join a number to letters or digits around it into one name (a code, a file
/// name, a path): `C07032-0029`, `photo_0812345678`, `…/1683953166401.jpeg`.
fn is_glue(c: char) -> bool {
    matches!(c, '-' | '_' | '/' | '\\' | '.' | '#' | '%' | '=' | '&' | '?' | '~' | '@' | '+' | '*')
}

/// Whether a number may be split from the digits before it at this separator: spaces, `/` and
/// a single `-` part numbers; a `.` (a decimal point) or `_` does not.
fn splits(separator: &[char]) -> bool {
    separator.contains(&' ') || separator == ['/'] || separator == ['-']
}

/// Digits and separators standing on their own: the digit groups (character ranges).
struct Chunk {
    groups: Vec<Range<usize>>,
}

/// Every phone number and national ID in the normalised characters `c`, as character ranges,
/// outside the `excluded` character ranges.
fn find_numbers(c: &[char], excluded: &[Range<usize>]) -> Vec<(Range<usize>, Kind)> {
    let mut found = Vec::new();
    let n = c.len();
    let alnum = |i: usize| c.get(i).is_some_and(char::is_ascii_alphanumeric);
    let mut i = 0;
    while i < n {
        if !c[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut start = i;
        if start > 0 && c[start - 1] == '(' {
            start -= 1;
        }
        if start > 0 && c[start - 1] == '+' {
            start -= 1;
        }
        let mut chunk = Chunk { groups: Vec::new() };
        let mut j = i;
        let end = loop {
            let g = j;
            while j < n && c[j].is_ascii_digit() {
                j += 1;
            }
            chunk.groups.push(g..j);
            let mut k = j;
            while k < n && k - j < 3 && is_separator(c[k]) {
                k += 1;
            }
            if k > j && k < n && c[k].is_ascii_digit() {
                j = k;
            } else {
                break j;
            }
        };
        i = end;
        if excluded.iter().any(|r| r.start < end && start < r.end) {
            continue;
        }
        // Glued to letters or digits on either side (directly, or through `-`, `_`, `/`, …):
        // part of a code, a file name or a longer number.
        let glued_before = start > 0 && {
            let b = c[start - 1];
            b.is_ascii_alphanumeric() || (is_glue(b) && b != '.' && start >= 2 && alnum(start - 2))
        };
        let glued_after = end < n && {
            let a = c[end];
            a.is_ascii_alphabetic() || (is_glue(a) && alnum(end + 1))
        };
        if glued_before || glued_after {
            continue;
        }
        found.extend(numbers_in(c, &chunk, start));
    }
    found
}

/// The phone numbers and national IDs a chunk's digit groups make: the longest run of whole
/// groups from each place a number may start.
fn numbers_in(c: &[char], chunk: &Chunk, start: usize) -> Vec<(Range<usize>, Kind)> {
    let groups = &chunk.groups;
    let separator = |k: usize| &c[groups[k - 1].end..groups[k].start];
    let dated = dated_groups(c, groups);
    let mut found = Vec::new();
    let mut a = 0;
    while a < groups.len() {
        if (a > 0 && !splits(separator(a))) || dated[a] {
            a += 1;
            continue;
        }
        let mut best = None;
        let mut digits = String::new();
        for b in a..groups.len() {
            if (b > a && digits.len() > 13) || dated[b] {
                break;
            }
            digits.extend(&c[groups[b].clone()]);
            let ends_here = b + 1 == groups.len() || splits(separator(b + 1));
            if !ends_here || !(9..=13).contains(&digits.len()) {
                continue;
            }
            // Digits with a `.` between are a decimal number, unless every separator is a dot
            // and there are at least two (081.234.5678).
            let seps: Vec<&[char]> = (a + 1..=b).map(separator).collect();
            if seps.iter().any(|s| s.contains(&'.')) && (seps.len() < 2 || seps.iter().any(|s| *s != ['.'])) {
                continue;
            }
            let from = if a == 0 { start } else { groups[a].start };
            if let Some(kind) = classify_plain(&digits) {
                best = Some((from..groups[b].end, kind, b));
            }
        }
        match best {
            Some((range, kind, b)) => {
                found.push((range, kind));
                a = b + 1;
            }
            None => a += 1,
        }
    }
    found
}

/// Which digit groups of a chunk are the day, month and year of a date (`06/10/2566`,
/// `6-10-2023`, `2566-10-06`: one separator, `/`, `-` or `.`, between all three, a day and a
/// month that can be), which no phone number or ID is made of: `06/10/2566 09:01`, a
/// Buddhist-era date and time, is not the mobile number 061-025-6609.
fn dated_groups(c: &[char], groups: &[Range<usize>]) -> Vec<bool> {
    let mut dated = vec![false; groups.len()];
    let value = |g: &Range<usize>| c[g.clone()].iter().fold(0u32, |n, d| n * 10 + d.to_digit(10).unwrap_or(0));
    for k in 0..groups.len().saturating_sub(2) {
        let [x, y, z] = [&groups[k], &groups[k + 1], &groups[k + 2]];
        let (s1, s2) = (&c[x.end..y.start], &c[y.end..z.start]);
        if s1 != s2 || !matches!(s1, ['/'] | ['-'] | ['.']) {
            continue;
        }
        let day_month = |d: &Range<usize>, m: &Range<usize>| (1..=2).contains(&d.len()) && (1..=2).contains(&m.len()) && (1..=31).contains(&value(d)) && (1..=12).contains(&value(m));
        // Day first (as Thai and most of the world write it), month first, or ISO year first.
        let date = ((day_month(x, y) || day_month(y, x)) && matches!(z.len(), 2 | 4)) || (x.len() == 4 && day_month(z, y));
        if date {
            dated[k..k + 3].fill(true);
        }
    }
    dated
}

/// Words that stand before a number without being a passport's two letters (`No 1234567`).
const NOT_PASSPORT: &[&str] = &["no", "id", "at", "to", "on", "of", "or", "in", "is", "by", "as", "mr", "ms", "dr", "rd", "st", "km", "kg", "mm", "cm", "th", "nd", "tel", "fax"];

/// Every piece of personal data in `text`, as byte ranges of `text` with their kind, in order.
pub fn find(text: &str) -> Vec<(Range<usize>, Kind)> {
    let norm = normalise(text);
    let chars: Vec<char> = norm.text.chars().collect();
    let to_chars = |m: regex::Match| norm.char_at(m.start())..norm.char_at(m.end());
    let t = norm.text.as_str();
    let excluded: Vec<Range<usize>> = if t.contains("://") || t.contains("www.") || t.contains("ww.") || t.contains('(') || t.contains("coordinates") {
        EXCLUDED_RE.find_iter(t).map(to_chars).collect()
    } else {
        Vec::new()
    };
    let mut found: Vec<(Range<usize>, Kind)> = find_numbers(&chars, &excluded);
    if t.contains('@') {
        found.extend(EMAIL_RE.find_iter(t).map(|m| (to_chars(m), Kind::Email)));
    }
    let alnum = |i: usize| chars.get(i).is_some_and(char::is_ascii_alphanumeric);
    for m in PASSPORT_RE.find_iter(t) {
        let r = to_chars(m);
        let written = m.as_str();
        let letters = &written[..2];
        let usual = letters.bytes().all(|b| b.is_ascii_uppercase()) && written.len() == 9;
        let before_glued = r.start > 0 && (alnum(r.start - 1) || (is_glue(chars[r.start - 1]) && r.start >= 2 && alnum(r.start - 2)));
        let after_glued = alnum(r.end) || (chars.get(r.end).is_some_and(|&c| is_glue(c)) && alnum(r.end + 1));
        let inside = excluded.iter().any(|e| e.start < r.end && r.start < e.end);
        if before_glued || after_glued || inside || (!usual && NOT_PASSPORT.contains(&letters.to_ascii_lowercase().as_str())) {
            continue;
        }
        found.push((r, Kind::Passport));
    }
    let mut found: Vec<(Range<usize>, Kind)> = found.into_iter().map(|(r, k)| (norm.original(r), k)).filter(|(r, _)| !r.is_empty()).collect();
    found.sort_by_key(|(r, k)| (r.start, std::cmp::Reverse(r.end), *k));
    // One finding per place: a phone number inside an e-mail address is the address.
    let mut kept: Vec<(Range<usize>, Kind)> = Vec::with_capacity(found.len());
    for (r, k) in found {
        if kept.last().is_some_and(|(last, _)| r.start < last.end) {
            continue;
        }
        kept.push((r, k));
    }
    kept
}

/// `value` with most of its letters and digits replaced by `x`, keeping its shape: the first
/// third (at most five) and the last one stay, as in 1-2345-xxxxx-xx-1. E-mail addresses keep
/// their domain.
pub fn mask_value(value: &str) -> String {
    if let Some((local, domain)) = value.split_once(['@', '＠', '﹫']) {
        let at = &value[local.len()..value.len() - domain.len()];
        return format!("{}{at}{domain}", mask_value(local));
    }
    let total = value.chars().filter(|c| c.is_alphanumeric()).count();
    let keep_start = total.div_ceil(3).min(5);
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                return c;
            }
            seen += 1;
            if seen <= keep_start || (seen == total && total > 2) { c } else { 'x' }
        })
        .collect()
}

/// `value` with every letter and digit replaced by `x`, keeping its shape (an e-mail address
/// keeps its domain): what `redact` publishes in place of a piece of personal data.
pub fn blank_value(value: &str) -> String {
    if let Some((local, domain)) = value.split_once(['@', '＠', '﹫']) {
        let at = &value[local.len()..value.len() - domain.len()];
        return format!("{}{at}{domain}", blank_value(local));
    }
    value.chars().map(|c| if c.is_alphanumeric() { 'x' } else { c }).collect()
}

/// `text` with every piece of personal data in it replaced by `replace` of it (other text
/// unchanged).
fn replace_found(text: &str, replace: fn(&str) -> String) -> String {
    let found = find(text);
    if found.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, _) in found {
        out.push_str(&text[at..range.start]);
        out.push_str(&replace(&text[range.clone()]));
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// `text` with every piece of personal data in it masked (other text unchanged, length kept).
pub fn mask_text(text: &str) -> String {
    replace_found(text, mask_value)
}

/// `text` with every piece of personal data in it blanked out entirely (see [`blank_value`]),
/// every other character as written: the `redact` treatment of free-text columns.
pub fn redact_text(text: &str) -> String {
    replace_found(text, blank_value)
}

/// A piece of contact information as compared between places: an e-mail address in lower
/// case, a phone number as its digits with +66 read as 0.
pub fn contact_key(written: &str, kind: Kind) -> String {
    let plain = normalise(written).text;
    if kind == Kind::Email {
        return plain.to_lowercase();
    }
    let digits: String = plain.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("660").or_else(|| digits.strip_prefix("66")) {
        Some(rest) if digits.len() >= 10 => format!("0{rest}"),
        _ => digits,
    }
}

/// A file path with the personal data in each of its names masked: a name is read without its
/// extension, as a token of its own (`datasets/11017xxxxxxx8/data.csv`).
pub fn mask_path(path: &str) -> String {
    path.split_inclusive(['/', '\\'])
        .map(|part| {
            let (name, slash) = part.find(['/', '\\']).map_or((part, ""), |at| part.split_at(at));
            let (stem, ext) = match name.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() && (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()) => (stem, &name[stem.len()..]),
                _ => (name, ""),
            };
            format!("{}{ext}{slash}", mask_text(stem))
        })
        .collect()
}

/// A salted SHA-256 of `value`, as 16 hex digits: equal values give equal hashes within one
/// build (so rows can still be linked), and the salt keeps the hash from being reversed by
/// hashing every possible ID.
pub fn hash_value(value: &str, salt: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new().chain_update(salt).chain_update(value.as_bytes()).finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds found in `text`, with the text of each as written.
    fn found(text: &str) -> Vec<(&str, Kind)> {
        find(text).into_iter().map(|(r, k)| (&text[r], k)).collect()
    }

    /// A date's day, month and year make no phone number, with a time after them or not; a
    /// phone number beside a date is still found, and digits in date-like groups that are no
    /// date (no day or month 33) are still read as a number.
    #[test]
    fn dates_are_no_phone_numbers_but_a_phone_beside_one_is() {
        for date in ["06/10/2566 09:01", "08/09/2566 09:59", "6-10-2023 08:15", "2566-10-06 09:01", "09.08.2566 06", "10/06/2566 0"] {
            assert_eq!(found(date), [], "{date}");
        }
        assert_eq!(found("นัด 06/10/2566 โทร 081-234-5678"), [("081-234-5678", Kind::Mobile)]);
        assert_eq!(found("06/10/2566 0812345678"), [("0812345678", Kind::Mobile)]);
        assert_eq!(found("08/33/2566 09"), [("08/33/2566 09", Kind::Mobile)]);
    }

    #[test]
    fn national_ids_need_a_valid_check_digit() {
        assert!(thai_id_valid("1101700230708"));
        assert!(!thai_id_valid("1101700230705"));
        assert!(!thai_id_valid("0101700230705"), "never starts with 0");
        assert_eq!(classify_digits("1-1017-00230-70-8"), Some(Kind::NationalId));
        assert_eq!(classify_digits("1 1017 00230 70 5"), None);
        assert!(number_is_thai_id(1_101_700_230_708) && !number_is_thai_id(1_101_700_230_705));
    }

    #[test]
    fn phones_are_recognised_with_and_without_separators() {
        assert_eq!(classify_digits("081-234-5678"), Some(Kind::Mobile));
        assert_eq!(classify_digits("02 123 4567"), Some(Kind::Landline));
        assert_eq!(classify_digits("+66 81 234 5678"), Some(Kind::Mobile));
        assert_eq!(classify_digits("+66 (0) 81 234 5678"), Some(Kind::Mobile));
        assert_eq!(classify_digits("21905000"), None);
    }

    #[test]
    fn every_way_of_writing_a_number_is_read_as_the_number() {
        use Kind::*;
        for (text, written, kind) in [
            ("เลข ๑๑๐๑๗๐๐๒๓๐๗๐๘ ครับ", "๑๑๐๑๗๐๐๒๓๐๗๐๘", NationalId),
            ("id 1–1017–00230–70–8.", "1–1017–00230–70–8", NationalId),
            ("1.1017.00230.70.8", "1.1017.00230.70.8", NationalId),
            ("1/1017/00230/70/8", "1/1017/00230/70/8", NationalId),
            ("1_1017_00230_70_8", "1_1017_00230_70_8", NationalId),
            ("1\u{a0}1017\u{a0}00230\u{a0}70\u{a0}8", "1\u{a0}1017\u{a0}00230\u{a0}70\u{a0}8", NationalId),
            ("11017\u{200b}00230708", "11017\u{200b}00230708", NationalId),
            ("1  1017  00230  70  8", "1  1017  00230  70  8", NationalId),
            ("１１０１７００２３０７０８", "１１０１７００２３０７０８", NationalId),
            ("ผู้ร้อง1101700230708ขอข้อมูล", "1101700230708", NationalId),
            ("ปี 2567 1101700230708", "1101700230708", NationalId),
            ("1101700230708/2567", "1101700230708", NationalId),
            ("โทร (02) 123-4567 ต่อ 12", "(02) 123-4567", Landline),
            ("081.234.5678", "081.234.5678", Mobile),
            ("+66 (0) 81 234 5678", "+66 (0) 81 234 5678", Mobile),
            ("โทร ๐๘๑-๒๓๔-๕๖๗๘", "๐๘๑-๒๓๔-๕๖๗๘", Mobile),
            ("Tel.0812345678", "0812345678", Mobile),
            ("passport aa1234567", "aa1234567", Passport),
            ("หนังสือเดินทาง AA 1234567", "AA 1234567", Passport),
            ("somchai＠example.co.th", "somchai＠example.co.th", Email),
            ("ติดต่อ somchai@ตัวอย่าง.ไทย ได้", "somchai@ตัวอย่าง.ไทย", Email),
        ] {
            assert_eq!(found(text), [(written, kind)], "{text}");
            assert!(Regex::new(CANDIDATE).unwrap().is_match(text), "the cell scan looks at {text}");
        }
    }

    #[test]
    fn numbers_that_are_not_tokens_of_their_own_are_not_personal_data() {
        for text in [
            "3365466.6666666665",
            "3493.622473361866",
            "https://example.go.th/photos/1683953166401.jpeg",
            "photos/1683953166401.jpeg",
            "1683953166401.jpeg",
            "a3f50812345678b2.png",
            "IMG_20230512_0812345678.jpg",
            "POLYGON ((154.035 3496 26.426, 100.0812345 13.6789012))",
            r#"{"type":"Point","coordinates":[100.08123456,13.02123456]}"#,
            "C070320029",
            "C07032-0029",
            "INV-0812345678",
            "เลขที่ 1101700230705",
            "8850999320001",
            "No 1234567",
            "2024-10-01 12:30:00",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }

    #[test]
    fn masking_keeps_the_shape_and_hides_the_middle() {
        assert_eq!(mask_value("1-1017-00230-70-8"), "1-1017-xxxxx-xx-8");
        assert_eq!(mask_value("somchai@example.go.th"), "somxxxi@example.go.th");
        assert_eq!(
            mask_text("ติดต่อ 081-234-5678 หรือ a.b@c.go.th เลข 1101700230708 ปี 2567"),
            "ติดต่อ 081-2xx-xxx8 หรือ a.x@c.go.th เลข 11017xxxxxxx8 ปี 2567"
        );
    }

    #[test]
    fn redacting_blanks_only_what_is_found_and_keeps_thai_readable() {
        assert_eq!(
            redact_text("เนื่องจากผู้ร้อง (โทร 081-234-5678) แจ้งว่าถนนชำรุด เลข 1101700230708"),
            "เนื่องจากผู้ร้อง (โทร xxx-xxx-xxxx) แจ้งว่าถนนชำรุด เลข xxxxxxxxxxxxx"
        );
        assert_eq!(redact_text("somchai@example.co.th"), "xxxxxxx@example.co.th");
    }

    #[test]
    fn contact_information_compares_as_the_same_number_or_address() {
        assert_eq!(contact_key("+66 (0) 2 142 1000", Kind::Landline), contact_key("02-142-1000", Kind::Landline));
        assert_eq!(contact_key("+66 81 234 5678", Kind::Mobile), "0812345678");
        assert_eq!(contact_key("DPO＠Example.go.th", Kind::Email), "dpo@example.go.th");
    }

    #[test]
    fn paths_are_masked_name_by_name() {
        assert_eq!(mask_path("datasets/1101700230708/data.csv"), "datasets/11017xxxxxxx8/data.csv");
        assert_eq!(mask_path("content/0812345678.md"), "content/0812xxxxx8.md");
        assert_eq!(mask_path("datasets/photos/1683953166401x.jpeg"), "datasets/photos/1683953166401x.jpeg");
    }

    #[test]
    fn every_text_with_something_found_is_looked_at_by_the_byte_scan_and_the_cell_filter() {
        // Random texts over the pieces the finder reads: digits of every script, separators of
        // every kind, letters, addresses, coordinates. The gate looks at a cell only when the
        // file's byte scan and the cell's regular expression let it: both must, whenever the
        // finder would find something.
        let pieces = [
            "0", "1", "8", "9", "๑", "๐", "１", "-", "–", ".", "/", "_", "(", ")", " ", "\u{a0}", "\u{200b}", "\u{ad}", "@", "＠", "a",
            "A", "B", "ก", "ไทย", "+", "66", "http://", "www.", "POLYGON ((", "\"coordinates\":[", ",", "\n", "x.jpg", "é",
        ];
        let candidate = Regex::new(CANDIDATE).unwrap();
        let mut state = 2567u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let mut found_any = 0;
        for _ in 0..50_000 {
            let text: String = (0..next() % 40).map(|_| pieces[next() % pieces.len()]).collect();
            let found = find(&text);
            for (r, _) in &found {
                assert!(r.start < r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{text:?} {r:?}");
            }
            let _ = (mask_text(&text), redact_text(&text), mask_path(&text));
            if found.is_empty() {
                continue;
            }
            found_any += 1;
            assert!(candidate.is_match(&text), "the cell filter would skip {text:?}");
            let t = crate::load::scan::Traits::scan(text.as_bytes(), b',', Some(b'"'));
            assert!(t.personal_candidates || t.personal_variants || t.nbsp || t.thai_digits, "the byte scan would skip {text:?}: {found:?}");
        }
        assert!(found_any > 1_000, "{found_any}");
    }

    #[test]
    fn hashes_are_stable_for_a_salt_and_differ_across_salts() {
        assert_eq!(hash_value("1101700230708", b"s"), hash_value("1101700230708", b"s"));
        assert_ne!(hash_value("1101700230708", b"s"), hash_value("1101700230708", b"t"));
        assert_eq!(hash_value("x", b"s").len(), 16);
    }
}
