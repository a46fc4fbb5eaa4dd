//! Finance aggregates in the model of Canada's per-organisation financial pages: authorities vs
//! expenditures by fiscal year, and the latest year's expenditures by standard object and by
//! programme with the change from the year before. Computed with Polars group-bys from every
//! dataset that declares a finance role, after renaming its columns to their meanings.

use crate::load::role::RoleMeta;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The finance figures of the portal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finance {
    /// Per agency or ministry code (a ministry's figures include its agencies'); only units with data.
    pub units: BTreeMap<String, Summary>,
    /// The whole portal.
    pub portal: Summary,
}

/// The finance figures of one agency, one ministry or the portal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Authorities and expenditures per fiscal year, oldest first.
    pub years: Vec<YearTotals>,
    /// The latest fiscal year with expenditures (B.E.).
    pub latest: Option<i64>,
    /// The fiscal year before it, when it has expenditures too.
    pub previous: Option<i64>,
    /// The latest year's expenditures by standard object, largest first.
    pub objects: Vec<Change>,
    /// The latest year's expenditures by programme, largest first.
    pub programs: Vec<Change>,
}

/// Totals of one fiscal year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearTotals {
    /// The fiscal year (B.E.).
    pub fiscal_year: i64,
    /// Budget authorities (appropriations), in baht; None when no authorities dataset covers it.
    pub authorities: Option<f64>,
    /// Actual expenditures, in baht; None when no expenditures dataset covers it.
    pub expenditures: Option<f64>,
}

impl YearTotals {
    /// Expenditures as a percentage of authorities.
    pub fn spending_rate(&self) -> Option<f64> {
        match (self.authorities, self.expenditures) {
            (Some(a), Some(e)) if a > 0.0 => Some(e / a * 100.0),
            _ => None,
        }
    }
}

/// One line of a breakdown: this year's amount and the year before's.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The standard object code or the programme's (Thai) name.
    pub key: String,
    /// The programme's English name (the key again for standard objects).
    pub name_en: String,
    /// The latest year's expenditures, in baht.
    pub amount: f64,
    /// The year before's, in baht; None when there is no data for the year before.
    pub previous: Option<f64>,
}

impl Change {
    /// The change in baht from the year before.
    pub fn change(&self) -> Option<f64> {
        self.previous.map(|p| self.amount - p)
    }

    /// The change as a percentage of the year before (None when that was zero).
    pub fn change_percent(&self) -> Option<f64> {
        self.previous.filter(|p| *p > 0.0).map(|p| (self.amount - p) / p * 100.0)
    }
}

/// The finance data of one dataset with its columns renamed to their meanings:
/// fiscal_year (Int64), agency, program, program_en, standard_object (String), amount (Float64).
pub fn canonical(frame: &DataFrame, role: &RoleMeta) -> Option<LazyFrame> {
    let c = |meaning: &str| role.column(meaning).map(col);
    let program = c("program")?;
    Some(
        frame
            .clone()
            .lazy()
            .select([
                c("fiscal_year")?.cast(DataType::Int64).alias("fiscal_year"),
                c("agency")?.cast(DataType::String).alias("agency"),
                program.clone().cast(DataType::String).alias("program"),
                c("program_en").unwrap_or(program).cast(DataType::String).alias("program_en"),
                c("standard_object")?.cast(DataType::String).alias("standard_object"),
                c("amount")?.cast(DataType::Float64).alias("amount"),
            ])
            // A row without a year or an agency cannot be filed anywhere; validation reports it.
            .filter(col("fiscal_year").is_not_null().and(col("agency").is_not_null())),
    )
}

/// Concatenates the canonical frames of every dataset with one role.
pub fn union(frames: Vec<LazyFrame>) -> PolarsResult<Option<LazyFrame>> {
    if frames.is_empty() {
        return Ok(None);
    }
    concat(frames, UnionArgs::default()).map(Some)
}

/// Computes the figures of every unit: `units` maps a unit's code to the agency codes whose rows
/// it sums (an agency: itself; a ministry: itself and its agencies).
pub fn build(authorities: Option<LazyFrame>, expenditures: Option<LazyFrame>, units: &BTreeMap<String, BTreeSet<String>>) -> PolarsResult<Finance> {
    if authorities.is_none() && expenditures.is_none() {
        return Ok(Finance::default());
    }
    let authorities = authorities.map(condense).transpose()?;
    let expenditures = expenditures.map(condense).transpose()?;
    let mut finance = Finance { portal: summary(authorities.as_ref(), expenditures.as_ref(), lit(true))?, ..Finance::default() };
    for (code, members) in units {
        let filter = members.iter().map(|m| col("agency").eq(lit(m.as_str()))).reduce(|a, b| a.or(b)).unwrap_or(lit(false));
        let s = summary(authorities.as_ref(), expenditures.as_ref(), filter)?;
        if !s.years.is_empty() {
            finance.units.insert(code.clone(), s);
        }
    }
    Ok(finance)
}

/// Sums the rows once by every key a page shows, so that each unit's queries below scan a
/// table of agencies × years × programmes × objects instead of every transaction row.
fn condense(rows: LazyFrame) -> PolarsResult<LazyFrame> {
    let keys = [col("fiscal_year"), col("agency"), col("program"), col("standard_object")];
    Ok(rows.group_by(keys).agg([col("amount").sum(), col("program_en").min()]).collect()?.lazy())
}

