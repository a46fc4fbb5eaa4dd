//! Regressions found in review, one test each.

mod common;

use common::{Fixture, text};

const ONE_FIELD: &str = "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n";

fn concise(f: &Fixture) -> String {
    String::from_utf8_lossy(&f.sala(&["check", "--format", "concise", "--lang", "en"]).stdout).into_owned()
}

/// see: a page named like a built-in section silently replaced that section's page.
#[test]
fn a_page_may_not_take_a_built_in_address() {
    let f = Fixture::new();
    f.write("content/datasets.md", "+++\ntitle = \"x\"\n+++\n");
    f.write("content/en/about.md", "+++\ntitle = \"x\"\n+++\n");
    let out = concise(&f);
    assert!(out.contains("content/datasets.md:1:1: error[page-error]"), "{out}");
    assert!(out.contains("content/en/about.md:1:1: error[page-error]"), "{out}");
}

/// see: registry codes went into web addresses unchecked.
#[test]
fn registry_codes_must_be_web_safe_and_unique_ignoring_case() {
    let f = Fixture::new();
    f.write(
        "datasets/agencies/agencies.csv",
        format!("{}Test,กรม,Dept,MIN,department,https://x.go.th\nA B,กรม,Dept,MIN,department,https://x.go.th\n", common::AGENCIES_CSV),
    );
    let out = concise(&f);
    assert!(out.contains("datasets/agencies/agencies.csv:4: error[unique-error] the code \"Test\" repeats row 3 (ignoring capitals)"), "{out}");
    assert!(out.contains("datasets/agencies/agencies.csv:5: error[metadata-error] an agency code may hold only English letters, digits and '-'"), "{out}");
}

/// see: an unknown theme printed the raw key `theme_…` on pages.
#[test]
fn an_unknown_theme_is_an_error() {
    let f = Fixture::new();
    f.dataset("d", ONE_FIELD, "id\n1\n");
    let toml = std::fs::read_to_string(f.root().join("datasets/d/dataset.toml")).unwrap();
    f.write("datasets/d/dataset.toml", toml.replace("license = ", "themes = [\"budgte\"]\nlicense = "));
    assert!(concise(&f).contains("datasets/d/dataset.toml: error[metadata-error] unknown theme \"budgte\""));
}

/// see: a dataset.toml linked from outside the portal was read.
#[cfg(unix)]
#[test]
fn a_linked_dataset_toml_outside_the_portal_is_refused() {
    let f = Fixture::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("dataset.toml"), "title = \"x\"\n").unwrap();
    std::fs::create_dir_all(f.root().join("datasets/d")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("dataset.toml"), f.root().join("datasets/d/dataset.toml")).unwrap();
    assert!(concise(&f).contains("datasets/d/dataset.toml: error[path-escape] dataset.toml points outside the portal folder"));
}

/// see: a portal's i18n file replaced the whole built-in table, leaving raw keys on pages.
#[test]
fn a_portal_overrides_single_strings_and_keeps_the_others() {
    let f = Fixture::new();
    f.write("site.toml", "title = \"t\"\nbase_url = \"https://data.example.go.th/\"\ntheme = \"mine\"\n[contact]\nemail = \"a@example.go.th\"\n");
    f.write("themes/mine/i18n/en.toml", "datasets = \"Open datasets\"\n");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let home = std::fs::read_to_string(f.root().join("public/en/index.html")).unwrap();
    assert!(home.contains(">Open datasets<"), "the override is used");
    assert!(home.contains(">Agencies<"), "the other strings stay");
}

/// see: contact.email went into mailto: links unchecked.
#[test]
fn a_contact_email_must_be_an_email_address() {
    let f = Fixture::new();
    f.write("site.toml", "title = \"t\"\nbase_url = \"https://data.example.go.th/\"\n[contact]\nemail = \"not an address\"\n");
    let out = f.sala(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("contact.email = \"not an address\" is not an e-mail address"), "{}", text(&out));
}

