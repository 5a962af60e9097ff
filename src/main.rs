//! The `diptych` command line: parses arguments, calls the library, prints what
//! happened and maps errors to exit codes (0 ok, 1 content errors, 2 usage or
//! environment errors) in one place.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use diptych::diagnostic::{self, Diagnostic};
use diptych::error::Error;

// mimalloc: parallel rendering allocates from both cores at once, where glibc's malloc
// spent a sixth of a build in its locks and free lists (30% faster builds). It is built
// to commit memory as it is used (.cargo/config.toml), which keeps the peak below glibc's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "diptych",
    version,
    about = "Builds a bilingual static site from markdown in two languages"
)]
struct Cli {
    /// The site's folder (the one with site.yaml).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --out).
    Build {
        /// Output directory (default: public/ in the site root).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Base URL for this build, e.g. a preview deploy's address.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Treat every warning as an error.
        #[arg(long)]
        strict: bool,
        /// The date to count as today for upcoming and past events (YYYY-MM-DD);
        /// default: SOURCE_DATE_EPOCH if set, else no split.
        #[arg(long)]
        today: Option<String>,
    },
    /// Check everything a build checks, and the translations, without writing.
    Check {
        /// `text` for people, `json` for CI.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Exit 1 on warnings too.
        #[arg(long)]
        strict: bool,
        /// Check pages marked `draft: true` as well.
        #[arg(long)]
        drafts: bool,
    },
    /// Serve the site from memory on 127.0.0.1, rebuilding and reloading on change.
    Serve {
        /// Port to listen on (the next free one is used if it is taken; 0: any).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
        /// Poll for changes (for file systems without reliable change events).
        #[arg(long)]
        poll: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Start a page in every language: `diptych new sectors/energy --title-nl Energie`.
    New {
        /// The page's path under content/, without language: `sectors/energy`.
        page: String,
        /// `--title-<lang> TITLE` for each language (`--title-nl Energie --title-en Energy`).
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "--title-LANG TITLE"
        )]
        titles: Vec<String>,
    },
    /// Record that the pages' translations say the same now (in translations.lock).
    MarkSynced {
        /// Page keys: paths under content/ without the language (`sectors/energy`).
        keys: Vec<String>,
        /// Mark every page that exists in more than one language.
        #[arg(long, conflicts_with = "keys")]
        all: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root;
    let result = match cli.command {
        Command::Build {
            out,
            base_url,
            drafts,
            strict,
            today,
        } => build(diptych::BuildOptions {
            root,
            out,
            base_url,
            drafts,
            strict,
            today,
        }),
        Command::Check {
            format,
            strict,
            drafts,
        } => check(&root, format, strict, drafts),
        Command::Serve {
            port,
            open,
            poll,
            drafts,
        } => {
            let on_ready = if open { ready_and_open } else { ready };
            diptych::serve::serve(diptych::serve::ServeOptions {
                root,
                port,
                drafts,
                poll,
                on_ready,
            })
            .map(|()| ExitCode::SUCCESS)
        }
        Command::New { page, titles } => new_page(&root, &page, &titles),
        Command::MarkSynced { keys, all } => {
            diptych::mark_synced(&root, &keys, all).map(|marked| {
                eprintln!(
                    "marked {} page(s) in sync in {}",
                    marked.len(),
                    diptych::translations::LOCK_FILE
                );
                ExitCode::SUCCESS
            })
        }
    };
    result.unwrap_or_else(fail)
}

fn build(opts: diptych::BuildOptions) -> Result<ExitCode, Error> {
    let progress = Progress::start();
    let result = diptych::build_keeping(&opts);
    progress.stop();
    let (report, built) = result?;
    // The process ends after the summary: the system frees the site faster than its
    // destructors would.
    std::mem::forget(built);
    print_diagnostics(report.warnings.clone());
    let pages: Vec<String> = report
        .pages
        .iter()
        .map(|(l, n)| format!("{n} {l}"))
        .collect();
    eprintln!(
        "built {} pages ({}), {} files, {} warning(s) in {:.2} s",
        report.pages.values().sum::<usize>(),
        pages.join(" + "),
        report.files,
        report.warnings.len(),
        report.seconds
    );
    Ok(ExitCode::SUCCESS)
}