fn summary(authorities: Option<&LazyFrame>, expenditures: Option<&LazyFrame>, filter: Expr) -> PolarsResult<Summary> {
    let a = match authorities {
        Some(lf) => year_sums(lf.clone().filter(filter.clone()))?,
        None => BTreeMap::new(),
    };
    let e = match expenditures {
        Some(lf) => year_sums(lf.clone().filter(filter.clone()))?,
        None => BTreeMap::new(),
    };
    let years: BTreeSet<i64> = a.keys().chain(e.keys()).copied().collect();
    let years = years
        .into_iter()
        .map(|y| YearTotals { fiscal_year: y, authorities: a.get(&y).copied(), expenditures: e.get(&y).copied() })
        .collect();
    let latest = e.keys().next_back().copied();
    let previous = latest.map(|y| y - 1).filter(|p| e.contains_key(p));
    let (objects, programs) = match (expenditures, latest) {
        (Some(lf), Some(latest)) => {
            let rows = lf.clone().filter(filter);
            (breakdown(rows.clone(), "standard_object", latest, previous)?, breakdown(rows, "program", latest, previous)?)
        }
        _ => (Vec::new(), Vec::new()),
    };
    Ok(Summary { years, latest, previous, objects, programs })
}

fn year_sums(rows: LazyFrame) -> PolarsResult<BTreeMap<i64, f64>> {
    let df = rows.group_by([col("fiscal_year")]).agg([col("amount").sum()]).collect()?;
    let years = df.column("fiscal_year")?.i64()?.clone();
    let amounts = df.column("amount")?.f64()?.clone();
    Ok(years.iter().zip(amounts.iter()).filter_map(|(y, a)| Some((y?, a.unwrap_or(0.0)))).collect())
}

/// The latest year's amounts by `key`, with the previous year's; keys present in either year.
fn breakdown(rows: LazyFrame, key: &str, latest: i64, previous: Option<i64>) -> PolarsResult<Vec<Change>> {
    let years = match previous {
        Some(p) => col("fiscal_year").eq(lit(latest)).or(col("fiscal_year").eq(lit(p))),
        None => col("fiscal_year").eq(lit(latest)),
    };
    let df = rows
        .filter(years)
        .group_by([col("fiscal_year"), col(key)])
        // min: deterministic when rows disagree on a programme's English name.
        .agg([col("amount").sum(), col("program_en").min()])
        .collect()?;
    let fy = df.column("fiscal_year")?.i64()?.clone();
    let keys = df.column(key)?.str()?.clone();
    let names = df.column("program_en")?.str()?.clone();
    let amounts = df.column("amount")?.f64()?.clone();
    let mut by_key: BTreeMap<String, Change> = BTreeMap::new();
    for i in 0..df.height() {
        let (Some(year), Some(k)) = (fy.get(i), keys.get(i)) else { continue };
        let amount = amounts.get(i).unwrap_or(0.0);
        let name_en = if key == "program" { names.get(i).unwrap_or(k) } else { k };
        let entry = by_key.entry(k.to_string()).or_insert_with(|| Change {
            key: k.to_string(),
            name_en: name_en.to_string(),
            amount: 0.0,
            previous: previous.map(|_| 0.0),
        });
        if year == latest {
            entry.amount = amount;
            entry.name_en = name_en.to_string();
        } else {
            entry.previous = Some(amount);
        }
    }
    let mut list: Vec<Change> = by_key.into_values().collect();
    list.sort_by(|a, b| b.amount.total_cmp(&a.amount).then_with(|| a.key.cmp(&b.key)));
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> LazyFrame {
        df!(
            "fiscal_year" => [2566i64, 2566, 2567, 2567, 2567],
            "agency" => ["A", "B", "A", "A", "B"],
            "program" => ["p1", "p1", "p1", "p2", "p1"],
            "program_en" => ["P1", "P1", "P1", "P2", "P1"],
            "standard_object" => ["personnel", "personnel", "personnel", "operating", "personnel"],
            "amount" => [100.0, 50.0, 120.0, 30.0, 40.0],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn a_ministry_sums_its_agencies_and_breakdowns_compare_with_the_year_before() {
        let units = BTreeMap::from([
            ("A".to_string(), BTreeSet::from(["A".to_string()])),
            ("M".to_string(), BTreeSet::from(["A".to_string(), "B".to_string()])),
        ]);
        let f = build(None, Some(frame()), &units).unwrap();
        let a = &f.units["A"];
        assert_eq!(a.latest, Some(2567));
        assert_eq!(a.previous, Some(2566));
        assert_eq!(a.years.iter().map(|y| y.expenditures).collect::<Vec<_>>(), vec![Some(100.0), Some(150.0)]);
        assert_eq!(a.objects[0], Change { key: "personnel".into(), name_en: "personnel".into(), amount: 120.0, previous: Some(100.0) });
        assert_eq!(a.objects[1].change(), Some(30.0), "new this year: all of it is change");
        assert_eq!(a.objects[1].change_percent(), None);
        let m = &f.units["M"];
        assert_eq!(m.programs[0].amount, 160.0);
        assert_eq!(m.programs[0].name_en, "P1");
        assert_eq!(m.programs[0].change_percent(), Some((160.0 - 150.0) / 150.0 * 100.0));
        assert_eq!(f.portal.years.last().and_then(|y| y.expenditures), Some(190.0));
    }
}
