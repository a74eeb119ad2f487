//! The condition grammar shared by ConditionExpression, FilterExpression and
//! KeyConditionExpression. Precedence from loosest: OR, AND, NOT, then comparisons,
//! BETWEEN, IN and functions. Parentheses may wrap a condition or a single operand, so a
//! term is parsed first and only the token after it says which of the two it must be.

use gannet_model::AttributeValue;

use crate::ast::{Comparator, Condition, Operand};
use crate::context::ExpressionContext;
use crate::error::ExpressionError;
use crate::lexer::TokenKind;
use crate::limits::MAX_IN_OPERANDS;
use crate::path::AttributePath;
use crate::value_order::compare_ordered;

use super::Parser;
use super::deferred::{CONDITION_ORDER, Category};

/// Words that structure conditions; they can never be bare attribute names.
const CONDITION_KEYWORDS: &[&str] = &["AND", "OR", "NOT", "BETWEEN", "IN"];

/// Type names `attribute_type` accepts.
const TYPE_NAMES: &[&str] = &["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"];

pub(crate) fn parse_condition(
    context: &mut ExpressionContext<'_>,
    source: &str,
) -> Result<Condition, ExpressionError> {
    let mut parser = Parser::new(context, source, CONDITION_KEYWORDS)?;
    let node = parser.parse_or()?;
    let condition = parser.node_into_condition(node)?;
    parser.finish(CONDITION_ORDER)?;
    Ok(condition)
}

/// A parsed piece that is not yet known to be a condition or an operand.
struct Node {
    kind: NodeKind,
    /// Whether the piece was written inside its own parentheses.
    parenthesized: bool,
}

enum NodeKind {
    Condition(Condition),
    Operand(Operand),
    /// A call of a function that yields a condition, kept by name for misuse messages.
    ConditionFunction(&'static str, Condition),
    /// A call already found invalid (its problem is noted); stands in for whatever it is.
    Invalid,
}

impl Node {
    fn bare(kind: NodeKind) -> Self {
        Node {
            kind,
            parenthesized: false,
        }
    }
}

/// What stands in for a piece whose problem is already noted; it never leaves the parser.
fn placeholder_condition() -> Condition {
    Condition::AttributeExists(AttributePath::top_level(""))
}

fn placeholder_operand() -> Operand {
    Operand::Value(AttributeValue::Null(true))
}

impl Parser<'_, '_> {
    fn parse_or(&mut self) -> Result<Node, ExpressionError> {
        let mut left = self.parse_and()?;
        while self.at_keyword("OR") {
            let first = self.node_into_condition(left)?;
            self.advance();
            self.count_operator();
            let right = self.parse_and()?;
            let second = self.node_into_condition(right)?;
            left = Node::bare(NodeKind::Condition(Condition::Or(
                Box::new(first),
                Box::new(second),
            )));
        }
        Ok(left)
    }

    fn parse_and(&mut self) -> Result<Node, ExpressionError> {
        let mut left = self.parse_not()?;
        while self.at_keyword("AND") {
            let first = self.node_into_condition(left)?;
            self.advance();
            self.count_operator();
            let right = self.parse_not()?;
            let second = self.node_into_condition(right)?;
            left = Node::bare(NodeKind::Condition(Condition::And(
                Box::new(first),
                Box::new(second),
            )));
        }
        Ok(left)
    }

    fn parse_not(&mut self) -> Result<Node, ExpressionError> {
        if !self.at_keyword("NOT") {
            return self.parse_predicate();
        }
        self.advance();
        self.count_operator();
        self.enter()?;
        let operand = self.parse_not()?;
        let negated = self.node_into_condition(operand)?;
        self.leave();
        Ok(Node::bare(NodeKind::Condition(Condition::Not(Box::new(
            negated,
        )))))
    }

