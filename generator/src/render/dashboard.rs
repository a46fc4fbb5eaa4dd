//! The e-government dashboards the study describes: one screen first (the index and its
//! trend, targets with their gaps, projects late or at risk, the budget's spending rate, data
//! freshness), each linking to its detail — for the portal (`/dashboard/`, the Prime
//! Minister's Office view), a ministry (its agencies) and an agency (itself). Below the
//! portal's summary: the operational view (what is happening now: overdue datasets, urgent
//! deliverables), the tactical view (ministries compared) and the strategic view (targets).
//! Detail pages: `/dashboard/maturity/`, `/dashboard/projects/`, `/dashboard/budget/`. Every
//! table is also published under `/api/v1/` as CSV and JSON.

use super::OutputFile;
use super::chart::{BarChart, Group, LineChart, Tone};
use super::finance::{
    ApiTable, FINANCE_ROLES, MATURITY_ROLES, NONE, cell, downloads, figure, num, opt, or_none, sources, table, text_cell,
    with_downloads,
};
use super::page::{t, unit};
use crate::lang::Lang;
use crate::load::role::RoleKind;
use crate::model::maturity::{Score, Unit};
use crate::model::projects::{Deliverable, Rollup, State};
use crate::model::quality::{self, CRITERIA};
use crate::model::targets::{Progress, Status};
use crate::model::{Agency, Dataset, Site, format};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// How many targets a summary tile lists (the strategic view lists them all).
pub const TILE_TARGETS: usize = 3;
/// How many datasets the operational view lists as lowest-scoring.
pub const LOWEST: usize = 10;
/// How many urgent deliverables the operational view lists.
pub const URGENT: usize = 10;
/// How many rows a dashboard table shows at most (no page grows with the portal); the
/// downloads beneath each table hold every row.
pub const ROWS_SHOWN: usize = 50;
/// How many rows the summaries' lists show (the portal's datasets overdue and quality per unit,
/// an agency's datasets by quality, like its first 20 datasets):
/// the operational view is read at a glance; the downloads and the agency pages hold the rest.
pub const OVERVIEW_ROWS: usize = 20;

/// Keeps the first `limit` rows ([`ROWS_SHOWN`] or [`OVERVIEW_ROWS`]), and the total for the
/// table's note.
fn capped<T>(mut rows: Vec<T>, limit: usize) -> (Vec<T>, usize) {
    let total = rows.len();
    rows.truncate(limit);
    (rows, total)
}

fn note_if_cut(site: &Site, mut table: Value, shown: usize, total: usize, lang: Lang) -> Value {
    if total > shown {
        table["note"] = json!(t(site, lang, "table_first_rows")
            .replace("{shown}", &format::integer(shown as i64))
            .replace("{total}", &format::integer(total as i64)));
    }
    table
}

const TARGET_ROLES: &[RoleKind] = &[RoleKind::Targets];
const PROJECT_ROLES: &[RoleKind] = &[RoleKind::Projects];

/// The tables of the API this module writes: (group, table, what it holds).
pub const API_TABLES: [(&str, &str, &str); 6] = [
    ("maturity", "trend", "E-service maturity per assessment year, for every agency, ministry and the portal, with the change from the previous assessment"),
    ("targets", "progress", "Targets with the latest value, the gap and a plain linear projection to the target year"),
    ("projects", "deliverables", "Every project deliverable with its due date, percent complete and state on the build's date"),
    ("projects", "rollup", "Deliverables by state per agency, ministry and the portal"),
    ("quality", "datasets", "Each dataset's metadata quality score, criteria met and freshness on the build's date"),
    ("quality", "agencies", "Metadata quality and freshness summed per agency, ministry and the portal"),
];

/// Whether the portal has the data of an API group.
pub fn has_table(site: &Site, group: &str) -> bool {
    match group {
        "maturity" => !site.maturity.history.is_empty(),
        "targets" => !site.targets.is_empty(),
        "projects" => site.projects.portal.is_some(),
        _ => !site.datasets.is_empty(),
    }
}

/// Whose dashboard.
#[derive(Clone, Copy)]
enum Whose<'a> {
    Portal,
    Unit(&'a Agency),
}

impl<'a> Whose<'a> {
    fn maturity_unit(self) -> Unit<'a> {
        match self {
            Whose::Portal => Unit::Portal,
            Whose::Unit(a) if a.is_top_level() => Unit::Ministry(&a.code),
            Whose::Unit(a) => Unit::Agency(&a.code),
        }
    }

    /// Whether the data of agency `code` counts for it: the portal counts everything, an agency
    /// itself, a ministry itself and its agencies.
    fn includes(self, site: &Site, code: &str) -> bool {
        match self {
            Whose::Portal => true,
            Whose::Unit(a) => a.code == code || (a.is_top_level() && parent_of(site, code) == Some(a.code.as_str())),
        }
    }
}

/// The parent ministry of agency `code` (the registry is sorted by code).
fn parent_of<'a>(site: &'a Site, code: &str) -> Option<&'a str> {
    let i = site.agencies.binary_search_by(|x| x.code.as_str().cmp(code)).ok()?;
    site.agencies[i].parent.as_deref()
}

fn points(x: f64) -> String {
    let text = format::fixed(x, 2);
    if x > 0.0 && text != "0.00" { format!("+{text}") } else { text }
}

fn assessment_label(site: &Site, year: Option<i64>, lang: Lang) -> String {
    year.map_or_else(|| t(site, lang, "assessment_undated"), |y| format::fiscal_year(y, lang))
}

fn indicator_name(site: &Site, indicator: &str, lang: Lang) -> String {
    t(site, lang, &format!("indicator_{indicator}"))
}

