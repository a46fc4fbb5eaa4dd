//! `sala serve`: builds the portal into a temporary folder, serves it on 127.0.0.1, watches
//! `site.toml`, `datasets/`, `content/` and `themes/`, and rebuilds on change. A rebuild re-reads
//! only the datasets whose files changed and renders only what they touched (see [`Cache`]); open pages reload themselves through
//! a small script that polls `/__sala/status`. When a build fails, the last good site keeps
//! being served and the error is shown in the terminal and over the page; when there is no
//! good site yet, every address shows the problems until a build succeeds.
//!
//! The system tells `serve` which files changed (inotify on Linux, FSEvents on macOS,
//! ReadDirectoryChangesW on Windows, through `notify`): a change is seen at once, and nothing
//! is read while nothing changes. Looking at every file every 200 ms instead took 160 ms of a
//! core each time at 10,000 datasets. Network shares and container mounts may not pass the
//! system's notices on: there `--poll` looks at every file's size and time every 200 ms, as
//! `serve` also does when the system cannot watch (too few inotify watches allowed).

use crate::diagnostic::{self, Format};
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::session::{Cache, Hooks};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use notify::{EventKindMask, RecursiveMode, Watcher};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// The script injected into every served HTML page: reloads on a new build, shows build errors.
const RELOAD_JS: &str = r#"(function () {
  var seen = null, box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "sala-build-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;margin:0;padding:1.5rem;overflow:auto;z-index:99999;background:#fff8f8;color:#8b0000;font:14px/1.5 monospace;white-space:pre-wrap;border:4px solid #c00";
      document.body.appendChild(box);
    }
    box.textContent = text;
  }
  function poll() {
    fetch("/__sala/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen) { location.reload(); return; }
      seen = s.version;
      if (s.error) { show(s.error); } else if (box) { box.remove(); box = null; }
    }).catch(function () {}).finally(function () { setTimeout(poll, 300); });
  }
  poll();
})();
"#;

/// The state shared by the watcher and the HTTP server.
#[derive(Debug, Default)]
struct Status {
    /// Goes up by one after every successful build.
    version: u64,
    /// The last build's error, shown over the page until a build succeeds.
    error: Option<String>,
}

/// The folders of the portal watched with everything in them; `site.toml` is watched too.
const WATCHED: [&str; 3] = ["datasets", "content", "themes"];

/// How often `--poll` looks at the files.
const POLL: Duration = Duration::from_millis(200);

/// How long the files must be left alone after a change before the rebuild starts: an editor,
/// a spreadsheet saving a CSV, or a copy of a dataset's folder writes in several steps.
const QUIET: Duration = Duration::from_millis(50);

/// The longest a rebuild waits for the files to be left alone.
const QUIET_AT_MOST: Duration = Duration::from_secs(1);

/// How `serve` learns that the portal's files changed.
enum Watch {
    /// Told by the system, change by change.
    Told { watcher: notify::RecommendedWatcher, events: Receiver<notify::Result<notify::Event>>, root: PathBuf },
    /// Every watched file's size and time, looked at every [`POLL`].
    Polled { root: PathBuf, seen: Snapshot },
}

impl Watch {
    /// Starts watching `root`: told by the system unless `poll`. When the system cannot
    /// watch, the files are polled and the reason is returned with the watch.
    fn start(root: &Path, poll: bool) -> (Watch, Option<notify::Error>) {
        if poll {
            return (Watch::polled(root), None);
        }
        match Watch::told(root) {
            Ok(watch) => (watch, None),
            Err(e) => (Watch::polled(root), Some(e)),
        }
    }

    /// Polls `root`'s files, as they are now.
    fn polled(root: &Path) -> Watch {
        Watch::Polled { root: root.to_path_buf(), seen: snapshot(root) }
    }

