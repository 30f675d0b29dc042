"""The playground's runtime package: what user code finds inside the runtime environment.

It owns nothing at import time. Its parts are loaded on demand:
`playground_runtime.boot` (run at interpreter start through `playground_runtime.pth`),
the offline lionagi model (`lionagi_patch`, `offline_model` and the modules they use),
`display` (the frames the sandbox supervisor turns into `playground/display`) and
`mpl_backend` (matplotlib's `plt.show()` as such frames).
"""