fn unit_name(site: &Site, code: Option<&str>, lang: Lang) -> String {
    match code {
        None => t(site, lang, "whole_portal"),
        Some(c) => site.agency(c).map_or_else(|| c.to_string(), |a| a.name.get(lang).to_string()),
    }
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Met | Status::OnCourse => "ok",
        Status::Missed | Status::OffCourse => "bad",
        Status::NoTrend | Status::NoData => "unknown",
    }
}

fn state_class(s: State) -> &'static str {
    match s {
        State::Late => "bad",
        State::AtRisk => "warn",
        State::OnTrack => "ok",
        State::Done => "done",
    }
}

fn state_label(site: &Site, s: State, lang: Lang) -> String {
    t(site, lang, &format!("state_{}", s.name().replace('-', "_")))
}

fn status_label(site: &Site, s: Status, lang: Lang) -> String {
    t(site, lang, &format!("target_{}", s.name().replace('-', "_")))
}

fn freshness_label(site: &Site, s: quality::State, lang: Lang) -> String {
    t(site, lang, &format!("freshness_{}", s.name().replace('-', "_")))
}

/// The targets about `whose` (a ministry's include its agencies').
fn targets_of<'a>(site: &'a Site, whose: Whose) -> Vec<&'a Progress> {
    site.targets
        .iter()
        .filter(|p| match (whose, &p.target.scope) {
            (Whose::Portal, None) => true,
            (Whose::Portal, Some(_)) | (Whose::Unit(_), None) => false,
            (Whose::Unit(_), Some(code)) => whose.includes(site, code),
        })
        .collect()
}

fn datasets_of<'a>(site: &'a Site, whose: Whose) -> Vec<&'a Dataset> {
    match whose {
        Whose::Portal => site.datasets.iter().collect(),
        // From the index by agency, in the site's order: a scan of every dataset per agency
        // page made each agency page's cost grow with the portal.
        Whose::Unit(a) => {
            let mut codes = vec![a.code.as_str()];
            if a.is_top_level() {
                codes.extend(site.agencies.iter().filter(|x| x.parent.as_deref() == Some(a.code.as_str())).map(|x| x.code.as_str()));
            }
            let mut found: Vec<usize> = codes.iter().flat_map(|c| site.by_agency.get(*c).into_iter().flatten().copied()).collect();
            found.sort_unstable();
            found.dedup();
            found.iter().filter_map(|&i| site.datasets.get(i)).collect()
        }
    }
}

fn rollup_of(site: &Site, whose: Whose) -> Option<Rollup> {
    match whose {
        Whose::Portal => site.projects.portal,
        Whose::Unit(a) => site.projects.units.get(&a.code).copied(),
    }
}

/// The one-screen summary of `whose`: five tiles, each linking to its detail.
fn summary(site: &Site, whose: Whose, lang: Lang) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let urls = &site.urls;
    let (maturity_url, targets_url, projects_url, budget_url, data_url) = match whose {
        Whose::Portal => (
            urls.link(&urls.dashboard_detail(lang, "maturity")),
            "#strategic".to_string(),
            urls.link(&urls.dashboard_detail(lang, "projects")),
            urls.link(&urls.dashboard_detail(lang, "budget")),
            "#operational".to_string(),
        ),
        Whose::Unit(_) => ("#maturity".into(), "#targets".into(), "#projects".into(), "#finance".into(), "#data-quality".into()),
    };
    let trend = site.maturity.trend(whose.maturity_unit());
    let maturity = trend.last().map(|(year, score)| {
        let previous = trend.len().checked_sub(2).and_then(|i| trend.get(i));
        let dated: Vec<(String, f64, String)> =
            trend.iter().filter_map(|(y, s)| Some((format::fiscal_year((*y)?, lang), s.index(), format::percent(s.index())))).collect();
        let spark = (dated.len() > 1).then(|| LineChart { id: "spark-index".into(), title: tr("trend_index_title"), points: dated, max: 100.0 }.svg());
        json!({
            "index": format::percent(score.index()),
            "year": assessment_label(site, *year, lang),
            "change": previous.map(|(py, ps)| tr("change_since").replace("{change}", &points(score.index() - ps.index())).replace("{year}", &assessment_label(site, *py, lang))),
            "spark": spark,
            "url": maturity_url,
        })
    });
    let mut targets: Vec<&Progress> = targets_of(site, whose);
    let total_targets = targets.len();
    targets.sort_by_key(|p| p.status);
    let targets: Vec<Value> = targets.iter().take(TILE_TARGETS).map(|p| target_line(site, p, lang)).collect();
    let projects = rollup_of(site, whose).map(|r| {
        json!({
            "late": format::integer(r.count(State::Late) as i64),
            "at_risk": format::integer(r.count(State::AtRisk) as i64),
            "on_track": format::integer(r.count(State::OnTrack) as i64),
            "done": format::integer(r.count(State::Done) as i64),
            "total": format::integer(r.total() as i64),
            "url": projects_url,
        })
    });
    let finance = match whose {
        Whose::Portal => Some(&site.finance.portal),
        Whose::Unit(a) => site.finance.units.get(&a.code),
    };
    let budget = finance.and_then(|f| f.years.iter().rev().find_map(|y| y.spending_rate().map(|r| (y.fiscal_year, r)))).map(|(year, rate)| {
        json!({"rate": format::percent(rate), "year": format::fiscal_year(year, lang), "url": budget_url})
    });
    let datasets = datasets_of(site, whose);
    let overdue = datasets.iter().filter(|d| site.quality.get(&d.id).is_some_and(|(_, f)| f.state == quality::State::Overdue)).count();
    let mean = mean_score(site, &datasets);
    let data = (!datasets.is_empty()).then(|| {
        let count = format::integer(datasets.len() as i64);
        json!({
            "datasets": count.clone(),
            "overdue_of": unit(site, lang, datasets.len(), "overdue_of").replace("{count}", &count),
            "overdue": format::integer(overdue as i64),
            "mean_score": or_none(mean.map(format::percent)),
            "url": data_url,
        })
    });
    json!({
        "maturity": maturity,
        "targets": targets,
        "targets_more": (total_targets > TILE_TARGETS).then(|| tr("targets_more").replace("{count}", &format::integer(total_targets as i64))),
        // An agency without targets has no targets section to link to.
        "targets_url": (!targets.is_empty() || !matches!(whose, Whose::Unit(_))).then_some(targets_url),
        "projects": projects,
        "budget": budget,
        "data": data,
        "as_of": tr("as_of").replace("{date}", &format::date(site.today, lang)),
    })
}

