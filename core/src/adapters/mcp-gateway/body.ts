/** What reading a request body up to a byte limit gave. */
export type BoundedBody =
  | { readonly kind: 'text'; readonly text: string }
  /** More than the limit was declared or arrived; nothing past the limit was read. */
  | { readonly kind: 'too_large' }
  /** The bytes are not UTF-8, so they cannot be JSON. */
  | { readonly kind: 'not_utf8' }
  /** The stream failed before its end (the client went away mid-body). */
  | { readonly kind: 'unreadable' };

/**
 * Reads a body as UTF-8 text, counting bytes as they stream in: a declared Content-Length over the
 * limit is refused unread, and the read stops (and cancels the stream) at the first chunk that
 * crosses the limit, so an oversized body never sits in memory whole.
 */
export async function readBoundedBody(request: Request, maxBytes: number): Promise<BoundedBody> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) return { kind: 'too_large' };
  if (request.body === null) return { kind: 'text', text: '' };
  // Node's lib types a Request body as a stream of `any`; the fetch standard makes it bytes.
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { kind: 'too_large' };
      }
      chunks.push(value);
    }
  } catch {
    return { kind: 'unreadable' };
  }
  try {
    return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true }).decode(concat(chunks, received)) };
  } catch {
    return { kind: 'not_utf8' };
  }
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}
