//! Cross-checks that need the whole site: Fluent messages against each other and
//! against the templates, and every link in the rendered output.
//!
//! Takes the loaded [`Locales`] with the template [`Sources`], or the rendered
//! [`Output`](crate::render::Output); produces diagnostics: messages extra in a
//! language or differing in variables or attributes, messages no template uses
//! (warnings), template calls to messages that exist nowhere, and links in the output
//! to files or `#ids` that were not built (errors): see [`output_links`] and [`LinkMemo`].

mod links;
mod memo;

pub(crate) use links::PageScan;
pub use links::{LinkScan, output_links};
pub use memo::LinkMemo;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Diagnostic, Lines};
use crate::locales::Locales;
use crate::message_info::MessageInfo;
use crate::sources::{Sources, TextFile};

/// Message ids the generator itself formats (not through templates).
const USED_BY_DIPTYCH: &[&str] = &["site-title", "site-description"];

/// Compares every language's messages with the default language's, and the templates'
/// `t(id="…")` calls with the messages that exist.
pub fn fluent(locales: &Locales, sources: &Sources) -> Vec<Diagnostic> {
    let calls = template_calls(&sources.templates);
    let files = FtlFiles::new(sources);
    let mut out = compare_languages(locales, &files);
    out.extend(unknown_calls(locales, &calls));
    out.extend(unused_messages(locales, &files, &calls));
    out
}

/// The Fluent files, each with its lines once a warning needs them, to place the many
/// warnings one file may have without reading it from its start for each.
struct FtlFiles<'a>(Vec<(&'a TextFile, std::cell::OnceCell<Lines<'a>>)>);

impl<'a> FtlFiles<'a> {
    fn new(sources: &'a Sources) -> FtlFiles<'a> {
        FtlFiles(
            sources
                .ftl
                .iter()
                .map(|(_, f)| (f, Default::default()))
                .collect(),
        )
    }

    /// The lines of the file at `path`, if it is one of them.
    fn lines(&self, path: &std::path::Path) -> Option<&Lines<'a>> {
        let (file, lines) = self.0.iter().find(|(f, _)| f.path == path)?;
        Some(lines.get_or_init(|| Lines::new(&file.text)))
    }
}

/// Messages a language has that the default lacks, or has with other variables or
/// attributes. (Messages the default has and a language lacks are reported when the
/// bundles load, since they fall back.)
fn compare_languages(locales: &Locales, files: &FtlFiles) -> Vec<Diagnostic> {
    let default = locales.default_lang();
    let Some(reference) = locales.messages(default) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for lang in locales.langs().filter(|l| *l != default) {
        for (id, info) in locales.messages(lang).into_iter().flatten() {
            match reference.get(id) {
                None => out.push(at_message(
                    files,
                    info,
                    format!(
                        "message `{id}` exists in {lang} but not in {default}, the default language"
                    ),
                    format!("add it to locales/{default}/ or remove it here"),
                    id,
                )),
                Some(base) => out.extend(shape_difference(
                    files,
                    id,
                    (base, default.as_str()),
                    (info, lang.as_str()),
                )),
            }
        }
    }
    out
}

/// Template calls to messages that exist in no language (errors).
fn unknown_calls(locales: &Locales, calls: &[Call]) -> Vec<Diagnostic> {
    let all: BTreeSet<&str> = locales
        .langs()
        .filter_map(|l| locales.messages(l))
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    calls
        .iter()
        .filter(|call| !call.names_one_of(&all))
        .map(|call| {
            let what = if call.prefix {
                format!("no message starts with `{}`", call.id)
            } else {
                format!("there is no message `{}` in any language", call.id)
            };
            Diagnostic::error("fluent", &call.file.path, format!("t(): {what}"))
                .at(&call.file.text, call.span.clone())
                .with_help("add it to every locales/<lang>/*.ftl, or fix the id")
                .about(call.id.clone())
        })
        .collect()
}

/// The default language's messages that no template calls (warnings).
fn unused_messages(locales: &Locales, files: &FtlFiles, calls: &[Call]) -> Vec<Diagnostic> {
    let Some(reference) = locales.messages(locales.default_lang()) else {
        return Vec::new();
    };
    let (prefixes, exact): (Vec<&Call>, Vec<&Call>) = calls.iter().partition(|c| c.prefix);
    let exact: BTreeSet<&str> = exact.iter().map(|c| c.id.as_str()).collect();
    let called = |id: &str| exact.contains(id) || prefixes.iter().any(|c| c.matches(id));
    reference
        .iter()
        .filter(|(id, _)| !USED_BY_DIPTYCH.contains(&id.as_str()) && !called(id))
        .map(|(id, info)| {
            at_message(
                files,
                info,
                format!("message `{id}` is not used by any template"),
                "remove it from every language, or use it".into(),
                id,
            )
        })
        .collect()
}

