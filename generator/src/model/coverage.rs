//! The time a dataset covers: the Thai fiscal years of its statistics or of its data. Used by
//! the metadata quality score (the model) and by every catalog (render).

use super::Dataset;

/// The Buddhist-era years a Thai file holds (พ.ศ. 2400–2700, C.E. 1857–2157): a year in this
/// range is Buddhist-era, one below it (or a date before it) is not.
pub const BUDDHIST_YEARS: std::ops::RangeInclusive<i64> = 2400..=2700;

/// Whether `year` is a plausible Buddhist-era year ([`BUDDHIST_YEARS`]).
pub fn is_buddhist_year(year: i64) -> bool {
    BUDDHIST_YEARS.contains(&year)
}

/// A fiscal year as the Buddhist-era year it is, written in either era: 2400–2700 is
/// Buddhist-era already (as GD-Catalog and Thai agencies write it), 1857–2157 is the same
/// span in the Christian era (พ.ศ. = ค.ศ. + 543); None for anything else (a typo, a sentinel
/// such as 9999). Every reading of a year (facets, catalogs, the quality score) goes through
/// here, so that `2024` means one year everywhere.
pub fn as_buddhist(year: i64) -> Option<i64> {
    if is_buddhist_year(year) { Some(year) } else { year.checked_add(543).filter(|y| is_buddhist_year(*y)) }
}

/// The first and last fiscal year (Buddhist era) of a `statistics.years` text (`2565-2568`,
/// `2565`, or Christian-era years); None when it is not one or two plausible years in order.
pub fn statistics_years(text: &str) -> Option<(i64, i64)> {
    let mut parts = text.trim().split(['-', '–', '/']).map(|p| p.trim().parse::<i64>().ok().and_then(as_buddhist));
    let start = parts.next()??;
    let end = match parts.next() {
        Some(end) => end?,
        None => start,
    };
    (parts.next().is_none() && start <= end).then_some((start, end))
}

/// The years a dataset covers, in the Christian era, from `statistics.years`.
fn years_covered(d: &Dataset) -> Option<(i32, i32)> {
    let (start, end) = statistics_years(&d.meta.statistics.as_ref()?.years)?;
    let ce = |y: i64| i32::try_from(y - 543).ok();
    Some((ce(start)?, ce(end)?))
}

/// The first and last day a dataset covers (`YYYY-MM-DD`), from `statistics.years` or else
/// from the values of its `fiscal_year` columns. Both are Thai fiscal years, which run from
/// October to September: fiscal year B.E. Y (C.E. Y − 543) starts on 1 October of
/// C.E. Y − 544 and ends on 30 September of C.E. Y − 543.
pub fn period_covered(d: &Dataset) -> Option<(String, String)> {
    let from_data = || {
        let years = &d.fiscal_years;
        let ce = |y: &i64| i32::try_from(*y - 543).ok();
        Some((ce(years.first()?)?, ce(years.last()?)?))
    };
    let (start, end) = years_covered(d).or_else(from_data)?;
    Some((format!("{:04}-10-01", start - 1), format!("{end:04}-09-30")))
}
