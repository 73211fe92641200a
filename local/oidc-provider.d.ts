// oidc-provider ships no type declarations; the stand-in only needs a loose shape.
declare module 'oidc-provider' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export type Configuration = Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export type KoaContextWithOIDC = any;
  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    [key: string]: any;
  }
}
