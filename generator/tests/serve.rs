//! `sala serve`: live rebuild and reload, partial rebuilds, build errors shown, paths refused.

mod common;

use common::Fixture;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SIMPLE: &str = "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n";

/// A running `sala serve` on a free port; killed when dropped.
struct Served {
    child: Child,
    addr: String,
}

impl Served {
    fn start(f: &Fixture) -> Served {
        Served::start_with(f, &[])
    }

    /// `sala serve` with more environment variables; returns once it listens.
    fn start_with(f: &Fixture, env: &[(&str, &Path)]) -> Served {
        Served::start_args(f, env, &[])
    }

    /// `sala serve` with more environment variables and arguments; returns once it listens.
    fn start_args(f: &Fixture, env: &[(&str, &Path)], args: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sala"))
            .args(["serve", "--port", "0", "--lang", "en"])
            .args(args)
            .arg("--root")
            .arg(f.root())
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.split("http://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_else(|| panic!("{line}")).to_string();
        Served { child, addr }
    }

    /// (status code, body) of a GET with `path` sent exactly as written.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let code = response.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let body = response.split_once("\r\n\r\n").map_or(String::new(), |(_, b)| b.to_string());
        (code, body)
    }

    /// Stops the server and returns everything it logged.
    fn stop(mut self) -> String {
        self.child.kill().unwrap();
        let mut log = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
        log
    }

    /// Waits up to `limit` for `path` to contain `text`; returns how long it took.
    fn wait_for(&self, path: &str, text: &str, limit: Duration) -> Option<Duration> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if self.get(path).1.contains(text) {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn a_changed_title_is_served_within_two_seconds_and_only_its_dataset_is_read_again() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n2\n");
    f.dataset("beta", SIMPLE, "id\n3\n");
    let served = Served::start(&f);
    let (code, page) = served.get("/en/datasets/alpha/");
    assert_eq!(code, 200);
    assert!(page.contains("Dataset alpha"));
    assert!(page.contains("<script src=\"/__sala/reload.js\"></script></body>"), "the reload script is injected");
    let (_, status) = served.get("/__sala/status");
    assert_eq!(status, "{\"version\":1,\"error\":null}");

    let path = f.root().join("datasets/alpha/dataset.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, toml.replace("en = \"Dataset alpha\"", "en = \"Renamed alpha\"")).unwrap();
    let took = served.wait_for("/en/datasets/alpha/", "Renamed alpha", Duration::from_secs(2));
    assert!(took.is_some(), "the page did not change within 2 s");
    // The status moves on once the rebuild is logged.
    assert!(served.wait_for("/__sala/status", "{\"version\":2,\"error\":null}", Duration::from_secs(1)).is_some());

    let log = served.stop();
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines[0].starts_with("rebuilt ") && lines[0].ends_with("datasets read again: agencies, alpha, beta"), "{log}");
    // The metadata changed, not the CSV: no dataset's table is read again.
    assert!(lines[1].starts_with("rebuilt ") && lines[1].ends_with("no dataset read again"), "{log}");
}

#[test]
fn a_changed_csv_is_read_again_alone_whether_told_of_it_or_polling() {
    // Told by the system (the default), and with --poll, which looks at every file's size and
    // time (network shares and container mounts).
    for args in [&[][..], &["--poll"][..]] {
        let f = Fixture::new();
        f.dataset("alpha", SIMPLE, "id\n1\n");
        f.dataset("beta", SIMPLE, "id\n3\n");
        let served = Served::start_args(&f, &[], args);
        f.write("datasets/beta/data.csv", "id\n3\n4\n5\n");
        assert!(served.wait_for("/datasets/beta/data.csv", "5", Duration::from_secs(2)).is_some(), "{args:?}");
        assert!(served.wait_for("/__sala/status", "\"version\":2", Duration::from_secs(1)).is_some(), "{args:?}");
        let log = served.stop();
        assert!(log.lines().nth(1).is_some_and(|l| l.ends_with("datasets read again: beta")), "{args:?}: {log}");
    }
}

