//! Writes a generated portal of a chosen size, the shape of a national one: N datasets over
//! N/10 agencies (a tenth of them ministries), 1–2 CSV resources of 50–500 rows each, bilingual
//! metadata, tags from a vocabulary that grows with the portal. The same seed writes the same
//! bytes. Used by the scale tests and by `bench/portal.sh` (through `examples/gen_portal.rs`).

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// A small deterministic generator (xorshift64*): the portal must not change between runs.
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    /// One item of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }
}

/// Words of titles and tags, in Thai and English.
const TOPICS: &[(&str, &str)] = &[
    ("งบประมาณ", "budget"),
    ("รายจ่าย", "expenditure"),
    ("ประชากร", "population"),
    ("โรงเรียน", "schools"),
    ("โรงพยาบาล", "hospitals"),
    ("ถนน", "roads"),
    ("น้ำประปา", "water supply"),
    ("ไฟฟ้า", "electricity"),
    ("เกษตรกร", "farmers"),
    ("ข้าว", "rice"),
    ("ยางพารา", "rubber"),
    ("การท่องเที่ยว", "tourism"),
    ("อุบัติเหตุ", "accidents"),
    ("ขยะ", "waste"),
    ("คุณภาพอากาศ", "air quality"),
    ("ภาษี", "taxes"),
    ("จัดซื้อจัดจ้าง", "procurement"),
    ("สวัสดิการ", "welfare"),
    ("ผู้สูงอายุ", "older people"),
    ("แรงงาน", "labour"),
    ("ที่ดิน", "land"),
    ("ป่าไม้", "forests"),
    ("ประมง", "fisheries"),
    ("การศึกษา", "education"),
    ("สาธารณสุข", "public health"),
    ("ที่อยู่อาศัย", "housing"),
    ("การขนส่ง", "transport"),
    ("พลังงาน", "energy"),
    ("ภัยพิบัติ", "disasters"),
    ("บริการออนไลน์", "online services"),
];

/// Where rows happen, in Thai.
const PROVINCES: &[&str] = &[
    "กรุงเทพมหานคร", "เชียงใหม่", "ขอนแก่น", "นครราชสีมา", "ภูเก็ต", "สงขลา", "อุบลราชธานี", "ชลบุรี",
    "พิษณุโลก", "สุราษฎร์ธานี", "นครศรีธรรมราช", "อุดรธานี",
];

const CATEGORIES: &[&str] = &["personnel", "operating", "investment", "subsidy", "other"];
const THEMES: &[&str] = &["budget", "finance", "e-government", "public-services", "geography", "population", "procurement", "open-government"];
const FREQUENCIES: &[&str] = &["annual", "quarterly", "monthly", "irregular"];

/// The code of agency `i` (ministries first).
fn agency_code(i: usize) -> String {
    format!("AG{i:05}")
}

/// How many agencies a portal of `datasets` has, and how many of them are ministries.
pub fn agency_counts(datasets: usize) -> (usize, usize) {
    let agencies = (datasets / 10).max(2);
    (agencies, (agencies / 10).max(1))
}

/// The id of dataset `i`.
pub fn dataset_id(i: usize) -> String {
    format!("ds-{i:06}")
}

fn write(root: &Path, path: &str, text: &str) -> io::Result<()> {
    let p = root.join(path);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(p, text)
}

/// Writes a portal of `datasets` datasets into `root` (which should be empty).
pub fn write_portal(root: &Path, datasets: usize, seed: u64) -> io::Result<()> {
    let mut rng = Rng::new(seed);
    write(
        root,
        "site.toml",
        "title = { th = \"ศูนย์ข้อมูลเปิดภาครัฐ (ทดสอบขนาด)\", en = \"Open Government Data Portal (scale test)\" }\n\
         description = { th = \"พอร์ทัลที่สร้างขึ้นเพื่อวัดความเร็ว\", en = \"A portal generated to measure speed\" }\n\
         base_url = \"https://data.example.go.th/\"\n\
         [contact]\nemail = \"opendata@example.go.th\"\n",
    )?;
    let (agencies, ministries) = agency_counts(datasets);
    write_registry(root, agencies, ministries, &mut rng)?;
    // A tag vocabulary that grows with the portal, as real ones do (about one tag per ten datasets).
    let tag_count = (datasets / 10).max(TOPICS.len());
    for i in 0..datasets {
        write_dataset(root, i, agencies, tag_count, &mut rng)?;
    }
    Ok(())
}

fn write_registry(root: &Path, agencies: usize, ministries: usize, rng: &mut Rng) -> io::Result<()> {
    let mut csv = String::from("code,name_th,name_en,legal_title_th,legal_title_en,parent,form,website,minister_th,minister_en,mandate_th,mandate_en\n");
    for i in 0..agencies {
        let (th, en) = *rng.pick(TOPICS);
        let (form, parent, kind_th, kind_en) = if i < ministries {
            ("ministry", String::new(), "กระทรวง", "Ministry of")
        } else {
            ("department", agency_code(i % ministries), "กรม", "Department of")
        };
        let _ = writeln!(
            csv,
            "{code},{kind_th}{th} {i},{kind_en} {en} {i},{kind_th}{th} {i},{kind_en} {en} {i},{parent},{form},https://ag{i}.example.go.th,รัฐมนตรีว่าการ{th},Minister of {en},ดูแลเรื่อง{th}ของประเทศ,Responsible for the country's {en}.",
            code = agency_code(i),
        );
    }
    write(root, "datasets/agencies/agencies.csv", &csv)?;
    write(
        root,
        "datasets/agencies/dataset.toml",
        r#"title = { th = "ทะเบียนหน่วยงาน", en = "Agency registry" }
description = { th = "หน่วยงานที่เผยแพร่ข้อมูล", en = "The agencies that publish data" }
agency = "AG00000"
license = "CC-BY-4.0"
modified = 2025-10-01

[[resources]]
name = "agencies"
path = "agencies.csv"

[resources.schema]
primaryKey = ["code"]
missingValues = [""]
fields = [
  { name = "code", type = "string", constraints = { required = true, unique = true } },
  { name = "name_th", type = "string" }, { name = "name_en", type = "string" },
  { name = "legal_title_th", type = "string" }, { name = "legal_title_en", type = "string" },
  { name = "parent", type = "string" }, { name = "form", type = "string" },
  { name = "website", type = "string" },
  { name = "minister_th", type = "string" }, { name = "minister_en", type = "string" },
  { name = "mandate_th", type = "string" }, { name = "mandate_en", type = "string" },
]
"#,
    )
}

