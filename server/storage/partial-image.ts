// The name an image has while its bytes are being written: the runner renames it once complete, and the
// image store removes leftovers of a crash.

export const PARTIAL_IMAGE_SUFFIX = '.partial';

export function isPartialImage(fileName: string): boolean {
  return fileName.endsWith(PARTIAL_IMAGE_SUFFIX);
}
