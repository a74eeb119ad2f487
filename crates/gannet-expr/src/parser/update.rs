//! UpdateExpression: SET, REMOVE, ADD and DELETE clauses, each at most once, in any order.
//! No two actions may write overlapping or conflicting paths.

use gannet_model::AttributeValue;

use crate::ast::{AddAction, DeleteAction, SetAction, SetValue, UpdateExpression, UpdateOperand};
use crate::context::ExpressionContext;
use crate::error::{ExpressionError, action_type_word};
use crate::lexer::TokenKind;
use crate::path::AttributePath;

use super::Parser;
use super::deferred::{Category, UPDATE_ORDER};

const CLAUSES: &[&str] = &["SET", "REMOVE", "ADD", "DELETE"];

pub(crate) fn parse_update(
    context: &mut ExpressionContext<'_>,
    source: &str,
) -> Result<UpdateExpression, ExpressionError> {
    let mut parser = Parser::new(context, source, CLAUSES)?;
    let mut update = UpdateExpression::default();
    let mut clauses_seen: Vec<&'static str> = Vec::new();
    let mut targets: Vec<AttributePath> = Vec::new();
    loop {
        let Some(clause) = CLAUSES
            .iter()
            .copied()
            .find(|clause| parser.at_keyword(clause))
        else {
            return Err(parser.syntax_error());
        };
        parser.advance();
        if clauses_seen.contains(&clause) {
            parser.note(
                Category::RepeatedSection,
                ExpressionError::RepeatedSection(clause),
            );
        }
        clauses_seen.push(clause);
        loop {
            let path = parser.parse_path()?;
            parser.check_paths_apart(&targets, &path);
            targets.push(path.clone());
            match clause {
                "SET" => {
                    parser.consume(TokenKind::Equal)?;
                    let value = parser.parse_set_value()?;
                    update.set.push(SetAction { path, value });
                }
                "REMOVE" => update.remove.push(path),
                "ADD" => {
                    let value = parser.parse_action_value("ADD")?;
                    update.add.push(AddAction { path, value });
                }
                _ => {
                    let value = parser.parse_action_value("DELETE")?;
                    update.delete.push(DeleteAction { path, value });
                }
            }
            if parser.peek().kind != TokenKind::Comma {
                break;
            }
            parser.advance();
        }
        if parser.peek().kind == TokenKind::End {
            break;
        }
    }
    parser.finish(UPDATE_ORDER)?;
    Ok(update)
}

impl Parser<'_, '_> {
    /// `operand`, `operand + operand` or `operand - operand`, optionally in parentheses.
    fn parse_set_value(&mut self) -> Result<SetValue, ExpressionError> {
        let first = if self.peek().kind == TokenKind::LeftParen {
            self.advance();
            self.enter()?;
            let inner = self.parse_set_value()?;
            self.consume(TokenKind::RightParen)?;
            self.leave();
            match inner {
                SetValue::Operand(operand) => operand,
                arithmetic => return Ok(arithmetic),
            }
        } else {
            self.parse_update_operand()?
        };
        let operator = match self.peek().kind {
            TokenKind::Plus => "+",
            TokenKind::Minus => "-",
            _ => return Ok(SetValue::Operand(first)),
        };
        self.advance();
        self.count_operator();
        let second = self.parse_parenthesized_operand()?;
        for operand in [&first, &second] {
            if let Some(type_name) = literal_type(operand)
                && type_name != "N"
            {
                self.note_update_operand_type(operator, type_name);
            }
        }
        Ok(if operator == "+" {
            SetValue::Plus(first, second)
        } else {
            SetValue::Minus(first, second)
        })
    }

    fn parse_parenthesized_operand(&mut self) -> Result<UpdateOperand, ExpressionError> {
        if self.peek().kind != TokenKind::LeftParen {
            return self.parse_update_operand();
        }
        self.advance();
        self.enter()?;
        let operand = self.parse_update_operand()?;
        self.consume(TokenKind::RightParen)?;
        self.leave();
        Ok(operand)
    }

