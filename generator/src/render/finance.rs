//! The finance and e-service maturity sections of agency pages, the e-government dashboard,
//! and the same figures as JSON and CSV under `/api/v1/finance/` and `/api/v1/maturity/`.
//! Every number is formatted here per language; each chart comes with a table of the same
//! numbers and links to the files that hold them unformatted.

use super::OutputFile;
use super::chart::{BarChart, Group, Tone};
use super::encode::{csv_field, pretty};
use super::page::{strings, t};
use crate::lang::Lang;
use crate::load::role::RoleKind;
use crate::model::finance::{Change, Summary};
use crate::model::format;
use crate::model::maturity::{Score, ServiceScore, WEIGHTS, closest_to_next_stage};
use crate::model::{Agency, Site};
use crate::urls::is_safe_link;
use serde_json::{Value, json};

/// How many services the dashboard lists as closest to their next stage.
pub const CLOSEST: usize = 10;
/// How many lines a breakdown chart draws; the table beneath has them all.
pub const MAX_BARS: usize = 15;
/// Shown in a table cell that has no figure.
pub(super) const NONE: &str = "—";

pub(super) fn or_none(v: Option<String>) -> String {
    v.unwrap_or_else(|| NONE.to_string())
}

/// A table cell holding a number (right-aligned, tabular digits).
pub(super) fn cell(text: impl Into<String>) -> Value {
    json!({"text": text.into(), "class": "num"})
}

/// A table cell holding words.
pub(super) fn text_cell(text: impl Into<String>) -> Value {
    json!({"text": text.into(), "class": ""})
}

/// A table: caption, column headers (the first heads the row headers), rows of a header and cells.
/// A column whose every cell is a number has a right-aligned header, over its numbers.
pub(super) fn table(caption: &str, head: Vec<String>, rows: Vec<(String, Vec<Value>)>) -> Value {
    let numeric: Vec<bool> = (0..head.len())
        .map(|i| {
            i > 0
                && !rows.is_empty()
                && rows.iter().all(|(_, cells)| cells.get(i - 1).and_then(|c| c["class"].as_str()).is_some_and(|c| c.split(' ').any(|k| k == "num")))
        })
        .collect();
    json!({
        "caption": caption,
        "head": head,
        "numeric": numeric,
        "rows": rows.into_iter().map(|(h, cells)| json!({"head": h, "cells": cells})).collect::<Vec<_>>(),
    })
}

/// Links to the CSV and JSON files of a figure.
pub(super) fn downloads(site: &Site, path: impl Fn(&str) -> String) -> Value {
    json!([
        {"format": "CSV", "url": site.urls.link(&path("csv"))},
        {"format": "JSON", "url": site.urls.link(&path("json"))},
    ])
}

/// A table with links to the files that hold its figures.
pub(super) fn with_downloads(mut table: Value, downloads: Value) -> Value {
    table["downloads"] = downloads;
    table
}

/// A chart with its table twin and downloads.
pub(super) fn figure(chart: &BarChart, table: Value, downloads: Value) -> Value {
    json!({"id": chart.id, "title": chart.title, "svg": chart.svg(), "table": with_downloads(table, downloads)})
}

/// The theme's name for a standard object code, or the code itself.
fn object_name(site: &Site, lang: Lang, code: &str) -> String {
    strings(site, lang).get(&format!("object_{code}")).cloned().unwrap_or_else(|| code.to_string())
}

/// The datasets a section's figures are computed from, as links: the figures' provenance.
pub(super) fn sources(site: &Site, kinds: &[RoleKind], lang: Lang) -> Vec<Value> {
    site.datasets
        .iter()
        .filter(|d| d.meta.role.as_ref().is_some_and(|r| kinds.contains(&r.kind)))
        .map(|d| json!({"title": d.meta.title.get(lang), "url": site.urls.link(&site.urls.dataset(lang, &d.id))}))
        .collect()
}

pub(super) const FINANCE_ROLES: &[RoleKind] = &[RoleKind::FinanceAuthorities, RoleKind::FinanceExpenditures];
pub(super) const MATURITY_ROLES: &[RoleKind] = &[RoleKind::EServices];

