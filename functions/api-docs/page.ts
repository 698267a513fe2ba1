/**
 * The OpenAPI document as one HTML page: every route grouped by capability, with its roles, parameters,
 * request body and responses (schemas folded under <details>). Plain HTML and inline CSS, no script: the
 * page needs nothing but itself. Labels are Vietnamese first, English alongside.
 */

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: unknown;
}
interface Content {
  content?: Record<string, { schema?: unknown }>;
}
interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  'x-roles': string[];
  'x-rate-limit'?: string;
  parameters?: Parameter[];
  requestBody?: Content;
  responses: Record<string, Content & { description: string }>;
}
export interface ApiDocument {
  info: { title: string; version: string; description: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A `$ref` reads as the component's name; anything else as indented JSON. */
function schemaBlock(schema: unknown): string {
  if (schema === undefined || (typeof schema === 'object' && schema && Object.keys(schema).length === 0)) return '';
  const text = JSON.stringify(schema, null, 2).replace(/\{\s*"\$ref": "#\/components\/schemas\/(\w+)"\s*\}/g, '$1');
  return `<details><summary>Lược đồ / Schema</summary><pre>${escapeHtml(text)}</pre></details>`;
}

function contentBlock(c: Content | undefined): string {
  return Object.entries(c?.content ?? {})
    .map(([type, { schema }]) => `<div><code>${escapeHtml(type)}</code>${schemaBlock(schema)}</div>`)
    .join('');
}

function operationBlock(method: string, path: string, op: Operation): string {
  const roles = op['x-roles'].length
    ? op['x-roles'].map((r) => `<code>${escapeHtml(r)}</code>`).join(' ')
    : '<em>công khai / public</em>';
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? 'bắt buộc / required' : 'tuỳ chọn / optional'}</td><td>${schemaBlock(p.schema)}</td></tr>`,
    )
    .join('');
  const responses = Object.entries(op.responses)
    .map(
      ([status, r]) => `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(r.description)}${contentBlock(r)}</li>`,
    )
    .join('');
  return `<section class="op" id="${escapeHtml(op.operationId)}">
<h3><span class="m ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)}</p>
<p>Vai trò / Roles: ${roles}${op['x-rate-limit'] ? ` · giới hạn tần suất / rate limited (${escapeHtml(op['x-rate-limit'])})` : ''}</p>
${params ? `<h4>Tham số / Parameters</h4><table>${params}</table>` : ''}
${op.requestBody ? `<h4>Nội dung gửi / Request body</h4>${contentBlock(op.requestBody)}` : ''}
<h4>Trả lời / Responses</h4><ul>${responses}</ul>
</section>`;
}

export function renderApiPage(doc: ApiDocument): string {
  const byTag = new Map<string, string[]>();
  let count = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationBlock(method, path, op)]);
      count++;
    }
  }
  const title = (tag: string) => doc.tags?.find((t) => t.name === tag)?.description ?? tag;
  const toc = [...byTag.keys()].map((t) => `<a href="#tag-${escapeHtml(t)}">${escapeHtml(title(t))}</a>`).join(' · ');
  const sections = [...byTag.entries()]
    .map(([tag, ops]) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(title(tag))}</h2>${ops.join('\n')}`)
    .join('\n');
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} — Tài liệu API / API reference</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1a1a1a;line-height:1.45}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}pre{background:#f4f4f4;padding:.5rem;overflow:auto}
.op{border-top:1px solid #ccc;padding:.5rem 0}.m{display:inline-block;min-width:4rem;font-weight:bold}
.get{color:#0a5}.post{color:#05a}.put{color:#a50}.delete{color:#a00}table{border-collapse:collapse}
td{border:1px solid #ddd;padding:.2rem .4rem;vertical-align:top}h4{margin:.5rem 0 .2rem}
</style>
</head>
<body>
<h1>${escapeHtml(doc.info.title)} — Tài liệu API / API reference</h1>
<p>${escapeHtml(doc.info.description)}</p>
<p>${count} tuyến / routes · <a href="/v1/openapi.json">openapi.json</a> (OpenAPI 3.1)</p>
<nav>${toc}</nav>
${sections}
</body>
</html>
`;
}
