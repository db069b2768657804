//! Time for the report's stage timings. The core cannot read a clock itself on wasm32, so the
//! caller may pass one; without one, native builds use the system's and wasm32 reads zero.

/// A millisecond clock, for `redact_timed` and the lossless path's stage timings.
pub type Clock<'a> = &'a dyn Fn() -> f64;

/// Runs `f` with this platform's own clock: milliseconds since the call natively, always 0 on
/// wasm32 (where a caller who wants timings passes `performance.now`).
pub fn with_own_clock<T>(f: impl FnOnce(Clock<'_>) -> T) -> T {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let start = std::time::Instant::now();
        let clock = move || start.elapsed().as_secs_f64() * 1000.0;
        f(&clock)
    }
    #[cfg(target_arch = "wasm32")]
    f(&|| 0.0)
}
