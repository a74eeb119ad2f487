//! The developer guide's condition and filter examples, evaluated against its ProductCatalog
//! item 123.

mod common;

use common::{bicycle, condition, names, values};
use gannet_expr::ExpressionKind;

struct Case {
    expression: &'static str,
    names: &'static [(&'static str, &'static str)],
    values: &'static str,
    expected: bool,
}

const CASES: &[Case] = &[
    Case {
        expression: "attribute_exists(#Pictures.#SideView)",
        names: &[("#Pictures", "Pictures"), ("#SideView", "SideView")],
        values: "",
        expected: true,
    },
    Case {
        expression: "attribute_not_exists (Manufacturer)",
        names: &[],
        values: "",
        expected: true,
    },
    Case {
        expression: "attribute_not_exists(Price)",
        names: &[],
        values: "",
        expected: false,
    },
    Case {
        expression: "attribute_type (ProductReviews.FiveStar, :v_sub)",
        names: &[],
        values: r#"{":v_sub": {"S": "L"}}"#,
        expected: true,
    },
    Case {
        expression: "attribute_type(QuantityOnHand, :t)",
        names: &[],
        values: r#"{":t": {"S": "NULL"}}"#,
        expected: true,
    },
    Case {
        expression: "begins_with (Pictures.FrontView, :v_sub)",
        names: &[],
        values: r#"{":v_sub": {"S": "http://"}}"#,
        expected: true,
    },
    Case {
        expression: "contains (Color, :v_sub)",
        names: &[],
        values: r#"{":v_sub": {"S": "Red"}}"#,
        expected: true,
    },
    Case {
        expression: "contains (Brand, :v_sub)",
        names: &[],
        values: r#"{":v_sub": {"S": "Company"}}"#,
        expected: true,
    },
    Case {
        expression: "contains(RelatedItems, :v)",
        names: &[],
        values: r#"{":v": {"N": "472"}}"#,
        expected: true,
    },
    Case {
        expression: "size (Brand) <= :v_sub",
        names: &[],
        values: r#"{":v_sub": {"N": "20"}}"#,
        expected: true,
    },
    Case {
        expression: "size(Color) < :v_sub",
        names: &[],
        values: r#"{":v_sub": {"N": "3"}}"#,
        expected: true,
    },
    Case {
        expression: "size(ProductReviews.OneStar) > :v_sub",
        names: &[],
        values: r#"{":v_sub": {"N": "3"}}"#,
        expected: false,
    },
    Case {
        expression: "Price BETWEEN :lo AND :hi",
        names: &[],
        values: r#"{":lo": {"N": "100"}, ":hi": {"N": "500.0"}}"#,
        expected: true,
    },
    Case {
        expression: "ProductCategory IN (:cat1, :cat2)",
        names: &[],
        values: r#"{":cat1": {"S": "Sporting Goods"}, ":cat2": {"S": "Bicycle"}}"#,
        expected: true,
    },
    Case {
        expression: "(ProductCategory IN (:cat1, :cat2)) and (Price between :lo and :hi)",
        names: &[],
        values: r#"{":cat1": {"S": "Sporting Goods"}, ":cat2": {"S": "Gardening Supplies"},
                   ":lo": {"N": "0"}, ":hi": {"N": "100"}}"#,
        expected: false,
    },
    Case {
        expression: "Price > :limit",
        names: &[],
        values: r#"{":limit": {"N": "499.99"}}"#,
        expected: true,
    },
    Case {
        expression: "#sw = :warning",
        names: &[("#sw", "Safety.Warning")],
        values: r#"{":warning": {"S": "Always wear a helmet"}}"#,
        expected: true,
    },
    Case {
        expression: "#pr.FiveStar[1] = :review",
        names: &[("#pr", "ProductReviews")],
        values: r#"{":review": {"S": "Do yourself a favor and buy this."}}"#,
        expected: true,
    },
    Case {
        expression: "RelatedItems[0] = :first AND RelatedItems[5] <> :first",
        names: &[],
        values: r#"{":first": {"N": "341"}}"#,
        expected: true,
    },
    Case {
        expression: "Price = :s",
        names: &[],
        values: r#"{":s": {"S": "500"}}"#,
        expected: false,
    },
    Case {
        expression: "Price <> :s",
        names: &[],
        values: r#"{":s": {"S": "500"}}"#,
        expected: true,
    },
    Case {
        expression: "Color = :colors",
        names: &[],
        values: r#"{":colors": {"SS": ["Black", "Red"]}}"#,
        expected: true,
    },
    Case {
        expression: "InStock = :yes",
        names: &[],
        values: r#"{":yes": {"BOOL": true}}"#,
        expected: true,
    },
    // A BOOL attribute has no order (a BOOL request value there is refused at parse time).
    Case {
        expression: "InStock > :zero",
        names: &[],
        values: r#"{":zero": {"N": "0"}}"#,
        expected: false,
    },
    // NOT binds tighter than AND, which binds tighter than OR.
    Case {
        expression: "NOT Price = :p OR Title = :t AND Brand = :b",
        names: &[],
        values: r#"{":p": {"N": "500"}, ":t": {"S": "Bicycle 123"}, ":b": {"S": "nope"}}"#,
        expected: false,
    },
    Case {
        expression: "NOT (Price = :p OR Title = :t) AND Brand = :b",
        names: &[],
        values: r#"{":p": {"N": "1"}, ":t": {"S": "x"}, ":b": {"S": "Brand-Company C"}}"#,
        expected: true,
    },
    Case {
        expression: "Price = :p or Title = :t and Brand = :b",
        names: &[],
        values: r#"{":p": {"N": "500"}, ":t": {"S": "x"}, ":b": {"S": "y"}}"#,
        expected: true,
    },
    Case {
        expression: "(Price) = :p",
        names: &[],
        values: r#"{":p": {"N": "5E2"}}"#,
        expected: true,
    },
];

#[test]
fn developer_guide_conditions_evaluate_as_documented() {
    let item = bicycle();
    for case in CASES {
        let parsed = condition(
            ExpressionKind::Condition,
            case.expression,
            &names(case.names),
            &values(case.values),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.expression));
        assert_eq!(parsed.matches(&item), case.expected, "{}", case.expression);
    }
}

#[test]
fn a_missing_item_is_empty() {
    let parsed = condition(
        ExpressionKind::Condition,
        "attribute_not_exists(Id)",
        &None,
        &None,
    )
    .unwrap();
    assert!(parsed.matches(&Default::default()));
}