/// The finance and maturity sections of an agency's or ministry's page (null where no data).
pub fn agency_sections(site: &Site, a: &Agency, lang: Lang) -> Value {
    let finance = site.finance.units.get(&a.code).map(|s| {
        let mut section = finance_section(site, a, s, lang);
        section["sources"] = json!(sources(site, FINANCE_ROLES, lang));
        section
    });
    let score = if a.is_top_level() { site.maturity.ministries.get(&a.code) } else { site.maturity.agencies.get(&a.code) };
    let maturity = score.map(|score| {
        let codes: Vec<&str> = crate::model::members(&site.agencies, a).collect();
        let services: Vec<&ServiceScore> = site.maturity.services.iter().filter(|s| codes.contains(&s.agency.as_str())).collect();
        json!({
            "index": format::percent(score.index()),
            "services": format::integer(score.services as i64),
            "figure": stage_figure(site, "chart-maturity", score, lang),
            "services_table": services_table(site, &services, lang),
            "sources": sources(site, MATURITY_ROLES, lang),
        })
    });
    json!({"finance": finance, "maturity": maturity})
}

fn finance_section(site: &Site, a: &Agency, s: &Summary, lang: Lang) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let fy = |y: i64| format::fiscal_year(y, lang);
    let latest_year = s.years.last();
    let note = latest_year.map(|y| tr("finance_note").replace("{year}", &fy(y.fiscal_year)).replace("{span}", &format::fiscal_year_span(y.fiscal_year, lang)));
    let years = BarChart {
        id: "chart-finance-years".into(),
        title: tr("chart_years"),
        series: vec![tr("authorities"), tr("expenditures")],
        tones: vec![Tone::Authorities, Tone::Expenditures],
        groups: s
            .years
            .iter()
            .map(|y| Group {
                label: fy(y.fiscal_year),
                values: vec![y.authorities.map(|v| (v, format::millions(v))), y.expenditures.map(|v| (v, format::millions(v)))],
            })
            .collect(),
    };
    let years_table = table(
        &years.title,
        vec![tr("fiscal_year"), tr("authorities_million"), tr("expenditures_million"), tr("spending_rate")],
        s.years
            .iter()
            .map(|y| {
                (fy(y.fiscal_year), vec![
                    cell(or_none(y.authorities.map(format::millions))),
                    cell(or_none(y.expenditures.map(format::millions))),
                    cell(or_none(y.spending_rate().map(format::percent))),
                ])
            })
            .collect(),
    );
    let mut figures = vec![figure(&years, years_table, downloads(site, |ext| site.urls.api_finance_unit(&a.code, "years", ext)))];
    if let Some(latest) = s.latest {
        let objects = Breakdown {
            id: "chart-finance-objects",
            key_title: tr("standard_object"),
            title: tr("chart_objects").replace("{year}", &fy(latest)),
            rows: s.objects.iter().map(|c| (object_name(site, lang, &c.key), c)).collect(),
        };
        let programs = Breakdown {
            id: "chart-finance-programs",
            key_title: tr("program"),
            title: tr("chart_programs").replace("{year}", &fy(latest)),
            rows: s.programs.iter().map(|c| (if lang == Lang::En { c.name_en.clone() } else { c.key.clone() }, c)).collect(),
        };
        for (b, table_name) in [(objects, "objects"), (programs, "programs")] {
            let links = downloads(site, |ext| site.urls.api_finance_unit(&a.code, table_name, ext));
            figures.push(breakdown_figure(site, s, latest, &b, lang, links));
        }
    }
    let latest = latest_year.map(|y| {
        json!({
            "year": fy(y.fiscal_year),
            "authorities": or_none(y.authorities.map(|v| format::money(v, lang))),
            "expenditures": or_none(y.expenditures.map(|v| format::money(v, lang))),
            "rate": or_none(y.spending_rate().map(format::percent)),
        })
    });
    json!({"note": note, "rollup": a.is_top_level(), "latest": latest, "figures": figures})
}

/// One breakdown of the latest year (by standard object or by programme): what it is about,
/// and its lines with their names in the page's language.
struct Breakdown<'a> {
    id: &'static str,
    key_title: String,
    title: String,
    rows: Vec<(String, &'a Change)>,
}

