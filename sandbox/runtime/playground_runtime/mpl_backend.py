"""matplotlib backend `module://playground_runtime.mpl_backend`: figures as display items.

`plt.show()` sends every open figure to the playground as a PNG and then closes them (as
Jupyter's inline backend does, so the next plot starts on a fresh figure); `fig.show()`
sends that one figure and leaves it open. `savefig` writes its file as usual and also
shows the figure: learners who save a plot expect to see it. A figure already shown
(by `savefig`) and not changed since is not sent a second time by `plt.show()`.

Without `$PLAYGROUND_DISPLAY_NONCE` (not run by the sandbox) this is plain Agg: nothing
is shown, figures stay open, nothing fails.
"""

from __future__ import annotations

import io
import weakref
from typing import Any

from matplotlib._pylab_helpers import Gcf
from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from playground_runtime import display

# Figures sent and not changed since (a drawn figure is not stale until it changes).
_shown: weakref.WeakSet[Figure] = weakref.WeakSet()
_rendering = False


def show_figure(figure: Figure) -> bool:
    """Send `figure` as a PNG display item; False when there is no playground to send to."""
    global _rendering
    if display.nonce() is None:
        return False
    buffer = io.BytesIO()
    _rendering = True
    try:
        figure.savefig(buffer, format="png")
    finally:
        _rendering = False
    if not display.emit("image/png", buffer.getvalue()):
        return False
    _shown.add(figure)
    return True


def _needs_showing(figure: Figure) -> bool:
    return figure not in _shown or bool(figure.stale)


class FigureManagerPlayground(FigureManagerBase):
    def show(self) -> None:
        show_figure(self.canvas.figure)

    @classmethod
    def pyplot_show(cls, *, block: bool | None = None) -> None:
        if display.nonce() is None:
            return
        managers = Gcf.get_all_fig_managers()
        for manager in managers:
            figure = manager.canvas.figure
            if isinstance(figure, Figure) and _needs_showing(figure):
                show_figure(figure)
        Gcf.destroy_all()


class FigureCanvasPlayground(FigureCanvasAgg):
    manager_class = FigureManagerPlayground

    def print_figure(self, *args: Any, **kwargs: Any) -> Any:
        result = super().print_figure(*args, **kwargs)
        # Our own rendering into a buffer comes through here too: only a user's savefig
        # is also shown.
        if not _rendering and isinstance(self.figure, Figure):
            show_figure(self.figure)
        return result


FigureCanvas = FigureCanvasPlayground
FigureManager = FigureManagerPlayground
