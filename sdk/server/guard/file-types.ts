/**
 * What the file store keeps: the allowed types, told by a file's first bytes (never by its name or
 * a client's content-type), and the safe name a file is stored and served under.
 */
export type FileType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'application/pdf';

/** The extension each type is stored with, and those it may already carry (dropped, not doubled). */
const EXTENSIONS: Record<FileType, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
};
const KNOWN_EXTENSIONS = new Set(Object.values(EXTENSIONS).flat());

export const MAX_FILE_NAME = 128;

/** The type of a file by its first bytes, or null when it is none of the allowed ones. */
export function sniffType(bytes: Uint8Array): FileType | null {
  const at = (offset: number, ...sig: number[]) => bytes.length >= offset + sig.length && sig.every((b, i) => bytes[offset + i] === b);
  const ascii = (offset: number, text: string) => at(offset, ...[...text].map((c) => c.charCodeAt(0)));
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (ascii(0, '%PDF-')) return 'application/pdf';
  return null;
}

/**
 * The name a file is stored and served under: the last path part of what the client sent, NFC,
 * unsafe characters as `_`, no leading dots, at most MAX_FILE_NAME characters, and the sniffed
 * type's extension (one the name had for another allowed type is replaced, any other kept).
 */
export function storedName(clientName: unknown, type: FileType): string {
  const own = EXTENSIONS[type];
  let base = typeof clientName === 'string' ? clientName.normalize('NFC') : '';
  base = base.split(/[/\\]/).pop() ?? '';
  base = base.replace(/[^\p{L}\p{M}\p{N}._-]+/gu, '_').replace(/^[._]+/, '');
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  let extension = own[0];
  if (own.includes(ext)) {
    extension = ext;
    base = base.slice(0, dot);
  } else if (KNOWN_EXTENSIONS.has(ext)) {
    base = base.slice(0, dot);
  }
  base = base.replace(/[._]+$/, '');
  const space = MAX_FILE_NAME - extension.length - 1;
  base = [...base]
    .slice(0, space)
    .join('')
    .replace(/[._]+$/, '');
  return `${base || 'file'}.${extension}`;
}