fn mean_score(site: &Site, datasets: &[&Dataset]) -> Option<f64> {
    let scores: Vec<f64> = datasets.iter().filter_map(|d| site.quality.get(&d.id).map(|(q, _)| q.score())).collect();
    (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
}

fn target_line(site: &Site, p: &Progress, lang: Lang) -> Value {
    json!({
        "name": indicator_name(site, &p.target.indicator, lang),
        "target": format::percent(p.target.target),
        "due": format::fiscal_year(p.target.due_year, lang),
        "latest": or_none(p.latest.map(|(_, v)| format::percent(v))),
        "gap": or_none(p.gap.map(points)),
        "status": status_label(site, p.status, lang),
        "class": status_class(p.status),
    })
}

/// The strategic view: every target of `whose` with its progress and the projection.
fn targets_table(site: &Site, whose: Whose, lang: Lang) -> Option<Value> {
    let tr = |key: &str| t(site, lang, key);
    let list = targets_of(site, whose);
    if list.is_empty() {
        return None;
    }
    let rows = list
        .iter()
        .map(|p| {
            let head = format!("{} · {}", unit_name(site, p.target.scope.as_deref(), lang), indicator_name(site, &p.target.indicator, lang));
            (head, vec![
                cell(format::percent(p.target.target)),
                text_cell(format::fiscal_year(p.target.due_year, lang)),
                cell(or_none(p.latest.map(|(_, v)| format::percent(v)))),
                cell(or_none(p.gap.map(points))),
                cell(or_none(p.slope.map(points))),
                cell(or_none(p.projected.map(format::percent))),
                json!({"text": status_label(site, p.status, lang), "class": format!("status status-{}", status_class(p.status))}),
                text_cell(p.target.note.get(lang)),
            ])
        })
        .collect();
    let table = table(
        &tr("targets_title"),
        vec![tr("target_of"), tr("target_value"), tr("target_year"), tr("latest_value"), tr("gap_points"), tr("slope_points"), tr("projected_value"), tr("target_status"), tr("target_note")],
        rows,
    );
    Some(with_downloads(table, downloads(site, |ext| site.urls.api_table("targets", "progress", ext))))
}

/// The maturity index of `whose` per assessment: chart and table with the change.
fn trend_figure(site: &Site, whose: Whose, lang: Lang) -> Option<Value> {
    let tr = |key: &str| t(site, lang, key);
    let trend = site.maturity.trend(whose.maturity_unit());
    if trend.is_empty() {
        return None;
    }
    let chart = BarChart {
        id: "chart-maturity-trend".into(),
        title: tr("trend_index_title"),
        series: vec![tr("maturity_index")],
        groups: trend.iter().map(|(y, s)| Group { label: assessment_label(site, *y, lang), values: vec![Some((s.index(), format::percent(s.index())))] }).collect(),
        tones: vec![Tone::Completion],
    };
    let mut head = vec![tr("assessment"), tr("services_count")];
    head.extend([1, 2, 3, 4].map(|i| tr(&format!("stage_short_{i}"))));
    head.extend([tr("index"), tr("change_points")]);
    let rows = trend
        .iter()
        .enumerate()
        .map(|(i, (y, s))| {
            let previous = i.checked_sub(1).and_then(|p| trend.get(p)).map(|(_, p)| s.index() - p.index());
            let mut cells = vec![cell(format::integer(s.services as i64))];
            cells.extend(s.stages.iter().map(|v| cell(format::percent(*v))));
            cells.push(cell(format::percent(s.index())));
            cells.push(cell(or_none(previous.map(points))));
            (assessment_label(site, *y, lang), cells)
        })
        .collect();
    let table = table(&chart.title, head, rows);
    Some(figure(&chart, table, downloads(site, |ext| site.urls.api_table("maturity", "trend", ext))))
}

/// The index of each ministry (or a ministry's agencies) per assessment year, with the change.
/// `caption` is the theme string naming the table (ministries' or agencies'): two tables of one
/// page with one name were two landmarks a screen reader could not tell apart.
fn units_trend_table(site: &Site, units: &[&Agency], caption: &str, lang: Lang) -> Option<Value> {
    let tr = |key: &str| t(site, lang, key);
    let years: Vec<Option<i64>> = site.maturity.history.iter().map(|a| a.year).collect();
    if years.len() < 2 || units.is_empty() {
        return None;
    }
    let mut head = vec![tr("org_unit")];
    head.extend(years.iter().map(|y| assessment_label(site, *y, lang)));
    head.push(tr("change_points"));
    let (units, total) = capped(units.to_vec(), ROWS_SHOWN);
    let rows: Vec<(String, Vec<Value>)> = units
        .iter()
        .map(|a| {
            let unit = if a.is_top_level() { Unit::Ministry(&a.code) } else { Unit::Agency(&a.code) };
            let scores: Vec<Option<&Score>> = site.maturity.history.iter().map(|h| h.of(unit)).collect();
            let mut cells: Vec<Value> = scores.iter().map(|s| cell(or_none(s.map(|s| format::percent(s.index()))))).collect();
            let present: Vec<f64> = scores.iter().flatten().map(|s| s.index()).collect();
            let change = (present.len() > 1).then(|| present[present.len() - 1] - present[present.len() - 2]);
            cells.push(cell(or_none(change.map(points))));
            (a.name.get(lang).to_string(), cells)
        })
        .collect();
    let shown = rows.len();
    let table = note_if_cut(site, table(&tr(caption), head, rows), shown, total, lang);
    Some(with_downloads(table, downloads(site, |ext| site.urls.api_table("maturity", "trend", ext))))
}

/// Deliverables as the seed's progress table.
fn deliverables_table(site: &Site, list: &[&Deliverable], caption: &str, lang: Lang) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let (list, total) = capped(list.to_vec(), ROWS_SHOWN);
    let rows: Vec<(String, Vec<Value>)> = list
        .iter()
        .map(|d| {
            let agency = site.agency(&d.agency).map_or(d.agency.clone(), |a| a.name.get(lang).to_string());
            (d.deliverable.get(lang).to_string(), vec![
                text_cell(d.project.get(lang)),
                text_cell(agency),
                text_cell(format::date(d.due, lang)),
                cell(format::percent(d.percent)),
                text_cell(d.reported.map_or_else(|| NONE.to_string(), |r| format::date(r, lang))),
                json!({"text": state_label(site, d.state, lang), "class": format!("status status-{}", state_class(d.state))}),
            ])
        })
        .collect();
    let shown = rows.len();
    let table = table(caption, vec![tr("deliverable"), tr("project"), tr("agency"), tr("due_date"), tr("percent_complete"), tr("reported_on"), tr("state")], rows);
    let table = note_if_cut(site, table, shown, total, lang);
    with_downloads(table, downloads(site, |ext| site.urls.api_table("projects", "deliverables", ext)))
}

