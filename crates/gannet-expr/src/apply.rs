//! Applying an update to an item. Every value a SET reads comes from the item as it was, and
//! every list index names a position in the original list: SETs, ADDs and DELETEs run first
//! and REMOVEs last, highest index first, so earlier removals do not shift later ones.

use gannet_model::limits::{MAX_NESTED_CONTAINERS, TOO_DEEP};
use gannet_model::size::nested_containers;
use gannet_model::{AttributeValue, Error, Item, Number};

use crate::ast::{SetValue, UpdateExpression, UpdateOperand};
use crate::path::{AttributePath, PathElement, step_into_mut};
use crate::projection::project_paths;

const INVALID_PATH: &str =
    "The document path provided in the update expression is invalid for update";
const WRONG_TYPE: &str = "An operand in the update expression has an incorrect data type";
const MISSING_ATTRIBUTE: &str =
    "The provided expression refers to an attribute that does not exist in the item";
/// Which paths an update touched, for the UPDATED_OLD and UPDATED_NEW return values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UpdatedPaths {
    /// Every path the update wrote or removed, as written in the expression.
    written: Vec<AttributePath>,
    /// Where the values written by SET, ADD and DELETE sit in the new item (list appends and
    /// removals in the same list move them).
    landed: Vec<AttributePath>,
}

impl UpdatedPaths {
    /// UPDATED_OLD: the touched paths' values in the item before the update.
    pub fn updated_old(&self, old_item: &Item) -> Item {
        project_paths(old_item, &self.written)
    }

    /// UPDATED_NEW: the written paths' values in the item after the update.
    pub fn updated_new(&self, new_item: &Item) -> Item {
        project_paths(new_item, &self.landed)
    }

    /// Every path the update touched, as written in the expression.
    pub fn paths(&self) -> &[AttributePath] {
        &self.written
    }
}

/// Rejects an update that would touch a key attribute, as DynamoDB does before reading the
/// item.
pub fn check_key_attributes_untouched(
    update: &UpdateExpression,
    key_attribute_names: &[&str],
) -> Result<(), Error> {
    match update
        .target_paths()
        .find(|path| key_attribute_names.contains(&path.top_level_name()))
    {
        Some(path) => Err(Error::Validation(format!(
            "One or more parameter values were invalid: Cannot update attribute {}. This attribute is part of the key",
            path.top_level_name()
        ))),
        None => Ok(()),
    }
}

/// Applies `update` to `item` in place. For a new item, pass the key attributes as `item`
/// and `item_existed = false`. On error `item` is left unchanged.
pub fn apply_update(
    item: &mut Item,
    item_existed: bool,
    update: &UpdateExpression,
    key_attribute_names: &[&str],
) -> Result<UpdatedPaths, Error> {
    check_key_attributes_untouched(update, key_attribute_names)?;
    let original: &Item = item;
    let mut assignments = Vec::with_capacity(update.set.len());
    for action in &update.set {
        assignments.push((&action.path, evaluate_set_value(&action.value, original)?));
    }
    // Several appends past a list's end land in index order, as AWS documents.
    assignments.sort_by(|a, b| a.0.cmp(b.0));

    let mut updated = item.clone();
    let mut landed = Vec::new();
    for (path, value) in assignments {
        landed.push(set_at_path(&mut updated, path, value)?);
    }
    for action in &update.add {
        let combined = match (current_value(&updated, &action.path)?, &action.value) {
            (None, value) => value.clone(),
            (Some(current), value) => add_values(current, value)?,
        };
        landed.push(set_at_path(&mut updated, &action.path, combined)?);
    }
    for action in &update.delete {
        if let Some(current) = current_value(&updated, &action.path)? {
            match remove_elements(current, &action.value)? {
                Some(remaining) => {
                    set_at_path(&mut updated, &action.path, remaining)?;
                }
                None => remove_at_path(&mut updated, &action.path, true)?,
            }
            landed.push(action.path.clone());
        }
    }
    let mut removals: Vec<&AttributePath> = update.remove.iter().collect();
    removals.sort_by(|a, b| b.cmp(a));
    for path in &removals {
        remove_at_path(&mut updated, path, item_existed)?;
    }
    // A SET can put a deep value at a deep path; no stored attribute may end up deeper than
    // DynamoDB allows (nor than the stored-item encoding reads back).
    if update.target_paths().any(|path| {
        updated
            .get(path.top_level_name())
            .is_some_and(|value| nested_containers(value) > MAX_NESTED_CONTAINERS)
    }) {
        return Err(Error::validation(TOO_DEEP));
    }
    let landed = landed
        .into_iter()
        .map(|path| shift_for_removals(path, &removals))
        .collect();
    *item = updated;
    Ok(UpdatedPaths {
        written: update.target_paths().cloned().collect(),
        landed,
    })
}

