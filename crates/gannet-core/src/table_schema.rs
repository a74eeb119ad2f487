//! A table's primary key as the item operations need it: names and scalar types.

use gannet_model::api::{KeyType, ScalarAttributeType, TableDescription};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyAttribute {
    pub name: String,
    pub ty: ScalarAttributeType,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrimaryKey {
    pub hash: KeyAttribute,
    pub range: Option<KeyAttribute>,
}

impl PrimaryKey {
    /// Reads the key from a (validated) description; `None` if it is inconsistent.
    pub fn from_description(description: &TableDescription) -> Option<PrimaryKey> {
        let attribute = |key_type: KeyType| {
            let element = description
                .key_schema
                .iter()
                .find(|e| e.key_type == key_type)?;
            let definition = description
                .attribute_definitions
                .iter()
                .find(|d| d.attribute_name == element.attribute_name)?;
            Some(KeyAttribute {
                name: element.attribute_name.clone(),
                ty: definition.attribute_type,
            })
        };
        Some(PrimaryKey {
            hash: attribute(KeyType::Hash)?,
            range: attribute(KeyType::Range),
        })
    }

    pub fn attributes(&self) -> impl Iterator<Item = &KeyAttribute> {
        std::iter::once(&self.hash).chain(self.range.as_ref())
    }
}
