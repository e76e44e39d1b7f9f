// CSV for the tests of the report's files and of imports: a strict
// RFC 4180 reader (it fails on what a spreadsheet would misread) and a
// writer as Excel saves UTF-8 CSV (BOM, CRLF, minimal quoting).
import assert from 'node:assert/strict';

// RFC 4180, strictly: a quote inside a quoted field is doubled; rows end in CRLF.
export function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    assert.ok(ch !== '\n' && ch !== '\r', `bare line break at ${i}`);
    field += ch; i++;
  }
  assert.equal(field, '', 'the last row ends in CRLF');
  return rows;
}

const cell = (s) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
export const toCsv = (rows) => '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