/// How many maps and lists are nested in `value`, itself included.
fn evaluate_set_value(value: &SetValue, item: &Item) -> Result<AttributeValue, Error> {
    let (first, second, subtract) = match value {
        SetValue::Operand(operand) => return evaluate_operand(operand, item),
        SetValue::Plus(first, second) => (first, second, false),
        SetValue::Minus(first, second) => (first, second, true),
    };
    let (AttributeValue::N(x), AttributeValue::N(y)) = (
        evaluate_operand(first, item)?,
        evaluate_operand(second, item)?,
    ) else {
        return Err(Error::validation(WRONG_TYPE));
    };
    let result = if subtract { x.sub(&y) } else { x.add(&y) };
    result
        .map(AttributeValue::N)
        .map_err(|e| Error::Validation(e.to_string()))
}

fn evaluate_operand(operand: &UpdateOperand, item: &Item) -> Result<AttributeValue, Error> {
    match operand {
        UpdateOperand::Value(value) => Ok(value.clone()),
        UpdateOperand::Path(path) => path
            .resolve(item)
            .cloned()
            .ok_or_else(|| Error::validation(MISSING_ATTRIBUTE)),
        UpdateOperand::IfNotExists(path, fallback) => match path.resolve(item) {
            Some(value) => Ok(value.clone()),
            None => evaluate_operand(fallback, item),
        },
        UpdateOperand::ListAppend(first, second) => {
            let first = evaluate_operand(first, item)?;
            let second = evaluate_operand(second, item)?;
            match (first, second) {
                (AttributeValue::L(mut head), AttributeValue::L(tail)) => {
                    head.extend(tail);
                    Ok(AttributeValue::L(head))
                }
                (AttributeValue::L(_), other) | (other, _) => Err(Error::Validation(format!(
                    "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: {}",
                    other.type_name()
                ))),
            }
        }
    }
}

/// `ADD` of a number to a number, a set to a set of its kind, or (lowered AttributeUpdates
/// only) a list to a list.
fn add_values(current: &AttributeValue, addend: &AttributeValue) -> Result<AttributeValue, Error> {
    Ok(match (current, addend) {
        (AttributeValue::N(x), AttributeValue::N(y)) => {
            AttributeValue::N(x.add(y).map_err(|e| Error::Validation(e.to_string()))?)
        }
        (AttributeValue::Ss(set), AttributeValue::Ss(more)) => AttributeValue::Ss(union(set, more)),
        (AttributeValue::Ns(set), AttributeValue::Ns(more)) => AttributeValue::Ns(union(set, more)),
        (AttributeValue::Bs(set), AttributeValue::Bs(more)) => AttributeValue::Bs(union(set, more)),
        (AttributeValue::L(list), AttributeValue::L(more)) => {
            AttributeValue::L(list.iter().chain(more).cloned().collect())
        }
        _ => return Err(Error::validation(WRONG_TYPE)),
    })
}

fn union<T: PartialEq + Clone>(set: &[T], more: &[T]) -> Vec<T> {
    let mut combined = set.to_vec();
    for element in more {
        if !combined.contains(element) {
            combined.push(element.clone());
        }
    }
    combined
}

/// `DELETE` of set elements; `None` when nothing remains, since sets cannot be empty.
fn remove_elements(
    current: &AttributeValue,
    removed: &AttributeValue,
) -> Result<Option<AttributeValue>, Error> {
    let remaining = match (current, removed) {
        (AttributeValue::Ss(set), AttributeValue::Ss(gone)) => {
            AttributeValue::Ss(difference(set, gone))
        }
        (AttributeValue::Ns(set), AttributeValue::Ns(gone)) => {
            AttributeValue::Ns(difference::<Number>(set, gone))
        }
        (AttributeValue::Bs(set), AttributeValue::Bs(gone)) => {
            AttributeValue::Bs(difference(set, gone))
        }
        _ => return Err(Error::validation(WRONG_TYPE)),
    };
    let empty = match &remaining {
        AttributeValue::Ss(set) => set.is_empty(),
        AttributeValue::Ns(set) => set.is_empty(),
        AttributeValue::Bs(set) => set.is_empty(),
        _ => false,
    };
    Ok((!empty).then_some(remaining))
}

fn difference<T: PartialEq + Clone>(set: &[T], gone: &[T]) -> Vec<T> {
    set.iter()
        .filter(|element| !gone.contains(element))
        .cloned()
        .collect()
}

/// The value at `path`, or `None` if only its last step is missing. A missing or mistyped
/// parent is an invalid path for update.
fn current_value<'a>(
    item: &'a Item,
    path: &AttributePath,
) -> Result<Option<&'a AttributeValue>, Error> {
    let Some(parent_path) = path.parent() else {
        return Ok(path.resolve(item));
    };
    let parent = parent_path
        .resolve(item)
        .ok_or_else(|| Error::validation(INVALID_PATH))?;
    match (parent, path.last()) {
        (AttributeValue::M(map), Some(PathElement::Attribute(key))) => Ok(map.get(key)),
        (AttributeValue::L(list), Some(PathElement::Index(index))) => Ok(list.get(*index)),
        _ => Err(Error::validation(INVALID_PATH)),
    }
}

