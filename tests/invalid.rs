//! Broken sites: the exact diagnostics, exit code 1, and the previous output untouched.

mod common;

use std::fs;
use std::process::Command;

/// Runs `diptych build` on the invalid fixture `case` over an existing output and
/// returns its stderr with the temp path removed.
fn diagnose(case: &str) -> String {
    let (tmp, root) = common::site(&format!("invalid/{case}"));
    let out = tmp.path().join("public");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("index.html"), "previous build").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_diptych"))
        .arg("--root")
        .arg(&root)
        .arg("build")
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert_eq!(run.status.code(), Some(1), "{case}: {stderr}");
    assert_eq!(
        fs::read_to_string(out.join("index.html")).unwrap(),
        "previous build",
        "{case} touched the output"
    );
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        2,
        "{case} left files beside the output"
    );
    stderr.replace(&root.display().to_string(), "[site]")
}

macro_rules! invalid {
    ($($name:ident => $case:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(diagnose($case));
        }
    )*};
}

invalid! {
    reports_yaml_syntax_errors => "yaml-syntax",
    suggests_the_field_meant => "unknown-field",
    requires_a_title => "missing-title",
    reports_wrong_field_types => "wrong-type",
    reports_broken_links => "broken-link",
    reports_two_pages_on_one_url => "duplicate-url",
    rejects_unsafe_slugs_and_aliases => "unsafe-slug",
    rejects_unknown_language_suffixes => "unknown-language",
    reports_invalid_utf8 => "invalid-utf8",
    reports_unclosed_front_matter => "unclosed-front-matter",
    reports_empty_files => "empty-file",
    rejects_impossible_dates => "impossible-date",
    locates_template_syntax_errors => "template-syntax",
    locates_blocks_no_parent_defines => "template-unknown-block",
    names_the_page_of_a_template_runtime_error => "template-runtime",
    locates_data_file_errors => "data-yaml",
    rejects_unknown_site_keys => "site-yaml",
    collects_every_site_yaml_mistake => "site-yaml-values",
    requires_a_section_index => "missing-section-index",
    refuses_script_links => "script-link",
    locates_fluent_syntax_errors_and_duplicates => "fluent-syntax",
    fails_on_a_message_missing_everywhere => "fluent-missing-message",
    fails_on_a_missing_fluent_variable => "fluent-missing-variable",
    reports_a_list_where_text_is_expected => "type-list-for-text",
    reports_a_draft_that_is_not_a_boolean => "type-draft-maybe",
    reports_tags_that_are_not_a_list_of_names => "type-tags-not-a-list",
    reports_an_alias_list_that_is_text => "type-aliases-not-a-list",
    reports_a_fractional_weight_and_a_list_for_extra => "type-weight-and-dates",
    requires_an_event_start => "event-without-start",
    reports_an_event_start_that_is_not_a_date => "event-start-not-a-date",
    refuses_a_script_url_as_event_website => "event-url-script",
    reports_keys_written_twice => "duplicate-keys",
    reports_a_page_on_a_section_url => "duplicate-url-section",
    reports_a_page_on_a_taxonomy_url => "duplicate-url-taxonomy",
    reports_two_pages_on_one_url_in_a_section => "duplicate-url-in-section",
    reports_an_alias_on_the_file_of_a_page => "alias-on-a-page-file",
    reports_a_slug_on_a_generated_file => "slug-like-a-generated-file",
    rejects_unsafe_aliases => "unsafe-alias",
    locates_site_yaml_syntax_errors => "site-yaml-syntax",
    reports_missing_site_keys => "site-yaml-missing-keys",
    reports_wrong_site_value_types => "site-yaml-wrong-types",
    reports_wrong_nested_site_value_types => "site-yaml-wrong-types-nested",
    requires_at_least_one_language => "site-yaml-empty-languages",
    reports_an_empty_site_yaml => "site-yaml-empty",
    reports_every_broken_data_file => "data-yaml-several",
}
