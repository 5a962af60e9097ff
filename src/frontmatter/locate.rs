//! Where a field or a value is in the front matter's text, so that problems found
//! after parsing point at their line and column.

/// The span of `field:` at the start of a line (any indentation) inside the YAML block.
pub(super) fn find_field(
    text: &str,
    start: usize,
    end: usize,
    field: &str,
) -> Option<(usize, usize)> {
    let mut pos = start;
    for line in text[start..end].split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\t', '-']).trim_start();
        if let Some(rest) = trimmed.strip_prefix(field)
            && rest.trim_start().starts_with(':')
        {
            let s = pos + (line.len() - trimmed.len());
            return Some((s, s + field.len()));
        }
        pos += line.len();
    }
    None
}

/// The span of `needle` as a whole YAML item (`- /a/`, `[/a/, "/b/"]`), so alias `/`
/// is not found inside `/nl/x`; else its first occurrence.
pub(super) fn find_in(
    text: &str,
    start: usize,
    end: usize,
    needle: &str,
) -> Option<(usize, usize)> {
    let src = &text[start..end];
    let whole = |i: usize| {
        let before = src[..i].chars().next_back();
        let after = src[i + needle.len()..].chars().next();
        matches!(
            before,
            None | Some(' ' | '\t' | '[' | ',' | '"' | '\'' | '-')
        ) && matches!(
            after,
            None | Some('\n' | '\r' | ',' | ']' | '"' | '\'' | ' ' | '\t' | '#')
        )
    };
    src.match_indices(needle)
        .map(|(i, _)| i)
        .find(|&i| whole(i))
        .or_else(|| src.find(needle))
        .map(|i| (start + i, start + i + needle.len()))
}
