//! E-service maturity on the UN e-government survey's four stages. Each service scores per
//! stage: Stage 1 is met when its agency has a published profile; Stage 2 gives 25 % for each
//! of downloadable forms, audio/video, more than one language and two-way contact; Stage 3
//! 25 % for each of online survey, online application, online payment and end-to-end
//! transaction; Stage 4 50 % for each of automatic inter-agency exchange and one-stop service.
//! A group's stage completion is the mean over its services (as the survey pools its points);
//! the index is the mean of the four completions weighted 7, 24, 30, 39. Each assessment year is
//! scored on its own; the pages show the latest and the trend.

use crate::lang::Text;
use crate::load::role::{CRITERIA, RoleMeta};
use polars::prelude::*;
use std::collections::BTreeMap;

/// The stages' weights in the overall index, in percent.
pub const WEIGHTS: [f64; 4] = [7.0, 24.0, 30.0, 39.0];

/// Which criteria (indexes into [`CRITERIA`]) make up stages 2, 3 and 4, and what each is worth.
pub const STAGE_CRITERIA: [(std::ops::Range<usize>, f64); 3] = [(0..4, 25.0), (4..8, 25.0), (8..10, 50.0)];

/// The overall index of four stage completions (percent), weighted 7 / 24 / 30 / 39.
pub fn weighted_index(stages: [f64; 4]) -> f64 {
    stages.iter().zip(WEIGHTS).map(|(s, w)| s * w).sum::<f64>() / 100.0
}

/// The maturity scores of the portal: those of the latest assessment, and every assessment's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Maturity {
    /// Every service of the latest assessment, sorted by id.
    pub services: Vec<ServiceScore>,
    /// Per agency code (only agencies with services), latest assessment.
    pub agencies: BTreeMap<String, Score>,
    /// Per ministry code, over the services of the ministry and its agencies, latest assessment.
    pub ministries: BTreeMap<String, Score>,
    /// Over every service of the portal, latest assessment; None when no dataset has the e-services role.
    pub portal: Option<Score>,
    /// Every assessment, oldest first (rows without an assessment year make one assessment, first).
    pub history: Vec<Assessment>,
}

/// The scores of one assessment (one fiscal year).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assessment {
    /// The fiscal year (B.E.); None for rows that do not say.
    pub year: Option<i64>,
    /// Per agency code.
    pub agencies: BTreeMap<String, Score>,
    /// Per ministry code.
    pub ministries: BTreeMap<String, Score>,
    /// Over the portal.
    pub portal: Option<Score>,
}

/// Whose scores: the portal's, a ministry's or an agency's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit<'a> {
    /// The whole portal.
    Portal,
    /// A ministry (with its agencies), by code.
    Ministry(&'a str),
    /// One agency, by code.
    Agency(&'a str),
}

impl Assessment {
    /// The score of `unit` in this assessment.
    pub fn of(&self, unit: Unit) -> Option<&Score> {
        match unit {
            Unit::Portal => self.portal.as_ref(),
            Unit::Ministry(c) => self.ministries.get(c),
            Unit::Agency(c) => self.agencies.get(c),
        }
    }
}

impl Maturity {
    /// The scores of `unit` in every assessment that has it, oldest first.
    pub fn trend(&self, unit: Unit) -> Vec<(Option<i64>, Score)> {
        self.history.iter().filter_map(|a| a.of(unit).map(|s| (a.year, *s))).collect()
    }

    /// The latest assessment's fiscal year.
    pub fn latest_year(&self) -> Option<i64> {
        self.history.last().and_then(|a| a.year)
    }
}

/// The stage completions of a group of services.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// How many services were assessed.
    pub services: usize,
    /// Completion of stages 1–4, in percent.
    pub stages: [f64; 4],
}

impl Score {
    /// The overall index, in percent.
    pub fn index(&self) -> f64 {
        weighted_index(self.stages)
    }
}

/// One assessed e-service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceScore {
    /// The service's identifier.
    pub id: String,
    /// The providing agency's code.
    pub agency: String,
    /// The service's name.
    pub name: Text,
    /// Where it is (may be empty).
    pub url: String,
    /// Which of [`CRITERIA`] it meets.
    pub criteria: [bool; 10],
    /// Its completion of stages 1–4, in percent.
    pub stages: [f64; 4],
}

