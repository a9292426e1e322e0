import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const MIN_TARGET_PX = 48;

export interface ScreenAudit {
  /** axe-core WCAG 2.2 A/AA violations, as `rule: target` lines (quality target A1). */
  violations: string[];
  /** Interactive elements smaller than 48×48 CSS px (quality target A2). */
  smallTargets: string[];
}

/** Audits what is on screen now. axe is evaluated through DevTools, so the page's CSP stays strict. */
export async function auditScreen(page: Page): Promise<ScreenAudit> {
  await page.evaluate(axeSource);
  return page.evaluate(async (min) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    const smallTargets = [...document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], [role="button"]')]
      // Not on screen, not a target: the citizen's screen hidden under the helper's desk.
      .filter((element) => element.checkVisibility())
      // A control inside a label is touched through the whole label.
      .map((element) => ({ element, box: (element.closest('label') ?? element).getBoundingClientRect() }))
      .filter(({ box }) => box.width < min || box.height < min)
      .map(({ element, box }) => `${element.outerHTML.slice(0, 80)} (${box.width}×${box.height})`);
    return {
      violations: result.violations.flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')}`)),
      smallTargets,
    };
  }, MIN_TARGET_PX);
}