fn check(
    root: &std::path::Path,
    format: Format,
    strict: bool,
    drafts: bool,
) -> Result<ExitCode, Error> {
    let report = diptych::check(root, drafts)?;
    match format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&report)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            println!("{json}");
        }
        Format::Text => print_check(&report),
    }
    let failed = !report.errors.is_empty() || (strict && !report.warnings.is_empty());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Diagnostics grouped by file, then one summary line per language.
fn print_check(report: &diptych::CheckReport) {
    let mut all: Vec<Diagnostic> = report
        .errors
        .iter()
        .chain(&report.warnings)
        .cloned()
        .collect();
    diagnostic::sort(&mut all);
    let mut out = std::io::stdout().lock();
    let mut current = None;
    for d in &all {
        if current != Some(&d.path) {
            let _ = writeln!(out, "── {}", d.path.display());
            current = Some(&d.path);
        }
        let _ = writeln!(out, "{d}");
    }
    let t = &report.translations;
    match t.unsynced.len() {
        0 => {}
        n if n > 5 => {
            let _ = writeln!(
                out,
                "note: {n} pages were never marked in sync; run `diptych mark-synced --all` once their translations say the same"
            );
        }
        _ => {
            for key in &t.unsynced {
                let _ = writeln!(
                    out,
                    "note: `{key}` was never marked in sync (diptych mark-synced {key})"
                );
            }
        }
    }
    for (key, langs) in &t.single_language {
        let names: Vec<&str> = langs.iter().map(|l| l.as_str()).collect();
        let _ = writeln!(
            out,
            "note: `{key}` is not translated into {} on purpose",
            names.join(", ")
        );
    }
    for (lang, s) in &t.languages {
        let _ = writeln!(
            out,
            "{lang}: {} pages, {} missing, {} stale, {} messages missing",
            s.pages, s.missing, s.stale, s.messages_missing
        );
    }
    let _ = writeln!(
        out,
        "{} error(s), {} warning(s)",
        report.errors.len(),
        report.warnings.len()
    );
}

fn ready(addr: std::net::SocketAddr) {
    println!("serving http://{addr}/ (Ctrl-C to stop)");
}

fn ready_and_open(addr: std::net::SocketAddr) {
    ready(addr);
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener)
        .arg(format!("http://{addr}/"))
        .spawn()
        .is_err()
    {
        eprintln!("could not open a browser; visit http://{addr}/");
    }
}

fn new_page(root: &std::path::Path, page: &str, args: &[String]) -> Result<ExitCode, Error> {
    let mut titles = std::collections::BTreeMap::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let Some(flag) = arg.strip_prefix("--title-") else {
            return Err(Error::Usage(format!(
                "unexpected `{arg}`; titles are given as `--title-<lang> TITLE`"
            )));
        };
        let (code, title) = match flag.split_once('=') {
            Some((c, t)) => (c.to_string(), t.to_string()),
            None => (
                flag.to_string(),
                rest.next()
                    .cloned()
                    .ok_or_else(|| Error::Usage(format!("`{arg}` needs a title")))?,
            ),
        };
        titles.insert(code, title);
    }
    let config = diptych::config::Config::load(root)?;
    let files = diptych::scaffold::plan(
        &config,
        page,
        &titles,
        &diptych::date::DateTime::today().to_string(),
    )?;
    for path in diptych::scaffold::create(root, &files)? {
        println!("created {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn fail(e: Error) -> ExitCode {
    let code = e.exit_code();
    match e {
        Error::Content(diags) => {
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            print_diagnostics(diags);
            eprintln!("build failed: {errors} error(s), {warnings} warning(s)");
        }
        other => eprintln!("error: {other}"),
    }
    ExitCode::from(code as u8)
}

fn print_diagnostics(mut diags: Vec<Diagnostic>) {
    diagnostic::sort(&mut diags);
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{d}");
    }
}

/// Shows that a long build is still working, on a terminal only, after a second.
struct Progress {
    done: std::sync::mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start() -> Progress {
        let (done, rx) = std::sync::mpsc::channel::<()>();
        let thread = std::io::stderr().is_terminal().then(|| {
            std::thread::spawn(move || {
                let started = std::time::Instant::now();
                let mut shown = false;
                while rx.recv_timeout(std::time::Duration::from_secs(1)).is_err() {
                    eprint!("\rbuilding… {:.0} s", started.elapsed().as_secs_f64());
                    shown = true;
                }
                if shown {
                    eprint!("\r\x1b[K");
                }
            })
        });
        Progress { done, thread }
    }

    fn stop(mut self) {
        let _ = self.done.send(());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
