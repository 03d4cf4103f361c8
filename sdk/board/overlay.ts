/**
 * The canvas laid over the member's canvas for what is not part of the picture (laser pointers),
 * and the reference the textbox editor is placed by. It is inserted right after the canvas, in its
 * parent, absolutely positioned over the canvas's content box, and lets every pointer event
 * through to the canvas below.
 */

export class Overlay {
  readonly element = document.createElement('canvas');

  constructor(private readonly canvas: HTMLCanvasElement) {
    const el = this.element;
    el.dataset.boardOverlay = '';
    el.setAttribute('aria-hidden', 'true');
    Object.assign(el.style, { position: 'absolute', pointerEvents: 'none', margin: '0', padding: '0', border: '0' });
    canvas.insertAdjacentElement('afterend', el);
    this.place();
  }

  /**
   * Puts the overlay over the canvas again (it may have moved or been resized) and returns where
   * the canvas's content box is in the parent's coordinates (CSS px, as `left`/`top` take them).
   */
  place(): { left: number; top: number; width: number; height: number } {
    const { canvas, element: el } = this;
    if (el.width !== canvas.width) el.width = canvas.width;
    if (el.height !== canvas.height) el.height = canvas.height;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    el.style.width = `${width}px`;
    el.style.height = `${height}px`;
    // offsetLeft/Top are relative to the canvas's offsetParent, which is the overlay's containing
    // block too in the usual cases; the measured difference corrects the others (borders, a
    // positioned parent in a table cell, ...).
    let left = canvas.offsetLeft + canvas.clientLeft;
    let top = canvas.offsetTop + canvas.clientTop;
    el.style.left = `${left}px`;
    el.style.top = `${top}px`;
    const want = canvas.getBoundingClientRect();
    const got = el.getBoundingClientRect();
    const dx = want.left + canvas.clientLeft - got.left;
    const dy = want.top + canvas.clientTop - got.top;
    if (Math.abs(dx) > 0.5 || Math.abs(dy) > 0.5) {
      left += dx;
      top += dy;
      el.style.left = `${left}px`;
      el.style.top = `${top}px`;
    }
    return { left, top, width, height };
  }

  remove(): void {
    this.element.remove();
  }
}
