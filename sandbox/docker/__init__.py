"""The docker backend: each run in a fresh hardened container from a warm pool.

`backend` is the `Backend`; `pool` keeps containers warm, `container` creates, kills and
removes one, `host_config` is the hardening every container gets and `seccomp` its system
call allow-list, `streams` carries a run over the attach stream to the agent
(`image/agent.py`, each container's pid 1), `sweep` finds containers of dead processes,
`build` and `rootfs` make the image (`image/Dockerfile`), and `daemon` finds or starts dockerd.
"""
