//! Helpers shared by the integration tests: items and placeholder maps written as DynamoDB
//! JSON, and one-call parsing the way the core will do it.
#![allow(dead_code)]

use std::collections::BTreeMap;

use gannet_expr::{Condition, ExpressionContext, ExpressionKind, Projection, UpdateExpression};
use gannet_model::{AttributeValue, Error, Item};

/// An item (or a placeholder-values map) from DynamoDB JSON.
pub fn item(json: &str) -> Item {
    serde_json::from_str(json).expect("test JSON is a valid item")
}

pub fn names(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    if pairs.is_empty() {
        return None;
    }
    Some(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

pub fn values(json: &str) -> Option<BTreeMap<String, AttributeValue>> {
    if json.is_empty() {
        return None;
    }
    Some(item(json))
}

/// Parses a condition with its own placeholder maps and checks none went unused.
pub fn condition(
    kind: ExpressionKind,
    text: &str,
    names: &Option<BTreeMap<String, String>>,
    values: &Option<BTreeMap<String, AttributeValue>>,
) -> Result<Condition, Error> {
    let mut context = ExpressionContext::new(names.as_ref(), values.as_ref())?;
    let parsed = context.parse_condition(kind, text)?;
    context.check_unused()?;
    Ok(parsed)
}

pub fn update(
    text: &str,
    names: &Option<BTreeMap<String, String>>,
    values: &Option<BTreeMap<String, AttributeValue>>,
) -> Result<UpdateExpression, Error> {
    let mut context = ExpressionContext::new(names.as_ref(), values.as_ref())?;
    let parsed = context.parse_update(text)?;
    context.check_unused()?;
    Ok(parsed)
}

pub fn projection(
    text: &str,
    names: &Option<BTreeMap<String, String>>,
) -> Result<Projection, Error> {
    let mut context = ExpressionContext::new(names.as_ref(), None)?;
    let parsed = context.parse_projection(text)?;
    context.check_unused()?;
    Ok(parsed)
}

/// The developer guide's ProductCatalog item 123.
pub fn bicycle() -> Item {
    item(
        r#"{
        "Id": {"N": "123"},
        "Title": {"S": "Bicycle 123"},
        "Description": {"S": "123 description"},
        "BicycleType": {"S": "Hybrid"},
        "Brand": {"S": "Brand-Company C"},
        "Price": {"N": "500"},
        "Color": {"SS": ["Red", "Black"]},
        "ProductCategory": {"S": "Bicycle"},
        "InStock": {"BOOL": true},
        "QuantityOnHand": {"NULL": true},
        "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]},
        "Pictures": {"M": {
            "FrontView": {"S": "http://example.com/products/123_front.jpg"},
            "RearView": {"S": "http://example.com/products/123_rear.jpg"},
            "SideView": {"S": "http://example.com/products/123_left_side.jpg"}
        }},
        "ProductReviews": {"M": {
            "FiveStar": {"L": [
                {"S": "Excellent! Can't recommend it highly enough! Buy it!"},
                {"S": "Do yourself a favor and buy this."}
            ]},
            "OneStar": {"L": [{"S": "Terrible product! Do not buy this."}]}
        }},
        "Comment": {"S": "This product sells out quickly during the summer"},
        "Safety.Warning": {"S": "Always wear a helmet"}
    }"#,
    )
}
