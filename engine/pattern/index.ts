export { matchesPattern } from "./match.ts";
export { validatePattern, patternProblems, formatPatternPath, OPERATORS, PROBLEM_CODES } from "./validate.ts";
export type { PatternProblem, PatternPath, ProblemCode } from "./validate.ts";
export { createRouter } from "./router.ts";
export type { Router } from "./router.ts";
export type { EventPattern } from "./compile.ts";