    fn told(root: &Path) -> notify::Result<Watch> {
        let (sender, events) = std::sync::mpsc::channel();
        // A file opened and read (every build reads the portal) is not a change; one closed
        // after writing is.
        let config = notify::Config::default().with_event_kinds(EventKindMask::CORE | EventKindMask::ACCESS_CLOSE);
        let mut watcher = notify::RecommendedWatcher::new(sender, config)?;
        // The portal's folder itself, for site.toml and for a watched folder made later.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        for dir in WATCHED {
            let path = root.join(dir);
            if path.is_dir() {
                watcher.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(Watch::Told { watcher, events, root: root.to_path_buf() })
    }

    /// Waits for a change to the watched files and for the files to be left alone after it;
    /// returns when the change was first seen. When the system stops being able to watch
    /// every folder (a folder made later, past Linux's limit of watched folders), the files
    /// are polled from then on, and the reason is returned with a change: what the system did
    /// not watch may have changed.
    fn next(&mut self) -> (Instant, Option<notify::Error>) {
        loop {
            match self {
                Watch::Polled { root, seen } => {
                    std::thread::sleep(POLL);
                    let polled = Instant::now();
                    let now = snapshot(root);
                    if now != *seen {
                        *seen = now;
                        return (polled, None);
                    }
                }
                Watch::Told { watcher, events, root } => {
                    let Ok(event) = events.recv() else {
                        // The system's watch ended: the files are polled from now on.
                        *self = Watch::polled(root);
                        continue;
                    };
                    let seen = Instant::now();
                    let mut cannot = match changes(watcher, root, event) {
                        Ok(false) => continue,
                        Ok(true) => None,
                        Err(e) => Some(e),
                    };
                    // Whatever else comes before the files are left alone joins this change.
                    while seen.elapsed() < QUIET_AT_MOST {
                        match events.recv_timeout(QUIET) {
                            Ok(event) => {
                                if let Err(e) = changes(watcher, root, event) {
                                    cannot.get_or_insert(e);
                                }
                            }
                            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                        }
                    }
                    if cannot.is_some() {
                        *self = Watch::polled(root);
                    }
                    return (seen, cannot);
                }
            }
        }
    }
}

/// Whether the system's notice `event` is a change to the portal's watched files; a watched
/// folder made (again) is watched from now on. A notice that files may have been missed (the
/// system's queue overflowed) or an error counts as a change: a rebuild looks at everything.
/// An error when a folder made later cannot be watched (the system's limit of watched
/// folders) is returned: the files must be polled from then on, or changes in it are missed.
fn changes(watcher: &mut notify::RecommendedWatcher, root: &Path, event: notify::Result<notify::Event>) -> notify::Result<bool> {
    let event = match event {
        Ok(event) => event,
        Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => return Err(e),
        Err(_) => return Ok(true),
    };
    if event.need_rescan() {
        return Ok(true);
    }
    let mut watched = false;
    for path in &event.paths {
        let Ok(inside) = path.strip_prefix(root) else { continue };
        let mut parts = inside.components();
        match (parts.next(), parts.next()) {
            (Some(Component::Normal(name)), None) if name == "site.toml" => watched = true,
            (Some(Component::Normal(name)), rest) if WATCHED.iter().any(|w| name == *w) => {
                watched = true;
                let made = matches!(event.kind, notify::EventKind::Create(_) | notify::EventKind::Modify(notify::event::ModifyKind::Name(_)));
                if rest.is_none() && made && path.is_dir() {
                    // (A folder gone again before it could be watched needs no watch.)
                    match watcher.watch(path, RecursiveMode::Recursive) {
                        Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => return Err(e),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(watched)
}

/// Size and modification time of every watched file.
type Snapshot = HashMap<std::ffi::OsString, (u64, Option<SystemTime>)>;

/// The watched files (links are not followed). Each file is looked at relative to its open
/// folder and kept by its path's bytes in a hash map (a path hashes and compares component by
/// component): taken every 200 ms, it is 16 ms for 9,000 files.
fn snapshot(root: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    if let Ok(meta) = std::fs::symlink_metadata(root.join("site.toml")) {
        if meta.is_file() {
            files.insert(root.join("site.toml").into_os_string(), (meta.len(), meta.modified().ok()));
        }
    }
    for dir in WATCHED {
        watch(&root.join(dir), &mut files);
    }
    files
}

fn watch(dir: &Path, files: &mut Snapshot) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            watch(&entry.path(), files);
        } else if kind.is_file() {
            if let Ok(meta) = entry.metadata() {
                files.insert(entry.path().into_os_string(), (meta.len(), meta.modified().ok()));
            }
        }
    }
}

/// How many of the datasets read again a rebuild's message names.
const LISTED_AT_MOST: usize = 20;

/// Messages for the terminal, in the portal's language.
struct Messages(Lang);

impl Messages {
    fn built(&self, seconds: f64, pages: usize, reread: &[String]) -> String {
        // A first build reads every dataset: a national portal's 10,000 names say nothing.
        let mut list = reread[..reread.len().min(LISTED_AT_MOST)].join(", ");
        if reread.len() > LISTED_AT_MOST {
            let more = crate::model::format::integer((reread.len() - LISTED_AT_MOST) as i64);
            list.push_str(&match self.0 {
                Lang::Th => format!(" และอีก {more} ชุด"),
                Lang::En => format!(" and {more} more"),
            });
        }
        match (self.0, reread.is_empty()) {
            (Lang::Th, true) => format!("สร้างใหม่แล้ว {pages} หน้า ใน {seconds:.2} วินาที; ไม่ได้อ่านชุดข้อมูลใดใหม่"),
            (Lang::Th, false) => format!("สร้างใหม่แล้ว {pages} หน้า ใน {seconds:.2} วินาที; อ่านชุดข้อมูลใหม่: {list}"),
            (Lang::En, true) => format!("rebuilt {pages} pages in {seconds:.2} s; no dataset read again"),
            (Lang::En, false) => format!("rebuilt {pages} pages in {seconds:.2} s; datasets read again: {list}"),
        }
    }

    fn polling(&self, reason: &notify::Error) -> String {
        // The one cause a maintainer can fix: Linux allows each user a number of watched
        // folders (8,192 on older kernels), and a national portal has more.
        let mut text = match self.0 {
            Lang::Th => format!("ระบบไม่แจ้งเมื่อไฟล์เปลี่ยน ({reason}) จึงตรวจขนาดและเวลาของทุกไฟล์ทุก 200 มิลลิวินาทีแทน"),
            Lang::En => format!("the system cannot say when files change ({reason}): every file's size and time is looked at every 200 ms instead"),
        };
        if matches!(reason.kind, notify::ErrorKind::MaxFilesWatch) {
            text.push_str(match self.0 {
                Lang::Th => "; เพิ่มจำนวนโฟลเดอร์ที่เฝ้าดูได้ด้วย sudo sysctl fs.inotify.max_user_watches=524288",
                Lang::En => "; let it watch more folders with sudo sysctl fs.inotify.max_user_watches=524288",
            });
        }
        text
    }

    fn failed(&self, good_site: bool) -> &'static str {
        match (self.0, good_site) {
            (Lang::Th, true) => "สร้างเว็บไซต์ไม่สำเร็จ ยังแสดงเว็บไซต์ที่สร้างสำเร็จครั้งล่าสุดอยู่",
            (Lang::En, true) => "the build failed; the last good site is still served",
            (Lang::Th, false) => "สร้างเว็บไซต์ไม่สำเร็จ ทุกหน้าในเบราว์เซอร์แสดงปัญหาเหล่านี้จนกว่าจะสร้างสำเร็จ",
            (Lang::En, false) => "the build failed; every address shows these problems in the browser until it succeeds",
        }
    }
}

/// Builds once, then serves `root`'s portal on 127.0.0.1:`port` (0: any free port) until the
/// process ends, rebuilding on change (told by the system, or looked for every 200 ms with
/// `poll`). `ready` is called with the address once the server listens.
pub fn serve(root: &Path, port: u16, lang: Option<Lang>, poll: bool, ready: impl FnOnce(&str)) -> Result<()> {
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let config = crate::config::SiteConfig::load(&root)?;
    let lang = lang.unwrap_or(config.default_language);
    let messages = Messages(lang);
    // A temporary folder, so that serving never replaces the site a maintainer built in public/.
    // Its name carries the process id, so that a later run can remove it should this one be
    // killed outright (SIGKILL); Ctrl+C and SIGTERM remove it at once.
    let temp = std::env::temp_dir();
    remove_stale_sites(&temp);
    // Caught from before the folder is made: a Ctrl+C at any moment after removes it.
    let signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]);
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{SERVE_PREFIX}{}-", std::process::id()))
        .tempdir_in(&temp)
        .map_err(|e| Error::io(&temp, e))?;
    let output = crate::write::output::checked_output(&root, &tmp.path().join("site"))?;
    let doomed = tmp.path().to_path_buf();
    if let Ok(mut signals) = signals {
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // A build may be writing the site (the first build, a rebuild): it makes no
                // file from now on, and the folder is removed until nothing is left of it.
                crate::write::stop_writing();
                // Not there at two looks in a row, 20 ms apart: a folder a build was making as
                // the signal came (it had looked before the stop) may appear after a removal.
                let mut absent = 0;
                for _ in 0..300 {
                    if doomed.exists() {
                        let _ = std::fs::remove_dir_all(&doomed);
                        absent = 0;
                    } else {
                        absent += 1;
                        if absent == 2 {
                            break;
                        }
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                std::process::exit(128 + signal);
            }
        });
    }
    // The portal's build cache, with the tables kept in memory between rebuilds. The first
    // build writes the whole site (its folder is new); each rebuild renders and writes only
    // what the change touched (see `load::cache`).
    let cache = Cache::open(&root).keeping_tables();
    let status = Arc::new(Mutex::new(Status::default()));
    // Whether the temporary site is as the cache's manifest says: only this process writes it,
    // so after a build that succeeded (or stopped before writing) a rebuild need not list its
    // files again; after one that failed while writing, it does.
    let known = std::cell::Cell::new(false);
    // `noticed`: when the change was first seen (the rebuild's time is counted from there).
    let rebuild = |status: &Mutex<Status>, noticed: Instant| {
        let result = crate::build_owned(&root, &output, Hooks { cache: Some(&cache), progress: None }, known.get());
        let built_ok = result.is_ok();
        let reread = cache.reread();
        let mut unrecorded = None;
        let error = match result {
            Ok(built) => match built.published {
                Some(p) => {
                    eprintln!("{}", messages.built(noticed.elapsed().as_secs_f64(), p.pages, &reread));
                    if !built.report.diagnostics.is_empty() {
                        eprint!("{}", diagnostic::render(&built.report, Format::Human, lang, false));
                    }
                    unrecorded = built.unrecorded;
                    None
                }
                None => Some(diagnostic::render(&built.report, Format::Human, lang, false)),
            },
            Err(e) => Some(format!("error[{}]: {e}\n", e.code())),
        };
        if let Some(text) = &error {
            let good_site = status.lock().is_ok_and(|s| s.version > 0);
            eprintln!("{}\n{text}", messages.failed(good_site));
        }
        if let Ok(mut s) = status.lock() {
            if error.is_none() {
                s.version += 1;
            }
            s.error = error;
        }
        // The new site is served (and open pages reload) while the cache records it: the next
        // rebuild starts after.
        if let Some(unrecorded) = unrecorded {
            unrecorded.record(&cache);
        }
        known.set(built_ok);
        cache.finish_build();
    };
    // Watching starts before the first build: a file changed meanwhile is built next.
    let (mut watch, cannot_watch) = Watch::start(&root, poll);
    if let Some(reason) = cannot_watch {
        eprintln!("{}", messages.polling(&reason));
    }
    // The port is taken before the first build: a port in use is said at once, not after
    // minutes of building a national portal. Requests wait until the site is there.
    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| Error::Usage {
        message: format!("cannot listen on 127.0.0.1:{port}: {e}; choose another port with --port / ใช้พอร์ต {port} ไม่ได้: เลือกพอร์ตอื่นด้วย --port"),
    })?;
    rebuild(&status, Instant::now());

    let addr = server.server_addr().to_ip().map_or_else(|| format!("127.0.0.1:{port}"), |a| a.to_string());
    let prefix = crate::urls::Urls::new(&config.base_url, config.default_language).link("");
    let server = Arc::new(server);
    // A pool of workers: a client that asks for a large file and reads it slowly (or never)
    // holds one worker, and the others go on answering.
    for _ in 0..WORKERS {
        let (server, output, prefix, status) = (Arc::clone(&server), output.clone(), prefix.clone(), Arc::clone(&status));
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                respond(request, &output, &prefix, &status);
            }
        });
    }
    ready(&format!("http://{addr}/"));
    loop {
        let (noticed, cannot_watch) = watch.next();
        if let Some(reason) = cannot_watch {
            eprintln!("{}", messages.polling(&reason));
        }
        // With SALA_TIMINGS: from the change seen to the rebuild's start (the files left alone,
        // or the look that saw it), and the CPU seconds before the rebuild.
        crate::timing("watch", noticed);
        rebuild(&status, noticed);
    }
}