/// A breakdown's chart (the year before beside the latest) and its table with the change.
fn breakdown_figure(site: &Site, s: &Summary, latest: i64, b: &Breakdown, lang: Lang, links: Value) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let fy = |y: i64| format::fiscal_year(y, lang);
    let mut series = Vec::new();
    let mut tones = Vec::new();
    if let Some(p) = s.previous {
        series.push(fy(p));
        tones.push(Tone::Earlier);
    }
    series.push(fy(latest));
    tones.push(Tone::Expenditures);
    // A long breakdown draws its largest lines only and says so; the table lists every line.
    let title = if b.rows.len() > MAX_BARS {
        format!("{} {}", b.title, tr("chart_largest").replace("{shown}", &MAX_BARS.to_string()).replace("{total}", &format::integer(b.rows.len() as i64)))
    } else {
        b.title.clone()
    };
    let chart = BarChart {
        id: b.id.to_string(),
        title,
        series,
        tones,
        groups: b
            .rows
            .iter()
            .take(MAX_BARS)
            .map(|(label, c)| {
                let mut values = Vec::new();
                if let Some(p) = c.previous {
                    values.push(Some((p, format::millions(p))));
                }
                values.push(Some((c.amount, format::millions(c.amount))));
                Group { label: label.clone(), values }
            })
            .collect(),
    };
    let in_year = |y: i64| tr("amount_in_year").replace("{year}", &fy(y));
    let mut head = vec![b.key_title.clone(), in_year(latest)];
    if let Some(p) = s.previous {
        head.extend([in_year(p), tr("change_million"), tr("change_percent")]);
    }
    let table_rows = b
        .rows
        .iter()
        .map(|(label, c)| {
            let mut cells = vec![cell(format::millions(c.amount))];
            if s.previous.is_some() {
                cells.push(cell(or_none(c.previous.map(format::millions))));
                cells.push(cell(or_none(c.change().map(format::signed_millions))));
                cells.push(cell(or_none(c.change_percent().map(format::signed_percent))));
            }
            (label.clone(), cells)
        })
        .collect();
    figure(&chart, table(&b.title, head, table_rows), links)
}

fn stage_names(site: &Site, lang: Lang) -> [String; 4] {
    [1, 2, 3, 4].map(|i| t(site, lang, &format!("stage_{i}")))
}

/// Stage completion of a score: chart, and a table with the weights and the overall index.
fn stage_figure(site: &Site, id: &str, score: &Score, lang: Lang) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let names = stage_names(site, lang);
    let chart = BarChart {
        id: id.to_string(),
        title: tr("chart_stages"),
        series: vec![tr("completion")],
        tones: vec![Tone::Completion],
        groups: names.iter().zip(score.stages).map(|(n, v)| Group { label: n.clone(), values: vec![Some((v, format::percent(v)))] }).collect(),
    };
    let mut rows: Vec<(String, Vec<Value>)> =
        names.iter().zip(score.stages).zip(WEIGHTS).map(|((n, v), w)| (n.clone(), vec![cell(format::percent(w)), cell(format::percent(v))])).collect();
    rows.push((tr("overall_index"), vec![cell(format::percent(100.0)), cell(format::percent(score.index()))]));
    let table = table(&chart.title, vec![tr("stage"), tr("weight"), tr("completion")], rows);
    figure(&chart, table, downloads(site, |ext| site.urls.api_maturity("scores", ext)))
}

fn criterion_names(site: &Site, lang: Lang, keys: &[&str]) -> String {
    keys.iter().map(|k| t(site, lang, &format!("criterion_{k}"))).collect::<Vec<_>>().join(", ")
}

/// How many services an agency's or ministry's page tables (a ministry's services grow with the
/// portal: 18,720 rows made a page of 8 MB); the downloads hold them all.
pub const SERVICES_SHOWN: usize = 100;

