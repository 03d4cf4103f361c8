// Document sharing: a picture or a PDF picked from the person's files goes into the gateway's own
// file store (uploadDocument), then shows on everyone's board canvas (documentStart, documentShare);
// a PDF's pages are turned for everyone (documentPage). Strokes can be drawn over any page.
import { $ } from './dom.js';
import { describeCode, t } from './i18n.js';
import { setIcon } from './icons.js';
import { showAlert, toast } from './notify.js';

/** The gateway's file store keeps files up to 20 MiB. */
const MAX_BYTES = 20 * 1024 * 1024;
const isPdfUrl = (url) => /\.pdf($|[?#])/i.test(url || '');

/**
 * The number of pages of a PDF as its page tree says (`/Type /Pages … /Count n`), or null when the
 * file does not say so in plain text (page trees inside compressed object streams): the page
 * buttons then do not know the last page. The SDK does not tell the page count.
 */
export async function countPdfPages(file) {
  try {
    const text = new TextDecoder('latin1').decode(await file.arrayBuffer());
    if (!text.startsWith('%PDF')) return null;
    let most = 0;
    for (const m of text.matchAll(/\/Type\s*\/Pages\b[^>]{0,400}?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]{0,400}?\/Type\s*\/Pages\b/g)) {
      most = Math.max(most, Number(m[1] ?? m[2]));
    }
    return most > 0 ? most : null;
  } catch {
    return null;
  }
}

/** The sentence for a failed upload. */
function uploadProblem(code) {
  if (code === '445') return t('doc.tooLarge');
  if (code === '422' || code === '405') return t('doc.badType');
  return describeCode(code);
}

export class Documents {
  /**
   * @param {import('./room.js').Room} room
   * @param {import('./board.js').ShareBoard} board
   */
  constructor(room, board) {
    this.room = room;
    this.board = board;
    this.kt = room.kt;
    /** The document we show: `{ url, page, pages }` (pages: null when unknown). */
    this.current = null;
    this.busy = false;
  }

  wire(signal) {
    const on = (id, type, fn) => $(id).addEventListener(type, (e) => this.room.guard(() => fn(e)), { signal });
    on('ctl-doc', 'click', () => (this.board.mine('document') ? this.stop() : this.pick()));
    on('doc-another', 'click', () => this.pick());
    on('doc-file', 'change', () => {
      const file = $('doc-file').files[0];
      $('doc-file').value = '';
      return this.share(file);
    });
    on('doc-prev', 'click', () => this.turn(-1));
    on('doc-next', 'click', () => this.turn(1));
  }

  entered() {
    this.current = null;
    this.render();
  }

  pick() {
    if (this.busy) return;
    if (!this.board.mine('document') && !this.board.canStart('document')) return;
    $('doc-file').click();
  }

  async stop() {
    this.current = null;
    await this.board.stop();
  }

  /** Upload, then (unless we show a document already) start sharing, then show this one. */
  async share(file) {
    if (!file || this.busy) return;
    if (file.size > MAX_BYTES) return showAlert(t('doc.tooLarge'));
    this.busy = true;
    this.render();
    try {
      toast(t('doc.uploading', { name: file.name }));
      const pages = /\.pdf$/i.test(file.name) || file.type === 'application/pdf' ? await countPdfPages(file) : null;
      const uploaded = await this.kt.uploadDocument(file);
      if (uploaded.code !== '200') return showAlert(uploadProblem(uploaded.code));
      if (!this.board.mine('document')) {
        await this.board.endOwnShare();
        this.board.reveal();
        const started = await this.kt.documentStart(this.board.canvas);
        if (started.code !== '200') {
          if (!this.board.share) this.board.hide();
          return showAlert(describeCode(started.code));
        }
        this.board.attached = true;
      }
      const shown = await this.kt.documentShare(uploaded.url);
      if (shown.code !== '200') return showAlert(describeCode(shown.code));
      this.current = { url: uploaded.url, page: 1, pages };
      this.board.shown({ type: 'document', user: this.room.myId, img: uploaded.url, page: 1 });
    } finally {
      this.busy = false;
      this.render();
    }
  }

  /** A PDF's previous or next page, for everyone. */
  async turn(delta) {
    const doc = this.current;
    if (!doc || this.busy) return;
    const page = doc.page + delta;
    if (page < 1 || (doc.pages && page > doc.pages)) return;
    this.busy = true;
    this.render();
    try {
      const turned = await this.kt.documentPage(page);
      if (turned.code !== '200') return showAlert(describeCode(turned.code));
      doc.page = page;
      this.board.shown({ type: 'document', user: this.room.myId, img: doc.url, page });
    } finally {
      this.busy = false;
      this.render();
    }
  }

  /** The page bar (a PDF's page; buttons for its sharer), "Another file", and the toolbar button. */
  render() {
    const share = this.board.share;
    const mine = this.board.mine('document');
    const pdf = Boolean(share && share.type === 'document' && isPdfUrl(share.img));
    $('doc-pages').hidden = !pdf;
    $('doc-another').hidden = !mine;
    $('doc-another').disabled = this.busy;
    if (pdf) {
      const page = share.page || 1;
      const pages = mine ? this.current?.pages : null;
      $('doc-page').textContent = pages ? t('doc.pageOf', { page, pages }) : t('doc.page', { page });
      $('doc-prev').hidden = !mine;
      $('doc-next').hidden = !mine;
      $('doc-prev').disabled = this.busy || page <= 1;
      $('doc-next').disabled = this.busy || Boolean(pages && page >= pages);
    }
    const button = $('ctl-doc');
    button.dataset.sharing = String(mine);
    button.disabled = this.busy || (!mine && !this.room.permits.may('document'));
    button.querySelector('.label').textContent = t(mine ? 'controls.stopDoc' : 'controls.doc');
    const label = t(mine ? 'controls.stopDocLabel' : 'controls.docLabel');
    button.setAttribute('aria-label', label);
    button.title = button.disabled && !this.busy ? t('permit.notAllowed') : label;
    setIcon(button, 'document');
  }
}