/// How many requests are answered at once.
const WORKERS: usize = 16;

/// The name prefix of `serve`'s temporary sites: `sala-serve-<pid>-<random>`.
const SERVE_PREFIX: &str = "sala-serve-";

/// Removes the temporary sites of `serve` runs that were killed without cleaning up.
fn remove_stale_sites(temp: &Path) {
    crate::write::remove_dead_folders(temp, &[SERVE_PREFIX.to_string()], false, |_| true);
}

fn header(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// The content type of a served file: the published formats as `_headers` gives them to static
/// hosts, then the kinds of file every host knows.
fn content_type(path: &Path) -> String {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if let Some(published) = crate::render::hosting::content_type(ext) {
        return published;
    }
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
    .to_string()
}

/// Decodes `%XX` escapes; None when the result is not UTF-8 or an escape is malformed.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file under `output` a request path names, or None when it is not one (missing, or
/// anywhere outside `output`: `..`, encoded or not, backslashes, links pointing out).
pub fn resolve(output: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return None;
    }
    let mut target = output.join(relative);
    if target.is_dir() {
        target = target.join("index.html");
    }
    let canonical = target.canonicalize().ok()?;
    let base = output.canonicalize().ok()?;
    (canonical.starts_with(&base) && canonical.is_file()).then_some(canonical)
}

