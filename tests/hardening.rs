//! Hardening: every bad input answered clearly, nothing lost, nothing unsafe published.
//!
//! The real binary (with a timeout, so a hang fails instead of stalling the suite) for
//! exit codes and resource limits; the library for unusual but valid sites, the atomic
//! output swap, sanitized HTML and escaped attributes; proptest for URL building.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diptych::BuildOptions;

/// What a run of the binary printed and how it ended.
struct Run {
    code: Option<i32>,
    stderr: String,
}

/// Runs `diptych ARGS`; kills it and fails the test when it is not done within `limit`.
fn run_within(limit: Duration, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let err_path = dir.path().join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_diptych"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("diptych {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    assert!(
        !stderr.contains("panicked"),
        "diptych {args:?} panicked: {stderr}"
    );
    Run {
        code: status.code(),
        stderr,
    }
}

const LIMIT: Duration = Duration::from_secs(60);

fn build_cli(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "--root",
        root.to_str().unwrap(),
        "build",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_within(LIMIT, &args)
}

fn build_lib(root: &Path, out: &Path) -> diptych::error::Result<diptych::Report> {
    diptych::build(&BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        ..BuildOptions::default()
    })
}

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ntranslate: false\n---\n{body}\n")
}

// ---- exit codes ----------------------------------------------------------------------

#[test]
fn no_invalid_case_panics_or_exits_with_anything_but_1() {
    let dir = common::fixture("invalid");
    let mut cases: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    for case in cases {
        let (tmp, root) = common::site(&format!("invalid/{case}"));
        let r = build_cli(&root, &tmp.path().join("public"), &[]);
        assert_eq!(r.code, Some(1), "build {case}: {}", r.stderr);
        let root = root.to_str().unwrap();
        let r = run_within(LIMIT, &["--root", root, "check", "--format", "json"]);
        assert_eq!(r.code, Some(1), "check {case}: {}", r.stderr);
    }
}