fn write_dataset(root: &Path, i: usize, agencies: usize, tag_count: usize, rng: &mut Rng) -> io::Result<()> {
    let id = dataset_id(i);
    // A few agencies publish most datasets (the square skews toward the first codes), so some
    // agency pages list hundreds of datasets, as a national statistics office's would.
    let u = (rng.next() % 1_000_000) as f64 / 1_000_000.0;
    let agency = agency_code(((u * u) * agencies as f64) as usize);
    let (th, en) = *rng.pick(TOPICS);
    let (th2, en2) = *rng.pick(TOPICS);
    let province = rng.pick(PROVINCES);
    let year = rng.range(2560, 2568);
    let tags: Vec<usize> = (0..rng.range(2, 4)).map(|_| rng.range(0, tag_count - 1)).collect();
    let tag = |t: usize, lang: usize| {
        let (th, en) = TOPICS[t % TOPICS.len()];
        let word = if lang == 0 { th } else { en };
        if t < TOPICS.len() { word.to_string() } else { format!("{word} {}", t / TOPICS.len()) }
    };
    let quoted = |lang: usize| tags.iter().map(|&t| format!("\"{}\"", tag(t, lang))).collect::<Vec<_>>().join(", ");
    let mut toml = format!(
        "title = {{ th = \"{th}และ{th2} จังหวัด{province} ปี {year} ชุดที่ {i}\", en = \"{en} and {en2} in {province}, {year}, no. {i}\" }}\n\
         description = {{ th = \"ข้อมูล{th}และ{th2}ของจังหวัด{province} ปีงบประมาณ {year} รวบรวมจากหน่วยงานในพื้นที่ ใช้วางแผนและติดตามผลการดำเนินงาน\", en = \"Figures on {en} and {en2} in {province} for fiscal year {year}, compiled from local offices to plan and follow up the work.\" }}\n\
         agency = \"{agency}\"\nthemes = [\"{theme}\"]\ntags = {{ th = [{tags_th}], en = [{tags_en}] }}\nlicense = \"CC-BY-4.0\"\n\
         frequency = \"{frequency}\"\nissued = 2024-{month:02}-01\nmodified = 2025-{month:02}-{day:02}\ndata_type = \"statistical\"\ndata_category = \"public\"\n",
        theme = rng.pick(THEMES),
        tags_th = quoted(0),
        tags_en = quoted(1),
        frequency = rng.pick(FREQUENCIES),
        month = rng.range(1, 12),
        day = rng.range(1, 28),
    );
    for r in 0..rng.range(1, 2) {
        let name = format!("table-{}", r + 1);
        let _ = write!(
            toml,
            "\n[[resources]]\nname = \"{name}\"\npath = \"{name}.csv\"\ntitle = {{ th = \"ตารางที่ {n} {th}\", en = \"Table {n}: {en}\" }}\n\n\
             [resources.schema]\nprimaryKey = [\"row_id\"]\nfields = [\n\
               {{ name = \"row_id\", type = \"integer\", constraints = {{ required = true, unique = true }} }},\n\
               {{ name = \"province\", type = \"string\", title = {{ th = \"จังหวัด\", en = \"Province\" }} }},\n\
               {{ name = \"fiscal_year\", type = \"integer\", constraints = {{ minimum = 2560, maximum = 2568 }} }},\n\
               {{ name = \"category\", type = \"string\", constraints = {{ enum = [\"personnel\", \"operating\", \"investment\", \"subsidy\", \"other\"] }} }},\n\
               {{ name = \"amount\", type = \"number\", constraints = {{ minimum = 0 }} }},\n\
               {{ name = \"recorded\", type = \"date\" }},\n\
               {{ name = \"note\", type = \"string\" }},\n]\n",
            n = r + 1,
        );
        let mut csv = String::from("row_id,province,fiscal_year,category,amount,recorded,note\n");
        for row in 0..rng.range(50, 500) {
            let _ = writeln!(
                csv,
                "{},{},{},{},{}.{:02},2025-{:02}-{:02},{}{}",
                row + 1,
                rng.pick(PROVINCES),
                rng.range(2560, 2568),
                rng.pick(CATEGORIES),
                rng.range(0, 9_999_999),
                rng.range(0, 99),
                rng.range(1, 12),
                rng.range(1, 28),
                rng.pick(TOPICS).0,
                rng.range(1, 999),
            );
        }
        write(root, &format!("datasets/{id}/{name}.csv"), &csv)?;
    }
    write(root, &format!("datasets/{id}/dataset.toml"), &toml)
}
