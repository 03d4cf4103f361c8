/**
 * The textbox tool's editor: a <textarea> laid over the canvas where the member clicked, styled
 * as the text will be drawn (font, color, size). Enter, Escape or leaving it (blur) puts the text
 * in the doc; Delete on an empty box, or an empty box, puts nothing. Shift+Enter starts a new line.
 */
import { MAX_TEXT } from './doc';
import { TEXT_STYLE } from './paint';

export interface TextboxPlacement {
  /** Where the text's first line starts, in CSS pixels of the parent's box (as `left`/`top`). */
  left: number;
  top: number;
  /** The font size in CSS pixels (as the canvas will draw it, scaled to the canvas's CSS size). */
  fontPx: number;
  color: string;
}

const BORDER = 1;

export class TextEntry {
  readonly element: HTMLTextAreaElement;
  private done = false;

  constructor(
    parent: HTMLElement,
    placement: TextboxPlacement,
    private readonly onDone: (text: string | null) => void,
  ) {
    const box = document.createElement('textarea');
    box.dataset.boardTextbox = '';
    box.rows = 1;
    box.maxLength = MAX_TEXT;
    box.spellcheck = false;
    box.setAttribute('aria-label', 'text');
    Object.assign(box.style, {
      position: 'absolute',
      // The border sits outside the text, so the text starts exactly at the point clicked.
      left: `${placement.left - BORDER}px`,
      top: `${placement.top - BORDER}px`,
      margin: '0',
      padding: '0',
      border: `${BORDER}px dashed ${placement.color}`,
      outline: 'none',
      background: 'transparent',
      color: placement.color,
      font: `${placement.fontPx}px ${TEXT_STYLE.fontFamily}`,
      lineHeight: String(TEXT_STYLE.lineHeight),
      whiteSpace: 'pre',
      overflow: 'hidden',
      resize: 'none',
      minWidth: `${Math.max(2, placement.fontPx * 2)}px`,
      zIndex: '1',
    } satisfies Partial<CSSStyleDeclaration>);
    box.addEventListener('keydown', (event) => this.key(event));
    box.addEventListener('input', () => this.fit());
    box.addEventListener('blur', () => this.commit());
    this.element = box;
    parent.appendChild(box);
    this.fit();
    // Now, within the gesture that opened it (a touch keyboard opens only then). The click can no
    // longer take the focus away: its pointerdown was preventDefault-ed (input.ts), so there is no
    // mousedown to move the focus.
    box.focus({ preventScroll: true });
  }

  get open(): boolean {
    return !this.done;
  }

  /** The text goes in (nothing when it is empty) and the box goes away. */
  commit(): void {
    this.close(this.element.value.trim() === '' ? null : this.element.value);
  }

  cancel(): void {
    this.close(null);
  }

  private close(text: string | null): void {
    if (this.done) return;
    this.done = true;
    this.element.remove();
    this.onDone(text);
  }

  private key(event: KeyboardEvent): void {
    // The app's keyboard shortcuts are not for what is typed here.
    event.stopPropagation();
    if (event.isComposing) return; // an IME's Enter picks a candidate
    if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Escape') {
      event.preventDefault();
      this.commit();
    } else if (event.key === 'Delete' && this.element.value === '') {
      event.preventDefault();
      this.cancel();
    }
  }

  /** Grows with what is typed. */
  private fit(): void {
    const box = this.element;
    box.style.width = '0px';
    box.style.height = '0px';
    box.style.width = `${box.scrollWidth + 2}px`;
    box.style.height = `${box.scrollHeight}px`;
  }
}
