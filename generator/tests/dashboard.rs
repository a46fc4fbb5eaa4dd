//! The dashboards of issue 20: every new table of the demo is recomputed here independently
//! from the source files (plain Rust and Polars, the survey's and the documented rules applied
//! by hand) and must match the JSON and CSV under /api/v1/; the late/at-risk and freshness rules
//! at their boundaries and the quality score for datasets built to miss each criterion, on small
//! portals built with a fixed SOURCE_DATE_EPOCH; the pages; and the browser test (one screen,
//! phone width, axe) in e2e/dashboard.mjs.

mod common;

use chrono::{Months, NaiveDate};
use common::{Fixture, demo_public as public, read_demo as read, repo_root, text};
use polars::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

fn source_csv(path: &str) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(repo_root().join(path)))
        .unwrap()
        .finish()
        .unwrap()
}

fn strings(df: &DataFrame, c: &str) -> Vec<String> {
    df.column(c).unwrap().str().unwrap().iter().map(|v| v.unwrap_or("").to_string()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.006
}

/// A published table read from its JSON; its CSV must have as many rows.
fn published(path: &str) -> Vec<BTreeMap<String, Value>> {
    let json: Value = serde_json::from_str(&read(&format!("{path}.json"))).unwrap();
    let rows: Vec<BTreeMap<String, Value>> = json["rows"].as_array().unwrap().iter().map(|r| serde_json::from_value(r.clone()).unwrap()).collect();
    assert_eq!(json["count"], rows.len(), "{path}");
    // No cell of these tables holds a line break: one line per record after the header.
    let csv = read(&format!("{path}.csv"));
    assert_eq!(csv.lines().count().saturating_sub(1), rows.len(), "{path}: CSV and JSON row counts");
    rows
}

/// code → ministry code (a ministry is its own), from the registry.
fn ministry_of() -> BTreeMap<String, String> {
    let df = source_csv("datasets/agencies/agencies.csv");
    strings(&df, "code").into_iter().zip(strings(&df, "parent")).map(|(c, p)| (c.clone(), if p.is_empty() { c } else { p })).collect()
}

/// The demo's build date, as the published files state it (`as_of` in site.toml).
fn as_of() -> NaiveDate {
    let toml: toml::Value = toml::from_str(&std::fs::read_to_string(repo_root().join("site.toml")).unwrap()).unwrap();
    let d = toml["as_of"].as_datetime().unwrap().date.unwrap();
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)).unwrap()
}

/// (level, code, year) → stage completions, straight from services.csv and the survey's rules.
fn scores_by_hand() -> BTreeMap<(String, String, i64), (usize, [f64; 4])> {
    let df = source_csv("datasets/e-services/services.csv");
    let criteria = [
        "downloadable_forms", "audio_video", "multilingual", "two_way_contact", "online_survey", "online_application", "online_payment",
        "end_to_end", "data_exchange", "one_stop",
    ];
    let flags: Vec<Vec<String>> = criteria.iter().map(|c| strings(&df, c)).collect();
    let (agency, year) = (strings(&df, "agency"), strings(&df, "assessment_year"));
    let ministry = ministry_of();
    let mut sums: BTreeMap<(String, String, i64), (usize, [f64; 4])> = BTreeMap::new();
    for i in 0..df.height() {
        let n = |r: std::ops::Range<usize>| r.filter(|c| flags[*c][i] == "true").count() as f64;
        let s = [100.0, 25.0 * n(0..4), 25.0 * n(4..8), 50.0 * n(8..10)];
        let y: i64 = year[i].parse().unwrap();
        for key in [("agency", agency[i].clone()), ("ministry", ministry[&agency[i]].clone()), ("portal", String::new())] {
            let e = sums.entry((key.0.to_string(), key.1, y)).or_insert((0, [0.0; 4]));
            e.0 += 1;
            for k in 0..4 {
                e.1[k] += s[k];
            }
        }
    }
    sums.into_iter().map(|(k, (n, s))| (k, (n, s.map(|x| x / n as f64)))).collect()
}

