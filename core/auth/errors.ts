import { AppError, ClientError } from "../errors.js";

/**
 * No API key, or not a valid one: the API answers 401 (with `www-authenticate: Bearer`).
 * The message says what to send and never repeats what was sent.
 */
export class UnauthorizedError extends ClientError {
  constructor(message: string) {
    super(401, "UNAUTHORIZED", message);
    this.name = "UnauthorizedError";
  }
}

/**
 * The configured keys are unusable (a malformed digest, a key with a comma). Not the
 * caller's fault: the API answers 500 and refuses every request until it is fixed.
 * The message never contains a key.
 */
export class ApiKeyConfigError extends AppError {
  constructor(message: string) {
    super("API_KEY_CONFIG", message);
    this.name = "ApiKeyConfigError";
  }
}
