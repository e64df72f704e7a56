// The id a folder registers under when none is typed: its folder name (not the display name), as the Id field's
// placeholder says, in the server's id alphabet and without a leading or trailing separator.
export function modelIdFromFolder(path: string): string {
  const folder = path.trim().replace(/[\\/]+$/, '').split(/[\\/]/).at(-1) ?? '';
  return folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 64)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
}
