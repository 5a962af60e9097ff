//! Publishing outputs of a fixture site, parsed back with independent parsers:
//! sitemap and feeds with roxmltree, calendars with `ical`, JSON with serde_json.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use diptych::BuildOptions;
use diptych::config::Config;
use diptych::sources::Sources;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Builds the `publish-site` fixture; returns the temp dir (keep it) and the output.
fn build() -> (tempfile::TempDir, PathBuf) {
    common::build("publish-site")
}

fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The file a URL of the site is served from.
fn file_of(out: &Path, url: &str) -> PathBuf {
    let path = url
        .strip_prefix("https://example.nl")
        .expect("absolute URL on the site");
    let path = percent_decode(path);
    let rel = path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        out.join(rel).join("index.html")
    } else {
        out.join(rel)
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// `<url>` entries of a urlset: loc → alternates (hreflang → href).
fn urlset(xml: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    doc.root_element()
        .children()
        .filter(|n| n.has_tag_name((SITEMAP_NS, "url")))
        .map(|u| {
            let loc = u
                .children()
                .find(|n| n.has_tag_name((SITEMAP_NS, "loc")))
                .and_then(|n| n.text())
                .unwrap()
                .to_string();
            let alts = u
                .children()
                .filter(|n| n.has_tag_name((XHTML_NS, "link")))
                .map(|l| {
                    (
                        l.attribute("hreflang").unwrap().to_string(),
                        l.attribute("href").unwrap().to_string(),
                    )
                })
                .collect();
            (loc, alts)
        })
        .collect()
}

#[test]
fn sitemap_lists_every_page_with_reciprocal_alternates() {
    let (_tmp, out) = build();
    let urls = urlset(&read(&out, "sitemap.xml"));
    for loc in [
        "https://example.nl/",
        "https://example.nl/nl/",
        "https://example.nl/en/news/first/",
        "https://example.nl/nl/onderwerpen/",
        "https://example.nl/nl/onderwerpen/energie/",
        "https://example.nl/en/topics/energy/",
        "https://example.nl/nl/agenda/zomerschool/",
    ] {
        assert!(urls.contains_key(loc), "{loc} missing");
    }
    assert!(
        !urls
            .keys()
            .any(|u| u.contains("/search/") || u.contains("/oud/"))
    );
    for (loc, alts) in &urls {
        assert!(file_of(&out, loc).is_file(), "{loc} has no file");
        if alts.is_empty() {
            continue;
        }
        // x-default: the default language's version where there is one, else the chooser.
        let x_default = alts.get("nl").map_or("https://example.nl/", String::as_str);
        assert_eq!(alts.get("x-default").map(String::as_str), Some(x_default));
        assert!(
            alts.values().any(|h| h == loc),
            "{loc} does not list itself"
        );
        for (lang, href) in alts.iter().filter(|(l, _)| *l != "x-default") {
            assert_eq!(urls[href], *alts, "{loc} → {lang} {href} is not reciprocal");
        }
    }
    // Terms are paired across languages by the pages they share.
    assert_eq!(
        urls["https://example.nl/nl/onderwerpen/energie/"]["en"],
        "https://example.nl/en/topics/energy/"
    );
    let sitemap = read(&out, "sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://example.nl/nl/nieuws/tweede/</loc><lastmod>2026-04-01</lastmod>"
        )
    );
    assert!(sitemap.contains("<lastmod>2026-10-20T12:00:00+02:00</lastmod>"));
}

/// The dev server's sitemap, made with the entries of the last one kept, is the one
/// made afresh, after edits of what an entry shows (a date, a URL, a new version).
#[test]
fn a_sitemap_with_kept_entries_is_the_sitemap_made_afresh() {
    let (_tmp, root) = common::site("publish-site");
    let mut memo = diptych::publish::sitemap::SitemapMemo::default();
    let mut check = |what: &str| {
        let config = Config::load(&root).unwrap();
        let sources = Sources::load(&config).unwrap();
        let site = diptych::generate(&config, sources, false).unwrap().site;
        let kept = diptych::publish::sitemap::render_with(&site, &config, 50_000, Some(&mut memo));
        let fresh = diptych::publish::sitemap::render(&site, &config, 50_000);
        assert_eq!(kept, fresh, "{what}");
    };
    check("the first build");
    check("nothing changed");
    let second = root.join("content/news/second.nl.md");
    let edit = |from: &str, to: &str| {
        let text = std::fs::read_to_string(&second).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&second, text.replacen(from, to, 1)).unwrap();
    };
    edit("updated: 2026-04-01", "updated: 2026-05-01");
    check("the last change of a page");
    edit("slug: tweede", "slug: tweede-bericht");
    check("a page's URL (its own entry and its other version's)");
    std::fs::remove_file(root.join("content/news/second.en.md")).unwrap();
    let first = root.join("content/news/first.en.md");
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, text.replacen("(second.md)", "(second.nl.md)", 1)).unwrap();
    check("a version removed (the other's alternates)");
}