fn respond(request: tiny_http::Request, output: &Path, prefix: &str, status: &Mutex<Status>) {
    let url = origin_form(request.url()).to_string();
    // The headers the site's `_headers` file gives this path (as Netlify and Cloudflare Pages
    // would send them: the Atom type of the feeds, CORS on the data and the API), read only
    // for the answers that carry them (not for the reload script's status polls).
    let ruled = || {
        let path = url.split(['?', '#']).next().unwrap_or("");
        let full = if path.starts_with(prefix) { path.to_string() } else { format!("{}{path}", prefix.trim_end_matches('/')) };
        site_headers(output, &full)
    };
    let send = |request: tiny_http::Request, code: u16, body: Vec<u8>, kind: &str| {
        let response = tiny_http::Response::from_data(body).with_status_code(code);
        // A client that went away is not an error worth reporting.
        let _ = request.respond(with_headers(response, &[("Content-Type", kind), ("Cache-Control", "no-store")]));
    };
    // A static site answers GET and HEAD; OPTIONS says so, anything else is refused.
    match request.method() {
        tiny_http::Method::Get | tiny_http::Method::Head => {}
        method => {
            let (code, body) = if *method == tiny_http::Method::Options { (204, Vec::new()) } else { (405, "method not allowed / ไม่รับคำขอแบบนี้: ใช้ GET หรือ HEAD".as_bytes().to_vec()) };
            let response = tiny_http::Response::from_data(body).with_status_code(code);
            let mut headers = vec![("Allow".to_string(), "GET, HEAD, OPTIONS".to_string()), ("Content-Type".to_string(), "text/plain; charset=utf-8".to_string())];
            headers.extend(ruled().into_iter().filter(|(name, _)| name.starts_with("Access-Control-")));
            let _ = request.respond(with_headers(response, &headers));
            return;
        }
    }
    if url == "/__sala/status" {
        let body = match status.lock() {
            Ok(s) => serde_json::json!({ "version": s.version, "error": s.error }).to_string(),
            Err(_) => "{}".to_string(),
        };
        return send(request, 200, body.into_bytes(), "application/json");
    }
    if url == "/__sala/reload.js" {
        return send(request, 200, RELOAD_JS.as_bytes().to_vec(), "text/javascript; charset=utf-8");
    }
    // The site's links carry base_url's path; the files do not.
    let local = url.strip_prefix(prefix.trim_end_matches('/')).filter(|r| r.starts_with('/')).unwrap_or(&url);
    let resolved = resolve(output, local);
    if resolved.is_none() {
        // No build has succeeded yet (a dataset just inferred, its TODOs still empty): there is
        // no last good site, so every address shows what to fix, and reloads once it is fixed.
        // The site on disk says so too: the status is updated only after a build that succeeded
        // has swapped its site in and saved its cache, and meanwhile the new site is served.
        let problems = status.lock().ok().filter(|s| s.version == 0).and_then(|s| s.error.clone());
        if let Some(error) = problems.filter(|_| resolve(output, "/404.html").is_none()) {
            return send(request, 503, problems_page(&error), "text/html; charset=utf-8");
        }
    }
    // A page missing under a language's folder (`/en/...`) gets that language's 404 page.
    let not_found = || {
        let language = local.trim_start_matches('/').split_once('/').map(|(first, _)| format!("/{first}/404.html"));
        language.and_then(|page| resolve(output, &page)).or_else(|| resolve(output, "/404.html"))
    };
    let (code, file) = match resolved {
        Some(f) => (200, f),
        None => match not_found() {
            Some(f) => (404, f),
            None => return send(request, 404, b"not found".to_vec(), "text/plain; charset=utf-8"),
        },
    };
    let kind = content_type(&file);
    let mut headers = vec![("Content-Type".to_string(), kind.clone()), ("Cache-Control".to_string(), "no-store".to_string())];
    if code == 200 {
        for (name, value) in ruled() {
            match headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                Some(known) => known.1 = value,
                None => headers.push((name, value)),
            }
        }
    }
    if kind.starts_with("text/html") {
        let Ok(body) = std::fs::read(&file) else {
            return send(request, 404, b"not found".to_vec(), "text/plain; charset=utf-8");
        };
        let _ = request.respond(with_headers(tiny_http::Response::from_data(inject_reload(body)).with_status_code(code), &headers));
        return;
    }
    let Ok((opened, meta)) = std::fs::File::open(&file).and_then(|f| f.metadata().map(|m| (f, m))) else {
        return send(request, 404, b"not found".to_vec(), "text/plain; charset=utf-8");
    };
    send_file(request, code, opened, &meta, headers);
}

