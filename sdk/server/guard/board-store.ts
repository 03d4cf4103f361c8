/**
 * The boards the guard keeps: for each room with a share, the strokes drawn so far, as Yjs updates
 * (the SDK's board is a Yjs document: sdk/board/). The guard merges what members send and hands the
 * whole state to whoever joins late or reconnects, so a board outlives any one page; members
 * draw at once without a lock, which is what the CRDT is for.
 *
 * The guard never interprets strokes: it checks that an update decodes as Yjs (a broken one would
 * reach every member), counts bytes, and merges. Pure state, no I/O.
 */
import * as Y from 'yjs';

/** A room's board may not grow past this (merged): about 40 000 pen strokes of 100 points. */
export const MAX_BOARD_BYTES = 8 * 1024 * 1024;
/** Updates kept unmerged before they are merged into one (merging costs O(state)). */
const MERGE_EVERY = 64;

interface Board {
  id: number;
  updates: Uint8Array[];
  bytes: number;
}

export type BoardRefusal = 'stale' | 'invalid' | 'full';

export class BoardStore {
  private readonly boards = new Map<string, Board>();

  /** Records an update to board `id` of the room (a new id starts a new, empty board). */
  append(roomId: string, id: number, update: Uint8Array): BoardRefusal | null {
    let board = this.boards.get(roomId);
    if (board && board.id > id) return 'stale';
    if (!board || board.id < id) {
      board = { id, updates: [], bytes: 0 };
      this.boards.set(roomId, board);
    }
    if (!decodes(update)) return 'invalid';
    if (board.bytes + update.byteLength > MAX_BOARD_BYTES) {
      this.compact(board);
      if (board.bytes + update.byteLength > MAX_BOARD_BYTES) return 'full';
    }
    board.updates.push(update);
    board.bytes += update.byteLength;
    if (board.updates.length >= MERGE_EVERY) this.compact(board);
    return null;
  }

  /** Board `id`'s state as one update (empty for a board nobody drew on yet). */
  state(roomId: string, id: number): Uint8Array {
    const board = this.boards.get(roomId);
    if (!board || board.id !== id) return Y.encodeStateAsUpdate(new Y.Doc());
    this.compact(board);
    return board.updates[0] ?? Y.encodeStateAsUpdate(new Y.Doc());
  }

  /** The share that owned the board ended, or the room went. */
  drop(roomId: string): void {
    this.boards.delete(roomId);
  }

  /** Janus restarted: every room is gone, and with them their boards. */
  clear(): void {
    this.boards.clear();
  }

  bytes(roomId: string): number {
    return this.boards.get(roomId)?.bytes ?? 0;
  }

  private compact(board: Board): void {
    if (board.updates.length <= 1) return;
    const merged = Y.mergeUpdates(board.updates);
    board.updates = [merged];
    board.bytes = merged.byteLength;
  }
}

function decodes(update: Uint8Array): boolean {
  if (update.byteLength === 0) return false;
  try {
    Y.decodeUpdate(update);
    return true;
  } catch {
    return false;
  }
}
