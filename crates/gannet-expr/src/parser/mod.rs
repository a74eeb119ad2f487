//! Recursive-descent parsers for the three expression grammars, sharing one token cursor,
//! document-path parsing, placeholder resolution and limit checks.

mod condition;
mod deferred;
mod projection;
mod update;

pub(crate) use condition::parse_condition;
pub(crate) use projection::parse_projection;
pub(crate) use update::parse_update;

use gannet_model::AttributeValue;

use crate::context::ExpressionContext;
use crate::error::ExpressionError;
use crate::lexer::{Token, TokenKind, tokenize};
use crate::limits::{
    MAX_EXPRESSION_BYTES, MAX_LIST_INDEX, MAX_NESTING_DEPTH, MAX_OPERATORS, MAX_PATH_DEPTH,
};
use crate::path::{AttributePath, PathElement, PathRelation};
use crate::reserved::is_reserved_word;
use deferred::{Category, DeferredErrors};

/// Parser state shared by the grammars.
pub(crate) struct Parser<'p, 'a> {
    source: &'p str,
    tokens: Vec<Token>,
    position: usize,
    context: &'p mut ExpressionContext<'a>,
    deferred: DeferredErrors,
    /// Words that structure this grammar and so cannot be attribute names.
    keywords: &'static [&'static str],
    nesting: usize,
    operators: usize,
}

