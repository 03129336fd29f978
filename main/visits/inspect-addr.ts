// pure: the inspector's address as a user gives it (`--inspect-addr`): loopback only.

/** `127.0.0.1:4040`, `localhost:4041`, `:4042`, `4043` → host and port; null when it isn't one. */
export function parseInspectAddr(addr: string): { host: string; port: number } | null {
  const m = /^(?:(127\.0\.0\.1|localhost|\[::1\])?:)?(\d{1,5})$/.exec(addr.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (port > 65535) return null; // 0: any free port
  return { host: m[1] === 'localhost' ? '127.0.0.1' : m[1] === '[::1]' ? '::1' : '127.0.0.1', port };
}

