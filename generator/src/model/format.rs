//! Numbers and dates written the way each language's readers expect: Thai pages use Buddhist-era
//! years (พ.ศ. = ค.ศ. + 543) and Thai month names; English pages use CE dates.

use crate::lang::Lang;
use chrono::Datelike;

/// The Thai months' abbreviations, as Thai dates write them (`1 ต.ค. 2567`).
pub const THAI_MONTHS: [&str; 12] =
    ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."];
/// The Thai months' full names (`1 ตุลาคม 2567`).
pub const THAI_MONTH_NAMES: [&str; 12] =
    ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
/// The English months' abbreviations, which a date format's `%b` reads.
pub const ENGLISH_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The Buddhist-era year of a Christian-era year.
pub fn buddhist_year(ce: i32) -> i32 {
    ce + 543
}

/// The Buddhist-era year a two-digit year (`67` in `01/10/67`, `1 ต.ค. 67`) stands for: 00–79
/// are 2500–2579 (1957–2036 CE), 80–99 are 2480–2499 (1937–1956 CE). Fixed, as chrono's own
/// pivot for `%y` is, so that a file reads the same in every year.
pub fn buddhist_short_year(yy: u32) -> i32 {
    let yy = (yy % 100) as i32;
    if yy < 80 { 2500 + yy } else { 2400 + yy }
}

/// The runs of ASCII digits in `s`, as byte ranges (`01/10/67`: 0..2, 3..5, 6..8).
pub fn digit_runs(s: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let bytes = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_digit() {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        (i > start).then_some(start..i)
    })
}

/// Which run of digits (see [`digit_runs`]) holds the year in a text written in a date
/// `format` whose year has two digits (`%y`, and no `%Y`): `%d/%m/%y` the third (2),
/// `%d %b %y` the second (1).
pub fn short_year_run(format: &str) -> Option<usize> {
    if format.contains("%Y") {
        return None;
    }
    let mut numbers = 0;
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        // Flags and widths (`%-d`, `%.3f`) come before the specifier's letter.
        let letter = chars.by_ref().find(|c| !matches!(c, '-' | '_' | '0'..='9' | '^' | '#' | '.' | ':'))?;
        match letter {
            'y' => return Some(numbers),
            'd' | 'e' | 'm' | 'H' | 'I' | 'k' | 'l' | 'M' | 'S' | 'j' | 'f' | 'u' | 'w' | 'U' | 'W' | 'V' | 'C' | 'g' | 'G' => numbers += 1,
            _ => {}
        }
    }
    None
}

/// Whether a column's name says it holds codes or identifiers (postal, sub-district, agency
/// codes, case numbers): digits with no arithmetic meaning, never summed nor grouped as 10,100.
pub fn names_a_code(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let word = |w: &str| words.contains(&w);
    word("id") || word("no") || word("code") || word("zip") || word("postal") || word("postcode") || word("isbn") || word("tin")
        || lower.ends_with("_id") || lower.ends_with("code") || lower.ends_with("_no") || lower.contains("postal") || lower.contains("zipcode")
        // camelCase: districtId, caseNo, agencyCode.
        || name.ends_with("Id") || name.ends_with("ID") || name.ends_with("No") || name.ends_with("Code")
        || ["รหัส", "เลขที่", "หมายเลข", "ไปรษณีย์", "เลขประจำ"].iter().any(|w| name.contains(w))
}

/// Whether a column's name says it holds a quantity (an amount, a count, a price): its values
/// are numbers however they are ordered (`งบประมาณ (บาท)`, `population`, `มูลค่า`).
pub fn names_a_measure(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["amount", "budget", "total", "value", "price", "cost", "population", "count", "income", "revenue", "expense", "spend", "baht", "thb", "sum"]
        .iter()
        .any(|w| lower.contains(w))
        || ["งบ", "บาท", "จำนวน", "ราคา", "มูลค่า", "ยอด", "ประชากร", "รายได้", "รายจ่าย", "ค่าใช้จ่าย", "เงิน", "รวม"].iter().any(|w| name.contains(w))
}

/// Whether a column's name says it holds years (`year`, `fiscal_year`, `ปีงบประมาณ`, `พ.ศ.`).
pub fn names_a_year(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("year") || lower.starts_with("yr") || lower == "be" || lower == "ce" || lower == "fy" || name.contains("ปี") || name.contains("พ.ศ")
}

