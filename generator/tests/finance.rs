//! The demo's finance pages, maturity scores and dashboard: every published aggregate is
//! recomputed here independently from the source CSVs (plain Polars group-bys, plain Rust for
//! the scores) and must match the JSON and CSV under /api/v1/ and the figures on the pages.

mod common;

use common::files_under;
use polars::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use common::{demo_public as public, read_demo as read, repo_root};

fn source_csv(path: &str) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(repo_root().join(path)))
        .unwrap()
        .finish()
        .unwrap()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.006
}

/// Registry rows: code → (ministry code, Thai name, English name); a ministry is its own ministry.
fn registry() -> BTreeMap<String, (String, String, String)> {
    let df = source_csv("datasets/agencies/agencies.csv");
    let s = |c: &str| df.column(c).unwrap().str().unwrap().clone();
    let (code, parent, th, en) = (s("code"), s("parent"), s("name_th"), s("name_en"));
    (0..df.height())
        .map(|i| {
            let code = code.get(i).unwrap().to_string();
            let ministry = parent.get(i).map_or(code.clone(), str::to_string);
            (code, (ministry, th.get(i).unwrap().to_string(), en.get(i).unwrap().to_string()))
        })
        .collect()
}

fn ministries() -> Vec<String> {
    registry().into_iter().filter(|(c, (m, _, _))| c == m).map(|(c, _)| c).collect()
}

/// A budget CSV with each row's ministry added, as a lazy frame.
fn with_ministry(path: &str) -> LazyFrame {
    let reg = registry();
    let codes: Vec<&str> = reg.keys().map(String::as_str).collect();
    let ministry: Vec<&str> = reg.values().map(|(m, _, _)| m.as_str()).collect();
    let map = df!("agency" => codes, "ministry" => ministry).unwrap();
    source_csv(path)
        .lazy()
        .with_column(col("amount").cast(DataType::Float64))
        .join(map.lazy(), [col("agency")], [col("agency")], JoinArgs::new(JoinType::Left))
}

/// Sums of `amount` by (unit code, extra keys…): per agency, per ministry, and the portal (code "").
fn unit_sums(path: &str, keys: &[&str]) -> BTreeMap<(String, Vec<String>), f64> {
    let mut out = BTreeMap::new();
    for unit in ["agency", "ministry", ""] {
        let mut by: Vec<Expr> = keys.iter().map(|k| col(*k).cast(DataType::String)).collect();
        if !unit.is_empty() {
            by.insert(0, col(unit));
        }
        let df = with_ministry(path).group_by(by).agg([col("amount").sum()]).collect().unwrap();
        let amount = df.column("amount").unwrap().f64().unwrap().clone();
        for i in 0..df.height() {
            let code = if unit.is_empty() { String::new() } else { df.column(unit).unwrap().str().unwrap().get(i).unwrap().to_string() };
            let values: Vec<String> = keys.iter().map(|k| df.column(k).unwrap().str().unwrap().get(i).unwrap().to_string()).collect();
            out.insert((code, values), amount.get(i).unwrap());
        }
    }
    out
}

/// A published table (`api/v1/…` without extension) read from its JSON; its CSV must hold the
/// same rows, cell for cell.
fn published(path: &str) -> Vec<BTreeMap<String, Value>> {
    let json: Value = serde_json::from_str(&read(&format!("{path}.json"))).unwrap();
    let rows: Vec<BTreeMap<String, Value>> = json["rows"].as_array().unwrap().iter().map(|r| serde_json::from_value(r.clone()).unwrap()).collect();
    assert_eq!(json["count"], rows.len(), "{path}");
    let csv = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(public().join(format!("{path}.csv"))))
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(csv.height(), rows.len(), "{path}: CSV and JSON row counts");
    for column in csv.columns() {
        let cells = column.str().unwrap();
        for (i, row) in rows.iter().enumerate() {
            let expected = match &row[column.name().as_str()] {
                Value::Null => None,
                Value::String(s) if s.is_empty() => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            };
            assert_eq!(cells.get(i).map(str::to_string), expected, "{path} row {i}: {} differs between CSV and JSON", column.name());
        }
    }
    rows
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