fn services_table(site: &Site, all: &[&ServiceScore], lang: Lang) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let services = &all[..all.len().min(SERVICES_SHOWN)];
    let mut head = vec![tr("service")];
    head.extend([1, 2, 3, 4].map(|i| tr(&format!("stage_short_{i}"))));
    head.extend([tr("index"), tr("next_stage_lacks")]);
    let rows = services
        .iter()
        .map(|s| {
            let mut cells: Vec<Value> = s.stages.iter().map(|v| cell(format::percent(*v))).collect();
            cells.push(cell(format::percent(s.index())));
            let lacks = if s.next_stage().is_none() { tr("all_stages_complete") } else { criterion_names(site, lang, &s.missing()) };
            cells.push(text_cell(lacks));
            (s.name.get(lang).to_string(), cells)
        })
        .collect();
    let mut services_table = table(&tr("services_table"), head, rows);
    // The service's name links to the service, where its URL is one Sala will put in an href.
    if let Some(rows) = services_table["rows"].as_array_mut() {
        for (row, s) in rows.iter_mut().zip(services) {
            if is_safe_link(&s.url) {
                row["url"] = json!(s.url);
            }
        }
    }
    if all.len() > services.len() {
        services_table["note"] = json!(tr("table_first_rows")
            .replace("{shown}", &format::integer(services.len() as i64))
            .replace("{total}", &format::integer(all.len() as i64)));
    }
    with_downloads(services_table, downloads(site, |ext| site.urls.api_maturity("services", ext)))
}

/// The heat level (0–4) of a completion, so colour follows the number printed in the cell.
fn heat(p: f64) -> u8 {
    ((p / 20.0).floor() as i64).clamp(0, 4) as u8
}

/// The e-government dashboard's context.
pub fn dashboard_context(site: &Site, lang: Lang) -> Value {
    let tr = |key: &str| t(site, lang, key);
    let ministries: Vec<&Agency> = site.agencies.iter().filter(|a| a.is_top_level()).collect();
    let portal = site.maturity.portal.map(|p| {
        json!({
            "index": format::percent(p.index()),
            "services": format::integer(p.services as i64),
            "figure": stage_figure(site, "chart-portal-stages", &p, lang),
            "sources": sources(site, MATURITY_ROLES, lang),
        })
    });
    let mut head = vec![tr("ministry"), tr("services_count")];
    head.extend([1, 2, 3, 4].map(|i| tr(&format!("stage_short_{i}"))));
    head.push(tr("index"));
    let heat_rows = ministries
        .iter()
        .map(|m| {
            let cells = match site.maturity.ministries.get(&m.code) {
                Some(s) => {
                    let mut cells = vec![cell(format::integer(s.services as i64))];
                    for v in s.stages.iter().copied().chain([s.index()]) {
                        cells.push(json!({"text": format::percent(v), "class": format!("num heat heat-{}", heat(v))}));
                    }
                    cells
                }
                None => std::iter::once(cell("0")).chain((0..5).map(|_| cell(NONE))).collect(),
            };
            (m.name.get(lang).to_string(), cells)
        })
        .collect();
    let heat_table = table(&tr("ministry_by_stage"), head, heat_rows);

    let names = stage_names(site, lang);
    let stage_label = |n: usize| if n == 0 { tr("stage_none") } else { names[n - 1].clone() };
    let closest: Vec<(String, Vec<Value>)> = closest_to_next_stage(&site.maturity.services, CLOSEST)
        .into_iter()
        .map(|s| {
            let (next, completion) = s.next_stage().unwrap_or((4, 100.0));
            let agency = site.agency(&s.agency).map_or(s.agency.clone(), |a| a.name.get(lang).to_string());
            (s.name.get(lang).to_string(), vec![
                text_cell(agency),
                text_cell(stage_label(s.stage_reached())),
                text_cell(stage_label(next)),
                cell(format::percent(completion)),
                text_cell(criterion_names(site, lang, &s.missing())),
            ])
        })
        .collect();
    let closest_table = table(
        &tr("closest_title"),
        vec![tr("service"), tr("agency"), tr("stage_reached"), tr("next_stage"), tr("next_stage_completion"), tr("next_stage_lacks")],
        closest,
    );

    json!({
        "portal": portal,
        "heat": with_downloads(heat_table, downloads(site, |ext| site.urls.api_maturity("scores", ext))),
        "closest": with_downloads(closest_table, downloads(site, |ext| site.urls.api_maturity("next-stage", ext))),
        "budget": budget_figure(site, &ministries, lang),
        "budget_sources": sources(site, FINANCE_ROLES, lang),
    })
}

