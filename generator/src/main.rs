//! The `sala` command: parses arguments, calls the library, prints, and sets the exit code
//! (0 success, 1 problems in the data, 2 an error that stopped Sala).

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use sala::diagnostic::{self, Format};
use sala::lang::Lang;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Sala (ศาลา): builds a bilingual open-government data portal from a folder of datasets.
#[derive(Parser)]
#[command(name = "sala", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks every dataset, then writes the whole site (Thai at /, English at /en/) into the output folder.
    Build {
        /// The portal folder (the one holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: output_dir from site.toml, usually public/).
        #[arg(long)]
        output: Option<PathBuf>,
        /// The language of messages (default: the site's default language).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Render everything again, neither using nor updating the build cache (.sala-cache/).
        #[arg(long)]
        no_cache: bool,
    },
    /// Checks every dataset against its schema and the portal's rules, without writing anything; exits 1 when there are errors.
    Check {
        /// The portal folder (the one holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print problems: human, concise (one line each), json, or github (pull-request annotations).
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
        /// The language of messages (default: the site's default language).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Builds the portal, serves it at http://127.0.0.1:PORT/, and rebuilds and reloads open pages whenever a file changes.
    Serve {
        /// The portal folder (the one holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The language of messages (default: the site's default language).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Look at every file's size and time every 200 ms instead of being told of changes by the system: for network shares and container mounts, where the system's notices do not arrive.
        #[arg(long)]
        poll: bool,
    },
    /// Creates a new portal in DIR: site.toml, the default theme, an About page, an agency registry with one example agency, a README and a CI workflow.
    Init {
        /// The folder to create the portal in (created when missing).
        dir: PathBuf,
        /// The portal's name in Thai (asked when not given and a terminal is attached).
        #[arg(long)]
        title_th: Option<String>,
        /// The portal's name in English (asked when not given and a terminal is attached).
        #[arg(long)]
        title_en: Option<String>,
        /// The address the site will be published at, e.g. https://data.example.go.th/.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Reads a CSV file or a workbook, works out its schema and writes datasets/<id>/dataset.toml with the fields to fill in marked TODO; adds the file to the dataset when it exists.
    Infer {
        /// The CSV file (UTF-8, UTF-16, or Windows-874 as exported by older Thai systems) or workbook (.xlsx, .xls, .ods).
        file: PathBuf,
        /// The dataset's id, which becomes its folder and web address (default: from the file's name).
        #[arg(long)]
        dataset: Option<String>,
        /// The portal folder (the one holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The CSV file's encoding when it is neither UTF-8, UTF-16 nor Thai Windows-874, as a WHATWG label (e.g. latin1, iso-8859-7); written into the resource.
        #[arg(long)]
        encoding: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Th,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Th => Lang::Th,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Concise,
    Json,
    Github,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Concise => Format::Concise,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
        }
    }
}

