// Patterns of the identifiers the API accepts in paths and bodies. Each is exported as a string
// (for JSON schema `pattern`, which Ajv compiles with the `u` flag); those that code outside the
// schemas checks values against are also exported as a RegExp built from it.
// Every pattern is anchored and excludes `*`, `<`, `>` and `/`, which is what makes a validated
// value safe to put into a scope or a URL.

/** workerType, provisionerId and AMI set id: 1 to 38 letters, digits, `-` or `_`. */
export const IDENTIFIER_PATTERN = '^[a-zA-Z0-9-_]{1,38}$';
export const PROVISIONER_ID_PATTERN = IDENTIFIER_PATTERN;

/**
 * A slugid v4 (secret tokens): 22 characters of URL-safe base64 of a random UUID, whose
 * version nibble (4) and variant bits (10) fix the 9th, 11th and last characters' ranges.
 */
export const SLUGID_PATTERN = '^[A-Za-z0-9_-]{8}[Q-T][A-Za-z0-9_-][CGKOSWaeimquy26-][A-Za-z0-9_-]{10}[AQgw]$';

/** An EC2 instance id, in the old 8-hex and the current 17-hex form. */
export const INSTANCE_ID_PATTERN = '^i-([a-fA-F0-9]{8}|[a-fA-F0-9]{17})$';

/**
 * An AWS region name such as `us-east-1`, `us-gov-west-1`, `ap-southeast-2` or `us-isob-east-1`:
 * a 2 to 4 letter partition prefix, one or more lowercase words, and a number. Zone names
 * (`us-east-1a`) do not match.
 */
export const REGION_PATTERN = '^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$';

export const IDENTIFIER_REGEXP = new RegExp(IDENTIFIER_PATTERN, 'u');
export const REGION_REGEXP = new RegExp(REGION_PATTERN, 'u');
