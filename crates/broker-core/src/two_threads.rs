//! Work split between this thread and one more, for inputs large enough to repay starting it:
//! parsing and entity extraction both use it on large files.

use std::sync::OnceLock;

/// Below this size a text is handled on one thread: starting another costs more than it saves,
/// and a single issue (some 50 kB) must not pay for it.
pub(crate) const FROM_BYTES: usize = 1 << 20;

/// Whether a second thread can run beside this one. Asked once: the standard library reads
/// the cgroup limits from `/proc` and `/sys` to answer.
pub(crate) fn available() -> bool {
    static TWO: OnceLock<bool> = OnceLock::new();
    *TWO.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

/// Runs `work` on this thread and, at the same time, `other` on another; on this one after it
/// when no thread can be started (`other` is `Copy`, as closures holding only references are,
/// so it is still here to run). A panic on the other thread is passed on.
pub(crate) fn both<A: Send, B>(
    other: impl FnOnce() -> A + Send + Copy,
    work: impl FnOnce() -> B,
) -> (A, B) {
    std::thread::scope(|scope| {
        let job = spawn_scoped(scope, other);
        let mine = work();
        let theirs = match job {
            Ok(job) => job
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => other(),
        };
        (theirs, mine)
    })
}

/// Starts `work` on a thread of its own that runs beside this one at once.
///
/// Linux often queues a new thread on its maker's CPU, where it waits until its maker blocks
/// or uses up its time slice: some 1.8 ms on an otherwise idle two-core machine, half of a
/// first search's first pass. Moving the maker away afterwards is not enough, as the kernel
/// sometimes puts the new thread on another CPU and the maker would follow it there. So the
/// maker holds itself to its CPU while it makes the thread, which inherits the hold and so is
/// queued there, then moves itself to another CPU: both run within some 0.1 ms. Each lets go
/// of the hold at once, and the kernel moves neither back.
pub(crate) fn spawn_scoped<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    work: impl FnOnce() -> T + Send + 'scope,
) -> std::io::Result<std::thread::ScopedJoinHandle<'scope, T>> {
    let held = placement::Held::here();
    let release = held.as_ref().map(placement::Held::release);
    let job = std::thread::Builder::new().spawn_scoped(scope, move || {
        if let Some(release) = release {
            release();
        }
        work()
    });
    if let Some(held) = held {
        held.leave(job.is_ok());
    }
    job
}

#[cfg(target_os = "linux")]
mod placement {
    use rustix::thread::{CpuSet, sched_getaffinity, sched_getcpu, sched_setaffinity};

    /// This thread held to the CPU it is on, and the CPUs it may use.
    pub(super) struct Held {
        allowed: CpuSet,
        here: usize,
    }

    impl Held {
        /// Holds this thread to its CPU; `None`, and nothing changed, when it may use no
        /// other or the system will not say.
        pub(super) fn here() -> Option<Held> {
            let allowed = sched_getaffinity(None).ok()?;
            let here = sched_getcpu();
            if here >= CpuSet::MAX_CPU || !allowed.is_set(here) || allowed.count() < 2 {
                return None;
            }
            let mut only_here = CpuSet::new();
            only_here.set(here);
            sched_setaffinity(None, &only_here).ok()?;
            Some(Held { allowed, here })
        }

        /// What the new thread does first: takes back every CPU this thread was allowed.
        pub(super) fn release(&self) -> impl FnOnce() + Send + use<> {
            let allowed = self.allowed;
            move || {
                // Failing, the thread stays on one CPU, which only costs when that one is busy.
                let _ = sched_setaffinity(None, &allowed);
            }
        }

        /// Moves this thread to another CPU when the new one `started`, then takes back every
        /// CPU it was allowed.
        pub(super) fn leave(self, started: bool) {
            if started {
                let mut elsewhere = self.allowed;
                elsewhere.unset(self.here);
                let _ = sched_setaffinity(None, &elsewhere);
            }
            let _ = sched_setaffinity(None, &self.allowed);
        }
    }
}

/// Elsewhere a new thread is left where the system puts it.
#[cfg(not(target_os = "linux"))]
mod placement {
    pub(super) enum Held {}

    impl Held {
        pub(super) fn here() -> Option<Held> {
            None
        }

        pub(super) fn release(&self) -> impl FnOnce() + Send + use<> {
            || {}
        }

        pub(super) fn leave(self, _started: bool) {
            match self {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hold that places a new thread is let go on both sides: neither is left to one CPU.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_new_thread_and_its_maker_keep_every_cpu_they_were_allowed() {
        use rustix::thread::sched_getaffinity;
        let allowed = || sched_getaffinity(None).expect("the thread's CPUs");
        let before = allowed();
        let theirs = std::thread::scope(|scope| {
            let job = spawn_scoped(scope, allowed).expect("thread started");
            job.join().expect("thread finished")
        });
        assert!(theirs == before, "the new thread kept the hold");
        assert!(allowed() == before, "its maker kept the hold");
        let (theirs, mine) = both(allowed, allowed);
        assert!(theirs == before && mine == before);
    }

    #[test]
    fn both_gives_each_side_its_own_result() {
        let text = "left|right";
        let (theirs, mine) = both(|| text.len(), || text.split('|').count());
        assert_eq!((theirs, mine), (10, 2));
        assert_eq!(available(), available());
    }
}
