//! The shared config/credentials file parser and chain resolution on arbitrary text: a typed
//! error or a value, never a panic; errors never echo the file's content.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinysts::credentials::profile::{ProfileSet, resolve_chain};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (config, credentials) = text.split_once('\u{0}').unwrap_or((text, ""));
    match ProfileSet::parse(config, credentials) {
        Ok(set) => {
            for name in set.profiles().keys() {
                let _ = resolve_chain(set.profiles(), set.sso_sessions(), name);
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.len() < 200, "error text too long: {msg}");
        }
    }
});
