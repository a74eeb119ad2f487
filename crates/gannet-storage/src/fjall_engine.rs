//! fjall backend. (stub: helper replaces)
