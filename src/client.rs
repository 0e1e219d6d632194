//! The blocking client: the only module that does I/O.
