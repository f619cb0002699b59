// WADO-RS answers instances as multipart/related; this splits such a body into its parts' bytes.

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export function multipartBoundary(contentType: string | null): string | undefined {
  const m = /boundary="?([^";]+)"?/i.exec(contentType ?? '');
  return m?.[1];
}

/** The bodies of a multipart message (headers stripped), in order. */
export function splitMultipart(body: Uint8Array, boundary: string): Uint8Array[] {
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  const headerEnd = new TextEncoder().encode('\r\n\r\n');
  const parts: Uint8Array[] = [];
  let at = indexOf(body, delimiter, 0);
  while (at >= 0) {
    const afterDelimiter = at + delimiter.length;
    if (body[afterDelimiter] === 0x2d && body[afterDelimiter + 1] === 0x2d) break; // closing "--boundary--"
    const headersEnd = indexOf(body, headerEnd, afterDelimiter);
    if (headersEnd < 0) break;
    const start = headersEnd + headerEnd.length;
    const next = indexOf(body, delimiter, start);
    if (next < 0) break;
    // The CRLF before the next delimiter belongs to the delimiter, not the part.
    const end = body[next - 2] === 0x0d && body[next - 1] === 0x0a ? next - 2 : next;
    parts.push(body.subarray(start, end));
    at = next;
  }
  return parts;
}
