// Bulk generation of unique codes from an injected CSPRNG (the domain does no I/O).

import { MAX_CODE_LENGTH, normaliseCode } from "./code-format";

/** Upper-case letters and digits without the look-alikes 0 O 1 I L (31 characters). */
export const DEFAULT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const DEFAULT_CODE_LENGTH = 10;
export const MIN_RANDOM_LENGTH = 6;
export const MAX_RANDOM_LENGTH = 16;
export const MAX_CODES_PER_JOB = 1_000_000;
/** A pattern must offer at least this many possible codes per requested code, or codes become guessable. */
export const MIN_ENTROPY_FACTOR = 1_000;
/** In a pattern, each PATTERN_PLACEHOLDER is one random character; anything else is literal. */
export const PATTERN_PLACEHOLDER = "#";

/** Returns n bytes from a CSPRNG (e.g. node:crypto randomBytes, crypto.getRandomValues). */
export type RandomBytes = (n: number) => Uint8Array;

export type CodeGenerationOptions = {
  count: number;
  /** Random characters per code; with a pattern it defaults to (and must equal) the number of '#'. */
  length?: number;
  alphabet?: string;
  prefix?: string;
  suffix?: string;
  /** e.g. "SALE-####-####"; literals are code characters [A-Z0-9-], '#' is one random character. */
  pattern?: string;
};

export const CODE_GENERATION_ERRORS = [
  "INVALID_COUNT",
  "INVALID_LENGTH",
  "INVALID_ALPHABET",
  "INVALID_PATTERN",
  "INVALID_AFFIX",
  "CODE_TOO_LONG",
  "INSUFFICIENT_ENTROPY",
] as const;
export type CodeGenerationError = (typeof CODE_GENERATION_ERRORS)[number];

export type CodeGenerationFailure = { ok: false; error: CodeGenerationError; message: string };

/** A validated recipe: `template` is the whole code with one '#' per random character. */
export type CodeGenerationPlan = {
  count: number;
  alphabet: string;
  template: string;
  randomLength: number;
  /** Number of distinct codes the template can produce: alphabet.length ^ randomLength. */
  space: bigint;
};

