//! Catalogs for harvesters and search engines: DCAT-AP 3 (`/catalog.ttl`, `/catalog.jsonld`),
//! DCAT-US / Project Open Data 1.1 (`/data.json`), `/sitemap.xml` with hreflang alternates, Atom
//! feeds of datasets, `/robots.txt`, and the schema.org `Dataset` JSON-LD of dataset pages.
//! Every date comes from the metadata, never from the clock, so builds stay byte-identical.

use super::rdf::Streamed;
use super::{Emitter, OutputFile, Written};
use crate::error::Result;
use super::api::theme_label;
use super::data::{formats_of, license_url};
use super::rdf::Graph;
use crate::lang::{Lang, Text};
use crate::load::dataset::Frequency;
use crate::model::format::toml_date;
use crate::model::{Dataset, Site};
use crate::model::coverage::period_covered;
use crate::urls::to_uri;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// How many datasets an Atom feed lists, newest-modified first.
pub const FEED_ENTRIES: usize = 50;

/// The namespace of the EU's controlled vocabularies that DCAT-AP asks for.
const EU_AUTHORITY: &str = "http://publications.europa.eu/resource/authority/";

/// Catalogs, feeds, sitemap and robots.txt. `built` holds the files rendered so far: the sitemap
/// lists its HTML pages and the catalogs give each download's size.
/// The catalogs, which grow with the portal (tens of megabytes at 10,000 datasets), are
/// written into `out` a dataset at a time rather than held whole.
pub fn render(site: &Site, built: &Written, out: &Emitter) -> Result<()> {
    let urls = &site.urls;
    let graph = dcat(site, built);
    let io = |e: std::io::Error| e.to_string();
    out.stream(&urls.catalog_ttl(), "catalog.ttl", |w| graph.write_turtle(w).map_err(io))?;
    out.stream(&urls.catalog_jsonld(), "catalog.jsonld", |w| graph.write_jsonld(w).map_err(io))?;
    drop(graph);
    out.file(&urls.robots(), format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", urls.absolute(&urls.sitemap())).as_bytes())?;
    out.files(sitemap_files(urls, &sitemap_entries(site, built), SITEMAP_MAX_URLS, SITEMAP_MAX_BYTES))?;
    for &lang in &site.languages {
        out.file(&urls.feed(lang), feed(site, lang).as_bytes())?;
        let path = urls.data_json_in(lang);
        out.stream(&path, &path, |w| write_data_json(site, lang, w).map_err(io))?;
    }
    Ok(())
}

/// A metadata date (TOML) as `YYYY-MM-DD`.
fn iso_date(d: &Option<toml::value::Datetime>) -> Option<String> {
    d.as_ref().and_then(toml_date).map(|d| d.to_string())
}

/// A place a dataset covers, as the catalogs name it.
struct Place {
    /// Its name.
    name: Text,
    /// Its IRI: a national authority's, or the dataset page's `#place-<code>` for a province.
    iri: String,
    /// Other IRIs of the same place (GeoNames).
    same_as: Vec<&'static str>,
    /// Its ISO 3166-2 code, for a province.
    code: Option<&'static str>,
}

/// The places a dataset covers: the provinces its `places` names, else Thailand when it has a
/// geographic coverage at all. GD-Catalog's `geo_coverage` is a level (country, region,
/// province…), not a place: it stays as text in the API and on the page.
fn places_covered(d: &Dataset, page: &str) -> Vec<Place> {
    if !d.meta.places.is_empty() {
        return d
            .meta
            .places
            .iter()
            .filter_map(|code| crate::model::place::PROVINCES.iter().find(|(c, _, _)| c == code))
            .map(|(code, th, en)| Place { name: Text::new(*th, *en), iri: format!("{page}#place-{code}"), same_as: Vec::new(), code: Some(code) })
            .collect();
    }
    if d.meta.geo_coverage.is_empty() {
        return Vec::new();
    }
    vec![Place { name: THAILAND.clone(), iri: THAILAND_EU.into(), same_as: vec![THAILAND_GEONAMES], code: None }]
}

/// Thailand's name.
static THAILAND: std::sync::LazyLock<Text> = std::sync::LazyLock::new(|| Text::new("ประเทศไทย", "Thailand"));

/// Thailand in the EU country authority (DCAT-AP's vocabulary for `dct:spatial`).
const THAILAND_EU: &str = "http://publications.europa.eu/resource/authority/country/THA";
/// Thailand in GeoNames, the gazetteer most open-data tools resolve places with.
const THAILAND_GEONAMES: &str = "https://sws.geonames.org/1605651/";

/// The EU frequency vocabulary's code for a GD-Catalog frequency.
fn eu_frequency(f: Frequency) -> &'static str {
    match f {
        Frequency::Daily => "DAILY",
        Frequency::Weekly => "WEEKLY",
        Frequency::Monthly => "MONTHLY",
        Frequency::Quarterly => "QUARTERLY",
        Frequency::Semiannual => "ANNUAL_2",
        Frequency::Annual => "ANNUAL",
        Frequency::Irregular => "IRREG",
        Frequency::Static => "NEVER",
    }
}

