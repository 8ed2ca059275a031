/**
 * How long a task whose repository is busy waits before it is looked at again: `base`
 * spread over ±50 %. Without the spread, tasks that found the lease taken at the same
 * moment (a burst) come back at the same moment, one wins and the rest wait a whole
 * `base` again: each repository then runs one task per `base`, however short the tasks.
 */
export function busyDelay(base: number, random: () => number = Math.random): number {
  return Math.round(base * (0.5 + random()));
}
