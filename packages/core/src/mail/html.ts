// Building blocks of the default email templates. Every function that takes text escapes it,
// so a template cannot forget to: an address or a product name with `<` or `"` stays text.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in HTML content and in double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** A paragraph of plain text. */
export function paragraph(text: string): string {
  return `<p style="margin:0 0 16px">${escapeHtml(text)}</p>`;
}

/** A link styled as a button, followed by the address in full for clients that hide buttons. */
export function button(url: string, label: string): string {
  const href = escapeHtml(url);
  return (
    `<p style="margin:0 0 16px"><a href="${href}" style="display:inline-block;padding:12px 20px;background:#1a56db;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold">${escapeHtml(label)}</a></p>` +
    `<p style="margin:0 0 16px;font-size:14px;color:#4a4a4a">If the button does not work, copy this address into your browser:<br><a href="${href}" style="color:#1a56db;word-break:break-all">${href}</a></p>`
  );
}

/** A one-time code, large and spaced out so it is easy to read and to copy. */
export function codeBlock(code: string): string {
  return `<p style="margin:0 0 16px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:28px;font-weight:bold;letter-spacing:6px">${escapeHtml(code)}</p>`;
}

/** A whole HTML document: language, title and a readable single column. `blocks` are already HTML. */
export function page(title: string, heading: string, blocks: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#ffffff;color:#1a1a1a;font-family:-apple-system,\'Segoe UI\',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5">',
    '<main style="max-width:560px;margin:0 auto">',
    `<h1 style="margin:0 0 16px;font-size:22px">${escapeHtml(heading)}</h1>`,
    ...blocks,
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}

/** A duration in words, for "it expires in …": `10 minutes`, `1 hour`, `24 hours`, `7 days`. */
export function formatDuration(seconds: number): string {
  const plural = (count: number, unit: string): string => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (seconds >= 3600 && seconds % 3600 === 0) {
    const hours = seconds / 3600;
    return hours > 48 && hours % 24 === 0 ? plural(hours / 24, 'day') : plural(hours, 'hour');
  }
  if (seconds >= 60 && seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(Math.round(seconds), 'second');
}