#[test]
fn authorities_and_expenditures_by_year_match_a_plain_group_by() {
    let auth = unit_sums("datasets/budget-appropriations/appropriations.csv", &["fiscal_year"]);
    let exp = unit_sums("datasets/budget-expenditures/expenditures.csv", &["fiscal_year"]);
    let rows = published("api/v1/finance/years");
    let keys: BTreeSet<&(String, Vec<String>)> = auth.keys().chain(exp.keys()).collect();
    assert_eq!(rows.len(), keys.len(), "one row per unit and year");
    for r in &rows {
        let key = (r["code"].as_str().unwrap().to_string(), vec![r["fiscal_year"].to_string()]);
        let (a, e) = (auth[&key], exp[&key]);
        assert_eq!(f(&r["authorities"]), Some(a), "{key:?}");
        assert_eq!(f(&r["expenditures"]), Some(e), "{key:?}");
        assert!(close(f(&r["spending_rate"]).unwrap(), e / a * 100.0), "{key:?}");
        let level = match key.0.as_str() {
            "" => "portal",
            c if ministries().iter().any(|m| m == c) => "ministry",
            _ => "agency",
        };
        assert_eq!(r["level"], level);
    }
    // The demo's portal total for B.E. 2568, as the source rows add up.
    let total = rows.iter().find(|r| r["level"] == "portal" && r["fiscal_year"] == 2568).unwrap();
    assert_eq!(f(&total["authorities"]), Some(auth[&(String::new(), vec!["2568".into()])]));
}

/// Checks a breakdown table (`objects` or `programs`) against the source for every unit.
fn check_breakdown(table: &str, key_column: &str, published_key: &str) {
    let exp = unit_sums("datasets/budget-expenditures/expenditures.csv", &["fiscal_year", key_column]);
    let rows = published(&format!("api/v1/finance/{table}"));
    let mut units: BTreeMap<String, Vec<&BTreeMap<String, Value>>> = BTreeMap::new();
    for r in &rows {
        units.entry(r["code"].as_str().unwrap().to_string()).or_default().push(r);
    }
    let unit_codes: BTreeSet<String> = exp.keys().map(|(c, _)| c.clone()).collect();
    assert_eq!(units.keys().cloned().collect::<BTreeSet<_>>(), unit_codes, "{table}: every unit with expenditures");
    for (code, list) in units {
        let latest = exp.keys().filter(|(c, _)| *c == code).map(|(_, k)| k[0].parse::<i64>().unwrap()).max().unwrap();
        let keys: BTreeSet<&str> = exp.keys().filter(|(c, k)| *c == code && k[0].parse::<i64>().unwrap() >= latest - 1).map(|(_, k)| k[1].as_str()).collect();
        assert_eq!(list.len(), keys.len(), "{table} {code}: one row per {key_column} of the last two years");
        let amounts: Vec<f64> = list.iter().map(|r| f(&r["amount"]).unwrap()).collect();
        assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{table} {code}: largest first: {amounts:?}");
        for r in list {
            assert_eq!(r["fiscal_year"], latest);
            assert_eq!(r["previous_fiscal_year"], latest - 1);
            let k = r[published_key].as_str().unwrap().to_string();
            let now = exp.get(&(code.clone(), vec![latest.to_string(), k.clone()])).copied().unwrap_or(0.0);
            let before = exp.get(&(code.clone(), vec![(latest - 1).to_string(), k.clone()])).copied().unwrap_or(0.0);
            assert_eq!(f(&r["amount"]), Some(now), "{table} {code} {k}");
            assert_eq!(f(&r["previous_amount"]), Some(before), "{table} {code} {k}");
            assert_eq!(f(&r["change"]), Some(round2(now - before)), "{table} {code} {k}");
            assert!(close(f(&r["change_percent"]).unwrap(), (now - before) / before * 100.0), "{table} {code} {k}");
        }
    }
}

#[test]
fn expenditures_by_standard_object_match_a_plain_group_by() {
    check_breakdown("objects", "budget_category", "standard_object");
}

#[test]
fn expenditures_by_programme_match_a_plain_group_by() {
    check_breakdown("programs", "program", "program");
}

