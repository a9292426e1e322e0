import fc from 'fast-check';
import { expect, test } from 'vitest';
import { decodeFrame, encodeFrame, FrameError } from '../../shared/frame';

const join = (pieces: Uint8Array[]) => new Uint8Array(Buffer.concat(pieces));
/** The value as JSON carries it: -0 arrives as 0, as it always did. */
const asJsonSends = (node: unknown): unknown => {
  if (Object.is(node, -0)) return 0;
  if (node instanceof Uint8Array) return node;
  if (Array.isArray(node)) return node.map(asJsonSends);
  if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, asJsonSends(child)]));
  return node;
};

test('any JSON value with byte arrays anywhere comes back equal, each byte array raw after the JSON', () => {
  // "$bytes" is the placeholder's key, which no contract value uses.
  const key = fc.string().filter((text) => text !== '$bytes');
  const withBytes = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.uint8Array(), fc.array(tie('node')), fc.dictionary(key, tie('node'))),
  })).node;
  fc.assert(
    fc.property(withBytes, (value) => {
      const pieces = encodeFrame(value);
      expect(decodeFrame(join(pieces))).toEqual(asJsonSends(value));
      expect(pieces.slice(1).every((part) => part instanceof Uint8Array)).toBe(true);
    }),
  );
});

test('a page crosses as its own bytes: the frame is the JSON plus the page, not base64', () => {
  const page = new Uint8Array(300_000).fill(7);
  const pieces = encodeFrame({ input: { uuid: 'u', name: 'Hồ sơ chứng thực', bytes: page } });
  expect(pieces[1]).toBe(page);
  expect(join(pieces).byteLength).toBeLessThan(page.byteLength + 200);
  const decoded = decodeFrame(join(pieces)) as { input: { name: string; bytes: Uint8Array } };
  expect(decoded.input.name).toBe('Hồ sơ chứng thực');
  expect(Buffer.from(decoded.input.bytes).equals(page)).toBe(true);
  // A copy, not a view into the frame: stored in IndexedDB, a view would take the whole frame with it.
  expect(decoded.input.bytes.buffer.byteLength).toBe(page.byteLength);
});

test('a Date goes as JSON would send it', () => {
  const at = new Date('2026-11-24T03:00:00.000Z');
  expect(decodeFrame(join(encodeFrame({ at })))).toEqual({ at: at.toISOString() });
});

test.each([
  ['empty', ''],
  ['length past the end', '\0\0\0\x40{}'],
  ['not JSON', '\0\0\0\x02{x'],
  ['not UTF-8', '\0\0\0\x02\xff\xfe'],
  ['no part sizes', '\0\0\0\x0c{"value":1}'],
  ['a negative part size', '\0\0\0\x0f{"parts":[-1]}'],
  ['more bytes than the parts', '\0\0\0\x0c{"parts":[]}x'],
  ['fewer bytes than the parts', '\0\0\0\x0d{"parts":[2]}x'],
  ['a placeholder with no part', '\0\0\0\x21{"parts":[],"value":{"$bytes":0}}'],
])('%s is refused with FrameError', (_name, frame) => {
  expect(() => decodeFrame(Buffer.from(frame, 'latin1'))).toThrow(FrameError);
});