    /// A term, then a comparison, BETWEEN or IN if one follows.
    fn parse_predicate(&mut self) -> Result<Node, ExpressionError> {
        let left = self.parse_term()?;
        if let Some(comparator) = comparator_of(self.peek().kind) {
            let left = self.node_into_operand(left)?;
            self.advance();
            self.count_operator();
            let right = self.parse_term()?;
            let right = self.node_into_operand(right)?;
            self.check_distinct(comparator.symbol(), &left, &right);
            if !matches!(comparator, Comparator::Equal | Comparator::NotEqual) {
                for operand in [&left, &right] {
                    self.check_orderable(comparator.symbol(), operand);
                }
            }
            return Ok(Node::bare(NodeKind::Condition(Condition::Compare {
                left,
                comparator,
                right,
            })));
        }
        if self.at_keyword("BETWEEN") {
            let operand = self.node_into_operand(left)?;
            self.advance();
            self.count_operator();
            let lower = self.parse_term()?;
            let lower = self.node_into_operand(lower)?;
            if !self.at_keyword("AND") {
                return Err(self.syntax_error());
            }
            self.advance();
            let upper = self.parse_term()?;
            let upper = self.node_into_operand(upper)?;
            for bound in [&operand, &lower, &upper] {
                self.check_orderable("BETWEEN", bound);
            }
            self.check_between_bounds(&lower, &upper);
            return Ok(Node::bare(NodeKind::Condition(Condition::Between {
                operand,
                lower,
                upper,
            })));
        }
        if self.at_keyword("IN") {
            let operand = self.node_into_operand(left)?;
            self.advance();
            self.count_operator();
            self.consume(TokenKind::LeftParen)?;
            let mut candidates = Vec::new();
            loop {
                let candidate = self.parse_term()?;
                candidates.push(self.node_into_operand(candidate)?);
                if self.peek().kind != TokenKind::Comma {
                    break;
                }
                self.advance();
            }
            self.consume(TokenKind::RightParen)?;
            if candidates.len() > MAX_IN_OPERANDS {
                return Err(ExpressionError::TooManyInOperands(candidates.len()));
            }
            return Ok(Node::bare(NodeKind::Condition(Condition::In {
                operand,
                candidates,
            })));
        }
        Ok(left)
    }

    /// A parenthesized piece, a function call, a path or a value.
    fn parse_term(&mut self) -> Result<Node, ExpressionError> {
        let token = self.peek();
        match token.kind {
            TokenKind::LeftParen => {
                self.advance();
                self.enter()?;
                let inner = self.parse_or()?;
                self.consume(TokenKind::RightParen)?;
                self.leave();
                if inner.parenthesized {
                    self.note(
                        Category::RedundantParentheses,
                        ExpressionError::RedundantParentheses,
                    );
                }
                Ok(Node {
                    kind: inner.kind,
                    parenthesized: true,
                })
            }
            TokenKind::ValuePlaceholder => {
                self.advance();
                let value = self.resolve_value_token(token);
                Ok(Node::bare(NodeKind::Operand(Operand::Value(value))))
            }
            TokenKind::Identifier
                if self.peek_at(1).kind == TokenKind::LeftParen && !self.is_keyword(token) =>
            {
                self.parse_function()
            }
            _ => {
                let path = self.parse_path()?;
                Ok(Node::bare(NodeKind::Operand(Operand::Path(path))))
            }
        }
    }

    /// `name '(' term (',' term)* ')'`, then the checks DynamoDB makes on known functions.
    fn parse_function(&mut self) -> Result<Node, ExpressionError> {
        let name_token = self.advance();
        let name = self.text(name_token).to_owned();
        self.advance();
        self.enter()?;
        self.count_operator();
        let mut arguments = Vec::new();
        loop {
            let argument = self.parse_term()?;
            arguments.push(self.node_into_operand(argument)?);
            if self.peek().kind != TokenKind::Comma {
                break;
            }
            self.advance();
        }
        self.consume(TokenKind::RightParen)?;
        self.leave();
        Ok(Node::bare(self.build_function(&name, arguments)))
    }

