// The lines of an NDJSON capture as views of its bytes (no copies, blank lines skipped): how
// every JavaScript benchmark reads its capture, in Node, Deno and Bun alike.

/** The non-empty lines of `bytes` (a Uint8Array or Buffer), each a subarray of it. */
export function captureLines(bytes) {
  const lines = [];
  for (let start = 0; start < bytes.length;) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    if (end > start) lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  return lines;
}
