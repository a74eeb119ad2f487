//! DynamoDB's reserved words: names that may not appear bare in an expression and must be
//! written through an ExpressionAttributeNames placeholder instead.

use std::sync::LazyLock;

/// AWS's published list, one upper-case word a line, sorted.
const RESERVED_WORDS: &str = include_str!("reserved_words.txt");

/// The list split into words once; sorted like the file, so lookups binary-search it.
static SORTED_WORDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| RESERVED_WORDS.lines().collect());

/// Whether `word` is reserved; the list is case-insensitive.
pub fn is_reserved_word(word: &str) -> bool {
    let upper = word.to_ascii_uppercase();
    SORTED_WORDS.binary_search(&upper.as_str()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_has_every_published_word() {
        assert_eq!(RESERVED_WORDS.lines().count(), 573);
        let lines: Vec<&str> = RESERVED_WORDS.lines().collect();
        let mut sorted = lines.clone();
        sorted.sort_unstable();
        assert_eq!(lines, sorted, "binary search needs the list sorted");
    }

    #[test]
    fn lookup_ignores_case() {
        for word in [
            "name", "NAME", "Name", "size", "status", "zone", "abort", "Date",
        ] {
            assert!(is_reserved_word(word), "{word}");
        }
        for word in ["pk", "title", "price", "attribute_exists", "", "names_"] {
            assert!(!is_reserved_word(word), "{word}");
        }
    }
}
