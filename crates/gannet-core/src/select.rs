//! The Select member of Query and Scan, and AWS's rules for combining it with projections
//! and IndexName.

use gannet_model::Error;
use gannet_model::error::ConstraintViolations;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    AllAttributes,
    AllProjectedAttributes,
    SpecificAttributes,
    Count,
}

/// Which projection member a request carries, named as AWS names it in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectionMember {
    ProjectionExpression,
    AttributesToGet,
}

impl ProjectionMember {
    fn name(self) -> &'static str {
        match self {
            ProjectionMember::ProjectionExpression => "ProjectionExpression",
            ProjectionMember::AttributesToGet => "AttributesToGet",
        }
    }
}

/// Parses Select; an unknown value is a constraint violation (reported with the others).
pub fn parse_select(value: Option<&str>, violations: &mut ConstraintViolations) -> Option<Select> {
    match value? {
        "ALL_ATTRIBUTES" => Some(Select::AllAttributes),
        "ALL_PROJECTED_ATTRIBUTES" => Some(Select::AllProjectedAttributes),
        "SPECIFIC_ATTRIBUTES" => Some(Select::SpecificAttributes),
        "COUNT" => Some(Select::Count),
        other => {
            violations.invalid(
                other,
                "select",
                "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
            );
            None
        }
    }
}

/// The Select in effect: checks the requested one against the projection and index, and
/// picks AWS's default when absent.
pub fn effective_select(
    requested: Option<Select>,
    projection: Option<ProjectionMember>,
    index_name: Option<&str>,
) -> Result<Select, Error> {
    let Some(select) = requested else {
        return Ok(match (projection, index_name) {
            (Some(_), _) => Select::SpecificAttributes,
            (None, Some(_)) => Select::AllProjectedAttributes,
            (None, None) => Select::AllAttributes,
        });
    };
    let cannot_specify = |member: ProjectionMember, choice: &str| {
        Error::Validation(format!(
            "Cannot specify the {} when choosing to get {choice}",
            member.name()
        ))
    };
    match (select, projection) {
        (Select::AllAttributes, Some(member)) => Err(cannot_specify(member, "ALL_ATTRIBUTES")),
        (Select::AllProjectedAttributes, Some(member)) => {
            Err(cannot_specify(member, "ALL_PROJECTED_ATTRIBUTES"))
        }
        (Select::AllProjectedAttributes, None) if index_name.is_none() => Err(Error::validation(
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
        )),
        (Select::Count, Some(member)) => Err(cannot_specify(member, "only the Count")),
        (Select::SpecificAttributes, None) => Err(Error::validation(
            "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
        )),
        (select, _) => Ok(select),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<Select, Error>) -> String {
        match result {
            Ok(select) => format!("ok {select:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn defaults_follow_projection_and_index() {
        use ProjectionMember::*;
        assert_eq!(
            effective_select(None, None, None).ok(),
            Some(Select::AllAttributes)
        );
        assert_eq!(
            effective_select(None, Some(AttributesToGet), None).ok(),
            Some(Select::SpecificAttributes)
        );
        assert_eq!(
            effective_select(None, None, Some("byDate")).ok(),
            Some(Select::AllProjectedAttributes)
        );
    }

    #[test]
    fn combinations_are_checked_with_aws_messages() {
        use ProjectionMember::*;
        assert_eq!(
            message(effective_select(
                Some(Select::AllAttributes),
                Some(ProjectionExpression),
                None
            )),
            "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"
        );
        assert_eq!(
            message(effective_select(
                Some(Select::Count),
                Some(AttributesToGet),
                None
            )),
            "Cannot specify the AttributesToGet when choosing to get only the Count"
        );
        assert_eq!(
            message(effective_select(
                Some(Select::AllProjectedAttributes),
                None,
                None
            )),
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        );
        assert_eq!(
            message(effective_select(
                Some(Select::SpecificAttributes),
                None,
                None
            )),
            "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
        );
        assert_eq!(
            message(effective_select(
                Some(Select::SpecificAttributes),
                Some(ProjectionExpression),
                None
            )),
            "ok SpecificAttributes"
        );
    }

    #[test]
    fn unknown_select_is_a_constraint_violation() {
        let mut violations = ConstraintViolations::new();
        assert_eq!(parse_select(Some("SOME"), &mut violations), None);
        assert_eq!(
            violations.into_result().unwrap_err().to_string(),
            "1 validation error detected: Value 'SOME' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"
        );
    }
}
