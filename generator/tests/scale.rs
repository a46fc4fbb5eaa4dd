//! National scale (issue 15): generated portals of hundreds of datasets build, and what grows
//! with the portal stays bounded.

mod common;

use common::Fixture;
use common::portal;

/// A generated portal of `datasets` datasets in a temporary folder.
fn generated(datasets: usize) -> Fixture {
    let f = Fixture { dir: tempfile::tempdir().unwrap() };
    portal::write_portal(f.root(), datasets, 2567).unwrap();
    f
}

/// see: issue 15 — the smallest generated portal that overflowed a stack. Each dataset was
/// read and checked on Rayon's workers; a worker waiting for Polars' pool ran the next queued
/// table's check on top of its own stack (186 nested `check_table` calls at 400 datasets; 350
/// was the smallest size seen to crash, 325 passed). Now nothing nests, whatever the size.
#[test]
fn a_portal_of_400_datasets_checks_and_builds_with_the_default_stack() {
    let f = generated(400);
    let checked = f.sala(&["check", "--lang", "en"]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success(), "sala check failed ({:?}): {stderr}", checked.status);
    let built = f.sala(&["build", "--lang", "en"]);
    let out = format!("{}{}", String::from_utf8_lossy(&built.stdout), String::from_utf8_lossy(&built.stderr));
    assert!(built.status.success(), "sala build failed ({:?}): {out}", built.status);
    // The agency registry and the 400 generated datasets.
    assert!(out.contains("401 datasets"), "{out}");
    for id in [portal::dataset_id(0), portal::dataset_id(399)] {
        assert!(f.root().join(format!("public/datasets/{id}/index.html")).is_file(), "{id} has no page");
        assert!(f.root().join(format!("public/en/datasets/{id}/index.html")).is_file(), "{id} has no English page");
    }
    lists_are_cut_into_pages(&f);
    the_search_index_is_sharded(&f);
}