#[test]
fn sitemap_becomes_an_index_past_the_limit() {
    let (_tmp, root) = common::site("publish-site");
    let config = Config::load(&root).unwrap();
    let sources = Sources::load(&config).unwrap();
    let generated = diptych::generate(&config, sources, false).unwrap();
    let whole = diptych::publish::sitemap::render(&generated.site, &config, 50_000);
    let all = urlset(std::str::from_utf8(&whole["sitemap.xml"]).unwrap());
    let split = diptych::publish::sitemap::render(&generated.site, &config, 7);
    let index = std::str::from_utf8(&split["sitemap.xml"]).unwrap();
    let doc = roxmltree::Document::parse(index).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let children: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAP_NS, "loc")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(children.len(), all.len().div_ceil(7));
    let mut merged = BTreeMap::new();
    for child in children {
        let name = child.strip_prefix("https://example.nl/").unwrap();
        let part = urlset(std::str::from_utf8(&split[name]).unwrap());
        assert!(part.len() <= 7);
        merged.extend(part);
    }
    assert_eq!(merged, all);
}

#[test]
fn feeds_hold_the_newest_dated_pages_of_the_chosen_sections() {
    let (_tmp, out) = build();
    let xml = read(&out, "nl/atom.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM_NS, "feed")));
    assert_eq!(
        feed.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some("nl")
    );
    let title = feed.children().find(|n| n.has_tag_name((ATOM_NS, "title")));
    assert_eq!(title.and_then(|t| t.text()), Some("Voorbeeldstad"));
    let entries: Vec<(String, String)> = feed
        .children()
        .filter(|n| n.has_tag_name((ATOM_NS, "entry")))
        .map(|e| {
            let t = e.children().find(|n| n.has_tag_name((ATOM_NS, "title")));
            let l = e.children().find(|n| n.has_tag_name((ATOM_NS, "link")));
            (
                t.and_then(|t| t.text()).unwrap().to_string(),
                l.and_then(|l| l.attribute("href")).unwrap().to_string(),
            )
        })
        .collect();
    // limit 2, newest first; `about/` is not among `feeds.sections`.
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries[0].0.starts_with("Zomerschool"));
    assert_eq!(entries[1].0, "Waterstofdag 2027");
    for (_, href) in &entries {
        assert!(href.starts_with("https://example.nl/nl/"));
        assert!(file_of(&out, href).is_file(), "{href}");
    }
    let en = read(&out, "en/atom.xml");
    assert!(en.contains("xml:lang=\"en\"") && en.contains("<title>Example City</title>"));
}

/// A parsed calendar: its events as property name → (params, value).
type Props = BTreeMap<String, (Vec<(String, Vec<String>)>, String)>;