/// A column's label with its runs of whitespace made one space and none around it: a header
/// cell typed with a line break (Alt+Enter, `งบประมาณ\n(บาท)`) names the column
/// `งบประมาณ (บาท)`, as the sheet shows it.
pub fn label_name(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a column's name says it holds dates (`date`, `signed_date`, `วันที่`, `created_at`).
pub fn names_a_date(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("date") || name.contains("วันที่") || lower.ends_with("_at") || lower.ends_with("_on")
}

/// What a field written in the Buddhist era becomes in the downloads, for its description in
/// the data dictionary and `datapackage.json`: the published files write CE years.
pub fn calendar_note(field: &crate::load::schema::Field) -> Option<crate::lang::Text> {
    use crate::load::schema::{Calendar, FieldType};
    if field.calendar != Some(Calendar::Buddhist) {
        return None;
    }
    let what = match field.field_type {
        FieldType::Year => ("ปี", "years"),
        FieldType::Datetime => ("วันเวลา", "date-times"),
        _ => ("วันที่", "dates"),
    };
    Some(crate::lang::Text::new(
        format!("ไฟล์ต้นฉบับเขียน{}เป็นพุทธศักราช (พ.ศ.) ไฟล์ดาวน์โหลด (CSV, JSON, Parquet) เขียนเป็นคริสต์ศักราช (ค.ศ. = พ.ศ. − 543) หน้าเว็บภาษาไทยแสดงเป็น พ.ศ.", what.0),
        format!("The source writes these {} in the Buddhist era (B.E.); the downloads (CSV, JSON, Parquet) write them in the Common Era (CE = B.E. − 543); Thai pages show B.E.", what.1),
    ))
}

/// The era shown after the title of a year column written in the Buddhist era, where the title
/// does not say it already: Thai pages show B.E. years, English pages CE years.
pub fn era_suffix(field: &crate::load::schema::Field, lang: Lang) -> &'static str {
    use crate::load::schema::{Calendar, FieldType};
    if field.field_type != FieldType::Year || field.calendar != Some(Calendar::Buddhist) {
        return "";
    }
    let title = field.title.get(lang);
    match lang {
        Lang::Th if !title.contains("พ.ศ") => " (พ.ศ.)",
        Lang::En if !title.contains("CE") && !title.contains("C.E.") && !title.contains("B.E.") => " (CE)",
        _ => "",
    }
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

/// `x` rounded to `decimals` places, halves away from zero as people round by hand: 44.915
/// is stored as 44.91499…, and a nudge far below the last shown place keeps it at 44.92.
pub fn round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let scaled = x * scale;
    (scaled + scaled.signum() * 1e-7).round() / scale
}

/// A number with thousands separators and exactly `decimals` decimals (`1,234.50`).
pub fn fixed(n: f64, decimals: usize) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    let text = format!("{:.*}", decimals, round(n, i32::try_from(decimals).unwrap_or(0)).abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let zero = text.chars().all(|c| c == '0' || c == '.');
    let sign = if n < 0.0 && !zero { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{}", group_digits(whole)) } else { format!("{sign}{}.{frac}", group_digits(whole)) }
}

/// A file's size as people read it: `850 bytes`-like small sizes in whole bytes, then KB and MB
/// (of 1,024) with one decimal: `12.3 KB`, `4.1 MB`. The unit word for bytes comes from the
/// caller (it is a word, in the page's language).
pub fn file_size(bytes: usize, bytes_word: &str) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{} {bytes_word}", integer(bytes as i64))
    } else if b < KB * KB {
        format!("{} KB", fixed(b / KB, 1))
    } else if b < KB * KB * KB {
        format!("{} MB", fixed(b / (KB * KB), 1))
    } else {
        format!("{} GB", fixed(b / (KB * KB * KB), 1))
    }
}

/// Baht as millions with two decimals, for table cells whose header names the unit (`1,234.57`).
pub fn millions(baht: f64) -> String {
    fixed(baht / 1e6, 2)
}

/// A change in millions of baht with its sign (`+12.30`, `-4.00`).
pub fn signed_millions(baht: f64) -> String {
    let text = millions(baht);
    if baht > 0.0 && text != "0.00" { format!("+{text}") } else { text }
}

/// Baht in millions with the unit: `1,234.57 ล้านบาท` or `THB 1,234.57 million`.
pub fn money(baht: f64, lang: Lang) -> String {
    match lang {
        Lang::Th => format!("{} ล้านบาท", millions(baht)),
        Lang::En => format!("THB {} million", millions(baht)),
    }
}

/// A percentage with two decimals (`44.92%`).
pub fn percent(p: f64) -> String {
    format!("{}%", fixed(p, 2))
}

/// A change in percent with its sign (`+3.10%`).
pub fn signed_percent(p: f64) -> String {
    let text = percent(p);
    if p > 0.0 && text != "0.00%" { format!("+{text}") } else { text }
}

/// A Thai fiscal year (given in the Buddhist era) as readers of `lang` name it: Thai
/// `ปีงบประมาณ 2567`; English `FY2024 (B.E. 2567)`, named, as usual, after the year it ends in.
pub fn fiscal_year(be: i64, lang: Lang) -> String {
    match lang {
        Lang::Th => format!("ปีงบประมาณ {be}"),
        Lang::En => format!("FY{} (B.E. {be})", be - 543),
    }
}

