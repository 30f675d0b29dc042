/**
 * An invitation link as the web playground prints it (`http://HOST:PORT/?invite=I`, or the
 * owner's `?token=T` link) turned into its WebSocket address (`ws://HOST:PORT/lsp?invite=I`).
 */

export interface Invitation {
  /** The WebSocket to connect to. */
  readonly socket: string;
  /** Where it points, for messages (never the secret). */
  readonly where: string;
}

export function parseInvitation(link: string): Invitation {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    throw new Error("that is not a link: paste the whole invitation, http://HOST:PORT/?invite=...");
  }
  const scheme = { "http:": "ws:", "https:": "wss:", "ws:": "ws:", "wss:": "wss:" }[url.protocol];
  if (scheme === undefined) throw new Error(`an invitation link starts with http:// or https://, not ${url.protocol}`);
  const invite = url.searchParams.get("invite");
  const token = url.searchParams.get("token");
  if (!invite && !token) throw new Error("the link has no ?invite=... (ask for an invitation link)");
  const socket = new URL(url.toString());
  socket.protocol = scheme;
  if (!socket.pathname.endsWith("/lsp")) {
    socket.pathname = `${socket.pathname.replace(/\/[^/]*$/, "")}/lsp`;
  }
  socket.search = "";
  if (invite) socket.searchParams.set("invite", invite);
  else if (token) socket.searchParams.set("token", token);
  socket.hash = "";
  return { socket: socket.toString(), where: url.host };
}
