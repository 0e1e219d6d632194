//! AWS Signature Version 4: canonical request, string to sign, signing key, signature.
//!
//! Everything here is pure: the clock is passed in through [`SigningParams::time`]. The
//! canonical request is streamed straight into SHA-256 (the same writer produces the text for
//! [`canonical_request`], so what is tested is what is hashed), the date is formatted once, and
//! hex goes through stack buffers: the only allocations of [`Signer::sign`] are the header values
//! it returns.
//!
//! [`Signer`] keeps the derived signing key of recent (credentials, date, region, service)
//! tuples, as keyed HMAC states (the key's inner and outer pads already absorbed), in a small
//! bounded cache shared by its clones.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::{Credentials, Error};

type HmacSha256 = Hmac<Sha256>;

/// The algorithm name of `AWS4-HMAC-SHA256` signatures.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The most a presigned URL may live: seven days.
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(604_800);
/// How many derived signing keys a [`Signer`] keeps.
const CACHE_SIZE: usize = 8;
/// Hex SHA-256 of the empty string.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// An HTTP request as the signer sees it.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The method, e.g. `POST`.
    pub method: &'a str,
    /// The request target as sent: path and optional `?query`, e.g. `/` or
    /// `/?Action=GetCallerIdentity&Version=2011-06-15`.
    pub uri: &'a str,
    /// The headers to sign, in order; must include `host`. Repeated names are joined.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body (hashed per [`SigningSettings::payload`]).
    pub body: &'a [u8],
}

/// How the payload enters the canonical request.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayloadHash {
    /// SHA-256 of the body, with no extra header: how AWS SDKs sign awsQuery calls.
    #[default]
    Body,
    /// SHA-256 of the body, also sent and signed as `x-amz-content-sha256` (header mode).
    SignedHeader,
    /// SHA-256 of the empty string, whatever the body.
    Empty,
}

/// What to do with the session token of temporary credentials.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionTokenMode {
    /// Sign it: `x-amz-security-token` header, or `X-Amz-Security-Token` in the signed query.
    #[default]
    Sign,
    /// Add it after the signature is computed, unsigned.
    AfterSigning,
}

/// Signer flags; the default is what STS expects.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningSettings {
    /// RFC 3986 path normalization (`.`, `..` and empty segments); S3 turns it off.
    pub normalize_path: bool,
    /// How the payload is hashed.
    pub payload: PayloadHash,
    /// Whether the session token is signed.
    pub session_token: SessionTokenMode,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self {
            normalize_path: true,
            payload: PayloadHash::Body,
            session_token: SessionTokenMode::Sign,
        }
    }
}

/// Who signs, where, and when.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The credentials to sign with.
    pub credentials: &'a Credentials,
    /// The signing region, e.g. `us-east-1`.
    pub region: &'a str,
    /// The signing name of the service, `sts`.
    pub service: &'a str,
    /// The signing time.
    pub time: SystemTime,
    /// Signer flags.
    pub settings: SigningSettings,
}

/// Header signing or query (presigned URL) signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `Authorization` header.
    Header,
    /// Presigned URL valid for `expires_in`.
    Query {
        /// `X-Amz-Expires`: 1 second to 7 days.
        expires_in: Duration,
    },
}

/// The headers [`Signer::sign`] adds to a request.
#[derive(Clone)]
pub struct SignedHeaders<'a> {
    /// `x-amz-date` to add; all zero when the request already had one.
    amz_date: [u8; 16],
    token: Option<&'a str>,
    content_sha256: Option<String>,
    authorization: String,
    signature_start: usize,
}

impl SignedHeaders<'_> {
    /// The headers to add: `x-amz-date`, `x-amz-security-token` and `x-amz-content-sha256` when
    /// they apply, and `authorization`.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        [
            Some(("x-amz-date", as_str(&self.amz_date)))
                .filter(|_| self.amz_date.first() != Some(&0)),
            self.token.map(|t| ("x-amz-security-token", t)),
            self.content_sha256
                .as_deref()
                .map(|h| ("x-amz-content-sha256", h)),
            Some(("authorization", self.authorization.as_str())),
        ]
        .into_iter()
        .flatten()
    }

    /// The value of the `Authorization` header.
    #[must_use]
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The signature, 64 lowercase hex digits.
    #[must_use]
    pub fn signature(&self) -> &str {
        self.authorization.get(self.signature_start..).unwrap_or("")
    }
}

impl fmt::Debug for SignedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("x-amz-date", &as_str(&self.amz_date))
            .field(
                "x-amz-security-token",
                &self.token.as_ref().map(|_| "** redacted **"),
            )
            .field("x-amz-content-sha256", &self.content_sha256)
            .field("authorization", &self.authorization)
            .finish_non_exhaustive()
    }
}

/// A presigned request target: the path and the query with every `X-Amz-*` parameter,
/// `X-Amz-Signature` last.
#[derive(Clone)]
pub struct PresignedRequest {
    uri: String,
    signature_start: usize,
    token_range: Option<(usize, usize)>,
}

impl PresignedRequest {
    /// The presigned path and query, e.g. `/?Action=…&X-Amz-Algorithm=…&X-Amz-Signature=…`.
    /// It carries the session token: treat it as a secret.
    #[must_use]
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The signature, 64 lowercase hex digits.
    #[must_use]
    pub fn signature(&self) -> &str {
        self.uri
            .get(self.signature_start..self.signature_start + 64)
            .unwrap_or("")
    }
}

impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match self.token_range {
            Some((a, b)) => format!(
                "{}** redacted **{}",
                self.uri.get(..a).unwrap_or(""),
                self.uri.get(b..).unwrap_or("")
            ),
            None => self.uri.clone(),
        };
        f.debug_struct("PresignedRequest")
            .field("uri", &shown)
            .finish_non_exhaustive()
    }
}

/// A `SigV4` signer with a bounded cache of derived signing keys. Cheap to clone; clones share
/// the cache. `Send + Sync`.
#[derive(Clone, Default)]
pub struct Signer {
    cache: Arc<Mutex<KeyCache>>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer").finish_non_exhaustive()
    }
}

#[derive(Default)]
struct KeyCache {
    // Most recently used last; at most CACHE_SIZE entries.
    entries: Vec<CachedKey>,
}

struct CachedKey {
    access_key_id: String,
    secret: String,
    date: [u8; 8],
    region: String,
    service: String,
    key: HmacSha256,
}

impl Signer {
    /// A signer with an empty key cache.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Signs `req` in header mode: returns the headers to add.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] when the request has no `host` header, or the time
    /// is before 1970 or after 9999.
    pub fn sign<'a>(
        &self,
        req: &SignableRequest<'_>,
        params: &SigningParams<'a>,
    ) -> Result<SignedHeaders<'a>, Error> {
        sign_with(req, params, |date| self.key(params, date))
    }

    /// Signs `req` in query mode: a presigned target valid for `expires_in`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] when `expires_in` is not 1 to 604800 seconds, or as for
    /// [`Signer::sign`].
    pub fn presign(
        &self,
        req: &SignableRequest<'_>,
        params: &SigningParams<'_>,
        expires_in: Duration,
    ) -> Result<PresignedRequest, Error> {
        presign_with(req, params, expires_in, |date| self.key(params, date))
    }

    fn key(&self, params: &SigningParams<'_>, date: [u8; 8]) -> HmacSha256 {
        let creds = params.credentials;
        let Ok(mut cache) = self.cache.lock() else {
            // A poisoned lock only means another thread panicked mid-update: derive afresh.
            return derive_key(params, date);
        };
        let found = cache.entries.iter().position(|e| {
            e.date == date
                && e.region == params.region
                && e.service == params.service
                && e.access_key_id == creds.access_key_id()
                && e.secret == creds.secret_access_key()
        });
        if let Some(i) = found {
            if let Some(entry) = cache.entries.get(i) {
                return entry.key.clone();
            }
        }
        let key = derive_key(params, date);
        if cache.entries.len() >= CACHE_SIZE {
            cache.entries.remove(0);
        }
        cache.entries.push(CachedKey {
            access_key_id: creds.access_key_id().to_owned(),
            secret: creds.secret_access_key().to_owned(),
            date,
            region: params.region.to_owned(),
            service: params.service.to_owned(),
            key: key.clone(),
        });
        key
    }
}

/// Signs in header mode without a key cache (derives the key each time).
///
/// # Errors
/// As [`Signer::sign`].
pub fn sign<'a>(
    req: &SignableRequest<'_>,
    params: &SigningParams<'a>,
) -> Result<SignedHeaders<'a>, Error> {
    sign_with(req, params, |date| derive_key(params, date))
}

/// Signs in query mode without a key cache.
///
/// # Errors
/// As [`Signer::presign`].
pub fn presign(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    expires_in: Duration,
) -> Result<PresignedRequest, Error> {
    presign_with(req, params, expires_in, |date| derive_key(params, date))
}

/// The canonical request the signer hashes, as text.
///
/// # Errors
/// As [`Signer::sign`] and [`Signer::presign`].
pub fn canonical_request(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    mode: Mode,
) -> Result<String, Error> {
    let mut headers = HeaderList::default();
    let prepared = Prepared::new(req, params, mode, &mut headers)?;
    let mut out = Vec::with_capacity(512);
    prepared.write_canonical(&mut out);
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The string to sign, as text.
///
/// # Errors
/// As [`canonical_request`].
pub fn string_to_sign(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    mode: Mode,
) -> Result<String, Error> {
    let mut headers = HeaderList::default();
    let prepared = Prepared::new(req, params, mode, &mut headers)?;
    let mut out = Vec::with_capacity(160);
    prepared.write_string_to_sign(&mut out);
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The derived signing key `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
/// "aws4_request")`, returned keyed, ready to sign.
fn derive_key(params: &SigningParams<'_>, date: [u8; 8]) -> HmacSha256 {
    let (secret, region, service) = (
        params.credentials.secret_access_key(),
        params.region,
        params.service,
    );
    let mut buf = [0u8; 132];
    let mut mac = match buf.get_mut(4..4 + secret.len()) {
        Some(dst) => {
            dst.copy_from_slice(secret.as_bytes());
            buf[..4].copy_from_slice(b"AWS4");
            keyed(buf.get(..4 + secret.len()).unwrap_or_default())
        }
        None => keyed(format!("AWS4{secret}").as_bytes()),
    };
    mac.update(&date);
    let k_date = mac.finalize().into_bytes();
    let mut mac = keyed(&k_date);
    mac.update(region.as_bytes());
    let k_region = mac.finalize().into_bytes();
    let mut mac = keyed(&k_region);
    mac.update(service.as_bytes());
    let k_service = mac.finalize().into_bytes();
    let mut mac = keyed(&k_service);
    mac.update(b"aws4_request");
    let k_signing = mac.finalize().into_bytes();
    keyed(&k_signing)
}

/// An HMAC-SHA256 keyed with `key`.
fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this never takes the fallback.
    HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| HmacSha256::new(&hmac::digest::generic_array::GenericArray::default()))
}

