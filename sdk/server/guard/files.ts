/**
 * The guard's file store: the documents (images, PDFs) members share in a room, kept by the guard
 * and served over HTTP on its own port (file-http.ts), so that document sharing needs no
 * third-party file server. Node only.
 *
 * Flow. A member asks the guard, on its WebSocket, to upload (`kt_upload {room, name, size}`); the
 * guard checks the member's right and calls issueTicket(), which reserves the space and answers a
 * one-use TICKET. The page POSTs the raw bytes with it (file-http.ts: beginUpload() takes the
 * ticket when the request starts, finish() stores the bytes; put() is both at once), the type is
 * sniffed and the file stored under an unguessable id; the page then shares the file's URL with
 * the room. dropRoom() (the guard calls it when a room is destroyed) deletes the room's files
 * and tickets; clear() all of them (Janus restarted: the registry forgot every room).
 *
 * What is refused, with the Knowledgetalk code (SPEC §2) the refusal carries:
 *   '401'  put/beginUpload: a ticket unknown, used or expired (5 min, option ticketMs; an upload
 *          begun in time may finish later)
 *   '422'  a room that is no room id, a size that is no positive integer
 *   '405'  put: bytes of a type not allowed ("the resource cannot be allowed")
 *   '445'  data exceeds the maximum: one file over maxFileBytes (20 MiB), the room's files over
 *          maxRoomBytes (100 MiB) or maxRoomFiles (200), the whole store over maxTotalBytes (1 GiB),
 *          too many outstanding tickets; put: more bytes than the ticket said
 *   '441'  an upload into a room dropped while it was under way
 *
 * Types by MAGIC BYTES only: PNG, JPEG, GIF, WebP, PDF. The client's name and content-type are
 * never trusted (a PNG named x.pdf is a PNG, stored as x.png; HTML, SVG or an executable named
 * x.png is refused). The stored name is the client's, sanitised: no path parts, letters (any
 * script: Korean names stay readable), digits, `.`, `-`, `_` (anything else becomes `_`), at most
 * 128 characters, ending in the extension of the sniffed type.
 *
 * Quota. A ticket reserves its declared size at once, so uploads running side by side can never
 * take a room or the store over its limits (put() then counts the real size and frees the rest).
 * The price: a member can hold a room's quota for up to ticketMs by asking for tickets it never
 * uses; at most maxTicketsPerRoom (8) are outstanding per room, maxTickets (1000) in all.
 *
 * File ids are CAPABILITIES: 128 random bits (base64url, 22 characters), and knowing a file's URL
 * is what lets you read it; the HTTP side asks for no token. Why: the URL goes into <img src> and
 * pdf.js fetches on pages served from another origin than the guard, where no cookie or header of
 * the guard's session can follow, and rooms are private (only members get the URL, over the
 * guard's WebSocket). The trade-off: whoever holds the URL reads the file until the room is
 * destroyed, also a member who has left, or anyone the URL leaks to (a forwarded link, a proxy's
 * log, a browser's history). Rooms die, and their files with them: that bounds the exposure, it
 * does not revoke a URL from someone who left early.
 *
 * In memory by default; with `dir`, the bytes are files in that directory (it must be the store's
 * own: at start, files there named like the store's are deleted, as the metadata of a previous run
 * is gone), named by id, never by anything a client sent. Metadata lives in memory either way:
 * like rooms, files do not outlive the guard process.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, createReadStream } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { VR, type PluginError } from './errors';
import { isValidId } from './identity';
import { MAX_FILE_NAME, sniffType, storedName, type FileType } from './file-types';

/** What a stored file may be, by its bytes, and the name it is kept under (file-types.ts). */
export { MAX_FILE_NAME, sniffType, storedName, type FileType };

const MiB = 1024 * 1024;

export interface FileStoreOptions {
  /** Keep the bytes in this directory (the store's own) instead of in memory. */
  dir?: string;
  /** One file. Default 20 MiB. */
  maxFileBytes?: number;
  /** A room's files together (reserved tickets included). Default 100 MiB. */
  maxRoomBytes?: number;
  /** Files in one room. Default 200. */
  maxRoomFiles?: number;
  /** The whole store (reserved tickets included). Default 1 GiB. */
  maxTotalBytes?: number;
  /** How long a ticket is valid. Default 5 minutes. */
  ticketMs?: number;
  /** Outstanding tickets of one room, and of the store. Defaults 8 and 1000. */
  maxTicketsPerRoom?: number;
  maxTickets?: number;
  /** Clock (ms), for tests. */
  now?: () => number;
}

export type FileLimits = Required<Omit<FileStoreOptions, 'dir' | 'now'>>;

