/** A citizen's photo made small enough for the API in the browser (canvas re-encoding). */
import { MAX_PHOTO_BYTES, PHOTO_STEPS, base64Bytes, scaledSize } from './public';

/**
 * A photo re-drawn as a JPEG small enough for the API: the orientation is applied and the
 * metadata (location, camera, owner) is left behind. Null when the file is not an image.
 */
export async function shrinkPhoto(file: Blob): Promise<{ dataUrl: string; base64: string; bytes: number } | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return null;
  }
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (!context) return null;
  try {
    for (const [max, quality] of PHOTO_STEPS) {
      const [w, h] = scaledSize(bitmap.width, bitmap.height, max);
      canvas.width = w;
      canvas.height = h;
      context.fillStyle = '#fff';
      context.fillRect(0, 0, w, h);
      context.drawImage(bitmap, 0, 0, w, h);
      const dataUrl = canvas.toDataURL('image/jpeg', quality);
      const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
      const bytes = base64Bytes(base64);
      if (bytes <= MAX_PHOTO_BYTES) return { dataUrl, base64, bytes };
    }
    return null;
  } finally {
    bitmap.close();
  }
}