/// The EU data theme (code, Thai and English label) closest to a Sala theme.
fn eu_theme(code: &str) -> (&'static str, Text) {
    match code {
        "budget" | "finance" => ("ECON", Text::new("เศรษฐกิจและการเงิน", "Economy and finance")),
        "geography" => ("REGI", Text::new("ภูมิภาคและเมือง", "Regions and cities")),
        "population" => ("SOCI", Text::new("ประชากรและสังคม", "Population and society")),
        _ => ("GOVE", Text::new("รัฐบาลและภาคสาธารณะ", "Government and public sector")),
    }
}

/// The EU language vocabulary's code for a language.
fn eu_language(lang: Lang) -> &'static str {
    match lang {
        Lang::Th => "THA",
        Lang::En => "ENG",
    }
}

/// True for an e-mail address that can go into a `mailto:` IRI as it is.
fn plain_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && email.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-@".contains(c))
}

/// The IRI of a dataset in the catalogs: its page in the default language, `#dataset`.
pub fn dataset_iri(site: &Site, d: &Dataset) -> String {
    format!("{}#dataset", site.urls.absolute(&site.urls.dataset(site.config.default_language, &d.id)))
}

/// The IRI of an agency as a publisher: its page in the default language, `#agency`.
fn agency_iri(site: &Site, code: &str) -> String {
    format!("{}#agency", site.urls.absolute(&site.urls.agency(site.config.default_language, code)))
}

/// The DCAT-AP 3 catalog. Objects that DCAT-AP's shapes expect to have a class are typed
/// inline (licences, media types, formats, agents, languages), so the catalog validates offline.
fn dcat(site: &Site, sizes: &Written) -> Graph {
    let urls = &site.urls;
    let langs: Vec<Lang> = site.languages.clone();
    let mut g = Graph::default();
    let catalog = format!("{}#catalog", urls.absolute(&urls.home(site.config.default_language)));
    let home = urls.absolute(&urls.home(site.config.default_language));
    let publisher = format!("{home}#publisher");
    let scheme = urls.absolute(&urls.api_themes());
    {
        let c = g.node(&catalog, &["dcat:Catalog"]);
        for &l in &langs {
            c.text("dct:title", site.config.title.get(l), l.code());
            c.text("dct:description", if site.config.description.is_empty() { site.config.title.get(l) } else { site.config.description.get(l) }, l.code());
        }
        c.iri("dct:publisher", &publisher).iri("foaf:homepage", &home).iri("dcat:themeTaxonomy", &scheme);
        for &l in &langs {
            c.iri("dct:language", format!("{EU_AUTHORITY}language/{}", eu_language(l)));
        }
        let newest = site.datasets.iter().filter_map(|d| iso_date(&d.meta.modified).or_else(|| iso_date(&d.meta.issued))).max();
        if let Some(newest) = newest {
            c.typed("dct:modified", newest, "xsd:date");
        }
        for d in &site.datasets {
            c.iri("dcat:dataset", dataset_iri(site, d));
        }
    }
    let team = if site.config.contact.name.is_empty() { &site.config.title } else { &site.config.contact.name };
    let p = g.node(&publisher, &["foaf:Agent", "foaf:Organization"]);
    for &l in &langs {
        p.text("foaf:name", team.get(l), l.code());
    }
    g.node(&home, &["foaf:Document"]);
    for &l in &langs {
        g.node(format!("{EU_AUTHORITY}language/{}", eu_language(l)), &["dct:LinguisticSystem"]);
    }
    let s = g.node(&scheme, &["skos:ConceptScheme"]);
    s.text("dct:title", "หมวดหมู่ชุดข้อมูล", "th").text("dct:title", "Dataset themes", "en");
    for d in &site.datasets {
        dcat_dataset(site, d, sizes, &mut g);
    }
    g
}

