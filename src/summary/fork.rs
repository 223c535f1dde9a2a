//! A user's template rendered in a copy of this process made by `fork` (Linux): the copy holds
//! the context already, so nothing is serialized, started or parsed again. It renders, writes
//! its answer into a pipe and ends with `_exit`. It is bounded like the child `sandbox` starts
//! by `exec`: its address space may grow by [`super::sandbox::MAX_MEMORY_BYTES`] at most (an
//! allocation past that aborts the copy, not this process), and past its time it is killed.
//!
//! `fork` copies the calling thread only: a lock that another thread held stays locked in the
//! copy for ever. So a copy is made only while this process has one thread (`/proc/self/status`
//! says so), which is every run that left no DNS lookup running behind it; otherwise, and on
//! other systems, [`Forked::start`] answers `None` and `sandbox` starts its child by `exec`.
//!
//! This is the crate's only `unsafe` code: `fork`, `pipe2`, `poll`, `kill`, `waitpid`,
//! `setrlimit`, `dup2` and `_exit` from libc, each used as its manual page says.
#![allow(unsafe_code)]

use std::time::Duration;

/// How a copy ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It wrote this and exited with 0.
    Answer(Vec<u8>),
    /// It was still at work after its time, and was killed.
    TooSlow,
    /// It aborted: on Linux that is an allocation refused past its memory limit.
    TooBig,
    /// Any other end: the exit status or signal, in words.
    Ended(String),
}

/// A copy at work: its process and the pipe its answer comes through.
#[cfg(target_os = "linux")]
pub struct Forked {
    pid: libc::pid_t,
    pipe: std::fs::File,
    started: std::time::Instant,
}

#[cfg(target_os = "linux")]
impl Forked {
    /// Starts `work` in a copy of this process, which writes what it returns into a pipe and
    /// ends; `None` when no copy can be made safely here (see the module's text).
    pub fn start(max_memory: u64, work: impl FnOnce() -> Vec<u8>) -> Option<Forked> {
        use std::os::fd::{FromRawFd, OwnedFd};

        // One thread, and the address space the limit starts from. A thread that has done its
        // work (the resolver's, which `http` lets go at once) may still be ending: it is given
        // a millisecond, not more.
        let mut looks = 0;
        let kb = loop {
            match threads_and_size()? {
                (1, kb) => break kb,
                _ if looks < 10 => looks += 1,
                _ => return None,
            }
            std::thread::sleep(Duration::from_micros(100));
        };
        let limit = (kb * 1024).saturating_add(max_memory);
        // SAFETY: `getpid` cannot fail.
        let parent = unsafe { libc::getpid() };
        let mut fds = [0; 2];
        // SAFETY: `pipe2` writes two new descriptors into the array it is given.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return None;
        }
        // SAFETY: both descriptors were just opened, and nothing else owns them.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        // SAFETY: this process has one thread (checked above, and nothing between starts one),
        // so the copy inherits no lock held elsewhere; it leaves only through `_exit`.
        match unsafe { libc::fork() } {
            -1 => None,
            0 => {
                drop(read);
                in_copy(write, parent, limit, work)
            }
            pid => Some(Forked { pid, pipe: std::fs::File::from(read), started: std::time::Instant::now() }),
        }
    }

    /// Reads the copy's answer until it closes the pipe (it exits), killing it once `max_time`
    /// has passed since its start or when it writes more than `max_answer` bytes; then reaps it.
    pub fn wait(mut self, max_time: Duration, max_answer: usize) -> Outcome {
        use std::io::Read;
        use std::os::fd::AsRawFd;
        use std::os::unix::process::ExitStatusExt;

        let deadline = self.started + max_time;
        let mut answer = Vec::new();
        let mut buffer = [0u8; 16 * 1024];
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return self.stop(Outcome::TooSlow);
            }
            let mut poll = libc::pollfd { fd: self.pipe.as_raw_fd(), events: libc::POLLIN, revents: 0 };
            let ms = i32::try_from(left.as_millis()).unwrap_or(i32::MAX).max(1);
            // SAFETY: one `pollfd`, owned here, for a descriptor this function owns.
            match unsafe { libc::poll(&raw mut poll, 1, ms) } {
                // Nothing yet: the deadline is looked at again.
                0 => continue,
                -1 => match std::io::Error::last_os_error() {
                    e if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    e => return self.stop(Outcome::Ended(e.to_string())),
                },
                _ => {}
            }
            match self.pipe.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) if answer.len() + n > max_answer => {
                    return self.stop(Outcome::Ended("answer too long".to_owned()));
                }
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return self.stop(Outcome::Ended(e.to_string())),
            }
        }
        match answer.split_first_chunk::<8>() {
            Some((length, body)) if u64::from_le_bytes(*length) == body.len() as u64 => {
                // Whole: the copy has nothing left to do but `_exit`, which takes a while
                // (its address space is torn down). It is reaped if it is done, else left to
                // end on its own (a zombie until this process ends, then init's).
                self.reap_if_done();
                return Outcome::Answer(body.to_vec());
            }
            _ => {}
        }
        // Said as the child started by `exec` says it (`exit status: 70`, `signal: 9 (SIGKILL)`).
        let status = self.reap().map(std::process::ExitStatus::from_raw);
        match status {
            Some(status) if status.signal() == Some(libc::SIGABRT) => Outcome::TooBig,
            Some(status) => Outcome::Ended(status.to_string()),
            None => Outcome::Ended("lost".to_owned()),
        }
    }

    fn stop(&mut self, outcome: Outcome) -> Outcome {
        self.kill();
        outcome
    }

    fn kill(&mut self) {
        if self.pid > 0 {
            // SAFETY: `pid` is our child, not yet reaped, so the number is still its own.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            self.reap();
        }
    }

    /// Waits for the copy to end: its wait status, once.
    fn reap(&mut self) -> Option<i32> {
        self.waitpid(0)
    }

    /// Reaps the copy if it has ended, without waiting.
    fn reap_if_done(&mut self) {
        self.waitpid(libc::WNOHANG);
    }

    fn waitpid(&mut self, options: i32) -> Option<i32> {
        let pid = std::mem::replace(&mut self.pid, 0);
        if pid <= 0 {
            return None;
        }
        let mut status = 0;
        loop {
            // SAFETY: `waitpid` on our own child, with a status to fill.
            match unsafe { libc::waitpid(pid, &raw mut status, options) } {
                -1 if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {}
                -1 => return None,
                _ => return Some(status),
            }
        }
    }
}