/// Something the canonical request and the string to sign are written to: a hasher on the
/// hot path, a byte buffer for [`canonical_request`].
trait Sink {
    fn put(&mut self, bytes: &[u8]);

    fn put_str(&mut self, s: &str) {
        self.put(s.as_bytes());
    }
}

impl Sink for Sha256 {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for HmacSha256 {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// Batches the many small writes of a canonical request into few hasher updates.
struct Buffered<'h, S: Sink> {
    inner: &'h mut S,
    buf: [u8; 256],
    len: usize,
}

impl<'h, S: Sink> Buffered<'h, S> {
    fn new(inner: &'h mut S) -> Self {
        Self {
            inner,
            buf: [0; 256],
            len: 0,
        }
    }

    fn flush(&mut self) {
        self.inner.put(self.buf.get(..self.len).unwrap_or_default());
        self.len = 0;
    }
}

impl<S: Sink> Sink for Buffered<'_, S> {
    fn put(&mut self, bytes: &[u8]) {
        if let Some(dst) = self.buf.get_mut(self.len..self.len + bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.flush();
        if bytes.len() >= self.buf.len() / 2 {
            self.inner.put(bytes);
        } else if let Some(dst) = self.buf.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }
}

impl<S: Sink> Drop for Buffered<'_, S> {
    fn drop(&mut self) {
        self.flush();
    }
}

impl Sink for String {
    fn put(&mut self, bytes: &[u8]) {
        self.push_str(&String::from_utf8_lossy(bytes));
    }

    fn put_str(&mut self, s: &str) {
        self.push_str(s);
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// `YYYYMMDDTHHMMSSZ` for `time`.
fn amz_date(time: SystemTime) -> Result<[u8; 16], Error> {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Error::invalid_input("X-Amz-Date", "must not be before 1970"))?
        .as_secs();
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    if y > 9999 {
        return Err(Error::invalid_input(
            "X-Amz-Date",
            "must be before the year 10000",
        ));
    }
    let mut out = *b"00000000T000000Z";
    put_pair(&mut out, 0, y / 100);
    put_pair(&mut out, 2, y % 100);
    put_pair(&mut out, 4, m);
    put_pair(&mut out, 6, d);
    put_pair(&mut out, 9, rem / 3600);
    put_pair(&mut out, 11, rem % 3600 / 60);
    put_pair(&mut out, 13, rem % 60);
    Ok(out)
}

/// Writes `v` (below 100) as two digits at `at`.
fn put_pair(out: &mut [u8; 16], at: usize, v: u64) {
    // Both digits are below 10.
    #[allow(clippy::cast_possible_truncation)]
    let (tens, ones) = ((v / 10 % 10) as u8, (v % 10) as u8);
    if let Some([a, b]) = out.get_mut(at..at + 2) {
        *a = b'0' + tens;
        *b = b'0' + ones;
    }
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Lowercase hex of a 32-byte digest into a stack buffer.
fn hex32(bytes: &[u8]) -> [u8; 64] {
    // Branch-free nibble to digit ('a' is '0' + 10 + 39), so the loop vectorizes.
    fn digit(n: u8) -> u8 {
        n + b'0' + u8::from(n > 9) * 39
    }
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = digit(b >> 4);
            *lo = digit(b & 15);
        }
    }
    out
}

fn as_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("")
}

/// Whether `b` is in the `SigV4` unreserved set.
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes `bytes` with the `SigV4` rules (unreserved kept, `%XX` upper case; `/` kept
/// when `keep_slash`).
fn encode_to(sink: &mut impl Sink, bytes: &[u8], keep_slash: bool) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        sink.put(bytes.get(start..i).unwrap_or_default());
        let hex = b"0123456789ABCDEF";
        let pct = [
            b'%',
            hex.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
            hex.get(usize::from(b & 15)).copied().unwrap_or(b'0'),
        ];
        sink.put(&pct);
        start = i + 1;
    }
    sink.put(bytes.get(start..).unwrap_or_default());
}

fn encode_string(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    encode_to(&mut out, bytes, false);
    String::from_utf8(out).unwrap_or_default()
}

/// Decodes `%XX` escapes (leaving malformed ones as they are); `+` is kept literally.
fn percent_decode(s: &str) -> Vec<u8> {
    percent_encoding::percent_decode_str(s).collect()
}

