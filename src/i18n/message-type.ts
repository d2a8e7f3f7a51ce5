/**
 * The type every other language's area file must have: the English file's keys and parameters, each returning a
 * plain `string` (TypeScript would otherwise infer the English literals as the only allowed results).
 */
export type SameMessages<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => string ? (...args: A) => string : never;
};