/// How message `id` in language `lang` differs in shape (variables, attributes) from the
/// default language's, if it does.
fn shape_difference(
    files: &FtlFiles,
    id: &str,
    (base, default): (&MessageInfo, &str),
    (info, lang): (&MessageInfo, &str),
) -> Option<Diagnostic> {
    let names = |s: &BTreeSet<String>| {
        s.iter()
            .map(|v| format!("${v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let problem = if base.variables != info.variables {
        format!(
            "message `{id}` uses {{{}}} in {lang} but {{{}}} in {default}",
            names(&info.variables),
            names(&base.variables)
        )
    } else if base.attributes.keys().ne(info.attributes.keys()) {
        let attrs = |m: &BTreeMap<String, BTreeSet<String>>| {
            m.keys()
                .map(|a| format!(".{a}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "message `{id}` has attributes {{{}}} in {lang} but {{{}}} in {default}",
            attrs(&info.attributes),
            attrs(&base.attributes)
        )
    } else if let Some((attr, _)) = base
        .attributes
        .iter()
        .find(|(a, v)| info.attributes.get(*a) != Some(v))
    {
        format!("attribute `{id}.{attr}` uses other variables in {lang} than in {default}")
    } else {
        return None;
    };
    Some(at_message(
        files,
        info,
        problem,
        format!(
            "make the {lang} message take the same variables and attributes as the {default} one"
        ),
        id,
    ))
}

fn at_message(
    files: &FtlFiles,
    info: &MessageInfo,
    message: String,
    help: String,
    id: &str,
) -> Diagnostic {
    let d = Diagnostic::warning("fluent", &info.path, message)
        .with_help(help)
        .about(id);
    let lines = files.lines(&info.path);
    match lines.and_then(|l| l.start_of(info.line).map(|o| (l, o))) {
        Some((lines, o)) => d.at_line_of(lines, o..o + id.len()),
        None => d,
    }
}

/// One `t(id="…")` call in a template; `prefix` when the id is built with `~`.
struct Call<'a> {
    file: &'a TextFile,
    id: String,
    prefix: bool,
    span: std::ops::Range<usize>,
}

impl Call<'_> {
    /// Whether this call can name the message `id`.
    fn matches(&self, id: &str) -> bool {
        if self.prefix {
            id.starts_with(&self.id)
        } else {
            self.id == id
        }
    }

    /// Whether this call can name one of `ids` (as [`Call::matches`] would find).
    fn names_one_of(&self, ids: &BTreeSet<&str>) -> bool {
        if self.prefix {
            // The ids that start with a prefix are the first ones from it on.
            let first = ids.range(self.id.as_str()..).next();
            first.is_some_and(|m| m.starts_with(self.id.as_str()))
        } else {
            ids.contains(self.id.as_str())
        }
    }
}

/// Finds `t(id="…")` calls (with either quote) in every template.
fn template_calls(templates: &[TextFile]) -> Vec<Call<'_>> {
    let mut calls = Vec::new();
    for file in templates {
        let text = &file.text;
        for (start, _) in text.match_indices("t(") {
            if text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
            {
                continue;
            }
            let rest = text[start + 2..].trim_start();
            let Some(args) = rest.strip_prefix("id") else {
                continue;
            };
            let Some(value) = args.trim_start().strip_prefix('=') else {
                continue;
            };
            let value = value.trim_start();
            let Some(quote) = value.chars().next().filter(|q| *q == '"' || *q == '\'') else {
                continue;
            };
            let Some(end) = value[1..].find(quote) else {
                continue;
            };
            let id = &value[1..1 + end];
            let prefix = value[2 + end..].trim_start().starts_with('~');
            let base = id.split('.').next().unwrap_or(id).to_string();
            let at = text.len() - value.len();
            calls.push(Call {
                file,
                id: if prefix { id.to_string() } else { base },
                prefix,
                span: at..at + end + 2,
            });
        }
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_template_calls_with_both_quotes_and_prefixes() {
        let f = TextFile { path: "t.html".into(), name: "t.html".into(), text: "{{ t(id=\"a.attr\") }} {{ t( id = 'b' ) }} {{ t(id=\"key-\" ~ x) }} {{ at(id=\"no\") }}".into() };
        let calls = template_calls(std::slice::from_ref(&f));
        let ids: Vec<(&str, bool)> = calls.iter().map(|c| (c.id.as_str(), c.prefix)).collect();
        assert_eq!(ids, [("a", false), ("b", false), ("key-", true)]);
    }

    proptest::proptest! {
        #[test]
        fn a_call_names_one_of_the_ids_when_it_matches_one(
            ids in proptest::collection::btree_set("[ab-]{0,4}", 0..8),
            id in "[ab-]{0,3}",
            prefix: bool,
        ) {
            let file = TextFile { path: "t.html".into(), name: "t.html".into(), text: String::new() };
            let call = Call { file: &file, id, prefix, span: 0..0 };
            let ids: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
            let searched = ids.iter().any(|m| call.matches(m));
            proptest::prop_assert_eq!(call.names_one_of(&ids), searched);
        }
    }
}