/// Whether header values fold: space, tab, CR, LF.
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Writes a header value trimmed, with inner whitespace runs folded to one space.
fn write_folded(sink: &mut impl Sink, v: &[u8]) {
    let mut start = 0;
    let mut end = v.len();
    while start < end && v.get(start).is_some_and(|&b| is_ws(b)) {
        start += 1;
    }
    while end > start && v.get(end - 1).is_some_and(|&b| is_ws(b)) {
        end -= 1;
    }
    let v = v.get(start..end).unwrap_or_default();
    // Most values (a session token, a host, a content type) have nothing to fold: no tab, CR
    // or LF, no run of spaces. One branch-free scan, then one write.
    // `|` and `&` rather than `||` and `&&` on purpose: a branch-free fold vectorizes. Every
    // byte below b' ' counts as folding, so a false positive only takes the slow path.
    #[allow(clippy::needless_bitwise_bool)]
    let folds = v.iter().fold(false, |acc, &b| acc | (b < b' '))
        | v.iter()
            .zip(v.get(1..).unwrap_or_default())
            .fold(false, |acc, (&a, &b)| acc | ((a == b' ') & (b == b' ')));
    if !folds {
        sink.put(v);
        return;
    }
    // Only runs that are not a single ' ' change: write the text between them in one piece.
    let mut chunk_start = 0;
    let mut i = 0;
    while let Some(off) = v
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| is_ws(b)))
    {
        let run_start = i + off;
        let run_len = v
            .get(run_start..)
            .map_or(0, |rest| rest.iter().take_while(|&&b| is_ws(b)).count());
        i = run_start + run_len;
        if run_len == 1 && v.get(run_start) == Some(&b' ') {
            continue;
        }
        sink.put(v.get(chunk_start..run_start).unwrap_or_default());
        sink.put(b" ");
        chunk_start = i;
    }
    sink.put(v.get(chunk_start..).unwrap_or_default());
}

fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// Everything a signature needs, computed once: the sorted headers, the scope, the payload
/// hash, and for query mode the canonical query.
struct Prepared<'a> {
    method: &'a str,
    path: &'a str,
    normalize: bool,
    /// Canonical query (already encoded and sorted) when the request has one or in query mode.
    query: Option<String>,
    /// Headers to sign, sorted by lowercase name (stable, so repeated names keep their order).
    /// (The list lives in the caller's frame, so nothing this size is moved.)
    headers: &'a [Header<'a>],
    amz_date: [u8; 16],
    scope_tail: (&'a str, &'a str),
    payload_hash: [u8; 64],
    access_key_id: &'a str,
    /// Header mode: whether x-amz-date must be added (the request has none).
    add_date: bool,
    /// Header mode: the token to add, when the request has none.
    add_token: Option<&'a str>,
    /// Query mode: the token goes into the URL after signing.
    token_after: Option<&'a str>,
    /// Header mode with [`PayloadHash::SignedHeader`]: add and sign `x-amz-content-sha256`.
    with_sha: bool,
}

impl<'a> Prepared<'a> {
    fn new<'r: 'a>(
        req: &SignableRequest<'r>,
        params: &SigningParams<'r>,
        mode: Mode,
        headers: &'a mut HeaderList<'r>,
    ) -> Result<Self, Error> {
        let seen = headers.fill(req.headers);
        let (existing_date, has_token_header) = (seen.date, seen.token);
        if !seen.host {
            return Err(Error::invalid_input(
                "Host",
                "header is required for signing",
            ));
        }
        let (path, raw_query) = match req.uri.as_bytes().iter().position(|&b| b == b'?') {
            Some(i) => (req.uri.get(..i).unwrap_or_default(), req.uri.get(i + 1..)),
            None => (req.uri, None),
        };
        let settings = params.settings;
        let token = params.credentials.session_token();
        let header_mode = mode == Mode::Header;

        let amz_date = match existing_date {
            Some(d) if header_mode && d.len() == 16 => {
                let mut out = [0u8; 16];
                out.copy_from_slice(d.as_bytes());
                out
            }
            _ => amz_date(params.time)?,
        };

        let payload_hash = match settings.payload {
            PayloadHash::Empty => {
                let mut out = [0u8; 64];
                out.copy_from_slice(EMPTY_SHA256.as_bytes());
                out
            }
            PayloadHash::Body | PayloadHash::SignedHeader => hex32(&Sha256::digest(req.body)),
        };

        let sign_token = settings.session_token == SessionTokenMode::Sign;
        let add_token = if header_mode && sign_token && !has_token_header {
            token
        } else {
            None
        };
        let token_after = if sign_token { None } else { token };

        let add_date = header_mode && existing_date.is_none();
        let with_sha = header_mode && settings.payload == PayloadHash::SignedHeader;
        // Every header to sign, merged and sorted once, on the stack for usual requests.
        if with_sha {
            headers.push_lower("x-amz-content-sha256", Val::Sha);
        }
        if add_date {
            headers.push_lower("x-amz-date", Val::Date);
        }
        if let Some(t) = add_token {
            let v = if params.credentials.token_is_canonical() {
                Val::Canonical(t)
            } else {
                Val::Str(t)
            };
            headers.push_lower("x-amz-security-token", v);
        }
        headers.sort();
        let headers: &'a HeaderList<'r> = headers;
        let headers = headers.as_slice();

        let query = match mode {
            Mode::Header => raw_query.map(|q| canonical_query(q, &[])),
            Mode::Query { expires_in } => Some(presign_query(
                raw_query.unwrap_or(""),
                params,
                &amz_date,
                headers,
                expires_in,
            )?),
        };

        Ok(Self {
            method: req.method,
            path,
            normalize: settings.normalize_path,
            query,
            headers,
            amz_date,
            scope_tail: (params.region, params.service),
            payload_hash,
            access_key_id: params.credentials.access_key_id(),
            add_date,
            add_token,
            token_after,
            with_sha,
        })
    }

