//! Which expression and legacy parameters a request may combine.

use gannet_model::Error;

/// Rejects a request that mixes legacy and expression parameters. Each slice lists the
/// parameters the operation knows, in AWS's order, with whether the request carries them.
/// KeyConditions may accompany expressions as long as KeyConditionExpression is absent.
pub fn check_parameter_mix(
    legacy: &[(&str, bool)],
    expressions: &[(&str, bool)],
) -> Result<(), Error> {
    let present_expressions: Vec<&str> = expressions
        .iter()
        .filter(|(_, present)| *present)
        .map(|(name, _)| *name)
        .collect();
    if present_expressions.is_empty() {
        return Ok(());
    }
    let key_condition_expression = present_expressions.contains(&"KeyConditionExpression");
    let present_legacy: Vec<&str> = legacy
        .iter()
        .filter(|(name, present)| {
            *present && (*name != "KeyConditions" || key_condition_expression)
        })
        .map(|(name, _)| *name)
        .collect();
    if present_legacy.is_empty() {
        return Ok(());
    }
    Err(Error::Validation(format!(
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
        present_legacy.join(", "),
        present_expressions.join(", ")
    )))
}

/// Rejects placeholder maps sent without an expression that could use them.
/// `expressions` lists the operation's expression parameters with whether each is present;
/// values cannot be used by a ProjectionExpression.
pub fn check_placeholder_maps_have_expressions(
    names_present: bool,
    values_present: bool,
    expressions: &[(&str, bool)],
) -> Result<(), Error> {
    if names_present && !expressions.iter().any(|(_, present)| *present) {
        return Err(Error::validation(
            "ExpressionAttributeNames can only be specified when using expressions",
        ));
    }
    let value_expressions: Vec<&str> = expressions
        .iter()
        .filter(|(name, _)| *name != "ProjectionExpression")
        .map(|(name, _)| *name)
        .collect();
    let any_value_expression = expressions
        .iter()
        .any(|(name, present)| *present && *name != "ProjectionExpression");
    if values_present && !value_expressions.is_empty() && !any_value_expression {
        return Err(Error::Validation(format!(
            "ExpressionAttributeValues can only be specified when using expressions: {} {} null",
            value_expressions.join(" and "),
            if value_expressions.len() > 1 {
                "are"
            } else {
                "is"
            }
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixing_names_both_sides() {
        let error = check_parameter_mix(
            &[("Expected", true), ("ConditionalOperator", false)],
            &[("ConditionExpression", true)],
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"
        );
        check_parameter_mix(&[("Expected", true)], &[("ConditionExpression", false)]).unwrap();
        check_parameter_mix(
            &[("KeyConditions", true)],
            &[
                ("FilterExpression", true),
                ("KeyConditionExpression", false),
            ],
        )
        .unwrap();
    }

    #[test]
    fn placeholder_maps_need_an_expression() {
        let error =
            check_placeholder_maps_have_expressions(false, true, &[("ConditionExpression", false)])
                .unwrap_err();
        assert_eq!(
            error.to_string(),
            "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"
        );
        let error = check_placeholder_maps_have_expressions(
            true,
            false,
            &[("ProjectionExpression", false)],
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "ExpressionAttributeNames can only be specified when using expressions"
        );
        check_placeholder_maps_have_expressions(true, true, &[("UpdateExpression", true)]).unwrap();
    }
}
