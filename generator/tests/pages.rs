//! Citizen-grade pages (issue 18): every page type of the demo portal in both languages, in
//! headless Chromium at 320, 390 and 1366 px, has no WCAG 2.1 AA violation (axe-core), is never
//! wider than the screen, and the search page does not jump while it loads (e2e/pages.mjs);
//! a generated portal large enough for a second list page checks the pager pages the same way.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Fixture, demo_public, portal, read_demo as read, repo_root};

/// True when a program runs (`--version` exits 0).
fn runs(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

/// Chromium's path, or None (with a loud note) when the browser test cannot run here; under CI
/// that is a failure, never a skip.
fn browser() -> Option<String> {
    let chromium = std::env::var("SALA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let e2e = repo_root().join("e2e");
    let missing: Vec<&str> = [
        (!runs("node")).then_some("node"),
        (!Path::new(&chromium).is_file()).then_some("chromium"),
        (!e2e.join("node_modules/playwright-core").is_dir()).then_some("e2e/node_modules/playwright-core (npm ci --prefix e2e)"),
        (!e2e.join("node_modules/axe-core").is_dir()).then_some("e2e/node_modules/axe-core (npm ci --prefix e2e)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return Some(chromium);
    }
    let message = format!("the page checks need {}: .ci/run installs them", missing.join(", "));
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("\n!!!!! SKIPPED: {message} !!!!!\n");
    None
}

/// Runs e2e/pages.mjs on a built site (on `paths`, or on its own list of page types).
fn check_pages(site: &Path, paths: &[&str], chromium: &str) -> String {
    let out = Command::new("node")
        .arg(repo_root().join("e2e/pages.mjs"))
        .arg(site)
        .args(paths)
        .env("SALA_CHROMIUM", chromium)
        .output()
        .unwrap();
    let text = common::text(&out);
    eprintln!("{text}");
    assert!(out.status.success(), "page checks failed:\n{text}");
    text
}

#[test]
fn every_page_type_in_both_languages_is_accessible_fits_a_phone_and_does_not_jump() {
    let Some(chromium) = browser() else { return };
    let text = check_pages(&demo_public(), &[], &chromium);
    assert!(text.contains("all ") && text.contains(" page checks passed"), "{text}");
    // Each page type in two languages at three widths, and the search page's layout shift.
    for page in ["/ at 390 px", "/en/datasets/budget-appropriations/ at 1366 px", "/privacy/register/ at 320 px", "/en/404.html at 390 px"] {
        assert!(text.contains(&format!("ok   {page}")), "{page} was not checked:\n{text}");
    }
    assert!(text.contains("ok   layout shift of /search/ at 390 px"), "{text}");
    assert!(text.contains("ok   layout shift of /search/?q=งบประมาณ at 1366 px, fonts late"), "{text}");
}

#[test]
fn the_second_page_of_a_long_list_passes_the_same_checks() {
    let Some(chromium) = browser() else { return };
    let f = Fixture { dir: tempfile::tempdir().unwrap() };
    portal::write_portal(f.root(), 60, 2567).unwrap();
    let built = f.sala(&["build", "--lang", "en"]);
    assert!(built.status.success(), "{}", common::text(&built));
    let public = f.root().join("public");
    assert!(public.join("datasets/page/2/index.html").is_file(), "60 datasets make two list pages");
    let text = check_pages(&public, &["/datasets/page/2/", "/en/datasets/page/2/", "/en/datasets/"], &chromium);
    assert!(text.contains("ok   /en/datasets/page/2/ at 390 px"), "{text}");
}

/// The text between two markers of a page (from the first marker on).
fn between<'a>(page: &'a str, from: &str, to: &str) -> &'a str {
    let start = page.find(from).unwrap_or_else(|| panic!("no {from}"));
    let rest = &page[start..];
    &rest[..rest.find(to).unwrap_or_else(|| panic!("no {to} after {from}"))]
}

#[test]
fn a_dataset_page_leads_with_who_when_the_licence_and_the_download() {
    let page = read("datasets/budget-appropriations/index.html");
    let at = |what: &str| page.find(what).unwrap_or_else(|| panic!("no {what}"));
    // Publisher, update date with frequency, licence by name with a link to its deed in Thai.
    let summary = between(&page, "<dl class=summary>", "</dl>");
    assert!(summary.contains("<dt>หน่วยงานเจ้าของข้อมูล</dt><dd><a href=/agencies/bb/>สำนักงบประมาณ</a></dd>"), "{summary}");
    assert!(summary.contains("<dt>ปรับปรุงเมื่อ</dt><dd>15 ต.ค. 2568 <span class=meta>(รายปี)</span></dd>"), "{summary}");
    assert!(summary.contains("<a rel=\"license noopener\" href=https://creativecommons.org/licenses/by/4.0/deed.th>ครีเอทีฟคอมมอนส์ แสดงที่มา 4.0 สากล (CC BY 4.0)</a>"), "{summary}");
    // CSV first, as the big button, with its size; the other formats after it, smaller, each
    // with its size and what it is for.
    let csv = std::fs::metadata(demo_public().join("datasets/budget-appropriations/appropriations.csv")).unwrap().len();
    assert_eq!(csv, 56_514, "the demo's CSV (the size shown below is this one's)");
    assert!(page.contains("<a class=\"button button-big\" download href=/datasets/budget-appropriations/appropriations.csv>ดาวน์โหลด CSV <span class=size>(55.2 KB)</span></a> <span class=format-help>ตารางข้อมูล เปิดได้ด้วย Excel, Google Sheets หรือ LibreOffice</span>"));
    assert!(page.contains("<a download href=/datasets/budget-appropriations/appropriations.parquet>Parquet</a> <span class=meta>("));
    // The order: what it is, the download, then the preview and dictionary, then the metadata.
    assert!(at("<dl class=summary>") < at("id=get-data") && at("id=get-data") < at("appropriations.parquet>Parquet</a>"));
    assert!(at("appropriations.parquet>Parquet</a>") < at("<table class=data>") && at("<table class=data>") < at("<table class=stack>"));
    assert!(at("<table class=stack>") < at("id=about-data"));
    // The theme is shown once: the tag of the same name is left out.
    let tags = between(&page, "<span class=tag>", "</p>");
    assert_eq!(tags.matches(">งบประมาณ<").count(), 1, "{tags}");
    // English: the licence's English name and deed, sizes, the download's plain words.
    let en = read("en/datasets/budget-appropriations/index.html");
    assert!(en.contains("href=https://creativecommons.org/licenses/by/4.0/deed.en>Creative Commons Attribution 4.0 International (CC BY 4.0)</a>"));
    assert!(en.contains(">Download CSV <span class=size>(55.2 KB)</span></a> <span class=format-help>A table: opens in Excel, Google Sheets or LibreOffice</span>"));
}

#[test]
fn tables_of_records_name_each_value_for_the_phone_layout_and_numbers_have_right_aligned_headers() {
    let agency = read("en/agencies/cgd/index.html");
    let years = between(&agency, "id=chart-finance-years", "</table>");
    assert!(years.contains("<th class=num scope=col>Authorities (THB million)</th>"), "{years}");
    assert!(years.contains("<th scope=col>Fiscal year</th>"), "the row headers' column stays left: {years}");
    assert!(years.contains("<td data-label=\"Authorities (THB million)\" class=num>2,572.90</td>"), "{years}");
    let register = read("privacy/register/index.html");
    assert!(register.contains("<table class=stack>") && register.contains("<td data-label=ทิศทาง>"), "the register reads as cards on a phone");
    let dictionary = between(&read("en/datasets/provinces/index.html"), "<table class=stack>", "</table>").to_string();
    assert!(dictionary.contains("<td data-label=Type>"), "{dictionary}");
}

#[test]
fn the_home_page_has_a_search_box_and_the_search_page_a_results_heading() {
    let home = read("index.html");
    assert!(home.contains("<form action=/search/ aria-label=ค้นหาชุดข้อมูล class=home-search role=search><label for=home-q>ค้นหาข้อมูลภาครัฐ</label>"), "{home}");
    // Two search forms on the page, each a landmark with a name of its own.
    assert!(home.contains("<form action=/search/ aria-label=ค้นหาในเว็บไซต์ class=site-search role=search>"), "{home}");
    let search = read("en/search/index.html");
    assert!(search.contains("<h2 class=visually-hidden>Search results</h2>"), "{search}");
    // Thai pages fetch their font with the stylesheet; English pages do not need it.
    assert_eq!(home.matches("rel=preload").count(), 4, "{home}");
    assert!(!read("en/index.html").contains("rel=preload"));
}

#[test]
fn the_budget_by_ministry_is_small_multiples_with_a_note_on_their_scales() {
    let dashboard = read("en/dashboard/budget/index.html");
    let figure = between(&dashboard, "id=chart-budget-ministries", "<table");
    assert!(figure.contains("<p class=note>Each ministry is drawn to its own scale: compare the numbers, not the lengths of the bars, between ministries.</p>"), "{figure}");
    assert_eq!(figure.matches("<div><h4>").count(), 4, "{figure}");
    assert!(figure.contains("<h4>Ministry of Finance</h4>"), "{figure}");
    // Appropriations blue and expenditures orange here as on every agency page.
    assert!(!figure.contains("class=s0") && figure.contains("class=t-authorities") && figure.contains("class=t-expenditures"));
}

/// Every link and asset of every demo page, in both languages, leads somewhere: an address on
/// the portal's own host (absolute or site-relative) is a file of the build (a folder's
/// `index.html`), and a `#fragment` is an id on the page it points to. A feedback link to a
/// page the demo did not have, and agency tiles linking to a targets section the page did not
/// show, were found by crawling the build.
#[test]
fn every_link_of_the_demo_leads_to_a_file_and_every_fragment_to_an_id() {
    let public = demo_public();
    let attribute = regex::Regex::new(r#"(?:href|src)=(?:"([^"]*)"|([^\s>"]+))"#).unwrap();
    let id = regex::Regex::new(r#"\sid=(?:"([^"]*)"|([^\s>"]+))"#).unwrap();
    let base = "https://data.example.go.th";
    let ids_of = |file: &Path| -> std::collections::HashSet<String> {
        let html = std::fs::read_to_string(file).unwrap_or_default();
        id.captures_iter(&html).map(|c| c.get(1).or(c.get(2)).unwrap().as_str().to_string()).collect()
    };
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in common::files_under(&public).into_iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(public.join(&page)).unwrap();
        let here = public.join(&page);
        for cap in attribute.captures_iter(&html) {
            let link = cap.get(1).or(cap.get(2)).unwrap().as_str().replace("&amp;", "&");
            let local = match link.strip_prefix(base) {
                Some(rest) => rest.to_string(),
                None if link.starts_with('/') && !link.starts_with("//") => link.clone(),
                None if link.starts_with('#') => format!("/{}{link}", page),
                None => continue,
            };
            let (path, fragment) = local.split_once('#').map_or((local.as_str(), None), |(p, f)| (p, Some(f)));
            let path = path.split('?').next().unwrap_or_default();
            let decoded = percent_decoded(path);
            let mut file = public.join(decoded.trim_start_matches('/'));
            if decoded.ends_with('/') || file.is_dir() {
                file = file.join("index.html");
            }
            if link.starts_with('#') {
                file = here.clone();
            }
            checked += 1;
            if !file.is_file() {
                broken.push(format!("{page}: {link}"));
            } else if let Some(fragment) = fragment.filter(|f| !f.is_empty() && file.extension().is_some_and(|e| e == "html")) {
                if !ids_of(&file).contains(fragment) {
                    broken.push(format!("{page}: {link} (no id {fragment})"));
                }
            }
        }
    }
    assert!(checked > 5_000, "{checked}");
    assert!(broken.is_empty(), "{} broken of {checked}:\n{}", broken.len(), broken.join("\n"));
}

/// `text` with its `%XX` escapes decoded (a URL's path as a file name).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// English says one dataset, not "1 datasets"; years covered are written as each language
/// writes years; Thai data on an English page is marked as Thai; a missing page is not indexed
/// and names no canonical address; a description is not cut at an abbreviation.
#[test]
fn counts_years_languages_and_the_missing_page_read_right() {
    let agencies = read("en/agencies/index.html");
    assert!(agencies.contains("<span class=count>1 dataset</span>") || !agencies.contains("<span class=count>1 "), "{agencies}");
    assert!(!agencies.contains("<span class=count>1 datasets</span>"), "{agencies}");
    let en = read("en/datasets/budget-appropriations/index.html");
    assert!(en.contains("Years covered</dt><dd>2022–2025 (B.E. 2565–2568)</dd>"), "{en}");
    let th = read("datasets/budget-appropriations/index.html");
    assert!(th.contains("<dd>พ.ศ. 2565–2568</dd>"), "{th}");
    assert!(!th.contains("content=\"งบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ.\""), "{th}");
    let provinces = read("en/datasets/provinces/index.html");
    assert!(provinces.contains("<td lang=th>กรุงเทพมหานคร</td><td>Bangkok</td>"), "{provinces}");
    assert!(!read("datasets/provinces/index.html").contains("<td lang=th>"), "Thai pages need no mark");
    for missing in ["404.html", "en/404.html"] {
        let page = read(missing);
        assert!(page.contains("<meta content=noindex name=robots>"), "{page}");
        assert!(!page.contains("rel=canonical"), "{page}");
    }
}
