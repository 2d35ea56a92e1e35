export {
  API_KEY_SHA256_ENV,
  MAX_API_KEY_LENGTH,
  MIN_API_KEY_LENGTH,
  digestsOfKeys,
  isValidKey,
  parseKeyDigests,
  presentedKey,
  sha256Hex,
} from "./apiKeys.js";
export { ApiKeyConfigError, UnauthorizedError } from "./errors.js";