fn index(s: [f64; 4]) -> f64 {
    (7.0 * s[0] + 24.0 * s[1] + 30.0 * s[2] + 39.0 * s[3]) / 100.0
}

#[test]
fn the_maturity_trend_matches_the_survey_rules_per_assessment_year() {
    let expected = scores_by_hand();
    let rows = published("api/v1/maturity/trend");
    assert_eq!(rows.len(), expected.len(), "one row per unit and assessment year");
    let years: BTreeSet<i64> = expected.keys().map(|k| k.2).collect();
    assert_eq!(years, BTreeSet::from([2566, 2567, 2568]), "the demo has three assessments");
    for r in &rows {
        let key = (r["level"].as_str().unwrap().to_string(), r["code"].as_str().unwrap().to_string(), r["assessment_year"].as_i64().unwrap());
        let (n, s) = expected[&key];
        assert_eq!(r["services"], n, "{key:?}");
        for k in 0..4 {
            assert!(close(r[&format!("stage{}", k + 1)].as_f64().unwrap(), s[k]), "{key:?} stage {}", k + 1);
        }
        assert!(close(r["index"].as_f64().unwrap(), index(s)), "{key:?}");
        // The change from the unit's previous assessment.
        let previous = expected.keys().filter(|k| k.0 == key.0 && k.1 == key.1 && k.2 < key.2).map(|k| k.2).max();
        assert_eq!(r["previous_assessment_year"].as_i64(), previous, "{key:?}");
        match previous {
            Some(p) => {
                let before = index(expected[&(key.0.clone(), key.1.clone(), p)].1);
                assert!(close(r["index_change"].as_f64().unwrap(), index(s) - before), "{key:?} change");
            }
            None => assert!(r["index_change"].is_null(), "{key:?}"),
        }
    }
    // The latest year is what the existing scores table and the summary show.
    let portal = index(expected[&("portal".to_string(), String::new(), 2568)].1);
    let shown = format!("{:.2}%", portal);
    assert!(read("dashboard/index.html").contains(&shown), "the summary shows the index {shown}");
    let before = index(expected[&("portal".to_string(), String::new(), 2567)].1);
    let change = format!("{:+.2} จุด เทียบกับปีงบประมาณ 2567", portal - before);
    assert!(read("dashboard/index.html").contains(&change), "the summary shows the change: {change}");
    assert!(read("en/dashboard/index.html").contains(&format!("{:+.2} points since FY2024 (B.E. 2567)", portal - before)));
}

/// Least squares by hand: slope and intercept.
fn fit(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let (sx, sy): (f64, f64) = (points.iter().map(|p| p.0).sum(), points.iter().map(|p| p.1).sum());
    let (sxx, sxy): (f64, f64) = (points.iter().map(|p| p.0 * p.0).sum(), points.iter().map(|p| p.0 * p.1).sum());
    let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    Some((slope, (sy - slope * sx) / n))
}