/// Authorities and expenditures by ministry and fiscal year, as small multiples: one chart per
/// ministry, each to its own scale (on one scale the smaller ministries were slivers beside the
/// largest), in the colours of every other finance chart; the table beneath holds every
/// number, with the spending rate and the portal's totals.
fn budget_figure(site: &Site, ministries: &[&Agency], lang: Lang) -> Value {
    if site.finance.portal.years.is_empty() {
        return Value::Null;
    }
    let tr = |key: &str| t(site, lang, key);
    let fy = |y: i64| format::fiscal_year(y, lang);
    let years: Vec<i64> = site.finance.portal.years.iter().map(|y| y.fiscal_year).collect();
    let with_data: Vec<(&Agency, &Summary)> = ministries.iter().filter_map(|m| site.finance.units.get(&m.code).map(|s| (*m, s))).collect();
    let title = tr("budget_by_ministry");
    let charts: Vec<(String, BarChart)> = with_data
        .iter()
        .map(|(m, s)| {
            let name = m.name.get(lang).to_string();
            let chart = BarChart {
                id: format!("chart-budget-{}", m.code.to_ascii_lowercase()),
                title: format!("{title}: {name}"),
                series: vec![tr("authorities"), tr("expenditures")],
                tones: vec![Tone::Authorities, Tone::Expenditures],
                groups: years
                    .iter()
                    .filter_map(|y| s.years.iter().find(|x| x.fiscal_year == *y))
                    .map(|y| Group {
                        label: fy(y.fiscal_year),
                        values: vec![y.authorities.map(|v| (v, format::millions(v))), y.expenditures.map(|v| (v, format::millions(v)))],
                    })
                    .collect(),
            };
            (name, chart)
        })
        .collect();
    let all = tr("all_ministries");
    let mut rows = Vec::new();
    for (name, s) in with_data.iter().map(|(m, s)| (m.name.get(lang).to_string(), *s)).chain([(all, &site.finance.portal)]) {
        for y in &s.years {
            rows.push((name.clone(), vec![
                text_cell(fy(y.fiscal_year)),
                cell(or_none(y.authorities.map(format::millions))),
                cell(or_none(y.expenditures.map(format::millions))),
                cell(or_none(y.spending_rate().map(format::percent))),
            ]));
        }
    }
    let table = table(
        &title,
        vec![tr("ministry"), tr("fiscal_year"), tr("authorities_million"), tr("expenditures_million"), tr("spending_rate")],
        rows,
    );
    json!({
        "id": "chart-budget-ministries",
        "title": title,
        "note": tr("budget_multiples_note"),
        "svg": super::chart::multiples(&charts),
        "table": with_downloads(table, downloads(site, |ext| site.urls.api_finance("years", ext))),
    })
}

// ---------------------------------------------------------------------------------------------
// The static API: the same figures, unformatted.

/// A table of the API: column names and rows of JSON values, written as CSV and as JSON.
pub(super) struct ApiTable {
    pub(super) columns: &'static [&'static str],
    pub(super) rows: Vec<Vec<Value>>,
}

/// A money amount or percentage rounded to two decimals; whole numbers without `.0`.
pub(super) fn num(x: f64) -> Value {
    let r = format::round(x, 2);
    if r.fract() == 0.0 && r.abs() < 9.0e15 { json!(r as i64) } else { json!(r) }
}

pub(super) fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, num)
}

impl ApiTable {
    pub(super) fn records(&self) -> Vec<Value> {
        self.rows
            .iter()
            .map(|r| Value::Object(self.columns.iter().map(|c| c.to_string()).zip(r.iter().cloned()).collect()))
            .collect()
    }

    pub(super) fn json(&self) -> Vec<u8> {
        let doc = json!({"api_version": 1, "count": self.rows.len(), "rows": self.records()});
        pretty(&doc)
    }

