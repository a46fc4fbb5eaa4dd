//! Where a build may write: `--output` and `output_dir` never replace anything that Sala did not
//! write (the portal, its sources, a home folder, someone's files), stale leftovers of killed
//! builds go, `base_url` is a plain address, and `check` fails wherever `build` would.

mod common;

use common::{Fixture, files_under, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SIMPLE: &str = "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n";

/// Every file under `dir` with its contents, to prove that a refused build touched nothing.
fn state(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir).into_iter().map(|f| {
        let bytes = std::fs::read(dir.join(&f)).unwrap();
        (f, bytes)
    }).collect()
}

/// `sala build --root <portal> --output <output>` run in `cwd`, with `home` as HOME.
fn build_into(f: &Fixture, output: &Path, cwd: &Path, home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sala"))
        .args(["build", "--lang", "en", "--root"])
        .arg(f.root())
        .arg("--output")
        .arg(output)
        .current_dir(cwd)
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// A portal with one dataset inside `outer/portal`, a fake home folder with a user's files in
/// `outer/home`, and a folder of someone's files in `outer/work`.
struct World {
    outer: tempfile::TempDir,
    portal: Fixture,
}

impl World {
    fn new() -> World {
        let outer = tempfile::tempdir().unwrap();
        let portal = Fixture::new();
        portal.dataset("alpha", SIMPLE, "id\n1\n");
        portal.write(".git/HEAD", "ref: refs/heads/main\n");
        portal.write("content/about.md", "+++\ntitle = \"เกี่ยวกับ\"\n+++\nสวัสดี\n");
        let world = World { outer, portal };
        for (path, text) in [("home/.ssh/id_ed25519", "KEY"), ("home/Documents/budget.xlsx", "XLSX"), ("work/report.docx", "DOC")] {
            let p = world.outer.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        world
    }

    fn home(&self) -> PathBuf {
        self.outer.path().join("home")
    }

    /// Runs the build and checks that it was refused with exit 2, naming `named` and `reason`
    /// in both languages, and that no file anywhere changed.
    fn refused(&self, output: &Path, cwd: &Path, reason_en: &str, reason_th: &str) {
        let before = (state(self.portal.root()), state(self.outer.path()));
        let out = build_into(&self.portal, output, cwd, &self.home());
        let log = text(&out);
        assert_eq!(out.status.code(), Some(2), "{} was not refused: {log}", output.display());
        assert!(log.contains("error[unsafe-output]"), "{log}");
        assert!(log.contains(&output.display().to_string()), "the message names {}: {log}", output.display());
        assert!(log.contains(reason_en) && log.contains(reason_th), "{}: {log}", output.display());
        assert!(log.contains("Sala will not write the site here") && log.contains("Sala จะไม่เขียนเว็บไซต์ลงที่นี่"), "{log}");
        assert_eq!(before, (state(self.portal.root()), state(self.outer.path())), "{} changed files", output.display());
        let stray: Vec<_> = std::fs::read_dir(self.portal.root()).unwrap().flatten().map(|e| e.file_name()).filter(|n| n.to_string_lossy().contains(".new-")).collect();
        assert!(stray.is_empty(), "{stray:?}");
    }
}

#[test]
fn the_portal_its_sources_and_the_folders_above_it_are_refused_absolute_and_relative() {
    let w = World::new();
    let p = w.portal.root().to_path_buf();
    let (portal_en, portal_th) = ("it is the portal folder itself", "เป็นโฟลเดอร์ของพอร์ทัลเอง");
    w.refused(&p, w.outer.path(), portal_en, portal_th);
    w.refused(Path::new("."), &p, portal_en, portal_th);
    w.refused(&p.join("datasets/.."), w.outer.path(), portal_en, portal_th);
    w.refused(Path::new("datasets/../"), &p, portal_en, portal_th);
    for (source, output) in [
        ("datasets", p.join("datasets")),
        ("datasets", p.join("datasets/alpha")),
        ("datasets", p.join("datasets/new-folder")),
        ("content", p.join("content")),
        ("themes", p.join("themes")),
        ("site.toml", p.join("site.toml")),
        (".git", p.join(".git")),
    ] {
        w.refused(&output, w.outer.path(), &format!("it is one of the portal's sources ({source}) or inside one"), &format!("({source})"));
    }
    w.refused(Path::new("datasets"), &p, "it is one of the portal's sources (datasets)", "(datasets)");
    w.refused(Path::new("site.toml"), &p, "it is one of the portal's sources (site.toml)", "(site.toml)");
    let (above_en, above_th) = ("it holds the portal folder", "มีโฟลเดอร์ของพอร์ทัลอยู่ข้างใน");
    w.refused(p.parent().unwrap(), w.outer.path(), above_en, above_th);
    w.refused(Path::new(".."), &p, above_en, above_th);
    w.refused(Path::new("/"), &p, "it is the filesystem root", "เป็นโฟลเดอร์รากของระบบไฟล์");
}

#[test]
fn the_home_folder_and_other_people_s_files_are_refused_also_through_links() {
    let w = World::new();
    let home = w.home();
    let (home_en, home_th) = ("it is your home folder, or holds it", "เป็นโฟลเดอร์บ้าน (home)");
    w.refused(&home, w.outer.path(), home_en, home_th);
    w.refused(Path::new("home"), w.outer.path(), home_en, home_th);
    w.refused(w.outer.path(), w.outer.path(), home_en, home_th);
    let (foreign_en, foreign_th) = ("it already holds files that Sala did not write (it has no .sala-output file)", "มีไฟล์อื่นอยู่แล้วซึ่ง Sala ไม่ได้สร้าง");
    w.refused(&w.outer.path().join("work"), w.outer.path(), foreign_en, foreign_th);
    w.refused(&home.join("Documents"), w.outer.path(), foreign_en, foreign_th);
    w.refused(&home.join(".ssh/id_ed25519"), w.outer.path(), "it is a file, not a folder", "เป็นไฟล์ ไม่ใช่โฟลเดอร์");
    // Links are followed to what they name: a harmless-looking name is no way round the rule.
    let links = w.outer.path().join("links");
    std::fs::create_dir_all(&links).unwrap();
    std::os::unix::fs::symlink(&home, links.join("site")).unwrap();
    std::os::unix::fs::symlink(w.portal.root(), links.join("portal")).unwrap();
    std::os::unix::fs::symlink(w.portal.root().join("datasets"), links.join("data")).unwrap();
    w.refused(&links.join("site"), w.outer.path(), home_en, home_th);
    w.refused(&links.join("portal"), w.outer.path(), "it is the portal folder itself", "เป็นโฟลเดอร์ของพอร์ทัลเอง");
    w.refused(Path::new("links/data"), w.outer.path(), "it is one of the portal's sources (datasets)", "(datasets)");
    // `..` after a link leaves what the link names, as the system resolves it.
    w.refused(Path::new("links/data/.."), w.outer.path(), "it is the portal folder itself", "เป็นโฟลเดอร์ของพอร์ทัลเอง");
}

#[test]
fn a_new_an_empty_or_a_sala_written_folder_is_written_and_marked() {
    let w = World::new();
    let site = w.outer.path().join("site");
    let out = build_into(&w.portal, &site, w.outer.path(), &w.home());
    assert!(out.status.success(), "{}", text(&out));
    assert!(site.join("en/datasets/alpha/index.html").is_file());
    let marker = std::fs::read_to_string(site.join(".sala-output")).unwrap();
    assert!(marker.contains("written by `sala build`") && marker.contains("สร้างโดย `sala build`"), "{marker}");
    // The second build replaces the first: Sala wrote it.
    std::fs::write(site.join("stale.html"), "old").unwrap();
    let out = build_into(&w.portal, Path::new("site"), w.outer.path(), &w.home());
    assert!(out.status.success(), "{}", text(&out));
    assert!(!site.join("stale.html").exists());
    // An empty folder is taken, and so is a site built before folders were marked.
    let empty = w.outer.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(build_into(&w.portal, &empty, w.outer.path(), &w.home()).status.success());
    std::fs::remove_file(empty.join(".sala-output")).unwrap();
    assert!(build_into(&w.portal, &empty, w.outer.path(), &w.home()).status.success(), "a site of an older Sala is replaced");
    assert!(empty.join(".sala-output").is_file());
    // The default output inside the portal.
    let out = w.portal.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(w.portal.root().join("public/.sala-output").is_file());
}

#[test]
fn output_dir_in_site_toml_follows_the_same_rule() {
    let f = Fixture::new();
    f.write("notes/mine.txt", "keep me");
    let site = std::fs::read_to_string(f.root().join("site.toml")).unwrap();
    f.write("site.toml", format!("output_dir = \"notes\"\n{site}"));
    let out = f.sala(&["build", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("notes: Sala จะไม่เขียนเว็บไซต์ลงที่นี่"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(f.root().join("notes/mine.txt")).unwrap(), "keep me");
}

#[test]
fn leftovers_of_a_killed_build_are_removed_by_the_next() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n");
    // What a build killed halfway leaves: its staging folder and the site it was replacing.
    for stale in [".public.new-4294967295-a1b2c3", ".public.old-4294967295-d4e5f6"] {
        f.write(&format!("{stale}/.sala-output"), "");
        f.write(&format!("{stale}/datasets/alpha/data.json"), "[{\"id\":1}]");
    }
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let mut names: Vec<String> = std::fs::read_dir(f.root()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    // And the build cache, which git ignores.
    assert_eq!(names, [".sala-cache", "datasets", "public", "site.toml"]);
}

#[test]
fn base_url_must_be_a_plain_absolute_address() {
    // Said in Thai and in English, as every message to the people who keep a portal.
    for (url, why, why_th) in [
        ("https://data.example.go.th//evil.example/", "has a path that is not plain", "มีเส้นทางที่ไม่เรียบ"),
        ("https://data.example.go.th/a/../b/", "has a path that is not plain", "มีเส้นทางที่ไม่เรียบ"),
        ("//evil.example/", "is not an absolute http(s) URL", "ไม่ใช่ที่อยู่เว็บแบบเต็ม"),
        ("javascript:alert(1)//", "is not an absolute http(s) URL", "ไม่ใช่ที่อยู่เว็บแบบเต็ม"),
        ("https:///path/", "has no host name", "ไม่มีชื่อโฮสต์"),
        ("https://user:pw@data.example.go.th/", "carries a user name or password", "มีชื่อผู้ใช้หรือรหัสผ่าน"),
        ("https://data.example.go.th/?x=1", "has a query (?) or a fragment (#)", "มีส่วนค้นหา (?) หรือส่วนย่อย (#)"),
        ("https://data.example.go.th\\\\evil.example/", "has spaces, quotes, backslashes", "มีช่องว่าง เครื่องหมายคำพูด แบ็กสแลช"),
        ("https://data.example.go.th/ a/", "has spaces, quotes, backslashes", "มีช่องว่าง เครื่องหมายคำพูด แบ็กสแลช"),
    ] {
        let f = Fixture::new();
        f.write("site.toml", format!("title = {{ th = \"ท\", en = \"T\" }}\nbase_url = \"{url}\"\n"));
        let out = f.sala(&["check"]);
        assert_eq!(out.status.code(), Some(2), "{url}: {}", text(&out));
        let said = text(&out);
        assert!(said.contains("error[config-error]") && said.contains(why) && said.contains(why_th), "{url}: {said}");
        assert!(said.contains("ใส่ที่อยู่ที่เว็บไซต์เผยแพร่") && said.contains("write the address the site is published at"), "{url}: {said}");
    }
    for url in ["https://data.example.go.th", "http://127.0.0.1:8000/", "https://example.go.th/opendata/portal/"] {
        let f = Fixture::new();
        f.write("site.toml", format!("title = {{ th = \"ท\", en = \"T\" }}\nbase_url = \"{url}\"\n"));
        let out = f.sala(&["check"]);
        assert!(out.status.success(), "{url}: {}", text(&out));
    }
    // A Thai value is quoted as Thai, as written in site.toml (it was printed with Rust's
    // escapes: "https://ข\u{e49}อม\u{e39}ล.ไทย/...").
    let f = Fixture::new();
    f.write("site.toml", "title = { th = \"ท\", en = \"T\" }\nbase_url = \"https://ข้อมูล.ไทย/เปิด ข้อมูล/\"\n");
    let said = text(&f.sala(&["check"]));
    assert!(said.contains("base_url = \"https://ข้อมูล.ไทย/เปิด ข้อมูล/\" has spaces"), "{said}");
    assert!(!said.contains("\\u{"), "{said}");
    // A Thai domain: one form everywhere, the DNS's (the sitemap percent-encoded it, the
    // pages and catalogs kept it in Thai).
    let f = Fixture::new();
    f.write("site.toml", "title = { th = \"ท\", en = \"T\" }\nbase_url = \"https://ข้อมูล.ไทย/เปิด/\"\n");
    f.dataset("alpha", SIMPLE, "id\n1\n");
    let out = f.sala(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let sitemap = std::fs::read_to_string(f.root().join("public/sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://xn--22c6dm4a2dze.xn--o3cw4h/"), "{sitemap}");
    let catalog = std::fs::read_to_string(f.root().join("public/catalog.ttl")).unwrap();
    assert!(catalog.contains("https://xn--22c6dm4a2dze.xn--o3cw4h/") && !catalog.contains("ข้อมูล.ไทย"), "{catalog}");
}

#[test]
fn check_fails_where_build_would_on_a_theme_that_does_not_render() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n");
    let site = std::fs::read_to_string(f.root().join("site.toml")).unwrap();
    f.write("site.toml", format!("theme = \"mine\"\n{site}"));
    // It compiles, so loading the theme passes; it fails only when a dataset page is rendered.
    f.write("themes/mine/templates/dataset.html", "{% extends \"base.html\" %}{% block content %}{{ dataset.no_such_field.title }}{% endblock %}");
    let check = f.sala(&["check"]);
    let build = f.sala(&["build"]);
    assert_eq!(build.status.code(), Some(2), "{}", text(&build));
    assert_eq!(check.status.code(), Some(2), "check passed a theme that build refuses: {}", text(&check));
    assert!(text(&check).contains("error[template-error]: template dataset.html"), "{}", text(&check));
    assert!(!f.root().join("public").exists(), "check writes nothing; the failed build neither");
}

#[test]
fn a_resource_that_is_not_a_regular_file_is_refused_not_waited_on() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n");
    std::fs::remove_file(f.root().join("datasets/alpha/data.csv")).unwrap();
    let status = Command::new("mkfifo").arg(f.root().join("datasets/alpha/data.csv")).status().unwrap();
    assert!(status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_sala"))
        .args(["check", "--lang", "en", "--format", "concise", "--root"])
        .arg(f.root())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("sala check waited on a named pipe");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("datasets/alpha/dataset.toml: error[missing-file] \"data.csv\" is not a regular file (it is a folder, a pipe or a device)"), "{log}");
}

/// A portal that has lost its datasets (a checkout gone wrong) builds, but says so; a dataset
/// folder that is a link is not followed, and is named rather than skipped in silence.
#[test]
fn an_empty_portal_and_a_linked_dataset_folder_are_said() {
    let f = Fixture::new();
    std::fs::remove_dir_all(f.root().join("datasets")).unwrap();
    let out = f.sala(&["check", "--format", "concise", "--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("datasets: warning[empty-table] the portal has no datasets: the site built will have no data to download"), "{}", text(&out));
    let elsewhere = tempfile::tempdir().unwrap();
    let g = Fixture::new();
    g.dataset("alpha", SIMPLE, "id\n1\n");
    std::fs::rename(g.root().join("datasets/alpha"), elsewhere.path().join("alpha")).unwrap();
    g.dataset("beta", SIMPLE, "id\n1\n");
    std::os::unix::fs::symlink(elsewhere.path().join("alpha"), g.root().join("datasets/alpha")).unwrap();
    let out = g.sala(&["check", "--format", "concise", "--lang", "en"]);
    let report = text(&out);
    assert!(report.contains("datasets/alpha: warning[metadata-error] this dataset folder is a link (symlink), which Sala does not follow: it is not published"), "{report}");
    assert!(!report.contains("no datasets"), "{report}");
    // A hidden folder holding a dataset is named with the rename that publishes it; one that
    // holds none (an editor's or a notebook's) is not.
    g.dataset("draft", SIMPLE, "id\n1\n");
    std::fs::rename(g.root().join("datasets/draft"), g.root().join("datasets/.draft")).unwrap();
    std::fs::create_dir_all(g.root().join("datasets/.ipynb_checkpoints")).unwrap();
    let out = g.sala(&["check", "--format", "concise", "--lang", "en"]);
    let report = text(&out);
    assert!(
        report.contains("datasets/.draft: warning[metadata-error] the dataset folder \".draft\" begins with a dot (a hidden folder), so it is not published"),
        "{report}"
    );
    assert!(!report.contains("ipynb"), "{report}");
    let json: serde_json::Value = serde_json::from_slice(&g.sala(&["check", "--format", "json"]).stdout).unwrap();
    let hidden = json["diagnostics"].as_array().unwrap().iter().find(|d| d["location"]["file"] == "datasets/.draft").unwrap();
    assert_eq!(hidden["help"]["en"], "to publish it, rename the folder draft (without the dot); if it is a draft, move it out of datasets/");
}