    /// The full header list to sign: the request's plus what header mode adds, sorted, each
    /// with whether its value is already canonical (needs no trimming or folding).
    fn all_headers(&self) -> impl Iterator<Item = (&Header<'a>, &[u8], bool)> + '_ {
        self.headers.iter().map(|h| match h.value {
            Val::Str(s) => (h, s.as_bytes(), false),
            Val::Canonical(s) => (h, s.as_bytes(), true),
            Val::Date => (h, &self.amz_date[..], true),
            Val::Sha => (h, &self.payload_hash[..], true),
        })
    }

    fn write_canonical(&self, sink: &mut impl Sink) {
        self.write_canonical_with(sink, None);
    }

    /// Writes the canonical request; `signed_headers` is the signed-headers list when the
    /// caller has it already (the `Authorization` header is built first), so it is not
    /// computed twice.
    fn write_canonical_with(&self, sink: &mut impl Sink, signed_headers: Option<&str>) {
        sink.put(self.method.as_bytes());
        sink.put(b"\n");
        write_canonical_path(sink, self.path, self.normalize);
        sink.put(b"\n");
        if let Some(q) = &self.query {
            sink.put(q.as_bytes());
        }
        sink.put(b"\n");
        // Canonical headers: repeated names joined with ',' in their original order.
        let mut prev: Option<&str> = None;
        for (header, value, canonical) in self.all_headers() {
            if prev.is_some_and(|p| p.eq_ignore_ascii_case(header.name)) {
                sink.put(b",");
            } else {
                if prev.is_some() {
                    sink.put(b"\n");
                }
                header.write_name(sink);
                sink.put(b":");
            }
            if canonical {
                sink.put(value);
            } else {
                write_folded(sink, value);
            }
            prev = Some(header.name);
        }
        if prev.is_some() {
            sink.put(b"\n");
        }
        sink.put(b"\n");
        match signed_headers {
            Some(list) => sink.put_str(list),
            None => self.write_signed_headers(sink),
        }
        sink.put(b"\n");
        sink.put(&self.payload_hash);
    }

    fn write_signed_headers(&self, sink: &mut impl Sink) {
        let mut prev: Option<&str> = None;
        for header in self.headers {
            if prev.is_some_and(|p| p.eq_ignore_ascii_case(header.name)) {
                continue;
            }
            if prev.is_some() {
                sink.put_str(";");
            }
            header.write_name(sink);
            prev = Some(header.name);
        }
    }

    fn write_scope(&self, sink: &mut impl Sink) {
        sink.put_str(as_str(self.amz_date.get(..8).unwrap_or_default()));
        sink.put_str("/");
        sink.put_str(self.scope_tail.0);
        sink.put_str("/");
        sink.put_str(self.scope_tail.1);
        sink.put_str("/aws4_request");
    }

    fn canonical_hash(&self, signed_headers: Option<&str>) -> [u8; 64] {
        let mut hasher = Sha256::new();
        self.write_canonical_with(&mut Buffered::new(&mut hasher), signed_headers);
        hex32(&hasher.finalize())
    }

    fn write_string_to_sign(&self, sink: &mut impl Sink) {
        self.write_string_to_sign_with(sink, &self.canonical_hash(None));
    }

    fn write_string_to_sign_with(&self, sink: &mut impl Sink, canonical_hash: &[u8; 64]) {
        sink.put(ALGORITHM.as_bytes());
        sink.put(b"\n");
        sink.put(&self.amz_date);
        sink.put(b"\n");
        self.write_scope(sink);
        sink.put(b"\n");
        sink.put(canonical_hash);
    }

    fn signature(&self, mut key: HmacSha256, signed_headers: Option<&str>) -> [u8; 64] {
        let hash = self.canonical_hash(signed_headers);
        self.write_string_to_sign_with(&mut Buffered::new(&mut key), &hash);
        hex32(&key.finalize().into_bytes())
    }
}

/// The canonical query of a presigned request: the request's own parameters plus the
/// `X-Amz-*` authentication parameters.
fn presign_query(
    raw_query: &str,
    params: &SigningParams<'_>,
    amz_date: &[u8; 16],
    headers: &[Header<'_>],
    expires_in: Duration,
) -> Result<String, Error> {
    let secs = expires_in.as_secs();
    if expires_in.subsec_nanos() != 0 || !(1..=MAX_PRESIGN_EXPIRY.as_secs()).contains(&secs) {
        return Err(Error::invalid_input(
            "X-Amz-Expires",
            "must be between 1 and 604800 seconds",
        ));
    }
    let mut credential = String::with_capacity(64);
    credential.push_str(params.credentials.access_key_id());
    credential.push('/');
    credential.push_str(as_str(amz_date.get(..8).unwrap_or_default()));
    credential.push('/');
    credential.push_str(params.region);
    credential.push('/');
    credential.push_str(params.service);
    credential.push_str("/aws4_request");
    let mut signed = String::new();
    for (i, n) in dedup_names(headers).enumerate() {
        if i > 0 {
            signed.push(';');
        }
        signed.push_str(&n.to_ascii_lowercase());
    }
    let expires = secs.to_string();
    let mut extra = vec![
        ("X-Amz-Algorithm", ALGORITHM.to_owned()),
        ("X-Amz-Credential", credential),
        ("X-Amz-Date", as_str(amz_date).to_owned()),
        ("X-Amz-Expires", expires),
        ("X-Amz-SignedHeaders", signed),
    ];
    if let (Some(t), SessionTokenMode::Sign) = (
        params.credentials.session_token(),
        params.settings.session_token,
    ) {
        extra.push(("X-Amz-Security-Token", t.to_owned()));
    }
    Ok(canonical_query(raw_query, &extra))
}

/// A header value: the request's own, or one the signer computes.
#[derive(Clone, Copy)]
enum Val<'a> {
    Str(&'a str),
    /// A value known to need no trimming or folding.
    Canonical(&'a str),
    /// `X-Amz-Date`.
    Date,
    /// `x-amz-content-sha256`.
    Sha,
}

/// How many headers fit on the stack before the list spills to the heap.
const INLINE_HEADERS: usize = 8;

/// A header to sign.
#[derive(Clone, Copy)]
struct Header<'a> {
    name: &'a str,
    value: Val<'a>,
    /// The name has no upper-case letter: it is written as it is.
    lower: bool,
}

impl Header<'_> {
    fn write_name(&self, sink: &mut impl Sink) {
        if self.lower {
            sink.put_str(self.name);
        } else {
            for b in self.name.bytes() {
                sink.put(&[b.to_ascii_lowercase()]);
            }
        }
    }
}

/// The headers to sign, sorted by lower-cased name (stable: repeated names keep their order).
struct HeaderList<'a> {
    inline: [Header<'a>; INLINE_HEADERS],
    len: usize,
    spill: Vec<Header<'a>>,
}

impl Default for HeaderList<'_> {
    fn default() -> Self {
        Self {
            inline: [Header {
                name: "",
                value: Val::Str(""),
                lower: true,
            }; INLINE_HEADERS],
            len: 0,
            spill: Vec::new(),
        }
    }
}

