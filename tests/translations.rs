//! Translation control: missing and stale translations, `check` in text and JSON,
//! `mark-synced` and its lock file, and the strict gate.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn run(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diptych"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn check_lists_missing_and_deliberately_single_language_pages() {
    let (_tmp, root) = common::site("translations");
    let o = run(&root, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    insta::assert_snapshot!(text(&o));
    assert_eq!(run(&root, &["check", "--strict"]).status.code(), Some(1));
}

#[test]
fn check_writes_json_for_ci() {
    let (_tmp, root) = common::site("translations");
    let o = run(&root, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["errors"].as_array().unwrap().len(), 0);
    let warning = &json["warnings"][0];
    assert_eq!(warning["kind"], "translation");
    assert_eq!(warning["path"], "content/untranslated.nl.md");
    assert_eq!(warning["subject"], "untranslated");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("has no en translation")
    );
    assert_eq!(json["translations"]["missing"]["untranslated"][0], "en");
    assert_eq!(
        json["translations"]["single_language"]["dutch-course"][0],
        "en"
    );
    assert_eq!(json["translations"]["languages"]["en"]["missing"], 1);
    assert_eq!(json["translations"]["unsynced"][0], "_index");
}

#[test]
fn json_errors_carry_line_and_column() {
    let (_tmp, root) = common::site("translations");
    fs::write(
        root.join("content/about.nl.md"),
        "---\ntitle: Over\ntitel: x\n---\n",
    )
    .unwrap();
    let o = run(&root, &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let e = &json["errors"][0];
    assert_eq!(
        (e["kind"].as_str(), e["line"].as_u64(), e["column"].as_u64()),
        (Some("front-matter"), Some(3), Some(1))
    );
}

#[test]
fn mark_synced_round_trips_and_stale_sides_are_named() {
    let (tmp, root) = common::site("translations");
    assert_eq!(run(&root, &["mark-synced", "--all"]).status.code(), Some(0));
    let lock = fs::read_to_string(root.join("translations.lock")).unwrap();
    assert!(lock.contains("about:\n  en: "), "{lock}");
    assert_eq!(run(&root, &["mark-synced", "--all"]).status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(root.join("translations.lock")).unwrap(),
        lock,
        "lock changed although nothing did"
    );
    assert!(!text(&run(&root, &["check"])).contains("never marked"));

    fs::write(
        root.join("content/about.nl.md"),
        "---\ntitle: Over ons\nslug: over-ons\n---\nWie we zijn, en wat we doen.\n",
    )
    .unwrap();
    let report = text(&run(&root, &["check"]));
    assert!(
        report.contains(
            "content/about.en.md: warning: nl changed since the en translation was synced"
        ),
        "{report}"
    );
    assert!(
        report.contains("en: 2 pages, 1 missing, 1 stale"),
        "{report}"
    );

    let out = tmp.path().join("out");
    let o = run(&root, &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let en = fs::read_to_string(out.join("en/about/index.html")).unwrap();
    assert!(en.contains("The Nederlands version of this page was updated more recently: <a href=\"/nl/over-ons/\" lang=\"nl\">Over ons</a>"), "{en}");
    assert!(
        !fs::read_to_string(out.join("nl/over-ons/index.html"))
            .unwrap()
            .contains("notice")
    );
    assert_eq!(
        run(
            &root,
            &["build", "--strict", "--out", out.to_str().unwrap()]
        )
        .status
        .code(),
        Some(1)
    );

    assert_eq!(run(&root, &["mark-synced", "about"]).status.code(), Some(0));
    assert!(
        !text(&run(&root, &["check"])).contains("changed since"),
        "marking did not clear the stale pair"
    );
}

#[test]
fn mark_synced_needs_keys_or_all_and_refuses_unknown_keys() {
    let (_tmp, root) = common::site("translations");
    assert_eq!(run(&root, &["mark-synced"]).status.code(), Some(2));
    let o = run(&root, &["mark-synced", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("there is no page `nope`"), "{}", text(&o));
    assert_eq!(
        run(&root, &["mark-synced", "untranslated"]).status.code(),
        Some(2)
    );
    assert!(!root.join("translations.lock").exists());
}

#[test]
fn a_broken_lock_file_is_a_located_error() {
    let (_tmp, root) = common::site("translations");
    fs::write(root.join("translations.lock"), "about:\n  nl: [x\n").unwrap();
    let o = run(&root, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("translations.lock:"), "{}", text(&o));
}

#[test]
fn check_reports_fluent_mismatches_anchors_and_links_in_the_output() {
    let (_tmp, root) = common::site("check-findings");
    let o = run(&root, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(text(&o));
    let json: serde_json::Value =
        serde_json::from_slice(&run(&root, &["check", "--format", "json"]).stdout).unwrap();
    let kinds = |list: &str| -> Vec<String> {
        json[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(kinds("errors"), ["link", "link"]);
    assert!(
        kinds("warnings").iter().filter(|k| *k == "fluent").count() >= 4,
        "{:?}",
        kinds("warnings")
    );
}
