/** Reads server-action forms out of admin pages and replays them the way a browser without JavaScript posts. */
import { decodeEntities, type CookieJar } from '../support/http-session';

export interface ActionForm {
  /** Every field a browser would submit (React's $ACTION_* fields, hidden inputs, checked boxes, text values). */
  fields: Array<[string, string]>;
  /** The server action's id, from `$ACTION_ID_<id>` or the `$ACTION_n:0` reference. */
  actionId: string;
}

/** The server-action forms of a page, in document order. */
export function actionForms(html: string): ActionForm[] {
  const forms: ActionForm[] = [];
  for (const match of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)) {
    const fields: Array<[string, string]> = [];
    for (const tag of match[1].match(/<input\b[^>]*>/g) ?? []) {
      const name = /\bname="([^"]*)"/.exec(tag)?.[1];
      if (!name) continue;
      const type = /\btype="([^"]*)"/.exec(tag)?.[1] ?? 'text';
      if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(tag)) continue;
      if (type === 'file') continue;
      fields.push([
        decodeEntities(name),
        decodeEntities(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? (type === 'checkbox' ? 'on' : '')),
      ]);
    }
    const idField = fields.find(([n]) => n.startsWith('$ACTION_ID_'))?.[0].slice('$ACTION_ID_'.length);
    const ref = fields.find(([n]) => /^\$ACTION_\d+:0$/.test(n))?.[1];
    const actionId = idField ?? (ref ? (JSON.parse(ref) as { id: string }).id : undefined);
    if (actionId) forms.push({ fields, actionId });
  }
  return forms;
}

/** The first form whose fields include every `name=value` given; throws naming the page (`where`) when none does. */
export function formWithFields(forms: ActionForm[], fields: Record<string, string>, where: string): ActionForm {
  const form = forms.find((f) =>
    Object.entries(fields).every(([n, v]) => f.fields.some(([fn, fv]) => fn === n && fv === v)),
  );
  if (!form) throw new Error(`no form with ${JSON.stringify(fields)} on ${where}`);
  return form;
}

/** The first form whose own fields (React's $ACTION_* aside) are exactly `names`, in order; throws naming `where`. */
export function formWithOnlyFields(forms: ActionForm[], names: string[], where: string): ActionForm {
  const own = (f: ActionForm) => f.fields.filter(([n]) => !n.startsWith('$ACTION')).map(([n]) => n);
  const form = forms.find((f) => own(f).join() === names.join());
  if (!form) throw new Error(`no form with exactly the fields ${names.join(', ')} on ${where}`);
  return form;
}

/** Calls a server action as React does (callAction) and answers the response text; throws unless it answered 200. */
export async function callActionText(
  baseUrl: string,
  path: string,
  actionId: string,
  cookie: string,
  fields: Record<string, string | string[]>,
): Promise<string> {
  const res = await callAction(baseUrl, path, actionId, cookie, fields);
  if (res.status !== 200) throw new Error(`POST ${path} answered ${res.status}`);
  return res.text();
}

export async function loadActionForms(baseUrl: string, path: string, jar: CookieJar): Promise<ActionForm[]> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { cookie: jar.header() }, redirect: 'manual' });
  if (res.status !== 200) throw new Error(`GET ${path} as admin answered ${res.status}`);
  return actionForms(await res.text());
}

/** Posts a form (multipart) to `path` with the given cookies; `overrides` replace or add fields. */
export async function postActionForm(
  baseUrl: string,
  path: string,
  form: ActionForm,
  cookie: string | undefined,
  overrides: Record<string, string | string[] | Blob> = {},
): Promise<Response> {
  const body = new FormData();
  for (const [name, value] of form.fields) if (!(name in overrides)) body.append(name, value);
  for (const [name, value] of Object.entries(overrides)) {
    if (Array.isArray(value)) for (const v of value) body.append(name, v);
    else if (value instanceof Blob) body.append(name, value, 'upload.csv');
    else body.append(name, value);
  }
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { ...(cookie ? { cookie } : {}), origin: baseUrl },
  });
}

/**
 * Calls a server action the way React does after hydration: POST to the page with the `Next-Action`
 * header and the arguments `(prevState, formData)` in React's reply encoding (the FormData argument's
 * entries carry the `_1_` prefix and are referenced as "$K1").
 */
export async function callAction(
  baseUrl: string,
  path: string,
  actionId: string,
  cookie: string | undefined,
  fields: Record<string, string | string[] | Blob>,
): Promise<Response> {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const v of value) body.append(`_1_${name}`, v);
    else if (value instanceof Blob) body.append(`_1_${name}`, value, 'upload.csv');
    else body.append(`_1_${name}`, value);
  }
  // The root goes last, as React sends it: the server resolves it as soon as it arrives.
  body.append('0', JSON.stringify([null, '$K1']));
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { 'next-action': actionId, accept: 'text/x-component', origin: baseUrl, ...(cookie ? { cookie } : {}) },
  });
}