/// What [`HeaderList::fill`] noticed among the request's headers.
struct Seen<'a> {
    host: bool,
    /// The first `x-amz-date`, trimmed: a request that carries one is signed with it.
    date: Option<&'a str>,
    token: bool,
}

impl<'a> HeaderList<'a> {
    /// Adds the request's headers, in one pass that also notes the three the signer cares
    /// about.
    fn fill(&mut self, headers: &[(&'a str, &'a str)]) -> Seen<'a> {
        let mut seen = Seen {
            host: false,
            date: None,
            token: false,
        };
        for &(name, value) in headers {
            let lower = !name.bytes().any(|b| b.is_ascii_uppercase());
            self.push(Header {
                name,
                value: Val::Str(value),
                lower,
            });
            let is = |wanted: &str| {
                name.len() == wanted.len()
                    && if lower {
                        name == wanted
                    } else {
                        name.eq_ignore_ascii_case(wanted)
                    }
            };
            if is("host") {
                seen.host = true;
            } else if is("x-amz-date") {
                seen.date = seen.date.or(Some(value.trim()));
            } else if is("x-amz-security-token") {
                seen.token = true;
            }
        }
        seen
    }

    /// Adds a header whose name the signer chose (already lower case).
    fn push_lower(&mut self, name: &'a str, value: Val<'a>) {
        self.push(Header {
            name,
            value,
            lower: true,
        });
    }

    fn push(&mut self, header: Header<'a>) {
        if self.spill.is_empty() {
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = header;
                self.len += 1;
                return;
            }
            self.spill
                .extend_from_slice(self.inline.get(..self.len).unwrap_or_default());
        }
        self.spill.push(header);
    }

    fn as_slice(&self) -> &[Header<'a>] {
        if self.spill.is_empty() {
            self.inline.get(..self.len).unwrap_or_default()
        } else {
            &self.spill
        }
    }

    fn sort(&mut self) {
        let slice = if self.spill.is_empty() {
            self.inline.get_mut(..self.len).unwrap_or_default()
        } else {
            &mut self.spill
        };
        // Callers usually pass them sorted (the client does): check before sorting.
        if !slice.is_sorted_by(|a, b| cmp_ignore_case(a.name, b.name).is_le()) {
            slice.sort_by(|a, b| cmp_ignore_case(a.name, b.name));
        }
    }
}

fn dedup_names<'h>(headers: &'h [Header<'h>]) -> impl Iterator<Item = &'h str> {
    let mut prev: Option<&str> = None;
    headers.iter().map(|h| h.name).filter(move |n| {
        let dup = prev.is_some_and(|p| p.eq_ignore_ascii_case(n));
        prev = Some(n);
        !dup
    })
}

/// Writes the canonical URI: normalized (when asked) and percent-encoded from the raw path,
/// so an already-encoded `%2F` becomes `%252F` (non-S3 "double" encoding).
fn write_canonical_path(sink: &mut impl Sink, path: &str, normalize: bool) {
    if path.is_empty() || path == "/" {
        sink.put(b"/");
        return;
    }
    if !normalize {
        encode_to(sink, path.as_bytes(), true);
        return;
    }
    // RFC 3986 remove_dot_segments, also dropping empty segments.
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let trailing = path.ends_with('/') && !segments.is_empty();
    sink.put(b"/");
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            sink.put(b"/");
        }
        encode_to(sink, seg.as_bytes(), false);
    }
    if trailing {
        sink.put(b"/");
    }
}