#[test]
fn targets_progress_matches_a_straight_line_fitted_by_hand() {
    let scores = scores_by_hand();
    let targets = source_csv("datasets/e-government-targets/targets.csv");
    let ministries: BTreeSet<String> = ministry_of().into_iter().filter(|(c, m)| c == m).map(|(c, _)| c).collect();
    let rows = published("api/v1/targets/progress");
    assert_eq!(rows.len(), targets.height());
    let (scope, indicator, target, due) = (strings(&targets, "scope"), strings(&targets, "indicator"), strings(&targets, "target"), strings(&targets, "due_year"));
    let mut statuses = BTreeSet::new();
    for i in 0..targets.height() {
        let row = rows
            .iter()
            .find(|r| r["code"] == scope[i].as_str() && r["indicator"] == indicator[i].as_str() && r["due_year"] == due[i].parse::<i64>().unwrap())
            .unwrap_or_else(|| panic!("target {i} is published"));
        let level = if scope[i].is_empty() { "portal" } else if ministries.contains(&scope[i]) { "ministry" } else { "agency" };
        assert_eq!(row["level"], level);
        let value = |s: [f64; 4]| match indicator[i].as_str() {
            "maturity_index" => index(s),
            other => s[other.trim_start_matches("stage").parse::<usize>().unwrap() - 1],
        };
        let points: Vec<(f64, f64)> =
            scores.iter().filter(|(k, _)| k.0 == level && k.1 == scope[i]).map(|(k, (_, s))| (k.2 as f64, value(*s))).collect();
        let (target, due): (f64, i64) = (target[i].parse().unwrap(), due[i].parse().unwrap());
        let (latest_year, latest) = points.last().copied().unwrap();
        assert_eq!(row["latest_year"], latest_year as i64);
        assert!(close(row["latest_value"].as_f64().unwrap(), latest), "target {i}");
        assert!(close(row["gap"].as_f64().unwrap(), target - latest), "target {i} gap");
        let (slope, intercept) = fit(&points).unwrap();
        let projected = (slope * due as f64 + intercept).clamp(0.0, 100.0);
        assert!(close(row["slope_per_year"].as_f64().unwrap(), slope), "target {i} slope");
        assert!(close(row["projected"].as_f64().unwrap(), projected), "target {i} projection");
        let status = if latest >= target {
            "met"
        } else if latest_year as i64 >= due {
            "missed"
        } else if projected >= target {
            "on-course"
        } else {
            "off-course"
        };
        assert_eq!(row["status"], status, "target {i}");
        statuses.insert(status);
    }
    assert!(statuses.len() >= 3, "the demo shows several verdicts: {statuses:?}");
    let strategic = read("en/dashboard/index.html");
    assert!(strategic.contains("id=strategic") && strategic.contains("plain straight line"), "the projection is stated as linear");
}

/// The documented rules, applied by hand.
fn state(due: NaiveDate, percent: f64, status: &str, today: NaiveDate) -> &'static str {
    let status = status.to_lowercase().replace([' ', '_', '-'], "");
    if percent >= 100.0 || ["done", "complete", "completed"].contains(&status.as_str()) {
        "done"
    } else if due < today {
        "late"
    } else if status == "atrisk" || ((due - today).num_days() <= 90 && percent < 75.0) {
        "at-risk"
    } else {
        "on-track"
    }
}

#[test]
fn deliverables_and_their_rollups_match_the_rules_applied_by_hand() {
    let today = as_of();
    let df = source_csv("datasets/e-government-projects/deliverables.csv");
    assert!(df.height() >= 20, "20+ deliverables");
    let ministry = ministry_of();
    let rows = published("api/v1/projects/deliverables");
    assert_eq!(rows.len(), df.height());
    let (agency, name, due, percent, status) =
        (strings(&df, "agency"), strings(&df, "deliverable_en"), strings(&df, "due_date"), strings(&df, "percent_complete"), strings(&df, "status"));
    let mut rollup: BTreeMap<(String, String), [usize; 4]> = BTreeMap::new();
    let order = ["late", "at-risk", "on-track", "done"];
    for i in 0..df.height() {
        let d = NaiveDate::parse_from_str(&due[i], "%Y-%m-%d").unwrap();
        let s = state(d, percent[i].parse().unwrap(), &status[i], today);
        let row = rows.iter().find(|r| r["deliverable_en"] == name[i].as_str()).unwrap();
        assert_eq!(row["state"], s, "{}", name[i]);
        assert_eq!(row["days_to_due"], (d - today).num_days(), "{}", name[i]);
        assert_eq!(row["as_of"], today.to_string());
        let k = order.iter().position(|x| *x == s).unwrap();
        for key in [("agency", agency[i].clone()), ("ministry", ministry[&agency[i]].clone()), ("portal", String::new())] {
            rollup.entry((key.0.into(), key.1)).or_default()[k] += 1;
        }
    }
    // Most urgent first, then by due date.
    let published_order: Vec<usize> = rows.iter().map(|r| order.iter().position(|x| r["state"] == *x).unwrap()).collect();
    assert!(published_order.windows(2).all(|w| w[0] <= w[1]), "{published_order:?}");
    let seen: BTreeSet<&str> = rows.iter().map(|r| r["state"].as_str().unwrap()).collect();
    assert_eq!(seen.len(), 4, "the demo has deliverables in every state");
    let published_rollup = published("api/v1/projects/rollup");
    assert_eq!(published_rollup.len(), rollup.len());
    for r in &published_rollup {
        let key = (r["level"].as_str().unwrap().to_string(), r["code"].as_str().unwrap().to_string());
        let counts = rollup[&key];
        assert_eq!([&r["late"], &r["at_risk"], &r["on_track"], &r["done"]].map(|v| v.as_u64().unwrap() as usize), counts, "{key:?}");
        assert_eq!(r["deliverables"], counts.iter().sum::<usize>());
    }
    // The portal's counts are on the summary, and each agency page shows its own deliverables.
    let portal = rollup[&("portal".to_string(), String::new())];
    let summary = read("en/dashboard/index.html");
    assert!(summary.contains(&format!("<dt>Late</dt><dd>{}</dd>", portal[0])), "late count on the summary");
    assert!(summary.contains(&format!("<dt>At risk</dt><dd>{}</dd>", portal[1])), "at-risk count on the summary");
    let dopa = read("en/agencies/dopa/index.html");
    assert!(dopa.contains("Online change of address nationwide") && !dopa.contains("Online tax filing"), "DOPA shows its own deliverables only");
    let mof = read("agencies/mof/index.html");
    assert!(mof.contains("คืนภาษีผ่านพร้อมเพย์ภายใน 3 วัน"), "a ministry's page rolls up its agencies' deliverables");
    assert!(read("dashboard/projects/index.html").contains("ผลผลิตจำแนกตามสถานะและกระทรวง"));
}