#[test]
fn strict_fails_on_a_fragment_that_matches_no_heading() {
    let (tmp, root) = common::site("broken-anchor");
    let out = tmp.path().join("public");
    let r = build_cli(&root, &out, &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`#nergens` matches no heading in content/b.nl.md")
            && r.stderr
                .contains("`#ook-niet` matches no heading in this page"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("`#kop`"), "{}", r.stderr);
    let before = common::flatten(&out);
    let r = build_cli(&root, &out, &["--strict"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("build failed: 0 error(s), 2 warning(s)"),
        "{}",
        r.stderr
    );
    assert_eq!(common::flatten(&out), before);
}

#[test]
fn a_missing_theme_folder_is_a_usage_error() {
    let (tmp, root) = common::site("_shared");
    fs::write(
        root.join("site.yaml"),
        fs::read_to_string(root.join("site.yaml"))
            .unwrap()
            .replace("theme: plain", "theme: verdwenen"),
    )
    .unwrap();
    let r = build_cli(&root, &tmp.path().join("public"), &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("theme `verdwenen` not found: no folder themes/verdwenen"),
        "{}",
        r.stderr
    );
    assert!(!tmp.path().join("public").exists());
}

#[test]
fn an_output_that_is_a_file_or_the_filesystem_root_is_a_usage_error() {
    let (tmp, root) = common::site("_shared");
    let file = tmp.path().join("public");
    fs::write(&file, "not a folder").unwrap();
    let r = build_cli(&root, &file, &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a folder");
    let r = build_cli(&root, Path::new("/"), &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
}

// ---- resource limits -----------------------------------------------------------------

/// YAML whose aliases expand to 10^9 nodes ("billion laughs"), under `key`.
fn yaml_bomb(key: &str) -> String {
    let mut y = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let p = format!("*a{}", i - 1);
        let list = [p.as_str(); 10].join(", ");
        y.push_str(&format!("a{i}: &a{i} [{list}]\n"));
    }
    y.push_str(&format!(
        "{key}: [*a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8]\n"
    ));
    y
}

#[test]
fn yaml_alias_bombs_are_rejected_quickly() {
    let limit = Duration::from_secs(20);
    let bombs: [(&str, String); 3] = [
        (
            "content/a.nl.md",
            format!(
                "---\ntitle: Bom\nextra:\n{}---\n",
                yaml_bomb("x")
                    .lines()
                    .map(|l| format!("  {l}\n"))
                    .collect::<String>()
            ),
        ),
        ("data/bomb.yaml", yaml_bomb("x")),
        (
            "site.yaml",
            format!(
                "{}base_url: https://example.nl\ntheme: plain\nlanguages: [{{code: nl, name: N}}]\n",
                yaml_bomb("taxonomies_x")
            ),
        ),
    ];
    for (file, text) in bombs {
        let (tmp, root) = common::site("_shared");
        write(&root, file, &text);
        let out = tmp.path().join("public");
        let args = [
            "--root",
            root.to_str().unwrap(),
            "build",
            "--out",
            out.to_str().unwrap(),
        ];
        let r = run_within(limit, &args);
        assert_eq!(r.code, Some(1), "{file}: {}", r.stderr);
        assert!(r.stderr.contains(file), "{file}: {}", r.stderr);
    }
}

#[test]
fn pathological_markdown_builds_without_hanging_or_overflowing() {
    let (tmp, root) = common::site("_shared");
    let n = 50_000;
    let bodies = [
        ("quotes", ">".repeat(n)),
        (
            "lists",
            (0..2_000)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect(),
        ),
        ("brackets", "[".repeat(n) + &"]".repeat(n)),
        ("emphasis", "*a ".repeat(n) + &"b* ".repeat(n)),
        ("links", "[a](b.md ".repeat(n / 10)),
        ("backticks", "`".repeat(n)),
        ("divs", "<div>".repeat(n)),
        ("spans", "<span>x".repeat(n)),
        ("table", {
            let cols = 500;
            let mut t = format!("|{}\n|{}\n", "h|".repeat(cols), "-|".repeat(cols));
            for _ in 0..500 {
                t.push_str(&format!("|{}\n", "x|".repeat(cols)));
            }
            t
        }),
    ];
    for (name, body) in &bodies {
        write(&root, &format!("content/{name}.nl.md"), page(name, body));
    }
    let r = build_cli(&root, &tmp.path().join("public"), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(tmp.path().join("public/nl/table/index.html").is_file());
}

// ---- unusual but valid input ---------------------------------------------------------

#[test]
fn builds_byte_order_marks_crlf_tabs_and_non_ascii_names() {
    let (tmp, root) = common::site("unusual-input");
    let out = tmp.path().join("public");
    build_lib(&root, &out).unwrap();
    let home = fs::read_to_string(out.join("nl/index.html")).unwrap();
    assert!(home.contains("<title>Thuis</title>"), "{home}");
    let coop = fs::read_to_string(out.join("nl/coöperatie/index.html")).unwrap();
    assert!(coop.contains("<title>Coöperatie</title>"), "{coop}");
    assert!(coop.contains("<pre><code>code met tab"), "{coop}");
    assert!(coop.contains("href=\"/nl/Belgi%C3%AB/\""), "{coop}");
    let gent = fs::read_to_string(out.join("nl/België/gent-brugge/index.html")).unwrap();
    assert!(gent.contains("<title>Gent &amp; Brugge</title>"), "{gent}");
    assert!(gent.contains("<h2 id=\"eerste-kop\">"), "{gent}");
    let all = common::flatten(&out);
    assert!(
        !all.contains('\u{feff}'),
        "a byte order mark reached the output"
    );
    assert!(out.join("nl/onderwerpen/coöperatie/index.html").is_file());
}

#[test]
fn builds_a_page_with_a_one_megabyte_line() {
    let (tmp, root) = common::site("_shared");
    let line = "woord ".repeat(1 << 18);
    write(&root, "content/lang.nl.md", page("Lang", &line));
    let out = tmp.path().join("public");
    build_lib(&root, &out).unwrap();
    let html = fs::read_to_string(out.join("nl/lang/index.html")).unwrap();
    assert!(html.len() > 1 << 20);
}

#[test]
fn builds_a_twenty_megabyte_page() {
    let (tmp, root) = common::site("_shared");
    let mut body = String::with_capacity(21 << 20);
    let mut i = 0;
    while body.len() < 20 << 20 {
        body.push_str(&format!(
            "## Kop {i}\n\nAlinea {i} met *nadruk*, `code` en een [link](https://example.nl/{i}).\n\n"
        ));
        i += 1;
    }
    write(&root, "content/groot.nl.md", page("Groot", &body));
    let out = tmp.path().join("public");
    build_lib(&root, &out).unwrap();
    let html = fs::read_to_string(out.join("nl/groot/index.html")).unwrap();
    assert!(html.contains(&format!("id=\"kop-{}\"", i - 1)));
}

#[test]
fn builds_sections_nested_twenty_deep() {
    let (tmp, root) = common::site("_shared");
    let mut dir = String::from("content");
    for level in 1..=20 {
        dir.push_str(&format!("/n{level}"));
        write(
            &root,
            &format!("{dir}/_index.nl.md"),
            page(&format!("Niveau {level}"), ""),
        );
    }
    write(
        &root,
        &format!("{dir}/blad.nl.md"),
        page("Blad", "[top](/_index.md)"),
    );
    let out = tmp.path().join("public");
    build_lib(&root, &out).unwrap();
    let path: Vec<String> = (1..=20).map(|l| format!("n{l}")).collect();
    let leaf = out.join("nl").join(path.join("/")).join("blad/index.html");
    let html = fs::read_to_string(&leaf).unwrap();
    assert!(
        html.contains("Niveau 20</a>") && html.contains("Niveau 1</a>"),
        "{html}"
    );
}

#[cfg(unix)]
#[test]
fn ignores_symlink_loops_and_links_out_of_the_site() {
    use std::os::unix::fs::symlink;
    let (tmp, root) = common::site("_shared");
    write(&root, "content/echt.nl.md", page("Echt", ""));
    symlink(root.join("content"), root.join("content/lus")).unwrap();
    symlink("zelf", root.join("content/zelf")).unwrap();
    let outside = tmp.path().join("buiten.nl.md");
    fs::write(&outside, page("Buiten", "")).unwrap();
    symlink(&outside, root.join("content/buiten.nl.md")).unwrap();
    let out = tmp.path().join("public");
    let r = build_cli(&root, &out, &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(out.join("nl/echt/index.html").is_file());
    assert!(!out.join("nl/lus").exists() && !out.join("nl/buiten").exists());
}

// ---- nothing lost --------------------------------------------------------------------

/// A site of many pages; `boom` adds one whose template fails while rendering.
fn many_pages(root: &Path, boom: bool) {
    for i in 0..40 {
        write(
            root,
            &format!("content/p{i:02}.nl.md"),
            page(&format!("Pagina {i}"), "Tekst."),
        );
    }
    if boom {
        write(
            root,
            "templates/boom.html",
            "<p>{{ page.extra.subtitle | upper }}</p>",
        );
        write(
            root,
            "content/p99.nl.md",
            "---\ntitle: Kapot\ntemplate: boom.html\ntranslate: false\n---\n",
        );
    }
}

#[test]
fn a_build_failing_while_rendering_leaves_the_previous_output_byte_identical() {
    let (tmp, root) = common::site("_shared");
    many_pages(&root, false);
    let out = tmp.path().join("public");
    assert_eq!(build_cli(&root, &out, &[]).code, Some(0));
    let before = common::flatten(&out);
    many_pages(&root, true);
    let r = build_cli(&root, &out, &[]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("boom.html"), "{}", r.stderr);
    assert_eq!(common::flatten(&out), before);
    let beside: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside.len(), 2, "left beside the output: {beside:?}");
}

#[test]
fn an_output_in_folders_not_made_yet_is_made_only_by_a_build_that_succeeds() {
    let (tmp, root) = common::site("_shared");
    many_pages(&root, true);
    let far = tmp.path().join("nog/niet");
    let r = build_cli(&root, &far.join("public"), &[]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(!tmp.path().join("nog").exists());
    many_pages(&root, false);
    fs::remove_file(root.join("content/p99.nl.md")).unwrap();
    build_lib(&root, &far.join("public")).unwrap();
    build_lib(&root, &tmp.path().join("public")).unwrap();
    assert_eq!(
        common::flatten(&far.join("public")),
        common::flatten(&tmp.path().join("public"))
    );
}

#[cfg(unix)]
#[test]
fn writes_to_an_output_on_another_mount() {
    use std::os::unix::fs::MetadataExt;
    let (tmp, root) = common::site("_shared");
    let shm = Path::new("/dev/shm");
    let other =
        shm.is_dir() && fs::metadata(shm).unwrap().dev() != fs::metadata(tmp.path()).unwrap().dev();
    if !other {
        eprintln!(
            "note: no second mount (/dev/shm) beside {}; skipped",
            tmp.path().display()
        );
        return;
    }
    let Ok(far) = tempfile::tempdir_in(shm) else {
        eprintln!("note: /dev/shm is not writable; skipped");
        return;
    };
    let out = far.path().join("public");
    build_lib(&root, &out).unwrap();
    write(&root, "content/nieuw.nl.md", page("Nieuw", ""));
    build_lib(&root, &out).unwrap();
    assert!(out.join("nl/nieuw/index.html").is_file());
    let beside: Vec<_> = fs::read_dir(far.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["public"]);
}

#[cfg(unix)]
#[test]
fn removes_stale_temporary_folders_and_nothing_else() {
    use std::os::unix::fs::symlink;
    let (tmp, root) = common::site("_shared");
    let base = tmp.path();
    write(
        base,
        ".public.diptych-tmp-dead01/nl/index.html",
        "half a build",
    );
    // Named for a process that has ended (a running one's folders are left alone).
    let mut ended = std::process::Command::new("true").spawn().unwrap();
    let old = format!(".public.diptych-old-{}", ended.id());
    ended.wait().unwrap();
    write(base, &format!("{old}/index.html"), "an old build");
    write(
        base,
        ".public.diptych-tmp-file",
        "a file, not ours to remove",
    );
    write(base, "kostbaar/bewaar.txt", "precious");
    symlink(base.join("kostbaar"), base.join(".public.diptych-tmp-link")).unwrap();
    write(base, "naast-public.txt", "a sibling");
    write(base, ".publicity/x.txt", "a sibling with a similar name");
    let out = base.join("public");
    build_lib(&root, &out).unwrap();
    assert!(!base.join(".public.diptych-tmp-dead01").exists());
    assert!(!base.join(&old).exists());
    assert!(base.join(".public.diptych-tmp-file").is_file());
    assert_eq!(
        fs::read_to_string(base.join("kostbaar/bewaar.txt")).unwrap(),
        "precious"
    );
    assert!(base.join(".public.diptych-tmp-link").is_symlink());
    assert!(base.join("naast-public.txt").is_file() && base.join(".publicity/x.txt").is_file());
    assert!(out.join("nl/index.html").is_file());
}

#[test]
fn refuses_an_output_folder_that_is_a_git_repository() {
    let (tmp, root) = common::site("_shared");
    let home = tmp.path().join("home");
    write(&home, ".git/HEAD", "ref: refs/heads/main\n");
    write(&home, ".bashrc", "export X=1\n");
    let r = build_cli(&root, &home, &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is a git repository"), "{}", r.stderr);
    assert!(home.join(".bashrc").is_file() && home.join(".git/HEAD").is_file());
}

// ---- nothing unsafe published --------------------------------------------------------

/// `href`/`src`/`action`-like attribute values in `html` that a browser would run as
/// script or load as a document: after entity decoding and the whitespace and control
/// characters browsers drop, they start with `javascript:`, `vbscript:` or `data:`.
fn dangerous_urls(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = html.to_ascii_lowercase();
    for attr in [
        "href=",
        "src=",
        "action=",
        "formaction=",
        "xlink:href=",
        "data=",
    ] {
        for (i, _) in lower.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            let value = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
                _ => rest.split([' ', '>']).next().unwrap_or(""),
            };
            let decoded = value
                .replace("&#115;", "s")
                .replace("&#x6a;", "j")
                .replace("&#x6A;", "j")
                .replace("&colon;", ":")
                .replace("&#58;", ":");
            let plain: String = decoded
                .chars()
                .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if ["javascript:", "vbscript:", "data:"]
                .iter()
                .any(|s| plain.starts_with(s))
            {
                found.push(value.to_string());
            }
        }
    }
    found
}

#[test]
fn sanitizes_raw_html_by_default() {
    let (tmp, root) = common::site("hostile-html");
    let out = tmp.path().join("public");
    build_lib(&root, &out).unwrap();
    let html = fs::read_to_string(out.join("nl/a/index.html")).unwrap();
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script",
        "<iframe",
        "<object",
        "<embed",
        "<style",
        "<form",
        "srcdoc",
        "onerror",
        "onload",
        "onclick",
        "onmouseover",
        "javascript:",
        "vbscript:",
    ] {
        assert!(!lower.contains(bad), "`{bad}` survived:\n{html}");
    }
    assert_eq!(dangerous_urls(&html), Vec::<String>::new(), "{html}");
    assert!(html.contains("kept <em>emphasis</em>"), "{html}");
    assert!(html.contains("href=\"https://example.nl/\""), "{html}");
}

#[test]
fn unsafe_html_true_keeps_raw_html() {
    let (tmp, root) = common::site("hostile-html");
    let site = fs::read_to_string(root.join("site.yaml")).unwrap();
    fs::write(root.join("site.yaml"), format!("{site}unsafe_html: true\n")).unwrap();
    let out = tmp.path().join("public");
    build_lib(&root, &out).unwrap();
    let html = fs::read_to_string(out.join("nl/a/index.html")).unwrap();
    assert!(
        html.contains("<iframe src=\"https://evil.example/\">"),
        "{html}"
    );
    assert!(html.contains("<span onclick=\"alert(1)\">"), "{html}");
}

#[test]
fn refuses_script_and_data_urls_in_markdown_links_and_images() {
    use diptych::markdown;
    use diptych::sources::PageKey;
    let key = PageKey::new("a");
    for dest in [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#115;cript:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "<javascript:alert(1)>",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        "![x](JAVASCRIPT:alert(1))",
        "[x]\n\n[x]: javascript:alert(1)",
    ] {
        let (md, problems) = markdown::render(dest, 0, &key, &["nl"], true);
        assert!(!problems.is_empty(), "{dest} was accepted: {}", md.html);
        assert_eq!(dangerous_urls(&md.html), Vec::<String>::new(), "{dest}");
    }
    for dest in [
        "[x](< javascript:alert(1)>)",
        "[x](<java\tscript:alert(1)>)",
        "[x](<\u{1}javascript:alert(1)>)",
        "[x](\\javascript:alert(1))",
    ] {
        let (md, _) = markdown::render(dest, 0, &key, &["nl"], true);
        assert_eq!(
            dangerous_urls(&md.html),
            Vec::<String>::new(),
            "{dest}: {}",
            md.html
        );
    }
}

#[test]
fn rejects_slugs_with_quotes_and_markup() {
    let (tmp, root) = common::site("_shared");
    for (i, slug) in ["'a\"b'", "\"<b>\"", "\"a'b\"", "\"x&y\""]
        .iter()
        .enumerate()
    {
        write(
            &root,
            &format!("content/p{i}.nl.md"),
            format!("---\ntitle: T\nslug: {slug}\n---\n"),
        );
    }
    let r = build_cli(&root, &tmp.path().join("public"), &[]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.stderr
            .matches("cannot be used as one URL segment")
            .count(),
        4,
        "{}",
        r.stderr
    );
}

/// Builds hostile titles, descriptions, tags and event fields with the bundled
/// `groningen` theme and its Fluent files, and checks every HTML and XML file.
#[test]
fn the_bundled_theme_escapes_hostile_text() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::copy_dir(&common::fixture("hostile-titles"), &root);
    common::copy_dir(
        &repo.join("themes/groningen"),
        &root.join("themes/groningen"),
    );
    common::copy_dir(&repo.join("locales"), &root.join("locales"));
    fs::copy(repo.join("site.yaml"), root.join("site.yaml")).unwrap();
    let out = tmp.path().join("public");
    if let Err(e) = build_lib(&root, &out) {
        panic!("{e}: {e:?}");
    }
    let mut files = Vec::new();
    collect_files(&out, &mut files);
    let mut holes = Vec::new();
    for f in &files {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["html", "xml"].contains(&ext) {
            continue;
        }
        let text = fs::read_to_string(f).unwrap();
        for bad in [
            "<script>alert(1)",
            "</script><script>",
            "\" onmouseover=\"alert(1)",
            "' onmouseover='alert(1)",
            "<img src=x onerror",
            "'><img",
            "\" onerror=\"alert(1)",
            "<b>&amp;",
        ] {
            if text.contains(bad) {
                holes.push(format!(
                    "{}: `{bad}`",
                    f.strip_prefix(&out).unwrap().display()
                ));
            }
        }
        let urls = dangerous_urls(&text);
        if !urls.is_empty() {
            holes.push(format!("{}: {urls:?}", f.display()));
        }
    }
    assert!(
        holes.is_empty(),
        "unescaped hostile text:\n{}",
        holes.join("\n")
    );
    let page = fs::read_to_string(out.join("nl/nieuws/a/index.html")).unwrap();
    assert!(
        page.contains("&lt;script&gt;") || page.contains("&#x3C;script"),
        "{page}"
    );
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

// ---- properties of URL building ------------------------------------------------------

mod properties {
    use std::path::Path;

    use diptych::config::Config;
    use diptych::document::{Document, ParseOptions};
    use diptych::lang::Lang;
    use diptych::site::Site;
    use diptych::sources::{PageKey, SourceFile};
    use diptych::url::{UrlPath, is_safe_segment, slugify};
    use proptest::prelude::*;

    /// A relative output path that stays inside the output directory.
    fn stays_inside(rel: &str) -> bool {
        !rel.starts_with('/')
            && !rel.contains('\\')
            && !rel.contains('\0')
            && rel
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != "..")
    }

    /// Text made of the pieces that break paths, plus anything at all.
    fn nasty() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("/".to_string()),
            Just("..".to_string()),
            Just(".".to_string()),
            Just("\\".to_string()),
            Just("\0".to_string()),
            Just("?".to_string()),
            Just("%2e".to_string()),
            Just("nl".to_string()),
            Just("index.html".to_string()),
            Just("België".to_string()),
            Just(" ".to_string()),
            any::<char>().prop_map(String::from),
        ];
        prop_oneof![
            prop::collection::vec(piece, 0..10).prop_map(|v| v.concat()),
            any::<String>(),
        ]
    }

    proptest! {
        #[test]
        fn slugify_gives_a_safe_segment_or_nothing(title in nasty()) {
            let s = slugify(&title);
            prop_assert!(s.is_empty() || is_safe_segment(&s), "{title:?} → {s:?}");
        }

        #[test]
        fn safe_segments_cannot_leave_the_output(seg in nasty()) {
            if is_safe_segment(&seg) {
                prop_assert!(stays_inside(&seg), "{seg:?}");
            }
        }

        #[test]
        fn urls_from_safe_segments_stay_inside_the_output(
            segs in prop::collection::vec(nasty(), 0..6),
        ) {
            let safe: Vec<&str> = segs.iter().map(String::as_str).filter(|s| is_safe_segment(s)).collect();
            let file = UrlPath::dir(safe.iter().copied()).output_file();
            prop_assert!(stays_inside(&file), "{segs:?} → {file}");
            let slugs: Vec<String> = segs.iter().map(|s| slugify(s)).collect();
            let file = UrlPath::dir(slugs.iter().map(String::as_str)).output_file();
            prop_assert!(stays_inside(&file), "{segs:?} → {file}");
        }

        #[test]
        fn accepted_slugs_and_aliases_stay_inside_the_output(
            slug in nasty(),
            alias in nasty(),
        ) {
            let config = Config::parse(
                Path::new("."),
                "base_url: https://example.nl\ntheme: plain\nlanguages: [{code: nl, name: N}]\n",
            )
            .unwrap();
            let quoted = |s: &str| serde_json::to_string(s).unwrap();
            let source = |key: &str, text: String| SourceFile {
                path: format!("content/{key}.nl.md").into(),
                lang: Lang::parse("nl").unwrap(),
                key: PageKey::new(key),
                text: text.into(),
            };
            let texts = [
                source("_index", "---\ntitle: Thuis\n---\n".into()),
                source(
                    "a",
                    format!("---\ntitle: A\nslug: {}\naliases: [{}]\n---\n", quoted(&slug), quoted(&alias)),
                ),
            ];
            let opts = ParseOptions { langs: &["nl"], taxonomies: &[], sanitize: true };
            let docs: Result<Vec<Document>, _> = texts.iter().map(|s| Document::parse(s, opts)).collect();
            let Ok(docs) = docs else { return Ok(()) };
            let Ok(site) = Site::assemble(docs.into_iter().map(std::sync::Arc::new).collect(), &config, false) else { return Ok(()) };
            for p in &site.pages {
                let file = p.url.output_file();
                prop_assert!(stays_inside(&file), "slug {slug:?} → {file}");
            }
            for url in site.aliases.keys() {
                let file = url.output_file();
                prop_assert!(stays_inside(&file), "alias {alias:?} → {file}");
            }
        }
    }
}

// ---- fuzzing finds -------------------------------------------------------------------

/// Inputs the fuzz targets (`fuzz/`) crashed on once.
#[test]
fn fuzz_regressions_do_not_panic() {
    use diptych::frontmatter;
    let path = Path::new("content/a.nl.md");
    // `frontmatter`: a date with a multi-byte character across byte 10 (date.rs split_at).
    let text = "---\ntitle: Een\ndate: 2026-02-29\nevent:\n  start: 2026-11\u{64d}\u{26b}25:00\n  end: 202>-1        00\n---\n";
    let at = frontmatter::split(path, text).unwrap();
    let errors = frontmatter::parse(path, text, at, &["tags"]).unwrap_err();
    assert!(
        errors.iter().any(|d| d.message.contains("is not a date")),
        "{errors:?}"
    );
}