fn rollup_cells(r: &Rollup) -> Vec<Value> {
    let mut cells: Vec<Value> = State::ALL.iter().map(|s| cell(format::integer(r.count(*s) as i64))).collect();
    cells.push(cell(format::integer(r.total() as i64)));
    cells.push(cell(format::percent(r.mean_percent)));
    cells
}

fn rollup_head(site: &Site, first: &str, lang: Lang) -> Vec<String> {
    let mut head = vec![first.to_string()];
    head.extend(State::ALL.iter().map(|s| state_label(site, *s, lang)));
    head.extend([t(site, lang, "deliverables_count"), t(site, lang, "mean_percent_complete")]);
    head
}

/// The projects section of a ministry's or agency's page (None when it has no deliverables).
fn projects_section(site: &Site, a: &Agency, lang: Lang) -> Option<Value> {
    let whose = Whose::Unit(a);
    let r = rollup_of(site, whose)?;
    let list: Vec<&Deliverable> = site.projects.deliverables.iter().filter(|d| whose.includes(site, &d.agency)).collect();
    let mut rows = vec![(a.name.get(lang).to_string(), rollup_cells(&r))];
    if a.is_top_level() {
        for x in site.agencies.iter().filter(|x| x.parent.as_deref() == Some(a.code.as_str())) {
            if let Some(r) = site.projects.units.get(&x.code) {
                rows.push((x.name.get(lang).to_string(), rollup_cells(r)));
            }
        }
    }
    let rollup = with_downloads(
        table(&t(site, lang, "projects_rollup"), rollup_head(site, &t(site, lang, "org_unit"), lang), rows),
        downloads(site, |ext| site.urls.api_table("projects", "rollup", ext)),
    );
    Some(json!({
        "rollup": rollup,
        "deliverables": deliverables_table(site, &list, &t(site, lang, "deliverables_title"), lang),
        "rules": rules_note(site, lang),
        "sources": sources(site, PROJECT_ROLES, lang),
    }))
}

fn rules_note(site: &Site, lang: Lang) -> String {
    t(site, lang, "project_rules")
        .replace("{days}", &crate::model::projects::AT_RISK_DAYS.to_string())
        .replace("{percent}", &format::integer(crate::model::projects::AT_RISK_PERCENT as i64))
        .replace("{date}", &format::date(site.today, lang))
}

/// Quality and freshness of a list of datasets, one row each.
fn quality_table(site: &Site, datasets: &[&Dataset], caption: &str, lang: Lang) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let (datasets, total) = quality_rows(site, datasets);
    let rows: Vec<(String, Vec<Value>)> = datasets
        .iter()
        .filter_map(|d| {
            let (q, f) = site.quality.get(&d.id)?;
            let missing: Vec<String> = q.missing().iter().map(|k| tr(&format!("quality_{k}"))).collect();
            Some((d.meta.title.get(lang).to_string(), vec![
                cell(format::percent(q.score())),
                json!({"text": freshness_label(site, f.state, lang), "class": format!("status status-{}", freshness_class(f.state))}),
                text_cell(f.overdue_from.map_or_else(|| NONE.to_string(), |x| format::date(x, lang))),
                text_cell(if missing.is_empty() { tr("quality_all_met") } else { missing.join(", ") }),
            ]))
        })
        .collect();
    let shown = rows.len();
    let table = table(caption, vec![tr("dataset"), tr("quality_score"), tr("freshness"), tr("overdue_from"), tr("quality_missing")], rows);
    let mut table = note_if_cut(site, table, shown, total, lang);
    if let Some(rows) = table["rows"].as_array_mut() {
        for (row, d) in rows.iter_mut().zip(datasets.iter()) {
            row["url"] = json!(site.urls.link(&site.urls.dataset(lang, &d.id)));
        }
    }
    with_downloads(table, downloads(site, |ext| site.urls.api_table("quality", "datasets", ext)))
}

