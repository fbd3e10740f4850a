/** Just enough MIME reading to check what nodemailer sent: headers, and the text and HTML parts decoded. */
export interface ParsedMail {
  headers: Record<string, string>;
  text: string;
  html: string;
}

function splitHeaders(block: string): [Record<string, string>, string] {
  const at = block.indexOf('\n\n');
  const head = at === -1 ? block : block.slice(0, at);
  const body = at === -1 ? '' : block.slice(at + 2);
  const headers: Record<string, string> = {};
  // Folded header lines continue with whitespace.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return [headers, body];
}

function decodeQuotedPrintable(text: string): string {
  // Literal "%" first, so decodeURIComponent only turns the =XX bytes into characters.
  const escaped = text.replace(/=\n/g, '').replace(/%/g, '%25');
  return decodeURIComponent(escaped.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => `%${hex}`));
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** RFC 2047 encoded words, as nodemailer writes non-ASCII subjects. */
function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_m, mode: string, data: string) =>
    mode.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' '))
  );
}

/** Parses a message with one text/plain and one text/html part (multipart/alternative). */
export function parseMail(raw: string): ParsedMail {
  const [headers, body] = splitHeaders(raw.replace(/\r\n/g, '\n'));
  headers.subject = decodeWords(headers.subject ?? '');
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  const parts = boundary === undefined ? [body] : body.split(`--${boundary}`).slice(1, -1);
  let text = '';
  let html = '';
  for (const part of parts) {
    const [partHeaders, partBody] = splitHeaders(part.replace(/^\n/, ''));
    const decoded = decodeBody(partHeaders, partBody.replace(/\n$/, ''));
    if ((partHeaders['content-type'] ?? '').startsWith('text/html')) html = decoded;
    else text = decoded;
  }
  return { headers, text, html };
}
