//! `AttributesToGet` lowered to a [`Projection`] of top-level attributes.

use gannet_model::Error;

use crate::ast::Projection;
use crate::path::AttributePath;

pub fn lower_attributes_to_get(names: &[String]) -> Result<Projection, Error> {
    if names.is_empty() {
        return Err(Error::validation(
            "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ));
    }
    let mut paths: Vec<AttributePath> = Vec::with_capacity(names.len());
    for name in names {
        let path = AttributePath::top_level(name);
        if paths.contains(&path) {
            return Err(Error::Validation(format!(
                "One or more parameter values were invalid: Duplicate value in attribute name: {name}"
            )));
        }
        paths.push(path);
    }
    Ok(Projection { paths })
}
