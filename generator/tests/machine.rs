//! The machine-readable portal: data files in every format, paged rows, the JSON API, DCAT,
//! data.json, sitemap, feeds and robots.txt — asserted on the files a consumer downloads, and
//! their shapes pinned by snapshots so that changing one is a deliberate act.

mod common;

use common::{LARGE_ROWS, files_under, machine_fixture, text};
use polars::prelude::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The machine fixture, built once.
fn site() -> &'static Path {
    static OUT: OnceLock<(common::Fixture, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let f = machine_fixture();
        let out = f.sala(&["build"]);
        assert!(out.status.success(), "{}", text(&out));
        let public = f.root().join("public");
        (f, public)
    })
    .1
}

fn read(path: &str) -> String {
    std::fs::read_to_string(site().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json_file(path: &str) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_large_resource_is_paged_1000_rows_a_page_with_links_and_the_total() {
    let base = "https://data.example.go.th/datasets/large/data/rows";
    let pages: Vec<Value> = (1..=3).map(|p| json_file(&format!("datasets/large/data/rows/{p}.json"))).collect();
    assert!(!site().join("datasets/large/data/rows/4.json").exists());
    assert_eq!(pages.iter().map(|p| p["rows"].as_array().unwrap().len()).collect::<Vec<_>>(), vec![1000, 1000, 345]);
    for p in &pages {
        assert_eq!(p["total"], LARGE_ROWS);
        assert_eq!(p["pages"], 3);
        assert_eq!(p["first"], format!("{base}/1.json"));
        assert_eq!(p["last"], format!("{base}/3.json"));
    }
    assert_eq!((pages[0]["prev"].clone(), pages[0]["next"].clone()), (Value::Null, json!(format!("{base}/2.json"))));
    assert_eq!((pages[1]["prev"].clone(), pages[1]["next"].clone()), (json!(format!("{base}/1.json")), json!(format!("{base}/3.json"))));
    assert_eq!((pages[2]["prev"].clone(), pages[2]["next"].clone()), (json!(format!("{base}/2.json")), Value::Null));
    // Page 2 starts at row 1001, typed like the JSON download.
    assert_eq!(pages[1]["rows"][0], json!({"id": 1001, "day": "2024-06-22", "amount": 3003.25, "paid": false, "note": null, "fy": 2562, "at": "2024-06-22T17:30:00"}));
    let all: Vec<Value> = serde_json::from_str(&read("datasets/large/data.json")).unwrap();
    let paged: Vec<Value> = pages.iter().flat_map(|p| p["rows"].as_array().unwrap().clone()).collect();
    assert_eq!(paged, all, "the pages together are the whole resource");
    // Small resources are not paged, and the index says so.
    assert!(!site().join("datasets/budget/budget/rows").exists());
    let index = json_file("api/v1/datasets.json");
    let large = index["datasets"].as_array().unwrap().iter().find(|d| d["id"] == "large").unwrap();
    assert_eq!(large["resources"][0]["pages"], 3);
    assert_eq!(large["resources"][0]["first_page"], format!("{base}/1.json"));
}

#[test]
fn ndjson_has_one_record_per_line_equal_to_the_json_download() {
    let records: Vec<Value> = serde_json::from_str(&read("datasets/large/data.json")).unwrap();
    let ndjson = read("datasets/large/data.ndjson");
    let lines: Vec<Value> = ndjson.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), LARGE_ROWS);
    assert_eq!(lines, records);
    assert_eq!(ndjson.lines().nth(6).unwrap(), r#"{"id":7,"day":"2024-08-08","amount":21.25,"paid":false,"note":null,"fy":2567,"at":"2024-08-08T07:30:00"}"#);
}

/// The Polars type a Table Schema type is published as.
fn dtype(schema_type: &str) -> DataType {
    match schema_type {
        "integer" | "year" => DataType::Int64,
        "number" => DataType::Float64,
        "boolean" => DataType::Boolean,
        "date" => DataType::Date,
        "datetime" => DataType::Datetime(TimeUnit::Microseconds, None),
        _ => DataType::String,
    }
}

/// Every Parquet file of a built site reads back equal to its CSV read with the schema's types.
fn assert_parquet_equals_csv(public: &Path) -> usize {
    let index: Value = serde_json::from_str(&std::fs::read_to_string(public.join("api/v1/datasets.json")).unwrap()).unwrap();
    let mut checked = 0;
    for d in index["datasets"].as_array().unwrap() {
        let id = d["id"].as_str().unwrap();
        for r in d["resources"].as_array().unwrap() {
            let name = r["name"].as_str().unwrap();
            let expected: Schema = r["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| Field::new(f["name"].as_str().unwrap().into(), dtype(f["type"].as_str().unwrap())))
                .collect();
            let file = std::fs::File::open(public.join(format!("datasets/{id}/{name}.parquet"))).unwrap();
            let parquet = ParquetReader::new(file).finish().unwrap();
            assert_eq!(parquet.schema().as_ref(), &expected, "{id}/{name}: Parquet column types");
            let csv = CsvReadOptions::default()
                .with_has_header(true)
                .with_schema(Some(expected.into()))
                .try_into_reader_with_file_path(Some(public.join(format!("datasets/{id}/{name}.csv"))))
                .unwrap()
                .finish()
                .unwrap();
            assert_eq!(parquet.height(), r["rows"].as_u64().unwrap() as usize, "{id}/{name}");
            assert!(parquet.equals_missing(&csv), "{id}/{name}: Parquet differs from the CSV\n{parquet}\n{csv}");
            checked += 1;
        }
    }
    checked
}

#[test]
fn parquet_reads_back_equal_to_the_csv_with_the_schema_types() {
    assert_eq!(assert_parquet_equals_csv(site()), 3);
    let file = std::fs::File::open(site().join("datasets/large/data.parquet")).unwrap();
    let large = ParquetReader::new(file).finish().unwrap();
    assert_eq!(large.column("day").unwrap().dtype(), &DataType::Date);
    assert_eq!(large.column("at").unwrap().dtype(), &DataType::Datetime(TimeUnit::Microseconds, None));
    assert_eq!(large.column("paid").unwrap().bool().unwrap().sum(), Some((LARGE_ROWS / 2) as IdxSize));
    assert_eq!(large.column("note").unwrap().null_count(), LARGE_ROWS / 7);
}

#[test]
fn the_demo_parquet_files_read_back_equal_to_their_csv() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    sala::build(root, Some(&dir.path().join("public"))).unwrap();
    assert_eq!(assert_parquet_equals_csv(&dir.path().join("public")), 11);
}

#[test]
fn the_data_package_describes_the_canonical_csv_beside_it() {
    let package = json_file("datasets/budget/datapackage.json");
    assert_eq!(package["profile"], "tabular-data-package");
    assert_eq!(package["titles"], json!({"th": "งบประมาณทดสอบ", "en": "Test budget"}));
    let resource = &package["resources"][0];
    assert_eq!(resource["path"], "budget.csv");
    assert!(site().join("datasets/budget/budget.csv").is_file());
    // The source wrote "1,250,000.50" with groupChar ","; the published CSV is canonical, so the
    // schema no longer declares a group character.
    assert_eq!(read("datasets/budget/budget.csv"), "fiscal_year,amount,office\n2566,1250000.5,\"100.5018,13.7563\"\n2567,1300000,\"100.5018,13.7563\"\n2568,,\n");
    // Geopoints are checked as Table Schema's "lon, lat", so the package keeps their type.
    assert_eq!(resource["schema"]["fields"][2]["type"], "geopoint");
    assert_eq!(resource["schema"]["fields"][1], json!({"name": "amount", "type": "number", "title": "จำนวนเงิน (บาท)", "titles": {"th": "จำนวนเงิน (บาท)", "en": "Amount (baht)"}}));
    assert_eq!(resource["schema"]["missingValues"], json!([""]));
}

#[test]
fn every_dataset_page_embeds_schema_org_json_ld_naming_its_downloads() {
    for (page, lang_name) in [("datasets/budget/index.html", "งบประมาณทดสอบ"), ("en/datasets/budget/index.html", "Test budget")] {
        let html = read(page);
        let open = "<script type=application/ld+json>";
        let start = html.find(open).unwrap_or_else(|| panic!("{page}: no JSON-LD")) + open.len();
        let end = start + html[start..].find("</script>").unwrap();
        let ld: Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(ld["@type"], "Dataset");
        assert_eq!(ld["name"], lang_name);
        assert_eq!(ld["@context"]["@vocab"], "https://schema.org/", "inline context: nothing to fetch");
        assert_eq!(ld["license"], "https://spdx.org/licenses/CC-BY-4.0.html");
        // Fiscal years B.E. 2566-2568: from 1 October 2022 to 30 September 2025.
        assert_eq!(ld["temporalCoverage"], "2022-10-01/2025-09-30");
        assert_eq!(ld["version"], "2025-10-15", "the last modification");
        let place = if lang_name == "Test budget" { "Thailand" } else { "ประเทศไทย" };
        assert_eq!(
            ld["spatialCoverage"],
            json!({"@type": "Place", "name": place, "sameAs": ["http://publications.europa.eu/resource/authority/country/THA", "https://sws.geonames.org/1605651/"]})
        );
        assert_eq!(ld["inLanguage"], json!(["th", "en"]));
        let urls: Vec<&str> = ld["distribution"].as_array().unwrap().iter().map(|d| d["contentUrl"].as_str().unwrap()).collect();
        let base = "https://data.example.go.th/datasets/budget/budget";
        assert_eq!(urls, vec![format!("{base}.csv"), format!("{base}.json"), format!("{base}.ndjson"), format!("{base}.parquet"), format!("{base}.xlsx")]);
        let formats: Vec<&str> = ld["distribution"].as_array().unwrap().iter().map(|d| d["encodingFormat"].as_str().unwrap()).collect();
        assert_eq!(
            formats,
            vec!["text/csv", "application/json", "application/x-ndjson", "application/vnd.apache.parquet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
        );
        let variables: Vec<&str> = ld["variableMeasured"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
        assert_eq!(variables, vec!["fiscal_year", "amount", "office"]);
    }
}

#[test]
fn the_sitemap_lists_every_page_once_with_its_hreflang_twins() {
    let sitemap = read("sitemap.xml");
    let pages: Vec<String> = files_under(site()).into_iter().filter(|p| p.ends_with("index.html")).collect();
    let locs: Vec<&str> = sitemap.split("<loc>").skip(1).map(|s| s.split("</loc>").next().unwrap()).collect();
    assert_eq!(locs.len(), pages.len(), "one <url> per HTML page");
    for page in &pages {
        let url = sala::urls::to_uri(&format!("https://data.example.go.th/{}", page.trim_end_matches("index.html")));
        assert!(locs.contains(&url.as_str()), "{url} is not in the sitemap");
    }
    // Thai in a path (a tag's page) is percent-encoded: sitemap readers take URIs, not IRIs.
    assert!(locs.contains(&"https://data.example.go.th/browse/tag/%E0%B8%87%E0%B8%9A%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%A1%E0%B8%B2%E0%B8%93/"), "{locs:?}");
    assert!(locs.iter().all(|l| l.is_ascii()), "{locs:?}");
    let entry = "<url>\n  <loc>https://data.example.go.th/en/datasets/budget/</loc>\n  <lastmod>2025-10-15</lastmod>\n  \
<xhtml:link rel=\"alternate\" hreflang=\"th\" href=\"https://data.example.go.th/datasets/budget/\"/>\n  \
<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://data.example.go.th/en/datasets/budget/\"/>\n  \
<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://data.example.go.th/datasets/budget/\"/>\n</url>\n";
    assert!(sitemap.contains(entry), "{sitemap}");
    assert_eq!(read("robots.txt"), "User-agent: *\nAllow: /\n\nSitemap: https://data.example.go.th/sitemap.xml\n");
}

#[test]
fn the_feeds_list_datasets_newest_modified_first_in_each_language() {
    let th = read("feed.xml");
    let en = read("en/feed.xml");
    let ids = |feed: &str| -> Vec<String> { feed.split("<entry>").skip(1).map(|e| e.split("<id>").nth(1).unwrap().split("</id>").next().unwrap().to_string()).collect() };
    // budget (2025-10-15), then large (2025-02-01), then the agency registry (2025-01-31).
    assert_eq!(
        ids(&en),
        vec!["https://data.example.go.th/en/datasets/budget/", "https://data.example.go.th/en/datasets/large/", "https://data.example.go.th/en/datasets/agencies/"]
    );
    assert!(th.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"th\">"));
    assert!(th.contains("<updated>2025-10-15T00:00:00Z</updated>"), "the feed's date is the newest dataset's, not the build's");
    assert!(th.contains("<title>งบประมาณทดสอบ</title>") && en.contains("<title>Test budget</title>"));
    assert!(en.contains("<category term=\"budget\" label=\"Budget\"/>"), "{en}");
    // Every page announces its language's feed.
    let link = "<link href=https://data.example.go.th/en/feed.xml rel=alternate title=\"Recently updated datasets (Atom feed)\" type=application/atom+xml>";
    assert!(read("en/datasets/index.html").contains(link), "{}", read("en/datasets/index.html"));
}

#[test]
fn absolute_urls_in_every_catalog_come_from_base_url_with_its_path() {
    let f = machine_fixture();
    f.write("site.toml", "title = { th = \"พอร์ทัล\", en = \"Portal\" }\nbase_url = \"https://example.github.io/sala\"\n[contact]\nemail = \"opendata@example.go.th\"\n");
    let out = f.sala(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    let read = |p: &str| std::fs::read_to_string(public.join(p)).unwrap();
    let base = "https://example.github.io/sala/";
    assert!(read("catalog.ttl").contains(&format!("<{base}datasets/budget/#dataset>")));
    assert!(read("data.json").contains(&format!("\"downloadURL\": \"{base}datasets/budget/budget.parquet\"")));
    assert!(read("sitemap.xml").contains(&format!("<loc>{base}en/agencies/test/</loc>")));
    assert!(read("robots.txt").contains(&format!("Sitemap: {base}sitemap.xml")));
    // see: robots.txt under a sub-path is never read by crawlers; the build says so once, with the fix.
    let said = text(&out);
    assert_eq!(said.matches("warning[robots-not-at-root]").count(), 1, "{said}");
    assert!(said.contains("crawlers read robots.txt only at https://example.github.io/robots.txt"), "{said}");
    assert!(said.contains("add the line \"Sitemap: https://example.github.io/sala/sitemap.xml\" to the host's https://example.github.io/robots.txt, or submit the sitemap"), "{said}");
    let th = text(&f.sala(&["check", "--lang", "th"]));
    assert!(th.contains("warning[robots-not-at-root]") && th.contains("เพิ่มบรรทัด \"Sitemap: https://example.github.io/sala/sitemap.xml\""), "{th}");
    let openapi: Value = serde_json::from_str(&read("api/openapi.json")).unwrap();
    assert_eq!(openapi["servers"][0]["url"], "https://example.github.io/sala");
    let rows: Value = serde_json::from_str(&read("datasets/large/data/rows/2.json")).unwrap();
    assert_eq!(rows["next"], format!("{base}datasets/large/data/rows/3.json"));
    for file in files_under(&public) {
        if file.ends_with(".json") || file.ends_with(".ttl") || file.ends_with(".xml") || file.ends_with(".jsonld") {
            assert!(!read(&file).contains("https://data.example.go.th"), "{file} uses another base URL");
        }
    }
}

/// A rows page with only its first two rows, so that the snapshot shows the shape.
fn first_rows(mut page: Value) -> Value {
    let rows: Vec<Value> = page["rows"].as_array().unwrap().iter().take(2).cloned().collect();
    page["rows"] = Value::Array(rows);
    page
}

#[test]
fn datasets_json_is_written_as_pretty_json_of_its_values() {
    // The index is assembled from each dataset's entry as text (kept between builds): its bytes
    // are exactly what serialising its values gives, as when it was made from one tree.
    let text = read("api/v1/datasets.json");
    let values = json_file("api/v1/datasets.json");
    assert!(values["datasets"].as_array().unwrap().len() > 2);
    let mut pretty = serde_json::to_string_pretty(&values).unwrap();
    pretty.push('\n');
    assert_eq!(text, pretty);
}

/// see: NDJSON's dct:format was an IRI outside the EU file-type authority, which DCAT-AP 3's
/// vocabulary shapes (mdr-vocabularies.shape.ttl, FileTypeRestriction) call a violation.
#[test]
fn every_dct_format_is_in_the_eu_file_type_authority_and_ndjson_is_told_by_its_media_type() {
    let ttl = read("catalog.ttl");
    let formats: Vec<&str> = ttl.lines().filter_map(|l| l.trim().strip_prefix("dct:format <")).map(|l| l.split('>').next().unwrap()).collect();
    assert!(!formats.is_empty());
    for format in &formats {
        assert!(format.starts_with("http://publications.europa.eu/resource/authority/file-type/"), "{format}");
    }
    let ndjson = ttl.split("\n\n").find(|block| block.starts_with("<https://data.example.go.th/datasets/budget/#budget-ndjson>")).unwrap();
    assert!(ndjson.contains("dcat:mediaType <https://www.iana.org/assignments/media-types/application/x-ndjson>"), "{ndjson}");
    assert!(!ndjson.contains("dct:format"), "{ndjson}");
}

/// see: the dcat:Catalog had no licence, issue date or spatial coverage (DCAT-AP recommends them).
#[test]
fn the_catalog_has_the_licence_its_datasets_share_its_first_issue_date_and_thailand() {
    let ttl = read("catalog.ttl");
    let catalog = ttl.split("\n\n").find(|block| block.starts_with("<https://data.example.go.th/#catalog>")).unwrap();
    assert!(catalog.contains("    dct:issued \"2024-10-01\"^^xsd:date ;\n"), "{catalog}");
    assert!(catalog.contains("    dct:license <https://spdx.org/licenses/CC-BY-4.0.html> ;\n"), "{catalog}");
    assert!(catalog.contains("    dct:spatial <http://publications.europa.eu/resource/authority/country/THA> ;\n"), "{catalog}");
    assert!(ttl.contains("<http://publications.europa.eu/resource/authority/country/THA>\n    a dct:Location ;"), "typed inline for the shapes");
    assert!(ttl.contains("<https://spdx.org/licenses/CC-BY-4.0.html>\n    a dct:LicenseDocument"), "typed inline for the shapes");
}

#[test]
fn the_api_and_catalog_shapes_are_pinned_by_snapshots() {
    insta::assert_json_snapshot!("api_datasets", json_file("api/v1/datasets.json"));
    insta::assert_json_snapshot!("api_dataset_budget", json_file("api/v1/datasets/budget.json"));
    insta::assert_json_snapshot!("api_agencies", json_file("api/v1/agencies.json"));
    insta::assert_json_snapshot!("api_themes", json_file("api/v1/themes.json"));
    insta::assert_json_snapshot!("api_tags", json_file("api/v1/tags.json"));
    insta::assert_json_snapshot!("openapi", json_file("api/openapi.json"));
    insta::assert_json_snapshot!("datapackage_budget", json_file("datasets/budget/datapackage.json"));
    insta::assert_json_snapshot!("rows_page_2", first_rows(json_file("datasets/large/data/rows/2.json")));
    insta::assert_json_snapshot!("data_json", json_file("data.json"));
    insta::assert_snapshot!("catalog_ttl", read("catalog.ttl"));
    insta::assert_snapshot!("feed_en", read("en/feed.xml"));
}

#[test]
fn a_dataset_without_a_modified_date_or_any_contact_address_is_warned_about() {
    let f = common::Fixture::new();
    f.write("site.toml", "title = { th = \"พอร์ทัล\", en = \"Portal\" }\nbase_url = \"https://data.example.go.th/\"\n");
    f.write("datasets/d/dataset.toml", "title = { th = \"ท\", en = \"D\" }\ndescription = \"x\"\nagency = \"TEST\"\nlicense = \"CC0-1.0\"\n\n[[resources]]\nname = \"data\"\npath = \"data.csv\"\n[resources.schema]\nfields = [{ name = \"id\", type = \"integer\" }]\n");
    f.write("datasets/d/data.csv", "id\n1\n");
    let out = f.sala(&["check", "--lang", "en", "--format", "concise"]);
    let report = text(&out);
    assert!(report.contains("datasets/d/dataset.toml: warning[metadata-error] the dataset has no modified date"), "{report}");
    assert!(report.contains("datasets/d/dataset.toml: warning[metadata-error] nobody can be e-mailed about this dataset (contact.email)"), "{report}");
}

#[test]
fn every_path_in_the_openapi_document_is_a_file_of_the_site() {
    let openapi = json_file("api/openapi.json");
    let index = json_file("api/v1/datasets.json");
    let mut checked = 0;
    for template in openapi["paths"].as_object().unwrap().keys() {
        // Expand {dataset}, {resource} and {page} with what the dataset index says exists.
        let mut concrete = Vec::new();
        for d in index["datasets"].as_array().unwrap() {
            for r in d["resources"].as_array().unwrap() {
                for page in 1..=r["pages"].as_u64().unwrap().max(1) {
                    if template.contains("{page}") && r["pages"] == 0 {
                        continue;
                    }
                    concrete.push(
                        template
                            .replace("{dataset}", d["id"].as_str().unwrap())
                            .replace("{resource}", r["name"].as_str().unwrap())
                            .replace("{page}", &page.to_string()),
                    );
                }
            }
        }
        concrete.sort();
        concrete.dedup();
        assert!(!concrete.is_empty(), "{template}: no file");
        for path in concrete {
            assert!(site().join(path.trim_start_matches('/')).is_file(), "{template}: {path} does not exist");
            checked += 1;
        }
    }
    // 4 API indexes + 3 dataset files + 3 Data Packages + 3 zips + 3 × 5 downloads + 3 record
    // schemas + 3 pages + 8 catalogs (a data.json per language) + 4 quality tables (CSV, JSON).
    assert_eq!(checked, 4 + 3 + 3 + 3 + 15 + 3 + 3 + 8 + 4);
    assert_eq!(openapi["openapi"], "3.1.0");
}

#[test]
fn the_english_data_json_has_english_titles_beside_the_thai_one() {
    let th = json_file("data.json");
    let en = json_file("en/data.json");
    let titles = |c: &Value| -> Vec<String> { c["dataset"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap().to_string()).collect() };
    assert_eq!(titles(&en), vec!["Agency registry", "Test budget", "Dataset large"]);
    assert_eq!(titles(&th), vec!["ทะเบียนหน่วยงาน", "งบประมาณทดสอบ", "ชุดข้อมูล large"]);
    assert_eq!(en["@id"], "https://data.example.go.th/en/data.json");
    let budget = &en["dataset"][1];
    // The same dataset in both files: one identifier, the landing page in the file's language.
    assert_eq!(budget["identifier"], th["dataset"][1]["identifier"]);
    assert_eq!(budget["landingPage"], "https://data.example.go.th/en/datasets/budget/");
    assert_eq!(budget["spatial"], "Thailand");
    // Fiscal years B.E. 2566-2568 run from 1 October 2022 to 30 September 2025.
    assert_eq!(budget["temporal"], "2022-10-01/2025-09-30");
}

#[test]
fn each_dataset_zip_holds_its_csv_files_and_datapackage_json_with_fixed_dates() {
    let bytes = std::fs::read(site().join("datasets/budget/budget.zip")).unwrap();
    let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    assert_eq!(names, vec!["datapackage.json", "budget.csv"]);
    for name in ["datapackage.json", "budget.csv"] {
        let mut entry = archive.by_name(name).unwrap();
        assert_eq!(entry.compression(), ::zip::CompressionMethod::Deflated);
        assert_eq!(entry.last_modified().map(|d| (d.year(), d.month(), d.day())), Some((1980, 1, 1)), "{name}: no build time in the zip");
        let mut inside = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut inside).unwrap();
        let beside = std::fs::read(site().join(format!("datasets/budget/{name}"))).unwrap();
        assert_eq!(inside, beside, "{name} in the zip is the file beside it");
    }
    // The package states each CSV's size and SHA-256, and its licence by id.
    let package = json_file("datasets/budget/datapackage.json");
    let csv = std::fs::read(site().join("datasets/budget/budget.csv")).unwrap();
    assert_eq!(package["resources"][0]["bytes"], csv.len());
    assert_eq!(package["resources"][0]["hash"], "sha256:ae76cc0ef47bb60858f911ee74ec2fa9b7c6e84a4c3a8492e0fc371e79cbeae2");
    assert_eq!(package["licenses"][0]["name"], "CC-BY-4.0");
    // The dataset page offers it in each language.
    assert!(read("en/datasets/budget/index.html").contains("href=/datasets/budget/budget.zip>Download everything (every CSV file and its Data Package, zipped)</a>"));
    assert!(read("datasets/budget/index.html").contains("href=/datasets/budget/budget.zip>ดาวน์โหลดทั้งหมด"));
    // And every resource's downloads include the spreadsheet.
    // (among the other formats, after the CSV, with its size and what it is)
    let en = read("en/datasets/budget/index.html");
    assert!(en.contains("href=/datasets/budget/budget.xlsx>XLSX</a> <span class=meta>(") && en.contains(" — An Excel workbook</li>"), "{en}");
}

#[test]
fn a_resource_json_schema_types_every_field_and_allows_null_only_where_values_may_be_missing() {
    let schema = json_file("api/v1/schemas/large/data.json");
    assert_eq!(schema["$id"], "https://data.example.go.th/api/v1/schemas/large/data.json");
    let props = &schema["properties"];
    assert_eq!(props["id"]["type"], json!("integer"), "a required key column is never null");
    assert_eq!(props["amount"]["type"], json!(["number", "null"]));
    assert_eq!(props["paid"]["type"], json!(["boolean", "null"]));
    assert_eq!(props["day"]["type"], json!(["string", "null"]));
    assert_eq!(props["day"]["format"], "date");
    assert_eq!(schema["required"], json!(["id", "day", "amount", "paid", "note", "fy", "at"]));
    let index = json_file("api/v1/datasets.json");
    assert_eq!(index["datasets"][2]["resources"][0]["json_schema"], schema["$id"]);
    assert_eq!(index["datasets"][2]["resources"][0]["page_count"], 3);
}

#[test]
fn the_headers_file_gives_hosts_content_types_and_opens_the_api_to_other_sites() {
    let headers = read("_headers");
    for rule in [
        "/*.ndjson\n  Content-Type: application/x-ndjson; charset=utf-8\n",
        "/*.parquet\n  Content-Type: application/vnd.apache.parquet\n",
        "/*.xlsx\n  Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\n",
        "/en/feed.xml\n  Content-Type: application/atom+xml; charset=utf-8\n",
        "/api/*\n  Access-Control-Allow-Origin: *\n",
    ] {
        assert!(headers.contains(rule), "{rule} missing from:\n{headers}");
    }
}

#[test]
fn the_openapi_document_lists_what_exists_and_documents_404() {
    let openapi = json_file("api/openapi.json");
    let rows = &openapi["paths"]["/datasets/{dataset}/{resource}/rows/{page}.json"]["get"];
    let param = |name: &str| rows["parameters"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()["schema"].clone();
    assert_eq!(param("resource")["enum"], json!(["agencies", "budget", "data"]));
    assert_eq!(param("page")["maximum"], 3, "the large resource has 3 pages");
    for (path, item) in openapi["paths"].as_object().unwrap() {
        assert!(item["get"]["responses"]["404"].is_object(), "{path}: no 404");
    }
}

#[test]
fn two_builds_of_the_same_portal_give_the_same_spreadsheets_zips_and_parquet_files() {
    let f = machine_fixture();
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    for path in ["datasets/large/data.xlsx", "datasets/large/large.zip", "datasets/large/data.parquet", "datasets/budget/budget.xlsx", "_headers"] {
        let again = std::fs::read(f.root().join("public").join(path)).unwrap();
        assert!(again == std::fs::read(site().join(path)).unwrap(), "{path} differs between two builds");
    }
    // The spreadsheet's creation date is the dataset's last change (2025-02-01), not the clock.
    let xlsx = std::fs::read(site().join("datasets/large/data.xlsx")).unwrap();
    let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut core = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("docProps/core.xml").unwrap(), &mut core).unwrap();
    assert!(core.contains(">2025-02-01T00:00:00Z</dcterms:created>"), "{core}");
}

#[test]
fn the_demo_states_fiscal_year_coverage_from_statistics_or_a_fiscal_year_column() {
    let public = common::demo_public();
    let en: Value = serde_json::from_str(&std::fs::read_to_string(public.join("en/data.json")).unwrap()).unwrap();
    let temporal = |id: &str| {
        let d = en["dataset"].as_array().unwrap().iter().find(|d| d["landingPage"].as_str().unwrap().ends_with(&format!("/{id}/"))).unwrap();
        d["temporal"].clone()
    };
    // statistics.years = "2567-2568": October 2023 to September 2025.
    assert_eq!(temporal("complaints"), "2023-10-01/2025-09-30");
    // No statistics; its fiscal_year column holds 2565 to 2568.
    assert_eq!(temporal("procurement-contracts"), "2021-10-01/2025-09-30");
    // A registry has no period.
    assert_eq!(temporal("provinces"), Value::Null);
    let pages = files_under(&public).into_iter().filter(|p| p.contains("datasets/") && p.ends_with("index.html") && p.matches('/').count() >= 2);
    let with: Vec<String> = pages.filter(|p| std::fs::read_to_string(public.join(p)).unwrap().contains("\"temporalCoverage\"")).collect();
    // Seven datasets with a period (both budgets, complaints, data requests, contracts, the
    // e-government targets and projects) × 2 languages.
    assert_eq!(with.len(), 14, "{with:?}");
}

/// A portal with one dataset `id` (one integer column) whose `dataset.toml` begins with
/// `extra` (TOML keys), built.
fn built_with_meta(id: &str, extra: &str) -> common::Fixture {
    let f = common::Fixture::new();
    f.dataset(id, "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n", "id\n1\n");
    let path = f.root().join(format!("datasets/{id}/dataset.toml"));
    let toml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{extra}{toml}")).unwrap();
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", common::text(&out));
    f
}

#[test]
fn provinces_a_dataset_covers_are_published_by_their_iso_codes() {
    let f = built_with_meta("cm", "places = [\"TH-50\", \"TH-51\"]\ngeo_coverage = { th = \"จังหวัด\", en = \"Province\" }\n");
    let ttl = std::fs::read_to_string(f.root().join("public/catalog.ttl")).unwrap();
    assert!(ttl.contains("<https://data.example.go.th/datasets/cm/#place-TH-50>"), "{ttl}");
    assert!(ttl.contains("skos:notation \"TH-50\"") && ttl.contains("\"Chiang Mai\"@en") && ttl.contains("\"ลำพูน\"@th"), "{ttl}");
    let data: Value = serde_json::from_str(&std::fs::read_to_string(f.root().join("public/en/data.json")).unwrap()).unwrap();
    let cm = data["dataset"].as_array().unwrap().iter().find(|d| d["title"] == "Dataset cm").unwrap();
    assert_eq!(cm["spatial"], "Chiang Mai, Lamphun, Thailand");
    let page = std::fs::read_to_string(f.root().join("public/en/datasets/cm/index.html")).unwrap();
    assert!(page.contains(r#""identifier":"TH-50","containedInPlace":{"@type":"Place","name":"Thailand""#), "schema.org names the province and its country");

    let path = f.root().join("datasets/cm/dataset.toml");
    std::fs::write(&path, std::fs::read_to_string(&path).unwrap().replace("\"TH-51\"", "\"Chiang Rai\"")).unwrap();
    let out = f.sala(&["check", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let log = common::text(&out);
    assert!(log.contains("\"Chiang Rai\" is not a province code (ISO 3166-2:TH)") && log.contains("places = [\"TH-57\"]"), "{log}");
}

/// A `fiscal_year` column typed `year` with `calendar = "buddhist"` (what `sala infer` writes
/// for พ.ศ. years) covers its years as a plain integer column of the same years does: the
/// year filter, the catalogs' temporal coverage (it had neither: its values, read into the
/// Christian era, fell outside the Buddhist-era range looked for). `statistics.years` in the
/// Christian era means the same years on every page and catalog (the filter said FY 1482).
#[test]
fn fiscal_years_mean_the_same_years_in_either_era_and_either_column_type() {
    let f = common::Fixture::new();
    f.dataset("typed", "[[resources.schema.fields]]\nname = \"fiscal_year\"\ntype = \"year\"\ncalendar = \"buddhist\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"integer\"\n", "fiscal_year,amount\n2566,1\n2567,2\n");
    f.dataset("stated", "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n", "id\n1\n");
    let path = f.root().join("datasets/stated/dataset.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{toml}\n[statistics]\nyears = \"2022-2025\"\n")).unwrap();
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", common::text(&out));
    let public = f.root().join("public");
    let en: Value = serde_json::from_str(&std::fs::read_to_string(public.join("en/data.json")).unwrap()).unwrap();
    let temporal = |id: &str| {
        let d = en["dataset"].as_array().unwrap().iter().find(|d| d["landingPage"].as_str().unwrap().ends_with(&format!("/{id}/"))).unwrap();
        d["temporal"].clone()
    };
    assert_eq!(temporal("typed"), "2022-10-01/2024-09-30");
    assert_eq!(temporal("stated"), "2021-10-01/2025-09-30");
    let mut years: Vec<String> = std::fs::read_dir(public.join("browse/year")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n != "index.html").collect();
    years.sort();
    assert_eq!(years, ["2565", "2566", "2567", "2568"]);
    let year = std::fs::read_to_string(public.join("en/browse/year/2567/index.html")).unwrap();
    assert!(year.contains("Dataset typed") && year.contains("Dataset stated"), "{year}");
}

/// Tags that differ only in case or spacing are one tag in every output, as the filters have
/// always taken them: the page, the API, the catalogs (a harvester imported "Tax", "tax" and
/// "TAX" as three keywords, and "ภาษี " with its space).
#[test]
fn tags_differing_in_case_or_spacing_are_published_once() {
    let f = built_with_meta("taxes", "tags = { th = [\"ภาษี\", \"ภาษี \", \"VAT\"], en = [\"Tax\", \"tax\", \"TAX\", \"vat\"] }\n");
    let public = f.root().join("public");
    let ttl = std::fs::read_to_string(public.join("catalog.ttl")).unwrap();
    assert_eq!(ttl.matches("\"Tax\"@en").count() + ttl.matches("\"tax\"@en").count() + ttl.matches("\"TAX\"@en").count(), 1, "{ttl}");
    assert!(ttl.contains("\"ภาษี\"@th") && !ttl.contains("\"ภาษี \"@th"), "{ttl}");
    let api: Value = serde_json::from_str(&std::fs::read_to_string(public.join("api/v1/datasets/taxes.json")).unwrap()).unwrap();
    assert_eq!(api["dataset"]["tags"], serde_json::json!({"th": ["ภาษี", "VAT"], "en": ["Tax", "vat"]}), "{api}");
}
