/** Status conditions (Kubernetes style): set one, keeping lastTransitionTime when the status did not change. */

/** Condition types of a role. */
/** Every condition type, in the order status lists them. */
export const CONDITION_TYPES = [
  'Ready',
  'Reconciling',
  'Stalled',
  'Drifted',
  'SecretsMissing',
  'DiscoveryUnavailable',
  'Held',
] as const;

/** One condition's type. */
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** One condition. */
export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** Return the list with `next` set (pure). */
export function setCondition(
  list: readonly Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  nowIso: string,
): Condition[] {
  const prev = list.find((c) => c.type === next.type);
  const merged: Condition = {
    ...next,
    lastTransitionTime: prev && prev.status === next.status ? prev.lastTransitionTime : nowIso,
  };
  const order: readonly ConditionType[] = CONDITION_TYPES;
  return [...list.filter((c) => c.type !== next.type), merged].sort(
    (a, b) => order.indexOf(a.type) - order.indexOf(b.type),
  );
}
