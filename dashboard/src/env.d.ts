/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's base URL when the dashboard is not served by the API's own origin (the SST static site). */
  readonly VITE_API_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
