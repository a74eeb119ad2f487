//! Cutting an item down to a set of document paths, the way DynamoDB answers a projection:
//! nested map paths keep their structure, and list elements selected by index come back as a
//! list of just those elements in index order. Paths that lead nowhere are left out.

use std::collections::BTreeMap;

use gannet_model::{AttributeValue, Item};

use crate::ast::Projection;
use crate::path::{AttributePath, PathElement};

impl Projection {
    /// The sparse copy of `item` holding only the projected paths.
    pub fn apply(&self, item: &Item) -> Item {
        project_paths(item, &self.paths)
    }
}

/// The sparse copy of `item` holding only `paths`.
pub fn project_paths(item: &Item, paths: &[AttributePath]) -> Item {
    let mut root = Selection::default();
    for path in paths {
        root.add(path.elements());
    }
    let mut projected = Item::new();
    for (element, selection) in &root.children {
        if let PathElement::Attribute(name) = element
            && let Some(value) = item.get(name)
            && let Some(kept) = selection.project(value)
        {
            projected.insert(name.clone(), kept);
        }
    }
    projected
}

/// A tree of the requested paths: a node either takes its whole value or picks children.
#[derive(Debug, Default)]
struct Selection {
    whole: bool,
    children: BTreeMap<PathElement, Selection>,
}

impl Selection {
    fn add(&mut self, elements: &[PathElement]) {
        match elements.split_first() {
            None => self.whole = true,
            Some((first, rest)) => self.children.entry(first.clone()).or_default().add(rest),
        }
    }

    fn project(&self, value: &AttributeValue) -> Option<AttributeValue> {
        if self.whole {
            return Some(value.clone());
        }
        match value {
            AttributeValue::M(map) => {
                let kept: Item = self
                    .children
                    .iter()
                    .filter_map(|(element, selection)| match element {
                        PathElement::Attribute(key) => {
                            let projected = selection.project(map.get(key)?)?;
                            Some((key.clone(), projected))
                        }
                        PathElement::Index(_) => None,
                    })
                    .collect();
                (!kept.is_empty()).then_some(AttributeValue::M(kept))
            }
            AttributeValue::L(list) => {
                // BTreeMap iteration visits indexes in ascending order.
                let kept: Vec<AttributeValue> = self
                    .children
                    .iter()
                    .filter_map(|(element, selection)| match element {
                        PathElement::Index(index) => selection.project(list.get(*index)?),
                        PathElement::Attribute(_) => None,
                    })
                    .collect();
                (!kept.is_empty()).then_some(AttributeValue::L(kept))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    fn map(pairs: Vec<(&str, AttributeValue)>) -> AttributeValue {
        AttributeValue::M(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// `{a: {b: [2, 4, {x: hi, y: yo}], c: 5}, b: hello}`.
    fn item() -> Item {
        let mut item = Item::new();
        item.insert(
            "a".to_owned(),
            map(vec![
                (
                    "b",
                    AttributeValue::L(vec![
                        s("2"),
                        s("4"),
                        map(vec![("x", s("hi")), ("y", s("yo"))]),
                    ]),
                ),
                ("c", s("5")),
            ]),
        );
        item.insert("b".to_owned(), s("hello"));
        item
    }

    #[test]
    fn nested_and_indexed_paths() {
        let a = AttributePath::top_level("a");
        let projected = project_paths(
            &item(),
            &[
                a.clone()
                    .with_attribute("b")
                    .with_index(2)
                    .with_attribute("y"),
                a.clone().with_attribute("b").with_index(0),
                a.clone().with_attribute("x"),
            ],
        );
        let mut expected = Item::new();
        expected.insert(
            "a".to_owned(),
            map(vec![(
                "b",
                AttributeValue::L(vec![s("2"), map(vec![("y", s("yo"))])]),
            )]),
        );
        assert_eq!(projected, expected);
    }

    #[test]
    fn paths_leading_nowhere_are_dropped() {
        let a = AttributePath::top_level("a");
        for path in [
            a.clone().with_index(0),
            a.clone().with_attribute("b").with_index(3),
            a.clone().with_attribute("b").with_attribute("x"),
            AttributePath::top_level("zz"),
        ] {
            assert_eq!(project_paths(&item(), &[path]), Item::new());
        }
    }
}
