import { DEMO_CREDENTIALS } from "./api-server.js";

/**
 * Environment for running the examples against the demo API: where it listens, and its well-known fake
 * credentials under the secret names the examples use (env vars are the first place secrets are looked up).
 */
export function demoEnv(url: string): Record<string, string> {
  return {
    DEMO_API_URL: url,
    CLIENT_ID: DEMO_CREDENTIALS.client_id,
    CLIENT_SECRET: DEMO_CREDENTIALS.client_secret,
    SECRET_KEY: DEMO_CREDENTIALS.client_secret,
    API_TOKEN: DEMO_CREDENTIALS.api_token,
    API_KEY: DEMO_CREDENTIALS.api_key,
  };
}