export const DEFAULT_FILE_LIMITS: Readonly<FileLimits> = {
  maxFileBytes: 20 * MiB,
  maxRoomBytes: 100 * MiB,
  maxRoomFiles: 200,
  maxTotalBytes: 1024 * MiB,
  ticketMs: 5 * 60 * 1000,
  maxTicketsPerRoom: 8,
  maxTickets: 1000,
};

/** The longest stored name, in characters (extension included). */

export interface StoredFile {
  /** 128 random bits, base64url. */
  id: string;
  room: string;
  /** The user id of the member who uploaded it. */
  owner: string;
  /** Sanitised; ends in the sniffed type's extension. */
  name: string;
  type: FileType;
  size: number;
  createdAt: number;
  /** Where file-http.ts serves it: /files/<room>/<id>/<name, URL-encoded>. */
  path: string;
}

export type FileCode = '401' | '405' | '421' | '422' | '441' | '445';

/** A refusal: the Knowledgetalk code and why. */
export interface FileRefusal {
  ok: false;
  kt: FileCode;
  reason: string;
}

export type TicketResult = { ok: true; ticket: string; expiresAt: number; maxBytes: number } | FileRefusal;
export type PutResult = ({ ok: true } & StoredFile) | FileRefusal;

/** An upload under way (file-http.ts): its ticket is taken, its space still reserved. */
export interface Upload {
  room: string;
  /** The most bytes it may have (the ticket's size). */
  maxBytes: number;
  /** Stores the bytes (the ticket is then used up, whatever the outcome). */
  finish(bytes: Uint8Array): Promise<PutResult>;
  /** The upload failed before its bytes were in (cut off, stalled, client gone): the ticket is back, unless it expired meanwhile. */
  abort(): void;
}

export interface TicketRequest {
  room: unknown;
  /** The member's user id (the guard's identity, not a client field). */
  owner: string;
  /** The client's file name (only sanitised into the stored one). */
  name?: unknown;
  /** The size the client declares; the upload may be smaller, never larger. */
  size: unknown;
}

interface Ticket {
  room: string;
  owner: string;
  name: string;
  size: number;
  expiresAt: number;
}

interface RoomFiles {
  files: Map<string, StoredFile>;
  /** Bytes of the stored files. */
  bytes: number;
  /** Bytes reserved by outstanding tickets and uploads under way. */
  reserved: number;
  /** Outstanding tickets and uploads under way. */
  pending: number;
  dropped: boolean;
}

interface Entry {
  file: StoredFile;
  /** Memory store only. */
  bytes?: Uint8Array;
}

const refuse = (kt: FileCode, reason: string): FileRefusal => ({ ok: false, kt, reason });
const NO_TICKET = 'upload ticket unknown, used or expired';
/** The longest client file name kept on a ticket (storedName cuts it to MAX_FILE_NAME). */
const MAX_NAME_INPUT = 4096;

/** Files on disk are <id>.ktfile (and <id>.part while written). */
const DISK_NAME = /^[A-Za-z0-9_-]{22}\.(ktfile|part)$/;
const ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;

export class FileStore {
  private readonly limits: FileLimits;
  private readonly now: () => number;
  private readonly dir: string | null;
  private readonly rooms = new Map<string, RoomFiles>();
  private readonly entries = new Map<string, Entry>();
  private readonly tickets = new Map<string, Ticket>();
  private bytes = 0;
  private reserved = 0;
  private pending = 0;

