//! Open-government data quality of each dataset's metadata: a score from documented criteria
//! (what a reader needs to find, understand and reuse the data), and a freshness status from
//! the declared update frequency and the date the data last changed, judged against the build's
//! date ([`crate::clock`]). Published on dataset pages, in the API and, as DQV quality
//! measurements, in the DCAT-AP catalog.

use crate::diagnostic::{Code, Diagnostic, Location, Report};
use crate::lang::Text;
use crate::load::dataset::{DatasetMeta, Frequency};
use crate::load::schema::{FieldType, Schema};
use crate::model::format::toml_date;
use chrono::{Days, Months, NaiveDate};

/// A description shorter than this (in characters, in either language) does not meet the criterion.
pub const DESCRIPTION_CHARS: usize = 100;

/// The criteria of the metadata score, in the order they are shown and published.
pub const CRITERIA: [&str; 14] = [
    "description", "column_titles", "column_descriptions", "license", "contact", "frequency", "dates",
    "temporal", "spatial", "keys", "types", "keywords", "objective", "source",
];

/// What a dataset's metadata meets: one flag per [`CRITERIA`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quality {
    /// Which criteria are met, in [`CRITERIA`] order.
    pub met: [bool; 14],
}

impl Quality {
    /// The share of criteria met, in percent.
    pub fn score(&self) -> f64 {
        self.met.iter().filter(|m| **m).count() as f64 / CRITERIA.len() as f64 * 100.0
    }

    /// The keys of the criteria not met.
    pub fn missing(&self) -> Vec<&'static str> {
        CRITERIA.iter().zip(self.met).filter(|(_, m)| !m).map(|(k, _)| *k).collect()
    }
}

fn both(t: &Text) -> bool {
    !t.th.trim().is_empty() && !t.en.trim().is_empty()
}

/// Scores one dataset's metadata. `temporal`: whether its time coverage is known (from
/// `statistics.years` or a fiscal-year column, as the catalogs state it).
pub fn score(meta: &DatasetMeta, schemas: &[&Schema], temporal: bool) -> Quality {
    let fields = || schemas.iter().flat_map(|s| s.fields.iter());
    let long = |s: &str| s.trim().chars().count() >= DESCRIPTION_CHARS;
    let email = meta.contact.email.contains('@') && !meta.contact.email.contains(char::is_whitespace);
    let met = [
        long(&meta.description.th) && long(&meta.description.en),
        !schemas.is_empty() && fields().all(|f| both(&f.title)),
        !schemas.is_empty() && fields().all(|f| both(&f.description)),
        // The licence list `check` verifies ids against: known and open (the Open Definition's test).
        super::license::find(meta.license.trim()).is_some_and(|l| l.open),
        !meta.contact.name.is_empty() && email,
        meta.frequency.is_some(),
        meta.issued.is_some() && meta.modified.is_some(),
        temporal,
        !meta.geo_coverage.is_empty() || !meta.places.is_empty(),
        !schemas.is_empty() && schemas.iter().all(|s| s.primary_key.is_some()),
        !schemas.is_empty() && fields().all(|f| f.field_type != FieldType::Any),
        !meta.tags.th.is_empty() && !meta.tags.en.is_empty() && !meta.themes.is_empty(),
        both(&meta.objective),
        both(&meta.data_source),
    ];
    Quality { met }
}

/// Whether a dataset is updated as often as it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// Modified within its frequency's allowance.
    Current,
    /// Not modified within its frequency's allowance.
    Overdue,
    /// Updated when needed, or never (`irregular`, `static`): no date to miss.
    NotScheduled,
    /// No frequency or no `modified` date: freshness cannot be judged.
    Unknown,
}

impl State {
    /// The name used in the API and the i18n key suffix.
    pub fn name(self) -> &'static str {
        match self {
            State::Current => "current",
            State::Overdue => "overdue",
            State::NotScheduled => "not-scheduled",
            State::Unknown => "unknown",
        }
    }
}

/// A dataset's freshness on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// The state.
    pub state: State,
    /// When the next update is expected (`modified` + one period), for scheduled datasets.
    pub next_update: Option<NaiveDate>,
    /// The first day the dataset counts as overdue (`modified` + the allowance).
    pub overdue_from: Option<NaiveDate>,
}

