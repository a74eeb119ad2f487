//! The legacy (pre-expression) request parameters, checked with DynamoDB's messages and
//! lowered into the same trees the expression parsers build, so one evaluator serves both.

mod attribute_updates;
mod attributes_to_get;
mod comparison;
mod expected;
mod parameter_mix;

pub use attribute_updates::lower_attribute_updates;
pub use attributes_to_get::lower_attributes_to_get;
pub use comparison::{ComparisonOperator, check_operands, lower_comparison};
pub use expected::{lower_expected, lower_filter};
pub use parameter_mix::{check_parameter_mix, check_placeholder_maps_have_expressions};
