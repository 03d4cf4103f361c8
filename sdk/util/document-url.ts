/**
 * A shared document's address: whether it is a PDF (our file store keeps one as …/name.pdf, and a
 * web address has the extension), and whether it loads at all, checked once by the sharer before
 * everyone is shown it ('404' rather than a blank page on every member's canvas).
 */
export const isPdfUrl = (url: string): boolean => /\.pdf($|[?#])/i.test(url);

export async function loads(url: string): Promise<boolean> {
  if (url.startsWith('data:')) return true;
  // pdf.js reads a PDF with fetch (CORS), so that is the test; an image is shown as an <img>.
  if (isPdfUrl(url))
    return fetch(url, { method: 'HEAD' }).then(
      (r) => r.ok,
      () => false,
    );
  const image = new Image();
  image.crossOrigin = 'anonymous';
  image.src = url;
  return image.decode().then(
    () => true,
    () => false,
  );
}
