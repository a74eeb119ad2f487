//! Feeds arbitrary text to every expression parser and runs whatever parses against a
//! sample item. Any panic (or stack overflow) is a bug: the parsers must only return errors.
#![no_main]

use std::collections::BTreeMap;

use gannet_expr::{ExpressionContext, ExpressionKind, apply_update};
use gannet_model::{AttributeValue, Item, Number};
use libfuzzer_sys::fuzz_target;

fn sample_item() -> Item {
    let mut nested = Item::new();
    nested.insert(
        "b".to_owned(),
        AttributeValue::L(vec![AttributeValue::N(Number::from_i64(1))]),
    );
    let mut item = Item::new();
    item.insert("a".to_owned(), AttributeValue::M(nested));
    item.insert("n".to_owned(), AttributeValue::N(Number::from_i64(5)));
    item.insert("s".to_owned(), AttributeValue::Ss(vec!["x".to_owned()]));
    item
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let names: BTreeMap<String, String> = [("#n".to_owned(), "n".to_owned())].into();
    let values: BTreeMap<String, AttributeValue> = [
        (":v".to_owned(), AttributeValue::N(Number::from_i64(1))),
        (":s".to_owned(), AttributeValue::Ss(vec!["y".to_owned()])),
        (":l".to_owned(), AttributeValue::L(Vec::new())),
    ]
    .into();
    let item = sample_item();
    let Ok(mut context) = ExpressionContext::new(Some(&names), Some(&values)) else {
        return;
    };
    if let Ok(condition) = context.parse_condition(ExpressionKind::Condition, &text) {
        condition.matches(&item);
    }
    if let Ok(update) = context.parse_update(&text) {
        let mut updated = item.clone();
        if let Ok(touched) = apply_update(&mut updated, true, &update, &["pk"]) {
            touched.updated_old(&item);
            touched.updated_new(&updated);
        }
    }
    if let Ok(projection) = context.parse_projection(&text) {
        projection.apply(&item);
    }
    let _ = context.check_unused();
});