  constructor(options: FileStoreOptions = {}) {
    const { dir, now, ...limits } = options;
    this.limits = { ...DEFAULT_FILE_LIMITS, ...definedOnly(limits) };
    this.now = now ?? Date.now;
    this.dir = dir ? path.resolve(dir) : null;
    if (this.dir) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      for (const name of readdirSync(this.dir)) if (DISK_NAME.test(name)) rmSync(path.join(this.dir, name), { force: true });
    }
  }

  /**
   * A one-use upload ticket for `size` bytes into `room`, valid for ticketMs, its space reserved.
   * The guard calls it for a member it has checked may upload there.
   */
  issueTicket(request: TicketRequest): TicketResult {
    this.sweep();
    const { room, owner, name, size } = request;
    if (!isValidId(room)) return refuse('422', 'invalid room id');
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) return refuse('422', 'size must be a positive integer (bytes)');
    if (name !== undefined && typeof name !== 'string') return refuse('422', 'name must be a string');
    if (size > this.limits.maxFileBytes) return refuse('445', `a file may have at most ${this.limits.maxFileBytes} bytes`);
    const entry = this.rooms.get(room);
    if (entry && entry.bytes + entry.reserved + size > this.limits.maxRoomBytes)
      return refuse('445', `the room's files may have at most ${this.limits.maxRoomBytes} bytes together`);
    if (entry && entry.files.size + entry.pending >= this.limits.maxRoomFiles)
      return refuse('445', `a room may have at most ${this.limits.maxRoomFiles} files`);
    if (entry && entry.pending >= this.limits.maxTicketsPerRoom) return refuse('445', 'too many uploads pending in this room');
    if (this.pending >= this.limits.maxTickets) return refuse('445', 'too many uploads pending');
    if (this.bytes + this.reserved + size > this.limits.maxTotalBytes) return refuse('445', 'the file store is full');
    const files = entry ?? this.room(room);
    const ticket = randomBytes(16).toString('base64url');
    const expiresAt = this.now() + this.limits.ticketMs;
    this.tickets.set(ticket, { room, owner, name: typeof name === 'string' ? name.slice(0, MAX_NAME_INPUT) : '', size, expiresAt });
    files.pending++;
    files.reserved += size;
    this.pending++;
    this.reserved += size;
    return { ok: true, ticket, expiresAt, maxBytes: size };
  }

  /** What a ticket allows, without using it. */
  checkTicket(ticket: unknown): { ok: true; room: string; maxBytes: number } | FileRefusal {
    this.sweep();
    const t = typeof ticket === 'string' ? this.tickets.get(ticket) : undefined;
    if (!t) return refuse('401', NO_TICKET);
    return { ok: true, room: t.room, maxBytes: t.size };
  }

  /**
   * Starts the upload of a ticket: the ticket is taken at once (a second upload with it is refused
   * from the start), and its expiry no longer counts (an upload begun in time may finish later;
   * file-http.ts ends stalled ones).
   */
  beginUpload(ticket: unknown): ({ ok: true } & Upload) | FileRefusal {
    this.sweep();
    const t = typeof ticket === 'string' ? this.tickets.get(ticket) : undefined;
    if (!t) return refuse('401', NO_TICKET);
    this.tickets.delete(ticket as string);
    const files = this.rooms.get(t.room)!;
    let over = false;
    // Until the bytes are stored, the ticket's reservation stands for them.
    const release = () => {
      over = true;
      files.pending--;
      files.reserved -= t.size;
      this.pending--;
      this.reserved -= t.size;
      this.forgetIfEmpty(t.room, files);
    };
    return {
      ok: true,
      room: t.room,
      maxBytes: t.size,
      finish: async (bytes) => {
        if (over) return refuse('401', NO_TICKET);
        over = true;
        const stored = await this.store(t, files, bytes).catch((err: unknown) => {
          release();
          throw err;
        });
        if (!stored.ok) release();
        return stored;
      },
      abort: () => {
        if (over) return;
        if (files.dropped || t.expiresAt <= this.now()) return release();
        over = true;
        this.tickets.set(ticket as string, t);
      },
    };
  }

  /** Stores the bytes of a ticket's upload (beginUpload and finish in one). The ticket is used up, whatever the outcome. */
  async put(ticket: unknown, bytes: Uint8Array): Promise<PutResult> {
    const upload = this.beginUpload(ticket);
    return upload.ok ? upload.finish(bytes) : upload;
  }

  /** The bytes of an upload into the store, or why not (then the caller releases the reservation). */
  private async store(t: Ticket, files: RoomFiles, bytes: Uint8Array): Promise<PutResult> {
    if (files.dropped) return refuse('441', 'the room is gone');
    if (bytes.byteLength > t.size) return refuse('445', `the upload has more bytes than its ticket allows (${t.size})`);
    const type = sniffType(bytes);
    if (!type) return refuse('405', 'not an allowed file type (PNG, JPEG, GIF, WebP or PDF, by content)');
    const id = randomBytes(16).toString('base64url');
    const name = storedName(t.name, type);
    const file: StoredFile = {
      id,
      room: t.room,
      owner: t.owner,
      name,
      type,
      size: bytes.byteLength,
      createdAt: this.now(),
      path: `/files/${t.room}/${id}/${encodeURIComponent(name)}`,
    };
    if (this.dir) {
      const part = path.join(this.dir, `${id}.part`);
      try {
        await writeFile(part, bytes, { mode: 0o600 });
        await rename(part, this.diskPath(id));
      } catch (err) {
        await rm(part, { force: true }).catch(() => {});
        throw err;
      }
      if (files.dropped) {
        await rm(this.diskPath(id), { force: true }).catch(() => {});
        return refuse('441', 'the room is gone');
      }
    }
    files.pending--;
    files.reserved -= t.size;
    this.pending--;
    this.reserved -= t.size;
    files.files.set(id, file);
    files.bytes += file.size;
    this.bytes += file.size;
    // A copy: the caller's buffer may be reused (and a Node Buffer may be a slice of a pool).
    this.entries.set(id, this.dir ? { file } : { file, bytes: new Uint8Array(bytes) });
    return { ok: true, ...file };
  }

  /** A file's metadata, if `room` has it. */
  get(room: string, id: string): StoredFile | undefined {
    if (typeof id !== 'string' || !ID_SHAPE.test(id)) return undefined;
    const entry = this.entries.get(id);
    return entry && entry.file.room === room ? entry.file : undefined;
  }

  /** A file's bytes. */
  async read(room: string, id: string): Promise<Uint8Array | undefined> {
    const file = this.get(room, id);
    if (!file) return undefined;
    if (!this.dir) return this.entries.get(id)!.bytes;
    try {
      return new Uint8Array(await readFile(this.diskPath(id)));
    } catch {
      return undefined;
    }
  }

  /** A file's bytes as a stream (file-http.ts serves with it: no whole file in memory per download). */
  createReadStream(room: string, id: string): Readable | undefined {
    const file = this.get(room, id);
    if (!file) return undefined;
    if (!this.dir) return Readable.from([Buffer.from(this.entries.get(id)!.bytes!)]);
    return createReadStream(this.diskPath(id));
  }

  /** The room's files, oldest first. */
  list(room: string): StoredFile[] {
    return [...(this.rooms.get(room)?.files.values() ?? [])];
  }

  /** The room is destroyed: its files and tickets go too (an upload under way into it is refused, '441'). */
  async dropRoom(room: string): Promise<void> {
    const files = this.rooms.get(room);
    if (!files) return;
    files.dropped = true;
    this.rooms.delete(room);
    for (const [ticket, t] of this.tickets) {
      if (t.room !== room) continue;
      this.tickets.delete(ticket);
      files.pending--;
      files.reserved -= t.size;
      this.pending--;
      this.reserved -= t.size;
    }
    const ids = [...files.files.keys()];
    for (const id of ids) this.entries.delete(id);
    this.bytes -= files.bytes;
    files.bytes = 0;
    files.files.clear();
    if (this.dir) await Promise.all(ids.map((id) => rm(this.diskPath(id), { force: true }).catch(() => {})));
  }

  /** Every room dropped (the guard lost Janus, and with it every room). */
  async clear(): Promise<void> {
    await Promise.all([...this.rooms.keys()].map((room) => this.dropRoom(room)));
  }

  /** Stored files and bytes, rooms with files (or pending uploads), outstanding tickets, uploads under way, bytes they reserve. */
  stats(): { files: number; bytes: number; rooms: number; tickets: number; uploads: number; reservedBytes: number } {
    this.sweep();
    return {
      files: this.entries.size,
      bytes: this.bytes,
      rooms: this.rooms.size,
      tickets: this.tickets.size,
      uploads: this.pending - this.tickets.size,
      reservedBytes: this.reserved,
    };
  }

  private room(room: string): RoomFiles {
    const files: RoomFiles = { files: new Map(), bytes: 0, reserved: 0, pending: 0, dropped: false };
    this.rooms.set(room, files);
    return files;
  }

  private forgetIfEmpty(room: string, files: RoomFiles): void {
    if (!files.dropped && files.files.size === 0 && files.pending === 0 && this.rooms.get(room) === files) this.rooms.delete(room);
  }

  /** Expired tickets give their space back. */
  private sweep(): void {
    const now = this.now();
    for (const [ticket, t] of this.tickets) {
      if (t.expiresAt > now) continue;
      this.tickets.delete(ticket);
      const files = this.rooms.get(t.room)!;
      files.pending--;
      files.reserved -= t.size;
      this.pending--;
      this.reserved -= t.size;
      this.forgetIfEmpty(t.room, files);
    }
  }

  private diskPath(id: string): string {
    return path.join(this.dir!, `${id}.ktfile`);
  }
}

/**
 * A store refusal as the guard answers a plugin request (`kt_upload`) with it: VideoRoom's shape
 * (errors.ts), the Knowledgetalk code in `kt`.
 */
export function filePluginError(refusal: FileRefusal): PluginError {
  const code = refusal.kt === '401' ? VR.UNAUTHORIZED : refusal.kt === '421' ? VR.MISSING_ELEMENT : refusal.kt === '441' ? VR.NO_SUCH_ROOM : VR.INVALID_ELEMENT;
  return { code, reason: refusal.reason, kt: refusal.kt };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