impl ServiceScore {
    /// The service's index, in percent.
    pub fn index(&self) -> f64 {
        weighted_index(self.stages)
    }

    /// The highest stage completed with every stage below it (0 when not even Stage 1).
    pub fn stage_reached(&self) -> usize {
        self.stages.iter().take_while(|s| **s >= 100.0).count()
    }

    /// The next stage to complete (1–4) and its completion; None at the top.
    pub fn next_stage(&self) -> Option<(usize, f64)> {
        let reached = self.stage_reached();
        self.stages.get(reached).map(|s| (reached + 1, *s))
    }

    /// The criteria the next stage still lacks (keys of [`CRITERIA`]).
    pub fn missing(&self) -> Vec<&'static str> {
        let Some((stage, _)) = self.next_stage() else { return Vec::new() };
        let Some((range, _)) = stage.checked_sub(2).and_then(|i| STAGE_CRITERIA.get(i)) else { return Vec::new() };
        range.clone().filter(|i| !self.criteria[*i]).map(|i| CRITERIA[i]).collect()
    }
}

/// The services closest to their next stage: smallest gap first, then the higher index, then id.
pub fn closest_to_next_stage(services: &[ServiceScore], n: usize) -> Vec<&ServiceScore> {
    let mut list: Vec<(&ServiceScore, f64)> = services.iter().filter_map(|s| s.next_stage().map(|(_, c)| (s, 100.0 - c))).collect();
    list.sort_by(|(a, ga), (b, gb)| ga.total_cmp(gb).then_with(|| b.index().total_cmp(&a.index())).then_with(|| a.id.cmp(&b.id)));
    list.into_iter().take(n).map(|(s, _)| s).collect()
}

/// The e-services data of one dataset with its columns renamed to their meanings.
pub fn canonical(frame: &DataFrame, role: &RoleMeta) -> Option<LazyFrame> {
    let c = |meaning: &str| role.column(meaning).map(col);
    let name = c("name")?;
    let mut columns = vec![
        c("service_id")?.cast(DataType::String).alias("service_id"),
        c("agency")?.cast(DataType::String).alias("agency"),
        name.clone().cast(DataType::String).alias("name"),
        c("name_en").unwrap_or(name).cast(DataType::String).alias("name_en"),
        c("url").unwrap_or(lit("")).cast(DataType::String).fill_null(lit("")).alias("url"),
    ];
    for key in CRITERIA {
        // A missing assessment is not a met criterion.
        columns.push(c(key)?.cast(DataType::Boolean).fill_null(lit(false)).alias(key));
    }
    // The assessment's fiscal year: given, or from its date (Thai fiscal years start on 1 October).
    let year = match (c("assessment_year"), c("assessment_date")) {
        (Some(y), _) => y.cast(DataType::Int64),
        (None, Some(d)) => {
            let d = d.cast(DataType::Date);
            d.clone().dt().year().cast(DataType::Int64)
                + lit(543i64)
                + when(d.dt().month().cast(DataType::Int64).gt_eq(lit(10i64))).then(lit(1i64)).otherwise(lit(0i64))
        }
        (None, None) => lit(NULL).cast(DataType::Int64),
    };
    columns.push(year.alias("assessment_year"));
    Some(frame.clone().lazy().select(columns).filter(col("service_id").is_not_null().and(col("agency").is_not_null())))
}

/// Scores every service of `services` (canonical frames of every e-services dataset).
/// `registry` maps each agency with a published profile to its ministry's code.
pub fn build(services: Vec<LazyFrame>, registry: &BTreeMap<String, String>) -> PolarsResult<Maturity> {
    if services.is_empty() {
        return Ok(Maturity::default());
    }
    let all = concat(services, UnionArgs::default())?.collect()?;
    let years = all.column("assessment_year")?.i64()?.clone();
    let mut distinct: Vec<Option<i64>> = years.iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    distinct.sort();
    let mut history = Vec::new();
    let mut latest = Maturity::default();
    for year in distinct {
        let rows = match year {
            Some(y) => all.clone().lazy().filter(col("assessment_year").eq(lit(y))),
            None => all.clone().lazy().filter(col("assessment_year").is_null()),
        };
        latest = build_one(rows, registry)?;
        history.push(Assessment { year, agencies: latest.agencies.clone(), ministries: latest.ministries.clone(), portal: latest.portal });
    }
    latest.history = history;
    Ok(latest)
}