/// An error with its causes, each cause the message does not already say: Sala's I/O errors
/// name the system's reason themselves, which `{:#}` printed a second time.
fn chain_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&cause);
        }
    }
    text
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let code = e.downcast_ref::<sala::error::Error>().map_or("error", |e| e.code());
            eprintln!("error[{code}]: {}", chain_text(&e));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Check { root, format, lang } => {
            let progress = sala::session::Progress::new(std::io::stderr().is_terminal(), ["ชุดข้อมูล datasets", "แถว rows", "ไฟล์ files"]);
            let checked = sala::check_with(&root, sala::session::Hooks { cache: None, progress: Some(&progress) });
            progress.clear();
            let checked = checked.map_err(anyhow::Error::new)?;
            let lang = lang.map_or(checked.default_language, Lang::from);
            print!("{}", diagnostic::render_in(&checked.report, format.into(), lang, color, &root));
            Ok(if checked.report.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Serve { root, port, lang, poll } => {
            sala::serve::serve(&root, port, lang.map(Lang::from), poll, |url| {
                println!("Serving / เปิดให้ดูที่ {url} (Ctrl+C to stop / กด Ctrl+C เพื่อหยุด)");
            })
            .map_err(anyhow::Error::new)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir, title_th, title_en, base_url } => init(&dir, title_th, title_en, base_url),
        Command::Infer { file, dataset, root, encoding } => infer(&root, &file, dataset.as_deref(), encoding.as_deref()),
        Command::Build { root, output, lang, no_cache } => {
            // Bars only on a terminal: CI logs get the closing summary alone.
            let progress = sala::session::Progress::new(std::io::stderr().is_terminal(), ["ชุดข้อมูล datasets", "แถว rows", "ไฟล์ files"]);
            // A repeated build renders only what changed (see `sala::load::cache`).
            let opened = std::time::Instant::now();
            let cache = (!no_cache).then(|| sala::load::cache::Cache::open(&root));
            sala::timing("open", opened);
            let hooks = sala::session::Hooks { cache: cache.as_ref(), progress: Some(&progress) };
            let built = sala::build_with(&root, output.as_deref(), hooks);
            progress.clear();
            let mut built = built.map_err(anyhow::Error::new)?;
            std::mem::take(&mut built.leftovers).keep_to_exit();
            let lang = lang.map_or(built.default_language, Lang::from);
            // Every warning, listed or not: the number `check` gives for the same portal.
            let warnings = built.report.warning_count();
            let Some(p) = built.published else {
                eprint!("{}", diagnostic::render(&built.report, Format::Human, lang, color));
                let e = sala::error::Error::InvalidData { errors: built.report.error_count() };
                eprintln!("error[{}]: {e}", e.code());
                return Ok(ExitCode::from(1));
            };
            let reported = std::time::Instant::now();
            if !built.report.diagnostics.is_empty() {
                eprint!("{}", diagnostic::render(&built.report, Format::Human, lang, color));
            }
            sala::timing("report", reported);
            let output = p.output.canonicalize().with_context(|| format!("{}", p.output.display()))?;
            let summary = match lang {
                Lang::Th => format!(
                    "สร้างเว็บไซต์แล้ว: ชุดข้อมูล {} ชุด, {} แถว, {} หน้า, {} ไฟล์ ({:.1} MB) ใน {:.1} วินาที, คำเตือน {} รายการ → {}",
                    p.datasets, p.rows, p.pages, p.files, p.bytes as f64 / 1e6, p.seconds, warnings, output.display()
                ),
                Lang::En => format!(
                    "Built the site: {} datasets, {} rows, {} pages, {} files ({:.1} MB) in {:.1} s, {} warnings → {}",
                    p.datasets, p.rows, p.pages, p.files, p.bytes as f64 / 1e6, p.seconds, warnings, output.display()
                ),
            };
            println!("{summary}");
            // The cache (the last build's manifest, 150,000 paths at 10,000 datasets) is saved:
            // the process ends here without freeing it piece by piece.
            std::mem::forget(cache);
            exit_now()
        }
    }
}