/// The years a dataset covers as written in its metadata (`2565-2568`, GD-Catalog's Buddhist
/// era), as readers of `lang` write them: Thai `พ.ศ. 2565–2568`, English `2022–2025 (B.E.
/// 2565–2568)`. A text that is not one year or a range of Buddhist-era years is shown as written.
pub fn years_covered(text: &str, lang: Lang) -> String {
    let t = text.trim();
    let parts: Vec<&str> = t.split(['-', '–']).map(str::trim).collect();
    let years: Option<Vec<i64>> = parts.iter().map(|p| p.parse::<i64>().ok().filter(|_| p.len() == 4)).collect();
    let Some(years) = years.filter(|y| (1..=2).contains(&y.len()) && y.iter().all(|y| super::coverage::is_buddhist_year(*y))) else {
        return t.to_string();
    };
    let be = years.iter().map(i64::to_string).collect::<Vec<_>>().join("–");
    match lang {
        Lang::Th => format!("พ.ศ. {be}"),
        Lang::En => format!("{} (B.E. {be})", years.iter().map(|y| (y - 543).to_string()).collect::<Vec<_>>().join("–")),
    }
}

/// The dates a Thai fiscal year runs: 1 October of the year before to 30 September.
pub fn fiscal_year_span(be: i64, lang: Lang) -> String {
    let ce = i32::try_from(be - 543).unwrap_or(0);
    let (Some(start), Some(end)) = (chrono::NaiveDate::from_ymd_opt(ce - 1, 10, 1), chrono::NaiveDate::from_ymd_opt(ce, 9, 30)) else {
        return String::new();
    };
    format!("{} – {}", date(start, lang), date(end, lang))
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
    fn two_digit_years_are_found_in_their_run_and_read_in_the_buddhist_era() {
        assert_eq!(short_year_run("%d/%m/%y"), Some(2));
        assert_eq!(short_year_run("%d %b %y"), Some(1));
        assert_eq!(short_year_run("%y-%m-%d %H:%M"), Some(0));
        assert_eq!(short_year_run("%-d/%-m/%y"), Some(2));
        assert_eq!(short_year_run("%d/%m/%Y"), None);
        assert_eq!(digit_runs("1 Oct 67 08:30").collect::<Vec<_>>(), [0..1, 6..8, 9..11, 12..14]);
        assert_eq!(digit_runs("").count(), 0);
        // 00-79 are 2500-2579, 80-99 2480-2499: 67 is 2567 (2024), 99 is 2499 (1956).
        assert_eq!([buddhist_short_year(67), buddhist_short_year(0), buddhist_short_year(79), buddhist_short_year(80), buddhist_short_year(99)], [2567, 2500, 2579, 2480, 2499]);
    }

    #[test]
    fn years_covered_are_written_per_language_and_other_texts_as_they_are() {
        assert_eq!(years_covered("2565-2568", Lang::Th), "พ.ศ. 2565–2568");
        assert_eq!(years_covered("2565-2568", Lang::En), "2022–2025 (B.E. 2565–2568)");
        assert_eq!(years_covered(" 2567 ", Lang::En), "2024 (B.E. 2567)");
        assert_eq!(years_covered("2020-2024", Lang::En), "2020-2024");
        assert_eq!(years_covered("ตั้งแต่ 2560", Lang::Th), "ตั้งแต่ 2560");
    }

    #[test]
    fn file_sizes_read_as_bytes_kb_and_mb() {
        assert_eq!(file_size(850, "bytes"), "850 bytes");
        assert_eq!(file_size(12_600, "ไบต์"), "12.3 KB");
        assert_eq!(file_size(4_300_000, "bytes"), "4.1 MB");
        assert_eq!(file_size(1_500_000_000, "bytes"), "1.4 GB");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(integer(21_905_000), "21,905,000");
        assert_eq!(integer(-1234), "-1,234");
        assert_eq!(integer(999), "999");
        assert_eq!(number(1234.5, 2), "1,234.5");
        assert_eq!(number(-0.25, 2), "-0.25");
    }

    #[test]
    fn money_and_fiscal_years_are_written_per_language() {
        assert_eq!(money(1_234_567_890.0, Lang::Th), "1,234.57 ล้านบาท");
        assert_eq!(money(1_234_567_890.0, Lang::En), "THB 1,234.57 million");
        assert_eq!(signed_millions(-4_000_000.0), "-4.00");
        assert_eq!(signed_millions(12_300_000.0), "+12.30");
        assert_eq!(percent(44.915), "44.92%");
        assert_eq!(signed_percent(-0.001), "0.00%");
        assert_eq!(fiscal_year(2567, Lang::Th), "ปีงบประมาณ 2567");
        assert_eq!(fiscal_year(2567, Lang::En), "FY2024 (B.E. 2567)");
        assert_eq!(fiscal_year_span(2567, Lang::Th), "1 ต.ค. 2566 – 30 ก.ย. 2567");
        assert_eq!(fiscal_year_span(2567, Lang::En), "1 Oct 2023 – 30 Sep 2024");
    }

    #[test]
    fn thai_dates_use_the_buddhist_era() {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
        assert_eq!(date(d, Lang::Th), "1 ต.ค. 2567");
        assert_eq!(date(d, Lang::En), "1 Oct 2024");
    }
}