/// see: issue 15 — a portal of a few thousand small datasets (a ministry's portal) builds in CI
/// time with the default stack: every dataset gets its page in both languages and its
/// downloads, no page or search download grows with the portal (the same bounds as at 400),
/// the sitemap lists every page, and a rebuild after one dataset's CSV changed rewrites that
/// dataset's files and leaves the other datasets' files as they were.
#[test]
fn a_portal_of_3000_datasets_builds_with_bounded_pages_and_rebuilds_only_what_changed() {
    let n = 3_000;
    let f = generated(n);
    let checked = f.sala(&["check", "--lang", "en"]);
    assert!(checked.status.success(), "sala check failed ({:?}): {}", checked.status, common::text(&checked));
    let built = f.sala(&["build", "--lang", "en"]);
    let out = common::text(&built);
    assert!(built.status.success(), "sala build failed ({:?}): {out}", built.status);
    assert!(out.contains("3001 datasets"), "{out}");
    let public = f.root().join("public");
    for i in 0..n {
        let id = portal::dataset_id(i);
        for page in [format!("datasets/{id}/index.html"), format!("en/datasets/{id}/index.html"), format!("datasets/{id}/table-1.csv"), format!("datasets/{id}/{id}.zip")] {
            assert!(public.join(&page).is_file(), "{page} is missing");
        }
    }
    // 3,001 datasets at 50 a page: 60 full pages and one of a single dataset.
    for lang in ["", "en/"] {
        assert_eq!(read(&f, &format!("{lang}datasets/page/61/index.html")).matches("<li class=card>").count(), 1);
        assert!(!public.join(format!("{lang}datasets/page/62")).exists());
    }
    // No page grows with the portal: the same bound as at 400 datasets.
    let files = walk(&public);
    let pages: Vec<&std::path::PathBuf> = files.iter().filter(|p| p.extension().is_some_and(|e| e == "html")).collect();
    let largest = pages.iter().map(|p| (std::fs::metadata(p).map(|m| m.len()).unwrap_or(0), p.display().to_string())).max().unwrap();
    assert!(largest.0 < 80_000, "{} bytes: {}", largest.0, largest.1);
    // The sitemap lists every page but the two "not found" pages, once.
    let sitemap = read(&f, "sitemap.xml");
    assert_eq!(sitemap.matches("<loc>").count(), pages.len() - 2, "{} pages", pages.len());
    // The search page's first use stays far under 200 KB per language.
    for lang in ["", "en/"] {
        let first_use: usize = ["manifest.json", "docs/0.json", "docs/1.json"].iter().map(|p| read(&f, &format!("{lang}search/{p}")).len()).sum();
        assert!(first_use < 60_000, "{lang}: {first_use} bytes at first use");
    }

    // One dataset's CSV gains a row; the portal is built again.
    let changed = portal::dataset_id(0);
    let other = portal::dataset_id(n - 1);
    let modified = |path: &str| std::fs::metadata(public.join(path)).and_then(|m| m.modified()).unwrap_or_else(|e| panic!("{path}: {e}"));
    let untouched = [format!("datasets/{other}/index.html"), format!("en/datasets/{other}/index.html"), format!("datasets/{other}/table-1.csv"), format!("datasets/{other}/{other}.zip"), format!("api/v1/datasets/{other}.json")];
    let before: Vec<_> = untouched.iter().map(|p| modified(p)).collect();
    let rows = |f: &Fixture| json(f, &format!("api/v1/datasets/{changed}.json"))["dataset"]["resources"][0]["rows"].as_u64().unwrap();
    let rows_before = rows(&f);
    let csv = f.root().join(format!("datasets/{changed}/table-1.csv"));
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("100000,กรุงเทพมหานคร,2567,other,12.5,2025-03-01,แถวใหม่\n");
    std::fs::write(&csv, &text).unwrap();
    let again = f.sala(&["build", "--lang", "en"]);
    assert!(again.status.success(), "the rebuild failed: {}", common::text(&again));
    assert!(read(&f, &format!("datasets/{changed}/table-1.csv")).ends_with("100000,กรุงเทพมหานคร,2567,other,12.5,2025-03-01,แถวใหม่\n"));
    assert_eq!(rows(&f), rows_before + 1, "the API does not count the new row");
    let after: Vec<_> = untouched.iter().map(|p| modified(p)).collect();
    for ((path, b), a) in untouched.iter().zip(&before).zip(&after) {
        assert_eq!(b, a, "{path} was written again though its dataset did not change");
    }
}