/// The period of a frequency and its allowance: the period plus a quarter of it, rounded up to
/// a whole day (daily to monthly) or month (quarterly and longer). An annual dataset is overdue
/// 15 months after it was modified. None for frequencies with no schedule.
pub fn allowance(f: Frequency, modified: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let days = |n: u64| modified.checked_add_days(Days::new(n));
    let months = |n: u32| modified.checked_add_months(Months::new(n));
    match f {
        Frequency::Daily => Some((days(1)?, days(2)?)),
        Frequency::Weekly => Some((days(7)?, days(9)?)),
        Frequency::Monthly => Some((months(1)?, months(1)?.checked_add_days(Days::new(8))?)),
        Frequency::Quarterly => Some((months(3)?, months(4)?)),
        Frequency::Semiannual => Some((months(6)?, months(8)?)),
        Frequency::Annual => Some((months(12)?, months(15)?)),
        Frequency::Irregular | Frequency::Static => None,
    }
}

/// The freshness of a dataset with `meta` on `today`.
pub fn freshness(meta: &DatasetMeta, today: NaiveDate) -> Freshness {
    let unknown = Freshness { state: State::Unknown, next_update: None, overdue_from: None };
    let Some(f) = meta.frequency else { return unknown };
    if matches!(f, Frequency::Irregular | Frequency::Static) {
        return Freshness { state: State::NotScheduled, ..unknown };
    }
    let Some(modified) = meta.modified.as_ref().and_then(toml_date) else { return unknown };
    let Some((next, overdue_from)) = allowance(f, modified) else { return unknown };
    let state = if today >= overdue_from { State::Overdue } else { State::Current };
    Freshness { state, next_update: Some(next), overdue_from: Some(overdue_from) }
}

/// Warns, for `sala check` and `sala build`, about every dataset not updated as often as its
/// `frequency` says.
pub fn check_freshness(datasets: &[crate::load::DatasetSource], today: NaiveDate, report: &mut Report) {
    // On every core: a national portal's thousands of overdue datasets each get a warning.
    for found in crate::parallel::map(datasets, |d| overdue(d, today)).into_iter().flatten() {
        report.push(found);
    }
}

/// The warning for dataset `d` when it is overdue on `today`.
fn overdue(d: &crate::load::DatasetSource, today: NaiveDate) -> Option<Diagnostic> {
    let f = freshness(&d.meta, today);
    if f.state != State::Overdue {
        return None;
    }
    let (Some(modified), Some(from), Some(frequency)) = (d.meta.modified.as_ref().and_then(toml_date), f.overdue_from, d.meta.frequency) else {
        return None;
    };
    let freq = format!("{frequency:?}").to_lowercase();
    Some(
        Diagnostic::warning(
            Code::Overdue,
            Location::file(&d.meta_file),
            Text::new(
                format!("ชุดข้อมูล {} ปรับปรุงล่าสุดเมื่อ {modified} แต่ระบุความถี่ {freq} จึงเลยกำหนดปรับปรุงตั้งแต่ {from} (ณ วันที่ {today})", d.id),
                format!("the dataset {} was last modified on {modified} but declares frequency {freq}, so it is overdue since {from} (as of {today})", d.id),
            ),
            Text::new(
                "ปรับปรุงข้อมูลแล้วแก้ modified ใน dataset.toml เป็นวันที่ปรับปรุง หรือแก้ frequency ให้ตรงกับที่ปรับปรุงจริง",
                "publish the update and set modified in dataset.toml to its date, or change frequency to how often the data is really updated",
            ),
        )
        .with_value(modified.to_string())
        .with_rule(format!("frequency = \"{freq}\": overdue from modified + allowance")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_annual_dataset_is_overdue_fifteen_months_after_its_update() {
        let (next, from) = allowance(Frequency::Annual, date(2025, 1, 15)).unwrap();
        assert_eq!((next, from), (date(2026, 1, 15), date(2026, 4, 15)));
        assert_eq!(allowance(Frequency::Monthly, date(2025, 1, 31)).unwrap(), (date(2025, 2, 28), date(2025, 3, 8)));
        assert_eq!(allowance(Frequency::Weekly, date(2025, 1, 1)).unwrap().1, date(2025, 1, 10));
        assert_eq!(allowance(Frequency::Irregular, date(2025, 1, 1)), None);
    }
}
