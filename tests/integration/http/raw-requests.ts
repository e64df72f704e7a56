// Raw HTTP over node:net for tests that send what no HTTP client would: the bytes go out as given, and the
// answer's status line (if any) comes back once the server closes or answers.
import { connect } from 'node:net';

export interface RawAnswer {
  /** The status of the first response, or null when the server closed without answering. */
  status: number | null;
  text: string;
}

/** Sends `bytes`, half-closes, and collects everything until the server closes the connection. */
export function sendRaw(port: number, bytes: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const finish = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text });
    };
    socket.on('close', finish);
    // A reset after the answer (the server closing on unread input) still leaves the answer to read.
    socket.on('error', () => undefined);
    socket.on('connect', () => socket.end(bytes));
  });
}

/** A request with the usual framing; `extra` header lines are added as given. */
export function request(method: string, target: string, headers: string[] = ['Host: 127.0.0.1'], body = ''): string {
  return `${method} ${target} HTTP/1.1\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`;
}