/// The scores of one assessment's services.
fn build_one(all: LazyFrame, registry: &BTreeMap<String, String>) -> PolarsResult<Maturity> {
    let codes: Vec<&str> = registry.keys().map(String::as_str).collect();
    let ministries: Vec<&str> = registry.values().map(String::as_str).collect();
    let profiles = df!("agency" => codes, "ministry" => ministries, "profile" => vec![true; registry.len()])?;
    let flag = |k: &str| col(k).cast(DataType::Float64);
    let stage = |(range, points): &(std::ops::Range<usize>, f64)| {
        range.clone().map(|i| flag(CRITERIA[i])).reduce(|a, b| a + b).unwrap_or(lit(0.0)) * lit(*points)
    };
    let scored = all
        .join(profiles.lazy(), [col("agency")], [col("agency")], JoinArgs::new(JoinType::Left))
        .with_columns([
            when(col("profile").fill_null(lit(false))).then(lit(100.0)).otherwise(lit(0.0)).alias("stage1"),
            stage(&STAGE_CRITERIA[0]).alias("stage2"),
            stage(&STAGE_CRITERIA[1]).alias("stage3"),
            stage(&STAGE_CRITERIA[2]).alias("stage4"),
        ]);
    let means = || -> Vec<Expr> {
        let mut e: Vec<Expr> = (1..=4).map(|i| col(format!("stage{i}")).mean()).collect();
        e.push(col("service_id").count().alias("services"));
        e
    };
    let agencies = scores(scored.clone().group_by([col("agency")]).agg(means()).collect()?, "agency")?;
    let by_ministry = scores(scored.clone().filter(col("ministry").is_not_null()).group_by([col("ministry")]).agg(means()).collect()?, "ministry")?;
    let portal_frame = scored.clone().select(means()).collect()?;
    let portal = score_rows(&portal_frame)?.into_iter().next();
    let services = service_rows(&scored.sort(["service_id"], SortMultipleOptions::default()).collect()?)?;
    Ok(Maturity { services, agencies, ministries: by_ministry, portal, history: Vec::new() })
}

fn score_rows(df: &DataFrame) -> PolarsResult<Vec<Score>> {
    let stages: Vec<Float64Chunked> = (1..=4).map(|i| df.column(&format!("stage{i}"))?.f64().cloned()).collect::<PolarsResult<_>>()?;
    let counts = df.column("services")?.cast(&DataType::UInt64)?;
    let counts = counts.u64()?;
    Ok((0..df.height())
        .map(|i| Score {
            services: counts.get(i).unwrap_or(0) as usize,
            stages: [0, 1, 2, 3].map(|s| stages[s].get(i).unwrap_or(0.0)),
        })
        .collect())
}

fn scores(df: DataFrame, key: &str) -> PolarsResult<BTreeMap<String, Score>> {
    let keys = df.column(key)?.str()?.clone();
    Ok(keys.iter().zip(score_rows(&df)?).filter_map(|(k, s)| Some((k?.to_string(), s))).collect())
}

