/**
 * Pictures for the deck tests, made with sharp at run time (good ones and hostile ones), and a small
 * file server on 127.0.0.1 that serves them the way a platform's CDN would, or misbehaves on purpose.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { AttachmentRef } from '../../src/core/commands/define.ts';
export { pngDeclaring } from '../../src/bench/uploads.ts';

/** A photo-like picture: a gradient with a disc, `w`×`h`, as PNG. */
export async function goodPng(w = 300, h = 200, hue = 0): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g"><stop offset="0" stop-color="hsl(${hue},80%,40%)"/><stop offset="1" stop-color="hsl(${hue + 120},80%,60%)"/></linearGradient></defs><rect width="${w}" height="${h}" fill="url(#g)"/><circle cx="${w / 2}" cy="${h / 2}" r="${Math.min(w, h) / 3}" fill="#fff"/></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

/** A JPEG cut in half. */
export async function truncatedJpeg(): Promise<Uint8Array> {
  const jpg = await sharp(await goodPng(400, 300)).jpeg({ quality: 90 }).toBuffer();
  return new Uint8Array(jpg.subarray(0, Math.floor(jpg.length / 2)));
}

/** An animated GIF of `n` frames of noise (noise, so the encoder cannot merge them). */
export async function animatedGif(n: number, w = 8, h = 8): Promise<Uint8Array> {
  const tall = Buffer.alloc(w * h * n * 3);
  let x = 1;
  for (let i = 0; i < tall.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    tall[i] = x >>> 24;
  }
  return new Uint8Array(await sharp(tall, { raw: { width: w, height: h * n, channels: 3, pageHeight: h } }).gif({ effort: 1 }).toBuffer());
}

export const svgWithHref = new TextEncoder().encode(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image xlink:href="http://169.254.169.254/latest/meta-data" width="10" height="10"/></svg>',
);

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A file server on 127.0.0.1: `serve(path, bytes)` or a custom route. */
export class FileServer {
  private readonly routes = new Map<string, Route>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FileServer> {
    let self: FileServer | undefined;
    const server = createServer((req, res) => {
      const route = self?.routes.get(req.url ?? '');
      if (!route) {
        res.statusCode = 404;
        res.end();
        return;
      }
      route(req, res);
    });
    self = new FileServer(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return self;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  url(path: string): string {
    return `http://${this.host}${path}`;
  }

  route(path: string, r: Route): void {
    this.routes.set(path, r);
  }

  serve(path: string, bytes: Uint8Array, type = 'image/png'): void {
    this.route(path, (_req, res) => {
      res.writeHead(200, { 'content-type': type, 'content-length': bytes.byteLength });
      res.end(Buffer.from(bytes));
    });
  }

  /** An attachment as a platform would declare it (name, size, type) for a served path. */
  ref(path: string, bytes: Uint8Array | null, over: Partial<AttachmentRef> = {}): AttachmentRef {
    return { url: this.url(path), name: path.slice(1), ...(bytes ? { size: bytes.byteLength } : {}), contentType: 'image/png', ...over };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** An animated GIF of a disc moving left to right, `frames` frames of `side`×`side`: a small motion item. */
export async function movingDiscGif(frames = 4, side = 64): Promise<Uint8Array> {
  const pages = await Promise.all(
    Array.from({ length: frames }, (_, k) => {
      const cx = Math.round(side * (0.2 + (0.6 * k) / (frames - 1)));
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}"><rect width="${side}" height="${side}" fill="#1d3557"/><circle cx="${cx}" cy="${side / 2}" r="${side / 6}" fill="#f1c40f"/></svg>`;
      return sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
    }),
  );
  return new Uint8Array(
    await sharp(Buffer.concat(pages), { raw: { width: side, height: side * frames, channels: 3, pageHeight: side } })
      .gif({ delay: pages.map(() => 100), loop: 0 })
      .toBuffer(),
  );
}
