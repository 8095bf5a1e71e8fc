/**
 * How updates travel between the server and a client. The engine hands every download (global
 * parameters) and upload (an update) to a Transport as bytes and trains on what it delivers, so an
 * encrypted channel (QKD ⊕ post-quantum key → AEAD), a lossy radio or a NATS subject can wrap the
 * same round. The default moves bytes in process and counts them.
 *
 * @example
 * import { InProcessTransport, encodeFloats, decodeFloats } from 'qml6g';
 * const t = new InProcessTransport();
 * const m = await t.send({ direction: 'up', client: 3, round: 1, payload: encodeFloats(Float64Array.of(1, 2)) });
 * decodeFloats(m.delivered); // Float64Array [1, 2]; m.wireBytes === 16
 */
import { QmlError } from '../core/errors.js';

export interface Message { direction: 'down' | 'up'; client: number; round: number; payload: Uint8Array }
export interface Delivery {
  /** The bytes that arrive (decrypted, decoded): what the receiver uses. */
  delivered: Uint8Array;
  /** Bytes on the wire (ciphertext, tags, headers). */
  wireBytes: number;
  /** Set when the channel refused the message (an AEAD failure, a replay, an excluded client): the receiver gets nothing. */
  refused?: string;
}

export interface Transport {
  readonly name: string;
  send(m: Message): Delivery | Promise<Delivery>;
}

export class InProcessTransport implements Transport {
  readonly name = 'in-process';
  send(m: Message): Delivery {
    return { delivered: m.payload, wireBytes: m.payload.byteLength };
  }
}

/** Float64Array → little-endian bytes (a copy). */
export function encodeFloats(v: Float64Array): Uint8Array {
  const out = new Uint8Array(v.length * 8), dv = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) dv.setFloat64(i * 8, v[i], true);
  return out;
}

export function decodeFloats(b: Uint8Array, where = 'message'): Float64Array {
  if (b.byteLength % 8) throw new QmlError(`a parameter message of ${b.byteLength} bytes is not a whole number of float64 values`, where);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength), out = new Float64Array(b.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat64(i * 8, true);
  return out;
}
