/** Status conditions (Kubernetes style): set one, keeping lastTransitionTime when the status did not change. */

/** Condition types of a role. */
export type ConditionType = 'Ready' | 'Reconciling' | 'Stalled' | 'Drifted' | 'SecretsMissing' | 'DiscoveryUnavailable' | 'Held';

/** One condition. */
export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** Return the list with `next` set (pure). */
export function setCondition(list: readonly Condition[], next: Omit<Condition, 'lastTransitionTime'>, nowIso: string): Condition[] {
  const prev = list.find((c) => c.type === next.type);
  const merged: Condition = { ...next, lastTransitionTime: prev && prev.status === next.status ? prev.lastTransitionTime : nowIso };
  const order: ConditionType[] = ['Ready', 'Reconciling', 'Stalled', 'Drifted', 'SecretsMissing', 'DiscoveryUnavailable', 'Held'];
  return [...list.filter((c) => c.type !== next.type), merged].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}
