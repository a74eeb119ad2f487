//! In-memory backend. (stub: helper replaces)