    pub(super) fn csv(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            csv_field(&mut out, c);
        }
        out.push(b'\n');
        for row in &self.rows {
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                match v {
                    Value::Null => {}
                    Value::String(s) => csv_field(&mut out, s),
                    other => csv_field(&mut out, &other.to_string()),
                }
            }
            out.push(b'\n');
        }
        out
    }

    /// The rows whose first column (the unit's code) is `code`.
    fn of(&self, code: &str) -> ApiTable {
        ApiTable { columns: self.columns, rows: self.rows.iter().filter(|r| r.first().and_then(Value::as_str) == Some(code)).cloned().collect() }
    }

    pub(super) fn files(&self, path: impl Fn(&str) -> String) -> [OutputFile; 2] {
        [OutputFile::new(path("csv"), self.csv()), OutputFile::new(path("json"), self.json())]
    }
}

const YEAR_COLUMNS: &[&str] = &["code", "level", "fiscal_year", "authorities", "expenditures", "spending_rate"];
const OBJECT_COLUMNS: &[&str] =
    &["code", "level", "fiscal_year", "previous_fiscal_year", "standard_object", "amount", "previous_amount", "change", "change_percent"];
const PROGRAM_COLUMNS: &[&str] =
    &["code", "level", "fiscal_year", "previous_fiscal_year", "program", "program_en", "amount", "previous_amount", "change", "change_percent"];

fn change_values(c: &Change) -> [Value; 4] {
    [num(c.amount), opt(c.previous), opt(c.change()), opt(c.change_percent())]
}

/// The finance tables, one row set per unit: agencies, ministries, then the portal (code "").
fn finance_tables(site: &Site) -> [ApiTable; 3] {
    let mut units: Vec<(&str, &str, &Summary)> = site
        .finance
        .units
        .iter()
        .map(|(code, s)| (code.as_str(), if site.agency(code).is_some_and(Agency::is_top_level) { "ministry" } else { "agency" }, s))
        .collect();
    units.push(("", "portal", &site.finance.portal));
    let mut years = ApiTable { columns: YEAR_COLUMNS, rows: Vec::new() };
    let mut objects = ApiTable { columns: OBJECT_COLUMNS, rows: Vec::new() };
    let mut programs = ApiTable { columns: PROGRAM_COLUMNS, rows: Vec::new() };
    for (code, level, s) in units {
        for y in &s.years {
            years.rows.push(vec![json!(code), json!(level), json!(y.fiscal_year), opt(y.authorities), opt(y.expenditures), opt(y.spending_rate())]);
        }
        let Some(latest) = s.latest else { continue };
        for c in &s.objects {
            let mut row = vec![json!(code), json!(level), json!(latest), json!(s.previous), json!(c.key)];
            row.extend(change_values(c));
            objects.rows.push(row);
        }
        for c in &s.programs {
            let mut row = vec![json!(code), json!(level), json!(latest), json!(s.previous), json!(c.key), json!(c.name_en)];
            row.extend(change_values(c));
            programs.rows.push(row);
        }
    }
    [years, objects, programs]
}

const SCORE_COLUMNS: &[&str] = &["code", "level", "services", "stage1", "stage2", "stage3", "stage4", "index"];
const SERVICE_COLUMNS: &[&str] = &[
    "service_id", "agency", "ministry", "name", "name_en", "url", "stage1", "stage2", "stage3", "stage4", "index",
    "stage_reached", "next_stage", "next_stage_completion", "missing",
];
const NEXT_COLUMNS: &[&str] =
    &["rank", "service_id", "agency", "name", "name_en", "stage_reached", "next_stage", "next_stage_completion", "missing"];

fn score_row(code: &str, level: &str, s: &Score) -> Vec<Value> {
    let mut row = vec![json!(code), json!(level), json!(s.services)];
    row.extend(s.stages.iter().map(|v| num(*v)));
    row.push(num(s.index()));
    row
}

