// The room's share when it is drawn on a canvas: the whiteboard (ours or another member's) and a
// shared document's page (documents.js puts the file there), with the drawing palette.
//
// One canvas (#board-canvas, 1280×720, shown at 16:9) serves both: the SDK follows the room's share
// on it once it was given (canvasInit, or whiteBoardStart / documentStart for our own), so a new
// share, ours or another's, shows there by itself. Only one share at a time in a room: a screen, the
// whiteboard or a document.
import { $, el } from './dom.js';
import { describeCode, t } from './i18n.js';
import { setIcon } from './icons.js';
import { showAlert } from './notify.js';

const SHAPES = ['square', 'circle', 'triangle', 'line', 'arrow', 'star', 'heart', 'check', 'important', 'hand'];
/** Stroke widths in pixels of a 1000 px wide board (the SDK scales them to the canvas). */
const WIDTHS = { thin: 3, medium: 6, thick: 12 };
/** How much wider than a pen stroke each tool is drawn (the text tool's width is its font size). */
const SCALE = { pen: 1, marker: 4, eraser: 5, shape: 1, text: 7, pointer: 1 };

export class ShareBoard {
  /** @param {import('./room.js').Room} room */
  constructor(room) {
    this.room = room;
    this.kt = room.kt;
    this.canvas = $('board-canvas');
    this.area = $('board-area');
    /** What is shown: `{ type: 'whiteboard'|'document', user, img?, page? }`, or null. */
    this.share = null;
    /** Whether the SDK has our canvas in this room (canvasInit or our own start). */
    this.attached = false;
    this.tool = 'pen';
    this.busy = false;
  }

  wire(signal) {
    const on = (node, type, fn) => node.addEventListener(type, (e) => this.room.guard(() => fn(e)), { signal });
    $('board-shape').replaceChildren(...SHAPES.map((s) => el('option', { value: s, text: t(`board.shape.${s}`) })));
    $('board-width').replaceChildren(...Object.keys(WIDTHS).map((w) => el('option', { value: w, text: t(`board.width.${w}`) })));
    $('board-width').value = 'medium';
    for (const button of $('board-tools').querySelectorAll('[data-tool]')) {
      on(button, 'click', () => this.pick(button.dataset.tool));
    }
    on($('board-shape'), 'change', () => this.pick('shape'));
    on($('board-color'), 'change', () => this.applyTool());
    on($('board-width'), 'change', () => this.applyTool());
    on($('board-undo'), 'click', () => this.kt.canvasUndo());
    on($('board-redo'), 'click', () => this.kt.canvasRedo());
    on($('board-clear'), 'click', () => this.kt.canvasClear());
    on($('ctl-board'), 'click', () => (this.mine('whiteboard') ? this.stop() : this.start()));
  }

  /** In a room (the first one, or after moving): what joinRoom said is shared there. */
  entered(joined) {
    this.attached = false;
    this.share = null;
    const share = joined.share;
    if (share && (share.type === 'whiteboard' || share.type === 'document')) this.shown({ type: share.type, user: share.user });
    else this.hide();
  }

  onPresence(detail) {
    switch (detail.type) {
      case 'whiteboard':
      case 'document':
        return this.shown({ type: detail.type, user: detail.user });
      case 'documentShare':
        return this.shown({ type: 'document', user: detail.user, img: detail.img, page: detail.page });
      case 'shareStop':
        if (this.share && this.share.user === detail.user) this.hide();
        return undefined;
      default:
        return undefined;
    }
  }

  /** Ours: the whiteboard, or (`type` omitted) any share of ours on the canvas. */
  mine(type) {
    return Boolean(this.share && this.share.user === this.room.myId && (!type || this.share.type === type));
  }

  /** Shows the board area (before the SDK gets the canvas: it measures it). */
  reveal() {
    this.area.hidden = false;
    this.room.tiles.layout();
  }

  /** A share to show: the area, the SDK on our canvas, the palette if we may draw. */
  shown(share) {
    const same = this.share && this.share.type === share.type && this.share.user === share.user;
    this.share = { ...(same ? this.share : {}), ...share };
    this.reveal();
    if (!this.attached) {
      this.kt.canvasInit(this.canvas);
      this.attached = true;
    }
    this.render();
  }

