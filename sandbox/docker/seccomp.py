"""The seccomp profile of sandbox containers: an allow-list, generated here as Docker's JSON.

It allows what Docker's default profile allows a container without capabilities, minus the
calls the bubblewrap backend denies too (`seccomp.DENIED`: ptrace and friends, io_uring,
keyrings, bpf, perf, userfaultfd, the mount family, unshare/setns...), and sockets only of
the families programs use (unix, IPv4, IPv6, netlink): AF_VSOCK and AF_PACKET among the
rest are refused. Anything not listed, including every system call newer than this list,
fails with EPERM; only the native architecture is allowed, so 32-bit entry points cannot
reach calls through other numbers.
"""

from __future__ import annotations

import functools
import json
import platform
from typing import Any

from lionagi_playground.sandbox.seccomp import DENIED

EPERM = 1
ENOSYS = 38
NAMESPACE_FLAGS = 0x7E020000
"""CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET: clone may set none."""
SOCKET_FAMILIES = (1, 2, 10, 16)
"""AF_UNIX, AF_INET, AF_INET6, AF_NETLINK. An allow-list, one rule per family: libseccomp
cannot AND two conditions on one argument (a rule "not vsock and not packet" lets vsock
through)."""
PERSONALITIES = (0x0, 0x8, 0x20000, 0x20008, 0xFFFFFFFF)
"""Linux, with UNAME26 and/or ADDR_NO_RANDOMIZE, and the query: what programs ask for."""

ALLOWED: dict[str, tuple[str, ...]] = {
    "processes": (
        "arch_prctl", "brk", "capget", "capset", "execve", "execveat", "exit", "exit_group",
        "fork", "vfork", "getpid", "getppid", "gettid", "getpgid", "getpgrp", "getsid",
        "setsid", "setpgid", "set_tid_address", "set_robust_list", "get_robust_list", "rseq",
        "prctl", "wait4", "waitid", "kill", "tkill", "tgkill", "pidfd_open",
        "pidfd_send_signal", "prlimit64", "getrlimit", "setrlimit", "getrusage",
        "getpriority", "setpriority", "sched_getaffinity", "sched_setaffinity",
        "sched_yield", "sched_getparam", "sched_setparam", "sched_getscheduler",
        "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min",
        "sched_rr_get_interval", "sched_getattr", "sched_setattr", "getcpu", "times",
        "membarrier", "futex", "futex_waitv", "restart_syscall", "seccomp", "ioprio_get",
        "ioprio_set", "getitimer", "setitimer", "alarm", "pause", "nanosleep",
        "clock_nanosleep", "uname", "sysinfo", "umask", "getrandom", "process_mrelease",
        "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
        "modify_ldt",
    ),
    "ids": (
        "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "getgroups",
        "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups",
        "setfsuid", "setfsgid",
    ),
    "signals": (
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend",
        "rt_sigtimedwait", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "sigaltstack", "signalfd",
        "signalfd4",
    ),
    "memory": (
        "mmap", "munmap", "mprotect", "mremap", "madvise", "mincore", "mlock", "mlock2",
        "munlock", "mlockall", "munlockall", "msync", "remap_file_pages", "pkey_alloc",
        "pkey_free", "pkey_mprotect", "memfd_create", "memfd_secret",
    ),
    "files": (
        "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
        "preadv2", "pwritev2", "open", "openat", "openat2", "creat", "close", "close_range",
        "lseek", "dup", "dup2", "dup3", "fcntl", "flock", "fsync", "fdatasync", "sync",
        "syncfs", "sync_file_range", "ftruncate", "truncate", "fallocate", "fadvise64",
        "readahead", "sendfile", "splice", "tee", "vmsplice", "copy_file_range", "stat",
        "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs", "access", "faccessat",
        "faccessat2", "getcwd", "chdir", "fchdir", "mkdir", "mkdirat", "rmdir", "rename",
        "renameat", "renameat2", "link", "linkat", "unlink", "unlinkat", "symlink",
        "symlinkat", "readlink", "readlinkat", "chmod", "fchmod", "fchmodat", "chown",
        "fchown", "lchown", "fchownat", "utime", "utimes", "utimensat", "futimesat",
        "getdents", "getdents64", "mknod", "mknodat", "getxattr", "lgetxattr", "fgetxattr",
        "setxattr", "lsetxattr", "fsetxattr", "listxattr", "llistxattr", "flistxattr",
        "removexattr", "lremovexattr", "fremovexattr", "ioctl", "inotify_init",
        "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "fanotify_mark",
    ),
    "waiting": (
        "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl",
        "epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2", "timerfd_create",
        "timerfd_settime", "timerfd_gettime", "timer_create", "timer_settime",
        "timer_gettime", "timer_getoverrun", "timer_delete", "pipe", "pipe2",
        "clock_gettime", "clock_getres", "gettimeofday", "time", "adjtimex", "clock_adjtime",
    ),
    "asynchronous I/O (not io_uring)": (
        "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
    ),
    "System V and POSIX IPC (the container has its own IPC namespace)": (
        "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semctl",
        "msgget", "msgsnd", "msgrcv", "msgctl", "mq_open", "mq_unlink", "mq_timedsend",
        "mq_timedreceive", "mq_notify", "mq_getsetattr",
    ),
    "sockets (socket itself is filtered by family below)": (
        "socketpair", "bind", "listen", "accept", "accept4", "connect", "getsockname",
        "getpeername", "getsockopt", "setsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg",
        "sendmmsg", "recvmmsg", "shutdown",
    ),
}  # fmt: skip

ARCHITECTURES = {"x86_64": "SCMP_ARCH_X86_64", "aarch64": "SCMP_ARCH_AARCH64"}


def allowed_names() -> list[str]:
    names = {name for group in ALLOWED.values() for name in group}
    return sorted(names - set(DENIED))


@functools.cache
def profile() -> dict[str, Any]:
    """The profile as Docker's `--security-opt seccomp=` JSON object."""
    rules: list[dict[str, Any]] = [{"names": allowed_names(), "action": "SCMP_ACT_ALLOW"}]
    for family in SOCKET_FAMILIES:
        rules.append(
            {
                "names": ["socket"],
                "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 0, "value": family, "valueTwo": 0, "op": "SCMP_CMP_EQ"}],
            }
        )
    # Threads and processes, but never new namespaces (user namespaces need no privilege).
    rules.append(
        {
            "names": ["clone"],
            "action": "SCMP_ACT_ALLOW",
            "args": [
                {"index": 0, "value": NAMESPACE_FLAGS, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}
            ],
        }
    )
    # clone3 passes its flags in memory, where seccomp cannot look: ENOSYS makes the C
    # library fall back to clone, which is filtered above.
    rules.append({"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": ENOSYS})
    for persona in PERSONALITIES:
        rules.append(
            {
                "names": ["personality"],
                "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 0, "value": persona, "valueTwo": 0, "op": "SCMP_CMP_EQ"}],
            }
        )
    machine = platform.machine()
    architectures = [ARCHITECTURES[machine]] if machine in ARCHITECTURES else []
    return {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": EPERM,
        "architectures": architectures,
        "syscalls": rules,
    }


def profile_json() -> str:
    return json.dumps(profile(), separators=(",", ":"))
