import { PassThrough } from 'node:stream';
import { ErrorCodes } from '@codex-oauth/core';
import { describe, expect, it } from 'vitest';
import { JsonRpcConnection } from '../src/json-rpc.js';
import { JsonRpcError } from '../src/json-rpc-error.js';
import { next, rpcPair } from './helpers/rpc-pair.js';

/** A client connection whose peer is driven by hand, line by line. */
function rawPeer() {
  const fromPeer = new PassThrough();
  const toPeer = new PassThrough();
  const written: Record<string, unknown>[] = [];
  const wrote = new Promise<void>((resolve) => {
    toPeer.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) written.push(JSON.parse(line));
      resolve();
    });
  });
  const client = new JsonRpcConnection(fromPeer, toPeer, { requestTimeoutMs: 50 });
  return { client, written, wrote, say: (line: string) => fromPeer.write(`${line}\n`), fromPeer };
}

describe('JsonRpcConnection', () => {
  it('takes messages without "jsonrpc", as Codex 0.169 sends them, and skips non-JSON lines', async () => {
    const peer = rawPeer();
    const answer = peer.client.request('account/read', {}, { timeoutMs: 5000 });
    peer.say('WARNING: not json');
    peer.say('{"id":1,"result":{"account":null}}');
    expect(await answer).toEqual({ account: null });
  });

  it('answers an unknown server request with -32601', async () => {
    const peer = rawPeer();
    peer.say('{"id":0,"method":"item/tool/requestUserInput","params":{}}');
    await peer.wrote;
    expect(peer.written[0]).toMatchObject({ jsonrpc: '2.0', id: 0, error: { code: -32601 } });
  });

  it('delivers notifications to named and "*" listeners', async () => {
    const { server, clientStreams } = rpcPair();
    const client = new JsonRpcConnection(clientStreams.stdout, clientStreams.stdin);
    const named = next<unknown>((l) => client.onNotification('account/updated', l));
    const any = next<unknown>((l) => client.onNotification('*', (_p, method) => l(method)));
    server.notify('account/updated', { authMode: 'chatgptAuthTokens', planType: 'pro' });
    expect(await named).toEqual({ authMode: 'chatgptAuthTokens', planType: 'pro' });
    expect(await any).toBe('account/updated');
  });

  it('rejects an error answer with JsonRpcError', async () => {
    const peer = rawPeer();
    const answer = peer.client.request('x', undefined, { timeoutMs: 5000 });
    peer.say('{"id":1,"error":{"code":-32603,"message":"workspace routing discovery failed"}}');
    await expect(answer).rejects.toEqual(
      new JsonRpcError(-32603, 'workspace routing discovery failed'),
    );
  });

  it('rejects with REQUEST_TIMEOUT when no answer comes', async () => {
    const peer = rawPeer();
    await expect(peer.client.request('account/read')).rejects.toMatchObject({
      code: ErrorCodes.REQUEST_TIMEOUT,
    });
  });

  it('rejects pending requests with NETWORK_ERROR when the peer closes', async () => {
    const peer = rawPeer();
    const answer = peer.client.request('account/read', undefined, { timeoutMs: 5000 });
    peer.fromPeer.end();
    await expect(answer).rejects.toMatchObject({ code: ErrorCodes.NETWORK_ERROR });
    expect(peer.client.closed).toBe(true);
  });
});
