//! Splits an expression string into tokens. Characters the language does not know become
//! one-character `Unknown` tokens rather than errors, so the parser can report them the way
//! DynamoDB does: `Syntax error; token: "<token>", near: "<context>"`.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// `[A-Za-z][A-Za-z0-9_]*`: an attribute name, keyword or function name.
    Identifier,
    /// `#` followed by `[A-Za-z0-9_]+`.
    NamePlaceholder,
    /// `:` followed by `[A-Za-z0-9_]+`.
    ValuePlaceholder,
    /// `[0-9]+`, only meaningful as a list index.
    Number,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Comma,
    Dot,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Plus,
    Minus,
    /// Any character the language has no use for.
    Unknown,
    /// End of input.
    End,
}

/// A token and where it sits in the source, as byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text as DynamoDB quotes it in syntax errors.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        match self.kind {
            TokenKind::End => "<EOF>",
            _ => source.get(self.start..self.end).unwrap_or(""),
        }
    }
}

/// Tokenizes the whole source; the last token is always [`TokenKind::End`].
pub(crate) fn tokenize(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut position = 0;
    while position < bytes.len() {
        let byte = bytes[position];
        if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            position += 1;
            continue;
        }
        let start = position;
        let (kind, end) = match byte {
            b'a'..=b'z' | b'A'..=b'Z' => (TokenKind::Identifier, word_end(bytes, start + 1)),
            b'0'..=b'9' => (TokenKind::Number, digits_end(bytes, start + 1)),
            b'#' | b':' => {
                let end = word_end(bytes, start + 1);
                if end == start + 1 {
                    (TokenKind::Unknown, end)
                } else if byte == b'#' {
                    (TokenKind::NamePlaceholder, end)
                } else {
                    (TokenKind::ValuePlaceholder, end)
                }
            }
            b'(' => (TokenKind::LeftParen, start + 1),
            b')' => (TokenKind::RightParen, start + 1),
            b'[' => (TokenKind::LeftBracket, start + 1),
            b']' => (TokenKind::RightBracket, start + 1),
            b',' => (TokenKind::Comma, start + 1),
            b'.' => (TokenKind::Dot, start + 1),
            b'=' => (TokenKind::Equal, start + 1),
            b'+' => (TokenKind::Plus, start + 1),
            b'-' => (TokenKind::Minus, start + 1),
            b'<' => match bytes.get(start + 1) {
                Some(b'=') => (TokenKind::LessOrEqual, start + 2),
                Some(b'>') => (TokenKind::NotEqual, start + 2),
                _ => (TokenKind::Less, start + 1),
            },
            b'>' => match bytes.get(start + 1) {
                Some(b'=') => (TokenKind::GreaterOrEqual, start + 2),
                _ => (TokenKind::Greater, start + 1),
            },
            _ => (TokenKind::Unknown, char_end(source, start)),
        };
        tokens.push(Token { kind, start, end });
        position = end;
    }
    tokens.push(Token {
        kind: TokenKind::End,
        start: source.len(),
        end: source.len(),
    });
    tokens
}

/// End of a run of `[A-Za-z0-9_]` starting at `position`.
fn word_end(bytes: &[u8], mut position: usize) -> usize {
    while bytes
        .get(position)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        position += 1;
    }
    position
}

fn digits_end(bytes: &[u8], mut position: usize) -> usize {
    while bytes.get(position).is_some_and(u8::is_ascii_digit) {
        position += 1;
    }
    position
}

/// End of the (possibly multi-byte) character starting at `start`.
fn char_end(source: &str, start: usize) -> usize {
    source
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .map_or(start + 1, |c| start + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<TokenKind> {
        tokenize(source).into_iter().map(|t| t.kind).collect()
    }

    fn texts(source: &str) -> Vec<String> {
        tokenize(source)
            .into_iter()
            .map(|t| t.text(source).to_owned())
            .collect()
    }

    #[test]
    fn splits_comparisons_and_paths() {
        use TokenKind::*;
        assert_eq!(
            kinds("a.b[3] <> :v AND #n>=:w"),
            vec![
                Identifier,
                Dot,
                Identifier,
                LeftBracket,
                Number,
                RightBracket,
                NotEqual,
                ValuePlaceholder,
                Identifier,
                NamePlaceholder,
                GreaterOrEqual,
                ValuePlaceholder,
                End
            ]
        );
    }

    #[test]
    fn unknown_characters_become_single_tokens() {
        assert_eq!(texts("SET _123"), vec!["SET", "_", "123", "<EOF>"]);
        assert_eq!(texts("a!=b"), vec!["a", "!", "=", "b", "<EOF>"]);
        assert_eq!(texts("# :"), vec!["#", ":", "<EOF>"]);
        assert_eq!(texts("é"), vec!["é", "<EOF>"]);
    }

    #[test]
    fn placeholders_may_start_with_digits() {
        assert_eq!(
            kinds("#123 :_"),
            vec![
                TokenKind::NamePlaceholder,
                TokenKind::ValuePlaceholder,
                TokenKind::End
            ]
        );
    }
}