#[test]
fn a_watched_folder_made_after_the_start_is_watched_and_other_files_are_not() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n");
    assert!(!f.root().join("content").exists());
    let served = Served::start(&f);
    // Files beside the watched ones (notes, a build's output) start no rebuild.
    f.write("notes.txt", "to do");
    f.write("public/index.html", "<p>built by hand</p>");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(served.get("/__sala/status").1, "{\"version\":1,\"error\":null}");
    // content/ did not exist when serve started: its first page is built, and so is a change
    // to it afterwards (the new folder is watched).
    f.write("content/notes.md", "+++\ntitle = \"บันทึก\"\n+++\nฉบับแรก\n");
    assert!(served.wait_for("/notes/", "ฉบับแรก", Duration::from_secs(2)).is_some(), "{}", served.get("/notes/").1);
    f.write("content/notes.md", "+++\ntitle = \"บันทึก\"\n+++\nฉบับที่สอง\n");
    assert!(served.wait_for("/notes/", "ฉบับที่สอง", Duration::from_secs(2)).is_some());
    // The new site is served before its rebuild is logged: the status moves on after the log.
    assert!(served.wait_for("/__sala/status", "{\"version\":3,\"error\":null}", Duration::from_secs(1)).is_some(), "{}", served.get("/__sala/status").1);
    let log = served.stop();
    assert_eq!(log.lines().filter(|l| l.starts_with("rebuilt ")).count(), 3, "{log}");
}

#[test]
fn a_build_error_is_shown_while_the_last_good_site_is_still_served() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n");
    let served = Served::start(&f);
    f.write("datasets/alpha/data.csv", "id\nx\n");
    let started = Instant::now();
    let mut status = String::new();
    while started.elapsed() < Duration::from_secs(2) && !status.contains("type-error") {
        status = served.get("/__sala/status").1;
        std::thread::sleep(Duration::from_millis(50));
    }
    let json: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(json["version"], 1);
    let error = json["error"].as_str().unwrap();
    assert!(error.contains("datasets/alpha/data.csv") && error.contains("error[type-error] row 2, column A (id): \"x\" is not a valid integer"), "{error}");
    let (code, page) = served.get("/en/datasets/alpha/");
    assert_eq!(code, 200);
    assert!(page.contains("Dataset alpha"));
    let log = served.stop();
    assert!(log.contains("the build failed; the last good site is still served\n"), "{log}");
    assert!(log.contains("error[type-error] row 2, column A (id): \"x\" is not a valid integer"), "{log}");
}

#[test]
fn a_portal_that_never_built_shows_its_problems_at_every_address_until_it_builds() {
    let f = Fixture::new();
    // A dataset as `infer` leaves it: its title still to fill in.
    f.dataset("alpha", SIMPLE, "id\n1\n");
    let meta = f.root().join("datasets/alpha/dataset.toml");
    let filled = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(&meta, filled.replace("title = { th = \"ชุดข้อมูล alpha\", en = \"Dataset alpha\" }", "title = { th = \"\", en = \"\" }")).unwrap();
    let served = Served::start(&f);
    for path in ["/", "/en/", "/en/datasets/alpha/", "/no/such/page"] {
        let (code, page) = served.get(path);
        assert_eq!(code, 503, "{path}: {page}");
        assert!(page.contains("<h1>สร้างเว็บไซต์ไม่สำเร็จ / The site could not be built</h1>"), "{page}");
        assert!(page.contains("datasets/alpha/dataset.toml") && page.contains("the dataset has no title in English (title.en)"), "{page}");
        assert!(page.contains("<script src=\"/__sala/reload.js\"></script></body>"), "{page}");
    }
    // Filled in, the site is served.
    std::fs::write(&meta, filled).unwrap();
    assert!(served.wait_for("/en/datasets/alpha/", "Dataset alpha", Duration::from_secs(3)).is_some());
    assert_eq!(served.get("/en/no/such/page").0, 404);
    let log = served.stop();
    assert!(log.contains("the build failed; every address shows these problems in the browser until it succeeds\n"), "{log}");
}

#[test]
fn paths_outside_the_site_are_refused_in_every_spelling() {
    let f = Fixture::new();
    f.write("secret.txt", "top secret");
    let served = Served::start(&f);
    for path in ["/../secret.txt", "/../../../../etc/passwd", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%5csecret.txt", "/en/../../secret.txt", "/%00"] {
        let (code, body) = served.get(path);
        assert!(code == 404 || code == 400, "{path}: {code}");
        assert!(!body.contains("top secret") && !body.contains("root:"), "{path} leaked");
    }
    assert_eq!(served.get("/en/").0, 200);
    assert_eq!(served.get("/no/such/page/").0, 404);
}

