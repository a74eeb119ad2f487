//! Conformance suite. (stub: helper replaces)
