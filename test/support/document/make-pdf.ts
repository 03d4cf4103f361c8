/**
 * Small PDFs written by hand for the document tests: each page a content stream, fonts not
 * embedded (the standard 14, or a CID font named only by its character collection), the
 * cross-reference table with the real byte offsets.
 */

export interface PdfPage {
  /** MediaBox width and height, in points. */
  width: number;
  height: number;
  /** The page's content stream (PDF operators). */
  content: string;
}

/** Font /F1: Helvetica, as office suites write a non-embedded standard font. */
export const HELVETICA = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
export const ZAPF_DINGBATS = '<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>';
export const SYMBOL = '<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>';
/**
 * A Korean font as older Korean PDFs carry it: not embedded, Adobe-Korea1 with the predefined CMap
 * UniKS-UCS2-H (text is UTF-16BE: <D55CAE00> is 한글). Needs pdf.js's CMaps to be read at all.
 */
export const KOREAN_CID =
  '<< /Type /Font /Subtype /Type0 /BaseFont /HYGoThic-Medium /Encoding /UniKS-UCS2-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HYGoThic-Medium' +
  ' /CIDSystemInfo << /Registry (Adobe) /Ordering (Korea1) /Supplement 1 >> /DW 1000' +
  ' /FontDescriptor << /Type /FontDescriptor /FontName /HYGoThic-Medium /Flags 6 /FontBBox [-6 -145 1003 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> >>] >>';

/**
 * A PDF 1.4 file of these pages; `fonts` are the resources' font names (default: /F1 Helvetica),
 * `trailer` more entries of the trailer dictionary (e.g. an /Encrypt).
 */
export function makePdf(pages: PdfPage[], fonts: Record<string, string> = { F1: HELVETICA }, trailer = ''): Buffer {
  const objects: string[] = [];
  const fontNames = Object.keys(fonts);
  const firstPage = 3 + fontNames.length;
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${pages.map((_, i) => `${firstPage + i * 2} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  for (const name of fontNames) objects.push(fonts[name]);
  const fontRefs = fontNames.map((name, i) => `/${name} ${3 + i} 0 R`).join(' ');
  pages.forEach((page, i) => {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${page.width} ${page.height}] /Resources << /Font << ${fontRefs} >> >> /Contents ${firstPage + i * 2 + 1} 0 R >>`,
    );
    objects.push(`<< /Length ${Buffer.byteLength(page.content, 'latin1')} >>\nstream\n${page.content}\nendstream`);
  });
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Trailer entries that make a PDF password-protected (RC4 40-bit; no empty user password opens it). */
export const ENCRYPTED = `/Encrypt << /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >> /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>] `;