/// The allowance of a frequency, by hand from the documented table.
fn overdue_from(frequency: &str, modified: NaiveDate) -> Option<NaiveDate> {
    let months = |n| modified.checked_add_months(Months::new(n));
    match frequency {
        "daily" => Some(modified + chrono::Duration::days(2)),
        "weekly" => Some(modified + chrono::Duration::days(9)),
        "monthly" => months(1).map(|d| d + chrono::Duration::days(8)),
        "quarterly" => months(4),
        "semiannual" => months(8),
        "annual" => months(15),
        _ => None,
    }
}

#[test]
fn freshness_of_every_demo_dataset_follows_its_frequency_and_modified_date() {
    let today = as_of();
    let rows = published("api/v1/quality/datasets");
    let ids: Vec<String> = std::fs::read_dir(repo_root().join("datasets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|id| repo_root().join("datasets").join(id).join("dataset.toml").is_file())
        .collect();
    assert_eq!(rows.len(), ids.len());
    let mut overdue = Vec::new();
    for id in &ids {
        let meta: toml::Value = toml::from_str(&std::fs::read_to_string(repo_root().join(format!("datasets/{id}/dataset.toml"))).unwrap()).unwrap();
        let frequency = meta.get("frequency").and_then(|f| f.as_str()).unwrap_or("");
        let modified = meta.get("modified").and_then(|m| m.as_datetime()).and_then(|d| d.date).map(|d| NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)).unwrap());
        let expected = match (frequency, modified) {
            ("", _) | (_, None) => "unknown",
            ("irregular" | "static", _) => "not-scheduled",
            (f, Some(m)) => {
                if today >= overdue_from(f, m).unwrap() {
                    "overdue"
                } else {
                    "current"
                }
            }
        };
        let row = rows.iter().find(|r| r["dataset"] == id.as_str()).unwrap();
        assert_eq!(row["freshness"], expected, "{id}");
        assert_eq!(row["as_of"], today.to_string());
        if expected == "overdue" {
            overdue.push(id.clone());
        }
    }
    assert_eq!(overdue, vec!["data-requests"], "the demo keeps one overdue dataset");
    let page = read("en/dashboard/index.html");
    assert!(page.contains("Datasets overdue for an update") && page.contains("href=/en/datasets/data-requests/"));
    // Summed per agency: DGA publishes it.
    let agencies = published("api/v1/quality/agencies");
    let dga = agencies.iter().find(|r| r["code"] == "DGA").unwrap();
    assert_eq!(dga["overdue"], 1);
    let portal = agencies.iter().find(|r| r["level"] == "portal").unwrap();
    assert_eq!(portal["datasets"], ids.len());
    let mean = rows.iter().map(|r| r["score"].as_f64().unwrap()).sum::<f64>() / rows.len() as f64;
    assert!(close(portal["mean_score"].as_f64().unwrap(), mean));
    // The catalog states it in DQV, the API document and the dataset page too.
    let ttl = read("catalog.ttl");
    assert!(ttl.contains("dqv:hasQualityMeasurement <https://data.example.go.th/datasets/data-requests/#quality-score>, <https://data.example.go.th/datasets/data-requests/#quality-overdue>"), "DQV");
    let node = ttl.split("<https://data.example.go.th/datasets/data-requests/#quality-overdue>\n").nth(1).unwrap();
    assert!(node.split(" .\n").next().unwrap().contains("\"true\"^^xsd:boolean"), "overdue measured as true: {node}");
    let api: Value = serde_json::from_str(&read("api/v1/datasets/data-requests.json")).unwrap();
    assert_eq!(api["dataset"]["quality"]["freshness"], "overdue");
    assert!(read("datasets/data-requests/index.html").contains("เลยกำหนด"));
}

