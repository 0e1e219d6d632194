//! Every response parser and the error-response parser on arbitrary bytes: the first byte
//! picks the parser, the rest is the body. Parsers must return a typed error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tinysts::ServiceError;
use tinysts::operations::*;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(body) = std::str::from_utf8(rest) else { return };
    match which % 12 {
        0 => drop(AssumeRoleResponse::from_xml(body)),
        1 => drop(AssumeRoleWithSamlResponse::from_xml(body)),
        2 => drop(AssumeRoleWithWebIdentityResponse::from_xml(body)),
        3 => drop(AssumeRootResponse::from_xml(body)),
        4 => drop(DecodeAuthorizationMessageResponse::from_xml(body)),
        5 => drop(GetAccessKeyInfoResponse::from_xml(body)),
        6 => drop(GetCallerIdentityResponse::from_xml(body)),
        7 => drop(GetDelegatedAccessTokenResponse::from_xml(body)),
        8 => drop(GetFederationTokenResponse::from_xml(body)),
        9 => drop(GetSessionTokenResponse::from_xml(body)),
        10 => drop(GetWebIdentityTokenResponse::from_xml(body)),
        _ => drop(ServiceError::from_xml(body, 400)),
    }
});
