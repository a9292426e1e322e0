/**
 * How the web host carries a call or a reply: the value as JSON with every byte array lifted out
 * and appended raw. Scanned pages so cross as bytes; as base64 inside a JSON string they were a
 * third bigger and Chromium uploaded them several times slower than a Blob of binary parts (issue
 * 4's P6p, docs/benchmarks.md). Electron's IPC needs none of this: structured clone carries bytes.
 *
 * Layout: the JSON's length (u32, big-endian), the JSON `{"value": …, "parts": [byteLength, …]}`
 * in which part i stands as `{"$bytes": i}`, then the parts in order.
 */
const PLACEHOLDER = '$bytes';

// Both hosts (Node, Chromium) have these; shared/'s ES2023 lib does not declare them.
declare const TextEncoder: new () => { encode(text: string): Uint8Array<ArrayBuffer> };
declare const TextDecoder: new (label: 'utf-8', options: { fatal: true }) => { decode(bytes: Uint8Array): string };

export class FrameError extends Error {}

const isPlainObject = (node: unknown): node is object =>
  node !== null && typeof node === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(node) as object | null);

/** The frame in pieces, ready for `new Blob(pieces)` or a socket; the parts are not copied. */
export function encodeFrame(value: unknown): Uint8Array<ArrayBuffer>[] {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const lift = (node: unknown): unknown => {
    if (node instanceof Uint8Array) return { [PLACEHOLDER]: parts.push(node as Uint8Array<ArrayBuffer>) - 1 };
    if (Array.isArray(node)) return node.map(lift);
    if (isPlainObject(node)) return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, lift(child)]));
    return node; // JSON.stringify takes it from here (a Date by its toJSON)
  };
  const json = new TextEncoder().encode(JSON.stringify({ value: lift(value), parts: parts.map((part) => part.byteLength) }));
  const head = new Uint8Array(4 + json.byteLength);
  new DataView(head.buffer).setUint32(0, json.byteLength);
  head.set(json, 4);
  return [head, ...parts];
}

/**
 * The value back, each part copied out of the frame (a view would drag the whole frame into
 * IndexedDB with it). Throws FrameError on anything that is not a whole, well-formed frame.
 */
export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new FrameError('short frame');
  const jsonEnd = 4 + new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0);
  if (jsonEnd > frame.byteLength) throw new FrameError('short frame');
  let head: { value?: unknown; parts?: unknown };
  try {
    head = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(4, jsonEnd))) as typeof head;
  } catch (error) {
    throw new FrameError('bad JSON', { cause: error });
  }
  const sizes = head?.parts;
  if (!Array.isArray(sizes) || !sizes.every((size) => Number.isSafeInteger(size) && size >= 0)) throw new FrameError('bad part sizes');
  let offset = jsonEnd;
  const parts = (sizes as number[]).map((size) => new Uint8Array(frame.subarray(offset, (offset += size))));
  if (offset !== frame.byteLength) throw new FrameError('part sizes do not match the frame');
  const restore = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(restore);
    if (node === null || typeof node !== 'object') return node;
    const index = (node as Record<string, unknown>)[PLACEHOLDER];
    if (index !== undefined) {
      if (typeof index !== 'number' || !(index in parts)) throw new FrameError('no such part');
      return parts[index];
    }
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, restore(child)]));
  };
  return restore(head.value);
}