/// A copy nobody waited for (the run failed before its texts were needed) is not left running.
#[cfg(target_os = "linux")]
impl Drop for Forked {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Other systems have no `/proc` to count threads with: `sandbox` starts its child by `exec`.
#[cfg(not(target_os = "linux"))]
pub struct Forked(std::convert::Infallible);

#[cfg(not(target_os = "linux"))]
impl Forked {
    pub fn start(_: u64, _: impl FnOnce() -> Vec<u8>) -> Option<Forked> {
        None
    }

    pub fn wait(self, _: Duration, _: usize) -> Outcome {
        match self.0 {}
    }
}

/// Exit status of a copy whose work panicked (a bug in a filter, not the template's doing).
#[cfg(target_os = "linux")]
const PANICKED: i32 = 70;
/// Exit status of a copy that could not write its answer.
#[cfg(target_os = "linux")]
const NO_ANSWER: i32 = 71;
/// Exit status of a copy that could not limit its memory, and so did not render.
#[cfg(target_os = "linux")]
const NO_LIMIT: i32 = 72;

/// The copy's side: no output to the job's log (an aborting allocation prints a line to stderr),
/// the memory limit, the work, its answer into the pipe, and `_exit`, which runs no destructor
/// and flushes no buffer this process owns.
#[cfg(target_os = "linux")]
fn in_copy(write: std::os::fd::OwnedFd, parent: libc::pid_t, limit: u64, work: impl FnOnce() -> Vec<u8>) -> ! {
    use std::io::Write;
    use std::os::fd::AsRawFd;

    // Killed with its parent (a job runner that kills the run's process alone), and gone at once
    // if the parent died before this was set.
    // SAFETY: `prctl` with these arguments only sets this process's death signal.
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) } != 0 || unsafe { libc::getppid() } != parent {
        // SAFETY: see the panic hook below.
        unsafe { libc::_exit(NO_LIMIT) }
    }

    std::panic::set_hook(Box::new(|_| {
        // SAFETY: `_exit` ends the process at once; it is what a child of `fork` ends with.
        unsafe { libc::_exit(PANICKED) }
    }));
    let null = std::fs::OpenOptions::new().write(true).open("/dev/null");
    // SAFETY: `dup2` onto the standard descriptors from one open here, or `close` of them: this
    // copy owns its descriptors and writes to neither.
    unsafe {
        if let Ok(null) = &null {
            libc::dup2(null.as_raw_fd(), 1);
            libc::dup2(null.as_raw_fd(), 2);
        } else {
            libc::close(1);
            libc::close(2);
        }
    }
    let mut old = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: `getrlimit` fills the struct it is given; `setrlimit` reads it.
    let limited = unsafe {
        libc::getrlimit(libc::RLIMIT_AS, &raw mut old) == 0 && {
            let new = libc::rlimit { rlim_cur: old.rlim_cur.min(limit), rlim_max: old.rlim_max };
            libc::setrlimit(libc::RLIMIT_AS, &raw const new) == 0
        }
    };
    // Without the limit the copy must not run the template at all: say so in an exit status.
    let code = if limited {
        let answer = work();
        // Framed by its length, so that the parent knows a whole answer from one cut short; the
        // pipe closes when `File` drops, before `_exit` tears the address space down.
        let mut pipe = std::fs::File::from(write);
        let length = (answer.len() as u64).to_le_bytes();
        if pipe.write_all(&length).and_then(|()| pipe.write_all(&answer)).is_ok() { 0 } else { NO_ANSWER }
    } else {
        NO_LIMIT
    };
    // SAFETY: see the panic hook above.
    unsafe { libc::_exit(code) }
}

/// This process's threads and address space in kB, as `/proc/self/status` tells.
#[cfg(target_os = "linux")]
fn threads_and_size() -> Option<(u64, u64)> {
    use std::io::Read;
    // `/proc` files tell no size: one read into room enough.
    let mut status = String::with_capacity(4096);
    std::fs::File::open("/proc/self/status").ok()?.read_to_string(&mut status).ok()?;
    let field = |name: &str| -> Option<u64> {
        let value = status.lines().find_map(|l| l.strip_prefix(name))?.trim();
        value.trim_end_matches("kB").trim().parse().ok()
    };
    Some((field("Threads:")?, field("VmSize:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_copy_is_made_while_another_thread_runs() {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let other = std::thread::spawn(move || wait.recv());
        // Were a copy made, it would run this, hit the panic hook and `_exit`; `start` would
        // have answered `Some`.
        let copy = Forked::start(1 << 30, || panic!("copied with another thread running"));
        assert!(copy.is_none());
        drop(done);
        let _ = other.join();
    }
}
