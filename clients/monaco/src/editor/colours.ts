/** Collaborators' colours, checked before they reach a style sheet (no Monaco here). */

const FALLBACK_COLOURS = ["#e06c75", "#61afef", "#98c379", "#c678dd", "#e5c07b", "#56b6c2", "#d19a66"];

/** A colour safe to put in CSS: `#rgb`, `#rrggbb` (or with alpha), else one of ours. */
export function safeColour(colour: string | undefined, seed: string): string {
  if (colour !== undefined && /^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(colour)) return colour;
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return FALLBACK_COLOURS[Math.abs(hash) % FALLBACK_COLOURS.length] ?? "#e06c75";
}