#[test]
fn the_readme_set_up_command_serves_the_demo() {
    // `cargo run -- serve` in the repository: the demo portal, home pages in both languages.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sala"))
        .args(["serve", "--port", "0"])
        .current_dir(&repo)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.split("http://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_else(|| panic!("{line}")).to_string();
    let served = Served { child, addr };
    let (code, home) = served.get("/");
    assert_eq!(code, 200);
    assert!(home.contains("ศูนย์ข้อมูลเปิดภาครัฐ (ตัวอย่าง)"));
    let (code, home) = served.get("/en/");
    assert_eq!(code, 200);
    assert!(home.contains("Open Government Data Portal (demo)"));
}

#[test]
fn a_client_that_never_reads_a_large_file_does_not_stop_other_requests() {
    let f = Fixture::new();
    // About 30 MB of JSON: far more than the sockets' buffers take in while nobody reads.
    let mut csv = String::from("id,note\n");
    for i in 0..400_000 {
        csv.push_str(&format!("{i},หมายเหตุของแถวที่ {i} ในชุดข้อมูลทดสอบ\n"));
    }
    f.dataset("big", "[[resources.schema.fields]]\nname = \"id\"\ntype = \"integer\"\n[[resources.schema.fields]]\nname = \"note\"\ntype = \"string\"\n", csv);
    let served = Served::start(&f);
    let mut stalled = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(&served.addr).unwrap();
        write!(stream, "GET /datasets/big/data.json HTTP/1.1\r\nHost: {}\r\n\r\n", served.addr).unwrap();
        stalled.push(stream);
    }
    std::thread::sleep(Duration::from_millis(500));
    let (tx, rx) = std::sync::mpsc::channel();
    let addr = served.addr.clone();
    std::thread::spawn(move || {
        let mut stream = TcpStream::connect(&addr).unwrap();
        write!(stream, "GET /en/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        let _ = tx.send(response);
    });
    let response = rx.recv_timeout(Duration::from_secs(10)).expect("no answer while other clients stall");
    assert!(response.starts_with("HTTP/1.1 200"), "{}", &response[..response.len().min(200)]);
    drop(stalled);
}

#[test]
fn the_temporary_site_is_removed_on_sigterm_and_stale_ones_of_killed_runs_too() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n");
    let temp = tempfile::tempdir().unwrap();
    // What a run killed with SIGKILL leaves: its site, under a process id that no longer runs.
    std::fs::create_dir_all(temp.path().join("sala-serve-4294967295-old/site/en")).unwrap();
    std::fs::create_dir_all(temp.path().join("someone-elses")).unwrap();
    let mut served = Served::start_with(&f, &[("TMPDIR", temp.path())]);
    let child = &mut served.child;
    let names = || {
        let mut n: Vec<String> = std::fs::read_dir(temp.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        n.sort();
        n
    };
    let running = names();
    assert_eq!(running.len(), 2, "{running:?}");
    assert!(running[0].starts_with(&format!("sala-serve-{}-", child.id())), "{running:?}");
    assert_eq!(running[1], "someone-elses");
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert_eq!(names(), ["someone-elses"]);
}

/// The checked tables the build cache holds (`.sala-cache/checked/*.table`).
fn checked_tables(f: &Fixture) -> usize {
    std::fs::read_dir(f.root().join(".sala-cache/checked")).map_or(0, |d| d.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".table")).count())
}