fn service_rows(df: &DataFrame) -> PolarsResult<Vec<ServiceScore>> {
    let text = |name: &str| -> PolarsResult<StringChunked> { Ok(df.column(name)?.str()?.clone()) };
    let (ids, agencies, names, names_en, urls) = (text("service_id")?, text("agency")?, text("name")?, text("name_en")?, text("url")?);
    let flags: Vec<BooleanChunked> = CRITERIA.iter().map(|k| df.column(k)?.bool().cloned()).collect::<PolarsResult<_>>()?;
    let stages: Vec<Float64Chunked> = (1..=4).map(|i| df.column(&format!("stage{i}"))?.f64().cloned()).collect::<PolarsResult<_>>()?;
    Ok((0..df.height())
        .map(|i| ServiceScore {
            id: ids.get(i).unwrap_or("").to_string(),
            agency: agencies.get(i).unwrap_or("").to_string(),
            name: Text::new(names.get(i).unwrap_or(""), names_en.get(i).unwrap_or("")),
            url: urls.get(i).unwrap_or("").to_string(),
            criteria: std::array::from_fn(|c| flags[c].get(i).unwrap_or(false)),
            stages: [0, 1, 2, 3].map(|s| stages[s].get(i).unwrap_or(0.0)),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn round2(x: f64) -> f64 {
        (x * 100.0).round() / 100.0
    }

    #[test]
    fn the_index_weights_the_stages_7_24_30_39() {
        assert_eq!(round2(weighted_index([100.0, 55.0, 31.0, 39.0])), 44.71);
        assert_eq!(round2(weighted_index([100.0, 81.0, 33.0, 22.0])), 44.92);
        assert_eq!(weighted_index([100.0; 4]), 100.0);
    }

    #[test]
    fn stage_completion_is_the_mean_over_an_agencys_services() {
        let services = df!(
            "service_id" => ["A-1", "A-2", "B-1"],
            "agency" => ["A", "A", "B"],
            "name" => ["a1", "a2", "b1"],
            "name_en" => ["a1", "a2", "b1"],
            "url" => ["", "", ""],
            // A-1 meets forms, audio/video, language, contact (stage 2: 100) and exchange (stage 4: 50).
            "downloadable_forms" => [true, true, false],
            "audio_video" => [true, false, false],
            "multilingual" => [true, false, false],
            "two_way_contact" => [true, false, false],
            "online_survey" => [false, true, false],
            "online_application" => [false, false, false],
            "online_payment" => [false, false, false],
            "end_to_end" => [false, false, false],
            "data_exchange" => [true, false, false],
            "one_stop" => [false, false, false],
            "assessment_year" => [None::<i64>, None, None],
        )
        .unwrap();
        let registry = BTreeMap::from([("A".to_string(), "M".to_string()), ("M".to_string(), "M".to_string())]);
        let m = build(vec![services.lazy()], &registry).unwrap();
        assert_eq!(m.agencies["A"], Score { services: 2, stages: [100.0, 62.5, 12.5, 25.0] });
        // B has no published profile: Stage 1 is not met.
        assert_eq!(m.agencies["B"].stages, [0.0, 0.0, 0.0, 0.0]);
        assert_eq!(m.ministries.keys().collect::<Vec<_>>(), vec!["M"]);
        assert_eq!(m.portal.map(|p| p.services), Some(3));
        assert_eq!(m.services[0].stage_reached(), 2);
        assert_eq!(m.services[0].next_stage(), Some((3, 0.0)));
        assert_eq!(m.services[1].missing(), vec!["audio_video", "multilingual", "two_way_contact"]);
        let top: Vec<&str> = closest_to_next_stage(&m.services, 10).iter().map(|s| s.id.as_str()).collect();
        assert_eq!(top, vec!["A-2", "A-1", "B-1"]);
    }

    #[test]
    fn each_assessment_year_is_scored_on_its_own_and_a_date_counts_in_its_fiscal_year() {
        let frame = df!(
            "id" => ["A-1", "A-1", "A-2"],
            "agency" => ["A", "A", "A"],
            "name" => ["a", "a", "b"],
            // 30 Sep 2024 is in fiscal year 2567; 1 Oct 2024 starts 2568.
            "assessed" => [NaiveDate::from_ymd_opt(2024, 9, 30), NaiveDate::from_ymd_opt(2024, 10, 1), NaiveDate::from_ymd_opt(2025, 9, 30)],
            "f" => [false, true, true],
        )
        .unwrap();
        let mut columns: BTreeMap<String, String> =
            [("service_id", "id"), ("agency", "agency"), ("name", "name"), ("assessment_date", "assessed")].map(|(k, v)| (k.to_string(), v.to_string())).into();
        for key in CRITERIA {
            columns.insert(key.to_string(), "f".to_string());
        }
        let role = RoleMeta { kind: crate::load::role::RoleKind::EServices, resource: None, columns };
        let registry = BTreeMap::from([("A".to_string(), "A".to_string())]);
        let m = build(vec![canonical(&frame, &role).unwrap()], &registry).unwrap();
        assert_eq!(m.history.iter().map(|a| a.year).collect::<Vec<_>>(), vec![Some(2567), Some(2568)]);
        assert_eq!(m.history[0].portal.map(|p| (p.services, p.stages)), Some((1, [100.0, 0.0, 0.0, 0.0])));
        assert_eq!(m.portal.map(|p| (p.services, p.stages)), Some((2, [100.0; 4])), "the latest year is the current score");
        assert_eq!(m.services.len(), 2);
        let trend: Vec<f64> = m.trend(Unit::Agency("A")).iter().map(|(_, s)| s.index()).collect();
        assert_eq!(trend, vec![7.0, 100.0]);
    }
}