/// Ends a build that succeeded at once, its output written: the exit handlers only give the
/// memory back, which the process ending does anyway (mimalloc's alone went through every
/// page of the heap, 30 ms of a rebuild at 10,000 datasets).
fn exit_now() -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` ends the process; nothing after it runs, and the files were written and
    // closed by the build.
    unsafe { libc::_exit(0) }
}

/// Asks `question` on the terminal, or gives `default` when no terminal is attached.
fn ask(question: &str, default: &str) -> anyhow::Result<String> {
    if !std::io::stdin().is_terminal() {
        return Ok(default.to_string());
    }
    eprint!("{question} [{default}]: ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let line = line.trim();
    Ok(if line.is_empty() { default.to_string() } else { line.to_string() })
}

fn init(dir: &std::path::Path, th: Option<String>, en: Option<String>, url: Option<String>) -> anyhow::Result<ExitCode> {
    let defaults = sala::init::InitOptions::default();
    let th = match th {
        Some(t) => t,
        None => ask("ชื่อพอร์ทัลภาษาไทย / portal name in Thai", &defaults.title.th)?,
    };
    let en = match en {
        Some(t) => t,
        None => ask("ชื่อพอร์ทัลภาษาอังกฤษ / portal name in English", &defaults.title.en)?,
    };
    let base_url = match url {
        Some(u) => u,
        None => ask("ที่อยู่เว็บไซต์ / the address the site is published at", &defaults.base_url)?,
    };
    let options = sala::init::InitOptions { title: sala::lang::Text::new(th, en), base_url };
    let written = sala::init::init(dir, &options).map_err(anyhow::Error::new)?;
    println!("Created a portal in {} ({} files). Next / ขั้นต่อไป:", dir.display(), written.len());
    println!("  cd {}", dir.display());
    println!("  sala infer path/to/file.csv   # add a dataset from a CSV file or workbook / เพิ่มชุดข้อมูลจากไฟล์ CSV หรือ Excel");
    println!("  sala serve                    # see the site at http://127.0.0.1:8000/ / ดูเว็บไซต์");
    Ok(ExitCode::SUCCESS)
}

fn infer(root: &std::path::Path, file: &std::path::Path, dataset: Option<&str>, encoding: Option<&str>) -> anyhow::Result<ExitCode> {
    let w = sala::infer::infer_encoded(root, file, dataset, encoding).map_err(anyhow::Error::new)?;
    let meta = w.meta_file.strip_prefix(root).unwrap_or(&w.meta_file);
    // A file that joins an existing dataset is said to, so that one given the wrong id (or two
    // files whose names give the same id) is seen at once.
    let id = &w.id;
    match &w.added {
        sala::infer::Added::Dataset => {}
        sala::infer::Added::ToResource(name) => println!(
            "Added to the existing dataset \"{id}\" as one more file of resource \"{name}\" (same columns) / เพิ่มในชุดข้อมูล \"{id}\" ที่มีอยู่แล้ว เป็นอีกไฟล์หนึ่งของทรัพยากร \"{name}\" (คอลัมน์เดียวกัน)"
        ),
        sala::infer::Added::Resources => {
            let names = w.resources.iter().map(|r| format!("\"{}\"", r.name)).collect::<Vec<_>>().join(", ");
            let (added, those) = if w.resources.len() > 1 { ("new resources", "those resources") } else { ("a new resource", "that resource") };
            let csv = w.csv.strip_prefix(root).unwrap_or(&w.csv).display();
            println!(
                "Added to the existing dataset \"{id}\" as {added} {names} (no resource of it has these columns); if the file belongs to another dataset, remove {those} from {meta}, move the file {csv} out and run sala infer again with --dataset <id> / \
                 เพิ่มในชุดข้อมูล \"{id}\" ที่มีอยู่แล้ว เป็นทรัพยากรใหม่ {names} (ไม่มีทรัพยากรใดของชุดข้อมูลนี้ที่มีคอลัมน์เหล่านี้) ถ้าไฟล์นี้เป็นของชุดข้อมูลอื่น ให้ลบทรัพยากรนั้นออกจาก {meta} ย้ายไฟล์ {csv} ออก แล้วสั่ง sala infer ใหม่พร้อม --dataset <รหัส>",
                meta = meta.display()
            );
        }
    }
    for r in &w.resources {
        let (rows, columns) = (r.inferred.rows, r.inferred.fields.len());
        // A workbook's resources are named with their sheets; a CSV file has one.
        let sheet = r.sheet.as_ref().map(|s| format!("{} sheet \"{s}\" (แผ่นงาน): ", r.name)).unwrap_or_default();
        println!("{sheet}{rows} rows, {columns} columns → {} ({rows} แถว {columns} คอลัมน์)", meta.display());
        for f in &r.inferred.fields {
            let field = &f.field;
            let mut kind = field.field_type.name().to_string();
            if let Some(format) = &field.format {
                kind.push_str(&format!(" ({format})"));
            }
            if field.calendar.is_some() {
                kind.push_str(" (พ.ศ./Buddhist era)");
            }
            let mut notes = Vec::new();
            if field.constraints.required {
                notes.push("required");
            }
            if field.constraints.unique {
                notes.push("unique");
            }
            if r.inferred.primary_key.contains(&field.name) {
                notes.push("primary key");
            }
            println!("  {:<24} {:<28} {}", field.name, kind, notes.join(", "));
        }
        for note in &r.inferred.notes {
            eprintln!("note: {} / {}", note.en, note.th);
        }
        for f in r.inferred.fields.iter().filter(|f| f.personal.is_some()) {
            eprintln!(
                "warning: column {} may hold personal data (อาจเป็นข้อมูลส่วนบุคคล): {}",
                f.field.name,
                f.personal.unwrap_or_default()
            );
        }
    }
    println!("Next: fill in every line marked TODO in {}, then run `sala check`.", meta.display());
    println!("ขั้นต่อไป: กรอกทุกบรรทัดที่มี TODO ใน {} แล้วรัน `sala check`", meta.display());
    Ok(ExitCode::SUCCESS)
}

/// Turns the kernel's transparent huge pages off for this process. mimalloc asks for them on
/// its arenas (`madvise(MADV_HUGEPAGE)`), and once a build has filled the machine's memory with
/// the page cache of the files it wrote, the kernel compacted memory to find each 2 MB page the
/// allocator touched: 4-5 % of a whole build's CPU at 1,000 and 3,000 datasets, against under
/// 1 % for faulting the same memory in 4 KB pages (perf, `__alloc_pages_direct_compact`).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and touches no memory of ours;
    // a kernel without it fails the call, which is ignored.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Polars allocates and frees column buffers by the hundred megabytes; mimalloc (the allocator
/// Polars recommends) keeps them mapped instead of zeroing fresh pages each time, a fifth of
/// `sala check`'s time on a large file.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