/// The canonical query: every pair decoded then SigV4-encoded, sorted by key then value.
fn canonical_query(raw: &str, extra: &[(&str, String)]) -> String {
    let mut pairs: Vec<(String, String)> = raw
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                encode_string(&percent_decode(k)),
                encode_string(&percent_decode(v)),
            )
        })
        .collect();
    pairs.extend(
        extra
            .iter()
            .map(|(k, v)| (encode_string(k.as_bytes()), encode_string(v.as_bytes()))),
    );
    pairs.sort();
    let mut out = String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

fn sign_with<'a>(
    req: &SignableRequest<'_>,
    params: &SigningParams<'a>,
    key: impl FnOnce([u8; 8]) -> HmacSha256,
) -> Result<SignedHeaders<'a>, Error> {
    let mut headers = HeaderList::default();
    let prepared = Prepared::new(req, params, Mode::Header, &mut headers)?;
    let with_sha = prepared.with_sha;
    let mut date = [0u8; 8];
    date.copy_from_slice(prepared.amz_date.get(..8).unwrap_or(b"19700101"));
    let mut authorization = String::with_capacity(256);
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Credential=");
    authorization.push_str(prepared.access_key_id);
    authorization.push('/');
    prepared.write_scope(&mut authorization);
    authorization.push_str(", SignedHeaders=");
    let list_start = authorization.len();
    prepared.write_signed_headers(&mut authorization);
    let signature = prepared.signature(key(date), authorization.get(list_start..));
    authorization.push_str(", Signature=");
    let signature_start = authorization.len();
    authorization.push_str(as_str(&signature));

    Ok(SignedHeaders {
        amz_date: if prepared.add_date {
            prepared.amz_date
        } else {
            [0; 16]
        },
        token: params
            .credentials
            .session_token()
            .filter(|_| prepared.add_token.is_some() || prepared.token_after.is_some()),
        content_sha256: with_sha.then(|| as_str(&prepared.payload_hash).to_owned()),
        authorization,
        signature_start,
    })
}

