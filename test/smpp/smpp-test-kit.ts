import { connect, createServer, type Server, type Socket } from 'node:net';
import type { CommandName } from '../../src/smpp/command-ids.js';
import { createPdu, type Pdu, type PduInit } from '../../src/smpp/pdu.js';
import { decodePdu, encodePdu } from '../../src/smpp/pdu-codec.js';
import { PduFramer } from '../../src/smpp/pdu-framer.js';

/**
 * Helpers for SMPP tests over real sockets: a hand-driven peer (raw TCP, our codec only, no session
 * logic) for behaviour a well-behaved peer never shows, and polling without timing assertions.
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitUntil<T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** One end of a raw SMPP connection: what arrived (decoded) and how to write by hand. */
export class RawConnection {
  /** Every PDU received, in order. */
  readonly received: Pdu[] = [];
  closed = false;
  readonly errors: Error[] = [];
  private readonly framer = new PduFramer();
  private handler: ((pdu: Pdu, connection: RawConnection) => void) | undefined;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.framer.push(chunk);
      try {
        for (let frame = this.framer.next(); frame; frame = this.framer.next()) {
          const pdu = decodePdu(Buffer.from(frame));
          this.received.push(pdu);
          this.handler?.(pdu, this);
        }
      } catch (error) {
        this.errors.push(error as Error);
      }
    });
    socket.on('error', (error) => this.errors.push(error));
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Handles each PDU as it arrives (after it is added to `received`). */
  onPdu(handler: (pdu: Pdu, connection: RawConnection) => void): void {
    this.handler = handler;
  }

  send<C extends CommandName>(command: C, init: PduInit<C> = {}): void {
    this.socket.write(encodePdu(createPdu(command, init) as Pdu));
  }

  /** Answers `request` with `command` (same sequence number). */
  reply<C extends CommandName>(request: Pdu, command: C, init: PduInit<C> = {}): void {
    this.send(command, { ...init, sequenceNumber: request.sequenceNumber } as PduInit<C>);
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The received PDUs of `command`. */
  all(command: CommandName): Pdu[] {
    return this.received.filter((pdu) => pdu.command === command);
  }

  waitFor(command: CommandName, count = 1, timeoutMs = 5000): Promise<Pdu[]> {
    return waitUntil(
      () => {
        const found = this.all(command);
        return found.length >= count ? found : undefined;
      },
      `${count} × ${command}`,
      timeoutMs,
    );
  }

  waitClosed(timeoutMs = 5000): Promise<true> {
    return waitUntil(() => this.closed, 'the connection to close', timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Connects a raw client to `port`. */
export async function connectRaw(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  const connection = new RawConnection(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return connection;
}

/** A raw TCP server: each connection is handed to `onConnection` as a RawConnection. */
export class RawServer {
  readonly connections: RawConnection[] = [];
  port = 0;
  private readonly server: Server;

  private constructor(onConnection: (connection: RawConnection) => void) {
    this.server = createServer((socket) => {
      const connection = new RawConnection(socket);
      this.connections.push(connection);
      onConnection(connection);
    });
  }

  static async start(onConnection: (connection: RawConnection) => void): Promise<RawServer> {
    const raw = new RawServer(onConnection);
    await new Promise<void>((resolve) => raw.server.listen(0, '127.0.0.1', resolve));
    const address = raw.server.address();
    raw.port = typeof address === 'object' && address ? address.port : 0;
    return raw;
  }

  /** Destroys every connection and stops listening. */
  async close(): Promise<void> {
    for (const connection of this.connections) connection.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers any bind with ESME_ROK (and nothing else): the start of most raw-server scripts. */
export function acceptBinds(pdu: Pdu, connection: RawConnection): boolean {
  if (
    pdu.command === 'bind_transmitter' ||
    pdu.command === 'bind_receiver' ||
    pdu.command === 'bind_transceiver'
  ) {
    connection.reply(pdu, `${pdu.command}_resp`, { system_id: 'raw' });
    return true;
  }
  return false;
}
