//! The model stage: turns what was loaded and validated into the `Site` that is published —
//! datasets with their typed tables, the agencies from the registry, pages. Pure data: no
//! HTML and no file system.

pub mod coverage;
pub mod finance;
pub mod format;
pub mod license;
pub mod personal;
pub mod place;
pub mod projects;
pub mod targets;
pub mod table;
pub mod quality;
pub mod maturity;
pub mod search;
pub mod value;

use crate::config::SiteConfig;
use crate::error::{Error, Result};
use crate::lang::{Lang, Text};
use crate::load::content::FrontMatter;
use crate::load::dataset::DatasetMeta;
use crate::load::role::RoleKind;
use crate::load::schema::Schema;
use crate::load::theme::Theme;
use crate::load::Source;
use crate::urls::Urls;
use crate::validate::{AGENCY_REGISTRY, Validated};
use polars::prelude::{DataFrame, LazyFrame};
pub use table::Table;
use std::collections::{BTreeMap, BTreeSet};

/// A portal ready to render.
#[derive(Debug)]
pub struct Site {
    /// `site.toml`.
    pub config: SiteConfig,
    /// Builds every URL.
    pub urls: Urls,
    /// The languages, default first.
    pub languages: Vec<Lang>,
    /// The datasets, sorted by id.
    pub datasets: Vec<Dataset>,
    /// The agencies and ministries from the registry, sorted by code.
    pub agencies: Vec<Agency>,
    /// The markdown pages, sorted by slug and language.
    pub pages: Vec<Page>,
    /// The personal-data policies, sorted by slug (`portal` is the portal's own).
    pub policies: Vec<crate::load::privacy::PolicySource>,
    /// The theme.
    pub theme: Theme,
    /// Finance figures from the datasets with a finance role.
    pub finance: finance::Finance,
    /// E-service maturity scores from the datasets with the e-services role.
    pub maturity: maturity::Maturity,
    /// Targets and the progress toward them, from the datasets with the targets role.
    pub targets: Vec<targets::Progress>,
    /// Project deliverables, from the datasets with the projects role.
    pub projects: projects::Projects,
    /// Each dataset's metadata quality and freshness, by dataset id.
    pub quality: BTreeMap<String, (quality::Quality, quality::Freshness)>,
    /// The build's date: what freshness and project states are judged against ([`crate::clock`]).
    pub today: chrono::NaiveDate,
    /// Each agency code's datasets, as positions in `datasets` (in order): an agency's page
    /// and the lists of agencies look them up instead of scanning every dataset, which made
    /// them grow with agencies × datasets.
    pub by_agency: BTreeMap<String, Vec<usize>>,
}

/// A published dataset.
#[derive(Debug)]
pub struct Dataset {
    /// The id (folder name), used in URLs.
    pub id: String,
    /// The metadata.
    pub meta: DatasetMeta,
    /// The data files.
    pub resources: Vec<Resource>,
    /// A hash of what its published tables were made from: each resource's data bytes,
    /// reading options and schema, the personal-data treatments, and the salt when a column
    /// is hashed. 0 when the build keeps no cache (the bytes were not hashed).
    pub source: u64,
    /// A hash of its metadata files' bytes, when the build cache read them
    /// ([`crate::load::DatasetSource::meta_key`]): with `source`, what tells a rebuild that its
    /// summary keys are the last build's (see `render::keys`).
    pub meta_key: Option<u64>,
    /// The fiscal years (Buddhist era) it covers ([`search::fiscal_years`]), worked out once:
    /// the facets of each language, the search index and the catalogs ask for them.
    pub fiscal_years: std::collections::BTreeSet<i64>,
}

impl Dataset {
    /// The heading of its resource number `i` (from 0) in `lang`: the resource's title (in
    /// either language), else the dataset's title, numbered by `numbered` (the theme's
    /// "{title} (table {n})") when the dataset has several resources, else the resource's name.
    pub fn resource_title(&self, i: usize, lang: Lang, numbered: &str) -> String {
        let Some(r) = self.resources.get(i) else { return String::new() };
        if !r.title.is_empty() {
            return r.title.get(lang).to_string();
        }
        // A machine name (`budget_2567_q1`) means little to a reader; the dataset's title does.
        let title = self.meta.title.get(lang);
        match (title.trim().is_empty(), self.resources.len()) {
            (true, _) => r.name.clone(),
            (false, 1) => title.to_string(),
            (false, _) => numbered.replace("{title}", title).replace("{n}", &(i + 1).to_string()),
        }
    }
}

