import { z } from 'zod';

/** One picture of a deck. Answers are canonical names; aliases are other accepted names. */
export const DeckItemSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  /**
   * The picture: a path relative to the deck folder (`mona-lisa.jpg`, must stay inside it), or
   * `npm:<package>/<file>` for a file of an installed npm package (`npm:svg-country-flags/svg/fr.svg`),
   * resolved by src/images/decks.ts with createRequire(import.meta.url).resolve('<package>/<file>').
   */
  image: z.string().min(1),
  /**
   * A motion item's frames, 2-8 pictures of one size, played in this order and looped; the round
   * then asks what is happening. `image` stays the item's still (its first frame, for the recap).
   */
  frames: z.array(z.string().min(1)).min(2).max(8).optional(),
  answers: z.object({
    en: z.string().min(1),
    zh: z.string().min(1),
  }),
  aliases: z.array(z.string().min(1)).default([]),
  category: z.object({ en: z.string().min(1), zh: z.string().min(1) }),
  famous: z.boolean(),
  credit: z.string().min(1),
  licence: z.string().min(1),
  /** Optional focus point for the square crop, as fractions of width and height (0..1). */
  focus: z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }).optional(),
});

export const DeckSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.object({ en: z.string().min(1), zh: z.string().min(1) }),
  description: z.object({ en: z.string().min(1), zh: z.string().min(1) }),
  items: z.array(DeckItemSchema).min(1),
});

export type DeckItem = z.infer<typeof DeckItemSchema>;
export type DeckFile = z.infer<typeof DeckSchema>;

/** A loaded deck: the validated file plus where its pictures live. */
export interface Deck extends DeckFile {
  dir: string;
}