fn json(f: &Fixture, path: &str) -> serde_json::Value {
    serde_json::from_str(&read(f, path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The search page loads the manifest and one block of documents at first use, and each
/// query the shards of its words; the shards hold exactly the whole index.
fn the_search_index_is_sharded(f: &Fixture) {
    for lang in ["", "en/"] {
        let whole = json(f, &format!("{lang}search/index.json"));
        let manifest = json(f, &format!("{lang}search/manifest.json"));
        let first_use = read(f, &format!("{lang}search/manifest.json")).len()
            + read(f, &format!("{lang}search/docs/0.json")).len()
            + read(f, &format!("{lang}search/docs/1.json")).len();
        let whole_len = read(f, &format!("{lang}search/index.json")).len();
        assert!(first_use <= 60_000, "{lang}: {first_use} bytes at first use");
        assert!(whole_len > 5 * first_use, "{lang}: the whole index ({whole_len} bytes) is not much larger");
        let docs = whole["docs"].as_array().unwrap();
        assert_eq!(manifest["docs"], docs.len());
        assert_eq!(manifest["datasets"], 400 + 1);
        // Every term sits in the shard of its first character, with its postings.
        let mut terms = serde_json::Map::new();
        let mut forms = serde_json::Map::new();
        for key in manifest["shards"].as_array().unwrap() {
            let key = key.as_str().unwrap();
            let shard = json(f, &format!("{lang}search/terms/{key}.json"));
            for (term, postings) in shard["terms"].as_object().unwrap() {
                assert_eq!(format!("{:x}", u32::from(term.chars().next().unwrap())), key, "{term} in shard {key}");
                terms.insert(term.clone(), postings.clone());
            }
            forms.extend(shard["forms"].as_object().unwrap().clone());
        }
        assert_eq!(serde_json::Value::Object(terms), whole["terms"]);
        assert_eq!(serde_json::Value::Object(forms), whole["forms"]);
        // The blocks of 10 documents, in order.
        for (i, doc) in docs.iter().enumerate() {
            let block = json(f, &format!("{lang}search/docs/{}.json", i / 10));
            let shown = &block[i % 10];
            for k in ["u", "t", "s", "a"] {
                assert_eq!(shown[k], doc[k], "document {i}, {k}");
            }
        }
        // Every document's facet values, as postings of each value: `<group>-all.json` has
        // every value, `<group>.json` the values the search page offers, with the same postings.
        let mut from_postings: std::collections::BTreeMap<(usize, String), Vec<String>> = Default::default();
        let mut first_query = 0;
        for group in manifest["facets"].as_array().unwrap() {
            let group = group.as_str().unwrap();
            let all = json(f, &format!("{lang}search/facets/{group}-all.json"));
            let offered = json(f, &format!("{lang}search/facets/{group}.json"));
            first_query += read(f, &format!("{lang}search/facets/{group}.json")).len();
            for (value, runs) in offered.as_object().unwrap() {
                assert_eq!(&all[value], runs, "{group} {value}");
            }
            for (value, runs) in all.as_object().unwrap() {
                let runs: Vec<usize> = runs.as_array().unwrap().iter().map(|n| n.as_u64().unwrap() as usize).collect();
                let mut at = 0;
                for pair in runs.chunks(2) {
                    at += pair[0];
                    for doc in at..at + pair[1] {
                        from_postings.entry((doc, group.to_string())).or_default().push(value.clone());
                    }
                    at += pair[1];
                }
            }
        }
        let mut from_docs: std::collections::BTreeMap<(usize, String), Vec<String>> = Default::default();
        for (i, doc) in docs.iter().enumerate() {
            for (group, values) in doc.get("f").and_then(|f| f.as_object()).into_iter().flatten() {
                let mut values: Vec<String> = values.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
                values.sort();
                values.dedup();
                from_docs.insert((i, group.clone()), values);
            }
        }
        for values in from_postings.values_mut() {
            values.sort();
        }
        assert_eq!(from_postings, from_docs, "{lang}: the postings are not the documents' facets");
        assert!(first_query <= 30_000, "{lang}: the filters' counts need {first_query} bytes");
    }
}

fn read(f: &Fixture, path: &str) -> String {
    std::fs::read_to_string(f.root().join("public").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The lists that grow with the portal (pages are minified: attributes lose their quotes), on the 400-dataset build above (one build serves both
/// tests: building is what takes time).
fn lists_are_cut_into_pages(f: &Fixture) {
    // 401 datasets at 50 a page: 8 full pages and one of a single dataset, in both languages.
    for lang in ["", "en/"] {
        assert_eq!(read(f, &format!("{lang}datasets/index.html")).matches("<li class=card>").count(), 50);
        assert_eq!(read(f, &format!("{lang}datasets/page/8/index.html")).matches("<li class=card>").count(), 50);
        assert_eq!(read(f, &format!("{lang}datasets/page/9/index.html")).matches("<li class=card>").count(), 1);
        assert!(!f.root().join(format!("public/{lang}datasets/page/10")).exists());
    }
    let last = read(f, "en/datasets/page/9/index.html");
    assert!(last.contains("<a href=/en/datasets/page/8/ rel=prev>"), "{last}");
    assert!(last.contains("<title>Datasets (page 9 of 9)"), "{last}");

    // 40 tags: a tag's page links 20 of them (its own among them or added), then all of them.
    let tags = read(f, "en/browse/tag/index.html");
    assert_eq!(tags.matches("href=/en/browse/tag/").count(), 40, "the tag group's page lists every tag");
    let budget = read(f, "en/browse/tag/budget/index.html");
    let tag_links = budget.matches("href=/en/browse/tag/").count();
    assert!((20..=22).contains(&tag_links), "{tag_links} tag links on a tag's page");
    assert!(budget.contains("All 40</a>"), "no link to every tag");

    // The ministry that publishes most (with its agencies) lists 20 of their datasets and links
    // to all of them, whose list says how many there are.
    let agency = read(f, "en/agencies/ag00000/index.html");
    assert_eq!(agency.matches("<li class=card>").count(), 20);
    let all = agency.split("<a href=/en/browse/ministry/ag00000/>All ").nth(1).expect("no link to all the agency's datasets");
    let count: String = all.chars().take_while(char::is_ascii_digit).collect();
    assert!(count.parse::<usize>().unwrap() > 20, "{count}");
    assert!(read(f, "en/browse/ministry/ag00000/index.html").contains(&format!("<h2>{count} datasets</h2>")));

    // No page grows with the portal: the largest is a list page of 50 cards.
    let mut largest = (0, String::new());
    for entry in walk(&f.root().join("public")) {
        let size = std::fs::metadata(&entry).map(|m| m.len()).unwrap_or(0);
        if entry.extension().is_some_and(|e| e == "html") && size > largest.0 {
            largest = (size, entry.display().to_string());
        }
    }
    assert!(largest.0 < 80_000, "{} bytes: {}", largest.0, largest.1);
    // One sitemap file while under the protocol's 50,000 URLs.
    assert!(read(f, "sitemap.xml").contains("<urlset"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

/// see: issue 15 — a single 200 MB cell made each page that previewed it a 200 MB file.
#[test]
fn a_giant_cell_is_cut_on_pages_and_whole_in_downloads() {
    let f = Fixture::new();
    let giant = "ก".repeat(100_000);
    f.dataset("giant", "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"text\"\ntype = \"string\"\n", format!("id,text\n1,{giant}\n2,short\n"));
    let built = f.sala(&["build", "--lang", "en"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let page = std::fs::read_to_string(f.root().join("public/en/datasets/giant/index.html")).unwrap();
    assert!(page.len() < 20_000, "the page is {} bytes", page.len());
    assert!(page.contains(&format!("{}…", "ก".repeat(500))), "the cell is not cut at 500 characters");
    assert!(!page.contains(&"ก".repeat(501)));
    let csv = std::fs::read_to_string(f.root().join("public/datasets/giant/data.csv")).unwrap();
    assert!(csv.contains(&giant), "the download lost part of the cell");
}


/// see: issue 15 — a resource of ten million rows was written as a JSON array of 2.3 GB, held
/// in memory with every other format. Above `json_max_cells` (set low here) the single array
/// is not written and the API says `"json": null`; NDJSON, the paged JSON, Parquet, the CSV
/// and the zip are written in pieces and hold every row.
#[test]
fn a_resource_over_json_max_cells_has_no_json_array_and_every_other_download_whole() {
    let f = Fixture::new();
    let site = std::fs::read_to_string(f.root().join("site.toml")).unwrap();
    f.write("site.toml", site.replacen("base_url", "json_max_cells = 4000\nbase_url", 1));
    let rows = 2_345;
    let mut csv = String::from("id,amount\n");
    for i in 1..=rows {
        csv.push_str(&format!("{i},{}.5\n", i * 3));
    }
    let fields = "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"amount\"\ntype = \"number\"\n";
    f.dataset("big", fields, &csv);
    f.dataset("small", fields, "id,amount\n1,2.5\n2,3.5\n");
    let built = f.sala(&["build", "--lang", "en"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let public = f.root().join("public");
    // 2,345 rows × 2 columns = 4,690 cells, over 4,000; the small dataset is under.
    let big = public.join("datasets/big");
    assert!(!big.join("data.json").exists(), "a JSON array was written above json_max_cells");
    assert!(public.join("datasets/small/data.json").is_file());
    let api = json(&f, "api/v1/datasets/big.json");
    let resource = &api["dataset"]["resources"][0];
    assert_eq!(resource["json"], serde_json::Value::Null, "{resource}");
    assert!(resource["ndjson"].as_str().unwrap().ends_with("/datasets/big/data.ndjson"));
    let small = json(&f, "api/v1/datasets/small.json");
    assert!(small["dataset"]["resources"][0]["json"].as_str().unwrap().ends_with("/datasets/small/data.json"));
    // Every other download holds every row.
    assert_eq!(std::fs::read_to_string(big.join("data.csv")).unwrap(), csv);
    let ndjson = std::fs::read_to_string(big.join("data.ndjson")).unwrap();
    assert_eq!(ndjson.lines().count(), rows);
    assert_eq!(ndjson.lines().last().unwrap(), r#"{"id":2345,"amount":7035.5}"#);
    let last: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(big.join("data/rows/3.json")).unwrap()).unwrap();
    assert_eq!((last["page"].as_u64(), last["pages"].as_u64(), last["total"].as_u64()), (Some(3), Some(3), Some(rows as u64)));
    assert_eq!(last["rows"].as_array().unwrap().len(), 345);
    assert_eq!(last["rows"][344]["id"], 2345);
    // The zip's CSV was written again from the table: the same bytes as the download.
    let zipped = std::process::Command::new("python3")
        .args(["-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('data.csv').decode())"])
        .arg(big.join("big.zip"))
        .output()
        .unwrap();
    assert!(zipped.status.success(), "{}", String::from_utf8_lossy(&zipped.stderr));
    assert_eq!(String::from_utf8(zipped.stdout).unwrap(), csv);
    // Pages and catalogs link only what exists.
    let page = read(&f, "en/datasets/big/index.html");
    assert!(page.contains("/datasets/big/data.ndjson") && !page.contains("/datasets/big/data.json"), "the page links a JSON array that does not exist");
    let catalog = read(&f, "catalog.ttl");
    assert!(catalog.contains("big/#data-ndjson") && !catalog.contains("big/#data-json"), "the catalog lists a JSON array that does not exist");
}

/// see: issue 15 — a large file is parsed in parts whose memory is given back as they are
/// read, and its raw cells are dropped once checked: an error in its last part still names its
/// exact row, value and cells, read again from the file.
#[test]
fn an_error_in_the_last_part_of_a_large_file_names_its_exact_row() {
    let f = generated(1);
    let id = portal::dataset_id(0);
    // About 4 MB: read in several parts, and mapped, not copied.
    let rows = 80_000;
    let mut csv = String::from("row_id,province,fiscal_year,category,amount,recorded,note\n");
    for row in 1..=rows {
        let recorded = if row == rows - 1 { "2025-13-40".to_string() } else { format!("2025-{:02}-{:02}", row % 12 + 1, row % 28 + 1) };
        csv.push_str(&format!("{row},เชียงใหม่,2567,operating,{row}.50,{recorded},บันทึก {row}\n"));
    }
    std::fs::write(f.root().join(format!("datasets/{id}/table-1.csv")), &csv).unwrap();
    let _ = std::fs::remove_file(f.root().join(format!("datasets/{id}/table-2.csv")));
    let toml_path = f.root().join(format!("datasets/{id}/dataset.toml"));
    let toml = std::fs::read_to_string(&toml_path).unwrap();
    // One resource only.
    let one = toml.split("\n[[resources]]").take(2).collect::<Vec<_>>().join("\n[[resources]]");
    std::fs::write(&toml_path, one).unwrap();
    let checked = sala::check(f.root()).unwrap();
    let errors: Vec<_> = checked.report.diagnostics.iter().filter(|d| d.location.file.ends_with("table-1.csv")).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let d = errors[0];
    // The header is row 1: data row 79,999 is row 80,000 of the file.
    assert_eq!((d.location.row, d.location.column_number, d.value.as_deref()), (Some(80_000), Some(6), Some("2025-13-40")));
    let source = d.source.as_ref().expect("the row is shown");
    assert!(source.text.starts_with("79999,เชียงใหม่,2567,operating,79999.50,2025-13-40,บันทึก 79999"), "{}", source.text);
}
