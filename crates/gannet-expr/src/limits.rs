//! DynamoDB's published limits on expressions, plus Gannet's own nesting guard.

/// Longest expression string, in UTF-8 bytes.
pub const MAX_EXPRESSION_BYTES: usize = 4096;
/// Most operators and functions one expression may use.
pub const MAX_OPERATORS: usize = 300;
/// Most values on the right of one IN.
pub const MAX_IN_OPERANDS: usize = 100;
/// Most elements in one document path.
pub const MAX_PATH_DEPTH: usize = 32;
/// Largest list index a document path may name (`l[4294967294]`); DynamoDB refuses larger
/// ones as out of the allowable range rather than treating them as "past the end".
pub const MAX_LIST_INDEX: u64 = 4_294_967_294;
/// Deepest nesting of parentheses, NOT and function calls the parser follows. DynamoDB has
/// no such published limit; this one keeps the recursive descent well inside a 2 MiB thread
/// stack even in unoptimized builds, where each level costs tens of KiB.
pub const MAX_NESTING_DEPTH: usize = 50;