#[test]
fn each_agencys_files_hold_exactly_its_rows_of_the_portal_tables() {
    for table in ["years", "objects", "programs"] {
        let all = published(&format!("api/v1/finance/{table}"));
        for code in registry().keys() {
            let own = published(&format!("api/v1/finance/agencies/{}/{table}", code.to_ascii_lowercase()));
            let expected: Vec<_> = all.iter().filter(|r| r["code"] == code.as_str()).cloned().collect();
            assert!(!own.is_empty(), "{code} {table}");
            assert_eq!(own, expected, "{code} {table}");
            let summary: Value = serde_json::from_str(&read(&format!("api/v1/finance/agencies/{}.json", code.to_ascii_lowercase()))).unwrap();
            assert_eq!(summary[table], serde_json::to_value(&expected).unwrap(), "{code} summary {table}");
        }
    }
}

/// One service of the latest assessment year in services.csv (the scores, services and
/// next-stage tables are the latest assessment's): agency and its ten criteria in survey order.
fn services() -> Vec<(String, String, [bool; 10])> {
    let all = source_csv("datasets/e-services/services.csv");
    let latest = all.column("assessment_year").unwrap().i64().unwrap().max().unwrap();
    let df = all.lazy().filter(col("assessment_year").eq(lit(latest))).collect().unwrap();
    let criteria = [
        "downloadable_forms", "audio_video", "multilingual", "two_way_contact", "online_survey",
        "online_application", "online_payment", "end_to_end", "data_exchange", "one_stop",
    ];
    let flags: Vec<BooleanChunked> = criteria.iter().map(|c| df.column(c).unwrap().bool().unwrap().clone()).collect();
    let id = df.column("service_id").unwrap().str().unwrap().clone();
    let agency = df.column("agency").unwrap().str().unwrap().clone();
    (0..df.height())
        .map(|i| (id.get(i).unwrap().to_string(), agency.get(i).unwrap().to_string(), std::array::from_fn(|c| flags[c].get(i).unwrap())))
        .collect()
}

/// A service's stage completions, straight from the survey's rules.
fn stages(c: &[bool; 10]) -> [f64; 4] {
    let n = |r: std::ops::Range<usize>| c[r].iter().filter(|x| **x).count() as f64;
    [100.0, 25.0 * n(0..4), 25.0 * n(4..8), 50.0 * n(8..10)]
}

fn index(s: [f64; 4]) -> f64 {
    (7.0 * s[0] + 24.0 * s[1] + 30.0 * s[2] + 39.0 * s[3]) / 100.0
}

#[test]
fn maturity_scores_match_the_survey_rules_applied_by_hand() {
    let reg = registry();
    let mut groups: BTreeMap<(String, String), Vec<[f64; 4]>> = BTreeMap::new();
    for (_, agency, c) in services() {
        let s = stages(&c);
        groups.entry(("agency".into(), agency.clone())).or_default().push(s);
        groups.entry(("ministry".into(), reg[&agency].0.clone())).or_default().push(s);
        groups.entry(("portal".into(), String::new())).or_default().push(s);
    }
    let rows = published("api/v1/maturity/scores");
    assert_eq!(rows.len(), groups.len());
    for r in &rows {
        let key = (r["level"].as_str().unwrap().to_string(), r["code"].as_str().unwrap().to_string());
        let list = &groups[&key];
        let mean: [f64; 4] = std::array::from_fn(|i| list.iter().map(|s| s[i]).sum::<f64>() / list.len() as f64);
        assert_eq!(r["services"], list.len(), "{key:?}");
        for (i, m) in mean.iter().enumerate() {
            assert!(close(f(&r[&format!("stage{}", i + 1)]).unwrap(), *m), "{key:?} stage {}", i + 1);
        }
        assert!(close(f(&r["index"]).unwrap(), index(mean)), "{key:?} index");
    }
    // Every ministry of the registry has services in the demo, so each has a score.
    for m in ministries() {
        assert!(rows.iter().any(|r| r["level"] == "ministry" && r["code"] == m.as_str()), "{m}");
    }
}

