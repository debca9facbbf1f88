declare module 'asl-validator' {
  /** asl-validator ships no types; this is the part of its API the tests use. */
  export default function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: unknown[]; errorsText(separator?: string): string };
}
