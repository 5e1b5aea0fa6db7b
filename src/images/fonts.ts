/**
 * The pictures' text (chart titles and labels, the leaderboard card) is drawn by librsvg, which
 * finds fonts through fontconfig. A fresh machine, or a slim container, often has no Chinese font
 * and sometimes no font at all: Chinese came out as boxes. The package ships its own font,
 * Emergence Sans (assets/fonts: a subset of Noto Sans Hans, SIL OFL 1.1, Latin and the common
 * hanzi), and a fonts.conf that adds it to the system's configuration.
 *
 * fontconfig reads FONTCONFIG_FILE once, when the first text is laid out, not when sharp loads:
 * every module of src/images that draws imports this one, so it is set before any drawing. An
 * operator's own FONTCONFIG_FILE is kept (it should include assets/fonts/fonts.conf).
 */
import { packagePath } from '../paths.ts';

/** The bundled family; first in every font list, so the pictures look the same on any machine. */
export const FONT_FAMILY = 'Emergence Sans';
/** The font-family attribute for SVG text. */
export const FONT_STACK = `${FONT_FAMILY}, DejaVu Sans, Noto Sans CJK SC, sans-serif`;
export const FONTS_CONF: string = packagePath('assets', 'fonts', 'fonts.conf');

if (!process.env.FONTCONFIG_FILE) process.env.FONTCONFIG_FILE = FONTS_CONF;
