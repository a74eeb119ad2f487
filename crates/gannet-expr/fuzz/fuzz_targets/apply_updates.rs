//! Runs whatever the input parses to (update, condition, projection) against an item and
//! placeholder values the input picks from a pool of awkward values: huge and tiny numbers,
//! empty and Unicode strings, sets, lists and maps nested to DynamoDB's limit. Besides any
//! panic, it is a bug when an update succeeds but its result does not survive the stored-item
//! encoding unchanged.
#![no_main]

use std::collections::BTreeMap;

use gannet_expr::{ExpressionContext, ExpressionKind, apply_update};
use gannet_model::itemcodec::{decode_item, encode_item};
use gannet_model::{AttributeValue, Item, Number};
use libfuzzer_sys::fuzz_target;

fn n(text: &str) -> AttributeValue {
    AttributeValue::N(Number::parse(text).expect("valid number"))
}

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn nested(levels: usize) -> AttributeValue {
    (0..levels).fold(n("1"), |value, level| {
        if level % 2 == 0 {
            AttributeValue::M([("a".to_owned(), value)].into())
        } else {
            AttributeValue::L(vec![value])
        }
    })
}

fn pool() -> Vec<AttributeValue> {
    vec![
        n("0"),
        n("1"),
        n("-1.5"),
        n("9.9999999999999999999999999999999999999E+125"),
        n("-9.9999999999999999999999999999999999999E+125"),
        n("1E-130"),
        n("12345678901234567890123456789012345678"),
        s(""),
        s("abc"),
        s("héllo ✓"),
        AttributeValue::B(vec![0, 255, 1]),
        AttributeValue::Bool(true),
        AttributeValue::Null(true),
        AttributeValue::Ss(vec!["a".to_owned(), "b".to_owned()]),
        AttributeValue::Ns(vec![Number::from_i64(1), Number::from_i64(2)]),
        AttributeValue::Bs(vec![vec![1], vec![2]]),
        AttributeValue::L(Vec::new()),
        AttributeValue::L(vec![n("1"), s("x"), AttributeValue::L(vec![n("2")])]),
        AttributeValue::M(BTreeMap::new()),
        AttributeValue::M([("a".to_owned(), n("1")), ("b".to_owned(), s("x"))].into()),
        nested(31),
        nested(60),
    ]
}

fuzz_target!(|data: &[u8]| {
    let Some((choice, text)) = data.split_first_chunk::<4>() else {
        return;
    };
    let text = String::from_utf8_lossy(text);
    let pool = pool();
    let pick = |byte: u8| pool[usize::from(byte) % pool.len()].clone();

    let names: BTreeMap<String, String> = [
        ("#a".to_owned(), "a".to_owned()),
        ("#d".to_owned(), "a.b".to_owned()),
        ("#k".to_owned(), "pk".to_owned()),
    ]
    .into();
    let values: BTreeMap<String, AttributeValue> = [
        (":a".to_owned(), pick(choice[0])),
        (":b".to_owned(), pick(choice[1])),
        (":c".to_owned(), pick(choice[2])),
    ]
    .into();
    let mut item = Item::new();
    item.insert("pk".to_owned(), s("key"));
    item.insert("a".to_owned(), pick(choice[3]));
    item.insert("b".to_owned(), pick(choice[3] / 7));
    item.insert(
        "l".to_owned(),
        AttributeValue::L(vec![pick(choice[0]), pick(choice[1])]),
    );
    item.insert(
        "m".to_owned(),
        AttributeValue::M([("a".to_owned(), pick(choice[2]))].into()),
    );
    let existed = choice[0] & 1 == 0;

    let Ok(mut context) = ExpressionContext::new(Some(&names), Some(&values)) else {
        return;
    };
    if let Ok(condition) = context.parse_condition(ExpressionKind::Condition, &text) {
        condition.matches(&item);
    }
    if let Ok(update) = context.parse_update(&text) {
        let mut updated = item.clone();
        if let Ok(touched) = apply_update(&mut updated, existed, &update, &["pk"]) {
            touched.updated_old(&item);
            touched.updated_new(&updated);
            let mut bytes = Vec::new();
            encode_item(&updated, &mut bytes);
            let decoded = decode_item(&bytes).expect("an updated item must read back");
            assert_eq!(decoded, updated, "an updated item must read back unchanged");
        } else {
            assert_eq!(updated, item, "a failed update changes nothing");
        }
    }
    if let Ok(projection) = context.parse_projection(&text) {
        projection.apply(&item);
    }
    let _ = context.check_unused();
});
