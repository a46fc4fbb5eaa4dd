//! The encoders every output module writes with: XML text, pretty JSON, CSV fields, numbers.
//! call no other part of `render`, so that every output module can use them.

use serde_json::Value;
use std::io::Write;

/// Text escaped for XML content and attribute values.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A JSON document as pretty-printed UTF-8 with a final newline.
pub fn pretty(doc: &Value) -> Vec<u8> {
    // Serialising a `Value` cannot fail: its keys are strings.
    let mut bytes = serde_json::to_vec_pretty(doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Writes one CSV field, quoted when it must be.
pub fn csv_field(out: &mut Vec<u8>, text: &str) {
    // The four characters are ASCII, so looking for their bytes finds exactly them.
    if text.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) || text.starts_with(' ') || text.ends_with(' ') {
        out.push(b'"');
        out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// Appends the decimal digits of `i` (itoa: the integer writer serde_json uses, without the
/// formatting machinery of `write!`).
pub fn push_int(out: &mut Vec<u8>, i: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
}

/// Appends a float as `model::value::to_text` writes it: whole amounts without a fraction,
/// else Rust's shortest round-trip form.
pub fn push_float_text(out: &mut Vec<u8>, f: f64) {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        push_int(out, f as i64);
    } else {
        push_float_display(out, f);
    }
}

/// Appends `f` as Rust's `{}` writes it (the shortest digits that read back as `f`, never an
/// exponent). An amount of at most two decimals (most of a budget table's cells) is written
/// from its whole hundredths: below 10^13 a float's spacing is under 0.002, so no decimal of
/// fewer digits reads back as the same float, and these digits are the shortest. Any other
/// value goes to Rust's formatter.
pub fn push_float_display(out: &mut Vec<u8>, f: f64) {
    if f.abs() < 1.0e13 {
        let hundredths = (f * 100.0).round();
        // Division is correctly rounded: equal means `f` is the float nearest n/100.
        if hundredths / 100.0 == f {
            if f.is_sign_negative() {
                out.push(b'-');
            }
            let n = (hundredths as i64).unsigned_abs();
            push_int(out, n / 100);
            let cents = (n % 100) as u8;
            if cents != 0 {
                out.push(b'.');
                out.push(b'0' + cents / 10);
                if cents % 10 != 0 {
                    out.push(b'0' + cents % 10);
                }
            }
            return;
        }
    }
    let _ = write!(out, "{f}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Floats are written as Rust's `{}` writes them, for values of every magnitude and for
    /// random bit patterns.
    #[test]
    fn floats_are_written_as_display_writes_them() {
        let mut samples = vec![0.0, -0.0, 1.0, -1.5, 0.05, -0.05, -0.5, 9_999_999_999_999.99, 10_000_000_000_000.01, 0.1, 0.1 + 0.2, 1e-7, 1.5e-7, 123.456, 1e15, 9e15, 1e16, 1e21, 1e22, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..400_000u64 {
            // xorshift: random bits, and random amounts of two decimals.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            samples.push(f64::from_bits(x));
            samples.push((x % 10_000_000_000) as f64 / 100.0 * if i % 2 == 0 { 1.0 } else { -1.0 });
            // Amounts of up to two decimals on both sides of 10^13, and of three decimals.
            samples.push((x % 4_000_000_000_000_000) as f64 / 100.0 * if i % 2 == 0 { 1.0 } else { -1.0 });
            samples.push((x % 1_000_000_000) as f64 / 1000.0);
            samples.push((x % 1_000_000) as f64 * 10f64.powi((i % 40) as i32 - 20));
            // Values half-way between two shortest candidates, of 14 to 17 digits.
            samples.push((x % (1 << 53)) as f64 / f64::from(1u32 << (i % 12)));
        }
        for f in samples {
            let mut ours = Vec::new();
            push_float_display(&mut ours, f);
            assert_eq!(String::from_utf8(ours).unwrap(), format!("{f}"), "{:?}", f.to_bits());
        }
    }
}
