//! The parsed, resolved forms of expressions. Placeholders are already replaced: paths hold
//! real attribute names and operands hold the attribute values they stood for, so a tree can
//! be evaluated without the request's maps. Legacy parameters lower into these same types.

use gannet_model::AttributeValue;

use crate::path::AttributePath;

/// A ConditionExpression, FilterExpression or KeyConditionExpression.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Compare {
        left: Operand,
        comparator: Comparator,
        right: Operand,
    },
    /// `operand BETWEEN lower AND upper`, bounds inclusive.
    Between {
        operand: Operand,
        lower: Operand,
        upper: Operand,
    },
    /// `operand IN (candidate, ...)`.
    In {
        operand: Operand,
        candidates: Vec<Operand>,
    },
    AttributeExists(AttributePath),
    AttributeNotExists(AttributePath),
    /// `attribute_type(path, :t)`; the type name was checked at parse time.
    AttributeType {
        path: AttributePath,
        type_name: String,
    },
    BeginsWith {
        operand: Operand,
        prefix: Operand,
    },
    Contains {
        operand: Operand,
        needle: Operand,
    },
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
}

/// Something a condition compares: an attribute of the item, a request value, or a size.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Path(AttributePath),
    Value(AttributeValue),
    /// `size(operand)`.
    Size(Box<Operand>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Comparator {
    /// The operator as written in expressions.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Equal => "=",
            Comparator::NotEqual => "<>",
            Comparator::Less => "<",
            Comparator::LessOrEqual => "<=",
            Comparator::Greater => ">",
            Comparator::GreaterOrEqual => ">=",
        }
    }
}

/// An UpdateExpression: its four clauses, each possibly empty.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UpdateExpression {
    pub set: Vec<SetAction>,
    pub remove: Vec<AttributePath>,
    pub add: Vec<AddAction>,
    pub delete: Vec<DeleteAction>,
}

impl UpdateExpression {
    /// Every path the expression writes, in clause order SET, REMOVE, ADD, DELETE.
    pub fn target_paths(&self) -> impl Iterator<Item = &AttributePath> {
        self.set
            .iter()
            .map(|action| &action.path)
            .chain(self.remove.iter())
            .chain(self.add.iter().map(|action| &action.path))
            .chain(self.delete.iter().map(|action| &action.path))
    }
}

/// `SET path = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetAction {
    pub path: AttributePath,
    pub value: SetValue,
}

/// The right-hand side of a SET action.
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    Operand(UpdateOperand),
    Plus(UpdateOperand, UpdateOperand),
    Minus(UpdateOperand, UpdateOperand),
}

/// A value in a SET action, computed from the item as it was before the update.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateOperand {
    Path(AttributePath),
    Value(AttributeValue),
    /// `if_not_exists(path, fallback)`.
    IfNotExists(AttributePath, Box<UpdateOperand>),
    /// `list_append(first, second)`.
    ListAppend(Box<UpdateOperand>, Box<UpdateOperand>),
}

/// `ADD path value`: a number added to a number, or elements added to a set. Lowered
/// AttributeUpdates may also append a list, which the expression language itself rejects.
#[derive(Debug, Clone, PartialEq)]
pub struct AddAction {
    pub path: AttributePath,
    pub value: AttributeValue,
}

/// `DELETE path set`: elements removed from a set.
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteAction {
    pub path: AttributePath,
    pub value: AttributeValue,
}

/// A ProjectionExpression (or lowered AttributesToGet): the paths to return.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub paths: Vec<AttributePath>,
}
