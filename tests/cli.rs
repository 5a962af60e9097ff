//! The real binary: exit codes and messages for usage and environment problems.

mod common;

use std::fs;
use std::process::{Command, Output};

fn diptych(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diptych"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn builds_and_reports_pages_per_language() {
    let (tmp, root) = common::site("pairing");
    let out = tmp.path().join("out");
    let o = diptych(&[
        "--root",
        root.to_str().unwrap(),
        "build",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let all = stderr(&o);
    let summary = all.lines().last().unwrap_or("");
    assert!(
        summary.starts_with("built ") && summary.contains(" en + ") && summary.contains(" nl), "),
        "{summary}"
    );
    assert!(out.join("nl/over-ons/index.html").is_file());
}

#[test]
fn timings_name_each_stage_with_its_time_busy_cores_and_memory() {
    let (tmp, root) = common::site("pairing");
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_diptych"))
        .args(["--root", root.to_str().unwrap(), "build", "--out"])
        .arg(&out)
        .env("DIPTYCH_TIMINGS", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let all = stderr(&o);
    // A one-off build writes each page as soon as it is rendered, then the rest.
    for stage in ["load", "parse", "publish", "render and write", "write"] {
        let line = all
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{stage}:")))
            .unwrap_or_else(|| panic!("no {stage} line in\n{all}"));
        // `render:   12.3 ms, 1.42 cores,    39 MiB resident, peak    39 MiB` (Linux)
        let (_, rest) = line.split_once(':').unwrap();
        let mut parts = rest.split(',').map(str::trim);
        let ms = parts.next().unwrap().strip_suffix(" ms").unwrap();
        assert!(ms.parse::<f64>().unwrap() >= 0.0, "{line}");
        if cfg!(unix) {
            let cores = parts.next().unwrap().strip_suffix(" cores").unwrap();
            let cores: f64 = cores.parse().unwrap();
            let most = std::thread::available_parallelism().map_or(64, |n| n.get()) as f64;
            assert!((0.0..=most + 0.5).contains(&cores), "{line}");
        }
        if cfg!(target_os = "linux") {
            assert!(parts.next().unwrap().ends_with("MiB resident"), "{line}");
        }
    }
}

#[test]
fn a_folder_without_site_yaml_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let o = diptych(&["--root", tmp.path().to_str().unwrap(), "build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no site.yaml in"), "{}", stderr(&o));
}

#[test]
fn refuses_to_write_over_the_site_or_its_content() {
    let (_tmp, root) = common::site("pairing");
    for out in [".", "content", "content/x", ".."] {
        let o = diptych(&[
            "--root",
            root.to_str().unwrap(),
            "build",
            "--out",
            root.join(out).to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "--out {out}: {}", stderr(&o));
    }
    assert!(root.join("content/_index.nl.md").is_file());
}

#[test]
fn rejects_a_relative_base_url() {
    let (_tmp, root) = common::site("pairing");
    let o = diptych(&[
        "--root",
        root.to_str().unwrap(),
        "build",
        "--base-url",
        "preview.example",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--base-url must be an absolute"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn base_url_flag_overrides_site_yaml() {
    let (tmp, root) = common::site("pairing");
    let out = tmp.path().join("out");
    let o = diptych(&[
        "--root",
        root.to_str().unwrap(),
        "build",
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        "https://preview.example/",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let home = fs::read_to_string(out.join("nl/index.html")).unwrap();
    assert!(
        home.contains("href=\"https://preview.example/en/\""),
        "{home}"
    );
}

#[test]
fn unknown_flags_are_usage_errors() {
    let o = diptych(&["build", "--frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (tmp, root) = common::site("pairing");
    fs::write(
        root.join("content/draft.nl.md"),
        "---\ntitle: Concept\ndraft: true\n---\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let r = root.to_str().unwrap();
    diptych(&["--root", r, "build", "--out", out.to_str().unwrap()]);
    assert!(!out.join("nl/draft/index.html").exists());
    diptych(&[
        "--root",
        r,
        "build",
        "--out",
        out.to_str().unwrap(),
        "--drafts",
    ]);
    assert!(out.join("nl/draft/index.html").exists());
}

#[test]
fn warnings_pass_a_build_and_fail_a_strict_one() {
    let (tmp, root) = common::site("fluent");
    let (r, out) = (root.to_str().unwrap(), tmp.path().join("out"));
    let o = diptych(&["--root", r, "build", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let warning = "locales/en: warning: message `only-dutch` is missing in en; the nl text is used";
    assert_eq!(stderr(&o).matches(warning).count(), 1, "{}", stderr(&o));
    fs::write(out.join("marker"), "kept").unwrap();
    let o = diptych(&[
        "--root",
        r,
        "build",
        "--strict",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(out.join("marker")).unwrap(), "kept");
}

#[test]
fn new_creates_the_page_in_every_language_and_never_overwrites() {
    let (_tmp, root) = common::site("pairing");
    let r = root.to_str().unwrap();
    let o = diptych(&[
        "--root",
        r,
        "new",
        "sectors/coop",
        "--title-nl",
        "Coöperatie in België",
        "--title-en=Cooperation in Belgium",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let nl = fs::read_to_string(root.join("content/sectors/coop.nl.md")).unwrap();
    assert!(
        nl.starts_with("---\ntitle: \"Coöperatie in België\"\ndate: 20"),
        "{nl}"
    );
    assert!(nl.contains("slug: coöperatie-in-belgië\n"), "{nl}");
    assert!(root.join("content/sectors/_index.en.md").is_file());
    let before = fs::read_to_string(root.join("content/sectors/coop.en.md")).unwrap();
    let o = diptych(&["--root", r, "new", "sectors/coop", "--title-en", "Other"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(root.join("content/sectors/coop.en.md")).unwrap(),
        before
    );
    let o = diptych(&[
        "--root",
        r,
        "build",
        "--out",
        root.join("../out").to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the new pages do not build: {}",
        stderr(&o)
    );
}

#[test]
fn new_rejects_unknown_languages_and_bad_paths() {
    let (_tmp, root) = common::site("pairing");
    let r = root.to_str().unwrap();
    assert_eq!(
        diptych(&["--root", r, "new", "a", "--title-de", "X"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        diptych(&["--root", r, "new", "../escape"]).status.code(),
        Some(2)
    );
    assert!(!root.join("content/a.nl.md").exists());
}

#[test]
fn refuses_an_output_that_holds_home_or_the_working_folder() {
    let (tmp, root) = common::site("pairing");
    let home = tmp.path().join("home/me");
    fs::create_dir_all(&home).unwrap();
    fs::write(home.join("notes.txt"), "mine").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_diptych"))
        .env("HOME", &home)
        .current_dir(&root)
        .args(["build", "--out"])
        .arg(tmp.path().join("home"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("holds"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(home.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn pages_dated_after_the_builds_today_wait_unless_drafts_are_asked_for() {
    let (tmp, root) = common::site("pairing");
    fs::write(
        root.join("content/later.nl.md"),
        "---\ntitle: Later\ndate: 2027-01-01\n---\n",
    )
    .unwrap();
    let (r, out) = (root.to_str().unwrap(), tmp.path().join("out"));
    let o = out.to_str().unwrap();
    assert_eq!(
        diptych(&["--root", r, "build", "--out", o, "--today", "2026-11-26"])
            .status
            .code(),
        Some(0)
    );
    assert!(!out.join("nl/later/index.html").exists());
    diptych(&["--root", r, "build", "--out", o, "--today", "2027-01-01"]);
    assert!(
        out.join("nl/later/index.html").exists(),
        "a page dated today is published"
    );
    diptych(&[
        "--root",
        r,
        "build",
        "--out",
        o,
        "--today",
        "2026-11-26",
        "--drafts",
    ]);
    assert!(out.join("nl/later/index.html").exists());
    diptych(&["--root", r, "build", "--out", o]);
    assert!(
        out.join("nl/later/index.html").exists(),
        "without a today nothing is in the future"
    );
}

#[test]
fn a_link_to_an_unpublished_page_says_why() {
    let (_tmp, root) = common::site("pairing");
    fs::write(
        root.join("content/draft.nl.md"),
        "---\ntitle: Concept\ndraft: true\n---\n",
    )
    .unwrap();
    fs::write(
        root.join("content/news/both.nl.md"),
        "---\ntitle: Beide\nslug: beide\n---\nZie [het concept](../draft.md).\n",
    )
    .unwrap();
    let o = diptych(&[
        "--root",
        root.to_str().unwrap(),
        "build",
        "--out",
        root.join("../out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("links to a page that is not published: it is a draft (`draft: true`)"),
        "{}",
        stderr(&o)
    );
}
