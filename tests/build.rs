//! Fixture sites built end to end, their whole output snapshotted.

mod common;

fn build_case(case: &str) -> String {
    let (_tmp, out) = common::build(case);
    common::flatten_pages(&out)
}

#[test]
fn pairs_nl_and_en_by_key_and_builds_one_language_pages() {
    insta::assert_snapshot!(build_case("pairing"));
}

#[test]
fn localizes_section_and_page_slugs() {
    insta::assert_snapshot!(build_case("localized-slugs"));
}

#[test]
fn rewrites_links_to_content_files_in_the_same_language() {
    insta::assert_snapshot!(build_case("link-rewriting"));
}

#[test]
fn site_templates_override_the_theme_and_pages_choose_theirs() {
    insta::assert_snapshot!(build_case("template-override"));
}

#[test]
fn same_input_gives_identical_bytes_in_different_directories() {
    assert_eq!(build_case("pairing"), build_case("pairing"));
}

#[test]
fn formats_plurals_numbers_and_dates_in_each_language() {
    let out = build_case("fluent");
    assert!(
        !out.contains('\u{2068}') && !out.contains('\u{2069}'),
        "isolation marks in output"
    );
    insta::assert_snapshot!(out);
}