fn calendar(text: &str) -> Vec<Props> {
    let reader = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let mut cals: Vec<_> = reader.map(|c| c.unwrap()).collect();
    assert_eq!(cals.len(), 1);
    let cal = cals.remove(0);
    assert_eq!(cal.timezones.len(), 1);
    cal.events
        .into_iter()
        .map(|e| {
            e.properties
                .into_iter()
                .map(|p| {
                    (
                        p.name,
                        (p.params.unwrap_or_default(), p.value.unwrap_or_default()),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn calendars_parse_back_with_stable_uids_and_amsterdam_times() {
    let (_tmp, out) = build();
    let nl_text = read(&out, "nl/events.ics");
    assert!(nl_text.ends_with("\r\n") && !nl_text.replace("\r\n", "").contains('\n'));
    for line in nl_text.split("\r\n") {
        assert!(line.len() <= 75, "{line:?} is longer than 75 octets");
    }
    assert!(nl_text.contains("\r\n "), "the long title should be folded");
    let nl = calendar(&nl_text);
    let en = calendar(&read(&out, "en/events.ics"));
    assert_eq!(nl.len(), 2);
    let hydrogen = &nl[0];
    assert_eq!(hydrogen["UID"].1, "calendar/hydrogen-day-2027@example.nl");
    assert!(en.iter().any(|e| e["UID"].1 == hydrogen["UID"].1));
    let (params, value) = &hydrogen["DTSTART"];
    assert_eq!(value, "20270318T093000");
    assert_eq!(
        params,
        &[("TZID".to_string(), vec!["Europe/Amsterdam".to_string()])]
    );
    assert_eq!(hydrogen["DTSTAMP"].1, "20261004T220000Z");
    assert_eq!(
        hydrogen["LOCATION"].1, "Groningen\\, Zernike\\; zaal 1",
        "ical keeps TEXT escapes"
    );
    assert_eq!(
        hydrogen["URL"].1,
        "https://example.nl/nl/agenda/waterstofdag-2027/"
    );
    // 07:00Z in July is 09:00 summer time in Amsterdam.
    let summer = &nl[1];
    assert_eq!(summer["DTSTART"].1, "20270701T090000");
    assert!(summer["SUMMARY"].1.ends_with("🌞 om het vouwen te testen"));
    let open = en.iter().find(|e| e["SUMMARY"].1 == "Open day").unwrap();
    assert_eq!(
        open["DTSTART"],
        (
            vec![("VALUE".into(), vec!["DATE".into()])],
            "20270115".into()
        )
    );
    assert_eq!(open["DTEND"].1, "20270117");
    let single = calendar(&read(&out, "en/calendar/hydrogen-day-2027/event.ics"));
    assert_eq!(single.len(), 1);
    assert_eq!(single[0]["UID"], hydrogen["UID"]);
    assert_eq!(
        single[0]["URL"].1,
        "https://example.nl/en/calendar/hydrogen-day-2027/"
    );
}

/// The text of every `<script type="application/ld+json">` element in a page.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| {
            let json = rest.split("</script>").next().unwrap();
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
        })
        .collect()
}

#[test]
fn json_ld_cannot_break_out_of_its_script_element() {
    let (_tmp, out) = build();
    let html = read(&out, "nl/agenda/waterstofdag-2027/index.html");
    assert_eq!(
        html.matches("<script>").count(),
        0,
        "content opened a script"
    );
    let ld = json_ld(&html);
    assert_eq!(ld.len(), 1);
    assert_eq!(ld[0]["@type"], "Event");
    assert!(
        ld[0]["description"]
            .as_str()
            .unwrap()
            .contains("</script><script>alert(1)</script> & meer")
    );
    assert_eq!(ld[0]["startDate"], "2027-03-18T09:30:00+01:00");
    assert_eq!(ld[0]["inLanguage"], "nl-NL");
    let home = json_ld(&read(&out, "en/index.html"));
    let graph = home[0]["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["@type"], "WebSite");
    assert_eq!(graph[0]["inLanguage"], "en-GB");
    assert_eq!(graph[0]["name"], "Example City");
    assert_eq!(graph[1]["@type"], "Organization");
    assert!(json_ld(&read(&out, "nl/nieuws/eerste/index.html")).is_empty());
}

#[test]
fn events_are_in_the_context_by_start() {
    let (_tmp, out) = build();
    let home = read(&out, "nl/index.html");
    let a = home.find("Waterstofdag 2027").unwrap();
    let b = home.find("Zomerschool").unwrap();
    assert!(a < b);
}

#[test]
fn aliases_redirect_in_the_target_language() {
    let (_tmp, out) = build();
    let html = read(&out, "oud/eerste-bericht/index.html");
    let target = "https://example.nl/nl/nieuws/eerste/";
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains(&format!(
        "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
    )));
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{target}\">")));
    assert!(html.contains(&format!("<a href=\"{target}\">Eerste bericht</a>")));
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
}

#[test]
fn robots_txt_points_at_the_sitemap() {
    let (_tmp, out) = build();
    assert!(read(&out, "robots.txt").contains("Sitemap: https://example.nl/sitemap.xml\n"));
}

#[test]
fn assets_get_content_hashed_names() {
    let (_tmp, out) = build();
    let html = read(&out, "nl/nieuws/eerste/index.html");
    let href = html
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap();
    assert!(
        href.starts_with("/css/site.") && href.ends_with(".css") && href.len() == 22,
        "{href}"
    );
    assert_eq!(
        fs::read(out.join(&href[1..])).unwrap(),
        fs::read(common::fixture("publish-site/static/css/site.css")).unwrap()
    );
    assert!(
        !out.join("css/site.css").exists(),
        "the unhashed original is published"
    );
    // The stylesheet names img/dot.png relatively, so the original stays.
    assert!(out.join("img/dot.png").exists());
    let search = read(&out, "nl/search/index.html");
    let script = search
        .split("<script src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(script.starts_with("/search.") && out.join(&script[1..]).is_file());
    assert!(!out.join("search.js").exists());
}

#[test]
fn asset_names_a_missing_file_with_a_suggestion() {
    let (_tmp, root) = common::site("publish-site");
    fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block content %}{{ asset(path='css/sité.css') }}{% endblock %}",
    )
    .unwrap();
    let err = diptych::build(&BuildOptions {
        root: root.clone(),
        out: Some(root.parent().unwrap().join("public")),
        ..BuildOptions::default()
    })
    .unwrap_err();
    let text = format!("{err:?}");
    assert!(text.contains("no static file `css/sité.css`"), "{text}");
    assert!(text.contains("did you mean `css/site.css`?"), "{text}");
}