/// The dataset's metadata quality score and freshness as W3C DQV quality measurements (the
/// place DCAT-AP gives quality information), with the two metrics they measure.
fn quality_measurements(site: &Site, d: &Dataset, iri: &str, page: &str, g: &mut Graph) {
    let Some((q, f)) = site.quality.get(&d.id) else { return };
    let metrics = site.urls.absolute(&site.urls.api_table("quality", "datasets", "json"));
    let score = format!("{metrics}#score");
    let overdue = format!("{metrics}#overdue");
    g.node(&score, &["dqv:Metric"])
        .text("skos:definition", "สัดส่วนของเกณฑ์คุณภาพคำอธิบายข้อมูล 14 ข้อที่ผ่าน (ร้อยละ)", "th")
        .text("skos:definition", "Share of the 14 metadata quality criteria met (percent)", "en")
        .iri("dqv:expectedDataType", "http://www.w3.org/2001/XMLSchema#decimal");
    g.node(&overdue, &["dqv:Metric"])
        .text("skos:definition", "ชุดข้อมูลไม่ได้ปรับปรุงตามความถี่ที่ระบุ ณ วันที่สร้างเว็บไซต์", "th")
        .text("skos:definition", "The dataset has not been updated as often as its frequency says, on the build's date", "en")
        .iri("dqv:expectedDataType", "http://www.w3.org/2001/XMLSchema#boolean");
    g.node(format!("{page}#quality-score"), &["dqv:QualityMeasurement"])
        .iri("dqv:computedOn", iri)
        .iri("dqv:isMeasurementOf", &score)
        .typed("dqv:value", format!("{}", crate::model::format::round(q.score(), 2)), "xsd:decimal");
    g.node(format!("{page}#quality-overdue"), &["dqv:QualityMeasurement"])
        .iri("dqv:computedOn", iri)
        .iri("dqv:isMeasurementOf", &overdue)
        .typed("dqv:value", (f.state == crate::model::quality::State::Overdue).to_string(), "xsd:boolean")
        .typed("dct:date", site.today.to_string(), "xsd:date");
}