#[test]
fn the_site_served_after_rebuilds_is_a_clean_builds_and_the_cache_keeps_the_tables_in_use() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n2\n");
    f.dataset("beta", SIMPLE, "id\n3\n");
    f.dataset("gamma", SIMPLE, "id\n4\n");
    let temp = tempfile::tempdir().unwrap();
    // The clean build below runs with the same fixed date.
    let served = Served::start_with(&f, &[("TMPDIR", temp.path()), ("SOURCE_DATE_EPOCH", Path::new("1767225600"))]);
    let tables = checked_tables(&f);
    assert_eq!(tables, 4, "the agency registry and three datasets");
    // One change at a time, each served before the next: a CSV, a title, a dataset added, one
    // removed, the same CSV again.
    let alpha = f.root().join("datasets/alpha/dataset.toml");
    let changes: Vec<Box<dyn Fn()>> = vec![
        Box::new(|| drop(f.write("datasets/beta/data.csv", "id\n3\n4\n5\n"))),
        Box::new(|| std::fs::write(&alpha, std::fs::read_to_string(&alpha).unwrap().replace("en = \"Dataset alpha\"", "en = \"Renamed alpha\"")).unwrap()),
        Box::new(|| f.dataset("delta", SIMPLE, "id\n6\n")),
        Box::new(|| std::fs::remove_dir_all(f.root().join("datasets/gamma")).unwrap()),
        Box::new(|| drop(f.write("datasets/beta/data.csv", "id\n3\n4\n5\n7\n"))),
    ];
    for (i, change) in changes.iter().enumerate() {
        change();
        let version = format!("{{\"version\":{},\"error\":null}}", i + 2);
        assert!(served.wait_for("/__sala/status", &version, Duration::from_secs(20)).is_some(), "change {i} was not built");
    }
    // Serve's rebuilds deleted every table they found in memory, not on disk: the next build
    // read and checked every table again. Now the cache holds the tables of the site served.
    assert_eq!(checked_tables(&f), tables, "alpha, beta as changed, delta and the registry");

    let site = std::fs::read_dir(temp.path()).unwrap().flatten().find(|e| e.file_name().to_string_lossy().starts_with("sala-serve-")).unwrap().path().join("site");
    let clean = tempfile::tempdir().unwrap();
    let out = f.sala(&["build", "--no-cache", "--output", clean.path().join("site").to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::text(&out));
    let files = common::files_under(&site);
    assert_eq!(files, common::files_under(&clean.path().join("site")));
    assert!(files.iter().any(|p| p == "en/datasets/delta/index.html") && !files.iter().any(|p| p.contains("datasets/gamma/")), "{files:?}");
    for path in &files {
        assert!(std::fs::read(site.join(path)).unwrap() == std::fs::read(clean.path().join("site").join(path)).unwrap(), "{path} differs from a clean build's");
    }
    let log = served.stop();
    assert!(log.lines().filter(|l| l.starts_with("rebuilt ")).count() == 6, "{log}");
}

/// A static site answers GET and HEAD: OPTIONS says which methods (204 with Allow), others
/// are refused (405 with Allow); every one of them answered 200 with the page before.
#[test]
fn methods_other_than_get_and_head_are_refused_with_what_is_allowed() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n");
    let served = Served::start(&f);
    let ask = |method: &str| {
        let mut stream = TcpStream::connect(&served.addr).unwrap();
        write!(stream, "{method} /en/ HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", served.addr).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    for (method, code) in [("GET", "200"), ("POST", "405"), ("PUT", "405"), ("DELETE", "405"), ("OPTIONS", "204")] {
        let response = ask(method);
        assert_eq!(response.split(' ').nth(1), Some(code), "{method}: {response}");
        if code != "200" {
            assert!(response.contains("Allow: GET, HEAD, OPTIONS\r\n"), "{method}: {response}");
        }
    }
}

/// The raw response to `head` (request line and headers, without the blank line) sent to
/// `served`, with `Connection: close` added.
fn ask_raw(served: &Served, head: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(&served.addr).unwrap();
    write!(stream, "{head}\r\nHost: {}\r\nConnection: close\r\n\r\n", served.addr).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    response
}

/// The status line and headers of `response` (each line ended by CRLF), and its body.
fn split_response(response: &[u8]) -> (String, Vec<u8>) {
    let at = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a header ends");
    (String::from_utf8_lossy(&response[..at + 2]).into_owned(), response[at + 4..].to_vec())
}

