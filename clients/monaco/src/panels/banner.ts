/** The connection banner: shown while the server cannot be reached, with when it tries again. */

import type { Connection, ConnectionState } from "../connection/connection";
import { h } from "../dom";

export function mountBanner(root: HTMLElement, connection: Connection): void {
  const text = h("span", { "data-testid": "banner-text" });
  const retry = h("button", { type: "button", className: "ghost", "data-testid": "banner-retry" }, "Retry now");
  root.append(text, retry);
  let timer: number | undefined;

  const render = (state: ConnectionState) => {
    window.clearInterval(timer);
    timer = undefined;
    root.dataset.state = state.kind;
    if (state.kind === "ready") {
      root.hidden = true;
      return;
    }
    // The first attempt usually succeeds at once: no banner flashing on every page load.
    root.hidden = state.kind === "connecting" && !state.everConnected;
    retry.hidden = state.kind !== "down";
    if (state.kind === "connecting") {
      text.textContent = state.everConnected
        ? "Reconnecting… your edits are kept and will be sent."
        : "Connecting to the playground server…";
      return;
    }
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
      text.textContent = state.everConnected
        ? `Connection lost. Your edits are kept; trying again in ${seconds} s.`
        : `Cannot reach the playground server; trying again in ${seconds} s.`;
    };
    tick();
    timer = window.setInterval(tick, 500);
  };

  retry.addEventListener("click", () => connection.retryNow());
  connection.onState(render);
  render(connection.state);
}
