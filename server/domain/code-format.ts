// How a code typed by a shopper becomes the string we display and the key we look up.
//
// Policy (one place, so generation, import and look-up agree):
// - Surrounding white space (any Unicode white space, including a pasted newline) is trimmed.
// - Inner space characters (U+0020, no-break space and other Unicode space separators)
//   are removed: "Summer 20" -> "SUMMER20".
// - Only ASCII a-z is upper-cased. Non-ASCII letters are NOT case-folded (e.g. "ß" would
//   upper-case to "SS" and "ı" to "I"), they are rejected, as are control characters,
//   tabs or newlines inside the code, zero-width characters and any other symbol.
// - Dashes are kept as entered in the display form ("SALE-AB12-CD34"), and removed in the
//   look-up key: "summer-20", " SUMMER20 " and "Summer 20" all have the key "SUMMER20".
//   So dashes are cosmetic grouping: two codes that differ only by dashes are the same
//   code, and uniqueness must be enforced on the key (the HMAC input).
// - Valid: 4 to 32 characters of [A-Z0-9-] in the display form, of which at least 4 are
//   letters or digits (so "----" or "A-B-C" is not a code).

export const MIN_CODE_LENGTH = 4;
export const MAX_CODE_LENGTH = 32;
/** Inputs longer than this are rejected before any processing (cheap guard against huge strings). */
export const MAX_RAW_CODE_INPUT_LENGTH = 256;

export const CODE_FORMAT_ERRORS = ["EMPTY", "INVALID_CHARACTERS", "TOO_SHORT", "TOO_LONG"] as const;
export type CodeFormatError = (typeof CODE_FORMAT_ERRORS)[number];

export const CODE_FORMAT_MESSAGES: Readonly<Record<CodeFormatError, string>> = {
  EMPTY: "Enter a code.",
  INVALID_CHARACTERS: "Codes contain only letters A-Z, digits 0-9 and dashes.",
  TOO_SHORT: `Codes have at least ${MIN_CODE_LENGTH} letters or digits.`,
  TOO_LONG: `Codes have at most ${MAX_CODE_LENGTH} characters.`,
};

export type ParsedCode =
  | { ok: true; code: string; key: string }
  | { ok: false; reason: "INVALID_FORMAT"; error: CodeFormatError; message: string };

const SPACE_SEPARATORS = /\p{Zs}/gu;
const ASCII_LOWER = /[a-z]+/g;
const CODE_CHARACTERS = /^[A-Z0-9-]+$/;
const DASHES = /-/g;

/**
 * Display form of a code: trimmed, inner spaces removed, ASCII upper-cased, dashes kept.
 * Never throws and does not validate (see parseCode); idempotent.
 */
export function normaliseCode(input: string): string {
  return input
    .trim()
    .replace(SPACE_SEPARATORS, "")
    .replace(ASCII_LOWER, (letters) => letters.toUpperCase());
}

function rejectCode(error: CodeFormatError): ParsedCode {
  return { ok: false, reason: "INVALID_FORMAT", error, message: CODE_FORMAT_MESSAGES[error] };
}

/** Normalises and validates a code; returns the display form and the look-up key, or why it is not a code. */
export function parseCode(input: string): ParsedCode {
  if (input.length > MAX_RAW_CODE_INPUT_LENGTH) return rejectCode("TOO_LONG");
  const code = normaliseCode(input);
  if (code.length === 0) return rejectCode("EMPTY");
  if (!CODE_CHARACTERS.test(code)) return rejectCode("INVALID_CHARACTERS");
  if (code.length > MAX_CODE_LENGTH) return rejectCode("TOO_LONG");
  const key = code.replace(DASHES, "");
  if (key.length < MIN_CODE_LENGTH) return rejectCode("TOO_SHORT");
  return { ok: true, code, key };
}

export function isValidCodeFormat(input: string): boolean {
  return parseCode(input).ok;
}

/**
 * The canonical string that is HMAC'd to look a code up: the normalised code without
 * dashes, or null when the input is not a well-formed code (answer INVALID_FORMAT).
 */
export function codeLookupKey(input: string): string | null {
  const parsed = parseCode(input);
  return parsed.ok ? parsed.key : null;
}
