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

/// The bundled site's calendar section lists its own events (`page.events`) by start:
/// without a today in one list, with one split into upcoming (soonest first) and past
/// (latest first); its other pages are not among them.
#[test]
fn the_bundled_calendar_lists_its_events_by_start_split_at_today() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    for part in ["content", "data", "locales", "themes"] {
        common::copy_dir(&repo.join(part), &root.join(part));
    }
    for file in ["site.yaml", "translations.lock"] {
        std::fs::copy(repo.join(file), root.join(file)).unwrap();
    }
    // The last event to start comes first in the section's own order.
    let career = root.join("content/calendar/make-it-in-the-north-2027.en.md");
    let text = std::fs::read_to_string(&career).unwrap();
    std::fs::write(&career, text.replacen("weight: 5", "weight: -1", 1)).unwrap();
    let titles = |today: Option<&str>| -> Vec<Vec<String>> {
        let out = tmp.path().join("public");
        diptych::build(&diptych::BuildOptions {
            root: root.clone(),
            out: Some(out.clone()),
            today: today.map(str::to_string),
            ..Default::default()
        })
        .unwrap();
        let html = std::fs::read_to_string(out.join("en/calendar/index.html")).unwrap();
        // Each event list, as the titles of its entries in order.
        html.split("<ol class=\"event-list")
            .skip(1)
            .map(|list| {
                let list = &list[..list.find("</ol>").unwrap()];
                list.split("<h3><a href=\"")
                    .skip(1)
                    .map(|e| e[e.find('>').unwrap() + 1..e.find("</a>").unwrap()].to_string())
                    .collect()
            })
            .collect()
    };
    let welcome = "Welcome Day for new internationals 2025";
    let startup = "Digital economy startup evening";
    let hydrogen = "Northern Netherlands Hydrogen Day 2027";
    let ageing = "Healthy ageing networking afternoon";
    let career = "Make it in the North Career Day 2027";
    assert_eq!(
        titles(None),
        [vec![welcome, startup, hydrogen, ageing, career]]
    );
    assert_eq!(
        titles(Some("2026-11-26")),
        [vec![hydrogen, ageing, career], vec![startup, welcome]]
    );
}

/// The site `root` built in memory and written at the end (what `diptych check`
/// and the dev server build), into `out`; with its warnings.
fn build_in_memory(root: &std::path::Path, out: &std::path::Path) -> Vec<String> {
    let mut config = diptych::config::Config::load(root).unwrap();
    config.today = Some(diptych::date::DateTime::parse("2026-11-27").unwrap());
    let sources = diptych::sources::Sources::load(&config).unwrap();
    let generated = diptych::generate(&config, sources, false).unwrap();
    generated.output.write(out).unwrap();
    generated.warnings.iter().map(|d| d.to_string()).collect()
}

#[test]
fn a_build_that_writes_each_page_as_rendered_gives_what_one_written_at_the_end_gives() {
    let mut cases: Vec<(tempfile::TempDir, std::path::PathBuf)> = [
        "pairing",
        "link-rewriting",
        "localized-slugs",
        "broken-anchor",
    ]
    .map(common::site)
    .into();
    // Static files, one linked by its plain name only from a page; a template link to
    // an id another page lacks (a warning of the built output's link check).
    let (tmp, root) = common::site("publish-site");
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("static/img/alleen.png", "png");
    write(
        "content/stip.nl.md",
        "---\ntitle: Stip\ntranslate: false\n---\n![stip](/img/alleen.png)\n",
    );
    let page = std::fs::read_to_string(root.join("templates/page.html")).unwrap();
    write(
        "templates/page.html",
        &page.replace(
            "{% endblock %}",
            "<a href=\"/nl/#nergens\">x</a>{% endblock %}",
        ),
    );
    cases.push((tmp, root));
    // And the bundled site.
    let here = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    cases.push((tempfile::tempdir().unwrap(), here));
    for (tmp, root) in &cases {
        let tmp = tmp.path();
        let streamed = tmp.join("streamed");
        let opts = diptych::BuildOptions {
            root: root.clone(),
            out: Some(streamed.clone()),
            today: Some("2026-11-27".into()),
            ..diptych::BuildOptions::default()
        };
        let report = diptych::build(&opts).unwrap();
        let kept = tmp.join("kept");
        let warnings = build_in_memory(root, &kept);
        let streamed_warnings: Vec<String> =
            report.warnings.iter().map(|d| d.to_string()).collect();
        assert_eq!(streamed_warnings, warnings, "{}", root.display());
        assert_eq!(
            common::flatten(&streamed),
            common::flatten(&kept),
            "{}",
            root.display()
        );
    }
    let (publish_site, _) = &cases[4];
    let streamed = publish_site.path().join("streamed");
    assert!(streamed.join("img/alleen.png").is_file());
    let warnings = build_in_memory(&cases[4].1, &publish_site.path().join("again"));
    assert!(
        warnings.iter().any(|w| w.contains("`/nl/#nergens`")),
        "{warnings:?}"
    );
}
