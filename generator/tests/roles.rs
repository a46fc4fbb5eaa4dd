//! Dataset roles: agencies keep their own column names and map them to what Sala needs;
//! `sala check` says exactly what is missing or does not fit, and a correct mapping gives
//! finance pages and maturity scores with the exact figures.

mod common;

use common::{Fixture, text};
use serde_json::Value;

/// A finance dataset with the agency's own column names (none is Sala's).
const SPENDING_SCHEMA: &str = r#"
[[resources.schema.fields]]
name = "fy"
type = "integer"
[[resources.schema.fields]]
name = "org"
type = "string"
[[resources.schema.fields]]
name = "plan"
type = "string"
[[resources.schema.fields]]
name = "cat"
type = "string"
[[resources.schema.fields]]
name = "baht"
type = "number"
"#;

const MAPPING: &str = r#"
[role]
type = "finance-expenditures"

[role.columns]
fiscal_year = "fy"
agency = "org"
program = "plan"
standard_object = "cat"
amount = "baht"
"#;

const BUDGET_CSV: &str = "fy,org,plan,cat,baht\n2566,TEST,แผนงานหลัก,personnel,1000000\n2567,TEST,แผนงานหลัก,personnel,1500000\n2567,TEST,แผนงานหลัก,operating,700000\n2567,TEST,แผนงานใหม่,investment,300000\n";

/// Writes a dataset whose metadata ends with `role` (TOML appended after the metadata keys).
fn role_dataset(f: &Fixture, id: &str, role: &str, schema: &str, csv: &str) {
    let toml = format!(
        "title = {{ th = \"ชุดข้อมูล {id}\", en = \"Dataset {id}\" }}\ndescription = {{ th = \"คำอธิบาย\", en = \"Description\" }}\nagency = \"TEST\"\nlicense = \"CC-BY-4.0\"\nmodified = 2025-10-01\n{role}\n[[resources]]\nname = \"data\"\npath = \"data.csv\"\n\n[resources.schema]\n{schema}\n"
    );
    f.write(&format!("datasets/{id}/dataset.toml"), toml);
    f.write(&format!("datasets/{id}/data.csv"), csv);
}

