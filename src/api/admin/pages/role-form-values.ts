/** What the role form holds and the errors shown beside its fields. */

/** What the form holds (as typed by the user, so a rejected form comes back unchanged). */
export interface RoleFormValues {
  name: string;
  model: string;
  skills: string[];
  mcp: string;
  context: string;
  thinking: boolean;
  yolo: boolean;
  drift: string;
  description: string;
  /** The generation the form was loaded at (edit only): a concurrent change is reported, not overwritten. */
  expectedGeneration?: number;
}

/** Field name → message; `form` for errors that belong to no single field. */
export type FormErrors = Partial<Record<keyof RoleFormValues | 'form', string>>;
