//! Targets for the maturity index and stage completion (e.g. index 60 % by fiscal year 2570),
//! read from datasets with the `targets` role, and the progress toward each: the latest value,
//! the gap, and whether a straight line fitted to the assessments so far (ordinary least
//! squares over fiscal years) reaches the target by its year. The projection is a plain linear
//! one and is stated as such wherever it is shown.

use crate::lang::Text;
use crate::load::role::RoleMeta;
use crate::model::maturity::{Maturity, Score, Unit};
use polars::prelude::*;

/// One declared target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The ministry or agency code; None for the portal.
    pub scope: Option<String>,
    /// The indicator (see [`crate::load::role::INDICATORS`]).
    pub indicator: String,
    /// The value to reach, in percent.
    pub target: f64,
    /// The fiscal year (B.E.) to reach it by.
    pub due_year: i64,
    /// What the target is for.
    pub note: Text,
}

/// Where a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The due year's assessment (or an earlier one) is past and the latest value is short of it.
    Missed,
    /// The projection falls short of the target at its year.
    OffCourse,
    /// Fewer than two dated assessments: no trend to project.
    NoTrend,
    /// No assessment has a value for the target's unit.
    NoData,
    /// The projection reaches the target by its year.
    OnCourse,
    /// The latest value already meets the target.
    Met,
}

impl Status {
    /// The name used in the API and the i18n key suffix.
    pub fn name(self) -> &'static str {
        match self {
            Status::Missed => "missed",
            Status::OffCourse => "off-course",
            Status::NoTrend => "no-trend",
            Status::NoData => "no-data",
            Status::OnCourse => "on-course",
            Status::Met => "met",
        }
    }
}

/// A target with its progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// The target.
    pub target: Target,
    /// The latest dated assessment's year and value.
    pub latest: Option<(i64, f64)>,
    /// Target minus latest value, in percentage points (positive: still to go).
    pub gap: Option<f64>,
    /// The fitted line's change per year, in percentage points.
    pub slope: Option<f64>,
    /// The line's value at the due year, held within 0–100 %.
    pub projected: Option<f64>,
    /// The verdict.
    pub status: Status,
}

/// The value of `indicator` in a score.
pub fn value(score: &Score, indicator: &str) -> Option<f64> {
    match indicator {
        "maturity_index" => Some(score.index()),
        "stage1" => Some(score.stages[0]),
        "stage2" => Some(score.stages[1]),
        "stage3" => Some(score.stages[2]),
        "stage4" => Some(score.stages[3]),
        _ => None,
    }
}

/// The least-squares line through `points` (x, y): (slope, intercept); None under two distinct x.
pub fn linear_fit(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    Some((slope, my - slope * mx))
}

/// The progress of a target given its unit's dated values (fiscal year, percent), oldest first.
pub fn progress(target: Target, points: &[(i64, f64)]) -> Progress {
    let latest = points.last().copied();
    let fit = linear_fit(&points.iter().map(|(y, v)| (*y as f64, *v)).collect::<Vec<_>>());
    let slope = fit.map(|(s, _)| s);
    let projected = fit.map(|(s, i)| (s * target.due_year as f64 + i).clamp(0.0, 100.0));
    let gap = latest.map(|(_, v)| target.target - v);
    let status = match (latest, projected) {
        (None, _) => Status::NoData,
        (Some((_, v)), _) if v >= target.target => Status::Met,
        (Some((y, _)), _) if y >= target.due_year => Status::Missed,
        (_, None) => Status::NoTrend,
        (_, Some(p)) if p >= target.target => Status::OnCourse,
        _ => Status::OffCourse,
    };
    Progress { target, latest, gap, slope, projected, status }
}

/// The unit a target is about: the portal, or the ministry or agency `scope` names.
pub fn unit_of<'a>(scope: Option<&'a str>, is_ministry: impl Fn(&str) -> bool) -> Unit<'a> {
    match scope {
        None => Unit::Portal,
        Some(c) if is_ministry(c) => Unit::Ministry(c),
        Some(c) => Unit::Agency(c),
    }
}

/// Every target's progress, in the order: portal first, then by scope, indicator and year.
pub fn build(mut targets: Vec<Target>, maturity: &Maturity, is_ministry: impl Fn(&str) -> bool) -> Vec<Progress> {
    targets.sort_by(|a, b| {
        (a.scope.is_some(), &a.scope, &a.indicator, a.due_year).cmp(&(b.scope.is_some(), &b.scope, &b.indicator, b.due_year))
    });
    targets
        .into_iter()
        .map(|t| {
            let unit = unit_of(t.scope.as_deref(), &is_ministry);
            let points: Vec<(i64, f64)> =
                maturity.trend(unit).into_iter().filter_map(|(y, s)| Some((y?, value(&s, &t.indicator)?))).collect();
            progress(t, &points)
        })
        .collect()
}

/// The targets of one dataset with the targets role.
pub fn read(frame: &DataFrame, role: &RoleMeta) -> PolarsResult<Vec<Target>> {
    let text = |meaning: &str| -> PolarsResult<Option<StringChunked>> {
        match role.column(meaning) {
            Some(c) => Ok(Some(frame.column(c)?.cast(&DataType::String)?.str()?.clone())),
            None => Ok(None),
        }
    };
    let number = |meaning: &str, t: DataType| -> PolarsResult<Option<Column>> {
        match role.column(meaning) {
            Some(c) => Ok(Some(frame.column(c)?.cast(&t)?)),
            None => Ok(None),
        }
    };
    let (Some(indicator), Some(target), Some(due)) =
        (text("indicator")?, number("target", DataType::Float64)?, number("due_year", DataType::Int64)?)
    else {
        return Ok(Vec::new());
    };
    let (target, due) = (target.f64()?.clone(), due.i64()?.clone());
    let (scope, note, note_en) = (text("agency")?, text("note")?, text("note_en")?);
    let get = |c: &Option<StringChunked>, i: usize| c.as_ref().and_then(|c| c.get(i)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    Ok((0..frame.height())
        .filter_map(|i| {
            let note_th = get(&note, i).unwrap_or_default();
            Some(Target {
                scope: get(&scope, i),
                indicator: indicator.get(i)?.trim().to_string(),
                target: target.get(i)?,
                due_year: due.get(i)?,
                note: Text::new(note_th.clone(), get(&note_en, i).unwrap_or(note_th)),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(value: f64, due: i64) -> Target {
        Target { scope: None, indicator: "maturity_index".into(), target: value, due_year: due, note: Text::default() }
    }

    #[test]
    fn a_straight_line_through_the_assessments_decides_the_verdict() {
        // 40, 45, 50: five points a year; at 2570 the line gives 60.
        let points = [(2566, 40.0), (2567, 45.0), (2568, 50.0)];
        let p = progress(target(60.0, 2570), &points);
        assert_eq!((p.slope, p.projected, p.gap, p.status), (Some(5.0), Some(60.0), Some(10.0), Status::OnCourse));
        let p = progress(target(60.01, 2570), &points);
        assert_eq!(p.status, Status::OffCourse, "just short of the line");
        assert_eq!(progress(target(50.0, 2570), &points).status, Status::Met);
        assert_eq!(progress(target(55.0, 2568), &points).status, Status::Missed);
        assert_eq!(progress(target(55.0, 2570), &points[..1]).status, Status::NoTrend);
        assert_eq!(progress(target(55.0, 2570), &[]).status, Status::NoData);
    }
}