/// The JSON diagnostics of `sala check`.
fn check(f: &Fixture) -> (i32, Vec<Value>) {
    let out = f.sala(&["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    (out.status.code().unwrap(), json["diagnostics"].as_array().unwrap().clone())
}

fn messages(diags: &[Value]) -> Vec<(String, String)> {
    diags.iter().map(|d| (d["code"].as_str().unwrap().to_string(), d["message"]["en"].as_str().unwrap().to_string())).collect()
}

#[test]
fn an_incomplete_mapping_names_each_missing_meaning() {
    let f = Fixture::new();
    let partial = MAPPING.replace("amount = \"baht\"\n", "").replace("program = \"plan\"\n", "");
    role_dataset(&f, "spending", &partial, SPENDING_SCHEMA, BUDGET_CSV);
    let (code, diags) = check(&f);
    assert_eq!(code, 1);
    assert_eq!(
        messages(&diags),
        vec![
            ("role-error".into(), "the role finance-expenditures needs a column for program (programme), but [role.columns] does not map it".into()),
            ("role-error".into(), "the role finance-expenditures needs a column for amount (amount in baht), but [role.columns] does not map it".into()),
        ]
    );
    assert_eq!(diags[0]["location"]["file"], "datasets/spending/dataset.toml");
    assert_eq!(diags[0]["help"]["en"], "add program = \"<column name>\" under [role.columns]");
    assert_eq!(diags[0]["help"]["th"], "เพิ่ม program = \"ชื่อคอลัมน์\" ใต้ [role.columns]");
}

#[test]
fn a_column_of_the_wrong_type_a_missing_column_and_an_unknown_meaning_are_errors() {
    let f = Fixture::new();
    let schema = SPENDING_SCHEMA.replace("name = \"baht\"\ntype = \"number\"", "name = \"baht\"\ntype = \"string\"");
    let mapping = MAPPING.replace("agency = \"org\"", "agency = \"agency_code\"").replace("cat\"\n", "cat\"\nfiscal_yaer = \"fy\"\n");
    role_dataset(&f, "spending", &mapping, &schema, BUDGET_CSV);
    let (code, diags) = check(&f);
    assert_eq!(code, 1);
    assert_eq!(
        messages(&diags),
        vec![
            ("role-error".into(), "[role.columns] has \"fiscal_yaer\", which the role finance-expenditures does not use".into()),
            ("role-error".into(), "[role.columns] maps agency to \"agency_code\", which is not a column of the resource data".into()),
            ("role-error".into(), "the column \"baht\" is of type string, but amount needs type number or integer".into()),
        ]
    );
    assert_eq!(diags[2]["rule"], "type = number | integer");
    assert_eq!(diags[0]["help"]["en"], "use one of: fiscal_year, agency, program, program_en, standard_object, amount");
}

#[test]
fn agency_codes_in_role_data_must_be_in_the_registry() {
    let f = Fixture::new();
    role_dataset(&f, "spending", MAPPING, SPENDING_SCHEMA, &format!("{BUDGET_CSV}2567,NOPE,แผนงานหลัก,personnel,5\n"));
    let (code, diags) = check(&f);
    assert_eq!(code, 1);
    assert_eq!(
        messages(&diags),
        vec![("unknown-agency".into(), "the column org has the agency code \"NOPE\", which is not in the agency registry".into())]
    );
    assert_eq!(diags[0]["location"]["file"], "datasets/spending/data.csv");
}

#[test]
fn fiscal_years_in_the_christian_era_are_an_error_with_the_buddhist_era_year_to_write() {
    let f = Fixture::new();
    role_dataset(&f, "spending", MAPPING, SPENDING_SCHEMA, "fy,org,plan,cat,baht\n2024,TEST,แผนงานหลัก,personnel,5\n");
    let (code, diags) = check(&f);
    assert_eq!(code, 1);
    assert_eq!(messages(&diags), vec![("role-error".into(), "the fiscal year 2024 in the column fy is not a Buddhist-era year".into())]);
    assert_eq!(diags[0]["help"]["en"], "write fiscal years in the Buddhist era (CE + 543), e.g. 2567");
    assert_eq!(diags[0]["help"]["th"], "เขียนปีงบประมาณเป็นพุทธศักราช (ค.ศ. + 543) เช่น 2567");
}

#[test]
fn a_role_on_a_dataset_with_several_resources_must_name_one() {
    let f = Fixture::new();
    let toml = format!(
        "title = {{ th = \"ก\", en = \"A\" }}\ndescription = {{ th = \"ก\", en = \"A\" }}\nagency = \"TEST\"\nlicense = \"CC-BY-4.0\"\nmodified = 2025-10-01\n{MAPPING}\n[[resources]]\nname = \"one\"\npath = \"data.csv\"\n[resources.schema]\n{SPENDING_SCHEMA}\n[[resources]]\nname = \"two\"\npath = \"data.csv\"\n[resources.schema]\n{SPENDING_SCHEMA}\n"
    );
    f.write("datasets/spending/dataset.toml", toml);
    f.write("datasets/spending/data.csv", BUDGET_CSV);
    let (_, diags) = check(&f);
    assert_eq!(
        messages(&diags),
        vec![("role-error".into(), "the dataset has several resources and [role] does not say which one it is about".into())]
    );
    assert_eq!(diags[0]["help"]["en"], "add resource = \"…\" under [role], one of: one, two");
}

#[test]
fn own_column_names_give_exact_finance_figures_on_both_languages_pages() {
    let f = Fixture::new();
    role_dataset(&f, "spending", MAPPING, SPENDING_SCHEMA, BUDGET_CSV);
    let authorities = MAPPING.replace("finance-expenditures", "finance-authorities");
    role_dataset(&f, "budget", &authorities, SPENDING_SCHEMA, "fy,org,plan,cat,baht\n2566,TEST,แผนงานหลัก,personnel,1250000\n2567,TEST,แผนงานหลัก,personnel,3000000\n");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    let read = |p: &str| std::fs::read_to_string(public.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    let th = read("agencies/test/index.html");
    // 2567: authorities 3,000,000; expenditures 1,500,000 + 700,000 + 300,000 = 2,500,000.
    assert!(th.contains("3.00 ล้านบาท"), "Thai authorities");
    assert!(th.contains("2.50 ล้านบาท"), "Thai expenditures");
    assert!(th.contains("83.33%"), "spending rate 2.5 / 3");
    assert!(th.contains("ปีงบประมาณ 2567 คือ 1 ต.ค. 2566 – 30 ก.ย. 2567"), "Thai fiscal year span");
    let en = read("en/agencies/test/index.html");
    assert!(en.contains("THB 3.00 million") && en.contains("THB 2.50 million"), "English money");
    assert!(en.contains("FY2024 (B.E. 2567) is 1 Oct 2023 – 30 Sep 2024"), "English fiscal year");
    // By standard object, largest first, with the change from 2566 (personnel 1.0 → 1.5 million).
    let objects = read("api/v1/finance/agencies/test/objects.csv");
    assert_eq!(
        objects,
        "code,level,fiscal_year,previous_fiscal_year,standard_object,amount,previous_amount,change,change_percent\n\
         TEST,agency,2567,2566,personnel,1500000,1000000,500000,50\n\
         TEST,agency,2567,2566,operating,700000,0,700000,\n\
         TEST,agency,2567,2566,investment,300000,0,300000,\n"
    );
    let programs: Value = serde_json::from_str(&read("api/v1/finance/agencies/test/programs.json")).unwrap();
    assert_eq!(programs["rows"][0]["program"], "แผนงานหลัก");
    assert_eq!(programs["rows"][0]["program_en"], "แผนงานหลัก", "no English name mapped: the Thai one");
    assert_eq!(programs["rows"][0]["amount"], 2_200_000);
    // The ministry rolls its department up.
    let years = read("api/v1/finance/years.csv");
    assert!(years.contains("\nMIN,ministry,2567,3000000,2500000,83.33\n"), "{years}");
    assert!(years.contains("\n,portal,2566,1250000,1000000,80\n"), "{years}");
}

#[test]
fn a_portal_without_roles_has_a_dashboard_that_says_so() {
    let f = Fixture::new();
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let html = std::fs::read_to_string(f.root().join("public/en/dashboard/index.html")).unwrap();
    assert!(html.contains("No dataset on this portal assesses e-services yet."));
    assert!(html.contains("No dataset on this portal holds budget figures yet."));
    assert!(!f.root().join("public/api/v1/finance").exists());
}

#[test]
fn a_long_breakdown_draws_its_fifteen_largest_lines_and_tables_them_all() {
    let f = Fixture::new();
    let rows: String = (1..=17).map(|i| format!("2567,TEST,p{i:02},personnel,{}\n", i * 1000)).collect();
    role_dataset(&f, "spending", MAPPING, SPENDING_SCHEMA, &format!("fy,org,plan,cat,baht\n{rows}"));
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let page = std::fs::read_to_string(f.root().join("public/en/agencies/test/index.html")).unwrap();
    let start = page.find("<div class=figure id=chart-finance-programs>").expect("the programmes figure");
    let figure = &page[start..];
    let svg = &figure[..figure.find("</svg>").unwrap()];
    assert!(svg.contains("Expenditures by programme, FY2024 (B.E. 2567) (THB million) — the 15 largest of 17; the table lists them all"), "{svg}");
    assert_eq!(svg.matches("<text class=label").count(), 15);
    assert!(svg.contains(">p17<") && svg.contains(">p03<") && !svg.contains(">p02<"), "largest first: {svg}");
    let table = &figure[figure.find("<table class=stack>").unwrap()..figure.find("</table>").unwrap()];
    assert_eq!(table.matches("<th scope=row>").count(), 17, "{table}");
}

/// An e-services dataset with the agency's own column names; `rows` are its CSV lines after
/// the header: sid, org, title and ten flags.
fn e_services(f: &Fixture, rows: &str) {
    let flags = ["forms", "av", "langs", "contact", "survey", "apply", "pay", "e2e", "exchange", "onestop"];
    let mut schema = String::from("[[resources.schema.fields]]\nname = \"sid\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"org\"\ntype = \"string\"\n[[resources.schema.fields]]\nname = \"title\"\ntype = \"string\"\n");
    for flag in flags {
        schema.push_str(&format!("[[resources.schema.fields]]\nname = \"{flag}\"\ntype = \"boolean\"\n"));
    }
    let meanings = [
        "downloadable_forms", "audio_video", "multilingual", "two_way_contact", "online_survey",
        "online_application", "online_payment", "end_to_end", "data_exchange", "one_stop",
    ];
    let mut role = String::from("[role]\ntype = \"e-services\"\n[role.columns]\nservice_id = \"sid\"\nagency = \"org\"\nname = \"title\"\n");
    for (m, flag) in meanings.iter().zip(flags) {
        role.push_str(&format!("{m} = \"{flag}\"\n"));
    }
    role_dataset(f, "services", &role, &schema, &format!("sid,org,title,{}\n{rows}", flags.join(",")));
}

#[test]
fn e_services_with_their_own_column_names_get_exact_scores_on_the_agency_page_and_dashboard() {
    let f = Fixture::new();
    // S-1: all of Stage 2 and automatic exchange; S-2: nothing beyond Stage 1.
    e_services(&f, "S-1,TEST,บริการหนึ่ง,true,true,true,true,false,false,false,false,true,false\nS-2,TEST,บริการสอง,false,false,false,false,false,false,false,false,false,false\n");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    let read = |p: &str| std::fs::read_to_string(public.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    // Stages 100 / 50 / 0 / 25: index (7 × 100 + 24 × 50 + 30 × 0 + 39 × 25) / 100 = 28.75.
    assert_eq!(
        read("api/v1/maturity/scores.csv"),
        "code,level,services,stage1,stage2,stage3,stage4,index\nTEST,agency,2,100,50,0,25,28.75\nMIN,ministry,2,100,50,0,25,28.75\n,portal,2,100,50,0,25,28.75\n"
    );
    let page = read("agencies/test/index.html");
    assert!(page.contains("<dd>28.75%</dd>"), "Thai agency page index");
    assert!(read("en/agencies/min/index.html").contains("<dd>28.75%</dd>"), "the ministry rolls up");
    // The cells in order (each also names its column for the phone layout: left out here).
    let dashboard = regex::Regex::new(r#" data-label=("[^"]*"|[^ >]*)"#).unwrap().replace_all(&read("en/dashboard/index.html"), "").to_string();
    assert!(dashboard.contains("<th scope=row>Ministry of Tests</th><td class=num>2</td><td class=\"num heat heat-4\">100.00%</td><td class=\"num heat heat-2\">50.00%</td><td class=\"num heat heat-0\">0.00%</td><td class=\"num heat heat-1\">25.00%</td><td class=\"num heat heat-1\">28.75%</td>"), "{dashboard}");
    // S-1 has completed Stage 2 and has half of Stage 4, but its next stage is Stage 3, all still missing.
    let closest = read("api/v1/maturity/next-stage.csv");
    assert_eq!(
        closest,
        "rank,service_id,agency,name,name_en,stage_reached,next_stage,next_stage_completion,missing\n\
         1,S-1,TEST,บริการหนึ่ง,บริการหนึ่ง,2,3,0,online_survey online_application online_payment end_to_end\n\
         2,S-2,TEST,บริการสอง,บริการสอง,1,2,0,downloadable_forms audio_video multilingual two_way_contact\n"
    );
}

/// see: issue 15 — a ministry's page tabled every one of its 18,720 services (8 MB).
#[test]
fn an_agency_page_tables_its_first_hundred_services_and_the_downloads_hold_all() {
    let f = Fixture::new();
    let rows: String = (1..=150).map(|i| format!("S-{i:03},TEST,บริการ {i},true,false,false,false,false,false,false,false,false,false\n")).collect();
    e_services(&f, &rows);
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = f.root().join("public");
    let page = std::fs::read_to_string(public.join("en/agencies/test/index.html")).unwrap();
    assert!(page.contains("บริการ 100<"), "the 100th service is tabled");
    assert!(!page.contains("บริการ 101<"), "the 101st service is not");
    assert!(page.contains("The first 100 of 150 rows; the downloads below hold every row."), "{page}");
    let csv = std::fs::read_to_string(public.join("api/v1/maturity/services.csv")).unwrap();
    assert_eq!(csv.lines().count(), 151, "the download holds every service");
}