/// A published data file.
#[derive(Debug)]
pub struct Resource {
    /// The name used in download URLs.
    pub name: String,
    /// Its human name.
    pub title: Text,
    /// What it holds.
    pub description: Text,
    /// The schema (as published: see [`personal::published_schema`]).
    pub schema: std::sync::Arc<Schema>,
    /// The data, typed per the schema: in memory, or read when first needed (see [`Table`]).
    pub table: Table,
}

impl Resource {
    /// How many rows it has (known without reading the table).
    pub fn rows(&self) -> usize {
        self.table.rows()
    }

    /// The data, typed per the schema; read now when it was not yet (a rebuild reads only the
    /// tables whose outputs are made again).
    pub fn frame(&self) -> Result<&DataFrame> {
        self.table.frame()
    }

    /// Its title in `lang`, or its name when it has no title.
    pub fn title_in(&self, lang: Lang) -> &str {
        if self.title.is_empty() { &self.name } else { self.title.get(lang) }
    }
}

/// An agency or ministry from the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// The registry code.
    pub code: String,
    /// The usual name.
    pub name: Text,
    /// The legal title.
    pub legal_title: Text,
    /// The parent ministry's code (None for a ministry).
    pub parent: Option<String>,
    /// The institutional form code (`ministry`, `department`, …).
    pub form: String,
    /// The official website.
    pub website: String,
    /// The responsible minister's position.
    pub minister: Text,
    /// What the agency is for.
    pub mandate: Text,
    /// The law that establishes it.
    pub enabling_act: Text,
}

impl Agency {
    /// True for a registry row without a parent: a ministry, or a body outside every ministry
    /// (an independent agency, a local government), which groups its own datasets and figures
    /// as a ministry groups its agencies'.
    pub fn is_top_level(&self) -> bool {
        self.parent.is_none()
    }

    /// True for a ministry: a top-level row whose form is `ministry` (or not given). An
    /// independent agency without a parent is not counted or filtered as one.
    pub fn is_ministry(&self) -> bool {
        self.is_top_level() && matches!(self.form.as_str(), "ministry" | "")
    }
}

/// A markdown page in one language.
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL path under the language root.
    pub slug: String,
    /// The language.
    pub lang: Lang,
    /// Front matter.
    pub front: FrontMatter,
    /// The markdown.
    pub body: String,
}

/// Builds the site; call only when validation found no errors.
pub fn build(source: Source, validated: Validated, today: chrono::NaiveDate) -> Result<Site, crate::error::Error> {
    let Validated { mut tables, .. } = validated;
    let salt = personal::build_salt();
    // Each dataset with its tables, taken out of `tables` here; then each made into the
    // model's on every core (10,000 of them in a national portal, one after the other a
    // twentieth of a rebuild).
    let each: Vec<(crate::load::DatasetSource, Vec<Option<Table>>)> = source
        .datasets
        .into_iter()
        .map(|d| {
            let found = d.resources.iter().map(|r| tables.remove(&(d.id.clone(), r.meta.name.clone()))).collect();
            (d, found)
        })
        .collect();
    let datasets = crate::parallel::map_owned(each, |(d, found)| dataset(d, found, &salt)).into_iter().collect::<std::result::Result<Vec<_>, crate::error::Error>>()?;
    // From the registry as published, so that a [personal_data] declaration on it holds here too.
    let registry = datasets
        .iter()
        .find(|d| d.id == AGENCY_REGISTRY.0)
        .and_then(|d| d.resources.iter().find(|r| r.name == AGENCY_REGISTRY.1))
        .map(Resource::frame)
        .transpose()?;
    let agencies = agencies(registry);
    let pages = source
        .pages
        .into_iter()
        .filter(|p| source.config.languages.contains(&p.lang))
        .map(|p| Page { slug: p.slug, lang: p.lang, front: p.front, body: p.body })
        .collect();
    let urls = Urls::new(&source.config.base_url, source.config.default_language);
    let languages = source.config.languages_in_order();
    let policies = source.policies;
    let Computed { finance, maturity, targets, projects } = computed(&datasets, &agencies, today)?;
    // On every core: 10,000 datasets' scores were a third of the model's time on one.
    let quality = crate::parallel::map(&datasets, |d| {
        let schemas: Vec<&Schema> = d.resources.iter().map(|r| &*r.schema).collect();
        let temporal = coverage::period_covered(d).is_some();
        (d.id.clone(), (quality::score(&d.meta, &schemas, temporal), quality::freshness(&d.meta, today)))
    })
    .into_iter()
    .collect();
    let mut by_agency: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, d) in datasets.iter().enumerate() {
        by_agency.entry(d.meta.agency.clone()).or_default().push(i);
    }
    Ok(Site {
        config: source.config,
        urls,
        languages,
        datasets,
        agencies,
        pages,
        policies,
        theme: source.theme,
        finance,
        maturity,
        targets,
        projects,
        quality,
        today,
        by_agency,
    })
}