/// The path of a request target: an absolute-form target (`GET http://host/path`, which
/// HTTP/1.1 servers must accept) without its scheme and host.
fn origin_form(target: &str) -> &str {
    let lower = target.get(..8).unwrap_or(target).to_ascii_lowercase();
    match ["http://", "https://"].iter().find(|scheme| lower.starts_with(**scheme)) {
        Some(scheme) => target[scheme.len()..].find('/').map_or("/", |at| &target[scheme.len() + at..]),
        None => target,
    }
}

/// The headers the `_headers` file in `output` gives the site path `path` (Netlify's format:
/// a path pattern, `*` matching anything, then its headers indented), in the file's order.
fn site_headers(output: &Path, path: &str) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(output.join("_headers")) else { return Vec::new() };
    let mut headers = Vec::new();
    let mut applies = false;
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty()) {
        if !line.starts_with([' ', '\t']) {
            applies = matches_pattern(line.trim(), path);
        } else if let Some((name, value)) = line.trim().split_once(':').filter(|_| applies) {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    headers
}

/// Whether `path` matches `pattern`, whose every `*` stands for any run of characters.
fn matches_pattern(pattern: &str, path: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = path.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Answers with the file `file` (its metadata `meta`) streamed, not read into memory (a
/// download of a national portal can be gigabytes): whole, or the one byte range the request
/// asks for, as the clients that read Parquet, CSV and JSON over HTTP expect of any static
/// host (DuckDB's httpfs and fsspec ask for the size with HEAD, then for ranges).
fn send_file(request: tiny_http::Request, code: u16, mut file: std::fs::File, meta: &std::fs::Metadata, mut headers: Vec<(String, String)>) {
    use std::io::{Read, Seek};
    let len = meta.len();
    let modified = meta.modified().ok();
    let tag = format!("\"{len:x}-{:x}\"", modified.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos()));
    let last_modified = modified.map(httpdate::fmt_http_date).unwrap_or_default();
    let asked = |name: &'static str| request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_string());
    // A Range with an If-Range naming another version of the file gets the whole file.
    let current = asked("If-Range").is_none_or(|v| v == tag || v == last_modified);
    // Only a GET has ranges (RFC 9110): a HEAD is told the whole file's size.
    let ranged = code == 200 && current && *request.method() == tiny_http::Method::Get;
    let range = if ranged { asked_range(asked("Range").as_deref(), len) } else { Asked::Whole };
    headers.extend([("Accept-Ranges".to_string(), "bytes".to_string()), ("ETag".to_string(), tag)]);
    if !last_modified.is_empty() {
        headers.push(("Last-Modified".to_string(), last_modified));
    }
    let (status, start, length) = match range {
        Asked::Whole => (code, 0, len),
        Asked::Part(start, end) => {
            headers.push(("Content-Range".to_string(), format!("bytes {start}-{end}/{len}")));
            (206, start, end - start + 1)
        }
        Asked::Unsatisfiable => {
            headers.push(("Content-Range".to_string(), format!("bytes */{len}")));
            (416, 0, 0)
        }
    };
    if start > 0 && file.seek(std::io::SeekFrom::Start(start)).is_err() {
        return;
    }
    let body = file.take(length);
    let response = tiny_http::Response::new(tiny_http::StatusCode(status), Vec::new(), body, usize::try_from(length).ok(), None);
    let _ = request.respond(with_headers(response, &headers));
}

/// `response` with `headers`, its length always said (tiny_http otherwise sends a body past
/// 32 KB in chunks, without the Content-Length that HEAD asks for).
fn with_headers<R: std::io::Read>(response: tiny_http::Response<R>, headers: &[(impl AsRef<str>, impl AsRef<str>)]) -> tiny_http::Response<R> {
    headers.iter().filter_map(|(name, value)| header(name.as_ref(), value.as_ref())).fold(response.with_chunked_threshold(usize::MAX), |r, h| r.with_header(h))
}

/// What a request's `Range` header asks of a file (RFC 9110, section 14.2).
#[derive(Debug, PartialEq)]
enum Asked {
    /// The whole file: no Range, another unit, several ranges or one that does not parse (a
    /// server may always answer those with the whole file).
    Whole,
    /// The bytes from the first to the last, both included.
    Part(u64, u64),
    /// A range that starts past the end (416).
    Unsatisfiable,
}

/// The range `value` (a `Range` header) asks of a file of `len` bytes.
fn asked_range(value: Option<&str>, len: u64) -> Asked {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else { return Asked::Whole };
    let Some((first, last)) = spec.split_once('-').filter(|_| !spec.contains(',')) else { return Asked::Whole };
    // Each side empty (None) or digits only; anything else makes the header one to ignore.
    let side = |s: &str| {
        let s = s.trim();
        match s.is_empty() {
            true => Some(None),
            false => s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<u64>().ok()).flatten().map(Some),
        }
    };
    let (Some(start), Some(end)) = (side(first), side(last)) else { return Asked::Whole };
    match (start, end) {
        (None, None) => Asked::Whole,
        // The last `suffix` bytes.
        (None, Some(suffix)) if suffix == 0 || len == 0 => Asked::Unsatisfiable,
        (None, Some(suffix)) => Asked::Part(len - suffix.min(len), len - 1),
        (Some(start), Some(end)) if start > end => Asked::Whole,
        (Some(start), _) if start >= len => Asked::Unsatisfiable,
        (Some(start), end) => Asked::Part(start, end.map_or(len - 1, |end| end.min(len - 1))),
    }
}

/// The page served at every address while no build has succeeded: the build's problems, in
/// both languages' words, with the reload script (which also keeps them shown over the page).
fn problems_page(error: &str) -> Vec<u8> {
    let escaped = error.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"th\"><head><meta charset=\"utf-8\"><title>สร้างเว็บไซต์ไม่สำเร็จ / The site could not be built</title></head>\n<body>\n\
         <h1>สร้างเว็บไซต์ไม่สำเร็จ / The site could not be built</h1>\n\
         <p>แก้ปัญหาด้านล่างแล้วบันทึกไฟล์ หน้านี้จะโหลดใหม่เองเมื่อสร้างสำเร็จ / Fix the problems below and save the file: this page reloads by itself once the site builds.</p>\n\
         <pre id=\"sala-problems\">{escaped}</pre>\n</body></html>\n"
    );
    inject_reload(page.into_bytes())
}

