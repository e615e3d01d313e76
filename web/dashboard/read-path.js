/** The subtle note saying where data reads came from. */

import { h } from "./dom.js";

/** @param {string} readPath "destination" | "running-process" */
export function readPathNote(readPath) {
  const running = readPath === "running-process";
  return h(
    "p",
    {
      class: `read-path muted small${running ? " via-process" : ""}`,
      "data-testid": "read-path",
      "data-read-path": readPath,
    },
    running ? "read through the running process" : "read from the destination",
  );
}
