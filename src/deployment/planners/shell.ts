/** Shell quoting for the generated scripts: every value goes through here, never raw interpolation. */

/** Quotes `s` as one POSIX shell word. */
export function sh(s: string | number): string {
  const t = String(s);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(t) ? t : `'${t.replace(/'/g, `'"'"'`)}'`;
}

/**
 * A heredoc that writes `content` to `path` with `mode`. The delimiter is quoted, so nothing in the
 * content is expanded; it is chosen so it cannot occur in the content. The file is written next to its
 * target and renamed into place, so an interrupted run never leaves a truncated file (a half-written
 * registries.yaml or registry config would break k3s or the registry on its next start), and the
 * mode is set before any content lands in it.
 */
export function writeFile(path: string, content: string, mode: string): string {
  let delim = "CALICO_BASELINE_EOF";
  while (content.includes(delim)) delim += "_";
  const body = content.endsWith("\n") ? content : `${content}\n`;
  const tmp = `${path}.calico-baseline.tmp`;
  return [
    `install -D -m ${mode} /dev/null ${sh(tmp)}`,
    `cat > ${sh(tmp)} <<'${delim}'`,
    `${body}${delim}`,
    `mv -f ${sh(tmp)} ${sh(path)}`,
  ].join("\n");
}
