//! The theme's templates, compiled once.
//!
//! Takes the template files from [`Sources`] (theme first, site overrides after) and a
//! hook that registers functions and filters; produces a [`Theme`]. Rejects template
//! syntax errors and broken inheritance as diagnostics located in the template file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use tera::{ErrorKind, Tera};

use crate::diagnostic::Diagnostic;
use crate::sources::{Sources, TextFile};

/// Compiled templates, with the file each name came from.
#[derive(Clone)]
pub struct Theme {
    pub tera: Tera,
    files: BTreeMap<String, TextFile>,
    /// Each template's fingerprint of every template its rendering can read (see
    /// [`reaches`]).
    reach: BTreeMap<String, u128>,
}

impl Theme {
    /// Compiles every template; `register` adds functions and filters first (Tera
    /// checks calls against them when templates are added).
    pub fn load(
        sources: &Sources,
        register: impl FnOnce(&mut Tera),
    ) -> Result<Theme, Vec<Diagnostic>> {
        let mut files = BTreeMap::new();
        for t in &sources.templates {
            files.insert(t.name.clone(), t.clone());
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        register(&mut tera);
        // Check each file alone first, so one build reports every broken template.
        let problems: Vec<Diagnostic> = files
            .values()
            .filter_map(|f| {
                Tera::new()
                    .add_raw_template(&f.name, &f.text)
                    .err()
                    .and_then(|e| syntax_only(&e, f))
            })
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        let reach = reaches(&files.values().map(|f| (f.name.as_str(), f)).collect());
        let mut theme = Theme { tera, files, reach };
        let pairs: Vec<(String, String)> = theme
            .files
            .values()
            .map(|f| (f.name.clone(), f.text.clone()))
            .collect();
        theme
            .tera
            .add_raw_templates(pairs)
            .map_err(|e| vec![theme.diagnostic(&e, None)])?;
        Ok(theme)
    }

    /// A fingerprint of the text of template `name` and of every template rendering it
    /// can read: two builds whose templates give the same fingerprint render the same
    /// context to the same bytes with it. 0 for a name the theme lacks.
    pub fn reach(&self, name: &str) -> u128 {
        self.reach.get(name).copied().unwrap_or(0)
    }

    /// The templates whose [`Theme::reach`] differs from what `before` gives (each
    /// template's reach, by name, in another build): those that render differently,
    /// and those that are gone.
    pub fn stale_since(&self, before: &BTreeMap<String, u128>) -> Vec<String> {
        stale(&self.reach, before)
    }

    /// [`Theme::stale_since`] for the theme that the templates of `sources` would
    /// make (the later of two of a name, as [`Theme::load`] takes them), without
    /// compiling them.
    pub fn stale_in(sources: &Sources, before: &BTreeMap<String, u128>) -> Vec<String> {
        let files = sources.templates.iter().map(|f| (f.name.as_str(), f));
        stale(&reaches(&files.collect()), before)
    }

    /// Every template's [`Theme::reach`], by name.
    pub fn reaches(&self) -> &BTreeMap<String, u128> {
        &self.reach
    }

    /// Whether the theme has a template of this name.
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// A diagnostic for a Tera error, placed in the template where Tera knows the span;
    /// `page` names the content file being rendered, if any.
    pub fn diagnostic(&self, err: &tera::Error, page: Option<&std::path::Path>) -> Diagnostic {
        let (report, kind) = match err.kind() {
            ErrorKind::SyntaxError(r) => (Some(r), "template"),
            ErrorKind::RenderingError(r) => (Some(r), "render"),
            _ => (None, "template"),
        };
        let file = report.and_then(|r| self.files.get(r.filename()));
        let path = file.map_or_else(|| PathBuf::from("templates"), |f| f.path.clone());
        let mut message =
            report.map_or_else(|| first_line(&err.to_string()), |r| r.message().to_string());
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        let message = message.trim_start_matches("error: ").to_string();
        if report.is_none()
            && let Some(d) = self.locate_by_name(&message)
        {
            return d;
        }
        let mut d = Diagnostic::error(kind, path, message);
        if let (Some(r), Some(f)) = (report, file) {
            d = d.at(&f.text, r.span().range.clone());
        }
        match page {
            Some(p) => d.with_help(format!("while rendering {}", p.display())),
            None => d,
        }
    }
}

impl Theme {
    /// For errors Tera reports without a place ("Block `title` is not defined in any
    /// parent template", "Template 'x.html' is inheriting from 'y.html', which doesn't
    /// exist"): the first template that mentions the quoted name.
    fn locate_by_name(&self, message: &str) -> Option<Diagnostic> {
        let name = message
            .split(['`', '\''])
            .nth(1)
            .filter(|n| !n.is_empty())?;
        let (file, at) = self.files.values().find_map(|f| {
            let tag = ["block ", "extends \"", "include \""]
                .iter()
                .find_map(|p| f.text.find(&format!("{p}{name}")).map(|i| i + p.len()));
            let name_at = tag.or_else(|| (f.name == name).then_some(0))?;
            Some((f, name_at))
        })?;
        let end = if at == 0 && file.name == name {
            0
        } else {
            at + name.len()
        };
        Some(Diagnostic::error("template", &file.path, message.to_string()).at(&file.text, at..end))
    }
}

/// Each template's [`Theme::reach`]. Rendering a template reads its parents
/// (`extends`), what it includes and the components it calls, and so on from those; all
/// of them are named in its text. So a template is taken to read every template whose
/// name, or the name of a component defined there, occurs anywhere in its text, and
/// then what those read. That may take in more than it needs (a name in a comment),
/// never less: a string escape could hide a name (`\/`), so a template with a
/// backslash is taken to read them all.
fn reaches(files: &BTreeMap<&str, &TextFile>) -> BTreeMap<String, u128> {
    let names: Vec<(&str, Vec<&str>)> = files
        .values()
        .map(|f| (f.name.as_str(), components_defined(&f.text)))
        .collect();
    let reads = |f: &TextFile| -> Vec<&str> {
        let all = f.text.contains('\\');
        let named = |(name, components): &&(&str, Vec<&str>)| {
            all || f.text.contains(*name) || components.iter().any(|c| f.text.contains(c))
        };
        names.iter().filter(named).map(|(name, _)| *name).collect()
    };
    let direct: BTreeMap<&str, Vec<&str>> = files
        .values()
        .map(|f| (f.name.as_str(), reads(f)))
        .collect();
    direct
        .keys()
        .map(|&root| {
            let mut seen = std::collections::BTreeSet::from([root]);
            let mut next = vec![root];
            while let Some(t) = next.pop() {
                for &u in &direct[t] {
                    if seen.insert(u) {
                        next.push(u);
                    }
                }
            }
            let texts: Vec<(&str, &str)> =
                seen.iter().map(|&t| (t, files[t].text.as_str())).collect();
            (root.to_string(), crate::fingerprint::fingerprint(0, &texts))
        })
        .collect()
}

/// The names in `now` whose reach is not the one in `before`, and those gone from it.
fn stale(now: &BTreeMap<String, u128>, before: &BTreeMap<String, u128>) -> Vec<String> {
    let differs = |(name, reach): &(&String, &u128)| before.get(*name) != Some(*reach);
    let gone = before.keys().filter(|name| !now.contains_key(*name));
    let changed = now.iter().filter(differs).map(|(n, _)| n);
    changed.chain(gone).cloned().collect()
}

/// The names of the components that `text` may define: every word after `component`
/// (with the dots of a dotted name). More than it defines (`endcomponent X`, prose) is
/// harmless.
fn components_defined(text: &str) -> Vec<&str> {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    text.match_indices("component")
        .filter_map(|(at, k)| {
            let rest = &text[at + k.len()..];
            let name = rest.trim_start();
            if name.len() == rest.len() {
                return None;
            }
            let end = name.find(|c: char| !word(c)).unwrap_or(name.len());
            let name = name[..end].trim_end_matches('.');
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

fn syntax_only(err: &tera::Error, file: &TextFile) -> Option<Diagnostic> {
    let ErrorKind::SyntaxError(r) = err.kind() else {
        return None;
    };
    Some(
        Diagnostic::error("template", &file.path, r.message().to_string())
            .at(&file.text, r.span().range.clone()),
    )
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(files: &[(&str, &str)]) -> Theme {
        let templates = files
            .iter()
            .map(|(name, text)| TextFile {
                path: PathBuf::from("templates").join(name),
                name: name.to_string(),
                text: text.to_string(),
            })
            .collect();
        let sources = Sources {
            templates,
            ..Sources::default()
        };
        Theme::load(&sources, |_| {}).unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// Which of `names` have a reach that differs between `a` and `b`.
    fn moved(a: &Theme, b: &Theme, names: &[&'static str]) -> Vec<&'static str> {
        let differs = |n: &&str| a.reach(n) != b.reach(n);
        names.iter().copied().filter(differs).collect()
    }

    #[test]
    fn a_template_reaches_its_parents_includes_and_components() {
        let files = [
            (
                "base.html",
                "<main>{% block main %}{% endblock main %}</main>",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block main %}{% include \"nav.html\" %}{% endblock main %}",
            ),
            ("nav.html", "<nav>{{ <Link href=\"/\" /> }}</nav>"),
            (
                "ui.html",
                "{% component Link(href) %}<a href=\"{{ href }}\">x</a>{% endcomponent Link %}",
            ),
            ("section.html", "{% extends \"base.html\" %}"),
            ("other.html", "<p>alone</p>"),
        ];
        let all = [
            "base.html",
            "page.html",
            "nav.html",
            "ui.html",
            "section.html",
            "other.html",
        ];
        let before = theme(&files);
        let edit = |name: &str, text: &str| {
            let mut edited = files;
            edited.iter_mut().find(|(n, _)| *n == name).unwrap().1 = text;
            moved(&before, &theme(&edited), &all)
        };
        assert_eq!(edit("other.html", "<p>edited</p>"), ["other.html"]);
        // A component's template reaches whoever calls it, also through an include.
        let link = "{% component Link(href) %}<a href=\"{{ href }}\">y</a>{% endcomponent Link %}";
        assert_eq!(edit("ui.html", link), ["page.html", "nav.html", "ui.html"]);
        assert_eq!(edit("nav.html", "<nav></nav>"), ["page.html", "nav.html"]);
        assert_eq!(
            edit(
                "base.html",
                "<main>{% block main %}{% endblock main %}</main>\n"
            ),
            ["base.html", "page.html", "section.html"]
        );
        // A backslash could hide a name in a string: such a template reads them all.
        let escaped = "{% extends \"base.html\" %}{# \\ #}";
        let mut with_escape = files;
        with_escape[4].1 = escaped;
        let after = theme(&with_escape);
        let mut edited = with_escape;
        edited[5].1 = "<p>edited</p>";
        assert_eq!(
            moved(&after, &theme(&edited), &all),
            ["section.html", "other.html"]
        );
    }

    #[test]
    fn component_names_are_read_with_their_dots() {
        let text =
            "{%- component ui.Card(title) -%}{{ title }}{% endcomponent ui.Card %} component.";
        assert_eq!(components_defined(text), ["ui.Card", "ui.Card"]);
    }
}
