//! "Did you mean …?" for misspelled names.
//!
//! Takes a word and the names it could have meant; produces the closest one when it is
//! close enough to be a plausible typo.

/// The candidate nearest to `word` by edit distance, if within about a third of its length.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = word.chars().count().div_ceil(3).max(1);
    let word = word.to_lowercase();
    let length = word.chars().count();
    candidates
        .into_iter()
        // Lengths further apart than the limit are as many edits at least: such a
        // candidate (most of a site's files) is passed over without measuring.
        .filter(|c| lowercase_length(c).abs_diff(length) <= limit)
        .map(|c| (distance(&word, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// The number of characters of `s` lowercased.
fn lowercase_length(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.to_lowercase().chars().count()
    }
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`closest`] measuring every candidate: the definition.
    fn closest_plainly<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let limit = word.chars().count().div_ceil(3).max(1);
        candidates
            .iter()
            .map(|c| (distance(&word.to_lowercase(), &c.to_lowercase()), *c))
            .filter(|(d, _)| *d <= limit)
            .min()
            .map(|(_, c)| c)
    }

    #[test]
    fn passing_over_far_lengths_suggests_what_measuring_all_would() {
        let names = proptest::sample::select(vec![
            "css/site.css",
            "css/Site.css",
            "img/a.png",
            "İmg/a.png",
            "img/ab.png",
            "x",
            "xy",
            "Straße",
            "strasse",
            "ΣΑΣ",
            "σας",
        ]);
        let words = proptest::sample::select(vec![
            "css/site.cs",
            "img/a.pn",
            "IMG/A.PNG",
            "i̇mg/a.png",
            "x",
            "q",
            "strase",
            "σασ",
            "",
        ]);
        proptest::proptest!(|(word in words, list in proptest::collection::vec(names, 0..8))| {
            proptest::prop_assert_eq!(closest(word, list.iter().copied()), closest_plainly(word, &list));
        });
    }

    #[test]
    fn suggests_near_misses_only() {
        let fields = ["title", "description", "date", "slug"];
        assert_eq!(closest("titel", fields), Some("title"));
        assert_eq!(closest("descripton", fields), Some("description"));
        assert_eq!(closest("colour", fields), None);
    }
}