fn freshness_class(s: quality::State) -> &'static str {
    match s {
        quality::State::Current => "ok",
        quality::State::Overdue => "bad",
        quality::State::NotScheduled | quality::State::Unknown => "unknown",
    }
}

/// The dashboard sections of a ministry's (MOC) or agency's (DOC) page.
pub fn unit_sections(site: &Site, a: &Agency, lang: Lang) -> Value {
    let whose = Whose::Unit(a);
    let mut datasets = datasets_of(site, whose);
    // Lowest score first: a long list shows what most needs work.
    datasets.sort_by(|x, y| {
        let s = |d: &Dataset| site.quality.get(&d.id).map_or(0.0, |(q, _)| q.score());
        s(x).total_cmp(&s(y)).then_with(|| x.id.cmp(&y.id))
    });
    let agencies: Vec<&Agency> = site.agencies.iter().filter(|x| x.parent.as_deref() == Some(a.code.as_str())).collect();
    json!({
        "dash": summary(site, whose, lang),
        "maturity_trend": trend_figure(site, whose, lang),
        "agencies_trend": if a.is_top_level() { units_trend_table(site, &agencies, "trend_table_agencies", lang) } else { None },
        "unit_targets": targets_table(site, whose, lang),
        "target_note": t(site, lang, "projection_note"),
        "projects": projects_section(site, a, lang),
        "data_quality": (!datasets.is_empty()).then(|| quality_table(site, &datasets, &t(site, lang, "quality_title"), lang)),
        "quality_note": t(site, lang, "quality_note"),
    })
}

/// The overdue datasets, longest overdue first: the dashboard lists the first of them.
fn overdue_datasets(site: &Site) -> Vec<&Dataset> {
    let mut overdue: Vec<&Dataset> =
        site.datasets.iter().filter(|d| site.quality.get(&d.id).is_some_and(|(_, f)| f.state == quality::State::Overdue)).collect();
    // Each dataset's date looked up once, not at each comparison (a tenth of a rebuild's
    // serial time at 10,000 datasets); equal dates keep the datasets' order.
    overdue.sort_by_cached_key(|d| site.quality.get(&d.id).and_then(|(_, f)| f.overdue_from));
    overdue
}

/// The [`LOWEST`] datasets of lowest quality score.
fn lowest_datasets(site: &Site) -> Vec<&Dataset> {
    // Each score looked up once; only the lowest are sorted (the order is total: ids differ).
    let mut scored: Vec<(f64, &Dataset)> = site.datasets.iter().map(|d| (site.quality.get(&d.id).map_or(0.0, |(q, _)| q.score()), d)).collect();
    let order = |a: &(f64, &Dataset), b: &(f64, &Dataset)| a.0.total_cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id));
    if scored.len() > LOWEST {
        scored.select_nth_unstable_by(LOWEST, order);
        scored.truncate(LOWEST);
    }
    scored.sort_unstable_by(order);
    scored.into_iter().map(|(_, d)| d).collect()
}

/// The datasets whose rows the dashboard's quality tables show (the first overdue and the
/// lowest scored): the only datasets whose titles the dashboards show, beside the role
/// datasets named as sources.
pub(super) fn shown_datasets(site: &Site) -> Vec<&Dataset> {
    [overdue_datasets(site), lowest_datasets(site)].iter().flat_map(|list| quality_rows(site, list).0).collect()
}

/// The datasets of `datasets` that a quality table lists (those with a quality, the first
/// [`OVERVIEW_ROWS`]), and how many it would list uncut: the one place that chooses them, so
/// that the dashboards' key ([`shown_datasets`]) covers what the tables show.
fn quality_rows<'s>(site: &Site, datasets: &[&'s Dataset]) -> (Vec<&'s Dataset>, usize) {
    capped(datasets.iter().filter(|d| site.quality.contains_key(&d.id)).copied().collect(), OVERVIEW_ROWS)
}

/// The context of `/dashboard/`.
pub fn dashboard_context(site: &Site, lang: Lang) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let urls = &site.urls;
    let base = super::finance::dashboard_context(site, lang);
    let ministries: Vec<&Agency> = site.agencies.iter().filter(|a| a.is_top_level()).collect();
    // Operational: what is happening now.
    let (overdue, lowest) = (overdue_datasets(site), lowest_datasets(site));
    let urgent: Vec<&Deliverable> =
        site.projects.deliverables.iter().filter(|d| matches!(d.state, State::Late | State::AtRisk)).take(URGENT).collect();
    let agency_quality = quality_by_unit(site, OVERVIEW_ROWS, lang);
    json!({
        "dash": summary(site, Whose::Portal, lang),
        "links": [
            {"title": tr("dashboard_maturity"), "url": urls.link(&urls.dashboard_detail(lang, "maturity"))},
            {"title": tr("dashboard_projects"), "url": urls.link(&urls.dashboard_detail(lang, "projects"))},
            {"title": tr("dashboard_budget"), "url": urls.link(&urls.dashboard_detail(lang, "budget"))},
        ],
        "overdue": (!overdue.is_empty()).then(|| quality_table(site, &overdue, &tr("overdue_title"), lang)),
        "lowest": (!site.datasets.is_empty()).then(|| quality_table(site, &lowest, &tr("lowest_title"), lang)),
        "agency_quality": agency_quality,
        "urgent": (!urgent.is_empty()).then(|| deliverables_table(site, &urgent, &tr("urgent_title"), lang)),
        "rules": rules_note(site, lang),
        "quality_note": tr("quality_note"),
        "heat": if site.maturity.portal.is_some() { base["heat"].clone() } else { Value::Null },
        "ministries_trend": units_trend_table(site, &ministries, "trend_by_unit", lang),
        "targets": targets_table(site, Whose::Portal, lang),
        "target_note": tr("projection_note"),
        "target_sources": sources(site, TARGET_ROLES, lang),
    })
}