#[test]
fn each_service_and_the_ten_closest_to_their_next_stage_match_by_hand() {
    let rows = published("api/v1/maturity/services");
    let mut source = services();
    source.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(rows.len(), source.len());
    // (gap to the next stage, -index, id) for every service not yet at the top.
    let mut gaps = Vec::new();
    for ((id, agency, c), r) in source.iter().zip(&rows) {
        let s = stages(c);
        assert_eq!(r["service_id"], id.as_str());
        assert_eq!(r["agency"], agency.as_str());
        for i in 0..4 {
            assert_eq!(f(&r[&format!("stage{}", i + 1)]), Some(s[i]), "{id}");
        }
        assert!(close(f(&r["index"]).unwrap(), index(s)), "{id}");
        let reached = s.iter().take_while(|x| **x >= 100.0).count();
        assert_eq!(r["stage_reached"], reached, "{id}");
        if reached < 4 {
            assert_eq!(r["next_stage"], reached + 1, "{id}");
            gaps.push((100.0 - s[reached], -index(s), id.clone()));
        }
    }
    gaps.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    let expected: Vec<String> = gaps.into_iter().take(10).map(|g| g.2).collect();
    let closest: Vec<String> = published("api/v1/maturity/next-stage").iter().map(|r| r["service_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(closest, expected);
}

/// Text as the minified pages carry it (quotes and `>` need no escape in text).
fn html_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;")
}

#[test]
fn every_agency_page_shows_profile_finance_and_maturity_in_both_languages() {
    let reg = registry();
    let agencies = source_csv("datasets/agencies/agencies.csv");
    let s = |c: &str| agencies.column(c).unwrap().str().unwrap().clone();
    let exp = unit_sums("datasets/budget-expenditures/expenditures.csv", &["fiscal_year"]);
    let auth = unit_sums("datasets/budget-appropriations/appropriations.csv", &["fiscal_year"]);
    for i in 0..agencies.height() {
        let code = s("code").get(i).unwrap().to_string();
        for (lang, prefix, fy, money) in [("th", "", "ปีงบประมาณ 2568", " ล้านบาท"), ("en", "en/", "FY2025 (B.E. 2568)", " million")] {
            let page = read(&format!("{prefix}agencies/{}/index.html", code.to_ascii_lowercase()));
            for column in ["legal_title", "minister", "mandate", "enabling_act"] {
                let value = s(&format!("{column}_{lang}")).get(i).unwrap().to_string();
                assert!(page.contains(&html_text(&value)), "{code} {lang}: {column}");
            }
            assert!(page.contains(s("website").get(i).unwrap()), "{code} {lang}: website");
            // Other organisations of the same ministry (or, on a ministry's page, its organisations).
            let ministry = &reg[&code].0;
            for (other, (m, th, en)) in &reg {
                if m == ministry && other != &code && other != ministry {
                    assert!(page.contains(&html_text(if lang == "th" { th } else { en })), "{code} {lang}: related {other}");
                }
            }
            for id in ["finance", "chart-finance-years", "chart-finance-objects", "chart-finance-programs", "maturity", "chart-maturity"] {
                assert!(page.contains(&format!("id={id}")), "{code} {lang}: section {id}");
            }
            assert!(page.contains(fy), "{code} {lang}: fiscal year label");
            let key = (code.clone(), vec!["2568".to_string()]);
            let millions = |x: f64| {
                let text = format!("{:.2}", x / 1e6);
                let (whole, frac) = text.split_once('.').unwrap();
                let mut grouped = String::new();
                for (n, ch) in whole.chars().enumerate() {
                    if n > 0 && (whole.len() - n) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(ch);
                }
                format!("{grouped}.{frac}")
            };
            let (a, e) = (auth[&key], exp[&key]);
            let (a_text, e_text) = if lang == "th" {
                (format!("{}{money}", millions(a)), format!("{}{money}", millions(e)))
            } else {
                (format!("THB {}{money}", millions(a)), format!("THB {}{money}", millions(e)))
            };
            assert!(page.contains(&a_text), "{code} {lang}: latest authorities {a_text}");
            assert!(page.contains(&e_text), "{code} {lang}: latest expenditures {e_text}");
            assert!(page.contains(&format!("{:.2}%", e / a * 100.0)), "{code} {lang}: spending rate");
        }
    }
    // Each section names the datasets its figures come from.
    let mof = read("en/agencies/mof/index.html");
    for id in ["budget-appropriations", "budget-expenditures", "e-services"] {
        assert!(mof.contains(&format!("<a href=/en/datasets/{id}/>")), "source {id}");
    }
    // And each such dataset's page says what it is used for.
    assert!(read("en/datasets/e-services/index.html").contains("e-service maturity scores on agency pages and the dashboard"));
    assert!(read("datasets/budget-expenditures/index.html").contains("ผลการเบิกจ่ายในหน้าหน่วยงานและแดชบอร์ด"));
    // Each assessed service's name links to the service.
    let bb = read("en/agencies/bb/index.html");
    assert!(bb.contains("<a href=https://www.bb.go.th rel=noopener>Annual budget documents download</a>"), "service link");
}

#[test]
fn the_dashboard_shows_every_ministry_the_portal_index_and_budget_in_both_languages() {
    let reg = registry();
    let mut all = Vec::new();
    for (_, _, c) in services() {
        all.push(stages(&c));
    }
    let mean: [f64; 4] = std::array::from_fn(|i| all.iter().map(|s| s[i]).sum::<f64>() / all.len() as f64);
    // The summary and the tactical view on /dashboard/, the details on their own pages.
    for (prefix, lang) in [("", "th"), ("en/", "en")] {
        let page = read(&format!("{prefix}dashboard/index.html"));
        let maturity = read(&format!("{prefix}dashboard/maturity/index.html"));
        let budget = read(&format!("{prefix}dashboard/budget/index.html"));
        assert!(page.contains(&format!("{:.2}%", index(mean))), "{lang}: portal index");
        assert!(maturity.contains(&format!("{:.2}%", index(mean))), "{lang}: portal index");
        for m in ministries() {
            let (_, th, en) = &reg[&m];
            let name = html_text(if lang == "th" { th } else { en });
            // In the heat table and in the budget chart and table.
            assert!(page.matches(&format!(">{name}<")).count() >= 1, "{lang}: {name}");
            assert!(maturity.matches(&format!(">{name}<")).count() >= 1, "{lang}: {name}");
            assert!(budget.matches(&format!(">{name}<")).count() >= 2, "{lang}: {name}");
        }
        for id in ["chart-portal-stages", "chart-maturity-trend"] {
            assert!(maturity.contains(&format!("id={id}")), "{lang}: {id}");
        }
        assert!(budget.contains("id=chart-budget-ministries"), "{lang}: budget chart");
        assert!(page.contains("class=\"num heat heat-") && maturity.contains("class=\"num heat heat-"), "{lang}: heat cells");
        // The budget by ministry: small multiples, each ministry to its own scale, so that each
        // one's largest bar spans its chart (on one scale three of four were slivers).
        let budget = &budget[budget.find("id=chart-budget-ministries").unwrap()..];
        let budget = &budget[..budget.find("<table").unwrap()];
        let bar = regex::Regex::new(r#"<rect class=t-authorities height=18 width=([0-9.]+)%"#).unwrap();
        let charts: Vec<&str> = budget.split("<svg").skip(1).collect();
        assert_eq!(charts.len(), 4, "{lang}: one chart per ministry with finance data");
        for chart in charts {
            let longest = bar.captures_iter(chart).map(|c| c[1].parse::<f64>().unwrap()).fold(0.0, f64::max);
            assert!(longest > 60.0, "{lang}: the largest bar of each ministry is long: {longest}");
        }
    }
}

/// Every chart is an image with a title and a description, followed by its table twin, and
/// every number the description reads out is in that table.
#[test]
fn charts_have_text_alternatives_and_table_twins() {
    let svg = regex::Regex::new(r#"(?s)<svg ([^>]*)>(.*?)</svg>"#).unwrap();
    let number = regex::Regex::new(r"-?[0-9][0-9,]*\.[0-9]{2}%?").unwrap();
    let labelled_by = regex::Regex::new(r#"aria-labelledby="([^"]+)""#).unwrap();
    let mut charts = 0;
    for file in files_under(&public()).into_iter().filter(|f| f.ends_with(".html")) {
        let html = read(&file);
        for cap in svg.captures_iter(&html) {
            let (attrs, body) = (&cap[1], &cap[2]);
            // A summary tile's trend line states every point in its description; its table
            // twin is on the page the tile links to (the maturity trend).
            if attrs.contains("class=\"chart spark\"") {
                assert!(body.contains("<desc id=") && number.is_match(body), "{file}: a trend line reads out its values");
                continue;
            }
            charts += 1;
            assert!(attrs.contains("role=img"), "{file}: {attrs}");
            let ids = labelled_by.captures(attrs).unwrap_or_else(|| panic!("{file}: {attrs}"));
            let ids: Vec<&str> = ids[1].split(' ').collect();
            assert!(body.starts_with(&format!("<title id={}>", ids[0])), "{file}: title first");
            let desc_start = format!("<desc id={}>", ids[1]);
            let desc = &body[body.find(&desc_start).unwrap() + desc_start.len()..];
            let desc = &desc[..desc.find("</desc>").unwrap()];
            let after = &html[cap.get(0).unwrap().end()..];
            let table_start = after.find("<table").unwrap_or_else(|| panic!("{file}: no table after a chart"));
            let table = &after[table_start..after.find("</table>").unwrap()];
            // Small multiples (one chart per ministry) share the table after the last of them;
            // any other chart has its own before the next chart.
            let before = &after[..table_start];
            let in_multiples = before.starts_with("</div><div><h4>") || before.starts_with("</div></div>");
            assert!(!before.contains("<svg") || in_multiples, "{file}: the table comes before the next chart");
            assert!(!table.contains("<svg"), "{file}: a table holds no chart");
            for n in number.find_iter(desc) {
                assert!(table.contains(&format!(">{}<", n.as_str())), "{file}: {} read out but not in the table", n.as_str());
            }
        }
    }
    // 12 agency pages × 5 charts (finance years, objects, programmes; maturity stages and
    // trend) + 2 on /dashboard/maturity/, 1 on /dashboard/projects/ and on /dashboard/budget/
    // one budget chart for each of the 4 ministries with finance data, in two languages.
    assert_eq!(charts, 2 * (12 * 5 + 2 + 1 + 4));
}

#[test]
fn no_page_repeats_an_id() {
    let id = regex::Regex::new(r#"\sid=(?:"([^"]*)"|([^\s>"]+))"#).unwrap();
    for file in files_under(&public()).into_iter().filter(|f| f.ends_with(".html")) {
        let html = read(&file);
        let mut seen = BTreeSet::new();
        for cap in id.captures_iter(&html) {
            let value = cap.get(1).or(cap.get(2)).unwrap().as_str().to_string();
            assert!(seen.insert(value.clone()), "{file}: id {value} twice");
        }
    }
}

/// The Nu Html Checker (npm `vnu-jar`, run with Java), which `.ci/run` installs.
fn vnu() -> Option<PathBuf> {
    let npm_root = std::process::Command::new("npm").args(["root", "-g"]).output().ok()?;
    let jar = PathBuf::from(String::from_utf8_lossy(&npm_root.stdout).trim()).join("vnu-jar/build/dist/vnu.jar");
    let java = std::process::Command::new("java").arg("-version").output().ok()?;
    (java.status.success() && jar.is_file()).then_some(jar)
}

#[test]
fn every_page_is_valid_html_for_the_nu_checker() {
    let Some(jar) = vnu() else {
        assert!(std::env::var_os("CI").is_none(), "CI must install Java and vnu-jar (see .ci/run)");
        eprintln!("\n\n*** SKIPPED every_page_is_valid_html_for_the_nu_checker: Java or vnu-jar is missing; run `npm install -g vnu-jar` ***\n");
        return;
    };
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .arg(public())
        .output()
        .unwrap();
    // vnu writes its report to standard error.
    let report: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let errors: Vec<String> = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| format!("{}: {}", m["url"].as_str().unwrap_or(""), m["message"].as_str().unwrap_or("")))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
