"""Runs over LSP: reading the run methods' params, collecting a run's workspace, the wire
protocol, and the process-wide service that owns every session's runs.

`params` checks `playground/run`, `/stdin` and `/cancel` params; `workspace` gathers the files
a run gets (open buffers win, no symlinks, bounded); `protocol` turns sandbox events into
`playground/*` notifications; `service` (`RunService`) owns the sandbox scheduler and who owns
and watches each run. The LSP handlers are `server/features/run.py`.
"""