/// The page with the reload script added before `</body>` (or at the end).
fn inject_reload(body: Vec<u8>) -> Vec<u8> {
    let tag = b"<script src=\"/__sala/reload.js\"></script>";
    let at = body.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(body.len());
    let mut out = Vec::with_capacity(body.len() + tag.len());
    out.extend_from_slice(&body[..at]);
    out.extend_from_slice(tag);
    out.extend_from_slice(&body[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_watched_files_are_changes_and_the_watch_limit_ends_the_watch() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (sender, _events) = std::sync::mpsc::channel();
        let mut watcher = notify::RecommendedWatcher::new(sender, notify::Config::default()).unwrap();
        let modified = |path: &str| Ok(notify::Event::new(notify::EventKind::Modify(notify::event::ModifyKind::Any)).add_path(root.join(path)));
        for (path, watched) in [
            ("site.toml", true),
            ("datasets/alpha/data.csv", true),
            ("content/about.md", true),
            ("themes/default/templates/base.html", true),
            ("README.md", false),
            ("public/index.html", false),
            (".sala-cache/state.bin", false),
            ("datasets", true),
        ] {
            assert_eq!(changes(&mut watcher, root, modified(path)).unwrap(), watched, "{path}");
        }
        // Outside the portal (a path the system spelled otherwise): not a change.
        let outside = Ok(notify::Event::new(notify::EventKind::Any).add_path(PathBuf::from("/elsewhere/site.toml")));
        assert!(!changes(&mut watcher, root, outside).unwrap());
        // A notice that files were missed, or an error, is a change; the watch limit ends the watch.
        let rescan = Ok(notify::Event::new(notify::EventKind::Other).set_flag(notify::event::Flag::Rescan));
        assert!(changes(&mut watcher, root, rescan).unwrap());
        assert!(changes(&mut watcher, root, Err(notify::Error::generic("queue"))).unwrap());
        let limit = changes(&mut watcher, root, Err(notify::Error::new(notify::ErrorKind::MaxFilesWatch))).unwrap_err();
        assert!(matches!(limit.kind, notify::ErrorKind::MaxFilesWatch));
    }

    #[test]
    fn the_watch_limit_comes_with_its_fix() {
        let limit = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        let en = Messages(Lang::En).polling(&limit);
        assert!(en.starts_with("the system cannot say when files change (") && en.ends_with("sudo sysctl fs.inotify.max_user_watches=524288"), "{en}");
        let other = Messages(Lang::Th).polling(&notify::Error::generic("no inotify"));
        assert_eq!(other, "ระบบไม่แจ้งเมื่อไฟล์เปลี่ยน (no inotify) จึงตรวจขนาดและเวลาของทุกไฟล์ทุก 200 มิลลิวินาทีแทน");
    }

    #[test]
    fn a_rebuild_names_at_most_twenty_datasets_read_again() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("ds-{i:06}")).collect();
        let en = Messages(Lang::En).built(31.5, 31_770, &ids);
        assert!(en.starts_with("rebuilt 31770 pages in 31.50 s; datasets read again: ds-000000, ds-000001,"), "{en}");
        assert!(en.ends_with("ds-000019 and 9,980 more"), "{en}");
        let th = Messages(Lang::Th).built(1.0, 10, &ids[..21]);
        assert!(th.ends_with("ds-000019 และอีก 1 ชุด"), "{th}");
        assert!(Messages(Lang::En).built(1.0, 10, &ids[..20]).ends_with("ds-000018, ds-000019"));
    }

    #[test]
    fn a_range_header_asks_for_one_range_or_the_whole_file() {
        use Asked::*;
        let cases: &[(Option<&str>, u64, Asked)] = &[
            (None, 100, Whole),
            (Some("bytes=0-9"), 100, Part(0, 9)),
            (Some("bytes=90-"), 100, Part(90, 99)),
            (Some("bytes=-10"), 100, Part(90, 99)),
            (Some("bytes=-500"), 100, Part(0, 99)),
            (Some("bytes=50-500"), 100, Part(50, 99)),
            (Some(" bytes= 5 - 6 "), 100, Part(5, 6)),
            (Some("bytes=100-"), 100, Unsatisfiable),
            (Some("bytes=100-200"), 100, Unsatisfiable),
            (Some("bytes=-0"), 100, Unsatisfiable),
            (Some("bytes=-5"), 0, Unsatisfiable),
            (Some("bytes=0-0"), 0, Unsatisfiable),
            // Ignored: the whole file is the answer.
            (Some("bytes=9-5"), 100, Whole),
            (Some("bytes=0-1,5-6"), 100, Whole),
            (Some("bytes=+1-5"), 100, Whole),
            (Some("bytes=a-5"), 100, Whole),
            (Some("bytes=5-x"), 3, Whole),
            (Some("bytes=-"), 100, Whole),
            (Some("items=0-5"), 100, Whole),
            (Some("bytes=0-99999999999999999999999"), 100, Whole),
        ];
        for (header, len, expected) in cases {
            assert_eq!(&asked_range(*header, *len), expected, "{header:?} of {len} bytes");
        }
    }

    #[test]
    fn only_files_inside_the_output_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        std::fs::create_dir_all(out.join("en")).unwrap();
        std::fs::write(out.join("en/index.html"), "en").unwrap();
        std::fs::write(dir.path().join("secret"), "s").unwrap();
        let canonical = out.canonicalize().unwrap();
        assert_eq!(resolve(&out, "/en/"), Some(canonical.join("en/index.html")));
        assert_eq!(resolve(&out, "/en/index.html?x=1"), Some(canonical.join("en/index.html")));
        for bad in ["/../secret", "/%2e%2e/secret", "/en/%2E%2E/%2E%2E/secret", "/..%5Csecret", "/%ff", "/%2", "/en/%00"] {
            assert_eq!(resolve(&out, bad), None, "{bad}");
        }
    }

    #[test]
    fn the_reload_script_goes_before_the_closing_body_tag() {
        let page = inject_reload(b"<html><body>x</BODY></html>".to_vec());
        assert_eq!(String::from_utf8(page).unwrap(), "<html><body>x<script src=\"/__sala/reload.js\"></script></BODY></html>");
    }
}