fn maturity_tables(site: &Site) -> [ApiTable; 3] {
    let m = &site.maturity;
    let mut scores = ApiTable { columns: SCORE_COLUMNS, rows: Vec::new() };
    scores.rows.extend(m.agencies.iter().map(|(c, s)| score_row(c, "agency", s)));
    scores.rows.extend(m.ministries.iter().map(|(c, s)| score_row(c, "ministry", s)));
    scores.rows.extend(m.portal.iter().map(|s| score_row("", "portal", s)));
    let ministry_of = |agency: &str| site.agency(agency).map(|a| a.parent.clone().unwrap_or_else(|| a.code.clone()));
    let next = |s: &ServiceScore| -> [Value; 4] {
        [
            json!(s.stage_reached()),
            s.next_stage().map_or(Value::Null, |(n, _)| json!(n)),
            s.next_stage().map_or(Value::Null, |(_, c)| num(c)),
            json!(s.missing().join(" ")),
        ]
    };
    let services = ApiTable {
        columns: SERVICE_COLUMNS,
        rows: m
            .services
            .iter()
            .map(|s| {
                let mut row = vec![json!(s.id), json!(s.agency), json!(ministry_of(&s.agency)), json!(s.name.th), json!(s.name.en), json!(s.url)];
                row.extend(s.stages.iter().map(|v| num(*v)));
                row.push(num(s.index()));
                row.extend(next(s));
                row
            })
            .collect(),
    };
    let closest = ApiTable {
        columns: NEXT_COLUMNS,
        rows: closest_to_next_stage(&m.services, CLOSEST)
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let mut row = vec![json!(i + 1), json!(s.id), json!(s.agency), json!(s.name.th), json!(s.name.en)];
                row.extend(next(s));
                row
            })
            .collect(),
    };
    [scores, services, closest]
}

/// Sends every finance and maturity file of the API ([`api_files`]), taken from the last build
/// when the figures they are made from (with the registry's names and the settings) did not
/// change: [`super::keys::Keys::dashboards`] covers every finance and maturity row.
pub fn render_api(site: &Site, out: &super::Emitter) -> crate::error::Result<()> {
    let key = out.keys(site).map(|keys| {
        let mut h = out.memo().hasher();
        h.add("api finance").add(&keys.settings()).add(&keys.dashboards());
        h.finish()
    });
    out.keyed_group("api-finance", key, || api_files(site))
}

/// Every finance and maturity file of the API.
pub fn api_files(site: &Site) -> Vec<OutputFile> {
    let urls = &site.urls;
    let mut files = Vec::new();
    if !site.finance.portal.years.is_empty() {
        let tables = finance_tables(site);
        let names = ["years", "objects", "programs"];
        for (table, name) in tables.iter().zip(names) {
            files.extend(table.files(|ext| urls.api_finance(name, ext)));
        }
        for code in site.finance.units.keys() {
            let mut summary = serde_json::Map::new();
            summary.insert("api_version".into(), json!(1));
            summary.insert("code".into(), json!(code));
            summary.insert("name".into(), json!(site.agency(code).map(|a| &a.name)));
            for (table, name) in tables.iter().zip(names) {
                let own = table.of(code);
                summary.insert(name.into(), Value::Array(own.records()));
                files.extend(own.files(|ext| urls.api_finance_unit(code, name, ext)));
            }
            files.push(OutputFile::new(urls.api_finance_summary(code), pretty(&Value::Object(summary))));
        }
    }
    if site.maturity.portal.is_some() {
        for (table, name) in maturity_tables(site).iter().zip(["scores", "services", "next-stage"]) {
            files.extend(table.files(|ext| urls.api_maturity(name, ext)));
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_follows_the_printed_number() {
        assert_eq!([0.0, 19.99, 20.0, 55.0, 99.0, 100.0].map(heat), [0, 0, 1, 2, 4, 4]);
    }

    #[test]
    fn api_numbers_are_rounded_to_satang_and_whole_numbers_stay_integers() {
        assert_eq!(num(1_234_567.0), json!(1234567));
        assert_eq!(num(44.915_000_1), json!(44.92));
        let t = ApiTable { columns: &["code", "name", "amount"], rows: vec![vec![json!("A"), json!("x, y"), num(1.5)], vec![json!("B"), Value::Null, num(2.0)]] };
        assert_eq!(String::from_utf8(t.csv()).unwrap(), "code,name,amount\nA,\"x, y\",1.5\nB,,2\n");
        assert_eq!(t.of("B").rows.len(), 1);
    }
}
