//! What each message of a Fluent file is: where it is defined, and which variables
//! and attributes it uses.
//!
//! Takes the text of an `.ftl` file that parsed without errors, or one parsed message;
//! produces the byte offset of every definition and a [`MessageInfo`] per message, so
//! languages can be compared (`diptych check`) without the bundles. Rejects nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast;

/// What one message looks like in one language, for comparing languages
/// (`diptych check`): where it is defined and which variables and attributes it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageInfo {
    pub path: PathBuf,
    /// 1-based line of the `id =` definition.
    pub line: usize,
    /// Whether the message has a value (and not only attributes).
    pub has_value: bool,
    /// Variables (`$name`, without the `$`) the value uses, in any variant.
    pub variables: BTreeSet<String>,
    /// Each attribute with the variables it uses.
    pub attributes: BTreeMap<String, BTreeSet<String>>,
}

impl MessageInfo {
    /// The variables and attributes of `message`, defined at `line` of `path`.
    pub(crate) fn read(path: &Path, line: usize, message: &ast::Message<&str>) -> MessageInfo {
        let mut variables = BTreeSet::new();
        if let Some(value) = &message.value {
            pattern_variables(value, &mut variables);
        }
        let attributes = message
            .attributes
            .iter()
            .map(|a| {
                let mut vars = BTreeSet::new();
                pattern_variables(&a.value, &mut vars);
                (a.id.name.to_string(), vars)
            })
            .collect();
        MessageInfo {
            path: path.to_path_buf(),
            line,
            has_value: message.value.is_some(),
            variables,
            attributes,
        }
    }
}

/// The id (`name`, or `-name` for a term) and byte offset of every definition: a line
/// that starts, at column 0, with an identifier followed by `=`. Only called on text
/// Fluent parsed without errors, where no other line can look like that.
pub(crate) fn definitions(text: &str) -> Vec<(&str, usize)> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.strip_prefix('-').unwrap_or(line);
        let starts_id = body.starts_with(|c: char| c.is_ascii_alphabetic());
        let end = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(body.len());
        if starts_id && body[end..].trim_start_matches(' ').starts_with('=') {
            found.push((&line[..end + line.len() - body.len()], offset));
        }
        offset += line.len();
    }
    found
}

fn pattern_variables(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for variant in variants {
                pattern_variables(&variant.value, out);
            }
        }
        ast::Expression::Inline(inline) => inline_variables(inline, out),
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    use ast::InlineExpression as I;
    match inline {
        I::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        I::FunctionReference { arguments, .. }
        | I::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            let named = arguments.named.iter().map(|n| &n.value);
            for argument in arguments.positional.iter().chain(named) {
                inline_variables(argument, out);
            }
        }
        I::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_message_and_term_definitions_at_column_zero() {
        let text = "# a-comment = no\n-brand = Diptych\nitems = { $n ->\n    [one] x = y\n   *[other] z\n}\nlast=1\n";
        let ids: Vec<&str> = definitions(text).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["-brand", "items", "last"]);
        assert_eq!(definitions(text)[1].1, text.find("items").unwrap());
    }

    #[test]
    fn collects_variables_from_variants_functions_and_attributes() {
        let text = "m = { $count ->\n    [one] { NUMBER($n) }\n   *[other] { -term(x: \"a\") } { $t }\n}\n    .title = { $name }\n";
        let resource = fluent_syntax::parser::parse(text).unwrap();
        let ast::Entry::Message(message) = &resource.body[0] else {
            panic!("not a message")
        };
        let info = MessageInfo::read(Path::new("a.ftl"), 1, message);
        assert_eq!(
            info.variables.iter().collect::<Vec<_>>(),
            ["count", "n", "t"]
        );
        assert_eq!(
            info.attributes["title"].iter().collect::<Vec<_>>(),
            ["name"]
        );
        assert!(info.has_value);
    }
}