    fn build_function(&mut self, name: &str, arguments: Vec<Operand>) -> NodeKind {
        let (function, arity): (&'static str, usize) = match name {
            "attribute_exists" => ("attribute_exists", 1),
            "attribute_not_exists" => ("attribute_not_exists", 1),
            "attribute_type" => ("attribute_type", 2),
            "begins_with" => ("begins_with", 2),
            "contains" => ("contains", 2),
            "size" => ("size", 1),
            _ => {
                let error = if matches!(name, "if_not_exists" | "list_append") {
                    ExpressionError::NotAConditionFunction(name.to_owned())
                } else {
                    ExpressionError::UnknownFunction(name.to_owned())
                };
                self.note(Category::UnknownFunction, error);
                return NodeKind::Invalid;
            }
        };
        if arguments.len() != arity {
            self.note(
                Category::Operand,
                ExpressionError::WrongOperandCount {
                    function: function.to_owned(),
                    count: arguments.len(),
                },
            );
            return NodeKind::Invalid;
        }
        let mut arguments = arguments.into_iter();
        let (Some(first), second) = (arguments.next(), arguments.next()) else {
            return NodeKind::Invalid;
        };
        match (function, second) {
            ("attribute_exists" | "attribute_not_exists", None) => {
                let Operand::Path(path) = first else {
                    self.note(
                        Category::Operand,
                        ExpressionError::PathRequired(function.to_owned()),
                    );
                    return NodeKind::Invalid;
                };
                let condition = if function == "attribute_exists" {
                    Condition::AttributeExists(path)
                } else {
                    Condition::AttributeNotExists(path)
                };
                NodeKind::ConditionFunction(function, condition)
            }
            ("attribute_type", Some(type_operand)) => {
                self.build_attribute_type(first, type_operand)
            }
            ("begins_with", Some(prefix)) => {
                for operand in [&first, &prefix] {
                    if let Some(type_name) = static_type(operand)
                        && type_name != "S"
                        && type_name != "B"
                    {
                        self.note_operand_type(function, type_name);
                    }
                }
                self.check_distinct(function, &first, &prefix);
                NodeKind::ConditionFunction(
                    function,
                    Condition::BeginsWith {
                        operand: first,
                        prefix,
                    },
                )
            }
            ("contains", Some(needle)) => {
                self.check_distinct(function, &first, &needle);
                NodeKind::ConditionFunction(
                    function,
                    Condition::Contains {
                        operand: first,
                        needle,
                    },
                )
            }
            ("size", None) => {
                if let Some(type_name @ ("N" | "BOOL" | "NULL")) = static_type(&first) {
                    self.note_operand_type(function, type_name);
                }
                NodeKind::Operand(Operand::Size(Box::new(first)))
            }
            _ => NodeKind::Invalid,
        }
    }

