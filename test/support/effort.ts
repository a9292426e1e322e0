import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * A technician's time, counted as the kiosk asks it: screens to read, taps, characters to type on
 * the screen's keys, and the waits the kiosk imposes (measured). Figures for a person new to the
 * kiosk: 10 s to read a screen, 2 s a tap, 1.5 s a character on the on-screen keyboard.
 */
export class Effort {
  screens = 0;
  taps = 0;
  characters = 0;
  waitMs = 0;
  constructor(readonly page: Page) {}
  async screen(title: string) {
    await this.page.getByRole('heading', { level: 1, name: title }).waitFor();
    this.screens += 1;
  }
  /** A tap on the control of that role and name, within `scope` (a group of controls) when names repeat. */
  async tap(name: string | RegExp, role: 'button' | 'checkbox' | 'radio' = 'button', scope: Pick<Page, 'getByRole'> = this.page) {
    await scope.getByRole(role, { name, exact: typeof name === 'string' }).click();
    this.taps += 1;
  }
  async type(label: string | RegExp, text: string) {
    await this.page.getByLabel(label).fill(text);
    this.characters += [...text].length;
  }
  async waitFor<T>(work: Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await work;
    this.waitMs += Date.now() - started;
    return result;
  }
  minutes() {
    return (this.screens * 10 + this.taps * 2 + this.characters * 1.5 + this.waitMs / 1000) / 60;
  }
  /** A PIN twice on the wizard's screens; a second entry that differs is refused and the PIN asked again from the start. */
  async pin(name: string, pin: string, again = pin) {
    await this.screen(`Mã PIN cho ${name}`);
    await this.type(`Mã PIN cho ${name}`, pin);
    await this.tap('Tiếp tục');
    await this.screen(`Nhập lại mã PIN cho ${name}`);
    await this.type(`Nhập lại mã PIN cho ${name}`, again);
    await this.tap('Tiếp tục');
    if (again !== pin) {
      await this.screen(`Mã PIN cho ${name}`);
      await expect.poll(() => this.page.getByRole('alert').textContent()).toBe('Hai lần nhập không giống nhau. Vui lòng nhập lại mã PIN.');
    }
  }
}
