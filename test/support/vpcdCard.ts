import { connect, type Socket } from 'node:net';
import type { Transmit } from '../../shared/icao9303/apdu';

/**
 * A card on vsmartcard's virtual reader (vpcd), played by any `Transmit`, so that the PC/SC driver
 * is tested through the real pcscd. The protocol (vsmartcard, virtualsmartcard/src/vpcd/vpcd.c):
 * the card connects to vpcd's TCP port (35963 for "Virtual PCD 00 00", 35964 for "… 00 01", from
 * CHANNELID in /etc/reader.conf.d/vpcd); every message, either way, is a 2-byte big-endian length
 * and its payload. A 1-byte message from vpcd is a control: 0x00 power off, 0x01 power on,
 * 0x02 reset, 0x04 "send your ATR", and only the last is answered. Anything longer is a command
 * APDU, answered with the response APDU.
 *
 * Connecting is putting the card on the reader, disconnecting is taking it off: pcscd asks for the
 * ATR every 400 ms or so and notices either within one poll.
 */

export const VPCD_PORT = 35963;

const CONTROL = { powerOff: 0x00, powerOn: 0x01, reset: 0x02, atr: 0x04 } as const;

/** A contactless card's ATR as PC/SC Part 3 builds it: 3B 8n 80 01, n historical bytes, TCK (XOR of T0…). */
export function contactlessAtr(historical: Uint8Array): Uint8Array {
  const body = Uint8Array.of(0x80 | historical.length, 0x80, 0x01, ...historical);
  return Uint8Array.of(0x3b, ...body, body.reduce((check, byte) => check ^ byte, 0));
}

/** Type B's 8 historical bytes (ATQB application data, protocol info, MBLI), zero here. */
export const DEFAULT_ATR = contactlessAtr(new Uint8Array(8));

export interface VpcdCardOptions {
  /** Makes the chip afresh on insertion, power-up and reset, as a real chip forgets its session. */
  chip: () => Transmit;
  port?: number;
  atr?: Uint8Array;
  /** Sees each command APDU before the chip does; a test may `remove()` the card here, mid-command. */
  onCommand?: (command: Uint8Array, index: number) => void;
}

export interface VpcdCard {
  /** Puts the card on the reader; resolves once vpcd's port took the connection. */
  insert(): Promise<void>;
  /** Takes the card off: the command in flight, if any, gets no answer. */
  remove(): void;
  readonly inserted: boolean;
  /** Every command APDU received, answered or not. */
  readonly commands: Uint8Array[];
}

const frame = (payload: Uint8Array) => Buffer.concat([Buffer.of(payload.length >> 8, payload.length & 0xff), payload]);

export function createVpcdCard(options: VpcdCardOptions): VpcdCard {
  const atr = options.atr ?? DEFAULT_ATR;
  const commands: Uint8Array[] = [];
  let socket: Socket | null = null;

  function serve(current: Socket) {
    let chip = options.chip();
    let pending = Buffer.alloc(0);
    // Messages are handled one after another: vpcd waits for each answer, and a control may follow at once.
    let queue = Promise.resolve();
    const answer = (payload: Uint8Array) => {
      if (socket === current && !current.destroyed) current.write(frame(payload));
    };

    async function handle(message: Buffer) {
      if (message.length === 1) {
        const control = message[0];
        if (control === CONTROL.atr) answer(atr);
        else if (control === CONTROL.powerOn || control === CONTROL.reset) chip = options.chip();
        return;
      }
      const command = new Uint8Array(message);
      commands.push(command);
      options.onCommand?.(command, commands.length - 1);
      if (socket !== current) return;
      answer(await chip(command));
    }

    current.on('data', (data) => {
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        queue = queue.then(() => handle(message));
      }
    });
  }

  return {
    insert() {
      if (socket) return Promise.reject(new Error('The card is already on the reader'));
      return new Promise((resolve, reject) => {
        const current = connect(options.port ?? VPCD_PORT, '127.0.0.1');
        socket = current;
        current.once('connect', () => {
          serve(current);
          resolve();
        });
        // ECONNREFUSED before the connection (pcscd not running); resets after it, when pcscd stops.
        current.on('error', (error) => reject(error));
        current.on('close', () => {
          if (socket === current) socket = null;
        });
      });
    },
    remove() {
      socket?.destroy();
      socket = null;
    },
    get inserted() {
      return socket !== null;
    },
    commands,
  };
}
