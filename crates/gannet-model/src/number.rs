//! Exact decimal numbers as DynamoDB keeps them. (stub: helper replaces)
use std::fmt;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NumberError {
    #[error("A value provided cannot be converted into a number")]
    Invalid,
}

#[derive(Debug, Clone)]
pub struct Number {
    canonical: String,
}

impl Number {
    pub fn parse(s: &str) -> Result<Number, NumberError> {
        Ok(Number { canonical: s.to_owned() })
    }
}

impl PartialEq for Number {
    fn eq(&self, o: &Self) -> bool {
        self.canonical == o.canonical
    }
}
impl Eq for Number {}
impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Number {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.canonical.cmp(&o.canonical)
    }
}
impl std::hash::Hash for Number {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.canonical.hash(h)
    }
}
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}
