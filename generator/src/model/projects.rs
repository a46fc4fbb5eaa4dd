//! E-government projects and their deliverables, read from datasets with the `projects` role,
//! as the U.S. Digital Government Strategy's progress report shows them: each deliverable with
//! its due date and percent complete, and its state on the build's date — done, late (past
//! due and not done), at risk, on track — rolled up per agency, ministry and the portal.

use crate::lang::Text;
use crate::load::role::RoleMeta;
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// A deliverable due within this many days of the build's date is at risk when it is under
/// [`AT_RISK_PERCENT`] complete.
pub const AT_RISK_DAYS: i64 = 90;
/// See [`AT_RISK_DAYS`].
pub const AT_RISK_PERCENT: f64 = 75.0;

/// A deliverable's state, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// Past its due date and not done.
    Late,
    /// Reported at risk, or due within [`AT_RISK_DAYS`] days and under [`AT_RISK_PERCENT`] % complete.
    AtRisk,
    /// Neither late nor at risk nor done.
    OnTrack,
    /// 100 % complete, or reported done.
    Done,
}

impl State {
    /// Every state, most urgent first.
    pub const ALL: [State; 4] = [State::Late, State::AtRisk, State::OnTrack, State::Done];

    /// The name used in the API and the i18n key suffix.
    pub fn name(self) -> &'static str {
        match self {
            State::Late => "late",
            State::AtRisk => "at-risk",
            State::OnTrack => "on-track",
            State::Done => "done",
        }
    }
}

/// A reported status that marks a deliverable done (case and `_`/`-`/space ignored).
const DONE: &[&str] = &["done", "complete", "completed", "เสร็จสิ้น", "แล้วเสร็จ"];
/// A reported status that marks a deliverable at risk.
const AT_RISK: &[&str] = &["atrisk", "มีความเสี่ยง", "เสี่ยง"];

fn normal(status: &str) -> String {
    status.trim().to_lowercase().chars().filter(|c| !matches!(c, '_' | '-' | ' ')).collect()
}

/// The state of a deliverable due on `due`, `percent` complete, with the reported `status`, on `today`.
pub fn classify(due: NaiveDate, percent: f64, status: &str, today: NaiveDate) -> State {
    let status = normal(status);
    if percent >= 100.0 || DONE.contains(&status.as_str()) {
        return State::Done;
    }
    if due < today {
        return State::Late;
    }
    if AT_RISK.contains(&status.as_str()) || ((due - today).num_days() <= AT_RISK_DAYS && percent < AT_RISK_PERCENT) {
        return State::AtRisk;
    }
    State::OnTrack
}

/// One deliverable.
#[derive(Debug, Clone, PartialEq)]
pub struct Deliverable {
    /// The responsible agency's code.
    pub agency: String,
    /// The project.
    pub project: Text,
    /// The deliverable.
    pub deliverable: Text,
    /// When it is due.
    pub due: NaiveDate,
    /// Percent complete.
    pub percent: f64,
    /// When the percent was reported.
    pub reported: Option<NaiveDate>,
    /// The status as reported (may be empty).
    pub status: String,
    /// Its state on the build's date.
    pub state: State,
}

/// Counts of deliverables by state.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rollup {
    /// Per state, in [`State::ALL`] order.
    pub counts: [usize; 4],
    /// The mean percent complete.
    pub mean_percent: f64,
}

impl Rollup {
    /// How many deliverables.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// How many are in `state`.
    pub fn count(&self, state: State) -> usize {
        self.counts[State::ALL.iter().position(|s| *s == state).unwrap_or(0)]
    }

    fn of<'a>(items: impl Iterator<Item = &'a Deliverable>) -> Option<Rollup> {
        let mut r = Rollup::default();
        let mut sum = 0.0;
        for d in items {
            r.counts[State::ALL.iter().position(|s| *s == d.state).unwrap_or(0)] += 1;
            sum += d.percent;
        }
        let n = r.total();
        (n > 0).then(|| Rollup { mean_percent: sum / n as f64, ..r })
    }
}

/// The portal's deliverables and their roll-ups.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projects {
    /// Every deliverable: most urgent state first, then due date, agency, project, deliverable.
    pub deliverables: Vec<Deliverable>,
    /// Per agency or ministry code (a ministry's includes its agencies'); only units with deliverables.
    pub units: BTreeMap<String, Rollup>,
    /// The whole portal; None when no dataset has the projects role.
    pub portal: Option<Rollup>,
}

