//! The build's "today": the date freshness (overdue datasets) and project states (late, at
//! risk) are judged against. In order: `as_of` in `site.toml` (a portal whose data is frozen at
//! one date, like the demo); `SOURCE_DATE_EPOCH` — the variable reproducible builds use, so
//! that a rebuild of the same input on another day gives the same bytes; the system clock. It
//! is a UTC calendar date.

use crate::error::{Error, Result};
use chrono::NaiveDate;

/// The environment variable that fixes the build's date (seconds since 1970-01-01 UTC).
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// The build's date: `as_of` from `site.toml` if set, else `SOURCE_DATE_EPOCH` if set, else
/// today's UTC date.
pub fn today(as_of: Option<&toml::value::Datetime>) -> Result<NaiveDate> {
    if let Some(d) = as_of {
        return crate::model::format::toml_date(d).ok_or_else(|| crate::error::config_error(format!("as_of = {d} ต้องเป็นวันที่ เช่น 2025-11-15"), format!("as_of = {d} must be a date, e.g. 2025-11-15")));
    }
    match std::env::var(SOURCE_DATE_EPOCH) {
        Ok(value) => from_epoch(&value),
        Err(_) => Ok(chrono::Utc::now().date_naive()),
    }
}

/// The UTC date of `value`, a count of seconds since 1970-01-01 as `SOURCE_DATE_EPOCH` holds it.
pub fn from_epoch(value: &str) -> Result<NaiveDate> {
    let bad = || Error::Usage {
        message: format!(
            "{SOURCE_DATE_EPOCH}=\"{value}\" ไม่ใช่จำนวนวินาทีนับจาก 1970-01-01 เช่น 1767225600 (1 ม.ค. 2569) / {SOURCE_DATE_EPOCH}=\"{value}\" is not a number of seconds since 1970-01-01, e.g. 1767225600 (2026-01-01); set it so, or unset it to use today's date"
        ),
    };
    let seconds: i64 = value.trim().parse().map_err(|_| bad())?;
    chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.date_naive()).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_date_epoch_is_read_as_a_utc_date() {
        assert_eq!(from_epoch("1767225600").unwrap(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(from_epoch("1767225599").unwrap(), NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
        let e = from_epoch("2026-01-01").unwrap_err().to_string();
        assert!(e.contains("SOURCE_DATE_EPOCH=\"2026-01-01\"") && e.contains("seconds since 1970-01-01"), "{e}");
    }
}