    fn build_attribute_type(&mut self, first: Operand, type_operand: Operand) -> NodeKind {
        let function = "attribute_type";
        let type_name = match &type_operand {
            Operand::Value(AttributeValue::S(type_name)) => type_name.clone(),
            other => {
                let shown = static_type(other).unwrap_or("{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
                self.note_operand_type(function, shown);
                return NodeKind::Invalid;
            }
        };
        if !TYPE_NAMES.contains(&type_name.as_str()) {
            self.note(
                Category::Operand,
                ExpressionError::InvalidTypeName(type_name),
            );
            return NodeKind::Invalid;
        }
        let Operand::Path(path) = first else {
            self.note(
                Category::Operand,
                ExpressionError::PathRequired(function.to_owned()),
            );
            return NodeKind::Invalid;
        };
        NodeKind::ConditionFunction(function, Condition::AttributeType { path, type_name })
    }

    fn note_operand_type(&mut self, function: &str, operand_type: &str) {
        self.note(
            Category::Operand,
            ExpressionError::FunctionOperandType {
                function: function.to_owned(),
                operand_type: operand_type.to_owned(),
            },
        );
    }

    /// `<`, `<=`, `>`, `>=` and BETWEEN order only numbers, strings and binaries: a request
    /// value of another type is refused before any item is read (a path is not checked; it
    /// just makes the comparison false).
    fn check_orderable(&mut self, operator: &str, operand: &Operand) {
        if let Some(type_name) = static_type(operand)
            && !matches!(type_name, "N" | "S" | "B")
        {
            self.note_operand_type(operator, type_name);
        }
    }

    /// DynamoDB refuses an operator whose two operands are the same document path.
    fn check_distinct(&mut self, operator: &str, first: &Operand, second: &Operand) {
        if let (Operand::Path(a), Operand::Path(b)) = (first, second)
            && a == b
        {
            self.note(
                Category::Distinct,
                ExpressionError::OperandsNotDistinct {
                    operator: operator.to_owned(),
                    path: a.clone(),
                },
            );
        }
    }

    /// Literal BETWEEN bounds must share a type and be in order.
    fn check_between_bounds(&mut self, lower: &Operand, upper: &Operand) {
        let (Operand::Value(low), Operand::Value(high)) = (lower, upper) else {
            return;
        };
        if low.type_name() != high.type_name() {
            self.note(
                Category::Operand,
                ExpressionError::BetweenBoundTypes {
                    lower: low.clone(),
                    upper: high.clone(),
                },
            );
        } else if compare_ordered(low, high).is_some_and(std::cmp::Ordering::is_gt) {
            self.note(
                Category::Operand,
                ExpressionError::BetweenBoundsReversed {
                    lower: low.clone(),
                    upper: high.clone(),
                },
            );
        }
    }

    /// The node as a condition; an operand here is a syntax error at the current token.
    fn node_into_condition(&mut self, node: Node) -> Result<Condition, ExpressionError> {
        match node.kind {
            NodeKind::Condition(condition) | NodeKind::ConditionFunction(_, condition) => {
                Ok(condition)
            }
            NodeKind::Invalid => Ok(placeholder_condition()),
            NodeKind::Operand(Operand::Size(_)) => {
                self.note(
                    Category::MisusedFunction,
                    ExpressionError::MisusedFunction("size".to_owned()),
                );
                Ok(placeholder_condition())
            }
            NodeKind::Operand(_) => Err(self.syntax_error()),
        }
    }

    /// The node as an operand; a condition here is a syntax error at the current token.
    fn node_into_operand(&mut self, node: Node) -> Result<Operand, ExpressionError> {
        match node.kind {
            NodeKind::Operand(operand) => Ok(operand),
            NodeKind::Invalid => Ok(placeholder_operand()),
            NodeKind::ConditionFunction(name, _) => {
                self.note(
                    Category::MisusedFunction,
                    ExpressionError::MisusedFunction(name.to_owned()),
                );
                Ok(placeholder_operand())
            }
            NodeKind::Condition(_) => Err(self.syntax_error()),
        }
    }
}

fn comparator_of(kind: TokenKind) -> Option<Comparator> {
    Some(match kind {
        TokenKind::Equal => Comparator::Equal,
        TokenKind::NotEqual => Comparator::NotEqual,
        TokenKind::Less => Comparator::Less,
        TokenKind::LessOrEqual => Comparator::LessOrEqual,
        TokenKind::Greater => Comparator::Greater,
        TokenKind::GreaterOrEqual => Comparator::GreaterOrEqual,
        _ => return None,
    })
}

/// The type an operand is known to have before any item is seen.
fn static_type(operand: &Operand) -> Option<&'static str> {
    match operand {
        Operand::Value(value) => Some(value.type_name()),
        Operand::Size(_) => Some("N"),
        Operand::Path(_) => None,
    }
}
