//! Recognising and hiding personal data — Thai national ID numbers (with their mod-11 check
//! digit), Thai mobile and landline numbers, e-mail addresses and passport numbers. Pure
//! functions, shared by validation (the gate, and masking every value a diagnostic shows) and
//! the model (masking or hashing declared columns before anything is published).

use regex::Regex;
use std::sync::LazyLock;

/// A run of digits, single `-` or space allowed between them (how IDs and phones are written).
pub const DIGIT_RUN: &str = r"\+?[0-9](?:[- ]?[0-9])*";
/// An e-mail address.
pub const EMAIL: &str = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}";
/// A passport number as Thai passports write it: two letters and seven digits.
pub const PASSPORT: &str = r"[A-Z]{2}[0-9]{7}";

static DIGIT_RUN_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(DIGIT_RUN).expect("valid pattern"));
static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(EMAIL).expect("valid pattern"));
static PASSPORT_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"\b{PASSPORT}\b")).expect("valid pattern"));

/// A kind of personal data Sala recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// What a run of digits (separators allowed) is, if it is personal data.
pub fn classify_digits(run: &str) -> Option<Kind> {
    let digits: String = run.chars().filter(char::is_ascii_digit).collect();
    let b = digits.as_bytes();
    match b.len() {
        13 if thai_id_valid(&digits) => Some(Kind::NationalId),
        10 if b[0] == b'0' && matches!(b[1], b'6' | b'8' | b'9') => Some(Kind::Mobile),
        9 if b[0] == b'0' && (b'2'..=b'7').contains(&b[1]) => Some(Kind::Landline),
        // +66 (Thailand) in place of the leading 0.
        11 if b.starts_with(b"66") && matches!(b[2], b'6' | b'8' | b'9') => Some(Kind::Mobile),
        10 if b.starts_with(b"66") && (b'2'..=b'7').contains(&b[2]) => Some(Kind::Landline),
        _ => None,
    }
}

/// Every piece of personal data in `text`, as byte ranges with their kind.
pub fn find(text: &str) -> Vec<(std::ops::Range<usize>, Kind)> {
    let mut found: Vec<(std::ops::Range<usize>, Kind)> = DIGIT_RUN_RE
        .find_iter(text)
        .filter_map(|m| classify_digits(m.as_str()).map(|k| (m.range(), k)))
        .collect();
    found.extend(EMAIL_RE.find_iter(text).map(|m| (m.range(), Kind::Email)));
    found.extend(PASSPORT_RE.find_iter(text).map(|m| (m.range(), Kind::Passport)));
    found.sort_by_key(|(r, _)| r.start);
    found
}

/// `value` with most of its letters and digits replaced by `x`, keeping its shape: the first
/// third (at most five) and the last one stay, as in 1-2345-xxxxx-xx-1. E-mail addresses keep
/// their domain.
pub fn mask_value(value: &str) -> String {
    if let Some((local, domain)) = value.split_once('@') {
        return format!("{}@{domain}", mask_value(local));
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

/// `text` with every piece of personal data in it masked (other text unchanged, length kept).
pub fn mask_text(text: &str) -> String {
    let found = find(text);
    if found.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, _) in found {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&mask_value(&text[range.clone()]));
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
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

    #[test]
    fn national_ids_need_a_valid_check_digit() {
        assert!(thai_id_valid("1101700230708"));
        assert!(!thai_id_valid("1101700230705"));
        assert!(!thai_id_valid("0101700230705"), "never starts with 0");
        assert_eq!(classify_digits("1-1017-00230-70-8"), Some(Kind::NationalId));
        assert_eq!(classify_digits("1 1017 00230 70 5"), None);
    }

    #[test]
    fn phones_are_recognised_with_and_without_separators() {
        assert_eq!(classify_digits("081-234-5678"), Some(Kind::Mobile));
        assert_eq!(classify_digits("02 123 4567"), Some(Kind::Landline));
        assert_eq!(classify_digits("+66 81 234 5678"), Some(Kind::Mobile));
        assert_eq!(classify_digits("21905000"), None);
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
    fn hashes_are_stable_for_a_salt_and_differ_across_salts() {
        assert_eq!(hash_value("1101700230708", b"s"), hash_value("1101700230708", b"s"));
        assert_ne!(hash_value("1101700230708", b"s"), hash_value("1101700230708", b"t"));
        assert_eq!(hash_value("x", b"s").len(), 16);
    }
}
