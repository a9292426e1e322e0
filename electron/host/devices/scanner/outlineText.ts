import fontkit from '@pdf-lib/fontkit';

type FontkitFont = ReturnType<typeof fontkit.create>;

export interface OutlineFont {
  /** Width of `text` in pixels at `size` pixels per em. */
  width(text: string, size: number): number;
  /** SVG `<path>` elements drawing `text` with its baseline's start at (x, y), in pixels. */
  svg(text: string, x: number, y: number, size: number): string;
}

/**
 * Text drawn as the font's own glyph outlines instead of SVG `<text>`, so the rasteriser needs
 * no system font and a page renders identically on every machine, Vietnamese marks included.
 * fontkit's layout applies the font's GSUB/GPOS, so stacked marks (ấ, ệ, ỗ) sit where the
 * type designer put them.
 */
export function createOutlineFont(bytes: Uint8Array): OutlineFont {
  const font: FontkitFont = fontkit.create(bytes);
  const outlines = new Map<number, string>();
  const outline = (glyph: { id: number; path: { toSVG(): string } }) => {
    let d = outlines.get(glyph.id);
    if (d === undefined) {
      d = glyph.path.toSVG();
      outlines.set(glyph.id, d);
    }
    return d;
  };
  // Text from anywhere may come decomposed (NFD); the font's precomposed glyphs are the better drawing.
  const layout = (text: string) => font.layout(text.normalize('NFC'));

  return {
    width(text, size) {
      return (layout(text).advanceWidth * size) / font.unitsPerEm;
    },
    svg(text, x, y, size) {
      const scale = size / font.unitsPerEm;
      const run = layout(text);
      let penX = x;
      return run.glyphs
        .map((glyph, index) => {
          const position = run.positions[index];
          const d = outline(glyph);
          const left = penX + (position?.xOffset ?? 0) * scale;
          const baseline = y - (position?.yOffset ?? 0) * scale;
          penX += (position?.xAdvance ?? glyph.advanceWidth) * scale;
          // Font units grow upwards, SVG's y downwards: flip at the baseline.
          return d ? `<path transform="translate(${left.toFixed(2)} ${baseline.toFixed(2)}) scale(${scale.toFixed(5)} ${(-scale).toFixed(5)})" d="${d}"/>` : '';
        })
        .join('');
    },
  };
}
