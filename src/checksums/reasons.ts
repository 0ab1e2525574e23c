/** Why a path could not be read, in the words findings use (shared by walker and hasher). */
export function reasonFor(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'vanished while scanning';
    case 'EIO':
      return 'I/O error';
    case 'ELOOP':
      return 'replaced by a symbolic link while scanning';
    default:
      return (err as Error)?.message ?? String(err);
  }
}
