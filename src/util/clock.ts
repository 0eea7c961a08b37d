/** An injectable clock: production passes the system time, tests a fixed one. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
