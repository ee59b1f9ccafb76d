/**
 * An HTTP server on loopback that stands in for a notification endpoint (PagerDuty's Events API,
 * a Slack incoming webhook, the ticket webhook) and records every request it gets, with the time
 * it arrived. Always answers 200 (PagerDuty's API answers 202; Alertmanager accepts any 2xx).
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface Received {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly body: string;
  /** The body parsed as JSON, when it is JSON. */
  readonly json?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RecordingReceiver {
  readonly name: string;
  readonly url: string;
  received(): Received[];
  stop(): Promise<void>;
}

export async function startRecordingReceiver(name: string): Promise<RecordingReceiver> {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      got.push({ at: Date.now(), method: req.method ?? '', path: req.url ?? '', body, json });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"success"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    received: () => [...got],
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
