// What the demo's own check of the sandbox world found wrong (src/demo/verdict.ts), as facts the catalog words.
export type WorldProblem =
  | { code: 'unverified' }
  | { code: 'no_mapping'; instance: string }
  | { code: 'still_primary'; ip: string; entry: string }
  /** `now`: each entry of the EIP as "entry → IP (status)". */
  | { code: 'not_on_eni'; eip: string; instance: string; now: string[] }
  | { code: 'no_snat'; instance: string }
  | { code: 'egress'; instance: string; egress?: string; snat: string }
  | { code: 'rdp'; target: string; answered?: string }
  | { code: 'ssh'; target: string; answered?: string; expected: string }
  | { code: 'engine_egress'; observed?: string; snat: string };
