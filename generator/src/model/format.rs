//! Numbers and dates written the way each language's readers expect: Thai pages use Buddhist-era
//! years (พ.ศ. = ค.ศ. + 543) and Thai month names; English pages use CE dates.

use crate::lang::Lang;
use chrono::Datelike;

const THAI_MONTHS: [&str; 12] =
    ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."];
const ENGLISH_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The Buddhist-era year of a Christian-era year.
pub fn buddhist_year(ce: i32) -> i32 {
    ce + 543
}

/// A whole number with thousands separators (both languages use `,`).
pub fn integer(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group_digits(&n.unsigned_abs().to_string()))
}

/// A decimal number with thousands separators and at most `decimals` decimals.
pub fn number(n: f64, decimals: usize) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    let fixed = format!("{:.*}", decimals, n);
    let (negative, fixed) = match fixed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, fixed.as_str()),
    };
    let (whole, frac) = fixed.split_once('.').unwrap_or((fixed, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if negative && (whole != "0" || !frac.is_empty()) {
        out.push('-');
    }
    out.push_str(&group_digits(whole));
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A date as readers of `lang` write it: `1 ต.ค. 2567` or `1 Oct 2024`.
pub fn date(d: chrono::NaiveDate, lang: Lang) -> String {
    let month = d.month0() as usize;
    match lang {
        Lang::Th => format!("{} {} {}", d.day(), THAI_MONTHS[month], buddhist_year(d.year())),
        Lang::En => format!("{} {} {}", d.day(), ENGLISH_MONTHS[month], d.year()),
    }
}

/// A TOML date from metadata as a calendar date.
pub fn toml_date(d: &toml::value::Datetime) -> Option<chrono::NaiveDate> {
    let date = d.date?;
    chrono::NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(integer(21_905_000), "21,905,000");
        assert_eq!(integer(-1234), "-1,234");
        assert_eq!(integer(999), "999");
        assert_eq!(number(1234.5, 2), "1,234.5");
        assert_eq!(number(-0.25, 2), "-0.25");
    }

    #[test]
    fn thai_dates_use_the_buddhist_era() {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
        assert_eq!(date(d, Lang::Th), "1 ต.ค. 2567");
        assert_eq!(date(d, Lang::En), "1 Oct 2024");
    }
}
