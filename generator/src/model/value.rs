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
            // Fractional seconds only where there are some; `Z` where the source gave offsets
            // (the column holds UTC then).
            let format = if zone.is_some() { "%Y-%m-%dT%H:%M:%S%.fZ" } else { "%Y-%m-%dT%H:%M:%S%.f" };
            chrono::DateTime::from_timestamp_micros(micros)?.naive_utc().format(format).to_string()
        }
        other => other.to_string(),
    })
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
        let at = |micros, zone| to_text(&AnyValue::Datetime(micros, polars::prelude::TimeUnit::Microseconds, zone));
        assert_eq!(at(1_704_067_200_500_000, None).as_deref(), Some("2024-01-01T00:00:00.500"));
        assert_eq!(at(1_704_067_200_000_000, Some(&polars::prelude::TimeZone::UTC)).as_deref(), Some("2024-01-01T00:00:00Z"));
    }
}
