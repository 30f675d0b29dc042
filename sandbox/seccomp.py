"""The seccomp deny list every sandboxed process runs under, compiled once to BPF for bwrap.

Default allow, with `EPERM` for the system calls that only serve to escape or to attack the
kernel: debugging other processes, mounting, namespaces, keyrings, BPF, perf, userfaultfd,
io_uring, and sockets of families a network namespace does not isolate (vsock) or that read
raw frames (packet). Foreign architectures (32-bit entry points) are killed by libseccomp's
bad-arch default, so the list cannot be bypassed through them.
"""

from __future__ import annotations

import errno
import functools
import importlib
import os
import tempfile
from typing import Any

from lionagi_playground.sandbox.errors import BackendUnavailableError

DENIED = (
    # another process's memory and registers
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    # the mount family
    "mount",
    "umount2",
    "pivot_root",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    # namespaces
    "unshare",
    "setns",
    # kernel keyrings
    "keyctl",
    "add_key",
    "request_key",
    # kernel attack surface rarely needed by programs
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
    "syslog",
    "quotactl",
    "lookup_dcookie",
    "open_by_handle_at",
    "name_to_handle_at",
)

AF_PACKET = 17
AF_VSOCK = 40
DENIED_SOCKET_FAMILIES = (AF_PACKET, AF_VSOCK)


def _library() -> Any:
    try:
        return importlib.import_module("pyseccomp")
    except (ImportError, OSError) as error:
        raise BackendUnavailableError(
            f"the seccomp binding is missing ({error}); install pyseccomp and libseccomp2"
        ) from error


@functools.cache
def deny_list_bpf() -> bytes:
    """The compiled filter, as the raw `struct sock_filter` array bwrap's `--seccomp` reads."""
    lib = _library()
    rules = lib.SyscallFilter(lib.ALLOW)
    for name in DENIED:
        try:
            rules.add_rule(lib.ERRNO(errno.EPERM), name)
        except (RuntimeError, ValueError, OSError):
            continue  # a name this libseccomp or architecture does not know cannot be called
    for family in DENIED_SOCKET_FAMILIES:
        rules.add_rule(lib.ERRNO(errno.EAFNOSUPPORT), "socket", lib.Arg(0, lib.EQ, family))
    with tempfile.TemporaryFile() as out:
        rules.export_bpf(out)
        out.seek(0)
        return out.read()


def bpf_fd() -> int:
    """A fresh readable fd holding the filter (bwrap reads it to the end, once per run)."""
    program = deny_list_bpf()
    fd = os.memfd_create("playground-seccomp", os.MFD_CLOEXEC)
    try:
        os.write(fd, program)
        os.lseek(fd, 0, os.SEEK_SET)
    except OSError:
        os.close(fd)
        raise
    return fd
