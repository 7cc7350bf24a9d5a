// Whether an SVG output drawn as an <img> (JupyterLab draws image/svg+xml
// so) shows all of its text. The browser draws an SVG image in the <img>'s
// box: scaled to it when the SVG has a viewBox, else at its own size and
// clipped; and the output area shows the <img> up to its own edge. The same SVG is put inline in a box of the <img>'s size, and the
// box the browser gives each <text> (real fonts) must lie inside it.
import type { Locator } from 'playwright-core';

export interface SvgFit {
  drawn: { width: number; height: number }; // the <img>'s box
  natural: { width: number; height: number }; // the image's own size
  viewBox: string | null;
  texts: string[]; // every text, in document order
  outside: string[]; // texts (with their box) not inside the drawn box
  /** The part of the <img> that its output area cuts off (scrolled or hidden), in px. */
  cut: { right: number; bottom: number };
}

export function svgFit(img: Locator): Promise<SvgFit> {
  return img.evaluate((el: Element) => {
    const image = el as HTMLImageElement;
    const src = image.src;
    const source = decodeURIComponent(src.slice(src.indexOf(',') + 1));
    const parsed = new DOMParser().parseFromString(source, 'image/svg+xml').documentElement;
    const svg = document.importNode(parsed, true) as unknown as SVGSVGElement;
    // The output area shows the image up to its own edge.
    const area = image.closest('.jp-OutputArea-output') ?? image.parentElement!;
    const ir = image.getBoundingClientRect();
    const ar = area.getBoundingClientRect();
    const cut = { right: Math.max(0, ir.right - ar.right), bottom: Math.max(0, ir.bottom - ar.bottom) };
    const w = image.clientWidth;
    const h = image.clientHeight;
    const box = document.createElement('div');
    box.style.cssText = `position:fixed;left:0;top:0;width:${w}px;height:${h}px;overflow:hidden;visibility:hidden`;
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
    box.appendChild(svg);
    document.body.appendChild(box);
    try {
      const frame = svg.getBoundingClientRect();
      const texts: string[] = [];
      const outside: string[] = [];
      for (const t of Array.from(svg.querySelectorAll('text'))) {
        const r = t.getBoundingClientRect();
        const s = t.textContent ?? '';
        texts.push(s);
        const eps = 0.5;
        if (r.left < frame.left - eps || r.right > frame.right + eps || r.top < frame.top - eps || r.bottom > frame.bottom + eps) {
          outside.push(`${JSON.stringify(s)} at x ${(r.left - frame.left).toFixed(1)}..${(r.right - frame.left).toFixed(1)} of ${frame.width.toFixed(0)}`);
        }
      }
      return {
        drawn: { width: w, height: h },
        natural: { width: image.naturalWidth, height: image.naturalHeight },
        viewBox: parsed.getAttribute('viewBox'),
        texts,
        outside,
        cut
      };
    } finally {
      box.remove();
    }
  });
}