/// A dataset whose metadata meets every criterion: built so that removing one line misses one.
const FULL: &str = r#"
title = { th = "ชุดข้อมูลครบถ้วน", en = "Complete dataset" }
description.th = "ชุดข้อมูลนี้เขียนคำอธิบายไว้ยาวพอสำหรับผู้ใช้ที่ต้องการทราบว่าข้อมูลคืออะไร เก็บอย่างไร ครอบคลุมช่วงเวลาใด และนำไปใช้ต่ออย่างไร โดยมีความยาวเกินหนึ่งร้อยตัวอักษร"
description.en = "This dataset has a description long enough for a reader to learn what the data is, how it was collected, what period it covers and how to reuse it."
agency = "TEST"
themes = ["budget"]
tags = { th = ["งบประมาณ"], en = ["budget"] }
license = "CC-BY-4.0"
frequency = "annual"
issued = 2024-10-01
modified = 2025-10-01
geo_coverage = { th = "ประเทศ", en = "Country" }
objective = { th = "เพื่อการทดสอบ", en = "For testing" }
data_source = { th = "กรมทดสอบ", en = "Department of Tests" }
[statistics]
years = "2567-2568"
[contact]
name = { th = "กลุ่มงานข้อมูล", en = "Data Unit" }
email = "data@test.example.go.th"
[[resources]]
name = "data"
path = "data.csv"
[resources.schema]
primaryKey = "budget_year"
[[resources.schema.fields]]
name = "budget_year"
type = "integer"
title = { th = "ปีงบประมาณ", en = "Fiscal year" }
description = { th = "ปีงบประมาณ พ.ศ.", en = "Fiscal year, B.E." }
[[resources.schema.fields]]
name = "amount"
type = "number"
title = { th = "จำนวนเงิน", en = "Amount" }
description = { th = "บาท", en = "Baht" }
"#;

/// Each criterion and the edit of [`FULL`] that misses it (and only it).
const MISSES: [(&str, &str, &str); 14] = [
    ("description", "description.en = \"This dataset has a description long enough for a reader to learn what the data is, how it was collected, what period it covers and how to reuse it.\"", "description.en = \"Too short.\""),
    ("column_titles", "title = { th = \"จำนวนเงิน\", en = \"Amount\" }", "title = { th = \"จำนวนเงิน\" }"),
    ("column_descriptions", "description = { th = \"บาท\", en = \"Baht\" }", "description = { th = \"บาท\" }"),
    ("license", "license = \"CC-BY-4.0\"", "license = \"CC-BY-NC-4.0\""),
    ("contact", "email = \"data@test.example.go.th\"", "email = \"\""),
    ("frequency", "frequency = \"annual\"\n", ""),
    ("dates", "issued = 2024-10-01\n", ""),
    ("temporal", "[statistics]\nyears = \"2567-2568\"\n", ""),
    ("spatial", "geo_coverage = { th = \"ประเทศ\", en = \"Country\" }\n", ""),
    ("keys", "primaryKey = \"budget_year\"\n", ""),
    ("types", "type = \"number\"", "type = \"any\""),
    ("keywords", "themes = [\"budget\"]\n", ""),
    ("objective", "objective = { th = \"เพื่อการทดสอบ\", en = \"For testing\" }\n", "objective = { th = \"เพื่อการทดสอบ\" }\n"),
    ("source", "data_source = { th = \"กรมทดสอบ\", en = \"Department of Tests\" }\n", ""),
];

