//! The time a dataset covers: the Thai fiscal years of its statistics or of its data. Used by
//! the metadata quality score (the model) and by every catalog (render).

use super::Dataset;

/// The years a dataset covers, in the Christian era, from `statistics.years` (`2565-2568` or
/// `2565`; Buddhist-era years, as GD-Catalog writes them, are converted).
fn years_covered(d: &Dataset) -> Option<(i32, i32)> {
    let years = d.meta.statistics.as_ref()?.years.trim().to_string();
    let mut parts = years.split(['-', '–', '/']).map(str::trim);
    let start: i32 = parts.next()?.parse().ok()?;
    let end: i32 = match parts.next() {
        Some(e) => e.parse().ok()?,
        None => start,
    };
    // A year beyond 2400 can only be Buddhist-era (พ.ศ. = ค.ศ. + 543).
    let ce = |y: i32| if y > 2400 { y - 543 } else { y };
    Some((ce(start), ce(end))).filter(|(s, e)| s <= e)
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