/// Makes the model's dataset of `d`, whose tables (by resource, in order; None where it has
/// none) are `found`: its personal-data treatments applied to its tables and schemas, and the
/// key of what its tables were made from.
fn dataset(d: crate::load::DatasetSource, found: Vec<Option<Table>>, salt: &[u8]) -> std::result::Result<Dataset, crate::error::Error> {
    let treatments = d.meta.personal_data.as_ref().map(|p| p.columns.clone()).unwrap_or_default();
    let mut source = crate::load::cache::KeyHasher::new();
    source.add_json(&treatments);
    if treatments.values().any(|t| matches!(t, crate::load::dataset::Treatment::Hash)) {
        source.add(salt);
    }
    let known = d.resources.iter().all(|r| r.fingerprint != 0);
    let mut resources = Vec::new();
    for (r, table) in d.resources.into_iter().zip(found) {
        source.add(&r.meta.name).add(&r.check_key());
        let Some(table) = table else { continue };
        // Applied when the table is read: an unchanged table of a rebuild is not.
        let table = if treatments.is_empty() {
            table
        } else {
            let (schema, treatments, salt) = (r.schema.clone(), treatments.clone(), salt.to_vec());
            table
                .map(move |frame| personal::published_frame(frame, &schema, &treatments, &salt).map_err(|e| e.to_string()))
                .map_err(|message| crate::error::Error::Data { path: r.file.clone(), message })?
        };
        let schema = personal::published_schema(r.schema, &treatments);
        resources.push(Resource { name: r.meta.name, title: r.meta.title, description: r.meta.description, schema, table });
    }
    let source = if known { source.finish() } else { 0 };
    let mut meta = d.meta;
    for tags in [&mut meta.tags.th, &mut meta.tags.en] {
        *tags = search::distinct_tags(std::mem::take(tags));
    }
    // The licence as its known id (`cc-by-4.0` or its text's URL is CC-BY-4.0), so that the
    // API and the catalogs say the id the package and the page do.
    if let Some(known) = license::find(&meta.license) {
        meta.license = known.id.to_string();
    }
    let mut dataset = Dataset { id: d.id, meta, resources, source, meta_key: d.meta_key, fiscal_years: Default::default() };
    dataset.fiscal_years = search::fiscal_years(&dataset);
    Ok(dataset)
}

/// What Sala computes from the datasets with a role.
struct Computed {
    finance: finance::Finance,
    maturity: maturity::Maturity,
    targets: Vec<targets::Progress>,
    projects: projects::Projects,
}

/// The finance figures, maturity scores, targets and projects, from every dataset that declares a role.
fn computed(datasets: &[Dataset], agencies: &[Agency], today: chrono::NaiveDate) -> Result<Computed> {
    let mut frames: BTreeMap<RoleKind, Vec<LazyFrame>> = BTreeMap::new();
    let mut target_list = Vec::new();
    let mut deliverables = Vec::new();
    for d in datasets {
        let Some(role) = &d.meta.role else { continue };
        let names: Vec<String> = d.resources.iter().map(|r| r.name.clone()).collect();
        let Some(resource) = role.resource_in(&names) else { continue };
        let Some(r) = d.resources.iter().find(|r| r.name == resource) else { continue };
        let in_dataset = |e: polars::error::PolarsError| Error::Data { path: d.meta_file_hint(), message: e.to_string() };
        let frame = r.frame()?;
        let frame = match role.kind {
            RoleKind::FinanceAuthorities | RoleKind::FinanceExpenditures => finance::canonical(frame, role),
            RoleKind::EServices => maturity::canonical(frame, role),
            RoleKind::Targets => {
                target_list.extend(targets::read(frame, role).map_err(in_dataset)?);
                None
            }
            RoleKind::Projects => {
                deliverables.extend(projects::read(frame, role).map_err(in_dataset)?);
                None
            }
        };
        frames.entry(role.kind).or_default().extend(frame);
    }
    let mut take = |kind| frames.remove(&kind).unwrap_or_default();
    let data_error = |e: polars::error::PolarsError| Error::Data { path: "datasets".into(), message: e.to_string() };
    let units: BTreeMap<String, BTreeSet<String>> =
        agencies.iter().map(|a| (a.code.clone(), members(agencies, a).map(str::to_string).collect())).collect();
    let authorities = finance::union(take(RoleKind::FinanceAuthorities)).map_err(data_error)?;
    let expenditures = finance::union(take(RoleKind::FinanceExpenditures)).map_err(data_error)?;
    let finance = finance::build(authorities, expenditures, &units).map_err(data_error)?;
    let registry = agencies.iter().map(|a| (a.code.clone(), a.parent.clone().unwrap_or_else(|| a.code.clone()))).collect();
    let maturity = maturity::build(take(RoleKind::EServices), &registry).map_err(data_error)?;
    let is_ministry = |code: &str| agencies.iter().any(|a| a.code == code && a.is_top_level());
    let targets = targets::build(target_list, &maturity, is_ministry);
    let projects = projects::build(deliverables, today, &units);
    Ok(Computed { finance, maturity, targets, projects })
}

