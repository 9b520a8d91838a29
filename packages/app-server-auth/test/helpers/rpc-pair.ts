import { PassThrough } from 'node:stream';
import { JsonRpcConnection } from '../../src/json-rpc.js';

/** One JSON-RPC connection per side, joined by two in-memory pipes. */
export interface RpcPair {
  /** The streams the client side (the bridge) uses, shaped like a child process. */
  clientStreams: { stdin: PassThrough; stdout: PassThrough };
  /** The stand-in app-server side. */
  server: JsonRpcConnection;
  /** Every raw line the client wrote, for checks on the wire form. */
  clientLines: string[];
}

/** A pair of connected JSON-RPC peers over two PassThrough streams. */
export function rpcPair(): RpcPair {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const clientLines: string[] = [];
  toServer.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) clientLines.push(line);
  });
  const server = new JsonRpcConnection(toServer, toClient);
  return { clientStreams: { stdin: toServer, stdout: toClient }, server, clientLines };
}

/** Resolves with the next value `subscribe` delivers. */
export function next<T>(subscribe: (listener: (value: T) => void) => () => void): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((value) => {
      off();
      resolve(value);
    });
  });
}
