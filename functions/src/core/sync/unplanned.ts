/**
 * The `default` of every switch over a planner's decisions: it type-checks only while every member
 * of the union has its case (a decision added to a planner without an executor for it does not
 * compile), and throws should an unchecked value reach it anyway.
 */
export function unplanned(decision: never): never {
  throw new Error(`no executor step for the decision ${JSON.stringify(decision)}`);
}