/// Quality and freshness per ministry and agency with datasets, and the portal.
fn quality_by_unit(site: &Site, limit: usize, lang: Lang) -> Option<Value> {
    let tr = |key: &str| t(site, lang, key);
    if site.datasets.is_empty() {
        return None;
    }
    let mut units = quality_units(site);
    // The portal's line first, then the units with the lowest mean score.
    let portal = units.pop();
    units.sort_by(|a, b| a.2.mean_score.total_cmp(&b.2.mean_score).then_with(|| b.2.overdue.cmp(&a.2.overdue)).then_with(|| a.0.cmp(&b.0)));
    let (units, total) = capped(units, limit);
    let rows: Vec<(String, Vec<Value>)> = portal
        .into_iter()
        .chain(units)
        .map(|(code, _, q)| {
            (unit_name(site, (!code.is_empty()).then_some(code.as_str()), lang), vec![
                cell(format::integer(q.datasets as i64)),
                cell(format::percent(q.mean_score)),
                cell(format::integer(q.overdue as i64)),
                cell(format::integer(q.current as i64)),
            ])
        })
        .collect();
    let shown = rows.len() - 1;
    let table = table(&tr("quality_by_agency"), vec![tr("org_unit"), tr("datasets_count"), tr("mean_quality"), tr("freshness_overdue"), tr("freshness_current")], rows);
    let table = note_if_cut(site, table, shown, total, lang);
    Some(with_downloads(table, downloads(site, |ext| site.urls.api_table("quality", "agencies", ext))))
}

/// Quality summed over a unit's datasets.
struct UnitQuality {
    datasets: usize,
    mean_score: f64,
    overdue: usize,
    current: usize,
    not_scheduled: usize,
    unknown: usize,
}

/// (code, level, figures) for every ministry and agency with datasets, then the portal (code "").
fn quality_units(site: &Site) -> Vec<(String, &'static str, UnitQuality)> {
    // One pass over the datasets, filing each under its agency and its agency's ministry.
    let mut by_unit: BTreeMap<&str, Vec<&Dataset>> = BTreeMap::new();
    for d in &site.datasets {
        by_unit.entry(d.meta.agency.as_str()).or_default().push(d);
        if let Some(parent) = parent_of(site, &d.meta.agency) {
            by_unit.entry(parent).or_default().push(d);
        }
    }
    let sum = |datasets: Vec<&Dataset>| -> Option<UnitQuality> {
        let list: Vec<_> = datasets.iter().filter_map(|d| site.quality.get(&d.id)).collect();
        if list.is_empty() {
            return None;
        }
        let count = |s: quality::State| list.iter().filter(|(_, f)| f.state == s).count();
        Some(UnitQuality {
            datasets: list.len(),
            mean_score: list.iter().map(|(q, _)| q.score()).sum::<f64>() / list.len() as f64,
            overdue: count(quality::State::Overdue),
            current: count(quality::State::Current),
            not_scheduled: count(quality::State::NotScheduled),
            unknown: count(quality::State::Unknown),
        })
    };
    let mut out = Vec::new();
    for a in &site.agencies {
        if let Some(q) = by_unit.remove(a.code.as_str()).and_then(&sum) {
            out.push((a.code.clone(), if a.is_top_level() { "ministry" } else { "agency" }, q));
        }
    }
    if let Some(q) = sum(site.datasets.iter().collect()) {
        out.push((String::new(), "portal", q));
    }
    out
}

/// The context of `/dashboard/maturity/`.
pub fn maturity_context(site: &Site, lang: Lang) -> Value {
    let base = super::finance::dashboard_context(site, lang);
    let ministries: Vec<&Agency> = site.agencies.iter().filter(|a| a.is_top_level()).collect();
    let agencies: Vec<&Agency> = site.agencies.iter().filter(|a| !a.is_top_level()).collect();
    json!({
        "trend": trend_figure(site, Whose::Portal, lang),
        "ministries_trend": units_trend_table(site, &ministries, "trend_by_unit", lang),
        "agencies_trend": units_trend_table(site, &agencies, "trend_table_agencies", lang),
        "latest": assessment_label(site, site.maturity.history.last().and_then(|a| a.year), lang),
        "portal": base["portal"],
        "heat": base["heat"],
        "closest": base["closest"],
        "targets": targets_table(site, Whose::Portal, lang),
        "target_note": t(site, lang, "projection_note"),
        "sources": sources(site, MATURITY_ROLES, lang),
        "dashboard_url": site.urls.link(&site.urls.dashboard(lang)),
    })
}