#[test]
fn the_quality_score_counts_each_documented_criterion() {
    let f = Fixture::new();
    // No column is named fiscal_year: the time covered comes from statistics.years alone.
    let csv = "budget_year,amount\n2567,100\n2568,200\n";
    f.write("datasets/full/dataset.toml", FULL);
    f.write("datasets/full/data.csv", csv);
    for (criterion, from, to) in MISSES {
        assert!(FULL.contains(from), "{criterion}: the edit applies");
        let id = format!("miss-{}", criterion.replace('_', "-"));
        f.write(&format!("datasets/{id}/dataset.toml"), FULL.replacen(from, to, 1));
        f.write(&format!("datasets/{id}/data.csv"), csv);
    }
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(f.root().join("public/api/v1/quality/datasets.json")).unwrap()).unwrap();
    let rows = doc["rows"].as_array().unwrap();
    let row = |id: &str| rows.iter().find(|r| r["dataset"] == id).unwrap_or_else(|| panic!("{id}"));
    let full = row("full");
    assert_eq!((full["score"].as_f64(), full["criteria_met"].as_u64(), full["criteria_total"].as_u64()), (Some(100.0), Some(14), Some(14)));
    for (criterion, _, _) in MISSES {
        let r = row(&format!("miss-{}", criterion.replace('_', "-")));
        assert_eq!(r[criterion], false, "{criterion} is missed");
        assert_eq!(r["criteria_met"], 13, "{criterion}: only that one is missed: {r}");
        assert!(close(r["score"].as_f64().unwrap(), 13.0 / 14.0 * 100.0), "{criterion}");
    }
    let page = std::fs::read_to_string(f.root().join("public/en/datasets/miss-license/index.html")).unwrap();
    assert!(page.contains("92.86%") && page.contains("✗ not met:</span> A known open licence"), "the page shows the score and the criterion");
}

/// A portal with a projects dataset and datasets at the freshness boundary, built on 2026-01-01.
fn boundary_portal() -> Fixture {
    let f = Fixture::new();
    f.write(
        "datasets/projects/dataset.toml",
        r#"
title = { th = "โครงการ", en = "Projects" }
agency = "TEST"
license = "CC-BY-4.0"
[role]
type = "projects"
[role.columns]
agency = "agency"
project = "project"
deliverable = "deliverable"
due_date = "due"
percent_complete = "percent"
status = "status"
[[resources]]
name = "data"
path = "data.csv"
[[resources.schema.fields]]
name = "agency"
type = "string"
[[resources.schema.fields]]
name = "project"
type = "string"
[[resources.schema.fields]]
name = "deliverable"
type = "string"
[[resources.schema.fields]]
name = "due"
type = "date"
[[resources.schema.fields]]
name = "percent"
type = "number"
[[resources.schema.fields]]
name = "status"
type = "string"
"#,
    );
    f.write(
        "datasets/projects/data.csv",
        "agency,project,deliverable,due,percent,status\n\
         TEST,P,due-yesterday,2025-12-31,99,\n\
         TEST,P,due-today,2026-01-01,10,\n\
         TEST,P,in-90-days-under-75,2026-04-01,74.9,\n\
         TEST,P,in-91-days-under-75,2026-04-02,74.9,\n\
         TEST,P,in-90-days-at-75,2026-04-01,75,\n\
         TEST,P,reported-at-risk,2027-01-01,10,At risk\n\
         TEST,P,complete-late,2025-01-01,100,\n\
         TEST,P,reported-done,2025-01-01,80,Completed\n\
         MIN,Q,ministry-own,2027-01-01,10,\n",
    );
    let annual = |modified: &str| {
        format!("title = {{ th = \"รายปี\", en = \"Annual\" }}\nagency = \"TEST\"\nlicense = \"CC-BY-4.0\"\nfrequency = \"annual\"\nmodified = {modified}\n[[resources]]\nname = \"data\"\npath = \"data.csv\"\n[[resources.schema.fields]]\nname = \"x\"\ntype = \"integer\"\n")
    };
    // Annual: overdue 15 months after the update, i.e. from 2026-01-01 for 2024-10-01.
    f.write("datasets/overdue-today/dataset.toml", annual("2024-10-01"));
    f.write("datasets/overdue-today/data.csv", "x\n1\n");
    f.write("datasets/current-a-day-more/dataset.toml", annual("2024-10-02"));
    f.write("datasets/current-a-day-more/data.csv", "x\n1\n");
    f
}