  hide() {
    this.share = null;
    this.area.hidden = true;
    this.room.tiles.layout();
    this.render();
  }

  /**
   * Whether starting a share of ours can go ahead: nobody else shares (one share per room), and the
   * host allows it. Says why not.
   */
  canStart(what) {
    const current = this.kt.getShareType();
    const ours = this.mine() || (current === 'screen' && this.room.screenStream);
    if (current && !ours) {
      showAlert(describeCode('440'));
      return false;
    }
    if (!this.room.permits.may(what)) {
      showAlert(describeCode('413'));
      return false;
    }
    return true;
  }

  /** Ends our own share of another kind first (a screen, or our document before the whiteboard). */
  async endOwnShare() {
    if (this.mine()) await this.stop();
    if (this.room.screenStream) await this.room.stopShare();
  }

  async start() {
    if (this.busy || !this.canStart('whiteboard')) return;
    this.busy = true;
    this.render();
    try {
      await this.endOwnShare();
      this.reveal();
      const started = await this.kt.whiteBoardStart(this.canvas);
      if (!started) {
        // The boolean carries no code: someone may have started a share a moment before us.
        if (this.share) this.render();
        else this.hide();
        showAlert(this.kt.getShareType() ? describeCode('440') : t('board.startFailed'));
        return;
      }
      this.attached = true;
      this.shown({ type: 'whiteboard', user: this.room.myId });
    } finally {
      this.busy = false;
      this.render();
    }
  }

  /** Ends our share (the whiteboard or our document) for everyone. */
  async stop() {
    if (!this.mine()) return;
    const stopped = await this.kt.shareStop();
    if (stopped.code !== '200') console.warn('shareStop', stopped);
    this.hide();
  }

  pick(tool) {
    this.tool = tool;
    for (const button of $('board-tools').querySelectorAll('[data-tool]')) {
      button.setAttribute('aria-pressed', String(button.dataset.tool === tool));
    }
    this.applyTool();
  }

  applyTool() {
    const color = $('board-color').value;
    const width = WIDTHS[$('board-width').value] * SCALE[this.tool];
    const kt = this.kt;
    if (this.tool === 'pen') kt.setTool('pen', color, width);
    else if (this.tool === 'marker') kt.setTool('pen', color, width, 'highlight');
    else if (this.tool === 'eraser') kt.setTool('eraser', undefined, width);
    else if (this.tool === 'shape') kt.setTool('shape', color, width, $('board-shape').value);
    else if (this.tool === 'text') kt.setTool('textbox', color, width);
    else if (this.tool === 'pointer') kt.setTool('pointer', color);
  }

  /** Drawing on or off, the palette, the title and the toolbar button, for what is shown now. */
  render() {
    const { share, room } = this;
    const mayDraw = Boolean(share) && room.permits.may('draw');
    $('board-tools').hidden = !mayDraw;
    // Clearing wipes everyone's strokes: the sharer's and the host's to do.
    $('board-clear').hidden = !(this.mine() || room.isHost(room.myId));
    if (share && this.attached) {
      if (mayDraw && this.kt.drawingInit()) this.applyTool();
      else this.kt.drawingStop();
    }
    this.canvas.dataset.drawing = String(mayDraw);
    if (share) {
      const name = room.nameOf(share.user);
      const key = share.type === 'whiteboard' ? (this.mine() ? 'board.yours' : 'board.of') : this.mine() ? 'doc.yours' : 'doc.of';
      $('board-title').textContent = t(key, { name });
      this.area.dataset.type = share.type;
    }
    this.renderButton();
    room.documents?.render();
  }

  renderButton() {
    const button = $('ctl-board');
    const sharing = this.mine('whiteboard');
    button.dataset.sharing = String(sharing);
    button.disabled = this.busy || (!sharing && !this.room.permits.may('whiteboard'));
    button.querySelector('.label').textContent = t(sharing ? 'controls.stopBoard' : 'controls.board');
    const label = t(sharing ? 'controls.stopBoardLabel' : 'controls.boardLabel');
    button.setAttribute('aria-label', label);
    button.title = button.disabled && !this.busy ? t('permit.notAllowed') : label;
    setIcon(button, 'board');
  }
}