/// The context of `/dashboard/projects/`.
pub fn projects_context(site: &Site, lang: Lang) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let Some(portal) = site.projects.portal else {
        return json!({"dashboard_url": site.urls.link(&site.urls.dashboard(lang))});
    };
    let with: Vec<(&Agency, &Rollup)> =
        site.agencies.iter().filter(|a| a.is_top_level()).filter_map(|m| site.projects.units.get(&m.code).map(|r| (m, r))).collect();
    let chart = BarChart {
        id: "chart-projects-ministries".into(),
        title: tr("projects_by_ministry"),
        series: State::ALL.iter().map(|s| state_label(site, *s, lang)).collect(),
        groups: with
            .iter()
            .map(|(m, r)| Group {
                label: m.name.get(lang).to_string(),
                values: State::ALL.iter().map(|s| Some((r.count(*s) as f64, format::integer(r.count(*s) as i64)))).collect(),
            })
            .collect(),
        // The states have no colour of their own among the charts': the theme's series colours.
        tones: vec![],
    };
    let mut rows: Vec<(String, Vec<Value>)> = Vec::new();
    for (m, r) in &with {
        rows.push((m.name.get(lang).to_string(), rollup_cells(r)));
        for a in site.agencies.iter().filter(|a| a.parent.as_deref() == Some(m.code.as_str())) {
            if let Some(r) = site.projects.units.get(&a.code) {
                rows.push((format!("— {}", a.name.get(lang)), rollup_cells(r)));
            }
        }
    }
    let (mut rows, total) = capped(rows, ROWS_SHOWN);
    let shown = rows.len();
    rows.push((tr("whole_portal"), rollup_cells(&portal)));
    let rollup = note_if_cut(site, table(&chart.title, rollup_head(site, &tr("org_unit"), lang), rows), shown, total, lang);
    let all: Vec<&Deliverable> = site.projects.deliverables.iter().collect();
    json!({
        "figure": figure(&chart, rollup, downloads(site, |ext| site.urls.api_table("projects", "rollup", ext))),
        "deliverables": deliverables_table(site, &all, &tr("deliverables_title"), lang),
        "rules": rules_note(site, lang),
        "sources": sources(site, PROJECT_ROLES, lang),
        "dashboard_url": site.urls.link(&site.urls.dashboard(lang)),
    })
}

/// The context of `/dashboard/budget/`.
pub fn budget_context(site: &Site, lang: Lang) -> Value {
    let base = super::finance::dashboard_context(site, lang);
    json!({
        "budget": base["budget"],
        "budget_sources": sources(site, FINANCE_ROLES, lang),
        "dashboard_url": site.urls.link(&site.urls.dashboard(lang)),
    })
}

/// The quality section of a dataset's page.
pub fn dataset_quality(site: &Site, d: &Dataset, lang: Lang) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let Some((q, f)) = site.quality.get(&d.id) else { return Value::Null };
    let criteria: Vec<Value> = CRITERIA
        .iter()
        .zip(q.met)
        .map(|(k, met)| json!({"name": tr(&format!("quality_{k}")), "met": met, "mark": tr(if met { "criterion_met" } else { "criterion_not_met" })}))
        .collect();
    json!({
        "score": format::percent(q.score()),
        "criteria": criteria,
        "freshness": freshness_label(site, f.state, lang),
        "freshness_class": freshness_class(f.state),
        "next_update": f.next_update.map(|x| format::date(x, lang)),
        "overdue_from": f.overdue_from.map(|x| format::date(x, lang)),
        "as_of": tr("as_of").replace("{date}", &format::date(site.today, lang)),
        "note": tr("quality_note"),
        "api": site.urls.link(&site.urls.api_table("quality", "datasets", "csv")),
    })
}

/// A dataset's quality in its API document (`api/v1/datasets/<id>.json`).
pub fn dataset_quality_json(site: &Site, d: &Dataset) -> Value {
    let Some((q, f)) = site.quality.get(&d.id) else { return Value::Null };
    json!({
        "score": num(q.score()),
        "criteria": CRITERIA.iter().zip(q.met).map(|(k, m)| (k.to_string(), json!(m))).collect::<serde_json::Map<_, _>>(),
        "freshness": f.state.name(),
        "next_update": f.next_update.map(|x| x.to_string()),
        "overdue_from": f.overdue_from.map(|x| x.to_string()),
        "as_of": site.today.to_string(),
    })
}

// ---------------------------------------------------------------------------------------------
// The API tables.

const TREND_COLUMNS: &[&str] =
    &["code", "level", "assessment_year", "services", "stage1", "stage2", "stage3", "stage4", "index", "previous_assessment_year", "index_change"];
const TARGET_COLUMNS: &[&str] = &[
    "code", "level", "indicator", "target", "due_year", "latest_year", "latest_value", "gap", "slope_per_year", "projected", "status", "note",
    "note_en",
];
const DELIVERABLE_COLUMNS: &[&str] = &[
    "agency", "ministry", "project", "project_en", "deliverable", "deliverable_en", "due_date", "percent_complete", "reported",
    "status_reported", "state", "days_to_due", "as_of",
];
const ROLLUP_COLUMNS: &[&str] = &["code", "level", "deliverables", "late", "at_risk", "on_track", "done", "mean_percent_complete", "as_of"];
const QUALITY_COLUMNS: &[&str] = &[
    "dataset", "agency", "score", "criteria_met", "criteria_total", "description", "column_titles", "column_descriptions", "license",
    "contact", "frequency", "dates", "temporal", "spatial", "keys", "types", "keywords", "objective", "source", "update_frequency",
    "modified", "freshness", "next_update", "overdue_from", "as_of",
];
const QUALITY_UNIT_COLUMNS: &[&str] =
    &["code", "level", "datasets", "mean_score", "overdue", "current", "not_scheduled", "unknown", "as_of"];

fn level(site: &Site, code: &str) -> &'static str {
    if site.agency(code).is_some_and(Agency::is_top_level) { "ministry" } else { "agency" }
}

fn trend_table(site: &Site) -> ApiTable {
    let mut rows = Vec::new();
    let mut units: Vec<(String, &str, Unit)> = Vec::new();
    let codes: std::collections::BTreeSet<&String> = site.maturity.history.iter().flat_map(|h| h.agencies.keys().chain(h.ministries.keys())).collect();
    for code in &codes {
        let is_ministry = site.maturity.history.iter().any(|h| h.ministries.contains_key(*code));
        let is_agency = site.maturity.history.iter().any(|h| h.agencies.contains_key(*code));
        if is_agency {
            units.push((code.to_string(), "agency", Unit::Agency(code)));
        }
        if is_ministry {
            units.push((code.to_string(), "ministry", Unit::Ministry(code)));
        }
    }
    units.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    units.push((String::new(), "portal", Unit::Portal));
    for (code, level, unit) in units {
        let trend = site.maturity.trend(unit);
        for (i, (year, s)) in trend.iter().enumerate() {
            let previous = i.checked_sub(1).and_then(|p| trend.get(p));
            let mut row = vec![json!(code), json!(level), json!(year), json!(s.services)];
            row.extend(s.stages.iter().map(|v| num(*v)));
            row.push(num(s.index()));
            row.push(previous.map_or(Value::Null, |(y, _)| json!(y)));
            row.push(opt(previous.map(|(_, p)| s.index() - p.index())));
            rows.push(row);
        }
    }
    ApiTable { columns: TREND_COLUMNS, rows }
}