fn dcat_dataset(site: &Site, d: &Dataset, sizes: &Written, g: &mut Graph) {
    let urls = &site.urls;
    let m = &d.meta;
    let langs = site.languages.clone();
    let iri = dataset_iri(site, d);
    let page = urls.absolute(&urls.dataset(site.config.default_language, &d.id));
    let agency = agency_iri(site, &m.agency);
    let license = license_url(&m.license);
    {
        let n = g.node(&iri, &["dcat:Dataset"]);
        for &l in &langs {
            n.text("dct:title", m.title.get(l), l.code());
            n.text("dct:description", if m.description.is_empty() { m.title.get(l) } else { m.description.get(l) }, l.code());
        }
        n.typed("dct:identifier", &d.id, "xsd:string");
        for &l in &langs {
            for tag in m.tags.get(l) {
                n.text("dcat:keyword", tag, l.code());
            }
        }
        n.iri("dct:publisher", &agency);
        if !m.contact.name.is_empty() || plain_email(&m.contact.email) {
            n.iri("dcat:contactPoint", format!("{page}#contact"));
        }
        for theme in &m.themes {
            n.iri("dcat:theme", urls.theme_concept(theme));
            n.iri("dcat:theme", format!("{EU_AUTHORITY}data-theme/{}", eu_theme(theme).0));
        }
        if let Some(issued) = iso_date(&m.issued) {
            n.typed("dct:issued", issued, "xsd:date");
        }
        if let Some(modified) = iso_date(&m.modified) {
            n.typed("dct:modified", modified, "xsd:date");
        }
        if let Some(f) = m.frequency {
            n.iri("dct:accrualPeriodicity", format!("{EU_AUTHORITY}frequency/{}", eu_frequency(f)));
        }
        for l in m.language.iter().filter_map(|c| Lang::from_code(c)) {
            n.iri("dct:language", format!("{EU_AUTHORITY}language/{}", eu_language(l)));
        }
        if period_covered(d).is_some() {
            n.iri("dct:temporal", format!("{page}#temporal"));
        }
        for place in places_covered(d, &page) {
            n.iri("dct:spatial", place.iri.clone());
            for iri in place.same_as {
                n.iri("dct:spatial", iri);
            }
        }
        for &l in &langs {
            n.iri("dcat:landingPage", urls.absolute(&urls.dataset(l, &d.id)));
        }
        for r in &d.resources {
            for format in formats_of(site, r) {
                n.iri("dcat:distribution", format!("{page}#{}-{}", r.name, format.ext));
            }
        }
        if site.quality.contains_key(&d.id) {
            n.iri("dqv:hasQualityMeasurement", format!("{page}#quality-score"));
            n.iri("dqv:hasQualityMeasurement", format!("{page}#quality-overdue"));
        }
    }
    quality_measurements(site, d, &iri, &page, g);
    let a = g.node(&agency, &["foaf:Agent", "foaf:Organization"]);
    match site.agency(&m.agency) {
        Some(x) => {
            for &l in &langs {
                a.text("foaf:name", x.name.get(l), l.code());
            }
        }
        None => {
            a.text("foaf:name", &m.agency, "en");
        }
    }
    if !m.contact.name.is_empty() || plain_email(&m.contact.email) {
        let c = g.node(format!("{page}#contact"), &["vcard:Kind", "vcard:Organization"]);
        let name = if m.contact.name.is_empty() { site.agency(&m.agency).map_or(Text::new(&m.agency, &m.agency), |a| a.name.clone()) } else { m.contact.name.clone() };
        for &l in &langs {
            c.text("vcard:fn", name.get(l), l.code());
        }
        if plain_email(&m.contact.email) {
            c.iri("vcard:hasEmail", format!("mailto:{}", m.contact.email));
        }
    }
    for theme in &m.themes {
        let label = theme_label(site, theme);
        let t = g.node(urls.theme_concept(theme), &["skos:Concept"]);
        t.text("skos:prefLabel", &label.th, "th").text("skos:prefLabel", &label.en, "en");
        t.iri("skos:inScheme", urls.absolute(&urls.api_themes()));
        let (code, label) = eu_theme(theme);
        let eu = g.node(format!("{EU_AUTHORITY}data-theme/{code}"), &["skos:Concept"]);
        eu.text("skos:prefLabel", &label.th, "th").text("skos:prefLabel", &label.en, "en");
    }
    if let Some(f) = m.frequency {
        g.node(format!("{EU_AUTHORITY}frequency/{}", eu_frequency(f)), &["dct:Frequency"]);
    }
    for l in m.language.iter().filter_map(|c| Lang::from_code(c)) {
        g.node(format!("{EU_AUTHORITY}language/{}", eu_language(l)), &["dct:LinguisticSystem"]);
    }
    if let Some((start, end)) = period_covered(d) {
        g.node(format!("{page}#temporal"), &["dct:PeriodOfTime"]).typed("dcat:startDate", start, "xsd:date").typed("dcat:endDate", end, "xsd:date");
    }
    for place in places_covered(d, &page) {
        for iri in std::iter::once(place.iri.as_str()).chain(place.same_as.iter().copied()) {
            let node = g.node(iri, &["dct:Location"]);
            for &l in &langs {
                node.text("skos:prefLabel", place.name.get(l), l.code());
            }
            if let Some(code) = place.code {
                node.typed("skos:notation", code, "xsd:string");
            }
        }
    }
    for &l in &langs {
        g.node(urls.absolute(&urls.dataset(l, &d.id)), &["foaf:Document"]);
    }
    g.node(format!("{EU_AUTHORITY}planned-availability/STABLE"), &["skos:Concept"])
        .text("skos:prefLabel", "คงที่", "th")
        .text("skos:prefLabel", "stable", "en");
    g.node(&license, &["dct:LicenseDocument"]).typed("dct:identifier", &m.license, "xsd:string");
    for r in &d.resources {
        for format in formats_of(site, r) {
            let path = urls.resource(&d.id, &r.name, format.ext);
            let n = g.node(format!("{page}#{}-{}", r.name, format.ext), &["dcat:Distribution"]);
            for &l in &langs {
                n.text("dct:title", &format!("{} ({})", r.title_in(l), format.name), l.code());
            }
            let description = Text::new(
                format!("ข้อมูล {} ทุกแถว ในรูปแบบ {}", r.title_in(Lang::Th), format.name),
                format!("Every row of {} as {}", r.title_in(Lang::En), format.name),
            );
            for &l in &langs {
                n.text("dct:description", description.get(l), l.code());
            }
            n.iri("dcat:accessURL", &page).iri("dcat:downloadURL", urls.absolute(&path)).iri("dct:license", &license);
            // Sala keeps every published URL working (see the README's URL layout).
            n.iri("dcatap:availability", format!("{EU_AUTHORITY}planned-availability/STABLE"));
            if let Some(size) = sizes.get(path.as_str()) {
                n.typed("dcat:byteSize", size.to_string(), "xsd:nonNegativeInteger");
            }
            n.iri("dcat:mediaType", format.media_type_iri()).iri("dct:format", format.format_iri);
            g.node(format.media_type_iri(), &["dct:MediaType"]);
            // CKAN's DCAT profiles show a format IRI as it is unless it is a `dct:IMT` (typed
            // first), whose rdfs:label is then the plain format ("CSV") and rdf:value its media
            // type. A literal dct:format would break DCAT-AP's range (dct:MediaTypeOrExtent).
            g.node(format.format_iri, &["dct:IMT", "dct:MediaTypeOrExtent"])
                .typed("rdfs:label", format.name, "xsd:string")
                .typed("rdf:value", format.media_type, "xsd:string");
        }
    }
}

/// The head of `data.json`, serialised as its `json!` form would be, with the datasets
/// serialised one at a time.
#[derive(serde::Serialize)]
#[serde(bound = "")]
struct DataJson<I: Iterator<Item = Value>> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "conformsTo")]
    conforms_to: &'static str,
    #[serde(rename = "describedBy")]
    described_by: &'static str,
    dataset: Streamed<I>,
}