#[test]
fn search_index_holds_folded_words_and_same_language_pages() {
    let (_tmp, out) = build();
    let index: serde_json::Value =
        serde_json::from_str(&read(&out, "nl/search-index.json")).unwrap();
    let pages = index["pages"].as_array().unwrap();
    assert!(
        pages
            .iter()
            .all(|p| p[1].as_str().unwrap().starts_with("/nl/"))
    );
    let words = index["words"].as_object().unwrap();
    // Page numbers are written as gaps: decode them back.
    let pages_with = |word: &str| -> Vec<String> {
        let mut id = 0;
        words[word]
            .as_array()
            .unwrap()
            .iter()
            .map(|gap| {
                id += gap.as_u64().unwrap() as usize;
                pages[id][0].as_str().unwrap().to_string()
            })
            .collect()
    };
    assert_eq!(pages_with("cooperatie"), ["Eerste bericht"]);
    assert_eq!(pages_with("bericht"), ["Eerste bericht", "Tweede bericht"]);
    assert!(!words.contains_key("coöperatie"));
    assert!(out.join("en/search/index.html").is_file());
}

#[test]
fn taxonomy_and_term_pages_have_alternates() {
    let (_tmp, out) = build();
    let html = read(&out, "nl/onderwerpen/index.html");
    assert!(html.contains("hreflang=\"en\" href=\"https://example.nl/en/topics/\""));
    let term = read(&out, "en/topics/energy/index.html");
    assert!(term.contains("hreflang=\"nl\" href=\"https://example.nl/nl/onderwerpen/energie/\""));
}

#[test]
fn unknown_feed_sections_and_keys_are_errors() {
    let (_tmp, root) = common::site("publish-site");
    let yaml = fs::read_to_string(root.join("site.yaml")).unwrap();
    fs::write(
        root.join("site.yaml"),
        yaml.replace("[news, calendar]", "[news, nieuws]"),
    )
    .unwrap();
    let err = diptych::build(&BuildOptions {
        root: root.clone(),
        out: Some(root.parent().unwrap().join("public")),
        ..BuildOptions::default()
    })
    .unwrap_err();
    assert!(format!("{err:?}").contains("`feeds.sections` names `nieuws`"));
    let bad = yaml.replace("limit: 2", "limt: 2");
    let errs = Config::parse(&root, &bad).unwrap_err();
    assert!(
        errs[0].message.contains("unknown field `limt`"),
        "{:?}",
        errs[0]
    );
}

#[test]
fn same_input_gives_identical_bytes_in_different_directories() {
    let (_a, one) = build();
    let (_b, two) = build();
    let files = |dir: &Path| -> BTreeSet<String> {
        common::flatten(dir)
            .lines()
            .filter(|l| l.starts_with("== "))
            .map(str::to_string)
            .collect()
    };
    assert!(files(&one).contains("== nl/events.ics =="));
    assert_eq!(common::flatten(&one), common::flatten(&two));
}

#[test]
fn publishes_the_whole_fixture_as_reviewed() {
    let (_tmp, out) = build();
    insta::assert_snapshot!(common::flatten(&out));
}

#[test]
fn a_page_named_like_a_generated_file_is_an_error() {
    let (_tmp, root) = common::site("publish-site");
    fs::write(
        root.join("content/feed.nl.md"),
        "---\ntitle: Feed\nslug: atom.xml\n---\nTekst.\n",
    )
    .unwrap();
    let err = diptych::build(&BuildOptions {
        root: root.clone(),
        out: Some(root.parent().unwrap().join("public")),
        ..BuildOptions::default()
    })
    .unwrap_err();
    let text = format!("{err:?}");
    assert!(
        text.contains(
            "nl/atom.xml is a file of the built site and also the folder of nl/atom.xml/index.html"
        ),
        "{text}"
    );
    assert!(text.contains("content/feed.nl.md"), "{text}");
}