fn targets_api(site: &Site) -> ApiTable {
    let rows = site
        .targets
        .iter()
        .map(|p| {
            let code = p.target.scope.clone().unwrap_or_default();
            let level = if code.is_empty() { "portal" } else { level(site, &code) };
            vec![
                json!(code),
                json!(level),
                json!(p.target.indicator),
                num(p.target.target),
                json!(p.target.due_year),
                p.latest.map_or(Value::Null, |(y, _)| json!(y)),
                opt(p.latest.map(|(_, v)| v)),
                opt(p.gap),
                opt(p.slope),
                opt(p.projected),
                json!(p.status.name()),
                json!(p.target.note.th),
                json!(p.target.note.en),
            ]
        })
        .collect();
    ApiTable { columns: TARGET_COLUMNS, rows }
}

fn deliverables_api(site: &Site) -> ApiTable {
    let ministry_of = |agency: &str| site.agency(agency).map(|a| a.parent.clone().unwrap_or_else(|| a.code.clone()));
    let rows = site
        .projects
        .deliverables
        .iter()
        .map(|d| {
            vec![
                json!(d.agency),
                json!(ministry_of(&d.agency)),
                json!(d.project.th),
                json!(d.project.en),
                json!(d.deliverable.th),
                json!(d.deliverable.en),
                json!(d.due.to_string()),
                num(d.percent),
                json!(d.reported.map(|r| r.to_string())),
                json!(d.status),
                json!(d.state.name()),
                json!((d.due - site.today).num_days()),
                json!(site.today.to_string()),
            ]
        })
        .collect();
    ApiTable { columns: DELIVERABLE_COLUMNS, rows }
}

fn rollup_api(site: &Site) -> ApiTable {
    let mut rows = Vec::new();
    let row = |code: &str, level: &str, r: &Rollup| {
        let mut row = vec![json!(code), json!(level), json!(r.total())];
        row.extend(State::ALL.iter().map(|s| json!(r.count(*s))));
        row.push(num(r.mean_percent));
        row.push(json!(site.today.to_string()));
        row
    };
    for (code, r) in &site.projects.units {
        rows.push(row(code, level(site, code), r));
    }
    if let Some(r) = &site.projects.portal {
        rows.push(row("", "portal", r));
    }
    ApiTable { columns: ROLLUP_COLUMNS, rows }
}

fn quality_api(site: &Site) -> [ApiTable; 2] {
    let today = json!(site.today.to_string());
    let datasets = site
        .datasets
        .iter()
        .filter_map(|d| {
            let (q, f) = site.quality.get(&d.id)?;
            let mut row = vec![json!(d.id), json!(d.meta.agency), num(q.score()), json!(q.met.iter().filter(|m| **m).count()), json!(CRITERIA.len())];
            row.extend(q.met.iter().map(|m| json!(m)));
            row.extend([
                json!(d.meta.frequency),
                json!(d.meta.modified.as_ref().and_then(format::toml_date).map(|x| x.to_string())),
                json!(f.state.name()),
                json!(f.next_update.map(|x| x.to_string())),
                json!(f.overdue_from.map(|x| x.to_string())),
                today.clone(),
            ]);
            Some(row)
        })
        .collect();
    let units = quality_units(site)
        .into_iter()
        .map(|(code, level, q)| {
            vec![
                json!(code),
                json!(level),
                json!(q.datasets),
                num(q.mean_score),
                json!(q.overdue),
                json!(q.current),
                json!(q.not_scheduled),
                json!(q.unknown),
                today.clone(),
            ]
        })
        .collect();
    [ApiTable { columns: QUALITY_COLUMNS, rows: datasets }, ApiTable { columns: QUALITY_UNIT_COLUMNS, rows: units }]
}

/// Sends every dashboard table of the API ([`api_files`]), taken from the last build when what
/// they show did not change: the figures and each dataset's quality and freshness (the
/// dashboards' key, [`super::keys::Keys::dashboards`]), the registry and settings, and each
/// dataset's update frequency and date modified (columns of the quality table). Making the
/// tables to compare their bytes cost a tenth of a rebuild's time at 10,000 datasets.
pub fn render_api(site: &Site, out: &super::Emitter) -> crate::error::Result<()> {
    let key = out.keys(site).map(|keys| {
        let mut h = out.memo().hasher();
        h.add("api dashboards").add(&keys.settings()).add(&keys.dashboards());
        for d in &site.datasets {
            h.add_json(&(&d.meta.frequency, &d.meta.modified));
        }
        h.finish()
    });
    out.keyed_group("api-dashboards", key, || api_files(site))
}

/// Every dashboard table of the API, as CSV and JSON.
pub fn api_files(site: &Site) -> Vec<OutputFile> {
    let urls = &site.urls;
    let mut files = Vec::new();
    let [quality_datasets, quality_agencies] = quality_api(site);
    let tables = [trend_table(site), targets_api(site), deliverables_api(site), rollup_api(site), quality_datasets, quality_agencies];
    for ((group, name, _), table) in API_TABLES.iter().zip(tables) {
        if has_table(site, group) {
            files.extend(table.files(|ext| urls.api_table(group, name, ext)));
        }
    }
    files
}
