//! Helpers shared by the integration tests: fixture sites copied to a temp dir, output
//! trees flattened to text for snapshots.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// The fixture folder `tests/fixtures/<case>`.
pub fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
}

/// Copies a fixture site into a fresh temp dir; what a case leaves out (theme,
/// `site.yaml`, home pages) comes from `fixtures/_shared`, so each case holds only
/// what it is about. Returns the temp dir (keep it alive) and the site root in it.
pub fn site(case: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture(case), &root);
    if !root.join("themes").exists() {
        copy_dir(&fixture("_shared/themes"), &root.join("themes"));
    }
    if !root.join("site.yaml").exists() {
        fs::copy(fixture("_shared/site.yaml"), root.join("site.yaml")).unwrap();
    }
    if !root.join("content/_index.nl.md").exists() {
        copy_dir(&fixture("_shared/content"), &root.join("content"));
    }
    (tmp, root)
}

/// Builds fixture `case` with the library into a temp dir; returns the dir (keep it)
/// and the output folder. A failed build fails the test with every diagnostic.
pub fn build(case: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = site(case);
    let out = tmp.path().join("public");
    let opts = diptych::BuildOptions {
        root,
        out: Some(out.clone()),
        ..diptych::BuildOptions::default()
    };
    if let Err(e) = diptych::build(&opts) {
        panic!("{case} failed: {e}: {e:?}");
    }
    (tmp, out)
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, sorted, as `== path ==` followed by its text.
pub fn flatten(dir: &Path) -> String {
    flatten_where(dir, |_| true)
}

/// Whether a built file is a publishing output (sitemap, robots.txt, feeds, calendars,
/// search index, page and script): `tests/publish.rs` snapshots those, so other
/// fixtures can leave them out and stay about what they test.
pub fn is_publish_output(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    matches!(name, "robots.txt" | "atom.xml" | "search-index.json")
        || (name.starts_with("sitemap") && name.ends_with(".xml"))
        || name.ends_with(".ics")
        || rel.ends_with("/search/index.html")
        || (name.starts_with("search.") && name.ends_with(".js"))
}

/// [`flatten`] without the publishing outputs.
pub fn flatten_pages(dir: &Path) -> String {
    flatten_where(dir, |rel| !is_publish_output(rel))
}

fn flatten_where(dir: &Path, keep: impl Fn(&str) -> bool) -> String {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.retain(|f| keep(f));
    files.sort();
    let mut out = String::new();
    for rel in files {
        let bytes = fs::read(dir.join(&rel)).unwrap();
        out.push_str(&format!("== {rel} ==\n"));
        match String::from_utf8(bytes) {
            Ok(text) => out.push_str(&text),
            Err(e) => out.push_str(&format!("<{} bytes of binary>", e.as_bytes().len())),
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            collect(base, &p, out);
        } else {
            out.push(
                p.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}
