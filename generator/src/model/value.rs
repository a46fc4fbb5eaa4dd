//! Typed cells as JSON values and as canonical CSV text: numbers stay numbers, dates become ISO
//! strings. One place decides, so the CSV, the JSON and the previews always agree.

use polars::prelude::AnyValue;

const UNIX_EPOCH_DAYS_CE: i32 = 719_163;

/// A cell as a JSON value (null for a missing value).
pub fn to_json(value: &AnyValue) -> serde_json::Value {
    use serde_json::Value;
    match value {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(*b),
        AnyValue::Int64(i) => Value::from(*i),
        AnyValue::Int32(i) => Value::from(*i),
        AnyValue::UInt32(i) => Value::from(*i),
        AnyValue::UInt64(i) => Value::from(*i),
        AnyValue::Float64(f) => float_json(*f),
        AnyValue::Float32(f) => float_json(f64::from(*f)),
        other => match to_text(other) {
            Some(s) => Value::String(s),
            None => Value::Null,
        },
    }
}

fn float_json(f: f64) -> serde_json::Value {
    // Whole amounts (most money columns) print without a trailing ".0".
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        serde_json::Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// A cell as canonical text (None for a missing value): ISO dates, `.` decimals, no grouping.
pub fn to_text(value: &AnyValue) -> Option<String> {
    Some(match value {
        AnyValue::Null => return None,
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Int64(i) => i.to_string(),
        AnyValue::Int32(i) => i.to_string(),
        AnyValue::UInt32(i) => i.to_string(),
        AnyValue::UInt64(i) => i.to_string(),
        AnyValue::Float64(f) => float_text(*f),
        AnyValue::Float32(f) => float_text(f64::from(*f)),
        AnyValue::Date(days) => date(*days)?.format("%Y-%m-%d").to_string(),
        AnyValue::Datetime(v, unit, zone) => {
            let micros = match unit {
                polars::prelude::TimeUnit::Nanoseconds => v / 1000,
                polars::prelude::TimeUnit::Microseconds => *v,
                polars::prelude::TimeUnit::Milliseconds => v * 1000,
            };
            // Fractional seconds only where there are some. A column whose source gave offsets
            // holds UTC instants and the offset to show them in (`column_zone` in validation):
            // written as its source wrote it (`+07:00`), or with `Z` for UTC.
            let at = chrono::DateTime::from_timestamp_micros(micros)?;
            match zone.as_ref().map(|z| fixed_offset(z.as_str())) {
                None => at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
                Some(None) => at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
                Some(Some(offset)) => at.with_timezone(&offset).format("%Y-%m-%dT%H:%M:%S%.f%:z").to_string(),
            }
        }
        other => other.to_string(),
    })
}

/// A time zone's name as the offset it stands for, when it is one other than UTC (`+07:00`,
/// the names `column_zone` in validation gives a column); None for UTC or any other name.
pub fn fixed_offset(zone: &str) -> Option<chrono::FixedOffset> {
    let b = zone.as_bytes();
    if b.len() != 6 || b[3] != b':' || !b.iter().enumerate().all(|(i, c)| matches!(i, 0 | 3) || c.is_ascii_digit()) {
        return None;
    }
    let hours = i32::from(b[1] - b'0') * 10 + i32::from(b[2] - b'0');
    let minutes = i32::from(b[4] - b'0') * 10 + i32::from(b[5] - b'0');
    let seconds = (hours * 3600 + minutes * 60) * match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    (seconds != 0).then(|| chrono::FixedOffset::east_opt(seconds)).flatten()
}

/// The name of the time zone a column whose values were written with `seconds` east of UTC is
/// kept in: `UTC`, or the offset as ISO 8601 writes it (`+07:00`), which [`fixed_offset`] reads.
pub fn offset_zone_name(seconds: i32) -> String {
    if seconds == 0 {
        return "UTC".to_string();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.0e15 { format!("{}", f as i64) } else { format!("{f}") }
}

/// A Polars date (days since 1970-01-01) as a calendar date.
pub fn date(days: i32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_num_days_from_ce_opt(days.checked_add(UNIX_EPOCH_DAYS_CE)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stay_numbers_and_dates_become_iso() {
        assert_eq!(to_json(&AnyValue::Float64(21_905_000.0)), serde_json::json!(21905000));
        assert_eq!(to_json(&AnyValue::Float64(0.25)), serde_json::json!(0.25));
        assert_eq!(to_json(&AnyValue::Date(19_997)), serde_json::json!("2024-10-01"));
        assert_eq!(to_text(&AnyValue::Float64(1.5)).as_deref(), Some("1.5"));
        assert_eq!(to_json(&AnyValue::Null), serde_json::Value::Null);
        let at = |micros, zone: Option<&polars::prelude::TimeZone>| to_text(&AnyValue::Datetime(micros, polars::prelude::TimeUnit::Microseconds, zone));
        assert_eq!(at(1_704_067_200_500_000, None).as_deref(), Some("2024-01-01T00:00:00.500"));
        let utc = polars::prelude::TimeZone::UTC;
        assert_eq!(at(1_704_067_200_000_000, Some(&utc)).as_deref(), Some("2024-01-01T00:00:00Z"));
        // see: zoned datetimes shown in UTC on pages; a column written in Thai time stays so.
        let thai = polars::prelude::TimeZone::opt_try_new(Some(offset_zone_name(7 * 3600))).unwrap().unwrap();
        assert_eq!(at(1_709_310_600_000_000, Some(&thai)).as_deref(), Some("2024-03-01T23:30:00+07:00"));
        let west = polars::prelude::TimeZone::opt_try_new(Some(offset_zone_name(-(3 * 3600 + 1800)))).unwrap().unwrap();
        assert_eq!(at(1_709_310_600_000_000, Some(&west)).as_deref(), Some("2024-03-01T13:00:00-03:30"));
        assert_eq!(offset_zone_name(0), "UTC");
        assert_eq!(fixed_offset("UTC"), None);
    }
}
