//! Markdown with link rewriting: `markdown::render` then `markdown::resolve` with a URL
//! per link. Checks that spans stay inside the text and that no script element or
//! `javascript:`/`data:` link survives.
#![no_main]

use diptych::markdown;
use diptych::sources::PageKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let key = PageKey::new("sectors/energy");
    let (md, problems) = markdown::render(text, 0, &key, &["nl", "en"], true);
    for p in &problems {
        assert!(p.span.start <= p.span.end && p.span.end <= text.len());
        assert!(text.is_char_boundary(p.span.start) && text.is_char_boundary(p.span.end));
    }
    for l in &md.links {
        assert!(l.span.end <= text.len());
    }
    let urls: Vec<String> = (0..md.links.len()).map(|i| format!("/nl/p{i}/")).collect();
    let html = markdown::resolve(&md.html, &urls);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    for attr in [
        "href=\"javascript:",
        "src=\"javascript:",
        "href=\"data:",
        "src=\"data:",
    ] {
        for (i, _) in lower.match_indices(attr) {
            // Text escapes `<`, so a raw `<` after the last `>` means we are in a tag.
            let before = &lower[..i];
            let in_tag = before.rfind('<') > before.rfind('>');
            assert!(!in_tag, "{html}");
        }
    }
});