#[test]
fn late_at_risk_and_overdue_at_their_boundaries_on_a_fixed_build_date() {
    let f = boundary_portal();
    let check = f.sala(&["check", "--lang", "en"]);
    let out = text(&check);
    assert!(check.status.success(), "{out}");
    assert_eq!(out.matches("warning[overdue]").count(), 1, "{out}");
    assert!(out.contains("the dataset overdue-today was last modified on 2024-10-01 but declares frequency annual, so it is overdue since 2026-01-01 (as of 2026-01-01)"), "{out}");
    let build = f.sala(&["build"]);
    assert!(build.status.success(), "{}", text(&build));
    let read = |p: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(f.root().join("public").join(p)).unwrap()).unwrap() };
    let doc = read("api/v1/projects/deliverables.json");
    let states: BTreeMap<String, String> =
        doc["rows"].as_array().unwrap().iter().map(|r| (r["deliverable"].as_str().unwrap().into(), r["state"].as_str().unwrap().into())).collect();
    let expected = [
        ("due-yesterday", "late"),
        ("due-today", "at-risk"),
        ("in-90-days-under-75", "at-risk"),
        ("in-91-days-under-75", "on-track"),
        ("in-90-days-at-75", "on-track"),
        ("reported-at-risk", "at-risk"),
        ("complete-late", "done"),
        ("reported-done", "done"),
        ("ministry-own", "on-track"),
    ];
    for (name, state) in expected {
        assert_eq!(states[name], state, "{name}");
    }
    let rollup = read("api/v1/projects/rollup.json");
    let row = |code: &str| rollup["rows"].as_array().unwrap().iter().find(|r| r["code"] == code).cloned().unwrap();
    assert_eq!([row("TEST")["late"].as_u64(), row("TEST")["at_risk"].as_u64(), row("TEST")["on_track"].as_u64(), row("TEST")["done"].as_u64()], [Some(1), Some(3), Some(2), Some(2)]);
    // The ministry adds up its agency's and its own.
    assert_eq!(row("MIN")["deliverables"], 9);
    assert_eq!(row("")["level"], "portal");
    let quality = read("api/v1/quality/datasets.json");
    let fresh = |id: &str| quality["rows"].as_array().unwrap().iter().find(|r| r["dataset"] == id).unwrap()["freshness"].clone();
    assert_eq!(fresh("overdue-today"), "overdue");
    assert_eq!(fresh("current-a-day-more"), "current");
    assert_eq!(fresh("projects"), "unknown");
    // The pages say which date they judge against.
    let page = std::fs::read_to_string(f.root().join("public/en/dashboard/index.html")).unwrap();
    assert!(page.contains("as of 1 Jan 2026"), "the build date is on the page");
}

#[test]
fn an_unreadable_source_date_epoch_is_a_clear_error() {
    let f = Fixture::new();
    let out = Command::new(env!("CARGO_BIN_EXE_sala")).args(["check", "--root"]).arg(f.root()).env("SOURCE_DATE_EPOCH", "yesterday").env("NO_COLOR", "1").output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("SOURCE_DATE_EPOCH=\"yesterday\" is not a number of seconds since 1970-01-01"), "{}", text(&out));
}