/// Clients that read Parquet, CSV and JSON over HTTP (DuckDB's httpfs, fsspec, pyarrow) ask
/// a file's size with HEAD, then ask for byte ranges: the size is said for files of any
/// size (tiny_http sent those past 32 KB in chunks, without it), ranges are answered with
/// 206 and the bytes asked, a range past the end with 416, and an If-Range naming another
/// version of the file with the whole file.
#[test]
fn downloads_are_served_with_their_size_and_in_the_byte_ranges_asked() {
    let f = Fixture::new();
    let mut csv = String::from("id\n");
    for i in 0..20_000 {
        csv.push_str(&format!("{i}\n"));
    }
    f.dataset("alpha", SIMPLE, csv);
    let served = Served::start(&f);
    let path = "/datasets/alpha/data.parquet";
    let (whole_head, whole) = split_response(&ask_raw(&served, &format!("GET {path} HTTP/1.1")));
    assert!(whole_head.starts_with("HTTP/1.1 200"), "{whole_head}");
    assert!(whole.len() > 32 * 1024 && whole.starts_with(b"PAR1") && whole.ends_with(b"PAR1"), "{} bytes", whole.len());
    let len = whole.len();
    let (head, body) = split_response(&ask_raw(&served, &format!("HEAD {path} HTTP/1.1")));
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains(&format!("Content-Length: {len}\r\n")), "{head}");
    assert!(head.contains("Accept-Ranges: bytes\r\n") && head.contains("\r\nLast-Modified: ") && head.contains("\r\nETag: \""), "{head}");
    assert!(!head.contains("Transfer-Encoding"), "{head}");
    assert!(body.is_empty());
    let tag = head.lines().find_map(|l| l.strip_prefix("ETag: ")).unwrap().to_string();
    for (range, first, last) in [("bytes=0-99", 0, 99), ("bytes=-8", len - 8, len - 1), (&format!("bytes={}-", len - 10) as &str, len - 10, len - 1), ("bytes=100-99999999", 100, len - 1)] {
        let (head, body) = split_response(&ask_raw(&served, &format!("GET {path} HTTP/1.1\r\nRange: {range}")));
        assert!(head.starts_with("HTTP/1.1 206"), "{range}: {head}");
        assert!(head.contains(&format!("Content-Range: bytes {first}-{last}/{len}\r\n")), "{range}: {head}");
        assert_eq!(body, whole[first..=last], "{range}");
    }
    let (head, body) = split_response(&ask_raw(&served, &format!("GET {path} HTTP/1.1\r\nRange: bytes={len}-")));
    assert!(head.starts_with("HTTP/1.1 416") && head.contains(&format!("Content-Range: bytes */{len}\r\n")), "{head}");
    assert!(body.is_empty());
    // A range of the version the client has; another version's gets the whole file.
    let (head, body) = split_response(&ask_raw(&served, &format!("GET {path} HTTP/1.1\r\nRange: bytes=0-3\r\nIf-Range: {tag}")));
    assert!(head.starts_with("HTTP/1.1 206") && body == b"PAR1", "{head}");
    let (head, body) = split_response(&ask_raw(&served, &format!("GET {path} HTTP/1.1\r\nRange: bytes=0-3\r\nIf-Range: \"other\"")));
    assert!(head.starts_with("HTTP/1.1 200") && body == whole, "{head}");
    // Pages carry the reload script, so are always sent whole, with their length.
    let (head, body) = split_response(&ask_raw(&served, "GET /en/ HTTP/1.1\r\nRange: bytes=0-9"));
    assert!(head.starts_with("HTTP/1.1 200") && head.contains(&format!("Content-Length: {}\r\n", body.len())), "{head}");
}

/// `serve` sends what the site's `_headers` gives static hosts (the feeds' Atom type, CORS on
/// the data, the API and the catalogs, for a web page elsewhere to fetch them), takes a request
/// target in absolute form and with `./` in it, and a page missing under `/en/` gets the
/// English 404 page.
#[test]
fn served_files_carry_the_sites_headers_and_missing_english_pages_the_english_404() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n");
    let served = Served::start(&f);
    let head = |target: &str| split_response(&ask_raw(&served, &format!("GET {target} HTTP/1.1\r\nOrigin: https://elsewhere.example"))).0;
    let feed = head("/en/feed.xml");
    assert!(feed.starts_with("HTTP/1.1 200") && feed.contains("Content-Type: application/atom+xml; charset=utf-8\r\n"), "{feed}");
    for path in ["/api/v1/datasets.json", "/datasets/alpha/data.csv", "/catalog.ttl", "/data.json", "/en/data.json"] {
        let got = head(path);
        assert!(got.starts_with("HTTP/1.1 200") && got.contains("Access-Control-Allow-Origin: *\r\n"), "{path}: {got}");
    }
    assert!(head("/datasets/alpha/data.csv").contains("Content-Type: text/csv; charset=utf-8\r\n"));
    assert!(!head("/en/").contains("Access-Control-Allow-Origin"), "pages are not for other sites' scripts");
    let preflight = split_response(&ask_raw(&served, "OPTIONS /api/v1/datasets.json HTTP/1.1\r\nOrigin: https://elsewhere.example\r\nAccess-Control-Request-Method: GET")).0;
    assert!(preflight.starts_with("HTTP/1.1 204") && preflight.contains("Access-Control-Allow-Origin: *\r\n"), "{preflight}");
    let absolute = format!("http://{}/datasets/alpha/data.csv", served.addr);
    for target in [absolute.as_str(), "/./datasets/alpha/data.csv", "/datasets/./alpha/data.csv"] {
        let (code, body) = served.get(target);
        assert_eq!((code, body.as_str()), (200, "id\n1\n"), "{target}");
    }
    let (code, body) = served.get("/en/no/such/page/");
    assert_eq!(code, 404);
    assert!(body.contains("lang=en") || body.contains("lang=\"en\""), "{body}");
    let (code, body) = served.get("/no/such/page/");
    assert_eq!(code, 404);
    assert!(body.contains("lang=th") || body.contains("lang=\"th\""), "{body}");
}

