/**
 * The hostile uploads of issue 13, through the real download and normalise code, in this process:
 * how much the resident memory grows while they are refused (peak while running, and what stays after
 * a GC). The test suite only asserts a bound; this prints the figure.
 *
 * Inputs, made here: a PNG declaring 30000×30000 (about 1 KB), a 1,000-frame GIF of noise, a truncated
 * JPEG, a text file named .png, an SVG, and a 9 MB body served with no declared size (read until 8 MB).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, crc32 } from 'node:zlib';
import { downloadAttachment, hostRules } from '../decks/download.ts';
import { normalisePicture } from '../decks/normalise.ts';
import { loadSharp } from '../images/load-sharp.ts';

const MB = 1024 * 1024;

/** A real PNG whose header claims `side`×`side` while holding a few rows: a decompression bomb's calling card (the deck tests use it too). */
export function pngDeclaring(side: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const idat = deflateSync(Buffer.alloc(side + 1));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

async function inputs(): Promise<Uint8Array[]> {
  const sharp = await loadSharp();
  const n = 1000;
  const tall = Buffer.alloc(8 * 8 * n * 3);
  let x = 1;
  for (let i = 0; i < tall.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    tall[i] = x >>> 24;
  }
  const gif = await sharp(tall, { raw: { width: 8, height: 8 * n, channels: 3, pageHeight: 8 } }).gif({ effort: 1 }).toBuffer();
  const jpg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#369' } }).jpeg().toBuffer();
  return [
    pngDeclaring(30000),
    gif,
    jpg.subarray(0, jpg.length >> 1),
    new TextEncoder().encode('not a picture\n'.repeat(50)),
    new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><image href="http://169.254.169.254/"/></svg>'),
  ];
}

export async function benchHostileUploads(rounds = 5): Promise<Record<string, number>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const pictures = await inputs();
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    const chunk = Buffer.alloc(MB, 7);
    for (let i = 0; i < 9; i++) res.write(chunk);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  let refused = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      for (const p of pictures) {
        await normalisePicture(p).then(
          () => undefined,
          () => refused++,
        );
      }
      await downloadAttachment({ url: `http://${host}/big.png`, name: 'big.png' }, { hosts: hostRules(host, []) }).then(
        () => undefined,
        () => refused++,
      );
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  } finally {
    clearInterval(sampler);
    server.close();
  }
  gc?.();
  const after = process.memoryUsage().rss;
  return {
    'hostile-uploads-refused': refused,
    'hostile-rss-peak-growth-mb': Math.round(((peak - before) / MB) * 10) / 10,
    'hostile-rss-after-gc-growth-mb': Math.round(((after - before) / MB) * 10) / 10,
  };
}
