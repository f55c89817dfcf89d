// File errors in the words of strerror(3), as Click prints them after the
// file name (`in.pcap: No such file or directory`).

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  ENOBUFS: 'No buffer space available',
  ENOMEM: 'Cannot allocate memory',
  EBADF: 'Bad file descriptor',
  EIO: 'Input/output error',
  EPIPE: 'Broken pipe',
};

/** The strerror text of a Node file-system error, or its message. */
export function fileErrorText(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' && STRERROR[e.code]) return STRERROR[e.code]!;
  return e instanceof Error ? e.message : String(e);
}
