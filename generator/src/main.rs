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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let code = e.downcast_ref::<sala::error::Error>().map_or("error", |e| e.code());
            eprintln!("error[{code}]: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Check { root, format, lang } => {
            let checked = sala::check(&root).map_err(anyhow::Error::new)?;
            let lang = lang.map_or(checked.default_language, Lang::from);
            print!("{}", diagnostic::render(&checked.report, format.into(), lang, color));
            Ok(if checked.report.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Build { root, output, lang } => {
            let built = sala::build(&root, output.as_deref()).map_err(anyhow::Error::new)?;
            let lang = lang.map_or(built.default_language, Lang::from);
            let Some(p) = built.published else {
                eprint!("{}", diagnostic::render(&built.report, Format::Human, lang, color));
                let e = sala::error::Error::InvalidData { errors: built.report.error_count() };
                eprintln!("error[{}]: {e}", e.code());
                return Ok(ExitCode::from(1));
            };
            if !built.report.diagnostics.is_empty() {
                eprint!("{}", diagnostic::render(&built.report, Format::Human, lang, color));
            }
            let output = p.output.canonicalize().with_context(|| format!("{}", p.output.display()))?;
            let summary = match lang {
                Lang::Th => format!(
                    "สร้างเว็บไซต์แล้ว: ชุดข้อมูล {} ชุด, {} แถว, {} หน้า, {} ไฟล์ ({:.1} MB) ใน {:.1} วินาที → {}",
                    p.datasets, p.rows, p.pages, p.files, p.bytes as f64 / 1e6, p.seconds, output.display()
                ),
                Lang::En => format!(
                    "Built the site: {} datasets, {} rows, {} pages, {} files ({:.1} MB) in {:.1} s → {}",
                    p.datasets, p.rows, p.pages, p.files, p.bytes as f64 / 1e6, p.seconds, output.display()
                ),
            };
            println!("{summary}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
