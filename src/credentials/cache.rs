//! [`CachingProvider`]: reuse credentials until they near expiry, refresh them once for all
//! threads, and keep still-valid credentials when a refresh fails early.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use super::{Credentials, ProvideCredentials};
use crate::{Error, ErrorKind};

/// Default advisory window: from 15 minutes before expiry a refresh is tried, but a failed one
/// keeps the current credentials (botocore's value).
pub const DEFAULT_ADVISORY: Duration = Duration::from_secs(15 * 60);
/// Default mandatory window: from 10 minutes before expiry a refresh must succeed.
pub const DEFAULT_MANDATORY: Duration = Duration::from_secs(10 * 60);

type Refresh = dyn Fn() -> Result<Credentials, Error> + Send + Sync;
type Clock = dyn Fn() -> SystemTime + Send + Sync;

/// Wraps a refresh function (an `AssumeRole` call, a `credential_process`, …) and caches its
/// credentials.
///
/// - Credentials without an expiration are reused forever.
/// - Before the advisory window (15 min before expiry by default) the cached credentials are
///   returned as they are.
/// - In the advisory window one thread refreshes; the others keep using the cached
///   credentials; if the refresh fails, the cached ones are still returned.
/// - In the mandatory window (10 min) or with nothing cached, the refresh must succeed: one
///   thread refreshes, the others wait for its result (single flight), and a failure is
///   returned to the caller. Errors are never cached.
pub struct CachingProvider {
    refresh: Box<Refresh>,
    clock: Box<Clock>,
    advisory: Duration,
    mandatory: Duration,
    state: Mutex<State>,
    refreshed: Condvar,
}

#[derive(Default)]
struct State {
    cached: Option<Credentials>,
    refreshing: bool,
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProvider")
            .field("advisory", &self.advisory)
            .field("mandatory", &self.mandatory)
            .finish_non_exhaustive()
    }
}

impl CachingProvider {
    /// Caches what `refresh` returns, with the default windows (15 and 10 minutes).
    #[must_use]
    pub fn new(refresh: impl Fn() -> Result<Credentials, Error> + Send + Sync + 'static) -> Self {
        Self {
            refresh: Box::new(refresh),
            clock: Box::new(SystemTime::now),
            advisory: DEFAULT_ADVISORY,
            mandatory: DEFAULT_MANDATORY,
            state: Mutex::new(State::default()),
            refreshed: Condvar::new(),
        }
    }

    /// Caches the credentials of another provider.
    #[must_use]
    pub fn wrap(provider: Arc<dyn ProvideCredentials>) -> Self {
        Self::new(move || provider.provide_credentials())
    }

    /// Sets the advisory and mandatory windows (the mandatory one is capped at the advisory).
    #[must_use]
    pub fn with_windows(mut self, advisory: Duration, mandatory: Duration) -> Self {
        self.advisory = advisory;
        self.mandatory = mandatory.min(advisory);
        self
    }

    /// Uses `clock` instead of the system clock (for tests and simulations).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Time left before `c` expires, `None` when it never does.
    fn remaining(c: &Credentials, now: SystemTime) -> Option<Duration> {
        c.expiration()
            .map(|e| e.duration_since(now).unwrap_or(Duration::ZERO))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock means a refresh function panicked; the state is still consistent.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl ProvideCredentials for CachingProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let mut state = self.lock();
        loop {
            let now = (self.clock)();
            let usable = state
                .cached
                .as_ref()
                .map(|c| (c.clone(), Self::remaining(c, now)));
            match usable {
                Some((c, None)) => return Ok(c),
                Some((c, Some(left))) if left > self.advisory => return Ok(c),
                Some((c, Some(left))) if left > self.mandatory && state.refreshing => {
                    // Advisory window, someone is already refreshing: keep going.
                    return Ok(c);
                }
                _ if state.refreshing => {
                    state = self
                        .refreshed
                        .wait(state)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    continue;
                }
                _ => {}
            }
            state.refreshing = true;
            drop(state);
            let result = (self.refresh)();
            state = self.lock();
            state.refreshing = false;
            self.refreshed.notify_all();
            return match result {
                Ok(c) => {
                    state.cached = Some(c.clone());
                    Ok(c)
                }
                // A source that is not set up here had nothing to refresh: its error is the
                // answer as it is, so that a chain moves on.
                Err(e) if super::providers::is_not_configured(&e) => Err(e),
                Err(e) => {
                    let now = (self.clock)();
                    match state.cached.as_ref() {
                        Some(c) if Self::remaining(c, now).is_none_or(|l| l > self.mandatory) => {
                            Ok(c.clone())
                        }
                        _ => Err(Error::other(
                            ErrorKind::Credentials,
                            format!("refreshing credentials failed: {e}"),
                        )
                        .with_source(e)),
                    }
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    fn creds(expires: SystemTime) -> Credentials {
        Credentials::new("ASIAEXAMPLE", "secret", Some("token".into()), Some(expires))
    }

    fn setup(fail: Arc<AtomicUsize>) -> (Arc<AtomicU64>, Arc<AtomicUsize>, CachingProvider) {
        let clock = Arc::new(AtomicU64::new(1_000_000));
        let calls = Arc::new(AtomicUsize::new(0));
        let (c2, k2) = (Arc::clone(&calls), Arc::clone(&clock));
        let k3 = Arc::clone(&clock);
        let p = CachingProvider::new(move || {
            c2.fetch_add(1, Ordering::SeqCst);
            if fail.load(Ordering::SeqCst) > 0 {
                return Err(Error::other(ErrorKind::Transport, "down"));
            }
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(k2.load(Ordering::SeqCst));
            Ok(creds(now + Duration::from_secs(3600)))
        })
        .with_clock(move || {
            SystemTime::UNIX_EPOCH + Duration::from_secs(k3.load(Ordering::SeqCst))
        });
        (clock, calls, p)
    }

    #[test]
    fn reuses_then_refreshes_in_windows() {
        let fail = Arc::new(AtomicUsize::new(0));
        let (clock, calls, p) = setup(Arc::clone(&fail));
        p.provide_credentials().expect("first");
        p.provide_credentials().expect("cached");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // 50 minutes later: 10 left, inside the advisory window: a failed refresh keeps them.
        clock.fetch_add(48 * 60, Ordering::SeqCst);
        fail.store(1, Ordering::SeqCst);
        assert!(p.provide_credentials().is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // Inside the mandatory window a failure is an error, and it is not cached.
        clock.fetch_add(5 * 60, Ordering::SeqCst);
        let e = p.provide_credentials().expect_err("mandatory");
        assert_eq!(e.kind(), ErrorKind::Credentials);
        fail.store(0, Ordering::SeqCst);
        assert!(p.provide_credentials().is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn single_flight_across_threads() {
        let fail = Arc::new(AtomicUsize::new(0));
        let (clock, calls, p) = setup(fail);
        let p = Arc::new(p);
        for round in 0..3 {
            std::thread::scope(|s| {
                for _ in 0..16 {
                    let p = Arc::clone(&p);
                    s.spawn(move || {
                        for _ in 0..100 {
                            p.provide_credentials().expect("credentials");
                        }
                    });
                }
            });
            assert_eq!(calls.load(Ordering::SeqCst), round + 1);
            // Expire everything.
            clock.fetch_add(3600, Ordering::SeqCst);
        }
    }
}