/// A port in use is said before anything is built (a national portal's first build takes
/// minutes), and a Ctrl+C during the first build leaves no temporary site behind.
#[test]
fn a_busy_port_is_said_at_once_and_ctrl_c_during_the_first_build_leaves_nothing() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_sala")).args(["serve", "--port", &port, "--root"]).arg(f.root()).output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(log.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{log}");
    assert!(!log.contains("สร้างเว็บไซต์แล้ว") && !log.contains("rebuilt") && !log.contains("built"), "nothing was built first: {log}");
    drop(busy);
    let temp = tempfile::tempdir().unwrap();
    for wait in [0, 20, 60, 150] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sala"))
            .args(["serve", "--port", "0", "--root"])
            .arg(f.root())
            .env("TMPDIR", temp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(wait));
        assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
        child.wait().unwrap();
        let left: Vec<_> = std::fs::read_dir(temp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert!(left.is_empty(), "after {wait} ms: {left:?}");
    }
}

/// see: serve buffered a request line or headers sent without end, megabytes of them.
#[test]
fn a_request_line_past_8_kib_gets_414_and_headers_past_64_kib_get_431() {
    let f = Fixture::new();
    f.dataset("alpha", SIMPLE, "id\n1\n");
    let served = Served::start(&f);
    // Sent whole before the answer is read: what the server leaves unread would reset the
    // connection before the answer arrives.
    let answer = |request: Vec<u8>| {
        let mut stream = TcpStream::connect(&served.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream.write_all(&request).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        String::from_utf8_lossy(&response).into_owned()
    };
    // A request line of 8 KiB is read; one byte more is not (9 KiB sent).
    let target = |len: usize| format!("/en/?{}", "a".repeat(len - "GET /en/? HTTP/1.1".len()));
    let fits = answer(format!("GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target(8 * 1024)).into_bytes());
    assert!(fits.starts_with("HTTP/1.1 200"), "{}", &fits[..fits.len().min(100)]);
    let long = format!("GET {}", "a".repeat(9 * 1024 - 4));
    assert!(answer(long.into_bytes()).starts_with("HTTP/1.1 414 URI Too Long\r\n"));
    // Headers of 64 KiB in all: 65 lines of a kibibyte each (66,560 bytes) are too many.
    let header = format!("X-Filler: {}\r\n", "b".repeat(1024 - 12));
    let request = format!("GET /en/ HTTP/1.1\r\n{}", header.repeat(65));
    assert!(answer(request.into_bytes()).starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    let fits = format!("GET /en/ HTTP/1.1\r\nConnection: close\r\n{}\r\n", header.repeat(60));
    assert!(answer(fits.into_bytes()).starts_with("HTTP/1.1 200"));
    // 128 MiB without a newline: the connection is closed, not read to its end. The kernel's
    // socket buffers on both ends take in several MiB before the close is seen (how many
    // depends on the machine), so far more than they hold is offered.
    let mut stream = TcpStream::connect(&served.addr).unwrap();
    stream.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let started = Instant::now();
    let sent = (0..2048).take_while(|_| stream.write_all(&chunk).is_ok()).count();
    assert!(sent < 2048 && started.elapsed() < Duration::from_secs(30), "{sent} chunks of 64 KiB were taken in");
    // And the server still answers.
    assert_eq!(served.get("/en/").0, 200);
}