#[test]
fn role_data_errors_name_the_column_and_the_fix() {
    let f = boundary_portal();
    f.write("datasets/projects/data.csv", "agency,project,deliverable,due,percent,status\nTEST,P,d,2026-01-01,45%,\n");
    let out = text(&f.sala(&["check", "--lang", "en"]));
    assert!(out.contains("type-error") || out.contains("45%"), "{out}");
    f.write("datasets/projects/data.csv", "agency,project,deliverable,due,percent,status\nTEST,P,d,2026-01-01,145,\n");
    let out = text(&f.sala(&["check", "--lang", "en"]));
    assert!(out.contains("the percent complete 145 in the column percent is not between 0 and 100"), "{out}");
    f.write("datasets/projects/data.csv", "agency,project,deliverable,due,percent,status\nTEST,P,d,2026-01-01,40,\nTEST,P,e,,40,\n");
    let out = text(&f.sala(&["check", "--lang", "en"]));
    assert!(out.contains("datasets/projects/data.csv:3") || out.contains("row 3"), "{out}");
    assert!(out.contains("the column due (due_date) is empty in 1 rows, which could not be counted"), "{out}");
}

#[test]
fn every_dashboard_page_exists_in_both_languages_with_its_views() {
    for (prefix, glance, views) in [("", "ภาพรวม", ["เชิงปฏิบัติการ", "เชิงกลยุทธ์", "เชิงยุทธศาสตร์"]), ("en/", "At a glance", ["Operational", "Tactical", "Strategic"])] {
        let page = read(&format!("{prefix}dashboard/index.html"));
        assert!(page.contains(glance), "{prefix}");
        for v in views {
            assert!(page.contains(v), "{prefix}: {v}");
        }
        for sub in ["maturity", "projects", "budget"] {
            assert!(page.contains(&format!("href=/{prefix}dashboard/{sub}/")), "{prefix}: link to {sub}");
            assert!(public().join(format!("{prefix}dashboard/{sub}/index.html")).is_file());
        }
    }
    // Ministry (MOC) and agency (DOC) pages open with their own summary.
    let mof = read("en/agencies/mof/index.html");
    assert!(mof.contains("At a glance") && mof.contains("Each agency by assessment year"));
    let dopa = read("agencies/dopa/index.html");
    assert!(dopa.contains("ภาพรวม") && dopa.contains("id=projects") && dopa.contains("id=data-quality"));
    // The OpenAPI description lists the new tables.
    let openapi: Value = serde_json::from_str(&read("api/openapi.json")).unwrap();
    for p in ["/api/v1/maturity/trend.csv", "/api/v1/targets/progress.json", "/api/v1/projects/deliverables.json", "/api/v1/projects/rollup.csv", "/api/v1/quality/datasets.json", "/api/v1/quality/agencies.csv"] {
        assert!(openapi["paths"].get(p).is_some(), "{p}");
    }
}

fn runs(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

/// The browser test: e2e/dashboard.mjs on the built demo. Needs node, Debian's chromium and
/// e2e/node_modules; outside CI a missing one skips the test with a message, in CI it fails.
#[test]
fn the_summary_fits_one_screen_and_the_pages_pass_axe_in_chromium() {
    let e2e = repo_root().join("e2e");
    let chromium = std::env::var("SALA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing: Vec<&str> = [
        (!runs("node")).then_some("node"),
        (!std::path::Path::new(&chromium).exists()).then_some("chromium"),
        (!e2e.join("node_modules/playwright-core").is_dir()).then_some("e2e/node_modules (npm ci --prefix e2e)"),
        (!e2e.join("node_modules/axe-core").is_dir()).then_some("e2e/node_modules/axe-core (npm ci --prefix e2e)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        assert!(std::env::var_os("CI").is_none(), "the browser test needs {missing:?}");
        eprintln!("skipped: the browser test needs {missing:?}");
        return;
    }
    let out = Command::new("node").arg(e2e.join("dashboard.mjs")).arg(public()).env("SALA_CHROMIUM", &chromium).output().unwrap();
    let report = text(&out);
    eprintln!("{report}");
    assert!(out.status.success(), "{report}");
    assert!(report.contains("all dashboard checks passed"));
}
