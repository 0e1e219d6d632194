//! Placeholder until the signing bench lands.
fn main() {}
