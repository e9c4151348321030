//! How the process asks the C allocator to keep its memory.
//!
//! glibc's malloc gives threads their own arenas, up to eight per core, and keeps what a burst
//! freed in each of them. prm runs database work on Tokio's blocking threads: under 64
//! concurrent requests tens of them allocate at once, and the arenas they leave behind held the
//! service at 184–211 MiB after workloads whose own peak is under 150 (BENCHMARKS.md,
//! PERFORMANCE-2). One arena per core keeps the same throughput in that benchmark and returns
//! the burst's memory to the few arenas that are reused.

/// Caps glibc's arenas at one per core (at least two), unless the operator chose a number with
/// glibc's own `MALLOC_ARENA_MAX`. Call first, before any thread starts.
pub fn cap_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
            return;
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets a tunable of the allocator; it is called before any other
        // thread exists, and a refusal (0) leaves glibc's default in place.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

/// Asks glibc to give the system every whole free page it holds, in every arena: a large
/// block freed from a busy arena otherwise stays resident. Called after something big was
/// dropped on purpose (the hashing pool's idle areas), not on every free.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}
