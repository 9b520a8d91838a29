import { connect, type Socket } from 'node:net';

/**
 * Just enough of the D-Bus wire protocol (little-endian, method calls with string, object-path
 * and string-dictionary arguments) for the one thing the keyring binding cannot do: set the
 * attributes of a Secret Service item. Not a general D-Bus client.
 */

type Arg =
  | { s: string }
  | { o: string }
  | { dict: Record<string, string> }
  | { vdict: Record<string, string> };

class Writer {
  private parts: Buffer[] = [];
  length = 0;
  private push(buffer: Buffer): void {
    this.parts.push(buffer);
    this.length += buffer.length;
  }
  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    if (pad) this.push(Buffer.alloc(pad));
  }
  byte(value: number): void {
    this.push(Buffer.from([value]));
  }
  u32(value: number): void {
    this.align(4);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u32(bytes.length);
    this.push(Buffer.concat([bytes, Buffer.alloc(1)]));
  }
  signature(value: string): void {
    this.byte(value.length);
    this.push(Buffer.from(`${value}\0`, 'ascii'));
  }
  /** An array whose elements align to `elementAlign`; `body` writes them. */
  array(elementAlign: number, body: () => void): void {
    this.u32(0);
    const at = this.length - 4;
    this.align(elementAlign);
    const start = this.length;
    body();
    const size = this.length - start;
    const all = Buffer.concat(this.parts);
    all.writeUInt32LE(size, at);
    this.parts = [all];
  }
  dict(entries: Record<string, string>): void {
    this.array(8, () => {
      for (const [key, value] of Object.entries(entries)) {
        this.align(8);
        this.string(key);
        this.string(value);
      }
    });
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** A method call: destination, path, interface, member, arguments. */
interface Call {
  destination: string;
  path: string;
  interface: string;
  member: string;
  args?: Arg[];
}

function signatureOf(args: Arg[]): string {
  return args.map((a) => ('s' in a ? 's' : 'o' in a ? 'o' : 'dict' in a ? 'a{ss}' : 'v')).join('');
}

function encodeCall(call: Call, serial: number): Buffer {
  const args = call.args ?? [];
  const body = new Writer();
  for (const arg of args) {
    if ('s' in arg) body.string(arg.s);
    else if ('o' in arg) body.string(arg.o);
    else if ('dict' in arg) body.dict(arg.dict);
    else {
      body.signature('a{ss}');
      body.dict(arg.vdict);
    }
  }
  const bodyBytes = body.toBuffer();
  const head = new Writer();
  for (const c of ['l', 1, 0, 1] as const) head.byte(typeof c === 'string' ? c.charCodeAt(0) : c);
  head.u32(bodyBytes.length);
  head.u32(serial);
  const fields: [number, string, string][] = [
    [1, 'o', call.path],
    [2, 's', call.interface],
    [3, 's', call.member],
    [6, 's', call.destination],
  ];
  const signature = signatureOf(args);
  head.array(8, () => {
    for (const [code, type, value] of fields) {
      head.align(8);
      head.byte(code);
      head.signature(type);
      head.string(value);
    }
    if (signature) {
      head.align(8);
      head.byte(8);
      head.signature('g');
      head.signature(signature);
    }
  });
  head.align(8);
  return Buffer.concat([head.toBuffer(), bodyBytes]);
}

/** One decoded message: its type, reply serial, error name, and raw body with its signature. */
interface Message {
  type: number;
  replySerial?: number;
  errorName?: string;
  signature: string;
  body: Buffer;
}

/** Decodes one message from `buffer` if it holds a whole one: `[message, bytes used]`. */
function decode(buffer: Buffer): [Message, number] | undefined {
  if (buffer.length < 16) return undefined;
  if (buffer[0] !== 0x6c) throw new Error('only little-endian D-Bus messages are understood');
  const bodyLength = buffer.readUInt32LE(4);
  const fieldsLength = buffer.readUInt32LE(12);
  const headerEnd = 16 + fieldsLength;
  const bodyStart = headerEnd + ((8 - (headerEnd % 8)) % 8);
  if (buffer.length < bodyStart + bodyLength) return undefined;
  const message: Message = { type: buffer[1] ?? 0, signature: '', body: Buffer.alloc(0) };
  let at = 16;
  while (at < headerEnd) {
    at += (8 - (at % 8)) % 8;
    const code = buffer[at] ?? 0;
    const sigLength = buffer[at + 1] ?? 0;
    const type = buffer.toString('ascii', at + 2, at + 2 + sigLength);
    at += 3 + sigLength;
    if (type === 'u') {
      at += (4 - (at % 4)) % 4;
      if (code === 5) message.replySerial = buffer.readUInt32LE(at);
      at += 4;
    } else if (type === 'g') {
      const length = buffer[at] ?? 0;
      if (code === 8) message.signature = buffer.toString('ascii', at + 1, at + 1 + length);
      at += 2 + length;
    } else {
      at += (4 - (at % 4)) % 4;
      const length = buffer.readUInt32LE(at);
      if (code === 4) message.errorName = buffer.toString('utf8', at + 4, at + 4 + length);
      at += 5 + length;
    }
  }
  message.body = buffer.subarray(bodyStart, bodyStart + bodyLength);
  return [message, bodyStart + bodyLength];
}

/** The object paths of an `ao` at `offset` of `body`, and where it ends. */
export function readObjectPaths(body: Buffer, offset = 0): [string[], number] {
  let at = offset + ((4 - (offset % 4)) % 4);
  const size = body.readUInt32LE(at);
  at += 4;
  const end = at + size;
  const paths: string[] = [];
  while (at < end) {
    at += (4 - (at % 4)) % 4;
    const length = body.readUInt32LE(at);
    paths.push(body.toString('utf8', at + 4, at + 4 + length));
    at += 5 + length;
  }
  return [paths, end];
}

/** A connection to a bus at socket `path`: `call()` sends and awaits the reply; `close()`. */
export interface BusConnection {
  call(call: Call): Promise<Message>;
  close(): void;
}

/** Connects, authenticates (EXTERNAL) and says Hello, within `timeoutMs`. */
export function openBus(path: string, timeoutMs: number): Promise<BusConnection> {
  const socket: Socket = connect({ path });
  let serial = 0;
  let pending = Buffer.alloc(0);
  const waiting = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  const fail = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
    socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (let next = decode(pending); next; next = decode(pending)) {
      const [message, used] = next;
      pending = pending.subarray(used);
      const w = message.replySerial === undefined ? undefined : waiting.get(message.replySerial);
      if (!w || message.replySerial === undefined) continue;
      waiting.delete(message.replySerial);
      if (message.type === 3) w.reject(new Error(message.errorName ?? 'D-Bus error'));
      else w.resolve(message);
    }
  };
  const connection: BusConnection = {
    call(call) {
      serial += 1;
      const id = serial;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        socket.write(encodeCall(call, id));
      });
    },
    close: () => socket.destroy(),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`the D-Bus session bus did not answer within ${timeoutMs} ms`));
      reject(new Error('timeout'));
    }, timeoutMs);
    // `on`, not `once`: a later error (the daemon going away mid-call) must fail the calls, not
    // become an unhandled 'error' event.
    socket.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
      reject(error);
    });
    socket.once('connect', () => {
      const uid = String(process.getuid?.() ?? 0);
      socket.write(`\0AUTH EXTERNAL ${Buffer.from(uid).toString('hex')}\r\n`);
    });
    let line = '';
    const onAuth = (chunk: Buffer) => {
      line += chunk.toString('latin1');
      if (!line.includes('\r\n')) return;
      socket.off('data', onAuth);
      if (!line.startsWith('OK ')) {
        clearTimeout(timer);
        fail(new Error('AUTH EXTERNAL was rejected'));
        reject(new Error('AUTH EXTERNAL was rejected'));
        return;
      }
      socket.write('BEGIN\r\n');
      socket.on('data', onData);
      connection
        .call({
          destination: 'org.freedesktop.DBus',
          path: '/org/freedesktop/DBus',
          interface: 'org.freedesktop.DBus',
          member: 'Hello',
        })
        .then(
          () => {
            clearTimeout(timer);
            resolve(connection);
          },
          (error: Error) => {
            clearTimeout(timer);
            reject(error);
          },
        );
    };
    socket.on('data', onAuth);
  });
}