    /// A value, a path, or a call of `if_not_exists` / `list_append`.
    fn parse_update_operand(&mut self) -> Result<UpdateOperand, ExpressionError> {
        let token = self.peek();
        match token.kind {
            TokenKind::ValuePlaceholder => {
                self.advance();
                Ok(UpdateOperand::Value(self.resolve_value_token(token)))
            }
            TokenKind::Identifier
                if self.peek_at(1).kind == TokenKind::LeftParen && !self.is_keyword(token) =>
            {
                self.parse_update_function()
            }
            _ => Ok(UpdateOperand::Path(self.parse_path()?)),
        }
    }

    fn parse_update_function(&mut self) -> Result<UpdateOperand, ExpressionError> {
        let name_token = self.advance();
        let name = self.text(name_token).to_owned();
        self.advance();
        self.enter()?;
        self.count_operator();
        let mut arguments = Vec::new();
        loop {
            arguments.push(self.parse_parenthesized_operand()?);
            if self.peek().kind != TokenKind::Comma {
                break;
            }
            self.advance();
        }
        self.consume(TokenKind::RightParen)?;
        self.leave();
        Ok(self.build_update_function(&name, arguments))
    }

    fn build_update_function(
        &mut self,
        name: &str,
        arguments: Vec<UpdateOperand>,
    ) -> UpdateOperand {
        let invalid = UpdateOperand::Value(AttributeValue::Null(true));
        if name != "if_not_exists" && name != "list_append" {
            let condition_functions = [
                "attribute_exists",
                "attribute_not_exists",
                "attribute_type",
                "begins_with",
                "contains",
                "size",
            ];
            let error = if condition_functions.contains(&name) {
                ExpressionError::NotAnUpdateFunction(name.to_owned())
            } else {
                ExpressionError::UnknownFunction(name.to_owned())
            };
            self.note(Category::UnknownFunction, error);
            return invalid;
        }
        let count = arguments.len();
        let mut arguments = arguments.into_iter();
        let (Some(first), Some(second), None) =
            (arguments.next(), arguments.next(), arguments.next())
        else {
            self.note(
                Category::Operand,
                ExpressionError::WrongOperandCount {
                    function: name.to_owned(),
                    count,
                },
            );
            return invalid;
        };
        if name == "if_not_exists" {
            let UpdateOperand::Path(path) = first else {
                self.note(
                    Category::Operand,
                    ExpressionError::PathRequired(name.to_owned()),
                );
                return invalid;
            };
            return UpdateOperand::IfNotExists(path, Box::new(second));
        }
        for operand in [&first, &second] {
            if matches!(operand, UpdateOperand::ListAppend(..)) {
                self.note(
                    Category::MisusedFunction,
                    ExpressionError::MisusedFunction(name.to_owned()),
                );
            } else if let Some(type_name) = literal_type(operand)
                && type_name != "L"
            {
                self.note_update_operand_type(name, type_name);
            }
        }
        UpdateOperand::ListAppend(Box::new(first), Box::new(second))
    }

    fn note_update_operand_type(&mut self, function: &str, operand_type: &str) {
        self.note(
            Category::Operand,
            ExpressionError::FunctionOperandType {
                function: function.to_owned(),
                operand_type: operand_type.to_owned(),
            },
        );
    }

    /// The `:value` of an ADD or DELETE action, which must be of a type the action takes.
    fn parse_action_value(
        &mut self,
        operator: &'static str,
    ) -> Result<AttributeValue, ExpressionError> {
        let token = self.consume(TokenKind::ValuePlaceholder)?;
        let value = self.resolve_value_token(token);
        let allowed = match value {
            AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) => true,
            AttributeValue::N(_) => operator == "ADD",
            _ => false,
        };
        // An undefined placeholder stands in as NULL; its own error outranks this one.
        if !allowed {
            self.note(
                Category::Operand,
                ExpressionError::ActionOperandType {
                    operator,
                    operand_type: action_type_word(&value),
                },
            );
        }
        Ok(value)
    }
}

/// The type of an operand that is a request value.
fn literal_type(operand: &UpdateOperand) -> Option<&'static str> {
    match operand {
        UpdateOperand::Value(value) => Some(value.type_name()),
        _ => None,
    }
}