impl<'p, 'a> Parser<'p, 'a> {
    /// Checks the size limits and tokenizes `source`.
    fn new(
        context: &'p mut ExpressionContext<'a>,
        source: &'p str,
        keywords: &'static [&'static str],
    ) -> Result<Self, ExpressionError> {
        if source.is_empty() {
            return Err(ExpressionError::Empty);
        }
        if source.len() > MAX_EXPRESSION_BYTES {
            return Err(ExpressionError::TooLarge(source.len()));
        }
        Ok(Parser {
            source,
            tokens: tokenize(source),
            position: 0,
            context,
            deferred: DeferredErrors::default(),
            keywords,
            nesting: 0,
            operators: 0,
        })
    }

    /// Ends the parse: input must be used up, then limits and deferred problems decide.
    fn finish(self, order: &[deferred::Category]) -> Result<(), ExpressionError> {
        if self.peek().kind != TokenKind::End {
            return Err(self.syntax_error());
        }
        if self.operators > MAX_OPERATORS {
            return Err(ExpressionError::TooManyOperators(self.operators));
        }
        self.deferred.into_result(order)
    }

    fn peek(&self) -> Token {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> Token {
        let last = self.tokens.len().saturating_sub(1);
        self.tokens
            .get((self.position + ahead).min(last))
            .copied()
            .unwrap_or(Token {
                kind: TokenKind::End,
                start: self.source.len(),
                end: self.source.len(),
            })
    }

    fn advance(&mut self) -> Token {
        let token = self.peek();
        if token.kind != TokenKind::End {
            self.position += 1;
        }
        token
    }

    fn text(&self, token: Token) -> &'p str {
        token.text(self.source)
    }

    /// Consumes a token of `kind` or fails with a syntax error at the current token.
    fn consume(&mut self, kind: TokenKind) -> Result<Token, ExpressionError> {
        if self.peek().kind == kind {
            Ok(self.advance())
        } else {
            Err(self.syntax_error())
        }
    }

    /// Whether the current token is the (case-insensitive) keyword `word`.
    fn at_keyword(&self, word: &str) -> bool {
        let token = self.peek();
        token.kind == TokenKind::Identifier && self.text(token).eq_ignore_ascii_case(word)
    }

    fn is_keyword(&self, token: Token) -> bool {
        token.kind == TokenKind::Identifier
            && self
                .keywords
                .iter()
                .any(|word| self.text(token).eq_ignore_ascii_case(word))
    }

    /// DynamoDB's syntax error at the current token: the token, and the source from the
    /// previous token to the next one.
    fn syntax_error(&self) -> ExpressionError {
        let token = self.peek();
        let near_start = match self.position.checked_sub(1) {
            Some(previous) => self.tokens.get(previous).map_or(token.start, |t| t.start),
            None => token.start,
        };
        let near_end = if token.kind == TokenKind::End {
            token.end
        } else {
            self.peek_at(1).end
        };
        ExpressionError::Syntax {
            token: self.text(token).to_owned(),
            near: self
                .source
                .get(near_start..near_end)
                .unwrap_or_default()
                .to_owned(),
        }
    }

    fn note(&mut self, category: Category, error: ExpressionError) {
        self.deferred.note(category, error);
    }

    /// Counts one operator or function toward AWS's per-expression limit.
    fn count_operator(&mut self) {
        self.operators += 1;
    }

    /// Enters one level of nesting (parentheses, NOT, a function's arguments).
    fn enter(&mut self) -> Result<(), ExpressionError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING_DEPTH {
            return Err(ExpressionError::NestedTooDeep(self.nesting));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    /// Whether the current token can start a document path.
    fn at_path_start(&self) -> bool {
        let token = self.peek();
        match token.kind {
            TokenKind::NamePlaceholder => true,
            TokenKind::Identifier => !self.is_keyword(token),
            _ => false,
        }
    }

    /// `name ( '.' name | '[' digits ']' )*` where a name is a bare attribute name or `#name`.
    fn parse_path(&mut self) -> Result<AttributePath, ExpressionError> {
        let mut elements = vec![PathElement::Attribute(self.parse_path_name()?)];
        loop {
            match self.peek().kind {
                TokenKind::Dot => {
                    self.advance();
                    elements.push(PathElement::Attribute(self.parse_path_name()?));
                }
                TokenKind::LeftBracket => {
                    self.advance();
                    let digits = self.peek();
                    let text = self.text(digits);
                    if digits.kind != TokenKind::Number || !text.bytes().all(|b| b.is_ascii_digit())
                    {
                        return Err(self.syntax_error());
                    }
                    let index = match text.parse::<u64>() {
                        Ok(index) if index <= MAX_LIST_INDEX => usize::try_from(index).ok(),
                        _ => None,
                    };
                    let Some(index) = index else {
                        return Err(ExpressionError::ListIndexOutOfRange(text.to_owned()));
                    };
                    self.advance();
                    self.consume(TokenKind::RightBracket)?;
                    elements.push(PathElement::Index(index));
                }
                _ => break,
            }
            if elements.len() > MAX_PATH_DEPTH {
                return Err(ExpressionError::PathTooDeep(elements.len()));
            }
        }
        Ok(AttributePath::from_elements(elements))
    }

    /// One attribute name of a path, resolved if it is a placeholder.
    fn parse_path_name(&mut self) -> Result<String, ExpressionError> {
        if !self.at_path_start() {
            return Err(self.syntax_error());
        }
        let token = self.advance();
        let text = self.text(token);
        if token.kind == TokenKind::NamePlaceholder {
            return Ok(match self.context.resolve_name(text) {
                Some(name) => name,
                None => {
                    self.note(
                        Category::UndefinedPlaceholder,
                        ExpressionError::UndefinedName(text.to_owned()),
                    );
                    text.to_owned()
                }
            });
        }
        if is_reserved_word(text) {
            self.note(
                Category::Reserved,
                ExpressionError::ReservedKeyword(text.to_owned()),
            );
        }
        Ok(text.to_owned())
    }

    /// The value a `:placeholder` token stands for; an undefined one is noted and stands in
    /// as NULL so parsing can go on to find any syntax error.
    fn resolve_value_token(&mut self, token: Token) -> AttributeValue {
        let text = self.text(token);
        match self.context.resolve_value(text) {
            Some(value) => value,
            None => {
                self.note(
                    Category::UndefinedPlaceholder,
                    ExpressionError::UndefinedValue(text.to_owned()),
                );
                AttributeValue::Null(true)
            }
        }
    }

    /// Notes the first overlap or conflict between `path` and the paths already seen.
    fn check_paths_apart(&mut self, seen: &[AttributePath], path: &AttributePath) {
        for earlier in seen {
            match earlier.relation_to(path) {
                PathRelation::Disjoint => {}
                PathRelation::Overlap => self.note(
                    Category::PathOverlap,
                    ExpressionError::PathsOverlap(earlier.clone(), path.clone()),
                ),
                PathRelation::Conflict => self.note(
                    Category::PathConflict,
                    ExpressionError::PathsConflict(earlier.clone(), path.clone()),
                ),
            }
        }
    }
}