fn presign_with(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    expires_in: Duration,
    key: impl FnOnce([u8; 8]) -> HmacSha256,
) -> Result<PresignedRequest, Error> {
    let mut headers = HeaderList::default();
    let prepared = Prepared::new(req, params, Mode::Query { expires_in }, &mut headers)?;
    let mut date = [0u8; 8];
    date.copy_from_slice(prepared.amz_date.get(..8).unwrap_or(b"19700101"));
    let signature = prepared.signature(key(date), None);
    let (path, raw_query) = match req.uri.split_once('?') {
        Some((p, q)) => (p, q),
        None => (req.uri, ""),
    };
    // The original query as given, then the auth parameters in the order AWS SDKs write them,
    // then the signature last.
    let mut uri = String::with_capacity(req.uri.len() + 400);
    uri.push_str(if path.is_empty() { "/" } else { path });
    uri.push('?');
    if !raw_query.is_empty() {
        uri.push_str(raw_query);
        uri.push('&');
    }
    let canonical = prepared.query.as_deref().unwrap_or("");
    let mut token_range = None;
    for name in [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Security-Token",
    ] {
        if let Some(value) = canonical
            .split('&')
            .find_map(|p| p.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
        {
            uri.push_str(name);
            uri.push('=');
            let start = uri.len();
            uri.push_str(value);
            if name == "X-Amz-Security-Token" {
                token_range = Some((start, uri.len()));
            }
            uri.push('&');
        }
    }
    if let Some(t) = prepared.token_after {
        uri.push_str("X-Amz-Security-Token=");
        let start = uri.len();
        uri.push_str(&encode_string(t.as_bytes()));
        token_range = Some((start, uri.len()));
        uri.push('&');
    }
    uri.push_str("X-Amz-Signature=");
    let signature_start = uri.len();
    uri.push_str(as_str(&signature));
    Ok(PresignedRequest {
        uri,
        signature_start,
        token_range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_owned),
            None,
        )
    }

    fn time() -> SystemTime {
        // 2015-08-30T12:36:00Z
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    const HEADERS: &[(&str, &str)] = &[("Host", "example.amazonaws.com")];

    fn req() -> SignableRequest<'static> {
        SignableRequest {
            method: "GET",
            uri: "/",
            headers: HEADERS,
            body: b"",
        }
    }

    #[test]
    fn vanilla_signature() {
        let c = creds(None);
        let params = SigningParams {
            credentials: &c,
            region: "us-east-1",
            service: "service",
            time: time(),
            settings: SigningSettings {
                payload: PayloadHash::Empty,
                ..SigningSettings::default()
            },
        };
        let signed = sign(&req(), &params).expect("sign");
        assert_eq!(
            signed.signature(),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        let names: Vec<&str> = signed.headers().map(|(n, _)| n).collect();
        assert_eq!(names, ["x-amz-date", "authorization"]);
    }

    #[test]
    fn cached_key_matches_cold_and_is_bounded() {
        let signer = Signer::new();
        let c = creds(Some("tok"));
        for region in ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r1"] {
            let params = SigningParams {
                credentials: &c,
                region,
                service: "sts",
                time: time(),
                settings: SigningSettings::default(),
            };
            let warm = signer.sign(&req(), &params).expect("warm");
            let cold = sign(&req(), &params).expect("cold");
            assert_eq!(warm.authorization(), cold.authorization());
        }
        assert!(signer.cache.lock().expect("lock").entries.len() <= CACHE_SIZE);
    }

    #[test]
    fn other_secret_is_not_served_from_cache() {
        let signer = Signer::new();
        let a = creds(None);
        let b = Credentials::new("AKIDEXAMPLE", "another-secret", None, None);
        let p = |c| SigningParams {
            credentials: c,
            region: "us-east-1",
            service: "sts",
            time: time(),
            settings: SigningSettings::default(),
        };
        let sa = signer.sign(&req(), &p(&a)).expect("a");
        let sb = signer.sign(&req(), &p(&b)).expect("b");
        assert_ne!(sa.signature(), sb.signature());
        assert_eq!(
            sb.signature(),
            sign(&req(), &p(&b)).expect("cold").signature()
        );
    }

    #[test]
    fn expiry_bounds() {
        let c = creds(None);
        let params = SigningParams {
            credentials: &c,
            region: "us-east-1",
            service: "sts",
            time: time(),
            settings: SigningSettings::default(),
        };
        for bad in [
            Duration::ZERO,
            Duration::from_secs(604_801),
            Duration::from_millis(1500),
        ] {
            let e = presign(&req(), &params, bad).expect_err("out of range");
            assert_eq!(e.field(), Some("X-Amz-Expires"));
        }
        for ok in [Duration::from_secs(1), MAX_PRESIGN_EXPIRY] {
            assert!(presign(&req(), &params, ok).is_ok());
        }
    }

    #[test]
    fn missing_host_is_invalid_input() {
        let c = creds(None);
        let params = SigningParams {
            credentials: &c,
            region: "us-east-1",
            service: "sts",
            time: time(),
            settings: SigningSettings::default(),
        };
        let r = SignableRequest {
            method: "GET",
            uri: "/",
            headers: &[],
            body: b"",
        };
        assert_eq!(
            sign(&r, &params).expect_err("no host").field(),
            Some("Host")
        );
    }

    #[test]
    fn debug_redacts_tokens() {
        let c = creds(Some("SECRET-TOKEN-VALUE"));
        let params = SigningParams {
            credentials: &c,
            region: "us-east-1",
            service: "sts",
            time: time(),
            settings: SigningSettings::default(),
        };
        let s = sign(&req(), &params).expect("sign");
        assert!(!format!("{s:?}").contains("SECRET-TOKEN-VALUE"));
        let p = presign(&req(), &params, Duration::from_secs(60)).expect("presign");
        assert!(p.uri().contains("SECRET-TOKEN-VALUE"));
        assert!(!format!("{p:?}").contains("SECRET-TOKEN-VALUE"));
    }

    #[test]
    fn dates_format() {
        let d = amz_date(UNIX_EPOCH + Duration::from_secs(951_782_400)).expect("2000-02-29");
        assert_eq!(&d, b"20000229T000000Z");
        let d = amz_date(UNIX_EPOCH + Duration::from_secs(2_082_758_399)).expect("2035-12-31");
        assert_eq!(&d, b"20351231T235959Z");
        let d = amz_date(UNIX_EPOCH).expect("epoch");
        assert_eq!(&d, b"19700101T000000Z");
        let d = amz_date(UNIX_EPOCH + Duration::from_secs(1_764_003_845)).expect("2025");
        assert_eq!(&d, b"20251124T170405Z");
        let d = amz_date(UNIX_EPOCH + Duration::from_secs(253_402_300_799)).expect("9999");
        assert_eq!(&d, b"99991231T235959Z");
        assert!(amz_date(UNIX_EPOCH + Duration::from_secs(253_402_300_800)).is_err());
    }

    #[test]
    fn hex_matches_the_hex_crate() {
        let mut bytes = [0u8; 32];
        for seed in 0..=255u8 {
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = seed.wrapping_mul(31) ^ u8::try_from(i).expect("< 32").wrapping_mul(97);
            }
            assert_eq!(hex32(&bytes).as_slice(), hex::encode(bytes).as_bytes());
        }
        assert_eq!(&hex32(&[0xff; 32]), &[b'f'; 64]);
        assert_eq!(&hex32(&[0; 32]), &[b'0'; 64]);
    }

    #[test]
    fn header_values_fold() {
        fn folded(v: &str) -> String {
            let mut out = Vec::new();
            write_folded(&mut out, v.as_bytes());
            String::from_utf8(out).expect("ascii")
        }
        // Nothing to fold: written as is (the fast path).
        assert_eq!(
            folded("application/x-www-form-urlencoded; charset=utf-8"),
            "application/x-www-form-urlencoded; charset=utf-8"
        );
        assert_eq!(folded("a b c"), "a b c");
        assert_eq!(folded("  a b  "), "a b");
        // Runs, tabs, CR and LF become one space.
        assert_eq!(folded("a  b"), "a b");
        assert_eq!(folded("a\tb"), "a b");
        assert_eq!(folded("a \r\n b   c"), "a b c");
        assert_eq!(folded("\ta\n"), "a");
        assert_eq!(folded(" \t "), "");
        // Other control bytes take the slow path but are kept.
        assert_eq!(folded("a\u{1}b c"), "a\u{1}b c");
    }

    #[test]
    fn signer_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Signer>();
        assert_send_sync::<SignedHeaders>();
        assert_send_sync::<PresignedRequest>();
    }
}
