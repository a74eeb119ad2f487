//! Document paths: a top-level attribute name followed by map keys and list indexes
//! (`a.b[3].c`), with placeholders already replaced by the names they stand for.

use std::fmt;

use gannet_model::{AttributeValue, Item};

/// One step of a document path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathElement {
    /// A top-level attribute or a key of a map.
    Attribute(String),
    /// A position in a list.
    Index(usize),
}

/// A resolved document path. It always starts with an attribute name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath {
    elements: Vec<PathElement>,
}

/// How two paths of one expression relate, for AWS's overlap and conflict checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRelation {
    /// Neither path contains the other.
    Disjoint,
    /// One path is the other or an ancestor of it (`a` and `a.b`).
    Overlap,
    /// They index the same value as a map and as a list (`a.b` and `a[1]`).
    Conflict,
}

impl AttributePath {
    /// A path naming a top-level attribute.
    pub fn top_level(name: impl Into<String>) -> Self {
        AttributePath {
            elements: vec![PathElement::Attribute(name.into())],
        }
    }

    /// This path extended by a map key.
    pub fn with_attribute(mut self, name: impl Into<String>) -> Self {
        self.elements.push(PathElement::Attribute(name.into()));
        self
    }

    /// This path extended by a list index.
    pub fn with_index(mut self, index: usize) -> Self {
        self.elements.push(PathElement::Index(index));
        self
    }

    pub fn elements(&self) -> &[PathElement] {
        &self.elements
    }

    /// The name of the top-level attribute the path starts at.
    pub fn top_level_name(&self) -> &str {
        match self.elements.first() {
            Some(PathElement::Attribute(name)) => name,
            // The constructors only ever start a path with an attribute.
            _ => "",
        }
    }

    /// Whether the path is just a top-level attribute.
    pub fn is_top_level(&self) -> bool {
        self.elements.len() == 1
    }

    /// Number of elements, the measure AWS's nesting limit counts.
    pub fn depth(&self) -> usize {
        self.elements.len()
    }

    /// The path without its last element; `None` for a top-level path.
    pub fn parent(&self) -> Option<AttributePath> {
        if self.elements.len() < 2 {
            return None;
        }
        Some(AttributePath {
            elements: self.elements[..self.elements.len() - 1].to_vec(),
        })
    }

    /// The final element: the attribute, key or index the path names.
    pub fn last(&self) -> Option<&PathElement> {
        self.elements.last()
    }

    /// The value the path leads to in `item`, if every step exists with the right type.
    pub fn resolve<'a>(&self, item: &'a Item) -> Option<&'a AttributeValue> {
        let (first, rest) = self.elements.split_first()?;
        let PathElement::Attribute(name) = first else {
            return None;
        };
        let mut current = item.get(name)?;
        for element in rest {
            current = step_into(current, element)?;
        }
        Some(current)
    }

    /// How this path relates to `other` (see [`PathRelation`]).
    pub fn relation_to(&self, other: &AttributePath) -> PathRelation {
        for (mine, theirs) in self.elements.iter().zip(&other.elements) {
            match (mine, theirs) {
                (PathElement::Attribute(a), PathElement::Attribute(b)) if a == b => {}
                (PathElement::Index(a), PathElement::Index(b)) if a == b => {}
                (PathElement::Attribute(_), PathElement::Attribute(_))
                | (PathElement::Index(_), PathElement::Index(_)) => return PathRelation::Disjoint,
                _ => return PathRelation::Conflict,
            }
        }
        PathRelation::Overlap
    }

    pub(crate) fn from_elements(elements: Vec<PathElement>) -> Self {
        AttributePath { elements }
    }
}

/// One step down from `value`: a map key or a list position.
pub(crate) fn step_into<'a>(
    value: &'a AttributeValue,
    element: &PathElement,
) -> Option<&'a AttributeValue> {
    match (value, element) {
        (AttributeValue::M(map), PathElement::Attribute(key)) => map.get(key),
        (AttributeValue::L(list), PathElement::Index(index)) => list.get(*index),
        _ => None,
    }
}

/// The mutable form of [`step_into`].
pub(crate) fn step_into_mut<'a>(
    value: &'a mut AttributeValue,
    element: &PathElement,
) -> Option<&'a mut AttributeValue> {
    match (value, element) {
        (AttributeValue::M(map), PathElement::Attribute(key)) => map.get_mut(key),
        (AttributeValue::L(list), PathElement::Index(index)) => list.get_mut(*index),
        _ => None,
    }
}

/// AWS's rendering in error messages: `[a, b, [3]]`.
impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (position, element) in self.elements.iter().enumerate() {
            if position > 0 {
                f.write_str(", ")?;
            }
            match element {
                PathElement::Attribute(name) => f.write_str(name)?,
                PathElement::Index(index) => write!(f, "[{index}]")?,
            }
        }
        f.write_str("]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_a_b_3() -> AttributePath {
        AttributePath::top_level("a")
            .with_attribute("b")
            .with_index(3)
    }

    #[test]
    fn displays_like_aws() {
        assert_eq!(path_a_b_3().to_string(), "[a, b, [3]]");
        assert_eq!(AttributePath::top_level("x").to_string(), "[x]");
    }

    #[test]
    fn relations() {
        let a = AttributePath::top_level("a");
        let a_b = a.clone().with_attribute("b");
        let a_c = a.clone().with_attribute("c");
        let a_1 = a.clone().with_index(1);
        assert_eq!(a.relation_to(&a), PathRelation::Overlap);
        assert_eq!(a.relation_to(&a_b), PathRelation::Overlap);
        assert_eq!(a_b.relation_to(&a), PathRelation::Overlap);
        assert_eq!(a_b.relation_to(&a_c), PathRelation::Disjoint);
        assert_eq!(a_b.relation_to(&a_1), PathRelation::Conflict);
        assert_eq!(
            a_1.relation_to(&a.clone().with_index(2)),
            PathRelation::Disjoint
        );
    }

    #[test]
    fn resolves_nested_values() {
        let mut inner = Item::new();
        inner.insert(
            "b".to_owned(),
            AttributeValue::L(vec![
                AttributeValue::Bool(false),
                AttributeValue::Bool(false),
                AttributeValue::Bool(false),
                AttributeValue::S("x".to_owned()),
            ]),
        );
        let mut item = Item::new();
        item.insert("a".to_owned(), AttributeValue::M(inner));
        assert_eq!(
            path_a_b_3().resolve(&item),
            Some(&AttributeValue::S("x".to_owned()))
        );
        assert_eq!(
            AttributePath::top_level("a").with_index(0).resolve(&item),
            None
        );
        assert_eq!(AttributePath::top_level("zz").resolve(&item), None);
    }
}
