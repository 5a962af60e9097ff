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
        let theme = Theme { tera, files };
        let mut theme = theme;
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
