import { api } from "./api";

/**
 * The dashboard as a static site (S3 + CloudFront). The build runs at deploy time, from the
 * repository root (the dashboard imports the API's schemas from core/), with the API's URL
 * baked in: the page calls the API cross-origin (CORS in infra/api.ts).
 */
export const dashboard = new sst.aws.StaticSite("Dashboard", {
  path: ".",
  build: { command: "npm run build:dashboard", output: "dashboard/dist" },
  environment: { VITE_API_URL: api.url },
  // `sst dev` would start a Vite dev server per developer; the one-machine stack serves the dashboard instead.
  dev: false,
});
