// omggif ships no types; only the writer is used (src/images/motion.ts).
declare module 'omggif' {
  export interface GifFrameOptions {
    /** 0xRRGGBB entries, a power of two from 2 to 256 long. */
    palette?: number[];
    /** Hundredths of a second. */
    delay?: number;
    /** 0 unspecified, 1 keep, 2 restore to background, 3 restore to previous. */
    disposal?: number;
    transparent?: number;
  }
  export class GifWriter {
    constructor(buf: Uint8Array, width: number, height: number, opts?: { palette?: number[]; loop?: number; background?: number });
    addFrame(x: number, y: number, w: number, h: number, indexed: Uint8Array, opts?: GifFrameOptions): number;
    end(): number;
  }
  const omggif: { GifWriter: typeof GifWriter };
  export default omggif;
}
