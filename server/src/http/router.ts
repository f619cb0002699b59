import { isValidName } from '../models/names';

/** What a request path asks for. Names stay raw (never URL-decoded): only the strict pattern gets through. */
export type Route =
  | { readonly kind: 'live' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'server' }
  | { readonly kind: 'model'; readonly model: string; readonly version?: string }
  | { readonly kind: 'modelReady'; readonly model: string; readonly version?: string }
  | { readonly kind: 'infer'; readonly model: string; readonly version?: string }
  | { readonly kind: 'badName'; readonly what: 'model name' | 'model version'; readonly value: string }
  | { readonly kind: 'notFound' };

const METHODS: Record<Route['kind'], 'GET' | 'POST' | undefined> = {
  live: 'GET',
  ready: 'GET',
  server: 'GET',
  model: 'GET',
  modelReady: 'GET',
  infer: 'POST',
  badName: undefined,
  notFound: undefined,
};

/** The one method a route answers; undefined for routes that are errors whatever the method. */
export const methodOf = (route: Route) => METHODS[route.kind];

export function route(url: string): Route {
  const path = url.split('?')[0];
  const s = path.split('/');
  if (s[0] !== '' || s[1] !== 'v2') return { kind: 'notFound' };
  if (s.length === 2) return { kind: 'server' };
  if (s.length === 4 && s[2] === 'health' && s[3] === 'live') return { kind: 'live' };
  if (s.length === 4 && s[2] === 'health' && s[3] === 'ready') return { kind: 'ready' };
  if (s[2] !== 'models' || s.length < 4) return { kind: 'notFound' };
  const model = s[3];
  if (!isValidName(model)) return { kind: 'badName', what: 'model name', value: model };
  let rest = s.slice(4);
  let version: string | undefined;
  if (rest[0] === 'versions') {
    if (rest.length < 2) return { kind: 'notFound' };
    version = rest[1];
    if (!isValidName(version)) return { kind: 'badName', what: 'model version', value: version };
    rest = rest.slice(2);
  }
  const v = version === undefined ? {} : { version };
  if (rest.length === 0) return { kind: 'model', model, ...v };
  if (rest.length === 1 && rest[0] === 'ready') return { kind: 'modelReady', model, ...v };
  if (rest.length === 1 && rest[0] === 'infer') return { kind: 'infer', model, ...v };
  return { kind: 'notFound' };
}