/// `/data.json` (default language) and `/<lang>/data.json`: DCAT-US / Project Open Data 1.1,
/// one language a file as that schema has. US harvesters make a dataset's name from its title
/// in ASCII, so they need the English file. Thai agencies have no US OMB bureau or program
/// codes, which the schema requires: `000:00` and `000:000` fill them, the values the schema's
/// patterns accept for "none".
/// Written pretty-printed with a final newline, a dataset at a time.
fn write_data_json(site: &Site, lang: Lang, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let urls = &site.urls;
    let datasets = site
        .datasets
        .iter()
        .map(|d| {
            let m = &d.meta;
            let agency = site.agency(&m.agency);
            let mut publisher = json!({"@type": "org:Organization", "name": agency.map_or(m.agency.as_str(), |a| a.name.get(lang))});
            if let Some(parent) = agency.and_then(|a| a.parent.as_deref()).and_then(|p| site.agency(p)) {
                publisher["subOrganizationOf"] = json!({"@type": "org:Organization", "name": parent.name.get(lang)});
            }
            let email = if plain_email(&m.contact.email) { m.contact.email.as_str() } else { site.config.contact.email.as_str() };
            let contact_name = if m.contact.name.is_empty() { publisher["name"].as_str().unwrap_or_default().to_string() } else { m.contact.name.get(lang).to_string() };
            let mut keywords: Vec<String> = m.tags.get(lang).to_vec();
            if keywords.is_empty() {
                // The schema needs at least one keyword: the themes say what the data is about.
                keywords = m.themes.iter().map(|t| theme_label(site, t).get(lang).to_string()).collect();
            }
            if keywords.is_empty() {
                keywords.push(d.id.clone());
            }
            let mut out = Map::new();
            out.insert("@type".into(), json!("dcat:Dataset"));
            out.insert("identifier".into(), json!(dataset_iri(site, d)));
            out.insert("title".into(), json!(m.title.get(lang)));
            out.insert("description".into(), json!(if m.description.is_empty() { m.title.get(lang) } else { m.description.get(lang) }));
            out.insert("keyword".into(), json!(keywords));
            if let Some(modified) = iso_date(&m.modified).or_else(|| iso_date(&m.issued)) {
                out.insert("modified".into(), json!(modified));
            }
            if let Some(issued) = iso_date(&m.issued) {
                out.insert("issued".into(), json!(issued));
            }
            out.insert("publisher".into(), publisher.clone());
            out.insert("contactPoint".into(), json!({"@type": "vcard:Contact", "fn": contact_name, "hasEmail": format!("mailto:{email}")}));
            out.insert("accessLevel".into(), json!("public"));
            out.insert("bureauCode".into(), json!(["000:00"]));
            out.insert("programCode".into(), json!(["000:000"]));
            out.insert("license".into(), json!(license_url(&m.license)));
            let places = places_covered(d, "");
            if !places.is_empty() {
                let mut names: Vec<&str> = places.iter().map(|p| p.name.get(lang)).collect();
                // A province is named with its country, as a gazetteer would find it.
                if places.iter().any(|p| p.code.is_some()) {
                    names.push(THAILAND.get(lang));
                }
                out.insert("spatial".into(), json!(names.join(", ")));
            }
            if let Some((start, end)) = period_covered(d) {
                out.insert("temporal".into(), json!(format!("{start}/{end}")));
            }
            if let Some(f) = m.frequency {
                let iso = match f {
                    Frequency::Daily => Some("R/P1D"),
                    Frequency::Weekly => Some("R/P1W"),
                    Frequency::Monthly => Some("R/P1M"),
                    Frequency::Quarterly => Some("R/P3M"),
                    Frequency::Semiannual => Some("R/P6M"),
                    Frequency::Annual => Some("R/P1Y"),
                    Frequency::Irregular => Some("irregular"),
                    // Never updated: POD has no value for that, so the key is left out.
                    Frequency::Static => None,
                };
                if let Some(iso) = iso {
                    out.insert("accrualPeriodicity".into(), json!(iso));
                }
            }
            let languages: Vec<&str> = m.language.iter().filter_map(|c| Lang::from_code(c)).map(Lang::code).collect();
            if !languages.is_empty() {
                out.insert("language".into(), json!(languages));
            }
            if !m.themes.is_empty() {
                out.insert("theme".into(), json!(m.themes.iter().map(|t| theme_label(site, t).get(lang).to_string()).collect::<Vec<_>>()));
            }
            out.insert("landingPage".into(), json!(urls.absolute(&urls.dataset(lang, &d.id))));
            out.insert("describedBy".into(), json!(urls.absolute(&urls.datapackage(&d.id))));
            out.insert("describedByType".into(), json!("application/json"));
            let distributions: Vec<Value> = d
                .resources
                .iter()
                .flat_map(|r| {
                    formats_of(site, r).map(move |format| {
                        json!({
                            "@type": "dcat:Distribution",
                            "title": format!("{} ({})", r.title_in(lang), format.name),
                            "downloadURL": urls.absolute(&urls.resource(&d.id, &r.name, format.ext)),
                            "mediaType": format.media_type,
                            "format": format.name,
                            "describedBy": urls.absolute(&urls.datapackage(&d.id)),
                            "describedByType": "application/json",
                        })
                    })
                })
                .collect();
            out.insert("distribution".into(), Value::Array(distributions));
            Value::Object(out)
        });
    let doc = DataJson {
        context: "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        id: urls.absolute(&urls.data_json_in(lang)),
        kind: "dcat:Catalog",
        conforms_to: "https://project-open-data.cio.gov/v1.1/schema",
        described_by: "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        dataset: Streamed::new(datasets),
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}

/// Text escaped for XML content and attribute values.
pub(super) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The most URLs one sitemap file may list (the sitemaps.org protocol's limit).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// The most bytes one sitemap file may hold (the protocol's 50 MB, uncompressed).
pub const SITEMAP_MAX_BYTES: usize = 50 * 1024 * 1024;

const SITEMAP_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const SITEMAP_TAIL: &str = "</urlset>\n";

/// `/sitemap.xml` listing every entry; or, when that would pass `max_urls` URLs or
/// `max_bytes` bytes, `/sitemaps/sitemap-<n>.xml` parts within both limits and `/sitemap.xml`
/// as the sitemap index that lists them (robots.txt names `/sitemap.xml` either way).
fn sitemap_files(urls: &crate::urls::Urls, entries: &[String], max_urls: usize, max_bytes: usize) -> Vec<OutputFile> {
    let frame = SITEMAP_HEAD.len() + SITEMAP_TAIL.len();
    let mut parts: Vec<String> = Vec::new();
    let mut count = 0;
    for entry in entries {
        let fits = parts.last().is_some_and(|p| count < max_urls && p.len() + entry.len() + SITEMAP_TAIL.len() <= max_bytes);
        if !fits {
            parts.push(String::with_capacity(frame));
            if let Some(p) = parts.last_mut() {
                p.push_str(SITEMAP_HEAD);
            }
            count = 0;
        }
        if let Some(p) = parts.last_mut() {
            p.push_str(entry);
        }
        count += 1;
    }
    for p in &mut parts {
        p.push_str(SITEMAP_TAIL);
    }
    if parts.len() <= 1 {
        let one = parts.pop().unwrap_or_else(|| format!("{SITEMAP_HEAD}{SITEMAP_TAIL}"));
        return vec![OutputFile::new(urls.sitemap(), one)];
    }
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut files = Vec::with_capacity(parts.len() + 1);
    for (i, part) in parts.into_iter().enumerate() {
        let path = urls.sitemap_part(i + 1);
        index.push_str(&format!("<sitemap><loc>{}</loc></sitemap>\n", xml(&urls.absolute(&path))));
        files.push(OutputFile::new(path, part));
    }
    index.push_str("</sitemapindex>\n");
    files.push(OutputFile::new(urls.sitemap(), index));
    files
}

/// The sitemap's `<url>` entries: every HTML page that was built, each with its other-language
/// twins as `xhtml:link` hreflang alternates (and `x-default`), dataset pages with their
/// modified date.
fn sitemap_entries(site: &Site, built: &Written) -> Vec<String> {
    let urls = &site.urls;
    let mut groups: BTreeMap<String, BTreeMap<Lang, String>> = BTreeMap::new();
    for f in built.keys().filter(|f| f.ends_with("index.html")) {
        let path = f.trim_end_matches("index.html");
        let (lang, rest) = urls.split_language(path);
        groups.entry(rest.to_string()).or_default().insert(lang, path.to_string());
    }
    let modified: BTreeMap<String, String> = site
        .datasets
        .iter()
        .filter_map(|d| Some((urls.dataset(site.config.default_language, &d.id), iso_date(&d.meta.modified).or_else(|| iso_date(&d.meta.issued))?)))
        .collect();
    let mut entries = Vec::new();
    for (key, paths) in &groups {
        for path in paths.values() {
            let mut out = format!("<url>\n  <loc>{}</loc>\n", xml(&to_uri(&urls.absolute(path))));
            if let Some(date) = modified.get(key) {
                out.push_str(&format!("  <lastmod>{date}</lastmod>\n"));
            }
            if paths.len() > 1 {
                for (lang, twin) in paths {
                    out.push_str(&format!("  <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n", lang.code(), xml(&to_uri(&urls.absolute(twin)))));
                }
                if let Some(default) = paths.get(&site.config.default_language) {
                    out.push_str(&format!("  <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n", xml(&to_uri(&urls.absolute(default)))));
                }
            }
            out.push_str("</url>\n");
            entries.push(out);
        }
    }
    entries
}

/// An Atom feed in `lang` of the datasets, newest-modified first. Its `updated` is the newest
/// dataset's date, so an unchanged portal gives an unchanged feed.
fn feed(site: &Site, lang: Lang) -> String {
    let urls = &site.urls;
    let mut dated: Vec<(&Dataset, String)> = site
        .datasets
        .iter()
        .filter_map(|d| Some((d, iso_date(&d.meta.modified).or_else(|| iso_date(&d.meta.issued))?)))
        .collect();
    dated.sort_by(|(a, x), (b, y)| y.cmp(x).then_with(|| a.id.cmp(&b.id)));
    dated.truncate(FEED_ENTRIES);
    let updated = dated.first().map_or_else(|| "1970-01-01".to_string(), |(_, date)| date.clone());
    let self_url = urls.absolute(&urls.feed(lang));
    let team = if site.config.contact.name.is_empty() { &site.config.title } else { &site.config.contact.name };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n",
        lang.code(),
        xml(site.config.title.get(lang))
    );
    if !site.config.description.is_empty() {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", xml(site.config.description.get(lang))));
    }
    out.push_str(&format!("  <id>{}</id>\n", xml(&self_url)));
    out.push_str(&format!("  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", xml(&self_url)));
    out.push_str(&format!("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&urls.absolute(&urls.datasets(lang)))));
    out.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    out.push_str(&format!("  <author>\n    <name>{}</name>\n", xml(team.get(lang))));
    if plain_email(&site.config.contact.email) {
        out.push_str(&format!("    <email>{}</email>\n", xml(&site.config.contact.email)));
    }
    out.push_str("  </author>\n");
    for (d, date) in &dated {
        let m = &d.meta;
        let page = urls.absolute(&urls.dataset(lang, &d.id));
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", xml(m.title.get(lang))));
        out.push_str(&format!("    <id>{}</id>\n", xml(&page)));
        out.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&page)));
        out.push_str(&format!("    <updated>{date}T00:00:00Z</updated>\n"));
        if let Some(issued) = iso_date(&m.issued) {
            out.push_str(&format!("    <published>{issued}T00:00:00Z</published>\n"));
        }
        let agency = site.agency(&m.agency).map_or(m.agency.as_str(), |a| a.name.get(lang));
        out.push_str(&format!("    <author>\n      <name>{}</name>\n    </author>\n", xml(agency)));
        for theme in &m.themes {
            out.push_str(&format!("    <category term=\"{}\" label=\"{}\"/>\n", xml(theme), xml(theme_label(site, theme).get(lang))));
        }
        if !m.description.is_empty() {
            out.push_str(&format!("    <summary>{}</summary>\n", xml(m.description.get(lang))));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The schema.org `Dataset` of a dataset page in `lang`, as JSON-LD text safe to put inside a
/// `<script>` element: every `<` is written `\u003c`, so no `</script>` or `<!--` can appear.
/// The `@context` is inline (schema.org as the vocabulary, URL-valued terms as IRIs) so that
/// tools read it without fetching anything.
pub fn schema_org(site: &Site, d: &Dataset, lang: Lang) -> String {
    let urls = &site.urls;
    let m = &d.meta;
    let agency = site.agency(&m.agency);
    let organization = json!({
        "@type": "GovernmentOrganization",
        "@id": agency_iri(site, &m.agency),
        "name": agency.map_or(m.agency.as_str(), |a| a.name.get(lang)),
        "url": urls.absolute(&urls.agency(lang, &m.agency)),
    });
    let mut out = Map::new();
    out.insert(
        "@context".into(),
        json!({"@vocab": "https://schema.org/", "url": {"@type": "@id"}, "contentUrl": {"@type": "@id"}, "license": {"@type": "@id"}, "sameAs": {"@type": "@id"}}),
    );
    out.insert("@type".into(), json!("Dataset"));
    out.insert("@id".into(), json!(dataset_iri(site, d)));
    out.insert("name".into(), json!(m.title.get(lang)));
    out.insert("description".into(), json!(if m.description.is_empty() { m.title.get(lang) } else { m.description.get(lang) }));
    out.insert("url".into(), json!(urls.absolute(&urls.dataset(lang, &d.id))));
    out.insert("identifier".into(), json!(d.id));
    let languages: Vec<&str> = m.language.iter().filter_map(|c| Lang::from_code(c)).map(Lang::code).collect();
    out.insert("inLanguage".into(), if languages.is_empty() { json!(lang.code()) } else { json!(languages) });
    if !m.tags.get(lang).is_empty() {
        out.insert("keywords".into(), json!(m.tags.get(lang)));
    }
    out.insert("license".into(), json!(license_url(&m.license)));
    out.insert("isAccessibleForFree".into(), json!(true));
    out.insert("creator".into(), organization.clone());
    out.insert("publisher".into(), organization);
    if let Some(issued) = iso_date(&m.issued) {
        out.insert("datePublished".into(), json!(issued));
    }
    if let Some(modified) = iso_date(&m.modified) {
        out.insert("dateModified".into(), json!(modified));
    }
    if let Some((start, end)) = period_covered(d) {
        out.insert("temporalCoverage".into(), json!(format!("{start}/{end}")));
    }
    let thailand = json!({"@type": "Place", "name": THAILAND.get(lang), "sameAs": [THAILAND_EU, THAILAND_GEONAMES]});
    let places: Vec<Value> = places_covered(d, &urls.absolute(&urls.dataset(lang, &d.id)))
        .into_iter()
        .map(|p| match p.code {
            Some(code) => json!({"@type": "AdministrativeArea", "@id": p.iri, "name": p.name.get(lang), "identifier": code, "containedInPlace": thailand}),
            None => thailand.clone(),
        })
        .collect();
    match places.len() {
        0 => {}
        1 => {
            out.insert("spatialCoverage".into(), places[0].clone());
        }
        _ => {
            out.insert("spatialCoverage".into(), Value::Array(places));
        }
    }
    // The version a reader has: the data as of its last change (the metadata has no other).
    if let Some(version) = iso_date(&m.modified).or_else(|| iso_date(&m.issued)) {
        out.insert("version".into(), json!(version));
    }
    let distribution: Vec<Value> = d
        .resources
        .iter()
        .flat_map(|r| {
            formats_of(site, r).map(move |format| {
                json!({
                    "@type": "DataDownload",
                    "name": format!("{} ({})", r.title_in(lang), format.name),
                    "encodingFormat": format.media_type,
                    "contentUrl": urls.absolute(&urls.resource(&d.id, &r.name, format.ext)),
                })
            })
        })
        .collect();
    out.insert("distribution".into(), Value::Array(distribution));
    let mut variables: Vec<Value> = Vec::new();
    for r in &d.resources {
        for f in &r.schema.fields {
            if variables.iter().any(|v| v["name"] == f.name) {
                continue;
            }
            let mut v = json!({"@type": "PropertyValue", "name": f.name});
            if !f.title.is_empty() {
                v["alternateName"] = json!(f.title.get(lang));
            }
            if !f.description.is_empty() {
                v["description"] = json!(f.description.get(lang));
            }
            variables.push(v);
        }
    }
    out.insert("variableMeasured".into(), Value::Array(variables));
    out.insert(
        "includedInDataCatalog".into(),
        json!({"@type": "DataCatalog", "name": site.config.title.get(lang), "url": urls.absolute(&urls.home(lang))}),
    );
    // Serialising a `Value` cannot fail.
    serde_json::to_string(&Value::Object(out)).unwrap_or_default().replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_over_either_limit_becomes_an_index_of_parts_within_both() {
        let urls = crate::urls::Urls::new("https://data.example.go.th/", Lang::Th);
        let entries: Vec<String> = (0..7).map(|i| format!("<url><loc>https://data.example.go.th/p{i}/</loc></url>\n")).collect();
        let one = sitemap_files(&urls, &entries, 7, SITEMAP_MAX_BYTES);
        assert_eq!(one.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["sitemap.xml"]);
        assert_eq!(String::from_utf8_lossy(&one[0].bytes).matches("<url>").count(), 7);

        let parts = sitemap_files(&urls, &entries, 3, SITEMAP_MAX_BYTES);
        let paths: Vec<&str> = parts.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["sitemaps/sitemap-1.xml", "sitemaps/sitemap-2.xml", "sitemaps/sitemap-3.xml", "sitemap.xml"]);
        let counts: Vec<usize> = parts[..3].iter().map(|f| String::from_utf8_lossy(&f.bytes).matches("<url>").count()).collect();
        assert_eq!(counts, [3, 3, 1]);
        let index = String::from_utf8_lossy(&parts[3].bytes).into_owned();
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(index.contains("<loc>https://data.example.go.th/sitemaps/sitemap-3.xml</loc>"), "{index}");

        // By size: each part holds what fits in the bytes allowed, head and tail included.
        let limit = SITEMAP_HEAD.len() + SITEMAP_TAIL.len() + 2 * entries[0].len();
        let parts = sitemap_files(&urls, &entries, SITEMAP_MAX_URLS, limit);
        assert_eq!(parts.len(), 5, "4 parts of 2, 2, 2 and 1 entries, and the index");
        assert!(parts[..4].iter().all(|f| f.bytes.len() <= limit));
    }

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn only_plain_addresses_become_mailto_links() {
        assert!(plain_email("bb-data@example.go.th"));
        assert!(!plain_email("a b@example.go.th"));
        assert!(!plain_email("nobody"));
    }
}
