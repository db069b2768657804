//! Empty: everything is in benches/core.rs.
