export { parseSchedule } from "./parse.ts";
export { validateSchedule } from "./validate.ts";
export { nextFireTimes, cronTimes } from "./next.ts";
export { SCHEDULE_PROBLEM } from "./types.ts";
export type {
  CronSchedule,
  DayOfMonthSpec,
  DayOfWeekSpec,
  ParsedSchedule,
  RateSchedule,
  RateUnit,
  Schedule,
  ScheduleProblem,
  ScheduleProblemId,
} from "./types.ts";