const ALPHABET_CHARACTERS = /^[A-Z0-9]+$/;
const LITERAL_CHARACTERS = /^[A-Z0-9-]*$/;
const PATTERN_CHARACTERS = /^[A-Z0-9#-]+$/;
const RANDOM_CHUNK_BYTES = 16_384;
const MAX_FRUITLESS_CHUNKS = 64;

function fail(error: CodeGenerationError, message: string): CodeGenerationFailure {
  return { ok: false, error, message };
}

function countPlaceholders(pattern: string): number {
  let count = 0;
  for (const character of pattern) if (character === PATTERN_PLACEHOLDER) count += 1;
  return count;
}

function formatCount(value: bigint | number): string {
  return value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Refuses a code space under MIN_ENTROPY_FACTOR x count: with fewer possible codes,
 * a guesser would hit a live code too often. `length` or the '#' of `pattern` give
 * the random characters.
 */
export function checkEntropy(input: {
  count: number;
  length?: number;
  pattern?: string;
  alphabet?: string;
}): { ok: true; space: bigint } | CodeGenerationFailure {
  const alphabetSize = BigInt(new Set(input.alphabet ?? DEFAULT_CODE_ALPHABET).size);
  const randomLength =
    input.pattern === undefined ? (input.length ?? DEFAULT_CODE_LENGTH) : countPlaceholders(input.pattern);
  if (!Number.isSafeInteger(input.count) || input.count < 1) {
    return fail("INVALID_COUNT", "The number of codes must be a positive integer.");
  }
  if (!Number.isSafeInteger(randomLength) || randomLength < 0) {
    return fail("INVALID_LENGTH", "The code length must be a non-negative integer.");
  }
  const space = alphabetSize ** BigInt(randomLength);
  const required = BigInt(input.count) * BigInt(MIN_ENTROPY_FACTOR);
  if (space < required) {
    return fail(
      "INSUFFICIENT_ENTROPY",
      `${formatCount(space)} possible codes is less than ${formatCount(MIN_ENTROPY_FACTOR)}x the ${formatCount(input.count)} requested, ` +
        "so codes would be guessable. Use more random characters or a larger alphabet.",
    );
  }
  return { ok: true, space };
}

/** Validates generation options (limits, characters, total length, entropy) into a plan. */
export function planCodeGeneration(
  options: CodeGenerationOptions,
): ({ ok: true } & CodeGenerationPlan) | CodeGenerationFailure {
  const { count } = options;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_CODES_PER_JOB) {
    return fail("INVALID_COUNT", `The number of codes must be an integer from 1 to ${formatCount(MAX_CODES_PER_JOB)}.`);
  }

  const alphabet = options.alphabet ?? DEFAULT_CODE_ALPHABET;
  // Dashes and lower case are excluded: dashes are not part of the look-up key and case is folded,
  // so either would silently shrink the real code space below what the entropy check counted.
  if (!ALPHABET_CHARACTERS.test(alphabet) || new Set(alphabet).size !== alphabet.length || alphabet.length < 2) {
    return fail("INVALID_ALPHABET", "The alphabet must be at least 2 distinct characters of A-Z and 0-9.");
  }

  const prefix = normaliseCode(options.prefix ?? "");
  const suffix = normaliseCode(options.suffix ?? "");
  if (!LITERAL_CHARACTERS.test(prefix) || !LITERAL_CHARACTERS.test(suffix)) {
    return fail("INVALID_AFFIX", "A prefix or suffix may contain only letters A-Z, digits 0-9 and dashes.");
  }

  let body: string;
  if (options.pattern === undefined) {
    const length = options.length ?? DEFAULT_CODE_LENGTH;
    if (!Number.isSafeInteger(length) || length < MIN_RANDOM_LENGTH || length > MAX_RANDOM_LENGTH) {
      return fail(
        "INVALID_LENGTH",
        `The code length must be from ${MIN_RANDOM_LENGTH} to ${MAX_RANDOM_LENGTH} random characters.`,
      );
    }
    body = PATTERN_PLACEHOLDER.repeat(length);
  } else {
    body = normaliseCode(options.pattern);
    if (!PATTERN_CHARACTERS.test(body)) {
      return fail(
        "INVALID_PATTERN",
        "A pattern may contain only '#' (a random character), letters A-Z, digits 0-9 and dashes.",
      );
    }
    const placeholders = countPlaceholders(body);
    if (placeholders < MIN_RANDOM_LENGTH || placeholders > MAX_RANDOM_LENGTH) {
      return fail(
        "INVALID_PATTERN",
        `A pattern must have from ${MIN_RANDOM_LENGTH} to ${MAX_RANDOM_LENGTH} '#' (random characters).`,
      );
    }
    if (options.length !== undefined && options.length !== placeholders) {
      return fail(
        "INVALID_PATTERN",
        `The pattern has ${placeholders} random characters but the length is ${options.length}.`,
      );
    }
  }

  const template = `${prefix}${body}${suffix}`;
  if (template.length > MAX_CODE_LENGTH) {
    return fail(
      "CODE_TOO_LONG",
      `Codes have at most ${MAX_CODE_LENGTH} characters; prefix, pattern and suffix make ${template.length}.`,
    );
  }

  const randomLength = countPlaceholders(body);
  const entropy = checkEntropy({ count, length: randomLength, alphabet });
  if (!entropy.ok) return entropy;

  return { ok: true, count, alphabet, template, randomLength, space: entropy.space };
}

/**
 * Uniform random characters by rejection sampling: a byte is used only below the
 * largest multiple of the alphabet size that fits in 256, so `byte % size` has no
 * modulo bias. Bytes are drawn in chunks to keep the CSPRNG calls few.
 */
function createCharacterPicker(alphabet: string, randomBytes: RandomBytes): () => string {
  const size = alphabet.length;
  const limit = 256 - (256 % size);
  let buffer: Uint8Array = new Uint8Array(0);
  let position = 0;
  return () => {
    let fruitlessChunks = 0;
    for (;;) {
      while (position < buffer.length) {
        const byte = buffer[position] ?? 0;
        position += 1;
        if (byte < limit) return alphabet.charAt(byte % size);
      }
      if (fruitlessChunks >= MAX_FRUITLESS_CHUNKS) {
        throw new Error("The random source keeps returning unusable bytes; refusing to loop forever.");
      }
      buffer = randomBytes(RANDOM_CHUNK_BYTES);
      if (buffer.length < RANDOM_CHUNK_BYTES) {
        throw new Error(`The random source returned ${buffer.length} bytes, ${RANDOM_CHUNK_BYTES} were requested.`);
      }
      position = 0;
      fruitlessChunks += 1;
    }
  };
}

/**
 * Lazily yields random codes of a plan, forever and without de-duplication
 * (for streaming into the database in batches; the unique index drops collisions).
 */
export function* streamCodes(plan: CodeGenerationPlan, randomBytes: RandomBytes): Generator<string, never, undefined> {
  const pickCharacter = createCharacterPicker(plan.alphabet, randomBytes);
  for (;;) {
    let code = "";
    for (const character of plan.template) {
      code += character === PATTERN_PLACEHOLDER ? pickCharacter() : character;
    }
    yield code;
  }
}

/**
 * `count` distinct codes (display form; their look-up keys are distinct too, since the
 * dashes sit at fixed places). Duplicates drawn within the batch are regenerated; across
 * batches and jobs the database's unique key decides (ON CONFLICT DO NOTHING + regenerate).
 */
export function generateCodes(
  options: CodeGenerationOptions,
  randomBytes: RandomBytes,
): { ok: true; codes: string[]; plan: CodeGenerationPlan } | CodeGenerationFailure {
  const planned = planCodeGeneration(options);
  if (!planned.ok) return planned;
  const { ok: _ok, ...plan } = planned;

  const unique = new Set<string>();
  const stream = streamCodes(plan, randomBytes);
  // The space is >= 1000x count, so a draw repeats with probability < 1/1000; far more repeats
  // than that means the random source is broken (e.g. constant), not unlucky.
  const maxDraws = plan.count * 2 + 100;
  for (let draws = 0; unique.size < plan.count; draws += 1) {
    if (draws >= maxDraws) throw new Error("The random source keeps repeating codes; refusing to loop forever.");
    unique.add(stream.next().value);
  }
  return { ok: true, codes: [...unique], plan };
}
