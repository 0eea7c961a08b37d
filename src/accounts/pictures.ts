/**
 * The pictures of the picture login. Each is an emoji with a Dutch and an
 * English name, so no image files are needed and a printed card can show it.
 */
import { createHmac, randomInt } from 'node:crypto';

export interface Picture {
  id: string;
  emoji: string;
  nl: string;
  en: string;
}

const LIST: [string, string, string, string][] = [
  ['dog', '🐶', 'hond', 'dog'],
  ['cat', '🐱', 'kat', 'cat'],
  ['mouse', '🐭', 'muis', 'mouse'],
  ['rabbit', '🐰', 'konijn', 'rabbit'],
  ['fox', '🦊', 'vos', 'fox'],
  ['bear', '🐻', 'beer', 'bear'],
  ['panda', '🐼', 'panda', 'panda'],
  ['frog', '🐸', 'kikker', 'frog'],
  ['monkey', '🐵', 'aap', 'monkey'],
  ['chick', '🐤', 'kuiken', 'chick'],
  ['penguin', '🐧', 'pinguïn', 'penguin'],
  ['turtle', '🐢', 'schildpad', 'turtle'],
  ['fish', '🐟', 'vis', 'fish'],
  ['butterfly', '🦋', 'vlinder', 'butterfly'],
  ['ladybird', '🐞', 'lieveheersbeestje', 'ladybird'],
  ['lion', '🦁', 'leeuw', 'lion'],
  ['elephant', '🐘', 'olifant', 'elephant'],
  ['giraffe', '🦒', 'giraf', 'giraffe'],
  ['horse', '🐴', 'paard', 'horse'],
  ['cow', '🐮', 'koe', 'cow'],
  ['pig', '🐷', 'varken', 'pig'],
  ['owl', '🦉', 'uil', 'owl'],
  ['snail', '🐌', 'slak', 'snail'],
  ['whale', '🐳', 'walvis', 'whale'],
  ['apple', '🍎', 'appel', 'apple'],
  ['banana', '🍌', 'banaan', 'banana'],
  ['strawberry', '🍓', 'aardbei', 'strawberry'],
  ['cherries', '🍒', 'kersen', 'cherries'],
  ['carrot', '🥕', 'wortel', 'carrot'],
  ['sunflower', '🌻', 'zonnebloem', 'sunflower'],
  ['tree', '🌳', 'boom', 'tree'],
  ['star', '⭐', 'ster', 'star'],
  ['moon', '🌙', 'maan', 'moon'],
  ['rainbow', '🌈', 'regenboog', 'rainbow'],
  ['car', '🚗', 'auto', 'car'],
  ['train', '🚂', 'trein', 'train'],
  ['rocket', '🚀', 'raket', 'rocket'],
  ['boat', '⛵', 'boot', 'boat'],
  ['bicycle', '🚲', 'fiets', 'bicycle'],
  ['ball', '⚽', 'bal', 'ball'],
  ['balloon', '🎈', 'ballon', 'balloon'],
  ['house', '🏠', 'huis', 'house'],
  ['present', '🎁', 'cadeau', 'present'],
  ['bell', '🔔', 'bel', 'bell'],
  ['guitar', '🎸', 'gitaar', 'guitar'],
  ['drum', '🥁', 'trommel', 'drum'],
  ['umbrella', '☂️', 'paraplu', 'umbrella'],
  ['crown', '👑', 'kroon', 'crown'],
];

export const PICTURES: readonly Picture[] = LIST.map(([id, emoji, nl, en]) => ({
  id,
  emoji,
  nl,
  en,
}));

const BY_ID = new Map(PICTURES.map((picture) => [picture.id, picture]));

/** How many pictures the child chooses from. */
export const GRID_SIZE = 9;

export function pictureById(id: string): Picture | undefined {
  return BY_ID.get(id);
}

export function randomPicture(): Picture {
  return PICTURES[randomInt(PICTURES.length)] as Picture;
}

/**
 * The grid one pupil chooses from: the secret picture and eight others. The
 * same nine every time, in the same order: with fresh decoys on each visit
 * the one picture that never changes would give the secret away.
 */
export function gridFor(key: Uint8Array, pupilId: string, secret: string): Picture[] {
  const rank = (picture: Picture) =>
    createHmac('sha256', key).update(`grid:${pupilId}:${picture.id}`).digest('hex');
  const others = PICTURES.filter((picture) => picture.id !== secret)
    .map((picture) => ({ picture, order: rank(picture) }))
    .sort((a, b) => a.order.localeCompare(b.order))
    .slice(0, GRID_SIZE - 1)
    .map(({ picture }) => picture);

  const own = pictureById(secret);
  const chosen = own ? [...others, own] : others;
  return chosen
    .map((picture) => ({ picture, order: rank(picture) }))
    .sort((a, b) => a.order.localeCompare(b.order))
    .map(({ picture }) => picture);
}
