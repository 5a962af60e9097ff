//! The `diptych` command line: parses arguments, calls the library, prints what
//! happened and maps errors to exit codes (0 ok, 1 content errors, 2 usage or
//! environment errors) in one place.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use diptych::diagnostic::{self, Diagnostic};
use diptych::error::Error;

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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            out,
            base_url,
            drafts,
            strict,
        } => {
            let opts = diptych::BuildOptions {
                root: cli.root,
                out,
                base_url,
                drafts,
                strict,
            };
            let progress = Progress::start();
            let result = diptych::build(&opts);
            progress.stop();
            match result {
                Ok(report) => {
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
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
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