/// With `default_language = "en"`, `about.md` is English: beside `about.en.md` the two are one
/// page, and check names both files and the fix (it said only that two parts of the site
/// would be written to about/index.html).
#[test]
fn two_files_of_one_page_in_one_language_are_named_with_the_fix() {
    let f = Fixture::new();
    let site = std::fs::read_to_string(f.root().join("site.toml")).unwrap();
    f.write("site.toml", format!("default_language = \"en\"\n{site}"));
    f.write("content/about.md", "+++\ntitle = \"เกี่ยวกับ\"\n+++\nไทย\n");
    f.write("content/about.en.md", "+++\ntitle = \"About\"\n+++\nEnglish\n");
    let out = f.sala(&["check", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("error[page-error] content/about.en.md and content/about.md are both the en page about: a file without a language in its name is in default_language = \"en\""), "{said}");
    assert!(said.contains("name the other language's file with its language, e.g. about.th.md"), "{said}");
    f.write("content/about.md", "");
    std::fs::rename(f.root().join("content/about.md"), f.root().join("content/about.th.md")).unwrap();
    f.write("content/about.th.md", "+++\ntitle = \"เกี่ยวกับ\"\n+++\nไทย\n");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
}

/// see: datetimes written with an offset were shown in UTC on pages, a day off late at night.
#[test]
fn datetimes_with_an_offset_are_shown_in_the_offset_they_were_written_in() {
    let f = Fixture::new();
    f.dataset(
        "events",
        "[[resources.schema.fields]]\nname = \"at\"\ntype = \"datetime\"\n[[resources.schema.fields]]\nname = \"utc\"\ntype = \"datetime\"\n",
        "at,utc\n2024-03-01T23:30:45+07:00,2024-03-01T16:30:00Z\n2024-03-02T08:00:00+0700,\n",
    );
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    for page in ["datasets/events/index.html", "en/datasets/events/index.html"] {
        let html = std::fs::read_to_string(public.join(page)).unwrap();
        assert!(html.contains(">2024-03-01T23:30:45+07:00<"), "{page}");
        assert!(html.contains(">2024-03-02T08:00:00+07:00<"), "{page}");
        assert!(!html.contains("2024-03-01T16:30:45"), "{page}");
        // A column written in UTC stays in UTC.
        assert!(html.contains(">2024-03-01T16:30:00Z<"), "{page}");
    }
    // The downloads keep the offset they were given (the same instants).
    let csv = std::fs::read_to_string(public.join("datasets/events/data.csv")).unwrap();
    assert_eq!(csv, "at,utc\n2024-03-01T23:30:45+07:00,2024-03-01T16:30:00Z\n2024-03-02T08:00:00+07:00,\n");
    let ndjson = std::fs::read_to_string(public.join("datasets/events/data.ndjson")).unwrap();
    assert!(ndjson.starts_with("{\"at\":\"2024-03-01T23:30:45+07:00\",\"utc\":\"2024-03-01T16:30:00Z\"}\n"), "{ndjson}");
}

/// see: times of day written with an offset (`08:30:00+07:00`) were published in UTC
/// (`01:30:00Z`), another hour for every reader, after datetimes had kept theirs.
#[test]
fn times_with_an_offset_are_published_in_the_offset_they_were_written_in() {
    let f = Fixture::new();
    f.dataset(
        "hours",
        "[[resources.schema.fields]]\nname = \"opens\"\ntype = \"time\"\n",
        "opens\n08:30:00+07:00\n17:00:00+0700\n23:30:00Z\n09:15:00\n",
    );
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    let csv = std::fs::read_to_string(public.join("datasets/hours/data.csv")).unwrap();
    assert_eq!(csv, "opens\n08:30:00+07:00\n17:00:00+07:00\n23:30:00Z\n09:15:00\n");
    let html = std::fs::read_to_string(public.join("en/datasets/hours/index.html")).unwrap();
    assert!(html.contains(">08:30:00+07:00<") && !html.contains("01:30:00"), "{html}");
}

/// see: a portal at the host's root was told its robots.txt is not read.
#[test]
fn a_portal_at_the_root_of_its_host_gets_no_robots_warning() {
    let f = Fixture::new();
    f.dataset("d", ONE_FIELD, "id\n1\n");
    let out = f.sala(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("robots-not-at-root"), "{}", text(&out));
}

/// see: a resource without a title was headed by its machine name (`budget_2567_q1`) on pages.
#[test]
fn a_resource_without_a_title_is_headed_by_a_readable_title() {
    let f = Fixture::new();
    let resource = |name: &str, title: &str| format!("[[resources]]\nname = \"{name}\"\npath = \"{name}.csv\"\n{title}\n[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n\n");
    let head = "title = { th = \"งบประมาณ\", en = \"Budget\" }\ndescription = { th = \"คำอธิบาย\", en = \"Description\" }\nagency = \"TEST\"\nlicense = \"CC-BY-4.0\"\nmodified = 2025-02-01\n\n";
    f.write(
        "datasets/budget/dataset.toml",
        format!("{head}{}{}{}", resource("summary", "title = { th = \"สรุป\" }"), resource("budget_2567_q1", ""), resource("budget_2567_q2", "")),
    );
    f.write("datasets/single/dataset.toml", format!("{}{}", head.replace("งบประมาณ", "รายได้").replace("Budget", "Revenue"), resource("revenue_2567", "")));
    for name in ["summary", "budget_2567_q1", "budget_2567_q2"] {
        f.write(&format!("datasets/budget/{name}.csv"), "id\n1\n");
    }
    f.write("datasets/single/revenue_2567.csv", "id\n1\n");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    let read = |p: &str| std::fs::read_to_string(public.join(p)).unwrap();
    let (th, en) = (read("datasets/budget/index.html"), read("en/datasets/budget/index.html"));
    // A title in the other language first, then the dataset's title and the table's number.
    assert!(th.contains(">สรุป</h2>") && en.contains(">สรุป</h2>"), "{th}");
    assert!(th.contains(">งบประมาณ (ตารางที่ 2)</h2>") && th.contains(">งบประมาณ (ตารางที่ 3)</h2>"), "{th}");
    assert!(en.contains(">Budget (table 2)</h2>") && en.contains(">Budget (table 3)</h2>"), "{en}");
    assert!(!th.contains(">budget_2567_q1<") && !en.contains(">budget_2567_q1<"), "{en}");
    // A dataset's only table is named by the dataset's title.
    assert!(read("en/datasets/single/index.html").contains(">Revenue</h2>"));
    // The catalogs title its distributions so too.
    let data: serde_json::Value = serde_json::from_str(&read("en/data.json")).unwrap();
    let budget = data["dataset"].as_array().unwrap().iter().find(|d| d["title"] == "Budget").unwrap();
    let titles: Vec<&str> = budget["distribution"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"Budget (table 2) (CSV)") && !titles.iter().any(|t| t.contains("budget_2567_q1")), "{titles:?}");
    let dcat = read("catalog.ttl");
    assert!(dcat.contains("\"งบประมาณ (ตารางที่ 3) (CSV)\"@th") && !dcat.contains("\"budget_2567_q2 (CSV)\""), "catalog.ttl");
    // The API keeps the name and invents no title.
    let api: serde_json::Value = serde_json::from_str(&read("api/v1/datasets/budget.json")).unwrap();
    let second = &api["dataset"]["resources"][1];
    assert_eq!(second["name"], "budget_2567_q1");
    assert_eq!(second["title"], serde_json::json!({"th": "", "en": ""}), "{second}");
}