impl Dataset {
    /// The dataset's `dataset.toml`, relative to the portal folder, for messages.
    pub fn meta_file_hint(&self) -> std::path::PathBuf {
        std::path::Path::new("datasets").join(&self.id).join("dataset.toml")
    }
}

/// The agencies whose rows an agency's figures add up: itself, and for a ministry its agencies too.
pub fn members<'a>(agencies: &'a [Agency], a: &'a Agency) -> impl Iterator<Item = &'a str> {
    agencies
        .iter()
        .filter(move |x| x.code == a.code || (a.is_top_level() && x.parent.as_deref() == Some(a.code.as_str())))
        .map(|x| x.code.as_str())
}

fn agencies(registry: Option<&DataFrame>) -> Vec<Agency> {
    let Some(frame) = registry else { return Vec::new() };
    let column = |name: &str| -> Vec<String> {
        match frame.column(name).ok().and_then(|c| c.str().ok().cloned()) {
            Some(ca) => ca.iter().map(|v| v.unwrap_or("").to_string()).collect(),
            None => vec![String::new(); frame.height()],
        }
    };
    let text = |th: &str, en: &str| -> Vec<Text> {
        column(th).into_iter().zip(column(en)).map(|(t, e)| Text::new(t, e)).collect()
    };
    let codes = column("code");
    let names = text("name_th", "name_en");
    let legal = text("legal_title_th", "legal_title_en");
    let parents = column("parent");
    let forms = column("form");
    let websites = column("website");
    let ministers = text("minister_th", "minister_en");
    let mandates = text("mandate_th", "mandate_en");
    let acts = text("enabling_act_th", "enabling_act_en");
    let mut list: Vec<Agency> = (0..frame.height())
        .map(|i| Agency {
            code: codes[i].clone(),
            name: names[i].clone(),
            legal_title: legal[i].clone(),
            parent: Some(parents[i].clone()).filter(|p| !p.trim().is_empty()),
            form: forms[i].clone(),
            website: websites[i].clone(),
            minister: ministers[i].clone(),
            mandate: mandates[i].clone(),
            enabling_act: acts[i].clone(),
        })
        .filter(|a| !a.code.is_empty())
        .collect();
    list.sort_by(|a, b| a.code.cmp(&b.code));
    list
}

impl Site {
    /// The first table that was needed but could not be read (see [`Table`]): a build that
    /// met one fails instead of publishing what was made without it.
    pub fn table_failure(&self) -> Option<Error> {
        self.datasets.iter().flat_map(|d| &d.resources).find_map(|r| r.table.failure())
    }

    /// The agency with `code`.
    pub fn agency(&self, code: &str) -> Option<&Agency> {
        // The registry is sorted by code (see `agencies`), and its codes are its primary key.
        self.agencies.binary_search_by(|a| a.code.as_str().cmp(code)).ok().and_then(|i| self.agencies.get(i))
    }

    /// The datasets an agency publishes.
    pub fn datasets_of(&self, code: &str) -> impl Iterator<Item = &Dataset> {
        self.by_agency.get(code).into_iter().flatten().filter_map(|&i| self.datasets.get(i))
    }

    /// The personal-data policy of the agency `code`, if it published one.
    pub fn policy_of(&self, code: &str) -> Option<&crate::load::privacy::PolicySource> {
        self.policies.iter().find(|p| p.policy.agency.as_deref() == Some(code))
    }

    /// The page `slug` in `lang`, if it exists.
    pub fn page(&self, slug: &str, lang: Lang) -> Option<&Page> {
        self.pages.iter().find(|p| p.slug == slug && p.lang == lang)
    }
}
