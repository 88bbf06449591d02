/** Shell quoting for the generated scripts: every value goes through here, never raw interpolation. */

/** Quotes `s` as one POSIX shell word. */
export function sh(s: string | number): string {
  const t = String(s);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(t) ? t : `'${t.replace(/'/g, `'"'"'`)}'`;
}

/**
 * A heredoc that writes `content` to `path` with `mode`. The delimiter is quoted, so nothing in the
 * content is expanded; it is chosen so it cannot occur in the content.
 */
export function writeFile(path: string, content: string, mode: string): string {
  let delim = "CALICO_BASELINE_EOF";
  while (content.includes(delim)) delim += "_";
  const body = content.endsWith("\n") ? content : `${content}\n`;
  return [`install -D -m ${mode} /dev/null ${sh(path)}`, `cat > ${sh(path)} <<'${delim}'`, `${body}${delim}`].join("\n");
}
