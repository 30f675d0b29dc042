"""The bubblewrap backend (the default, no daemon): each run in bwrap, as its own uid and cgroup.

`backend` is the `Backend`; `command` builds the launch chain (mounts, ids, limits),
`containment` holds a run's bwrap init and cgroup, `spawn` starts the chain as our child and
`uid_pool` hands out the host uids root-mode runs execute as.
"""