/// Mutable access to the value at `elements` (a path prefix).
fn value_at_mut<'a>(
    item: &'a mut Item,
    elements: &[PathElement],
) -> Option<&'a mut AttributeValue> {
    let (PathElement::Attribute(name), rest) = elements.split_first()? else {
        return None;
    };
    let mut current = item.get_mut(name)?;
    for element in rest {
        current = step_into_mut(current, element)?;
    }
    Some(current)
}

/// Writes `value` at `path`; an index past a list's end appends. Returns where it landed.
fn set_at_path(
    item: &mut Item,
    path: &AttributePath,
    value: AttributeValue,
) -> Result<AttributePath, Error> {
    let elements = path.elements();
    let Some((last, parent_elements)) = elements.split_last() else {
        return Err(Error::validation(INVALID_PATH));
    };
    if parent_elements.is_empty() {
        item.insert(path.top_level_name().to_owned(), value);
        return Ok(path.clone());
    }
    let parent =
        value_at_mut(item, parent_elements).ok_or_else(|| Error::validation(INVALID_PATH))?;
    match (parent, last) {
        (AttributeValue::M(map), PathElement::Attribute(key)) => {
            map.insert(key.clone(), value);
            Ok(path.clone())
        }
        (AttributeValue::L(list), PathElement::Index(index)) => {
            if let Some(slot) = list.get_mut(*index) {
                *slot = value;
                return Ok(path.clone());
            }
            list.push(value);
            let mut landed = parent_elements.to_vec();
            landed.push(PathElement::Index(list.len() - 1));
            Ok(AttributePath::from_elements(landed))
        }
        _ => Err(Error::validation(INVALID_PATH)),
    }
}

/// Removes the value at `path` if present. A missing map key or list position is fine; a
/// missing or mistyped parent is an error, except on an item that did not exist.
fn remove_at_path(item: &mut Item, path: &AttributePath, item_existed: bool) -> Result<(), Error> {
    let elements = path.elements();
    let Some((last, parent_elements)) = elements.split_last() else {
        return Ok(());
    };
    if parent_elements.is_empty() {
        item.remove(path.top_level_name());
        return Ok(());
    }
    let Some(parent) = value_at_mut(item, parent_elements) else {
        return if item_existed {
            Err(Error::validation(INVALID_PATH))
        } else {
            Ok(())
        };
    };
    match (parent, last) {
        (AttributeValue::M(map), PathElement::Attribute(key)) => {
            map.remove(key);
            Ok(())
        }
        (AttributeValue::L(list), PathElement::Index(index)) => {
            if *index < list.len() {
                list.remove(*index);
            }
            Ok(())
        }
        _ => Err(Error::validation(INVALID_PATH)),
    }
}

/// Where a written list element ended up once lower-indexed elements of the same list
/// (and of lists on its way) were removed.
fn shift_for_removals(path: AttributePath, removals: &[&AttributePath]) -> AttributePath {
    let mut elements = path.elements().to_vec();
    for position in 0..elements.len() {
        let PathElement::Index(index) = elements[position] else {
            continue;
        };
        let prefix = &path.elements()[..position];
        let removed_below = removals
            .iter()
            .filter(|removed| {
                let removed = removed.elements();
                removed.len() == position + 1
                    && removed[..position] == *prefix
                    && matches!(removed[position], PathElement::Index(r) if r < index)
            })
            .count();
        elements[position] = PathElement::Index(index - removed_below);
    }
    AttributePath::from_elements(elements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{SetAction, UpdateOperand};

    /// A map value with `levels` maps nested in one another around a string.
    fn nested(levels: usize) -> AttributeValue {
        let mut value = AttributeValue::S("leaf".to_owned());
        for _ in 0..levels {
            value = AttributeValue::M([("a".to_owned(), value)].into());
        }
        value
    }

    fn set(path: AttributePath, value: AttributeValue) -> UpdateExpression {
        UpdateExpression {
            set: vec![SetAction {
                path,
                value: SetValue::Operand(UpdateOperand::Value(value)),
            }],
            ..UpdateExpression::default()
        }
    }

    #[test]
    fn an_update_may_not_nest_an_attribute_past_32_levels() {
        let mut item = Item::new();
        item.insert("m".to_owned(), nested(30));
        let deep = (0..30).fold(AttributePath::top_level("m"), |p, _| p.with_attribute("a"));
        // 30 maps down, one more map is the 31st container: the deepest allowed.
        apply_update(&mut item, true, &set(deep.clone(), nested(1)), &[]).unwrap();
        let before = item.clone();
        let error = apply_update(&mut item, true, &set(deep, nested(2)), &[]).unwrap_err();
        assert_eq!(error.to_string(), TOO_DEEP);
        assert_eq!(item, before, "a refused update changes nothing");
        // Attributes the update does not touch are not measured.
        apply_update(
            &mut item,
            true,
            &set(AttributePath::top_level("x"), nested(31)),
            &[],
        )
        .unwrap();
        assert_eq!(nested_containers(&item["x"]), 31);
    }
}