/// Classifies every deliverable on `today` and rolls them up: `units` maps a unit's code to
/// the agency codes it sums.
pub fn build(mut deliverables: Vec<Deliverable>, today: NaiveDate, units: &BTreeMap<String, BTreeSet<String>>) -> Projects {
    for d in &mut deliverables {
        d.state = classify(d.due, d.percent, &d.status, today);
    }
    deliverables.sort_by(|a, b| {
        (a.state, a.due, &a.agency, &a.project.th, &a.deliverable.th).cmp(&(b.state, b.due, &b.agency, &b.project.th, &b.deliverable.th))
    });
    let units = units
        .iter()
        .filter_map(|(code, members)| Some((code.clone(), Rollup::of(deliverables.iter().filter(|d| members.contains(&d.agency)))?)))
        .collect();
    let portal = Rollup::of(deliverables.iter());
    Projects { deliverables, units, portal }
}

fn date_of(days: Option<i32>) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(i64::from(days?)))
}

/// The deliverables of one dataset with the projects role (state not yet decided: [`build`] does).
pub fn read(frame: &DataFrame, role: &RoleMeta) -> PolarsResult<Vec<Deliverable>> {
    let text = |meaning: &str| -> PolarsResult<Option<StringChunked>> {
        match role.column(meaning) {
            Some(c) => Ok(Some(frame.column(c)?.cast(&DataType::String)?.str()?.clone())),
            None => Ok(None),
        }
    };
    let date = |meaning: &str| -> PolarsResult<Option<Int32Chunked>> {
        match role.column(meaning) {
            Some(c) => Ok(Some(frame.column(c)?.cast(&DataType::Date)?.cast(&DataType::Int32)?.i32()?.clone())),
            None => Ok(None),
        }
    };
    let (Some(agency), Some(project), Some(deliverable), Some(due), Some(percent)) =
        (text("agency")?, text("project")?, text("deliverable")?, date("due_date")?, role.column("percent_complete"))
    else {
        return Ok(Vec::new());
    };
    let percent = frame.column(percent)?.cast(&DataType::Float64)?.f64()?.clone();
    let (project_en, deliverable_en, status, reported) = (text("project_en")?, text("deliverable_en")?, text("status")?, date("reported")?);
    let get = |c: &Option<StringChunked>, i: usize| c.as_ref().and_then(|c| c.get(i)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    Ok((0..frame.height())
        .filter_map(|i| {
            let p = project.get(i)?.trim().to_string();
            let d = deliverable.get(i)?.trim().to_string();
            Some(Deliverable {
                agency: agency.get(i)?.trim().to_string(),
                project: Text::new(p.clone(), get(&project_en, i).unwrap_or(p)),
                deliverable: Text::new(d.clone(), get(&deliverable_en, i).unwrap_or(d)),
                due: date_of(due.get(i))?,
                percent: percent.get(i)?,
                reported: date_of(reported.as_ref().and_then(|r| r.get(i))),
                status: get(&status, i).unwrap_or_default(),
                state: State::OnTrack,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn late_and_at_risk_at_their_boundaries() {
        let today = day(2026, 1, 1);
        assert_eq!(classify(day(2025, 12, 31), 99.0, "", today), State::Late, "due yesterday");
        assert_eq!(classify(today, 10.0, "", today), State::AtRisk, "due today is not past due");
        assert_eq!(classify(day(2026, 4, 1), 74.9, "", today), State::AtRisk, "90 days ahead, under 75 %");
        assert_eq!(classify(day(2026, 4, 2), 74.9, "", today), State::OnTrack, "91 days ahead");
        assert_eq!(classify(day(2026, 4, 1), 75.0, "", today), State::OnTrack, "75 % is enough");
        assert_eq!(classify(day(2027, 1, 1), 10.0, "At risk", today), State::AtRisk, "reported at risk");
        assert_eq!(classify(day(2025, 1, 1), 100.0, "", today), State::Done);
        assert_eq!(classify(day(2025, 1, 1), 80.0, "completed", today), State::Done);
    }
}
