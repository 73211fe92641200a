import type { Metadata } from 'next';
import { API_OPERATIONS } from '@/lib/api/operations';
import { buildOpenApiDocument, tokenUrlOf } from '@/lib/api/openapi';
import { getConfig } from '@/lib/config';
import { SiteShell } from '@/components/ui/site-shell';
import { linkClass } from '@/components/admin/form-parts';

export const metadata: Metadata = { title: 'API reference · Studio Portal' };

type Json = Record<string, unknown>;

/** A schema as compact JSON, its `$ref`s resolved one level to their component names. */
function schemaText(schema: unknown): string {
  return JSON.stringify(schema, null, 2).replace(/"\$ref": "#\/components\/schemas\/(\w+)"/g, '"$ref": "$1"');
}

/** The /api/v1 reference for people: rendered on the server from the same OpenAPI document clients read. */
export default function ApiReferencePage() {
  const document = buildOpenApiDocument(API_OPERATIONS, {
    tokenUrl: tokenUrlOf(getConfig().cognito),
  }) as unknown as Json;
  const paths = document.paths as Record<string, Record<string, Json>>;
  const schemas = ((document.components as Json).schemas ?? {}) as Record<string, unknown>;
  const operations = Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
  const tags = [...new Set(operations.map((o) => (o.op.tags as string[])[0]))];
  return (
    <SiteShell width="wide">
      <article className="prose-sm space-y-8 py-6">
        <header>
          <h1 className="text-2xl font-semibold text-slate-900">Studio Portal API reference</h1>
          <p className="mt-2 max-w-3xl text-sm text-slate-700">{(document.info as Json).description as string}</p>
          <p className="mt-2 text-sm">
            Machine-readable:{' '}
            <a className={linkClass} href="/api/v1/openapi.json">
              /api/v1/openapi.json
            </a>{' '}
            (OpenAPI 3.1). Token endpoint for machine clients: <code>{tokenUrlOf(getConfig().cognito)}</code>.
          </p>
        </header>
        <nav aria-label="Resources">
          <ul className="flex flex-wrap gap-4 text-sm">
            {tags.map((t) => (
              <li key={t}>
                <a className={linkClass} href={`#${t}`}>
                  {t}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {tags.map((tag) => (
          <section key={tag} id={tag} aria-labelledby={`h-${tag}`} className="space-y-4">
            <h2 id={`h-${tag}`} className="text-xl font-semibold text-slate-900">
              {tag}
            </h2>
            {operations
              .filter((o) => (o.op.tags as string[])[0] === tag)
              .map(({ path, method, op }) => {
                const security = (op.security as Json[]).find((s) => 'machineClient' in s) as {
                  machineClient: string[];
                };
                const params = (op.parameters ?? []) as Json[];
                const body = ((op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.[
                  'application/json'
                ]?.schema;
                const responses = op.responses as Record<string, Json>;
                return (
                  <section
                    key={`${method} ${path}`}
                    aria-label={op.operationId as string}
                    className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
                  >
                    <h3 className="font-mono text-sm font-semibold text-slate-900">
                      {method.toUpperCase()} {path}
                    </h3>
                    <p className="mt-1 text-sm text-slate-700">{op.summary as string}</p>
                    {op.description ? <p className="mt-1 text-sm text-slate-600">{op.description as string}</p> : null}
                    <p className="mt-1 text-sm text-slate-600">
                      Machine clients need <code>{security.machineClient.join(' ')}</code>.
                    </p>
                    {params.length ? (
                      <ul className="mt-2 list-disc pl-5 text-sm">
                        {params.map((p) => (
                          <li key={`${p.in as string}-${p.name as string}`}>
                            <code>{p.name as string}</code> ({p.in as string}
                            {p.required ? ', required' : ''}){p.description ? `: ${p.description as string}` : ''}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                    {body ? (
                      <pre className="mt-2 overflow-x-auto rounded bg-slate-50 p-3 text-xs">{schemaText(body)}</pre>
                    ) : null}
                    <p className="mt-2 text-sm">Answers: {Object.keys(responses).join(', ')}.</p>
                  </section>
                );
              })}
          </section>
        ))}
        <section aria-labelledby="h-schemas" className="space-y-3">
          <h2 id="h-schemas" className="text-xl font-semibold text-slate-900">
            Schemas
          </h2>
          {Object.entries(schemas).map(([name, schema]) => (
            <details key={name} className="rounded border border-slate-200 bg-white p-3">
              <summary className="cursor-pointer font-mono text-sm">{name}</summary>
              <pre className="mt-2 overflow-x-auto text-xs">{schemaText(schema)}</pre>
            </details>
          ))}
        </section>
      </article>
    </SiteShell>
  );
}
