//! Property tests: the parsers never panic, whatever the input, and evaluation of generated
//! conditions agrees with a small independent model of DynamoDB's semantics.

use std::collections::BTreeMap;

use gannet_expr::{ExpressionContext, ExpressionKind, apply_update};
use gannet_model::{AttributeValue, Item, Number};
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "a",
    "b",
    "c",
    "name",
    "#n",
    "#missing",
    ":v",
    ":s",
    ":l",
    ":undefined",
    "(",
    ")",
    "[",
    "]",
    "0",
    "3",
    ",",
    ".",
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "AND",
    "or",
    "NOT",
    "BETWEEN",
    "IN",
    "SET",
    "remove",
    "ADD",
    "DELETE",
    "size",
    "contains",
    "begins_with",
    "attribute_exists",
    "attribute_not_exists",
    "attribute_type",
    "if_not_exists",
    "list_append",
    "!",
    "_",
    "é",
];

fn names() -> BTreeMap<String, String> {
    [("#n".to_owned(), "n".to_owned())].into_iter().collect()
}

fn values() -> BTreeMap<String, AttributeValue> {
    [
        (":v".to_owned(), number(1)),
        (":s".to_owned(), AttributeValue::Ss(vec!["x".to_owned()])),
        (":l".to_owned(), AttributeValue::L(vec![number(2)])),
    ]
    .into_iter()
    .collect()
}

fn number(value: i64) -> AttributeValue {
    AttributeValue::N(Number::from_i64(value))
}

fn sample_item() -> Item {
    let mut inner = Item::new();
    inner.insert(
        "b".to_owned(),
        AttributeValue::L(vec![number(1), number(2)]),
    );
    let mut item = Item::new();
    item.insert("a".to_owned(), AttributeValue::M(inner));
    item.insert("b".to_owned(), number(5));
    item.insert("c".to_owned(), AttributeValue::Ss(vec!["x".to_owned()]));
    item.insert("n".to_owned(), AttributeValue::L(vec![]));
    item
}

/// Runs every parser on `text` and exercises whatever parses; only panics matter here.
fn exercise(text: &str) {
    let names = names();
    let values = values();
    let item = sample_item();
    let Ok(mut context) = ExpressionContext::new(Some(&names), Some(&values)) else {
        return;
    };
    if let Ok(condition) = context.parse_condition(ExpressionKind::Filter, text) {
        condition.matches(&item);
    }
    if let Ok(update) = context.parse_update(text) {
        let mut target = item.clone();
        if let Ok(touched) = apply_update(&mut target, true, &update, &["pk"]) {
            touched.updated_old(&item);
            touched.updated_new(&target);
        }
    }
    if let Ok(projection) = context.parse_projection(text) {
        projection.apply(&item);
    }
    let _ = context.check_unused();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic_on_arbitrary_text(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn parsers_never_panic_on_expression_characters(text in "[a-cA#:()\\[\\]0-9 ,.=<>+_-]{0,80}") {
        exercise(&text);
    }

    #[test]
    fn parsers_never_panic_on_token_sequences(
        tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..40)
    ) {
        exercise(&tokens.join(" "));
    }
}

/// The reference model: conditions over three numeric attributes that may be missing.
#[derive(Debug, Clone)]
enum Model {
    Compare(usize, &'static str, i64),
    Between(usize, i64, i64),
    Exists(usize),
    NotExists(usize),
    And(Box<Model>, Box<Model>),
    Or(Box<Model>, Box<Model>),
    Not(Box<Model>),
}

const ATTRIBUTES: [&str; 3] = ["a", "b", "c"];
const COMPARATORS: [&str; 6] = ["=", "<>", "<", "<=", ">", ">="];

fn model_strategy() -> impl Strategy<Value = Model> {
    let leaf = prop_oneof![
        (
            0..3usize,
            proptest::sample::select(&COMPARATORS[..]),
            -3..3i64
        )
            .prop_map(|(a, op, v)| Model::Compare(a, op, v)),
        (0..3usize, -3..3i64, -3..3i64).prop_map(|(a, x, y)| Model::Between(a, x.min(y), x.max(y))),
        (0..3usize).prop_map(Model::Exists),
        (0..3usize).prop_map(Model::NotExists),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(x, y)| Model::And(Box::new(x), Box::new(y))),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| Model::Or(Box::new(x), Box::new(y))),
            inner.prop_map(|x| Model::Not(Box::new(x))),
        ]
    })
}

impl Model {
    fn holds(&self, item: &[Option<i64>; 3]) -> bool {
        match self {
            Model::Compare(attribute, comparator, constant) => match item[*attribute] {
                None => *comparator == "<>",
                Some(value) => match *comparator {
                    "=" => value == *constant,
                    "<>" => value != *constant,
                    "<" => value < *constant,
                    "<=" => value <= *constant,
                    ">" => value > *constant,
                    _ => value >= *constant,
                },
            },
            Model::Between(attribute, low, high) => {
                item[*attribute].is_some_and(|v| *low <= v && v <= *high)
            }
            Model::Exists(attribute) => item[*attribute].is_some(),
            Model::NotExists(attribute) => item[*attribute].is_none(),
            Model::And(x, y) => x.holds(item) && y.holds(item),
            Model::Or(x, y) => x.holds(item) || y.holds(item),
            Model::Not(x) => !x.holds(item),
        }
    }

    /// The expression text, registering each constant as a placeholder value.
    fn render(&self, values: &mut BTreeMap<String, AttributeValue>) -> String {
        let mut constant = |value: i64| {
            let placeholder = format!(":c{}", values.len());
            values.insert(placeholder.clone(), number(value));
            placeholder
        };
        match self {
            Model::Compare(attribute, comparator, value) => {
                format!(
                    "{} {comparator} {}",
                    ATTRIBUTES[*attribute],
                    constant(*value)
                )
            }
            Model::Between(attribute, low, high) => {
                let low = constant(*low);
                let high = constant(*high);
                format!("{} BETWEEN {low} AND {high}", ATTRIBUTES[*attribute])
            }
            Model::Exists(attribute) => format!("attribute_exists({})", ATTRIBUTES[*attribute]),
            Model::NotExists(attribute) => {
                format!("attribute_not_exists({})", ATTRIBUTES[*attribute])
            }
            Model::And(x, y) => format!("({}) AND ({})", x.render(values), y.render(values)),
            Model::Or(x, y) => format!("({}) OR ({})", x.render(values), y.render(values)),
            Model::Not(x) => format!("NOT ({})", x.render(values)),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn evaluation_agrees_with_the_reference_model(
        model in model_strategy(),
        attributes in proptest::array::uniform3(proptest::option::of(-3..3i64)),
    ) {
        let mut placeholder_values = BTreeMap::new();
        let text = model.render(&mut placeholder_values);
        let values = (!placeholder_values.is_empty()).then_some(&placeholder_values);
        let mut context = ExpressionContext::new(None, values).unwrap();
        let condition = context
            .parse_condition(ExpressionKind::Condition, &text)
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        context.check_unused().unwrap();
        let mut item = Item::new();
        for (name, value) in ATTRIBUTES.iter().zip(attributes) {
            if let Some(value) = value {
                item.insert((*name).to_owned(), number(value));
            }
        }
        prop_assert_eq!(condition.matches(&item), model.holds(&attributes), "{}", text);
    }
}
