//! Front matter: `frontmatter::split` then `frontmatter::parse` on any text. Errors are
//! fine; a panic (or a diagnostic span outside the text) is a bug.
#![no_main]

use std::path::Path;

use diptych::frontmatter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let path = Path::new("content/a.nl.md");
    let Ok(at) = frontmatter::split(path, text) else {
        return;
    };
    assert!(at.yaml.0 <= at.yaml.1 && at.yaml.1 <= at.body && at.body <= text.len());
    let _ = frontmatter::parse(path, text, at, &["tags", "themes"]);
});
